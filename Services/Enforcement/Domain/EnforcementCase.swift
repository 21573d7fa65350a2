import CivicDomain

/// A case under the Administrative Penalty Law (行政处罚案件), from 立案 to 结案, as one state machine with
/// named legal transitions (docs/ENFORCEMENT.md §7). Every step checks its state first: a step the
/// state does not allow is FAILED_PRECONDITION "state" INVALID_STATE and changes nothing. Officers
/// are passed in as the store found them, so the certificate checks see their record on the day.
public struct EnforcementCase: Sendable, Hashable, Codable {
    /// The case number (案号).
    public var id: String
    public var division: DivisionCode
    /// The lead it was filed from ("" when filed directly, e.g. on the spot).
    public var leadID: String
    public var subject: LeadSubject
    /// The legal bases (violation codes) the case is about.
    public var violationCodes: [String]
    public var summary: String
    /// The act's end (a continuing act's last day) and whether it harmed life, health or financial
    /// safety: the limitation check (§36).
    public var actEndedOn: CivilDate
    public var harmsLifeHealthOrFinance: Bool
    public var filedOn: CivilDate
    public var filingApprovedBy: String
    /// The investigators' officer ids (at least two).
    public var investigators: [String]
    /// 案情疑难复杂 / 重大: collective discussion and legal review required (§57 ¶2, §58 ¶1(3)).
    public var complex: Bool
    /// 涉及重大公共利益: legal review required (§58 ¶1(1)).
    public var majorPublicInterest: Bool
    public var jointOperationID: String
    /// The operation's partner departments this case is attributed to (counted once per partner).
    public var jointPartners: [String] = []
    /// Decided on the spot (简易程序, §51).
    public var simpleProcedure: Bool
    /// The subject's registration as organizations or eldercare answered before filing (empty when
    /// not looked up; "lookup unavailable" when the service did not answer).
    public var subjectRegistration: String

    public private(set) var state: CaseState
    public private(set) var evidence: [CaseEvidence] = []
    public private(set) var preservations: [Preservation] = []
    public private(set) var excluded: [ExcludedPeriod] = []
    public private(set) var extensions: [DecisionExtension] = []
    public private(set) var notice: PenaltyNotice?
    public private(set) var statements: [PartyStatement] = []
    public private(set) var hearing: Hearing?
    public private(set) var legalReviews: [LegalReview] = []
    public private(set) var discussion: CollectiveDiscussion?
    public private(set) var decision: CaseDecision?
    public private(set) var service: DecisionService?
    public private(set) var collection: FineCollection?
    public private(set) var publication: Publication?
    public private(set) var revocation: DecisionRevocation?
    public private(set) var closedOn: CivilDate?
    public private(set) var history: [CaseStep] = []

    public var party: PartyKind {
        if case .person = subject { return .citizen }
        return .organization
    }

    // MARK: 立案

    /// Files a case (立案) on `filedOn`, approved by `approver` (holding the approver role), with at
    /// least two investigators certified that day. INVALID "summary" / "violation_codes" REQUIRED,
    /// "act_ended_on" BEFORE_ACT / IN_THE_FUTURE; FAILED_PRECONDITION "discovered_on" TIME_BARRED (§36),
    /// "officers" TOO_FEW / NOT_CERTIFIED, "approved_by" MISSING_ROLE.
    public init(
        id: String, division: DivisionCode, leadID: String = "", subject: LeadSubject, violationCodes: [String], summary: String,
        actEndedOn: CivilDate, harmsLifeHealthOrFinance: Bool = false, filedOn: CivilDate, approver: Officer, investigators: [Officer],
        complex: Bool = false, majorPublicInterest: Bool = false, jointOperationID: String = "", subjectRegistration: String = ""
    ) throws {
        var errors = ValidationErrors()
        if summary.allSatisfy(\.isWhitespace) { errors.add("summary", "REQUIRED", "say what the case is about") }
        if violationCodes.isEmpty { errors.add("violation_codes", "REQUIRED", "name the legal basis of at least one violation") }
        if actEndedOn > filedOn { errors.add("act_ended_on", "AFTER_FILING", "the act cannot end after the case is filed (\(filedOn))") }
        try errors.check()
        try LimitationPeriod.check(actEndedOn: actEndedOn, discoveredOn: filedOn, harmsLifeHealthOrFinance: harmsLifeHealthOrFinance)
        try OfficerRules.checkAction(by: investigators, on: filedOn)
        try Self.requireRole(approver, .approver, field: "approved_by", on: filedOn)
        self.id = id
        self.division = division
        self.leadID = leadID
        self.subject = subject
        self.violationCodes = violationCodes
        self.summary = summary
        self.actEndedOn = actEndedOn
        self.harmsLifeHealthOrFinance = harmsLifeHealthOrFinance
        self.filedOn = filedOn
        self.filingApprovedBy = approver.id
        self.investigators = investigators.map(\.id)
        self.complex = complex
        self.majorPublicInterest = majorPublicInterest
        self.jointOperationID = jointOperationID
        self.simpleProcedure = false
        self.subjectRegistration = subjectRegistration
        self.state = .investigating
        history.append(CaseStep(step: "filed", on: filedOn, by: approver.id, detail: "立案, investigators \(self.investigators.joined(separator: ", "))"))
    }

