import GRDB

/// Owns every SQL statement of the assistance service and returns typed values; each change and
/// its audit row (Audit.record) commit in one transaction.
public struct AssistanceStore: Sendable {
    public let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }
}
