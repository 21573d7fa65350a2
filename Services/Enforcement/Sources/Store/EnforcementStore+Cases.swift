import CivicDomain
import CivicStorage
import EnforcementDomain
import Foundation
import GRDB

/// Cases (行政处罚案件): filing, every step, the lists, the clock sweep and the published decisions.
extension EnforcementStore {
    /// Files a case: `make` gets the new id ("C000001"…), the lead (when `leadID` is set; it must be
    /// RECEIVED — FAILED_PRECONDITION "lead_id" INVALID_STATE — and is marked FILED in the same
    /// transaction) and the officer lookup. `check` sees the lead first.
    public func fileCase(
        leadID: String, division: @escaping @Sendable (Lead?) throws -> DivisionCode, by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (Lead?) throws -> Void,
        make: @escaping @Sendable (_ id: String, _ lead: Lead?, _ officers: OfficerLookup) throws -> EnforcementCase,
        bases: @escaping @Sendable (String) -> LegalBasis?
    ) async throws -> EnforcementCase {
        try await writes.write { db in
            var lead: Lead?
            if !leadID.isEmpty {
                lead = try Self.loadLead(db, id: leadID)
                try check(lead)
                if lead!.state != .received {
                    throw DomainError(
                        .failedPrecondition, "lead \(leadID) is \(lead!.state.rawValue.uppercased())",
                        problems: [FieldProblem(field: "lead_id", reason: "INVALID_STATE", description: "a case is filed from a RECEIVED lead")])
                }
            } else {
                try check(nil)
            }
            let seq = try StoredRecords.nextSeq(db, table: "cases")
            let c = try make(StoredRecords.code("C", seq), lead, Self.lookup(db, division: try division(lead)))
            if !c.jointOperationID.isEmpty {
                guard let record = try String.fetchOne(db, sql: "SELECT record FROM joint_operations WHERE id = ?", arguments: [c.jointOperationID])
                else {
                    throw DomainError(
                        .failedPrecondition, "no joint operation \(c.jointOperationID)",
                        problems: [FieldProblem(field: "joint_operation_id", reason: "UNKNOWN", description: "no joint operation \(c.jointOperationID)")])
                }
                try StoredRecords.decode(JointOperation.self, record).checkLink(filedOn: c.filedOn, division: c.division, partners: c.jointPartners)
            }
            if var lead {
                try lead.decide(.filed, outcome: c.id, on: c.filedOn)
                try Self.saveLead(db, lead)
            }
            try Self.insert(db, c, seq: seq, calendar: calendar, bases: bases)
            try Audit.record(
                db, by: actor, action: "file_case", entity: "case", entityID: c.id, detail: "\(c.violationCodes.joined(separator: " ")) lead \(leadID)", at: now
            )
            return c
        }
    }

