import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

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
        guard let body = try findOrganization(db, id: penalty.creditCode)?.organization else {
            return "no organization with credit code \(penalty.creditCode)"
        }
        // The heaviest penalty decided names the record (社团条例 §30's order, heaviest last).
        let order: [PenaltyKind] = [.warning, .confiscation, .fine, .activitiesSuspension, .revocation]
        guard let kind = order.last(where: { penalty.penalties.contains($0.rawValue) }) else {
            throw DomainError.invalid("no penalty a social organization receives in \(penalty.penalties)", field: "penalties", reason: "UNKNOWN")
        }
        var history = try loadCreditHistory(db, organizationID: body.id)
        let record = PenaltyRecord(
            id: "p\(history.events.count + 1)", kind: kind, amount: Fen(Int(penalty.fineFen)), decidedOn: decided,
            document: "enforcement:\(penalty.caseID)", authority: "民政综合执法 \(penalty.division)")
        let on = max(today, decided, history.events.last?.on ?? decided)
        try rules.record(.penalty(record: record, on: on), in: &history)
        try saveCreditHistory(db, history, of: body, now: now)
        try Audit.record(
            db, by: actor, action: "penalty_\(kind.rawValue)", entity: "organization", entityID: body.id, detail: "enforcement case \(penalty.caseID)", at: now)
        return "penalty \(record.id) on \(body.id)"
    }
}
