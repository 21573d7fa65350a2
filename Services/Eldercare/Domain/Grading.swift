import CivicDomain
import Foundation

/// A grade of GB/T 37276-2018 养老机构等级划分与评定: 一级 (lowest) to 五级 (highest). Stored as its
/// number 1…5.
public struct CareGrade: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// 1…5.
    public let level: Int

    /// `grade` while it is valid on `day` (through `validUntil`, that day included); nil without
    /// one, or once it expired. The one reading of a grade's validity the register, the report and
    /// a draw's risk class share.
    public static func valid(_ grade: CareGrade?, until validUntil: CivilDate?, on day: CivilDate) -> CareGrade? {
        guard let grade, let validUntil, day <= validUntil else { return nil }
        return grade
    }

    /// Nil outside 1…5.
    public init?(_ level: Int) {
        guard (1...5).contains(level) else { return nil }
        self.level = level
    }

    public static let one = CareGrade(1)!
    public static let two = CareGrade(2)!
    public static let three = CareGrade(3)!
    public static let four = CareGrade(4)!
    public static let five = CareGrade(5)!
    public static let all = [one, two, three, four, five]

    /// "三级".
    public var chineseName: String { ["一", "二", "三", "四", "五"][level - 1] + "级" }
    public var description: String { String(level) }
    public static func < (a: CareGrade, b: CareGrade) -> Bool { a.level < b.level }

    public init(from decoder: any Decoder) throws {
        let level = try decoder.singleValueContainer().decode(Int.self)
        guard let grade = CareGrade(level) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a grade is 1 to 5, not \(level)"))
        }
        self = grade
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(level)
    }
}

/// One part of the score sheet (评分细则的一个部分) and the most points it gives.
public struct ScorePart: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var maximum: Int

    public init(code: String, name: String, maximum: Int) {
        self.code = code
        self.name = name
        self.maximum = maximum
    }
}

/// The score range of a grade, both ends included (`minimum…maximum`).
public struct GradeBand: Sendable, Hashable, Codable {
    public var grade: CareGrade
    public var minimum: Int
    public var maximum: Int

