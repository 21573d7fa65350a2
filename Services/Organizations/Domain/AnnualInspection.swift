import CivicDomain

/// The conclusion of a 年度检查 (年检结论, RULES.md §3(a)). Case order is stored: append only.
public enum AnnualInspectionResult: String, Sendable, Hashable, CaseIterable, Codable {
    /// 合格.
    case qualified
    /// 基本合格: two years running bar an evaluation (民政部令第39号 §7(2)).
    case basicallyQualified = "basically_qualified"
    /// 不合格.
    case unqualified

    public var chineseName: String {
        switch self {
        case .qualified: "合格"
        case .basicallyQualified: "基本合格"
        case .unqualified: "不合格"
        }
    }
}

/// Where a year's report (年度工作报告) goes: first the 业务主管单位 for its 初审, then the
/// registrar (登记管理机关) for the 年检 itself (社团条例 §28, 民非条例 §23, 基金会条例 §36).
public enum AnnualInspectionStage: String, Sendable, Hashable, CaseIterable, Codable {
    /// 报送业务主管单位初审.
    case sponsor
    /// 报送登记管理机关.
    case registrar
}

/// Why a body owes no report for a year (or, for `noSponsor`, no sponsor step). Case order is stored.
public enum AnnualInspectionExemption: String, Sendable, Hashable, CaseIterable, Codable {
    /// Preparing (筹备中) on 31 December, or no registration date: nothing was registered to report on.
    case notRegistered = "not_registered"
    /// Registered after 31 December of the year.
    case registeredAfterYear = "registered_after_year"
    /// Registered on or after 1 July of the year (成立登记不满6个月): the report starts the next year.
    case registeredInSecondHalf = "registered_in_second_half"
    /// 撤销登记 on 31 December.
    case revoked
    /// 注销登记 on 31 December.
    case deregistered
    /// Directly registrable (直接登记): there is no sponsor step (sponsor stage only).
    case noSponsor = "no_sponsor"
}

/// Where one body's report for one year stands on a day, at one stage. Case order is stored.
public enum AnnualInspectionFilingStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Nothing is owed (see the standing's `exemption`).
    case notOwed = "not_owed"
    /// The year has not ended: a report on year Y is filed from 1 January Y+1.
    case notDueYet = "not_due_yet"
    /// Owed, not received, the due date not passed (待报送).
    case open
    /// Received on or before the due date.
    case receivedOnTime = "received_on_time"
    /// Received after the due date.
    case receivedLate = "received_late"
    /// Owed, not received, and the due date has passed (逾期未报: flagged from 1 April / 1 June).
    case overdue
}

/// The dates a year's report is due (both days included: "3月31日前" is read as "by 31 March").
public struct AnnualInspectionDueDates: Sendable, Hashable, Codable {
    /// The year the report covers.
    public var year: Int
    /// The first day it may be filed: 1 January of the next year (the year has to be over).
    public var opensOn: CivilDate
    /// Due to the 业务主管单位; nil for a directly registrable body.
    public var sponsorDueOn: CivilDate?
    /// Due to the registrar.
    public var registrarDueOn: CivilDate

    public init(year: Int, opensOn: CivilDate, sponsorDueOn: CivilDate?, registrarDueOn: CivilDate) {
        self.year = year
        self.opensOn = opensOn
        self.sponsorDueOn = sponsorDueOn
        self.registrarDueOn = registrarDueOn
    }

    /// The due date at `stage` (nil: the body has no sponsor step).
    public func dueOn(_ stage: AnnualInspectionStage) -> CivilDate? {
        switch stage {
        case .sponsor: sponsorDueOn
        case .registrar: registrarDueOn
        }
    }
}

/// One handing-over of the report: who handed it in, who took it, what, and when. Kept by the
/// store as JSON inside `AnnualInspectionRecord`.
public struct AnnualReportSubmission: Sendable, Hashable, Codable {
    /// The day it was handed in (online: the day the system accepted it).
    public var submittedOn: CivilDate
    /// The body's filer (填报人 / 经办人).
    public var submittedBy: String
    /// Who took it at the sponsor or the registrar (经办人); may be empty for an online filing.
    public var receivedBy: String
    /// What was handed in: 年度工作报告书, 财务审计报告, 登记证书副本….
    public var documents: [String]

