import CivicDomain
import EldercareDomain
import Testing

@Suite("Division report (覆盖率)")
struct CoverageTests {
    typealias S = ElderSamples
    static let prefecture = try! DivisionCode("410500")
    static let anyangCounty = try! DivisionCode("410522")

    static func three(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)" }

    /// Anyang as S001 counts it: 44 streets holding 268 communities (the first four streets 7, the rest 6)
    /// in 文峰区, and 66 townships in 安阳县.
    static let table: DivisionTable = {
        var records: [DivisionRecord] = []
        for street in 1...44 {
            let code = "410502" + three(street)
            records.append(DivisionRecord(code: code, name: "街道\(street)", level: .street, parent: "410502"))
            for community in 1...(street <= 4 ? 7 : 6) {
                records.append(DivisionRecord(code: code + three(community), name: "社区\(street)-\(community)", level: .community, parent: code))
            }
        }
        for township in 100..<166 {
            records.append(DivisionRecord(code: "410522" + three(township), name: "乡镇\(township)", level: .township, parent: "410522"))
        }
        return try! DivisionTable(records)
    }()

    static func facility(_ id: String, _ kind: FacilityKind, _ covers: LocalDivisionCode, capacity: Int = 20, closedOn: CivilDate? = nil) -> CommunityFacility {
        CommunityFacility(
            id: id, name: id, kind: kind, county: covers.county, covers: [covers], services: [.meals, .recreation], capacity: capacity, closedOn: closedOn)
    }

    /// 131 day-care centres in 131 communities (one more in a covered community, one closed), 10 street centres,
    /// 64 township homes.
    static let facilities: [CommunityFacility] = {
        let communities = table.divisions(.community).map(\.code)
        let streets = table.divisions(.street).map(\.code)
        let townships = table.divisions(.township).map(\.code)
        precondition(communities.count == 268 && streets.count == 44 && townships.count == 66)
        var list = (0..<131).map { facility("dc\(three($0))", .dayCareCentre, communities[$0]) }
        list.append(facility("dc-second", .dayCareCentre, communities[0]))
        list.append(facility("dc-closed", .dayCareCentre, communities[200], closedOn: S.day("2026-01-01")))
        list += (0..<10).map { facility("sc\($0)", .streetCentre, streets[$0]) }
        list += (0..<64).map { facility("th\($0)", .townshipHome, townships[$0]) }
        return list
    }()

    @Test func anyangCoverageFiguresExactly() {
        let report = DivisionReport.make(
            scope: Self.prefecture, asOf: S.day("2026-06-30"), divisions: Self.table, institutions: [], facilities: Self.facilities)
        let dayCare = report.coverage(of: .dayCareCentre)
        #expect(dayCare.covered == 131 && dayCare.units == 268 && dayCare.facilities == 132)
        #expect(dayCare.percent.description == "48.9")
        let street = report.coverage(of: .streetCentre)
        #expect(street.covered == 10 && street.units == 44 && street.percent.description == "22.7")
        let township = report.coverage(of: .townshipHome)
        #expect(township.covered == 64 && township.units == 66 && township.percent.description == "97.0")
        #expect(report.coverage(of: .ruralMutualAidPoint).percent.description == "0.0")
        // Within 文峰区 only, the township homes of 安阳县 and their units drop out.
        let county = DivisionReport.make(scope: S.county, asOf: S.day("2026-06-30"), divisions: Self.table, institutions: [], facilities: Self.facilities)
        #expect(county.coverage(of: .dayCareCentre).percent.description == "48.9" && county.coverage(of: .townshipHome).units == 0)
    }

