import CivicDomain
import Foundation
import GRDB

/// A message to another service (docs/FLOWS.md), written to the producer's `outbox` in the same
/// transaction as the change that causes it, then delivered by a dispatcher until the receiver
/// answers OK (at least once), or refuses it (DEAD, held for an operator).
public struct OutboundMessage: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case notification, correction, retraction
    }

    public enum State: String, Sendable, CaseIterable {
        case pending, delivered, dead, discarded
    }

    /// The outbox's own order (creation).
    public var seq: Int64
    public var messageID: String
    /// The receiving service ("enforcement").
    public var destination: String
    /// The payload's full message name ("civic.flows.v1.FindingReferred").
    public var type: String
    public var aggregate: String
    /// 1, 2, 3… per destination and aggregate.
    public var sequence: Int64
    public var kind: Kind
    /// The business key: one message per destination and key.
    public var idempotencyKey: String
    /// RFC 3339 UTC (StorageTime).
    public var occurredAt: String
    /// Seconds since 1970 (the same instant as `occurredAt`, for ages).
    public var createdAt: Double
    public var schemaVersion: Int
    public var payload: Data
    public var state: State
    public var attempts: Int
    /// Seconds since 1970: not tried before.
    public var nextAttemptAt: Double
    public var lastError: String?
    public var deliveredAt: String?
    /// The receiver's receipt ("lead L000003").
    public var result: String?

    init(row: Row) throws {
        guard let kind = Kind(rawValue: row["kind"]), let state = State(rawValue: row["state"]) else {
            throw OutboxError("outbox row \(row["seq"] as Int64? ?? 0) has an unknown kind or state")
        }
        seq = row["seq"]
        messageID = row["message_id"]
        destination = row["destination"]
        type = row["type"]
        aggregate = row["aggregate"]
        sequence = row["sequence"]
        self.kind = kind
        idempotencyKey = row["idempotency_key"]
        occurredAt = row["occurred_at"]
        createdAt = row["created_at"]
        schemaVersion = row["schema_version"]
        payload = row["payload"]
        self.state = state
        attempts = row["attempts"]
        nextAttemptAt = row["next_attempt_at"]
        lastError = row["last_error"]
        deliveredAt = row["delivered_at"]
        result = row["result"]
    }
}

