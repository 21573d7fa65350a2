import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// 僵尸型社会组织清理: activities, campaigns, the scan that opens cases, and each case's steps.
extension OrganizationsHandler {
    public func recordActivity(_ request: Civic_Organizations_V1_RecordActivityRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_RecordActivityResponse
    {
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let heldOn = try day(request.heldOn, field: "held_on")
        let description = try RequestFields.required(request.description_p, field: "description", what: "what was held")
        if description.count > OrganizationRules.maxTextLength {
            throw DomainError.invalid("at most \(OrganizationRules.maxTextLength) characters", field: "description", reason: "TOO_LONG")
        }
        let caller = try Caller(context)
        if case .sponsor = caller { throw DomainError.permissionDenied("staff or the body itself record its activities") }
        let result = try await store.recordActivity(
            organizationID: request.organizationID, heldOn: heldOn, description: description, by: context.auditActor, check: { try caller.check($0) })
        return .with {
            $0.organizationID = result.organization.id
            $0.firstActivityOn = result.first.description
            $0.activities = Int32(result.count)
        }
    }

    public func createZombieCampaign(_ request: Civic_Organizations_V1_CreateZombieCampaignRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ZombieCampaignResponse
    {
        var errors = ValidationErrors()
        let starts = RequestFields.date(request.startsOn, field: "starts_on", into: &errors)
        let ends = RequestFields.date(request.endsOn, field: "ends_on", into: &errors)
        if request.startsOn.isEmpty { errors.add("starts_on", "REQUIRED", "the campaign's first day is required") }
        if request.endsOn.isEmpty { errors.add("ends_on", "REQUIRED", "the campaign's last day is required") }
        let campaign = ZombieCampaign(
            id: "-", name: request.name.trimmingCharacters(in: .whitespacesAndNewlines), startsOn: starts ?? today(), endsOn: ends ?? starts ?? today())
        // BEFORE_START only when both days were read.
        for p in campaign.problems().details where (starts != nil && ends != nil) || p.field != "ends_on" { errors.add(p.field, p.reason, p.description) }
        try errors.check()
        let reach = try Caller(context).staffReach()
        var scoped = campaign
        scoped.division = try reach.listing(requested: request.division, field: "division")
        let stored = try await store.createZombieCampaign(scoped, by: context.auditActor)
        return .with { $0.campaign = .init(stored) }
    }

    public func listZombieCampaigns(_ request: Civic_Organizations_V1_ListZombieCampaignsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListZombieCampaignsResponse
    {
        let within = try Caller(context).staffReach().listing(requested: request.within, field: "within")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let found = try await store.zombieCampaigns(within: within, offset: offset, limit: size)
        return .with {
            $0.campaigns = found.campaigns.map(Civic_Organizations_V1_ZombieCampaign.init)
            $0.page = .init(Page(items: found.campaigns, offset: offset, total: found.total))
        }
    }

    /// Campaign `id`, within the caller's reach.
    func reachableCampaign(_ id: String, _ context: RPCContext) async throws -> ZombieCampaign {
        try RequestFields.requireID(id)
        let reach = try Caller(context).staffReach()
        let campaign = try await store.zombieCampaign(id: id)
        if let mine = reach.division, !(campaign.division.map(mine.contains) ?? false) {
            throw DomainError.permissionDenied("campaign \(id) is outside the key's division")
        }
        return campaign
    }

    public func getZombieCampaign(_ request: Civic_Organizations_V1_GetZombieCampaignRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_GetZombieCampaignResponse
    {
        let asOf = try day(request.asOf, field: "as_of")
        let campaign = try await reachableCampaign(request.id, context)
        let summary = ZombieCampaignSummary(campaign: campaign, cases: try await store.zombieCases(campaignID: campaign.id), on: asOf)
        return .with {
            $0.campaign = .init(campaign)
            $0.summary = .init(summary)
        }
    }

    public func scanZombieCandidates(_ request: Civic_Organizations_V1_ScanZombieCandidatesRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ScanZombieCandidatesResponse
    {
        let on = try day(request.on)
        let campaign = try await reachableCampaign(request.campaignID, context)
        let rows = try await store.zombieScanRows(registrarsWithin: campaign.division)
        let credit = creditRules
        let facts = try rows.map { row in
            ZombieFacts(
                organization: row.organization, annualInspectionYears: row.annualInspectionYears, firstActivityOn: row.firstActivityOn,
                unreachable: try row.creditHistory.map { try credit.status(of: $0, on: on).isUnreachable } ?? false)
        }
        let candidates = zombieRules.candidates(facts, on: on)
        let bodies = Dictionary(uniqueKeysWithValues: rows.map { ($0.organization.id, $0.organization) })
        if request.dryRun {
            let drafts = try candidates.map { try ZombieCase(id: "-", campaignID: campaign.id, candidate: $0, openedOn: on) }
            return .with {
                $0.opened = drafts.map { d in .init(d, body: bodies[d.organizationID]!, today: today(), draft: true) }
                $0.scanned = Int32(rows.count)
            }
        }
        let result = try await store.openZombieCases(campaign: campaign, candidates: candidates, on: on, by: context.auditActor)
        return .with {
            $0.opened = result.opened.map { c in .init(c, body: bodies[c.organizationID]!, today: today()) }
            $0.alreadyOpen = Int32(result.alreadyOpen)
            $0.scanned = Int32(rows.count)
        }
    }

    public func listZombieCases(_ request: Civic_Organizations_V1_ListZombieCasesRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListZombieCasesResponse
    {
        let within = try Caller(context).staffReach().listing(requested: request.within, field: "within")
        let state: ZombieCaseState? = try WireEnum.optional(request.state, field: "state")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let found = try await store.zombieCases(
            campaignID: request.campaignID.isEmpty ? nil : request.campaignID, within: within, state: state,
            overdueOn: request.overdueOnly ? today() : nil, offset: offset, limit: size)
        return .with {
            $0.cases = found.cases.map { .init($0.zombieCase, body: $0.organization, today: today()) }
            $0.page = .init(Page(items: found.cases, offset: offset, total: found.total))
        }
    }

    public func getZombieCase(_ request: Civic_Organizations_V1_GetZombieCaseRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ZombieCaseResponse
    {
        try RequestFields.requireID(request.id)
        let caller = try Caller(context)
        _ = try caller.staffReach()
        let found = try await store.zombieCase(id: request.id)
        try caller.check(found.organization)
        return .with { $0.zombieCase = .init(found.zombieCase, body: found.organization, today: today()) }
    }

    public func stepZombieCase(_ request: Civic_Organizations_V1_StepZombieCaseRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ZombieCaseResponse
    {
        try RequestFields.requireID(request.id)
        let on = try day(request.on)
        let event: ZombieCaseEvent
        switch request.step {
        case .issueNotice(let notice):
            let service: NoticeService = try WireEnum.required(notice.service, field: "issue_notice.service")
            event = .issueNotice(
                on: on, document: notice.document, service: service, deadline: try RequestFields.optionalDate(notice.deadline, field: "deadline"))
        case .rectify(let step): event = .rectify(on: on, note: step.note)
        case .revoke(let step): event = .revoke(on: on, document: step.document)
        case .deregister(let step): event = .deregister(on: on, document: step.document)
        case .dismiss(let step): event = .dismiss(on: on, reason: step.reason)
        case nil: throw DomainError.invalid("one step is required", field: "step", reason: "REQUIRED")
        }
        let reach = try Caller(context).staffReach()
        let credit = creditRules
        let moved = try await store.stepZombieCase(
            id: request.id, event: event, rules: zombieRules, by: context.auditActor,
            check: { try reach.check($0.registrarDivision, "organization \($0.id)") }
        ) { history, c, document in
            // 撤销登记 is a penalty (社团条例 §30): the credit lists derive the serious listing from it.
            try credit.record(
                .penalty(
                    record: PenaltyRecord(
                        id: "p\(history.events.count + 1)", kind: .revocation, decidedOn: on, document: document, authority: "登记管理机关（\(c.id)）",
                        executedOn: on), on: on),
                in: &history)
        }
        return .with { $0.zombieCase = .init(moved.zombieCase, body: moved.organization, today: today()) }
    }
}

extension Civic_Organizations_V1_ZombieCampaign {
    init(_ c: ZombieCampaign) {
        self.init()
        id = c.id
        name = c.name
        division = c.division?.description ?? ""
        startsOn = c.startsOn.description
        endsOn = c.endsOn.description
    }
}

extension Civic_Organizations_V1_ZombieCase {
    /// `draft` (a dry run's) leaves the id empty.
    init(_ c: ZombieCase, body: Organization, today: CivilDate, draft: Bool = false) {
        self.init()
        id = draft ? "" : c.id
        organizationID = c.organizationID
        organizationName = body.name
        creditCode = body.creditCode
        campaignID = c.campaignID
        openedOn = c.openedOn.description
        triggers = c.triggers.map { WireEnum.wire($0) }
        missedYears = c.missedYears.map(Int32.init)
        activityWindowEnd = c.activityWindowEnd?.description ?? ""
        state = WireEnum.wire(c.state)
        if let n = c.notice {
            notice = .with {
                $0.issuedOn = n.issuedOn.description
                $0.deadline = n.deadline.description
                $0.deadlineProvisional = n.deadlineProvisional
                $0.document = n.document
                $0.service = WireEnum.wire(n.service)
            }
        }
        steps = c.steps.map { s in
            .with {
                $0.state = WireEnum.wire(s.state); $0.on = s.on.description; $0.document = s.document; $0.note = s.note
            }
        }
        showCauseOverdue = c.isShowCauseOverdue(on: today)
    }
}

extension Civic_Organizations_V1_ZombieCampaignSummary {
    init(_ s: ZombieCampaignSummary) {
        self.init()
        asOf = s.asOf.description
        candidates = Int32(s.candidates)
        byTrigger = ZombieTrigger.allCases.map { t in
            .with {
                $0.trigger = WireEnum.wire(t); $0.count = Int32(s.byTrigger[t] ?? 0)
            }
        }
        awaitingNotice = Int32(s.awaitingNotice)
        noticesIssued = Int32(s.noticesIssued)
        awaitingAnswer = Int32(s.awaitingAnswer)
        overdueShowCauses = Int32(s.overdueShowCauses)
        outcomes = ZombieCaseState.allCases.filter(\.isFinal).map { st in
            .with {
                $0.state = WireEnum.wire(st); $0.count = Int32(s.outcomes[st] ?? 0)
            }
        }
    }
}
