import CivicDomain
import CivicStorage
import EnforcementDomain
import EnforcementService
import Foundation
import GRDB

/// The penalty calculator over a library of 1,000 violations (issue 13: more than 100,000
/// calculations/s). Each violation has a three-tier benchmark over gains with fines as multiples of
/// the turnover or the gains (社团条例 §30's shape); the facts are drawn from a fixed seed. One thread,
/// one calculation after another; the first pass is a warm-up.
@main
struct EnforcementBenchmark {
    static func main() async throws {
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
        try sweep(openCases: value("--open-cases", 100_000))
        try await storedSweep(openCases: value("--stored-cases", 100_000))
    }

    /// `ListCaseDeadlines`' path: the store's sweep over a database file of `openCases` cases filed
    /// through the store (WAL; synchronous off while loading only — reads do not depend on it).
    /// One case in a hundred has testing time running, so its clocks move and it is recomputed.
    static func storedSweep(openCases: Int) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("enforcement-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try CivicDatabase.open(
            path: folder.appendingPathComponent("enforcement.sqlite").path, migrations: EnforcementService.definition.migrations)
        try await database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = OFF") }
        let store = EnforcementStore(database: database)
        let division = try DivisionCode("410502")
        let actor = AuditActor(id: "bench")
        for (name, roles) in [("A", [OfficerRole.investigator]), ("B", [.investigator]), ("H", [.approver])] {
            _ = try await store.registerOfficer(by: actor) { id in
                Officer(
                    id: id, name: name, certificateNumber: name, certificateIssuedOn: CivilDate("2020-01-01")!,
                    certificateExpiresOn: CivilDate("2030-12-31")!, roles: Set(roles), division: division)
            }
        }
        let subject = LeadSubject.organization(creditCode: "51410502MJ00001010", name: "某协会")
        let start = CivilDate("2026-01-01")!
        let loadStart = DispatchTime.now().uptimeNanoseconds
        for i in 0..<openCases {
            let filed = start.adding(days: i % 300)
            let c = try await store.fileCase(
                leadID: "", division: { _ in division }, by: actor, check: { _ in },
                make: { id, _, lookup in
                    try EnforcementCase(
                        id: id, division: division, subject: subject, violationCodes: ["V1"], summary: "s", actEndedOn: filed, filedOn: filed,
                        approver: lookup(["F000003"], "approved_by")[0], investigators: lookup(["F000001", "F000002"], "investigators"))
                }, bases: { _ in nil })
            let kind = i % 4
            if kind == 0 && i % 100 != 0 { continue }
            _ = try await store.stepCase(
                id: c.id, action: "step", today: filed.adding(days: 11), by: actor, check: { _ in },
                step: { c, lookup in
                    let officers = try lookup(["F000001", "F000002"], "officers")
                    switch kind {
                    case 1: try c.addEvidence("e", on: filed, officers: officers, preservedItems: "items")
                    case 2: try c.serveNotice(ProposedPenalty(penalties: [.warning]), on: filed.adding(days: 10), officers: officers)
                    case 3:
                        try c.serveNotice(ProposedPenalty(penalties: [.warning]), on: filed.adding(days: 10), officers: officers)
                        try c.waiveReplies(on: filed.adding(days: 10), by: "F000001")
                        try c.decidePenalty(
                            ProposedPenalty(penalties: [.warning]), reasons: "r", on: filed.adding(days: 11), approver: lookup(["F000003"], "approved_by")[0])
                    default: try c.startExcludedTime(.testing, on: filed.adding(days: 3), by: "F000001")
                    }
                }, bases: { _ in nil })
        }
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
        let today = CivilDate("2026-11-02")!
        let sweep = CaseClockSweep(today: today, horizon: today.adding(days: 7))
        var timings: [Double] = []
        var found: EnforcementStore.CaseDeadlines?
        for _ in 0..<6 {
            let begin = DispatchTime.now().uptimeNanoseconds
            found = try await store.caseDeadlines(sweep, reach: .within(division), limit: 100)
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6)
        }
        let measured = timings.dropFirst().sorted()
        print(
            String(
                format:
                    "stored sweep (ListCaseDeadlines' store path) over %d cases in a database file (loaded through the store in %.0f s): median %.1f ms, worst %.1f ms; %d overdue, %d due within 7 days, 100 of each listed",
                openCases, loadSeconds, measured[measured.count / 2], measured.last!, found!.overdueTotal, found!.dueSoonTotal))
    }

    /// The daily clock sweep over every open case, each clock recomputed (the service's index
    /// narrows the cases first; this is the whole division with nothing narrowed).
    static func sweep(openCases: Int) throws {
        let division = try DivisionCode("410502")
        func officer(_ id: String, _ roles: Set<OfficerRole>) -> Officer {
            Officer(
                id: id, name: id, certificateNumber: id, certificateIssuedOn: CivilDate("2020-01-01")!, certificateExpiresOn: CivilDate("2030-12-31")!,
                roles: roles, division: division)
        }
        let investigators = [officer("A", [.investigator]), officer("B", [.investigator])]
        let head = officer("H", [.approver])
        let subject = LeadSubject.organization(creditCode: "51410502MJ00001010", name: "某协会")
        let start = CivilDate("2026-01-01")!
        var cases: [EnforcementCase] = []
        cases.reserveCapacity(openCases)
        for i in 0..<openCases {
            let filed = start.adding(days: i % 300)
            var c = try EnforcementCase(
                id: "C\(i)", division: division, subject: subject, violationCodes: ["V1"], summary: "s", actEndedOn: filed, filedOn: filed, approver: head,
                investigators: investigators)
            switch i % 4 {
            case 1: try c.addEvidence("e", on: filed, officers: investigators, preservedItems: "items")
            case 2: try c.serveNotice(ProposedPenalty(penalties: [.warning]), on: filed.adding(days: 10), officers: investigators)
            case 3:
                try c.serveNotice(ProposedPenalty(penalties: [.warning]), on: filed.adding(days: 10), officers: investigators)
                try c.waiveReplies(on: filed.adding(days: 10), by: "A")
                try c.decidePenalty(ProposedPenalty(penalties: [.warning]), reasons: "r", on: filed.adding(days: 11), approver: head)
            default: try c.startExcludedTime(.testing, on: filed.adding(days: 3), by: "A")
            }
            cases.append(c)
        }
        let today = CivilDate("2026-11-02")!
        let sweep = CaseClockSweep(today: today, horizon: today.adding(days: 7))
        var timings: [Double] = []
        var found = (overdue: 0, dueSoon: 0)
        for _ in 0..<6 {
            let begin = DispatchTime.now().uptimeNanoseconds
            let result = sweep.run(cases)
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e6)
            found = (result.overdue.count, result.dueSoon.count)
        }
        let measured = timings.dropFirst().sorted()
        print(
            String(
                format: "clock sweep over %d open cases: median %.1f ms, worst %.1f ms (aim < 200 ms); %d overdue, %d due within 7 days", openCases,
                measured[measured.count / 2], measured.last!, found.overdue, found.dueSoon))
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