    public init(submittedOn: CivilDate, submittedBy: String, receivedBy: String = "", documents: [String]) {
        self.submittedOn = submittedOn
        self.submittedBy = submittedBy
        self.receivedBy = receivedBy
        self.documents = documents
    }
}

/// The sponsor's 初审同意 of the report (the registrar takes the report only after it).
public struct AnnualReportSponsorReview: Sendable, Hashable, Codable {
    public var reviewedOn: CivilDate
    /// The sponsor's officer (or unit) who signed.
    public var reviewedBy: String
    public var opinion: String

    public init(reviewedOn: CivilDate, reviewedBy: String, opinion: String = "") {
        self.reviewedOn = reviewedOn
        self.reviewedBy = reviewedBy
        self.opinion = opinion
    }
}

/// The registrar's 年检结论.
public struct AnnualInspectionConclusion: Sendable, Hashable, Codable {
    public var result: AnnualInspectionResult
    public var concludedOn: CivilDate
    public var concludedBy: String
    /// The grounds (required for 基本合格 and 不合格: the body is told what to fix).
    public var note: String

    public init(result: AnnualInspectionResult, concludedOn: CivilDate, concludedBy: String, note: String = "") {
        self.result = result
        self.concludedOn = concludedOn
        self.concludedBy = concludedBy
        self.note = note
    }
}

/// One body's 年检 for one year, as the store keeps it (AnnualReport, RULES.md §3(a)). The type
/// and the sponsor flag are copied from the register when the record is opened, so the due dates
/// stay those of the year even if the body is later 脱钩 (decoupled from its sponsor).
public struct AnnualInspectionRecord: Sendable, Hashable, Codable {
    public var id: String
    public var organizationID: String
    /// The year the report covers (filed the next year).
    public var year: Int
    public var type: OrganizationType
    public var hasSponsor: Bool
    /// 报送业务主管单位.
    public var sponsorSubmission: AnnualReportSubmission?
    /// 业务主管单位初审同意.
    public var sponsorReview: AnnualReportSponsorReview?
    /// 报送登记管理机关.
    public var registrarSubmission: AnnualReportSubmission?
    public var conclusion: AnnualInspectionConclusion?

    public init(
        id: String = "", organizationID: String, year: Int, type: OrganizationType, hasSponsor: Bool, sponsorSubmission: AnnualReportSubmission? = nil,
        sponsorReview: AnnualReportSponsorReview? = nil, registrarSubmission: AnnualReportSubmission? = nil, conclusion: AnnualInspectionConclusion? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.year = year
        self.type = type
        self.hasSponsor = hasSponsor
        self.sponsorSubmission = sponsorSubmission
        self.sponsorReview = sponsorReview
        self.registrarSubmission = registrarSubmission
        self.conclusion = conclusion
    }

    /// The day the report reached `stage`, if it has.
    public func receivedOn(_ stage: AnnualInspectionStage) -> CivilDate? {
        switch stage {
        case .sponsor: sponsorSubmission?.submittedOn
        case .registrar: registrarSubmission?.submittedOn
        }
    }

    /// What an evaluation looks at (nil until the registrar has received the report).
    public var outcome: AnnualInspectionOutcome? {
        registrarSubmission == nil ? nil : AnnualInspectionOutcome(year: year, result: conclusion?.result)
    }
}

/// A year's 年检 as an evaluation sees it: filed (the value exists) and its result (nil while pending).
public struct AnnualInspectionOutcome: Sendable, Hashable, Codable {
    public var year: Int
    public var result: AnnualInspectionResult?

    public init(year: Int, result: AnnualInspectionResult?) {
        self.year = year
        self.result = result
    }
}

/// One body's position for one year at one stage on one day (a row of the due, received and
/// overdue lists).
public struct AnnualInspectionStanding: Sendable, Hashable, Codable {
    public var organizationID: String
    public var year: Int
    public var stage: AnnualInspectionStage
    public var status: AnnualInspectionFilingStatus
    /// Why nothing is owed (only with `notOwed`).
    public var exemption: AnnualInspectionExemption?
    /// The due date at this stage (nil when nothing is owed there).
    public var dueOn: CivilDate?
    /// The day it was received at this stage (only when received by the day asked about).
    public var receivedOn: CivilDate?
    /// Days after the due date it came in (received late) or has been missing (overdue); else 0.
    public var daysPastDue: Int

