import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// 年检: the report handed to the sponsor and the registrar, the sponsor's 初审, the conclusion, and
/// the due, received and overdue lists of a year.
extension OrganizationsHandler {
    /// A report year: from 2000 to last year (the report on a year is filed the next year).
    func reportYear(_ year: Int32) throws -> Int {
        let last = today().year - 1
        guard (2000...last).contains(Int(year)) else {
            throw DomainError.invalid("year is the year the report covers, 2000 to \(last)", field: "year", reason: year == 0 ? "REQUIRED" : "OUT_OF_RANGE")
        }
        return Int(year)
    }

    public func submitAnnualReport(_ request: Civic_Organizations_V1_SubmitAnnualReportRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_AnnualInspectionResponse
    {
        let caller = try Caller(context)
        if case .sponsor = caller { throw DomainError.permissionDenied("a sponsor reviews reports (ReviewAnnualReport); the body submits them") }
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let year = try reportYear(request.year)
        let stage: AnnualInspectionStage = try WireEnum.required(request.stage, field: "stage")
        let on = try day(request.submittedOn, field: "submitted_on")
        let receivedBy: String
        if case .organization = caller { receivedBy = "online" } else { receivedBy = context.auditActor.id }
        let submission = AnnualReportSubmission(
            submittedOn: on, submittedBy: request.submittedBy.trimmingCharacters(in: .whitespacesAndNewlines), receivedBy: receivedBy,
            documents: request.documents)
        let rules = settings.annualInspection
        let result = try await store.stepAnnualInspection(
            organizationID: request.organizationID, year: year, action: "annual_report_\(stage.rawValue)", by: context.auditActor,
            check: { try caller.check($0) }
        ) { body, record in
            let opened = try record ?? rules.open(for: body, year: year)
            return stage == .sponsor ? try rules.submitToSponsor(opened, submission) : try rules.receive(opened, submission)
        }
        return .with { $0.annualInspection = .init(result.organization, result.record, rules: rules, today: today()) }
    }

    public func reviewAnnualReport(_ request: Civic_Organizations_V1_ReviewAnnualReportRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_AnnualInspectionResponse
    {
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let year = try reportYear(request.year)
        guard case .sponsor(let unit) = try Caller(context) else {
            throw DomainError.permissionDenied("the sponsor unit's key reviews (初审) its bodies' reports")
        }
        let review = AnnualReportSponsorReview(reviewedOn: try day(request.reviewedOn, field: "reviewed_on"), reviewedBy: unit, opinion: request.opinion)
        let rules = settings.annualInspection
        let result = try await store.stepAnnualInspection(
            organizationID: request.organizationID, year: year, action: "annual_report_sponsor_review", by: context.auditActor,
            check: { try Caller.sponsor(unit).check($0) }
        ) { _, record in
            guard let record else {
                throw DomainError.failedPrecondition("no report on \(year) was handed to the sponsor", reason: "NOT_SUBMITTED")
            }
            return try rules.recordSponsorReview(record, review)
        }
        return .with { $0.annualInspection = .init(result.organization, result.record, rules: rules, today: today()) }
    }

    public func concludeAnnualInspection(_ request: Civic_Organizations_V1_ConcludeAnnualInspectionRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_AnnualInspectionResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let year = try reportYear(request.year)
        let result: AnnualInspectionResult = try WireEnum.required(request.result, field: "result")
        let conclusion = AnnualInspectionConclusion(
            result: result, concludedOn: try day(request.concludedOn, field: "concluded_on"), concludedBy: context.auditActor.id, note: request.note)
        let rules = settings.annualInspection
        let stored = try await store.stepAnnualInspection(
            organizationID: request.organizationID, year: year, action: "annual_inspection_\(result.rawValue)", by: context.auditActor,
            check: { try reach.check($0.registrarDivision, "organization \(request.organizationID)") }
        ) { _, record in
            guard let record else { throw DomainError.failedPrecondition("no report on \(year) was received", reason: "NOT_RECEIVED") }
            return try rules.conclude(record, conclusion)
        }
        return .with { $0.annualInspection = .init(stored.organization, stored.record, rules: rules, today: today()) }
    }

    public func getAnnualInspection(_ request: Civic_Organizations_V1_GetAnnualInspectionRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_AnnualInspectionResponse
    {
        let caller = try Caller(context)
        try RequestFields.requireID(request.organizationID, field: "organization_id")
        let year = try reportYear(request.year)
        let found = try await store.annualInspection(organizationID: request.organizationID, year: year)
        try caller.check(found.organization.organization)
        let rules = settings.annualInspection
        return .with { $0.annualInspection = .init(found.organization.organization, found.record, year: year, rules: rules, today: today()) }
    }

    public func listAnnualInspections(_ request: Civic_Organizations_V1_ListAnnualInspectionsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListAnnualInspectionsResponse
    {
        let reach = try Caller(context).listing(within: request.within)
        let year = try reportYear(request.year)
        let stage: AnnualInspectionStage = try WireEnum.optional(request.stage, field: "stage") ?? .registrar
        let status: AnnualInspectionFilingStatus? = try WireEnum.optional(request.status, field: "status")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let day = today()
        let rules = settings.annualInspection
        let facts = try await store.annualInspectionFacts(reach, year: year)
        let records = Dictionary(facts.compactMap { fact in fact.record.map { (fact.organization.id, $0) } }, uniquingKeysWith: { a, _ in a })
        let bodies = Dictionary(facts.map { ($0.organization.id, $0.organization) }, uniquingKeysWith: { a, _ in a })
        let standings = rules.standings(facts, year: year, stage: stage, on: day).filter { status == nil || $0.status == status }
        let page = Page(items: Array(standings.dropFirst(offset).prefix(size)), offset: offset, total: standings.count)
        let tally = rules.tally(facts, year: year, on: day)
        return .with {
            $0.standings = page.items.map { standing in
                .init(standing, organization: bodies[standing.organizationID], result: records[standing.organizationID]?.conclusion?.result)
            }
            $0.page = .init(page)
            $0.tally = .init(tally)
        }
    }
}

extension Civic_Organizations_V1_AnnualInspection {
    init(_ body: Organization, _ record: AnnualInspectionRecord?, year: Int? = nil, rules: AnnualInspectionRules, today: CivilDate) {
        self.init()
        let year = record?.year ?? year ?? 0
        organizationID = body.id
        organizationName = body.name
        self.year = Int32(year)
        let dates = record.map(rules.dueDates(for:)) ?? rules.dueDates(for: body, year: year)
        sponsorDueOn = dates.sponsorDueOn?.description ?? ""
        registrarDueOn = dates.registrarDueOn.description
        status = WireEnum.wire(rules.standing(of: body, record: record, year: year, on: today).status)
        guard let record else { return }
        id = record.id
        if let submission = record.sponsorSubmission { sponsorSubmission = .init(submission) }
        if let review = record.sponsorReview {
            sponsorReviewedOn = review.reviewedOn.description
            sponsorReviewedBy = review.reviewedBy
            sponsorOpinion = review.opinion
        }
        if let submission = record.registrarSubmission { registrarSubmission = .init(submission) }
        if let conclusion = record.conclusion {
            result = WireEnum.wire(conclusion.result)
            concludedOn = conclusion.concludedOn.description
            concludedBy = conclusion.concludedBy
            note = conclusion.note
        }
    }
}

extension Civic_Organizations_V1_AnnualSubmission {
    init(_ s: AnnualReportSubmission) {
        self.init()
        submittedOn = s.submittedOn.description
        submittedBy = s.submittedBy
        receivedBy = s.receivedBy
        documents = s.documents
    }
}

extension Civic_Organizations_V1_AnnualInspectionStanding {
    init(_ s: AnnualInspectionStanding, organization: Organization?, result: AnnualInspectionResult?) {
        self.init()
        organizationID = s.organizationID
        organizationName = organization?.name ?? ""
        creditCode = organization?.creditCode ?? ""
        year = Int32(s.year)
        stage = WireEnum.wire(s.stage)
        status = WireEnum.wire(s.status)
        exemption = s.exemption?.rawValue ?? ""
        dueOn = s.dueOn?.description ?? ""
        receivedOn = s.receivedOn?.description ?? ""
        daysPastDue = Int32(s.daysPastDue)
        if let result { self.result = WireEnum.wire(result) }
    }
}

extension Civic_Organizations_V1_AnnualInspectionTally {
    init(_ t: AnnualInspectionTally) {
        self.init()
        year = Int32(t.year)
        owed = Int32(t.owed)
        exempt = Int32(t.exempt)
        receivedOnTime = Int32(t.receivedOnTime)
        receivedLate = Int32(t.receivedLate)
        open = Int32(t.open)
        overdue = Int32(t.overdue)
        qualified = Int32(t.qualified)
        basicallyQualified = Int32(t.basicallyQualified)
        unqualified = Int32(t.unqualified)
        pending = Int32(t.pending)
    }
}
