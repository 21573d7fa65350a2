import CivicStorage
import Foundation
import GRDB
import Testing

@Suite("Point reads on the calling thread")
struct PointReadsTests {
    private func name(_ reads: PointReads, _ id: String) throws -> String? {
        try reads.read { db in try String.fetchOne(db, sql: "SELECT name FROM widget WHERE id = ?", arguments: [id]) }
    }

    @Test func aPointReadRunsOnTheCallingThreadAndSeesEveryCommit() throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        let reads = PointReads(pool)
        try pool.write { db in try db.execute(sql: "INSERT INTO widget (id, name) VALUES ('w1', 'first')") }
        #expect(try name(reads, "w1") == "first")
        // The same thread's connection again, after another commit: no stale snapshot.
        try pool.write { db in try db.execute(sql: "UPDATE widget SET name = 'second' WHERE id = 'w1'") }
        #expect(try name(reads, "w1") == "second")
        #expect(try name(reads, "none") == nil)

        let caller = pthread_self()
        let sameThread = try reads.read { _ in pthread_equal(pthread_self(), caller) != 0 }
        #expect(sameThread)

        // Another thread gets its own connection and sees the same data.
        let other = Thread.detachNewThreadAndWait { try? self.name(reads, "w1") }
        #expect(other == "second")
    }

    @Test func aPointReadCannotWrite() throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        let reads = PointReads(pool)
        #expect(throws: DatabaseError.self) {
            try reads.read { db in try db.execute(sql: "INSERT INTO widget (id, name) VALUES ('w2', 'sneaky')") }
        }
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM widget") } == 0)
    }

    @Test func afterCloseAReadFails() throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        let reads = PointReads(pool)
        #expect(try name(reads, "w1") == nil)
        reads.close()
        #expect(throws: DatabaseError.self) { _ = try name(reads, "w1") }
    }

    @Test func anInMemoryDatabaseIsReadThroughItsOwnConnection() throws {
        let queue = try CivicDatabase.inMemory(migrations: widgetMigrations)
        try queue.write { db in try db.execute(sql: "INSERT INTO widget (id, name) VALUES ('m', 'memory')") }
        #expect(try name(PointReads(queue), "m") == "memory")
    }

    @Test func rowsAreDecodedWhileTheyAreTheStatementsOwn() throws {
        let queue = try CivicDatabase.inMemory(migrations: widgetMigrations)
        try queue.write { db in
            for n in 1...3 { try db.execute(sql: "INSERT INTO widget (id, name) VALUES (?, ?)", arguments: ["w\(n)", "widget \(n)"]) }
        }
        try queue.read { db in
            let statement = try db.makeStatement(sql: "SELECT * FROM widget ORDER BY id")
            #expect(try Row.decodeAll(statement) { row in "\(row["id"] as String)=\(row["NAME"] as String)" } == ["w1=widget 1", "w2=widget 2", "w3=widget 3"])
            #expect(try Row.decodeFirst(statement) { row in row["name"] as String } == "widget 1")
            let none = try db.makeStatement(sql: "SELECT * FROM widget WHERE id = ?")
            #expect(try Row.decodeFirst(none, arguments: ["nope"]) { row in row["name"] as String } == nil)
        }
    }
}

extension Thread {
    /// Runs `body` on a new thread and waits for its answer.
    fileprivate static func detachNewThreadAndWait<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var answer: T?
        Thread.detachNewThread {
            answer = body()
            done.signal()
        }
        done.wait()
        return answer!
    }
}
