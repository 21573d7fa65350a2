import CivicDomain
import EldercareDomain
import Foundation
import Testing

/// The golden vectors below were computed with an independent 30-line Python implementation of
/// the algorithm as `InspectionTask`'s doc comment states it (FNV-1a 64 → SplitMix64 → stopped
/// Fisher–Yates), so they also check that the doc is enough to re-run a draw.
@Suite("双随机 random draw")
struct RandomDrawTests {
    static func problems(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as DomainError {
            return error.problems.map { "\($0.field) \($0.reason)" }
        } catch {
            return ["\(error)"]
        }
    }

    /// inst-01 … inst-04 high risk, inst-05 … inst-14 low risk.
    static let pool: [DrawPoolEntry] =
        (1...4).map { DrawPoolEntry(id: id($0), riskClass: .high) } + (5...14).map { DrawPoolEntry(id: id($0), riskClass: .low) }
    static func id(_ n: Int) -> String { n < 10 ? "inst-0\(n)" : "inst-\(n)" }

    static let roster = [
        RosterInspector(id: "insp-a"), RosterInspector(id: "insp-b"), RosterInspector(id: "insp-c", active: false),
        RosterInspector(id: "insp-d"), RosterInspector(id: "insp-e"),
    ]

    /// High 300‰ (ceil(0.3 × 4) = 2), low 1/10 (ceil(0.1 × 10) = 1).
    static func task(seed: String = "20260915-0417", taskID: String = "T-2026-09") -> InspectionTask {
        InspectionTask(taskID: taskID, seed: seed, ratios: [.high: DrawRatio(perMille: 300), .low: DrawRatio(1, 10)])
    }

    // MARK: - Golden vector

    @Test func goldenVector() throws {
        let draw = try Self.task().draw(pool: Self.pool, roster: Self.roster)
        #expect(draw.targetIDs == ["inst-04", "inst-01", "inst-12"])
        #expect(draw.targets.map(\.riskClass) == [.high, .high, .low])
        #expect(draw.inspectorIDs == ["insp-a", "insp-d"])
        #expect(draw.exclusions == [DrawExclusion(inspectorID: "insp-c", reason: .inactive)])
        #expect(draw.sampleSizes == [.high: 2, .low: 1])
        #expect(draw.algorithm == "fnv1a64-splitmix64-fisher-yates/1")
        #expect(draw.task.seed == "20260915-0417")
        #expect(draw.pool.map(\.id) == (1...14).map(Self.id))
        #expect(draw.poolFingerprint == "fc52683834eaf63f")
    }

    @Test func primitivesMatchTheirPublishedVectors() {
        #expect(DrawGenerator.fnv1a64(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(DrawGenerator.fnv1a64([]) == 0xcbf2_9ce4_8422_2325)
        var zero = DrawGenerator(state: 0)
        #expect(zero.next() == 0xe220_a839_7b1d_cdaf)
        #expect(DrawGenerator.fnv1a64(Array("20260915-0417|T-2026-09".utf8)) == 0x62a4_42f6_ab31_a3b2)
        var keyed = DrawGenerator(key: "20260915-0417|T-2026-09")
        #expect([keyed.next(), keyed.next(), keyed.next()] == [0x67dc_eab5_0252_b92b, 0xfa2c_2884_70e6_dca2, 0x5f1d_718f_882a_9681])
    }

    // MARK: - Reproducibility

    @Test func inputOrderDoesNotMatter() throws {
        let first = try Self.task().draw(pool: Self.pool, roster: Self.roster)
        let reversed = try Self.task().draw(pool: Self.pool.reversed(), roster: Self.roster.reversed())
        let rotated = try Self.task().draw(pool: Array(Self.pool[7...] + Self.pool[..<7]), roster: Array(Self.roster[2...] + Self.roster[..<2]))
        #expect(reversed == first)
        #expect(rotated == first)
        #expect(first.replays())
    }