    public init(
        organizationID: String, year: Int, stage: AnnualInspectionStage, status: AnnualInspectionFilingStatus, exemption: AnnualInspectionExemption? = nil,
        dueOn: CivilDate? = nil, receivedOn: CivilDate? = nil, daysPastDue: Int = 0
    ) {
        self.organizationID = organizationID
        self.year = year
        self.stage = stage
        self.status = status
        self.exemption = exemption
        self.dueOn = dueOn
        self.receivedOn = receivedOn
        self.daysPastDue = daysPastDue
    }
}

/// A body from the register with its record for the year, if any (what the lists filter).
public struct AnnualInspectionFacts: Sendable, Hashable, Codable {
    public var organization: Organization
    public var record: AnnualInspectionRecord?

    public init(organization: Organization, record: AnnualInspectionRecord? = nil) {
        self.organization = organization
        self.record = record
    }
}

/// The year's figures for the report (年检 results, RULES.md §3(d)), counted as of a day.
public struct AnnualInspectionTally: Sendable, Hashable, Codable {
    public var year: Int
    /// Bodies that owe a report for the year.
    public var owed: Int
    public var exempt: Int
    public var receivedOnTime: Int
    public var receivedLate: Int
    /// Owed, not received, not yet due.
    public var open: Int
    public var overdue: Int
    public var qualified: Int
    public var basicallyQualified: Int
    public var unqualified: Int
    /// Received but not concluded.
    public var pending: Int

    public init(
        year: Int, owed: Int = 0, exempt: Int = 0, receivedOnTime: Int = 0, receivedLate: Int = 0, open: Int = 0, overdue: Int = 0, qualified: Int = 0,
        basicallyQualified: Int = 0, unqualified: Int = 0, pending: Int = 0
    ) {
        self.year = year
        self.owed = owed
        self.exempt = exempt
        self.receivedOnTime = receivedOnTime
        self.receivedLate = receivedLate
        self.open = open
        self.overdue = overdue
        self.qualified = qualified
        self.basicallyQualified = basicallyQualified
        self.unqualified = unqualified
        self.pending = pending
    }
}

/// The 年检 rules (RULES.md §3(a), §3(b), §3(c)): who owes a report for a year, when it is due,
/// where it stands on a day, and the steps of a year's record.
///
/// Decisions where the regulations or RULES.md leave a choice:
/// - Due dates (社团条例 §28, 民非条例 §23): to the sponsor by 31 March Y+1, to the registrar by 31 May Y+1.
///   A directly registrable body (直接登记, 行业协会商会 after 脱钩) has no sponsor step and files with the
///   registrar by 31 May Y+1, as 民政部's 全国性社团 notices tell 脱钩 associations to do (民函〔2021〕16号).
/// - A 基金会 (基金会条例 §36) files with the registrar by 31 March Y+1 after the sponsor's review; the
///   regulation gives the sponsor no earlier date, so its sponsor due date is the same 31 March (the
///   review has to be done by then; Wuhan 东湖 2026 notice: 初审 then upload "于3月31日前").
/// - The due dates are fixed calendar days ("每年3月31日前"), not periods counted from an event, so
///   by default they are not moved off a rest day, and the overdue flags fall on 1 April and 1 June as
///   RULES.md §3(c) says. `movesDueDatesOffRestDays` applies 民法典 §203 instead for a registrar that does.
/// - A report on year Y may be filed from 1 January Y+1 (the year has to be over).
/// - Who owes year Y: a body registered on or before 31 December Y whose status that day is
///   registered or 限期停止活动 (a suspended body still exists and still reports). Preparing, 撤销 or
///   注销 on 31 December owes nothing. The status on 31 December is read from the body's history;
///   a body without history is taken to have had its current status throughout.
/// - The half-year exemption: a 民非 registered on or after 1 July Y (成立登记不满6个月 on 31 December;
///   30 June is a full 6 months under 民法典 §201–202) owes nothing for Y (民政部令第27号 民办非企业单位
///   年度检查办法, as RULES.md §3(a) quotes it). For 社团 the same cut-off is the common local practice
///   (广西 "截至上年度12月31日，成立登记时间未超过6个月的社会团体，不参加当年的年检"; 嘉兴 and 武汉东湖 2026:
///   "6月30日前…核准登记的社会团体"), so it is on by default. A 基金会 registered in the year reports
///   (武汉东湖 2026: "12月31日前…登记…的基金会"; 基金会年度检查办法 has no such exemption), so it is off.
///   `halfYearExemptTypes` configures it.
/// - A result is recorded once, only after the registrar received the report, on or after that day;
///   基本合格 and 不合格 state their grounds.
public struct AnnualInspectionRules: Sendable {
    /// The types exempt for a year when registered on or after 1 July of it.
    public let halfYearExemptTypes: Set<OrganizationType>
    /// Whether a due date on a rest day moves to the next working day (民法典 §203).
    public let movesDueDatesOffRestDays: Bool
    public let calendar: WorkingCalendar

