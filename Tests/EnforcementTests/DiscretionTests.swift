import CivicDomain
import EnforcementDomain
import Testing

/// 社团条例 §30 with a local three-tier benchmark (RULES.md §4(c) 1, after shanxiweilan.com):
/// 轻微 G ≤ 1,000 元 warning and confiscation; 较重 1,000 < G ≤ 10,000 1–2× T or 3–4× G and 3 months'
/// suspension; 严重 G > 10,000 2–3× T or 4–5× G and revocation; 法制审核 above 10,000 元.
@Suite("Discretion benchmarks and the penalty calculator")
struct DiscretionTests {
    static let basis = LegalBasis(
        code: "SHTT-30", law: "社会团体登记管理条例", article: "第三十条", violation: "超出章程规定的宗旨和业务范围进行活动",
        allowedPenalties: [.warning, .fine, .confiscation, .activitiesSuspension, .revocation],
        fines: [.times(.turnover, 10, 30), .times(.gains, 30, 50)])
    static let benchmark = DiscretionBenchmark(
        violationCode: "SHTT-30", version: 2, publishedOn: CivilDate("2026-01-01")!,
        tiers: [
            DiscretionTier(name: "轻微", gainsAtMost: .yuan(1_000), penalties: [.warning, .confiscation]),
            DiscretionTier(
                name: "较重", gainsAbove: .yuan(1_000), gainsAtMost: .yuan(10_000), penalties: [.fine, .confiscation, .activitiesSuspension],
                fines: [.times(.turnover, 10, 20), .times(.gains, 30, 40)]),
            DiscretionTier(
                name: "严重", gainsAbove: .yuan(10_000), penalties: [.fine, .confiscation, .revocation],
                fines: [.times(.turnover, 20, 30), .times(.gains, 40, 50)]),
        ], legalReviewAbove: .yuan(10_000))

    @Test func eachTierWithItsRangeInFen() throws {
        let minor = try PenaltyCalculator.assess(ViolationFacts(gains: .yuan(800)), basis: Self.basis, benchmark: Self.benchmark)
        #expect((minor.tier, minor.penalties, minor.maximumFine, minor.legalReviewRequired) == ("轻微", [.warning, .confiscation], 0, false))

        let serious = try PenaltyCalculator.assess(
            ViolationFacts(gains: .yuan(5_000), turnover: .yuan(20_000)), basis: Self.basis, benchmark: Self.benchmark)
        #expect(serious.tier == "较重")
        #expect(serious.fineOptions.map(\.range) == [2_000_000...4_000_000, 1_500_000...2_000_000])
        #expect(serious.legalReviewRequired)
        #expect(
            serious.rule
                == "社会团体登记管理条例 第三十条 (SHTT-30), benchmark v2 of 2026-01-01, tier 较重: fine, confiscation, activities_suspension; fine 1–2× turnover or 3–4× gains"
        )

        // Only the gains known: the turnover alternative is left out; a boundary value stays in the lower tier.
        let edge = try PenaltyCalculator.assess(ViolationFacts(gains: .yuan(10_000)), basis: Self.basis, benchmark: Self.benchmark)
        #expect((edge.tier, edge.fineOptions.map(\.range)) == ("较重", [3_000_000...4_000_000]))
        let grave = try PenaltyCalculator.assess(ViolationFacts(gains: .yuan(10_001)), basis: Self.basis, benchmark: Self.benchmark)
        #expect((grave.tier, grave.penalties.contains(.revocation), grave.maximumFine) == ("严重", true, 5_000_500))
        // Tenths of a multiple, half up to the fen.
        #expect(FineRule.times(.gains, 15, 25).range(for: ViolationFacts(gains: Fen(333))) == 500...833)
    }

    @Test func firstViolationIsNotPenalized() throws {
        let first = ViolationFacts(firstViolation: true, correctedInTime: true)
        let none = try PenaltyCalculator.assess(first, basis: Self.basis, benchmark: Self.benchmark)
        #expect((none.tier, none.penalties) == ("首违不罚", []))
        #expect(none.rule.hasSuffix("no penalty (行政处罚法 §33 ¶1)"))
        // Gains, harm or no correction: the tiers apply.
        var gained = first
        gained.gains = .yuan(10)
        #expect(try PenaltyCalculator.assess(gained, basis: Self.basis, benchmark: Self.benchmark).tier == "轻微")
        var off = Self.benchmark
        off.firstViolationExemption = false
        #expect(try PenaltyCalculator.assess(first, basis: Self.basis, benchmark: off).tier == "轻微")
    }

    @Test func aBenchmarkStaysWithinTheStatute() {
        var wide = Self.benchmark
        wide.violationCode = "X"
        wide.tiers[0].penalties.insert(.publicCriticism)
        wide.tiers[2].fines = [.times(.gains, 40, 60), .times(.turnover, 30, 20), .fixed(.yuan(1), .yuan(2))]
        #expect(
            wide.problems(against: Self.basis).details.map { "\($0.field) \($0.reason)" } == [
                "violation_code MISMATCH", "tiers[0].penalties NOT_ALLOWED", "tiers[2].fines BEYOND_STATUTE", "tiers[2].fines BAD_RANGE",
                "tiers[2].fines BEYOND_STATUTE",
            ])
        #expect(Self.benchmark.problems(against: Self.basis).isEmpty)
        var gap = Self.benchmark
        gap.tiers.removeFirst()
        do {
            _ = try PenaltyCalculator.assess(ViolationFacts(gains: .yuan(10)), basis: Self.basis, benchmark: gap)
            Issue.record("assessed")
        } catch let error as DomainError {
            #expect((error.kind, error.problems.map(\.reason)) == (.failedPrecondition, ["NO_TIER"]))
        } catch { Issue.record("\(error)") }
    }

    /// §29: one act under two norms gets the one fine that can be highest.
    @Test func oneActOneFine() throws {
        let fixedBasis = LegalBasis(
            code: "FIX-1", law: "某规章", article: "第十条", violation: "同一行为", allowedPenalties: [.warning, .fine], fines: [.fixed(.yuan(5_000), .yuan(30_000))])
        let fixedBenchmark = DiscretionBenchmark(
            violationCode: "FIX-1", version: 1, publishedOn: CivilDate("2026-01-01")!,
            tiers: [DiscretionTier(name: "一般", penalties: [.fine], fines: [.fixed(.yuan(5_000), .yuan(30_000))])])
        let facts = ViolationFacts(gains: .yuan(5_000))
        let chosen = try PenaltyCalculator.assessOneAct(facts, under: [(Self.basis, Self.benchmark), (fixedBasis, fixedBenchmark)])
        #expect((chosen.tier, chosen.maximumFine) == ("一般", 3_000_000))
        #expect(throws: DomainError.self) { _ = try PenaltyCalculator.assessOneAct(facts, under: []) }
    }
}
