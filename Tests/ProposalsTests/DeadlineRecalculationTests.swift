import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import Logging
@testable import ProposalsService
import Testing

/// A made-up 2027 schedule for the tests (元旦 on Friday 1 January, a Saturday made a
/// working day): not the State Council's, which the service does not ship.
let test2027 = WorkingCalendar.YearSchedule(year: 2027, holidays: ["2027-01-01", "2027-01-25"], workdays: ["2027-01-09"])

@Suite("Deadlines recalculated once a year's schedule is loaded")
struct DeadlineRecalculationTests {
    let rules = ReplyDeadlines()
    let before = WorkingCalendar.standard  // 2026 only: 2027 counts weekends only
    let after = try! WorkingCalendar(schedules: WorkingCalendar.builtIn + [test2027])

    func assigned(on date: String, role: HandlingRole = .leadSole, units: [UnitAssignment] = []) -> Item {
        var item = Item(
            id: "i", kind: .npcSuggestion, year: 2026, session: "", number: "第26-900号", title: "t", body: "",
            proposers: [Proposer(name: "李四", lead: true)], topic: "elderly_care", keySupervised: false, state: .assigned,
            registeredAt: "", registeredBy: "")
        item.role = role
        item.assignedOn = d(date)
        item.answerDue = rules.answerDue(assignedOn: d(date), role: role, complex: false, calendar: before)
        item.returnWindowEnds = rules.returnWindowEnds(assignedOn: d(date), calendar: before)
        item.units = units.map { var u = $0; if u.role == .coHandling { u.opinionDue = rules.opinionDue(assignedOn: d(date), calendar: before) }; return u }
        return item
    }

