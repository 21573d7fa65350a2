import CivicDomain

// 双随机一公开: a task draws its targets (检查对象) at random from the pool of institutions, by
// risk class and ratio, and its inspectors (执法检查人员) at random from the roster, then the
// draw is fixed ("刻录光盘固化") and can be re-run by anyone from what it records
// (RULES.md §2(b) Inspections, §2(c) Draw sample size, §2(f)).

/// A target's risk class for the draw (风险分类). Henan's market regulation draws high 30 %,
/// mid-high 10 %, mid 2 %, low 1 % (RULES.md §2(b), SRC zzrbnews 2021); each bureau sets its own
/// ratios. Classes are drawn in this order: keep the case order (it is part of the algorithm).
public enum InspectionRiskClass: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// 高风险.
    case high
    /// 较高风险.
    case mediumHigh = "medium_high"
    /// 一般风险.
    case medium
    /// 低风险.
    case low
}

/// A sampling ratio (抽查比例) as an exact fraction in (0, 1]: 3/10, 1/14, or per mille
/// (300‰). Never a Double, so ceil(ratio × pool) is exact.
public struct DrawRatio: Sendable, Hashable, Codable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    /// Not checked here: `InspectionTask.draw` refuses a ratio outside (0, 1] (RATIO_OUT_OF_RANGE).
    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// `perMille`‰ (300 is 30 %).
    public init(perMille: Int) { self.init(perMille, 1000) }

    /// Whether 0 < numerator/denominator ≤ 1.
    public var isValid: Bool { denominator > 0 && numerator > 0 && numerator <= denominator }

    /// ceil(ratio × poolSize): at least 1 for a non-empty pool (a positive ratio of at least one
    /// entry), 0 for an empty one. Exact: computed in double width, no rounding.
    public func sampleSize(poolSize: Int) -> Int {
        guard isValid, poolSize > 0 else { return 0 }
        let product = numerator.multipliedFullWidth(by: poolSize)
        let (quotient, remainder) = denominator.dividingFullWidth(product)
        return quotient + (remainder > 0 ? 1 : 0)
    }

    /// "3/10".
    public var description: String { "\(numerator)/\(denominator)" }
}

/// One institution in the draw pool: its id (the registry's) and risk class.
public struct DrawPoolEntry: Sendable, Hashable, Codable {
    public let id: String
    public let riskClass: InspectionRiskClass

    public init(id: String, riskClass: InspectionRiskClass) {
        self.id = id
        self.riskClass = riskClass
    }
}

/// One inspector on the roster (执法检查人员名录库) as the draw sees them.
public struct RosterInspector: Sendable, Hashable, Codable {
    public let id: String
    /// Off the roster for now (leave, transfer, no valid 执法证): never drawn.
    public let active: Bool
    /// The institutions they declared a conflict of interest with (回避: kin, former employer …).
    public let conflicts: Set<String>

    public init(id: String, active: Bool = true, conflicts: Set<String> = []) {
        self.id = id
        self.active = active
        self.conflicts = conflicts
    }
}

/// Why an inspector was left out of the draw.
public enum DrawExclusionReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// Not active on the roster.
    case inactive
    /// Declared a conflict with one or more drawn targets.
    case conflict
}

/// An inspector left out of the draw, and why (recorded for the 公开 part).
public struct DrawExclusion: Sendable, Hashable, Codable {
    public let inspectorID: String
    public let reason: DrawExclusionReason
    /// For a conflict: the drawn targets concerned, sorted.
    public let targetIDs: [String]

    public init(inspectorID: String, reason: DrawExclusionReason, targetIDs: [String] = []) {
        self.inspectorID = inspectorID
        self.reason = reason
        self.targetIDs = targetIDs
    }
}

