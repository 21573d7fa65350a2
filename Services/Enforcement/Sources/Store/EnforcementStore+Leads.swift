import CivicDomain
import CivicStorage
import EnforcementDomain
import Foundation
import GRDB

/// Leads (案件线索) and their verification.
extension EnforcementStore {
    /// Records a lead: `make` gets the new id ("L000001"…). A referral whose (referred_by,
    /// reference) was seen before answers that lead and stores nothing (`created` false).
    public func recordLead(
        by actor: AuditActor, now: Date = Date(), make: @escaping @Sendable (String) throws -> Lead
    ) async throws -> (lead: Lead, created: Bool) {
        try await writes.write { db in try Self.insertLead(db, by: actor, now: now, make: make) }
    }

    /// The same inside a transaction already open (a flow message's, docs/FLOWS.md).
    public static func insertLead(_ db: Database, by actor: AuditActor, now: Date = Date(), make: (String) throws -> Lead) throws -> (lead: Lead, created: Bool)
    {
        let seq = try StoredRecords.nextSeq(db, table: "leads")
        let lead = try make(StoredRecords.code("L", seq))
        if !lead.reference.isEmpty,
            let record = try String.fetchOne(
                db, sql: "SELECT record FROM leads WHERE referred_by = ? AND reference = ?", arguments: [lead.referredBy, lead.reference])
        {
            return (try StoredRecords.decode(Lead.self, record), false)
        }
        try db.execute(
            sql: """
                INSERT INTO leads (id, seq, division, state, source, referred_by, reference, due_date, record)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                lead.id, seq, lead.division.description, lead.state.rawValue, lead.source.rawValue, lead.referredBy, lead.reference,
                lead.verificationDue.dueDate.description, try StoredRecords.encode(lead),
            ])
        try Audit.record(
            db, by: actor, action: "record_lead", entity: "lead", entityID: lead.id, detail: "\(lead.source.rawValue) \(lead.referredBy)", at: now)
        return (lead, true)
    }

    /// A referral retracted by its referrer (a flow's RETRACTION): the lead is decided NOT_FILED
    /// with `reason` if it is still being verified; a lead already decided keeps its outcome and the
    /// retraction is audited on it. Answers what became of it.
    public static func retractReferral(_ db: Database, referredBy: String, reference: String, reason: String, on day: CivilDate, by actor: AuditActor)
        throws -> String
    {
        guard
            let record = try String.fetchOne(
                db, sql: "SELECT record FROM leads WHERE referred_by = ? AND reference = ?", arguments: [referredBy, reference])
        else { return "no lead for \(reference)" }
        var lead = try StoredRecords.decode(Lead.self, record)
        guard lead.state == .received else {
            try Audit.record(
                db, by: actor, action: "referral_retracted", entity: "lead", entityID: lead.id, reason: reason, detail: "after \(lead.state.rawValue)")
            return "lead \(lead.id) already \(lead.state.rawValue): the retraction is recorded"
        }
        try lead.decide(.notFiled, outcome: String("移送方撤回：\(reason)".prefix(500)), on: max(day, lead.receivedOn))
        try saveLead(db, lead)
        try Audit.record(db, by: actor, action: "referral_retracted", entity: "lead", entityID: lead.id, reason: reason, detail: "not filed")
        return "lead \(lead.id) not filed"
    }

    public func lead(id: String) async throws -> Lead {
        try pointReads.read { db in try Self.loadLead(db, id: id) }
    }

    static func loadLead(_ db: Database, id: String) throws -> Lead {
        guard let record = try String.fetchOne(db, sql: "SELECT record FROM leads WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no lead with id \(id)")
        }
        return try StoredRecords.decode(Lead.self, record)
    }

    static func saveLead(_ db: Database, _ lead: Lead) throws {
        try db.execute(
            sql: "UPDATE leads SET state = ?, due_date = ?, record = ? WHERE id = ?",
            arguments: [lead.state.rawValue, lead.verificationDue.dueDate.description, try StoredRecords.encode(lead), lead.id])
    }

    /// Changes lead `id` (`check` sees it first). Audited as `action`.
    public func stepLead(
        id: String, action: String, by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Lead) throws -> Void,
        change: @escaping @Sendable (inout Lead) throws -> Void
    ) async throws -> Lead {
        try await writes.write { db in
            var lead = try Self.loadLead(db, id: id)
            try check(lead)
            try change(&lead)
            try Self.saveLead(db, lead)
            try Audit.record(db, by: actor, action: action, entity: "lead", entityID: id, detail: "\(lead.state.rawValue) \(lead.outcome)", at: now)
            return lead
        }
    }

    /// Whom a lead list reaches: leads within a division, or one referrer's own.
    public enum LeadReach: Sendable {
        case within(DivisionCode?)
        case referredBy(String)
    }

    /// Leads newest first; `overdueOn` keeps those still received after their due date.
    public func leads(
        reach: LeadReach, state: LeadState?, source: LeadSource?, overdueOn: CivilDate?, offset: Int, limit: Int
    ) async throws -> (leads: [Lead], total: Int) {
        var sql = SQLFilter()
        switch reach {
        case .within(let division): sql.within(division)
        case .referredBy(let referrer): sql.add(referrer, "referred_by = ?") { $0 }
        }
        sql.add(state, "state = ?") { $0.rawValue }
        sql.add(source, "source = ?") { $0.rawValue }
        if let overdueOn {
            sql.add("state = ? AND due_date < ?", [LeadState.received.rawValue, overdueOn.description])
        }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM leads \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM leads \(clause) ORDER BY seq DESC LIMIT ? OFFSET ?", arguments: arguments + [limit, offset])
            return (try records.map { try StoredRecords.decode(Lead.self, $0) }, total)
        }
    }
}
