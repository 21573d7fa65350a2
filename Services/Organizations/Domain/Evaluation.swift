import CivicDomain
import Foundation

/// A grade of 社会组织等级评估 (民政部令第39号 §26): 1A (A, lowest) to 5A (AAAAA, highest). Stored as its
/// number 1…5; configuration may also write it "3A".
public struct EvaluationGrade: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// 1…5.
    public let level: Int

    /// Nil outside 1…5.
    public init?(_ level: Int) {
        guard (1...5).contains(level) else { return nil }
        self.level = level
    }

    /// "3A", "3a" or "AAA"; nil for anything else.
    public init?(_ text: String) {
        let upper = text.uppercased()
        if upper.count == 2, upper.hasSuffix("A"), let level = Int(upper.prefix(1)) {
            self.init(level)
        } else if !upper.isEmpty && upper.allSatisfy({ $0 == "A" }) {
            self.init(upper.count)
        } else {
            return nil
        }
    }

    public static let oneA = EvaluationGrade(1)!
    public static let twoA = EvaluationGrade(2)!
    public static let threeA = EvaluationGrade(3)!
    public static let fourA = EvaluationGrade(4)!
    public static let fiveA = EvaluationGrade(5)!
    public static let all = [oneA, twoA, threeA, fourA, fiveA]

    /// "3A".
    public var name: String { "\(level)A" }
    /// "3A级".
    public var chineseName: String { name + "级" }
    /// "AAA".
    public var letters: String { String(repeating: "A", count: level) }
    public var description: String { name }
    public static func < (a: EvaluationGrade, b: EvaluationGrade) -> Bool { a.level < b.level }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let level = try? container.decode(Int.self) {
            guard let grade = EvaluationGrade(level) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a grade is 1 to 5 (1A–5A), not \(level)"))
            }
            self = grade
            return
        }
        let text = try container.decode(String.self)
        guard let grade = EvaluationGrade(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a grade is 1A to 5A, not \(text)"))
        }
        self = grade
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(level)
    }
}

/// The score range of a grade, both ends included, in whole points (`minimum…maximum`). On whole
/// points this is the half-open `[minimum, maximum + 1)` RULES.md §3(c) asks for: bands are checked to
/// meet exactly (the next one starts at `maximum + 1`), so no score falls in two bands or in none.
public struct EvaluationBand: Sendable, Hashable, Codable {
    public var grade: EvaluationGrade
    public var minimum: Int
    public var maximum: Int