    public init(
        halfYearExemptTypes: Set<OrganizationType> = [.socialGroup, .privateNonEnterprise], movesDueDatesOffRestDays: Bool = false,
        calendar: WorkingCalendar = .standard
    ) {
        self.halfYearExemptTypes = halfYearExemptTypes
        self.movesDueDatesOffRestDays = movesDueDatesOffRestDays
        self.calendar = calendar
    }

    // MARK: - Who owes, and when

    /// The due dates of the report on `year` for a body of `type` (see the type's notes).
    public func dueDates(type: OrganizationType, hasSponsor: Bool, year: Int) -> AnnualInspectionDueDates {
        let march31 = due(CivilDate(year: year + 1, month: 3, day: 31)!)
        let may31 = due(CivilDate(year: year + 1, month: 5, day: 31)!)
        let registrar = type == .foundation ? march31 : may31
        return AnnualInspectionDueDates(
            year: year, opensOn: CivilDate(year: year + 1, month: 1, day: 1)!, sponsorDueOn: hasSponsor ? march31 : nil, registrarDueOn: registrar)
    }

    /// The due dates for `organization` (its sponsor unless directly registrable).
    public func dueDates(for organization: Organization, year: Int) -> AnnualInspectionDueDates {
        dueDates(type: organization.type, hasSponsor: !organization.directlyRegistrable, year: year)
    }

    /// The due dates of `record` (its own type and sponsor flag).
    public func dueDates(for record: AnnualInspectionRecord) -> AnnualInspectionDueDates {
        dueDates(type: record.type, hasSponsor: record.hasSponsor, year: record.year)
    }

    private func due(_ day: CivilDate) -> CivilDate { movesDueDatesOffRestDays ? calendar.onOrNextWorkingDay(day) : day }

    /// The body's status on `day`, from its history: the last change on or before the day; before the
    /// first change, the status it changed from; without history, its current status.
    public static func status(of organization: Organization, on day: CivilDate) -> OrganizationStatus {
        guard let first = organization.history.first else { return organization.status }
        if let last = organization.history.last(where: { $0.on <= day }) { return last.to }
        return first.from ?? .preparing
    }

    /// Why `organization` owes no report for `year`, or nil when it owes one (see the type's notes).
    public func exemption(of organization: Organization, year: Int) -> AnnualInspectionExemption? {
        let yearEnd = CivilDate(year: year, month: 12, day: 31)!
        guard let registered = organization.registeredOn else { return .notRegistered }
        if registered > yearEnd { return .registeredAfterYear }
        switch Self.status(of: organization, on: yearEnd) {
        case .preparing: return .notRegistered
        case .revoked: return .revoked
        case .deregistered: return .deregistered
        case .registered, .activitiesSuspended: break
        }
        if halfYearExemptTypes.contains(organization.type) && registered >= CivilDate(year: year, month: 7, day: 1)! {
            return .registeredInSecondHalf
        }
        return nil
    }

    // MARK: - Where a body stands on a day

