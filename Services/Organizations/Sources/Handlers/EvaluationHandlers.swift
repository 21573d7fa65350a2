import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// 1A–5A evaluation (社会组织评估, 令39号): eligibility, application, scoring, 公示, 复核, decision; and
/// the investigations that bar it.
extension OrganizationsHandler {
    public func applyForEvaluation(_ request: Civic_Organizations_V1_ApplyForEvaluationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_EvaluationResponse
    {
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let on = try day(request.appliedOn, field: "applied_on")
        let reach = try Caller(context).staffReach()
        let rules = evaluationRules
        let credit = creditRules
        let result = try await store.applyForEvaluation(
            organizationID: request.organizationID, by: context.auditActor,
            check: { try reach.check($0.registrarDivision, "organization \($0.id)") }
        ) { record, id in
            try rules.apply(organizationID: record.organization.id, facts: try Self.facts(record, on: on, credit: credit), on: on, id: id)
        }
        return .with { $0.application = .init(result.application, name: result.organization.name) }
    }

    static func facts(_ record: OrganizationsStore.EvaluationRecord, on day: CivilDate, credit: CreditListRules) throws -> EvaluationFacts {
        EvaluationFacts(
            organization: record.organization, inspections: record.inspections, credit: try credit.status(of: record.creditHistory, on: day),
            investigations: record.investigations, lastAward: record.lastAward, on: day)
    }

    public func checkEvaluationEligibility(_ request: Civic_Organizations_V1_CheckEvaluationEligibilityRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_CheckEvaluationEligibilityResponse
    {
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let on = try day(request.on)
        let caller = try Caller(context)
        let record = try await store.evaluationRecord(organizationID: request.organizationID)
        try caller.check(record.organization)
        let facts = try Self.facts(record, on: on, credit: creditRules)
        let problems = evaluationRules.eligibility(of: facts, on: on)
        let held = record.lastAward.flatMap { $0.isValid(on: on) ? $0 : nil }
        return .with {
            $0.organizationID = record.organization.id
            $0.on = on.description
            $0.eligible = problems.isEmpty
            $0.purpose = WireEnum.wire(evaluationRules.purpose(of: facts, on: on))
            $0.problems = problems.details.map { p in
                .with {
                    $0.field = p.field; $0.reason = p.reason; $0.description_p = p.description
                }
            }
            if let registered = record.organization.registeredOn {
                $0.firstEligibleOn = evaluationRules.firstEligibleDay(registeredOn: registered).description
            }
            if let held {
                $0.currentGrade = Int32(held.grade.level)
                $0.currentGradeValidUntil = held.validUntil.description
            }
        }
    }

    /// Moves evaluation `id` by `apply`: staff (and leaders) of the body's registrar, or the body
    /// itself where `organizationMay`.
    func evaluationStep(
        _ id: String, _ context: RPCContext, action: String, reason: String = "", organizationMay: Bool = false,
        _ apply: @escaping @Sendable (EvaluationApplication) throws -> EvaluationApplication
    ) async throws -> Civic_Organizations_V1_EvaluationResponse {
        try RequestFields.requireID(id)
        let caller = try Caller(context)
        switch caller {
        case .staff: break
        case .organization: if !organizationMay { throw DomainError.permissionDenied("this step is the registrar's") }
        case .sponsor: throw DomainError.permissionDenied("a sponsor unit reads evaluations; the registrar runs them")
        }
        let result = try await store.stepEvaluation(
            id: id, action: action, reason: reason, by: context.auditActor, check: { try caller.check($0) }, apply: apply)
        return .with { $0.application = .init(result.application, name: result.organization.name) }
    }

    public func scoreEvaluation(_ request: Civic_Organizations_V1_ScoreEvaluationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_EvaluationResponse
    {
        let on = try day(request.scoredOn, field: "scored_on")
        let rules = evaluationRules
        let total = Int(request.total)
        let scorers = request.scorers
        return try await evaluationStep(request.id, context, action: "score_evaluation") { try rules.score($0, total: total, scorers: scorers, on: on) }
    }

    public func publishEvaluation(_ request: Civic_Organizations_V1_EvaluationStepRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_EvaluationResponse
    {
        let on = try day(request.on)
        let rules = evaluationRules
        return try await evaluationStep(request.id, context, action: "publish_evaluation") { try rules.publish($0, on: on) }
    }

    public func requestEvaluationReview(_ request: Civic_Organizations_V1_EvaluationStepRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_EvaluationResponse
    {
        let on = try day(request.on)
        let rules = evaluationRules
        let grounds = request.grounds
        return try await evaluationStep(request.id, context, action: "request_evaluation_review", reason: grounds, organizationMay: true) {
            try rules.requestReview($0, grounds: grounds, on: on)
        }
    }

    public func decideEvaluationReview(_ request: Civic_Organizations_V1_EvaluationStepRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_EvaluationResponse
    {
        let on = try day(request.on)
        let rules = evaluationRules
        let revised = request.hasRevisedTotal ? Int(request.revisedTotal) : nil
        // The decider is the caller (the key's subject, else its id): a scorer's key is refused.
        let decider = actorName(context)
        return try await evaluationStep(request.id, context, action: "decide_evaluation_review") {
            try rules.decideReview($0, by: decider, revisedTotal: revised, on: on)
        }
    }

    public func recordEvaluationReviewNotice(_ request: Civic_Organizations_V1_EvaluationStepRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_EvaluationResponse
    {
        let on = try day(request.on)
        let rules = evaluationRules
        return try await evaluationStep(request.id, context, action: "evaluation_review_notice") { try rules.recordReviewNotice($0, on: on) }
    }

    public func decideEvaluation(_ request: Civic_Organizations_V1_EvaluationStepRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_EvaluationResponse
    {
        let on = try day(request.on)
        let rules = evaluationRules
        return try await evaluationStep(request.id, context, action: "decide_evaluation") { try rules.decide($0, on: on) }
    }

    public func getEvaluation(_ request: Civic_Organizations_V1_EvaluationStepRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_EvaluationResponse
    {
        try RequestFields.requireID(request.id)
        let caller = try Caller(context)
        let found = try await store.evaluation(id: request.id)
        try caller.check(found.organization)
        return .with { $0.application = .init(found.application, name: found.organization.name) }
    }

    public func listEvaluations(_ request: Civic_Organizations_V1_ListEvaluationsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListEvaluationsResponse
    {
        let reach = try Caller(context).listing(within: request.within)
        let state: EvaluationState? = try WireEnum.optional(request.state, field: "state")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let organizationID = request.organizationID.isEmpty ? nil : request.organizationID
        let found = try await store.evaluations(reach, organizationID: organizationID, state: state, offset: offset, limit: size)
        return .with {
            $0.applications = found.applications.map { .init($0.application, name: $0.name) }
            $0.page = .init(Page(items: found.applications, offset: offset, total: found.total))
        }
    }

    // MARK: - Investigations

    public func openInvestigation(_ request: Civic_Organizations_V1_OpenInvestigationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_InvestigationResponse
    {
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let on = try day(request.openedOn, field: "opened_on")
        let reach = try Caller(context).staffReach()
        let investigation = try await store.openInvestigation(organizationID: request.organizationID, by: context.auditActor) { body, id in
            try reach.check(body.registrarDivision, "organization \(body.id)")
            return try Investigation(id: id, organizationID: body.id, authority: request.authority, reference: request.reference, openedOn: on)
        }
        return .with { $0.investigation = .init(investigation) }
    }

    public func closeInvestigation(_ request: Civic_Organizations_V1_CloseInvestigationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_InvestigationResponse
    {
        try RequestFields.requireID(request.id)
        let on = try day(request.closedOn, field: "closed_on")
        let reach = try Caller(context).staffReach()
        let outcome = request.outcome
        let investigation = try await store.closeInvestigation(
            id: request.id, by: context.auditActor, check: { try reach.check($0.registrarDivision, "organization \($0.id)") }
        ) { try $0.closed(on: on, outcome: outcome) }
        return .with { $0.investigation = .init(investigation) }
    }
}

extension Civic_Organizations_V1_EvaluationApplication {
    init(_ a: EvaluationApplication, name: String) {
        self.init()
        id = a.id
        organizationID = a.organizationID
        organizationName = name
        purpose = WireEnum.wire(a.purpose)
        currentGrade = Int32(a.currentGrade?.level ?? 0)
        appliedOn = a.appliedOn.description
        state = WireEnum.wire(a.state)
        scorers = a.scorers
        scoredOn = a.scoredOn?.description ?? ""
        total = Int32(a.total ?? 0)
        scoredGrade = Int32(a.scoredGrade?.level ?? 0)
        noticeStartedOn = a.noticeStartedOn?.description ?? ""
        noticeEndsOn = a.noticeEndsOn?.description ?? ""
        if let r = a.review {
            review = .with {
                $0.requestedOn = r.requestedOn.description
                $0.grounds = r.grounds
                $0.decidedBy = r.decidedBy ?? ""
                $0.decidedOn = r.decidedOn?.description ?? ""
                $0.revisedTotal = Int32(r.revisedTotal ?? 0)
                $0.noticeDueOn = r.noticeDueOn?.description ?? ""
                $0.notifiedOn = r.notifiedOn?.description ?? ""
                $0.noticeWasLate = r.noticeWasLate
            }
        }
        decidedOn = a.decidedOn?.description ?? ""
        awardedGrade = Int32(a.awarded?.level ?? 0)
        validUntil = a.validUntil?.description ?? ""
        notAwardedReason = a.notAwardedReason ?? ""
    }
}

extension Civic_Organizations_V1_Investigation {
    init(_ i: Investigation) {
        self.init()
        id = i.id
        organizationID = i.organizationID
        authority = i.authority
        reference = i.reference
        openedOn = i.openedOn.description
        closedOn = i.closedOn?.description ?? ""
        outcome = i.outcome
    }
}