public struct OutboxError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The producer's side: every SQL statement on `outbox`.
public enum Outbox {
    /// Queues a message for `destination` inside the transaction that makes the change; the next
    /// sequence of its aggregate is taken here. A message with a business key already queued for
    /// the destination is not queued again: the earlier one is answered.
    @discardableResult
    public static func enqueue(
        _ db: Database, destination: String, type: String, aggregate: String, kind: OutboundMessage.Kind = .notification, idempotencyKey: String,
        payload: Data, schemaVersion: Int = 1, now: Date = Date()
    ) throws -> OutboundMessage {
        if let existing = try Row.fetchOne(
            db, sql: "SELECT * FROM outbox WHERE destination = ? AND idempotency_key = ?", arguments: [destination, idempotencyKey])
        {
            return try OutboundMessage(row: existing)
        }
        let sequence =
            (try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM outbox WHERE destination = ? AND aggregate = ?", arguments: [destination, aggregate])
                ?? 0) + 1
        try db.execute(
            sql: """
                INSERT INTO outbox (message_id, destination, type, aggregate, sequence, kind, idempotency_key, occurred_at, created_at,
                    schema_version, payload, state, attempts, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)
                """,
            arguments: [
                UUID().uuidString.lowercased(), destination, type, aggregate, sequence, kind.rawValue, idempotencyKey, StorageTime.string(now),
                now.timeIntervalSince1970, schemaVersion, payload, now.timeIntervalSince1970,
            ])
        return try OutboundMessage(row: Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE seq = ?", arguments: [db.lastInsertedRowID])!)
    }

    /// The messages a dispatcher may send now, the oldest first: PENDING and due, and the first
    /// undelivered message of their aggregate (behind a PENDING or DEAD one, a message waits).
    /// Destinations in `resting` (backing off after a transport failure) are left out.
    public static func due(_ db: Database, now: Date, limit: Int, resting: Set<String> = []) throws -> [OutboundMessage] {
        let skipped = resting.sorted()
        let notResting = skipped.isEmpty ? "" : "AND o.destination NOT IN (\(skipped.map { _ in "?" }.joined(separator: ", ")))"
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT o.* FROM outbox o
                WHERE o.state = 'pending' AND o.next_attempt_at <= ? \(notResting)
                  AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.destination = o.destination AND e.aggregate = o.aggregate
                                  AND e.seq < o.seq AND e.state IN ('pending', 'dead'))
                ORDER BY o.seq LIMIT ?
                """, arguments: StatementArguments([now.timeIntervalSince1970] + skipped + [limit]))
        return try rows.map(OutboundMessage.init(row:))
    }

    /// Whether a message with `idempotencyKey` was ever queued for `destination`.
    public static func contains(_ db: Database, destination: String, idempotencyKey: String) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM outbox WHERE destination = ? AND idempotency_key = ?", arguments: [destination, idempotencyKey]) != nil
    }

    public static func markDelivered(_ db: Database, seq: Int64, result: String, now: Date) throws {
        try db.execute(
            sql: "UPDATE outbox SET state = 'delivered', delivered_at = ?, result = ?, last_error = NULL WHERE seq = ? AND state = 'pending'",
            arguments: [StorageTime.string(now), result, seq])
    }

    /// A transient failure: tried again after `retryAfter` seconds.
    public static func markRetry(_ db: Database, seq: Int64, error: String, retryAfter: Double, now: Date) throws {
        try db.execute(
            sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE seq = ? AND state = 'pending'",
            arguments: [error, now.timeIntervalSince1970 + retryAfter, seq])
    }

    /// Refused by the receiver: DEAD with the reason, holding its aggregate's later messages.
    public static func markDead(_ db: Database, seq: Int64, error: String) throws {
        try db.execute(
            sql: "UPDATE outbox SET state = 'dead', attempts = attempts + 1, last_error = ? WHERE seq = ? AND state = 'pending'", arguments: [error, seq])
    }

    public static func message(_ db: Database, id: String) throws -> OutboundMessage? {
        try Row.fetchOne(db, sql: "SELECT * FROM outbox WHERE message_id = ?", arguments: [id]).map(OutboundMessage.init(row:))
    }

    /// Messages, the oldest first, in one state or all.
    public static func list(_ db: Database, state: OutboundMessage.State?, limit: Int) throws -> [OutboundMessage] {
        let filter = state == nil ? "" : "WHERE state = ?"
        let arguments: StatementArguments = state.map { [$0.rawValue, limit] } ?? [limit]
        return try Row.fetchAll(db, sql: "SELECT * FROM outbox \(filter) ORDER BY seq LIMIT ?", arguments: arguments).map(OutboundMessage.init(row:))
    }

    /// A DEAD or DISCARDED message made PENDING again, due now. FAILED_PRECONDITION otherwise.
    public static func replay(_ db: Database, id: String, now: Date) throws -> OutboundMessage {
        guard let message = try message(db, id: id) else { throw DomainError.notFound("no outbox message \(id)") }
        guard message.state == .dead || message.state == .discarded else {
            throw DomainError(
                .failedPrecondition, "message \(id) is \(message.state.rawValue.uppercased())",
                problems: [FieldProblem(field: "message_id", reason: "INVALID_STATE", description: "only a DEAD or DISCARDED message is replayed")])
        }
        try db.execute(sql: "UPDATE outbox SET state = 'pending', next_attempt_at = ? WHERE seq = ?", arguments: [now.timeIntervalSince1970, message.seq])
        return try self.message(db, id: id)!
    }

    /// A DEAD message given up: its aggregate's later messages go on.
    public static func discard(_ db: Database, id: String, reason: String) throws -> OutboundMessage {
        guard let message = try message(db, id: id) else { throw DomainError.notFound("no outbox message \(id)") }
        guard message.state == .dead else {
            throw DomainError(
                .failedPrecondition, "message \(id) is \(message.state.rawValue.uppercased())",
                problems: [FieldProblem(field: "message_id", reason: "INVALID_STATE", description: "only a DEAD message is discarded")])
        }
        try db.execute(
            sql: "UPDATE outbox SET state = 'discarded', last_error = ? WHERE seq = ?",
            arguments: [(message.lastError ?? "") + "; discarded: " + reason, message.seq])
        return try self.message(db, id: id)!
    }

    /// Per destination and type: how many messages are in each state, the oldest pending one's
    /// creation and the last error of a pending one.
    public struct Figures: Sendable, Equatable {
        public var destination: String
        public var type: String
        public var counts: [OutboundMessage.State: Int]
        /// Seconds since 1970 of the oldest pending message's creation (nil when none pends).
        public var oldestPendingSince: Double?
        public var lastError: String?
    }

    public static func figures(_ db: Database) throws -> [Figures] {
        // One pass: per flow and state the count; the oldest pending creation and the newest
        // pending error ride on the pending group's row.
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT destination, type, state, COUNT(*) AS n, MIN(created_at) AS oldest,
                       (SELECT last_error FROM outbox e WHERE e.destination = o.destination AND e.type = o.type AND e.state = 'pending'
                          AND e.last_error IS NOT NULL ORDER BY e.seq DESC LIMIT 1) AS error
                FROM outbox o GROUP BY destination, type, state ORDER BY destination, type
                """)
        var found: [Figures] = []
        for row in rows {
            let (destination, type): (String, String) = (row["destination"], row["type"])
            if found.last.map({ $0.destination != destination || $0.type != type }) ?? true {
                found.append(Figures(destination: destination, type: type, counts: [:]))
            }
            guard let state = OutboundMessage.State(rawValue: row["state"]) else { continue }
            found[found.count - 1].counts[state] = row["n"]
            if state == .pending {
                found[found.count - 1].oldestPendingSince = row["oldest"]
                found[found.count - 1].lastError = row["error"]
            }
        }
        return found
    }
}

