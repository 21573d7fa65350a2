import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation

/// The inspector roster, checklists, 双随机 tasks, inspections and findings (docs/ELDERCARE.md §11–§12).
extension EldercareHandler {
    /// The largest checklist file accepted.
    static let maxChecklistBytes = 2 << 20

    public func putInspector(_ request: Civic_Eldercare_V1_PutInspectorRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_Inspector {
        _ = try DivisionReach(context.scope)
        let input = request.inspector
        var errors = ValidationErrors()
        if input.id.allSatisfy(\.isWhitespace) { errors.add("inspector.id", "REQUIRED", "inspector.id is required") }
        if input.name.allSatisfy(\.isWhitespace) { errors.add("inspector.name", "REQUIRED", "inspector.name is required") }
        for (i, id) in input.conflicts.enumerated() where id.isEmpty { errors.add("inspector.conflicts[\(i)]", "REQUIRED", "a conflict names an institution") }
        try errors.check()
        let stored = try await store.putInspector(
            .init(id: input.id, name: input.name, active: input.active, conflicts: Array(Set(input.conflicts)).sorted()), by: context.auditActor)
        return .init(stored)
    }

    public func listInspectors(_ request: Civic_Eldercare_V1_ListInspectorsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListInspectorsResponse
    {
        _ = try DivisionReach(context.scope)
        var response = Civic_Eldercare_V1_ListInspectorsResponse()
        response.inspectors = try await store.inspectors().map(Civic_Eldercare_V1_Inspector.init)
        return response
    }

    public func loadChecklist(_ request: Civic_Eldercare_V1_LoadChecklistRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_ChecklistSummary {
        _ = try DivisionReach(context.scope)
        guard !request.json.isEmpty else { throw DomainError.invalid("json is required", field: "json", reason: "REQUIRED") }
        guard request.json.utf8.count <= Self.maxChecklistBytes else {
            throw DomainError.invalid("the checklist is larger than \(Self.maxChecklistBytes) bytes", field: "json", reason: "TOO_LARGE")
        }
        let checklist = try Checklist(json: Data(request.json.utf8))
        try await store.loadChecklist(checklist, document: request.json, by: context.auditActor)
        return .init(checklist)
    }

    public func getChecklist(_ request: Civic_Eldercare_V1_GetChecklistRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_GetChecklistResponse {
        _ = try DivisionReach(context.scope)
        guard let checklist = try await store.checklist(version: request.version.isEmpty ? nil : request.version) else {
            throw DomainError.notFound(request.version.isEmpty ? "no checklist is loaded" : "no checklist version \(request.version)")
        }
        var response = Civic_Eldercare_V1_GetChecklistResponse()
        response.summary = .init(checklist)
        response.items = checklist.items.map { item in
            .with {
                $0.code = item.code
                $0.text = item.text
                $0.weight = Int32(item.weight)
                $0.hazardClass = item.hazardClass.rawValue
                $0.legalBasis = item.legalBasis
                $0.areaCode = item.areaCode
                $0.subAreaCode = item.subAreaCode
            }
        }
        return response
    }

    public func createInspectionTask(_ request: Civic_Eldercare_V1_CreateInspectionTaskRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InspectionTask
    {
        let reach = try DivisionReach(context.scope)
        var errors = ValidationErrors()
        let county = DivisionCode.validate(request.county, field: "county", into: &errors)
        if let county, county.level != .county { errors.add("county", "NOT_A_COUNTY", "a draw is made over one county's institutions") }
        if request.seed.allSatisfy(\.isWhitespace) { errors.add("seed", "REQUIRED", "the seed is recorded so anyone can replay the draw") }
        if request.seed.count > 200 { errors.add("seed", "TOO_LONG", "seed has at most 200 characters") }
        var ratios: [InspectionRiskClass: DrawRatio] = [:]
        for (i, ratio) in request.ratios.enumerated() {
            guard let risk: InspectionRiskClass = WireEnum.domain(ratio.riskClass) else {
                errors.add("ratios[\(i)].risk_class", ratio.riskClass.rawValue == 0 ? "REQUIRED" : "UNKNOWN", "ratios[\(i)] names a risk class")
                continue
            }
            if ratios[risk] != nil { errors.add("ratios[\(i)].risk_class", "DUPLICATE", "\(risk.rawValue) is given twice") }
            if !(1...1000).contains(ratio.perMille) { errors.add("ratios[\(i)].per_mille", "OUT_OF_RANGE", "a ratio is 1 to 1000 per mille") }
            ratios[risk] = DrawRatio(perMille: Int(ratio.perMille))
        }
        let count = request.inspectorCount == 0 ? 2 : Int(request.inspectorCount)
        if count < 2 { errors.add("inspector_count", "TOO_FEW", "an inspection needs at least 2 inspectors (行政处罚法 §42)") }
        let plannedOn = Dates.optional(request.plannedOn, "planned_on", &errors) ?? today()
        try errors.check()
        guard let county else { throw errors }
        try reach.check(county, "county \(county)")
        let day = today()
        let seed = request.seed
        let drawRatios = ratios
        let version = request.checklistVersion.isEmpty ? nil : request.checklistVersion
        let clock = settings.filingClock
        let task = try await store.createTask(county: county, plannedOn: plannedOn, checklistVersion: version, by: context.auditActor) {
            taskID, checklist, candidates, roster in
            guard let checklist else {
                throw DomainError.failedPrecondition(
                    version.map { "no checklist version \($0)" } ?? "no checklist is loaded: load one first", reason: "NO_CHECKLIST")
            }
            let pool = RiskClassification.pool(candidates, filing: clock, on: day)
            let draw = try InspectionTask(taskID: taskID, seed: seed, ratios: drawRatios, inspectorCount: count).draw(
                pool: pool, roster: roster.map { RosterInspector(id: $0.id, active: $0.active, conflicts: Set($0.conflicts)) })
            return (draw, try Inspection.planAll(draw: draw, plannedOn: plannedOn, checklistVersion: checklist.version))
        }
        return task
    }

    public func getInspectionTask(_ request: Civic_Eldercare_V1_GetInspectionTaskRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InspectionTask
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        let task = try await store.task(id: request.id)
        try reach.check(try DivisionCode(task.county), "task \(request.id)")
        return task
    }

    func step(
        _ request: Civic_Eldercare_V1_InspectionStepRequest, _ context: RPCContext, action: String, reason: String = "", notAfterToday: Bool = true,
        _ event: @escaping @Sendable (CivilDate, Checklist?) throws -> InspectionEvent
    ) async throws -> Civic_Eldercare_V1_InspectionResponse {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: notAfterToday)
        let policy = settings.inspectionPolicy
        let updated = try await store.stepInspection(
            id: request.id, action: action, reason: reason, by: context.auditActor,
            check: { county in try reach.check(county, "inspection \(request.id)") },
            apply: { inspection, checklist in
                var copy = inspection
                try copy.apply(try event(on, checklist), policy: policy)
                return copy
            })
        return .with { $0.inspection = .init(updated) }
    }

    public func startInspection(_ request: Civic_Eldercare_V1_InspectionStepRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InspectionResponse
    {
        try await step(request, context, action: "start") { on, _ in .start(on: on) }
    }

    public func recordInspection(_ request: Civic_Eldercare_V1_InspectionStepRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InspectionResponse
    {
        var errors = ValidationErrors()
        var results: [ItemResult] = []
        for (i, r) in request.results.enumerated() {
            let outcome: ItemOutcome? = WireEnum.domain(r.outcome)
            if outcome == nil { errors.add("results[\(i)].outcome", r.outcome.rawValue == 0 ? "REQUIRED" : "UNKNOWN", "results[\(i)].outcome") }
            let level: HazardLevel? = r.level.rawValue == 0 ? .general : WireEnum.domain(r.level)
            if level == nil { errors.add("results[\(i)].level", "UNKNOWN", "results[\(i)].level is not a hazard level") }
            let deadline = Dates.optional(r.deadline, "results[\(i)].deadline", &errors)
            if let outcome, let level {
                results.append(ItemResult(itemCode: r.itemCode, outcome: outcome, note: r.note, level: level, deadline: deadline))
            }
        }
        try errors.check()
        let given = results
        return try await step(request, context, action: "record") { on, checklist in
            guard let checklist else { throw DomainError.failedPrecondition("the inspection's checklist is not loaded", reason: "NO_CHECKLIST") }
            return .record(on: on, results: given, checklist: checklist)
        }
    }

    public func publishInspection(_ request: Civic_Eldercare_V1_InspectionStepRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InspectionResponse
    {
        try await step(request, context, action: "publish") { on, _ in .publish(on: on) }
    }

    public func cancelInspection(_ request: Civic_Eldercare_V1_InspectionStepRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InspectionResponse
    {
        let reason = try Self.reason(request.reason)
        return try await step(request, context, action: "cancel", reason: reason) { on, _ in .cancel(on: on, reason: reason) }
    }

    public func listInspections(_ request: Civic_Eldercare_V1_ListInspectionsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListInspectionsResponse
    {
        let reach = try DivisionReach(context.scope)
        var inspector: String?
        if request.mine {
            guard let subject = context.principal?.subject, !subject.isEmpty else {
                throw DomainError.invalid("mine needs a key whose subject is the inspector's id", field: "mine", reason: "NO_SUBJECT")
            }
            inspector = subject
        }
        let filter = EldercareStore.InspectionFilter(
            place: try place(request.within, reach), taskID: request.taskID.isEmpty ? nil : request.taskID,
            state: try WireEnum.optional(request.state, field: "state"), inspectorID: inspector)
        let page = try await store.inspections(filter, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Eldercare_V1_ListInspectionsResponse()
        response.inspections = page.items.map(Civic_Eldercare_V1_Inspection.init)
        response.page = .init(page)
        return response
    }

    // MARK: - Findings

    public func listFindings(_ request: Civic_Eldercare_V1_ListFindingsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListFindingsResponse
    {
        let reach = try DivisionReach(context.scope)
        let status: RectificationStatus? = try WireEnum.optional(request.status, field: "status")
        // An operator sees its own institution's findings, once their inspection is published.
        let own = try Self.operatedInstitution(context)
        if let own, !request.institutionID.isEmpty, request.institutionID != own {
            throw DomainError.permissionDenied("this key reads institution \(own)'s findings only")
        }
        let day = today()
        let policy = settings.inspectionPolicy.rectification
        let filter = EldercareStore.FindingFilter(
            place: try place(request.within, reach), institutionID: own ?? (request.institutionID.isEmpty ? nil : request.institutionID),
            referralOnly: request.referralOnly, publishedOnly: own != nil, status: status.map { ($0, day, policy.lastDueSoonDeadline(on: day)) })
        var response = Civic_Eldercare_V1_ListFindingsResponse()
        let page = try await store.findings(filter, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        response.findings = page.items.map { .init($0, on: day, policy: policy) }
        response.page = .init(page)
        let responses = try await store.latestResponses(findingIDs: response.findings.map(\.id))
        for i in response.findings.indices {
            if let latest = responses[response.findings[i].id] {
                response.findings[i].operatorResponse = latest.text
                response.findings[i].respondedOn = latest.on
            }
        }
        return response
    }

    func changeFinding(
        _ id: String, _ context: RPCContext, action: String, reason: String = "", _ event: FindingEvent,
        institution: (@Sendable (Institution) throws -> Institution)? = nil
    ) async throws -> Civic_Eldercare_V1_FindingResponse {
        let reach = try DivisionReach(context.scope)
        let policy = settings.inspectionPolicy.rectification
        let updated = try await store.changeFinding(
            id: id, action: action, reason: reason, by: context.auditActor, check: { county in try reach.check(county, "finding \(id)") },
            apply: { finding in
                var copy = finding
                try copy.apply(event, policy: policy)
                return copy
            }, institution: institution)
        return .with { $0.finding = .init(updated, on: today(), policy: policy) }
    }

    public func reinspectFinding(_ request: Civic_Eldercare_V1_ReinspectFindingRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_FindingResponse
    {
        try RequestFields.requireID(request.id)
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        let visit = Reinspection(
            on: on, inspectorIDs: request.inspectorIds, rectified: request.rectified, note: request.note,
            extensionWorkingDays: request.extensionWorkingDays == 0 ? nil : Int(request.extensionWorkingDays))
        return try await changeFinding(request.id, context, action: "reinspect", reason: request.note, .reinspect(visit))
    }

    public func orderSuspension(_ request: Civic_Eldercare_V1_OrderSuspensionRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_FindingResponse
    {
        try RequestFields.requireID(request.findingID, field: "finding_id")
        let on = try RequestFields.date(request.orderedOn, field: "ordered_on", today: today(), notAfterToday: true)
        let order = SuspensionOrder(
            orderedOn: on, documentNumber: request.documentNumber, orderedBy: context.auditActor.id, residentsAffected: Int(request.residentsAffected))
        // The institution stops operating under the order (a suspended one stays so).
        return try await changeFinding(request.findingID, context, action: "order_suspension", reason: request.documentNumber, .orderSuspension(order)) {
            institution in
            institution.status == .operating ? try InstitutionRules.transition(institution, to: .suspended) : institution
        }
    }

    public func recordResettlement(_ request: Civic_Eldercare_V1_RecordResettlementRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_FindingResponse
    {
        try RequestFields.requireID(request.findingID, field: "finding_id")
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        let move = Resettlement(on: on, destination: request.destination, residents: Int(request.residents))
        return try await changeFinding(request.findingID, context, action: "resettle", reason: request.destination, .recordResettlement(move))
    }

    public func respondToFinding(_ request: Civic_Eldercare_V1_RespondToFindingRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_FindingResponse
    {
        try RequestFields.requireID(request.id)
        let text = request.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw DomainError.invalid("text is required", field: "text", reason: "REQUIRED") }
        guard text.count <= 2000 else { throw DomainError.invalid("text has at most 2000 characters", field: "text", reason: "TOO_LONG") }
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        let own = try Self.operatedInstitution(context)
        let finding = try await store.respondToFinding(id: request.id, text: text, on: on, by: context.auditActor) { finding in
            // Only the operator of the finding's institution answers it (admin keys aside).
            if let own, finding.targetID != own {
                throw DomainError.permissionDenied("finding \(request.id) is not about this key's institution")
            }
        }
        var answer = Civic_Eldercare_V1_Finding(finding, on: today(), policy: settings.inspectionPolicy.rectification)
        answer.operatorResponse = text
        answer.respondedOn = on.description
        return .with { $0.finding = answer }
    }

    public func revokeFinding(_ request: Civic_Eldercare_V1_RevokeFindingRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_FindingResponse {
        try RequestFields.requireID(request.id)
        let reason = try Self.reason(request.reason)
        return try await changeFinding(
            request.id, context, action: "revoke", reason: reason, .revoke(on: today(), by: context.auditActor.id, reason: reason))
    }

    public func sweepFindings(_ request: Civic_Eldercare_V1_SweepFindingsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_SweepFindingsResponse
    {
        let reach = try DivisionReach(context.scope)
        let day = today()
        let marked = try await store.sweepFindings(.division(reach.division), before: day, by: context.auditActor, apply: settings.markOverdue(on: day))
        return .with { $0.marked = marked }
    }
}
