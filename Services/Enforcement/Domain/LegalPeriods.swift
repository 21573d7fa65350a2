import CivicDomain

/// How a time limit of the Administrative Penalty Law (行政处罚法 2021) is counted.
///
/// - 民法典 §201: the day the period starts (the event: 立案, 告知, service…) is not counted.
/// - 民法典 §202: a period in months or years ends on the same-numbered day (the last day of the
///   month when there is none).
/// - 民法典 §203: a last day on a rest day moves to the next working day.
/// - 行政处罚法 §85: its 2/3/5/7-day limits are working days (法定节假日 not counted); the 90-day
///   decision limit and the 15-day payment limit are calendar days.
public enum PeriodUnit: String, Sendable, Hashable, CaseIterable, Codable {
    case workingDays = "working_days"
    case calendarDays = "calendar_days"
    case months
    case years
}

/// A deadline with the date the law's count gives and the date it actually falls on, and the rule
/// behind it, so every clock can show both (RULES.md §4(c) 3).
///
/// The rule's text is written out only when it is read: the daily sweep computes every open clock
/// of every case and shows the rule of few of them (docs/BENCHMARKS.md, the clock sweep).
public struct LegalDeadline: Sendable, Hashable, Codable {
    /// The count's last day before §203: for working days it is already a working day.
    public var legalDate: CivilDate
    /// The last day after §203 (the next working day when `legalDate` is a rest day).
    public var dueDate: CivilDate
    /// Counted through a year whose holiday notice is not loaded: it may move.
    public var provisional: Bool
    private var explanation: Explanation
    /// Notes added after the count ("extended 30 days by H"), each written out when read.
    private var notes: [Note] = []

    /// "行政处罚法 §60: 90 days from 立案 (民法典 §201, §203)".
    public var rule: String {
        get {
            var text = explanation.text(legalDate: legalDate, dueDate: dueDate)
            for note in notes { text += note.text }
            return text
        }
        set {
            explanation = .text(newValue)
            notes = []
        }
    }

    public init(legalDate: CivilDate, dueDate: CivilDate, rule: String, provisional: Bool = false) {
        self.init(legalDate: legalDate, dueDate: dueDate, explanation: .text(rule), provisional: provisional)
    }

    init(legalDate: CivilDate, dueDate: CivilDate, explanation: Explanation, provisional: Bool) {
        self.legalDate = legalDate
        self.dueDate = dueDate
        self.explanation = explanation
        self.provisional = provisional
    }

    /// Whether a step on `day` is late.
    public func isOverdue(on day: CivilDate) -> Bool { day > dueDate }

    /// Appends to the rule when it is read (`note` is kept, not called, until then).
    mutating func note(_ note: Note) { notes.append(note) }

    /// How the rule's text is formed.
    enum Explanation: Sendable {
        case text(String)
        /// `limit` counted from `start` with `extraDays` added (LegalCalendar.deadline).
        case counted(TimeLimit, from: CivilDate, extraDays: Int)

        func text(legalDate: CivilDate, dueDate: CivilDate) -> String {
            switch self {
            case .text(let text): return text
            case .counted(let limit, let start, let extraDays):
                let counting =
                    switch limit.unit {
                    case .workingDays: "\(limit.length) working days (行政处罚法 §85)"
                    case .calendarDays: "\(limit.length) days"
                    case .months: "\(limit.length) months (民法典 §202)"
                    case .years: "\(limit.length) years (民法典 §202)"
                    }
                var rule = "\(limit.source): \(counting) from \(start), the start day not counted (民法典 §201)"
                if extraDays > 0 { rule += ", \(extraDays) excluded days added" }
                if dueDate != legalDate { rule += "; \(legalDate) is a rest day, so the next working day (民法典 §203)" }
                return rule
            }
        }
    }

    /// A note the rule carries after its count.
    enum Note: Sendable {
        /// "; extended 30 days by H, 15 days by collective discussion".
        case extended([(days: Int, by: String)])
        /// "; 12 days of hearing, 公告 or testing excluded".
        case excluded(days: Int)
        /// ", extended with the approval of 张三".
        case approvedExtension(by: String)

        var text: String {
            switch self {
            case .extended(let extensions): "; extended \(extensions.map { "\($0.days) days by \($0.by)" }.joined(separator: ", "))"
            case .excluded(let days): "; \(days) days of hearing, 公告 or testing excluded"
            case .approvedExtension(let approver): ", extended with the approval of \(approver)"
            }
        }
    }

    // Equal when they show the same dates and the same rule, however the text is formed.
    public static func == (a: LegalDeadline, b: LegalDeadline) -> Bool {
        a.legalDate == b.legalDate && a.dueDate == b.dueDate && a.provisional == b.provisional && a.rule == b.rule
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(legalDate)
        hasher.combine(dueDate)
        hasher.combine(provisional)
    }

    // Stored with the rule written out, as before the text became lazy.
    enum CodingKeys: String, CodingKey { case legalDate, dueDate, rule, provisional }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            legalDate: try c.decode(CivilDate.self, forKey: .legalDate), dueDate: try c.decode(CivilDate.self, forKey: .dueDate),
            rule: try c.decode(String.self, forKey: .rule), provisional: try c.decode(Bool.self, forKey: .provisional))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(legalDate, forKey: .legalDate)
        try c.encode(dueDate, forKey: .dueDate)
        try c.encode(rule, forKey: .rule)
        try c.encode(provisional, forKey: .provisional)
    }
}

/// A time limit: a length in a unit, and where it comes from.
public struct TimeLimit: Sendable, Hashable, Codable {
    public var length: Int
    public var unit: PeriodUnit
    /// The article that sets it: "行政处罚法 §64(1)".
    public var source: String