    /// A penalty decided on the spot (简易程序, §51–§53): a warning or a small fine, with the facts
    /// clear, by two certified officers, served there. FAILED_PRECONDITION "penalties" NOT_SIMPLE /
    /// "fine" ABOVE_LIMIT; "officers" TOO_FEW / NOT_CERTIFIED; "collected_on_the_spot" ABOVE_LIMIT
    /// (§68: at most 100 元). A fine not collected on the spot is due 15 days later.
    public static func onTheSpot(
        id: String, division: DivisionCode, subject: LeadSubject, violationCode: String, summary: String, on day: CivilDate,
        penalty: ProposedPenalty, officers: [Officer], collectedOnTheSpot: Bool, receipt: String = "", calendar: LegalCalendar = LegalCalendar()
    ) throws -> EnforcementCase {
        var errors = penalty.problems()
        if summary.allSatisfy(\.isWhitespace) { errors.add("summary", "REQUIRED", "say what was found") }
        if violationCode.isEmpty { errors.add("violation_codes", "REQUIRED", "name the legal basis") }
        try errors.check()
        let party: PartyKind = if case .person = subject { .citizen } else { .organization }
        try SimpleProcedure.check(penalties: penalty.penalties, fine: penalty.fine, party: party)
        try OfficerRules.checkAction(by: officers, on: day)
        if collectedOnTheSpot && !SimpleProcedure.mayCollectOnTheSpot(penalty.fine) {
            throw FineCollection.precondition("collected_on_the_spot", "ABOVE_LIMIT", "only a fine of at most 100 元 is collected on the spot (§68)")
        }
        let ids = officers.map(\.id)
        var c = EnforcementCase(
            id: id, division: division, subject: subject, violationCodes: [violationCode], summary: summary, filedOn: day, officers: ids)
        c.simpleProcedure = true
        c.decision = CaseDecision(on: day, outcome: .penalized, penalty: penalty, approvedBy: ids[0], reasons: summary, late: false)
        c.service = DecisionService(on: day, method: .inPerson, officers: ids, consentRecorded: false, late: false)
        c.history.append(CaseStep(step: "decided_on_the_spot", on: day, by: ids.joined(separator: ", "), detail: "简易程序 (行政处罚法 §51)"))
        if penalty.fine.fen > 0 {
            var collection = FineCollection(fine: penalty.fine, servedOn: day, calendar: calendar)
            if collectedOnTheSpot {
                try collection.pay(penalty.fine, on: day, receipt: receipt.isEmpty ? "当场收缴" : receipt)
            }
            c.collection = collection
        }
        if c.collection?.settled ?? true {
            c.state = .closed
            c.closedOn = day
        } else {
            c.state = .executing
        }
        return c
    }

    private init(id: String, division: DivisionCode, subject: LeadSubject, violationCodes: [String], summary: String, filedOn: CivilDate, officers: [String]) {
        self.id = id
        self.division = division
        self.leadID = ""
        self.subject = subject
        self.violationCodes = violationCodes
        self.summary = summary
        self.actEndedOn = filedOn
        self.harmsLifeHealthOrFinance = false
        self.filedOn = filedOn
        self.filingApprovedBy = ""
        self.investigators = officers
        self.complex = false
        self.majorPublicInterest = false
        self.jointOperationID = ""
        self.simpleProcedure = true
        self.subjectRegistration = ""
        self.state = .decided
    }

    // MARK: 调查取证

    /// Evidence gathered on `day` by `officers` (≥ 2 certified); with `preservedItems`, a
    /// 先行登记保存 to be decided within 7 working days. INVALID "description" REQUIRED, "on" BEFORE_FILING.
    public mutating func addEvidence(
        _ description: String, on day: CivilDate, officers: [Officer], preservedItems: String = "", calendar: LegalCalendar = LegalCalendar()
    ) throws {
        try require([.investigating], "gather evidence")
        var errors = ValidationErrors()
        if description.allSatisfy(\.isWhitespace) { errors.add("description", "REQUIRED", "describe the evidence") }
        if day < filedOn { errors.add("on", "BEFORE_FILING", "the case was filed on \(filedOn)") }
        try errors.check()
        try OfficerRules.checkAction(by: officers, on: day)
        let ids = officers.map(\.id)
        evidence.append(CaseEvidence(on: day, description: description, officers: ids))
        if !preservedItems.allSatisfy(\.isWhitespace) {
            preservations.append(
                Preservation(
                    number: preservations.count + 1, on: day, items: preservedItems, decisionDue: calendar.deadline(.preservationDecision, from: day),
                    decidedOn: nil, decision: ""))
        }
        record("evidence", day, ids.joined(separator: ", "), preservedItems.isEmpty ? description : "\(description); 先行登记保存: \(preservedItems)")
    }

    /// Decides 先行登记保存 number `number` (§56). INVALID "decision" REQUIRED, "on" BEFORE_PRESERVATION;
    /// NOT_FOUND; FAILED_PRECONDITION "preservation" ALREADY_DECIDED.
    public mutating func decidePreservation(_ number: Int, decision: String, on day: CivilDate, by actor: String) throws {
        guard let index = preservations.firstIndex(where: { $0.number == number }) else {
            throw DomainError.notFound("case \(id) has no preservation \(number)")
        }
        if preservations[index].decidedOn != nil {
            throw FineCollection.precondition("preservation", "ALREADY_DECIDED", "preservation \(number) was decided on \(preservations[index].decidedOn!)")
        }
        var errors = ValidationErrors()
        if decision.allSatisfy(\.isWhitespace) { errors.add("decision", "REQUIRED", "say what was decided (解除, 没收, 移送检测…)") }
        if day < preservations[index].on { errors.add("on", "BEFORE_PRESERVATION", "preserved on \(preservations[index].on)") }
        try errors.check()
        preservations[index].decidedOn = day
        preservations[index].decision = decision
        record("preservation_decided", day, actor, "\(number): \(decision)")
    }

    // MARK: The decision clock

