import CivicStorage
import Foundation
import GRDB
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    struct Refused: Error, Equatable {}

    /// 200 concurrent writes: each answered with its own result, those that throw leave nothing
    /// (their savepoint rolled back) and the others are all stored — in fewer transactions than
    /// calls, since the calls arriving during a commit wait for the next one.
    @Test func concurrentWritesShareTransactionsAndFailAlone() async throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        let group = GroupCommit(pool)
        let answers = await withTaskGroup(of: (Int, Result<String, any Error>).self) { tasks in
            for n in 0..<200 {
                tasks.addTask {
                    do {
                        let id = try await group.write { db -> String in
                            try db.execute(sql: "INSERT INTO widget (id, name) VALUES (?, ?)", arguments: ["w\(n)", "widget \(n)"])
                            // Every tenth call fails after writing: only its own row goes.
                            if n % 10 == 0 { throw Refused() }
                            return "w\(n)"
                        }
                        return (n, .success(id))
                    } catch {
                        return (n, .failure(error))
                    }
                }
            }
            var all: [Int: Result<String, any Error>] = [:]
            for await (n, answer) in tasks { all[n] = answer }
            return all
        }
        for n in 0..<200 {
            switch answers[n]! {
            case .success(let id): #expect(n % 10 != 0 && id == "w\(n)")
            case .failure(let error): #expect(n % 10 == 0 && error is Refused)
            }
        }
        let stored = try await pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM widget") }
        #expect(Set(stored) == Set((0..<200).filter { $0 % 10 != 0 }.map { "w\($0)" }))
        let figures = group.figures
        #expect(figures.calls == 200)
        #expect(figures.groups < 200 && figures.largest > 1)
    }

    /// A group whose COMMIT fails answers every call of it with the error and keeps nothing; the
    /// next group goes on.
    @Test func aFailedCommitAnswersTheWholeGroup() async throws {
        let pool = try CivicDatabase.open(path: temporaryDatabasePath(), migrations: widgetMigrations)
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE parent (id TEXT PRIMARY KEY)")
            try db.execute(sql: "CREATE TABLE child (id TEXT PRIMARY KEY, parent TEXT REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
        }
        let group = GroupCommit(pool)
        // A deferred foreign key fails only at COMMIT.
        await #expect(throws: (any Error).self) {
            _ = try await group.write { db in try db.execute(sql: "INSERT INTO child (id, parent) VALUES ('c1', 'nobody')") }
        }
        _ = try await group.write { db in try db.execute(sql: "INSERT INTO widget (id, name) VALUES ('w1', 'after')") }
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM child") } == 0)
        #expect(try await pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM widget") } == ["w1"])
    }
}
