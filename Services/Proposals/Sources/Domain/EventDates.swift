import CivicRPC
import CivicServiceKit

/// The earliest day an event on an item may be dated. Staff may enter an event late, so its
/// date (`on`) is theirs to give, but not one that contradicts the item's record: nothing
/// is done on an item before it was assigned, and nothing follows a reply before the reply.
/// Without this a reply dated before its assignment would count as on time.
public enum EventDates {
    /// The earliest date for `event` on `item`, and what that date is.
    public static func earliest(for event: ItemEvent, on item: Item) -> (date: CivilDate, what: String, reason: String)? {
        switch event {
        case .returnItem, .acknowledge, .startHandling, .recordContact, .unitOpinion, .report, .reply:
            return item.assignedOn.map { ($0, "its assignment", "BEFORE_ASSIGNMENT") }
        case .recordProgress, .publish, .feedback:
            return item.repliedOn.map { ($0, "its reply", "BEFORE_REPLY") }
        case .assign, .urge, .extendDeadline, .draft, .signBySection, .signOff, .sendBack:
            return nil
        }
    }

    /// Throws INVALID_ARGUMENT (field `on`) when `on` is before the earliest date allowed.
    public static func check(_ on: CivilDate, for event: ItemEvent, on item: Item) throws {
        guard let (earliest, what, reason) = earliest(for: event, on: item), on < earliest else { return }
        throw RPCError.invalidArgument("on \(on) is before \(what) on \(earliest)", field: "on", reason: reason)
    }
}