    /// Starts time the decision clock does not count (公告, 检测/鉴定; a hearing's is started by its
    /// request). FAILED_PRECONDITION "excluded" ALREADY_RUNNING; state before the decision.
    public mutating func startExcludedTime(_ kind: ExcludedTimeKind, on day: CivilDate, by actor: String) throws {
        try require([.investigating, .noticed, .hearing, .deliberating, .legalReview], "exclude time")
        if excluded.contains(where: { $0.through == nil }) {
            throw FineCollection.precondition("excluded", "ALREADY_RUNNING", "excluded time is already running")
        }
        try notBefore(day, filedOn, "on")
        excluded.append(ExcludedPeriod(kind: kind, from: day, through: nil))
        record("excluded_time_started", day, actor, kind.rawValue)
    }

    /// Ends the running excluded time (not a hearing's: holding it ends that). FAILED_PRECONDITION
    /// "excluded" NOT_RUNNING; INVALID "on" BEFORE_START.
    public mutating func endExcludedTime(on day: CivilDate, by actor: String) throws {
        guard let i = excluded.lastIndex(where: { $0.through == nil }), excluded[i].kind != .hearing else {
            throw FineCollection.precondition("excluded", "NOT_RUNNING", "no announcement or testing time is running")
        }
        try notBefore(day, excluded[i].from, "on")
        excluded[i].through = day
        record("excluded_time_ended", day, actor, excluded[i].kind.rawValue)
    }

    /// Extends the decision limit by `days`: the first extension (at most 30 days) by the head, a
    /// second only by collective discussion, never a third. FAILED_PRECONDITION "extension" EXHAUSTED /
    /// DISCUSSION_REQUIRED, "approved_by" MISSING_ROLE; INVALID "days" OUT_OF_RANGE, "reason" REQUIRED,
    /// "on" AFTER_DUE.
    public mutating func extendDecisionLimit(
        by days: Int, reason: String, on day: CivilDate, approver: Officer, byCollectiveDiscussion: Bool, calendar: LegalCalendar = LegalCalendar()
    ) throws {
        try require([.investigating, .noticed, .hearing, .deliberating, .legalReview], "extend the decision limit")
        if extensions.count >= 2 { throw FineCollection.precondition("extension", "EXHAUSTED", "the decision limit was extended twice already") }
        if extensions.count == 1 && !byCollectiveDiscussion {
            throw FineCollection.precondition("extension", "DISCUSSION_REQUIRED", "a further extension is decided by collective discussion")
        }
        var errors = ValidationErrors()
        if !(1...30).contains(days) { errors.add("days", "OUT_OF_RANGE", "an extension is 1 to 30 days") }
        if reason.allSatisfy(\.isWhitespace) { errors.add("reason", "REQUIRED", "say why the case needs longer") }
        let due = decisionDeadline(asOf: day, calendar: calendar).dueDate
        if day > due { errors.add("on", "AFTER_DUE", "the decision limit ran out on \(due)") }
        try errors.check()
        try Self.requireRole(approver, .approver, field: "approved_by", on: day)
        extensions.append(DecisionExtension(days: days, on: day, approvedBy: approver.id, byCollectiveDiscussion: byCollectiveDiscussion, reason: reason))
        record("decision_limit_extended", day, approver.id, "\(days) days: \(reason)")
    }

    /// The decision deadline as of `asOf`: 90 days from 立案, plus the extensions, plus the excluded
    /// days up to `asOf` (a running period counts through `asOf`, or through the decision day).
    public func decisionDeadline(asOf: CivilDate, calendar: LegalCalendar = LegalCalendar()) -> LegalDeadline {
        let until = decision?.on ?? asOf
        let ranges = excluded.map { ($0.from, $0.through ?? until) }
        let excludedDays = DayRanges.coveredDays(ranges, within: filedOn.adding(days: 1)...max(until, filedOn.adding(days: 1)))
        let extended = extensions.reduce(0) { $0 + $1.days }
        var deadline = calendar.deadline(.decision, from: filedOn, extraDays: extended + excludedDays)
        if extended > 0 {
            deadline.note(.extended(extensions.map { ($0.days, $0.approvedBy) }))
        }
        if excludedDays > 0 { deadline.note(.excluded(days: excludedDays)) }
        return deadline
    }

    // MARK: 告知, 陈述申辩, 听证

    /// Serves the notice of the proposed penalty (告知, §44) by ≥ 2 certified officers. Every
    /// preservation must be decided first (FAILED_PRECONDITION "preservation" UNDECIDED); INVALID as
    /// ProposedPenalty.problems(). The hearing right follows §63 and `thresholds`; the party's window
    /// is 5 working days. A case returned from legal review may be noticed again (the new notice
    /// replaces the old).
    public mutating func serveNotice(
        _ proposal: ProposedPenalty, on day: CivilDate, officers: [Officer], facts: ViolationFacts = ViolationFacts(),
        thresholds: HearingThresholds = HearingThresholds(), calendar: LegalCalendar = LegalCalendar()
    ) throws {
        try require([.investigating], "serve the notice")
        try proposal.problems().check()
        try notBefore(day, filedOn, "on")
        if let open = preservations.first(where: { $0.decidedOn == nil }) {
            throw FineCollection.precondition(
                "preservation", "UNDECIDED", "preservation \(open.number) is to be decided by \(open.decisionDue.dueDate) before the notice")
        }
        try OfficerRules.checkAction(by: officers, on: day)
        let right = thresholds.givesHearingRight(proposal, party: party)
        notice = PenaltyNotice(
            on: day, proposal: proposal, officers: officers.map(\.id), hearingRight: right, replyDue: calendar.deadline(.hearingRequest, from: day),
            waivedOn: nil, facts: facts)
        statements = []
        hearing = nil
        state = .noticed
        record("noticed", day, officers.map(\.id).joined(separator: ", "), right ? "告知 with the right to a hearing" : "告知")
    }

