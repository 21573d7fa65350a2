import CivicDomain
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import ProposalsDomain

/// Owns the proposals SQL. Every state change writes its audit row in the same transaction.
public struct ProposalStore: Sendable {
    public let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }

    /// Who acts and under which request, for the audit trail.
    public typealias Actor = AuditActor

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
        let item = Self.newItem(registration, kind: kind, by: actor, now: now)
        do {
            try await database.write { db in try Self.insert(item, by: actor, now: now, db) }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicateNumber(year: item.year, kind: item.kind, number: item.number)
        }
        return item
    }

    static func newItem(_ registration: ItemRegistration, kind: ItemKind, by actor: Actor, now: Date) -> Item {
        Item(
            id: UUID().uuidString.lowercased(), kind: kind, year: registration.year,
            session: registration.session.trimmingCharacters(in: .whitespacesAndNewlines),
            number: registration.number.trimmingCharacters(in: .whitespacesAndNewlines),
            title: registration.title.trimmingCharacters(in: .whitespacesAndNewlines),
            body: registration.body, proposers: registration.proposers, topic: registration.topic,
            keySupervised: registration.keySupervised, state: .registered,
            registeredAt: StorageTime.string(now), registeredBy: actor.id)
    }

    static func insert(_ item: Item, by actor: Actor, now: Date, _ db: Database, action: String = "register") throws {
        try db.cachedStatement(sql: """
            INSERT INTO items (id, kind, year, session, number, title, body, topic, key_supervised, state, registered_at, registered_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(
            arguments: [item.id, item.kind.rawValue, item.year, item.session, item.number, item.title, item.body,
                        item.topic, item.keySupervised, item.state.rawValue, item.registeredAt, item.registeredBy])
        for (position, p) in item.proposers.enumerated() {
            try db.cachedStatement(sql: "INSERT INTO item_proposers (item_id, position, name, lead, delegation, contact, member_id) VALUES (?, ?, ?, ?, ?, ?, ?)").execute(
                arguments: [item.id, position, p.name, p.lead, p.delegation, p.contact, p.memberID])
        }
        try Audit.record(db, actor: actor.id, action: action, entity: "item", entityID: item.id,
                         detail: "\(item.year) \(item.kind.rawValue) \(item.number)", requestID: actor.requestID, at: now)
    }

    /// Registers every line of an import in one transaction, or none: a number already
    /// registered fails the whole file, naming each line.
    public func importItems(_ lines: [ItemImport.Line], by actor: Actor, now: Date = Date()) async throws -> [Item] {
        try await database.write { db in
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
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM items WHERE year = ? AND kind = ? AND number = ?",
                                 arguments: [r.year, r.kind?.rawValue, r.number.trimmingCharacters(in: .whitespaces)]) == true {
                problems.add("line \(line.number): number", "DUPLICATE", "line \(line.number): \(r.year) \(r.kind?.rawValue ?? "") number \(r.number) is already registered")
            }
        }
        return problems
    }

    /// What was recorded on an item: contacts, progress notes, ratings, oldest first.
    public func records(itemID: String) async throws -> (contacts: [Row], progress: [Row], feedback: [Row]) {
        try await database.read { db in
            _ = try Self.load(db, id: itemID)  // NOT_FOUND for an unknown id
            return (
                try Row.fetchAll(db, sql: "SELECT * FROM item_contacts WHERE item_id = ? ORDER BY id", arguments: [itemID]),
                try Row.fetchAll(db, sql: "SELECT * FROM item_progress WHERE item_id = ? ORDER BY id", arguments: [itemID]),
                try Row.fetchAll(db, sql: "SELECT * FROM item_feedback WHERE item_id = ? ORDER BY id", arguments: [itemID]))
        }
    }

    /// 重点督办: merges items of one year into one key-supervised item.
    public func mergeKeyItems(name: String, ids: [String], by actor: Actor, now: Date = Date()) async throws -> (id: String, year: Int) {
        try await database.write { db in
            let items = try ids.map { try Self.load(db, id: $0) }
            let years = Set(items.map(\.year))
            guard years.count == 1, let year = years.first else {
                throw RPCError.invalidArgument("merged items must all be of one year; found \(years.sorted().map(String.init).joined(separator: ", "))", field: "item_ids", reason: "MIXED_YEARS")
            }
            if let grouped = items.first(where: { $0.keyGroupID != nil }) {
                throw RPCError.failedPrecondition("item \(grouped.number) is already part of a key-supervised item", reason: "ALREADY_MERGED")
            }
            let groupID = UUID().uuidString.lowercased()
            try db.execute(sql: "INSERT INTO key_groups (id, year, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [groupID, year, name, actor.id, StorageTime.string(now)])
            for item in items {
                try db.execute(sql: "UPDATE items SET key_supervised = 1, key_group_id = ? WHERE id = ?", arguments: [groupID, item.id])
                try Audit.record(db, actor: actor.id, action: "merge-key", entity: "item", entityID: item.id, reason: name,
                                 detail: "key group \(groupID) of \(items.count) items", requestID: actor.requestID, at: now)
            }
            return (groupID, year)
        }
    }

    /// Corrects an item's registration details in place, with the changes and the reason in
    /// the history. Handling, deadlines and records stay as they are.
    /// `validate` sees the item as stored, inside the transaction (a kept topic is judged
    /// against what is stored now, not what was read before).
    public func correct(
        id: String, to registration: ItemRegistration, reason: String, by actor: Actor, now: Date = Date(),
        validate: @escaping @Sendable (Item) throws -> Void = { _ in }
    ) async throws -> Item {
        do {
            return try await database.write { db in
                let item = try Self.load(db, id: id)
                try validate(item)  // every problem at once, the kind's among them
                guard let kind = registration.kind else { throw RPCError.invalidArgument("kind is required", field: "item.kind", reason: "REQUIRED") }
                let changes = registration.changes(from: item)
                guard !changes.isEmpty else {
                    throw RPCError.invalidArgument("the correction changes nothing", field: "item", reason: "NO_CHANGE")
                }
                if item.keyGroupID != nil && !registration.keySupervised {
                    throw RPCError.failedPrecondition("the item is part of a merged key-supervised item and stays key-supervised", reason: "ALREADY_MERGED")
                }
                if item.keyGroupID != nil && registration.year != item.year {
                    throw RPCError.failedPrecondition("the item is part of a merged key-supervised item of \(item.year); its year cannot change", reason: "ALREADY_MERGED")
                }
                let corrected = Self.newItem(registration, kind: kind, by: actor, now: now)
                try db.execute(
                    sql: "UPDATE items SET kind = ?, year = ?, session = ?, number = ?, title = ?, body = ?, topic = ?, key_supervised = ? WHERE id = ?",
                    arguments: [kind.rawValue, corrected.year, corrected.session, corrected.number, corrected.title, corrected.body,
                                corrected.topic, corrected.keySupervised, id])
                try db.execute(sql: "DELETE FROM item_proposers WHERE item_id = ?", arguments: [id])
                for (position, p) in corrected.proposers.enumerated() {
                    try db.execute(
                        sql: "INSERT INTO item_proposers (item_id, position, name, lead, delegation, contact, member_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        arguments: [id, position, p.name, p.lead, p.delegation, p.contact, p.memberID])
                }
                // A published text is masked again against the corrected contacts: a wrong
                // contact on record may have let the real one through.
                if item.publishedOn != nil && item.proposers != corrected.proposers {
                    let contacts = item.proposers.map(\.contact) + corrected.proposers.map(\.contact)
                    let masked = PublicationRedaction(contacts: contacts).redact(item.publishedText).text
                    try db.execute(sql: "UPDATE items SET published_text = ? WHERE id = ?", arguments: [masked, id])
                }
                try Audit.record(db, actor: actor.id, action: "correct", entity: "item", entityID: id, reason: reason,
                                 detail: changes.joined(separator: "; "), requestID: actor.requestID, at: now)
                return try Self.load(db, id: id)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE && registration.kind != nil {
            // (a registration without a kind never reaches the UPDATE)
            throw StoreError.duplicateNumber(year: registration.year, kind: registration.kind!, number: registration.number.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// The year's key-supervised groups (重点督办), oldest first, with their items' ids.
    public func keyGroups(year: Int) async throws -> [(id: String, name: String, itemIDs: [String])] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM key_groups WHERE year = ? ORDER BY created_at, id", arguments: [year]).map { row in
                let id: String = row["id"]
                let items = try String.fetchAll(db, sql: "SELECT id FROM items WHERE key_group_id = ? ORDER BY number, id", arguments: [id])
                return (id, row["name"], items)
            }
        }
    }

    /// 重点督办 项数: merged groups count once, other key-supervised items one each.
    /// 重点督办 项: merged groups once, other flagged items one each — returned items in
    /// neither (they are in no figure of the report but their own).
    static func keySupervisedUnits(_ db: Database, year: Int) throws -> Int {
        let groups = try Int.fetchOne(db, sql: """
            SELECT COUNT(DISTINCT key_group_id) FROM items
            WHERE key_group_id IN (SELECT id FROM key_groups WHERE year = ?) AND state <> 'returned'
            """, arguments: [year]) ?? 0
        let flagged = try Int.fetchOne(db, sql: "SELECT coalesce(sum(n), 0) FROM report_counts WHERE year = ? AND key_supervised = 1 AND state <> 'returned'", arguments: [year]) ?? 0
        let merged = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items WHERE key_group_id IN (SELECT id FROM key_groups WHERE year = ?) AND state <> 'returned'", arguments: [year]) ?? 0
        return groups + flagged - merged
    }

    public func createTemplate(name: String, text: String, by actor: Actor, now: Date = Date()) async throws -> ReplyTemplate {
        let template = ReplyTemplate(id: UUID().uuidString.lowercased(), name: name, text: text, createdBy: actor.id, createdAt: StorageTime.string(now))
        do {
            try await database.write { db in
                try db.execute(sql: "INSERT INTO reply_templates (id, name, text, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [template.id, name, text, actor.id, template.createdAt])
                try Audit.record(db, actor: actor.id, action: "create-template", entity: "reply_template", entityID: template.id, detail: name, requestID: actor.requestID, at: now)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw RPCError(.alreadyExists, "a template named \(name) exists already")
        }
        return template
    }

    /// Replaces a template's name and text; the history keeps the old name.
    public func updateTemplate(id: String, name: String, text: String, by actor: Actor, now: Date = Date()) async throws -> ReplyTemplate {
        do {
            return try await database.write { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM reply_templates WHERE id = ?", arguments: [id]) else {
                    throw RPCError.notFound("no reply template with id \(id)")
                }
                let old = Self.template(row)
                try db.execute(sql: "UPDATE reply_templates SET name = ?, text = ? WHERE id = ?", arguments: [name, text, id])
                try Audit.record(db, actor: actor.id, action: "update-template", entity: "reply_template", entityID: id,
                                 detail: old.name == name ? name : "\(old.name) → \(name)", requestID: actor.requestID, at: now)
                return ReplyTemplate(id: id, name: name, text: text, createdBy: old.createdBy, createdAt: old.createdAt)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw RPCError(.alreadyExists, "a template named \(name) exists already")
        }
    }

    /// Deletes a template; drafts started from it keep their text, the history its name.
    public func deleteTemplate(id: String, by actor: Actor, now: Date = Date()) async throws {
        try await database.write { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM reply_templates WHERE id = ?", arguments: [id]) else {
                throw RPCError.notFound("no reply template with id \(id)")
            }
            try db.execute(sql: "DELETE FROM reply_templates WHERE id = ?", arguments: [id])
            try Audit.record(db, actor: actor.id, action: "delete-template", entity: "reply_template", entityID: id, detail: name, requestID: actor.requestID, at: now)
        }
    }

    public func templates() async throws -> [ReplyTemplate] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reply_templates ORDER BY name").map(Self.template)
        }
    }

    public func template(id: String) async throws -> ReplyTemplate {
        try await database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM reply_templates WHERE id = ?", arguments: [id]) else {
                throw RPCError.notFound("no reply template with id \(id)")
            }
            return Self.template(row)
        }
    }

    private static func template(_ row: Row) -> ReplyTemplate {
        ReplyTemplate(id: row["id"], name: row["name"], text: row["text"], createdBy: row["created_by"], createdAt: row["created_at"])
    }

    /// Published lead replies, newest publication first.
    public func publishedReplies(year: Int?, pageSize: Int, pageToken: String) async throws -> Page {
        let offset = try Paging.offset(fromToken: pageToken)
        let filter = year == nil ? "" : "AND year = ?"
        let arguments: StatementArguments = year.map { [$0] } ?? []
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items WHERE state = 'published' \(filter)", arguments: arguments) ?? 0
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM items WHERE state = 'published' \(filter) ORDER BY published_on DESC, year DESC, number LIMIT ? OFFSET ?",
                arguments: arguments + [pageSize, offset])
            let items = try ids.map { try Self.load(db, id: $0) }
            let next = offset + items.count < total ? Paging.token(offset: offset + items.count) : ""
            return Page(items: items, nextPageToken: next, totalCount: total)
        }
    }

    public func item(id: String) async throws -> Item {
        try await database.read { db in try Self.load(db, id: id) }
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

    public struct Page: Sendable {
        public var items: [Item]
        public var nextPageToken: String
        public var totalCount: Int
    }

    /// Items matching `filter`, newest year first, then kind and number.
    public func list(_ filter: ListFilter, pageSize: Int, pageToken: String) async throws -> Page {
        let offset = try Paging.offset(fromToken: pageToken)
        let (whereClause, arguments) = Self.conditions(filter)
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items \(whereClause)", arguments: arguments) ?? 0
            let items = try Self.items(db, whereClause, arguments, limit: pageSize, offset: offset)
            let next = offset + items.count < total ? Paging.token(offset: offset + items.count) : ""
            return Page(items: items, nextPageToken: next, totalCount: total)
        }
    }

    /// Every item matching `filter`, in the listing's order, read in one snapshot; nil when
    /// there are more than `limit` (the caller narrows the filter instead).
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
            let pattern = "%" + query.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            conditions.append("(number LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\' OR id IN (SELECT item_id FROM item_proposers WHERE name LIKE ? ESCAPE '\\'))")
            arguments += [pattern, pattern, pattern]
        }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), arguments)
    }

    public func auditTrail(itemID: String) async throws -> [AuditEntry] {
        try await database.read { db in try Audit.trail(db, entity: "item", entityID: itemID) }
    }

    private static func proposers(_ db: Database, itemIDs: [String]) throws -> [String: [Proposer]] {
        guard !itemIDs.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: itemIDs.count).joined(separator: ",")
        let sql = "SELECT * FROM item_proposers WHERE item_id IN (\(placeholders)) ORDER BY item_id, position"
        // One item (every move loads one) from GRDB's statement cache; a page's worth, with
        // its own count of placeholders, prepared on the spot so the cache stays small.
        let statement = itemIDs.count == 1 ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        let rows = try Row.fetchAll(statement, arguments: StatementArguments(itemIDs))
        var result: [String: [Proposer]] = [:]
        for row in rows {
            result[row["item_id"], default: []].append(
                Proposer(name: row["name"], lead: row["lead"], delegation: row["delegation"], contact: row["contact"], memberID: row["member_id"]))
        }
        return result
    }

    private static func item(from row: Row, proposers: [Proposer], units: [UnitAssignment] = []) throws -> Item {
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

    private static func units(_ db: Database, itemID: String) throws -> [UnitAssignment] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM item_units WHERE item_id = ? ORDER BY rowid"), arguments: [itemID]).compactMap { row in
            HandlingRole(rawValue: row["role"]).map {
                UnitAssignment(
                    unit: row["unit"], role: $0, opinionDue: (row["opinion_due"] as String?).flatMap(CivilDate.init),
                    opinion: row["opinion"], opinionOn: (row["opinion_on"] as String?).flatMap(CivilDate.init))
            }
        }
    }

    /// Loads one item inside a transaction.
    static func load(_ db: Database, id: String) throws -> Item {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM items WHERE id = ?"), arguments: [id]) else {
            throw StoreError.notFound(id: id)
        }
        return try item(from: row, proposers: proposers(db, itemIDs: [id])[id] ?? [], units: units(db, itemID: id))
    }

    /// Applies `event` to the item in one transaction: the state machine decides whether it
    /// is legal, `on` (the day the event happened) must fit the item's record (EventDates),
    /// then `change` runs, the item is saved and the change audited. Anything thrown leaves
    /// the database as it was.
    public func apply(
        _ event: ItemEvent, to id: String, by actor: Actor, on: CivilDate? = nil, note: String = "", detail: String = "", now: Date = Date(),
        change: @escaping @Sendable (inout Item, Database) throws -> Void = { _, _ in }
    ) async throws -> Item {
        try await database.write { db in
            var item = try Self.load(db, id: id)
            let next = try ItemWorkflow.next(item.state, on: event, role: item.role)
            if let on { try EventDates.check(on, for: event, on: item) }
            try change(&item, db)
            item.state = next
            try Self.save(item, db)
            try Audit.record(db, actor: actor.id, action: event.auditAction, entity: "item", entityID: id, reason: note,
                             detail: detail.isEmpty ? "→ \(next.rawValue)" : "→ \(next.rawValue); \(detail)", requestID: actor.requestID, at: now)
            return item
        }
    }

    /// Recomputes the deadlines of every item that may still owe one (`changes` decides,
    /// given the item and the date of the 不满意 that reopened it), in one transaction; with
    /// `apply`, writes them with an audit row per item. Returns the changes by item.
    public func recalculateDeadlines(
        apply: Bool, note: String, by actor: Actor, now: Date = Date(),
        changes: @escaping @Sendable (Item, CivilDate?) -> [DeadlineRecalculation.Change]
    ) async throws -> [(Item, [DeadlineRecalculation.Change])] {
        let work = { @Sendable (db: Database) throws -> [(Item, [DeadlineRecalculation.Change])] in
            let states = ["assigned", "handling", "drafted", "section_signed", "signed_off", "reopened", "reported", "replied", "implementing", "published"]
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM items WHERE assigned_on IS NOT NULL AND state IN (\(states.map { _ in "?" }.joined(separator: ",")))
                ORDER BY year DESC, kind, number
                """, arguments: StatementArguments(states))
            var result: [(Item, [DeadlineRecalculation.Change])] = []
            for id in ids {
                var item = try Self.load(db, id: id)
                let reopenedOn = try String.fetchOne(
                    db, sql: "SELECT on_date FROM item_feedback WHERE item_id = ? AND rating = 'dissatisfied' ORDER BY id DESC LIMIT 1",
                    arguments: [id]).flatMap(CivilDate.init)
                let found = changes(item, reopenedOn)
                guard !found.isEmpty else { continue }
                result.append((item, found))
                let made = found.filter { !$0.kept }
                guard apply, !made.isEmpty else { continue }
                DeadlineRecalculation.apply(made, to: &item)
                try Self.save(item, db)
                let detail = made.map { "\($0.deadline)\($0.unit.isEmpty ? "" : "(\($0.unit))") \($0.from) → \($0.to)" }.joined(separator: "; ")
                try Audit.record(db, actor: actor.id, action: "recalculate-deadlines", entity: "item", entityID: id, reason: note,
                                 detail: detail, requestID: actor.requestID, at: now)
            }
            return result
        }
        return apply ? try await database.write(work) : try await database.read(work)
    }

    /// Records that the urging run of `day` urged `deadline`; false when a run that day
    /// already did (nothing is written then).
    public static func recordUrging(_ db: Database, itemID: String, deadline: DueDeadline, day: CivilDate) throws -> Bool {
        try db.execute(
            sql: "INSERT OR IGNORE INTO item_urgings (item_id, deadline, unit, day, urgency) VALUES (?, ?, ?, ?, ?)",
            arguments: [itemID, deadline.deadline.code, deadline.deadline.unit, day.description, deadline.urgency.rawValue])
        return db.changesCount > 0
    }

    private static func save(_ item: Item, _ db: Database) throws {
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

    /// Items owing a deadline (UrgingPlan) that falls by `horizon`: an answer, a co-handling
    /// unit's opinion or a publication. Each part of the query has its own index (proposals-009).
    public func itemsOwing(dueBy horizon: CivilDate) async throws -> [Item] {
        // Lead items reported but not yet replied still owe their reply.
        let answering = ItemWorkflow.open.map(\.rawValue) + [ItemState.reported.rawValue]
        let open = ItemWorkflow.open.map(\.rawValue)
        let answeringMarks = answering.map { _ in "?" }.joined(separator: ",")
        let openMarks = open.map { _ in "?" }.joined(separator: ",")
        return try await database.read { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM items WHERE state IN (\(answeringMarks)) AND answer_due <= ?
                UNION
                SELECT u.item_id FROM item_units u JOIN items i ON i.id = u.item_id
                 WHERE u.opinion_on IS NULL AND u.opinion_due <= ? AND u.role = 'co_handling' AND i.state IN (\(openMarks))
                UNION
                SELECT id FROM items WHERE state IN ('replied', 'implementing') AND publication_due <= ?
                ORDER BY 1
                """, arguments: StatementArguments(answering + [horizon.description, horizon.description] + open + [horizon.description]))
            return try ids.map { try Self.load(db, id: $0) }
        }
    }

    /// Topic codes in use in the stored items (read from the report counts, which are small).
    public func topicsInUse() async throws -> Set<String> {
        try await database.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT topic FROM report_counts WHERE n > 0")) }
    }

    /// The annual report for `year` as it stands on `asOf`, compared with the year before,
    /// both read in one snapshot (a change committed meanwhile is in both years' figures or
    /// in neither).
    public func annualReport(year: Int, asOf: CivilDate) async throws -> AnnualReport {
        try await database.read { db in
            func report(_ year: Int, previous: AnnualReport?) throws -> AnnualReport {
                AnnualReport(
                    year: year, groups: try Self.reportGroups(db, year: year), keySupervisedUnits: try Self.keySupervisedUnits(db, year: year),
                    overdueUnanswered: try Self.overdueUnanswered(db, year: year, asOf: asOf), previous: previous)
            }
            return try report(year, previous: try report(year - 1, previous: nil))
        }
    }

    /// Handled items of `year` whose answer was due before `asOf` and is not out: open, or a
    /// 主办 item reported upward and not yet replied (参阅 items have no due date). Read from
    /// the partial index of those items alone (proposals-012).
    static func overdueUnanswered(_ db: Database, year: Int, asOf: CivilDate) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items WHERE year = ? AND answer_due < ? AND \(ProposalsSchema.awaitingAnswer)",
                         arguments: [year, asOf.description]) ?? 0
    }

    /// The year's items grouped by every dimension the annual report counts, read from the
    /// counts the triggers keep (migration proposals-004).
    public func reportGroups(year: Int) async throws -> [ReportGroup] {
        try await database.read { db in try Self.reportGroups(db, year: year) }
    }

    static func reportGroups(_ db: Database, year: Int) throws -> [ReportGroup] {
        try Row.fetchAll(db, sql: """
            SELECT kind,
                   -- a returned item was never this bureau's to handle: totals only
                   CASE WHEN state = 'returned' THEN NULL ELSE nullif(role, '') END AS role,
                   topic, key_supervised,
                   -- answered: a lead item replied; a co-handling item's opinion reported
                   CASE WHEN role IN ('lead_sole', 'lead_split') THEN state IN ('replied', 'implementing', 'published')
                        ELSE state = 'reported' END AS answered,
                   answered_on_time, met_face_to_face, nullif(result, '') AS result, nullif(adoption, '') AS adoption,
                   nullif(satisfaction, '') AS satisfaction, state = 'returned' AS returned,
                   state = 'published' AS published, published_on_time, n
            FROM report_counts WHERE year = ? AND n > 0
            """, arguments: [year]).compactMap { row in
            guard let kind = ItemKind(rawValue: row["kind"]) else { return nil }
            return ReportGroup(
                kind: kind, role: (row["role"] as String?).flatMap(HandlingRole.init(rawValue:)), topic: row["topic"],
                keySupervised: row["key_supervised"], answered: row["answered"], answeredOnTime: row["answered_on_time"],
                metFaceToFace: row["met_face_to_face"], result: (row["result"] as String?).flatMap(ReplyResult.init(rawValue:)),
                adoption: (row["adoption"] as String?).flatMap(Adoption.init(rawValue:)),
                satisfaction: (row["satisfaction"] as String?).flatMap(Satisfaction.init(rawValue:)), returned: row["returned"],
                published: row["published"], publishedOnTime: row["published_on_time"], count: row["n"])
        }
    }
}