    /// Stores a case decided on the spot (简易程序).
    public func recordOnTheSpot(
        division: DivisionCode, by actor: AuditActor, now: Date = Date(),
        make: @escaping @Sendable (_ id: String, _ officers: OfficerLookup) throws -> EnforcementCase, bases: @escaping @Sendable (String) -> LegalBasis?
    ) async throws -> EnforcementCase {
        try await writes.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "cases")
            let c = try make(StoredRecords.code("C", seq), Self.lookup(db, division: division))
            try Self.insert(db, c, seq: seq, calendar: calendar, bases: bases)
            try Audit.record(db, by: actor, action: "record_on_the_spot_penalty", entity: "case", entityID: c.id, detail: c.violationCodes.joined(), at: now)
            return c
        }
    }

    public func enforcementCase(id: String) async throws -> EnforcementCase {
        try pointReads.read { db in try Self.loadCase(db, id: id) }
    }

    static func loadCase(_ db: Database, id: String) throws -> EnforcementCase {
        guard let record = try String.fetchOne(db, sql: "SELECT record FROM cases WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no case with id \(id)")
        }
        return try StoredRecords.decode(EnforcementCase.self, record)
    }

    /// Moves case `id` by one step: `check` sees it first (the caller's reach), `step` changes it
    /// with the officers it names looked up in the same transaction. Audited as `action`; the
    /// derived columns, the officers' index and the publication follow in the same transaction.
    public func stepCase(
        id: String, action: String, today: CivilDate, by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (EnforcementCase) throws -> Void,
        step: @escaping @Sendable (inout EnforcementCase, OfficerLookup) throws -> Void, bases: @escaping @Sendable (String) -> LegalBasis?
    ) async throws -> EnforcementCase {
        try await writes.write { db in
            var c = try Self.loadCase(db, id: id)
            try check(c)
            try step(&c, Self.lookup(db, division: c.division))
            try Self.save(db, c, today: today, calendar: calendar, bases: bases)
            try Audit.record(db, by: actor, action: action, entity: "case", entityID: id, detail: c.history.last?.detail ?? "", at: now)
            return c
        }
    }

    private static func insert(_ db: Database, _ c: EnforcementCase, seq: Int, calendar: LegalCalendar, bases: (String) -> LegalBasis?) throws {
        try db.execute(
            sql: """
                INSERT INTO cases (id, seq, division, state, outcome, lead_id, joint_operation_id, record)
                VALUES (?, ?, ?, '', NULL, ?, ?, '')
                """,
            arguments: [c.id, seq, c.division.description, c.leadID, c.jointOperationID])
        for code in Set(c.violationCodes) {
            try db.execute(sql: "INSERT INTO case_violations (code, case_id) VALUES (?, ?)", arguments: [code, c.id])
        }
        try save(db, c, today: c.filedOn, calendar: calendar, bases: bases)
    }

    private static func save(_ db: Database, _ c: EnforcementCase, today: CivilDate, calendar: LegalCalendar, bases: (String) -> LegalBasis?) throws {
        try db.execute(
            sql: "UPDATE cases SET state = ?, outcome = ?, record = ? WHERE id = ?",
            arguments: [c.state.rawValue, c.decision?.outcome.rawValue, try StoredRecords.encode(c), c.id])
        try saveClocks(db, c, c.openDeadlines(asOf: today, calendar: calendar))
        var roles: [(String, String)] = c.investigators.map { ($0, "investigator") }
        roles += c.legalReviews.map { ($0.reviewerID, "legal_reviewer") }
        if let host = c.hearing?.hostID, !host.isEmpty { roles.append((host, "hearing_host")) }
        for (officer, role) in roles {
            try db.execute(
                sql: "INSERT OR IGNORE INTO case_officers (officer_id, case_id, role) VALUES (?, ?, ?)", arguments: [officer, c.id, role])
        }
        try announce(db, c, bases: bases, now: Date())
        if let published = PublishedDecision(c, bases: bases) {
            let seq = try Int.fetchOne(db, sql: "SELECT seq FROM cases WHERE id = ?", arguments: [c.id]) ?? 0
            try db.execute(
                sql: "INSERT OR REPLACE INTO publications (case_id, seq, division, credit_code, record) VALUES (?, ?, ?, ?, ?)",
                arguments: [c.id, seq, c.division.description, published.creditCode, try StoredRecords.encode(published)])
        }
    }

    /// Whom a case list reaches: the cases within a division, or the cases an officer works on in a
    /// role (a legal reviewer's key: the cases sent to them).
    public enum CaseReach: Sendable {
        case within(DivisionCode?)
        case officer(String, role: String)
    }

    public struct CaseFilter: Sendable {
        public var state: CaseState?
        public var outcome: CaseOutcome?
        public var jointOperationID: String?
        public var violationCode: String?

        public init(state: CaseState? = nil, outcome: CaseOutcome? = nil, jointOperationID: String? = nil, violationCode: String? = nil) {
            self.state = state
            self.outcome = outcome
            self.jointOperationID = jointOperationID
            self.violationCode = violationCode
        }
    }

    private static func filter(_ reach: CaseReach, _ filter: CaseFilter) -> SQLFilter {
        var sql = SQLFilter()
        switch reach {
        case .within(let division): sql.within(division)
        case .officer(let id, let role):
            sql.add("id IN (SELECT case_id FROM case_officers WHERE officer_id = ? AND role = ?)", [id, role])
        }
        sql.add(filter.state, "state = ?") { $0.rawValue }
        sql.add(filter.outcome, "outcome = ?") { $0.rawValue }
        sql.add(filter.jointOperationID, "joint_operation_id = ?") { $0 }
        sql.add(filter.violationCode, "id IN (SELECT case_id FROM case_violations WHERE code = ?)") { $0 }
        return sql
    }

    /// Cases newest first.
    public func cases(reach: CaseReach, filter: CaseFilter, offset: Int, limit: Int) async throws -> (cases: [EnforcementCase], total: Int) {
        let sql = Self.filter(reach, filter)
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM cases \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM cases \(clause) ORDER BY seq DESC LIMIT ? OFFSET ?", arguments: arguments + [limit, offset])
            return (try records.map { try StoredRecords.decode(EnforcementCase.self, $0) }, total)
        }
    }

    /// The daily sweep's lists from the stored clocks: the first `limit` overdue (the oldest first)
    /// and due by `sweep.horizon` (the soonest first), with how many there are in all. A stored
    /// clock is exact unless its case's clocks move daily: those cases are read and recomputed.
    public func caseDeadlines(_ sweep: CaseClockSweep, reach: CaseReach, limit: Int) async throws -> CaseDeadlines {
        var sql = SQLFilter()
        switch reach {
        case .within(let division): sql.within(division)
        case .officer(let id, let role): sql.add("case_id IN (SELECT case_id FROM case_officers WHERE officer_id = ? AND role = ?)", [id, role])
        }
        sql.add("NOT moves", [])
        let clause = sql.whereClause
        let reachArguments = sql.statementArguments
        let today = sweep.today.description
        return try await database.read { db in
            // The reply window closes by itself: once past, the clock is met, never overdue.
            let lists = [
                ("due_date < ? AND kind <> 'reply'", [today]),
                ("due_date >= ? AND due_date <= ?", [today, sweep.horizon.description]),
            ]
            var found: [(entries: [CaseClockSweep.Entry], total: Int)] = []
            for (condition, bounds) in lists {
                let from = "FROM case_clocks \(clause) AND \(condition)"
                let arguments = reachArguments + StatementArguments(bounds)
                let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from)", arguments: arguments) ?? 0
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT case_id, kind, due_date, legal_date, rule, provisional, state, subject_kind, subject_id, subject_name
                        \(from) ORDER BY due_date, case_id LIMIT ?
                        """, arguments: arguments + [limit])
                found.append((try rows.map(Self.sweepEntry), total))
            }
            // The cases whose clocks move: recomputed as of today.
            var moving = Self.filter(reach, CaseFilter())
            moving.add("clocks_move", [])
            let cases = try String.fetchAll(db, sql: "SELECT record FROM cases \(moving.whereClause)", arguments: moving.statementArguments).map {
                try StoredRecords.decode(EnforcementCase.self, $0)
            }
            let recomputed = sweep.run(cases)
            func merged(_ stored: (entries: [CaseClockSweep.Entry], total: Int), _ more: [CaseClockSweep.Entry]) -> ([CaseClockSweep.Entry], Int) {
                (Array(CaseClockSweep.sorted(stored.entries + more).prefix(limit)), stored.total + more.count)
            }
            let overdue = merged(found[0], recomputed.overdue)
            let dueSoon = merged(found[1], recomputed.dueSoon)
            return CaseDeadlines(overdue: overdue.0, overdueTotal: overdue.1, dueSoon: dueSoon.0, dueSoonTotal: dueSoon.1)
        }
    }

    /// A stored clock this build cannot read (a kind or state it does not know): answered INTERNAL.
    struct UnreadableClock: Error, CustomStringConvertible {
        var caseID: String
        var description: String { "case \(caseID): a stored clock cannot be read" }
    }

    /// The daily sweep's answer: at most `limit` entries per list, and the whole count of each.
    public struct CaseDeadlines: Sendable {
        public var overdue: [CaseClockSweep.Entry]
        public var overdueTotal: Int
        public var dueSoon: [CaseClockSweep.Entry]
        public var dueSoonTotal: Int
    }

    private static func sweepEntry(_ row: Row) throws -> CaseClockSweep.Entry {
        let caseID: String = row["case_id"]
        guard let kind = ClockKind(rawValue: row["kind"]), let due = CivilDate(row["due_date"] as String), let legal = CivilDate(row["legal_date"] as String),
            let state = CaseState(rawValue: row["state"])
        else { throw UnreadableClock(caseID: caseID) }
        let (id, name): (String, String) = (row["subject_id"], row["subject_name"])
        let subject = LeadSubject(kind: row["subject_kind"], id: id, name: name)
        let deadline = LegalDeadline(legalDate: legal, dueDate: due, rule: row["rule"], provisional: row["provisional"])
        return CaseClockSweep.Entry(caseID: caseID, subject: subject, state: state, clock: CaseClock(kind: kind, deadline: deadline))
    }

    /// Rewrites a case's stored clocks (its open deadlines as of the save) with what the sweep lists
    /// beside them.
    private static func saveClocks(_ db: Database, _ c: EnforcementCase, _ open: [CaseClock]) throws {
        let subject = (kind: c.subject.kind, id: c.subject.id, name: c.subject.name)
        let moves = c.clocksMoveDaily
        try db.cachedStatement(sql: "UPDATE cases SET clocks_move = ? WHERE id = ?").execute(arguments: [moves, c.id])
        try db.cachedStatement(sql: "DELETE FROM case_clocks WHERE case_id = ?").execute(arguments: [c.id])
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO case_clocks (case_id, ordinal, division, moves, state, subject_kind, subject_id, subject_name, kind, due_date,
                    legal_date, rule, provisional)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for (ordinal, clock) in open.enumerated() {
            try insert.execute(
                arguments: [
                    c.id, ordinal, c.division.description, moves, c.state.rawValue, subject.kind, subject.id, subject.name, clock.kind.rawValue,
                    clock.deadline.dueDate.description, clock.deadline.legalDate.description, clock.deadline.rule, clock.deadline.provisional,
                ])
        }
    }

    /// Recounts every case's stored clocks when they were counted with another calendar than this
    /// store's (or never: after migration enforcement-003), as of `today`; answers how many cases
    /// were recounted (0 when the stored clocks are current). Run at start, before any call.
    @discardableResult
    public func refreshClocks(today: CivilDate) throws -> Int {
        let fingerprint = calendar.calendar.fingerprint
        return try database.write { db in
            let stored = try String.fetchOne(db, sql: "SELECT value FROM enforcement_derivations WHERE name = 'clocks_calendar'")
            if stored == fingerprint { return 0 }
            var count = 0
            let records = try String.fetchCursor(db, sql: "SELECT record FROM cases ORDER BY seq")
            while let record = try records.next() {
                let c = try StoredRecords.decode(EnforcementCase.self, record)
                try Self.saveClocks(db, c, c.openDeadlines(asOf: today, calendar: calendar))
                count += 1
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO enforcement_derivations (name, value) VALUES ('clocks_calendar', ?)", arguments: [fingerprint])
            return count
        }
    }

    /// Published decisions newest first, withdrawn ones included (marked).
    public func publishedDecisions(within: DivisionCode?, creditCode: String?, offset: Int, limit: Int) async throws -> (
        decisions: [PublishedDecision], total: Int
    ) {
        var sql = SQLFilter()
        sql.within(within)
        sql.add(creditCode, "credit_code = ?") { $0 }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM publications \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM publications \(clause) ORDER BY seq DESC LIMIT ? OFFSET ?", arguments: arguments + [limit, offset])
            return (try records.map { try StoredRecords.decode(PublishedDecision.self, $0) }, total)
        }
    }
}
