import CivicDomain
import GRDB
import ProposalsDomain

/// The table of counts the annual report reads (`report_counts`) and the three triggers on
/// `items` that keep it in step, in the same transaction as every insert, update and
/// delete of an item. A dimension is a column of the counts and the expression over an
/// items row that gives its value.
enum ReportCountsSchema {
    struct Dimension: Sendable {
        let column: String
        let type: String
        /// The value for the items row called `row` (`NEW` or `OLD`).
        let value: @Sendable (String) -> String
        /// The items columns whose change moves an item to another count.
        let inputs: [String]

        /// A column copied from the item, nulls as `''` (the counts' key has no nulls).
        static func copied(_ column: String, _ type: String, orEmpty: Bool = false) -> Dimension {
            Dimension(column: column, type: type, value: { orEmpty ? "coalesce(\($0).\(column), '')" : "\($0).\(column)" }, inputs: [column])
        }
    }

    /// The dimensions of migration proposals-004. Frozen: that migration reads them, so a
    /// change here would change what it builds; add a new list (and migration) instead.
    static let original: [Dimension] = [
        .copied("year", "INTEGER"), .copied("kind", "TEXT"), .copied("role", "TEXT", orEmpty: true), .copied("topic", "TEXT"),
        .copied("key_supervised", "INTEGER"), .copied("state", "TEXT"), .copied("answered_on_time", "INTEGER"),
        .copied("met_face_to_face", "INTEGER"), .copied("result", "TEXT", orEmpty: true), .copied("adoption", "TEXT", orEmpty: true),
        .copied("satisfaction", "TEXT", orEmpty: true),
    ]

    /// proposals-012 adds whether the reply was published within its limit (公开按期).
    static let withPublication =
        original + [
            Dimension(
                column: "published_on_time", type: "INTEGER",
                value: { "coalesce(\($0).published_on <= \($0).publication_due, 0)" }, inputs: ["published_on", "publication_due"])
        ]

    /// Creates the table and its triggers and fills it from the items already stored.
    static func install(_ db: Database, _ dimensions: [Dimension]) throws {
        let key = dimensions.map(\.column).joined(separator: ", ")
        try db.execute(
            sql: """
                CREATE TABLE report_counts (
                  \(dimensions.map { "\($0.column) \($0.type) NOT NULL" }.joined(separator: ", ")),
                  n INTEGER NOT NULL,
                  PRIMARY KEY (\(key))
                ) WITHOUT ROWID
                """)
        func values(_ row: String) -> String { dimensions.map { $0.value(row) }.joined(separator: ", ") }
        let add = "INSERT INTO report_counts (\(key), n) VALUES (\(values("NEW")), 1) ON CONFLICT (\(key)) DO UPDATE SET n = n + 1;"
        let remove = "UPDATE report_counts SET n = n - 1 WHERE (\(key)) = (\(values("OLD")));"
        var inputs: [String] = []
        for input in dimensions.flatMap(\.inputs) where !inputs.contains(input) { inputs.append(input) }
        try db.execute(sql: "CREATE TRIGGER items_report_insert AFTER INSERT ON items BEGIN \(add) END")
        try db.execute(sql: "CREATE TRIGGER items_report_delete AFTER DELETE ON items BEGIN \(remove) END")
        try db.execute(sql: "CREATE TRIGGER items_report_update AFTER UPDATE OF \(inputs.joined(separator: ", ")) ON items BEGIN \(remove) \(add) END")
        let grouping = (1...dimensions.count).map(String.init).joined(separator: ", ")
        try db.execute(
            sql: """
                INSERT INTO report_counts (\(key), n)
                SELECT \(dimensions.map { $0.value("items") }.joined(separator: ", ")), COUNT(*)
                FROM items GROUP BY \(grouping)
                """)
    }

    /// Replaces the table and triggers with ones over `dimensions`, counted afresh.
    static func rebuild(_ db: Database, _ dimensions: [Dimension]) throws {
        for trigger in ["items_report_insert", "items_report_delete", "items_report_update"] {
            try db.execute(sql: "DROP TRIGGER \(trigger)")
        }
        try db.execute(sql: "DROP TABLE report_counts")
        try install(db, dimensions)
    }
}