extension Outbox {
    /// Messages not delivered, per destination, type and state (PENDING or DEAD): how many, the
    /// oldest one's creation (seconds since 1970) and the newest error. Read through the partial
    /// indexes only, so it stays cheap however long the delivered history grows.
    public struct Waiting: Sendable, Equatable {
        public var destination: String
        public var type: String
        public var state: OutboundMessage.State
        public var count: Int
        public var oldestSince: Double
        public var lastError: String?
    }

    public static func waiting(_ db: Database) throws -> [Waiting] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT destination, type, state, COUNT(*) AS n, MIN(created_at) AS oldest, MAX(last_error) AS error
                FROM outbox WHERE state IN ('pending', 'dead') GROUP BY destination, type, state ORDER BY destination, type, state
                """
        ).compactMap { row in
            guard let state = OutboundMessage.State(rawValue: row["state"]) else { return nil }
            return Waiting(
                destination: row["destination"], type: row["type"], state: state, count: row["n"], oldestSince: row["oldest"], lastError: row["error"])
        }
    }
}

/// The receiver's side: every message applied is remembered by its id and its producer's business
/// key, and the highest sequence applied per producer and aggregate, in the transaction that
/// applies it — so a retry, a re-send under a new id and a late older message are all no-ops.
public enum Inbox {
    public struct Incoming: Sendable {
        public var messageID: String
        public var producer: String
        public var idempotencyKey: String
        public var type: String
        public var aggregate: String
        public var sequence: Int64

        public init(messageID: String, producer: String, idempotencyKey: String, type: String, aggregate: String, sequence: Int64) {
            self.messageID = messageID
            self.producer = producer
            self.idempotencyKey = idempotencyKey
            self.type = type
            self.aggregate = aggregate
            self.sequence = sequence
        }
    }

    /// What happened to a message before: applied (with its result), or nothing.
    public enum Earlier: Sendable, Equatable {
        /// The same message id or business key was applied: its result.
        case applied(result: String)
        /// A later message of the aggregate was applied already: this one is stale.
        case superseded(bySequence: Int64)
    }

    /// Whether `message` is a repeat, checked inside the applying transaction.
    public static func earlier(_ db: Database, _ message: Incoming) throws -> Earlier? {
        if let result = try String.fetchOne(
            db, sql: "SELECT result FROM inbox WHERE message_id = ? OR (producer = ? AND idempotency_key = ?)",
            arguments: [message.messageID, message.producer, message.idempotencyKey])
        {
            return .applied(result: result)
        }
        if let last = try Int64.fetchOne(
            db, sql: "SELECT sequence FROM inbox_aggregates WHERE producer = ? AND aggregate = ?", arguments: [message.producer, message.aggregate]),
            last >= message.sequence
        {
            return .superseded(bySequence: last)
        }
        return nil
    }

    /// Records `message` as applied with `result`, in the transaction that applied it.
    public static func record(_ db: Database, _ message: Incoming, result: String, now: Date = Date()) throws {
        try db.execute(
            sql: """
                INSERT INTO inbox (message_id, producer, idempotency_key, type, aggregate, sequence, applied_at, result)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                message.messageID, message.producer, message.idempotencyKey, message.type, message.aggregate, message.sequence, StorageTime.string(now),
                result,
            ])
        try db.execute(
            sql: """
                INSERT INTO inbox_aggregates (producer, aggregate, sequence) VALUES (?, ?, ?)
                ON CONFLICT (producer, aggregate) DO UPDATE SET sequence = MAX(sequence, excluded.sequence)
                """, arguments: [message.producer, message.aggregate, message.sequence])
    }

    /// Messages applied here, per producer and type.
    public static func figures(_ db: Database) throws -> [(producer: String, type: String, applied: Int)] {
        try Row.fetchAll(db, sql: "SELECT producer, type, COUNT(*) AS n FROM inbox GROUP BY producer, type ORDER BY producer, type").map {
            ($0["producer"], $0["type"], $0["n"])
        }
    }
}
