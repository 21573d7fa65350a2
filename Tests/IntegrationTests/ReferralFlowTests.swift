import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging
import Testing

/// organizations → enforcement and assistance → enforcement (docs/FLOWS.md §4.5, §4.6): what the
/// producer writes to its outbox in the change's transaction, delivered as its dispatcher would
/// (the envelope built from the stored message) to enforcement's Flows, which makes one lead.
@Suite("Flows: referrals to enforcement")
struct ReferralFlowTests {
    /// Every pending message of `producer`'s outbox, as envelopes.
    static func outbox(_ database: any DatabaseWriter, producer: String) async throws -> [Civic_Flows_V1_Envelope] {
        try await database.read { db in try Outbox.list(db, state: .pending, limit: 100) }.map { Civic_Flows_V1_Envelope($0, producer: producer) }
    }

    /// Enforcement's Flows on its bureau, and the sealed context a producer's dispatcher delivers with.
    static func enforcement(_ bureau: EnforcementBureau, from producer: String) -> (FlowsHandler, RPCContext) {
        let flows = FlowsHandler(service: "enforcement", database: bureau.database, appliers: bureau.handler.flowAppliers)
        let sealed = RPCContext(
            method: "", metadata: [MetadataKey.principal: Principal(id: "service:\(producer)", roles: [.service], subject: producer).encoded],
            deadline: nil, logger: Logger(label: "test"))
        return (flows, sealed)
    }

    static func staff(of division: String) -> Principal {
        Principal(id: "key-\(division)", roles: [.staff], services: ["enforcement"], division: division)
    }

    /// A case closed 取缔 at organizations becomes one lead against the unregistered body, named
    /// only; a registered body's violation referred by staff becomes one lead against its credit
    /// code; the same reference again sends nothing; bad referrals are refused and change nothing.
    @Test func organizationsReferBannedBodiesAndViolations() async throws {
        let org = try OrgBureau.open()
        let h = org.handler
        let go = try await org.register()
        _ = try await h.recordTipOff(OrganizationsIllegalTests.tipOff("安阳市文峰区围棋学会"), context: org.context())
        _ = try await h.startIllegalCaseVerification(
            .with {
                $0.id = "I000001"; $0.on = "2026-09-03"
            }, context: org.context())
        _ = try await h.addIllegalCaseEvidence(
            .with {
                $0.id = "I000001"; $0.on = "2026-09-05"; $0.description_p = "报名费收据 12 张、比赛海报"
            }, context: org.context())
        #expect(try await Self.outbox(org.database, producer: "organizations").isEmpty)
        _ = try await h.closeIllegalCase(
            .with {
                $0.id = "I000001"; $0.outcome = .banned; $0.on = "2026-09-08"
            }, context: org.context())

        // Refused, all at once, nothing sent.
        let bad = await domainRefusal {
            _ = try await h.referViolation(
                .with {
                    $0.organizationID = go.id; $0.summary = String(repeating: "违", count: 2_001); $0.violationCodes = Array(repeating: "X", count: 11)
                },
                context: org.context())
        }
        #expect(bad?.problems == ["reference REQUIRED", "summary TOO_LONG", "evidence REQUIRED", "violation_codes TOO_MANY"])
        let elsewhere = await domainRefusal {
            _ = try await h.referViolation(
                .with {
                    $0.organizationID = go.id; $0.reference = "文民移〔2026〕1号"; $0.summary = "s"; $0.evidence = "e"
                }, context: org.context(OrgBureau.neighbour))
        }
        #expect(elsewhere?.kind == .permissionDenied)
        let referral = Civic_Organizations_V1_ReferViolationRequest.with {
            $0.organizationID = go.creditCode; $0.reference = "文民移〔2026〕1号"; $0.summary = "未经批准设立分支机构"
            $0.evidence = "2026-09-10 现场检查笔录；分支机构印章"; $0.violationCodes = ["SHTT-30-1"]
        }
        let first = try await h.referViolation(referral, context: org.context())
        #expect((first.organizationID, first.creditCode, first.duplicate, first.referredOn) == (go.id, go.creditCode, false, "2026-09-22"))
        let again = try await h.referViolation(referral, context: org.context())
        #expect((again.duplicate, again.messageID) == (true, first.messageID))

        let sent = try await Self.outbox(org.database, producer: "organizations")
        #expect(
            sent.map { "\($0.type) \($0.aggregate) #\($0.sequence) \($0.idempotencyKey)" } == [
                "civic.flows.v1.IllegalOrganizationReferred illegal-case:I000001 #1 organizations-illegal:I000001",
                "civic.flows.v1.OrganizationViolationReferred organization:\(go.id) #1 organizations-violation:\(go.id):文民移〔2026〕1号",
            ])

        let squad = try EnforcementBureau.open(today: "2026-09-23")
        let (flows, sealed) = Self.enforcement(squad, from: "organizations")
        let receipts = try await sent.asyncMap { try await flows.deliver($0, context: sealed) }
        #expect(receipts.map(\.result) == ["lead L000001", "lead L000002"])
        // Delivered again (a retry after a lost answer): nothing new.
        #expect(try await flows.deliver(sent[0], context: sealed).duplicate)