    public init(grade: CareGrade, minimum: Int, maximum: Int) {
        self.grade = grade
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// Every threshold of grading, with its default and where it comes from (RULES.md §2(b)). Loaded
/// from configuration and checked by `GradingRules.init`, which refuses overlapping or gapped bands.
public struct GradingConfiguration: Sendable, Hashable, Codable {
    /// Operating at least this many years before applying (满1年; SRC Shanghai 2020).
    public var minimumOperatingYears: Int
    /// The highest grade a first application may claim (三级; SRC Shanghai 2020).
    public var firstApplicationMaxGrade: Int
    /// No administrative penalty, coercive measure or criminal penalty within this many years (2; SRC Shanghai 2020).
    public var penaltyBlockYears: Int
    /// A grade is valid this many years (3; SRC Hubei draft 2022).
    public var validityYears: Int
    /// Re-application for the same grade opens this many months before expiry (3; SRC Hubei draft 2022).
    public var reapplicationMonthsBeforeExpiry: Int
    /// A higher grade may be sought this many years after the last grading (2; SRC Hubei draft 2022).
    public var upgradeAfterYears: Int
    /// A failed application bars the same or a higher grade this many years (2; SRC Hubei draft 2022).
    public var failedApplicationBlockYears: Int
    /// 公示 of the result, in working days (DEFAULT 5: RULES.md is silent; 5 working days is the common 评定结果公示).
    public var publicNoticeWorkingDays: Int
    /// An appeal is lodged within this many calendar days of the result's publication (DEFAULT 21: the FHRS pattern, RULES.md §2(e)).
    public var appealCalendarDays: Int
    /// An appeal is decided within this many calendar days of lodging (DEFAULT 21, FHRS).
    public var appealDecisionCalendarDays: Int
    /// The fewest scorers (评审员) on an application (DEFAULT 2: RULES.md is silent; one person should not grade alone).
    public var minimumScorers: Int
    /// The full score (GB/T 37276: 1000).
    public var totalPoints: Int
    /// The parts of the score sheet; their maxima add up to `totalPoints`. DEFAULT, UNVERIFIED split of GB/T 37276-2018:
    /// 环境 120, 设施设备 130, 运营管理 150, 服务 600.
    public var parts: [ScorePart]
    /// The grades' score ranges, one per grade 1–5, contiguous, the top ending at `totalPoints`; below grade 1's
    /// minimum no grade is reached. DEFAULT, UNVERIFIED cut-offs (RULES.md §2(b): "keep them in config"):
    /// 一级 400–549, 二级 550–699, 三级 700–799, 四级 800–899, 五级 900–1000.
    public var bands: [GradeBand]

    public init(
        minimumOperatingYears: Int = 1, firstApplicationMaxGrade: Int = 3, penaltyBlockYears: Int = 2, validityYears: Int = 3,
        reapplicationMonthsBeforeExpiry: Int = 3, upgradeAfterYears: Int = 2, failedApplicationBlockYears: Int = 2,
        publicNoticeWorkingDays: Int = 5, appealCalendarDays: Int = 21, appealDecisionCalendarDays: Int = 21, minimumScorers: Int = 2,
        totalPoints: Int = 1000, parts: [ScorePart] = GradingConfiguration.standardParts, bands: [GradeBand] = GradingConfiguration.standardBands
    ) {
        self.minimumOperatingYears = minimumOperatingYears
        self.firstApplicationMaxGrade = firstApplicationMaxGrade
        self.penaltyBlockYears = penaltyBlockYears
        self.validityYears = validityYears
        self.reapplicationMonthsBeforeExpiry = reapplicationMonthsBeforeExpiry
        self.upgradeAfterYears = upgradeAfterYears
        self.failedApplicationBlockYears = failedApplicationBlockYears
        self.publicNoticeWorkingDays = publicNoticeWorkingDays
        self.appealCalendarDays = appealCalendarDays
        self.appealDecisionCalendarDays = appealDecisionCalendarDays
        self.minimumScorers = minimumScorers
        self.totalPoints = totalPoints
        self.parts = parts
        self.bands = bands
    }

    public static let standardParts = [
        ScorePart(code: "environment", name: "环境", maximum: 120),
        ScorePart(code: "facilities", name: "设施设备", maximum: 130),
        ScorePart(code: "management", name: "运营管理", maximum: 150),
        ScorePart(code: "services", name: "服务", maximum: 600),
    ]

    public static let standardBands = [
        GradeBand(grade: .one, minimum: 400, maximum: 549),
        GradeBand(grade: .two, minimum: 550, maximum: 699),
        GradeBand(grade: .three, minimum: 700, maximum: 799),
        GradeBand(grade: .four, minimum: 800, maximum: 899),
        GradeBand(grade: .five, minimum: 900, maximum: 1000),
    ]

    /// Every problem of the configuration:
    /// - "bands" `COUNT` (not one band per grade 1–5, in grade order: "bands[i].grade" `ORDER`);
    /// - "bands[i].maximum" `BAD_RANGE` (below its minimum), "bands[i].minimum" `NEGATIVE`;
    /// - "bands[i].minimum" `OVERLAP` (starts at or below the previous grade's maximum) or `GAP` (starts above
    ///   the previous maximum + 1);
    /// - "bands[4].maximum" `GAP` (the top grade does not end at `totalPoints`) or `BEYOND_TOTAL`;
    /// - "parts" `EMPTY` / `TOTAL` (maxima do not add up to `totalPoints`); "parts[i].code" `REQUIRED` / `DUPLICATE`;
    ///   "parts[i].maximum" `NOT_POSITIVE`;
    /// - "total_points" `NOT_POSITIVE`; "first_application_max_grade" `OUT_OF_RANGE`; every year, month and day count
    ///   `NEGATIVE` (the windows) or `NOT_POSITIVE` (validity, scorers).
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        if totalPoints <= 0 { errors.add("total_points", "NOT_POSITIVE", "the full score is positive") }
        if !(1...5).contains(firstApplicationMaxGrade) {
            errors.add("first_application_max_grade", "OUT_OF_RANGE", "a grade is 1 to 5, not \(firstApplicationMaxGrade)")
        }
        let counts: [(String, Int)] = [
            ("minimum_operating_years", minimumOperatingYears), ("penalty_block_years", penaltyBlockYears),
            ("reapplication_months_before_expiry", reapplicationMonthsBeforeExpiry), ("upgrade_after_years", upgradeAfterYears),
            ("failed_application_block_years", failedApplicationBlockYears), ("public_notice_working_days", publicNoticeWorkingDays),
            ("appeal_calendar_days", appealCalendarDays), ("appeal_decision_calendar_days", appealDecisionCalendarDays),
        ]
        for (field, value) in counts where value < 0 { errors.add(field, "NEGATIVE", "\(field) is not negative") }
        if validityYears <= 0 { errors.add("validity_years", "NOT_POSITIVE", "a grade is valid for at least a year") }
        if minimumScorers <= 0 { errors.add("minimum_scorers", "NOT_POSITIVE", "someone scores an application") }

        if parts.isEmpty { errors.add("parts", "EMPTY", "the score sheet has at least one part") }
        var seenParts: [String: Int] = [:]
        for (i, part) in parts.enumerated() {
            if part.code.allSatisfy(\.isWhitespace) {
                errors.add("parts[\(i)].code", "REQUIRED", "a part needs its code")
            } else if let first = seenParts[part.code] {
                errors.add("parts[\(i)].code", "DUPLICATE", "the part \(part.code) is parts[\(first)] already")
            } else {
                seenParts[part.code] = i
            }
            if part.maximum <= 0 { errors.add("parts[\(i)].maximum", "NOT_POSITIVE", "a part gives at least one point") }
        }
        let partsTotal = parts.reduce(0) { $0 + $1.maximum }
        if !parts.isEmpty && partsTotal != totalPoints {
            errors.add("parts", "TOTAL", "the parts add up to \(partsTotal) points, not the full score \(totalPoints)")
        }

        guard bands.count == 5 else {
            errors.add("bands", "COUNT", "one band for each grade 1 to 5, not \(bands.count) bands")
            return errors
        }
        for (i, band) in bands.enumerated() {
            let field = "bands[\(i)]"
            if band.grade.level != i + 1 {
                errors.add("\(field).grade", "ORDER", "bands are listed for grades 1 to 5 in order: bands[\(i)] is grade \(i + 1), not \(band.grade.level)")
            }
            if band.minimum < 0 { errors.add("\(field).minimum", "NEGATIVE", "a score is not negative") }
            if band.maximum < band.minimum {
                errors.add("\(field).maximum", "BAD_RANGE", "grade \(band.grade.chineseName) ends at \(band.maximum), below its start \(band.minimum)")
            }
            if i > 0 {
                let previous = bands[i - 1]
                if band.minimum <= previous.maximum {
                    errors.add(
                        "\(field).minimum", "OVERLAP",
                        "grade \(band.grade.chineseName) starts at \(band.minimum), inside grade \(previous.grade.chineseName)'s "
                            + "\(previous.minimum)–\(previous.maximum)")
                } else if band.minimum > previous.maximum + 1 {
                    errors.add(
                        "\(field).minimum", "GAP",
                        "scores \(previous.maximum + 1)–\(band.minimum - 1) fall between grade \(previous.grade.chineseName) "
                            + "and grade \(band.grade.chineseName)")
                }
            }
        }
        if let top = bands.last {
            if top.maximum > totalPoints {
                errors.add("bands[4].maximum", "BEYOND_TOTAL", "grade 五级 ends at \(top.maximum), beyond the full score \(totalPoints)")
            } else if top.maximum < totalPoints {
                errors.add("bands[4].maximum", "GAP", "scores \(top.maximum + 1)–\(totalPoints) fall above grade 五级")
            }
        }
        return errors
    }

    /// A configuration read from JSON (the keys are the property names) and checked: throws
    /// `ValidationErrors` for bad bands or thresholds, INVALID "configuration" `UNREADABLE` for bad JSON.
    /// Keys left out keep their defaults.
    public static func load(json data: Data) throws -> GradingConfiguration {
        try ConfigurationFile.load(GradingConfiguration.self, json: data, what: "grading configuration") { $0.problems() }
    }

    private enum CodingKeys: String, CodingKey {
        case minimumOperatingYears, firstApplicationMaxGrade, penaltyBlockYears, validityYears, reapplicationMonthsBeforeExpiry,
            upgradeAfterYears, failedApplicationBlockYears, publicNoticeWorkingDays, appealCalendarDays, appealDecisionCalendarDays,
            minimumScorers, totalPoints, parts, bands
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = GradingConfiguration()
        self.init(
            minimumOperatingYears: try c.decodeIfPresent(Int.self, forKey: .minimumOperatingYears) ?? d.minimumOperatingYears,
            firstApplicationMaxGrade: try c.decodeIfPresent(Int.self, forKey: .firstApplicationMaxGrade) ?? d.firstApplicationMaxGrade,
            penaltyBlockYears: try c.decodeIfPresent(Int.self, forKey: .penaltyBlockYears) ?? d.penaltyBlockYears,
            validityYears: try c.decodeIfPresent(Int.self, forKey: .validityYears) ?? d.validityYears,
            reapplicationMonthsBeforeExpiry: try c.decodeIfPresent(Int.self, forKey: .reapplicationMonthsBeforeExpiry) ?? d.reapplicationMonthsBeforeExpiry,
            upgradeAfterYears: try c.decodeIfPresent(Int.self, forKey: .upgradeAfterYears) ?? d.upgradeAfterYears,
            failedApplicationBlockYears: try c.decodeIfPresent(Int.self, forKey: .failedApplicationBlockYears) ?? d.failedApplicationBlockYears,
            publicNoticeWorkingDays: try c.decodeIfPresent(Int.self, forKey: .publicNoticeWorkingDays) ?? d.publicNoticeWorkingDays,
            appealCalendarDays: try c.decodeIfPresent(Int.self, forKey: .appealCalendarDays) ?? d.appealCalendarDays,
            appealDecisionCalendarDays: try c.decodeIfPresent(Int.self, forKey: .appealDecisionCalendarDays) ?? d.appealDecisionCalendarDays,
            minimumScorers: try c.decodeIfPresent(Int.self, forKey: .minimumScorers) ?? d.minimumScorers,
            totalPoints: try c.decodeIfPresent(Int.self, forKey: .totalPoints) ?? d.totalPoints,
            parts: try c.decodeIfPresent([ScorePart].self, forKey: .parts) ?? d.parts,
            bands: try c.decodeIfPresent([GradeBand].self, forKey: .bands) ?? d.bands)
    }
}

/// What grading eligibility looks at (RULES.md §2(f): fed by other services): the institution's
/// own record, enforcement's penalty dates and the credit platform's 失信 status.
public struct GradingRecord: Sendable, Hashable, Codable {
    public var status: InstitutionStatus
    public var openedOn: CivilDate?
    /// 备案 date; nil when not filed.
    public var filedOn: CivilDate?
    /// Dates of recorded administrative penalties, coercive measures or criminal penalties (from enforcement).
    public var penaltyDates: [CivilDate]
    /// A penalty not yet carried out (尚未执行完毕) blocks regardless of its date.
    public var penaltyOutstanding: Bool
    /// On a dishonesty list (失信名单).
    public var onDishonestyList: Bool
    /// The current grade, the day it was granted and its last valid day.
    public var grade: CareGrade?
    public var gradedOn: CivilDate?
    public var gradeValidUntil: CivilDate?
    /// Earlier applications decided (passed or failed).
    public var pastApplications: [PastGradeApplication]

