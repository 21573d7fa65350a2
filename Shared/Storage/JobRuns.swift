import Foundation
import GRDB

/// The record of scheduled jobs' runs (table `job_runs`, migration civic-004): which job
/// ran on which day, with what outcome.
public struct JobRuns: Sendable {
    public let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }

    /// Whether `job` has a recorded run for `day` (YYYY-MM-DD).
    public func ran(_ job: String, on day: String) async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM job_runs WHERE job = ? AND day = ?", arguments: [job, day]) ?? false
        }
    }

    /// Records the run; a second record for the same job and day keeps the first.
    public func record(_ job: String, on day: String, outcome: String, at: Date = Date()) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO job_runs (job, day, outcome, finished_at) VALUES (?, ?, ?, ?)",
                arguments: [job, day, outcome, StorageTime.string(at)])
        }
    }

    /// The last `limit` runs of `job`, newest first: (day, outcome).
    public func recent(_ job: String, limit: Int = 30) async throws -> [(day: String, outcome: String)] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT day, outcome FROM job_runs WHERE job = ? ORDER BY day DESC LIMIT ?", arguments: [job, limit])
                .map { ($0["day"], $0["outcome"]) }
        }
    }
}
