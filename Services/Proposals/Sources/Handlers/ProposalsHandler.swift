import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import ProposalsDomain

/// Translates civic.proposals.v1 messages to the domain and back. No rules live here: each
/// method parses its request, makes one domain move or store call and maps the answer.
public struct ProposalsHandler: Civic_Proposals_V1_ProposalServiceHandler {
    let store: ProposalStore
    let validator: ItemValidator
    let calendar: WorkingCalendar
    let deadlines: ReplyDeadlines
    let today: @Sendable () -> CivilDate

    public init(
        store: ProposalStore, validator: ItemValidator = ItemValidator(), calendar: WorkingCalendar = .standard,
        deadlines: ReplyDeadlines = ReplyDeadlines(), today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }
    ) {
        self.store = store
        self.validator = validator
        self.calendar = calendar
        self.deadlines = deadlines
        self.today = today
    }
}

/// What every method shares: who may do what, dates, the item as the caller sees it.
extension ProposalsHandler {
    /// PERMISSION_DENIED for a unit's staff: `what` ("assigning") is the proposals office's work.
    func requireOffice(_ context: RPCContext, _ what: String) throws {
        try context.scope.requireBureau(what, office: "the proposals office")
    }

    /// For unit staff: the item must be assigned to their unit (as lead, when `leadOnly`).
    func requireUnit(of id: String, _ context: RPCContext, leadOnly: Bool) async throws {
        try RequestFields.requireID(id)  // an empty id is INVALID_ARGUMENT, not NOT_FOUND
        guard let unit = context.scope.unit else { return }
        try UnitAccess.check(unit, on: try await store.item(id: id), leadOnly: leadOnly)
    }

    /// The day something happened (`on`): today when empty. It may be entered late but never
    /// ahead: a future date would fake an on-time reply or a return in time.
    func eventDay(_ text: String) throws -> CivilDate {
        try RequestFields.date(text, field: "on", today: today(), notAfterToday: true)
    }

    /// The item `id` and how the caller sees it: INVALID_ARGUMENT for no id, NOT_FOUND for
    /// an unknown one, PERMISSION_DENIED for an item the caller may not see.
    func visibleItem(_ id: String, _ context: RPCContext) async throws -> (Item, ItemVisibility) {
        try RequestFields.requireID(id)
        let item = try await store.item(id: id)
        let view = ItemVisibility(context.scope)
        guard view.allows(item) else { throw DomainError.permissionDenied(view.refusal(id)) }
        return (item, view)
    }

    /// The item after a move, as the caller may see it.
    func respond(_ item: Item, _ context: RPCContext) -> Civic_Proposals_V1_ItemResponse {
        var response = Civic_Proposals_V1_ItemResponse()
        response.item = Civic_Proposals_V1_Item(ItemVisibility(context.scope).redacted(item), calendar: calendar)
        return response
    }

    /// Makes `move` on item `id` for the caller and answers with the item.
    func move(_ id: String, _ move: ItemMove, _ context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        respond(try await store.apply(move, to: id, by: context.auditActor), context)
    }

    /// A `year` request field: INVALID_ARGUMENT unless it is one the validator accepts.
    func requireYear(_ year: Int32) throws -> Int {
        guard validator.validYears.contains(Int(year)) else {
            throw DomainError.invalid("year is required (e.g. 2021)", field: "year", reason: "OUT_OF_RANGE")
        }
        return Int(year)
    }
}