    public init(grade: EvaluationGrade, minimum: Int, maximum: Int) {
        self.grade = grade
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// Every threshold of the evaluation, with its default and where it comes from (RULES.md §3(b),
/// §3(c)). Loaded from configuration and checked by `problems()` at load (`load(json:)`) and by
/// `EvaluationRules.init`, which refuse overlapping, gapped or out-of-range bands.
public struct EvaluationConfiguration: Sendable, Hashable, Codable {
    /// Registered this many years before a first evaluation (令39号 §6(1): "取得登记证书满两个年度").
    public var minimumRegisteredYears: Int
    /// How those years count. True (default): whole calendar years (年度), so the body is registered on
    /// or before 1 January of the year `minimumRegisteredYears` before the application's year (连云区 2018
    /// for an evaluation in 2018: "2015年12月31日前登记成立"). False: years since the registration day,
    /// 民法典 §201–202 (安庆 2021, 怀宁 2022: "登记成立满2年以上").
    public var countsWholeCalendarYears: Bool
    /// A graded body may seek a higher grade this many years after its last award, while the grade is
    /// still valid (晋级评估; SRC 洛阳瀍河 2025 "与上次参评时间已间隔满2年", 连云区 2018 "获得评估等级满2年").
    public var upgradeAfterYears: Int
    /// A grade is valid this many years (令39号 §28: 5).
    public var validityYears: Int
    /// 公示 of the result, in working days (DEFAULT 5: 令39号 names the 公示 but not its length; the
    /// eldercare grading uses the same 5 working days).
    public var publicNoticeWorkingDays: Int
    /// The 复核 decision is notified in writing within this many days of it (令39号 §23: 15日). Calendar
    /// days, moved off a rest day (民法典 §203).
    public var reviewNoticeDays: Int
    /// The fewest assessors (评估专家) who score an application (DEFAULT 2: one person should not grade alone;
    /// 令39号 has an 评估专家组).
    public var minimumScorers: Int
    /// The full score (令39号 indicator sheets: 1000; a place with 加分项 may raise it, e.g. 怀宁 +100).
    public var totalPoints: Int
    /// The grades' score ranges, one per grade 1A–5A in order, contiguous, 5A ending at `totalPoints`;
    /// below 1A's minimum no grade is awarded. DEFAULT after 洛阳瀍河 2025 ("900分及以上 5A; 800–899 4A;
    /// 700–799 3A; 600–699 2A; 599分及以下 1A"), with 1A's floor put at 500 (DEFAULT: read literally,
    /// "599分及以下" would grade a 0-point body 1A; half the full score is the floor here, and a registrar that
    /// wants the literal text sets 1A's minimum to 0).
    public var bands: [EvaluationBand]

    public init(
        minimumRegisteredYears: Int = 2, countsWholeCalendarYears: Bool = true, upgradeAfterYears: Int = 2, validityYears: Int = 5,
        publicNoticeWorkingDays: Int = 5, reviewNoticeDays: Int = 15, minimumScorers: Int = 2, totalPoints: Int = 1000,
        bands: [EvaluationBand] = EvaluationConfiguration.standardBands
    ) {
        self.minimumRegisteredYears = minimumRegisteredYears
        self.countsWholeCalendarYears = countsWholeCalendarYears
        self.upgradeAfterYears = upgradeAfterYears
        self.validityYears = validityYears
        self.publicNoticeWorkingDays = publicNoticeWorkingDays
        self.reviewNoticeDays = reviewNoticeDays
        self.minimumScorers = minimumScorers
        self.totalPoints = totalPoints
        self.bands = bands
    }

    /// 1A 500–599, 2A 600–699, 3A 700–799, 4A 800–899, 5A 900–1000.
    public static let standardBands = [
        EvaluationBand(grade: .oneA, minimum: 500, maximum: 599),
        EvaluationBand(grade: .twoA, minimum: 600, maximum: 699),
        EvaluationBand(grade: .threeA, minimum: 700, maximum: 799),
        EvaluationBand(grade: .fourA, minimum: 800, maximum: 899),
        EvaluationBand(grade: .fiveA, minimum: 900, maximum: 1000),
    ]

    /// Every problem of the configuration:
    /// - "bands" `COUNT` (not one band per grade 1A–5A); "bands[i].grade" `ORDER` (not listed 1A to 5A);
    /// - "bands[i].minimum" `NEGATIVE`; "bands[i].maximum" `BAD_RANGE` (below its minimum);
    /// - "bands[i].minimum" `OVERLAP` (starts at or below the previous grade's maximum: 安庆's "5A 950以上"
    ///   with 怀宁's "4A 901–950" puts 950 in both) or `GAP` (starts above the previous maximum + 1);
    /// - "bands[4].maximum" `BEYOND_TOTAL` (5A ends above the full score) or `GAP` (scores above 5A);
    /// - "total_points" `NOT_POSITIVE`; "validity_years", "minimum_scorers", "minimum_registered_years"
    ///   `NOT_POSITIVE`; "upgrade_after_years", "public_notice_working_days", "review_notice_days" `NEGATIVE`.
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        if totalPoints <= 0 { errors.add("total_points", "NOT_POSITIVE", "the full score is positive") }
        let positives: [(String, Int)] = [
            ("minimum_registered_years", minimumRegisteredYears), ("validity_years", validityYears), ("minimum_scorers", minimumScorers),
        ]
        for (field, value) in positives where value <= 0 { errors.add(field, "NOT_POSITIVE", "\(field) is at least 1") }
        let counts: [(String, Int)] = [
            ("upgrade_after_years", upgradeAfterYears), ("public_notice_working_days", publicNoticeWorkingDays), ("review_notice_days", reviewNoticeDays),
        ]
        for (field, value) in counts where value < 0 { errors.add(field, "NEGATIVE", "\(field) is not negative") }

        guard bands.count == 5 else {
            errors.add("bands", "COUNT", "one band for each grade 1A to 5A, not \(bands.count) bands")
            return errors
        }
        for (i, band) in bands.enumerated() {
            let field = "bands[\(i)]"
            if band.grade.level != i + 1 {
                errors.add("\(field).grade", "ORDER", "bands are listed 1A to 5A in order: bands[\(i)] is \(i + 1)A, not \(band.grade.name)")
            }
            if band.minimum < 0 { errors.add("\(field).minimum", "NEGATIVE", "a score is not negative") }
            if band.maximum < band.minimum {
                errors.add("\(field).maximum", "BAD_RANGE", "\(band.grade.name) ends at \(band.maximum), below its start \(band.minimum)")
            }
            if i > 0 {
                let previous = bands[i - 1]
                if band.minimum <= previous.maximum {
                    errors.add(
                        "\(field).minimum", "OVERLAP",
                        "\(band.grade.name) starts at \(band.minimum), inside \(previous.grade.name)'s \(previous.minimum)–\(previous.maximum): "
                            + "a score of \(band.minimum) would be in both")
                } else if band.minimum > previous.maximum + 1 {
                    errors.add(
                        "\(field).minimum", "GAP",
                        "scores \(previous.maximum + 1)–\(band.minimum - 1) fall between \(previous.grade.name) and \(band.grade.name)")
                }
            }
        }
        let top = bands[4]
        if top.maximum > totalPoints {
            errors.add("bands[4].maximum", "BEYOND_TOTAL", "\(top.grade.name) ends at \(top.maximum), beyond the full score \(totalPoints)")
        } else if top.maximum < totalPoints {
            errors.add("bands[4].maximum", "GAP", "scores \(top.maximum + 1)–\(totalPoints) fall above \(top.grade.name)")
        }
        return errors
    }

    /// A configuration read from JSON (the keys are the property names; left-out keys keep their
    /// defaults) and checked: throws `ValidationErrors` for bad bands or thresholds, INVALID
    /// "configuration" `UNREADABLE` for JSON that cannot be read (or a grade outside 1A–5A).
    public static func load(json data: Data) throws -> EvaluationConfiguration {
        try ConfigurationFile.load(EvaluationConfiguration.self, json: data, what: "evaluation configuration") { $0.problems() }
    }

    private enum CodingKeys: String, CodingKey {
        case minimumRegisteredYears, countsWholeCalendarYears, upgradeAfterYears, validityYears, publicNoticeWorkingDays, reviewNoticeDays,
            minimumScorers, totalPoints, bands
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = EvaluationConfiguration()
        self.init(
            minimumRegisteredYears: try c.decodeIfPresent(Int.self, forKey: .minimumRegisteredYears) ?? d.minimumRegisteredYears,
            countsWholeCalendarYears: try c.decodeIfPresent(Bool.self, forKey: .countsWholeCalendarYears) ?? d.countsWholeCalendarYears,
            upgradeAfterYears: try c.decodeIfPresent(Int.self, forKey: .upgradeAfterYears) ?? d.upgradeAfterYears,
            validityYears: try c.decodeIfPresent(Int.self, forKey: .validityYears) ?? d.validityYears,
            publicNoticeWorkingDays: try c.decodeIfPresent(Int.self, forKey: .publicNoticeWorkingDays) ?? d.publicNoticeWorkingDays,
            reviewNoticeDays: try c.decodeIfPresent(Int.self, forKey: .reviewNoticeDays) ?? d.reviewNoticeDays,
            minimumScorers: try c.decodeIfPresent(Int.self, forKey: .minimumScorers) ?? d.minimumScorers,
            totalPoints: try c.decodeIfPresent(Int.self, forKey: .totalPoints) ?? d.totalPoints,
            bands: try c.decodeIfPresent([EvaluationBand].self, forKey: .bands) ?? d.bands)
    }
}

/// An administrative penalty (行政处罚) as the evaluation sees it (from enforcement): when it was decided
/// and whether it has been carried out.
public struct EvaluationPenalty: Sendable, Hashable, Codable {
    public var decidedOn: CivilDate
    /// 执行完毕.
    public var executed: Bool
    /// The decision's 文号, for the reason's text.
    public var reference: String

