import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

/// The messages organizations sends enforcement (docs/FLOWS.md §4.5), written to its outbox in the
/// transaction of the change that causes them; each business key makes a message go once.
extension OrganizationsStore {
    /// A case closed BANNED (取缔) is a referral: the ban is enforcement's case.
    static func referIfBanned(_ db: Database, _ c: IllegalOrganizationCase, now: Date) throws {
        guard c.outcome == .banned, let closedOn = c.closedOn else { return }
        let referral = Civic_Flows_V1_IllegalOrganizationReferred.with {
            $0.caseID = c.id
            $0.nameUsed = c.nameUsed
            $0.activities = c.activities
            $0.division = c.division.description
            $0.evidence = c.evidence.map { "\($0.on) \($0.description)（\($0.by)）" }
            $0.closedOn = closedOn.description
        }
        try FlowOutbox.enqueue(
            db, to: "enforcement", referral, aggregate: "illegal-case:\(c.id)", idempotencyKey: "organizations-illegal:\(c.id)", now: now)
    }

    /// Refers a registered body's violation to enforcement (移送): one message per body and
    /// reference, audited `violation_referred`. Answers the outbox message (a second referral under
    /// the same reference is the first one). `check` sees the body first.
    public func referViolation(
        organizationID: String, reference: String, summary: String, evidence: String, violationCodes: [String], on day: CivilDate,
        by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Organization) throws -> Void
    ) async throws -> (organization: Organization, message: OutboundMessage, duplicate: Bool) {
        try await writes.write { db in
            guard let body = try Self.findOrganization(db, id: organizationID)?.organization else {
                throw DomainError.notFound("organization \(organizationID)")
            }
            try check(body)
            let referral = Civic_Flows_V1_OrganizationViolationReferred.with {
                $0.organizationID = body.id
                $0.creditCode = body.creditCode
                $0.name = body.name
                $0.division = body.registrarDivision.description
                $0.reference = reference
                $0.summary = summary
                $0.evidence = evidence
                $0.violationCodes = violationCodes
                $0.referredOn = day.description
            }
            let key = "organizations-violation:\(body.id):\(reference)"
            let already = try Outbox.contains(db, destination: "enforcement", idempotencyKey: key)
            let message = try FlowOutbox.enqueue(db, to: "enforcement", referral, aggregate: "organization:\(body.id)", idempotencyKey: key, now: now)
            if !already {
                try Audit.record(
                    db, by: actor, action: "violation_referred", entity: "organization", entityID: body.id, reason: reference, detail: summary, at: now)
            }
            return (body, message, already)
        }
    }
}

/// The messages organizations takes from the other services (docs/FLOWS.md §4), each applied in the
/// transaction that records it in the inbox.
extension OrganizationsStore {
    /// enforcement's penalty on an organization: one penalty in the credit history of the body with
    /// that credit code (its kind the decision's heaviest penalty, its amount the fine), recorded on
    /// `today` (never before the decision); the credit lists follow from it. An organization not
    /// registered here is answered "no organization" and nothing changes.
    static func applyPenaltyDecided(
        _ db: Database, _ penalty: Civic_Flows_V1_PenaltyDecided, rules: CreditListRules, today: CivilDate, by actor: AuditActor, now: Date
    ) throws -> String {
        guard let decided = CivilDate(penalty.decidedOn) else {
            throw DomainError.invalid("decided_on must be a date YYYY-MM-DD", field: "decided_on", reason: "INVALID")
        }
        guard let stored = try findOrganization(db, id: penalty.creditCode) else {
            return "no organization with credit code \(penalty.creditCode)"
        }
        var body = stored.organization
        // The heaviest penalty decided names the record (社团条例 §30's order, heaviest last).
        let order: [PenaltyKind] = [.warning, .confiscation, .fine, .activitiesSuspension, .revocation]
        guard let kind = order.last(where: { penalty.penalties.contains($0.rawValue) }) else {
            throw DomainError.invalid("no penalty a social organization receives in \(penalty.penalties)", field: "penalties", reason: "UNKNOWN")
        }
        var history = try loadCreditHistory(db, organizationID: body.id)
        let document = penaltyDocument(caseID: penalty.caseID)
        let record = PenaltyRecord(
            id: "p\(history.events.count + 1)", kind: kind, amount: Fen(Int(penalty.fineFen)), decidedOn: decided,
            document: document, authority: "民政综合执法 \(penalty.division)")
        let on = max(today, decided, history.events.last?.on ?? decided)
        try rules.record(.penalty(record: record, on: on), in: &history)
        try saveCreditHistory(db, history, of: body, now: now)
        try Audit.record(
            db, by: actor, action: "penalty_\(kind.rawValue)", entity: "organization", entityID: body.id, detail: "enforcement case \(penalty.caseID)", at: now)
        // 撤销登记 and 限期停止活动 change the body's status on the register (社团条例 §30).
        var result = "penalty \(record.id) on \(body.id)"
        let status: OrganizationStatus? =
            switch kind {
            case .revocation: .revoked
            case .activitiesSuspension: .activitiesSuspended
            default: nil
            }
        if let status, body.status != status, body.status.next.contains(status) {
            try body.move(to: status, on: max(on, body.history.last?.on ?? on), document: document, reason: "民政综合执法 \(penalty.caseID)")
            try saveStatus(db, body, stored, reason: "enforcement case \(penalty.caseID)", document: document, by: actor, now: now)
            result += ", \(status.rawValue)"
        }
        return result
    }

