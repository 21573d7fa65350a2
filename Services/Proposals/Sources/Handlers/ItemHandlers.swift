import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import ProposalsDomain

/// 登记 and finding items: register, correct, get, list, export, the topic list.
extension ProposalsHandler {
    public func registerItem(_ request: Civic_Proposals_V1_RegisterItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_RegisterItemResponse {
        try requireOffice(context, "registering")
        let registration = ItemRegistration(request)
        try validator.validate(registration)
        let item = try await store.register(registration, by: context.auditActor)
        var response = Civic_Proposals_V1_RegisterItemResponse()
        response.item = Civic_Proposals_V1_Item(item, calendar: calendar)
        return response
    }

    /// Corrects the registration details (office staff), validated as at registration;
    /// a topic retired since may be kept.
    public func correctItem(_ request: Civic_Proposals_V1_CorrectItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "correcting an item")
        try RequestFields.requireID(request.id)
        let reason = try RequestFields.required(request.reason, field: "reason", what: "the reason for the correction")
        guard request.hasItem else { throw DomainError.invalid("item is required: the corrected registration", field: "item", reason: "REQUIRED") }
        let registration = ItemRegistration(request.item)
        let validator = validator
        return respond(
            try await store.correct(id: request.id, to: registration, reason: reason, by: context.auditActor) { current in
                do {
                    try validator.validate(registration, keptTopic: current.topic)
                } catch let errors as ValidationErrors {
                    throw errors.prefixed("item.")  // field paths as the request names them
                }
            }, context)
    }

    public func getItem(_ request: Civic_Proposals_V1_GetItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_GetItemResponse {
        let (item, view) = try await visibleItem(request.id, context)
        var response = Civic_Proposals_V1_GetItemResponse()
        response.item = Civic_Proposals_V1_Item(view.redacted(item), calendar: calendar)
        return response
    }

    public func listItems(_ request: Civic_Proposals_V1_ListItemsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListItemsResponse {
        let filter = try listFilter(request, context)
        let page = try await store.list(filter, pageSize: Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        let view = ItemVisibility(context.scope)
        var response = Civic_Proposals_V1_ListItemsResponse()
        response.items = page.items.map { Civic_Proposals_V1_Item(view.redacted($0), calendar: calendar) }
        response.page = .init(page)
        return response
    }

    /// The most items one ledger export holds: a county's or a ministry's year fits many
    /// times over, and the answer stays well inside the 4 MiB frame.
    static let exportLimit = 5_000

    /// 办理台账: the items `listItems` would give, every page, as CSV.
    public func exportItems(_ request: Civic_Proposals_V1_ListItemsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ExportItemsResponse {
        let filter = try listFilter(request, context)
        let (items, total) = try await store.all(filter, limit: Self.exportLimit)
        guard total <= Self.exportLimit else {
            throw DomainError.invalid(
                "\(total) items match; an export holds at most \(Self.exportLimit): narrow it (by year, kind, state, …)", reason: "TOO_MANY")
        }
        var response = Civic_Proposals_V1_ExportItemsResponse()
        response.csv = ItemLedger.csv(items, topicNames: validator.topics.codes, calendar: calendar)
        response.count = Int32(items.count)
        // Long titles and unit lists can make fewer rows too big for one answer (4 MiB frames).
        guard response.csv.utf8.count <= 3_500_000 else {
            throw DomainError.invalid(
                "the \(items.count) matching items make a ledger too large for one answer: narrow it (by year, kind, state, …)", reason: "TOO_MANY")
        }
        return response
    }

    /// The store's filter for a list or export request, within what the caller may see.
    func listFilter(_ request: Civic_Proposals_V1_ListItemsRequest, _ context: RPCContext) throws -> ProposalStore.ListFilter {
        var filter = ProposalStore.ListFilter()
        if request.year != 0 { filter.year = Int(request.year) }
        if request.kind != .unspecified {
            guard let kind = ItemKind(request.kind) else { throw DomainError.invalid("unknown kind", field: "kind", reason: "UNKNOWN") }
            filter.kind = kind
        }
        if !request.topic.isEmpty {
            guard validator.topics.contains(request.topic) else {
                throw DomainError.invalid("unknown topic \"\(request.topic)\"", field: "topic", reason: "UNKNOWN")
            }
            filter.topic = request.topic
        }
        if request.state != .unspecified {
            guard let state = ItemState(request.state) else { throw DomainError.invalid("unknown state", field: "state", reason: "UNKNOWN") }
            filter.state = state
        }
        if request.role != .unspecified {
            guard let role = HandlingRole(request.role) else { throw DomainError.invalid("unknown role", field: "role", reason: "UNKNOWN") }
            filter.role = role
        }
        let unit = request.unit.trimmingCharacters(in: .whitespaces)
        if !unit.isEmpty { filter.unit = unit }
        filter.keySupervisedOnly = request.keySupervisedOnly
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        if !query.isEmpty {
            guard query.count <= 100 else { throw DomainError.invalid("query is longer than 100 characters", field: "query", reason: "TOO_LONG") }
            filter.query = query
        }
        (filter.unit, filter.memberID) = try ItemVisibility(context.scope).listing(unit: filter.unit)
        return filter
    }

    public func listTopics(_ request: Civic_Proposals_V1_ListTopicsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListTopicsResponse {
        var response = Civic_Proposals_V1_ListTopicsResponse()
        response.topics = validator.topics.topics.map(Civic_Proposals_V1_Topic.init)
        return response
    }
}