    public init(decidedOn: CivilDate, executed: Bool, reference: String = "") {
        self.decidedOn = decidedOn
        self.executed = executed
        self.reference = reference
    }
}

/// A grade awarded (评估等级), as the register keeps it and the next evaluation reads it.
public struct EvaluationAward: Sendable, Hashable, Codable {
    public var organizationID: String
    public var grade: EvaluationGrade
    /// The day the grade was decided (民政部门确认等级).
    public var awardedOn: CivilDate
    /// Its last valid day (awardedOn + `validityYears`, 民法典 §202).
    public var validUntil: CivilDate
    /// The application it came from.
    public var applicationID: String

    public init(organizationID: String, grade: EvaluationGrade, awardedOn: CivilDate, validUntil: CivilDate, applicationID: String = "") {
        self.organizationID = organizationID
        self.grade = grade
        self.awardedOn = awardedOn
        self.validUntil = validUntil
        self.applicationID = applicationID
    }

    public func isValid(on day: CivilDate) -> Bool { awardedOn <= day && day <= validUntil }
}

/// What evaluation eligibility looks at (令39号 §6, §7; 2021 全国性 rules for the credit lists), assembled
/// by the service from the register, the 年检 records, enforcement and the credit lists.
public struct EvaluationFacts: Sendable, Hashable, Codable {
    public var status: OrganizationStatus
    public var registeredOn: CivilDate?
    /// The years' 年检 the body filed (a year missing: not filed), each with its result (nil: pending).
    public var inspections: [AnnualInspectionOutcome]
    public var penalties: [EvaluationPenalty]
    /// The list the body is on on the day of application, if any.
    public var creditList: CreditList?
    /// 正在被有关政府部门或者司法机关立案调查.
    public var underInvestigation: Bool
    /// The latest grade awarded, valid or expired (nil: never graded).
    public var lastAward: EvaluationAward?

    public init(
        status: OrganizationStatus = .registered, registeredOn: CivilDate?, inspections: [AnnualInspectionOutcome] = [], penalties: [EvaluationPenalty] = [],
        creditList: CreditList? = nil, underInvestigation: Bool = false, lastAward: EvaluationAward? = nil
    ) {
        self.status = status
        self.registeredOn = registeredOn
        self.inspections = inspections
        self.penalties = penalties
        self.creditList = creditList
        self.underInvestigation = underInvestigation
        self.lastAward = lastAward
    }