    /// Where `organization`'s report on `year` stands at `stage` on `day`. Only what was received by
    /// `day` counts, so a past day is answered as it stood then. A `record` for another body or year is
    /// ignored. The due date is the record's when there is one (its type and sponsor flag as opened).
    public func standing(
        of organization: Organization, record: AnnualInspectionRecord?, year: Int, stage: AnnualInspectionStage = .registrar, on day: CivilDate
    ) -> AnnualInspectionStanding {
        let record = record.flatMap { $0.organizationID == organization.id && $0.year == year ? $0 : nil }
        var standing = AnnualInspectionStanding(organizationID: organization.id, year: year, stage: stage, status: .notOwed)
        if let exemption = exemption(of: organization, year: year) {
            standing.exemption = exemption
            return standing
        }
        let dates = record.map(dueDates(for:)) ?? dueDates(for: organization, year: year)
        guard let dueOn = dates.dueOn(stage) else {
            standing.exemption = .noSponsor
            return standing
        }
        standing.dueOn = dueOn
        if let received = record?.receivedOn(stage), received <= day {
            standing.receivedOn = received
            standing.status = received <= dueOn ? .receivedOnTime : .receivedLate
            standing.daysPastDue = max(0, received.dayNumber - dueOn.dayNumber)
        } else if day < dates.opensOn {
            standing.status = .notDueYet
        } else if day <= dueOn {
            standing.status = .open
        } else {
            standing.status = .overdue
            standing.daysPastDue = day.dayNumber - dueOn.dayNumber
        }
        return standing
    }

    /// Every body's standing, in the order given.
    public func standings(_ facts: [AnnualInspectionFacts], year: Int, stage: AnnualInspectionStage = .registrar, on day: CivilDate)
        -> [AnnualInspectionStanding]
    {
        facts.map { standing(of: $0.organization, record: $0.record, year: year, stage: stage, on: day) }
    }

    /// The due list (待报送): owed, open, not received, the due date not passed.
    public func due(_ facts: [AnnualInspectionFacts], year: Int, stage: AnnualInspectionStage = .registrar, on day: CivilDate) -> [AnnualInspectionStanding] {
        standings(facts, year: year, stage: stage, on: day).filter { $0.status == .open }
    }

    /// The received list (已报送): on time or late.
    public func received(_ facts: [AnnualInspectionFacts], year: Int, stage: AnnualInspectionStage = .registrar, on day: CivilDate)
        -> [AnnualInspectionStanding]
    {
        standings(facts, year: year, stage: stage, on: day).filter { $0.status == .receivedOnTime || $0.status == .receivedLate }
    }

    /// The overdue list (逾期未报): owed and missing after the due date.
    public func overdue(_ facts: [AnnualInspectionFacts], year: Int, stage: AnnualInspectionStage = .registrar, on day: CivilDate)
        -> [AnnualInspectionStanding]
    {
        standings(facts, year: year, stage: stage, on: day).filter { $0.status == .overdue }
    }

    /// The year's figures at the registrar as of `day`: who owes, what came in, and the results recorded by then.
    public func tally(_ facts: [AnnualInspectionFacts], year: Int, on day: CivilDate) -> AnnualInspectionTally {
        var tally = AnnualInspectionTally(year: year)
        for fact in facts {
            let standing = standing(of: fact.organization, record: fact.record, year: year, on: day)
            switch standing.status {
            case .notOwed:
                tally.exempt += 1
                continue
            case .notDueYet, .open: tally.open += 1
            case .overdue: tally.overdue += 1
            case .receivedOnTime: tally.receivedOnTime += 1
            case .receivedLate: tally.receivedLate += 1
            }
            tally.owed += 1
            guard standing.receivedOn != nil else { continue }
            if let conclusion = fact.record?.conclusion, conclusion.concludedOn <= day {
                switch conclusion.result {
                case .qualified: tally.qualified += 1
                case .basicallyQualified: tally.basicallyQualified += 1
                case .unqualified: tally.unqualified += 1
                }
            } else {
                tally.pending += 1
            }
        }
        return tally
    }

    // MARK: - The record's steps

