import Foundation
import GRDB
import Logging

/// A message to another service, written in the same transaction as the change that
/// causes it, and delivered later by an `OutboxDispatcher`. Nothing is lost when the
/// receiver is down; the receiver deduplicates by `idempotencyKey` (see `Inbox`).
public struct OutboxMessage: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "outbox"

    public var id: Int64?
    public var createdAt: String
    /// The RPC method to call, "/pkg.Service/Method".
    public var method: String
    public var payload: Data
    public var idempotencyKey: String
    public var attempts: Int
    /// Seconds since 1970; the dispatcher does not try before.
    public var nextAttemptAt: Double
    public var lastError: String?
    public var deliveredAt: String?

    enum CodingKeys: String, CodingKey {
        case id, method, payload, attempts
        case createdAt = "created_at"
        case idempotencyKey = "idempotency_key"
        case nextAttemptAt = "next_attempt_at"
        case lastError = "last_error"
        case deliveredAt = "delivered_at"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public enum Outbox {
    /// Queues a message. Call inside the write transaction that makes the change.
    @discardableResult
    public static func enqueue(_ db: Database, method: String, payload: Data, idempotencyKey: String, now: Date = Date()) throws -> OutboxMessage {
        var message = OutboxMessage(
            id: nil, createdAt: StorageTime.string(now), method: method, payload: payload,
            idempotencyKey: idempotencyKey, attempts: 0, nextAttemptAt: now.timeIntervalSince1970,
            lastError: nil, deliveredAt: nil)
        try message.insert(db)
        return message
    }

    public static func pending(_ db: Database) throws -> [OutboxMessage] {
        try OutboxMessage.filter(Column("delivered_at") == nil).order(Column("id")).fetchAll(db)
    }
}

/// Delivers queued outbox messages strictly in order of creation, retrying failures with
/// exponential backoff. A message is marked delivered only after the receiver said OK; a
/// failed message holds back the ones behind it, so a receiver never sees them reordered.
public struct OutboxDispatcher: Sendable {
    public typealias Send = @Sendable (OutboxMessage) async throws -> Void

    public let database: any DatabaseWriter
    public let send: Send
    public var batchSize = 100
    public var initialBackoff: Double = 1
    public var maxBackoff: Double = 300
    public var pollInterval: Duration = .milliseconds(500)
    public var logger = Logger(label: "civic.outbox")

    public init(database: any DatabaseWriter, send: @escaping Send) {
        self.database = database
        self.send = send
    }

    /// One pass over the messages that are due. Returns how many were delivered.
    @discardableResult
    public func deliverDue(now: @Sendable () -> Date = Date.init) async throws -> Int {
        let due = try await database.read { [batchSize] db in
            // The oldest undelivered messages; if the oldest is not yet due, nothing is.
            try OutboxMessage
                .filter(Column("delivered_at") == nil)
                .order(Column("id"))
                .limit(batchSize)
                .fetchAll(db)
        }
        var delivered = 0
        for var message in due {
            if message.nextAttemptAt > now().timeIntervalSince1970 { break }  // backing off
            var failed = false
            do {
                try await send(message)
                message.deliveredAt = StorageTime.string(now())
                message.lastError = nil
                delivered += 1
            } catch {
                message.attempts += 1
                let delay = min(maxBackoff, initialBackoff * pow(2, Double(message.attempts - 1)))
                message.nextAttemptAt = now().timeIntervalSince1970 + delay
                message.lastError = "\(error)"
                failed = true
                logger.warning(
                    "outbox delivery failed",
                    metadata: [
                        "method": "\(message.method)", "key": "\(message.idempotencyKey)",
                        "attempts": "\(message.attempts)", "error": "\(error)",
                    ])
            }
            let updated = message
            try await database.write { db in try updated.update(db) }
            if failed { break }
        }
        return delivered
    }

    /// Delivers until cancelled.
    public func run() async {
        while !Task.isCancelled {
            let delivered = (try? await deliverDue()) ?? 0
            if delivered == 0 { try? await Task.sleep(for: pollInterval) }
        }
    }
}

/// The receiving side of the outbox: remembers which idempotency keys were applied.
public enum Inbox {
    /// Records `key` as applied; returns false when it already was (the caller then skips
    /// the change). Call inside the write transaction that applies the message.
    public static func markApplied(_ db: Database, key: String, method: String, now: Date = Date()) throws -> Bool {
        try db.execute(
            sql: "INSERT OR IGNORE INTO inbox (idempotency_key, method, received_at) VALUES (?, ?, ?)",
            arguments: [key, method, StorageTime.string(now)])
        return db.changesCount == 1
    }
}