    @Test func anotherSeedOrTaskGivesAnotherDraw() throws {
        let otherSeed = try Self.task(seed: "20260915-0418").draw(pool: Self.pool, roster: Self.roster)
        #expect(otherSeed.targetIDs == ["inst-04", "inst-03", "inst-10"])
        #expect(otherSeed.inspectorIDs == ["insp-e", "insp-b"])
        let otherTask = try Self.task(taskID: "T-2026-10").draw(pool: Self.pool, roster: Self.roster)
        #expect(otherTask.targetIDs == ["inst-03", "inst-01", "inst-06"])
    }

    @Test func aRecordSurvivesJSONAndATamperedOneDoesNotReplay() throws {
        let draw = try Self.task().draw(pool: Self.pool, roster: Self.roster)
        let data = try JSONEncoder().encode(draw)
        let decoded = try JSONDecoder().decode(InspectionDraw.self, from: data)
        #expect(decoded == draw)
        #expect(decoded.replays())
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["inspectorIDs"] = ["insp-a", "insp-b"]
        let tampered = try JSONDecoder().decode(InspectionDraw.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(!tampered.replays())
    }

    // MARK: - Sample size

    @Test func sampleSizeIsTheCeilingAndAtLeastOne() {
        #expect(DrawRatio(perMille: 300).sampleSize(poolSize: 14) == 5)  // 4.2 → 5
        #expect(DrawRatio(perMille: 300).sampleSize(poolSize: 10) == 3)  // exactly 3
        #expect(DrawRatio(2, 14).sampleSize(poolSize: 14) == 2)  // 莒南: 2 of 14
        #expect(DrawRatio(perMille: 10).sampleSize(poolSize: 50) == 1)  // 0.5 → 1
        #expect(DrawRatio(perMille: 1).sampleSize(poolSize: 1) == 1)  // 0.001 → 1: the minimum
        #expect(DrawRatio(perMille: 20).sampleSize(poolSize: 50_000) == 1000)
        #expect(DrawRatio(1, 1).sampleSize(poolSize: 7) == 7)
        #expect(DrawRatio(perMille: 300).sampleSize(poolSize: 0) == 0)
        // Exact in double width: no overflow for huge denominators.
        #expect(DrawRatio(1, Int.max).sampleSize(poolSize: Int.max) == 1)
        #expect(DrawRatio(Int.max - 1, Int.max).sampleSize(poolSize: 3) == 3)
    }

    @Test func aOneEntryClassStillGivesOne() throws {
        let pool = Self.pool + [DrawPoolEntry(id: "inst-99", riskClass: .mediumHigh)]
        let task = InspectionTask(taskID: "T", seed: "s", ratio: DrawRatio(perMille: 1))
        let draw = try task.draw(pool: pool, roster: Self.roster)
        #expect(draw.sampleSizes == [.high: 1, .mediumHigh: 1, .low: 1])
        #expect(draw.targets.map(\.riskClass) == [.high, .mediumHigh, .low])
        #expect(draw.targets[1].id == "inst-99")
    }

    @Test func ratioOutsideZeroToOneIsRefused() {
        let task = InspectionTask(
            taskID: "T", seed: "s",
            ratios: [.high: DrawRatio(0, 10), .mediumHigh: DrawRatio(11, 10), .medium: DrawRatio(-1, 10), .low: DrawRatio(1, 0)])
        #expect(
            Self.problems { _ = try task.draw(pool: Self.pool, roster: Self.roster) } == [
                "ratios.high RATIO_OUT_OF_RANGE", "ratios.medium_high RATIO_OUT_OF_RANGE", "ratios.medium RATIO_OUT_OF_RANGE",
                "ratios.low RATIO_OUT_OF_RANGE",
            ])
        #expect(DrawRatio(perMille: 1000).isValid)
        #expect(!DrawRatio(perMille: 1001).isValid)
    }

