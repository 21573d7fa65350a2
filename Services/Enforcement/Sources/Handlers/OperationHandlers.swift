import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EnforcementDomain

/// Joint operations (联合执法 / 专项行动) and the report.
extension EnforcementHandler {
    public func createJointOperation(_ request: Civic_Enforcement_V1_CreateJointOperationRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_JointOperationResponse
    {
        let wire = request.operation
        var errors = ValidationErrors()
        let started = RequestFields.requiredDate(wire.startedOn, field: "started_on", into: &errors)
        let ends = RequestFields.date(wire.endsOn, field: "ends_on", into: &errors)
        let reach = try Caller(context).staffReach()
        let division = errors.collect("division") { try self.division(wire.division, reach: reach, field: "division") }
        let make: @Sendable (String) throws -> JointOperation = { id in
            try JointOperation(
                id: id, name: wire.name, division: division!, partners: wire.partners, description: wire.description_p, startedOn: started!, endsOn: ends)
        }
        if let division, let started {
            _ = errors.collect("") {
                try JointOperation(
                    id: "", name: wire.name, division: division, partners: wire.partners, description: wire.description_p, startedOn: started, endsOn: ends)
            }
        }
        try errors.check()
        let created = try await store.createJointOperation(by: context.auditActor, make: make)
        return .with { $0.operation = .init(created, figures: JointOperationFigures(created, cases: [])) }
    }

    public func getJointOperation(_ request: Civic_Enforcement_V1_GetJointOperationRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_JointOperationResponse
    {
        try RequestFields.requireID(request.id)
        let reach = try Caller(context).staffReach()
        let found = try await store.jointOperation(id: request.id)
        try reach.check(found.operation.division, "joint operation \(found.operation.id)")
        return .with { $0.operation = .init(found.operation, figures: JointOperationFigures(found.operation, cases: found.cases)) }
    }

    public func listJointOperations(_ request: Civic_Enforcement_V1_ListJointOperationsRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_ListJointOperationsResponse
    {
        let within = try Caller(context).staffReach().listing(requested: request.within, field: "within")
        let activeOn = try RequestFields.optionalDate(request.activeOn, field: "active_on")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let matching = try await store.jointOperations(within: within).filter { op in activeOn.map(op.isActive(on:)) ?? true }
        let page = Array(matching.dropFirst(offset).prefix(size))
        let cases = try await store.cases(inOperations: page.map(\.id))
        return .with {
            $0.operations = page.map { .init($0, figures: JointOperationFigures($0, cases: cases)) }
            $0.page = .init(Page(items: page, offset: offset, total: matching.count))
        }
    }

    public func getEnforcementReport(_ request: Civic_Enforcement_V1_GetEnforcementReportRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_EnforcementReport
    {
        let day = today()
        var errors = ValidationErrors()
        let through = RequestFields.date(request.through, field: "through", into: &errors) ?? day
        let from = RequestFields.date(request.from, field: "from", into: &errors) ?? CivilDate(year: through.year, month: 1, day: 1)!
        if from > through { errors.add("from", "AFTER_THROUGH", "the period starts on \(from), after it ends on \(through)") }
        if request.posts < 0 { errors.add("posts", "NEGATIVE", "posts are 0 or more") }
        try errors.check()
        let within = try Caller(context).staffReach().listing(requested: request.within, field: "within")
        let inputs = try await store.reportInputs(within: within)
        let report = EnforcementReport(
            cases: inputs.cases, leads: inputs.leads, officers: inputs.officers, operations: inputs.operations, from: from, through: through, asOf: day,
            posts: request.posts == 0 ? nil : Int(request.posts))
        return .with {
            $0.within = within?.description ?? ""
            $0.from = from.description
            $0.through = through.description
            $0.asOf = day.description
            $0.lines = report.lines.map { line in
                .with {
                    $0.section = line.section
                    $0.measure = line.measure
                    $0.value = Int64(line.value)
                    $0.whole = Int64(line.whole ?? 0)
                    $0.percent = line.percent?.description ?? ""
                }
            }
            $0.certifiedRate = report.certifiedRate.description
            $0.onTimeRate = report.onTimeRate.description
            $0.collectionRate = report.collectionRate.description
            $0.csv = report.csv()
        }
    }
}

extension Civic_Enforcement_V1_JointOperation {
    init(_ o: JointOperation, figures f: JointOperationFigures) {
        self.init()
        id = o.id
        name = o.name
        division = o.division.description
        partners = o.partners
        description_p = o.description
        startedOn = o.startedOn.description
        endsOn = o.endsOn?.description ?? ""
        figures = .with {
            $0.cases = Int64(f.cases)
            $0.byState = CaseState.allCases.compactMap { state in
                f.byState[state].map { count in
                    .with {
                        $0.state = WireEnum.wire(state); $0.cases = Int64(count)
                    }
                }
            }
            $0.penalized = Int64(f.penalized)
            $0.finesImposedFen = Int64(f.finesImposed.fen)
            $0.finesCollectedFen = Int64(f.finesCollected.fen)
            $0.partners = f.perPartner.map { p in
                .with {
                    $0.partner = p.partner; $0.cases = Int64(p.cases)
                }
            }
        }
    }
}
