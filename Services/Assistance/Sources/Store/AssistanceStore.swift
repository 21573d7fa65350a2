import AssistanceDomain
import CivicDomain
import CivicStorage
import Foundation
import GRDB

/// Owns every SQL statement of the assistance service and returns typed values; each change and
/// its audit row (Audit.record) commit in one transaction. Households, applications and standard
/// versions are stored as their domain values in JSON beside the columns lists filter on.
public struct AssistanceStore: Sendable {
    public let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    static func timestamp(_ date: Date) -> String {
        StorageTime.string(date)
    }

    /// The next number of a sequence column ("H000001", "A000001"), inside the write transaction.
    static func nextSeq(_ db: Database, table: String) throws -> Int {
        (try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM \(table)")) ?? 0) + 1
    }

    static func code(_ prefix: String, _ seq: Int) -> String {
        let digits = String(seq)
        return prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// A list's WHERE clause, condition by condition.
    struct Filter {
        private var conditions: [String] = []
        private var arguments: [(any DatabaseValueConvertible)?] = []

        /// Adds `sql` with its arguments when `value` is not nil.
        mutating func add<T>(_ value: T?, _ sql: String, _ argument: (T) -> (any DatabaseValueConvertible)?) {
            guard let value else { return }
            conditions.append(sql)
            arguments.append(argument(value))
        }

        /// Matches `column` to the divisions within `division` (a province, prefecture or county).
        mutating func within(_ division: DivisionCode?, column: String = "division") {
            guard let division else { return }
            // A range on the code (not LIKE, which cannot use an index on a text column).
            let prefix: String
            switch division.level {
            case .province: prefix = String(division.description.prefix(2))
            case .prefecture: prefix = String(division.description.prefix(4))
            case .county:
                add(division, "\(column) = ?") { $0.description }
                return
            }
            let upper = String(prefix.dropLast()) + String(UnicodeScalar(prefix.unicodeScalars.last!.value + 1)!)
            add("\(column) >= ? AND \(column) < ?", [prefix, upper])
        }

        mutating func add(_ sql: String, _ values: [(any DatabaseValueConvertible)?]) {
            conditions.append(sql)
            arguments += values
        }

        var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
        var statementArguments: StatementArguments { StatementArguments(arguments) }
    }

    /// The audit trail of one record ("household", "application").
    public func history(entity: String, id: String) async throws -> [AuditEntry] {
        try await database.read { db in try Audit.trail(db, entity: entity, entityID: id) }
    }
}
