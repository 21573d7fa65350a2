import Foundation
import GRDB

/// The years whose official holiday notice a service has already counted its deadlines
/// with (table `calendar_years`, migration civic-005).
public struct CalendarYears: Sendable {
    public let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }

    public func recorded() async throws -> Set<Int> {
        try await database.read { db in Set(try Int.fetchAll(db, sql: "SELECT year FROM calendar_years")) }
    }

    public func record(_ years: Set<Int>, outcome: String, at: Date = Date()) async throws {
        try await database.write { db in
            for year in years.sorted() {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO calendar_years (year, recorded_at, outcome) VALUES (?, ?, ?)",
                    arguments: [year, StorageTime.string(at), outcome])
            }
        }
    }
}
