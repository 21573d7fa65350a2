import CivicDomain
import CivicStorage
import EldercareDomain
import Foundation
import GRDB

/// The divisions table and the register of institutions.
extension EldercareStore {
    /// Where a list looks: within a county (or a wider code; nil for everywhere), a street or
    /// township, or a community or village.
    public enum Place: Sendable, Equatable {
        case division(DivisionCode?)
        case local(LocalDivisionCode)
    }

    /// A division as stored.
    public struct StoredDivision: Sendable, Equatable {
        public var code: String
        public var name: String
        public var level: DivisionLevel
        public var county: String
        /// The street or township of a community or village; "" for a street or township.
        public var parent: String
    }

    public struct DivisionCounts: Sendable, Equatable {
        public var loaded: Int
        public var counties: [String]
        public var byLevel: [DivisionLevel: Int]
    }

    public struct InstitutionFilter: Sendable {
        public var place: Place
        public var status: InstitutionStatus?
        public var ownership: Ownership?
        public var nameContains: String?

        public init(place: Place, status: InstitutionStatus? = nil, ownership: Ownership? = nil, nameContains: String? = nil) {
            self.place = place
            self.status = status
            self.ownership = ownership
            self.nameContains = nameContains
        }
    }

    /// Replaces the rows of every county in `table` with the table's, in one transaction.
    public func loadDivisions(_ table: DivisionTable, by actor: AuditActor, now: Date = Date()) async throws -> DivisionCounts {
        let counties = Set(table.divisions.map(\.county.description)).sorted()
        return try await writes.write { db in
            for county in counties {
                try db.execute(sql: "DELETE FROM divisions WHERE county = ?", arguments: [county])
            }
            let insert = try db.cachedStatement(sql: "INSERT INTO divisions (code, name, level, county, parent, position) VALUES (?, ?, ?, ?, ?, ?)")
            var byLevel: [DivisionLevel: Int] = [:]
            for (position, division) in table.divisions.enumerated() {
                try insert.execute(arguments: [
                    division.code.description, division.name, division.level.rawValue, division.county.description, division.parent?.description, position,
                ])
                byLevel[division.level, default: 0] += 1
            }
            let summary = DivisionLevel.allCases.map { "\($0.rawValue) \(byLevel[$0] ?? 0)" }.joined(separator: ", ")
            try Audit.record(
                db, by: actor, action: "load_divisions", entity: "divisions", entityID: counties.joined(separator: ","),
                detail: "\(table.divisions.count) rows: \(summary)", at: now)
            return DivisionCounts(loaded: table.divisions.count, counties: counties, byLevel: byLevel)
        }
    }

    /// The county's divisions table as loaded; nil when none was loaded for it.
    public func divisionTable(county: DivisionCode) async throws -> DivisionTable? {
        try await divisionTables(within: county)[county]
    }