    /// The 年检 of `year`, if filed.
    public func inspection(of year: Int) -> AnnualInspectionOutcome? { inspections.last { $0.year == year } }
}

extension EvaluationFacts {
    /// The facts of `organization` on `day` as the register holds them: its 年检 records (a year counts
    /// as filed once the registrar received it), the penalties and lists of its credit status that day
    /// (a penalty is executed when its execution is recorded by then; the serious list named before the
    /// abnormal), whether an investigation is open that day, and its latest award.
    public init(
        organization: Organization, inspections: [AnnualInspectionRecord], credit: CreditStatus, investigations: [Investigation],
        lastAward: EvaluationAward?, on day: CivilDate
    ) {
        self.init(
            status: organization.status, registeredOn: organization.registeredOn, inspections: inspections.compactMap(\.outcome),
            penalties: credit.penalties.map { penalty in
                EvaluationPenalty(decidedOn: penalty.decidedOn, executed: penalty.executedOn.map { $0 <= day } ?? false, reference: penalty.document)
            },
            creditList: credit.serious != nil ? .serious : credit.abnormal != nil ? .abnormal : nil,
            underInvestigation: investigations.contains { $0.isOpen(on: day) }, lastAward: lastAward)
    }
}

/// 立案调查 by a government department or a judicial organ (令39号 §7(5)): while one is open the body is
/// not evaluated. Recorded by staff until enforcement's cases arrive with the flows between services.
public struct Investigation: Sendable, Hashable, Codable {
    public var id: String
    public var organizationID: String
    /// The department or organ that opened it.
    public var authority: String
    /// Its 立案 reference.
    public var reference: String
    public var openedOn: CivilDate
    public var closedOn: CivilDate?
    /// How it ended (结案: a penalty, no case…), when closed.
    public var outcome: String

    /// A new investigation. Refusals (all at once): "authority" / "reference" REQUIRED.
    public init(id: String = "", organizationID: String, authority: String, reference: String, openedOn: CivilDate) throws {
        var errors = ValidationErrors()
        if AnnualInspectionRules.trimmed(authority).isEmpty { errors.add("authority", "REQUIRED", "name the department or organ investigating") }
        if AnnualInspectionRules.trimmed(reference).isEmpty { errors.add("reference", "REQUIRED", "the 立案 reference is required") }
        try errors.check()
        self.id = id
        self.organizationID = organizationID
        self.authority = AnnualInspectionRules.trimmed(authority)
        self.reference = AnnualInspectionRules.trimmed(reference)
        self.openedOn = openedOn
        self.outcome = ""
    }

    public func isOpen(on day: CivilDate) -> Bool { openedOn <= day && closedOn.map { day < $0 } ?? true }

    /// Closes it on `day`. Refusals: FAILED_PRECONDITION "closed_on" ALREADY_CLOSED; INVALID "closed_on"
    /// BEFORE_OPENING, "outcome" REQUIRED.
    public func closed(on day: CivilDate, outcome: String) throws -> Investigation {
        if let closedOn {
            throw AnnualInspectionRules.refusal(.failedPrecondition, "closed_on", "ALREADY_CLOSED", "the investigation was closed on \(closedOn)")
        }
        var errors = ValidationErrors()
        if day < openedOn { errors.add("closed_on", "BEFORE_OPENING", "closed on \(day), before it was opened on \(openedOn)") }
        if AnnualInspectionRules.trimmed(outcome).isEmpty { errors.add("outcome", "REQUIRED", "say how the investigation ended") }
        try errors.check()
        var copy = self
        copy.closedOn = day
        copy.outcome = AnnualInspectionRules.trimmed(outcome)
        return copy
    }
}

/// Why a body is evaluated (令39号 §6 and the 晋级 practice). Case order is stored.
public enum EvaluationPurpose: String, Sendable, Hashable, CaseIterable, Codable {
    /// Never graded: registered the full two years (§6(1)).
    case first
    /// The last grade's validity is over (§6(2)).
    case renewal
    /// 晋级评估: graded, still valid, `upgradeAfterYears` since the award.
    case upgrade
}

/// Where an evaluation application stands. Case order is stored: append only.
public enum EvaluationState: String, Sendable, Hashable, CaseIterable, Codable {
    /// 已受理, eligibility checked.
    case applied
    /// 已评分 (实地评估 and the committee's 初步评估意见), not yet published.
    case scored
    /// 公示中.
    case publicNotice = "public_notice"
    /// 复核申请中 (lodged during the 公示, §20).
    case reviewRequested = "review_requested"
    /// 评定: the grade is awarded.
    case awarded
    /// 未评定等级 (below 1A, or an upgrade that did not reach a higher grade).
    case notAwarded = "not_awarded"
}

/// A 复核 (令39号 §20–23): asked in writing by the body during the 公示, decided by the 复核委员会 (no
/// one who scored), the body notified in writing within 15 days of the decision.
public struct EvaluationReview: Sendable, Hashable, Codable {
    public var requestedOn: CivilDate
    public var grounds: String
    public var decidedBy: String?
    public var decidedOn: CivilDate?
    /// The total after the 复核 (the same when not upheld).
    public var revisedTotal: Int?
    /// The last day for the written notice (§23).
    public var noticeDueOn: CivilDate?
    public var notifiedOn: CivilDate?

    public init(
        requestedOn: CivilDate, grounds: String, decidedBy: String? = nil, decidedOn: CivilDate? = nil, revisedTotal: Int? = nil,
        noticeDueOn: CivilDate? = nil, notifiedOn: CivilDate? = nil
    ) {
        self.requestedOn = requestedOn
        self.grounds = grounds
        self.decidedBy = decidedBy
        self.decidedOn = decidedOn
        self.revisedTotal = revisedTotal
        self.noticeDueOn = noticeDueOn
        self.notifiedOn = notifiedOn
    }

