import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import Logging
import Testing

@testable import ProposalsDomain
@testable import ProposalsService

/// A made-up 2027 notice for the tests: the statutory holidays plus Monday 25 January off
/// and Saturday 9 January a working day (调休). Not the State Council's, which the service
/// does not ship.
let test2027 = WorkingCalendar.YearSchedule(
    year: 2027, holidays: StatutoryHolidays.schedule(forYear: 2027).holidays + ["2027-01-25"], workdays: ["2027-01-09"])

@Suite("Deadlines recalculated once a year's schedule is loaded")
struct DeadlineRecalculationTests {
    let rules = ReplyDeadlines()
    /// The built-in calendar: 2027 is provisional (weekends and the statutory holidays, 元旦
    /// 2027-01-01 among them, no 调休) until its notice is loaded.
    let before = WorkingCalendar.standard
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
        item.units = units.map {
            var u = $0; if u.role == .coHandling { u.opinionDue = rules.opinionDue(assignedOn: d(date), calendar: before) }; return u
        }
        return item
    }

    /// What loading the 2027 test schedule changes on `item`, seen on 2026-12-28.
    func changes(_ item: Item, reopenedOn: CivilDate? = nil, today: String = "2026-12-28") -> [DeadlineRecalculation.Change] {
        DeadlineRecalculation.changes(for: item, reopenedOn: reopenedOn, rules: rules, calendar: after, loadedYears: [2027], today: d(today))
    }

    @Test func deadlinesCountedWithoutTheScheduleMove() {
        // Assigned Thu 2026-12-24: 7 working days skip 元旦 (statutory, so provisional too)
        // and end Tue 2027-01-05 under both calendars. The co-handling opinion (2027-01-25, a
        // Monday) falls on the notice's extra holiday and moves to the 26th. The reply
        // (2027-03-24) is touched by neither.
        let item = assigned(on: "2026-12-24", units: [UnitAssignment(unit: "养老服务科", role: .leadSole), UnitAssignment(unit: "社会救助科", role: .coHandling)])
        #expect(item.returnWindowEnds == d("2027-01-05"))
        #expect(before.isProvisional(year: 2027) && !after.isProvisional(year: 2027))
        let found = changes(item)
        #expect(
            found == [
                .init(deadline: "opinion_due", unit: "社会救助科", from: d("2027-01-25"), to: d("2027-01-26"))
            ])
        var moved = item
        DeadlineRecalculation.apply(found, to: &moved)
        #expect(moved.returnWindowEnds == d("2027-01-05") && moved.units[1].opinionDue == d("2027-01-26") && moved.answerDue == item.answerDue)
        // Run again: nothing more to do.
        #expect(changes(moved).isEmpty)
    }

    @Test func handSetAndAlreadyCorrectDeadlinesStay() {
        var item = assigned(on: "2026-12-24")
        item.state = .handling  // the return window no longer matters
        item.answerDue = d("2027-05-25")  // extended by hand (from 2027-03-24)
        #expect(changes(item).isEmpty)
        // Nothing changes while the year has no schedule, nor for years that always had one.
        #expect(
            DeadlineRecalculation.changes(
                for: assigned(on: "2026-12-24"), reopenedOn: nil, rules: rules, calendar: before, loadedYears: [], today: d("2026-12-28")
            ).isEmpty)
        #expect(changes(assigned(on: "2026-09-29")).isEmpty)
    }

    @Test func publicationAndReopenedRepliesFromTheirOwnDates() {
        // Replied Tue 2026-12-15: 20 working days end 2027-01-13 provisionally (元旦 off); the
        // notice's working Saturday 2027-01-09 brings it back to the 12th.
        var replied = assigned(on: "2026-09-01")
        replied.state = .replied
        replied.repliedOn = d("2026-12-15")
        replied.publicationDue = rules.publicationDue(repliedOn: d("2026-12-15"), calendar: before)
        #expect(replied.publicationDue == d("2027-01-13"))
        #expect(
            changes(replied)
                == [.init(deadline: "publication_due", unit: "", from: d("2027-01-13"), to: d("2027-01-12"))])
        // Replied Wed 2026-12-30: 2027-01-28 provisionally; Saturday 01-09 working (−1) and
        // 01-25 off (+1) cancel out: no change.
        replied.repliedOn = d("2026-12-30")
        replied.publicationDue = rules.publicationDue(repliedOn: d("2026-12-30"), calendar: before)
        #expect(replied.publicationDue == d("2027-01-28"))
        #expect(changes(replied).isEmpty)
        // Reopened by 不满意 on Fri 2026-12-25: the new reply is due a month later, from that date.
        var reopened = assigned(on: "2026-09-01")
        reopened.state = .reopened
        reopened.satisfaction = .dissatisfied
        reopened.answerDue = rules.reReplyDue(feedbackOn: d("2026-12-25"), calendar: before)
        #expect(reopened.answerDue == d("2027-01-25"))
        #expect(
            changes(reopened, reopenedOn: d("2026-12-25"))
                == [.init(deadline: "answer_due", unit: "", from: d("2027-01-25"), to: d("2027-01-26"))])
    }

    @Test func answersAndOpinionsAlreadyGivenFollowTheirCorrectedDates() {
        // The co-handling unit sent its opinion on Tue 2027-01-26: late against the stored
        // 01-25, on time against the corrected date (the 25th is the test holiday).
        var item = assigned(on: "2026-12-24", units: [UnitAssignment(unit: "社会救助科", role: .coHandling)])
        item.state = .handling
        item.units[0].opinion = "同意"
        item.units[0].opinionOn = d("2027-01-26")
        #expect(item.units[0].opinionOnTime == false)
        DeadlineRecalculation.apply(changes(item), to: &item)
        #expect(item.units[0].opinionDue == d("2027-01-26") && item.units[0].opinionOnTime == true)
        // A 协办 item assigned Fri 2026-12-25 answers by 2027-01-25 (Monday) on weekends
        // only; its opinion reported on the 26th was late — against the corrected 26th, on time.
        var co = assigned(on: "2026-12-25", role: .coHandling)
        co.state = .reported
        co.repliedOn = d("2027-01-26")
        co.answeredOnTime = false
        #expect(co.answerDue == d("2027-01-25"))
        let found = changes(co)
        #expect(found == [.init(deadline: "answer_due", unit: "", from: d("2027-01-25"), to: d("2027-01-26"), answeredOnTime: true)])
        DeadlineRecalculation.apply(found, to: &co)
        #expect(co.answerDue == d("2027-01-26") && co.answeredOnTime)
    }

    @Test func anEarlierDateAlreadyPastIsListedNotMade() {
        // Assigned Mon 2027-01-04: provisionally Wed 01-13; the notice's working Saturday
        // makes it Tue 01-12, a day already past on the 13th.
        let item = assigned(on: "2027-01-04")
        #expect(item.returnWindowEnds == d("2027-01-13"))
        #expect(changes(item, today: "2027-01-05") == [.init(deadline: "return_window_ends", unit: "", from: d("2027-01-13"), to: d("2027-01-12"))])
        let late = changes(item, today: "2027-01-13")
        #expect(late.map(\.kept) == [true])
        var same = item
        DeadlineRecalculation.apply(late, to: &same)
        #expect(same.returnWindowEnds == d("2027-01-13"))  // left as stored
        // Years not named are not looked at: nothing of 2027 moves when only 2026 was loaded.
        #expect(DeadlineRecalculation.changes(for: item, reopenedOn: nil, rules: rules, calendar: after, loadedYears: [2026], today: d("2027-01-05")).isEmpty)
    }

    @Test func throughTheHandlerListedThenAppliedWithTheHistory() async throws {
        let store = try makeStore()
        let context = RPCContext(method: "", metadata: [:], deadline: nil, logger: Logger(label: "test"))
        let today: @Sendable () -> CivilDate = { d("2026-12-28") }
        let old = ProposalsHandler(store: store, calendar: before, today: today)
        var request = Civic_Proposals_V1_RegisterItemRequest()
        request.kind = .npcSuggestion; request.year = 2026; request.number = "第26-901号"; request.title = "t"; request.topic = "elderly_care"
        request.proposers = [
            .with {
                $0.name = "李四"; $0.lead = true
            }
        ]
        let id = try await old.registerItem(request, context: context).item.id
        _ = try await old.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-12-24"
                $0.units = [
                    .with {
                        $0.unit = "养老服务科"; $0.role = .leadSole
                    },
                    .with {
                        $0.unit = "社会救助科"; $0.role = .coHandling
                    },
                ]
            }, context: context)
        #expect(try await store.item(id: id).units[1].opinionDue == d("2027-01-25"))

        let loaded = ProposalsHandler(store: store, calendar: after, today: today)
        let noYears = await #expect(throws: DomainError.self) { _ = try await loaded.recalculateDeadlines(.init(), context: context) }
        #expect(noYears?.rpcError.details.first?.reason == "REQUIRED")
        let unloaded = await #expect(throws: DomainError.self) { _ = try await loaded.recalculateDeadlines(.with { $0.years = [2028] }, context: context) }
        #expect(unloaded?.rpcError.details.first?.reason == "NO_SCHEDULE")
        let listed = try await loaded.recalculateDeadlines(.with { $0.years = [2027] }, context: context)
        #expect(listed.applied == false)
        #expect(listed.changes.map { "\($0.number) \($0.deadline) \($0.from) → \($0.to)" } == ["第26-901号 opinion_due 2027-01-25 → 2027-01-26"])
        #expect(try await store.item(id: id).units[1].opinionDue == d("2027-01-25"))  // listing changes nothing
        let noNote = await #expect(throws: DomainError.self) {
            _ = try await loaded.recalculateDeadlines(
                .with {
                    $0.years = [2027]; $0.apply = true
                }, context: context)
        }
        #expect(noNote?.rpcError.code == .invalidArgument)
        let applied = try await loaded.recalculateDeadlines(
            .with {
                $0.years = [2027]; $0.apply = true; $0.note = "2027年节假日安排已载入"
            }, context: context)
        #expect(applied.applied && applied.changes.count == 1)
        #expect(try await store.item(id: id).units[1].opinionDue == d("2027-01-26"))
        let last = try await store.auditTrail(itemID: id).last
        #expect(last?.action == "recalculate-deadlines")
        #expect(last?.reason == "2027年节假日安排已载入")
        #expect(last?.detail == "opinion_due(社会救助科) 2027-01-25 → 2027-01-26")
        #expect(try await loaded.recalculateDeadlines(.with { $0.years = [2027] }, context: context).changes.isEmpty)
    }
}

