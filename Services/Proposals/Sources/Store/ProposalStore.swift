import CivicDomain
import CivicRPC
import CivicStorage
import Foundation
import GRDB
import ProposalsDomain

/// Owns the proposals SQL. Every state change writes its audit row in the same transaction.
/// Its answers are domain values; its refusals DomainErrors.
public struct ProposalStore: Sendable {
    public let database: any DatabaseWriter
    /// Every write goes through it: concurrent writes share one transaction and one fsync, each in
    /// its own savepoint (GroupCommit).
    public let writes: GroupCommit
    /// An item by its id, read on the calling thread (the event loop): PointReads.
    let pointReads: PointReads

    public init(database: any DatabaseWriter) {
        self.database = database
        writes = GroupCommit(database)
        pointReads = PointReads(database)
    }

    /// Who acts and under which request, for the audit trail.
    public typealias Actor = AuditActor

    /// ALREADY_EXISTS: the number is taken for that year and kind.
    static func duplicateNumber(year: Int, kind: ItemKind, number: String) -> DomainError {
        DomainError(
            .alreadyExists, "\(year) \(kind.rawValue) number \(number) is already registered",
            problems: [FieldProblem(field: "number", reason: "DUPLICATE", description: "number must be unique per year and kind")])
    }

    static func notFound(id: String) -> DomainError {
        .notFound("no item with id \(id)")
    }

    public func item(id: String) async throws -> Item {
        try pointReads.read { db in try Self.load(db, id: id) }
    }

    /// Applies `move` to the item in one transaction: the state machine decides whether it
    /// is legal, its day (the day the event happened) must fit the item's record
    /// (EventDates), then its change runs, what it records is written, the item is saved and
    /// the change audited. Anything thrown leaves the database as it was.
    public func apply(_ move: ItemMove, to id: String, by actor: Actor, now: Date = Date()) async throws -> Item {
        try await writes.write { db in
            var item = try Self.load(db, id: id)
            let next = try ItemWorkflow.next(item.state, on: move.event, role: item.role)
            if let on = move.on { try EventDates.check(on, for: move.event, on: item) }
            let records = try move.change(&item)
            for record in records { try Self.write(record, itemID: id, db) }
            item.state = next
            try Self.save(item, db)
            let detail = move.detail.isEmpty ? "→ \(next.rawValue)" : "→ \(next.rawValue); \(move.detail)"
            try Audit.record(db, by: actor, action: move.event.auditAction, entity: "item", entityID: id, reason: move.note, detail: detail, at: now)
            return item
        }
    }

    /// `apply(_:to:by:now:)` with the move given by its parts.
    public func apply(
        _ event: ItemEvent, to id: String, by actor: Actor, on: CivilDate? = nil, note: String = "", detail: String = "", now: Date = Date(),
        change: @escaping ItemMove.Change = { _ in [] }
    ) async throws -> Item {
        try await apply(ItemMove(event, on: on, note: note, detail: detail, change: change), to: id, by: actor, now: now)
    }

    /// Loads one item inside a transaction.
    static func load(_ db: Database, id: String) throws -> Item {
        let proposers = try proposers(db, itemIDs: [id])[id] ?? []
        let units = try units(db, itemID: id)
        guard
            let item = try Row.decodeFirst(
                db.cachedStatement(sql: "SELECT * FROM items WHERE id = ?"), arguments: [id],
                { row in
                    try item(from: row, proposers: proposers, units: units)
                })
        else {
            throw notFound(id: id)
        }
        return item
    }