    public var isDecided: Bool { decidedOn != nil }
    /// The written notice went out after its due day.
    public var noticeWasLate: Bool {
        guard let due = noticeDueOn, let sent = notifiedOn else { return false }
        return sent > due
    }
}

/// An application for evaluation (Evaluation, RULES.md §3(a)).
public struct EvaluationApplication: Sendable, Hashable, Codable {
    public var id: String
    public var organizationID: String
    public var purpose: EvaluationPurpose
    /// The valid grade an upgrade has to beat (upgrade only).
    public var currentGrade: EvaluationGrade?
    public var appliedOn: CivilDate
    public var state: EvaluationState
    /// The assessors who scored it: none of them may decide a 复核.
    public var scorers: [String]
    public var scoredOn: CivilDate?
    public var total: Int?
    /// The grade the total reaches (its band); nil below 1A.
    public var scoredGrade: EvaluationGrade?
    public var noticeStartedOn: CivilDate?
    public var noticeEndsOn: CivilDate?
    public var review: EvaluationReview?
    public var decidedOn: CivilDate?
    public var awarded: EvaluationGrade?
    public var validUntil: CivilDate?
    /// Why no grade was awarded: `BELOW_LOWEST_BAND` or `NOT_HIGHER_THAN_CURRENT`.
    public var notAwardedReason: String?

    public init(id: String = "", organizationID: String, purpose: EvaluationPurpose, currentGrade: EvaluationGrade? = nil, appliedOn: CivilDate) {
        self.id = id
        self.organizationID = organizationID
        self.purpose = purpose
        self.currentGrade = currentGrade
        self.appliedOn = appliedOn
        state = .applied
        scorers = []
    }
}

/// The evaluation rules (民政部令第39号 社会组织评估管理办法; RULES.md §3(b), §3(c)) over a checked
/// configuration. The same shape as eldercare's grading (`GradingRules`): eligibility reasons all at
/// once, a score out of 1000 banded by configuration, 公示 in working days, a review decided by someone
/// who did not score, a validity in years.
///
/// Decisions where the sources leave a choice:
/// - Eligible (§6): never graded and registered `minimumRegisteredYears` full years (see
///   `countsWholeCalendarYears`); or the last grade's validity is over (renewal; no registration test, a
///   graded body has passed it); or, while it is valid, `upgradeAfterYears` after its award (晋级, from
///   the 2025 洛阳瀍河 notice that RULES.md quotes via cncn.gov.cn; not in 令39号 itself). A valid 5A cannot
///   be upgraded.
/// - "上年度" is the calendar year before the application's: the 年检 on that year (filed by 31 May of the
///   application's year) and penalties decided in that year. A filed 年检 whose result is still pending is
///   a reason too: the exclusions cannot be checked until it is concluded.
/// - "连续2年基本合格" is the 年检 of the last two years both 基本合格.
/// - A penalty not yet executed blocks whatever its date; one decided in the application's own year and
///   executed does not (the text says 上年度).
/// - Only a body whose status is registered is evaluated (限期停止活动 is itself a penalty; 撤销/注销 ended it).
/// - The grade is the band the total falls in; an upgrade awards only a higher grade than the current one
///   (otherwise the current grade stands until its validity ends).
/// - The grade is awarded on the decision day (the day 民政部门 confirms it), once the 公示 has ended with no
///   undecided 复核; it is valid to that day + `validityYears` inclusive (RULES.md "valid_until = awarded_at + 5
///   years": 民法典 §201 does not count the award day, §202 ends the period on the same-numbered day).
public struct EvaluationRules: Sendable {
    public let configuration: EvaluationConfiguration
    public let calendar: WorkingCalendar

    /// Throws `ValidationErrors` when the configuration has any problem (`EvaluationConfiguration.problems`).
    public init(configuration: EvaluationConfiguration = EvaluationConfiguration(), calendar: WorkingCalendar = .standard) throws {
        try configuration.problems().check()
        self.configuration = configuration
        self.calendar = calendar
    }

    // MARK: - Eligibility

    /// The first day a never-graded body registered on `registeredOn` may apply.
    public func firstEligibleDay(registeredOn: CivilDate) -> CivilDate {
        let years = configuration.minimumRegisteredYears
        guard configuration.countsWholeCalendarYears else { return registeredOn.adding(months: 12 * years) }
        // Registered on 1 January Y: Y itself is a full year.
        let firstFullYear = registeredOn.month == 1 && registeredOn.day == 1 ? registeredOn.year : registeredOn.year + 1
        return CivilDate(year: firstFullYear + years, month: 1, day: 1)!
    }

    /// The first day a body awarded on `awardedOn` may seek a higher grade.
    public func upgradeOpens(awardedOn: CivilDate) -> CivilDate { awardedOn.adding(months: 12 * configuration.upgradeAfterYears) }

