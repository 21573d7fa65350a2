import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import EnforcementDomain
import Foundation
import GRDB

/// The messages enforcement sends the other services (docs/FLOWS.md §4), written to its outbox in
/// the transaction that saves the case. Called on every save: each message's business key makes
/// it go once.
extension EnforcementStore {
    /// Who hears of a penalty on an organization: the registers that may hold its credit code (a
    /// private eldercare institution is often a 民办非企业单位 too); each hears of its revocation too.
    static let penaltyRecipients = ["eldercare", "organizations"]

    static func announce(_ db: Database, _ c: EnforcementCase, bases: (String) -> LegalBasis?, now: Date) throws {
        guard case .organization(let creditCode, let name) = c.subject, let decision = c.decision, decision.outcome == .penalized,
            let penalty = decision.penalty
        else { return }
        let aggregate = "case:\(c.id)"
        let decided = Civic_Flows_V1_PenaltyDecided.with {
            $0.caseID = c.id
            $0.creditCode = creditCode
            $0.subjectName = name
            $0.division = c.division.description
            $0.penalties = penalty.penalties.sorted().map(\.rawValue)
            $0.fineFen = Int64(penalty.fine.fen)
            $0.decidedOn = decision.on.description
            $0.violationCodes = c.violationCodes
            $0.legalBases = c.violationCodes.map { code in bases(code).map { "\($0.law) \($0.article)" } ?? code }
        }
        for destination in penaltyRecipients {
            try FlowOutbox.enqueue(db, to: destination, decided, aggregate: aggregate, idempotencyKey: "enforcement-penalty:\(c.id)", now: now)
            if let revocation = c.revocation {
                let revoked = Civic_Flows_V1_PenaltyRevoked.with {
                    $0.caseID = c.id
                    $0.creditCode = creditCode
                    $0.revokedOn = revocation.on.description
                    $0.revokedBy = revocation.by
                    $0.reason = revocation.reason
                }
                try FlowOutbox.enqueue(
                    db, to: destination, revoked, aggregate: aggregate, idempotencyKey: "enforcement-penalty-revoked:\(c.id)", kind: .retraction, now: now)
            }
        }
    }
}