    public init(
        status: InstitutionStatus = .operating, openedOn: CivilDate?, filedOn: CivilDate?, penaltyDates: [CivilDate] = [],
        penaltyOutstanding: Bool = false, onDishonestyList: Bool = false, grade: CareGrade? = nil, gradedOn: CivilDate? = nil,
        gradeValidUntil: CivilDate? = nil, pastApplications: [PastGradeApplication] = []
    ) {
        self.status = status
        self.openedOn = openedOn
        self.filedOn = filedOn
        self.penaltyDates = penaltyDates
        self.penaltyOutstanding = penaltyOutstanding
        self.onDishonestyList = onDishonestyList
        self.grade = grade
        self.gradedOn = gradedOn
        self.gradeValidUntil = gradeValidUntil
        self.pastApplications = pastApplications
    }
}

/// An earlier, decided application: the grade asked for, the decision day and whether it passed.
public struct PastGradeApplication: Sendable, Hashable, Codable {
    public var requested: CareGrade
    public var decidedOn: CivilDate
    public var passed: Bool

    public init(requested: CareGrade, decidedOn: CivilDate, passed: Bool) {
        self.requested = requested
        self.decidedOn = decidedOn
        self.passed = passed
    }
}

/// Where an application for a grade (等级评定申请) stands. Case order is stored: append only.
public enum GradeApplicationState: String, Sendable, Hashable, CaseIterable, Codable {
    /// 已受理, eligibility checked.
    case submitted
    /// 已评分, not yet published.
    case scored
    /// 公示中.
    case publicNotice = "public_notice"
    /// 申诉中 (lodged during or after 公示, within the appeal window).
    case appealed
    /// 评定通过: the grade is granted.
    case granted
    /// 未通过: the score did not reach the requested grade.
    case failed
}

/// An appeal against a published score (申诉): the FHRS pattern, decided by someone who did not score it.
public struct GradeAppeal: Sendable, Hashable, Codable {
    public var lodgedOn: CivilDate
    public var grounds: String
    public var decidedBy: String?
    public var decidedOn: CivilDate?
    /// The total after the appeal (the same when not upheld).
    public var revisedTotal: Int?

