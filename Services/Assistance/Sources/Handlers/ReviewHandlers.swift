import AssistanceDomain
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage

/// 复核: the due list and recording a review.
extension AssistanceHandler {
    /// The most cases a due list reads: a county's caseload many times over.
    static let dueListLimit = 50_000

    public func listDueReviews(_ request: Civic_Assistance_V1_ListDueReviewsRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ListDueReviewsResponse
    {
        let access = try AssistanceAccess(context)
        let within = try access.listing(requested: request.division)
        let wanted: DeadlineStatus? = try WireEnum.optional(request.status, field: "status")
        let day = today()
        let schedule = ReviewSchedule(calendar: calendar)
        let due = try await store.dueReviews(within: within, limit: Self.dueListLimit).filter {
            wanted == nil || schedule.status(due: $0.due, on: day) == wanted
        }
        let size = try Paging.pageSize(request.page.pageSize)
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let page = Page(items: Array(due.dropFirst(offset).prefix(size)), offset: offset, total: due.count)
        var response = Civic_Assistance_V1_ListDueReviewsResponse()
        for item in page.items {
            let household = try await store.household(id: item.householdID)
            var p = Civic_Assistance_V1_DueReview()
            p.applicationID = item.applicationID
            p.householdID = item.householdID
            p.program = WireEnum.wire(item.program)
            p.due = item.due.description
            p.status = WireEnum.wire(schedule.status(due: item.due, on: day))
            p.frequency = household.reviewFrequency(on: day).rawValue
            p.alertID = item.alertID ?? ""
            p.amountFen = Int64(try await store.application(id: item.applicationID).amount.fen)
            response.reviews.append(p)
        }
        response.page = .init(page)
        return response
    }

    public func recordReview(_ request: Civic_Assistance_V1_RecordReviewRequest, context: RPCContext) async throws -> Civic_Assistance_V1_RecordReviewResponse {
        let access = try AssistanceAccess(context)
        try RequestFields.requireID(request.applicationID, field: "application_id")
        let on = try eventDay(request.on)
        let outcome: ReviewOutcome = try WireEnum.required(request.outcome, field: "outcome")
        let reason = try limited(request.reason, field: "reason")
        let fraud =
            try request.hasFraud
            ? BenefitFraud.validate(
                outcome: outcome, amountObtainedFen: request.fraud.amountObtainedFen, obtainedFrom: request.fraud.obtainedFrom,
                obtainedThrough: request.fraud.obtainedThrough, evidence: request.fraud.evidence, reviewedOn: on) : nil
        let options = settings.options
        let division = access.division
        let (review, application) = try await store.review(
            applicationID: request.applicationID, on: on, by: context.auditActor, reviewer: AssistanceAccess.person(context), within: access.division
        ) { inputs in
            if let division, !division.contains(inputs.application.division) {
                throw DomainError.permissionDenied("application \(inputs.application.id) is outside this key's \(division)")
            }
            let effective = inputs.effectiveMonth
            let household = inputs.household
            // Compared with what the case pays for that month as it stands (a raised standard or a
            // death since the last run included), not with the last line paid.
            let standing = try inputs.current?.entitlement(
                for: effective, standards: inputs.standards, options: options, inMinimumLivingFamily: inputs.inMinimumLivingFamily)
            let currentAmount = standing.map { $0.eligible ? $0.amount : .zero } ?? .zero
            var newAmount = Fen.zero
            var formula = ""
            var snapshot: DecisionSnapshot?
            switch outcome {
            case .keep:
                newAmount = currentAmount
                formula = "维持 \(currentAmount.fen)"
            case .stop:
                formula = "停发"
            case .raise, .lower:
                // Recomputed from the registry as it stands now, for the month the change applies from.
                let standard = try inputs.standards.inForce(division: household.division, area: household.area, month: effective)
                let terms = inputs.current?.terms ?? inputs.application.terms
                let result = try Entitlement.compute(
                    household: household, terms: terms, month: effective, standard: standard, options: options,
                    inMinimumLivingFamily: inputs.inMinimumLivingFamily)
                newAmount = result.eligible ? result.amount : .zero
                formula = result.formula
                snapshot = DecisionSnapshot(
                    household: household, terms: terms, decidedOn: on, effectiveFrom: effective, amount: newAmount,
                    standardVersionID: result.standardVersionID)
            }
            let decision = try ReviewDecision.validate(outcome: outcome, currentAmount: currentAmount, newAmount: newAmount, reason: reason)
            let frequency = household.reviewFrequency(on: on)
            return .init(
                decision: decision, snapshot: snapshot, formula: formula, nextDue: decision.nextReviewDue(reviewedOn: on, frequency: frequency),
                fraud: fraud)
        }
        var response = Civic_Assistance_V1_RecordReviewResponse()
        response.review = Civic_Assistance_V1_Review(review)
        response.application = try await respond(application, access).application
        return response
    }
}

extension Civic_Assistance_V1_Review {
    init(_ r: AssistanceStore.StoredReview) {
        self.init()
        id = r.id
        applicationID = r.applicationID
        householdID = r.householdID
        reviewedOn = r.reviewedOn.description
        outcome = WireEnum.wire(r.outcome)
        reason = r.reason
        previousAmountFen = Int64(r.previousAmount.fen)
        newAmountFen = Int64(r.newAmount.fen)
        effectiveMonth = r.effectiveMonth.description
        reviewer = r.reviewer
        formula = r.formula
        nextDue = r.nextDue?.description ?? ""
        if let f = r.fraud {
            fraud = .with {
                $0.amountObtainedFen = Int64(f.amountObtained.fen)
                $0.obtainedFrom = f.obtainedFrom.description
                $0.obtainedThrough = f.obtainedThrough.description
                $0.evidence = f.evidence
            }
        }
    }
}
