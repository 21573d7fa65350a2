import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import EldercareService
import Foundation
import GRDB
import Logging
import Testing

/// The daily sweep (`EldercareSettings.dailySweep`): findings past their deadline are marked
/// 逾期未整改 once a day without anyone calling SweepFindings.
@Suite("Eldercare: the daily sweep")
struct EldercareSweepJobTests {
    typealias Bureau = ElderBureau

    /// 北关 inspected on 2026-09-22 with one failed fire-safety item (一般, 20 working days: due
    /// 2026-10-27), the results published.
    static func publishedFinding(_ bureau: Bureau) async throws -> String {
        let h = bureau.handler
        let places = try await EldercareInspectionTests.county(bureau)
        _ = try await h.loadChecklist(.with { $0.json = EldercareInspectionTests.sampleChecklist }, context: bureau.context())
        let task = try await h.createInspectionTask(EldercareInspectionTests.task(), context: bureau.context())
        let inspections = try await h.listInspections(.with { $0.taskID = task.id }, context: bureau.context()).inspections
        let target = try #require(inspections.first { $0.institutionID == places.high })
        let items = try await h.getChecklist(.init(), context: bureau.context()).items
        _ = try await h.startInspection(.with { $0.id = target.id }, context: bureau.context())
        var results: [Civic_Eldercare_V1_ItemResult] = items.map { item in
            .with {
                $0.itemCode = item.code; $0.outcome = .pass
            }
        }
        results[0].outcome = .fail
        results[0].note = "灭火器过期"
        let recorded = try await h.recordInspection(
            .with {
                $0.id = target.id; $0.results = results
            }, context: bureau.context()
        ).inspection
        _ = try await h.publishInspection(.with { $0.id = target.id }, context: bureau.context())
        return try #require(recorded.findingIds.first)
    }

    static func chinaTime(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "+08:00")! }

    @Test func marksOverdueFindingsOnceADayFromOneOClockRestDaysIncluded() async throws {
        let bureau = try Bureau.open(today: "2026-09-22")
        let findingID = try await Self.publishedFinding(bureau)
        let store = EldercareStore(database: bureau.database)
        let job = EldercareSettings().dailySweep(store: store, logger: Logger(label: "test"))
        #expect(job.name == "daily-sweep")

        // The last day (10-27) is not past on it: nothing marked.
        #expect(try await job.runIfDue(now: Self.chinaTime("2026-10-27T09:00:00")) == .ran("marked 0 findings overdue"))
        // The next day, before one o'clock: not due; from one: marked, once.
        #expect(try await job.runIfDue(now: Self.chinaTime("2026-10-28T00:30:00")) == .notDue)
        #expect(try await job.runIfDue(now: Self.chinaTime("2026-10-28T01:10:00")) == .ran("marked 1 findings overdue"))
        #expect(try await job.runIfDue(now: Self.chinaTime("2026-10-28T15:00:00")) == .notDue)
        let later = EldercareHandler(store: store, settings: EldercareSettings(), today: { CivilDate("2026-10-28")! })
        let overdue = try await later.listFindings(.with { $0.status = .rectificationOverdue }, context: bureau.context()).findings
        #expect(overdue.map(\.id) == [findingID])
        #expect(overdue.map(\.state) == [.unrectified])
        let actors = try await bureau.database.read { db in
            try String.fetchAll(db, sql: "SELECT actor FROM audit_log WHERE action = 'mark_overdue' AND entity_id = ?", arguments: [findingID])
        }
        #expect(actors == ["system:daily-sweep"])
        // Saturday 10-31 is a rest day, and the job runs on it all the same (deadlines pass on any day).
        #expect(try await job.runIfDue(now: Self.chinaTime("2026-10-31T08:00:00")) == .ran("marked 0 findings overdue"))
        #expect(try await later.sweepFindings(.init(), context: bureau.context()).marked.isEmpty)
    }

    @Test func theSwitchReadsOnAndOffAndRefusesAnythingElse() throws {
        #expect(try EldercareSettings(environment: [:]).dailySweep)
        #expect(try EldercareSettings(environment: ["CIVIC_ELDERCARE_DAILY_SWEEP": "OFF"]).dailySweep == false)
        #expect(try EldercareSettings(environment: ["CIVIC_ELDERCARE_DAILY_SWEEP": "1"]).dailySweep)
        let sometimes = #expect(throws: (any Error).self) { try EldercareSettings(environment: ["CIVIC_ELDERCARE_DAILY_SWEEP": "sometimes"]) }
        #expect(sometimes.map { "\($0)" } == "CIVIC_ELDERCARE_DAILY_SWEEP=sometimes is neither on nor off")
        // Off: the service's parts have no job; on: one.
        let database = try CivicDatabase.inMemory(migrations: EldercareService.definition.migrations)
        #expect(EldercareService.parts(settings: try EldercareSettings(environment: ["CIVIC_ELDERCARE_DAILY_SWEEP": "off"]), database: database).jobs.isEmpty)
        #expect(EldercareService.parts(settings: EldercareSettings(), database: database).jobs.count == 1)
    }
}
