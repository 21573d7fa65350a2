import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EnforcementDomain

/// Cases (行政处罚案件): 立案, the simple procedure, every legal transition, the lists, the daily clock
/// sweep and the published decisions.
extension EnforcementHandler {
    /// INVALID "violation_codes" REQUIRED / UNKNOWN; FAILED_PRECONDITION NO_LIBRARY.
    func checkCodes(_ codes: [String], into errors: inout ValidationErrors) throws {
        if library.isEmpty {
            throw DomainError.failedPrecondition("no legal-basis library is loaded (CIVIC_ENFORCEMENT_LIBRARY_DIR)", reason: "NO_LIBRARY")
        }
        if codes.isEmpty { errors.add("violation_codes", "REQUIRED", "name the legal basis of at least one violation") }
        for code in codes where library.basis(code) == nil { errors.add("violation_codes", "UNKNOWN", "\(code) is not in the legal-basis library") }
    }

    /// One officer named by id: INVALID "<field>" REQUIRED when empty.
    static func one(_ id: String, _ field: String, _ officers: EnforcementStore.OfficerLookup) throws -> Officer {
        if id.isEmpty { throw DomainError.invalid("\(field) names an officer", field: field, reason: "REQUIRED") }
        return try officers([id], field)[0]
    }

    public func fileCase(_ request: Civic_Enforcement_V1_FileCaseRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_CaseResponse {
        var errors = ValidationErrors()
        try checkCodes(request.violationCodes, into: &errors)
        let actEnded = RequestFields.requiredDate(request.actEndedOn, field: "act_ended_on", into: &errors)
        let filedOn = errors.collect("filed_on") { try day(request.filedOn, field: "filed_on") }
        Self.limit(request.summary, 2_000, field: "summary", into: &errors)
        Self.limit(request.subjectRegistration, 500, field: "subject_registration", into: &errors)
        if request.jointOperationID.isEmpty && !request.jointPartners.isEmpty {
            errors.add("joint_partners", "NO_OPERATION", "partners are attributed within a joint operation")
        }
        var subject: LeadSubject?
        var division: DivisionCode?
        let reach = try Caller(context).staffReach()
        if request.leadID.isEmpty {
            subject = errors.collect("") { try LeadSubject.parse(id: request.subjectID, name: request.subjectName, unregistered: request.unregistered) }
            division = errors.collect("division") { try self.division(request.division, reach: reach) }
        }
        try errors.check()
        let chosen = division
        let chosenSubject = subject
        // The registers are asked about an organization unless the officer wrote what they said.
        var registration = request.subjectRegistration
        if registration.isEmpty, let registry {
            let target = try await request.leadID.isEmpty ? subject : store.lead(id: request.leadID).subject
            if let target, let said = await registry.describe(target, on: today()) { registration = said }
        }
        let subjectRegistration = registration
        let created = try await store.fileCase(
            leadID: request.leadID, division: { lead in lead?.division ?? chosen! }, by: context.auditActor,
            check: { lead in if let lead { try reach.check(lead.division, "lead \(lead.id)") } },
            make: { id, lead, officers in
                let approver = try Self.one(request.approvedBy, "approved_by", officers)
                let investigators = try officers(request.investigators, "investigators")
                var c = try EnforcementCase(
                    id: id, division: lead?.division ?? chosen!, leadID: request.leadID, subject: lead?.subject ?? chosenSubject!,
                    violationCodes: request.violationCodes, summary: request.summary, actEndedOn: actEnded!,
                    harmsLifeHealthOrFinance: request.harmsLifeHealthOrFinance, filedOn: filedOn!, approver: approver, investigators: investigators,
                    complex: request.complex, majorPublicInterest: request.majorPublicInterest, jointOperationID: request.jointOperationID,
                    subjectRegistration: subjectRegistration)
                c.jointPartners = request.jointPartners
                return c
            }, bases: library.basis)
        return answer(created)
    }

    public func recordOnTheSpotPenalty(_ request: Civic_Enforcement_V1_RecordOnTheSpotPenaltyRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_CaseResponse
    {
        var errors = ValidationErrors()
        try checkCodes(request.violationCode.isEmpty ? [] : [request.violationCode], into: &errors)
        let on = errors.collect("on") { try day(request.on) }
        let subject = errors.collect("") { try LeadSubject.parse(id: request.subjectID, name: request.subjectName) }
        let penalties = Self.penalties(request.penalties, field: "penalties", into: &errors)
        if request.fineFen < 0 { errors.add("fine_fen", "NEGATIVE", "an amount is 0 or more") }
        Self.limit(request.summary, 2_000, field: "summary", into: &errors)
        let reach = try Caller(context).staffReach()
        let division = errors.collect("division") { try self.division(request.division, reach: reach) }
        try errors.check()
        let penalty = ProposedPenalty(penalties: penalties, fine: Fen(Int(request.fineFen)))
        let calendar = calendar
        let created = try await store.recordOnTheSpot(
            division: division!, by: context.auditActor,
            make: { id, officers in
                try EnforcementCase.onTheSpot(
                    id: id, division: division!, subject: subject!, violationCode: request.violationCode, summary: request.summary, on: on!,
                    penalty: penalty, officers: try officers(request.officers, "officers"), collectedOnTheSpot: request.collectedOnTheSpot,
                    receipt: request.receipt, calendar: calendar)
            }, bases: library.basis)
        return answer(created)
    }

    /// The domain step a request names, with its audit action.
    typealias Step = @Sendable (inout EnforcementCase, EnforcementStore.OfficerLookup) throws -> Void

    func step(_ request: Civic_Enforcement_V1_StepCaseRequest, caller: Caller, actor: String) throws -> (action: String, step: Step) {
        guard let step = request.step else { throw DomainError.invalid("name the step", field: "step", reason: "REQUIRED") }
        let on = try day(request.on)
        let calendar = calendar
        let library = library
        let thresholds = settings.hearingThresholds
        @Sendable func investigators(_ c: EnforcementCase, _ officers: EnforcementStore.OfficerLookup) throws -> [Officer] {
            try officers(c.investigators, "investigators")
        }
        switch step {
        case .addEvidence(let s):
            return (
                "add_evidence",
                { c, officers in
                    try c.addEvidence(
                        s.description_p, on: on, officers: try officers(s.officers, "officers"), preservedItems: s.preservedItems, calendar: calendar)
                }
            )
        case .decidePreservation(let s):
            return ("decide_preservation", { c, _ in try c.decidePreservation(Int(s.number), decision: s.decision, on: on, by: actor) })
        case .startExcludedTime(let s):
            let kind: ExcludedTimeKind = try WireEnum.required(s.kind, field: "kind")
            if kind == .hearing { throw DomainError.invalid("a hearing's time starts with its request", field: "kind", reason: "NOT_ALLOWED") }
            return ("start_excluded_time", { c, _ in try c.startExcludedTime(kind, on: on, by: actor) })
        case .endExcludedTime:
            return ("end_excluded_time", { c, _ in try c.endExcludedTime(on: on, by: actor) })
        case .extendDecisionLimit(let s):
            return (
                "extend_decision_limit",
                { c, officers in
                    try c.extendDecisionLimit(
                        by: Int(s.days), reason: s.reason, on: on, approver: try Self.one(s.approvedBy, "approved_by", officers),
                        byCollectiveDiscussion: s.byCollectiveDiscussion, calendar: calendar)
                }
            )
        case .serveNotice(let s):
            let proposed = try Self.proposal(s.proposal, field: "proposal")
            let facts = try Self.facts(s.facts)
            return (
                "serve_notice",
                { c, officers in
                    // The proposal stays within the benchmark in force for these facts (§34).
                    let assessment = try library.assess(facts, codes: c.violationCodes, on: on)
                    var proposal = proposed
                    try assessment.check(proposal)
                    proposal.tier = assessment.tier
                    proposal.rule = assessment.rule
                    proposal.legalReviewRequired = assessment.legalReviewRequired
                    try c.serveNotice(
                        proposal, on: on, officers: try officers(s.officers, "officers"), facts: facts, thresholds: thresholds, calendar: calendar)
                }
            )
        case .recordStatement(let s):
            return ("record_statement", { c, _ in try c.recordStatement(s.text, on: on, by: actor) })
        case .waiveReplies:
            return ("waive_replies", { c, _ in try c.waiveReplies(on: on, by: actor) })
        case .requestHearing:
            return ("request_hearing", { c, _ in try c.requestHearing(on: on, by: actor) })
        case .scheduleHearing(let s):
            let date = try anyDay(s.date, field: "date")
            return (
                "schedule_hearing",
                { c, officers in
                    try c.scheduleHearing(
                        on: on, date: date, host: try Self.one(s.host, "hearing_host", officers), investigators: try investigators(c, officers),
                        isPublic: s.isPublic, calendar: calendar)
                }
            )
        case .holdHearing(let s):
            return ("hold_hearing", { c, _ in try c.holdHearing(on: on, record: s.record, by: actor) })
        case .sendForLegalReview(let s):
            return (
                "send_for_legal_review",
                { c, officers in
                    try c.sendForLegalReview(
                        on: on, reviewer: try Self.one(s.reviewer, "legal_reviewer", officers), investigators: try investigators(c, officers), by: actor)
                }
            )
        case .concludeLegalReview(let s):
            guard let reviewer = caller.officerID else {
                throw DomainError.permissionDenied("a legal review is concluded with the reviewer's own key (its subject the reviewer's officer id)")
            }
            return ("conclude_legal_review", { c, _ in try c.concludeLegalReview(approved: s.approved, opinion: s.opinion, on: on, reviewerID: reviewer) })
        case .recordDiscussion(let s):
            return ("record_discussion", { c, _ in try c.recordDiscussion(participants: s.participants, conclusion: s.conclusion, on: on, by: actor) })
        case .decidePenalty(let s):
            let penalty = try Self.proposal(s.penalty, field: "penalty")
            return (
                "decide_penalty",
                { c, officers in
                    var decided = penalty
                    if let notice = c.notice {
                        decided.tier = notice.proposal.tier
                        decided.rule = notice.proposal.rule
                        decided.legalReviewRequired = notice.proposal.legalReviewRequired
                    }
                    try c.decidePenalty(decided, reasons: s.reasons, on: on, approver: try Self.one(s.approvedBy, "approved_by", officers), calendar: calendar)
                }
            )
        case .decideWithoutPenalty(let s):
            let outcome: CaseOutcome = try WireEnum.required(s.outcome, field: "outcome")
            return (
                "decide_without_penalty",
                { c, officers in
                    try c.decideWithoutPenalty(
                        outcome, reasons: s.reasons, on: on, approver: try Self.one(s.approvedBy, "approved_by", officers), calendar: calendar)
                }
            )
        case .serveDecision(let s):
            let method: ServiceMethod = try WireEnum.required(s.method, field: "method")
            return (
                "serve_decision",
                { c, officers in
                    try c.serveDecision(
                        on: on, method: method, consentRecorded: s.consentRecorded, officers: try officers(s.officers, "officers"), calendar: calendar)
                }
            )
        case .recordPayment(let s):
            return ("record_payment", { c, _ in try c.recordPayment(Fen(Int(s.amountFen)), receipt: s.receipt, on: on, by: actor) })
        case .deferPayment(let s):
            let to = try anyDay(s.to, field: "to")
            return ("defer_payment", { c, officers in try c.deferPayment(to: to, on: on, approver: try Self.one(s.approvedBy, "approved_by", officers)) })
        case .approveInstalments(let s):
            var errors = ValidationErrors()
            let plan = s.instalments.enumerated().compactMap { i, wire -> FineCollection.Instalment? in
                guard let due = RequestFields.requiredDate(wire.dueDate, field: "instalments[\(i)].due_date", into: &errors) else { return nil }
                return FineCollection.Instalment(dueDate: due, amount: Fen(Int(wire.amountFen)))
            }
            try errors.check()
            return (
                "approve_instalments",
                { c, officers in try c.approveInstalments(plan, on: on, approver: try Self.one(s.approvedBy, "approved_by", officers)) }
            )
        case .startCollectionPause(let s):
            let kind: FineCollection.PauseKind = try WireEnum.required(s.kind, field: "kind")
            return ("start_collection_pause", { c, _ in try c.startCollectionPause(kind, on: on, by: actor) })
        case .endCollectionPause:
            return ("end_collection_pause", { c, _ in try c.endCollectionPause(on: on, by: actor) })
        case .reduceSurcharge(let s):
            return (
                "reduce_surcharge",
                { c, officers in try c.reduceSurcharge(by: Fen(Int(s.amountFen)), on: on, approver: try Self.one(s.approvedBy, "approved_by", officers)) }
            )
        case .serveDemand:
            return ("serve_demand", { c, _ in try c.serveDemand(on: on, by: actor) })
        case .applyToCourt:
            return ("apply_to_court", { c, _ in try c.applyToCourt(on: on, by: actor, calendar: calendar) })
        case .closeCase(let s):
            return ("close_case", { c, _ in try c.close(note: s.note, on: on, by: actor) })
        case .publishDecision:
            return ("publish_decision", { c, _ in try c.publish(on: on, by: actor) })
        case .withdrawPublication(let s):
            return ("withdraw_publication", { c, _ in try c.withdrawPublication(reason: s.reason, on: on, by: actor) })
        case .revokeDecision(let s):
            return ("revoke_decision", { c, _ in try c.revokeDecision(by: s.by, reason: s.reason, on: on, calendar: calendar) })
        }
    }

    public func stepCase(_ request: Civic_Enforcement_V1_StepCaseRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_CaseResponse {
        try RequestFields.requireID(request.id)
        let caller = try Caller(context)
        let actor = caller.officerID ?? context.principal.map { $0.subject.isEmpty ? $0.id : $0.subject } ?? context.auditActor.id
        let (action, step) = try step(request, caller: caller, actor: actor)
        let reach = try await caseReach(caller)
        // A reviewer-only key concludes its review and nothing else.
        if case .officer = reach, request.step.map({ if case .concludeLegalReview = $0 { false } else { true } }) == true {
            throw DomainError.permissionDenied("a legal reviewer's key concludes reviews only")
        }
        let moved = try await store.stepCase(
            id: request.id, action: action, today: today(), by: context.auditActor, check: { try check($0, reach: reach) }, step: step, bases: library.basis)
        return answer(moved)
    }

    public func getCase(_ request: Civic_Enforcement_V1_GetCaseRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_CaseResponse {
        try RequestFields.requireID(request.id)
        let reach = try await caseReach(try Caller(context))
        let found = try await store.enforcementCase(id: request.id)
        try check(found, reach: reach)
        return answer(found)
    }

    public func listCases(_ request: Civic_Enforcement_V1_ListCasesRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_ListCasesResponse {
        let reach = try await caseReach(try Caller(context), requested: request.within)
        let filter = EnforcementStore.CaseFilter(
            state: try WireEnum.optional(request.state, field: "state"), outcome: try WireEnum.optional(request.outcome, field: "outcome"),
            jointOperationID: request.jointOperationID.isEmpty ? nil : request.jointOperationID,
            violationCode: request.violationCode.isEmpty ? nil : request.violationCode)
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let found = try await store.cases(reach: reach, filter: filter, offset: offset, limit: size)
        let day = today()
        return .with {
            $0.cases = found.cases.map { .init($0, today: day, calendar: calendar, full: false) }
            $0.page = .init(Page(items: found.cases, offset: offset, total: found.total))
        }
    }

    public func listCaseDeadlines(_ request: Civic_Enforcement_V1_ListCaseDeadlinesRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_ListCaseDeadlinesResponse
    {
        let days = request.dueWithinDays == 0 ? 7 : Int(request.dueWithinDays)
        let limit = request.limit == 0 ? 100 : Int(request.limit)
        var errors = ValidationErrors()
        if !(1...90).contains(days) { errors.add("due_within_days", "OUT_OF_RANGE", "due_within_days is 1 to 90") }
        if !(1...1_000).contains(limit) { errors.add("limit", "OUT_OF_RANGE", "limit is 1 to 1,000") }
        try errors.check()
        let reach = try await caseReach(try Caller(context), requested: request.within)
        let day = today()
        let sweep = CaseClockSweep(today: day, horizon: day.adding(days: days), calendar: calendar)
        let found = try await store.caseDeadlines(sweep, reach: reach, limit: limit)
        func wire(_ entry: CaseClockSweep.Entry) -> Civic_Enforcement_V1_CaseDeadline {
            .with {
                $0.caseID = entry.caseID
                $0.subject = .init(entry.subject, masked: true)
                $0.state = WireEnum.wire(entry.state)
                $0.clock = .init(entry.clock, today: day)
            }
        }
        return .with {
            $0.overdue = found.overdue.map(wire)
            $0.dueSoon = found.dueSoon.map(wire)
            $0.asOf = day.description
            $0.overdueTotal = Int32(found.overdueTotal)
            $0.dueSoonTotal = Int32(found.dueSoonTotal)
        }
    }

    public func listPublishedDecisions(_ request: Civic_Enforcement_V1_ListPublishedDecisionsRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_ListPublishedDecisionsResponse
    {
        let within = try DivisionReach.division(request.within, field: "within")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let found = try await store.publishedDecisions(
            within: within, creditCode: request.creditCode.isEmpty ? nil : request.creditCode.uppercased(), offset: offset, limit: size)
        return .with {
            $0.decisions = found.decisions.map(Civic_Enforcement_V1_PublishedDecision.init)
            $0.page = .init(Page(items: found.decisions, offset: offset, total: found.total))
        }
    }
}
