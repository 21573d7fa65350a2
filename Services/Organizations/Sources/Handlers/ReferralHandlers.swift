import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import OrganizationsDomain

/// 移送: what the registrar refers to 民政综合执法 (docs/FLOWS.md §4.5).
extension OrganizationsHandler {
    public func referViolation(_ request: Civic_Organizations_V1_ReferViolationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ReferViolationResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        var errors = ValidationErrors()
        let reference = RequestFields.text(request.reference, field: "reference", max: 100, into: &errors)
        let summary = RequestFields.text(request.summary, field: "summary", max: 2_000, into: &errors)
        let evidence = RequestFields.text(request.evidence, field: "evidence", max: 2_000, into: &errors)
        if request.violationCodes.count > 10 { errors.add("violation_codes", "TOO_MANY", "at most 10 codes") }
        if request.violationCodes.contains(where: { $0.count > 30 }) { errors.add("violation_codes", "TOO_LONG", "a code has at most 30 characters") }
        try errors.check()
        let day = today()
        let (body, message, duplicate) = try await store.referViolation(
            organizationID: request.organizationID, reference: reference, summary: summary, evidence: evidence, violationCodes: request.violationCodes,
            on: day, by: context.auditActor
        ) { body in
            try reach.check(body.registrarDivision, "organization \(body.id)")
            guard body.status.isActive else {
                throw DomainError(
                    .failedPrecondition, "organization \(body.id) is \(body.status.rawValue.uppercased()): refer what it did as an illegal organization",
                    problems: [FieldProblem(field: "status", reason: "INVALID_STATE", description: "the body is \(body.status.rawValue.uppercased())")])
            }
        }
        return .with {
            $0.organizationID = body.id
            $0.creditCode = body.creditCode
            $0.reference = reference
            $0.messageID = message.messageID
            $0.duplicate = duplicate
            $0.referredOn = day.description
        }
    }
}
