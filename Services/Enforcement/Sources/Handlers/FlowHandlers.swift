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
                let reasons = finding.reasons.joined(separator: ", ")
                let basis = finding.legalBasis.joined(separator: "；")
                return try referral(
                    db, envelope, division: finding.division, subjectID: finding.creditCode, subjectName: finding.institutionName,
                    summary: "养老机构检查发现问题移送（\(finding.findingID)，\(finding.foundOn)，\(reasons)）。依据：\(basis)。\(finding.evidence)")
            },
            // organizations → enforcement: a body banned (取缔) for acting without registration.
            FlowApplier.of(Civic_Flows_V1_IllegalOrganizationReferred.self) { db, illegal, envelope in
                try referral(
                    db, envelope, division: illegal.division, subjectID: "", subjectName: illegal.nameUsed, unregistered: true,
                    summary: "非法社会组织取缔移送（\(illegal.caseID)，\(illegal.closedOn)）。活动：\(illegal.activities)。证据：\(illegal.evidence.joined(separator: "；"))")
            },
            // organizations → enforcement: a registered body's violation.
            FlowApplier.of(Civic_Flows_V1_OrganizationViolationReferred.self) { db, violation, envelope in
                let codes = violation.violationCodes.isEmpty ? "" : "建议依据：\(violation.violationCodes.joined(separator: "、"))。"
                return try referral(
                    db, envelope, division: violation.division, subjectID: violation.creditCode, subjectName: violation.name,
                    summary: "社会组织违法行为移送（\(violation.reference)，\(violation.referredOn)）。\(violation.summary)。\(codes)证据：\(violation.evidence)")
            },
            // assistance → enforcement: benefit obtained by fraud, the amount obtained the fine base.
            FlowApplier.of(Civic_Flows_V1_BenefitFraudReferred.self) { db, fraud, envelope in
                guard fraud.amountObtainedFen > 0 else {
                    throw DomainError.invalid("the amount obtained is positive", field: "amount_obtained_fen", reason: "NOT_POSITIVE")
                }
                let amount = Fen(Int(fraud.amountObtainedFen))
                return try referral(
                    db, envelope, division: fraud.division, subjectID: fraud.personID, subjectName: fraud.personName,
                    summary:
                        "骗取社会救助移送（\(fraud.findingID)，户 \(fraud.householdID)，\(fraud.obtainedFrom)—\(fraud.obtainedThrough)，骗取 \(amount) 元）。\(fraud.evidence)",
                    amountObtained: amount)
            },
            // eldercare → enforcement: that finding revoked.
            FlowApplier.of(Civic_Flows_V1_FindingRetracted.self) { db, retracted, envelope in
                try EnforcementStore.retractReferral(
                    db, referredBy: envelope.producer, reference: "eldercare-finding:\(retracted.findingID)", reason: retracted.reason, on: today(),
                    by: envelope.actor)
            },
        ]
    }

    /// A referral from another service made one lead (its business key the lead's reference, so it
    /// is never made twice), verified by the county's squad: "lead L…". A county or subject the
    /// lead cannot take is refused (INVALID_ARGUMENT: held DEAD at the producer).
    func referral(
        _ db: Database, _ envelope: Civic_Flows_V1_Envelope, division: String, subjectID: String, subjectName: String, unregistered: Bool = false,
        summary: String, amountObtained: Fen? = nil
    ) throws -> String {
        guard let division = try DivisionReach.division(division, field: "division") else {
            throw DomainError.invalid("the referral names no county", field: "division", reason: "REQUIRED")
        }
        let receivedOn = today()
        let (lead, _) = try EnforcementStore.insertLead(db, by: envelope.actor) { id in
            try newLead(
                id: id, division: division, source: .serviceReferral, referredBy: envelope.producer, reference: envelope.idempotencyKey,
                subjectID: subjectID, subjectName: subjectName, unregistered: unregistered, summary: String(summary.prefix(2_000)), receivedOn: receivedOn,
                amountObtained: amountObtained)
        }
        return "lead \(lead.id)"
    }
}
