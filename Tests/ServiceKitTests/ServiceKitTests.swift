import CivicDomain
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging
import Testing

@Suite("Caller scope from the principal")
struct CallerScopeTests {
    @Test func eachKindOfCallerReachesWhatItShould() {
        #expect(CallerScope(principal: nil).reach == .bureau)
        #expect(CallerScope(principal: Principal(id: "k_1", roles: [.admin], subject: "养老服务科")).reach == .bureau)
        #expect(CallerScope(principal: Principal(id: "k_2", roles: [.staff], services: ["proposals"])).reach == .bureau)
        #expect(CallerScope(principal: Principal(id: "k_3", roles: [.staff], services: ["proposals"], subject: "养老服务科")).reach == .unit("养老服务科"))
        #expect(CallerScope(principal: Principal(id: "k_4", roles: [.leader])).reach == .bureau)
        #expect(CallerScope(principal: Principal(id: "k_5", roles: [.deputy], subject: "NPC-310114-0042")).reach == .ownRecords(subject: "NPC-310114-0042"))
        #expect(CallerScope(principal: Principal(id: "k_6", roles: [.department], subject: "市场监管局")).reach == .ownRecords(subject: "市场监管局"))
        #expect(CallerScope(principal: .anonymousPublic).reach == .anonymous)
        #expect(CallerScope(principal: Principal(id: "k_7", roles: [.staff], division: "410500")).division == "410500")
        #expect(CallerScope(principal: Principal(id: "k_8", roles: [.staff])).division == nil)
    }

    @Test func onlyTheOfficePassesRequireBureau() throws {
        try CallerScope(reach: .bureau).requireBureau("assigning", office: "the proposals office")
        let error = #expect(throws: DomainError.self) {
            try CallerScope(reach: .unit("养老服务科")).requireBureau("assigning", office: "the proposals office")
        }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.message == "assigning is for the proposals office, not for 养老服务科")
        #expect(error.map(DomainErrorMapping.rpcError)?.code == .permissionDenied)
    }
}

@Suite("Request fields and domain errors")
struct RequestFieldsTests {
    let today = CivilDate("2026-12-02")!

    @Test func requiredTextIsTrimmedOrRefused() throws {
        #expect(try RequestFields.required("  王芳 ", field: "name", what: "a name") == "王芳")
        let error = #expect(throws: DomainError.self) { try RequestFields.required(" \n", field: "items[2].name", what: "a name") }
        #expect(error?.problems == [FieldProblem(field: "items[2].name", reason: "REQUIRED", description: "a name is required")])
    }

    @Test func datesDefaultToTodayAndMayNotLieAhead() throws {
        #expect(try RequestFields.date("", field: "on", today: today, notAfterToday: true) == today)
        #expect(try RequestFields.date("2026-11-30", field: "on", today: today, notAfterToday: true) == CivilDate("2026-11-30"))
        #expect(try RequestFields.date("2027-01-05", field: "due", today: today, notAfterToday: false) == CivilDate("2027-01-05"))
        #expect(
            #expect(throws: DomainError.self) { try RequestFields.date("2026-12-03", field: "on", today: today, notAfterToday: true) }?.reason
                == "IN_THE_FUTURE")
        #expect(#expect(throws: DomainError.self) { try RequestFields.date("2026-02-30", field: "on", today: today, notAfterToday: true) }?.reason == "INVALID")
        #expect(try RequestFields.optionalDate("", field: "since") == nil)
    }

    @Test func everyKindMapsToItsStatusWithItsDetails() {
        let cases: [(DomainError.Kind, StatusCode)] = [
            (.invalid, .invalidArgument), (.failedPrecondition, .failedPrecondition), (.notFound, .notFound),
            (.alreadyExists, .alreadyExists), (.permissionDenied, .permissionDenied), (.resourceExhausted, .resourceExhausted),
        ]
        for (kind, code) in cases { #expect(DomainErrorMapping.statusCode(kind) == code) }
        var errors = ValidationErrors()
        errors.add("title", "REQUIRED", "title is required")
        errors.add("proposers[0].name", "TOO_LONG", "name is too long")
        let rpc = errors.rpcError
        #expect(rpc.code == .invalidArgument)
        #expect(rpc.message == "2 problems: title is required; name is too long")
        #expect(rpc.details.map(\.field) == ["title", "proposers[0].name"])
        #expect(rpc.details.map(\.reason) == ["REQUIRED", "TOO_LONG"])
    }
}

@Suite("Daily jobs")
struct DailyJobTests {
    /// 2026-06-11 (Thursday) at `hour`:00 China Standard Time.
    func thursday(_ hour: Int, dayOffset: Int = 0) -> Date {
        Date(timeIntervalSince1970: 1_781_136_000 + Double(dayOffset * 86_400 + (hour - 8) * 3_600))
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var days: [String] = []
        func add(_ day: CivilDate) { lock.withLock { days.append(day.description) } }
        var all: [String] { lock.withLock { days } }
    }

