import CivicDomain
import CivicStorage
import Foundation
import GRDB
import ProposalsDomain

/// Deadlines: the items owing one, and recalculating them once a year's schedule is loaded.
extension ProposalStore {
    /// Recomputes the deadlines of every item that may still owe one (`changes` decides,
    /// given the item and the date of the 不满意 that reopened it), in one transaction; with
    /// `apply`, writes them with an audit row per item. Returns the changes by item.
    /// Recalculates every item's deadlines once `loadedYears`' notices are in `calendar`
    /// (DeadlineRecalculation, on the shared DeadlineRecalculator); with `apply`, writes
    /// them with `note` in each item's history. Returns the changes by item.
    public func recalculateDeadlines(
        apply: Bool, note: String, rules: ReplyDeadlines, calendar: WorkingCalendar, loadedYears: Set<Int>, today: CivilDate,
        by actor: Actor, now: Date = Date()
    ) async throws -> [(Item, [DeadlineRecalculation.Change])] {
        let recalculator = DeadlineRecalculator(calendar: calendar, loadedYears: loadedYears, today: today)
        return try await recalculateDeadlines(apply: apply, note: note, by: actor, now: now) { item, reopenedOn in
            DeadlineRecalculation.changes(for: item, reopenedOn: reopenedOn, rules: rules, recalculator: recalculator)
        }
    }

    public func recalculateDeadlines(
        apply: Bool, note: String, by actor: Actor, now: Date = Date(),
        changes: @escaping @Sendable (Item, CivilDate?) -> [DeadlineRecalculation.Change]
    ) async throws -> [(Item, [DeadlineRecalculation.Change])] {
        let work = { @Sendable (db: Database) throws -> [(Item, [DeadlineRecalculation.Change])] in
            let states = ["assigned", "handling", "drafted", "section_signed", "signed_off", "reopened", "reported", "replied", "implementing", "published"]
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM items WHERE assigned_on IS NOT NULL AND state IN (\(states.map { _ in "?" }.joined(separator: ",")))
                    ORDER BY year DESC, kind, number
                    """, arguments: StatementArguments(states))
            var result: [(Item, [DeadlineRecalculation.Change])] = []
            for id in ids {
                var item = try Self.load(db, id: id)
                let reopenedOn = try String.fetchOne(
                    db, sql: "SELECT on_date FROM item_feedback WHERE item_id = ? AND rating = 'dissatisfied' ORDER BY id DESC LIMIT 1",
                    arguments: [id]
                ).flatMap(CivilDate.init)
                let found = changes(item, reopenedOn)
                guard !found.isEmpty else { continue }
                result.append((item, found))
                let made = found.filter { !$0.kept }
                guard apply, !made.isEmpty else { continue }
                DeadlineRecalculation.apply(made, to: &item)
                try Self.save(item, db)
                let detail = made.map { "\($0.deadline)\($0.unit.isEmpty ? "" : "(\($0.unit))") \($0.from) → \($0.to)" }.joined(separator: "; ")
                try Audit.record(db, by: actor, action: "recalculate-deadlines", entity: "item", entityID: id, reason: note, detail: detail, at: now)
            }
            return result
        }
        return apply ? try await writes.write(work) : try await database.read(work)
    }

    /// Items owing a deadline (UrgingPlan) that falls by `horizon`: an answer, a co-handling
    /// unit's opinion or a publication. Each part of the query has its own index (proposals-009).
    public func itemsOwing(dueBy horizon: CivilDate) async throws -> [Item] {
        // Lead items reported but not yet replied still owe their reply.
        let answering = ItemWorkflow.open.map(\.rawValue) + [ItemState.reported.rawValue]
        let open = ItemWorkflow.open.map(\.rawValue)
        let answeringMarks = answering.map { _ in "?" }.joined(separator: ",")
        let openMarks = open.map { _ in "?" }.joined(separator: ",")
        return try await database.read { db in
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM items WHERE state IN (\(answeringMarks)) AND answer_due <= ?
                    UNION
                    SELECT u.item_id FROM item_units u JOIN items i ON i.id = u.item_id
                     WHERE u.opinion_on IS NULL AND u.opinion_due <= ? AND u.role = 'co_handling' AND i.state IN (\(openMarks))
                    UNION
                    SELECT id FROM items WHERE state IN ('replied', 'implementing') AND publication_due <= ?
                    ORDER BY 1
                    """, arguments: StatementArguments(answering + [horizon.description, horizon.description] + open + [horizon.description]))
            return try ids.map { try Self.load(db, id: $0) }
        }
    }
}
