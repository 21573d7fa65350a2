import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain

/// Translates civic.eldercare.v1 messages to the domain and back: each method parses its
/// request (RequestFields), calls one domain or store operation and maps the answer. No
/// rules live here.
public struct EldercareHandler: Civic_Eldercare_V1_EldercareServiceHandler {
    let store: EldercareStore
    let settings: EldercareSettings
    let today: @Sendable () -> CivilDate

    public init(store: EldercareStore, settings: EldercareSettings, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }) {
        self.store = store
        self.settings = settings
        self.today = today
    }

    /// The largest import file accepted.
    static let maxImportBytes = 8 << 20

    /// Where a list looks: `within` (a county or wider code, a street or township, a community or
    /// village) inside the key's division, or the key's division.
    func place(_ within: String, _ reach: DivisionReach, field: String = "within") throws -> EldercareStore.Place {
        switch within.utf8.count {
        case 9, 12:
            let code: LocalDivisionCode
            do {
                code = try LocalDivisionCode(within)
            } catch let error as DomainError {
                throw DomainError.invalid(error.message, field: field, reason: error.reason)
            }
            try reach.check(code.county, "\(field) \(within)")
            return .local(code)
        default:
            return .division(try reach.listing(requested: within, field: field))
        }
    }

    /// The institution an operator key is limited to (its subject); nil for every other caller.
    /// PERMISSION_DENIED for an operator key without one.
    static func operatedInstitution(_ context: RPCContext) throws -> String? {
        guard case .ownRecords(let subject) = context.scope.reach else { return nil }
        guard !subject.isEmpty else { throw DomainError.permissionDenied("this key names no institution") }
        return subject
    }

    /// A reason a change must give (audited).
    static func reason(_ text: String, field: String = "reason") throws -> String { try RequestFields.reason(text, field: field) }

    public func getHistory(_ request: Civic_Eldercare_V1_GetHistoryRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_GetHistoryResponse {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        switch request.entity {
        case "institution":
            try reach.check(try await store.institution(id: request.id).county, "institution \(request.id)")
        default:
            throw DomainError.invalid("entity is institution", field: "entity", reason: "UNKNOWN")
        }
        var response = Civic_Eldercare_V1_GetHistoryResponse()
        response.entries = try await store.history(entity: request.entity, id: request.id).map(Civic_Common_V1_AuditEntry.init)
        return response
    }
}
