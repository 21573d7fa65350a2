import CivicDomain
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
            #expect(
                applied == [
                    "civic-001-audit-log", "civic-002-outbox", "civic-003-inbox", "civic-004-job-runs", "civic-005-calendar-years", "civic-006-flows",
                    "widgets-001",
                ])
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

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let box = NIOLockedValueBox(Date(timeIntervalSince1970: 1_700_000_000))
    var now: Date { box.withLockedValue { $0 } }
    func advance(_ seconds: Double) { box.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}

struct ChangeFailed: Error {}

@Suite("Outbox and inbox (docs/FLOWS.md)")
struct OutboxTests {
    static func queue(_ db: Database, _ destination: String, _ aggregate: String, _ key: String, now: Date = Date()) throws -> OutboundMessage {
        try Outbox.enqueue(
            db, destination: destination, type: "civic.flows.v1.FindingReferred", aggregate: aggregate, idempotencyKey: key, payload: Data(key.utf8), now: now)
    }

    @Test func aMessageIsQueuedOnlyWithItsChangeAndOncePerBusinessKey() throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        #expect(throws: ChangeFailed.self) {
            try pool.write { db in
                _ = try Self.queue(db, "enforcement", "finding:1", "k1")
                throw ChangeFailed()
            }
        }
        #expect(try pool.read { db in try Outbox.list(db, state: nil, limit: 10) }.isEmpty)
        let first = try pool.write { db in try Self.queue(db, "enforcement", "finding:1", "k1") }
        let again = try pool.write { db in try Self.queue(db, "enforcement", "finding:1", "k1") }
        let next = try pool.write { db in try Self.queue(db, "enforcement", "finding:1", "k2") }
        let elsewhere = try pool.write { db in try Self.queue(db, "organizations", "finding:1", "k1") }
        #expect(again.messageID == first.messageID)
        #expect((first.sequence, next.sequence, elsewhere.sequence) == (1, 2, 1))
        #expect((first.state, first.attempts, first.kind) == (.pending, 0, .notification))
        #expect(try pool.read { db in try Outbox.list(db, state: .pending, limit: 10) }.map(\.idempotencyKey) == ["k1", "k2", "k1"])
    }

    /// A later message of an aggregate waits for the earlier one; a DEAD one holds its aggregate
    /// only; a discarded one lets it go on; a replayed one is due again.
    @Test func deliveryIsInOrderPerAggregateAndADeadMessageHoldsOnlyItsOwn() throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        let clock = TestClock()
        let (a1, _, b1) = try pool.write { db in
            (
                try Self.queue(db, "enforcement", "finding:A", "a1", now: clock.now), try Self.queue(db, "enforcement", "finding:A", "a2", now: clock.now),
                try Self.queue(db, "enforcement", "finding:B", "b1", now: clock.now)
            )
        }
        func due(resting: Set<String> = []) throws -> [String] {
            try pool.read { db in try Outbox.due(db, now: clock.now, limit: 10, resting: resting) }.map(\.idempotencyKey)
        }
        #expect(try due() == ["a1", "b1"])
        #expect(try due(resting: ["enforcement"]) == [])
        try pool.write { db in try Outbox.markDead(db, seq: a1.seq, error: "INVALID_ARGUMENT: subject.id BAD_ID") }
        try pool.write { db in try Outbox.markRetry(db, seq: b1.seq, error: "UNAVAILABLE", retryAfter: 10, now: clock.now) }
        #expect(try due() == [])
        clock.advance(10)
        #expect(try due() == ["b1"])
        try pool.write { db in try Outbox.markDelivered(db, seq: b1.seq, result: "lead L000001", now: clock.now) }
        let delivered = try pool.read { db in try Outbox.message(db, id: b1.messageID) }
        #expect((delivered?.state, delivered?.result, delivered?.attempts, delivered?.lastError) == (.delivered, "lead L000001", 1, nil))

        // Replaying a message that is not DEAD is refused; discarding lets a2 go; a replay makes a1 due.
        #expect(throws: DomainError.self) { try pool.write { db in try Outbox.replay(db, id: b1.messageID, now: clock.now) } }
        #expect(throws: DomainError.self) { try pool.write { db in try Outbox.discard(db, id: "nope", reason: "x") } }
        let discarded = try pool.write { db in try Outbox.discard(db, id: a1.messageID, reason: "institution closed") }
        #expect(discarded.state == .discarded && discarded.lastError == "INVALID_ARGUMENT: subject.id BAD_ID; discarded: institution closed")
        #expect(try due() == ["a2"])
        _ = try pool.write { db in try Outbox.replay(db, id: a1.messageID, now: clock.now) }
        #expect(try due() == ["a1"])

        let figures = try pool.read { db in try Outbox.figures(db) }
        #expect(figures.map { "\($0.destination) \($0.counts[.pending] ?? 0) \($0.counts[.delivered] ?? 0) \($0.counts[.dead] ?? 0)" } == ["enforcement 2 1 0"])
        #expect(figures.first?.oldestPendingSince == a1.createdAt)
    }

    @Test func theInboxAppliesAMessageOnceByIdByBusinessKeyAndBySequence() throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        func incoming(_ id: String, _ key: String, _ sequence: Int64) -> Inbox.Incoming {
            Inbox.Incoming(
                messageID: id, producer: "eldercare", idempotencyKey: key, type: "civic.flows.v1.FindingReferred", aggregate: "finding:A", sequence: sequence)
        }
        try pool.write { db in
            #expect(try Inbox.earlier(db, incoming("m1", "k1", 1)) == nil)
            try Inbox.record(db, incoming("m1", "k1", 1), result: "lead L000001")
            #expect(try Inbox.earlier(db, incoming("m1", "k1", 1)) == .applied(result: "lead L000001"))
            // The same event re-sent under a new id.
            #expect(try Inbox.earlier(db, incoming("m9", "k1", 1)) == .applied(result: "lead L000001"))
            try Inbox.record(db, incoming("m3", "k3", 3), result: "corrected")
            // An older message arriving after a newer one of its aggregate is not applied.
            #expect(try Inbox.earlier(db, incoming("m2", "k2", 2)) == .superseded(bySequence: 3))
            #expect(try Inbox.figures(db).map { "\($0.producer) \($0.applied)" } == ["eldercare 2"])
        }
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