    public init(lodgedOn: CivilDate, grounds: String, decidedBy: String? = nil, decidedOn: CivilDate? = nil, revisedTotal: Int? = nil) {
        self.lodgedOn = lodgedOn
        self.grounds = grounds
        self.decidedBy = decidedBy
        self.decidedOn = decidedOn
        self.revisedTotal = revisedTotal
    }

    public var isDecided: Bool { decidedOn != nil }
}

/// An application for a grade (GradeApplication, RULES.md §2(a)).
public struct GradeApplication: Sendable, Hashable, Codable {
    public var id: String
    public var institutionID: String
    public var requested: CareGrade
    public var appliedOn: CivilDate
    public var state: GradeApplicationState
    /// The people who scored it (评审员): none of them may decide an appeal.
    public var scorers: [String]
    /// Points by part code.
    public var partScores: [String: Int]
    public var total: Int?
    /// The grade the score reaches (its band), before the requested grade caps it.
    public var scoredGrade: CareGrade?
    public var noticeStartedOn: CivilDate?
    public var noticeEndsOn: CivilDate?
    public var appeal: GradeAppeal?
    public var decidedOn: CivilDate?
    public var granted: CareGrade?
    public var validUntil: CivilDate?

    public init(id: String = "", institutionID: String, requested: CareGrade, appliedOn: CivilDate) {
        self.id = id
        self.institutionID = institutionID
        self.requested = requested
        self.appliedOn = appliedOn
        state = .submitted
        scorers = []
        partScores = [:]
    }
}

/// The grading rules (RULES.md §2(b), §2(c)) over a checked configuration.
///
/// Decisions where RULES.md is silent:
/// - year periods end on the same-numbered day (民法典 §202): "operating 1 year" means opened on or before
///   `appliedOn` − 1 year; a penalty blocks when dated on or after `appliedOn` − 2 years ("以内" includes the end);
/// - "first application" means the institution has never been granted a grade (no current grade, no passed application);
/// - a score below the requested grade's band fails the application: no lower grade is granted in its place
///   (the institution may apply for a lower grade at once: the block covers the same or a higher grade only);
/// - a grade is granted once the 公示 has ended and the appeal window has closed or the appeal is decided (one
///   appeal per application), valid from the decision day for
///   `validityYears` (last valid day = decision day + 3 years, §202);
/// - re-applying for the current grade or a lower one is allowed from `reapplicationMonthsBeforeExpiry` before
///   expiry; a higher grade from `upgradeAfterYears` after the last grading; after expiry, either at once.
public struct GradingRules: Sendable {
    public let configuration: GradingConfiguration
    public let calendar: WorkingCalendar

