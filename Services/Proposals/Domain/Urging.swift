import CivicDomain

/// A deadline the bureau still owes on an item — what urging (催办) chases.
public enum OwedDeadline: Sendable, Hashable {
    /// 主办: the formal reply to the proposer.
    case reply
    /// 协办/会办: the bureau's opinion to the lead department.
    case opinion
    /// A co-handling unit's (科室) opinion to the bureau's lead unit.
    case unitOpinion(unit: String)
    /// 公开: publication of a lead reply.
    case publication

    /// The name on the wire and in the history ("reply", "opinion", "unit_opinion", "publication").
    public var code: String {
        switch self {
        case .reply: "reply"
        case .opinion: "opinion"
        case .unitOpinion: "unit_opinion"
        case .publication: "publication"
        }
    }

    public var unit: String {
        if case .unitOpinion(let unit) = self { return unit }
        return ""
    }
}

/// One owed deadline that is due soon or overdue on the day of an urging run.
public struct DueDeadline: Sendable, Equatable {
    public let deadline: OwedDeadline
    public let due: CivilDate
    public let urgency: ReplyDeadlines.Urgency

    /// Overdue deadlines go to the leaders (督办).
    public var escalated: Bool { urgency == .overdue }

    /// The note the urging records on the item.
    public var note: String {
        let what =
            switch deadline {
            case .reply: "the reply"
            case .opinion: "the co-handling opinion"
            case .unitOpinion(let unit): "\(unit)'s opinion to the lead unit"
            case .publication: "publication of the reply"
            }
        return escalated ? "\(what) is overdue since \(due); escalated to the leaders" : "\(what) is due on \(due)"
    }
}

/// Which deadlines an item owes, and which of them the urging run chases on a given day.
public enum UrgingPlan {
    /// The reason an urging is refused when the item no longer owes the deadline.
    public static let noLongerDue = "NO_LONGER_DUE"

    /// Every deadline `item` still owes, with its due date.
    public static func owed(by item: Item) -> [(OwedDeadline, CivilDate)] {
        // 参阅 items owe nothing, whatever units an older assignment listed.
        guard let role = item.role, role != .reference else { return [] }
        var owed: [(OwedDeadline, CivilDate)] = []
        // The answer: open, or (主办) reported upward with the reply still to come.
        if let due = item.answerDue, ItemWorkflow.open.contains(item.state) || (item.state == .reported && role.isLead) {
            owed.append((role.isLead ? .reply : .opinion, due))
        }
        // Co-handling units' opinions matter while the lead unit is still working on the answer.
        if ItemWorkflow.open.contains(item.state) {
            for unit in item.units where unit.role == .coHandling && unit.opinionOn == nil {
                if let due = unit.opinionDue { owed.append((.unitOpinion(unit: unit.unit), due)) }
            }
        }
        // A lead reply is published within its period; replying again (after 不满意) owes a new publication.
        if role.isLead, [.replied, .implementing].contains(item.state), let due = item.publicationDue {
            owed.append((.publication, due))
        }
        return owed
    }

    /// The owed deadlines that are due soon or overdue on `today`, earliest first.
    public static func due(_ item: Item, today: CivilDate, rules: ReplyDeadlines, calendar: WorkingCalendar) -> [DueDeadline] {
        owed(by: item)
            .map { DueDeadline(deadline: $0.0, due: $0.1, urgency: rules.urgency(due: $0.1, today: today, calendar: calendar)) }
            .filter { $0.urgency != .onTrack }
            .sorted { ($0.due, $0.deadline.code, $0.deadline.unit) < ($1.due, $1.deadline.code, $1.deadline.unit) }
    }
}

extension ItemMoves {
    /// 催办 by the urging run of `day`: `deadline`, if the item as it is now still owes it
    /// that day (the opinion may have come in, the deadline moved, since the list was read);
    /// otherwise FAILED_PRECONDITION NO_LONGER_DUE. Records the urging, one per deadline and
    /// day (the store refuses a second with ALREADY_URGED).
    public static func urge(_ deadline: DueDeadline, day: CivilDate, rules: ReplyDeadlines, calendar: WorkingCalendar) -> ItemMove {
        let unit = deadline.deadline.unit.isEmpty ? "" : " unit=\(deadline.deadline.unit)"
        let detail = "deadline=\(deadline.deadline.code)\(unit) urgency=\(deadline.urgency.rawValue) run=\(day)"
        return ItemMove(.urge, note: deadline.note, detail: detail) { item in
            guard UrgingPlan.due(item, today: day, rules: rules, calendar: calendar).contains(deadline) else {
                throw DomainError.failedPrecondition("\(deadline.deadline.code) no longer due", reason: UrgingPlan.noLongerDue)
            }
            item.urgeCount += 1
            return [.urging(UrgingRecord(deadline: deadline, day: day))]
        }
    }
}
