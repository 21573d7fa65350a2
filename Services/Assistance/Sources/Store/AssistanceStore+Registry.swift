import AssistanceDomain
import CivicDomain
import CivicStorage
import Foundation
import GRDB

/// The registry: households and the one-person-one-household index.
extension AssistanceStore {
    /// A household as lists show it.
    public struct HouseholdSummary: Sendable, Equatable {
        public var id: String
        public var division: String
        public var area: Area
        public var headName: String
        public var members: Int
        public var caseWorker: String
    }

    public struct HouseholdFilter: Sendable {
        public var within: DivisionCode?
        public var area: Area?
        public var query: String?

        public init(within: DivisionCode? = nil, area: Area? = nil, query: String? = nil) {
            self.within = within
            self.area = area
            self.query = query
        }
    }

    /// Registers `household` (its id assigned here). ALREADY_EXISTS, reason IN_ANOTHER_HOUSEHOLD,
    /// naming the household and the member's position, when a member is registered in another
    /// household: one person, one household.
    /// `visible` says whether the caller may learn of a household in a division: the other
    /// household is named only then (where a person is registered is not told otherwise).
    public typealias Visibility = @Sendable (DivisionCode) -> Bool

    public func register(_ household: Household, by actor: AuditActor, visible: @escaping Visibility = { _ in true }, now: Date = Date()) async throws
        -> Household
    {
        try await writes.write { db in try Self.insert(household, db, by: actor, visible: visible, now: now) }
    }

    /// Registers all of `households` in one transaction, or none. `lines` gives each household's
    /// member lines in the import file: every member already registered elsewhere is refused at
    /// once, ALREADY_EXISTS with "line N: resident_id" IN_ANOTHER_HOUSEHOLD per member.
    public func importHouseholds(
        _ households: [Household], by actor: AuditActor, lines: [[Int]], visible: @escaping Visibility = { _ in true }, now: Date = Date()
    ) async throws -> [Household] {
        try await writes.write { db in
            var conflicts: [FieldProblem] = []
            for (h, household) in households.enumerated() {
                for (i, member) in household.members.enumerated() {
                    if let other = try String.fetchOne(
                        db, sql: "SELECT household_id FROM household_members WHERE resident_id = ?", arguments: [member.residentID.description])
                    {
                        let line = lines.indices.contains(h) && lines[h].indices.contains(i) ? lines[h][i] : 0
                        let name = try Self.nameIfVisible(db, other, visible)
                        conflicts.append(
                            FieldProblem(
                                field: "line \(line): resident_id", reason: "IN_ANOTHER_HOUSEHOLD",
                                description: "line \(line): registered in \(name)"))
                    }
                }
            }
            if !conflicts.isEmpty {
                throw DomainError(
                    .alreadyExists, "\(conflicts.count) people in the file are already registered in other households: nothing was imported",
                    problems: conflicts)
            }
            return try households.map { try Self.insert($0, db, by: actor, visible: visible, now: now, action: "import") }
        }
    }

