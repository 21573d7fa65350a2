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
        try await database.write { db in
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
            try Self.insert(db, c, seq: seq, bases: bases)
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
        try await database.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "cases")
            let c = try make(StoredRecords.code("C", seq), Self.lookup(db, division: division))
            try Self.insert(db, c, seq: seq, bases: bases)
            try Audit.record(db, by: actor, action: "record_on_the_spot_penalty", entity: "case", entityID: c.id, detail: c.violationCodes.joined(), at: now)
            return c
        }
    }

    public func enforcementCase(id: String) async throws -> EnforcementCase {
        try await database.read { db in try Self.loadCase(db, id: id) }
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
        try await database.write { db in
            var c = try Self.loadCase(db, id: id)
            try check(c)
            try step(&c, Self.lookup(db, division: c.division))
            try Self.save(db, c, today: today, bases: bases)
            try Audit.record(db, by: actor, action: action, entity: "case", entityID: id, detail: c.history.last?.detail ?? "", at: now)
            return c
        }
    }

    private static func insert(_ db: Database, _ c: EnforcementCase, seq: Int, bases: (String) -> LegalBasis?) throws {
        try db.execute(
            sql: """
                INSERT INTO cases (id, seq, division, state, outcome, lead_id, joint_operation_id, next_due, record)
                VALUES (?, ?, ?, '', NULL, ?, ?, NULL, '')
                """,
            arguments: [c.id, seq, c.division.description, c.leadID, c.jointOperationID])
        for code in Set(c.violationCodes) {
            try db.execute(sql: "INSERT INTO case_violations (code, case_id) VALUES (?, ?)", arguments: [code, c.id])
        }
        try save(db, c, today: c.filedOn, bases: bases)
    }

    private static func save(_ db: Database, _ c: EnforcementCase, today: CivilDate, bases: (String) -> LegalBasis?) throws {
        try db.execute(
            sql: "UPDATE cases SET state = ?, outcome = ?, next_due = ?, record = ? WHERE id = ?",
            arguments: [
                c.state.rawValue, c.decision?.outcome.rawValue, c.nextDeadline(asOf: today)?.deadline.dueDate.description, try StoredRecords.encode(c), c.id,
            ])
        var roles: [(String, String)] = c.investigators.map { ($0, "investigator") }
        roles += c.legalReviews.map { ($0.reviewerID, "legal_reviewer") }
        if let host = c.hearing?.hostID, !host.isEmpty { roles.append((host, "hearing_host")) }
        for (officer, role) in roles {
            try db.execute(
                sql: "INSERT OR IGNORE INTO case_officers (officer_id, case_id, role) VALUES (?, ?, ?)", arguments: [officer, c.id, role])
        }
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

    /// The cases the daily sweep looks at: those whose earliest open clock, when last saved, was due
    /// by `horizon` (a lower bound, so none due by then is missed; the caller recomputes).
    public func casesWithClocksDue(by horizon: CivilDate, reach: CaseReach) async throws -> [EnforcementCase] {
        var sql = Self.filter(reach, CaseFilter())
        sql.add("next_due IS NOT NULL AND next_due <= ?", [horizon.description])
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            try String.fetchAll(db, sql: "SELECT record FROM cases \(clause) ORDER BY next_due", arguments: arguments).map {
                try StoredRecords.decode(EnforcementCase.self, $0)
            }
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
