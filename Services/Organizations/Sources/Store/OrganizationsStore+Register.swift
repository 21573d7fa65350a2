import CivicDomain
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

/// The register of social organizations: each body as its domain value with the columns lists
/// filter on; the legal representative's ID number in its own column; 变更 and 注销 records.
extension OrganizationsStore {
    /// A body as stored, with its legal representative's ID number (full; handlers mask it).
    public struct StoredOrganization: Sendable, Equatable {
        public var organization: Organization
        public var legalRepresentativeID: String?
    }

    /// Who a list is for: staff of a division (bodies whose registrar lies within it), a sponsor
    /// unit (its own bodies), or an organization itself (its credit code).
    public enum Reach: Sendable, Equatable {
        case registrarsWithin(DivisionCode?)
        case sponsor(String)
        case creditCode(String)
    }

    public struct OrganizationFilter: Sendable {
        public var reach: Reach
        public var type: OrganizationType?
        public var status: OrganizationStatus?
        public var sponsor: String?
        public var nameContains: String?
        public var tradeAssociationsOnly: Bool
        /// REGISTERED and ACTIVITIES_SUSPENDED only.
        public var activeOnly: Bool

        public init(
            reach: Reach, type: OrganizationType? = nil, status: OrganizationStatus? = nil, sponsor: String? = nil, nameContains: String? = nil,
            tradeAssociationsOnly: Bool = false, activeOnly: Bool = false
        ) {
            self.activeOnly = activeOnly
            self.reach = reach
            self.type = type
            self.status = status
            self.sponsor = sponsor
            self.nameContains = nameContains
            self.tradeAssociationsOnly = tradeAssociationsOnly
        }
    }

    /// Enters `organization` (validated by the caller) with its id given here. ALREADY_EXISTS
    /// ALREADY_REGISTERED when its credit code is on the register; FAILED_PRECONDITION
    /// REPRESENTS_ANOTHER when its legal representative represents another active 社团.
    public func register(_ organization: Organization, legalRepresentativeID: String?, by actor: AuditActor, now: Date = Date()) async throws
        -> StoredOrganization
    {
        try await writes.write { db in
            let stored = try Self.insert(db, organization, legalRepresentativeID: legalRepresentativeID, now: now)
            try Audit.record(
                db, by: actor, action: "register", entity: "organization", entityID: stored.organization.id, detail: stored.organization.name, at: now)
            return stored
        }
    }

    /// Enters every body of an import in one transaction, or none.
    public func importOrganizations(_ organizations: [(Organization, String?)], by actor: AuditActor, now: Date = Date()) async throws -> [String] {
        try await writes.write { db in
            var ids: [String] = []
            for (organization, representative) in organizations {
                ids.append(try Self.insert(db, organization, legalRepresentativeID: representative, now: now).organization.id)
            }
            try Audit.record(db, by: actor, action: "import", entity: "organization", entityID: ids.first ?? "", detail: "\(ids.count) organizations", at: now)
            return ids
        }
    }

    /// The credit codes on the register, for an import's duplicate check.
    public func creditCodes() async throws -> Set<String> {
        try await database.read { db in Set(try String.fetchAll(db, sql: "SELECT credit_code FROM organizations")) }
    }

    /// A body by its id or its credit code.
    public func organization(id: String) async throws -> StoredOrganization {
        try pointReads.read { db in try Self.loadOrganization(db, id: id) }
    }

