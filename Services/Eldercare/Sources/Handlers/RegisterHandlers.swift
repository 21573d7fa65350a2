import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation

/// The divisions table and the register of institutions (docs/ELDERCARE.md §2–§4).
extension EldercareHandler {
    public func loadDivisions(_ request: Civic_Eldercare_V1_LoadDivisionsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_LoadDivisionsResponse
    {
        let reach = try DivisionReach(context.scope)
        var errors = ValidationErrors()
        var records: [DivisionRecord] = []
        for (i, row) in request.divisions.enumerated() {
            do {
                let level: DivisionLevel = try WireEnum.required(row.level, field: "divisions[\(i)].level")
                records.append(DivisionRecord(code: row.code, name: row.name, level: level, parent: row.parent))
            } catch let error as DomainError {
                for problem in error.problems { errors.add(problem) }
            }
        }
        try errors.check()
        let table = try DivisionTable(records)
        for county in Set(table.divisions.map(\.county)) { try reach.check(county, "county \(county)") }
        let counts = try await store.loadDivisions(table, by: context.auditActor)
        var response = Civic_Eldercare_V1_LoadDivisionsResponse()
        response.loaded = Int32(counts.loaded)
        response.counties = counts.counties
        response.streets = Int32(counts.byLevel[.street] ?? 0)
        response.townships = Int32(counts.byLevel[.township] ?? 0)
        response.communities = Int32(counts.byLevel[.community] ?? 0)
        response.villages = Int32(counts.byLevel[.village] ?? 0)
        return response
    }

    public func listDivisions(_ request: Civic_Eldercare_V1_ListDivisionsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListDivisionsResponse
    {
        let reach = try DivisionReach(context.scope)
        let place = try place(request.within, reach)
        let level: DivisionLevel? = try WireEnum.optional(request.level, field: "level")
        let page = try await store.divisions(
            place, level: level, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Eldercare_V1_ListDivisionsResponse()
        response.divisions = page.items.map(Civic_Eldercare_V1_Division.init)
        response.page = .init(page)
        return response
    }

    /// `institution` checked against the register's rules and its county's divisions table (when loaded).
    func validated(_ institution: Institution) async throws -> Institution {
        let divisions = try await store.divisionTable(county: institution.county)
        do {
            return try InstitutionRules.validated(institution, today: today(), divisions: divisions, thresholds: settings.institutions)
        } catch let errors as ValidationErrors {
            // The request names the record "institution".
            var named = ValidationErrors()
            for problem in errors.details { named.add("institution.\(problem.field)", problem.reason, problem.description) }
            throw named
        }
    }

    public func registerInstitution(_ request: Civic_Eldercare_V1_RegisterInstitutionRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InstitutionResponse
    {
        let reach = try DivisionReach(context.scope)
        guard request.hasInstitution else { throw DomainError.invalid("institution is required", field: "institution", reason: "REQUIRED") }
        var institution = try InstitutionInput.parse(request.institution)
        try reach.check(institution.county, "county \(institution.county)")
        if !institution.operatorName.isEmpty {
            institution.operatorHistory = [
                OperatorPeriod(
                    operatorName: institution.operatorName, operatorCreditCode: institution.operatorCreditCode, chain: institution.chain,
                    from: institution.openedOn)
            ]
        }
        let stored = try await store.register(try await validated(institution), by: context.auditActor)
        return .with { $0.institution = .init(stored) }
    }

    public func updateInstitution(_ request: Civic_Eldercare_V1_UpdateInstitutionRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InstitutionResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        guard request.hasInstitution else { throw DomainError.invalid("institution is required", field: "institution", reason: "REQUIRED") }
        let reason = try Self.reason(request.reason)
        let input = try InstitutionInput.parse(request.institution)
        let current = try await store.institution(id: request.id)
        try reach.check(current.county, "institution \(request.id)")
        try reach.check(input.county, "county \(input.county)")
        // The operator, its history and the status change by their own methods only.
        var replacement = input
        replacement.id = current.id
        replacement.operatorName = current.operatorName
        replacement.operatorCreditCode = current.operatorCreditCode
        replacement.chain = current.chain
        replacement.operatorHistory = current.operatorHistory
        replacement.status = current.status
        // Once residents are recorded one by one, they keep the count.
        if try await store.hasResidentRecords(institutionID: current.id) { replacement.residents = current.residents }
        let checked = try await validated(replacement)
        let stored = try await store.change(institutionID: request.id, action: "update", reason: reason, by: context.auditActor) { stored in
            // Changed by someone else since it was read: checked again from what is stored.
            guard stored.operatorHistory == current.operatorHistory, stored.status == current.status, stored.residents == current.residents else {
                throw DomainError.failedPrecondition("institution \(request.id) changed while it was updated: try again", reason: "CONFLICT")
            }
            return checked
        }
        return .with { $0.institution = .init(stored) }
    }

    public func getInstitution(_ request: Civic_Eldercare_V1_GetInstitutionRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InstitutionResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        if let own = try Self.operatedInstitution(context), own != request.id {
            throw DomainError.permissionDenied("this key reads institution \(own) only")
        }
        let institution = try await store.institution(id: request.id)
        try reach.check(institution.county, "institution \(request.id)")
        return .with { $0.institution = .init(institution) }
    }

    public func listInstitutions(_ request: Civic_Eldercare_V1_ListInstitutionsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListInstitutionsResponse
    {
        let reach = try DivisionReach(context.scope)
        let filter = EldercareStore.InstitutionFilter(
            place: try place(request.within, reach), status: try WireEnum.optional(request.status, field: "status"),
            ownership: try WireEnum.optional(request.ownership, field: "ownership"),
            nameContains: request.nameContains.isEmpty ? nil : request.nameContains)
        let page = try await store.institutions(filter, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Eldercare_V1_ListInstitutionsResponse()
        response.institutions = page.items.map(Civic_Eldercare_V1_Institution.init)
        response.page = .init(page)
        return response
    }

    public func changeInstitutionStatus(_ request: Civic_Eldercare_V1_ChangeInstitutionStatusRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InstitutionResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        let next: InstitutionStatus = try WireEnum.required(request.status, field: "status")
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        let reason = try Self.reason(request.reason)
        let stored = try await store.change(
            institutionID: request.id, action: "status_\(next.rawValue)", reason: "\(reason) (\(on))", by: context.auditActor
        ) { current in
            try reach.check(current.county, "institution \(request.id)")
            return try InstitutionRules.transition(current, to: next)
        }
        return .with { $0.institution = .init(stored) }
    }

    public func changeOperator(_ request: Civic_Eldercare_V1_ChangeOperatorRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_InstitutionResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: true)
        let reason = try Self.reason(request.reason)
        if !request.operatorCreditCode.isEmpty {
            var errors = ValidationErrors()
            _ = UnifiedSocialCreditCode.validate(request.operatorCreditCode, field: "operator_credit_code", into: &errors)
            try errors.check()
        }
        let stored = try await store.change(institutionID: request.id, action: "change_operator", reason: reason, by: context.auditActor) { current in
            try reach.check(current.county, "institution \(request.id)")
            return try InstitutionRules.changeOperator(
                current, to: request.operatorName, creditCode: request.operatorCreditCode, chain: request.chain, on: on)
        }
        return .with { $0.institution = .init(stored) }
    }

    public func importInstitutions(_ request: Civic_Eldercare_V1_ImportInstitutionsRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ImportInstitutionsResponse
    {
        let reach = try DivisionReach(context.scope)
        guard request.csv.utf8.count <= Self.maxImportBytes else {
            throw DomainError.invalid("the file is larger than \(Self.maxImportBytes) bytes: split it", field: "csv", reason: "TOO_LARGE")
        }
        let registered = try await store.creditCodes()
        let divisions = try await store.divisionTables(within: reach.division)
        let thresholds = settings.institutions
        var response = Civic_Eldercare_V1_ImportInstitutionsResponse()
        if request.dryRun {
            let problems = InstitutionImport.problems(request.csv, today: today(), divisions: divisions, registered: registered, thresholds: thresholds)
            response.problems = problems.details.map(Civic_Common_V1_ImportProblem.init)
            if problems.isEmpty {
                response.institutions = Int32(
                    try InstitutionImport.parse(request.csv, today: today(), divisions: divisions, registered: registered, thresholds: thresholds).count)
            }
            return response
        }
        let parsed = try InstitutionImport.parse(request.csv, today: today(), divisions: divisions, registered: registered, thresholds: thresholds)
        for imported in parsed { try reach.check(imported.institution.county, "line \(imported.line)'s county") }
        let ids = try await store.importInstitutions(
            parsed.map { imported in
                var institution = imported.institution
                if institution.operatorHistory.isEmpty && !institution.operatorName.isEmpty {
                    institution.operatorHistory = [
                        OperatorPeriod(
                            operatorName: institution.operatorName, operatorCreditCode: institution.operatorCreditCode, chain: institution.chain,
                            from: institution.openedOn)
                    ]
                }
                return institution
            }, by: context.auditActor)
        response.institutions = Int32(ids.count)
        response.institutionIds = ids
        return response
    }
}
