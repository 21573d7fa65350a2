import CivicDomain
import CivicStorage
import EldercareDomain
import Foundation
import GRDB

/// What the division report is computed from, read from columns and indexes.
extension EldercareStore {
    public struct ReportInputs: Sendable {
        public var divisions: DivisionTable
        /// Each institution with the figures the report sums (names and codes left out).
        public var institutions: [InstitutionFigures]
        public var facilities: [CommunityFacility]
        /// Open days and visits per facility over the usage period.
        public var usage: [String: (openDays: Int, visits: Int)]
        public var supervision: SupervisionTotals
    }

    /// The inputs within `scope`: usage from `usageFrom` through `usageThrough`; supervision counts
    /// inspections planned and findings found from `periodFrom` through `asOf`.
    public func reportInputs(scope: DivisionCode, asOf: CivilDate, usageFrom: CivilDate, usageThrough: CivilDate, periodFrom: CivilDate) async throws
        -> ReportInputs
    {
        var sql = SQLFilter()
        sql.within(scope, column: "county")
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        var joined = SQLFilter()
        joined.within(scope, column: "f.county")
        joined.add("u.day BETWEEN ? AND ?", [usageFrom.description, usageThrough.description])
        let usageClause = joined.whereClause
        let usageArguments = joined.statementArguments
        return try await database.read { db in
            let records = try Row.fetchAll(
                db, sql: "SELECT code, name, level, parent, county FROM divisions \(clause) ORDER BY county, position", arguments: arguments
            )
            .map { row in
                DivisionRecord(
                    code: row["code"], name: row["name"], level: DivisionLevel(rawValue: row["level"]) ?? .community,
                    parent: (row["parent"] as String?) ?? row["county"])
            }
            let divisions = try DivisionTable(records)
            var institutions: [InstitutionFigures] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT county, status, ownership, beds, nursing_beds, residents, grade, grade_valid_until, filed_on, medical_signed_on,
                      medical_expires_on FROM institutions \(clause)
                    """, arguments: arguments)
            // Only the covering index is read (no id: the report counts, it names no institution).
            var counties: [String: DivisionCode] = [:]
            while let row = try rows.next() {
                let countyText: String = row[0]
                let county = try counties[countyText] ?? DivisionCode(countyText)
                counties[countyText] = county
                let signed = (row[9] as String?).flatMap(CivilDate.init)
                institutions.append(
                    InstitutionFigures(
                        county: county, status: InstitutionStatus(rawValue: row[1]) ?? .operating, ownership: Ownership(rawValue: row[2]) ?? .privatelyRun,
                        beds: row[3], nursingBeds: row[4], residents: row[5], filedOn: (row[8] as String?).flatMap(CivilDate.init),
                        grade: (row[6] as Int?).flatMap(CareGrade.init), gradeValidUntil: (row[7] as String?).flatMap(CivilDate.init),
                        medicalCare: signed.map { MedicalCareAgreement(partner: "", signedOn: $0, expiresOn: (row[10] as String?).flatMap(CivilDate.init)) }))
            }
            let facilities = try String.fetchAll(db, sql: "SELECT record FROM facilities \(clause) ORDER BY seq", arguments: arguments)
                .map { try StoredRecords.decode(CommunityFacility.self, $0) }
            var usage: [String: (openDays: Int, visits: Int)] = [:]
            let usageRows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT u.facility_id, COUNT(*), SUM(MAX(u.visits, 0)) FROM facility_usage u JOIN facilities f ON f.id = u.facility_id \(usageClause)
                    GROUP BY u.facility_id
                    """, arguments: usageArguments)
            while let row = try usageRows.next() { usage[row[0]] = (row[1], row[2]) }
            let period: StatementArguments = [periodFrom.description, asOf.description]
            let and = clause.isEmpty ? "WHERE" : "\(clause) AND"
            let planned =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM inspections \(and) planned_on BETWEEN ? AND ? AND state <> 'cancelled'",
                    arguments: arguments + period) ?? 0
            let done =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM inspections \(and) planned_on BETWEEN ? AND ? AND state IN ('recorded', 'published')
                        """, arguments: arguments + period) ?? 0
            var supervision = SupervisionTotals(inspectionsPlanned: planned, inspectionsDone: done)
            let findings = try String.fetchAll(
                db, sql: "SELECT record FROM findings \(and) found_on BETWEEN ? AND ? AND state <> 'revoked'",
                arguments: arguments + period)
            for record in findings {
                let finding = try StoredRecords.decode(Finding.self, record)
                if finding.level == .major { supervision.majorFindings += 1 } else { supervision.generalFindings += 1 }
                // Due by the report's day, or closed already: counted; on time when closed by the deadline in force.
                if finding.deadline <= asOf || finding.closedOn != nil {
                    supervision.rectificationsDue += 1
                    if finding.closedOnTime == true { supervision.rectifiedOnTime += 1 }
                }
            }
            return ReportInputs(divisions: divisions, institutions: institutions, facilities: facilities, usage: usage, supervision: supervision)
        }
    }
}
