import AssistanceDomain
import CivicDomain
import CivicStorage
import Foundation
import GRDB

/// The counts the monthly and yearly report is built from (`AssistanceReport`).
extension AssistanceStore {
    public struct ReportCounts: Sendable {
        public var recipients: [RecipientTotals]
        public var destituteCare: DestituteCareCounts
        public var applications: ApplicationTimeliness
        public var reviews: ReviewCounts
        public var alerts: [AlertCounts]
        public var retractedAlerts: [String: Int]
    }

    /// Counts for the benefit months `months` (one month, or a year's twelve), days `from`…`through`,
    /// within `division`, as of `today`:
    /// - recipients: the paid lines of the runs of those months by program and area — households
    ///   distinct, persons summed over lines (persons × months paid, 人次, so arrears count too);
    /// - 特困 unable to self-care (部分 or 完全丧失) with an active case at the period's last month,
    ///   and how many of them are 集中;
    /// - applications decided in the period, and how many within their case clock;
    /// - reviews due in the period (done or not), done, and still overdue today;
    /// - alerts raised in the period by department and where they stand today.
    public func reportCounts(
        months: [BenefitMonth], from: CivilDate, through: CivilDate, within: DivisionCode?, today: CivilDate, clock: ApplicationClock
    ) async throws -> ReportCounts {
        var scope = Filter()
        scope.within(within)
        let divisionClause = scope.whereClause.isEmpty ? "" : String(scope.whereClause.dropFirst(6)) + " AND "
        let args = scope.statementArguments
        let monthList = months.map { "'\($0.description)'" }.joined(separator: ", ")
        let last = months.max()!
        return try await database.read { db in
            let recipients = try Row.fetchAll(
                db,
                sql: """
                    SELECT program, area, COUNT(DISTINCT household_id) AS households, SUM(persons) AS persons, SUM(amount_fen) AS amount
                    FROM payment_lines WHERE \(divisionClause) state = 'paid' AND month IN (\(monthList)) GROUP BY program, area
                    """, arguments: args
            ).compactMap { row -> RecipientTotals? in
                guard let program = Program(rawValue: row["program"]), let area = Area(rawValue: row["area"]) else { return nil }
                return RecipientTotals(program: program, area: area, households: row["households"], persons: row["persons"], amountPaid: Fen(row["amount"]))
            }

            var care = DestituteCareCounts(unableToSelfCare: 0, centralized: 0)
            let destitute = try Self.timelines(
                db, where: "\(divisionClause) program = 'destitute' AND start_month <= ?", args + [last.description], through: last)
            for timeline in destitute.values {
                guard let snapshot = try timeline.snapshot(for: last), let person = snapshot.terms.member.flatMap({ snapshot.household.member($0) }),
                    let level = person.selfCare?.level, level != .selfCaring
                else { continue }
                care.unableToSelfCare += 1
                if snapshot.terms.setting == .centralized { care.centralized += 1 }
            }

            var timeliness = ApplicationTimeliness(decided: 0, decidedOnTime: 0)
            for record in try String.fetchAll(
                db,
                sql: "SELECT record FROM applications WHERE \(divisionClause) state IN ('approved', 'rejected') AND decided_on BETWEEN ? AND ?",
                arguments: args + [from.description, through.description])
            {
                let application = try Self.decode(ApplicationCase.self, record)
                guard let decided = application.decidedOn, let accepted = application.acceptedOn else { continue }
                timeliness.decided += 1
                if decided <= clock.caseDue(acceptedOn: accepted, extended: application.extended) { timeliness.decidedOnTime += 1 }
            }

            let done =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM reviews WHERE \(divisionClause) reviewed_on BETWEEN ? AND ?",
                    arguments: args + [from.description, through.description]
                ) ?? 0
            let doneThatWereDue =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM reviews WHERE \(divisionClause) due_on BETWEEN ? AND ?",
                    arguments: args + [from.description, through.description]
                ) ?? 0
            let pending =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM applications WHERE \(divisionClause) state = 'approved' AND next_review_due BETWEEN ? AND ?",
                    arguments: args + [from.description, through.description]) ?? 0
            let overdue =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM applications WHERE \(divisionClause) state = 'approved' AND next_review_due < ? AND next_review_due <= ?",
                    arguments: args + [today.description, through.description]) ?? 0
            let reviews = ReviewCounts(
                due: doneThatWereDue + pending, done: min(done, doneThatWereDue + pending), overdue: min(overdue, doneThatWereDue + pending))

            var alerts: [String: AlertCounts] = [:]
            var retracted: [String: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT department, status, check_due, handled_on FROM alerts WHERE \(divisionClause) raised_on BETWEEN ? AND ?",
                arguments: args + [from.description, through.description])
            {
                let department: String = row["department"]
                let status: String = row["status"]
                if status == "retracted" {
                    retracted[department, default: 0] += 1
                    continue
                }
                let due = CivilDate(row["check_due"] as String)!
                let progress: AlertProgress = status == "handled" ? .handled(on: CivilDate(row["handled_on"] as String)!) : .open
                var counts = alerts[department] ?? AlertCounts(department: department)
                counts.count(progress.checkStatus(due: due, on: today))
                alerts[department] = counts
            }
            return ReportCounts(
                recipients: recipients, destituteCare: care, applications: timeliness, reviews: reviews,
                alerts: alerts.values.sorted { $0.department < $1.department }, retractedAlerts: retracted)
        }
    }
}
