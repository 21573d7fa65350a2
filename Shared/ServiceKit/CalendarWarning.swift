import CivicDomain

/// What health checks say about the working-day calendar, the same in every service.
public enum CalendarWarning {
    /// A year without the State Council's notice: its deadlines are provisional.
    public static func provisionalYear(_ year: Int) -> String {
        "\(year) has no official holiday schedule yet: deadlines in it are provisional (weekends and statutory holidays, no 调休); "
            + "load the State Council's notice with CIVIC_CALENDAR_FILE, then recalculate"
    }

    /// The warnings for `calendar` on `today`: the current and next year, and any later year
    /// up to `reach` (the furthest a deadline set today can fall).
    public static func warnings(_ calendar: WorkingCalendar, today: CivilDate, reach: CivilDate? = nil) -> [String] {
        let nextYearEnd = CivilDate(year: today.year + 1, month: 12, day: 31)!
        return calendar.provisionalYears(from: today, through: max(reach ?? nextYearEnd, nextYearEnd)).map(provisionalYear)
    }
}
