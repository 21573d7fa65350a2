import GRDB

/// Owns every SQL statement of the organizations service and returns typed values; each change and
/// its audit row (Audit.record) commit in one transaction.
public struct OrganizationsStore: Sendable {
    public let database: any DatabaseWriter

    public init(database: any DatabaseWriter) {
        self.database = database
    }
}
