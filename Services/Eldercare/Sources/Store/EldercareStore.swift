import CivicStorage
import GRDB

/// Owns every SQL statement of the eldercare service and returns typed values; each change and
/// its audit row (Audit.record) commit in one transaction.
public struct EldercareStore: Sendable {
    public let database: any DatabaseWriter
    /// Every write call goes through it: concurrent writes share one transaction and one fsync,
    /// each in its own savepoint (GroupCommit).
    public let writes: GroupCommit
    /// One record by its id, read on the calling thread (the event loop): PointReads.
    let pointReads: PointReads

    public init(database: any DatabaseWriter) {
        self.database = database
        self.pointReads = PointReads(database)
        self.writes = GroupCommit(database)
    }
}
