import CivicDomain
import CivicStorage
import ProposalsDomain

/// 催办 as a store operation: what the RunUrging call and the daily job both do.
extension ProposalStore {
    /// Every owed deadline (UrgingPlan) due soon or overdue on `day`: earliest first, then by number.
    public func dueDeadlines(on day: CivilDate, rules: ReplyDeadlines, calendar: WorkingCalendar) async throws -> [(item: Item, deadline: DueDeadline)] {
        // Up to the day before the working day after the horizon, so a deadline moved onto a
        // rest day just past the horizon (by an extension) is not missed.
        let horizon = calendar.onOrNextWorkingDay(calendar.adding(workingDays: rules.dueSoonWorkingDays, to: day).adding(days: 1)).adding(days: -1)
        return try await itemsOwing(dueBy: horizon)
            .flatMap { item in UrgingPlan.due(item, today: day, rules: rules, calendar: calendar).map { (item, $0) } }
            .sorted {
                ($0.1.due, $0.0.number, $0.0.id, $0.1.deadline.code, $0.1.deadline.unit)
                    < ($1.1.due, $1.0.number, $1.0.id, $1.1.deadline.code, $1.1.deadline.unit)
            }
            .map { (item: $0.0, deadline: $0.1) }
    }

    /// What one urging run did.
    public struct UrgingRun: Sendable {
        /// Each deadline urged, with the item as it is after the urging.
        public var urged: [(item: Item, deadline: DueDeadline)] = []
        /// Deadlines a run that day had urged already.
        public var alreadyUrged = 0
        /// Deadlines listed but no longer owed when their turn came (item id, why).
        public var skipped: [(itemID: String, why: String)] = []
    }

    /// Urges every deadline due soon or overdue on `day`, one recorded urging per deadline
    /// and day; overdue ones are escalated (DueDeadline.escalated). Each is checked again,
    /// in its own transaction, against the item as it is then.
    public func runUrging(on day: CivilDate, rules: ReplyDeadlines, calendar: WorkingCalendar, by actor: AuditActor) async throws -> UrgingRun {
        var run = UrgingRun()
        for (item, deadline) in try await dueDeadlines(on: day, rules: rules, calendar: calendar) {
            do {
                run.urged.append((try await apply(ItemMoves.urge(deadline, day: day, rules: rules, calendar: calendar), to: item.id, by: actor), deadline))
            } catch let refused as DomainError where refused.reason == Self.alreadyUrged {
                run.alreadyUrged += 1
            } catch let moved as DomainError where moved.reason == UrgingPlan.noLongerDue || moved.reason == "INVALID_STATE" {
                // No longer owed as the item is now (the opinion came in, the deadline moved),
                // or the item moved on since it was read (e.g. its answer was just reported):
                // nothing is owed any more; the rest of the run goes on.
                run.skipped.append((item.id, moved.message))
            }
        }
        return run
    }
}