        let banned = try await squad.handler.getLead(.with { $0.id = "L000001" }, context: squad.context()).lead
        #expect((banned.subject.id, banned.subject.name, banned.subject.organization, banned.subject.unregistered) == ("", "安阳市文峰区围棋学会", true, true))
        #expect(
            (banned.source, banned.referredBy, banned.reference, banned.division) == (
                .serviceReferral, "organizations", "organizations-illegal:I000001", "410502"
            ))
        #expect(banned.summary == "非法社会组织取缔移送（I000001，2026-09-08）。活动：以协会名义组织比赛收取报名费。证据：2026-09-05 报名费收据 12 张、比赛海报（孙倩）")
        let violation = try await squad.handler.getLead(.with { $0.id = "L000002" }, context: squad.context()).lead
        #expect((violation.subject.id, violation.subject.name, violation.subject.unregistered) == (go.creditCode, "安阳市文峰区围棋协会", false))
        #expect(violation.summary == "社会组织违法行为移送（文民移〔2026〕1号，2026-09-22）。未经批准设立分支机构。建议依据：SHTT-30-1。证据：2026-09-10 现场检查笔录；分支机构印章")

        // The squad files against the unregistered body from its lead: no credit code to look up.
        try await squad.registerOfficers()
        let filed = try await squad.handler.fileCase(
            .with {
                $0.leadID = "L000001"; $0.violationCodes = ["SHTT-30-1"]; $0.summary = "未经登记以社会团体名义活动"; $0.actEndedOn = "2026-09-05"
                $0.approvedBy = "F000005"; $0.investigators = ["F000001", "F000002"]
            }, context: squad.context()
        ).case
        #expect((filed.subject.unregistered, filed.subject.name) == (true, "安阳市文峰区围棋学会"))
    }

    /// A review that stops a case for benefit obtained by fraud keeps the finding and refers it: one
    /// lead against the household's head, the amount obtained its fine base. A fraud in a review that
    /// does not stop, or with bad figures, is refused and nothing is stored or sent.
    @Test func aFraudFoundInReviewBecomesALeadWithTheAmountObtained() async throws {
        let bureau = try AssistanceBureau.open(today: "2026-11-15")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await AssistanceCases.approvedMinimumLiving(bureau)
        let refused = await domainRefusal {
            _ = try await h.recordReview(
                .with {
                    $0.applicationID = id; $0.on = "2026-10-15"; $0.outcome = .keep; $0.reason = "复核"
                    $0.fraud = .with {
                        $0.amountObtainedFen = 0; $0.obtainedFrom = "2026-09"; $0.obtainedThrough = "2026-08"; $0.evidence = " "
                    }
                }, context: bureau.context())
        }
        #expect(
            refused?.problems == [
                "fraud STOP_ONLY", "fraud.amount_obtained_fen NOT_POSITIVE", "fraud.obtained_through BEFORE_FROM", "fraud.evidence REQUIRED",
            ])
        let future = await domainRefusal {
            _ = try await h.recordReview(
                .with {
                    $0.applicationID = id; $0.on = "2026-10-15"; $0.outcome = .stop; $0.reason = "骗取"
                    $0.fraud = .with {
                        $0.amountObtainedFen = 1; $0.obtainedFrom = "2026-08"; $0.obtainedThrough = "2026-11"; $0.evidence = "e"
                    }
                }, context: bureau.context())
        }
        #expect(future?.problems == ["fraud.obtained_through IN_THE_FUTURE"])
        #expect(try await Self.outbox(bureau.database, producer: "assistance").isEmpty)

        let review = try await h.recordReview(
            .with {
                $0.applicationID = id; $0.on = "2026-10-15"; $0.outcome = .stop; $0.reason = "隐瞒工资收入骗取低保"
                $0.fraud = .with {
                    $0.amountObtainedFen = 240_000; $0.obtainedFrom = "2026-08"; $0.obtainedThrough = "2026-09"
                    $0.evidence = "人社部门社保缴费记录：2026年8月起在某公司就业，月工资3000元，申报时隐瞒"
                }
            }, context: bureau.context()
        ).review
        #expect((review.outcome, review.newAmountFen, review.fraud.amountObtainedFen, review.fraud.obtainedFrom) == (.stop, 0, 240_000, "2026-08"))
        let stored = try await bureau.database.read { db in try String.fetchOne(db, sql: "SELECT fraud FROM reviews WHERE id = ?", arguments: [review.id]) }
        #expect(stored?.contains("240000") == true)

        let sent = try await Self.outbox(bureau.database, producer: "assistance")
        #expect(
            sent.map { "\($0.type) \($0.aggregate) \($0.idempotencyKey)" } == [
                "civic.flows.v1.BenefitFraudReferred household:H000001 assistance-fraud:\(review.id)"
            ])
        let squad = try EnforcementBureau.open(today: "2026-11-16")
        let (flows, sealed) = Self.enforcement(squad, from: "assistance")
        #expect(try await flows.deliver(sent[0], context: sealed).result == "lead L000001")
        let lead = try await squad.handler.getLead(.with { $0.id = "L000001" }, context: squad.context(Self.staff(of: AssistanceBureau.county))).lead
        #expect((lead.subject.id, lead.subject.name, lead.subject.organization) == (AssistanceBureau.head, "张伟", false))
        #expect((lead.amountObtainedFen, lead.division, lead.referredBy) == (240_000, AssistanceBureau.county, "assistance"))
        #expect(lead.summary.hasPrefix("骗取社会救助移送（\(review.id)，户 H000001，2026-08—2026-09，骗取 2400.00 元）。人社部门社保缴费记录"))

        // A referral with no amount is refused (held DEAD at assistance), nothing made.
        var empty = sent[0]
        empty.messageID = "m-empty"; empty.idempotencyKey = "assistance-fraud:R999999"; empty.sequence = 2
        empty.payload = try Civic_Flows_V1_BenefitFraudReferred.with {
            $0.division = AssistanceBureau.county; $0.personID = AssistanceBureau.head; $0.personName = "张伟"
        }
        .serializedBytes()
        await #expect(throws: DomainError.self) { _ = try await flows.deliver(empty, context: sealed) }
        #expect(try await squad.handler.listLeads(.init(), context: squad.context(Self.staff(of: AssistanceBureau.county))).leads.count == 1)
    }
}

extension Array {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
