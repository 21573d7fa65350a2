import AssistanceDomain
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage

/// Applications: filing, the steps of the workflow, 公示, listing.
extension AssistanceHandler {
    public func fileApplication(_ request: Civic_Assistance_V1_FileApplicationRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let access = try AssistanceAccess(context)
        try RequestFields.requireID(request.householdID, field: "household_id")
        let terms = try ApplicationInput.terms(
            program: request.program, member: request.memberResidentID, setting: request.setting, singlePerson: request.singlePerson,
            temporaryKind: request.temporaryKind, requested: request.requestedFen)
        let channel: Channel = try WireEnum.optional(request.channel, field: "channel") ?? .window
        let appliedOn = try RequestFields.date(request.appliedOn, field: "applied_on", today: today(), notAfterToday: true)
        var authorization: CivilDate?
        if !request.authorizationSignedOn.isEmpty {
            authorization = try RequestFields.date(request.authorizationSignedOn, field: "authorization_signed_on", today: today(), notAfterToday: true)
        }
        let household = try await store.household(id: request.householdID)
        try access.check(household.division, "household \(household.id)")
        try terms.problems(for: household).check()
        let application = ApplicationCase(
            householdID: household.id, division: household.division, terms: terms, channel: channel, appliedOn: appliedOn,
            authorizationSignedOn: authorization, relatedToOfficial: request.relatedToOfficial)
        return try await respond(try await store.file(application, by: context.auditActor), access)
    }

    public func getApplication(_ request: Civic_Assistance_V1_GetApplicationRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let access = try AssistanceAccess(context)
        try RequestFields.requireID(request.id)
        let application = try await store.application(id: request.id)
        try access.check(application.division, "application \(request.id)")
        return try await respond(application, access)
    }

