import CivicDomain
import CivicStorage
import Foundation
import GRDB
import ProposalsDomain

/// Registering, correcting, importing and finding items.
extension ProposalStore {
    /// 登记: stores a validated registration as a new item.
    public func register(_ registration: ItemRegistration, by actor: Actor, now: Date = Date()) async throws -> Item {
        guard let kind = registration.kind else { throw DomainError.invalid("kind is required", field: "kind", reason: "REQUIRED") }
        let item = Self.newItem(registration, kind: kind, by: actor, now: now)
        do {
            try await writes.write { db in try Self.insert(item, by: actor, now: now, db) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw Self.duplicateNumber(year: item.year, kind: item.kind, number: item.number)
        }
        return item
    }

    static func newItem(_ registration: ItemRegistration, kind: ItemKind, by actor: Actor, now: Date) -> Item {
        registration.item(id: UUID().uuidString.lowercased(), kind: kind, registeredAt: StorageTime.string(now), registeredBy: actor.id)
    }

    static func insert(_ item: Item, by actor: Actor, now: Date, _ db: Database, action: String = "register") throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO items (id, kind, year, session, number, title, body, topic, key_supervised, state, registered_at, registered_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                item.id, item.kind.rawValue, item.year, item.session, item.number, item.title, item.body,
                item.topic, item.keySupervised, item.state.rawValue, item.registeredAt, item.registeredBy,
            ])
        try insertProposers(of: item, db)
        try Audit.record(
            db, by: actor, action: action, entity: "item", entityID: item.id,
            detail: "\(item.year) \(item.kind.rawValue) \(item.number)", at: now)
    }

    private static func insertProposers(of item: Item, _ db: Database) throws {
        for (position, p) in item.proposers.enumerated() {
            try db.cachedStatement(
                sql: "INSERT INTO item_proposers (item_id, position, name, lead, delegation, contact, member_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
            ).execute(
                arguments: [item.id, position, p.name, p.lead, p.delegation, p.contact, p.memberID])
        }
    }

    /// Registers every line of an import in one transaction, or none: a number already
    /// registered fails the whole file, naming each line.
    public func importItems(_ lines: [ItemImport.Line], by actor: Actor, now: Date = Date()) async throws -> [Item] {
        try await writes.write { db in
            try Self.alreadyRegistered(lines, db).check()
            return try lines.map { line in
                let item = Self.newItem(line.registration, kind: line.registration.kind!, by: actor, now: now)
                try Self.insert(item, by: actor, now: now, db, action: "import")
                return item
            }
        }
    }

    /// Lines whose number is already registered, as problems by line.
    public func alreadyRegistered(_ lines: [ItemImport.Line]) async throws -> ValidationErrors {
        try await database.read { db in try Self.alreadyRegistered(lines, db) }
    }

    static func alreadyRegistered(_ lines: [ItemImport.Line], _ db: Database) throws -> ValidationErrors {
        var problems = ValidationErrors()
        for line in lines {
            let r = line.registration
            if try Bool.fetchOne(
                db, sql: "SELECT 1 FROM items WHERE year = ? AND kind = ? AND number = ?",
                arguments: [r.year, r.kind?.rawValue, r.number.trimmingCharacters(in: .whitespaces)]) == true
            {
                problems.add(
                    "line \(line.number): number", "DUPLICATE",
                    "line \(line.number): \(r.year) \(r.kind?.rawValue ?? "") number \(r.number) is already registered")
            }
        }
        return problems
    }

    /// Corrects an item's registration details in place (ItemRegistration.correction), with
    /// the changes and the reason in the history. Handling, deadlines and records stay as
    /// they are. `validate` sees the item as stored, inside the transaction (a kept topic is
    /// judged against what is stored now, not what was read before).
    public func correct(
        id: String, to registration: ItemRegistration, reason: String, by actor: Actor, now: Date = Date(),
        validate: @escaping @Sendable (Item) throws -> Void = { _ in }
    ) async throws -> Item {
        do {
            return try await writes.write { db in
                let item = try Self.load(db, id: id)
                try validate(item)  // every problem at once, the kind's among them
                let correction = try registration.correction(of: item)
                let corrected = correction.item
                try db.execute(
                    sql: "UPDATE items SET kind = ?, year = ?, session = ?, number = ?, title = ?, body = ?, topic = ?, key_supervised = ? WHERE id = ?",
                    arguments: [
                        corrected.kind.rawValue, corrected.year, corrected.session, corrected.number, corrected.title, corrected.body,
                        corrected.topic, corrected.keySupervised, id,
                    ])
                try db.execute(sql: "DELETE FROM item_proposers WHERE item_id = ?", arguments: [id])
                try Self.insertProposers(of: corrected, db)
                if correction.remasked {
                    try db.execute(sql: "UPDATE items SET published_text = ? WHERE id = ?", arguments: [corrected.publishedText, id])
                }
                try Audit.record(
                    db, by: actor, action: "correct", entity: "item", entityID: id, reason: reason,
                    detail: correction.changes.joined(separator: "; "), at: now)
                return try Self.load(db, id: id)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && registration.kind != nil {
            // (a registration without a kind never reaches the UPDATE)
            throw Self.duplicateNumber(
                year: registration.year, kind: registration.kind!, number: registration.number.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    public struct ListFilter: Sendable {
        public var year: Int?
        public var kind: ItemKind?
        public var topic: String?
        /// Only items with a proposer of this member id (a deputy's own items).
        public var memberID: String?
        public var state: ItemState?
        public var role: HandlingRole?
        /// Items this internal unit is on, in any role.
        public var unit: String?
        public var keySupervisedOnly = false
        /// Text in the number, the title or a proposer's name.
        public var query: String?
        public init(year: Int? = nil, kind: ItemKind? = nil, topic: String? = nil, memberID: String? = nil) {
            self.year = year
            self.kind = kind
            self.topic = topic
            self.memberID = memberID
        }
    }

    /// Items matching `filter`, newest year first, then kind and number.
    public func list(_ filter: ListFilter, pageSize: Int, pageToken: String) async throws -> Page<Item> {
        let offset = try Paging.offset(fromToken: pageToken)
        let (whereClause, arguments) = Self.conditions(filter)
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items \(whereClause)", arguments: arguments) ?? 0
            let items = try Self.items(db, whereClause, arguments, limit: pageSize, offset: offset)
            return Page(items: items, offset: offset, total: total)
        }
    }

    /// Every item matching `filter`, in the listing's order, read in one snapshot; none
    /// when there are more than `limit` (the caller narrows the filter instead).
    public func all(_ filter: ListFilter, limit: Int) async throws -> (items: [Item], total: Int) {
        let (whereClause, arguments) = Self.conditions(filter)
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items \(whereClause)", arguments: arguments) ?? 0
            guard total <= limit else { return ([], total) }
            var items: [Item] = []
            while items.count < total {
                items += try Self.items(db, whereClause, arguments, limit: 200, offset: items.count)
            }
            return (items, total)
        }
    }

    /// Published lead replies, newest publication first.
    public func publishedReplies(year: Int?, pageSize: Int, pageToken: String) async throws -> Page<Item> {
        let offset = try Paging.offset(fromToken: pageToken)
        let filter = year == nil ? "" : "AND year = ?"
        let arguments: StatementArguments = year.map { [$0] } ?? []
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items WHERE state = 'published' \(filter)", arguments: arguments) ?? 0
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM items WHERE state = 'published' \(filter) ORDER BY published_on DESC, year DESC, number LIMIT ? OFFSET ?",
                arguments: arguments + [pageSize, offset])
            return Page(items: try ids.map { try Self.load(db, id: $0) }, offset: offset, total: total)
        }
    }

    public func auditTrail(itemID: String) async throws -> [AuditEntry] {
        try await database.read { db in try Audit.trail(db, entity: "item", entityID: itemID) }
    }

    private static func items(_ db: Database, _ whereClause: String, _ arguments: StatementArguments, limit: Int, offset: Int) throws -> [Item] {
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM items \(whereClause) ORDER BY year DESC, kind, number, id LIMIT ? OFFSET ?",
            arguments: arguments + [limit, offset])
        let proposers = try Self.proposers(db, itemIDs: rows.map { $0["id"] })
        return try rows.map { row in try Self.item(from: row, proposers: proposers[row["id"]] ?? [], units: Self.units(db, itemID: row["id"])) }
    }

    /// The WHERE clause for `filter` and its arguments ("" when nothing filters).
    private static func conditions(_ filter: ListFilter) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let year = filter.year { conditions.append("year = ?"); arguments += [year] }
        if let kind = filter.kind { conditions.append("kind = ?"); arguments += [kind.rawValue] }
        if let topic = filter.topic { conditions.append("topic = ?"); arguments += [topic] }
        if let memberID = filter.memberID {
            conditions.append("id IN (SELECT item_id FROM item_proposers WHERE member_id = ?)")
            arguments += [memberID]
        }
        if let state = filter.state { conditions.append("state = ?"); arguments += [state.rawValue] }
        if let role = filter.role { conditions.append("role = ?"); arguments += [role.rawValue] }
        if let unit = filter.unit {
            conditions.append("id IN (SELECT item_id FROM item_units WHERE unit = ?)")
            arguments += [unit]
        }
        if filter.keySupervisedOnly { conditions.append("key_supervised = 1") }
        if let query = filter.query {
            // LIKE with the wildcards in the text escaped: "50%" finds "50%", not everything.
            let pattern =
                "%" + query.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                + "%"
            conditions.append(
                "(number LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\' OR id IN (SELECT item_id FROM item_proposers WHERE name LIKE ? ESCAPE '\\'))")
            arguments += [pattern, pattern, pattern]
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }
}
