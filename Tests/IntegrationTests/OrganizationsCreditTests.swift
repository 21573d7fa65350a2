import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import OrganizationsDomain
import OrganizationsService
import Testing

@Suite("Organizations: credit lists (令60号) and penalties")
struct OrganizationsCreditTests {
    typealias Bureau = OrgBureau

    /// Listed for a missing annual report, fixed, removed (late: the 5 working days ran across
    /// 国庆 to the make-up Saturday 10-10), then a fine of 6 万 puts it on the serious list.
    @Test func listedFixedRemovedAndThenSeriouslyListedForALargeFine() async throws {
        let bureau = try Bureau.open(today: "2026-10-20")
        let h = bureau.handler
        let go = try await bureau.register()
        func event(_ on: String, _ event: Civic_Organizations_V1_RecordCreditEventRequest.OneOf_Event) async throws -> Civic_Organizations_V1_CreditStatus {
            try await h.recordCreditEvent(
                .with {
                    $0.organizationID = go.id; $0.on = on; $0.event = event
                }, context: bureau.context()
            ).status
        }
        let listed = try await event(
            "2026-06-02",
            .abnormalGround(
                .with {
                    $0.ground = .noAnnualReport; $0.evidence = "2025年度工作报告逾期未报"; $0.document = "文民异〔2026〕1号"
                }))
        #expect(listed.abnormal.enteredOn == "2026-06-02")
        #expect(listed.abnormal.grounds.map { "\($0.id) \($0.ground) \($0.open)" } == ["g1 no_annual_report true"])
        let noEvidence = await domainRefusal {
            _ = try await event(
                "2026-06-03",
                .abnormalGround(
                    .with {
                        $0.ground = .otherAbnormal; $0.document = "x"
                    }))
        }
        #expect(noEvidence?.problems == ["evidence REQUIRED"])
        let byHand = await domainRefusal {
            _ = try await event(
                "2026-06-03",
                .abnormalGround(
                    .with {
                        $0.ground = .minorPenalty; $0.evidence = "x"; $0.document = "x"
                    }))
        }
        #expect(byHand?.problems == ["ground DERIVED"])

        var lists = try await h.listCreditListings(.with { $0.list = .abnormal }, context: bureau.context())
        #expect(lists.listed.map(\.organizationID) == [go.id])
        let published = try await h.listPublicCreditListings(.with { $0.list = .abnormal }, context: bureau.context(nil))
        #expect(published.listed.map(\.creditCode) == [go.creditCode])
        #expect(published.listed.first?.listing.grounds.first?.evidence == "")

        let stillOpen = await domainRefusal { _ = try await event("2026-09-01", .abnormalRemoved(.with { $0.document = "文民移〔2026〕1号" })) }
        #expect(stillOpen?.kind == .failedPrecondition)
        let fixed = try await event(
            "2026-09-28",
            .fixVerified(
                .with {
                    $0.groundID = "g1"; $0.note = "已补报"
                }))
        #expect((fixed.abnormal.removalDue, fixed.abnormal.removalOverdue) == ("2026-10-10", true))
        let removed = try await event("2026-10-20", .abnormalRemoved(.with { $0.document = "文民移〔2026〕1号" }))
        #expect(!removed.hasAbnormal)
        lists = try await h.listCreditListings(.with { $0.list = .abnormal }, context: bureau.context())
        #expect(lists.listed.isEmpty)
        // As it stood on 1 September.
        let then = try await h.getCreditStatus(
            .with {
                $0.organizationID = go.id; $0.asOf = "2026-09-01"
            }, context: bureau.context()
        ).status
        #expect(then.hasAbnormal)

        let fined = try await h.recordPenalty(
            .with {
                $0.organizationID = go.id; $0.on = "2026-10-20"
                $0.penalty = .with {
                    $0.kind = .fine; $0.amountFen = 6_000_000; $0.decidedOn = "2026-10-15"; $0.document = "文民罚〔2026〕9号"; $0.authority = "文峰区民政局"
                }
            }, context: bureau.context()
        ).status
        #expect(fined.penalties.map { "\($0.id) \($0.kind) \($0.amountFen) \($0.executedOn)" } == ["p4 fine 6000000 "])
        #expect(fined.serious.enteredOn == "2026-10-20")
        #expect(fined.serious.grounds.map(\.ground) == ["large_fine"])
        #expect(try await h.listCreditListings(.with { $0.list = .serious }, context: bureau.context()).listed.map(\.organizationID) == [go.id])
        let paid = try await h.recordPenaltyExecution(
            .with {
                $0.organizationID = go.id; $0.penaltyID = "p4"; $0.on = "2026-10-20"
            }, context: bureau.context()
        ).status
        #expect(paid.penalties.map(\.executedOn) == ["2026-10-20"])
        // The body reads its own status; another county's staff does not.
        let itself = Principal(id: "key-go", roles: [.operator], services: ["organizations"], subject: go.creditCode)
        #expect(try await h.getCreditStatus(.with { $0.organizationID = go.id }, context: bureau.context(itself)).status.hasSerious)
        let outside = await domainRefusal { _ = try await h.getCreditStatus(.with { $0.organizationID = go.id }, context: bureau.context(Bureau.neighbour)) }
        #expect(outside?.kind == .permissionDenied)
    }
}