    /// 陈述申辩 recorded while the window is open. INVALID "text" REQUIRED.
    public mutating func recordStatement(_ text: String, on day: CivilDate, by actor: String) throws {
        try require([.noticed], "record a statement")
        if text.allSatisfy(\.isWhitespace) { throw DomainError.invalid("record what the party said", field: "text", reason: "REQUIRED") }
        try notBefore(day, notice!.on, "on")
        statements.append(PartyStatement(on: day, text: text))
        record("statement", day, actor, "")
    }

    /// The party waives statement and hearing (in writing): the window closes now.
    public mutating func waiveReplies(on day: CivilDate, by actor: String) throws {
        try require([.noticed], "record a waiver")
        try notBefore(day, notice!.on, "on")
        notice!.waivedOn = day
        record("replies_waived", day, actor, "")
    }

    /// The party asks for a hearing (§64(1)): only with the right, within 5 working days of the notice.
    /// FAILED_PRECONDITION "hearing" NO_RIGHT / WAIVED, "on" LATE. Its days are excluded from the
    /// decision clock until it is held.
    public mutating func requestHearing(on day: CivilDate, by actor: String) throws {
        try require([.noticed], "request a hearing")
        let notice = notice!
        if !notice.hearingRight { throw FineCollection.precondition("hearing", "NO_RIGHT", "the proposed penalty carries no right to a hearing (§63)") }
        if notice.waivedOn != nil { throw FineCollection.precondition("hearing", "WAIVED", "the party waived on \(notice.waivedOn!)") }
        try notBefore(day, notice.on, "on")
        if day > notice.replyDue.dueDate {
            throw FineCollection.precondition("on", "LATE", "a hearing is requested by \(notice.replyDue.dueDate): \(notice.replyDue.rule)")
        }
        hearing = Hearing(requestedOn: day, noticeOn: nil, date: nil, hostID: "", isPublic: true, heldOn: nil, record: "")
        excluded.append(ExcludedPeriod(kind: .hearing, from: day, through: nil))
        state = .hearing
        record("hearing_requested", day, actor, "")
    }

    /// The earliest day a hearing noticed on `noticeDay` may be held: the 7th working day after it (§64(2)).
    public static func earliestHearing(noticedOn noticeDay: CivilDate, calendar: LegalCalendar = LegalCalendar()) -> CivilDate {
        calendar.calendar.adding(workingDays: 7, to: noticeDay)
    }

    /// Schedules the hearing: noticed at least 7 working days before, hosted by a certified hearing
    /// host who did not investigate. FAILED_PRECONDITION "date" TOO_SOON, "hearing" ALREADY_SCHEDULED,
    /// "hearing_host" IS_INVESTIGATOR / MISSING_ROLE / NOT_CERTIFIED.
    public mutating func scheduleHearing(
        on noticeDay: CivilDate, date: CivilDate, host: Officer, investigators: [Officer], isPublic: Bool, calendar: LegalCalendar = LegalCalendar()
    ) throws {
        try require([.hearing], "schedule the hearing")
        if hearing!.date != nil { throw FineCollection.precondition("hearing", "ALREADY_SCHEDULED", "the hearing is set for \(hearing!.date!)") }
        try notBefore(noticeDay, hearing!.requestedOn, "on")
        let earliest = Self.earliestHearing(noticedOn: noticeDay, calendar: calendar)
        if date < earliest {
            throw FineCollection.precondition(
                "date", "TOO_SOON", "noticed on \(noticeDay), the hearing is held on \(earliest) or later (§64(2): 7 working days)")
        }
        try OfficerRules.checkIndependent(host, as: .hearingHost, investigators: investigators)
        try Self.requireCertified(host, field: "hearing_host", on: date)
        hearing!.noticeOn = noticeDay
        hearing!.date = date
        hearing!.hostID = host.id
        hearing!.isPublic = isPublic
        record("hearing_scheduled", noticeDay, host.id, "held on \(date)\(isPublic ? "" : ", not in public")")
    }

    /// The hearing held on its day or later, with its record: the excluded time ends and the case
    /// moves to deliberation (legal review is then required, §58 ¶1(2)). FAILED_PRECONDITION "hearing"
    /// NOT_SCHEDULED, "on" BEFORE_DATE; INVALID "record" REQUIRED.
    public mutating func holdHearing(on day: CivilDate, record text: String, by actor: String) throws {
        try require([.hearing], "hold the hearing")
        guard let date = hearing!.date else { throw FineCollection.precondition("hearing", "NOT_SCHEDULED", "the hearing is scheduled first") }
        if day < date { throw FineCollection.precondition("on", "BEFORE_DATE", "the hearing is set for \(date)") }
        if text.allSatisfy(\.isWhitespace) { throw DomainError.invalid("the hearing's record (听证笔录) is required", field: "record", reason: "REQUIRED") }
        hearing!.heldOn = day
        hearing!.record = text
        if let i = excluded.lastIndex(where: { $0.kind == .hearing && $0.through == nil }) { excluded[i].through = day }
        state = .deliberating
        record("hearing_held", day, actor, "")
    }

    /// The party's window is closed on `day`: waived, or past its due date.
    public func repliesClosed(on day: CivilDate) -> Bool {
        guard let notice else { return false }
        return notice.waivedOn != nil || day > notice.replyDue.dueDate
    }

    // MARK: 法制审核, 集体讨论

    /// Whether 法制审核 must precede the decision (§58): major public interest, a hearing held, a
    /// complex case, or a fine above the benchmark's threshold.
    public var legalReviewRequired: Bool {
        majorPublicInterest || complex || hearing?.heldOn != nil || (notice?.proposal.legalReviewRequired ?? false)
    }

    public var legalReviewApproved: Bool { legalReviews.last.map { $0.concludedOn != nil && $0.approved } ?? false }

