import AssistanceDomain
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage

/// 标准 and the registry: standards, households, people, import, the benefit preview.
extension AssistanceHandler {
    public func putStandardVersion(_ request: Civic_Assistance_V1_PutStandardVersionRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_StandardVersion
    {
        guard request.hasVersion else { throw DomainError.invalid("version is required", field: "version", reason: "REQUIRED") }
        let version = try StandardInput.parse(request.version)
        try AssistanceAccess(context).check(version.division, "the standard")
        return Civic_Assistance_V1_StandardVersion(try await store.putStandard(version, by: context.auditActor))
    }

    public func listStandardVersions(_ request: Civic_Assistance_V1_ListStandardVersionsRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ListStandardVersionsResponse
    {
        let division = try AssistanceAccess.division(request.division)
        let area: Area? = try WireEnum.optional(request.area, field: "area")
        var response = Civic_Assistance_V1_ListStandardVersionsResponse()
        response.versions = try await store.standardVersions(division: division, area: area).map(Civic_Assistance_V1_StandardVersion.init)
        return response
    }

    public func registerHousehold(_ request: Civic_Assistance_V1_RegisterHouseholdRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_HouseholdResponse
    {
        let access = try AssistanceAccess(context)
        guard request.hasHousehold else { throw DomainError.invalid("household is required", field: "household", reason: "REQUIRED") }
        let household = try HouseholdInput.parse(request.household, today: today())
        try access.check(household.division, "the household")
        return respond(try await store.register(household, by: context.auditActor, visible: access.reaches), access)
    }

    public func updateHousehold(_ request: Civic_Assistance_V1_UpdateHouseholdRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_HouseholdResponse
    {
        let access = try AssistanceAccess(context)
        try RequestFields.requireID(request.id)
        let reason = try RequestFields.required(request.reason, field: "reason", what: "the reason for the change")
        guard request.hasHousehold else { throw DomainError.invalid("household is required", field: "household", reason: "REQUIRED") }
        var household = try HouseholdInput.parse(request.household, today: today())
        try access.check(household.division, "the household")
        let id = request.id
        // The record is sent whole, ID numbers in full: a caller who sees them masked types them.
        household = try await store.update(id: id, to: household, reason: reason, by: context.auditActor, visible: access.reaches) { current in
            try access.check(current.division, "household \(id)")
        }
        return respond(household, access)
    }

    public func getHousehold(_ request: Civic_Assistance_V1_GetHouseholdRequest, context: RPCContext) async throws -> Civic_Assistance_V1_HouseholdResponse {
        let access = try AssistanceAccess(context)
        try RequestFields.requireID(request.id)
        let household = try await store.household(id: request.id)
        try access.check(household.division, "household \(request.id)")
        return respond(household, access)
    }

    public func listHouseholds(_ request: Civic_Assistance_V1_ListHouseholdsRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ListHouseholdsResponse
    {
        let access = try AssistanceAccess(context)
        var filter = AssistanceStore.HouseholdFilter()
        filter.within = try access.listing(requested: request.division)
        filter.area = try WireEnum.optional(request.area, field: "area")
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        if !query.isEmpty {
            guard query.count <= 50 else { throw DomainError.invalid("query is longer than 50 characters", field: "query", reason: "TOO_LONG") }
            filter.query = query
        }
        let page = try await store.households(filter, pageSize: Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Assistance_V1_ListHouseholdsResponse()
        response.households = page.items.map { summary in
            var p = Civic_Assistance_V1_HouseholdSummary()
            p.id = summary.id
            p.division = summary.division
            p.area = WireEnum.wire(summary.area)
            p.headName = summary.headName
            p.members = Int32(summary.members)
            p.caseWorker = summary.caseWorker
            return p
        }
        response.page = .init(page)
        return response
    }

    public func findPerson(_ request: Civic_Assistance_V1_FindPersonRequest, context: RPCContext) async throws -> Civic_Assistance_V1_FindPersonResponse {
        let access = try AssistanceAccess(context)
        let id: ResidentID
        do {
            id = try ResidentID(request.residentID)
        } catch let error as DomainError {
            throw DomainError.invalid(error.message, field: "resident_id", reason: error.reason)
        }
        // Outside the caller's division is NOT_FOUND too: the answer must not tell where a person is registered.
        guard let household = try await store.household(of: id), access.division.map({ $0.contains(household.division) }) ?? true,
            let member = household.member(id)
        else {
            throw DomainError.notFound("no household registers this person in the divisions this key reaches")
        }
        var response = Civic_Assistance_V1_FindPersonResponse()
        response.householdID = household.id
        response.member = Civic_Assistance_V1_Member(member, view: access.view(of: household), today: today())
        return response
    }

    public func computeBenefit(_ request: Civic_Assistance_V1_ComputeBenefitRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_BenefitComputation
    {
        let access = try AssistanceAccess(context)
        try RequestFields.requireID(request.householdID, field: "household_id")
        let terms = try ApplicationInput.terms(
            program: request.program, member: request.memberResidentID, setting: request.setting, singlePerson: request.singlePerson,
            temporaryKind: request.temporaryKind, requested: request.requestedFen)
        let month = try month(request.month)
        let household = try await store.household(id: request.householdID)
        try access.check(household.division, "household \(household.id)")
        let standard = try await store.standardTable().inForce(division: household.division, area: household.area, month: month)
        let result = try Entitlement.compute(
            household: household, terms: terms, month: month, standard: standard, options: settings.options,
            inMinimumLivingFamily: try await store.inMinimumLivingFamily(householdID: household.id, month: month))
        return Civic_Assistance_V1_BenefitComputation(result)
    }

    func respond(_ household: Household, _ access: AssistanceAccess) -> Civic_Assistance_V1_HouseholdResponse {
        var response = Civic_Assistance_V1_HouseholdResponse()
        response.household = Civic_Assistance_V1_Household(household, view: access.view(of: household), today: today())
        return response
    }
}

extension Civic_Assistance_V1_BenefitComputation {
    init(_ result: EntitlementResult) {
        self.init()
        program = WireEnum.wire(result.program)
        month = result.month.description
        amountFen = Int64(result.amount.fen)
        eligible = result.eligible
        formula = result.formula
        standardVersionID = result.standardVersionID
        householdSize = Int32(result.householdSize)
        householdIncomeFen = Int64(result.householdIncome.fen)
        if let marginal = result.marginal {
            marginalLowIncome = marginal.qualifies
            marginalFormula = marginal.formula
        }
        if let level = result.selfCareLevel { selfCareLevel = WireEnum.wire(level) }
    }
}

extension AssistanceHandler {
    /// The largest import file accepted: 50,000 rows of a few hundred bytes fit well inside it.
    static let maxImportBytes = 3_500_000

    public func importHouseholds(_ request: Civic_Assistance_V1_ImportHouseholdsRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ImportHouseholdsResponse
    {
        let access = try AssistanceAccess(context)
        guard request.csv.utf8.count <= Self.maxImportBytes else {
            throw DomainError.invalid("the file is larger than \(Self.maxImportBytes) bytes: split it", field: "csv", reason: "TOO_LARGE")
        }
        var response = Civic_Assistance_V1_ImportHouseholdsResponse()
        if request.dryRun {
            let problems = HouseholdImport.problems(request.csv, today: today())
            response.problems = problems.details.map { problem in
                var p = Civic_Assistance_V1_ImportProblem()
                p.line = Int32(Self.line(of: problem.field) ?? 0)
                p.field = problem.field
                p.reason = problem.reason
                p.description_p = problem.description
                return p
            }
            if problems.isEmpty {
                let parsed = try HouseholdImport.parse(request.csv, today: today())
                response.households = Int32(parsed.count)
                response.members = Int32(parsed.reduce(0) { $0 + $1.household.members.count })
            }
            return response
        }
        let parsed = try HouseholdImport.parse(request.csv, today: today())
        for imported in parsed {
            try access.check(imported.household.division, "line \(imported.firstLine)'s household")
        }
        let stored = try await store.importHouseholds(
            parsed.map(\.household), by: context.auditActor, lines: parsed.map(\.memberLines), visible: access.reaches)
        response.households = Int32(stored.count)
        response.members = Int32(stored.reduce(0) { $0 + $1.members.count })
        response.householdIds = stored.map(\.id)
        return response
    }

    /// The line number in an import problem's field ("lines[7].resident_id" or "line 7: …").
    static func line(of field: String) -> Int? {
        let digits = field.drop { !$0.isNumber }.prefix { $0.isNumber }
        return Int(digits)
    }
}