    @Test func badTaskAndPoolProblemsTogether() {
        let task = InspectionTask(taskID: " ", seed: "", ratios: [.high: DrawRatio(1, 2)], inspectorCount: 1)
        let pool = [
            DrawPoolEntry(id: "a", riskClass: .high), DrawPoolEntry(id: "a", riskClass: .low), DrawPoolEntry(id: "", riskClass: .high),
        ]
        let roster = [RosterInspector(id: "x"), RosterInspector(id: "x"), RosterInspector(id: "")]
        #expect(
            Self.problems { _ = try task.draw(pool: pool, roster: roster) } == [
                "task_id REQUIRED", "seed REQUIRED", "inspector_count TOO_FEW", "pool[1].id DUPLICATE_ID", "pool[2].id REQUIRED",
                "roster[1].id DUPLICATE_ID", "roster[2].id REQUIRED", "ratios.low NO_RATIO",
            ])
    }

    @Test func emptyPoolIsAFailedPrecondition() {
        do {
            _ = try Self.task().draw(pool: [], roster: Self.roster)
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.kind == .failedPrecondition)
            #expect(error.reason == "EMPTY_POOL")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    // MARK: - Inspectors

    @Test func conflictsWithDrawnTargetsAreExcluded() throws {
        // insp-a declared a conflict with inst-04 (drawn), insp-d with inst-02 (not drawn).
        let roster = [
            RosterInspector(id: "insp-a", conflicts: ["inst-04", "inst-13"]), RosterInspector(id: "insp-b"),
            RosterInspector(id: "insp-c", active: false), RosterInspector(id: "insp-d", conflicts: ["inst-02"]), RosterInspector(id: "insp-e"),
        ]
        let draw = try Self.task().draw(pool: Self.pool, roster: roster)
        #expect(draw.targetIDs == ["inst-04", "inst-01", "inst-12"])  // targets come first: unchanged
        #expect(draw.inspectorIDs == ["insp-b", "insp-d"])
        #expect(
            draw.exclusions == [
                DrawExclusion(inspectorID: "insp-a", reason: .conflict, targetIDs: ["inst-04"]),
                DrawExclusion(inspectorID: "insp-c", reason: .inactive),
            ])
        #expect(!draw.inspectorIDs.contains("insp-a"))
    }

    @Test func tooFewEligibleInspectorsIsRefused() {
        let roster = [
            RosterInspector(id: "insp-a", conflicts: ["inst-12"]), RosterInspector(id: "insp-b"), RosterInspector(id: "insp-c", active: false),
        ]
        do {
            _ = try Self.task().draw(pool: Self.pool, roster: roster)
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.kind == .failedPrecondition)
            #expect(error.reason == "TOO_FEW_INSPECTORS")
            #expect(error.message.contains("only 1 of 3 inspectors are eligible"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func moreThanTwoInspectorsWhenAsked() throws {
        let task = InspectionTask(taskID: "T-2026-09", seed: "20260915-0417", ratios: [.high: DrawRatio(3, 10), .low: DrawRatio(1, 10)], inspectorCount: 4)
        let draw = try task.draw(pool: Self.pool, roster: Self.roster)
        #expect(draw.inspectorIDs.count == 4)
        #expect(Set(draw.inspectorIDs) == ["insp-a", "insp-b", "insp-d", "insp-e"])
        let five = InspectionTask(taskID: "T", seed: "s", ratio: DrawRatio(1, 2), inspectorCount: 5)
        #expect(Self.problems { _ = try five.draw(pool: Self.pool, roster: Self.roster) } == [" TOO_FEW_INSPECTORS"])
    }

    // MARK: - Scale

    @Test func fiftyThousandInstitutions() throws {
        let classes = InspectionRiskClass.allCases
        let pool = (0..<50_000).map { DrawPoolEntry(id: "I\($0)", riskClass: classes[$0 % 4]) }
        let task = InspectionTask(
            taskID: "T-big", seed: "big",
            ratios: [.high: DrawRatio(perMille: 300), .mediumHigh: DrawRatio(perMille: 100), .medium: DrawRatio(perMille: 20), .low: DrawRatio(perMille: 10)])
        let draw = try task.draw(pool: pool, roster: Self.roster)
        #expect(draw.sampleSizes == [.high: 3750, .mediumHigh: 1250, .medium: 250, .low: 125])
        #expect(draw.targets.count == 5375)
        #expect(Set(draw.targetIDs).count == 5375)
    }

    @Test func riskClassesAreStable() {
        #expect(InspectionRiskClass.allCases.map(\.rawValue) == ["high", "medium_high", "medium", "low"])
        #expect(DrawExclusionReason.allCases.map(\.rawValue) == ["inactive", "conflict"])
    }
}
