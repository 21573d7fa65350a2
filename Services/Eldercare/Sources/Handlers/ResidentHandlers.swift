import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation

/// Residents and the 备案 clock (docs/ELDERCARE.md §6).
extension EldercareHandler {
    public func admitResident(_ request: Civic_Eldercare_V1_AdmitResidentRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_ResidentResponse {
        let reach = try DivisionReach(context.scope)
        guard request.hasResident else { throw DomainError.invalid("resident is required", field: "resident", reason: "REQUIRED") }
        let resident = try ResidentInput.parse(request.resident, today: today())
        var named = ValidationErrors()
        for problem in ResidentRules.problems(resident, today: today()).details {
            named.add("resident.\(problem.field)", problem.reason, problem.description)
        }
        try named.check()
        let stored = try await store.admit(resident, by: context.auditActor) { institution in
            try reach.check(institution.county, "institution \(institution.id)")
        }
        return .with { $0.resident = .init(stored) }
    }

    public func recordResidentEvent(_ request: Civic_Eldercare_V1_RecordResidentEventRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ResidentResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.residentID, field: "resident_id")
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: false)
        let event: ResidentEvent
        let action: String
        switch request.kind {
        case .discharge: (event, action) = (.discharge(on: on), "discharge")
        case .death: (event, action) = (.death(on: on), "death")
        case .assess: (event, action) = (.assess(try WireEnum.required(request.abilityLevel, field: "ability_level"), on: on), "assess")
        case .signAgreement:
            guard request.hasAgreement else { throw DomainError.invalid("agreement is required", field: "agreement", reason: "REQUIRED") }
            var errors = ValidationErrors()
            let agreement = ServiceAgreementInput.parse(request.agreement, field: "agreement", &errors)
            try errors.check()
            (event, action) = (.signAgreement(agreement!), "sign_agreement")
        case .linkDestituteCase: (event, action) = (.linkDestituteCase(request.destituteCaseID), "link_destitute_case")
        case .unlinkDestituteCase: (event, action) = (.unlinkDestituteCase, "unlink_destitute_case")
        case .unspecified: throw DomainError.invalid("kind is required", field: "kind", reason: "REQUIRED")
        case .UNRECOGNIZED(let value): throw DomainError.invalid("kind has an unknown value \(value)", field: "kind", reason: "UNKNOWN")
        }
        let day = today()
        let stored = try await store.residentEvent(
            id: request.residentID, action: action, by: context.auditActor, today: day,
            check: { institution in try reach.check(institution.county, "institution \(institution.id)") },
            apply: { resident in try ResidentRules.apply(event, to: resident, today: day) })
        return .with { $0.resident = .init(stored) }
    }

    public func listPlacementRequests(_ request: Civic_Eldercare_V1_ListPlacementRequestsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListPlacementRequestsResponse
    {
        let reach = try DivisionReach(context.scope)
        var institutionID: String?
        if !request.institutionID.isEmpty {
            let institution = try await store.institution(id: request.institutionID)
            try reach.check(institution.county, "institution \(institution.id)")
            institutionID = institution.id
        }
        let state: EldercareStore.PlacementState? =
            switch request.state {
            case .placementRequested: .requested
            case .placementAdmitted: .admitted
            case .unspecified: nil
            case .UNRECOGNIZED(let value): throw DomainError.invalid("state has an unknown value \(value)", field: "state", reason: "UNKNOWN")
            }
        let page = try await store.placements(
            institutionID: institutionID, county: reach.division, state: state, pageSize: try Paging.pageSize(request.page.pageSize),
            pageToken: request.page.pageToken)
        var response = Civic_Eldercare_V1_ListPlacementRequestsResponse()
        response.requests = page.items.map { p in
            .with {
                $0.id = p.id; $0.caseID = p.caseID; $0.institutionID = p.institutionID; $0.personName = p.personName; $0.personID = p.personID
                $0.selfCare = p.selfCare; $0.requestedOn = p.requestedOn; $0.state = p.state == .requested ? .placementRequested : .placementAdmitted
                $0.residentID = p.residentID ?? ""; $0.admittedOn = p.admittedOn ?? ""
            }
        }
        response.page = .init(page)
        return response
    }

    public func listResidents(_ request: Civic_Eldercare_V1_ListResidentsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListResidentsResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.institutionID, field: "institution_id")
        try reach.check(try await store.institution(id: request.institutionID).county, "institution \(request.institutionID)")
        let page = try await store.residents(
            institutionID: request.institutionID, livingOn: request.currentOnly ? today() : nil, pageSize: try Paging.pageSize(request.page.pageSize),
            pageToken: request.page.pageToken)
        var response = Civic_Eldercare_V1_ListResidentsResponse()
        response.residents = page.items.map(Civic_Eldercare_V1_Resident.init)
        response.page = .init(page)
        response.withoutAgreement = try await store.withoutAgreement(institutionID: request.institutionID, on: today())
        return response
    }

    public func revealResidentID(_ request: Civic_Eldercare_V1_RevealResidentIDRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_RevealResidentIDResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        let reason = try Self.reason(request.reason)
        let number = try await store.revealResidentID(id: request.id, reason: reason, by: context.auditActor) { institution in
            try reach.check(institution.county, "institution \(institution.id)")
        }
        return .with { $0.residentID = number }
    }

    public func recordFiling(_ request: Civic_Eldercare_V1_RecordFilingRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_InstitutionResponse {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.institutionID, field: "institution_id")
        let on = try RequestFields.date(request.filedOn, field: "filed_on", today: today(), notAfterToday: true)
        let stored = try await store.recordFiling(institutionID: request.institutionID, on: on, by: context.auditActor) { institution in
            try reach.check(institution.county, "institution \(institution.id)")
        }
        return .with { $0.institution = .init(stored) }
    }

    public func listFilings(_ request: Civic_Eldercare_V1_ListFilingsRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_ListFilingsResponse {
        let reach = try DivisionReach(context.scope)
        let subjects = try await store.filingSubjects(try place(request.within, reach))
        let names = Dictionary(subjects.map { ($0.institution.id, $0.institution.name) }) { first, _ in first }
        var response = Civic_Eldercare_V1_ListFilingsResponse()
        response.filings = settings.filingClock.dueAndOverdue(subjects.map(\.subject), on: today()).map {
            Civic_Eldercare_V1_FilingEntry($0, name: names[$0.institutionID] ?? "")
        }
        return response
    }
}
