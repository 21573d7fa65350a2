import CivicStorage
import Foundation
import GRDB
import NIOConcurrencyHelpers
import Testing

func temporaryDatabasePath() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("civic-storage-\(UUID().uuidString)")
    return folder.appendingPathComponent("test.sqlite").path
}

let widgetMigrations = [
    DatabaseMigration("widgets-001") { db in
        try db.create(table: "widget") { t in
            t.primaryKey("id", .text)
            t.column("name", .text).notNull()
        }
    }
]

@Suite("Database setup")
struct DatabaseTests {
    @Test func opensInWALWithFullSyncAndRunsSharedThenOwnMigrations() throws {
        let path = temporaryDatabasePath()
        let pool = try CivicDatabase.open(path: path, migrations: widgetMigrations)
        try pool.read { db in
            #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
            #expect(try Int.fetchOne(db, sql: "PRAGMA synchronous") == 2)  // FULL
            #expect(try Int.fetchOne(db, sql: "PRAGMA foreign_keys") == 1)
            for table in ["audit_log", "outbox", "inbox", "job_runs", "calendar_years", "widget"] {
                #expect(try db.tableExists(table), "missing table \(table)")
            }
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            #expect(applied == ["civic-001-audit-log", "civic-002-outbox", "civic-003-inbox", "civic-004-job-runs", "civic-005-calendar-years", "widgets-001"])
        }
    }

    @Test func newDatabasesAreReadableOnlyByTheirOwner() throws {
        let path = temporaryDatabasePath()
        let pool = try CivicDatabase.open(path: path, migrations: widgetMigrations)
        try pool.write { db in try db.execute(sql: "INSERT INTO widget (id, name) VALUES ('w', 'x')") }
        func mode(_ file: String) throws -> Int? { try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int }
        #expect(try mode(path) == 0o600)
        #expect(try mode(path + "-wal") == 0o600)
        #expect(try mode((path as NSString).deletingLastPathComponent) == 0o700)
    }

    @Test func reopeningKeepsDataAndAppliesOnlyNewMigrations() throws {
        let path = temporaryDatabasePath()
        do {
            let pool = try CivicDatabase.open(path: path, migrations: widgetMigrations)
            try pool.write { db in try db.execute(sql: "INSERT INTO widget (id, name) VALUES ('w1', 'kept')") }
            try pool.close()
        }
        let more =
            widgetMigrations + [
                DatabaseMigration("widgets-002-colour") { db in
                    try db.alter(table: "widget") { t in t.add(column: "colour", .text).notNull().defaults(to: "red") }
                }
            ]
        let pool = try CivicDatabase.open(path: path, migrations: more)
        let row = try pool.read { db in try String.fetchOne(db, sql: "SELECT name || ':' || colour FROM widget WHERE id = 'w1'") }
        #expect(row == "kept:red")
    }
}

@Suite("Audit trail")
struct AuditTests {
    @Test func auditRowsCommitAndRollBackWithTheChange() throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        try pool.write { db in
            try db.execute(sql: "INSERT INTO widget (id, name) VALUES ('w1', 'a')")
            try Audit.record(db, actor: "staff-1", action: "create", entity: "widget", entityID: "w1", reason: "new", requestID: "r1")
        }
        // A failed change leaves no audit row behind.
        #expect(throws: DatabaseError.self) {
            try pool.write { db in
                try Audit.record(db, actor: "staff-1", action: "create", entity: "widget", entityID: "w1", reason: "again")
                try db.execute(sql: "INSERT INTO widget (id, name) VALUES ('w1', 'duplicate')")
            }
        }
        let trail = try pool.read { db in try Audit.trail(db, entity: "widget", entityID: "w1") }
        #expect(trail.count == 1)
        #expect(trail.first?.actor == "staff-1")
        #expect(trail.first?.action == "create")
        #expect(trail.first?.reason == "new")
        #expect(trail.first?.requestID == "r1")
        #expect(trail.first?.at.hasSuffix("Z") == true)
    }
}

/// A receiver that fails a set number of times, then records what it got.
final class FlakyReceiver: Sendable {
    private let state: NIOLockedValueBox<(failuresLeft: Int, received: [String])>
    init(failures: Int) { state = NIOLockedValueBox((failures, [])) }

    func receive(_ message: OutboxMessage) throws {
        try state.withLockedValue { s in
            if s.failuresLeft > 0 {
                s.failuresLeft -= 1
                throw ReceiverDown()
            }
            s.received.append(message.idempotencyKey)
        }
    }
    var received: [String] { state.withLockedValue { $0.received } }
}

