import CivicDomain

/// Deadlines counted before their year's holiday schedule was loaded (weekends only) are
/// put right once it is: each deadline the rules computed from a base date is computed
/// again, and changed when the stored date is what the rule gives without the newly loaded
/// years' schedules but not what it gives with them. A deadline set by hand (an
/// extension), counted with the schedule already, or not touched by those years matches
/// neither and is left alone.
public enum DeadlineRecalculation {
    public struct Change: Sendable, Equatable {
        /// `answer_due`, `return_window_ends`, `opinion_due` (with `unit`), `publication_due`.
        public let deadline: String
        public let unit: String
        public let from: CivilDate
        public let to: CivilDate
        /// For an answer already out: whether it came by the corrected date.
        public var answeredOnTime: Bool? = nil
        /// The corrected date is earlier and already past: moving it would close a window or
        /// make an item overdue after the fact, so it is listed and left as stored.
        public var kept = false
    }

    /// The changes for `item` once `loadedYears` are in `calendar`. `reopenedOn` is the date
    /// of the latest 不满意, from which a reopened item's answer date was set.
    public static func changes(
        for item: Item, reopenedOn: CivilDate?, rules: ReplyDeadlines, calendar: WorkingCalendar, loadedYears: Set<Int>, today: CivilDate
    ) -> [Change] {
        guard let assigned = item.assignedOn, let role = item.role, item.state != .returned, item.state != .acknowledged else { return [] }
        let before = loadedYears.reduce(calendar) { $0.without(year: $1) }
        var changes: [Change] = []
        func check(_ deadline: String, unit: String = "", stored: CivilDate?, rule: (WorkingCalendar) -> CivilDate?) -> Change? {
            guard let stored, let now = rule(calendar), now != stored, rule(before) == stored else { return nil }
            return Change(deadline: deadline, unit: unit, from: stored, to: now, kept: now < stored && now < today)
        }
        // The answer (reply or opinion), from the assignment or the latest 不满意 — also when
        // it is out, so its on-time flag follows.
        if var change = check(
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
            let change = check("return_window_ends", stored: item.returnWindowEnds, rule: { rules.returnWindowEnds(assignedOn: assigned, calendar: $0) })
        {
            changes.append(change)
        }
        // Every co-handling unit's opinion date, given or not: whether it came on time follows it.
        for unit in item.units where unit.role == .coHandling {
            if let change = check("opinion_due", unit: unit.unit, stored: unit.opinionDue, rule: { rules.opinionDue(assignedOn: assigned, calendar: $0) }) {
                changes.append(change)
            }
        }
        if [.replied, .implementing, .published].contains(item.state), let replied = item.repliedOn,
            let change = check("publication_due", stored: item.publicationDue, rule: { rules.publicationDue(repliedOn: replied, calendar: $0) })
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