    /// Saves the handling columns and the units of an item already stored.
    static func save(_ item: Item, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                UPDATE items SET state = ?, role = ?, complex = ?, assigned_on = ?, answer_due = ?, return_window_ends = ?,
                  urge_count = ?, met_face_to_face = ?, draft_text = ?, result = ?, adoption = ?, reply_text = ?, replied_on = ?,
                  answered_on_time = ?, publication_due = ?, published_on = ?, satisfaction = ?, published_text = ?
                WHERE id = ?
                """
        ).execute(
            arguments: [
                item.state.rawValue, item.role?.rawValue, item.complex, item.assignedOn?.description, item.answerDue?.description,
                item.returnWindowEnds?.description, item.urgeCount, item.metFaceToFace, item.draftText, item.result?.rawValue,
                item.adoption?.rawValue, item.replyText, item.repliedOn?.description, item.answeredOnTime,
                item.publicationDue?.description, item.publishedOn?.description, item.satisfaction?.rawValue, item.publishedText, item.id,
            ])
        try db.cachedStatement(sql: "DELETE FROM item_units WHERE item_id = ?").execute(arguments: [item.id])
        for unit in item.units {
            try db.cachedStatement(sql: "INSERT INTO item_units (item_id, unit, role, opinion_due, opinion, opinion_on) VALUES (?, ?, ?, ?, ?, ?)").execute(
                arguments: [item.id, unit.unit, unit.role.rawValue, unit.opinionDue?.description, unit.opinion, unit.opinionOn?.description])
        }
    }

    static func proposers(_ db: Database, itemIDs: [String]) throws -> [String: [Proposer]] {
        guard !itemIDs.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: itemIDs.count).joined(separator: ",")
        let sql = "SELECT * FROM item_proposers WHERE item_id IN (\(placeholders)) ORDER BY item_id, position"
        // One item (every move loads one) from GRDB's statement cache; a page's worth, with
        // its own count of placeholders, prepared on the spot so the cache stays small.
        let statement = itemIDs.count == 1 ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        let rows = try Row.decodeAll(statement, arguments: StatementArguments(itemIDs)) { row in
            (
                itemID: row["item_id"] as String,
                Proposer(name: row["name"], lead: row["lead"], delegation: row["delegation"], contact: row["contact"], memberID: row["member_id"])
            )
        }
        var result: [String: [Proposer]] = [:]
        for (itemID, proposer) in rows { result[itemID, default: []].append(proposer) }
        return result
    }

    static func item(from row: Row, proposers: [Proposer], units: [UnitAssignment] = []) throws -> Item {
        guard let kind = ItemKind(rawValue: row["kind"]), let state = ItemState(rawValue: row["state"]) else {
            throw RPCError(.dataLoss, "item \(row["id"] as String? ?? "?") has an unknown kind or state")
        }
        var item = Item(
            id: row["id"], kind: kind, year: row["year"], session: row["session"], number: row["number"],
            title: row["title"], body: row["body"], proposers: proposers, topic: row["topic"],
            keySupervised: row["key_supervised"], state: state, registeredAt: row["registered_at"],
            registeredBy: row["registered_by"])
        item.role = (row["role"] as String?).flatMap(HandlingRole.init(rawValue:))
        item.units = units
        item.complex = row["complex"]
        item.assignedOn = (row["assigned_on"] as String?).flatMap(CivilDate.init)
        item.answerDue = (row["answer_due"] as String?).flatMap(CivilDate.init)
        item.returnWindowEnds = (row["return_window_ends"] as String?).flatMap(CivilDate.init)
        item.urgeCount = row["urge_count"]
        item.metFaceToFace = row["met_face_to_face"]
        item.draftText = row["draft_text"]
        item.result = (row["result"] as String?).flatMap(ReplyResult.init(rawValue:))
        item.adoption = (row["adoption"] as String?).flatMap(Adoption.init(rawValue:))
        item.replyText = row["reply_text"]
        item.repliedOn = (row["replied_on"] as String?).flatMap(CivilDate.init)
        item.answeredOnTime = row["answered_on_time"]
        item.publicationDue = (row["publication_due"] as String?).flatMap(CivilDate.init)
        item.publishedOn = (row["published_on"] as String?).flatMap(CivilDate.init)
        item.satisfaction = (row["satisfaction"] as String?).flatMap(Satisfaction.init(rawValue:))
        item.keyGroupID = row["key_group_id"]
        item.publishedText = row["published_text"]
        return item
    }

    static func units(_ db: Database, itemID: String) throws -> [UnitAssignment] {
        try Row.decodeAll(db.cachedStatement(sql: "SELECT * FROM item_units WHERE item_id = ? ORDER BY rowid"), arguments: [itemID]) { row in
            HandlingRole(rawValue: row["role"]).map {
                UnitAssignment(
                    unit: row["unit"], role: $0, opinionDue: (row["opinion_due"] as String?).flatMap(CivilDate.init),
                    opinion: row["opinion"], opinionOn: (row["opinion_on"] as String?).flatMap(CivilDate.init))
            }
        }.compactMap { $0 }
    }
}