    /// Throws `ValidationErrors` when the configuration has any problem (`GradingConfiguration.problems`).
    public init(configuration: GradingConfiguration = GradingConfiguration(), calendar: WorkingCalendar = .standard) throws {
        try configuration.problems().check()
        self.configuration = configuration
        self.calendar = calendar
    }

    // MARK: - Eligibility

    /// Every reason `record` may not apply for `requested` on `day` (empty: eligible):
    /// - "status" `NOT_OPERATING`;
    /// - "opened_on" `REQUIRED` / `TOO_RECENT` (operating under `minimumOperatingYears`);
    /// - "filed_on" `NOT_FILED` (no 备案, or filed after `day`);
    /// - "penalties" `RECENT_PENALTY` (one dated within `penaltyBlockYears`), `PENALTY_OUTSTANDING`;
    /// - "dishonesty_list" `LISTED`;
    /// - "requested" `FIRST_APPLICATION_CAP` (a first application above `firstApplicationMaxGrade`),
    ///   `FAILED_RECENTLY` (a failed application for this grade or a lower one within `failedApplicationBlockYears`),
    ///   `TOO_EARLY` (the current grade is valid and the re-application window has not opened),
    ///   `UPGRADE_TOO_EARLY` (a higher grade within `upgradeAfterYears` of the last grading).
    public func eligibility(of record: GradingRecord, requesting requested: CareGrade, on day: CivilDate) -> ValidationErrors {
        let c = configuration
        var errors = ValidationErrors()
        if record.status != .operating {
            errors.add("status", "NOT_OPERATING", "only an operating institution is graded, not a \(record.status.rawValue) one")
        }
        if let opened = record.openedOn {
            if opened > day.adding(months: -12 * c.minimumOperatingYears) {
                errors.add("opened_on", "TOO_RECENT", "an institution is graded after operating \(c.minimumOperatingYears) year(s); it opened on \(opened)")
            }
        } else {
            errors.add("opened_on", "REQUIRED", "the opening date is needed to grade an institution")
        }
        if record.filedOn.map({ $0 > day }) ?? true {
            errors.add("filed_on", "NOT_FILED", "an institution is graded once it has filed its 备案")
        }
        let penaltyCutoff = day.adding(months: -12 * c.penaltyBlockYears)
        if let recent = record.penaltyDates.filter({ $0 >= penaltyCutoff && $0 <= day }).max() {
            let from = recent.adding(months: 12 * c.penaltyBlockYears).adding(days: 1)
            errors.add("penalties", "RECENT_PENALTY", "a penalty of \(recent) is within \(c.penaltyBlockYears) years; apply from \(from)")
        }
        if record.penaltyOutstanding {
            errors.add("penalties", "PENALTY_OUTSTANDING", "a penalty not yet carried out blocks grading")
        }
        if record.onDishonestyList { errors.add("dishonesty_list", "LISTED", "an institution on a dishonesty list (失信名单) is not graded") }

        let everGraded = record.grade != nil || record.pastApplications.contains(where: \.passed)
        if !everGraded && requested.level > c.firstApplicationMaxGrade {
            let cap = CareGrade(c.firstApplicationMaxGrade)?.chineseName ?? ""
            errors.add("requested", "FIRST_APPLICATION_CAP", "a first application claims at most grade \(cap)")
        }
        for past in record.pastApplications where !past.passed && past.requested <= requested {
            let blockedUntil = past.decidedOn.adding(months: 12 * c.failedApplicationBlockYears)
            if day < blockedUntil {
                errors.add(
                    "requested", "FAILED_RECENTLY",
                    "grade \(past.requested.chineseName) failed on \(past.decidedOn): grade \(requested.chineseName) may be sought from \(blockedUntil)")
                break
            }
        }
        if let current = record.grade, let until = record.gradeValidUntil, day <= until {
            if requested > current {
                if let graded = record.gradedOn, day < graded.adding(months: 12 * c.upgradeAfterYears) {
                    errors.add(
                        "requested", "UPGRADE_TOO_EARLY",
                        "a higher grade may be sought \(c.upgradeAfterYears) years after the last grading, "
                            + "from \(graded.adding(months: 12 * c.upgradeAfterYears))")
                }
            } else {
                let opens = reapplicationOpens(validUntil: until)
                if day < opens { errors.add("requested", "TOO_EARLY", "re-application for the current grade opens on \(opens)") }
            }
        }
        return errors
    }

