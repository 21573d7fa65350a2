import CivicDomain
import EnforcementDomain
import Foundation
import Testing

@Suite("The legal-basis library as data (deploy/enforcement/legal-basis)")
struct LegalLibraryTests {
    static func day(_ text: String) -> CivilDate { Samples.day(text) }

    /// The shipped folder, found from this file: Tests/EnforcementTests/ → root.
    static var shipped: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/enforcement/legal-basis")
    }

    @Test func theShippedRegulationsLoadAndAssess() throws {
        let library = try LegalLibrary.load(directory: Self.shipped)
        #expect(
            library.regulations.map(\.name).sorted() == ["养老机构管理办法", "基金会管理条例", "民办非企业单位登记管理暂行条例", "社会团体登记管理条例", "社会救助暂行办法"].sorted())
        #expect(library.codes.count == 35)
        #expect(library.basis("SHTT-30-1")?.article == "第三十条第一款第（一）项")
        // ENFORCEMENT.md §4's example: gains 5,000 元, turnover 20,000 元 → 较重.
        let facts = ViolationFacts(gains: .yuan(5_000), turnover: .yuan(20_000))
        let assessed = try library.assess(facts, codes: ["SHTT-30-1"], on: Self.day("2026-03-01"))
        #expect(assessed.tier == "较重")
        #expect(assessed.fineOptions.map(\.range) == [2_000_000...4_000_000, 1_500_000...2_000_000])
        #expect(assessed.legalReviewRequired)
        // 骗取救助 10,000 元, a repeat: 1.5–2× the amount obtained.
        let fraud = try library.assess(
            ViolationFacts(amountObtained: .yuan(10_000), repeatViolation: true), codes: ["SHJZ-68"], on: Self.day("2026-03-01"))
        #expect((fraud.tier, fraud.fineOptions.map(\.range)) == ("较重", [1_500_000...2_000_000]))
        // Before the benchmark was published there is none in force; an unknown code is not found.
        #expect(Samples.reasons { _ = try library.assess(facts, codes: ["SHTT-30-1"], on: Self.day("2025-12-31")) } == ["violation_codes NO_BENCHMARK"])
        #expect(throws: DomainError.notFound("no violation XX-1 in the legal-basis library")) {
            try library.assess(facts, codes: ["XX-1"], on: Self.day("2026-03-01"))
        }
    }

    @Test func versionsAreChosenByTheDayAndEveryProblemIsNamed() throws {
        func file(_ benchmarks: String, penalties: String = #"["warning", "fine"]"#) -> Data {
            Data(
                """
                {"regulation": "养老机构管理办法", "issued_by": "令第66号", "effective_on": "2020-11-01", "bases": [
                  {"code": "YLJG-46-1", "article": "第四十六条", "violation": "未评估", "penalties": \(penalties),
                   "fines": [{"base": "fixed", "yuan": [0, 30000]}], "benchmarks": [\(benchmarks)]}]}
                """.utf8)
        }
        let v1 = #"{"version": 1, "published_on": "2026-01-01", "first_violation_exemption": true, "tiers": [{"name": "一般", "penalties": ["warning"]}]}"#
        let v2 =
            #"{"version": 2, "published_on": "2026-07-01", "first_violation_exemption": false, "tiers": [{"name": "一般", "penalties": ["warning", "fine"], "fines": [{"base": "fixed", "yuan": [1000, 5000]}]}]}"#
        let library = try LegalLibrary.load(files: [("a.json", file("\(v1), \(v2)"))])
        #expect(library.benchmark(for: "YLJG-46-1", on: Self.day("2026-06-30"))?.version == 1)
        #expect(library.benchmark(for: "YLJG-46-1", on: Self.day("2026-07-01"))?.version == 2)
        #expect(library.benchmarks(for: "YLJG-46-1").map(\.version) == [1, 2])

        let beyond =
            #"{"version": 1, "published_on": "2026-13-01", "first_violation_exemption": true, "tiers": [{"name": "一般", "penalties": ["revocation", "caning"], "fines": [{"base": "fixed", "yuan": [0, 50000]}]}]}"#
        let problems = Samples.reasons {
            _ = try LegalLibrary.load(files: [
                ("b.json", file("\(v2), \(v1)")), ("c.json", file(beyond)), ("d.json", Data("{".utf8)),
                ("e.json", file(v1, penalties: #"["fine"]"#)),
            ])
        }
        #expect(
            problems == [
                "b.json: bases[0].benchmarks[1].version DUPLICATE", "b.json: bases[0].benchmarks[1].published_on NOT_ASCENDING",
                "c.json: bases[0].benchmarks[0].published_on BAD_DATE", "c.json: bases[0].benchmarks[0].tiers[0].penalties UNKNOWN",
                "d.json BAD_JSON", "e.json: bases[0].benchmarks[0].tiers[0].penalties NOT_ALLOWED",
            ])
    }
}