    /// Every reason `facts` bar an evaluation applied for on `day` (empty: eligible):
    /// - "status" `NOT_REGISTERED` (not in the registered status);
    /// - "registered_on" `REQUIRED` / `TOO_RECENT` (never graded, under `minimumRegisteredYears` full years);
    /// - "last_award" `GRADE_STILL_VALID` (valid, and the upgrade has not opened), `TOP_GRADE` (a valid 5A);
    /// - "inspections" `NOT_FILED` (no 年检 on last year), `RESULT_PENDING`, `UNQUALIFIED` (last year 不合格),
    ///   `BASICALLY_QUALIFIED_TWICE` (基本合格 last year and the year before);
    /// - "penalties" `PENALTY_LAST_YEAR` (one decided last year), `NOT_EXECUTED` (one not yet carried out);
    /// - "credit_list" `LISTED` (活动异常名录 or 严重违法失信名单 on the day);
    /// - "under_investigation" `UNDER_INVESTIGATION` (立案调查).
    public func eligibility(of facts: EvaluationFacts, on day: CivilDate) -> ValidationErrors {
        var errors = ValidationErrors()
        if facts.status != .registered {
            errors.add("status", "NOT_REGISTERED", "only a registered body is evaluated, not one \(facts.status.chineseName)")
        }
        if let award = facts.lastAward, award.awardedOn <= day {
            if day <= award.validUntil {
                if award.grade == .fiveA {
                    errors.add("last_award", "TOP_GRADE", "the 5A of \(award.awardedOn) is valid until \(award.validUntil); there is no higher grade")
                } else if day < upgradeOpens(awardedOn: award.awardedOn) {
                    errors.add(
                        "last_award", "GRADE_STILL_VALID",
                        "the \(award.grade.name) of \(award.awardedOn) is valid until \(award.validUntil); "
                            + "a higher grade may be sought from \(upgradeOpens(awardedOn: award.awardedOn))")
                }
            }
        } else if let registered = facts.registeredOn {
            let from = firstEligibleDay(registeredOn: registered)
            if day < from {
                errors.add(
                    "registered_on", "TOO_RECENT",
                    "registered on \(registered): a first evaluation needs \(configuration.minimumRegisteredYears) full years, from \(from)")
            }
        } else {
            errors.add("registered_on", "REQUIRED", "the registration date is needed to evaluate a body")
        }

        let lastYear = day.year - 1
        if let last = facts.inspection(of: lastYear) {
            switch last.result {
            case nil: errors.add("inspections", "RESULT_PENDING", "the \(lastYear) 年检 has no result yet")
            case .unqualified?: errors.add("inspections", "UNQUALIFIED", "the \(lastYear) 年检 was 不合格")
            case .basicallyQualified?:
                if facts.inspection(of: lastYear - 1)?.result == .basicallyQualified {
                    errors.add("inspections", "BASICALLY_QUALIFIED_TWICE", "the \(lastYear - 1) and \(lastYear) 年检 were both 基本合格")
                }
            case .qualified?: break
            }
        } else {
            errors.add("inspections", "NOT_FILED", "no 年检 was filed on \(lastYear)")
        }

        if let penalty = facts.penalties.first(where: { $0.decidedOn.year == lastYear }) {
            errors.add("penalties", "PENALTY_LAST_YEAR", "a penalty \(penalty.reference) was decided on \(penalty.decidedOn), last year")
        }
        if let penalty = facts.penalties.first(where: { !$0.executed && $0.decidedOn <= day }) {
            errors.add("penalties", "NOT_EXECUTED", "the penalty \(penalty.reference) of \(penalty.decidedOn) is not yet carried out")
        }
        if let list = facts.creditList {
            errors.add("credit_list", "LISTED", "a body on the \(list.chineseName) is not evaluated")
        }
        if facts.underInvestigation {
            errors.add("under_investigation", "UNDER_INVESTIGATION", "a body under investigation (立案调查) is not evaluated")
        }
        return errors
    }

    /// The purpose `facts` would be evaluated for on `day` (whether or not eligible).
    public func purpose(of facts: EvaluationFacts, on day: CivilDate) -> EvaluationPurpose {
        guard let award = facts.lastAward, award.awardedOn <= day else { return .first }
        return day <= award.validUntil ? .upgrade : .renewal
    }

    /// Throws the eligibility problems as `ValidationErrors`; otherwise a new application.
    public func apply(organizationID: String, facts: EvaluationFacts, on day: CivilDate, id: String = "") throws -> EvaluationApplication {
        try eligibility(of: facts, on: day).check()
        let purpose = purpose(of: facts, on: day)
        return EvaluationApplication(
            id: id, organizationID: organizationID, purpose: purpose, currentGrade: purpose == .upgrade ? facts.lastAward?.grade : nil, appliedOn: day)
    }

    // MARK: - Score, band, validity

    /// The grade whose band holds `total`; nil below 1A (or outside 0…`totalPoints`).
    public func grade(for total: Int) -> EvaluationGrade? {
        configuration.bands.first { $0.minimum <= total && total <= $0.maximum }?.grade
    }

    /// The last day a grade awarded on `day` is valid (`validityYears` later, 民法典 §202).
    public func validUntil(awardedOn day: CivilDate) -> CivilDate { day.adding(months: 12 * configuration.validityYears) }

    /// The last day to notify a 复核 decided on `day` in writing (`reviewNoticeDays` later, off a rest day, §203).
    public func reviewNoticeDue(decidedOn day: CivilDate) -> CivilDate {
        calendar.onOrNextWorkingDay(day.adding(days: configuration.reviewNoticeDays))
    }

    // MARK: - The application's steps