    /// Sends the case to a legal reviewer who did not investigate it. FAILED_PRECONDITION
    /// "replies" WINDOW_OPEN, "legal_reviewer" IS_INVESTIGATOR / MISSING_ROLE / NOT_CERTIFIED.
    public mutating func sendForLegalReview(on day: CivilDate, reviewer: Officer, investigators: [Officer], by actor: String) throws {
        try requireDeliberation(on: day, "send for legal review")
        try OfficerRules.checkIndependent(reviewer, as: .legalReviewer, investigators: investigators)
        try Self.requireCertified(reviewer, field: "legal_reviewer", on: day)
        legalReviews.append(LegalReview(sentOn: day, reviewerID: reviewer.id, concludedOn: nil, approved: false, opinion: ""))
        state = .legalReview
        record("sent_for_legal_review", day, actor, reviewer.id)
    }

    /// The reviewer's opinion: approved moves the case to deliberation; not approved returns it to
    /// investigation (补充调查, a new notice follows). PERMISSION_DENIED for anyone but the reviewer it
    /// was sent to; INVALID "opinion" REQUIRED.
    public mutating func concludeLegalReview(approved: Bool, opinion: String, on day: CivilDate, reviewerID: String) throws {
        try require([.legalReview], "conclude the legal review")
        let i = legalReviews.count - 1
        if legalReviews[i].reviewerID != reviewerID {
            throw DomainError.permissionDenied("case \(id) was sent to reviewer \(legalReviews[i].reviewerID)")
        }
        if opinion.allSatisfy(\.isWhitespace) { throw DomainError.invalid("the review's opinion is required", field: "opinion", reason: "REQUIRED") }
        try notBefore(day, legalReviews[i].sentOn, "on")
        legalReviews[i].concludedOn = day
        legalReviews[i].approved = approved
        legalReviews[i].opinion = opinion
        state = approved ? .deliberating : .investigating
        record(approved ? "legal_review_approved" : "legal_review_returned", day, reviewerID, opinion)
    }

    /// 集体讨论 of the bureau's heads (§57 ¶2). INVALID "participants" TOO_FEW (at least 3),
    /// "conclusion" REQUIRED.
    public mutating func recordDiscussion(participants: [String], conclusion: String, on day: CivilDate, by actor: String) throws {
        try requireDeliberation(on: day, "record a collective discussion")
        var errors = ValidationErrors()
        if Set(participants.filter { !$0.allSatisfy(\.isWhitespace) }).count < 3 {
            errors.add("participants", "TOO_FEW", "a collective discussion has at least 3 participants")
        }
        if conclusion.allSatisfy(\.isWhitespace) { errors.add("conclusion", "REQUIRED", "record the conclusion") }
        try errors.check()
        discussion = CollectiveDiscussion(on: day, participants: participants, conclusion: conclusion)
        record("collective_discussion", day, actor, conclusion)
    }

    // MARK: 决定

    /// Decides a penalty (§57 ¶1(1)): after the party's window (or hearing), the legal review where
    /// required, the collective discussion for a complex case, by an approver; never heavier than the
    /// notice (§45 ¶2). FAILED_PRECONDITION "replies" WINDOW_OPEN, "legal_review" REQUIRED,
    /// "discussion" REQUIRED, "penalty" HEAVIER_THAN_NOTICE, "approved_by" MISSING_ROLE; INVALID as
    /// ProposedPenalty.problems(), "reasons" REQUIRED. A decision after the clock's due date is
    /// recorded late.
    public mutating func decidePenalty(
        _ penalty: ProposedPenalty, reasons: String, on day: CivilDate, approver: Officer, calendar: LegalCalendar = LegalCalendar()
    ) throws {
        try requireDeliberation(on: day, "decide")
        var errors = penalty.problems()
        if reasons.allSatisfy(\.isWhitespace) { errors.add("reasons", "REQUIRED", "state the facts, reasons and basis (§59)") }
        try errors.check()
        if legalReviewRequired && !legalReviewApproved {
            throw FineCollection.precondition("legal_review", "REQUIRED", "法制审核 must approve this decision first (行政处罚法 §58)")
        }
        if complex && discussion == nil {
            throw FineCollection.precondition("discussion", "REQUIRED", "a complex case is decided by collective discussion (§57 ¶2)")
        }
        if !penalty.isAtMost(notice!.proposal) {
            throw FineCollection.precondition("penalty", "HEAVIER_THAN_NOTICE", "the decision may not be heavier than the notice (§45 ¶2); notice again first")
        }
        try Self.requireRole(approver, .approver, field: "approved_by", on: day)
        let due = decisionDeadline(asOf: day, calendar: calendar)
        decision = CaseDecision(on: day, outcome: .penalized, penalty: penalty, approvedBy: approver.id, reasons: reasons, late: day > due.dueDate)
        state = .decided
        record("decided", day, approver.id, "penalty: \(penalty.penalties.sorted().map(\.rawValue).joined(separator: ", "))")
    }

    /// Ends the case without a penalty (minor, first minor violation, not established) or transfers it
    /// to the judiciary, approved by an approver. Allowed during investigation and deliberation (and
    /// while noticed once the window closed). INVALID "outcome" NOT_ALLOWED (penalized is decidePenalty's),
    /// "reasons" REQUIRED.
    public mutating func decideWithoutPenalty(
        _ outcome: CaseOutcome, reasons: String, on day: CivilDate, approver: Officer, calendar: LegalCalendar = LegalCalendar()
    ) throws {
        if state != .investigating { try requireDeliberation(on: day, "decide") }
        var errors = ValidationErrors()
        if outcome == .penalized { errors.add("outcome", "NOT_ALLOWED", "a penalty is decided with its terms") }
        if reasons.allSatisfy(\.isWhitespace) { errors.add("reasons", "REQUIRED", "state the reasons") }
        try errors.check()
        try notBefore(day, filedOn, "on")
        try Self.requireRole(approver, .approver, field: "approved_by", on: day)
        closeRunningExclusion(on: day)
        let due = decisionDeadline(asOf: day, calendar: calendar)
        decision = CaseDecision(on: day, outcome: outcome, penalty: nil, approvedBy: approver.id, reasons: reasons, late: day > due.dueDate)
        state = .closed
        closedOn = day
        record(outcome.rawValue, day, approver.id, reasons)
    }

