import CivicDomain
import EnforcementDomain
import Testing

/// The officers, subject and case the case tests share.
enum CaseSamples {
    static func day(_ text: String) -> CivilDate { Samples.day(text) }
    static let division = try! DivisionCode("410502")

    static func officer(_ id: String, _ roles: Set<OfficerRole>, expires: String = "2029-12-31", status: OfficerStatus = .active) -> Officer {
        Officer(
            id: id, name: id, certificateNumber: "豫A-\(id)", certificateIssuedOn: day("2025-01-01"), certificateExpiresOn: day(expires), status: status,
            roles: roles, legalQualification: roles.contains(.legalReviewer), division: division)
    }

    static let investigatorA = officer("inv-a", [.investigator])
    static let investigatorB = officer("inv-b", [.investigator, .hearingHost])
    static let reviewer = officer("rev", [.legalReviewer])
    static let host = officer("host", [.hearingHost])
    static let head = officer("head", [.approver])
    static let investigators = [investigatorA, investigatorB]

    static var subject: LeadSubject { LeadTests.subject }

    /// Filed on Tuesday 1 September 2026 against an association, its act ended in August.
    static func filed(complex: Bool = false) throws -> EnforcementCase {
        try EnforcementCase(
            id: "豫安文民罚〔2026〕1号", division: division, leadID: "L000001", subject: subject, violationCodes: ["SHTT-30-1"],
            summary: "以协会名义收取评比费用", actEndedOn: day("2026-08-20"), filedOn: day("2026-09-01"), approver: head, investigators: investigators,
            complex: complex)
    }

    /// A 60,000 元 fine proposed: the organization may ask for a hearing (≥ 50,000 元).
    static let proposal = ProposedPenalty(penalties: [.warning, .fine], fine: .yuan(60_000), tier: "较重", rule: "SHTT-30-1 v1, tier 较重")
}

@Suite("Cases (行政处罚案件): the state machine from 立案 to 结案")
struct CaseTests {
    typealias S = CaseSamples
    static func day(_ text: String) -> CivilDate { Samples.day(text) }
    static func reasons(_ body: () throws -> Void) -> [String] { Samples.reasons(body) }

    @Test func filingChecksLimitationOfficersAndApprover() throws {
        let c = try S.filed()
        #expect((c.state, c.investigators, c.filingApprovedBy, c.history.map(\.step)) == (.investigating, ["inv-a", "inv-b"], "head", ["filed"]))
        let basis = (subject: S.subject, codes: ["SHTT-30-1"], summary: "x")
        func file(ended: String, on: String, harm: Bool = false, approver: Officer = S.head, investigators: [Officer] = S.investigators) -> [String] {
            Self.reasons {
                _ = try EnforcementCase(
                    id: "C", division: S.division, subject: basis.subject, violationCodes: basis.codes, summary: basis.summary,
                    actEndedOn: Self.day(ended), harmsLifeHealthOrFinance: harm, filedOn: Self.day(on), approver: approver, investigators: investigators)
            }
        }
        // §36: two years from the act's end (its day two years on still within), five where it harmed safety.
        #expect(file(ended: "2024-09-01", on: "2026-09-01") == [])
        #expect(file(ended: "2024-08-31", on: "2026-09-01") == ["discovered_on TIME_BARRED"])
        #expect(file(ended: "2022-08-31", on: "2026-09-01", harm: true) == [])
        #expect(file(ended: "2026-09-02", on: "2026-09-01") == ["act_ended_on AFTER_FILING"])
        #expect(file(ended: "2026-08-01", on: "2026-09-01", investigators: [S.investigatorA]) == ["officers TOO_FEW"])
        let expired = S.officer("old", [.investigator], expires: "2026-08-31")
        #expect(file(ended: "2026-08-01", on: "2026-09-01", investigators: [S.investigatorA, expired]) == ["officers[old] NOT_CERTIFIED"])
        #expect(file(ended: "2026-08-01", on: "2026-09-01", approver: S.investigatorA) == ["approved_by MISSING_ROLE"])
    }

