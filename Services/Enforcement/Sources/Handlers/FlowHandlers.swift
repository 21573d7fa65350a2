import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import EnforcementDomain
import Foundation
import GRDB

/// The messages enforcement takes from the other services (docs/FLOWS.md), each applied once in
/// the transaction that records it in the inbox.
extension EnforcementHandler {
    public var flowAppliers: [FlowApplier] {
        [
            // eldercare → enforcement: a flagged finding becomes one lead (its business key is the
            // lead's reference, so the lead is never made twice).
            FlowApplier.of(Civic_Flows_V1_FindingReferred.self) { db, finding, envelope in
                guard let division = try DivisionReach.division(finding.division, field: "division") else {
                    throw DomainError.invalid("the finding names no county", field: "division", reason: "REQUIRED")
                }
                let reasons = finding.reasons.joined(separator: ", ")
                let basis = finding.legalBasis.joined(separator: "；")
                let summary = String(
                    "养老机构检查发现问题移送（\(finding.findingID)，\(finding.foundOn)，\(reasons)）。依据：\(basis)。\(finding.evidence)".prefix(2_000))
                let receivedOn = today()
                let (lead, _) = try EnforcementStore.insertLead(db, by: envelope.actor) { id in
                    try newLead(
                        id: id, division: division, source: .serviceReferral, referredBy: envelope.producer, reference: envelope.idempotencyKey,
                        subjectID: finding.creditCode, subjectName: finding.institutionName, summary: summary, receivedOn: receivedOn)
                }
                return "lead \(lead.id)"
            },
            // eldercare → enforcement: that finding revoked.
            FlowApplier.of(Civic_Flows_V1_FindingRetracted.self) { db, retracted, envelope in
                try EnforcementStore.retractReferral(
                    db, referredBy: envelope.producer, reference: "eldercare-finding:\(retracted.findingID)", reason: retracted.reason, on: today(),
                    by: envelope.actor)
            },
        ]
    }
}
