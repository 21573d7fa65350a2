import CivicDomain

/// The time limits of 建议提案办理. All are local policy values with these defaults
/// (../shared/docs/DOMAIN.md §1); month limits run in calendar months and, ending on a rest
/// day, move to the next working day.
public struct ReplyDeadlines: Sendable, Equatable {
    /// Reply due this many months after assignment (3).
    public var replyMonths = 3
    /// … for complex items (6); the extension needs a written reason.
    public var complexReplyMonths = 6
    /// 协办/会办 opinion to the lead unit (1 month).
    public var coHandlingOpinionMonths = 1
    /// A wrongly assigned item may be returned within this many working days (7).
    public var returnWindowWorkingDays = 7
    /// After 不满意, a new reply is due within (1 month).
    public var reReplyMonths = 1
    /// The lead reply is published within this many working days of replying (20).
    public var publicationWorkingDays = 20
    /// Urging: an item is "due soon" this many working days before its deadline (10).
    public var dueSoonWorkingDays = 10

    public init() {}

    /// The date the bureau's answer is due: the reply for 主办, the opinion for 协办; none for 参阅.
    public func answerDue(assignedOn: CivilDate, role: HandlingRole, complex: Bool, calendar: WorkingCalendar) -> CivilDate? {
        switch role {
        case .leadSole, .leadSplit:
            calendar.onOrNextWorkingDay(assignedOn.adding(months: complex ? complexReplyMonths : replyMonths))
        case .coHandling:
            calendar.onOrNextWorkingDay(assignedOn.adding(months: coHandlingOpinionMonths))
        case .reference:
            nil
        }
    }

    /// A co-handling unit's opinion to the lead unit (会办意见).
    public func opinionDue(assignedOn: CivilDate, calendar: WorkingCalendar) -> CivilDate {
        calendar.onOrNextWorkingDay(assignedOn.adding(months: coHandlingOpinionMonths))
    }

    /// The last day a wrongly assigned item may be returned.
    public func returnWindowEnds(assignedOn: CivilDate, calendar: WorkingCalendar) -> CivilDate {
        calendar.adding(workingDays: returnWindowWorkingDays, to: assignedOn)
    }

    /// The new reply date after 不满意.
    public func reReplyDue(feedbackOn: CivilDate, calendar: WorkingCalendar) -> CivilDate {
        calendar.onOrNextWorkingDay(feedbackOn.adding(months: reReplyMonths))
    }

    /// The last day to publish a lead reply.
    public func publicationDue(repliedOn: CivilDate, calendar: WorkingCalendar) -> CivilDate {
        calendar.adding(workingDays: publicationWorkingDays, to: repliedOn)
    }

    public enum Urgency: String, Sendable, Equatable {
        case onTrack = "on_track"
        /// 临期: within `dueSoonWorkingDays` working days of the deadline.
        case dueSoon = "due_soon"
        /// 逾期: past the deadline — escalated.
        case overdue
    }

    /// How pressing an open item is on `today`.
    public func urgency(due: CivilDate, today: CivilDate, calendar: WorkingCalendar) -> Urgency {
        if today > due { return .overdue }
        return calendar.workingDays(from: today, to: due) <= dueSoonWorkingDays ? .dueSoon : .onTrack
    }
}