    /// The ordinary procedure end to end, with a hearing across 中秋 and 国庆 and every clock checked.
    @Test func ordinaryProcedureWithHearingFromFilingToCourt() throws {
        var c = try S.filed()
        // 先行登记保存 on Thursday 3 September: decided within 7 working days, by Monday 14 September.
        try c.addEvidence("现场检查笔录", on: Self.day("2026-09-03"), officers: S.investigators, preservedItems: "收费收据 12 张")
        #expect(c.preservations[0].decisionDue.dueDate == Self.day("2026-09-14"))
        #expect(Self.reasons { try c.serveNotice(S.proposal, on: Self.day("2026-09-16"), officers: S.investigators) } == ["preservation UNDECIDED"])
        try c.decidePreservation(1, decision: "解除先行登记保存", on: Self.day("2026-09-10"), by: "inv-a")
        #expect(c.clocks(asOf: Self.day("2026-09-10")).first { $0.kind == .preservation }?.metOn == Self.day("2026-09-10"))

        // 告知 on Wednesday 16 September: 5 working days, the 调休 Sunday 20 September counted.
        try c.serveNotice(S.proposal, on: Self.day("2026-09-16"), officers: S.investigators)
        #expect((c.state, c.notice?.hearingRight, c.notice?.replyDue.dueDate) == (.noticed, true, Self.day("2026-09-22")))
        #expect(Self.reasons { try c.decidePenalty(S.proposal, reasons: "r", on: Self.day("2026-09-21"), approver: S.head) } == ["replies WINDOW_OPEN"])
        var late = c
        #expect(Self.reasons { try late.requestHearing(on: Self.day("2026-09-23"), by: "party") } == ["on LATE"])
        try c.requestHearing(on: Self.day("2026-09-22"), by: "party")
        #expect(c.state == .hearing)

        // Noticed on Wednesday 23 September: 7 working days pass 中秋 and 国庆 to Saturday 10 October (调休).
        #expect(EnforcementCase.earliestHearing(noticedOn: Self.day("2026-09-23")) == Self.day("2026-10-10"))
        #expect(
            Self.reasons {
                try c.scheduleHearing(on: Self.day("2026-09-23"), date: Self.day("2026-10-09"), host: S.host, investigators: S.investigators, isPublic: true)
            } == ["date TOO_SOON"])
        #expect(
            Self.reasons {
                try c.scheduleHearing(
                    on: Self.day("2026-09-23"), date: Self.day("2026-10-12"), host: S.investigatorB, investigators: S.investigators, isPublic: true)
            } == ["hearing_host IS_INVESTIGATOR"])
        #expect(Self.reasons { try c.holdHearing(on: Self.day("2026-10-12"), record: "笔录", by: "host") } == ["hearing NOT_SCHEDULED"])
        try c.scheduleHearing(on: Self.day("2026-09-23"), date: Self.day("2026-10-12"), host: S.host, investigators: S.investigators, isPublic: true)
        #expect(Self.reasons { try c.holdHearing(on: Self.day("2026-10-11"), record: "笔录", by: "host") } == ["on BEFORE_DATE"])
        try c.holdHearing(on: Self.day("2026-10-12"), record: "听证笔录", by: "host")

        // 22 September to 12 October is excluded (21 days): 90 + 21 days from 1 September is Monday 21 December.
        let clock = c.decisionDeadline(asOf: Self.day("2026-10-12"))
        #expect(clock.dueDate == Self.day("2026-12-21"))
        #expect(clock.rule.contains("21 days of hearing, 公告 or testing excluded") && clock.rule.hasPrefix("行政处罚法 §60: 90 days from 2026-09-01"))

        // After a hearing, 法制审核 first (§58), by a reviewer who did not investigate.
        #expect(c.legalReviewRequired)
        #expect(Self.reasons { try c.decidePenalty(S.proposal, reasons: "r", on: Self.day("2026-10-13"), approver: S.head) } == ["legal_review REQUIRED"])
        let investigatingReviewer = S.officer("inv-a", [.investigator, .legalReviewer])
        #expect(
            Self.reasons { try c.sendForLegalReview(on: Self.day("2026-10-13"), reviewer: investigatingReviewer, investigators: S.investigators, by: "inv-a") }
                == ["legal_reviewer IS_INVESTIGATOR"])
        #expect(
            Self.reasons { try c.sendForLegalReview(on: Self.day("2026-10-13"), reviewer: S.host, investigators: S.investigators, by: "inv-a") }
                == ["legal_reviewer MISSING_ROLE"])
        try c.sendForLegalReview(on: Self.day("2026-10-13"), reviewer: S.reviewer, investigators: S.investigators, by: "inv-a")
        #expect(throws: DomainError.permissionDenied("case 豫安文民罚〔2026〕1号 was sent to reviewer rev")) {
            try c.concludeLegalReview(approved: true, opinion: "同意", on: Self.day("2026-10-15"), reviewerID: "host")
        }
        try c.concludeLegalReview(approved: true, opinion: "事实清楚，证据确凿，同意", on: Self.day("2026-10-15"), reviewerID: "rev")
        #expect((c.state, c.legalReviewApproved) == (.deliberating, true))

        // Never heavier than the notice (§45 ¶2); the approver decides within the clock.
        var heavier = S.proposal
        heavier.fine = .yuan(70_000)
        #expect(Self.reasons { try c.decidePenalty(heavier, reasons: "r", on: Self.day("2026-10-16"), approver: S.head) } == ["penalty HEAVIER_THAN_NOTICE"])
        var decided = S.proposal
        decided.fine = .yuan(50_000)
        try c.decidePenalty(decided, reasons: "违反《社会团体登记管理条例》第三十条", on: Self.day("2026-10-16"), approver: S.head)
        #expect((c.state, c.decision?.late, c.decision?.penalty?.fine) == (.decided, false, .yuan(50_000)))

        // Service: electronic only with consent; due 7 working days after the decision (27 October).
        #expect(
            Self.reasons { try c.serveDecision(on: Self.day("2026-10-19"), method: .electronic, consentRecorded: false, officers: S.investigators) }
                == ["method NO_CONSENT"])
        try c.serveDecision(on: Self.day("2026-10-19"), method: .inPerson, consentRecorded: false, officers: S.investigators)
        #expect(c.clocks(asOf: Self.day("2026-10-19")).first { $0.kind == .service }?.deadline.dueDate == Self.day("2026-10-27"))
        // Payment due 15 days after service: Tuesday 3 November.
        #expect((c.state, c.collection?.paymentDue.dueDate) == (.executing, Self.day("2026-11-03")))
        #expect(c.nextDeadline(asOf: Self.day("2026-10-20"))?.kind == .payment)

        // 20,000 元 paid on the due date; two late days on the rest: 3 % of 50,000 元 a day.
        try c.recordPayment(.yuan(20_000), receipt: "BANK-1", on: Self.day("2026-11-03"), by: "finance")
        #expect(c.collection?.surcharge(asOf: Self.day("2026-11-05")) == .yuan(3_000))
        #expect(c.collection?.outstanding(asOf: Self.day("2026-11-05")) == .yuan(33_000))
        #expect(Self.reasons { try c.recordPayment(.yuan(33_001), receipt: "B", on: Self.day("2026-11-05"), by: "f") } == ["amount MORE_THAN_OWED"])

        // 催告, then 10 working days (强制法 §54) before the court.
        #expect(Self.reasons { try c.applyToCourt(on: Self.day("2026-11-05"), by: "inv-a") } == ["court NO_DEMAND"])
        try c.serveDemand(on: Self.day("2026-11-05"), by: "inv-a")
        let notice = c.clocks(asOf: Self.day("2026-11-05")).first { $0.kind == .courtNotice }
        #expect(notice?.deadline.dueDate == Self.day("2026-11-19"))
        #expect(c.clocks(asOf: Self.day("2026-11-05")).first { $0.kind == .courtApplication }?.deadline.dueDate == Self.day("2027-07-19"))
        #expect(Self.reasons { try c.applyToCourt(on: Self.day("2026-11-19"), by: "inv-a") } == ["court TOO_EARLY"])
        #expect(Self.reasons { try c.close(note: "x", on: Self.day("2026-11-19"), by: "inv-a") } == ["court NOT_APPLIED"])
        try c.applyToCourt(on: Self.day("2026-11-20"), by: "inv-a")
        try c.close(note: "法院裁定准予强制执行并执行完毕", on: Self.day("2026-12-01"), by: "inv-a")
        #expect((c.state, c.closedOn) == (.closed, Self.day("2026-12-01")))
        #expect(
            c.history.map(\.step) == [
                "filed", "evidence", "preservation_decided", "noticed", "hearing_requested", "hearing_scheduled", "hearing_held", "sent_for_legal_review",
                "legal_review_approved", "decided", "served", "payment", "demand_served", "court_applied", "closed",
            ])
    }

    @Test func decisionClockExtensionsAndExcludedTime() throws {
        var c = try S.filed()
        #expect(c.decisionDeadline(asOf: Self.day("2026-09-01")).dueDate == Self.day("2026-11-30"))
        // 检测 from 10 to 19 September: 10 days excluded.
        try c.startExcludedTime(.testing, on: Self.day("2026-09-10"), by: "inv-a")
        #expect(Self.reasons { try c.startExcludedTime(.announcement, on: Self.day("2026-09-11"), by: "inv-a") } == ["excluded ALREADY_RUNNING"])
        // While it runs, the clock moves with each day.
        #expect(c.decisionDeadline(asOf: Self.day("2026-09-12")).legalDate == Self.day("2026-12-03"))
        try c.endExcludedTime(on: Self.day("2026-09-19"), by: "inv-a")
        #expect(Self.reasons { try c.endExcludedTime(on: Self.day("2026-09-20"), by: "inv-a") } == ["excluded NOT_RUNNING"])
        #expect(c.decisionDeadline(asOf: Self.day("2026-11-01")).dueDate == Self.day("2026-12-10"))

        // The first extension by the head, at most 30 days; the second only by collective discussion; no third.
        #expect(
            Self.reasons {
                try c.extendDecisionLimit(by: 31, reason: " ", on: Self.day("2026-12-11"), approver: S.head, byCollectiveDiscussion: false)
            } == ["days OUT_OF_RANGE", "reason REQUIRED", "on AFTER_DUE"])
        #expect(
            Self.reasons {
                try c.extendDecisionLimit(by: 30, reason: "鉴定复杂", on: Self.day("2026-12-01"), approver: S.investigatorA, byCollectiveDiscussion: false)
            } == ["approved_by MISSING_ROLE"])
        try c.extendDecisionLimit(by: 30, reason: "案情复杂", on: Self.day("2026-12-01"), approver: S.head, byCollectiveDiscussion: false)
        #expect(c.decisionDeadline(asOf: Self.day("2026-12-01")).legalDate == Self.day("2027-01-09"))
        #expect(
            Self.reasons { try c.extendDecisionLimit(by: 10, reason: "r", on: Self.day("2026-12-02"), approver: S.head, byCollectiveDiscussion: false) }
                == ["extension DISCUSSION_REQUIRED"])
        try c.extendDecisionLimit(by: 10, reason: "集体讨论决定", on: Self.day("2026-12-02"), approver: S.head, byCollectiveDiscussion: true)
        #expect(
            Self.reasons { try c.extendDecisionLimit(by: 1, reason: "r", on: Self.day("2026-12-03"), approver: S.head, byCollectiveDiscussion: true) }
                == ["extension EXHAUSTED"])
        let clock = c.decisionDeadline(asOf: Self.day("2026-12-03"))
        #expect(clock.legalDate == Self.day("2027-01-19"))
        #expect(clock.rule.contains("extended 30 days by head, 10 days by head"))
    }

    @Test func complexCaseNeedsDiscussionAndReviewAndDecisionsLateAreMarked() throws {
        var c = try S.filed(complex: true)
        let small = ProposedPenalty(penalties: [.warning])
        try c.serveNotice(small, on: Self.day("2026-09-16"), officers: S.investigators)
        #expect(c.notice?.hearingRight == false)
        #expect(Self.reasons { try c.requestHearing(on: Self.day("2026-09-17"), by: "party") } == ["hearing NO_RIGHT"])
        try c.recordStatement("我会已整改", on: Self.day("2026-09-17"), by: "inv-a")
        try c.waiveReplies(on: Self.day("2026-09-18"), by: "inv-a")
        #expect(c.repliesClosed(on: Self.day("2026-09-18")))
        #expect(Self.reasons { try c.decidePenalty(small, reasons: "r", on: Self.day("2026-12-10"), approver: S.head) } == ["legal_review REQUIRED"])
        try c.sendForLegalReview(on: Self.day("2026-09-21"), reviewer: S.reviewer, investigators: S.investigators, by: "inv-a")
        // Returned for more investigation: a new notice follows.
        try c.concludeLegalReview(approved: false, opinion: "证据不足，补充调查", on: Self.day("2026-09-22"), reviewerID: "rev")
        #expect(c.state == .investigating)
        try c.serveNotice(small, on: Self.day("2026-10-12"), officers: S.investigators)
        #expect(c.statements.isEmpty && c.notice?.waivedOn == nil)
        try c.waiveReplies(on: Self.day("2026-10-12"), by: "inv-a")
        try c.sendForLegalReview(on: Self.day("2026-10-13"), reviewer: S.reviewer, investigators: S.investigators, by: "inv-a")
        try c.concludeLegalReview(approved: true, opinion: "同意", on: Self.day("2026-10-14"), reviewerID: "rev")
        #expect(Self.reasons { try c.decidePenalty(small, reasons: "r", on: Self.day("2026-12-10"), approver: S.head) } == ["discussion REQUIRED"])
        #expect(
            Self.reasons { try c.recordDiscussion(participants: ["局长", "局长"], conclusion: "", on: Self.day("2026-12-09"), by: "head") }
                == ["participants TOO_FEW", "conclusion REQUIRED"])
        try c.recordDiscussion(participants: ["局长", "副局长", "法规科长"], conclusion: "给予警告", on: Self.day("2026-12-09"), by: "head")
        // Decided on 10 December, after the clock's 30 November: allowed, and recorded late.
        try c.decidePenalty(small, reasons: "违反第三十条", on: Self.day("2026-12-10"), approver: S.head)
        #expect(c.decision?.late == true)
        // A warning alone closes on service.
        try c.serveDecision(on: Self.day("2026-12-10"), method: .electronic, consentRecorded: true, officers: S.investigators)
        #expect((c.state, c.collection == nil) == (.closed, true))
    }

    @Test func noPenaltyTransferAndIllegalMoves() throws {
        var c = try S.filed()
        #expect(Self.reasons { try c.requestHearing(on: Self.day("2026-09-02"), by: "p") } == ["state INVALID_STATE"])
        #expect(Self.reasons { try c.decidePenalty(S.proposal, reasons: "r", on: Self.day("2026-09-02"), approver: S.head) } == ["state INVALID_STATE"])
        #expect(
            Self.reasons { try c.serveDecision(on: Self.day("2026-09-02"), method: .inPerson, consentRecorded: false, officers: S.investigators) }
                == ["state INVALID_STATE"])
        #expect(Self.reasons { try c.recordPayment(.yuan(1), receipt: "r", on: Self.day("2026-09-02"), by: "f") } == ["state INVALID_STATE"])
        #expect(Self.reasons { try c.publish(on: Self.day("2026-09-02"), by: "p") } == ["publication NOT_SERVED"])
        let before = c
        #expect(
            Self.reasons { try c.decideWithoutPenalty(.penalized, reasons: "", on: Self.day("2026-09-02"), approver: S.head) }
                == ["outcome NOT_ALLOWED", "reasons REQUIRED"])
        #expect(c == before)
        try c.decideWithoutPenalty(.notEstablished, reasons: "违法事实不能成立", on: Self.day("2026-09-20"), approver: S.head)
        #expect((c.state, c.decision?.outcome, c.closedOn) == (.closed, .notEstablished, Self.day("2026-09-20")))
        #expect(Self.reasons { try c.addEvidence("x", on: Self.day("2026-09-21"), officers: S.investigators) } == ["state INVALID_STATE"])

        var t = try S.filed()
        try t.decideWithoutPenalty(.transferredToJudiciary, reasons: "涉嫌非法集资，移送公安机关", on: Self.day("2026-09-03"), approver: S.head)
        #expect(t.decision?.outcome == .transferredToJudiciary)
    }

    @Test func publicationIsWithdrawnWithin3WorkingDaysOfRevocation() throws {
        var c = try EnforcementCase.onTheSpot(
            id: "C2", division: S.division, subject: S.subject, violationCode: "SHTT-30-1", summary: "未按规定换发登记证书", on: Self.day("2026-09-22"),
            penalty: ProposedPenalty(penalties: [.warning]), officers: S.investigators, collectedOnTheSpot: false)
        try c.publish(on: Self.day("2026-09-23"), by: "inv-a")
        #expect(Self.reasons { try c.publish(on: Self.day("2026-09-23"), by: "inv-a") } == ["publication ALREADY_PUBLISHED"])
        // Revoked on Wednesday 23 September: 3 working days skip 中秋 to Tuesday 29 September.
        try c.revokeDecision(by: "安阳市人民政府 (复议)", reason: "事实认定不清", on: Self.day("2026-09-23"))
        let withdrawal = c.clocks(asOf: Self.day("2026-09-23")).first { $0.kind == .publicationWithdrawal }
        #expect((withdrawal?.deadline.dueDate, withdrawal?.isOpen) == (Self.day("2026-09-29"), true))
        #expect(c.nextDeadline(asOf: Self.day("2026-09-23"))?.kind == .publicationWithdrawal)
        try c.withdrawPublication(reason: "处罚决定已被撤销", on: Self.day("2026-09-28"), by: "inv-a")
        #expect(c.nextDeadline(asOf: Self.day("2026-09-28")) == nil)
        #expect(Self.reasons { try c.revokeDecision(by: "x", reason: "y", on: Self.day("2026-09-28")) } == ["decision ALREADY_REVOKED"])
    }

    @Test func simpleProcedureOnTheSpot() throws {
        let id = "41050219800101001"
        let person = try LeadSubject.parse(id: id + String(ResidentID.checkCharacter(for: id)!), name: "李明")
        func spot(_ penalty: ProposedPenalty, collected: Bool, subject: LeadSubject? = nil, officers: [Officer] = S.investigators) throws -> EnforcementCase {
            try EnforcementCase.onTheSpot(
                id: "C3", division: S.division, subject: subject ?? person, violationCode: "MFZC-25", summary: "现场发现", on: Self.day("2026-11-02"),
                penalty: penalty, officers: officers, collectedOnTheSpot: collected)
        }
        let fifty = ProposedPenalty(penalties: [.fine], fine: .yuan(50))
        let paid = try spot(fifty, collected: true)
        #expect((paid.state, paid.collection?.paid, paid.simpleProcedure, paid.service?.method) == (.closed, .yuan(50), true, .inPerson))
        let unpaid = try spot(ProposedPenalty(penalties: [.fine], fine: .yuan(200)), collected: false)
        #expect((unpaid.state, unpaid.collection?.paymentDue.dueDate) == (.executing, Self.day("2026-11-17")))
        #expect(Self.reasons { _ = try spot(ProposedPenalty(penalties: [.fine], fine: .yuan(200)), collected: true) } == ["collected_on_the_spot ABOVE_LIMIT"])
        #expect(Self.reasons { _ = try spot(ProposedPenalty(penalties: [.fine], fine: .yuan(201)), collected: false) } == ["fine ABOVE_LIMIT"])
        #expect(try spot(ProposedPenalty(penalties: [.fine], fine: .yuan(3_000)), collected: false, subject: S.subject).state == .executing)
        #expect(Self.reasons { _ = try spot(fifty, collected: true, officers: [S.investigatorA]) } == ["officers TOO_FEW"])
        #expect(
            Self.reasons { _ = try spot(ProposedPenalty(penalties: [.activitiesSuspension], suspensionMonths: 3), collected: false) }
                == ["penalties NOT_SIMPLE"])
    }
}