/// A 双随机 task (抽查任务) before its draw: what to draw and how (RULES.md §2(a) InspectionTask).
///
/// ## The draw, step by step (algorithm "fnv1a64-splitmix64-fisher-yates/1")
///
/// Anyone holding the record (`InspectionDraw`: seed, task id, pool, roster, ratios, inspector
/// count) can re-run it by hand or in any language:
///
/// 1. **Key.** K = the UTF-8 bytes of `seed + "|" + taskID` (e.g. "20260915-公证处-0417|T-2026-09").
/// 2. **Hash.** h = FNV-1a 64 of K: h ← 0xcbf29ce484222325; for each byte b: h ← h XOR b,
///    h ← h × 0x100000001b3 (mod 2⁶⁴).
/// 3. **Generator.** SplitMix64 with state s ← h. Each call `next()`:
///    s ← s + 0x9e3779b97f4a7c15; z ← s; z ← (z XOR (z >> 30)) × 0xbf58476d1ce4e5b9;
///    z ← (z XOR (z >> 27)) × 0x94d049bb133111eb; return z XOR (z >> 31) (all mod 2⁶⁴).
///    A pick below n is `next() mod n` (the bias is below n / 2⁶⁴, about 3·10⁻¹⁵ for 50 000).
/// 4. **Targets.** For each risk class in the order high, medium_high, medium, low that has
///    entries in the pool: list that class's entries sorted by id in UTF-8 byte order (so the
///    order the pool was given in does not matter); n = its size; k = ceil(ratio × n) (≥ 1).
///    Forward Fisher–Yates, stopped after k steps: for i = 0 … k − 1, j = i + (next() mod (n − i)),
///    swap entries i and j. The first k entries, in that order, are the class's picks. One
///    generator runs through all classes: the calls continue from class to class.
/// 5. **Inspectors.** Leave out inactive inspectors and those who declared a conflict with any
///    target drawn in step 4; sort the rest by id (UTF-8 byte order); with the same generator,
///    continuing after step 4, run the same stopped Fisher–Yates for `inspectorCount` steps.
///
/// The same seed, task id, pool and roster give the same draw, whatever their input order; a
/// different seed gives a different one. The seed should be unguessable before the draw and
/// published after it (e.g. drawn in front of witnesses, or a lottery number of the day).
///
/// Decisions: RULES.md §2(c) suggests SHA-256 for step 2; the domain target has no crypto
/// library, and fairness comes from the seed being unguessable, not from the hash, so FNV-1a 64
/// is used and named in `algorithm`. The inspectors (at least 2) are drawn once per task, as
/// RULES.md §2(a) records them, and one conflict with any drawn target leaves an inspector out.
/// A class present in the pool without a ratio is refused rather than skipped, so that a missing
/// line of configuration never leaves high-risk homes out of a draw silently.
public struct InspectionTask: Sendable, Hashable, Codable {
    public let taskID: String
    public let seed: String
    /// The ratio for each risk class; every class present in the pool needs one.
    public let ratios: [InspectionRiskClass: DrawRatio]
    /// How many inspectors to draw: at least 2 (RULES.md §2(a): "drawn inspectors (≥ 2)").
    public let inspectorCount: Int

    public init(taskID: String, seed: String, ratios: [InspectionRiskClass: DrawRatio], inspectorCount: Int = 2) {
        self.taskID = taskID
        self.seed = seed
        self.ratios = ratios
        self.inspectorCount = inspectorCount
    }

    /// The same ratio for every class (东西湖: 30 % of filed institutions).
    public init(taskID: String, seed: String, ratio: DrawRatio, inspectorCount: Int = 2) {
        self.init(
            taskID: taskID, seed: seed, ratios: Dictionary(uniqueKeysWithValues: InspectionRiskClass.allCases.map { ($0, ratio) }),
            inspectorCount: inspectorCount)
    }

    /// The algorithm's name, recorded with each draw so that a later change cannot silently
    /// re-interpret an old record.
    public static let algorithm = "fnv1a64-splitmix64-fisher-yates/1"

