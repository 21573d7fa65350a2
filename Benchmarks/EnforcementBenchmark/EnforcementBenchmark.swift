import CivicDomain
import EnforcementDomain
import Foundation

/// The penalty calculator over a library of 1,000 violations (issue 13: more than 100,000
/// calculations/s). Each violation has a three-tier benchmark over gains with fines as multiples of
/// the turnover or the gains (社团条例 §30's shape); the facts are drawn from a fixed seed. One thread,
/// one calculation after another; the first pass is a warm-up.
@main
struct EnforcementBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments
        func value(_ flag: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let n = Int(arguments[i + 1]) else { return fallback }
            return n
        }
        let violations = value("--violations", 1_000)
        let calculations = value("--calculations", 1_000_000)
        var rng = SplitMix64(seed: 0x5EED)
        let library: [(basis: LegalBasis, benchmark: DiscretionBenchmark)] = (0..<violations).map { n in
            let code = "V\(n)"
            let basis = LegalBasis(
                code: code, law: "某条例", article: "第\(n % 60 + 1)条", violation: "违法行为 \(n)",
                allowedPenalties: [.warning, .fine, .confiscation, .activitiesSuspension, .revocation],
                fines: [.times(.turnover, 10, 30), .times(.gains, 30, 50), .fixed(.yuan(1_000), .yuan(100_000))])
            let low = Fen.yuan(500 + Int(rng.next() % 1_000))
            let high = Fen.yuan(5_000 + Int(rng.next() % 20_000))
            let benchmark = DiscretionBenchmark(
                violationCode: code, version: 1, publishedOn: CivilDate("2026-01-01")!,
                tiers: [
                    DiscretionTier(name: "轻微", gainsAtMost: low, penalties: [.warning, .confiscation]),
                    DiscretionTier(
                        name: "较重", gainsAbove: low, gainsAtMost: high, penalties: [.fine, .confiscation, .activitiesSuspension],
                        fines: [.times(.turnover, 10, 20), .times(.gains, 30, 40)]),
                    DiscretionTier(
                        name: "严重", gainsAbove: high, penalties: [.fine, .confiscation, .revocation],
                        fines: [.times(.turnover, 20, 30), .times(.gains, 40, 50)]),
                ], legalReviewAbove: .yuan(10_000))
            precondition(benchmark.problems(against: basis).isEmpty)
            return (basis, benchmark)
        }
        let cases: [(index: Int, facts: ViolationFacts)] = (0..<10_000).map { _ in
            let gains = Fen(Int(rng.next() % 5_000_000))
            let facts = ViolationFacts(
                gains: rng.next() % 10 == 0 ? Fen(0) : gains, turnover: Fen(Int(rng.next() % 20_000_000)), firstViolation: rng.next() % 4 == 0,
                correctedInTime: rng.next() % 2 == 0, harm: rng.next() % 5 == 0)
            return (Int(rng.next() % UInt64(violations)), facts)
        }
        print("enforcement-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores; \(violations) violations in the library; \(cases.count) fact sets")
        var tiers: [String: Int] = [:]
        var checksum = 0
        for pass in 0..<2 {
            let start = DispatchTime.now().uptimeNanoseconds
            for i in 0..<(pass == 0 ? cases.count : calculations) {
                let c = cases[i % cases.count]
                let norm = library[c.index]
                let assessed = try PenaltyCalculator.assess(c.facts, basis: norm.basis, benchmark: norm.benchmark)
                checksum &+= assessed.maximumFine
                if pass == 1 && i < cases.count { tiers[assessed.tier, default: 0] += 1 }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if pass == 1 {
                print(
                    String(
                        format: "calculator %d calculations in %.2f s: %.0f calculations/s, %.2f µs each (aim > 100 000/s)", calculations, seconds,
                        Double(calculations) / seconds, seconds / Double(calculations) * 1e6))
            }
        }
        print("  tiers of the first \(cases.count): " + tiers.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("  checksum \(checksum)")
    }
}

/// A small deterministic generator (the facts are the same every run).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