@Suite("The collections ledger: instalments, deferral, pauses, payments and the surcharge")
struct FineCollectionTests {
    static func day(_ text: String) -> CivilDate { Samples.day(text) }
    static func reasons(_ body: () throws -> Void) -> [String] { Samples.reasons(body) }

    /// A 3,000 元 fine decided on the spot against an organization on Monday 2 November 2026, not
    /// collected there: due Tuesday 17 November.
    static func executing() throws -> EnforcementCase {
        try EnforcementCase.onTheSpot(
            id: "C4", division: CaseSamples.division, subject: CaseSamples.subject, violationCode: "SHTT-30-1", summary: "s",
            on: day("2026-11-02"), penalty: ProposedPenalty(penalties: [.fine], fine: .yuan(3_000)), officers: CaseSamples.investigators,
            collectedOnTheSpot: false)
    }

    @Test func instalmentsCarryTheirOwnSurcharge() throws {
        var c = try Self.executing()
        let head = CaseSamples.head
        let plan = [
            FineCollection.Instalment(dueDate: Self.day("2026-11-17"), amount: .yuan(1_000)),
            FineCollection.Instalment(dueDate: Self.day("2026-12-17"), amount: .yuan(2_000)),
        ]
        #expect(
            Self.reasons { try c.approveInstalments([plan[1], plan[0]], on: Self.day("2026-11-05"), approver: head) }
                == ["instalments NOT_ASCENDING"])
        #expect(
            Self.reasons { try c.approveInstalments([plan[0]], on: Self.day("2026-11-05"), approver: head) } == [
                "instalments TOO_FEW", "instalments SUM_MISMATCH",
            ])
        try c.approveInstalments(plan, on: Self.day("2026-11-05"), approver: head)
        #expect(Self.reasons { try c.approveInstalments(plan, on: Self.day("2026-11-06"), approver: head) } == ["instalments ALREADY_APPROVED"])
        // The first instalment paid 2 days late: 2 × 3 % × 1,000 元 = 60 元; the second on time.
        try c.recordPayment(.yuan(1_000), receipt: "B1", on: Self.day("2026-11-19"), by: "f")
        #expect(c.collection?.surcharge(asOf: Self.day("2026-12-01")) == .yuan(60))
        #expect(c.nextDeadline(asOf: Self.day("2026-11-20"))?.deadline.dueDate == Self.day("2026-12-17"))
        try c.recordPayment(.yuan(2_000), receipt: "B2", on: Self.day("2026-12-17"), by: "f")
        #expect(c.state == .executing)
        try c.recordPayment(.yuan(60), receipt: "B3", on: Self.day("2026-12-18"), by: "f")
        #expect((c.state, c.closedOn) == (.closed, Self.day("2026-12-18")))
    }

    @Test func deferralPausesAndAgreement() throws {
        var c = try Self.executing()
        let head = CaseSamples.head
        #expect(Self.reasons { try c.deferPayment(to: Self.day("2026-11-10"), on: Self.day("2026-11-05"), approver: head) } == ["to NOT_LATER"])
        try c.deferPayment(to: Self.day("2026-11-30"), on: Self.day("2026-11-05"), approver: head)
        #expect(Self.reasons { try c.deferPayment(to: Self.day("2026-12-30"), on: Self.day("2026-11-06"), approver: head) } == ["deferral ALREADY_APPROVED"])
        #expect(c.collection?.surcharge(asOf: Self.day("2026-11-30")) == .zero)
        // Late from 1 December; a lawsuit from 3 to 7 December pauses it: 2 + 3 late days by 10 December.
        try c.startCollectionPause(.lawsuit, on: Self.day("2026-12-03"), by: "inv-a")
        #expect(Self.reasons { try c.serveDemand(on: Self.day("2026-12-04"), by: "inv-a") } == ["demand PAUSED"])
        try c.endCollectionPause(on: Self.day("2026-12-07"), by: "inv-a")
        #expect(c.collection?.surcharge(asOf: Self.day("2026-12-10")) == .yuan(450))
        // An agreement forgives 150 元 (强制法 §42); more than accrued is refused.
        #expect(Self.reasons { try c.reduceSurcharge(by: .yuan(451), on: Self.day("2026-12-10"), approver: head) } == ["amount MORE_THAN_SURCHARGE"])
        try c.reduceSurcharge(by: .yuan(150), on: Self.day("2026-12-10"), approver: head)
        try c.recordPayment(.yuan(3_000), receipt: "B", on: Self.day("2026-12-10"), by: "f")
        #expect(c.collection?.outstanding(asOf: Self.day("2026-12-10")) == .yuan(300))
        try c.recordPayment(.yuan(300), receipt: "B", on: Self.day("2026-12-11"), by: "f")
        #expect(c.state == .closed)
    }
}