    public func listApplications(_ request: Civic_Assistance_V1_ListApplicationsRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ListApplicationsResponse
    {
        let access = try AssistanceAccess(context)
        var filter = AssistanceStore.ApplicationFilter()
        filter.within = try access.listing(requested: request.division)
        filter.program = try WireEnum.optional(request.program, field: "program")
        filter.state = try WireEnum.optional(request.state, field: "state")
        if !request.householdID.isEmpty { filter.householdID = request.householdID }
        let clockStatus: DeadlineStatus? = try WireEnum.optional(request.caseStatus, field: "case_status")
        var response = Civic_Assistance_V1_ListApplicationsResponse()
        let page: Page<ApplicationCase>
        if let clockStatus {
            // The clock is computed, not stored: read the open cases (bounded) and filter here.
            let day = today()
            let clock = settings.clock
            let open = try await store.openApplications(filter, limit: Self.clockFilterLimit).filter { a in
                a.acceptedOn.flatMap { clock.caseStatus(state: a.state, acceptedOn: $0, extended: a.extended, on: day) } == clockStatus
            }
            let size = try Paging.pageSize(request.page.pageSize)
            let offset = try Paging.offset(fromToken: request.page.pageToken)
            page = Page(items: Array(open.dropFirst(offset).prefix(size)), offset: offset, total: open.count)
        } else {
            page = try await store.applications(filter, pageSize: Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        }
        for application in page.items {
            response.applications.append(try await respond(application, access).application)
        }
        response.page = .init(page)
        return response
    }

    /// The most open cases a clock filter reads: a county's open caseload, many times over.
    static let clockFilterLimit = 20_000

    public func recordAuthorization(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let signed = try RequestFields.date(request.signedOn, field: "signed_on", today: today(), notAfterToday: true)
        return try await step(request.id, context) { _ in .init(step: .recordAuthorization(signedOn: signed), detail: "signed \(signed)") }
    }

    public func acceptApplication(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        return try await step(request.id, context) { _ in .init(step: .accept(on: on)) }
    }

    public func startInvestigation(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        var methods: [InvestigationMethod] = []
        for (i, method) in request.methods.enumerated() {
            methods.append(try WireEnum.required(method, field: "methods[\(i)]"))
        }
        let notes = try limited(request.text, field: "text")
        let chosen = methods
        let investigator = AssistanceAccess.person(context)
        return try await step(request.id, context) { _ in
            .init(step: .startInvestigation(by: investigator, on: on, methods: chosen, notes: notes), detail: "investigator \(investigator)")
        }
    }

    public func recordTownshipOpinion(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        let text = try limited(request.text, field: "text")
        let options = settings.options
        return try await step(request.id, context) { inputs in
            let proposal = try Self.entitlement(inputs, month: BenefitMonth(containing: on).next, options: options)
            // The audit detail holds the amount and the standard, never the incomes in the formula.
            return .init(
                step: .townshipOpinion(on: on, text: text, proposal: proposal), detail: "proposed \(proposal.amount.fen) fen (\(proposal.standardVersionID))")
        }
    }

    public func startNotice(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        let clock = settings.clock
        return try await step(request.id, context) { inputs in
            let notice = PublicNoticeText.render(application: inputs.application, household: inputs.household, startsOn: on, clock: clock)
            return .init(step: .startNotice(on: on), notice: notice, detail: "公示 \(notice.startsOn)–\(notice.endsOn)")
        }
    }

    public func recordObjection(_ request: Civic_Assistance_V1_RecordObjectionRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        let by = try RequestFields.required(request.by, field: "by", what: "who objects (a name, or 匿名)")
        let text = try limited(request.text, field: "text")
        let objection = Objection(by: by, on: on, text: text, recordedBy: context.auditActor.id)
        return try await step(request.id, context, reason: text) { _ in .init(step: .objection(objection), detail: "objection by \(by)") }
    }

    public func extendApplication(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let reason = try limited(request.text, field: "text")
        return try await step(request.id, context, reason: reason) { _ in .init(step: .extend(reason: reason)) }
    }

    public func approveApplication(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        let requestedStart = request.startMonth.isEmpty ? nil : try month(request.startMonth, field: "start_month")
        let approver = AssistanceAccess.person(context)
        let options = settings.options
        return try await step(request.id, context) { inputs in
            let application = inputs.application
            let start = requestedStart ?? ApplicationClock.paymentStart(program: application.program, appliedOn: application.appliedOn, approvedOn: on)
            let earliest = ApplicationClock.paymentStart(program: application.program, appliedOn: application.appliedOn, approvedOn: on)
            guard start >= earliest else {
                throw DomainError.invalid("payment starts in \(earliest) at the earliest", field: "start_month", reason: "TOO_EARLY")
            }
            let decided = try Self.entitlement(inputs, month: start, options: options)
            let snapshot = DecisionSnapshot(
                household: inputs.household, terms: application.terms, decidedOn: on, effectiveFrom: start, amount: decided.amount,
                standardVersionID: decided.standardVersionID)
            let recurring = application.program != .temporary
            let frequency = inputs.household.reviewFrequency(on: on)
            return .init(
                step: .approve(by: approver, on: on, decided: decided, startMonth: start), snapshot: snapshot,
                reviewDue: recurring ? ReviewSchedule.nextDue(after: on, frequency: frequency) : nil,
                detail: "\(decided.amount.fen) fen from \(start) (\(decided.standardVersionID))")
        }
    }

    public func rejectApplication(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        let reason = try limited(request.text, field: "text", required: false)
        let by = AssistanceAccess.person(context)
        return try await step(request.id, context, reason: reason) { _ in .init(step: .reject(by: by, on: on, reason: reason)) }
    }

    public func withdrawApplication(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        let reason = try limited(request.text, field: "text", required: false)
        return try await step(request.id, context, reason: reason) { _ in .init(step: .withdraw(on: on, reason: reason)) }
    }

    public func payFirst(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        let by = AssistanceAccess.person(context)
        let amount = Fen(Int(request.amountFen))
        return try await step(request.id, context) { inputs in
            let (application, household) = (inputs.application, inputs.household)
            guard application.program == .temporary, application.terms.temporaryKind == .emergency else {
                throw ApplicationWorkflow.illegalTransition(application.state, event: "pay first on", why: "only 临时救助 急难型 is paid before the paperwork")
            }
            let standard = try inputs.standards.inForce(division: household.division, area: household.area, month: BenefitMonth(containing: on))
            var terms = application.terms
            terms.requested = amount
            terms.temporaryKind = .emergency
            let grant = try Entitlement.compute(household: household, terms: terms, month: BenefitMonth(containing: on), standard: standard)
            let snapshot = DecisionSnapshot(
                household: household, terms: terms, decidedOn: on, effectiveFrom: BenefitMonth(containing: on), amount: grant.amount,
                standardVersionID: grant.standardVersionID)
            return .init(step: .payFirst(by: by, on: on, grant: grant), snapshot: snapshot, detail: "\(grant.amount.fen) fen: \(grant.formula)")
        }
    }

    public func completePaperwork(_ request: Civic_Assistance_V1_ApplicationStepRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ApplicationResponse
    {
        let on = try eventDay(request.on)
        return try await step(request.id, context) { _ in .init(step: .completePaperwork(on: on)) }
    }

    public func listPublicNotices(_ request: Civic_Assistance_V1_ListPublicNoticesRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ListPublicNoticesResponse
    {
        let division = try AssistanceAccess.division(request.division)
        let day = try RequestFields.optionalDate(request.on, field: "on")
        let page = try await store.notices(
            within: division, runningOn: day, pageSize: Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Assistance_V1_ListPublicNoticesResponse()
        response.notices = page.items.map(Civic_Assistance_V1_PublicNotice.init)
        response.page = .init(page)
        return response
    }

    // MARK: - Shared

    /// The longest free text a step records (opinions, reasons, objections).
    static let maxTextLength = 2_000

    func limited(_ text: String, field: String, required: Bool = false) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= Self.maxTextLength else {
            throw DomainError.invalid("\(field) is longer than \(Self.maxTextLength) characters", field: field, reason: "TOO_LONG")
        }
        if required && trimmed.isEmpty { throw DomainError.invalid("\(field) is required", field: field, reason: "REQUIRED") }
        return trimmed
    }

    /// The day a step happened: today when empty, never ahead.
    func eventDay(_ text: String) throws -> CivilDate {
        try RequestFields.date(text, field: "on", today: today(), notAfterToday: true)
    }

    /// The application's entitlement for `month` from the registry as it stands in the step's transaction.
    static func entitlement(_ inputs: AssistanceStore.StepInputs, month: BenefitMonth, options: MinimumLivingOptions) throws -> EntitlementResult {
        let household = inputs.household
        let standard = try inputs.standards.inForce(division: household.division, area: household.area, month: month)
        return try Entitlement.compute(
            household: household, terms: inputs.application.terms, month: month, standard: standard, options: options,
            inMinimumLivingFamily: inputs.inMinimumLivingFamily)
    }

    /// Makes one step on application `id` for the caller: the division checked inside the
    /// transaction, then `make` builds the step from the application, household and standards.
    func step(
        _ id: String, _ context: RPCContext, reason: String = "",
        make: @escaping @Sendable (AssistanceStore.StepInputs) throws -> AssistanceStore.StepOutcome
    ) async throws -> Civic_Assistance_V1_ApplicationResponse {
        let access = try AssistanceAccess(context)
        try RequestFields.requireID(id)
        let division = access.division
        let application = try await store.step(id, by: context.auditActor, limits: settings.limits, calendar: calendar, reason: reason) {
            inputs in
            if let division, !division.contains(inputs.application.division) {
                throw DomainError.permissionDenied("application \(id) is outside this key's division \(division)")
            }
            return try make(inputs)
        }
        return try await respond(application, access)
    }

    func respond(_ application: ApplicationCase, _ access: AssistanceAccess) async throws -> Civic_Assistance_V1_ApplicationResponse {
        let household = try await store.household(id: application.householdID)
        let notice = try await store.notice(applicationID: application.id).map(Civic_Assistance_V1_PublicNotice.init)
        var response = Civic_Assistance_V1_ApplicationResponse()
        response.application = Civic_Assistance_V1_Application(
            application, view: access.view(of: household), clock: settings.clock, today: today(), notice: notice)
        return response
    }
}