    /// Scores `application` on `day`. Refusals: FAILED_PRECONDITION "state" `NOT_APPLIED`; INVALID (all at
    /// once) "total" `NEGATIVE` / `EXCEEDS_TOTAL`, "scorers" `TOO_FEW` (fewer than `minimumScorers` different
    /// people), "scored_on" `BEFORE_APPLICATION`.
    public func score(_ application: EvaluationApplication, total: Int, scorers: [String], on day: CivilDate) throws -> EvaluationApplication {
        guard application.state == .applied else { throw Self.wrongState(application, "only an application just applied for is scored", "NOT_APPLIED") }
        var errors = ValidationErrors()
        if total < 0 { errors.add("total", "NEGATIVE", "a score is not negative") }
        if total > configuration.totalPoints { errors.add("total", "EXCEEDS_TOTAL", "the full score is \(configuration.totalPoints), not \(total)") }
        let people = Set(scorers.map(AnnualInspectionRules.trimmed).filter { !$0.isEmpty })
        if people.count < configuration.minimumScorers {
            errors.add("scorers", "TOO_FEW", "an application is scored by at least \(configuration.minimumScorers) assessors, not \(people.count)")
        }
        if day < application.appliedOn {
            errors.add("scored_on", "BEFORE_APPLICATION", "scored on \(day), before the application of \(application.appliedOn)")
        }
        try errors.check()
        var copy = application
        copy.scorers = people.sorted()
        copy.scoredOn = day
        copy.total = total
        copy.scoredGrade = grade(for: total)
        copy.state = .scored
        return copy
    }

    /// Publishes the result (公示) from `day` for `publicNoticeWorkingDays` working days (the day itself not
    /// counted). Refusals: FAILED_PRECONDITION "state" `NOT_SCORED`; INVALID "published_on" `BEFORE_SCORING`.
    public func publish(_ application: EvaluationApplication, on day: CivilDate) throws -> EvaluationApplication {
        guard application.state == .scored, let scored = application.scoredOn else {
            throw Self.wrongState(application, "only a scored application is published", "NOT_SCORED")
        }
        if day < scored { throw DomainError.invalid("published on \(day), before the scoring of \(scored)", field: "published_on", reason: "BEFORE_SCORING") }
        var copy = application
        copy.noticeStartedOn = day
        copy.noticeEndsOn = calendar.adding(workingDays: configuration.publicNoticeWorkingDays, to: day)
        copy.state = .publicNotice
        return copy
    }

    /// The body asks for a 复核 (§20: in writing, during the 公示). Refusals: FAILED_PRECONDITION "review"
    /// `ALREADY_REQUESTED` (one per application), "state" `NOT_PUBLISHED`, "requested_on" `NOTICE_ENDED` (after
    /// the last day of the 公示); INVALID "requested_on" `BEFORE_NOTICE`, "grounds" `REQUIRED`.
    public func requestReview(_ application: EvaluationApplication, grounds: String, on day: CivilDate) throws -> EvaluationApplication {
        if application.review != nil {
            throw AnnualInspectionRules.refusal(.failedPrecondition, "review", "ALREADY_REQUESTED", "a 复核 has been asked for already")
        }
        guard application.state == .publicNotice, let started = application.noticeStartedOn, let ends = application.noticeEndsOn else {
            throw Self.wrongState(application, "a 复核 is asked for against a published result", "NOT_PUBLISHED")
        }
        if day > ends {
            throw AnnualInspectionRules.refusal(.failedPrecondition, "requested_on", "NOTICE_ENDED", "a 复核 is asked for during the 公示, which ended on \(ends)")
        }
        var errors = ValidationErrors()
        if day < started { errors.add("requested_on", "BEFORE_NOTICE", "the 公示 starts on \(started), not before") }
        if AnnualInspectionRules.trimmed(grounds).isEmpty { errors.add("grounds", "REQUIRED", "a 复核 application states its grounds") }
        try errors.check()
        var copy = application
        copy.review = EvaluationReview(requestedOn: day, grounds: AnnualInspectionRules.trimmed(grounds))
        copy.state = .reviewRequested
        return copy
    }

    /// Decides the 复核: `revisedTotal` nil keeps the score. Refusals: FAILED_PRECONDITION "review"
    /// `NO_REVIEW` (none undecided); PERMISSION_DENIED "decided_by" `SCORER_CANNOT_DECIDE` when `decider` scored
    /// the application; INVALID (all at once) "decided_by" `REQUIRED`, "decided_on" `BEFORE_REQUEST`,
    /// "revised_total" `NEGATIVE` / `EXCEEDS_TOTAL`.
    public func decideReview(_ application: EvaluationApplication, by decider: String, revisedTotal: Int? = nil, on day: CivilDate) throws
        -> EvaluationApplication
    {
        guard application.state == .reviewRequested, var review = application.review, !review.isDecided else {
            throw AnnualInspectionRules.refusal(.failedPrecondition, "review", "NO_REVIEW", "no undecided 复核 on this application")
        }
        let person = AnnualInspectionRules.trimmed(decider)
        if application.scorers.contains(person) {
            throw AnnualInspectionRules.refusal(
                .permissionDenied, "decided_by", "SCORER_CANNOT_DECIDE", "\(person) scored this application and cannot decide its 复核")
        }
        var errors = ValidationErrors()
        if person.isEmpty { errors.add("decided_by", "REQUIRED", "the 复核's decider is named") }
        if day < review.requestedOn { errors.add("decided_on", "BEFORE_REQUEST", "decided on \(day), before the request of \(review.requestedOn)") }
        if let revised = revisedTotal {
            if revised < 0 { errors.add("revised_total", "NEGATIVE", "a score is not negative") }
            if revised > configuration.totalPoints {
                errors.add("revised_total", "EXCEEDS_TOTAL", "the full score is \(configuration.totalPoints), not \(revised)")
            }
        }
        try errors.check()
        var copy = application
        if let revised = revisedTotal {
            copy.total = revised
            copy.scoredGrade = grade(for: revised)
        }
        review.decidedBy = person
        review.decidedOn = day
        review.revisedTotal = copy.total
        review.noticeDueOn = reviewNoticeDue(decidedOn: day)
        copy.review = review
        copy.state = .publicNotice
        return copy
    }