struct ReceiverDown: Error, CustomStringConvertible {
    var description: String { "UNAVAILABLE: receiver is down" }
}

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let box = NIOLockedValueBox(Date(timeIntervalSince1970: 1_700_000_000))
    var now: Date { box.withLockedValue { $0 } }
    func advance(_ seconds: Double) { box.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite("Outbox and inbox")
struct OutboxTests {
    @Test func messagesSurviveReceiverDowntimeAndAreDeliveredOnceInOrder() async throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        let clock = TestClock()
        try await pool.write { db in
            try db.execute(sql: "INSERT INTO widget (id, name) VALUES ('w1', 'a')")
            try Outbox.enqueue(db, method: "/civic.enforcement.v1.EnforcementService/OpenCase", payload: Data([1]), idempotencyKey: "k1", now: clock.now)
            try Outbox.enqueue(db, method: "/civic.enforcement.v1.EnforcementService/OpenCase", payload: Data([2]), idempotencyKey: "k2", now: clock.now)
        }
        let receiver = FlakyReceiver(failures: 1)
        var dispatcher = OutboxDispatcher(database: pool) { message in try receiver.receive(message) }
        dispatcher.initialBackoff = 10

        // First pass: k1 fails (receiver down) and backs off; k2 waits behind it.
        #expect(try await dispatcher.deliverDue(now: { clock.now }) == 0)
        #expect(receiver.received == [])
        var pending = try await pool.read { db in try Outbox.pending(db) }
        #expect(pending.map(\.idempotencyKey) == ["k1", "k2"])
        #expect(pending.first?.attempts == 1)
        #expect(pending.first?.lastError == "UNAVAILABLE: receiver is down")
        #expect(pending.first?.nextAttemptAt == clock.now.timeIntervalSince1970 + 10)

        // Not due yet: nothing is sent.
        clock.advance(5)
        #expect(try await dispatcher.deliverDue(now: { clock.now }) == 0)
        // Due: both delivered in order, and never again.
        clock.advance(5)
        #expect(try await dispatcher.deliverDue(now: { clock.now }) == 2)
        #expect(try await dispatcher.deliverDue(now: { clock.now }) == 0)
        #expect(receiver.received == ["k1", "k2"])
        pending = try await pool.read { db in try Outbox.pending(db) }
        #expect(pending.isEmpty)
    }

    @Test func anOutboxMessageIsOnlyWrittenWithItsChange() throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        #expect(throws: (any Error).self) {
            try pool.write { db in
                try Outbox.enqueue(db, method: "/x.Y/Z", payload: Data(), idempotencyKey: "k1")
                throw ReceiverDown()  // the change fails
            }
        }
        #expect(try pool.read { db in try Outbox.pending(db) }.isEmpty)
        // Keys are unique: the same message can't be queued twice.
        try pool.write { db in try Outbox.enqueue(db, method: "/x.Y/Z", payload: Data(), idempotencyKey: "k1") }
        #expect(throws: DatabaseError.self) {
            try pool.write { db in try Outbox.enqueue(db, method: "/x.Y/Z", payload: Data(), idempotencyKey: "k1") }
        }
    }

    @Test func inboxAppliesAKeyOnlyOnce() throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        let first = try pool.write { db in try Inbox.markApplied(db, key: "k1", method: "/x.Y/Z") }
        let again = try pool.write { db in try Inbox.markApplied(db, key: "k1", method: "/x.Y/Z") }
        let other = try pool.write { db in try Inbox.markApplied(db, key: "k2", method: "/x.Y/Z") }
        #expect(first == true)
        #expect(again == false)
        #expect(other == true)
    }
}

@Suite("Paging")
struct PagingTests {
    @Test func tokensRoundTripAndForeignTokensAreRejected() throws {
        #expect(try Paging.offset(fromToken: "") == 0)
        #expect(try Paging.offset(fromToken: Paging.token(offset: 150)) == 150)
        #expect(throws: PagingError.badToken) { try Paging.offset(fromToken: "bm9wZQ==") }  // "nope"
        #expect(throws: PagingError.badToken) { try Paging.offset(fromToken: "%%%") }
        #expect(throws: PagingError.badToken) { try Paging.offset(fromToken: Data("o:-5".utf8).base64EncodedString()) }
    }

    @Test func pageSizesDefaultAndClamp() throws {
        #expect(try Paging.pageSize(0) == 50)
        #expect(try Paging.pageSize(10) == 10)
        #expect(try Paging.pageSize(10_000) == 200)
        #expect(throws: PagingError.negativePageSize) { try Paging.pageSize(-1) }
    }
}
