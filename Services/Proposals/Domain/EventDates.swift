import CivicDomain

/// The earliest day an event on an item may be dated. Staff may enter an event late, so its
/// date (`on`) is theirs to give, but not one that contradicts the item's record: nothing
/// is done on an item before it was assigned, and nothing follows a reply before the reply.
/// Without this a reply dated before its assignment would count as on time.
public enum EventDates {
    /// The earliest date for `event` on `item`, and what that date is.
    public static func earliest(for event: ItemEvent, on item: Item) -> (date: CivilDate, what: String, reason: String)? {
        switch event {
        case .report, .reply:
            // After 不满意 the new answer follows the reply it replaces: dated before it, it
            // would count as on time against the new deadline.
            if let replied = item.repliedOn { return (replied, "its previous reply", "BEFORE_REPLY") }
            return item.assignedOn.map { ($0, "its assignment", "BEFORE_ASSIGNMENT") }
        case .assign, .returnItem, .acknowledge, .startHandling, .recordContact, .unitOpinion:
            // (.assign: a returned item assigned anew, not before its first assignment)
            return item.assignedOn.map { ($0, "its assignment", "BEFORE_ASSIGNMENT") }
        case .recordProgress, .publish, .feedback:
            return item.repliedOn.map { ($0, "its reply", "BEFORE_REPLY") }
        case .urge, .extendDeadline, .draft, .signBySection, .signOff, .sendBack:
            return nil
        }
    }

    /// Throws INVALID_ARGUMENT (field `on`) when `on` is before the earliest date allowed.
    public static func check(_ on: CivilDate, for event: ItemEvent, on item: Item) throws {
        guard let (earliest, what, reason) = earliest(for: event, on: item), on < earliest else { return }
        throw DomainError.invalid("on \(on) is before \(what) on \(earliest)", field: "on", reason: reason)
    }
}
