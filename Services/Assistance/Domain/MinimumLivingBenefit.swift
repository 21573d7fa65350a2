import CivicDomain

/// A category of member that 分类施保 adds to (LAW §12 ¶2).
public enum MemberCategory: String, Sendable, Hashable, CaseIterable {
    /// 老年人.
    case elderly
    /// 未成年人.
    case minor
    /// 重度残疾人.
    case severelyDisabled = "severely_disabled"
    /// 重病患者.
    case seriouslyIll = "seriously_ill"
}

/// A 分类施保 addition per member of a category: fixed fen, or a fraction of the monthly S
/// (rounded once, half-up).
public enum ClassifiedAddition: Sendable, Hashable {
    case fixed(Fen)
    case fractionOfStandard(Ratio)

    /// The monthly amount under a standard.
    public func amount(standard: LivingStandard) -> Fen {
        switch self {
        case .fixed(let fen): return fen
        case .fractionOfStandard(let ratio): return standard.monthly(times: ratio)
        }
    }
}

/// One member counted in the household (计入共同生活的家庭成员): the caller passes counted
/// members only, so a member not counted (with the reason recorded in the registry) adds neither
/// to n nor, through `income`, to I.
public struct CountedMember: Sendable, Hashable {
    /// The member's own counted monthly income, in fen (the sum of its counted income lines;
    /// excluded items such as 两项补贴 are left out by the caller).
    public var income: Fen
    /// The 分类施保 categories the member falls in.
    public var categories: Set<MemberCategory>

    public init(income: Fen = .zero, categories: Set<MemberCategory> = []) {
        self.income = income
        self.categories = categories
    }
}

/// The local options of the 低保 computation; all off by default.
public struct MinimumLivingOptions: Sendable, Hashable {
    /// The 20 % floor: an eligible household receives at least n·S/5 (B = max(n·S − I, n·S/5)).
    public var perPersonFloor: Bool
    /// 分类施保: the monthly addition per counted member of each category. A member in several
    /// categories receives the highest one (一人多类取高), not their sum.
    public var classifiedAdditions: [MemberCategory: ClassifiedAddition]
    /// 单人保: the index (in the members passed) of the severely disabled or seriously ill member
    /// assisted alone: n = 1 and I = that member's own income only.
    public var singlePersonMember: Int?

    public init(perPersonFloor: Bool = false, classifiedAdditions: [MemberCategory: ClassifiedAddition] = [:], singlePersonMember: Int? = nil) {
        self.perPersonFloor = perPersonFloor
        self.classifiedAdditions = classifiedAdditions
        self.singlePersonMember = singlePersonMember
    }
}

/// A computed 低保 benefit for one month.
public struct MinimumLivingBenefitResult: Sendable, Hashable {
    /// B: what is paid for the month (补差 plus 分类施保), fen.
    public var amount: Fen
    /// The 补差 part (with the floor when it applied), fen.
    public var base: Fen
    /// The 分类施保 part, fen.
    public var additions: Fen
    /// Whether the income test passed: I < n·S.
    public var eligible: Bool
    /// Whether the 20 % floor raised the 补差.
    public var floorApplied: Bool
    /// n and I as counted.
    public var householdSize: Int
    public var income: Fen
    /// The formula with the numbers filled in (fen): "3 × 90000 − 150000 = 120000".
    public var formula: String
    /// The standard version used.
    public var standardVersionID: String
}