    /// Throws the eligibility problems as `ValidationErrors`; otherwise a new application.
    public func apply(
        institutionID: String, record: GradingRecord, requesting requested: CareGrade, on day: CivilDate, id: String = ""
    ) throws -> GradeApplication {
        try eligibility(of: record, requesting: requested, on: day).check()
        return GradeApplication(id: id, institutionID: institutionID, requested: requested, appliedOn: day)
    }

    // MARK: - Score, band, validity

    /// The total of `partScores` (by part code); throws `ValidationErrors`: "part_scores.<code>" `MISSING`,
    /// `UNKNOWN`, `NEGATIVE`, `EXCEEDS_MAXIMUM`.
    public func total(_ partScores: [String: Int]) throws -> Int {
        var errors = ValidationErrors()
        let known = Set(configuration.parts.map(\.code))
        for part in configuration.parts {
            guard let points = partScores[part.code] else {
                errors.add("part_scores.\(part.code)", "MISSING", "no score for \(part.name)")
                continue
            }
            if points < 0 { errors.add("part_scores.\(part.code)", "NEGATIVE", "a score is not negative") }
            if points > part.maximum {
                errors.add("part_scores.\(part.code)", "EXCEEDS_MAXIMUM", "\(part.name) gives at most \(part.maximum) points, not \(points)")
            }
        }
        for code in partScores.keys.sorted() where !known.contains(code) {
            errors.add("part_scores.\(code)", "UNKNOWN", "no part \(code) on the score sheet")
        }
        try errors.check()
        return configuration.parts.reduce(0) { $0 + partScores[$1.code]! }
    }