    // MARK: 送达, 执行

    /// Serves the decision (§61) by ≥ 2 certified officers; electronic service only with the party's
    /// recorded consent (FAILED_PRECONDITION "method" NO_CONSENT). A fine opens the collection (due 15
    /// days later); otherwise the case closes.
    public mutating func serveDecision(
        on day: CivilDate, method: ServiceMethod, consentRecorded: Bool, officers: [Officer], calendar: LegalCalendar = LegalCalendar()
    ) throws {
        try require([.decided], "serve the decision")
        try notBefore(day, decision!.on, "on")
        if method == .electronic && !consentRecorded {
            throw FineCollection.precondition("method", "NO_CONSENT", "electronic service needs the party's signed consent (§61 ¶2)")
        }
        try OfficerRules.checkAction(by: officers, on: day)
        let due = calendar.deadline(.service, from: decision!.on)
        service = DecisionService(on: day, method: method, officers: officers.map(\.id), consentRecorded: consentRecorded, late: day > due.dueDate)
        let fine = decision!.penalty?.fine ?? .zero
        if fine.fen > 0 {
            collection = FineCollection(fine: fine, servedOn: day, calendar: calendar)
            state = .executing
        } else {
            state = .closed
            closedOn = day
        }
        record("served", day, officers.map(\.id).joined(separator: ", "), method.rawValue)
    }

    /// A payment (at the bank or electronically, §67); the case closes once everything owed is paid.
    public mutating func recordPayment(_ amount: Fen, receipt: String, on day: CivilDate, by actor: String) throws {
        try require([.executing], "record a payment")
        try notBefore(day, service!.on, "on")
        if receipt.allSatisfy(\.isWhitespace) { throw DomainError.invalid("the payment's receipt number is required", field: "receipt", reason: "REQUIRED") }
        try collection!.pay(amount, on: day, receipt: receipt)
        record("payment", day, actor, "\(amount.yuanText) 元, receipt \(receipt)")
        if collection!.settled {
            state = .closed
            closedOn = day
            record("closed", day, actor, "paid in full")
        }
    }

    /// An approved deferral (暂缓, §66 ¶2) to `to`.
    public mutating func deferPayment(to: CivilDate, on day: CivilDate, approver: Officer) throws {
        try require([.executing], "defer the payment")
        try Self.requireRole(approver, .approver, field: "approved_by", on: day)
        try collection!.deferDue(to: to, approval: .init(approvedBy: approver.id, on: day))
        record("payment_deferred", day, approver.id, "to \(to)")
    }

    /// Approved instalments (分期, §66 ¶2).
    public mutating func approveInstalments(_ plan: [FineCollection.Instalment], on day: CivilDate, approver: Officer) throws {
        try require([.executing], "approve instalments")
        try Self.requireRole(approver, .approver, field: "approved_by", on: day)
        try collection!.approveInstalments(plan, approval: .init(approvedBy: approver.id, on: day))
        record("instalments_approved", day, approver.id, "\(plan.count) instalments")
    }

    /// 复议 or 诉讼 filed: the surcharge pauses until its decision is served (§73).
    public mutating func startCollectionPause(_ kind: FineCollection.PauseKind, on day: CivilDate, by actor: String) throws {
        try require([.executing], "record a review or lawsuit")
        try notBefore(day, service!.on, "on")
        try collection!.startPause(kind, on: day)
        record("collection_paused", day, actor, kind.rawValue)
    }

    public mutating func endCollectionPause(on day: CivilDate, by actor: String) throws {
        try require([.executing], "end a review or lawsuit")
        try collection!.endPause(on: day)
        record("collection_resumed", day, actor, "")
    }

    /// An enforcement agreement (执行协议, 强制法 §42) forgiving part of the surcharge.
    public mutating func reduceSurcharge(by amount: Fen, on day: CivilDate, approver: Officer) throws {
        try require([.executing], "reduce the surcharge")
        try Self.requireRole(approver, .approver, field: "approved_by", on: day)
        try collection!.reduceSurcharge(by: amount, on: day)
        record("surcharge_reduced", day, approver.id, "\(amount.yuanText) 元")
        if collection!.settled {
            state = .closed
            closedOn = day
        }
    }

    public mutating func serveDemand(on day: CivilDate, by actor: String) throws {
        try require([.executing], "serve a 催告")
        try collection!.serveDemand(on: day)
        record("demand_served", day, actor, "催告 (行政强制法 §54)")
    }

    public mutating func applyToCourt(on day: CivilDate, by actor: String, calendar: LegalCalendar = LegalCalendar()) throws {
        try require([.executing], "apply to the court")
        try collection!.applyToCourt(on: day, calendar: calendar)
        record("court_applied", day, actor, "申请人民法院强制执行 (行政强制法 §53)")
    }

    /// Closes an executing case once the court was applied to (the court's enforcement ends it).
    /// FAILED_PRECONDITION "court" NOT_APPLIED; INVALID "note" REQUIRED.
    public mutating func close(note: String, on day: CivilDate, by actor: String) throws {
        try require([.executing], "close")
        if collection!.courtAppliedOn == nil {
            throw FineCollection.precondition("court", "NOT_APPLIED", "an unpaid fine closes after the court's enforcement")
        }
        if note.allSatisfy(\.isWhitespace) { throw DomainError.invalid("say how the case ended", field: "note", reason: "REQUIRED") }
        state = .closed
        closedOn = day
        record("closed", day, actor, note)
    }