    static func home(
        _ id: String, beds: Int, nursing: Int, residents: Int, grade: CareGrade? = nil, ownership: Ownership = .privatelyRun,
        medical: MedicalCareAgreement? = nil, status: InstitutionStatus = .operating, county: DivisionCode = S.county
    ) -> Institution {
        Institution(
            id: id, name: id, creditCode: S.homeCode, ownership: ownership, nature: .nonProfit, county: county, beds: beds, nursingBeds: nursing,
            residents: residents, filedOn: S.day("2025-01-01"), grade: grade, gradeValidUntil: grade == nil ? nil : S.day("2027-01-01"),
            medicalCare: medical, status: status)
    }

    @Test func bedsOccupancyGradesAndSigning() {
        let institutions = [
            Self.home(
                "a", beds: 100, nursing: 60, residents: 80, grade: .three, ownership: .publicRun,
                medical: MedicalCareAgreement(partner: "医院", signedOn: S.day("2025-01-01"))),
            Self.home(
                "b", beds: 50, nursing: 20, residents: 30,
                medical: MedicalCareAgreement(partner: "医院", signedOn: S.day("2024-01-01"), expiresOn: S.day("2025-12-31"))),
            Self.home("c", beds: 30, nursing: 0, residents: 0, grade: .one),
            Self.home("small", beds: 9, nursing: 0, residents: 4),
            Self.home("gone", beds: 40, nursing: 10, residents: 0, status: .closed),
            Self.home("elsewhere", beds: 40, nursing: 10, residents: 0, county: try! DivisionCode("410300")),
        ]
        let report = DivisionReport.make(
            scope: Self.prefecture, asOf: S.day("2026-06-30"), divisions: Self.table, institutions: institutions.map(InstitutionFigures.init), facilities: [])
        #expect(report.institutions == 3 && report.belowMinimumBeds == 1)
        #expect(report.byOwnership == [1, 0, 2])
        #expect(report.beds == 180 && report.nursingBeds == 80 && report.residents == 110)
        #expect(report.nursingBedShare.description == "44.4")  // 80 / 180 = 44.44
        #expect(report.occupancy.description == "61.1")  // 110 / 180 = 61.11
        #expect(report.gradeCounts == [1, 0, 1, 0, 0] && report.ungraded == 1)
        #expect(report.medicalCareSigned == 1 && report.signingRate.description == "33.3")
        #expect(report.filed == 3 && report.filingRate.description == "100.0")
        // S004 (Hunan): 5 000 特困 beds, 4 000 of them nursing-type: 80.0%.
        let hunan = DivisionReport.make(
            scope: S.county, asOf: S.today, divisions: Self.table, institutions: [InstitutionFigures(Self.home("h", beds: 5000, nursing: 4000, residents: 0))],
            facilities: [])
        #expect(hunan.nursingBedShare.description == "80.0")
    }

    /// Capacity 20 a day over 30 recorded days is 600 place-days: 150 visits is 25.0% (idle under 30%), 180 is
    /// exactly 30.0% (not idle), nothing recorded is idle.
    @Test func idleRule() {
        let communities = Self.table.divisions(.community).map(\.code)
        let quiet = Self.facility("quiet", .dayCareCentre, communities[0])
        let busy = Self.facility("busy", .dayCareCentre, communities[1])
        let silent = Self.facility("silent", .dayCareCentre, communities[2])
        let june = (1...30).map { S.day("2026-06-" + ($0 < 10 ? "0\($0)" : "\($0)")) }
        let usage =
            june.map { DailyUsage(facilityID: "quiet", date: $0, visits: 5) } + june.map { DailyUsage(facilityID: "busy", date: $0, visits: 6) }
            + [DailyUsage(facilityID: "busy", date: S.day("2026-05-31"), visits: 100)]
        let from = S.day("2026-06-01")
        let through = S.day("2026-06-30")
        let q = FacilityRules.usage(of: quiet, records: usage, from: from, through: through)
        #expect(q.openDays == 30 && q.visits == 150 && q.capacityDays == 600 && q.usage.description == "25.0" && q.idle)
        let b = FacilityRules.usage(of: busy, records: usage, from: from, through: through)
        #expect(b.visits == 180 && b.usage.description == "30.0" && !b.idle)
        #expect(!FacilityRules.usage(of: quiet, records: usage, from: from, through: through, rule: IdleRule(minimumUsagePercent: 25)).idle)
        #expect(FacilityRules.usage(of: silent, records: usage, from: from, through: through).idle)

        let report = DivisionReport.make(
            scope: S.county, asOf: through, divisions: Self.table, institutions: [], facilities: [quiet, busy, silent], usage: usage, usageFrom: from,
            usageThrough: through)
        #expect(report.facilitiesAssessed == 3 && report.idle.map(\.facilityID) == ["quiet", "silent"] && report.idleShare.description == "66.7")
    }