    /// The grade whose band holds `total`; nil below grade 1.
    public func grade(for total: Int) -> CareGrade? {
        configuration.bands.first { $0.minimum <= total && total <= $0.maximum }?.grade
    }

    /// The last day a grade granted on `day` is valid (`validityYears` later, 民法典 §202).
    public func validUntil(grantedOn day: CivilDate) -> CivilDate { day.adding(months: 12 * configuration.validityYears) }

    /// The first day re-application for the same grade is allowed.
    public func reapplicationOpens(validUntil: CivilDate) -> CivilDate {
        validUntil.adding(months: -configuration.reapplicationMonthsBeforeExpiry)
    }

    // MARK: - The application's steps

    /// Scores `application`: throws FAILED_PRECONDITION `NOT_SUBMITTED` unless submitted, INVALID "scorers"
    /// `TOO_FEW` (fewer than `minimumScorers` different people) and the `total` problems.
    public func score(_ application: GradeApplication, partScores: [String: Int], scorers: [String]) throws -> GradeApplication {
        guard application.state == .submitted else {
            throw DomainError.failedPrecondition("only a submitted application is scored", reason: "NOT_SUBMITTED")
        }
        let people = Set(scorers.map(InstitutionRules.trimmed).filter { !$0.isEmpty })
        if people.count < configuration.minimumScorers {
            throw DomainError.invalid("an application is scored by at least \(configuration.minimumScorers) people", field: "scorers", reason: "TOO_FEW")
        }
        let sum = try total(partScores)
        var copy = application
        copy.partScores = partScores
        copy.scorers = people.sorted()
        copy.total = sum
        copy.scoredGrade = grade(for: sum)
        copy.state = .scored
        return copy
    }

    /// Publishes the score (公示) from `day` for `publicNoticeWorkingDays` working days; FAILED_PRECONDITION `NOT_SCORED`.
    public func publish(_ application: GradeApplication, on day: CivilDate) throws -> GradeApplication {
        guard application.state == .scored else { throw DomainError.failedPrecondition("only a scored application is published", reason: "NOT_SCORED") }
        var copy = application
        copy.noticeStartedOn = day
        copy.noticeEndsOn = calendar.adding(workingDays: configuration.publicNoticeWorkingDays, to: day)
        copy.state = .publicNotice
        return copy
    }

    /// The last day to lodge an appeal: `appealCalendarDays` after publication, moved off a rest day (民法典 §203).
    public func appealDeadline(publishedOn day: CivilDate) -> CivilDate {
        calendar.onOrNextWorkingDay(day.adding(days: configuration.appealCalendarDays))
    }

    /// The last day to decide an appeal lodged on `day` (§203 as above).
    public func appealDecisionDue(lodgedOn day: CivilDate) -> CivilDate {
        calendar.onOrNextWorkingDay(day.adding(days: configuration.appealDecisionCalendarDays))
    }