@Suite("Deadlines recalculated at start once a notice is loaded")
struct NoticeRecalculationAtStartTests {
    @Test func theItemsHistoryNotesTheAutomaticRecalculation() async throws {
        let store = try makeStore()
        let context = RPCContext(method: "", metadata: [:], deadline: nil, logger: Logger(label: "test"))
        let today: @Sendable () -> CivilDate = { d("2026-12-28") }
        let handler = ProposalsHandler(store: store, calendar: .standard, today: today)
        var request = Civic_Proposals_V1_RegisterItemRequest()
        request.kind = .npcSuggestion; request.year = 2026; request.number = "第26-902号"; request.title = "t"; request.topic = "elderly_care"
        request.proposers = [
            .with {
                $0.name = "李四"; $0.lead = true
            }
        ]
        let id = try await handler.registerItem(request, context: context).item.id
        _ = try await handler.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-12-24"
                $0.units = [
                    .with {
                        $0.unit = "养老服务科"; $0.role = .leadSole
                    },
                    .with {
                        $0.unit = "社会救助科"; $0.role = .coHandling
                    },
                ]
            }, context: context)
        // The service ran with the built-in years: recorded at its start, nothing to change.
        var settings = ProposalsSettings()
        #expect(try await settings.noticeRecalculation(store: store, logger: Logger(label: "test"), today: today).runOnce() == [2025, 2026])
        // Restarted with the 2027 notice: the opinion due on its extra holiday moves, noted.
        settings.calendar = try WorkingCalendar.standard.loading([test2027])
        #expect(try await settings.noticeRecalculation(store: store, logger: Logger(label: "test"), today: today).runOnce() == [2027])
        #expect(try await store.item(id: id).units[1].opinionDue == d("2027-01-26"))
        let last = try await store.auditTrail(itemID: id).last
        #expect(last?.action == "recalculate-deadlines" && last?.actor == "system:calendar")
        #expect(last?.reason == "2027年节假日安排已载入（启动时自动重算期限）")
        #expect(last?.detail == "opinion_due(社会救助科) 2027-01-25 → 2027-01-26")
        // Another start with the same notice changes nothing more.
        #expect(try await settings.noticeRecalculation(store: store, logger: Logger(label: "test"), today: today).runOnce() == [])
    }
}
