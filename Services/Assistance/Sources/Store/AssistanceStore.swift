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

    static func encode<T: Encodable>(_ value: T) throws -> String { try StoredRecords.encode(value) }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T { try StoredRecords.decode(type, text) }

    static func timestamp(_ date: Date) -> String {
        StorageTime.string(date)
    }

    /// The next number of a sequence column ("H000001", "A000001"), inside the write transaction.
    static func nextSeq(_ db: Database, table: String) throws -> Int { try StoredRecords.nextSeq(db, table: table) }

    static func code(_ prefix: String, _ seq: Int) -> String { StoredRecords.code(prefix, seq) }

    typealias Filter = SQLFilter

    /// The audit trail of one record ("household", "application").
    public func history(entity: String, id: String) async throws -> [AuditEntry] {
        try await database.read { db in try Audit.trail(db, entity: entity, entityID: id) }
    }
}