    /// The divisions tables loaded for the counties within `scope` (everywhere when nil), by county.
    public func divisionTables(within scope: DivisionCode?) async throws -> [DivisionCode: DivisionTable] {
        var sql = SQLFilter()
        if let scope { sql.within(scope, column: "county") }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        let rows = try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT code, name, level, parent, county FROM divisions \(clause) ORDER BY county, position", arguments: arguments)
        }
        var records: [String: [DivisionRecord]] = [:]
        for row in rows {
            let county: String = row["county"]
            let parent: String? = row["parent"]
            records[county, default: []].append(
                DivisionRecord(code: row["code"], name: row["name"], level: DivisionLevel(rawValue: row["level"]) ?? .community, parent: parent ?? county))
        }
        var tables: [DivisionCode: DivisionTable] = [:]
        for (county, list) in records { tables[try DivisionCode(county)] = try DivisionTable(list) }
        return tables
    }

    public func divisions(_ place: Place, level: DivisionLevel?, pageSize: Int, pageToken: String) async throws -> Page<StoredDivision> {
        let offset = try Paging.offset(fromToken: pageToken)
        var filter = SQLFilter()
        switch place {
        case .division(let division): filter.within(division, column: "county")
        case .local(let code): filter.add("(parent = ? OR code = ?)", [code.description, code.description])
        }
        filter.add(level, "level = ?") { $0.rawValue }
        let clause = filter.whereClause
        let arguments = filter.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM divisions \(clause)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT code, name, level, county, parent FROM divisions \(clause) ORDER BY county, position LIMIT ? OFFSET ?",
                arguments: arguments + [pageSize, offset])
            let items = rows.map { row in
                StoredDivision(
                    code: row["code"], name: row["name"], level: DivisionLevel(rawValue: row["level"]) ?? .community, county: row["county"],
                    parent: row["parent"] ?? "")
            }
            return Page(items: items, offset: offset, total: total)
        }
    }

    /// Registers `institution` (validated by the caller): its id given here. ALREADY_EXISTS when
    /// its credit code is registered, naming the institution.
    public func register(_ institution: Institution, by actor: AuditActor, now: Date = Date()) async throws -> Institution {
        try await writes.write { db in
            let stored = try Self.insert(db, institution, now: now)
            try Audit.record(db, by: actor, action: "register", entity: "institution", entityID: stored.id, detail: stored.name, at: now)
            return stored
        }
    }

    /// Registers every institution of an import in one transaction, or none.
    public func importInstitutions(_ institutions: [Institution], by actor: AuditActor, now: Date = Date()) async throws -> [String] {
        try await writes.write { db in
            var ids: [String] = []
            for institution in institutions {
                let stored = try Self.insert(db, institution, now: now)
                ids.append(stored.id)
            }
            try Audit.record(
                db, by: actor, action: "import", entity: "institution", entityID: ids.first ?? "", detail: "\(ids.count) institutions", at: now)
            return ids
        }
    }

    /// The credit codes registered, for an import's duplicate check.
    public func creditCodes() async throws -> Set<String> {
        try await database.read { db in Set(try String.fetchAll(db, sql: "SELECT credit_code FROM institutions")) }
    }

    public func institution(id: String) async throws -> Institution {
        try pointReads.read { db in try Self.loadInstitution(db, id: id) }
    }

    public func institutions(_ filter: InstitutionFilter, pageSize: Int, pageToken: String) async throws -> Page<Institution> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        Self.institutionsAt(filter.place, &sql)
        sql.add(filter.status, "status = ?") { $0.rawValue }
        sql.add(filter.ownership, "ownership = ?") { $0.rawValue }
        sql.add(filter.nameContains, "instr(name, ?) > 0") { $0 }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM institutions \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM institutions \(clause) ORDER BY seq LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            return Page(items: try records.map { try StoredRecords.decode(Institution.self, $0) }, offset: offset, total: total)
        }
    }

    /// Changes institution `id` in one transaction: `change` sees it as stored and returns the new
    /// record (throwing leaves it as it was); audited as `action` with `reason`. ALREADY_EXISTS
    /// when the new record takes a credit code another institution holds.
    public func change(
        institutionID id: String, action: String, reason: String, by actor: AuditActor, now: Date = Date(),
        _ change: @escaping @Sendable (Institution) throws -> Institution
    ) async throws -> Institution {
        try await writes.write { db in
            let current = try Self.loadInstitution(db, id: id)
            var updated = try change(current)
            updated.id = id
            try Self.checkCreditCode(db, updated.creditCode, except: id)
            try Self.saveInstitution(db, updated, now: now)
            try Audit.record(
                db, by: actor, action: action, entity: "institution", entityID: id, reason: reason, detail: Self.changes(current, updated), at: now)
            return updated
        }
    }

    public func history(entity: String, id: String) async throws -> [AuditEntry] {
        try await database.read { db in try Audit.trail(db, entity: entity, entityID: id) }
    }

    /// A place as a condition on the institutions table (`table` its alias with the dot, "i.").
    static func institutionsAt(_ place: Place, _ sql: inout SQLFilter, table: String = "") {
        switch place {
        case .division(let division): sql.within(division, column: "\(table)county")
        case .local(let code) where code.isTownshipLevel: sql.add(code, "\(table)street = ?") { $0.description }
        case .local(let code): sql.add(code, "\(table)community = ?") { $0.description }
        }
    }

    // MARK: - Rows

    static func insert(_ db: Database, _ institution: Institution, now: Date) throws -> Institution {
        try checkCreditCode(db, institution.creditCode, except: nil)
        let seq = try StoredRecords.nextSeq(db, table: "institutions")
        var stored = institution
        stored.id = StoredRecords.code("I", seq)
        try db.cachedStatement(
            sql: "INSERT INTO institutions (id, seq, credit_code, name, county, status, ownership, record, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, '{}', '')"
        )
        .execute(arguments: [stored.id, seq, stored.creditCode, stored.name, stored.county.description, stored.status.rawValue, stored.ownership.rawValue])
        try saveInstitution(db, stored, now: now)
        return stored
    }

    /// Writes `institution`'s record with the columns lists and the report read, and refreshes its
    /// public register entry: every write of an institution goes through here. `publicChange`
    /// false skips the refresh for a write the register does not show (the residents count).
    static func saveInstitution(_ db: Database, _ institution: Institution, now: Date, publicChange: Bool = true) throws {
        try db.cachedStatement(
            sql: """
                UPDATE institutions SET credit_code = ?, name = ?, county = ?, street = ?, community = ?, status = ?, ownership = ?, beds = ?,
                  nursing_beds = ?, residents = ?, grade = ?, grade_valid_until = ?, filed_on = ?, medical_signed_on = ?, medical_expires_on = ?,
                  fire_safety = ?, record = ?, updated_at = ? WHERE id = ?
                """
        ).execute(arguments: [
            institution.creditCode, institution.name, institution.county.description, institution.street?.description,
            institution.community?.description, institution.status.rawValue, institution.ownership.rawValue, institution.beds, institution.nursingBeds,
            institution.residents, institution.grade?.level, institution.gradeValidUntil?.description, institution.filedOn?.description,
            institution.medicalCare?.signedOn.description, institution.medicalCare?.expiresOn?.description, institution.fireSafety.rawValue,
            try StoredRecords.encode(institution),
            StorageTime.string(now), institution.id,
        ])
        if publicChange { try refreshRegister(db, institution: institution, now: now) }
    }

    static func checkCreditCode(_ db: Database, _ code: String, except id: String?) throws {
        guard let holder = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM institutions WHERE credit_code = ?"), arguments: [code]),
            holder != id
        else { return }
        throw DomainError.alreadyExists("credit code \(code) is registered as institution \(holder)", reason: "ALREADY_REGISTERED")
    }

    /// By its id, or its unified social credit code (the other services know it by that).
    static func loadInstitution(_ db: Database, id: String) throws -> Institution {
        guard let institution = try findInstitution(db, id: id) else { throw DomainError.notFound("no institution with id or credit code \(id)") }
        return institution
    }

    /// The same, nil when there is none.
    static func findInstitution(_ db: Database, id: String) throws -> Institution? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT record FROM institutions WHERE id = ? OR credit_code = ?"), arguments: [id, id.uppercased()])
            .map { try StoredRecords.decode(Institution.self, $0) }
    }

    /// The audit detail of a change: the fields that differ, by their JSON names.
    static func changes(_ before: Institution, _ after: Institution) -> String { StoredRecords.changedFields(before, after) }
}
