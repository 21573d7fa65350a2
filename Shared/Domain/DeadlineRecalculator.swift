/// One deadline put right once a year's official holiday notice is loaded: the date the
/// rule gave without the notice (provisional: weekends and statutory holidays only) and
/// the date it gives with it. Every service recalculates its deadlines this way
/// (proposals: RecalculateDeadlines), listing the corrections first and applying them with
/// a note in each record's history.
public struct DeadlineCorrection: Sendable, Equatable {
    /// The deadline's name as the service's answers show it (`answer_due`, …).
    public let deadline: String
    /// For a deadline owed by one of several parties (a unit's opinion): whose.
    public let unit: String
    public let from: CivilDate
    public let to: CivilDate
    /// For an answer already given: whether it came by the corrected date.
    public var answeredOnTime: Bool?
    /// The corrected date is earlier and already past: moving it would close a window or
    /// make a record overdue after the fact, so it is listed and left as stored.
    public var kept: Bool

    public init(deadline: String, unit: String, from: CivilDate, to: CivilDate, answeredOnTime: Bool? = nil, kept: Bool = false) {
        self.deadline = deadline
        self.unit = unit
        self.from = from
        self.to = to
        self.answeredOnTime = answeredOnTime
        self.kept = kept
    }
}

/// Decides, deadline by deadline, what loading `loadedYears` into `calendar` changes. A
/// stored date is corrected only when it is what the rule gives without those years'
/// notices and not what it gives with them: a date set by hand (an extension), or counted
/// with the notice already, matches neither and is left alone. "Without the notice" is
/// either count a stored date may come from: the provisional one (weekends and statutory
/// holidays, since 2026-12) or weekends alone (what releases before then counted).
public struct DeadlineRecalculator: Sendable {
    /// The calendar with the notices loaded.
    public let calendar: WorkingCalendar
    /// The same calendar with those years provisional, as the stored dates were counted.
    public let before: WorkingCalendar
    /// The same calendar with those years counted by weekends alone (earlier releases).
    public let weekendsOnly: WorkingCalendar
    public let today: CivilDate

    public init(calendar: WorkingCalendar, loadedYears: Set<Int>, today: CivilDate) {
        self.calendar = calendar
        self.before = loadedYears.reduce(calendar) { $0.without(year: $1) }
        // An official schedule with no holidays and no 调休 is weekends alone.
        self.weekendsOnly = (try? calendar.loading(loadedYears.map { WorkingCalendar.YearSchedule(year: $0, holidays: [], workdays: []) })) ?? before
        self.today = today
    }

    /// The correction of one stored deadline, or nil when it stays. `rule` computes the
    /// deadline from its base date with a given calendar.
    public func check(_ deadline: String, unit: String = "", stored: CivilDate?, rule: (WorkingCalendar) -> CivilDate?) -> DeadlineCorrection? {
        guard let stored, let now = rule(calendar), now != stored, rule(before) == stored || rule(weekendsOnly) == stored else { return nil }
        return DeadlineCorrection(deadline: deadline, unit: unit, from: stored, to: now, kept: now < stored && now < today)
    }
}
