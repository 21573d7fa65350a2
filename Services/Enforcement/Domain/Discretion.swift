import CivicDomain

/// A kind of administrative penalty (行政处罚法 §9), in the order of severity. Case order is stored.
public enum PenaltyType: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// 警告.
    case warning
    /// 通报批评.
    case publicCriticism = "public_criticism"
    /// 罚款.
    case fine
    /// 没收违法所得、没收非法财物.
    case confiscation
    /// 限期停止活动 / 暂扣许可证件.
    case activitiesSuspension = "activities_suspension"
    /// 撤销登记 / 吊销许可证件.
    case revocation

    public static func < (a: PenaltyType, b: PenaltyType) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What a fine is counted on (RULES.md §4(a) LegalBasis: fixed range / × turnover / × gains / ×
/// amount obtained).
public enum FineBase: String, Sendable, Hashable, CaseIterable, Codable {
    case fixed
    /// 违法经营额.
    case turnover
    /// 违法所得.
    case gains
    /// 骗取的金额 (benefits obtained by fraud).
    case amountObtained = "amount_obtained"
}

/// One way to set a fine: a fixed range in fen, or multiples (in tenths: 15 is 1.5×) of a base.
public struct FineRule: Sendable, Hashable, Codable {
    public var base: FineBase
    /// For `fixed`: the range in fen.
    public var minimum: Fen
    public var maximum: Fen
    /// For a multiple: tenths of the base (10 is 1×).
    public var minimumTenths: Int
    public var maximumTenths: Int

    public static func fixed(_ minimum: Fen, _ maximum: Fen) -> FineRule {
        FineRule(base: .fixed, minimum: minimum, maximum: maximum, minimumTenths: 0, maximumTenths: 0)
    }

    public static func times(_ base: FineBase, _ minimumTenths: Int, _ maximumTenths: Int) -> FineRule {
        FineRule(base: base, minimum: Fen(0), maximum: Fen(0), minimumTenths: minimumTenths, maximumTenths: maximumTenths)
    }

    /// The range for `facts`, or nil when the base is not known (0).
    public func range(for facts: ViolationFacts) -> ClosedRange<Int>? {
        let amount: Int
        switch base {
        case .fixed: return minimum.fen...maximum.fen
        case .turnover: amount = facts.turnover.fen
        case .gains: amount = facts.gains.fen
        case .amountObtained: amount = facts.amountObtained.fen
        }
        guard amount > 0 else { return nil }
        return (amount * minimumTenths + 5) / 10...(amount * maximumTenths + 5) / 10
    }

    /// "1–3× turnover", "5,000–50,000 元".
    public var description: String {
        switch base {
        case .fixed: "\(minimum.fen / 100)–\(maximum.fen / 100) 元"
        default: "\(Self.times(minimumTenths))–\(Self.times(maximumTenths))× \(base.rawValue)"
        }
    }

    static func times(_ tenths: Int) -> String { tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)" }

    /// Whether this rule stays within `statutory` (the same base, its range inside).
    func lies(within statutory: FineRule) -> Bool {
        guard base == statutory.base else { return false }
        return base == .fixed
            ? statutory.minimum <= minimum && maximum <= statutory.maximum
            : statutory.minimumTenths <= minimumTenths && maximumTenths <= statutory.maximumTenths
    }
}

/// What was found about one act (RULES.md §4(c) 1).
public struct ViolationFacts: Sendable, Hashable, Codable {
    /// 违法所得 G, 违法经营额 T, 骗取的金额 A (0: none or unknown).
    public var gains: Fen
    public var turnover: Fen
    public var amountObtained: Fen
    /// 初次违法.
    public var firstViolation: Bool
    /// 及时改正 (by itself, or within the period set).
    public var correctedInTime: Bool
    /// 危害后果.
    public var harm: Bool
    /// 再次违法 within the benchmark's look-back.
    public var repeatViolation: Bool

    public init(
        gains: Fen = Fen(0), turnover: Fen = Fen(0), amountObtained: Fen = Fen(0), firstViolation: Bool = false, correctedInTime: Bool = false,
        harm: Bool = false, repeatViolation: Bool = false
    ) {
        self.gains = gains
        self.turnover = turnover
        self.amountObtained = amountObtained
        self.firstViolation = firstViolation
        self.correctedInTime = correctedInTime
        self.harm = harm
        self.repeatViolation = repeatViolation
    }
}

/// A violation in the legal-basis library: the article it breaks and what the statute allows.
public struct LegalBasis: Sendable, Hashable, Codable {
    /// The violation code ("SHTT-30-1").
    public var code: String
    /// "社会团体登记管理条例".
    public var law: String
    /// "第三十条第一款第（一）项".
    public var article: String
    public var violation: String
    public var allowedPenalties: Set<PenaltyType>
    /// The statute's fine alternatives ("1–3× turnover, or 3–5× gains"); empty when no fine.
    public var fines: [FineRule]

    public init(code: String, law: String, article: String, violation: String, allowedPenalties: Set<PenaltyType>, fines: [FineRule] = []) {
        self.code = code
        self.law = law
        self.article = article
        self.violation = violation
        self.allowedPenalties = allowedPenalties
        self.fines = fines
    }
}

/// One tier of a discretion benchmark (裁量基准, §34): when it applies and what it allows.
public struct DiscretionTier: Sendable, Hashable, Codable {
    /// "轻微", "较重", "严重" (or 不予处罚 / 减轻 / 从轻 / 一般 / 从重).
    public var name: String
    /// Applies when the gains are above this (exclusive) …
    public var gainsAbove: Fen?
    /// … and at most this (inclusive).
    public var gainsAtMost: Fen?
    /// Applies only when there was harm (true), only when there was none (false), or either (nil).
    public var harm: Bool?
    /// Applies only to a repeat violation (true), a first one (false), or either (nil).
    public var repeatViolation: Bool?
    public var penalties: Set<PenaltyType>
    public var fines: [FineRule]

    public init(
        name: String, gainsAbove: Fen? = nil, gainsAtMost: Fen? = nil, harm: Bool? = nil, repeatViolation: Bool? = nil, penalties: Set<PenaltyType>,
        fines: [FineRule] = []
    ) {
        self.name = name
        self.gainsAbove = gainsAbove
        self.gainsAtMost = gainsAtMost
        self.harm = harm
        self.repeatViolation = repeatViolation
        self.penalties = penalties
        self.fines = fines
    }

    func applies(to facts: ViolationFacts) -> Bool {
        if let above = gainsAbove, facts.gains <= above { return false }
        if let most = gainsAtMost, facts.gains > most { return false }
        if let harm, harm != facts.harm { return false }
        if let repeatViolation, repeatViolation != facts.repeatViolation { return false }
        return true
    }
}

/// A violation's discretion benchmark, versioned and published (§34).
public struct DiscretionBenchmark: Sendable, Hashable, Codable {
    public var violationCode: String
    public var version: Int
    public var publishedOn: CivilDate
    /// Checked in order: the first that applies is the tier.
    public var tiers: [DiscretionTier]
    /// A proposed fine above this needs 法制审核 before the decision (nil: the §58 cases only).
    public var legalReviewAbove: Fen?
    /// 首违不罚 (§33 ¶1) applies: a first, minor violation corrected in time with no harm and no gains.
    public var firstViolationExemption: Bool

    public init(
        violationCode: String, version: Int, publishedOn: CivilDate, tiers: [DiscretionTier], legalReviewAbove: Fen? = nil,
        firstViolationExemption: Bool = true
    ) {
        self.violationCode = violationCode
        self.version = version
        self.publishedOn = publishedOn
        self.tiers = tiers
        self.legalReviewAbove = legalReviewAbove
        self.firstViolationExemption = firstViolationExemption
    }

    /// Every problem against `basis`: "tiers" REQUIRED; "tiers[i].penalties" NOT_ALLOWED (a penalty the
    /// statute does not allow); "tiers[i].fines" BEYOND_STATUTE (a fine outside every statutory
    /// alternative); "tiers[i].fines" BAD_RANGE (minimum above maximum); "violation_code" MISMATCH.
    public func problems(against basis: LegalBasis) -> ValidationErrors {
        var errors = ValidationErrors()
        if violationCode != basis.code { errors.add("violation_code", "MISMATCH", "the benchmark is for \(violationCode), the basis for \(basis.code)") }
        if tiers.isEmpty { errors.add("tiers", "REQUIRED", "a benchmark has at least one tier") }
        for (i, tier) in tiers.enumerated() {
            let extra = tier.penalties.subtracting(basis.allowedPenalties)
            if !extra.isEmpty {
                errors.add(
                    "tiers[\(i)].penalties", "NOT_ALLOWED", "\(basis.law) \(basis.article) allows no \(extra.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            for fine in tier.fines {
                if fine.base == .fixed ? fine.minimum > fine.maximum : fine.minimumTenths > fine.maximumTenths {
                    errors.add("tiers[\(i)].fines", "BAD_RANGE", "\(fine.description): the minimum is above the maximum")
                } else if !basis.fines.contains(where: fine.lies(within:)) {
                    errors.add(
                        "tiers[\(i)].fines", "BEYOND_STATUTE",
                        "\(fine.description) lies outside the statute's \(basis.fines.map(\.description).joined(separator: " or "))")
                }
            }
        }
        return errors
    }
}

/// What the calculator answers for one act.
public struct PenaltyAssessment: Sendable {
    /// The tier's name, or "首违不罚".
    public var tier: String
    /// Empty when no penalty is given.
    public var penalties: Set<PenaltyType>
    /// The fine's alternatives for these facts, each with its range in fen (a base the facts do not
    /// know is left out).
    public var fineOptions: [(rule: FineRule, range: ClosedRange<Int>)]
    /// 法制审核 is required: the highest fine possible is above the benchmark's threshold.
    public var legalReviewRequired: Bool
    /// "社会团体登记管理条例 第三十条 (SHTT-30-1), benchmark v2 of 2026-01-01, tier 较重: …".
    public var rule: String

    /// The highest fine the options allow, in fen (0 without a fine).
    public var maximumFine: Int { fineOptions.map(\.range.upperBound).max() ?? 0 }
}

/// The discretion calculator (RULES.md §4(c) 1): facts in, tier, penalties and fine range out.
public enum PenaltyCalculator {
    /// The assessment of one act under `basis` and its `benchmark`: 首违不罚 when the benchmark allows it
    /// and the facts meet it; else the first tier that applies. FAILED_PRECONDITION "facts" NO_TIER when
    /// none does (a gap in the benchmark).
    public static func assess(_ facts: ViolationFacts, basis: LegalBasis, benchmark: DiscretionBenchmark) throws -> PenaltyAssessment {
        let source = "\(basis.law) \(basis.article) (\(basis.code)), benchmark v\(benchmark.version) of \(benchmark.publishedOn)"
        if benchmark.firstViolationExemption && facts.firstViolation && facts.correctedInTime && !facts.harm && facts.gains.fen == 0 {
            return PenaltyAssessment(
                tier: "首违不罚", penalties: [], fineOptions: [], legalReviewRequired: false,
                rule: "\(source): first violation, corrected in time, no harm, no gains: no penalty (行政处罚法 §33 ¶1)")
        }
        guard let tier = benchmark.tiers.first(where: { $0.applies(to: facts) }) else {
            throw DomainError(
                .failedPrecondition, "no tier of \(basis.code) v\(benchmark.version) applies to these facts",
                problems: [FieldProblem(field: "facts", reason: "NO_TIER", description: "the benchmark has no tier for these facts")])
        }
        let options = tier.fines.compactMap { rule in rule.range(for: facts).map { (rule: rule, range: $0) } }
        let highest = options.map(\.range.upperBound).max() ?? 0
        let review = benchmark.legalReviewAbove.map { highest > $0.fen } ?? false
        let fines = options.map(\.rule.description).joined(separator: " or ")
        return PenaltyAssessment(
            tier: tier.name, penalties: tier.penalties, fineOptions: options, legalReviewRequired: review,
            rule: "\(source), tier \(tier.name): \(tier.penalties.sorted().map(\.rawValue).joined(separator: ", "))"
                + (fines.isEmpty ? "" : "; fine \(fines)"))
    }

    /// One act under several norms gets one fine (行政处罚法 §29): the assessment whose fine can be
    /// highest. INVALID "bases" REQUIRED when none is given.
    public static func assessOneAct(
        _ facts: ViolationFacts, under norms: [(basis: LegalBasis, benchmark: DiscretionBenchmark)]
    ) throws -> PenaltyAssessment {
        guard !norms.isEmpty else { throw DomainError.invalid("name at least one legal basis", field: "bases", reason: "REQUIRED") }
        let assessed = try norms.map { try assess(facts, basis: $0.basis, benchmark: $0.benchmark) }
        return assessed.max { $0.maximumFine < $1.maximumFine }!
    }
}

extension PenaltyAssessment {
    /// A proposal stays within what the benchmark allows for these facts (§34): FAILED_PRECONDITION,
    /// every problem at once: "penalties" NOT_IN_TIER (a penalty the tier does not allow; under
    /// 首违不罚 none is: decide without a penalty instead), "fine" NO_BASE (the tier's fines count on a
    /// base the facts do not give), "fine" OUTSIDE_RANGE (outside every alternative's range).
    public func check(_ proposal: ProposedPenalty) throws {
        var problems: [FieldProblem] = []
        let extra = proposal.penalties.subtracting(penalties)
        if !extra.isEmpty {
            let allowed = penalties.isEmpty ? "no penalty (\(tier))" : penalties.sorted().map(\.rawValue).joined(separator: ", ")
            problems.append(
                FieldProblem(
                    field: "penalties", reason: "NOT_IN_TIER",
                    description: "tier \(tier) allows \(allowed), not \(extra.sorted().map(\.rawValue).joined(separator: ", "))"))
        }
        if proposal.penalties.contains(.fine) && penalties.contains(.fine) {
            if fineOptions.isEmpty {
                problems.append(FieldProblem(field: "fine", reason: "NO_BASE", description: "give the gains, turnover or amount obtained the fine counts on"))
            } else if !fineOptions.contains(where: { $0.range.contains(proposal.fine.fen) }) {
                let ranges = fineOptions.map { "\(Fen($0.range.lowerBound).yuanText)–\(Fen($0.range.upperBound).yuanText) 元" }.joined(separator: " or ")
                problems.append(FieldProblem(field: "fine", reason: "OUTSIDE_RANGE", description: "tier \(tier) fines \(ranges)"))
            }
        }
        if !problems.isEmpty { throw DomainError(.failedPrecondition, "the proposal leaves the discretion benchmark: \(rule)", problems: problems) }
    }
}