    // MARK: 公示, 撤销

    /// Publishes a served penalty decision (§48). FAILED_PRECONDITION "publication" NOT_SERVED /
    /// ALREADY_PUBLISHED / REVOKED.
    public mutating func publish(on day: CivilDate, by actor: String) throws {
        guard decision?.outcome == .penalized, let service else {
            throw FineCollection.precondition("publication", "NOT_SERVED", "a penalty decision is published once served")
        }
        if revocation != nil { throw FineCollection.precondition("publication", "REVOKED", "the decision was revoked") }
        if publication != nil { throw FineCollection.precondition("publication", "ALREADY_PUBLISHED", "published on \(publication!.publishedOn)") }
        try notBefore(day, service.on, "on")
        publication = Publication(publishedOn: day, withdrawnOn: nil, withdrawalReason: "")
        record("published", day, actor, "")
    }

    /// Withdraws the publication (on revocation within 3 working days, or when its period ends).
    /// FAILED_PRECONDITION "publication" NOT_PUBLISHED / ALREADY_WITHDRAWN; INVALID "reason" REQUIRED.
    public mutating func withdrawPublication(reason: String, on day: CivilDate, by actor: String) throws {
        guard let publication else { throw FineCollection.precondition("publication", "NOT_PUBLISHED", "the decision is not published") }
        if publication.withdrawnOn != nil { throw FineCollection.precondition("publication", "ALREADY_WITHDRAWN", "withdrawn on \(publication.withdrawnOn!)") }
        if reason.allSatisfy(\.isWhitespace) { throw DomainError.invalid("say why it is withdrawn", field: "reason", reason: "REQUIRED") }
        try notBefore(day, publication.publishedOn, "on")
        self.publication!.withdrawnOn = day
        self.publication!.withdrawalReason = reason
        record("publication_withdrawn", day, actor, reason)
    }

    /// The penalty decision is revoked (by 复议, a court, or the bureau): collection stops, the case
    /// closes, and a publication is due for withdrawal within 3 working days. FAILED_PRECONDITION
    /// "decision" NOT_PENALIZED / ALREADY_REVOKED; INVALID "reason" / "by" REQUIRED.
    public mutating func revokeDecision(by authority: String, reason: String, on day: CivilDate, calendar: LegalCalendar = LegalCalendar()) throws {
        guard let decision, decision.outcome == .penalized else {
            throw FineCollection.precondition("decision", "NOT_PENALIZED", "only a penalty decision is revoked")
        }
        if revocation != nil { throw FineCollection.precondition("decision", "ALREADY_REVOKED", "revoked on \(revocation!.on)") }
        var errors = ValidationErrors()
        if authority.allSatisfy(\.isWhitespace) { errors.add("by", "REQUIRED", "who revoked it (复议机关, 人民法院, 本机关)") }
        if reason.allSatisfy(\.isWhitespace) { errors.add("reason", "REQUIRED", "why it was revoked") }
        try errors.check()
        try notBefore(day, decision.on, "on")
        revocation = DecisionRevocation(on: day, by: authority, reason: reason, withdrawalDue: calendar.deadline(.publicationWithdrawal, from: day))
        if state != .closed {
            state = .closed
            closedOn = day
        }
        record("decision_revoked", day, authority, reason)
    }

    // MARK: Clocks

    /// Every clock of the case as of `asOf`: its legal date, its due date and rule, and when it was met.
    public func clocks(asOf: CivilDate, calendar: LegalCalendar = LegalCalendar()) -> [CaseClock] {
        var clocks: [CaseClock] = preservations.map { CaseClock(kind: .preservation, deadline: $0.decisionDue, metOn: $0.decidedOn) }
        if let notice {
            let metOn = notice.waivedOn ?? hearing?.requestedOn ?? (asOf > notice.replyDue.dueDate ? notice.replyDue.dueDate : nil)
            clocks.append(CaseClock(kind: .reply, deadline: notice.replyDue, metOn: metOn))
        }
        if !simpleProcedure {
            clocks.append(CaseClock(kind: .decision, deadline: decisionDeadline(asOf: asOf, calendar: calendar), metOn: decision?.on))
        }
        if let decision, decision.outcome == .penalized, !simpleProcedure {
            clocks.append(CaseClock(kind: .service, deadline: calendar.deadline(.service, from: decision.on), metOn: service?.on))
        }
        if let collection, let service {
            let offs = collection.paidOffOn
            if let next = collection.instalments.indices.first(where: { offs[$0] == nil }) {
                let due = collection.instalments[next].dueDate
                let deadline =
                    next == 0 && collection.deferral == nil && collection.instalmentApproval == nil
                    ? collection.paymentDue
                    : LegalDeadline(legalDate: due, dueDate: due, rule: "行政处罚法 §66 ¶2: an approved deferral or instalment plan")
                clocks.append(CaseClock(kind: .payment, deadline: deadline, metOn: state == .executing ? nil : closedOn))
            } else {
                clocks.append(CaseClock(kind: .payment, deadline: collection.paymentDue, metOn: offs.compactMap { $0 }.max()))
            }
            if let notice = collection.courtNotice(calendar: calendar) {
                clocks.append(CaseClock(kind: .courtNotice, deadline: notice, metOn: collection.courtAppliedOn))
                let window = TimeLimit(3, .months, source: "行政强制法 §53 (after the 6-month lawsuit window, 行政诉讼法 §46)")
                clocks.append(
                    CaseClock(
                        kind: .courtApplication, deadline: calendar.deadline(window, from: service.on.adding(months: 6)), metOn: collection.courtAppliedOn))
            }
        }
        if let revocation, publication != nil {
            clocks.append(CaseClock(kind: .publicationWithdrawal, deadline: revocation.withdrawalDue, metOn: publication?.withdrawnOn))
        }
        return clocks
    }