    /// Replaces household `id`'s record with `household` (the id kept), with the reason audited.
    /// `check` sees the current record first (to refuse a change the caller may not make).
    public func update(
        id: String, to household: Household, reason: String, by actor: AuditActor, visible: @escaping Visibility = { _ in true }, now: Date = Date(),
        check: @escaping @Sendable (Household) throws -> Void = { _ in }
    ) async throws -> Household {
        try await writes.write { db in
            let current = try Self.loadHousehold(db, id: id)
            try check(current)
            var updated = household
            updated.id = id
            // Its cases are paid and seen by division: a household with an approved case moves only after they end.
            if updated.division != current.division,
                try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM applications WHERE household_id = ? AND state = 'approved')", arguments: [id]) == true
            {
                throw DomainError.failedPrecondition(
                    "household \(id) has approved cases: it cannot move to another division while they run", reason: "ACTIVE_CASES")
            }
            try Self.claimMembers(updated, db, visible: visible)
            try db.execute(
                sql: """
                    UPDATE households SET division = ?, area = ?, head_name = ?, member_count = ?, case_worker = ?, search_text = ?, record = ?,
                      bank_account = ?, updated_at = ? WHERE id = ?
                    """,
                arguments: [
                    updated.division.description, updated.area.rawValue, updated.head?.name ?? "", updated.members.count, updated.caseWorker,
                    Self.searchText(updated), try Self.encode(updated), updated.bankAccount, Self.timestamp(now), id,
                ])
            try Audit.record(
                db, by: actor, action: "update", entity: "household", entityID: id, reason: reason, detail: Self.changes(current, updated), at: now)
            return updated
        }
    }

    public func household(id: String) async throws -> Household {
        try pointReads.read { db in try Self.loadHousehold(db, id: id) }
    }

    /// The household `person` is registered in, if any.
    public func household(of person: ResidentID) async throws -> Household? {
        try await database.read { db in
            guard let id = try String.fetchOne(db, sql: "SELECT household_id FROM household_members WHERE resident_id = ?", arguments: [person.description])
            else { return nil }
            return try Self.loadHousehold(db, id: id)
        }
    }

    public func households(_ filter: HouseholdFilter, pageSize: Int, pageToken: String) async throws -> Page<HouseholdSummary> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = Filter()
        sql.within(filter.within)
        sql.add(filter.area, "area = ?") { $0.rawValue }
        sql.add(filter.query, "instr(search_text, ?) > 0") { $0 }
        let whereClause = sql.whereClause
        let args = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM households \(whereClause)", arguments: args) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, division, area, head_name, member_count, case_worker FROM households \(whereClause) ORDER BY seq LIMIT ? OFFSET ?",
                arguments: args + [pageSize, offset])
            let items = rows.map { row in
                HouseholdSummary(
                    id: row["id"], division: row["division"], area: Area(rawValue: row["area"]) ?? .urban, headName: row["head_name"],
                    members: row["member_count"], caseWorker: row["case_worker"])
            }
            return Page(items: items, offset: offset, total: total)
        }
    }

    // MARK: - SQL

    static func insert(
        _ household: Household, _ db: Database, by actor: AuditActor, visible: Visibility = { _ in true }, now: Date, action: String = "register"
    ) throws -> Household {
        var stored = household
        let seq = try nextSeq(db, table: "households")
        stored.id = code("H", seq)
        try db.execute(
            sql: """
                INSERT INTO households (id, seq, division, area, head_name, member_count, case_worker, search_text, record, bank_account, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                stored.id, seq, stored.division.description, stored.area.rawValue, stored.head?.name ?? "", stored.members.count, stored.caseWorker,
                searchText(stored), try encode(stored), stored.bankAccount, timestamp(now), timestamp(now),
            ])
        try claimMembers(stored, db, visible: visible)
        try Audit.record(
            db, by: actor, action: action, entity: "household", entityID: stored.id,
            detail: "\(stored.division) \(stored.area.rawValue), \(stored.members.count) members", at: now)
        return stored
    }

    /// Makes the index say exactly `household`'s members belong to it; a member indexed under
    /// another household is refused.
    /// "household H000001", or "another household" when the caller may not learn of it.
    static func nameIfVisible(_ db: Database, _ id: String, _ visible: Visibility) throws -> String {
        let division = try String.fetchOne(db, sql: "SELECT division FROM households WHERE id = ?", arguments: [id]).flatMap { try? DivisionCode($0) }
        return division.map(visible) ?? false ? "household \(id)" : "another household (outside this key's division)"
    }

    static func claimMembers(_ household: Household, _ db: Database, visible: Visibility = { _ in true }) throws {
        for (i, member) in household.members.enumerated() {
            if let other = try String.fetchOne(
                db, sql: "SELECT household_id FROM household_members WHERE resident_id = ?", arguments: [member.residentID.description]),
                other != household.id
            {
                throw DomainError(
                    .alreadyExists, "members[\(i)] is already registered in \(try nameIfVisible(db, other, visible)): one person is in one household at a time",
                    problems: [
                        FieldProblem(
                            field: "household.members[\(i)].resident_id", reason: "IN_ANOTHER_HOUSEHOLD",
                            description: "registered in \(try nameIfVisible(db, other, visible))")
                    ])
            }
        }
        try db.execute(sql: "DELETE FROM household_members WHERE household_id = ?", arguments: [household.id])
        for member in household.members {
            try db.execute(
                sql: "INSERT INTO household_members (resident_id, household_id, name) VALUES (?, ?, ?)",
                arguments: [member.residentID.description, household.id, member.name])
        }
    }

    static func loadHousehold(_ db: Database, id: String) throws -> Household {
        guard let record = try String.fetchOne(db, sql: "SELECT record FROM households WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no household with id \(id)")
        }
        return try decode(Household.self, record)
    }

    /// Names and addresses, for the list's query.
    static func searchText(_ household: Household) -> String {
        ([household.hukouAddress, household.actualAddress] + household.members.map(\.name)).joined(separator: "\u{1F}")
    }

    /// What changed, for the audit row, without personal data (counts and flags only).
    static func changes(_ old: Household, _ new: Household) -> String {
        var parts: [String] = []
        if old.members.count != new.members.count { parts.append("members \(old.members.count)→\(new.members.count)") }
        if old.incomes != new.incomes { parts.append("incomes changed (\(new.incomes.count) lines)") }
        if old.assets != new.assets { parts.append("assets changed (\(new.assets.count))") }
        if old.members != new.members && old.members.count == new.members.count { parts.append("member details changed") }
        if old.bankAccount != new.bankAccount { parts.append("bank account changed") }
        if old.division != new.division || old.area != new.area {
            parts.append("division \(old.division) \(old.area.rawValue)→\(new.division) \(new.area.rawValue)")
        }
        if old.caseWorker != new.caseWorker { parts.append("case worker changed") }
        if old.hukouAddress != new.hukouAddress || old.actualAddress != new.actualAddress { parts.append("address changed") }
        return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }
}