    /// A new record for `organization`'s report on `year`. Throws FAILED_PRECONDITION "year" `NOT_OWED`
    /// when the body owes nothing for the year (the exemption in the message).
    public func open(for organization: Organization, year: Int, id: String = "") throws -> AnnualInspectionRecord {
        if let exemption = exemption(of: organization, year: year) {
            throw Self.refusal(.failedPrecondition, "year", "NOT_OWED", "\(organization.name) owes no report for \(year): \(exemption.rawValue)")
        }
        return AnnualInspectionRecord(
            id: id, organizationID: organization.id, year: year, type: organization.type, hasSponsor: !organization.directlyRegistrable)
    }

    /// Records the report handed to the sponsor (报送业务主管单位). Refusals: FAILED_PRECONDITION
    /// "sponsor" `NO_SPONSOR` (directly registrable), "sponsor_submission" `ALREADY_SUBMITTED`; INVALID (all at
    /// once) "submitted_on" `TOO_EARLY` (before 1 January of the next year), "submitted_by" `REQUIRED`,
    /// "documents" `REQUIRED`.
    public func submitToSponsor(_ record: AnnualInspectionRecord, _ submission: AnnualReportSubmission) throws -> AnnualInspectionRecord {
        guard record.hasSponsor else {
            throw Self.refusal(.failedPrecondition, "sponsor", "NO_SPONSOR", "a directly registrable body files with the registrar only")
        }
        if record.sponsorSubmission != nil {
            throw Self.refusal(.failedPrecondition, "sponsor_submission", "ALREADY_SUBMITTED", "the report for \(record.year) is with the sponsor already")
        }
        try submissionProblems(submission, record: record, needsReceiver: false).check()
        var copy = record
        copy.sponsorSubmission = Self.cleaned(submission)
        return copy
    }

    /// Records the sponsor's 初审同意. Refusals: FAILED_PRECONDITION "sponsor_submission" `NOT_SUBMITTED`,
    /// "sponsor_review" `ALREADY_REVIEWED`; INVALID "reviewed_on" `BEFORE_SUBMISSION`, "reviewed_by" `REQUIRED`.
    public func recordSponsorReview(_ record: AnnualInspectionRecord, _ review: AnnualReportSponsorReview) throws -> AnnualInspectionRecord {
        guard let submission = record.sponsorSubmission else {
            throw Self.refusal(.failedPrecondition, "sponsor_submission", "NOT_SUBMITTED", "the sponsor reviews a report it has received")
        }
        if record.sponsorReview != nil {
            throw Self.refusal(.failedPrecondition, "sponsor_review", "ALREADY_REVIEWED", "the sponsor has reviewed the report already")
        }
        var errors = ValidationErrors()
        if review.reviewedOn < submission.submittedOn {
            errors.add("reviewed_on", "BEFORE_SUBMISSION", "reviewed on \(review.reviewedOn), before it reached the sponsor on \(submission.submittedOn)")
        }
        if Self.trimmed(review.reviewedBy).isEmpty { errors.add("reviewed_by", "REQUIRED", "the sponsor's reviewer is named") }
        try errors.check()
        var copy = record
        copy.sponsorReview = AnnualReportSponsorReview(reviewedOn: review.reviewedOn, reviewedBy: Self.trimmed(review.reviewedBy), opinion: review.opinion)
        return copy
    }

    /// Records the report received by the registrar (报送登记管理机关); after the due date it is still
    /// taken and shows as received late. Refusals: FAILED_PRECONDITION "sponsor_review" `REQUIRED` (a body
    /// with a sponsor files after its 初审同意), "registrar_submission" `ALREADY_RECEIVED`; INVALID (all at once)
    /// "submitted_on" `TOO_EARLY` / `BEFORE_SPONSOR_REVIEW`, "submitted_by" `REQUIRED`, "received_by"
    /// `REQUIRED`, "documents" `REQUIRED`.
    public func receive(_ record: AnnualInspectionRecord, _ submission: AnnualReportSubmission) throws -> AnnualInspectionRecord {
        if record.registrarSubmission != nil {
            throw Self.refusal(.failedPrecondition, "registrar_submission", "ALREADY_RECEIVED", "the registrar has the report for \(record.year) already")
        }
        if record.hasSponsor && record.sponsorReview == nil {
            throw Self.refusal(.failedPrecondition, "sponsor_review", "REQUIRED", "the report reaches the registrar after the sponsor's 初审同意")
        }
        var errors = submissionProblems(submission, record: record, needsReceiver: true)
        if let review = record.sponsorReview, submission.submittedOn < review.reviewedOn {
            errors.add(
                "submitted_on", "BEFORE_SPONSOR_REVIEW", "received on \(submission.submittedOn), before the sponsor's review on \(review.reviewedOn)")
        }
        try errors.check()
        var copy = record
        copy.registrarSubmission = Self.cleaned(submission)
        return copy
    }

