import CivicDomain
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

/// What the organizations report reads: aggregates in SQL (the register's counts from the
/// trigger-kept `organization_counts`, 年检 results from their index), and the few records whose
/// figures need the domain's replay (credit histories, clean-up and illegal-organization cases).
extension OrganizationsStore {
    public struct ReportInputs: Sendable {
        public var register: [OrganizationsReport.RegisterCount]
        /// Community filings standing on the day, by category.
        public var community: [String: Int]
        public var annualInspection: OrganizationsReport.AnnualInspectionCounts
        public var grades: [EvaluationGrade: Int]
        /// Which credit histories the scope holds: each body's id with its history's last write
        /// (`updated_at`). Decoding them is most of the report's work, so the caller keeps them
        /// decoded and reads only those written since (`creditHistories(ids:)`).
        public var creditVersions: [(id: String, updatedAt: String)]
        public var zombieCases: [ZombieCase]
        public var illegalCases: [IllegalOrganizationCase]
        public var batches: [SuspectedListBatch]
    }

    /// The report's inputs for registrars within `within` (all when nil): the 年检 of work year
    /// `inspectionYear`, grades valid and filings standing on `asOf`.
    public func reportInputs(within: DivisionCode?, inspectionYear: Int, asOf: CivilDate) async throws -> ReportInputs {
        @Sendable func filter(_ column: String) -> SQLFilter {
            var sql = SQLFilter()
            sql.within(within, column: column)
            return sql
        }
        let day = asOf.description
        return try await database.read { db in
            let counts = filter("registrar_division")
            let register = try Row.fetchAll(
                db,
                sql: """
                    SELECT type, status, SUM(n), SUM(n * trade_association), SUM(n * party_organization) FROM organization_counts
                    \(counts.whereClause) GROUP BY type, status
                    """, arguments: counts.statementArguments
            ).compactMap { row -> OrganizationsReport.RegisterCount? in
                // The placeholder row an insert writes before its columns (type '') counts nothing.
                guard let type = OrganizationType(rawValue: row[0]), let status = OrganizationStatus(rawValue: row[1]) else { return nil }
                return OrganizationsReport.RegisterCount(type: type, status: status, count: row[2], tradeAssociations: row[3], partyOrganizations: row[4])
            }

            var community = filter("county")
            community.add("(cancelled_on IS NULL OR cancelled_on > ?) AND json_extract(record, '$.filedOn') <= ?", [day, day])
            var filed: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT category, COUNT(*) FROM community_organizations \(community.whereClause) GROUP BY category",
                arguments: community.statementArguments)
            {
                filed[row[0]] = row[1]
            }

            var inspections = filter("registrar_division")
            inspections.add("year = ?", [inspectionYear])
            var annual = OrganizationsReport.AnnualInspectionCounts()
            for row in try Row.fetchAll(
                db, sql: "SELECT result, SUM(n) FROM annual_inspection_counts \(inspections.whereClause) GROUP BY result",
                arguments: inspections.statementArguments)
            {
                let count: Int = row[1]
                annual.received += count
                if let result = AnnualInspectionResult(rawValue: row[0]) { annual.results[result] = count }
            }

            var awards = filter("registrar_division")
            awards.add("awarded_on <= ? AND valid_until >= ?", [day, day])
            var grades: [EvaluationGrade: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT grade, COUNT(*) FROM evaluation_awards \(awards.whereClause) GROUP BY grade", arguments: awards.statementArguments)
            {
                if let grade = EvaluationGrade(row[0] as Int) { grades[grade] = row[1] }
            }

            let credit = filter("registrar_division")
            let versions = try Row.fetchAll(
                db, sql: "SELECT organization_id, updated_at FROM credit_histories \(credit.whereClause)", arguments: credit.statementArguments
            ).map { (id: $0[0] as String, updatedAt: $0[1] as String) }

            let zombies = filter("registrar_division")
            let zombieCases = try String.fetchAll(db, sql: "SELECT record FROM zombie_cases \(zombies.whereClause)", arguments: zombies.statementArguments)
                .map { try StoredRecords.decode(ZombieCase.self, $0) }
            let illegal = filter("division")
            let illegalCases = try String.fetchAll(db, sql: "SELECT record FROM illegal_cases \(illegal.whereClause)", arguments: illegal.statementArguments)
                .map { try StoredRecords.decode(IllegalOrganizationCase.self, $0) }
            let batches = try String.fetchAll(db, sql: "SELECT record FROM suspected_lists \(illegal.whereClause)", arguments: illegal.statementArguments)
                .map { try StoredRecords.decode(SuspectedListBatch.self, $0) }
            return ReportInputs(
                register: register, community: filed, annualInspection: annual, grades: grades, creditVersions: versions, zombieCases: zombieCases,
                illegalCases: illegalCases, batches: batches)
        }
    }

    /// The stored credit histories of bodies `ids` (JSON), each with its last write.
    public func creditHistories(ids: [String]) async throws -> [(id: String, updatedAt: String, record: String)] {
        try await database.read { db in
            var found: [(id: String, updatedAt: String, record: String)] = []
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                found += try Row.fetchAll(
                    db,
                    sql:
                        "SELECT organization_id, updated_at, record FROM credit_histories WHERE organization_id IN (\(databaseQuestionMarks(count: chunk.count)))",
                    arguments: StatementArguments(chunk)
                ).map { (id: $0[0], updatedAt: $0[1], record: $0[2]) }
            }
            return found
        }
    }
}
