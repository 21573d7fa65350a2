import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// The register: entering bodies, updates, status moves, 变更 and 注销, the legal
/// representative's ID number, imports and history.
extension OrganizationsHandler {
    /// `organization` checked against the register's rules, problems named as the request names them.
    func validated(_ organization: Organization, field prefix: String = "organization") throws -> Organization {
        let problems = OrganizationRules.problems(organization, today: today(), legacyCreditCodes: settings.legacyCreditCodes)
        guard problems.isEmpty else {
            var named = ValidationErrors()
            for problem in problems.details { named.add("\(prefix).\(problem.field)", problem.reason, problem.description) }
            throw named
        }
        return organization
    }

    public func registerOrganization(_ request: Civic_Organizations_V1_RegisterOrganizationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_OrganizationResponse
    {
        let reach = try Caller(context).staffReach()
        guard request.hasOrganization else { throw DomainError.invalid("organization is required", field: "organization", reason: "REQUIRED") }
        let (organization, representative) = try OrganizationInput.parse(request.organization, today: today())
        try reach.check(organization.registrarDivision, "registrar \(organization.registrarDivision)")
        let stored = try await store.register(try validated(organization), legalRepresentativeID: representative, by: context.auditActor)
        try await names.put(id: stored.organization.id, name: stored.organization.name, as: .organization)
        return .with { $0.organization = .init(stored) }
    }

    public func updateOrganization(_ request: Civic_Organizations_V1_UpdateOrganizationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_OrganizationResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.id)
        guard request.hasOrganization else { throw DomainError.invalid("organization is required", field: "organization", reason: "REQUIRED") }
        let reason = try RequestFields.reason(request.reason)
        let (input, representative) = try OrganizationInput.parse(request.organization, today: today())
        let stored = try await store.change(
            organizationID: request.id, action: "update", reason: reason, by: context.auditActor, legalRepresentativeID: representative
        ) { current in
            try reach.check(current.registrarDivision, "organization \(request.id)")
            return try validated(Self.replacing(current, with: input))
        }
        try await names.put(id: stored.organization.organization.id, name: stored.organization.organization.name, as: .organization)
        return .with { $0.organization = .init(stored.organization) }
    }

    /// `current` with the fields an update or a change replaces taken from `input`: never the
    /// id, credit code, type, registrar, status, history or registration date.
    static func replacing(_ current: Organization, with input: Organization) -> Organization {
        var kept = current
        kept.oldRegistrationNumber = input.oldRegistrationNumber
        kept.name = input.name
        kept.isTradeAssociation = input.isTradeAssociation
        kept.foundationKind = input.foundationKind
        kept.sponsor = input.sponsor
        kept.directlyRegistrable = input.directlyRegistrable
        kept.domicile = input.domicile
        kept.division = input.division
        kept.purpose = input.purpose
        kept.businessScope = input.businessScope
        kept.activityArea = input.activityArea
        kept.legalRepresentative = input.legalRepresentative
        kept.funds = input.funds
        kept.individualMembers = input.individualMembers
        kept.unitMembers = input.unitMembers
        kept.hasPartyOrganization = input.hasPartyOrganization
        return kept
    }

