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
        guard finding.isFlaggedForReferral, let flag = finding.referral else { return }
        // Inspections target registered institutions; anything else has no credit code to refer.
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM institutions WHERE id = ?", arguments: [finding.targetID]) != nil else { return }
        let institution = try loadInstitution(db, id: finding.targetID)
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
