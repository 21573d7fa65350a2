import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// Registration applications (成立登记): submission, pre-review, 受理 and 容缺受理, the sponsor's
/// approval, and the decision that puts the body on the register with its new credit code.
extension OrganizationsHandler {
    public func submitApplication(_ request: Civic_Organizations_V1_SubmitApplicationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let reach = try Caller(context).staffReach()
        guard request.hasApplication else { throw DomainError.invalid("application is required", field: "application", reason: "REQUIRED") }
        let registrar = try Self.registrar(of: reach)
        let input = request.application
        var errors = ValidationErrors()
        func enumeration<D: CaseIterable>(_ body: () throws -> D?) -> D? { errors.collect("application", body) }
        let type: OrganizationType? = enumeration { try WireEnum.required(input.type, field: "application.type") }
        let kind: FoundationKind? = enumeration { try WireEnum.optional(input.foundationKind, field: "application.foundation_kind") }
        let level: RegistrarLevel? = enumeration { try WireEnum.required(input.registrarLevel, field: "application.registrar_level") }
        let division = DivisionCode.validate(input.division, field: "application.division", into: &errors)
        let submitted = RequestFields.date(request.submittedOn, field: "submitted_on", into: &errors) ?? today()
        if submitted > today() { errors.add("submitted_on", "IN_THE_FUTURE", "submitted_on \(submitted) is after today") }
        if input.name.allSatisfy(\.isWhitespace) { errors.add("application.name", "REQUIRED", "the proposed name is required") }
        if !input.directlyRegistrable && input.sponsor.allSatisfy(\.isWhitespace) {
            errors.add("application.sponsor", "REQUIRED", "the sponsor unit is required unless the body is directly registrable")
        }
        if input.fundsFen < 0 { errors.add("application.funds_fen", "NEGATIVE", "funds cannot be negative") }
        if input.individualMembers < 0 || input.unitMembers < 0 { errors.add("application.members", "NEGATIVE", "a member count cannot be negative") }
        if let type, type == .foundation, kind == nil { errors.add("application.foundation_kind", "REQUIRED", "a foundation is 公募 or 非公募") }
        try errors.check()
        guard let type, let level, let division else { throw errors }
        try reach.check(division, "division \(division)")
        let application = RegistrationApplication(
            id: "", name: input.name.trimmingCharacters(in: .whitespacesAndNewlines), type: type, foundationKind: kind,
            isTradeAssociation: input.tradeAssociation, registrarLevel: level, division: division,
            sponsor: input.sponsor.trimmingCharacters(in: .whitespacesAndNewlines), directlyRegistrable: input.directlyRegistrable,
            funds: Fen(Int(input.fundsFen)), individualMembers: Int(input.individualMembers), unitMembers: Int(input.unitMembers),
            domicile: input.domicile, purpose: input.purpose, businessScope: input.businessScope, legalRepresentative: input.legalRepresentative,
            applicant: input.applicant, submittedOn: submitted, calendar: settings.calendar.calendar, limits: settings.registration)
        let stored = try await store.submit(application, registrarDivision: registrar, by: context.auditActor)
        return .with { $0.application = .init(stored, today: today()) }
    }

    /// The registrar a staff key acts for: its division (an application is made to one registrar).
    static func registrar(of reach: DivisionReach) throws -> DivisionCode {
        guard let division = reach.division else {
            throw DomainError.permissionDenied("an application is made to one registrar: use a key with a division")
        }
        return division
    }

    public func getApplication(_ request: Civic_Organizations_V1_GetApplicationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.id)
        let stored = try await store.application(id: request.id)
        try reach.check(stored.registrarDivision, "application \(request.id)")
        return .with { $0.application = .init(stored, today: today()) }
    }

    public func listApplications(_ request: Civic_Organizations_V1_ListApplicationsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListApplicationsResponse
    {
        let reach = try Caller(context).staffReach()
        let day = today()
        let filter = OrganizationsStore.ApplicationFilter(
            within: try reach.listing(requested: request.within, field: "within"), state: try WireEnum.optional(request.state, field: "state"),
            overdueOn: request.overdueOnly ? day : nil)
        let page = try await store.applications(filter, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        return .with {
            $0.applications = page.items.map { .init($0, today: day) }
            $0.page = .init(page)
        }
    }

    /// Applies one event to application `id` for a staff caller of its registrar.
    func step(_ id: String, _ context: RPCContext, reason: String = "", _ event: @escaping @Sendable () throws -> ApplicationEvent) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(id)
        let calendar = settings.calendar.calendar
        let limits = settings.registration
        let stored = try await store.stepApplication(
            id: id, action: try event().name, reason: reason, by: context.auditActor,
            check: { try reach.check($0, "application \(id)") }
        ) { application in
            var next = application
            try next.apply(try event(), calendar: calendar, limits: limits)
            return next
        }
        return .with { $0.application = .init(stored, today: today()) }
    }

    public func preReviewApplication(_ request: Civic_Organizations_V1_PreReviewApplicationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let on = try day(request.on)
        let passed = request.passed
        let notes = request.notes
        return try await step(request.id, context, reason: notes) { .preReview(on: on, passed: passed, notes: notes) }
    }

    public func resubmitApplication(_ request: Civic_Organizations_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let on = try day(request.on)
        return try await step(request.id, context) { .resubmit(on: on) }
    }

    public func acceptApplication(_ request: Civic_Organizations_V1_AcceptApplicationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let on = try day(request.on)
        if request.promisedDocuments.isEmpty {
            if !request.promiseDue.isEmpty {
                throw DomainError.invalid("a promise due day needs the promised documents", field: "promised_documents", reason: "REQUIRED")
            }
            return try await step(request.id, context) { .accept(on: on) }
        }
        var errors = ValidationErrors()
        let due = RequestFields.requiredDate(request.promiseDue, field: "promise_due", into: &errors)
        try errors.check()
        guard let due else { throw errors }
        let documents = request.promisedDocuments
        return try await step(request.id, context, reason: "容缺受理: " + documents.joined(separator: "、")) {
            .acceptOnPromise(on: on, documents: documents, dueBy: due)
        }
    }

    public func supplyDocuments(_ request: Civic_Organizations_V1_SupplyDocumentsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let on = try day(request.on)
        let documents = request.documents
        return try await step(request.id, context, reason: documents.joined(separator: "、")) { .supply(on: on, documents: documents) }
    }

    public func recordSponsorApproval(_ request: Civic_Organizations_V1_RecordSponsorApprovalRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let on = try day(request.approvedOn, field: "approved_on")
        let reference = request.reference
        return try await step(request.id, context, reason: reference) {
            .recordSponsorApproval(SponsorApproval(reference: reference, approvedOn: on))
        }
    }

    public func refuseApplication(_ request: Civic_Organizations_V1_RefuseApplicationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let on = try day(request.on)
        let reasons = request.reasons
        return try await step(request.id, context, reason: reasons) { .refuse(on: on, reasons: reasons) }
    }

    public func withdrawApplication(_ request: Civic_Organizations_V1_RefuseApplicationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ApplicationResponse
    {
        let on = try day(request.on)
        let reason = try RequestFields.reason(request.reasons, field: "reasons")
        return try await step(request.id, context, reason: reason) { .withdraw(on: on, reason: reason) }
    }
}