    /// The clocks the daily sweep lists: the open ones, less the court notice (a "not before",
    /// never a deadline).
    public func openDeadlines(asOf: CivilDate, calendar: LegalCalendar = LegalCalendar()) -> [CaseClock] {
        clocks(asOf: asOf, calendar: calendar).filter { $0.isOpen && $0.kind != .courtNotice }
    }

    /// The earliest open clock's deadline: what the daily sweep lists (nil when none is open).
    public func nextDeadline(asOf: CivilDate, calendar: LegalCalendar = LegalCalendar()) -> CaseClock? {
        openDeadlines(asOf: asOf, calendar: calendar).min { $0.deadline.dueDate < $1.deadline.dueDate }
    }

    /// Whether a clock's due date moves from one day to the next without a step: the decision
    /// clock while excluded time (公告, testing, a hearing) runs on. Every other due date is fixed
    /// when the step that sets it is taken (the reply window's closes by itself: it is never overdue).
    public var clocksMoveDaily: Bool {
        !simpleProcedure && decision == nil && excluded.contains { $0.through == nil }
    }

    // MARK: Checks

    private mutating func record(_ step: String, _ day: CivilDate, _ by: String, _ detail: String) {
        history.append(CaseStep(step: step, on: day, by: by, detail: detail))
    }

    private mutating func closeRunningExclusion(on day: CivilDate) {
        if let i = excluded.lastIndex(where: { $0.through == nil }) { excluded[i].through = max(day, excluded[i].from) }
    }

    private func require(_ states: Set<CaseState>, _ action: String) throws {
        guard states.contains(state) else {
            throw DomainError(
                .failedPrecondition, "cannot \(action) in case \(id): it is \(state.rawValue.uppercased())",
                problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the case is \(state.rawValue.uppercased())")])
        }
    }

    /// Deliberating, or noticed with the party's window closed (FAILED_PRECONDITION "replies" WINDOW_OPEN).
    private func requireDeliberation(on day: CivilDate, _ action: String) throws {
        try require([.noticed, .deliberating], action)
        if state == .noticed && !repliesClosed(on: day) {
            throw FineCollection.precondition(
                "replies", "WINDOW_OPEN", "the party may reply until \(notice!.replyDue.dueDate) (\(notice!.replyDue.rule)) unless they waive")
        }
    }

    private func notBefore(_ day: CivilDate, _ earliest: CivilDate, _ field: String) throws {
        if day < earliest { throw DomainError.invalid("\(day) is before \(earliest), the step it follows", field: field, reason: "BEFORE_LAST_STEP") }
    }

    static func requireRole(_ officer: Officer, _ role: OfficerRole, field: String, on day: CivilDate) throws {
        if !officer.roles.contains(role) {
            throw FineCollection.precondition(field, "MISSING_ROLE", "\(officer.name) does not hold the \(role.rawValue) role")
        }
        try requireCertified(officer, field: field, on: day)
    }

    static func requireCertified(_ officer: Officer, field: String, on day: CivilDate) throws {
        if !officer.isCertified(on: day) {
            throw FineCollection.precondition(field, "NOT_CERTIFIED", "\(officer.name) is not certified on \(day)")
        }
    }
}

/// The daily clock sweep (RULES.md §4(c) 3): over the open cases, every open clock past its due date
/// (overdue, the oldest first) and every one due from today to the horizon (the soonest first). The
/// court-notice clock is a "not before", never a deadline, and is left out.
public struct CaseClockSweep: Sendable {
    public struct Entry: Sendable, Hashable {
        public var caseID: String
        public var subject: LeadSubject
        public var state: CaseState
        public var clock: CaseClock

        public init(caseID: String, subject: LeadSubject, state: CaseState, clock: CaseClock) {
            self.caseID = caseID
            self.subject = subject
            self.state = state
            self.clock = clock
        }
    }

    public var today: CivilDate
    public var horizon: CivilDate
    public var calendar: LegalCalendar

    public init(today: CivilDate, horizon: CivilDate, calendar: LegalCalendar = LegalCalendar()) {
        self.today = today
        self.horizon = horizon
        self.calendar = calendar
    }

    public func run(_ cases: [EnforcementCase]) -> (overdue: [Entry], dueSoon: [Entry]) {
        var overdue: [Entry] = []
        var dueSoon: [Entry] = []
        cases.withUnsafeBufferPointer { cases in
            for i in cases.indices {
                for clock in cases[i].openDeadlines(asOf: today, calendar: calendar) {
                    if clock.deadline.isOverdue(on: today) {
                        overdue.append(Entry(caseID: cases[i].id, subject: cases[i].subject, state: cases[i].state, clock: clock))
                    } else if clock.deadline.dueDate <= horizon {
                        dueSoon.append(Entry(caseID: cases[i].id, subject: cases[i].subject, state: cases[i].state, clock: clock))
                    }
                }
            }
        }
        return (Self.sorted(overdue), Self.sorted(dueSoon))
    }

    /// The soonest due first, then by case: an index sort over precomputed day numbers, so the
    /// entries themselves move once.
    public static func sorted(_ entries: [Entry]) -> [Entry] {
        let days = entries.map(\.clock.deadline.dueDate.dayNumber)
        let order = entries.indices.sorted { a, b in
            days[a] != days[b] ? days[a] < days[b] : entries[a].caseID < entries[b].caseID
        }
        return order.map { entries[$0] }
    }
}
