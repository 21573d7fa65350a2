import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// 信用管理 (令60号): events on a body's credit history, penalties, where it stands, and the lists.
extension OrganizationsHandler {
    public func recordCreditEvent(_ request: Civic_Organizations_V1_RecordCreditEventRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_CreditStatusResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        guard let event = request.event else { throw DomainError.invalid("name the event", field: "event", reason: "REQUIRED") }
        let on = try day(request.on)
        let make: @Sendable (_ next: Int) throws -> CreditEvent
        switch event {
        case .abnormalGround(let e):
            let ground: AbnormalGround = try WireEnum.required(e.ground, field: "abnormal_ground.ground")
            make = { .abnormalGround(id: "g\($0)", ground: ground, on: on, evidence: e.evidence, document: e.document) }
        case .fixVerified(let e): make = { _ in .fixVerified(groundID: e.groundID, on: on, note: e.note) }
        case .abnormalRemoved(let e): make = { _ in .abnormalRemoved(on: on, document: e.document) }
        case .seriousGround(let e):
            let ground: SeriousGround = try WireEnum.required(e.ground, field: "serious_ground.ground")
            make = { .seriousGround(id: "s\($0)", ground: ground, on: on, evidence: e.evidence, document: e.document) }
        case .letterSent(let e): make = { .letterSent(id: "l\($0)", on: on, trackingNumber: e.trackingNumber) }
        case .letterSigned(let id): make = { _ in .letterSigned(id: id, on: on) }
        case .letterReturned(let id): make = { _ in .letterReturned(id: id, on: on) }
        case .penaltyRevoked(let e): make = { _ in .penaltyRevoked(penaltyID: e.penaltyID, on: on, document: e.document, reason: e.reason) }
        }
        return try await recordCredit(request.organizationID, context, reach: reach, action: "credit_\(Self.eventName(event))", make: make)
    }

    static func eventName(_ event: Civic_Organizations_V1_RecordCreditEventRequest.OneOf_Event) -> String {
        switch event {
        case .abnormalGround: "abnormal_ground"
        case .fixVerified: "fix_verified"
        case .abnormalRemoved: "abnormal_removed"
        case .seriousGround: "serious_ground"
        case .letterSent: "letter_sent"
        case .letterSigned: "letter_signed"
        case .letterReturned: "letter_returned"
        case .penaltyRevoked: "penalty_revoked"
        }
    }

    /// Records the event `make` builds (given the next event number, for its id) on the body's history.
    func recordCredit(
        _ organizationID: String, _ context: RPCContext, reach: DivisionReach, action: String, make: @escaping @Sendable (Int) throws -> CreditEvent
    ) async throws -> Civic_Organizations_V1_CreditStatusResponse {
        let rules = creditRules
        let day = today()
        let result = try await store.recordCredit(
            organizationID: organizationID, action: action, detail: "", by: context.auditActor,
            check: { try reach.check($0.registrarDivision, "organization \(organizationID)") }
        ) { history in
            try rules.record(try make(history.events.count + 1), in: &history)
        }
        let status = try rules.status(of: result.history, on: max(day, result.history.events.last?.on ?? day))
        return .with { $0.status = .init(result.organization, status) }
    }

    public func recordPenalty(_ request: Civic_Organizations_V1_RecordPenaltyRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_CreditStatusResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        guard request.hasPenalty else { throw DomainError.invalid("penalty is required", field: "penalty", reason: "REQUIRED") }
        let input = request.penalty
        var errors = ValidationErrors()
        let kind: PenaltyKind? = errors.collect("penalty.kind") { try WireEnum.required(input.kind, field: "penalty.kind") }
        let decided = RequestFields.requiredDate(input.decidedOn, field: "penalty.decided_on", into: &errors)
        let executed = RequestFields.date(input.executedOn, field: "penalty.executed_on", into: &errors)
        if input.amountFen < 0 { errors.add("penalty.amount_fen", "NEGATIVE", "an amount cannot be negative") }
        try errors.check()
        guard let kind, let decided else { throw errors }
        let on = try day(request.on)
        return try await recordCredit(request.organizationID, context, reach: reach, action: "penalty_\(kind.rawValue)") { next in
            .penalty(
                record: PenaltyRecord(
                    id: "p\(next)", kind: kind, amount: Fen(Int(input.amountFen)), decidedOn: decided, document: input.document, authority: input.authority,
                    executedOn: executed),
                on: on)
        }
    }

    public func recordPenaltyExecution(_ request: Civic_Organizations_V1_RecordPenaltyExecutionRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_CreditStatusResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        try RequestFields.requireID(request.penaltyID, field: "penalty_id")
        let on = try day(request.on)
        let id = request.penaltyID
        return try await recordCredit(request.organizationID, context, reach: reach, action: "penalty_executed") { _ in
            .penaltyExecuted(penaltyID: id, on: on)
        }
    }