    @Test func deadlinesCountedWithoutTheScheduleMove() {
        // Assigned Thu 2026-12-24: 7 working days end Mon 2027-01-04 on weekends only; with
        // 元旦 off, Tue 2027-01-05. The co-handling opinion (2027-01-25, a Monday) falls on the
        // test holiday and moves to the 26th. The reply (2027-03-24) is not touched by either.
        let item = assigned(on: "2026-12-24", units: [UnitAssignment(unit: "养老服务科", role: .leadSole), UnitAssignment(unit: "社会救助科", role: .coHandling)])
        #expect(item.returnWindowEnds == d("2027-01-04"))
        let changes = DeadlineRecalculation.changes(for: item, reopenedOn: nil, rules: rules, calendar: after)
        #expect(changes == [
            .init(deadline: "return_window_ends", unit: "", from: d("2027-01-04"), to: d("2027-01-05")),
            .init(deadline: "opinion_due", unit: "社会救助科", from: d("2027-01-25"), to: d("2027-01-26")),
        ])
        var moved = item
        DeadlineRecalculation.apply(changes, to: &moved)
        #expect(moved.returnWindowEnds == d("2027-01-05") && moved.units[1].opinionDue == d("2027-01-26") && moved.answerDue == item.answerDue)
        // Run again: nothing more to do.
        #expect(DeadlineRecalculation.changes(for: moved, reopenedOn: nil, rules: rules, calendar: after).isEmpty)
    }

    @Test func handSetAndAlreadyCorrectDeadlinesStay() {
        var item = assigned(on: "2026-12-24")
        item.state = .handling               // the return window no longer matters
        item.answerDue = d("2027-01-25")     // extended by hand to a day that is now a holiday
        #expect(DeadlineRecalculation.changes(for: item, reopenedOn: nil, rules: rules, calendar: after).isEmpty)
        // Nothing changes while the year has no schedule, nor for years that always had one.
        #expect(DeadlineRecalculation.changes(for: assigned(on: "2026-12-24"), reopenedOn: nil, rules: rules, calendar: before).isEmpty)
        #expect(DeadlineRecalculation.changes(for: assigned(on: "2026-09-29"), reopenedOn: nil, rules: rules, calendar: after).isEmpty)
    }

    @Test func publicationAndReopenedRepliesFromTheirOwnDates() {
        // Replied Tue 2026-12-15: 20 working days end 2027-01-12 on weekends only, the 13th
        // with 元旦 off — but the test Saturday 2027-01-09 works, so the 12th again: no change.
        var replied = assigned(on: "2026-09-01")
        replied.state = .replied
        replied.repliedOn = d("2026-12-15")
        replied.publicationDue = rules.publicationDue(repliedOn: d("2026-12-15"), calendar: before)
        #expect(replied.publicationDue == d("2027-01-12"))
        #expect(DeadlineRecalculation.changes(for: replied, reopenedOn: nil, rules: rules, calendar: after).isEmpty)
        // Replied Wed 2026-12-30: 2027-01-27 on weekends only; 01-01 off (+1), Saturday
        // 01-09 working (−1), 01-25 off (+1): 2027-01-28.
        replied.repliedOn = d("2026-12-30")
        replied.publicationDue = rules.publicationDue(repliedOn: d("2026-12-30"), calendar: before)
        #expect(replied.publicationDue == d("2027-01-27"))
        #expect(DeadlineRecalculation.changes(for: replied, reopenedOn: nil, rules: rules, calendar: after)
            == [.init(deadline: "publication_due", unit: "", from: d("2027-01-27"), to: d("2027-01-28"))])
        // Reopened by 不满意 on Fri 2026-12-25: the new reply is due a month later, from that date.
        var reopened = assigned(on: "2026-09-01")
        reopened.state = .reopened
        reopened.satisfaction = .dissatisfied
        reopened.answerDue = rules.reReplyDue(feedbackOn: d("2026-12-25"), calendar: before)
        #expect(reopened.answerDue == d("2027-01-25"))
        #expect(DeadlineRecalculation.changes(for: reopened, reopenedOn: d("2026-12-25"), rules: rules, calendar: after)
            == [.init(deadline: "answer_due", unit: "", from: d("2027-01-25"), to: d("2027-01-26"))])
    }

    @Test func throughTheHandlerListedThenAppliedWithTheHistory() async throws {
        let store = try makeStore()
        let context = RPCContext(method: "", metadata: [:], deadline: nil, logger: Logger(label: "test"))
        let today: @Sendable () -> CivilDate = { d("2026-12-28") }
        let old = ProposalsHandler(store: store, calendar: before, today: today)
        var request = Civic_Proposals_V1_RegisterItemRequest()
        request.kind = .npcSuggestion; request.year = 2026; request.number = "第26-901号"; request.title = "t"; request.topic = "elderly_care"
        request.proposers = [.with { $0.name = "李四"; $0.lead = true }]
        let id = try await old.registerItem(request, context: context).item.id
        _ = try await old.assignItem(.with { $0.id = id; $0.role = .leadSole; $0.on = "2026-12-24" }, context: context)
        #expect(try await store.item(id: id).returnWindowEnds == d("2027-01-04"))

        let loaded = ProposalsHandler(store: store, calendar: after, today: today)
        let listed = try await loaded.recalculateDeadlines(.init(), context: context)
        #expect(listed.applied == false)
        #expect(listed.changes.map { "\($0.number) \($0.deadline) \($0.from) → \($0.to)" } == ["第26-901号 return_window_ends 2027-01-04 → 2027-01-05"])
        #expect(try await store.item(id: id).returnWindowEnds == d("2027-01-04"))  // listing changes nothing
        let noNote = await #expect(throws: RPCError.self) { _ = try await loaded.recalculateDeadlines(.with { $0.apply = true }, context: context) }
        #expect(noNote?.code == .invalidArgument)
        let applied = try await loaded.recalculateDeadlines(.with { $0.apply = true; $0.note = "2027年节假日安排已载入" }, context: context)
        #expect(applied.applied && applied.changes.count == 1)
        #expect(try await store.item(id: id).returnWindowEnds == d("2027-01-05"))
        let last = try await store.auditTrail(itemID: id).last
        #expect(last?.action == "recalculate-deadlines")
        #expect(last?.reason == "2027年节假日安排已载入")
        #expect(last?.detail == "return_window_ends 2027-01-04 → 2027-01-05")
        #expect(try await loaded.recalculateDeadlines(.init(), context: context).changes.isEmpty)
    }
}