    func job(_ database: any DatabaseWriter, work: Counter, every: Counter) -> DailyJob {
        DailyJob(
            name: "test-job", hour: 8, calendar: .standard, runs: JobRuns(database: database), logger: Logger(label: "test"),
            everyDay: { every.add($0) }
        ) { day in
            work.add(day)
            return "did \(day)"
        }
    }

    @Test func runsOnceAWorkingDayFromItsHourAndCatchesUpAfterARestart() async throws {
        let database = try CivicDatabase.inMemory(migrations: [])
        let work = Counter()
        let every = Counter()
        #expect(try await job(database, work: work, every: every).runIfDue(now: thursday(7)) == .notDue)
        #expect(try await job(database, work: work, every: every).runIfDue(now: thursday(9)) == .ran("did 2026-06-11"))
        // A second look the same day, from a restarted service (a new job over the same database): nothing.
        #expect(try await job(database, work: work, every: every).runIfDue(now: thursday(15)) == .notDue)
        // Saturday: the rest-day check runs and is recorded, no work.
        #expect(try await job(database, work: work, every: every).runIfDue(now: thursday(9, dayOffset: 2)) == .restDay)
        #expect(try await job(database, work: work, every: every).runIfDue(now: thursday(10, dayOffset: 2)) == .notDue)
        // Monday, the service was down all morning: caught up at 16:00.
        #expect(try await job(database, work: work, every: every).runIfDue(now: thursday(16, dayOffset: 4)) == .ran("did 2026-06-15"))
        #expect(work.all == ["2026-06-11", "2026-06-15"])
        #expect(every.all == ["2026-06-11", "2026-06-13", "2026-06-15"])
        let recorded = try await JobRuns(database: database).recent("test-job")
        #expect(recorded.map(\.day) == ["2026-06-15", "2026-06-13", "2026-06-11"])
        #expect(recorded.map(\.outcome) == ["did 2026-06-15", "rest day", "did 2026-06-11"])
    }

    @Test func aFailedRunIsNotRecordedAndRunsAgain() async throws {
        let database = try CivicDatabase.inMemory(migrations: [])
        struct Broken: Error {}
        let failing = DailyJob(name: "flaky", hour: 8, calendar: .standard, runs: JobRuns(database: database), logger: Logger(label: "test")) { _ in
            throw Broken()
        }
        await #expect(throws: Broken.self) { try await failing.runIfDue(now: thursday(9)) }
        #expect(try await JobRuns(database: database).ran("flaky", on: "2026-06-11") == false)
        let fixed = DailyJob(name: "flaky", hour: 8, calendar: .standard, runs: JobRuns(database: database), logger: Logger(label: "test")) { _ in "ok" }
        #expect(try await fixed.runIfDue(now: thursday(9, dayOffset: 0)) == .ran("ok"))
    }
}

@Suite("Recalculation when a notice is loaded")
struct NoticeRecalculationTests {
    final class Calls: @unchecked Sendable {
        private let lock = NSLock()
        private var calls: [(Set<Int>, String)] = []
        func add(_ years: Set<Int>, _ note: String) { lock.withLock { calls.append((years, note)) } }
        var all: [(Set<Int>, String)] { lock.withLock { calls } }
    }

    @Test func eachNewlyOfficialYearIsRecalculatedOnceAndRecorded() async throws {
        let database = try CivicDatabase.inMemory(migrations: [])
        let calls = Calls()
        func job(_ calendar: WorkingCalendar) -> NoticeRecalculation {
            NoticeRecalculation(calendar: calendar, years: CalendarYears(database: database), logger: Logger(label: "test")) { years, note in
                calls.add(years, note)
                return years.count
            }
        }
        // First start: the built-in years, never recorded before.
        #expect(try await job(.standard).runOnce() == [2025, 2026])
        #expect(try await job(.standard).runOnce() == [])
        // The 2027 notice loaded: 2027 alone, once.
        let loaded = try WorkingCalendar.standard.loading([.init(year: 2027, holidays: ["2027-01-01"], workdays: [])])
        #expect(try await job(loaded).runOnce() == [2027])
        #expect(try await job(loaded).runOnce() == [])
        #expect(calls.all.map(\.0) == [[2025, 2026], [2027]])
        #expect(calls.all.last?.1 == "2027年节假日安排已载入（启动时自动重算期限）")
        #expect(try await CalendarYears(database: database).recorded() == [2025, 2026, 2027])
    }

    @Test func aFailedRecalculationIsNotRecordedAndRunsAgain() async throws {
        let database = try CivicDatabase.inMemory(migrations: [])
        struct Broken: Error {}
        let failing = NoticeRecalculation(calendar: .standard, years: CalendarYears(database: database), logger: Logger(label: "test")) { _, _ in throw Broken()
        }
        await #expect(throws: Broken.self) { try await failing.runOnce() }
        #expect(try await CalendarYears(database: database).recorded() == [])
    }
}