    /// Records the written notice of the 复核 decision (§23); a late notice is recorded and shows in
    /// `EvaluationReview.noticeWasLate`. Refusals: FAILED_PRECONDITION "review" `NOT_DECIDED`, "notified_on"
    /// `ALREADY_NOTIFIED`; INVALID "notified_on" `BEFORE_DECISION`.
    public func recordReviewNotice(_ application: EvaluationApplication, on day: CivilDate) throws -> EvaluationApplication {
        guard var review = application.review, let decided = review.decidedOn else {
            throw AnnualInspectionRules.refusal(.failedPrecondition, "review", "NOT_DECIDED", "the 复核 is notified once decided")
        }
        if review.notifiedOn != nil {
            throw AnnualInspectionRules.refusal(.failedPrecondition, "notified_on", "ALREADY_NOTIFIED", "the 复核 decision has been notified already")
        }
        if day < decided { throw DomainError.invalid("notified on \(day), before the decision of \(decided)", field: "notified_on", reason: "BEFORE_DECISION") }
        review.notifiedOn = day
        var copy = application
        copy.review = review
        return copy
    }

    /// Decides the application on `day`: awarded the scored grade (valid until `validUntil(awardedOn:)`), or not
    /// awarded (below 1A: `BELOW_LOWEST_BAND`; an upgrade not above the current grade: `NOT_HIGHER_THAN_CURRENT`).
    /// Refusals: FAILED_PRECONDITION "review" `REVIEW_PENDING` (an undecided 复核), "state" `NOT_PUBLISHED`,
    /// "decided_on" `NOTICE_RUNNING` (on or before the 公示's last day).
    public func decide(_ application: EvaluationApplication, on day: CivilDate) throws -> EvaluationApplication {
        if application.state == .reviewRequested {
            throw AnnualInspectionRules.refusal(.failedPrecondition, "review", "REVIEW_PENDING", "the 复核 is not decided yet")
        }
        guard application.state == .publicNotice, let ends = application.noticeEndsOn else {
            throw Self.wrongState(application, "a result is published before the decision", "NOT_PUBLISHED")
        }
        if day <= ends { throw AnnualInspectionRules.refusal(.failedPrecondition, "decided_on", "NOTICE_RUNNING", "the 公示 runs until \(ends)") }
        var copy = application
        copy.decidedOn = day
        if let reached = application.scoredGrade, application.currentGrade.map({ reached > $0 }) ?? true {
            copy.awarded = reached
            copy.validUntil = validUntil(awardedOn: day)
            copy.state = .awarded
        } else {
            copy.notAwardedReason = application.scoredGrade == nil ? "BELOW_LOWEST_BAND" : "NOT_HIGHER_THAN_CURRENT"
            copy.state = .notAwarded
        }
        return copy
    }

    /// The awarded grade as the register keeps it (nil unless awarded).
    public static func award(of application: EvaluationApplication) -> EvaluationAward? {
        guard application.state == .awarded, let grade = application.awarded, let on = application.decidedOn, let until = application.validUntil else {
            return nil
        }
        return EvaluationAward(organizationID: application.organizationID, grade: grade, awardedOn: on, validUntil: until, applicationID: application.id)
    }

    /// The grade distribution on `day` (RULES.md §3(d)): bodies holding each grade that day, every grade listed
    /// (0 when none). A body counts once, with its latest award valid that day.
    public static func gradeDistribution(_ awards: [EvaluationAward], on day: CivilDate) -> [EvaluationGrade: Int] {
        var latest: [String: EvaluationAward] = [:]
        for award in awards where award.isValid(on: day) {
            if let held = latest[award.organizationID], held.awardedOn >= award.awardedOn { continue }
            latest[award.organizationID] = award
        }
        var counts = Dictionary(uniqueKeysWithValues: EvaluationGrade.all.map { ($0, 0) })
        for award in latest.values { counts[award.grade, default: 0] += 1 }
        return counts
    }

    private static func wrongState(_ application: EvaluationApplication, _ message: String, _ reason: String) -> DomainError {
        AnnualInspectionRules.refusal(.failedPrecondition, "state", reason, "\(message); this one is \(application.state.rawValue.uppercased())")
    }
}
