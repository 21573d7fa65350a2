import CivicDomain

extension Item {
    /// The item's deadlines that fall in a provisional year (one without the State
    /// Council's holiday notice, counted with weekends and statutory holidays only), by the
    /// names DeadlineRecalculation uses: every answer that shows a deadline marks these, so
    /// no one mistakes them for final. Loading the notice and RecalculateDeadlines make
    /// them final.
    public func provisionalDeadlines(_ calendar: WorkingCalendar) -> [String] {
        [("answer_due", answerDue), ("return_window_ends", returnWindowEnds), ("publication_due", publicationDue)]
            .compactMap { name, date in date.map { calendar.isProvisional($0) } == true ? name : nil }
    }
}

extension UnitAssignment {
    /// The unit's opinion is due in a provisional year.
    public func opinionDueIsProvisional(_ calendar: WorkingCalendar) -> Bool {
        opinionDue.map { calendar.isProvisional($0) } ?? false
    }
}
