import CivicDomain
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging
import Testing

@testable import ProposalsDomain
@testable import ProposalsService

@Suite("Proposals settings and the daily urging job")
struct SettingsAndJobTests {
    @Test func settingsComeFromTheEnvironmentAndBadOnesAreRefused() throws {
        let defaults = try ProposalsSettings(environment: [:])
        #expect(defaults.deadlines == ReplyDeadlines())
        #expect(defaults.urgingHour == 8)
        let custom = try ProposalsSettings(environment: ["CIVIC_PROPOSALS_REPLY_MONTHS": "2", "CIVIC_PROPOSALS_URGING_HOUR": "9"])
        #expect(custom.deadlines.replyMonths == 2)
        #expect(custom.urgingHour == 9)
        #expect(throws: RPCError.self) { _ = try ProposalsSettings(environment: ["CIVIC_PROPOSALS_REPLY_MONTHS": "40"]) }
        #expect(throws: (any Error).self) { _ = try ProposalsSettings(environment: ["CIVIC_PROPOSALS_REPLY_MONTHS": "three"]) }
        #expect(throws: RPCError.self) { _ = try ProposalsSettings(environment: ["CIVIC_CALENDAR_FILE": "/nonexistent.json"]) }
        #expect(try ProposalsSettings(environment: ["CIVIC_PROPOSALS_DAILY_URGING": "off"]).dailyUrging == false)
        let sometimes = #expect(throws: (any Error).self) { _ = try ProposalsSettings(environment: ["CIVIC_PROPOSALS_DAILY_URGING": "sometimes"]) }
        #expect("\(sometimes.map { "\($0)" } ?? "")" == "CIVIC_PROPOSALS_DAILY_URGING=sometimes is neither on nor off")
    }

    @Test func aCalendarFileReplacesTheBuiltInSchedule() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("civic-cal-\(UUID().uuidString).json")
        try Data(#"[{"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-01-09"]}]"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let settings = try ProposalsSettings(environment: ["CIVIC_CALENDAR_FILE": file.path])
        #expect(!settings.calendar.isWorkingDay(CivilDate("2027-01-01")!))
        #expect(settings.calendar.isWorkingDay(CivilDate("2027-01-09")!))  // a Saturday made a working day
        #expect(settings.calendarSource == "\(file.path) + built-in")
        #expect(!settings.calendar.isWorkingDay(CivilDate("2026-10-01")!))  // the built-in 2026 stays
    }

    @Test func dailyUrgingRunsOnceADayFromItsHour() async throws {
        let store = try makeStore()
        let id = try await store.register(validRegistration(), by: staff).id
        _ = try await store.apply(.assign(role: .leadSole), to: id, by: staff) { item in
            item.role = .leadSole
            item.answerDue = CivilDate("2026-06-10")
            return []
        }
        let job = try ProposalsSettings(environment: [:]).dailyUrging(store: store, logger: Logger(label: "test"))
        // 2026-06-11 07:00 China time (23:00 UTC the day before): before the hour, nothing.
        try await job.runIfDue(now: Date(timeIntervalSince1970: 1_781_132_400))
        #expect(try await store.item(id: id).urgeCount == 0)
        // 09:00 China time: urged (overdue), once.
        try await job.runIfDue(now: Date(timeIntervalSince1970: 1_781_139_600))
        try await job.runIfDue(now: Date(timeIntervalSince1970: 1_781_143_200))
        #expect(try await store.item(id: id).urgeCount == 1)
        let trail = try await store.auditTrail(itemID: id)
        #expect(trail.last?.actor == "system:daily-urging")
        #expect(trail.last?.reason.hasPrefix("the reply is overdue since 2026-06-10") == true)
        // Saturday 2026-06-13, 09:00: a rest day, no reminders. Monday the 15th: urged again.
        try await job.runIfDue(now: Date(timeIntervalSince1970: 1_781_312_400))
        #expect(try await store.item(id: id).urgeCount == 1)
        try await job.runIfDue(now: Date(timeIntervalSince1970: 1_781_485_200))
        #expect(try await store.item(id: id).urgeCount == 2)
    }
}