    public func getOrganization(_ request: Civic_Organizations_V1_GetOrganizationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_OrganizationResponse
    {
        let caller = try Caller(context)
        try RequestFields.requireID(request.id)
        let stored = try await store.organization(id: request.id)
        try caller.check(stored.organization)
        return .with { $0.organization = .init(stored) }
    }

    public func listOrganizations(_ request: Civic_Organizations_V1_ListOrganizationsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListOrganizationsResponse
    {
        let filter = OrganizationsStore.OrganizationFilter(
            reach: try Caller(context).listing(within: request.within), type: try WireEnum.optional(request.type, field: "type"),
            status: try WireEnum.optional(request.status, field: "status"),
            sponsor: request.sponsor.isEmpty ? nil : request.sponsor, nameContains: request.nameContains.isEmpty ? nil : request.nameContains,
            tradeAssociationsOnly: request.tradeAssociationsOnly)
        let page = try await store.organizations(filter, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        return .with {
            $0.organizations = page.items.map(Civic_Organizations_V1_Organization.init)
            $0.page = .init(page)
        }
    }

    public func changeOrganizationStatus(_ request: Civic_Organizations_V1_ChangeOrganizationStatusRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_OrganizationResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.id)
        let status: OrganizationStatus = try WireEnum.required(request.status, field: "status")
        if status == .deregistered || status == .preparing {
            throw DomainError.invalid(
                "\(status.rawValue.uppercased()) is not a status move: deregistration goes through Deregister", field: "status", reason: "NOT_ALLOWED")
        }
        let reason = try RequestFields.reason(request.reason)
        let on = try day(request.on)
        let document = request.document
        let stored = try await store.change(organizationID: request.id, action: "status_\(status.rawValue)", reason: reason, by: context.auditActor) {
            current in
            try reach.check(current.registrarDivision, "organization \(request.id)")
            var moved = current
            try moved.move(to: status, on: on, document: document, reason: reason)
            return moved
        }
        return .with { $0.organization = .init(stored.organization) }
    }

    public func fileChange(_ request: Civic_Organizations_V1_FileChangeRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_FileChangeResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.id)
        guard request.hasOrganization else { throw DomainError.invalid("organization is required", field: "organization", reason: "REQUIRED") }
        var errors = ValidationErrors()
        let approved = RequestFields.date(request.sponsorApprovedOn, field: "sponsor_approved_on", into: &errors)
        let filed = RequestFields.date(request.filedOn, field: "filed_on", into: &errors) ?? today()
        if filed > today() { errors.add("filed_on", "IN_THE_FUTURE", "filed_on \(filed) is after today") }
        try errors.check()
        let (input, representative) = try OrganizationInput.parse(request.organization, today: today())
        let current = try await store.organization(id: request.id)
        try reach.check(current.organization.registrarDivision, "organization \(request.id)")
        guard current.organization.status.isActive else {
            throw DomainError.failedPrecondition("a \(current.organization.status.rawValue.uppercased()) body files no change", reason: "INVALID_STATE")
        }
        let updated = try validated(Self.replacing(current.organization, with: input))
        var lines = Self.changeLines(current.organization, updated)
        if let representative, representative != current.legalRepresentativeID { lines.append("legal_representative_id") }
        let record = try RegisterChange(
            kind: .change, changes: lines, sponsorApprovedOn: approved, filedOn: filed, document: request.document,
            directlyRegistrable: updated.directlyRegistrable, limits: settings.registration)
        let result = try await store.change(
            organizationID: request.id, action: "file_change", reason: lines.joined(separator: "; "), by: context.auditActor,
            legalRepresentativeID: representative, record: record
        ) { stored in
            guard stored == current.organization else {
                throw DomainError.failedPrecondition("organization \(request.id) changed while the change was filed: try again", reason: "CONFLICT")
            }
            return updated
        }
        try await names.put(id: result.organization.organization.id, name: result.organization.organization.name, as: .organization)
        return .with {
            $0.organization = .init(result.organization)
            if let record = result.record { $0.record = .init(record) }
        }
    }

    /// What a change registration changes, one line per field ("name: 旧 → 新").
    static func changeLines(_ before: Organization, _ after: Organization) -> [String] {
        var lines: [String] = []
        func compare(_ field: String, _ a: String, _ b: String) { if a != b { lines.append("\(field): \(a) → \(b)") } }
        compare("name", before.name, after.name)
        compare("domicile", before.domicile, after.domicile)
        compare("legal_representative", before.legalRepresentative, after.legalRepresentative)
        compare("purpose", before.purpose, after.purpose)
        compare("business_scope", before.businessScope, after.businessScope)
        compare("activity_area", before.activityArea, after.activityArea)
        compare("funds", before.funds.description, after.funds.description)
        compare("sponsor", before.sponsor, after.sponsor)
        compare("division", before.division.description, after.division.description)
        compare("individual_members", "\(before.individualMembers)", "\(after.individualMembers)")
        compare("unit_members", "\(before.unitMembers)", "\(after.unitMembers)")
        compare("party_organization", "\(before.hasPartyOrganization)", "\(after.hasPartyOrganization)")
        return lines
    }

    public func deregister(_ request: Civic_Organizations_V1_DeregisterRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_FileChangeResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.id)
        var errors = ValidationErrors()
        let ended = RequestFields.date(request.liquidationEndedOn, field: "liquidation_ended_on", into: &errors)
        let approved = RequestFields.date(request.sponsorApprovedOn, field: "sponsor_approved_on", into: &errors)
        let filed = RequestFields.date(request.filedOn, field: "filed_on", into: &errors) ?? today()
        if filed > today() { errors.add("filed_on", "IN_THE_FUTURE", "filed_on \(filed) is after today") }
        try errors.check()
        let current = try await store.organization(id: request.id)
        let record = try RegisterChange(
            kind: .deregistration, sponsorApprovedOn: approved, liquidationEndedOn: ended, filedOn: filed, document: request.document,
            directlyRegistrable: current.organization.directlyRegistrable, limits: settings.registration)
        let document = request.document
        let result = try await store.change(
            organizationID: request.id, action: "deregister", reason: "清算完毕 \(ended?.description ?? "")", by: context.auditActor, record: record
        ) { stored in
            try reach.check(stored.registrarDivision, "organization \(request.id)")
            var moved = stored
            try moved.move(to: .deregistered, on: filed, document: document, reason: "注销登记")
            return moved
        }
        return .with {
            $0.organization = .init(result.organization)
            if let record = result.record { $0.record = .init(record) }
        }
    }

