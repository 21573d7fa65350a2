import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import OrganizationsDomain
import OrganizationsService
import Testing

@Suite("Organizations: 年检")
struct OrganizationsAnnualInspectionTests {
    typealias Bureau = OrgBureau

    /// The report on 2025: the body hands it to its sponsor, the sponsor reviews it, the registrar
    /// receives it (late, after 31 May) and concludes; the lists and the tally follow on each day.
    @Test func aReportFromTheBodyThroughItsSponsorToTheConclusion() async throws {
        let bureau = try Bureau.open(today: "2026-06-10")
        let h = bureau.handler
        let go = try await bureau.register()
        var chamber = Bureau.goAssociation()
        chamber.creditCode = Bureau.code("51410502MJ0000104")
        chamber.name = "安阳市文峰区餐饮行业协会"
        chamber.sponsor = ""
        chamber.directlyRegistrable = true
        chamber.legalRepresentativeID = ""
        chamber.registeredOn = "2025-08-01"
        let late = try await bureau.register(chamber)
        let itself = Principal(id: "key-go", roles: [.operator], services: ["organizations"], subject: go.creditCode)

        // Before anything is filed: both owe, the directly registrable one was registered in the
        // second half of 2025 and owes nothing for it.
        let before = try await h.listAnnualInspections(.with { $0.year = 2025 }, context: bureau.context())
        #expect(
            before.standings.map { "\($0.organizationID) \($0.status) \($0.exemption)" } == [
                "\(go.id) overdue ", "\(late.id) notOwed registered_in_second_half",
            ])
        #expect((before.tally.owed, before.tally.exempt, before.tally.overdue) == (1, 1, 1))

        // The registrar will not take it before the sponsor's review.
        let tooSoon = await domainRefusal {
            _ = try await h.submitAnnualReport(
                .with {
                    $0.organizationID = go.id; $0.year = 2025; $0.stage = .registrar; $0.submittedBy = "李明"; $0.documents = ["年度工作报告书"]
                }, context: bureau.context())
        }
        #expect(tooSoon?.problems == ["sponsor_review REQUIRED"])
        let toSponsor = try await h.submitAnnualReport(
            .with {
                $0.organizationID = go.id; $0.year = 2025; $0.stage = .sponsor; $0.submittedOn = "2026-03-20"; $0.submittedBy = "李明"
                $0.documents = ["年度工作报告书", "财务会计报告"]
            }, context: bureau.context(itself)
        ).annualInspection
        #expect((toSponsor.id, toSponsor.sponsorSubmission.receivedBy, toSponsor.sponsorDueOn) == ("N000001", "online", "2026-03-31"))
        // Only its sponsor reviews it; another body's key cannot file for it.
        let notTheSponsor = Principal(id: "key-culture", roles: [.department], services: ["organizations"], subject: "文峰区文化局")
        let refused = await domainRefusal {
            _ = try await h.reviewAnnualReport(
                .with {
                    $0.organizationID = go.id; $0.year = 2025
                }, context: bureau.context(notTheSponsor))
        }
        #expect(refused?.kind == .permissionDenied)
        let otherBody = Principal(id: "key-x", roles: [.operator], services: ["organizations"], subject: late.creditCode)
        let notItself = await domainRefusal {
            _ = try await h.submitAnnualReport(
                .with {
                    $0.organizationID = go.id; $0.year = 2025; $0.stage = .sponsor; $0.submittedBy = "x"; $0.documents = ["x"]
                }, context: bureau.context(otherBody))
        }
        #expect(notItself?.kind == .permissionDenied)
        _ = try await h.reviewAnnualReport(
            .with {
                $0.organizationID = go.id; $0.year = 2025; $0.reviewedOn = "2026-03-28"; $0.opinion = "同意报送"
            }, context: bureau.context(Bureau.sports))
        let received = try await h.submitAnnualReport(
            .with {
                $0.organizationID = go.id; $0.year = 2025; $0.stage = .registrar; $0.submittedOn = "2026-06-02"; $0.submittedBy = "李明"
                $0.documents = ["年度工作报告书"]
            }, context: bureau.context()
        ).annualInspection
        #expect((received.status, received.registrarDueOn, received.sponsorReviewedBy) == (.receivedLate, "2026-05-31", "文峰区体育局"))
        let noGrounds = await domainRefusal {
            _ = try await h.concludeAnnualInspection(
                .with {
                    $0.organizationID = go.id; $0.year = 2025; $0.result = .basicallyQualified
                }, context: bureau.context())
        }
        #expect(noGrounds?.problems == ["note REQUIRED"])
        let concluded = try await h.concludeAnnualInspection(
            .with {
                $0.organizationID = go.id; $0.year = 2025; $0.result = .basicallyQualified; $0.note = "会员大会未按期召开"
            }, context: bureau.context()
        ).annualInspection
        #expect((concluded.result, concluded.concludedOn) == (.basicallyQualified, "2026-06-10"))
        let twice = await domainRefusal {
            _ = try await h.concludeAnnualInspection(
                .with {
                    $0.organizationID = go.id; $0.year = 2025; $0.result = .qualified
                }, context: bureau.context())
        }
        #expect(twice?.problems == ["conclusion ALREADY_CONCLUDED"])

        let after = try await h.listAnnualInspections(
            .with {
                $0.year = 2025; $0.status = .receivedLate
            }, context: bureau.context())
        #expect(after.standings.map { "\($0.organizationID) \($0.daysPastDue) \($0.result)" } == ["\(go.id) 2 basicallyQualified"])
        #expect((after.tally.receivedLate, after.tally.basicallyQualified, after.tally.overdue) == (1, 1, 0))
        // The sponsor lists its own bodies; the body reads its own record.
        #expect(try await h.listAnnualInspections(.with { $0.year = 2025 }, context: bureau.context(Bureau.sports)).standings.map(\.organizationID) == [go.id])
        #expect(
            try await h.getAnnualInspection(
                .with {
                    $0.organizationID = go.id; $0.year = 2025
                }, context: bureau.context(itself)
            ).annualInspection.note == "会员大会未按期召开")
        let thisYear = await domainRefusal {
            _ = try await h.getAnnualInspection(
                .with {
                    $0.organizationID = go.id; $0.year = 2026
                }, context: bureau.context())
        }
        #expect(thisYear?.problems == ["year OUT_OF_RANGE"])
        let history = try await h.getHistory(.with { $0.id = go.id }, context: bureau.context()).entries.map(\.action)
        #expect(
            history.suffix(4) == ["annual_report_sponsor", "annual_report_sponsor_review", "annual_report_registrar", "annual_inspection_basically_qualified"])
    }
}
