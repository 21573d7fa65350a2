import CivicDomain
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

/// Each body's credit history (令60号), stored as its dated events.
extension OrganizationsStore {
    /// Body `organizationID` (by id or credit code) and its credit history (empty when nothing was recorded).
    public func creditHistory(organizationID: String) async throws -> (organization: Organization, history: CreditHistory) {
        try await database.read { db in
            let body = try Self.loadOrganization(db, id: organizationID).organization
            return (body, try Self.loadCreditHistory(db, organizationID: body.id))
        }
    }

    /// Body `id`'s credit history, nil when nothing was ever recorded (the body is not read).
    public func recordedCreditHistory(organizationID id: String) async throws -> CreditHistory? {
        try await database.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT record FROM credit_histories WHERE organization_id = ?"), arguments: [id])
                .map { try StoredRecords.decode(CreditHistory.self, $0) }
        }
    }

    /// Adds to body `organizationID`'s history by `record` in one transaction (`check` sees the body
    /// first); audited as `action` with `detail`.
    public func recordCredit(
        organizationID: String, action: String, detail: String, by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (Organization) throws -> Void, record: @escaping @Sendable (inout CreditHistory) throws -> Void
    ) async throws -> (organization: Organization, history: CreditHistory) {
        try await writes.write { db in
            let body = try Self.loadOrganization(db, id: organizationID).organization
            try check(body)
            var history = try Self.loadCreditHistory(db, organizationID: body.id)
            try record(&history)
            try Self.saveCreditHistory(db, history, of: body, now: now)
            try Audit.record(db, by: actor, action: action, entity: "organization", entityID: body.id, detail: detail, at: now)
            return (body, history)
        }
    }

    /// Every body within `scope` that has a credit history, with it, in registration order.
    public func creditHistories(registrarsWithin scope: DivisionCode?) async throws -> [(organization: Organization, history: CreditHistory)] {
        var sql = SQLFilter()
        sql.within(scope, column: "o.registrar_division")
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT o.record AS body, c.record AS history FROM credit_histories c JOIN organizations o ON o.id = c.organization_id \(clause) ORDER BY o.seq",
                arguments: arguments
            ).map { row in
                (try StoredRecords.decode(Organization.self, row["body"]), try StoredRecords.decode(CreditHistory.self, row["history"]))
            }
        }
    }

    /// Writes body `body`'s history, with its registrar for the report: every write of a history goes
    /// through here.
    static func saveCreditHistory(_ db: Database, _ history: CreditHistory, of body: Organization, now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO credit_histories (organization_id, registrar_division, record, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(organization_id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at,
                  registrar_division = excluded.registrar_division
                """, arguments: [body.id, body.registrarDivision.description, try StoredRecords.encode(history), StorageTime.string(now)])
    }

    static func loadCreditHistory(_ db: Database, organizationID: String) throws -> CreditHistory {
        try String.fetchOne(db, sql: "SELECT record FROM credit_histories WHERE organization_id = ?", arguments: [organizationID])
            .map { try StoredRecords.decode(CreditHistory.self, $0) } ?? CreditHistory(organizationID: organizationID)
    }
}
