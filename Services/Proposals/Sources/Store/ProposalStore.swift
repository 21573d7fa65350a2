import CivicRPC
import CivicStorage
import Foundation
import GRDB

/// Owns the proposals SQL. Every state change writes its audit row in the same transaction.
public struct ProposalStore: Sendable {
    public let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }

    /// Who acts and under which request, for the audit trail.
    public struct Actor: Sendable {
        public var id: String
        public var requestID: String
        public init(id: String, requestID: String = "") {
            self.id = id
            self.requestID = requestID
        }
    }

    public enum StoreError: Error, RPCErrorConvertible {
        case duplicateNumber(year: Int, kind: ItemKind, number: String)
        case notFound(id: String)

        public var rpcError: RPCError {
            switch self {
            case .duplicateNumber(let year, let kind, let number):
                RPCError(.alreadyExists, "\(year) \(kind.rawValue) number \(number) is already registered",
                         details: [ErrorDetail(field: "number", reason: "DUPLICATE", description: "number must be unique per year and kind")])
            case .notFound(let id):
                RPCError(.notFound, "no item with id \(id)")
            }
        }
    }

    /// 登记: stores a validated registration as a new item.
    public func register(_ registration: ItemRegistration, by actor: Actor, now: Date = Date()) async throws -> Item {
        guard let kind = registration.kind else { throw RPCError.invalidArgument("kind is required", field: "kind", reason: "REQUIRED") }
        let item = Item(
            id: UUID().uuidString.lowercased(), kind: kind, year: registration.year,
            session: registration.session.trimmingCharacters(in: .whitespacesAndNewlines),
            number: registration.number.trimmingCharacters(in: .whitespacesAndNewlines),
            title: registration.title.trimmingCharacters(in: .whitespacesAndNewlines),
            body: registration.body, proposers: registration.proposers, topic: registration.topic,
            keySupervised: registration.keySupervised, state: .registered,
            registeredAt: StorageTime.string(now), registeredBy: actor.id)
        do {
            try await database.write { db in
                try db.execute(
                    sql: """
                    INSERT INTO items (id, kind, year, session, number, title, body, topic, key_supervised, state, registered_at, registered_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    arguments: [item.id, item.kind.rawValue, item.year, item.session, item.number, item.title, item.body,
                                item.topic, item.keySupervised, item.state.rawValue, item.registeredAt, item.registeredBy])
                for (position, p) in item.proposers.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO item_proposers (item_id, position, name, lead, delegation, contact, member_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        arguments: [item.id, position, p.name, p.lead, p.delegation, p.contact, p.memberID])
                }
                try Audit.record(db, actor: actor.id, action: "register", entity: "item", entityID: item.id,
                                 detail: "\(item.year) \(item.kind.rawValue) \(item.number)", requestID: actor.requestID, at: now)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicateNumber(year: item.year, kind: item.kind, number: item.number)
        }
        return item
    }

    public func item(id: String) async throws -> Item {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM items WHERE id = ?", arguments: [id]) else {
                throw StoreError.notFound(id: id)
            }
            return try Self.item(from: row, proposers: Self.proposers(db, itemIDs: [id])[id] ?? [])
        }
    }

    public struct ListFilter: Sendable {
        public var year: Int?
        public var kind: ItemKind?
        public var topic: String?
        /// Only items with a proposer of this member id (a deputy's own items).
        public var memberID: String?
        public init(year: Int? = nil, kind: ItemKind? = nil, topic: String? = nil, memberID: String? = nil) {
            self.year = year
            self.kind = kind
            self.topic = topic
            self.memberID = memberID
        }
    }

    public struct Page: Sendable {
        public var items: [Item]
        public var nextPageToken: String
        public var totalCount: Int
    }

    /// Items matching `filter`, newest year first, then kind and number.
    public func list(_ filter: ListFilter, pageSize: Int, pageToken: String) async throws -> Page {
        let offset = try Paging.offset(fromToken: pageToken)
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let year = filter.year { conditions.append("year = ?"); arguments += [year] }
        if let kind = filter.kind { conditions.append("kind = ?"); arguments += [kind.rawValue] }
        if let topic = filter.topic { conditions.append("topic = ?"); arguments += [topic] }
        if let memberID = filter.memberID {
            conditions.append("id IN (SELECT item_id FROM item_proposers WHERE member_id = ?)")
            arguments += [memberID]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let filterArguments = arguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items \(whereClause)", arguments: filterArguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM items \(whereClause) ORDER BY year DESC, kind, number, id LIMIT ? OFFSET ?",
                arguments: filterArguments + [pageSize, offset])
            let proposers = try Self.proposers(db, itemIDs: rows.map { $0["id"] })
            let items = try rows.map { row in try Self.item(from: row, proposers: proposers[row["id"]] ?? []) }
            let next = offset + items.count < total ? Paging.token(offset: offset + items.count) : ""
            return Page(items: items, nextPageToken: next, totalCount: total)
        }
    }

    public func auditTrail(itemID: String) async throws -> [AuditEntry] {
        try await database.read { db in try Audit.trail(db, entity: "item", entityID: itemID) }
    }

    private static func proposers(_ db: Database, itemIDs: [String]) throws -> [String: [Proposer]] {
        guard !itemIDs.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: itemIDs.count).joined(separator: ",")
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM item_proposers WHERE item_id IN (\(placeholders)) ORDER BY item_id, position",
            arguments: StatementArguments(itemIDs))
        var result: [String: [Proposer]] = [:]
        for row in rows {
            result[row["item_id"], default: []].append(
                Proposer(name: row["name"], lead: row["lead"], delegation: row["delegation"], contact: row["contact"], memberID: row["member_id"]))
        }
        return result
    }

    private static func item(from row: Row, proposers: [Proposer]) throws -> Item {
        guard let kind = ItemKind(rawValue: row["kind"]), let state = ItemState(rawValue: row["state"]) else {
            throw RPCError(.dataLoss, "item \(row["id"] as String? ?? "?") has an unknown kind or state")
        }
        return Item(
            id: row["id"], kind: kind, year: row["year"], session: row["session"], number: row["number"],
            title: row["title"], body: row["body"], proposers: proposers, topic: row["topic"],
            keySupervised: row["key_supervised"], state: state, registeredAt: row["registered_at"],
            registeredBy: row["registered_by"])
    }
}