    /// Draws targets from `pool` and inspectors from `roster` (see the type's doc for the
    /// algorithm). Refusals:
    /// - INVALID_ARGUMENT (every problem at once): "task_id", "seed" REQUIRED; "ratios.<class>"
    ///   RATIO_OUT_OF_RANGE (not in (0, 1]) or NO_RATIO (a class in the pool without one);
    ///   "inspector_count" TOO_FEW (< 2); "pool[i].id" / "roster[i].id" REQUIRED or DUPLICATE_ID;
    /// - FAILED_PRECONDITION EMPTY_POOL: nothing to draw from;
    /// - FAILED_PRECONDITION TOO_FEW_INSPECTORS: fewer eligible inspectors than `inspectorCount`
    ///   after leaving out inactive and conflicted ones (the message gives the counts).
    public func draw(pool: [DrawPoolEntry], roster: [RosterInspector]) throws -> InspectionDraw {
        var errors = ValidationErrors()
        func blank(_ s: String) -> Bool { s.allSatisfy(\.isWhitespace) }
        if blank(taskID) { errors.add("task_id", "REQUIRED", "the task id is required") }
        if blank(seed) { errors.add("seed", "REQUIRED", "the seed is required") }
        for riskClass in InspectionRiskClass.allCases {
            if let ratio = ratios[riskClass], !ratio.isValid {
                errors.add("ratios.\(riskClass.rawValue)", "RATIO_OUT_OF_RANGE", "the ratio \(ratio) for \(riskClass.rawValue) must be in (0, 1]")
            }
        }
        if inspectorCount < 2 {
            errors.add("inspector_count", "TOO_FEW", "a draw needs at least 2 inspectors, not \(inspectorCount)")
        }
        var seenPool = Set<String>()
        for (i, entry) in pool.enumerated() {
            if blank(entry.id) {
                errors.add("pool[\(i)].id", "REQUIRED", "pool entry \(i) has no id")
            } else if !seenPool.insert(entry.id).inserted {
                errors.add("pool[\(i)].id", "DUPLICATE_ID", "\(entry.id) is in the pool twice")
            }
        }
        var seenRoster = Set<String>()
        for (i, inspector) in roster.enumerated() {
            if blank(inspector.id) {
                errors.add("roster[\(i)].id", "REQUIRED", "roster entry \(i) has no id")
            } else if !seenRoster.insert(inspector.id).inserted {
                errors.add("roster[\(i)].id", "DUPLICATE_ID", "inspector \(inspector.id) is on the roster twice")
            }
        }
        let present = Set(pool.map(\.riskClass))
        for riskClass in InspectionRiskClass.allCases where present.contains(riskClass) && ratios[riskClass] == nil {
            errors.add("ratios.\(riskClass.rawValue)", "NO_RATIO", "the pool has \(riskClass.rawValue) institutions but the task sets no ratio for them")
        }
        if !errors.isEmpty { throw errors.domainError }
        guard !pool.isEmpty else {
            throw DomainError.failedPrecondition("the pool of institutions to draw from is empty", reason: "EMPTY_POOL")
        }

        var generator = DrawGenerator(key: seed + "|" + taskID)
        let sortedPool = pool.sorted(by: DrawGenerator.byID)
        var picks: [DrawPoolEntry] = []
        var sampleSizes: [InspectionRiskClass: Int] = [:]
        for riskClass in InspectionRiskClass.allCases where present.contains(riskClass) {
            var entries = sortedPool.filter { $0.riskClass == riskClass }
            let k = ratios[riskClass]!.sampleSize(poolSize: entries.count)
            sampleSizes[riskClass] = k
            generator.shuffleFirst(k, of: &entries)
            picks += entries[0..<k]
        }

        let drawn = Set(picks.map(\.id))
        let sortedRoster = roster.sorted { DrawGenerator.precedes($0.id, $1.id) }
        var eligible: [String] = []
        var exclusions: [DrawExclusion] = []
        for inspector in sortedRoster {
            if !inspector.active {
                exclusions.append(DrawExclusion(inspectorID: inspector.id, reason: .inactive))
            } else if !inspector.conflicts.isDisjoint(with: drawn) {
                let concerned = inspector.conflicts.intersection(drawn).sorted(by: DrawGenerator.precedes)
                exclusions.append(DrawExclusion(inspectorID: inspector.id, reason: .conflict, targetIDs: concerned))
            } else {
                eligible.append(inspector.id)
            }
        }
        guard eligible.count >= inspectorCount else {
            throw DomainError.failedPrecondition(
                "only \(eligible.count) of \(roster.count) inspectors are eligible (\(exclusions.count) inactive or conflicted); "
                    + "the task needs \(inspectorCount)", reason: "TOO_FEW_INSPECTORS")
        }
        generator.shuffleFirst(inspectorCount, of: &eligible)
        return InspectionDraw(
            task: self, pool: sortedPool, roster: sortedRoster, sampleSizes: sampleSizes, targets: picks,
            inspectorIDs: Array(eligible[0..<inspectorCount]), exclusions: exclusions)
    }
}

