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
        public var creditHistories: [CreditHistory]
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

            // The bodies with an award or a credit history are a small part of the register: they are
            // read first (CROSS JOIN keeps that order) and each body looked up by its key, rather than
            // every body of the division probing them.
            var awards = filter("o.registrar_division")
            awards.add("e.awarded_on <= ? AND e.valid_until >= ?", [day, day])
            var grades: [EvaluationGrade: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT e.grade, COUNT(*) FROM evaluation_awards e CROSS JOIN organizations o ON o.id = e.organization_id \(awards.whereClause)
                    GROUP BY e.grade
                    """,
                arguments: awards.statementArguments)
            {
                if let grade = EvaluationGrade(row[0] as Int) { grades[grade] = row[1] }
            }

            let credit = filter("o.registrar_division")
            let histories = try String.fetchAll(
                db, sql: "SELECT c.record FROM credit_histories c CROSS JOIN organizations o ON o.id = c.organization_id \(credit.whereClause)",
                arguments: credit.statementArguments
            ).map { try StoredRecords.decode(CreditHistory.self, $0) }

            let zombies = filter("registrar_division")
            let zombieCases = try String.fetchAll(db, sql: "SELECT record FROM zombie_cases \(zombies.whereClause)", arguments: zombies.statementArguments)
                .map { try StoredRecords.decode(ZombieCase.self, $0) }
            let illegal = filter("division")
            let illegalCases = try String.fetchAll(db, sql: "SELECT record FROM illegal_cases \(illegal.whereClause)", arguments: illegal.statementArguments)
                .map { try StoredRecords.decode(IllegalOrganizationCase.self, $0) }
            let batches = try String.fetchAll(db, sql: "SELECT record FROM suspected_lists \(illegal.whereClause)", arguments: illegal.statementArguments)
                .map { try StoredRecords.decode(SuspectedListBatch.self, $0) }
            return ReportInputs(
                register: register, community: filed, annualInspection: annual, grades: grades, creditHistories: histories, zombieCases: zombieCases,
                illegalCases: illegalCases, batches: batches)
        }
    }
}
