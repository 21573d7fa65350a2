import CivicDomain
import CivicStorage
import EnforcementDomain
import Foundation
import GRDB

/// Joint operations, and the whole-division reads the report and the figures count on.
extension EnforcementStore {
    /// Creates a joint operation: `make` gets the new id ("J000001"…).
    public func createJointOperation(by actor: AuditActor, now: Date = Date(), make: @escaping @Sendable (String) throws -> JointOperation) async throws
        -> JointOperation
    {
        try await writes.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "joint_operations")
            let operation = try make(StoredRecords.code("J", seq))
            try db.execute(
                sql: "INSERT INTO joint_operations (id, seq, division, record) VALUES (?, ?, ?, ?)",
                arguments: [operation.id, seq, operation.division.description, try StoredRecords.encode(operation)])
            try Audit.record(
                db, by: actor, action: "create_joint_operation", entity: "joint_operation", entityID: operation.id,
                detail: "\(operation.name): \(operation.partners.joined(separator: ", "))", at: now)
            return operation
        }
    }

    /// Operation `id` with the cases linked to it.
    public func jointOperation(id: String) async throws -> (operation: JointOperation, cases: [EnforcementCase]) {
        try await database.read { db in
            guard let record = try String.fetchOne(db, sql: "SELECT record FROM joint_operations WHERE id = ?", arguments: [id]) else {
                throw DomainError.notFound("no joint operation with id \(id)")
            }
            let cases = try String.fetchAll(db, sql: "SELECT record FROM cases WHERE joint_operation_id = ?", arguments: [id]).map {
                try StoredRecords.decode(EnforcementCase.self, $0)
            }
            return (try StoredRecords.decode(JointOperation.self, record), cases)
        }
    }

    /// Operations led within `within`, newest first (a bureau runs a handful a year).
    public func jointOperations(within: DivisionCode?) async throws -> [JointOperation] {
        var sql = SQLFilter()
        sql.within(within)
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            try String.fetchAll(db, sql: "SELECT record FROM joint_operations \(clause) ORDER BY seq DESC", arguments: arguments).map {
                try StoredRecords.decode(JointOperation.self, $0)
            }
        }
    }

    /// The cases linked to any of `operations`.
    public func cases(inOperations ids: [String]) async throws -> [EnforcementCase] {
        guard !ids.isEmpty else { return [] }
        return try await database.read { db in
            try String.fetchAll(
                db, sql: "SELECT record FROM cases WHERE joint_operation_id IN (\(ids.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments(ids)
            ).map { try StoredRecords.decode(EnforcementCase.self, $0) }
        }
    }

    /// Everything the report counts within `within`, read in one transaction.
    public func reportInputs(within: DivisionCode?) async throws -> (cases: [EnforcementCase], leads: [Lead], officers: [Officer], operations: [JointOperation])
    {
        var sql = SQLFilter()
        sql.within(within)
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            func all<T: Decodable>(_ table: String, _ type: T.Type) throws -> [T] {
                try String.fetchAll(db, sql: "SELECT record FROM \(table) \(clause) ORDER BY seq", arguments: arguments).map {
                    try StoredRecords.decode(T.self, $0)
                }
            }
            return (
                try all("cases", EnforcementCase.self), try all("leads", Lead.self), try all("officers", Officer.self),
                try all("joint_operations", JointOperation.self)
            )
        }
    }
}