    @Test func facilityValidator() {
        let communities = Self.table.divisions(.community).map(\.code)
        var bad = Self.facility("f", .dayCareCentre, communities[0], capacity: 0)
        bad.name = ""
        bad.covers = [communities[0], communities[0], S.local("410502001"), S.local("410503001001"), S.local("410502099001")]
        bad.openedOn = S.day("2026-01-01")
        bad.closedOn = S.day("2025-01-01")
        #expect(
            S.list(FacilityRules.problems(bad, divisions: Self.table)) == [
                "name REQUIRED", "covers[1] DUPLICATE", "covers[2] LEVEL_MISMATCH", "covers[3] NOT_IN_COUNTY", "covers[4] UNKNOWN", "capacity NOT_POSITIVE",
                "closed_on BEFORE_START",
            ])
        var empty = Self.facility("e", .streetCentre, S.local("410502001"))
        empty.covers = []
        #expect(S.list(FacilityRules.problems(empty)) == ["covers EMPTY"])
        let usage = [
            DailyUsage(facilityID: "f", date: S.day("2026-06-01"), visits: -1), DailyUsage(facilityID: "f", date: S.day("2026-06-01"), visits: 3),
            DailyUsage(facilityID: "", date: S.day("2026-07-02"), visits: 0),
        ]
        #expect(
            S.list(FacilityRules.usageProblems(usage, today: S.today)) == [
                "usage[0].visits NEGATIVE", "usage[1].date DUPLICATE", "usage[2].facility_id REQUIRED", "usage[2].date IN_THE_FUTURE",
            ])
    }

    @Test func supervisionRatesAndCSV() {
        let supervision = SupervisionTotals(
            inspectionsPlanned: 16, inspectionsDone: 1, generalFindings: 7, majorFindings: 2, rectificationsDue: 8, rectifiedOnTime: 7)
        let report = DivisionReport.make(
            scope: Self.prefecture, asOf: S.day("2026-06-30"), divisions: Self.table,
            institutions: [InstitutionFigures(Self.home("a", beds: 100, nursing: 60, residents: 80, grade: .three))], facilities: Self.facilities,
            supervision: supervision)
        #expect(report.inspectionCompletion.description == "6.3")  // 1 / 16 = 6.25, half-up
        #expect(report.rectificationOnTime.description == "87.5")
        let csv = report.csv()
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "section,measure,value,whole,percent")
        #expect(lines.contains("coverage,day_care_centre community covered,131,268,48.9"))
        #expect(lines.contains("coverage,street_centre street covered,10,44,22.7"))
        #expect(lines.contains("coverage,township_home township covered,64,66,97.0"))
        #expect(lines.contains("coverage,day_care_centre facilities,132,,"))
        #expect(lines.contains("beds,nursing beds,60,100,60.0"))
        #expect(lines.contains("grades,grade 3,1,1,100.0"))
        #expect(lines.contains("supervision,inspections done,1,16,6.3"))
        #expect(csv.hasSuffix("\n") && lines.count == report.lines.count + report.idle.count + 2)
        // Every open facility had no usage recorded in the default period: all idle, listed after the figures.
        #expect(report.idle.count == 206 && lines.contains("idle_facility,dc000,0,0,0.0"))
    }
}
