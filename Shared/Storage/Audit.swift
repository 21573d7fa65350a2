import Foundation
import GRDB

/// The audit trail (全过程记录): every state change records who did it, when, what and
/// why, in the same transaction as the change itself, so neither exists without the other.
public struct AuditEntry: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "audit_log"

    public var id: Int64?
    public var at: String
    public var actor: String
    public var action: String
    public var entity: String
    public var entityID: String
    public var reason: String
    public var detail: String
    public var requestID: String

    enum CodingKeys: String, CodingKey {
        case id, at, actor, action, entity, reason, detail
        case entityID = "entity_id"
        case requestID = "request_id"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Who acts and under which request: what every audit row records of the caller.
public struct AuditActor: Sendable, Equatable {
    /// The key id as the gateway vouched for it, or a system actor ("system:daily-urging").
    public var id: String
    /// The call's request id, to find its log lines.
    public var requestID: String

    public init(id: String, requestID: String = "") {
        self.id = id
        self.requestID = requestID
    }

    /// A job the service runs on its own.
    public static func system(_ job: String) -> AuditActor { AuditActor(id: "system:\(job)") }
}

public enum Audit {
    /// Appends one audit row for `actor`. Call inside the write transaction that makes the change.
    @discardableResult
    public static func record(
        _ db: Database, by actor: AuditActor, action: String, entity: String, entityID: String,
        reason: String = "", detail: String = "", at: Date = Date()
    ) throws -> AuditEntry {
        try record(db, actor: actor.id, action: action, entity: entity, entityID: entityID, reason: reason, detail: detail, requestID: actor.requestID, at: at)
    }

    /// Appends one audit row. Call inside the write transaction that makes the change.
    @discardableResult
    public static func record(
        _ db: Database, actor: String, action: String, entity: String, entityID: String,
        reason: String = "", detail: String = "", requestID: String = "", at: Date = Date()
    ) throws -> AuditEntry {
        var entry = AuditEntry(
            id: nil, at: StorageTime.string(at), actor: actor, action: action, entity: entity,
            entityID: entityID, reason: reason, detail: detail, requestID: requestID)
        // A cached statement: every write records a row, and compiling the insert each time
        // (as the record API does) cost more than the insert.
        try db.cachedStatement(
            sql: "INSERT INTO audit_log (at, actor, action, entity, entity_id, reason, detail, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [entry.at, actor, action, entity, entityID, reason, detail, requestID])
        entry.id = db.lastInsertedRowID
        return entry
    }

    /// The trail of one entity, oldest first.
    public static func trail(_ db: Database, entity: String, entityID: String) throws -> [AuditEntry] {
        try AuditEntry
            .filter(Column("entity") == entity && Column("entity_id") == entityID)
            .order(Column("id"))
            .fetchAll(db)
    }
}
