import CivicDomain
import Foundation
import GRDB

/// The helpers every service store shares: domain values kept as JSON documents beside the
/// columns lists filter on, sequence-numbered ids ("H000001"), and a list's WHERE clause.
public enum StoredRecords {
    /// A value as its JSON document (keys sorted, so equal values store equal text).
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// The next number of a table's `seq` column, inside the write transaction.
    public static func nextSeq(_ db: Database, table: String) throws -> Int {
        (try Int.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM \(table)")) ?? 0) + 1
    }

    /// An audit detail for a change: the fields (by their JSON names) that differ between two
    /// versions of a record, "changed: a, b", or "no change".
    public static func changedFields<T: Encodable>(_ before: T, _ after: T) -> String {
        guard let old = try? JSONSerialization.jsonObject(with: Data(encode(before).utf8)) as? NSDictionary,
            let new = try? JSONSerialization.jsonObject(with: Data(encode(after).utf8)) as? NSDictionary
        else { return "" }
        var changed: [String] = []
        for case let key as String in old.allKeys + new.allKeys where !changed.contains(key) {
            let a = old[key] as? NSObject
            let b = new[key] as? NSObject
            if a != b { changed.append(key) }
        }
        return changed.isEmpty ? "no change" : "changed: " + changed.sorted().joined(separator: ", ")
    }

    /// An id from a prefix and a sequence number: ("H", 1) → "H000001".
    public static func code(_ prefix: String, _ seq: Int) -> String {
        let digits = String(seq)
        return prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }
}

/// A list's WHERE clause, condition by condition.
public struct SQLFilter {
    private var conditions: [String] = []
    private var arguments: [(any DatabaseValueConvertible)?] = []

    public init() {}

    /// Adds `sql` with its arguments when `value` is not nil.
    public mutating func add<T>(_ value: T?, _ sql: String, _ argument: (T) -> (any DatabaseValueConvertible)?) {
        guard let value else { return }
        conditions.append(sql)
        arguments.append(argument(value))
    }

    /// Matches `column` to the divisions within `division` (a province, prefecture or county).
    public mutating func within(_ division: DivisionCode?, column: String = "division") {
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

    public mutating func add(_ sql: String, _ values: [(any DatabaseValueConvertible)?]) {
        conditions.append(sql)
        arguments += values
    }

    public var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
    public var statementArguments: StatementArguments { StatementArguments(arguments) }
}
