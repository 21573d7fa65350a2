import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EnforcementDomain

/// Leads (案件线索): recorded by staff, referred by departments and services, verified, decided.
extension EnforcementHandler {
    /// A new lead's fields, every problem at once.
    func newLead(
        id: String, division: DivisionCode, source: LeadSource, referredBy: String, reference: String, subjectID: String, subjectName: String,
        unregistered: Bool = false, summary: String, receivedOn: CivilDate, amountObtained: Fen? = nil
    ) throws -> Lead {
        var errors = ValidationErrors()
        let subject = errors.collect("") { try LeadSubject.parse(id: subjectID, name: subjectName, unregistered: unregistered) }
        Self.limit(summary, 2_000, field: "summary", into: &errors)
        Self.limit(subjectName, 100, field: "subject.name", into: &errors)
        Self.limit(referredBy, 100, field: "referred_by", into: &errors)
        Self.limit(reference, 100, field: "reference", into: &errors)
        var lead: Lead?
        if let subject {
            lead = errors.collect("") {
                try Lead(
                    id: id, division: division, source: source, referredBy: referredBy, subject: subject, summary: summary, receivedOn: receivedOn,
                    verification: settings.leadVerification, calendar: calendar)
            }
        }
        try errors.check()
        lead!.reference = reference
        lead!.amountObtained = amountObtained
        return lead!
    }

    public func recordLead(_ request: Civic_Enforcement_V1_RecordLeadRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_LeadResponse {
        let source: LeadSource = try WireEnum.required(request.source, field: "source")
        if source == .serviceReferral {
            throw DomainError.invalid("a service refers its leads with ReferLead", field: "source", reason: "NOT_ALLOWED")
        }
        let receivedOn = try day(request.receivedOn, field: "received_on")
        let reach = try Caller(context).staffReach()
        let division = try division(request.division, reach: reach)
        let make: @Sendable (String) throws -> Lead = { id in
            try newLead(
                id: id, division: division, source: source, referredBy: request.referredBy, reference: "", subjectID: request.subjectID,
                subjectName: request.subjectName, unregistered: request.unregistered, summary: request.summary, receivedOn: receivedOn)
        }
        _ = try make("")
        let recorded = try await store.recordLead(by: context.auditActor, make: make)
        return .with { $0.lead = .init(recorded.lead, today: today(), masked: false) }
    }

    public func referLead(_ request: Civic_Enforcement_V1_ReferLeadRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_LeadResponse {
        var errors = ValidationErrors()
        if request.reference.allSatisfy(\.isWhitespace) { errors.add("reference", "REQUIRED", "the referrer's own id for the referral") }
        let division = errors.collect("division") { () -> DivisionCode? in
            guard let code = try DivisionReach.division(request.division, field: "division") else {
                throw DomainError.invalid("division is required", field: "division", reason: "REQUIRED")
            }
            return code
        }
        try errors.check()
        let source: LeadSource
        let referrer: String
        if case .referrer(let name, let service) = try Caller(context) {
            (source, referrer) = (service ? .serviceReferral : .departmentReferral, name)
        } else {
            // No principal: a local tool against a service run without an internal key.
            (source, referrer) = (.serviceReferral, context.principal?.id ?? "local")
        }
        let receivedOn = today()
        let make: @Sendable (String) throws -> Lead = { id in
            try newLead(
                id: id, division: division!, source: source, referredBy: referrer, reference: request.reference, subjectID: request.subjectID,
                subjectName: request.subjectName, unregistered: request.unregistered, summary: request.summary, receivedOn: receivedOn)
        }
        _ = try make("")
        let recorded = try await store.recordLead(by: context.auditActor, make: make)
        return .with { $0.lead = .init(recorded.lead, today: today(), masked: true) }
    }

    func leadStep(_ id: String, action: String, _ context: RPCContext, change: @escaping @Sendable (inout Lead) throws -> Void) async throws
        -> Civic_Enforcement_V1_LeadResponse
    {
        try RequestFields.requireID(id)
        let reach = try Caller(context).staffReach()
        let lead = try await store.stepLead(
            id: id, action: action, by: context.auditActor, check: { try reach.check($0.division, "lead \($0.id)") }, change: change)
        return .with { $0.lead = .init(lead, today: today(), masked: false) }
    }

    public func extendLeadVerification(_ request: Civic_Enforcement_V1_ExtendLeadVerificationRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_LeadResponse
    {
        let on = try day(request.on)
        let limit = settings.leadVerification
        let calendar = calendar
        return try await leadStep(request.id, action: "extend_lead_verification", context) { lead in
            try lead.extend(by: limit, approvedBy: request.approvedBy, on: on, calendar: calendar)
        }
    }

    public func decideLead(_ request: Civic_Enforcement_V1_DecideLeadRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_LeadResponse {
        let on = try day(request.on)
        let state: LeadState = try WireEnum.required(request.state, field: "state")
        if state == .filed || state == .received {
            throw DomainError.invalid("a lead is FILED by FileCase; decide NOT_FILED or TRANSFERRED here", field: "state", reason: "NOT_AN_OUTCOME")
        }
        var errors = ValidationErrors()
        Self.limit(request.outcome, 500, field: "outcome", into: &errors)
        try errors.check()
        return try await leadStep(request.id, action: "decide_lead", context) { lead in try lead.decide(state, outcome: request.outcome, on: on) }
    }

    public func getLead(_ request: Civic_Enforcement_V1_GetLeadRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_LeadResponse {
        try RequestFields.requireID(request.id)
        let caller = try Caller(context)
        let lead = try await store.lead(id: request.id)
        if case .referrer(let department, _) = caller {
            if lead.referredBy != department { throw DomainError.permissionDenied("lead \(lead.id) was not referred by \(department)") }
            return .with { $0.lead = .init(lead, today: today(), masked: true) }
        }
        try caller.staffReach().check(lead.division, "lead \(lead.id)")
        return .with { $0.lead = .init(lead, today: today(), masked: false) }
    }

    public func listLeads(_ request: Civic_Enforcement_V1_ListLeadsRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_ListLeadsResponse {
        let caller = try Caller(context)
        let reach: EnforcementStore.LeadReach
        if case .referrer(let department, _) = caller {
            reach = .referredBy(department)
        } else {
            reach = .within(try caller.staffReach().listing(requested: request.within, field: "within"))
        }
        let state: LeadState? = try WireEnum.optional(request.state, field: "state")
        let source: LeadSource? = try WireEnum.optional(request.source, field: "source")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let day = today()
        let found = try await store.leads(
            reach: reach, state: state, source: source, overdueOn: request.overdueOnly ? day : nil, offset: offset, limit: size)
        return .with {
            $0.leads = found.leads.map { .init($0, today: day, masked: true) }
            $0.page = .init(Page(items: found.leads, offset: offset, total: found.total))
        }
    }
}