    public init(_ length: Int, _ unit: PeriodUnit, source: String) {
        self.length = length
        self.unit = unit
        self.source = source
    }

    // The limits of 行政处罚法 (2021) and 行政强制法 the service counts (RULES.md §4(b)).
    /// 先行登记保存: the decision on the preserved evidence within 7 working days (§56, §85).
    public static let preservationDecision = TimeLimit(7, .workingDays, source: "行政处罚法 §56")
    /// A hearing is asked for within 5 working days of the 告知 (§64(1), §85).
    public static let hearingRequest = TimeLimit(5, .workingDays, source: "行政处罚法 §64(1)")
    /// The decision within 90 days of 立案 (§60), calendar days.
    public static let decision = TimeLimit(90, .calendarDays, source: "行政处罚法 §60")
    /// Service of the decision within 7 working days when not on the spot (§61, §85).
    public static let service = TimeLimit(7, .workingDays, source: "行政处罚法 §61")
    /// Payment within 15 days of receiving the decision (§67), calendar days.
    public static let payment = TimeLimit(15, .calendarDays, source: "行政处罚法 §67")
    /// A revoked decision's publication is withdrawn within 3 working days (§48).
    public static let publicationWithdrawal = TimeLimit(3, .workingDays, source: "行政处罚法 §48")
    /// 催告 before applying to the court: 10 working days (行政强制法 §54).
    public static let courtNotice = TimeLimit(10, .workingDays, source: "行政强制法 §54")
    /// A lead is verified within 15 working days (DEFAULT after the market-regulation model; RULES.md §4(b)).
    public static let leadVerification = TimeLimit(15, .workingDays, source: "线索核查 (市场监管程序规定 model)")
}

/// Counts time limits on the working-day calendar by 民法典 §201–203 and 行政处罚法 §85.
public struct LegalCalendar: Sendable {
    public let calendar: WorkingCalendar

    public init(_ calendar: WorkingCalendar = .standard) {
        self.calendar = calendar
    }

    /// The deadline of `limit` counted from `start` (the start day not counted), `extraDays`
    /// calendar days added for time the law excludes (hearings, 公告, testing: §60) before §203.
    public func deadline(_ limit: TimeLimit, from start: CivilDate, extraDays: Int = 0) -> LegalDeadline {
        let legal: CivilDate =
            switch limit.unit {
            // §85: working days; the n-th working day after the start is already a working day.
            case .workingDays: calendar.adding(workingDays: limit.length, to: start).adding(days: extraDays)
            case .calendarDays: start.adding(days: limit.length + extraDays)
            case .months: start.adding(months: limit.length).adding(days: extraDays)
            case .years: start.adding(months: 12 * limit.length).adding(days: extraDays)
            }
        let due = calendar.onOrNextWorkingDay(legal)
        return LegalDeadline(
            legalDate: legal, dueDate: due, explanation: .counted(limit, from: start, extraDays: extraDays),
            provisional: calendar.isProvisional(from: start, through: due))
    }
}

/// 追责时效 (行政处罚法 §36): an act not discovered within 2 years is not penalized; 5 years where it
/// harmed life, health or financial safety with consequences; a continuing act counts from its end.
public struct LimitationPeriod: Sendable, Hashable {
    public static let standardYears = 2
    public static let extendedYears = 5

    /// The last day the act may be discovered: `endedOn` + 2 (or 5) years, by 民法典 §202 (not moved
    /// off a rest day: discovery is not a step the party takes).
    public static func lastDay(actEndedOn endedOn: CivilDate, harmsLifeHealthOrFinance: Bool) -> CivilDate {
        endedOn.adding(months: 12 * (harmsLifeHealthOrFinance ? extendedYears : standardYears))
    }

    /// FAILED_PRECONDITION "discovered_on" TIME_BARRED when the act was discovered after its last day;
    /// INVALID "discovered_on" BEFORE_ACT when before the act ended.
    public static func check(actEndedOn endedOn: CivilDate, discoveredOn: CivilDate, harmsLifeHealthOrFinance: Bool) throws {
        if discoveredOn < endedOn {
            throw DomainError.invalid("discovered on \(discoveredOn), before the act ended (\(endedOn))", field: "discovered_on", reason: "BEFORE_ACT")
        }
        let last = lastDay(actEndedOn: endedOn, harmsLifeHealthOrFinance: harmsLifeHealthOrFinance)
        if discoveredOn > last {
            let years = harmsLifeHealthOrFinance ? extendedYears : standardYears
            throw DomainError(
                .failedPrecondition, "the act ended on \(endedOn) and was discovered on \(discoveredOn), after \(years) years (行政处罚法 §36)",
                problems: [FieldProblem(field: "discovered_on", reason: "TIME_BARRED", description: "the limitation period ended on \(last)")])
        }
    }
}

/// Days covered by date ranges (both ends included), overlaps counted once: the paused days of a
/// surcharge, the excluded days of a decision clock.
public enum DayRanges {
    /// The days of `ranges` that fall `within` the window, each counted once.
    public static func coveredDays(_ ranges: [(CivilDate, CivilDate)], within window: ClosedRange<CivilDate>) -> Int {
        let clipped = ranges.map { (max($0.0, window.lowerBound), min($0.1, window.upperBound)) }.filter { $0.0 <= $0.1 }.sorted { $0.0 < $1.0 }
        var covered = 0
        var current: (CivilDate, CivilDate)?
        for range in clipped {
            if let c = current, range.0 <= c.1.adding(days: 1) {
                current = (c.0, max(c.1, range.1))
            } else {
                if let c = current { covered += c.1.dayNumber - c.0.dayNumber + 1 }
                current = range
            }
        }
        if let c = current { covered += c.1.dayNumber - c.0.dayNumber + 1 }
        return covered
    }
}