    /// Records the 年检结论. Refusals: FAILED_PRECONDITION "registrar_submission" `NOT_RECEIVED` (a result only
    /// once received), "conclusion" `ALREADY_CONCLUDED`; INVALID (all at once) "concluded_on" `BEFORE_RECEIPT`,
    /// "concluded_by" `REQUIRED`, "note" `REQUIRED` (基本合格 and 不合格 give their grounds).
    public func conclude(_ record: AnnualInspectionRecord, _ conclusion: AnnualInspectionConclusion) throws -> AnnualInspectionRecord {
        guard let received = record.registrarSubmission else {
            throw Self.refusal(.failedPrecondition, "registrar_submission", "NOT_RECEIVED", "a result is recorded once the registrar has the report")
        }
        if record.conclusion != nil {
            throw Self.refusal(.failedPrecondition, "conclusion", "ALREADY_CONCLUDED", "the \(record.year) 年检 has its result already")
        }
        var errors = ValidationErrors()
        if conclusion.concludedOn < received.submittedOn {
            errors.add("concluded_on", "BEFORE_RECEIPT", "concluded on \(conclusion.concludedOn), before the report came in on \(received.submittedOn)")
        }
        if Self.trimmed(conclusion.concludedBy).isEmpty { errors.add("concluded_by", "REQUIRED", "the officer who concludes is named") }
        if conclusion.result != .qualified && Self.trimmed(conclusion.note).isEmpty {
            errors.add("note", "REQUIRED", "a \(conclusion.result.chineseName) result states its grounds")
        }
        try errors.check()
        var copy = record
        copy.conclusion = AnnualInspectionConclusion(
            result: conclusion.result, concludedOn: conclusion.concludedOn, concludedBy: Self.trimmed(conclusion.concludedBy),
            note: Self.trimmed(conclusion.note))
        return copy
    }

    // MARK: - Helpers

    private func submissionProblems(_ submission: AnnualReportSubmission, record: AnnualInspectionRecord, needsReceiver: Bool) -> ValidationErrors {
        var errors = ValidationErrors()
        let opens = CivilDate(year: record.year + 1, month: 1, day: 1)!
        if submission.submittedOn < opens {
            errors.add("submitted_on", "TOO_EARLY", "the report on \(record.year) is filed from \(opens), not \(submission.submittedOn)")
        }
        if Self.trimmed(submission.submittedBy).isEmpty { errors.add("submitted_by", "REQUIRED", "the body's filer is named") }
        if needsReceiver && Self.trimmed(submission.receivedBy).isEmpty {
            errors.add("received_by", "REQUIRED", "the registrar's officer who took the report is named")
        }
        if submission.documents.allSatisfy({ Self.trimmed($0).isEmpty }) {
            errors.add("documents", "REQUIRED", "at least the 年度工作报告书 is handed in")
        }
        return errors
    }

    private static func cleaned(_ s: AnnualReportSubmission) -> AnnualReportSubmission {
        AnnualReportSubmission(
            submittedOn: s.submittedOn, submittedBy: trimmed(s.submittedBy), receivedBy: trimmed(s.receivedBy),
            documents: s.documents.map(trimmed).filter { !$0.isEmpty })
    }

    static func trimmed(_ text: String) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    static func refusal(_ kind: DomainError.Kind, _ field: String, _ reason: String, _ message: String) -> DomainError {
        DomainError(kind, message, problems: [FieldProblem(field: field, reason: reason, description: message)])
    }
}
