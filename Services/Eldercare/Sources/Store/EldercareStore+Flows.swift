import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation
import GRDB

/// The messages eldercare sends other services (docs/FLOWS.md), written to its outbox in the
/// transaction that makes the change.
extension EldercareStore {
    /// A finding flagged for referral becomes one lead at enforcement: queued when the finding is
    /// stored flagged (or first flagged, by the overdue sweep); its business key makes every later
    /// save a no-op.
    static func referIfFlagged(_ db: Database, _ finding: Finding, now: Date = Date()) throws {
        // A referred finding revoked: the referral is retracted (after it, in order).
        if finding.state == .revoked, let flag = finding.referral,
            try Outbox.contains(db, destination: "enforcement", idempotencyKey: flag.idempotencyKey)
        {
            let retracted = Civic_Flows_V1_FindingRetracted.with {
                $0.findingID = finding.id
                $0.reason = finding.revocationReason ?? ""
                $0.revokedOn = CivilDate.today(now).description
            }
            try FlowOutbox.enqueue(
                db, to: "enforcement", retracted, aggregate: "finding:\(finding.id)", idempotencyKey: "eldercare-finding-revoked:\(finding.id)",
                kind: .retraction, now: now)
            return
        }
        guard finding.isFlaggedForReferral, let flag = finding.referral else { return }
        // Inspections target registered institutions; anything else has no credit code to refer.
        guard let institution = try findInstitution(db, id: finding.targetID) else { return }
        let payload = Civic_Flows_V1_FindingReferred.with {
            $0.findingID = finding.id
            $0.inspectionID = finding.inspectionID
            $0.institutionID = institution.id
            $0.institutionName = institution.name
            $0.creditCode = institution.creditCode
            $0.division = institution.county.description
            $0.reasons = flag.reasons.map(\.rawValue)
            $0.legalBasis = flag.legalBasis
            $0.evidence = "检查项 \(finding.itemCode) \(finding.itemText)：\(finding.evidence)（整改期限 \(finding.deadline)）"
            $0.foundOn = finding.foundOn.description
        }
        try FlowOutbox.enqueue(db, to: "enforcement", payload, aggregate: "finding:\(finding.id)", idempotencyKey: flag.idempotencyKey, now: now)
    }
}

/// The messages eldercare takes from the other services (docs/FLOWS.md), each applied in the
/// transaction that records it in the inbox.
extension EldercareStore {
    /// enforcement's penalty on an organization: a PENALTY sanction on the institution with that
    /// credit code (grading blocked for 2 years), referenced by the case.
    static func applyPenaltyDecided(_ db: Database, _ penalty: Civic_Flows_V1_PenaltyDecided, by actor: AuditActor, now: Date) throws -> String {
        guard let day = CivilDate(penalty.decidedOn) else {
            throw DomainError.invalid("decided_on must be a date YYYY-MM-DD", field: "decided_on", reason: "INVALID")
        }
        guard let institution = try findInstitution(db, id: penalty.creditCode) else { return "no institution with credit code \(penalty.creditCode)" }
        _ = try insertSanction(
            db, institutionID: institution.id, Sanction(kind: .penalty, on: day, reference: "enforcement:\(penalty.caseID)"), by: actor, now: now)
        return "penalty on \(institution.id)"
    }

    /// That penalty revoked: it no longer blocks grading.
    static func applyPenaltyRevoked(_ db: Database, _ revoked: Civic_Flows_V1_PenaltyRevoked, by actor: AuditActor, now: Date) throws -> String {
        guard let day = CivilDate(revoked.revokedOn) else {
            throw DomainError.invalid("revoked_on must be a date YYYY-MM-DD", field: "revoked_on", reason: "INVALID")
        }
        guard let institution = try findInstitution(db, id: revoked.creditCode) else { return "no institution with credit code \(revoked.creditCode)" }
        _ = try insertSanction(
            db, institutionID: institution.id, Sanction(kind: .penaltyRevoked, on: day, reference: "enforcement:\(revoked.caseID)"), by: actor, now: now)
        return "penalty revoked on \(institution.id)"
    }
}
