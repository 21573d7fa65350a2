import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import ProposalsDomain

/// Translates civic.proposals.v1 messages to the domain and back. No rules live here.
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

    static func registration(_ request: Civic_Proposals_V1_RegisterItemRequest) -> ItemRegistration {
        ItemRegistration(
            kind: ItemKind(request.kind), year: Int(request.year), session: request.session, number: request.number,
            title: request.title, body: request.body,
            proposers: request.proposers.map { Proposer(name: $0.name, lead: $0.lead, delegation: $0.delegation, contact: $0.contact, memberID: $0.memberID) },
            topic: request.topic, keySupervised: request.keySupervised)
    }

    public func registerItem(_ request: Civic_Proposals_V1_RegisterItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_RegisterItemResponse {
        try requireOffice(context, "registering")
        let registration = Self.registration(request)
        try validator.validate(registration)
        let item = try await store.register(registration, by: .init(id: context.actorID, requestID: context.requestID))
        var response = Civic_Proposals_V1_RegisterItemResponse()
        response.item = Civic_Proposals_V1_Item(item)
        return response
    }

    /// Corrects the registration details (office staff), validated as at registration;
    /// a topic retired since may be kept.
    public func correctItem(_ request: Civic_Proposals_V1_CorrectItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "correcting an item")
        try requireID(request.id)
        let reason = try required(request.reason, "reason", "the reason for the correction")
        guard request.hasItem else { throw RPCError.invalidArgument("item is required: the corrected registration", field: "item", reason: "REQUIRED") }
        let registration = Self.registration(request.item)
        let validator = validator
        return respond(try await store.correct(id: request.id, to: registration, reason: reason, by: actor(context)) { current in
            do {
                try validator.validate(registration, keptTopic: current.topic)
            } catch let errors as ValidationErrors {
                throw errors.prefixed("item.")  // field paths as the request names them
            }
        }, context)
    }

    public func listKeyGroups(_ request: Civic_Proposals_V1_ListKeyGroupsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListKeyGroupsResponse {
        guard validator.validYears.contains(Int(request.year)) else {
            throw RPCError.invalidArgument("year is required (e.g. 2021)", field: "year", reason: "OUT_OF_RANGE")
        }
        var response = Civic_Proposals_V1_ListKeyGroupsResponse()
        response.groups = try await store.keyGroups(year: Int(request.year)).map { group in
            var line = Civic_Proposals_V1_KeyGroup()
            line.id = group.id
            line.year = request.year
            line.name = group.name
            line.itemIds = group.itemIDs
            return line
        }
        return response
    }

    public func getItem(_ request: Civic_Proposals_V1_GetItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_GetItemResponse {
        let (item, view) = try await visibleItem(request.id, context)
        var response = Civic_Proposals_V1_GetItemResponse()
        response.item = Civic_Proposals_V1_Item(view.redacted(item))
        return response
    }

    public func listItems(_ request: Civic_Proposals_V1_ListItemsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListItemsResponse {
        let filter = try listFilter(request, context)
        let page = try await store.list(filter, pageSize: Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Proposals_V1_ListItemsResponse()
        let view = visibility(context)
        response.items = page.items.map { Civic_Proposals_V1_Item(view.redacted($0)) }
        response.page.nextPageToken = page.nextPageToken
        response.page.totalCount = Int64(page.totalCount)
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
            throw RPCError.invalidArgument("\(total) items match; an export holds at most \(Self.exportLimit): narrow it (by year, kind, state, …)", reason: "TOO_MANY")
        }
        var response = Civic_Proposals_V1_ExportItemsResponse()
        response.csv = ItemLedger.csv(items, topicNames: validator.topics.codes)
        response.count = Int32(items.count)
        // Long titles and unit lists can make fewer rows too big for one answer (4 MiB frames).
        guard response.csv.utf8.count <= 3_500_000 else {
            throw RPCError.invalidArgument("the \(items.count) matching items make a ledger too large for one answer: narrow it (by year, kind, state, …)", reason: "TOO_MANY")
        }
        return response
    }

    /// The store's filter for a list or export request, within what the caller may see.
    func listFilter(_ request: Civic_Proposals_V1_ListItemsRequest, _ context: RPCContext) throws -> ProposalStore.ListFilter {
        var filter = ProposalStore.ListFilter()
        if request.year != 0 { filter.year = Int(request.year) }
        if request.kind != .unspecified {
            guard let kind = ItemKind(request.kind) else { throw RPCError.invalidArgument("unknown kind", field: "kind", reason: "UNKNOWN") }
            filter.kind = kind
        }
        if !request.topic.isEmpty {
            guard validator.topics.contains(request.topic) else {
                throw RPCError.invalidArgument("unknown topic \"\(request.topic)\"", field: "topic", reason: "UNKNOWN")
            }
            filter.topic = request.topic
        }
        if request.state != .unspecified {
            guard let state = ItemState(request.state) else { throw RPCError.invalidArgument("unknown state", field: "state", reason: "UNKNOWN") }
            filter.state = state
        }
        if request.role != .unspecified {
            guard let role = HandlingRole(request.role) else { throw RPCError.invalidArgument("unknown role", field: "role", reason: "UNKNOWN") }
            filter.role = role
        }
        let unit = request.unit.trimmingCharacters(in: .whitespaces)
        if !unit.isEmpty { filter.unit = unit }
        filter.keySupervisedOnly = request.keySupervisedOnly
        let query = request.query.trimmingCharacters(in: .whitespacesAndNewlines)
        if !query.isEmpty {
            guard query.count <= 100 else { throw RPCError.invalidArgument("query is longer than 100 characters", field: "query", reason: "TOO_LONG") }
            filter.query = query
        }
        switch visibility(context) {
        case .all: break
        case .assignedTo(let own):
            // Unit staff list their own unit's items only.
            if let asked = filter.unit, asked != own {
                throw RPCError.permissionDenied("\(own) lists its own items, not \(asked)'s")
            }
            filter.unit = own
        case .proposedBy(let memberID):
            filter.memberID = memberID
            filter.unit = nil  // internal units are not shown to deputies, nor searched for them
        }
        return filter
    }
}

extension ProposalsHandler {
    /// The item `id` and how the caller sees it: INVALID_ARGUMENT for no id, NOT_FOUND for
    /// an unknown one, PERMISSION_DENIED for an item the caller may not see.
    func visibleItem(_ id: String, _ context: RPCContext) async throws -> (Item, ItemVisibility) {
        try requireID(id)
        let item = try await store.item(id: id)
        let view = visibility(context)
        guard view.allows(item) else { throw RPCError.permissionDenied(view.refusal(id)) }
        return (item, view)
    }

    /// What the caller may see, from the principal the gateway sealed. A call with no
    /// principal comes from inside the bureau's network without the gateway (tests, local
    /// tools); when the service runs with an internal key such calls never get this far.
    func visibility(_ context: RPCContext) -> ItemVisibility {
        guard let principal = context.principal else { return .all }
        if case .unit(let unit) = scope(context) { return .assignedTo(unit: unit) }
        if principal.has(.admin) || principal.has(.staff) || principal.has(.leader) || principal.has(.service) { return .all }
        // A deputy, or anyone else the policy let through: only items they proposed.
        return .proposedBy(memberID: principal.subject.isEmpty ? "\u{0}" : principal.subject)
    }
}

extension ItemKind {
    init?(_ proto: Civic_Proposals_V1_ItemKind) {
        switch proto {
        case .npcSuggestion: self = .npcSuggestion
        case .cppccProposal: self = .cppccProposal
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_ItemKind {
        switch self {
        case .npcSuggestion: .npcSuggestion
        case .cppccProposal: .cppccProposal
        }
    }
}

extension ItemState {
    init?(_ proto: Civic_Proposals_V1_ItemState) {
        guard let state = ItemState.allCases.first(where: { $0.proto == proto }) else { return nil }
        self = state
    }

    var proto: Civic_Proposals_V1_ItemState {
        switch self {
        case .registered: .registered
        case .assigned: .assigned
        case .returned: .returned
        case .acknowledged: .acknowledged
        case .handling: .handling
        case .drafted: .drafted
        case .sectionSigned: .sectionSigned
        case .signedOff: .signedOff
        case .reported: .reported
        case .replied: .replied
        case .implementing: .implementing
        case .published: .published
        case .reopened: .reopened
        }
    }
}

extension Civic_Proposals_V1_Item {
    init(_ item: Item) {
        self.init()
        id = item.id
        kind = item.kind.proto
        year = Int32(item.year)
        session = item.session
        number = item.number
        title = item.title
        body = item.body
        proposers = item.proposers.map { p in
            var proposer = Civic_Proposals_V1_Proposer()
            proposer.name = p.name
            proposer.lead = p.lead
            proposer.delegation = p.delegation
            proposer.contact = p.contact
            proposer.memberID = p.memberID
            return proposer
        }
        topic = item.topic
        keySupervised = item.keySupervised
        state = item.state.proto
        registeredAt = item.registeredAt
        registeredBy = item.registeredBy
        role = item.role?.proto ?? .unspecified
        units = item.units.map { unit in
            var assignment = Civic_Proposals_V1_UnitAssignment()
            assignment.unit = unit.unit
            assignment.role = unit.role.proto
            assignment.opinionDue = unit.opinionDue?.description ?? ""
            assignment.opinion = unit.opinion
            assignment.opinionOn = unit.opinionOn?.description ?? ""
            assignment.opinionOnTime = unit.opinionOnTime ?? false
            return assignment
        }
        complex = item.complex
        assignedOn = item.assignedOn?.description ?? ""
        answerDue = item.answerDue?.description ?? ""
        returnWindowEnds = item.returnWindowEnds?.description ?? ""
        urgeCount = Int32(item.urgeCount)
        metFaceToFace = item.metFaceToFace
        draftText = item.draftText
        result = item.result?.proto ?? .unspecified
        adoption = item.adoption?.proto ?? .unspecified
        replyText = item.replyText
        repliedOn = item.repliedOn?.description ?? ""
        answeredOnTime = item.answeredOnTime
        publicationDue = item.publicationDue?.description ?? ""
        publishedOn = item.publishedOn?.description ?? ""
        satisfaction = item.satisfaction?.proto ?? .unspecified
        keyGroupID = item.keyGroupID ?? ""
        publishedText = item.publishedText
    }
}
