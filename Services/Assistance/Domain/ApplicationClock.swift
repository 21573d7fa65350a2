import CivicDomain

/// The application time limits (RULES.md §1(b)); the defaults are the national 办法's, a county
/// sets its own (Zhengzhou 25/40, Qingdao 20/30).
public struct ApplicationTimeLimits: Sendable, Hashable {
    /// Whole case, in working days from acceptance.
    public var caseWorkingDays: Int
    /// Whole case with a recorded extension.
    public var extendedCaseWorkingDays: Int
    /// Written rejection notice, in working days after the decision.
    public var rejectionNoticeWorkingDays: Int
    /// 公示, in calendar days (RULES.md §1(b): "7 days (calendar)").
    public var noticeCalendarDays: Int
    /// A deadline this many working days away or fewer is due soon.
    public var dueSoonWorkingDays: Int

    public init(
        caseWorkingDays: Int = 30, extendedCaseWorkingDays: Int = 45, rejectionNoticeWorkingDays: Int = 3, noticeCalendarDays: Int = 7,
        dueSoonWorkingDays: Int = 5
    ) {
        self.caseWorkingDays = caseWorkingDays
        self.extendedCaseWorkingDays = extendedCaseWorkingDays
        self.rejectionNoticeWorkingDays = rejectionNoticeWorkingDays
        self.noticeCalendarDays = noticeCalendarDays
        self.dueSoonWorkingDays = dueSoonWorkingDays
    }
}

/// Where a deadline stands on a day.
public enum DeadlineStatus: String, Sendable, Hashable, CaseIterable {
    case onTime = "on_time"
    case dueSoon = "due_soon"
    case overdue
}

/// The legal clocks of an application on the working-day calendar. Working days count from the
/// day after (RULES.md §0.1: the start day is not counted; 调休 days are working days).
public struct ApplicationClock: Sendable {
    public var calendar: WorkingCalendar
    public var limits: ApplicationTimeLimits

    public init(calendar: WorkingCalendar = .standard, limits: ApplicationTimeLimits = ApplicationTimeLimits()) {
        self.calendar = calendar
        self.limits = limits
    }

    /// The last day to decide: 30 working days after acceptance, 45 with a recorded extension.
    public func caseDue(acceptedOn: CivilDate, extended: Bool = false) -> CivilDate {
        calendar.adding(workingDays: extended ? limits.extendedCaseWorkingDays : limits.caseWorkingDays, to: acceptedOn)
    }

    /// The last day to send the written rejection: 3 working days after the decision.
    public func rejectionNoticeDue(decidedOn: CivilDate) -> CivilDate {
        calendar.adding(workingDays: limits.rejectionNoticeWorkingDays, to: decidedOn)
    }

    /// The last day of 公示. 公示 is 7 calendar days (RULES.md §1(b) "7 days (calendar)"), counted
    /// as §0.1's calendarDeadline: start day not counted (民法典 §201), start + 7, and a last day on a
    /// rest day moves to the next working day (§203). The county decides from the day after.
    public func noticeEnds(startedOn: CivilDate) -> CivilDate {
        calendar.onOrNextWorkingDay(startedOn.adding(days: limits.noticeCalendarDays))
    }

    /// The 急难型 paperwork deadline: 5 working days after the payment (RULES.md §1(b) 临时救助, DEFAULT).
    public func emergencyPaperworkDue(paidOn: CivilDate) -> CivilDate {
        calendar.adding(workingDays: TemporaryAssistance.emergencyPaperworkWorkingDays, to: paidOn)
    }

    /// The first paid month: the month after approval ("作出确认同意决定之日下月起", RULES.md §1(b));
    /// 两项补贴 from the month of application (§1(b) 两项补贴).
    public static func paymentStart(program: Program, appliedOn: CivilDate, approvedOn: CivilDate) -> BenefitMonth {
        if program == .disabilitySubsidy { return BenefitMonth(containing: appliedOn) }
        return BenefitMonth(containing: approvedOn).next
    }

    /// Overdue after the due day; due soon when it is at most `dueSoonWorkingDays` working days away
    /// (the due day itself included); on time otherwise.
    public func status(due: CivilDate, on day: CivilDate) -> DeadlineStatus {
        if day > due { return .overdue }
        return calendar.workingDays(from: day, to: due) <= limits.dueSoonWorkingDays ? .dueSoon : .onTime
    }

    /// The case clock's status on `day` (nil once decided: the clock stopped).
    public func caseStatus(state: ApplicationState, acceptedOn: CivilDate, extended: Bool, on day: CivilDate) -> DeadlineStatus? {
        guard state != .applied, !state.isFinal, state != .emergencyPaid else { return nil }
        return status(due: caseDue(acceptedOn: acceptedOn, extended: extended), on: day)
    }
}
