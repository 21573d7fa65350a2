import AssistanceDomain
import CivicDomain
import CivicStorage
import Foundation
import GRDB

/// What an approved case pays from month to month: its decision snapshot, then the changes
/// reviews and events made (a new snapshot, or a stop), each from a month on.
extension AssistanceStore {
    /// A change to a case from a month on.
    public enum BenefitChangeKind: String, Sendable {
        /// A new snapshot (a review's raise or lower, a death recomputing the household).
        case adjust
        case stop
    }

    /// One case's timeline: the decision's snapshot and the changes not retracted, oldest first.
    struct BenefitTimeline: Sendable {
        var applicationID: String
        var startMonth: BenefitMonth
        var decision: DecisionSnapshot
        var changes: [(from: BenefitMonth, kind: BenefitChangeKind, snapshot: DecisionSnapshot?)]

        /// The snapshot that pays `month`, or nil when the case is stopped by then (or not started).
        func snapshot(for month: BenefitMonth) -> DecisionSnapshot? {
            guard month >= startMonth else { return nil }
            guard let change = changes.last(where: { $0.from <= month }) else { return decision }
            return change.kind == .stop ? nil : change.snapshot ?? decision
        }
    }

    static func month(_ text: String?) -> BenefitMonth? {
        guard let text, text.count == 7, let y = Int(text.prefix(4)), let m = Int(text.suffix(2)) else { return nil }
        return BenefitMonth(year: y, month: m)
    }

    /// The timelines of approved cases, keyed by application id. `scope` restricts the
    /// applications ("division = ? AND program = ?"); only changes effective by `through` count.
    static func timelines(_ db: Database, where scope: String, _ arguments: StatementArguments, through: BenefitMonth) throws -> [String: BenefitTimeline] {
        var timelines: [String: BenefitTimeline] = [:]
        let rows = try Row.fetchCursor(
            db, sql: "SELECT id, start_month, snapshot FROM applications WHERE state = 'approved' AND snapshot IS NOT NULL AND \(scope)",
            arguments: arguments)
        while let row = try rows.next() {
            let id: String = row["id"]
            guard let start = month(row["start_month"]), let text: String = row["snapshot"] else { continue }
            timelines[id] = BenefitTimeline(applicationID: id, startMonth: start, decision: try decode(DecisionSnapshot.self, text), changes: [])
        }
        let changes = try Row.fetchCursor(
            db,
            sql: """
                SELECT application_id, effective_from, kind, snapshot FROM benefit_changes
                WHERE retracted_at IS NULL AND effective_from <= ?
                  AND application_id IN (SELECT id FROM applications WHERE state = 'approved' AND \(scope))
                ORDER BY application_id, effective_from, id
                """,
            arguments: [through.description] + arguments)
        while let row = try changes.next() {
            let id: String = row["application_id"]
            guard let from = month(row["effective_from"]), let kind = BenefitChangeKind(rawValue: row["kind"]) else { continue }
            let snapshot = try (row["snapshot"] as String?).map { try decode(DecisionSnapshot.self, $0) }
            timelines[id]?.changes.append((from, kind, snapshot))
        }
        return timelines
    }

    /// One approved case's timeline (nil for a case not approved).
    static func timeline(_ db: Database, applicationID: String) throws -> BenefitTimeline? {
        try timelines(db, where: "id = ?", [applicationID], through: BenefitMonth(year: 9999, month: 12)!)[applicationID]
    }

    /// Records a change to a case from `from` on.
    static func addChange(
        _ db: Database, applicationID: String, from: BenefitMonth, kind: BenefitChangeKind, snapshot: DecisionSnapshot?, amount: Fen,
        reason: String, source: String, now: Date
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO benefit_changes (application_id, effective_from, kind, snapshot, amount_fen, reason, source, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [applicationID, from.description, kind.rawValue, try snapshot.map { try encode($0) }, amount.fen, reason, source, timestamp(now)])
    }
}
