import AssistanceDomain
import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation

/// 集中供养 with eldercare (docs/FLOWS.md §4.7).
extension AssistanceHandler {
    public func requestPlacement(_ request: Civic_Assistance_V1_RequestPlacementRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_RequestPlacementResponse
    {
        let access = try AssistanceAccess(context)
        var errors = ValidationErrors()
        if request.applicationID.isEmpty { errors.add("application_id", "REQUIRED", "application_id is required") }
        _ = RequestFields.text(request.institutionID, field: "institution_id", max: 30, into: &errors)
        try errors.check()
        let day = today()
        let (message, duplicate) = try await store.requestPlacement(
            applicationID: request.applicationID, institutionID: request.institutionID.trimmingCharacters(in: .whitespaces), on: day,
            within: access.division, by: context.auditActor)
        return .with {
            $0.applicationID = request.applicationID
            $0.institutionID = request.institutionID
            $0.requestedOn = day.description
            $0.messageID = message.messageID
            $0.duplicate = duplicate
        }
    }

    /// The messages assistance takes from the other services (docs/FLOWS.md §4).
    public var flowAppliers: [FlowApplier] {
        let (options, calendar, limits, today) = (settings.options, calendar, settings.alerts, today)
        return [
            // eldercare → assistance: a 特困 resident admitted, discharged or dead.
            FlowApplier.of(Civic_Flows_V1_DestituteResidentChanged.self) { db, change, envelope in
                try AssistanceStore.applyResidentChanged(
                    db, change, options: options, calendar: calendar, limits: limits, receivedOn: today(), by: envelope.actor, now: Date())
            }
        ]
    }
}
