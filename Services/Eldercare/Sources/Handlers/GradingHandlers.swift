import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation

/// Grading (GB/T 37276 等级评定) and the sanctions it reads (docs/ELDERCARE.md §15).
extension EldercareHandler {
    static func grade(_ value: Int32, field: String) throws -> CareGrade {
        guard let grade = CareGrade(Int(value)) else { throw DomainError.invalid("\(field) is a grade 1 to 5", field: field, reason: "INVALID") }
        return grade
    }

    public func applyForGrade(_ request: Civic_Eldercare_V1_ApplyForGradeRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_GradeApplicationResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.institutionID, field: "institution_id")
        let requested = try Self.grade(request.requested, field: "requested")
        let on = try RequestFields.date(request.appliedOn, field: "applied_on", today: today(), notAfterToday: true)
        let rules = settings.gradingRules
        let application = try await store.applyForGrade(institutionID: request.institutionID, by: context.auditActor) { institution, record, id in
            try reach.check(institution.county, "institution \(institution.id)")
            return try rules.apply(institutionID: institution.id, record: record, requesting: requested, on: on, id: id)
        }
        return .with { $0.application = .init(application) }
    }

    func gradeStep(
        _ id: String, _ context: RPCContext, action: String, reason: String = "", _ apply: @escaping @Sendable (GradeApplication) throws -> GradeApplication
    )
        async throws -> Civic_Eldercare_V1_GradeApplicationResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(id)
        let updated = try await store.changeGradeApplication(
            id: id, action: action, reason: reason, by: context.auditActor, check: { county in try reach.check(county, "grade application \(id)") },
            apply: apply)
        return .with { $0.application = .init(updated) }
    }

    static func partScores(_ scores: [String: Int32]) -> [String: Int] { scores.mapValues { Int($0) } }

    public func scoreGradeApplication(_ request: Civic_Eldercare_V1_ScoreGradeApplicationRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_GradeApplicationResponse
    {
        let rules = settings.gradingRules
        let scores = Self.partScores(request.partScores)
        let scorers = request.scorers.map { $0.trimmingCharacters(in: .whitespaces) }
        return try await gradeStep(request.id, context, action: "score") { try rules.score($0, partScores: scores, scorers: scorers) }
    }

    public func publishGradeApplication(_ request: Civic_Eldercare_V1_GradeStepRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_GradeApplicationResponse
    {
        let rules = settings.gradingRules
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        return try await gradeStep(request.id, context, action: "publish") { try rules.publish($0, on: on) }
    }

    public func lodgeGradeAppeal(_ request: Civic_Eldercare_V1_GradeStepRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_GradeApplicationResponse
    {
        let rules = settings.gradingRules
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        let grounds = request.grounds
        return try await gradeStep(request.id, context, action: "appeal", reason: grounds) { try rules.lodgeAppeal($0, grounds: grounds, on: on) }
    }

    public func decideGradeAppeal(_ request: Civic_Eldercare_V1_GradeStepRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_GradeApplicationResponse
    {
        let rules = settings.gradingRules
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        // The decider is the caller: a scorer's key is refused.
        let decider = context.principal?.subject.isEmpty == false ? context.principal!.subject : context.auditActor.id
        let revised = request.revisedPartScores.isEmpty ? nil : Self.partScores(request.revisedPartScores)
        return try await gradeStep(request.id, context, action: "decide_appeal") {
            try rules.decideAppeal($0, by: decider, revisedPartScores: revised, on: on)
        }
    }

    public func decideGradeApplication(_ request: Civic_Eldercare_V1_GradeStepRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_GradeApplicationResponse
    {
        let rules = settings.gradingRules
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        return try await gradeStep(request.id, context, action: "decide") { try rules.decide($0, on: on) }
    }

    public func listGradeApplications(_ request: Civic_Eldercare_V1_ListGradeApplicationsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListGradeApplicationsResponse
    {
        let reach = try DivisionReach(context.scope)
        let filter = EldercareStore.GradeFilter(
            place: try place(request.within, reach), institutionID: request.institutionID.isEmpty ? nil : request.institutionID,
            state: try WireEnum.optional(request.state, field: "state"))
        let page = try await store.gradeApplications(filter, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Eldercare_V1_ListGradeApplicationsResponse()
        response.applications = page.items.map(Civic_Eldercare_V1_GradeApplication.init)
        response.page = .init(page)
        return response
    }

    public func recordSanction(_ request: Civic_Eldercare_V1_RecordSanctionRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_RecordSanctionResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.institutionID, field: "institution_id")
        let kind: EldercareStore.SanctionKind
        switch request.kind {
        case .penalty: kind = .penalty
        case .dishonestyListed: kind = .dishonestyListed
        case .dishonestyRemoved: kind = .dishonestyRemoved
        case .penaltyCarriedOut: kind = .penaltyCarriedOut
        case .penaltyRevoked: kind = .penaltyRevoked
        case .unspecified: throw DomainError.invalid("kind is required", field: "kind", reason: "REQUIRED")
        case .UNRECOGNIZED(let value): throw DomainError.invalid("kind has an unknown value \(value)", field: "kind", reason: "UNKNOWN")
        }
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        let reference = try Self.reason(request.reference, field: "reference")
        let sanctions = try await store.recordSanction(
            institutionID: request.institutionID, .init(kind: kind, on: on, reference: reference), by: context.auditActor
        ) { institution in try reach.check(institution.county, "institution \(institution.id)") }
        var response = Civic_Eldercare_V1_RecordSanctionResponse()
        response.sanctions = sanctions.map { sanction in
            .with {
                $0.institutionID = request.institutionID
                $0.kind = Civic_Eldercare_V1_SanctionKind(rawValue: EldercareStore.SanctionKind.allCases.firstIndex(of: sanction.kind)! + 1)!
                $0.on = sanction.on.description
                $0.reference = sanction.reference
            }
        }
        return response
    }
}

extension Civic_Eldercare_V1_GradeApplication {
    init(_ a: GradeApplication) {
        self.init()
        id = a.id
        institutionID = a.institutionID
        requested = Int32(a.requested.level)
        appliedOn = a.appliedOn.description
        state = WireEnum.wire(a.state)
        scorers = a.scorers
        partScores = a.partScores.mapValues { Int32($0) }
        total = Int32(a.total ?? 0)
        scoredGrade = Int32(a.scoredGrade?.level ?? 0)
        noticeStartedOn = a.noticeStartedOn?.description ?? ""
        noticeEndsOn = a.noticeEndsOn?.description ?? ""
        if let appeal = a.appeal {
            self.appeal = .with {
                $0.lodgedOn = appeal.lodgedOn.description
                $0.grounds = appeal.grounds
                $0.decidedBy = appeal.decidedBy ?? ""
                $0.decidedOn = appeal.decidedOn?.description ?? ""
                $0.revisedTotal = Int32(appeal.revisedTotal ?? 0)
            }
        }
        decidedOn = a.decidedOn?.description ?? ""
        granted = Int32(a.granted?.level ?? 0)
        validUntil = a.validUntil?.description ?? ""
    }
}
