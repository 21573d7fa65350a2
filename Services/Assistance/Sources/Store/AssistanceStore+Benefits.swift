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
    /// Snapshots stay stored bytes (`StoredSnapshot`) until a month needs one decoded
    /// (`snapshot(for:)`): a payment run carries most cases forward without decoding them.
    struct BenefitTimeline: Sendable {
        struct Change: Sendable {
            var from: BenefitMonth
            var kind: BenefitChangeKind
            var id: Int64
            var snapshot: Data?
        }

        var applicationID: String
        var householdID: String
        var startMonth: BenefitMonth
        var decision: Data
        var changes: [Change]

        /// The snapshot paying `month` — a version key ("d" the decision's, "c<id>" a change's) and
        /// its stored bytes — or nil when the case is stopped by then (or not started).
        func basis(for month: BenefitMonth) -> (version: String, stored: Data)? {
            guard month >= startMonth else { return nil }
            // A stop is final (until retracted): a change dated later, made before the stop was
            // known, does not resume the payments.
            if changes.contains(where: { $0.kind == .stop && $0.from <= month }) { return nil }
            guard let change = changes.last(where: { $0.from <= month }) else { return ("d", decision) }
            return change.snapshot.map { ("c\(change.id)", $0) } ?? ("d", decision)
        }

        /// The snapshot that pays `month`, decoded, or nil when the case is stopped by then (or not started).
        func snapshot(for month: BenefitMonth) throws -> DecisionSnapshot? {
            try basis(for: month).map { try StoredSnapshot.decode($0.stored) }
        }
    }

    static func month(_ text: String?) -> BenefitMonth? { text.flatMap(BenefitMonth.init) }

    /// The 低保 cases running in `month` (started by then, no stop in force), as a condition on
    /// `applications`; with no month, those approved and never stopped. The 两项补贴 living subsidy
    /// is paid to members of such a household.
    static func runningMinimumLiving(in month: BenefitMonth?) -> (sql: String, arguments: StatementArguments) {
        let stop = "c.kind = 'stop' AND c.retracted_at IS NULL" + (month == nil ? "" : " AND c.effective_from <= ?")
        let sql = """
            program = 'minimum_living' AND state = 'approved'\(month == nil ? "" : " AND start_month <= ?")
              AND NOT EXISTS (SELECT 1 FROM benefit_changes c WHERE c.application_id = applications.id AND \(stop))
            """
        return (sql, month.map { [$0.description, $0.description] } ?? [])
    }

    /// Whether the household is a 低保 family: in `month`, or (nil) with a case approved and not stopped.
    static func inMinimumLivingFamily(_ db: Database, householdID: String, month: BenefitMonth? = nil) throws -> Bool {
        let running = runningMinimumLiving(in: month)
        return try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM applications WHERE household_id = ? AND \(running.sql))", arguments: [householdID] + running.arguments)
            ?? false
    }

    /// `inMinimumLivingFamily` for a preview.
    public func inMinimumLivingFamily(householdID: String, month: BenefitMonth) async throws -> Bool {
        try await database.read { db in try Self.inMinimumLivingFamily(db, householdID: householdID, month: month) }
    }

    /// The timelines of approved cases, keyed by application id. `scope` restricts the
    /// applications ("division = ? AND program = ?"); only changes effective by `through` count.
    /// With `textsUnlessPaid` set, a decision's snapshot is read only for cases without a line for
    /// that month (the rest read empty, as changes always do): `storedSnapshot` reads the one a
    /// basis names when it is needed after all.
    static func timelines(
        _ db: Database, where scope: String, _ arguments: StatementArguments, through: BenefitMonth, textsUnlessPaid: BenefitMonth? = nil
    ) throws -> [String: BenefitTimeline] {
        let texts = textsUnlessPaid == nil
        let decision =
            texts
            ? "snapshot"
            : "CASE WHEN EXISTS (SELECT 1 FROM payment_lines p WHERE p.case_id = applications.id AND p.for_month = ? AND p.state <> 'reissued') THEN '' ELSE snapshot END"
        var timelines: [String: BenefitTimeline] = [:]
        // Columns by position: a run reads a row per case.
        let rows = try Row.fetchCursor(
            db,
            sql:
                "SELECT id, start_month, \(decision), household_id FROM applications WHERE state = 'approved' AND snapshot IS NOT NULL AND \(scope)",
            arguments: StatementArguments(textsUnlessPaid.map { [$0.description] } ?? []) + arguments)
        while let row = try rows.next() {
            let id: String = row[0]
            guard let start = month(row[1]), let stored: Data = row[2] else { continue }
            timelines[id] = BenefitTimeline(applicationID: id, householdID: row[3], startMonth: start, decision: stored, changes: [])
        }
        let changes = try Row.fetchCursor(
            db,
            sql: """
                SELECT application_id, effective_from, kind, \(texts ? "snapshot" : "CASE WHEN snapshot IS NULL THEN NULL ELSE '' END"), id FROM benefit_changes
                WHERE retracted_at IS NULL AND effective_from <= ?
                  AND application_id IN (SELECT id FROM applications WHERE state = 'approved' AND \(scope))
                ORDER BY application_id, effective_from, id
                """,
            arguments: [through.description] + arguments)
        while let row = try changes.next() {
            let id: String = row[0]
            guard let from = month(row[1]), let kind = BenefitChangeKind(rawValue: row[2]) else { continue }
            timelines[id]?.changes.append(BenefitTimeline.Change(from: from, kind: kind, id: row[4], snapshot: row[3]))
        }
        return timelines
    }

    /// The stored snapshot a basis version names ("d": the decision's, "c<id>": a change's).
    static func storedSnapshot(_ db: Database, applicationID: String, version: String, known: Data? = nil) throws -> Data {
        let stored: Data?
        if let known, !known.isEmpty { return known }
        if version == "d" {
            stored = try Data.fetchOne(db.cachedStatement(sql: "SELECT snapshot FROM applications WHERE id = ?"), arguments: [applicationID])
        } else {
            stored = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT snapshot FROM benefit_changes WHERE id = ?"), arguments: [Int64(version.dropFirst()) ?? 0])
        }
        guard let stored else {
            throw DomainError.failedPrecondition("case \(applicationID): its snapshot \(version) is missing", reason: "NO_SNAPSHOT")
        }
        return stored
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
            arguments: [
                applicationID, from.description, kind.rawValue, try snapshot.map { try StoredSnapshot.encode($0) }, amount.fen, reason, source, timestamp(now),
            ])
    }
}
