import CivicDomain
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

/// 年检 records: one per body and year.
extension OrganizationsStore {
    /// Body `organizationID`'s record for `year`, if one was opened.
    public func annualInspection(organizationID: String, year: Int) async throws -> (organization: StoredOrganization, record: AnnualInspectionRecord?) {
        try await database.read { db in
            let body = try Self.loadOrganization(db, id: organizationID)
            return (body, try Self.loadAnnualInspection(db, organizationID: body.organization.id, year: year))
        }
    }

    /// Moves body `organizationID`'s record for `year` by `apply` in one transaction (`check` sees
    /// the body first; `apply` gets nil when no record was opened yet and returns the new one);
    /// audited as `action`.
    public func stepAnnualInspection(
        organizationID: String, year: Int, action: String, by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (Organization) throws -> Void,
        apply: @escaping @Sendable (Organization, AnnualInspectionRecord?) throws -> AnnualInspectionRecord
    ) async throws -> (organization: Organization, record: AnnualInspectionRecord) {
        try await writes.write { db in
            let body = try Self.loadOrganization(db, id: organizationID).organization
            try check(body)
            let current = try Self.loadAnnualInspection(db, organizationID: body.id, year: year)
            var updated = try apply(body, current)
            if let current {
                updated.id = current.id
                try db.execute(sql: "UPDATE annual_inspections SET record = ? WHERE id = ?", arguments: [try StoredRecords.encode(updated), current.id])
            } else {
                let seq = try StoredRecords.nextSeq(db, table: "annual_inspections")
                updated.id = StoredRecords.code("N", seq)
                try db.execute(
                    sql: "INSERT INTO annual_inspections (id, seq, organization_id, year, record) VALUES (?, ?, ?, ?, ?)",
                    arguments: [updated.id, seq, body.id, year, try StoredRecords.encode(updated)])
            }
            try Audit.record(db, by: actor, action: action, entity: "organization", entityID: body.id, detail: "年检 \(year)", at: now)
            return (body, updated)
        }
    }

    /// Every body `reach` reaches, with its record for `year` (nil when none was opened), in
    /// registration order: what the due, received and overdue lists are made from.
    public func annualInspectionFacts(_ reach: Reach, year: Int) async throws -> [AnnualInspectionFacts] {
        var sql = SQLFilter()
        sql.reach(reach, alias: "o.")
        let clause = sql.whereClause
        let arguments: StatementArguments = [year] + sql.statementArguments
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.record AS body, a.record AS inspection FROM organizations o
                    LEFT JOIN annual_inspections a ON a.organization_id = o.id AND a.year = ? \(clause) ORDER BY o.seq
                    """, arguments: arguments
            ).map { row in
                AnnualInspectionFacts(
                    organization: try StoredRecords.decode(Organization.self, row["body"]),
                    record: try (row["inspection"] as String?).map { try StoredRecords.decode(AnnualInspectionRecord.self, $0) })
            }
        }
    }

    static func loadAnnualInspection(_ db: Database, organizationID: String, year: Int) throws -> AnnualInspectionRecord? {
        try String.fetchOne(db, sql: "SELECT record FROM annual_inspections WHERE organization_id = ? AND year = ?", arguments: [organizationID, year])
            .map { try StoredRecords.decode(AnnualInspectionRecord.self, $0) }
    }
}
