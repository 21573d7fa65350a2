import CivicDomain

/// Deadlines counted while their year was provisional (no official holiday notice) are put
/// right once the notice is loaded: each deadline the rules computed from a base date is
/// checked by the shared DeadlineRecalculator (CivicDomain), which corrects a stored date
/// only when it is what the rule gives without the notice and not what it gives with it.
public enum DeadlineRecalculation {
    /// One corrected deadline (the shared DeadlineCorrection): `answer_due`,
    /// `return_window_ends`, `opinion_due` (with `unit`), `publication_due`.
    public typealias Change = DeadlineCorrection

    /// The changes for `item` once `loadedYears` are in `calendar`. `reopenedOn` is the date
    /// of the latest 不满意, from which a reopened item's answer date was set.
    public static func changes(
        for item: Item, reopenedOn: CivilDate?, rules: ReplyDeadlines, calendar: WorkingCalendar, loadedYears: Set<Int>, today: CivilDate
    ) -> [Change] {
        changes(for: item, reopenedOn: reopenedOn, rules: rules, recalculator: DeadlineRecalculator(calendar: calendar, loadedYears: loadedYears, today: today))
    }

    /// The same with the recalculator built once for a whole run (it holds three calendars).
    public static func changes(for item: Item, reopenedOn: CivilDate?, rules: ReplyDeadlines, recalculator: DeadlineRecalculator) -> [Change] {
        guard let assigned = item.assignedOn, let role = item.role, item.state != .returned, item.state != .acknowledged else { return [] }
        var changes: [Change] = []
        // The answer (reply or opinion), from the assignment or the latest 不满意 — also when
        // it is out, so its on-time flag follows.
        if var change = recalculator.check(
            "answer_due", stored: item.answerDue,
            rule: { calendar in
                if let reopenedOn { return rules.reReplyDue(feedbackOn: reopenedOn, calendar: calendar) }
                return rules.answerDue(assignedOn: assigned, role: role, complex: item.complex, calendar: calendar)
            })
        {
            let answered = role.isLead ? [.replied, .implementing, .published].contains(item.state) : item.state == .reported
            if answered, let replied = item.repliedOn { change.answeredOnTime = replied <= change.to }
            changes.append(change)
        }
        if item.state == .assigned,
            let change = recalculator.check(
                "return_window_ends", stored: item.returnWindowEnds, rule: { rules.returnWindowEnds(assignedOn: assigned, calendar: $0) })
        {
            changes.append(change)
        }
        // Every co-handling unit's opinion date, given or not: whether it came on time follows it.
        for unit in item.units where unit.role == .coHandling {
            if let change = recalculator.check(
                "opinion_due", unit: unit.unit, stored: unit.opinionDue, rule: { rules.opinionDue(assignedOn: assigned, calendar: $0) })
            {
                changes.append(change)
            }
        }
        if [.replied, .implementing, .published].contains(item.state), let replied = item.repliedOn,
            let change = recalculator.check("publication_due", stored: item.publicationDue, rule: { rules.publicationDue(repliedOn: replied, calendar: $0) })
        {
            changes.append(change)
        }
        return changes
    }

    /// `item` with the changes that are not `kept` applied.
    public static func apply(_ changes: [Change], to item: inout Item) {
        for change in changes where !change.kept {
            switch change.deadline {
            case "answer_due":
                item.answerDue = change.to
                if let onTime = change.answeredOnTime { item.answeredOnTime = onTime }
            case "return_window_ends": item.returnWindowEnds = change.to
            case "publication_due": item.publicationDue = change.to
            case "opinion_due":
                if let i = item.units.firstIndex(where: { $0.unit == change.unit }) { item.units[i].opinionDue = change.to }
            default: break
            }
        }
    }
}
