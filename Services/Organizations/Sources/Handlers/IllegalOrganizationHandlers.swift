import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// 非法社会组织: tip-offs, verification with evidence, outcomes, and the public 涉嫌 list batches.
extension OrganizationsHandler {
    public func recordTipOff(_ request: Civic_Organizations_V1_RecordTipOffRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_IllegalCaseResponse
    {
        var errors = ValidationErrors()
        let receivedOn = RequestFields.date(request.receivedOn, field: "received_on", into: &errors) ?? today()
        if receivedOn > today() { errors.add("received_on", "IN_THE_FUTURE", "received_on \(receivedOn) is after today (\(today()))") }
        let channel: TipOff.Channel? = WireEnum.domain(request.channel)
        if channel == nil {
            errors.add("channel", request.channel.rawValue == 0 ? "REQUIRED" : "UNKNOWN", "the channel the tip-off came by is required")
        }
        var division: DivisionCode?
        if request.division.isEmpty {
            errors.add("division", "REQUIRED", "the county where the group acts is required")
        } else if let code = try? DivisionCode(request.division) {
            if code.level == .county { division = code } else { errors.add("division", "NOT_A_COUNTY", "a county-level code, not \(code)") }
        } else {
            errors.add("division", "BAD_FORM", "a division code has 6 digits")
        }
        let tipOff = TipOff(receivedOn: receivedOn, channel: channel ?? .report, anonymous: request.anonymous, informant: request.informant)
        // The case's own checks (name, activities) run whatever else is wrong, so every problem is
        // answered at once.
        let placeholder = try DivisionCode("110000")
        do {
            _ = try IllegalOrganizationCase(
                id: "", nameUsed: request.nameUsed, activities: request.activities, division: division ?? placeholder, tipOff: tipOff)
        } catch let problems as ValidationErrors {
            for p in problems.details { errors.add(p.field, p.reason, p.description) }
        }
        try errors.check()
        let reach = try Caller(context).staffReach()
        guard let division else { throw errors }
        try reach.check(division, "division \(division)")
        let created = try await store.recordTipOff(by: context.auditActor) { id in
            try IllegalOrganizationCase(id: id, nameUsed: request.nameUsed, activities: request.activities, division: division, tipOff: tipOff)
        }
        let resembles = try await resemblances(of: created.nameUsed)
        return .with { $0.illegalCase = .init(created, informant: true, resembles: resembles) }
    }

    /// Registered bodies whose names `name` is or resembles: how a mimic name shows.
    func resemblances(of name: String) async throws -> [Civic_Organizations_V1_RegisterMatch] {
        let matches = try await names.query(name, limit: 20).filter { $0.tag == .organization }
        let bodies = try await store.summaries(ids: matches.map(\.id))
        return matches.compactMap { match in
            bodies[match.id].map { .init($0, similarity: Self.similarity(match.kind)) }
        }
    }

    /// Moves case `id` by `event`, for staff of the division where it acts.
    func illegalCaseStep(_ id: String, _ context: RPCContext, _ event: IllegalCaseEvent) async throws -> Civic_Organizations_V1_IllegalCaseResponse {
        let reach = try Caller(context).staffReach()
        let moved = try await store.stepIllegalCase(id: id, event: event, by: context.auditActor) { try reach.check($0.division, "case \($0.id)") }
        return .with { $0.illegalCase = .init(moved, informant: true) }
    }

    public func startIllegalCaseVerification(_ request: Civic_Organizations_V1_IllegalCaseStepRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_IllegalCaseResponse
    {
        try RequestFields.requireID(request.id)
        return try await illegalCaseStep(request.id, context, .startVerification(on: try day(request.on)))
    }

    public func addIllegalCaseEvidence(_ request: Civic_Organizations_V1_AddIllegalCaseEvidenceRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_IllegalCaseResponse
    {
        try RequestFields.requireID(request.id)
        let evidence = CaseEvidence(on: try day(request.on), description: request.description_p, by: actorName(context))
        return try await illegalCaseStep(request.id, context, .addEvidence(evidence))
    }

    public func closeIllegalCase(_ request: Civic_Organizations_V1_CloseIllegalCaseRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_IllegalCaseResponse
    {
        try RequestFields.requireID(request.id)
        let on = try day(request.on)
        let outcome: IllegalCaseOutcome = try WireEnum.required(request.outcome, field: "outcome")
        return try await illegalCaseStep(request.id, context, .close(on: on, outcome: outcome, detail: request.detail))
    }

    public func getIllegalCase(_ request: Civic_Organizations_V1_IllegalCaseStepRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_IllegalCaseResponse
    {
        try RequestFields.requireID(request.id)
        let reach = try Caller(context).staffReach()
        let found = try await store.illegalCase(id: request.id)
        try reach.check(found.division, "case \(found.id)")
        let resembles = try await resemblances(of: found.nameUsed)
        return .with { $0.illegalCase = .init(found, informant: true, resembles: resembles) }
    }

    public func listIllegalCases(_ request: Civic_Organizations_V1_ListIllegalCasesRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListIllegalCasesResponse
    {
        let within = try Caller(context).staffReach().listing(requested: request.within, field: "within")
        let state: IllegalCaseState? = try WireEnum.optional(request.state, field: "state")
        let outcome: IllegalCaseOutcome? = try WireEnum.optional(request.outcome, field: "outcome")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let found = try await store.illegalCases(within: within, state: state, outcome: outcome, offset: offset, limit: size)
        return .with {
            $0.cases = found.cases.map { .init($0, informant: false) }
            $0.page = .init(Page(items: found.cases, offset: offset, total: found.total))
        }
    }

    public func publishSuspectedList(_ request: Civic_Organizations_V1_PublishSuspectedListRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_SuspectedListResponse
    {
        guard let publisher = try DivisionReach.division(request.division, field: "division") else {
            throw DomainError.invalid("the publishing registrar's division is required", field: "division", reason: "REQUIRED")
        }
        let on = try day(request.publishedOn, field: "published_on")
        try Caller(context).staffReach().check(publisher, "division \(publisher)")
        let batch = try await store.publishSuspectedList(
            publisher: publisher, number: request.number, title: request.title, publishedOn: on, caseIDs: request.caseIds, by: context.auditActor)
        for entry in batch.entries { try await names.put(id: entry.caseID, name: entry.nameUsed, as: .suspectedIllegal) }
        return .with { $0.list = .init(batch) }
    }

    public func listSuspectedLists(_ request: Civic_Organizations_V1_ListSuspectedListsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListSuspectedListsResponse
    {
        let within = try DivisionReach.division(request.within, field: "within")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let found = try await store.suspectedLists(within: within, offset: offset, limit: size)
        return .with {
            $0.lists = found.lists.map(Civic_Organizations_V1_SuspectedList.init)
            $0.page = .init(Page(items: found.lists, offset: offset, total: found.total))
        }
    }
}

extension Civic_Organizations_V1_IllegalOrganizationCase {
    /// `informant` only where the caller may see it (one case, to staff), never in lists.
    init(_ c: IllegalOrganizationCase, informant: Bool, resembles: [Civic_Organizations_V1_RegisterMatch] = []) {
        self.init()
        id = c.id
        nameUsed = c.nameUsed
        activities = c.activities
        division = c.division.description
        receivedOn = c.tipOff.receivedOn.description
        channel = WireEnum.wire(c.tipOff.channel)
        anonymous = c.tipOff.anonymous
        if informant { self.informant = c.tipOff.informant }
        state = WireEnum.wire(c.state)
        verificationStartedOn = c.verificationStartedOn?.description ?? ""
        evidence = c.evidence.map { e in
            .with {
                $0.on = e.on.description; $0.description_p = e.description; $0.by = e.by
            }
        }
        if let o = c.outcome { outcome = WireEnum.wire(o) }
        closedOn = c.closedOn?.description ?? ""
        outcomeDetail = c.outcomeDetail
        publishedInBatch = c.publishedInBatch ?? ""
        self.resembles = resembles
    }
}

extension Civic_Organizations_V1_SuspectedList {
    init(_ batch: SuspectedListBatch) {
        self.init()
        division = batch.publisher?.description ?? ""
        number = batch.number
        title = batch.title
        publishedOn = batch.publishedOn.description
        entries = batch.entries.map { e in
            .with {
                $0.nameUsed = e.nameUsed; $0.division = e.division.description
            }
        }
    }
}