/// 低保 补差 (RULES.md §1(c)1–2): B = max(0, n·S − I) from totals, so nothing is divided; for a
/// yearly rural standard B = round_half_up((n·S_year − 12·I)/12), rounded once at the last step.
///
/// Eligibility here is the income test only, I < n·S (12·I < n·S_year): the asset rules are
/// outside this computation and are checked by the means test before it.
public enum MinimumLivingBenefit {
    /// Computes the benefit for the counted `members` (n ≥ 1; the caller passes counted members
    /// only) and `sharedIncome` (counted household income not attributed to a member, such as
    /// rent from a shared property) under `standard`, the version in force for the month.
    ///
    /// Throws `DomainError.invalid`: no members ("members" EMPTY), a negative income
    /// ("members[i].income" / "shared_income" NEGATIVE), a 单人保 index out of range
    /// ("options.single_person_member" OUT_OF_RANGE) or naming a member neither severely
    /// disabled nor seriously ill (NOT_ELIGIBLE).
    public static func compute(
        members: [CountedMember], sharedIncome: Fen = .zero, standard: StandardVersion, options: MinimumLivingOptions = MinimumLivingOptions()
    ) throws -> MinimumLivingBenefitResult {
        var errors = ValidationErrors()
        if members.isEmpty { errors.add("members", "EMPTY", "a household has at least one counted member") }
        for (i, member) in members.enumerated() where member.income.fen < 0 {
            errors.add("members[\(i)].income", "NEGATIVE", "a counted income must not be negative")
        }
        if sharedIncome.fen < 0 { errors.add("shared_income", "NEGATIVE", "a counted income must not be negative") }
        if let index = options.singlePersonMember {
            if !members.indices.contains(index) {
                errors.add("options.single_person_member", "OUT_OF_RANGE", "单人保 names member \(index), but there are \(members.count)")
            } else if members[index].categories.isDisjoint(with: [.severelyDisabled, .seriouslyIll]) {
                errors.add("options.single_person_member", "NOT_ELIGIBLE", "单人保 is for a severely disabled or seriously ill member")
            }
        }
        if !errors.isEmpty { throw errors.domainError }

        let assisted = options.singlePersonMember.map { [members[$0]] } ?? members
        let n = assisted.count
        let income = options.singlePersonMember == nil ? Fen.sum(members.map(\.income)) + sharedIncome : assisted[0].income
        let s = standard.minimumLiving.amount
        let months = standard.minimumLiving.months
        // Everything over `months` (1 or 12): need = n·S − months·I, the floor's threshold n·S/5.
        let nS = n * s
        let need = nS - months * income
        let eligible = need.fen > 0

        var base = Fen.zero
        var floorApplied = false
        var formula: String
        let prefix = months == 1 ? "\(n) × \(s.fen) − \(income.fen)" : "(\(n) × \(s.fen) − 12 × \(income.fen)) / 12"
        if !eligible {
            formula = "max(0, \(prefix)) = 0"
        } else if options.perPersonFloor {
            // max(need, nS/5)/months = max(5·need, nS)/(5·months), rounded once.
            floorApplied = 5 * need.fen < nS.fen
            base = (floorApplied ? nS : 5 * need).scaled(numerator: 1, denominator: 5 * months)
            let floorText = "\(n) × \(s.fen) / 5"
            formula =
                months == 1
                ? "max(\(prefix), \(floorText)) = \(base.fen)"
                : "round_half_up(max(\(n) × \(s.fen) − 12 × \(income.fen), \(floorText)) / 12) = \(base.fen)"
        } else {
            base = need.scaled(numerator: 1, denominator: months)
            formula = months == 1 ? "\(prefix) = \(base.fen)" : "round_half_up(\(prefix)) = \(base.fen)"
        }

        var additions = Fen.zero
        if eligible, !options.classifiedAdditions.isEmpty {
            var terms: [String] = []
            for member in assisted {
                let best = member.categories.compactMap { options.classifiedAdditions[$0]?.amount(standard: standard.minimumLiving) }.max()
                if let best, best.fen > 0 {
                    additions = additions + best
                    terms.append("\(best.fen)")
                }
            }
            if !terms.isEmpty {
                formula += "; 分类施保 " + terms.joined(separator: " + ") + " = \(additions.fen); \(base.fen) + \(additions.fen) = \((base + additions).fen)"
            }
        }

        return MinimumLivingBenefitResult(
            amount: base + additions, base: base, additions: additions, eligible: eligible, floorApplied: floorApplied, householdSize: n,
            income: income, formula: formula, standardVersionID: standard.id)
    }
}