    public func organizations(_ filter: OrganizationFilter, pageSize: Int, pageToken: String) async throws -> Page<StoredOrganization> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        sql.reach(filter.reach)
        sql.add(filter.type, "type = ?") { $0.rawValue }
        sql.add(filter.status, "status = ?") { $0.rawValue }
        sql.add(filter.sponsor, "sponsor = ?") { $0 }
        sql.add(filter.nameContains, "instr(name, ?) > 0") { $0 }
        if filter.tradeAssociationsOnly { sql.add("trade_association = 1", []) }
        if filter.activeOnly {
            sql.add("status IN (?, ?)", [OrganizationStatus.registered.rawValue, OrganizationStatus.activitiesSuspended.rawValue])
        }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organizations \(clause)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT record, legal_representative_id FROM organizations \(clause) ORDER BY seq LIMIT ? OFFSET ?",
                arguments: arguments + [pageSize, offset])
            return Page(items: try rows.map(Self.stored(from:)), offset: offset, total: total)
        }
    }

    /// Changes body `id` in one transaction: `change` sees it as stored and returns the new value
    /// (throwing leaves it as it was); audited as `action` with `reason`. A non-nil
    /// `legalRepresentativeID` replaces the one held. `record` (a 变更 or 注销 record) is stored
    /// with it and returned.
    public func change(
        organizationID id: String, action: String, reason: String, by actor: AuditActor, legalRepresentativeID: String? = nil,
        record: RegisterChange? = nil, now: Date = Date(), _ change: @escaping @Sendable (Organization) throws -> Organization
    ) async throws -> (organization: StoredOrganization, record: StoredChangeRecord?) {
        try await writes.write { db in
            let current = try Self.loadOrganization(db, id: id)
            var updated = try change(current.organization)
            updated.id = current.organization.id
            let representative = legalRepresentativeID ?? current.legalRepresentativeID
            try Self.checkRepresentative(db, updated, representative, except: updated.id)
            try Self.save(db, updated, legalRepresentativeID: representative, now: now)
            var stored: StoredChangeRecord?
            if let record {
                let seq = try StoredRecords.nextSeq(db, table: "change_records")
                let entry = StoredChangeRecord(id: StoredRecords.code("G", seq), organizationID: updated.id, change: record)
                try db.execute(
                    sql: "INSERT INTO change_records (id, seq, organization_id, kind, filed_on, record) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [entry.id, seq, updated.id, record.kind.rawValue, record.filedOn.description, try StoredRecords.encode(record)])
                stored = entry
            }
            try Audit.record(
                db, by: actor, action: action, entity: "organization", entityID: updated.id, reason: reason,
                detail: StoredRecords.changedFields(current.organization, updated) + (legalRepresentativeID != nil ? "; legal representative's ID" : ""),
                at: now)
            return (StoredOrganization(organization: updated, legalRepresentativeID: representative), stored)
        }
    }

    /// A 变更 or 注销 record as stored.
    public struct StoredChangeRecord: Sendable, Equatable {
        public var id: String
        public var organizationID: String
        public var change: RegisterChange
    }

    public func changeRecords(organizationID: String) async throws -> [StoredChangeRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, organization_id, record FROM change_records WHERE organization_id = ? ORDER BY seq", arguments: [organizationID]
            ).map { row in
                StoredChangeRecord(id: row["id"], organizationID: row["organization_id"], change: try StoredRecords.decode(RegisterChange.self, row["record"]))
            }
        }
    }

    /// The full ID number of body `id`'s legal representative, the reading audited with `reason`.
    public func revealLegalRepresentativeID(
        id: String, reason: String, by actor: AuditActor, check: @escaping @Sendable (Organization) throws -> Void, now: Date = Date()
    )
        async throws -> String
    {
        try await writes.write { db in
            let stored = try Self.loadOrganization(db, id: id)
            try check(stored.organization)
            guard let number = stored.legalRepresentativeID else { throw DomainError.notFound("no ID number is held for \(id)'s legal representative") }
            try Audit.record(
                db, by: actor, action: "reveal_legal_representative_id", entity: "organization", entityID: stored.organization.id, reason: reason, at: now)
            return number
        }
    }

    public func history(entity: String, id: String) async throws -> [AuditEntry] {
        try await database.read { db in try Audit.trail(db, entity: entity, entityID: id) }
    }

    // MARK: - Rows

    static func insert(_ db: Database, _ organization: Organization, legalRepresentativeID: String?, now: Date) throws -> StoredOrganization {
        if let holder = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM organizations WHERE credit_code = ?"), arguments: [organization.creditCode])
        {
            throw DomainError.alreadyExists("credit code \(organization.creditCode) is on the register as \(holder)", reason: "ALREADY_REGISTERED")
        }
        let seq = try StoredRecords.nextSeq(db, table: "organizations")
        var stored = organization
        stored.id = StoredRecords.code("O", seq)
        try checkRepresentative(db, stored, legalRepresentativeID, except: nil)
        try db.cachedStatement(
            sql: """
                INSERT INTO organizations (id, seq, credit_code, name, type, status, registrar_division, division, sponsor, trade_association,
                  party_organization, record, updated_at) VALUES (?, ?, ?, '', '', '', '', '', '', 0, 0, '{}', '')
                """
        ).execute(arguments: [stored.id, seq, stored.creditCode])
        try save(db, stored, legalRepresentativeID: legalRepresentativeID, now: now)
        return StoredOrganization(organization: stored, legalRepresentativeID: legalRepresentativeID)
    }

    /// Writes `organization`'s record with its columns: every write of a body goes through here.
    static func save(_ db: Database, _ organization: Organization, legalRepresentativeID: String?, now: Date) throws {
        try db.cachedStatement(
            sql: """
                UPDATE organizations SET credit_code = ?, name = ?, type = ?, status = ?, registrar_level = ?, registrar_division = ?, division = ?,
                  sponsor = ?, trade_association = ?, party_organization = ?, registered_on = ?, legal_representative_id = ?, record = ?, updated_at = ?
                WHERE id = ?
                """
        ).execute(arguments: [
            organization.creditCode, organization.name, organization.type.rawValue, organization.status.rawValue, organization.registrarLevel.rawValue,
            organization.registrarDivision.description, organization.division.description, organization.sponsor, organization.isTradeAssociation,
            organization.hasPartyOrganization, organization.registeredOn?.description, legalRepresentativeID, try StoredRecords.encode(organization),
            StorageTime.string(now), organization.id,
        ])
    }

    /// 社团条例: one person may represent only one 社会团体 at a time — among bodies that exist in
    /// law (registered, activities suspended, preparing).
    static func checkRepresentative(_ db: Database, _ organization: Organization, _ number: String?, except id: String?) throws {
        guard let number, organization.type == .socialGroup, organization.status != .revoked, organization.status != .deregistered else { return }
        let holder = try String.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT id FROM organizations WHERE legal_representative_id = ? AND type = 'social_group'
                      AND status IN ('preparing', 'registered', 'activities_suspended') AND id <> ? LIMIT 1
                    """), arguments: [number, id ?? ""])
        if let holder {
            throw DomainError.failedPrecondition(
                "the legal representative already represents 社会团体 \(holder): one person, one 社团", reason: "REPRESENTS_ANOTHER")
        }
    }

    static func loadOrganization(_ db: Database, id: String) throws -> StoredOrganization {
        guard let found = try findOrganization(db, id: id) else { throw DomainError.notFound("no organization with id or credit code \(id)") }
        return found
    }

    /// The same, nil when there is none.
    static func findOrganization(_ db: Database, id: String) throws -> StoredOrganization? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT record, legal_representative_id FROM organizations WHERE id = ? OR credit_code = ?"),
            arguments: [id, id.uppercased()]
        ).map(stored(from:))
    }

    static func stored(from row: Row) throws -> StoredOrganization {
        StoredOrganization(organization: try StoredRecords.decode(Organization.self, row["record"]), legalRepresentativeID: row["legal_representative_id"])
    }
}

extension OrganizationsStore {
    /// Every body's and every standing community filing's id and name, for the name index.
    public func indexedNames() async throws -> (organizations: [(id: String, name: String)], communityOrganizations: [(id: String, name: String)]) {
        try await database.read { db in
            let organizations = try Row.fetchAll(db, sql: "SELECT id, name FROM organizations ORDER BY seq").map {
                (id: $0[0] as String, name: $0[1] as String)
            }
            let filed = try Row.fetchAll(db, sql: "SELECT id, name FROM community_organizations WHERE cancelled_on IS NULL ORDER BY seq").map {
                (id: $0[0] as String, name: $0[1] as String)
            }
            return (organizations, filed)
        }
    }

    /// What the public check says of a body: its columns, no record decoded.
    public struct RegisterSummary: Sendable, Equatable {
        public var id: String
        public var name: String
        public var creditCode: String
        public var type: OrganizationType
        public var status: OrganizationStatus
        public var registrarLevel: RegistrarLevel
        public var registrarDivision: String
    }

    /// The bodies with these ids or credit codes (those that exist), by the key asked for.
    public func summaries(ids: [String]) async throws -> [String: RegisterSummary] {
        // No read (and no hop to the reader's thread) for nothing: most checks name no filing.
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in
            var found: [String: RegisterSummary] = [:]
            let statement = try db.cachedStatement(
                sql: "SELECT id, name, credit_code, type, status, registrar_level, registrar_division FROM organizations WHERE id = ? OR credit_code = ?")
            for key in ids {
                guard let row = try Row.fetchOne(statement, arguments: [key, key.uppercased()]) else { continue }
                found[key] = RegisterSummary(
                    id: row[0], name: row[1], creditCode: row[2], type: OrganizationType(rawValue: row[3]) ?? .socialGroup,
                    status: OrganizationStatus(rawValue: row[4]) ?? .registered, registrarLevel: RegistrarLevel(rawValue: row[5]) ?? .county,
                    registrarDivision: row[6])
            }
            return found
        }
    }

    /// The community filings with these ids, by id.
    public func communityOrganizations(ids: [String]) async throws -> [String: CommunityOrganizationFiling] {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in
            var found: [String: CommunityOrganizationFiling] = [:]
            for id in ids {
                if let record = try String.fetchOne(db.cachedStatement(sql: "SELECT record FROM community_organizations WHERE id = ?"), arguments: [id]) {
                    found[id] = try StoredRecords.decode(CommunityOrganizationFiling.self, record)
                }
            }
            return found
        }
    }

    /// A community filing by id.
    public func communityOrganization(id: String) async throws -> CommunityOrganizationFiling {
        guard let filing = try await communityOrganizations(ids: [id])[id] else { throw DomainError.notFound("no community organization with id \(id)") }
        return filing
    }
}

extension SQLFilter {
    /// The bodies `reach` reaches, on the organizations table aliased `alias` ("o." or "").
    mutating func reach(_ reach: OrganizationsStore.Reach, alias: String = "") {
        switch reach {
        case .registrarsWithin(let division): within(division, column: "\(alias)registrar_division")
        case .sponsor(let sponsor): add(sponsor, "\(alias)sponsor = ?") { $0 }
        case .creditCode(let code): add(code, "\(alias)credit_code = ?") { $0 }
        }
    }
}