    /// Lodges an appeal (申诉) on `day`: FAILED_PRECONDITION `NOT_PUBLISHED` unless in 公示 (an appeal after the
    /// 公示 but within the window is still taken while the application is not decided), `APPEAL_LATE` after
    /// `appealDeadline`; INVALID "grounds" `REQUIRED`. One appeal per application (`ALREADY_APPEALED`).
    public func lodgeAppeal(_ application: GradeApplication, grounds: String, on day: CivilDate) throws -> GradeApplication {
        if application.state == .appealed || application.appeal != nil {
            throw DomainError.failedPrecondition("the application has been appealed already", reason: "ALREADY_APPEALED")
        }
        guard application.state == .publicNotice, let published = application.noticeStartedOn else {
            throw DomainError.failedPrecondition("an appeal is against a published score", reason: "NOT_PUBLISHED")
        }
        if day > appealDeadline(publishedOn: published) {
            throw DomainError.failedPrecondition("appeals close on \(appealDeadline(publishedOn: published))", reason: "APPEAL_LATE")
        }
        if grounds.allSatisfy(\.isWhitespace) { throw DomainError.invalid("an appeal states its grounds", field: "grounds", reason: "REQUIRED") }
        var copy = application
        copy.appeal = GradeAppeal(lodgedOn: day, grounds: grounds)
        copy.state = .appealed
        return copy
    }

    /// Decides the appeal: `revisedPartScores` nil keeps the score. Throws PERMISSION_DENIED
    /// "decided_by" `SCORER_CANNOT_DECIDE` when `decider` scored the application (FHRS: an officer not
    /// involved), INVALID "decided_by" `REQUIRED`, FAILED_PRECONDITION `NO_APPEAL`.
    public func decideAppeal(
        _ application: GradeApplication, by decider: String, revisedPartScores: [String: Int]? = nil, on day: CivilDate
    ) throws -> GradeApplication {
        guard application.state == .appealed, var appeal = application.appeal, !appeal.isDecided else {
            throw DomainError.failedPrecondition("no undecided appeal on this application", reason: "NO_APPEAL")
        }
        let person = InstitutionRules.trimmed(decider)
        if person.isEmpty { throw DomainError.invalid("the appeal's decider is named", field: "decided_by", reason: "REQUIRED") }
        if application.scorers.contains(person) {
            throw DomainError(
                .permissionDenied, "\(person) scored this application and cannot decide its appeal",
                problems: [
                    FieldProblem(field: "decided_by", reason: "SCORER_CANNOT_DECIDE", description: "an appeal is decided by someone who did not score it")
                ])
        }
        var copy = application
        if let revised = revisedPartScores {
            let sum = try total(revised)
            copy.partScores = revised
            copy.total = sum
            copy.scoredGrade = grade(for: sum)
        }
        appeal.decidedBy = person
        appeal.decidedOn = day
        appeal.revisedTotal = copy.total
        copy.appeal = appeal
        copy.state = .publicNotice
        return copy
    }

    /// Decides the application on `day`: granted when the score reaches the requested grade (valid
    /// `validityYears`), failed otherwise. FAILED_PRECONDITION `NOTICE_RUNNING` before the 公示 ends,
    /// `APPEAL_WINDOW_OPEN` while an appeal may still be lodged (none lodged, `appealDeadline` not passed),
    /// `APPEAL_PENDING` with an undecided appeal, `NOT_PUBLISHED` before publication.
    public func decide(_ application: GradeApplication, on day: CivilDate) throws -> GradeApplication {
        if application.state == .appealed { throw DomainError.failedPrecondition("the appeal is not decided yet", reason: "APPEAL_PENDING") }
        guard application.state == .publicNotice, let ends = application.noticeEndsOn else {
            throw DomainError.failedPrecondition("a score is published before the decision", reason: "NOT_PUBLISHED")
        }
        if day <= ends { throw DomainError.failedPrecondition("the 公示 runs until \(ends)", reason: "NOTICE_RUNNING") }
        if application.appeal == nil, let published = application.noticeStartedOn, day <= appealDeadline(publishedOn: published) {
            throw DomainError.failedPrecondition("appeals may be lodged until \(appealDeadline(publishedOn: published))", reason: "APPEAL_WINDOW_OPEN")
        }
        var copy = application
        copy.decidedOn = day
        if let reached = application.scoredGrade, reached >= application.requested {
            copy.granted = application.requested
            copy.validUntil = validUntil(grantedOn: day)
            copy.state = .granted
        } else {
            copy.state = .failed
        }
        return copy
    }

    /// The decided application as a `PastGradeApplication` for later eligibility checks (nil until decided).
    public static func past(_ application: GradeApplication) -> PastGradeApplication? {
        guard let decided = application.decidedOn, application.state == .granted || application.state == .failed else { return nil }
        return PastGradeApplication(requested: application.requested, decidedOn: decided, passed: application.state == .granted)
    }
}
