import GRDB

/// Owns every SQL statement of the eldercare service and returns typed values; each change and
/// its audit row (Audit.record) commit in one transaction.
public struct EldercareStore: Sendable {
    public let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }
}