    public func getCreditStatus(_ request: Civic_Organizations_V1_GetCreditStatusRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_CreditStatusResponse
    {
        let caller = try Caller(context)
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let asOf = try RequestFields.date(request.asOf, field: "as_of", today: today(), notAfterToday: true)
        let found = try await store.creditHistory(organizationID: request.organizationID)
        try caller.check(found.organization)
        let status = try creditRules.status(of: found.history, on: asOf)
        return .with { $0.status = .init(found.organization, status) }
    }

    public func listCreditListings(_ request: Civic_Organizations_V1_ListCreditListingsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListCreditListingsResponse
    {
        let reach = try Caller(context).staffReach()
        return try await listings(request, within: try reach.listing(requested: request.within, field: "within"), withEvidence: true)
    }

    public func listPublicCreditListings(_ request: Civic_Organizations_V1_ListCreditListingsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListCreditListingsResponse
    {
        try await listings(request, within: try DivisionReach.division(request.within, field: "within"), withEvidence: false)
    }

    /// The bodies on `request.list` on its day, replayed from their histories.
    func listings(_ request: Civic_Organizations_V1_ListCreditListingsRequest, within: DivisionCode?, withEvidence: Bool) async throws
        -> Civic_Organizations_V1_ListCreditListingsResponse
    {
        let list: CreditList = try WireEnum.required(request.list, field: "list")
        let asOf = try RequestFields.date(request.asOf, field: "as_of", today: today(), notAfterToday: true)
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let rules = creditRules
        var listed: [Civic_Organizations_V1_ListedOrganization] = []
        for (body, history) in try await store.creditHistories(registrarsWithin: within) {
            let status = try rules.status(of: history, on: asOf)
            let listing: Civic_Organizations_V1_CreditListing? =
                switch list {
                case .abnormal: status.abnormal.map { .init($0, withEvidence: withEvidence) }
                case .serious: status.serious.map { .init($0, withEvidence: withEvidence) }
                }
            guard let listing else { continue }
            listed.append(
                .with {
                    $0.organizationID = body.id
                    $0.organizationName = body.name
                    $0.creditCode = body.creditCode
                    $0.listing = listing
                })
        }
        let page = Page(items: Array(listed.dropFirst(offset).prefix(size)), offset: offset, total: listed.count)
        return .with {
            $0.listed = page.items
            $0.page = .init(page)
        }
    }
}

extension Civic_Organizations_V1_CreditStatus {
    init(_ body: Organization, _ s: CreditStatus) {
        self.init()
        organizationID = body.id
        organizationName = body.name
        creditCode = body.creditCode
        asOf = s.asOf.description
        if let abnormal = s.abnormal { self.abnormal = .init(abnormal, withEvidence: true) }
        if let serious = s.serious { self.serious = .init(serious, withEvidence: true) }
        penalties = s.penalties.map { p in
            .with {
                $0.id = p.id
                $0.kind = WireEnum.wire(p.kind)
                $0.amountFen = Int64(p.amount.fen)
                $0.decidedOn = p.decidedOn.description
                $0.document = p.document
                $0.authority = p.authority
                $0.executedOn = p.executedOn?.description ?? ""
            }
        }
        letters = s.letters.map { l in
            .with {
                $0.id = l.id
                $0.sentOn = l.sentOn.description
                $0.trackingNumber = l.trackingNumber
                $0.signedOn = l.signedOn?.description ?? ""
                $0.returnedOn = l.returnedOn?.description ?? ""
            }
        }
    }
}

extension Civic_Organizations_V1_CreditListing {
    init(_ l: AbnormalListing, withEvidence: Bool) {
        self.init()
        list = .abnormal
        enteredOn = l.enteredOn.description
        clockStartedOn = l.clockStartedOn.description
        restartedOn = l.restartedOn.map(\.description)
        grounds = l.grounds.map { .init($0, withEvidence: withEvidence) }
        autoRemovalOn = l.autoRemovalOn.description
        promotionOn = l.promotionOn.description
        removalDue = l.removalDue?.description ?? ""
        removalOverdue = l.removalOverdue
    }

    init(_ l: SeriousListing, withEvidence: Bool) {
        self.init()
        list = .serious
        enteredOn = l.enteredOn.description
        clockStartedOn = l.clockStartedOn.description
        restartedOn = l.restartedOn.map(\.description)
        grounds =
            l.grounds.map { g in
                .with {
                    $0.id = g.id
                    $0.ground = g.ground.rawValue
                    $0.raisedOn = g.raisedOn.description
                    if withEvidence { $0.evidence = g.evidence }
                    $0.document = g.document
                    $0.open = true
                }
            } + l.carriedGrounds.map { .init($0, withEvidence: withEvidence) }
        leaveOn = l.leaveOn?.description ?? ""
    }
}

extension Civic_Organizations_V1_ListingGround {
    init(_ g: AbnormalGroundRecord, withEvidence: Bool) {
        self.init()
        id = g.id
        ground = g.ground.rawValue
        raisedOn = g.raisedOn.description
        if withEvidence { evidence = g.evidence }
        document = g.document
        verifiedOn = g.verifiedOn?.description ?? ""
        open = g.isOpen
    }
}