    public func listChangeRecords(_ request: Civic_Organizations_V1_ListChangeRecordsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListChangeRecordsResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let stored = try await store.organization(id: request.organizationID)
        try reach.check(stored.organization.registrarDivision, "organization \(request.organizationID)")
        let records = try await store.changeRecords(organizationID: stored.organization.id)
        return .with { $0.records = records.map(Civic_Organizations_V1_ChangeRecord.init) }
    }

    public func revealLegalRepresentativeID(_ request: Civic_Organizations_V1_RevealLegalRepresentativeIDRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_RevealLegalRepresentativeIDResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.id)
        let reason = try RequestFields.reason(request.reason)
        let number = try await store.revealLegalRepresentativeID(id: request.id, reason: reason, by: context.auditActor) { organization in
            try reach.check(organization.registrarDivision, "organization \(request.id)")
        }
        return .with { $0.legalRepresentativeID = number }
    }

    public func getHistory(_ request: Civic_Organizations_V1_GetHistoryRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_GetHistoryResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.id)
        let entity: String
        switch request.id.first {
        case "O":
            try reach.check(try await store.organization(id: request.id).organization.registrarDivision, "organization \(request.id)")
            entity = "organization"
        case "A":
            try reach.check(try await store.application(id: request.id).registrarDivision, "application \(request.id)")
            entity = "application"
        case "F":
            try reach.check(try await store.communityOrganization(id: request.id).county, "community organization \(request.id)")
            entity = "community_organization"
        case "E":
            try reach.check(try await store.evaluation(id: request.id).organization.registrarDivision, "evaluation \(request.id)")
            entity = "evaluation"
        case "I":
            try reach.check(try await store.illegalCase(id: request.id).division, "case \(request.id)")
            entity = "illegal_case"
        case "Z" where request.id.hasPrefix("ZC"):
            _ = try await reachableCampaign(request.id, context)
            entity = "zombie_campaign"
        case "Z":
            try reach.check(try await store.zombieCase(id: request.id).organization.registrarDivision, "case \(request.id)")
            entity = "zombie_case"
        default: throw DomainError.notFound("no organization, application, filing, evaluation, case or campaign with id \(request.id)")
        }
        let entries = try await store.history(entity: entity, id: request.id)
        return .with { $0.entries = entries.map(Civic_Common_V1_AuditEntry.init) }
    }
}

extension OrganizationsHandler {
    /// The largest import file taken (8 MiB, as eldercare's).
    static let maxImportBytes = 8 << 20

    public func importOrganizations(_ request: Civic_Organizations_V1_ImportOrganizationsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ImportOrganizationsResponse
    {
        let reach = try Caller(context).staffReach()
        guard request.csv.utf8.count <= Self.maxImportBytes else {
            throw DomainError.invalid("the file is larger than \(Self.maxImportBytes) bytes: split it", field: "csv", reason: "TOO_LARGE")
        }
        let registered = try await store.creditCodes()
        let legacy = settings.legacyCreditCodes
        var response = Civic_Organizations_V1_ImportOrganizationsResponse()
        if request.dryRun {
            let problems = OrganizationImport.problems(request.csv, today: today(), registered: registered, legacyCreditCodes: legacy)
            response.problems = problems.details.map(Civic_Common_V1_ImportProblem.init)
            if problems.isEmpty {
                response.organizations = Int32(
                    try OrganizationImport.parse(request.csv, today: today(), registered: registered, legacyCreditCodes: legacy).count)
            }
            return response
        }
        let parsed = try OrganizationImport.parse(request.csv, today: today(), registered: registered, legacyCreditCodes: legacy)
        for imported in parsed {
            try reach.check(imported.organization.registrarDivision, "line \(imported.line)'s registrar")
        }
        let ids = try await store.importOrganizations(parsed.map { ($0.organization, $0.legalRepresentativeID) }, by: context.auditActor)
        for (id, imported) in zip(ids, parsed) { try await names.put(id: id, name: imported.organization.name, as: .organization) }
        response.organizations = Int32(ids.count)
        response.organizationIds = ids
        return response
    }
}
