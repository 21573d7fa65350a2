import CivicDomain
import Foundation
import GRDB
import Logging

/// One named schema step of a service's database. Migrations are append-only: once
/// released, a migration is never edited or reordered; a change is a new migration.
public struct DatabaseMigration: Sendable {
    public let name: String
    public let migrate: @Sendable (Database) throws -> Void

    public init(_ name: String, _ migrate: @escaping @Sendable (Database) throws -> Void) {
        self.name = name
        self.migrate = migrate
    }
}

/// Opens a service's SQLite database: a GRDB `DatabasePool` in WAL mode, foreign keys on,
/// `synchronous=FULL` (a commit survives power loss, not only a process crash), then runs
/// the shared migrations (audit trail, outbox, inbox) followed by the service's own.
public enum CivicDatabase {
    /// The migrations every service database has, before its own.
    public static let sharedMigrations: [DatabaseMigration] = [
        DatabaseMigration("civic-001-audit-log") { db in
            try db.create(table: "audit_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .text).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("entity", .text).notNull()
                t.column("entity_id", .text).notNull()
                t.column("reason", .text).notNull().defaults(to: "")
                t.column("detail", .text).notNull().defaults(to: "")
                t.column("request_id", .text).notNull().defaults(to: "")
            }
            try db.create(index: "audit_log_entity", on: "audit_log", columns: ["entity", "entity_id"])
        },
        DatabaseMigration("civic-002-outbox") { db in
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("created_at", .text).notNull()
                t.column("method", .text).notNull()
                t.column("payload", .blob).notNull()
                t.column("idempotency_key", .text).notNull().unique()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .double).notNull()
                t.column("last_error", .text)
                t.column("delivered_at", .text)
            }
            try db.create(index: "outbox_pending", on: "outbox", columns: ["delivered_at", "next_attempt_at"])
        },
        DatabaseMigration("civic-003-inbox") { db in
            try db.create(table: "inbox") { t in
                t.primaryKey("idempotency_key", .text)
                t.column("method", .text).notNull()
                t.column("received_at", .text).notNull()
            }
        },
        // Scheduled jobs (DailyJob): one row per job and day it ran, so a restart neither
        // runs a day twice nor skips it.
        DatabaseMigration("civic-004-job-runs") { db in
            try db.create(table: "job_runs") { t in
                t.column("job", .text).notNull()
                t.column("day", .text).notNull()
                t.column("outcome", .text).notNull().defaults(to: "")
                t.column("finished_at", .text).notNull()
                t.primaryKey(["job", "day"])
            }
        },
        // The years the service has counted its deadlines with an official holiday notice
        // (CalendarYears): a year that becomes official (a notice loaded) is recalculated
        // once, at the next start.
        DatabaseMigration("civic-005-calendar-years") { db in
            try db.create(table: "calendar_years") { t in
                t.primaryKey("year", .integer)
                t.column("recorded_at", .text).notNull()
                t.column("outcome", .text).notNull().defaults(to: "")
            }
        },
        // The flows between the services (docs/FLOWS.md). civic-002's outbox and civic-003's inbox
        // were never written by a service: replaced by the envelope's columns, a state (DEAD held
        // for an operator), delivery per aggregate, and an inbox keyed by message id, business key
        // and per-aggregate sequence.
        DatabaseMigration("civic-006-flows") { db in
            try db.drop(table: "outbox")
            try db.drop(table: "inbox")
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("message_id", .text).notNull().unique()
                t.column("destination", .text).notNull()
                t.column("type", .text).notNull()
                t.column("aggregate", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("kind", .text).notNull()
                t.column("idempotency_key", .text).notNull()
                t.column("occurred_at", .text).notNull()
                t.column("created_at", .double).notNull()
                t.column("schema_version", .integer).notNull()
                t.column("payload", .blob).notNull()
                t.column("state", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("next_attempt_at", .double).notNull()
                t.column("last_error", .text)
                t.column("delivered_at", .text)
                t.column("result", .text)
                t.uniqueKey(["destination", "idempotency_key"])
                t.uniqueKey(["destination", "aggregate", "sequence"])
            }
            try db.execute(sql: "CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE state = 'pending'")
            try db.execute(sql: "CREATE INDEX outbox_waiting ON outbox (destination, aggregate, seq) WHERE state IN ('pending', 'dead')")
            try db.create(table: "inbox") { t in
                t.primaryKey("message_id", .text)
                t.column("producer", .text).notNull()
                t.column("idempotency_key", .text).notNull()
                t.column("type", .text).notNull()
                t.column("aggregate", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.column("applied_at", .text).notNull()
                t.column("result", .text).notNull()
                t.uniqueKey(["producer", "idempotency_key"])
            }
            try db.create(table: "inbox_aggregates") { t in
                t.column("producer", .text).notNull()
                t.column("aggregate", .text).notNull()
                t.column("sequence", .integer).notNull()
                t.primaryKey(["producer", "aggregate"])
            }
        },
    ]

    /// Opens (creating if needed) the database at `path` and migrates it.
    public static func open(path: String, migrations: [DatabaseMigration], logger: Logger? = nil) throws -> DatabasePool {
        // The databases hold personal data: only the service's own user may read them. SQLite
        // gives the -wal and -shm files the database file's permissions.
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrate(pool, migrations: migrations, logger: logger)
        return pool
    }

    /// A migrated database in memory, configured as `open` configures a file: for unit
    /// tests of stores and handlers (every service's parts take any `DatabaseWriter`).
    public static func inMemory(migrations: [DatabaseMigration]) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: configuration)
        try migrate(queue, migrations: migrations)
        return queue
    }

    /// Runs every migration not yet applied, in order, each in its own transaction.
    public static func migrate(_ writer: any DatabaseWriter, migrations: [DatabaseMigration], logger: Logger? = nil) throws {
        var migrator = DatabaseMigrator()
        for migration in sharedMigrations + migrations {
            migrator.registerMigration(migration.name, migrate: migration.migrate)
        }
        let applied = try writer.read { try migrator.appliedMigrations($0) }
        try migrator.migrate(writer)
        let new = (sharedMigrations + migrations).map(\.name).filter { !applied.contains($0) }
        if !new.isEmpty { logger?.info("migrated database", metadata: ["applied": "\(new.joined(separator: ","))"]) }
    }
}

/// Timestamps as stored: RFC 3339 in UTC with milliseconds, sortable as text.
public enum StorageTime {
    /// "2026-12-02T08:16:09.123Z": computed from the milliseconds since 1970 with integer
    /// arithmetic (every write stamps its audit row; Foundation's formatter cost more than the
    /// row's insert). StorageTimeTests checks it against `Date.ISO8601FormatStyle`.
    public static func string(_ date: Date) -> String {
        // Whole seconds, then the fraction truncated to milliseconds, as Foundation's style does.
        let interval = date.timeIntervalSince1970
        let seconds = interval.rounded(.down)
        let milliseconds = Int(seconds) * 1000 + Int(((interval - seconds) * 1000).rounded(.down))
        var days = milliseconds / 86_400_000
        var rest = milliseconds % 86_400_000
        if rest < 0 {
            rest += 86_400_000
            days -= 1
        }
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        }
        // The date part is CivicDomain's civil date from days since 1970-01-01.
        return "\(CivilDate(dayNumber: days))T\(padded(rest / 3_600_000, 2)):\(padded(rest / 60_000 % 60, 2)):\(padded(rest / 1000 % 60, 2))."
            + "\(padded(rest % 1000, 3))Z"
    }
}
