import CivicServiceKit

/// Deadlines counted before their year's holiday schedule was loaded (weekends only) are
/// put right once it is: each deadline the rules computed from a base date is computed
/// again, and changed when the stored date is what the rule gives without that year's
/// schedule but not what it gives with it. A deadline set by hand (an extension) or
/// computed with the schedule in force matches neither and is left alone.
public enum DeadlineRecalculation {
    public struct Change: Sendable, Equatable {
        /// `answer_due`, `return_window_ends`, `opinion_due` (with `unit`), `publication_due`.
        public let deadline: String
        public let unit: String
        public let from: CivilDate
        public let to: CivilDate
    }

    /// The changes for `item` under `calendar`. `reopenedOn` is the date of the 不满意 that
    /// set a reopened item's answer date (its base instead of the assignment).
    public static func changes(for item: Item, reopenedOn: CivilDate?, rules: ReplyDeadlines, calendar: WorkingCalendar) -> [Change] {
        var changes: [Change] = []
        func check(_ deadline: String, unit: String = "", stored: CivilDate?, rule: (WorkingCalendar) -> CivilDate?) {
            guard let stored, calendar.knownYears.contains(stored.year) else { return }
            let now = rule(calendar)
            guard let now, now != stored, rule(calendar.without(year: stored.year)) == stored else { return }
            changes.append(Change(deadline: deadline, unit: unit, from: stored, to: now))
        }
        guard let assigned = item.assignedOn, let role = item.role else { return [] }
        let owesAnswer = ItemWorkflow.open.contains(item.state) || (item.state == .reported && role.isLead)
        if owesAnswer {
            if item.state == .reopened || item.satisfaction == .dissatisfied, let reopenedOn {
                check("answer_due", stored: item.answerDue) { rules.reReplyDue(feedbackOn: reopenedOn, calendar: $0) }
            } else {
                check("answer_due", stored: item.answerDue) { rules.answerDue(assignedOn: assigned, role: role, complex: item.complex, calendar: $0) }
            }
        }
        if item.state == .assigned {
            check("return_window_ends", stored: item.returnWindowEnds) { rules.returnWindowEnds(assignedOn: assigned, calendar: $0) }
        }
        if ItemWorkflow.open.contains(item.state) {
            for unit in item.units where unit.opinionMissing {
                check("opinion_due", unit: unit.unit, stored: unit.opinionDue) { rules.opinionDue(assignedOn: assigned, calendar: $0) }
            }
        }
        if [.replied, .implementing].contains(item.state), let replied = item.repliedOn {
            check("publication_due", stored: item.publicationDue) { rules.publicationDue(repliedOn: replied, calendar: $0) }
        }
        return changes
    }

    /// `item` with `changes` applied.
    public static func apply(_ changes: [Change], to item: inout Item) {
        for change in changes {
            switch change.deadline {
            case "answer_due": item.answerDue = change.to
            case "return_window_ends": item.returnWindowEnds = change.to
            case "publication_due": item.publicationDue = change.to
            case "opinion_due":
                if let i = item.units.firstIndex(where: { $0.unit == change.unit }) { item.units[i].opinionDue = change.to }
            default: break
            }
        }
    }
}
