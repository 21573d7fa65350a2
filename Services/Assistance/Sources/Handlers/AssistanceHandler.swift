import AssistanceDomain
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation

/// Translates civic.assistance.v1 messages to the domain and back: each method parses its
/// request, calls one domain or store operation and maps the answer. No rules live here.
public struct AssistanceHandler: Civic_Assistance_V1_AssistanceServiceHandler {
    let store: AssistanceStore
    let settings: AssistanceSettings
    let today: @Sendable () -> CivilDate

    public init(store: AssistanceStore, settings: AssistanceSettings, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }) {
        self.store = store
        self.settings = settings
        self.today = today
    }

    var calendar: WorkingCalendar { settings.calendar.calendar }
}

/// Who reaches which records (docs/ACCESS.md, OWN_DIVISION): a key with a division code reaches
/// the households and applications of that division and the divisions in it; ID numbers and bank
/// accounts are shown in full only to the case worker on the household's file (a staff key
/// whose subject is the household's case worker).
struct AssistanceAccess {
    let scope: CallerScope
    let reach: DivisionReach
    /// The caller's division; nil for all divisions.
    var division: DivisionCode? { reach.division }

    init(_ context: RPCContext) throws {
        scope = context.scope
        reach = try DivisionReach(scope)
    }

    /// PERMISSION_DENIED for a record outside the caller's division.
    func check(_ recordDivision: DivisionCode, _ what: String) throws { try reach.check(recordDivision, what) }

    /// An optional division filter: nil when empty, INVALID_ARGUMENT (field `field`) when malformed.
    static func division(_ text: String, field: String = "division") throws -> DivisionCode? { try DivisionReach.division(text, field: field) }

    /// The division a list reaches: the one requested (which must lie within the caller's), or the caller's.
    func listing(requested text: String, field: String = "division") throws -> DivisionCode? { try reach.listing(requested: text, field: field) }

    /// Whether a record in `recordDivision` is within the caller's reach.
    func reaches(_ recordDivision: DivisionCode) -> Bool { reach.reaches(recordDivision) }

    /// The case worker on the file sees identifiers in full; everyone else masked.
    func view(of household: Household) -> RecordView {
        RecordView(fullIdentifiers: !household.caseWorker.isEmpty && scope.unit == household.caseWorker)
    }

    /// Who acts, for maker-checker: the key's subject (the case worker) or else its id.
    static func person(_ context: RPCContext) -> String {
        if let subject = context.principal?.subject, !subject.isEmpty { return subject }
        return context.auditActor.id
    }
}

extension AssistanceHandler {
    /// A benefit month "YYYY-MM"; the current month when empty.
    func month(_ text: String, field: String = "month") throws -> BenefitMonth {
        if text.isEmpty { return BenefitMonth(containing: today()) }
        guard let month = BenefitMonth(text) else {
            throw DomainError.invalid("\(field) must be a month YYYY-MM", field: field, reason: "INVALID")
        }
        return month
    }

    func history(_ request: Civic_Assistance_V1_GetHistoryRequest, _ context: RPCContext) async throws -> [AuditEntry] {
        let access = try AssistanceAccess(context)
        try RequestFields.requireID(request.id)
        switch request.entity {
        case "household":
            try access.check(try await store.household(id: request.id).division, "household \(request.id)")
        case "application":
            try access.check(try await store.application(id: request.id).division, "application \(request.id)")
        default:
            throw DomainError.invalid("entity is household or application", field: "entity", reason: "UNKNOWN")
        }
        return try await store.history(entity: request.entity, id: request.id)
    }

    public func getHistory(_ request: Civic_Assistance_V1_GetHistoryRequest, context: RPCContext) async throws -> Civic_Assistance_V1_GetHistoryResponse {
        var response = Civic_Assistance_V1_GetHistoryResponse()
        response.entries = try await history(request, context).map(Civic_Common_V1_AuditEntry.init)
        return response
    }
}