    /// enforcement's penalty revoked: the penalty recorded from its case is revoked in the credit
    /// history (the lists follow), and a status change it made is undone while it is still the
    /// body's latest. A penalty never recorded here (the body is not registered here) is answered
    /// so and nothing changes.
    static func applyPenaltyRevoked(
        _ db: Database, _ revoked: Civic_Flows_V1_PenaltyRevoked, rules: CreditListRules, today: CivilDate, by actor: AuditActor, now: Date
    ) throws -> String {
        let document = penaltyDocument(caseID: revoked.caseID)
        guard let stored = try findOrganization(db, id: revoked.creditCode) else {
            return "no organization with credit code \(revoked.creditCode)"
        }
        var body = stored.organization
        var history = try loadCreditHistory(db, organizationID: body.id)
        let recorded = history.events.compactMap { event -> PenaltyRecord? in
            if case .penalty(let record, _) = event, record.document == document { return record }
            return nil
        }
        guard let penalty = recorded.first else { return "no penalty from \(revoked.caseID) on \(body.id)" }
        let revokedOn = CivilDate(revoked.revokedOn) ?? today
        let on = max(today, revokedOn, history.events.last?.on ?? revokedOn)
        let reason = "\(revoked.revokedBy)：\(revoked.reason)"
        try rules.record(.penaltyRevoked(penaltyID: penalty.id, on: on, document: "\(document) 撤销", reason: reason), in: &history)
        try saveCreditHistory(db, history, of: body, now: now)
        try Audit.record(
            db, by: actor, action: "penalty_revoked", entity: "organization", entityID: body.id, reason: reason,
            detail: "enforcement case \(revoked.caseID)", at: now)
        var result = "penalty \(penalty.id) on \(body.id) revoked"
        if body.undoStatusChange(madeBy: document, on: on, reason: "处罚决定撤销 \(revoked.caseID)") {
            try saveStatus(db, body, stored, reason: "penalty revoked", document: document, by: actor, now: now)
            result += ", \(body.status.rawValue) again"
        }
        return result
    }

    /// Saves a status the flows changed, audited `status_<status>`.
    private static func saveStatus(
        _ db: Database, _ body: Organization, _ stored: StoredOrganization, reason: String, document: String, by actor: AuditActor, now: Date
    ) throws {
        try save(db, body, legalRepresentativeID: stored.legalRepresentativeID, now: now)
        try Audit.record(
            db, by: actor, action: "status_\(body.status.rawValue)", entity: "organization", entityID: body.id, reason: reason, detail: document, at: now)
    }

    /// How a penalty from enforcement is named in the credit history and the status history.
    static func penaltyDocument(caseID: String) -> String { "enforcement:\(caseID)" }
}