/// A draw as made and fixed (抽查结果, "固化"): everything needed to re-run it and what it gave.
/// Its fields are constants: a draw is never edited, only replayed (`replays()`) or superseded
/// by a new task.
public struct InspectionDraw: Sendable, Hashable, Codable {
    public let algorithm: String
    public let task: InspectionTask
    /// The pool as drawn from, sorted by id (UTF-8 byte order).
    public let pool: [DrawPoolEntry]
    /// The roster as drawn from, sorted by id.
    public let roster: [RosterInspector]
    /// k per risk class present in the pool: ceil(ratio × class size).
    public let sampleSizes: [InspectionRiskClass: Int]
    /// The targets drawn, in draw order (class by class).
    public let targets: [DrawPoolEntry]
    /// The inspectors drawn, in draw order.
    public let inspectorIDs: [String]
    /// Inspectors left out, sorted by id.
    public let exclusions: [DrawExclusion]

    init(
        task: InspectionTask, pool: [DrawPoolEntry], roster: [RosterInspector], sampleSizes: [InspectionRiskClass: Int],
        targets: [DrawPoolEntry], inspectorIDs: [String], exclusions: [DrawExclusion]
    ) {
        self.algorithm = InspectionTask.algorithm
        self.task = task
        self.pool = pool
        self.roster = roster
        self.sampleSizes = sampleSizes
        self.targets = targets
        self.inspectorIDs = inspectorIDs
        self.exclusions = exclusions
    }

    /// The drawn targets' ids in draw order.
    public var targetIDs: [String] { targets.map(\.id) }

    /// Whether `id` was drawn.
    public func isDrawn(_ id: String) -> Bool { targets.contains { $0.id == id } }

    /// A fingerprint of the pool for the published record: FNV-1a 64, as 16 lowercase hex digits,
    /// of the lines "<id>\t<risk_class>\n" of the sorted pool. It lets a reader check a published
    /// pool list quickly; it is not a cryptographic commitment (the store may add SHA-256).
    public var poolFingerprint: String {
        var text = ""
        for entry in pool { text += entry.id + "\t" + entry.riskClass.rawValue + "\n" }
        let hash = DrawGenerator.fnv1a64(Array(text.utf8))
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether re-running the recorded task on the recorded pool and roster gives exactly these
    /// picks, inspectors and exclusions (an audit check: true for every honest record).
    public func replays() -> Bool {
        guard algorithm == InspectionTask.algorithm, let again = try? task.draw(pool: pool, roster: roster) else { return false }
        return again == self
    }
}

/// FNV-1a 64 and SplitMix64 as `InspectionTask` documents them: public so that an auditor's
/// tool can re-run a draw with the very same code (the known vectors are in the tests:
/// FNV-1a 64 of "a" = 0xaf63dc4c8601ec8c; SplitMix64 from state 0 first gives 0xe220a8397b1dcdaf).
public struct DrawGenerator: Sendable {
    private var state: UInt64

    /// State = FNV-1a 64 of the UTF-8 bytes of `key` ("<seed>|<task id>").
    public init(key: String) { state = DrawGenerator.fnv1a64(Array(key.utf8)) }

    public init(state: UInt64) { self.state = state }

    public static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return h
    }

    /// The next SplitMix64 output.
    public mutating func next() -> UInt64 {
        state = state &+ 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// Forward Fisher–Yates stopped after `k` steps: the first `k` elements are the picks.
    public mutating func shuffleFirst<T>(_ k: Int, of elements: inout [T]) {
        let n = elements.count
        for i in 0..<min(k, n) {
            let j = i + Int(next() % UInt64(n - i))
            elements.swapAt(i, j)
        }
    }

    /// UTF-8 byte order: the same in every language, unlike locale or Unicode collation.
    public static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    static func byID(_ a: DrawPoolEntry, _ b: DrawPoolEntry) -> Bool { precedes(a.id, b.id) }
}
