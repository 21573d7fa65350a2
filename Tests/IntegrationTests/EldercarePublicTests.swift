import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareService
import Foundation
import GRDB
import Testing

@Suite("Eldercare: the public register, its changes feed and the division report")
struct EldercarePublicTests {
    typealias Bureau = ElderBureau

    static func feed(_ h: EldercareHandler, after: String = "", pageSize: Int32 = 0) async throws -> Civic_Eldercare_V1_ListRegisterChangesResponse {
        try await h.listRegisterChanges(
            .with {
                $0.after = after; $0.pageSize = pageSize
            }, context: ElderBureau.open().context(nil))
    }

    @Test func theRegisterShowsNoPersonalDataAndItsFeedCarriesEveryPublicChangeOnce() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        try await bureau.loadDivisions()
        let home = try await bureau.register()
        var small = EldercareCommunityTests.smallHome()
        small.residents = 4
        let other = try await bureau.register(small)

        let register = try await h.listRegister(.with { $0.within = Bureau.county }, context: bureau.context(nil))
        #expect(register.entries.map(\.name) == ["文峰区颐养院", "北关老年公寓"])
        let first = try #require(register.entries.first)
        #expect((first.beds, first.nursingBeds, first.filedOn, first.medicalPartner, first.openFindings) == (120, 60, "2023-03-10", "安阳市人民医院", 0))
        #expect(first.status == .operating)

        var changes = try await Self.feed(h)
        #expect(changes.changes.map(\.cursor) == ["1", "2"])
        #expect(changes.changes.map(\.entry.institutionID) == [home.id, other.id])
        #expect((changes.nextCursor, changes.more) == ("2", false))

        // A public change appends; a change the public does not see (a resident admitted) does not.
        var bigger = Bureau.yiyangHome()
        bigger.beds = 150
        _ = try await h.updateInstitution(
            .with {
                $0.id = home.id; $0.institution = bigger; $0.reason = "扩建"
            }, context: bureau.context())
        _ = try await h.admitResident(
            .with {
                $0.resident = .with {
                    $0.institutionID = other.id; $0.personRef = "P-1"; $0.admittedOn = "2026-09-14"
                }
            }, context: bureau.context())
        _ = try await h.recordFiling(
            .with {
                $0.institutionID = other.id; $0.filedOn = "2026-09-15"
            }, context: bureau.context())
        changes = try await Self.feed(h, after: "2")
        #expect(
            changes.changes.map { "\($0.cursor) \($0.entry.institutionID) \($0.entry.beds) \($0.entry.filedOn)" } == [
                "3 \(home.id) 150 2023-03-10", "4 \(other.id) 10 2026-09-15",
            ])
        // Paging: one at a time, `more` while pages are full; the end answers nothing and keeps the cursor.
        let one = try await Self.feed(h, after: "1", pageSize: 1)
        #expect((one.changes.map(\.cursor), one.nextCursor, one.more) == (["2"], "2", true))
        let end = try await Self.feed(h, after: "4")
        #expect((end.changes.isEmpty, end.nextCursor, end.more) == (true, "4", false))
        let bad = await domainRefusal { _ = try await Self.feed(h, after: "abc") }
        #expect(bad?.problems == ["after INVALID"])
        let tooBig = await domainRefusal { _ = try await Self.feed(h, pageSize: 1001) }
        #expect(tooBig?.problems == ["page_size OUT_OF_RANGE"])
        // No personal data anywhere in the feed: no resident, no reference to one.
        let all = try await bureau.database.read { db in try Data.fetchAll(db, sql: "SELECT entry FROM register_changes") }
            .map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(!all.contains("P-1"))
    }

    @Test func theDivisionReportCountsCoverageBedsAndFilingExactly() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        try await bureau.loadDivisions()
        _ = try await bureau.register()
        var small = EldercareCommunityTests.smallHome()
        small.residents = 4
        _ = try await bureau.register(small)
        _ = try await h.registerFacility(.with { $0.facility = EldercareCommunityTests.dayCare() }, context: bureau.context())

        let report = try await h.getDivisionReport(.with { $0.asOf = "2026-09-15" }, context: bureau.context(Bureau.leader))
        #expect(report.within == "410500")
        #expect((report.usageFrom, report.usageThrough) == ("2026-08-16", "2026-09-15"))
        let lines = Dictionary(uniqueKeysWithValues: report.lines.map { ($0.measure, "\($0.value)/\($0.whole) \($0.percent)") })
        // One of the county's two communities has a day-care centre: 50.0 %.
        #expect(lines["day_care_centre community covered"] == "1/2 50.0")
        #expect(lines["street_centre street covered"] == "0/2 0.0")
        #expect(lines["institutions"] == "2/ ")
        #expect(lines["beds"] == "130/ ")
        // 60 of 130 beds are nursing beds, 84 residents in 130 beds.
        #expect(lines["nursing beds"] == "60/130 46.2")
        #expect(lines["residents"] == "84/130 64.6")
        #expect(lines["filed"] == "1/2 50.0")
        #expect(lines["medical care signed"] == "1/2 50.0")
        // The centre has no usage recorded in the month: idle until shown otherwise.
        #expect(report.idle.map(\.facilityID) == ["F000001"])
        #expect(report.csv.contains("coverage,day_care_centre community covered,1,2,50.0\n"))
        let outside = await domainRefusal {
            _ = try await h.getDivisionReport(.with { $0.within = "410503" }, context: bureau.context())
        }
        #expect(outside?.kind == .permissionDenied)
    }
}
