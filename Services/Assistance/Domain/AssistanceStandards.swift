import CivicDomain

/// Urban or rural (城市 / 农村): standards, and so benefits, differ by area.
public enum Area: String, Sendable, Hashable, CaseIterable, Codable {
    case urban
    case rural
}

/// A benefit month (待遇月份): benefits are computed and paid per calendar month.
public struct BenefitMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    /// Nil unless `month` is 1–12 and the year is a plain four-digit year.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// The month `day` falls in.
    public init(containing day: CivilDate) {
        self.init(year: day.year, month: day.month)!
    }

    /// "2026-07" (four digits, a dash, two digits); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    /// The 1st of the month: the day whose standard applies to the whole month.
    public var firstDay: CivilDate { CivilDate(year: year, month: month, day: 1)! }

    /// The month after this one.
    public var next: BenefitMonth { month == 12 ? BenefitMonth(year: year + 1, month: 1)! : BenefitMonth(year: year, month: month + 1)! }

    /// The month before this one.
    public var previous: BenefitMonth { month == 1 ? BenefitMonth(year: year - 1, month: 12)! : BenefitMonth(year: year, month: month - 1)! }

    /// "2026-07".
    public var description: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

    public static func < (a: BenefitMonth, b: BenefitMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

/// Stored as "2026-07"; a record from before (an object of year and month) still reads.
extension BenefitMonth: Codable {
    private enum CodingKeys: String, CodingKey { case year, month }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard let month = BenefitMonth(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a month YYYY-MM"))
            }
            self = month
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let month = BenefitMonth(year: try c.decode(Int.self, forKey: .year), month: try c.decode(Int.self, forKey: .month)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a month"))
        }
        self = month
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The 低保 standard S (最低生活保障标准): per person per month, or — as many rural areas publish
/// it — per person per year. A yearly standard is never pre-converted to a monthly one: each
/// computation divides by 12 once, at its last step.
public enum LivingStandard: Sendable, Hashable, CustomStringConvertible, Codable {
    /// 元/人·月, in fen.
    case monthly(Fen)
    /// 元/人·年, in fen (rural areas only).
    case yearly(Fen)

    /// The stated amount, monthly or yearly.
    public var amount: Fen {
        switch self {
        case .monthly(let s), .yearly(let s): return s
        }
    }

    /// How many months the stated amount covers (1 or 12): a computation on S divides by it once.
    public var months: Int {
        switch self {
        case .monthly: return 1
        case .yearly: return 12
        }
    }

    /// `factor × S` per month, rounded half-up once (a yearly standard divided by 12 in the same step).
    public func monthly(times factor: Ratio) -> Fen {
        amount.scaled(numerator: factor.numerator, denominator: factor.denominator * months)
    }

    /// "90000/月" or "660000/年" (fen).
    public var description: String {
        switch self {
        case .monthly(let s): return "\(s.fen)/月"
        case .yearly(let s): return "\(s.fen)/年"
        }
    }
}

/// Whether a 特困 person is supported in an institution (集中供养) or at home (分散供养).
public enum SupportSetting: String, Sendable, Hashable, CaseIterable, Codable {
    /// 集中供养.
    case centralized
    /// 分散供养.
    case dispersed
}

/// The 特困 care amount (照料护理费) as fractions of the minimum monthly wage W, by self-care level,
/// for one setting (Changsha: 1/10, 1/6, 1/3; Anhui 集中: 4 %, 30 %, 50 %).
public struct CareFractions: Sendable, Hashable, Codable {
    /// 全自理.
    public var selfCaring: Ratio
    /// 半护理 (部分丧失).
    public var partiallyDependent: Ratio
    /// 全护理 (完全丧失).
    public var fullyDependent: Ratio

    public init(selfCaring: Ratio, partiallyDependent: Ratio, fullyDependent: Ratio) {
        self.selfCaring = selfCaring
        self.partiallyDependent = partiallyDependent
        self.fullyDependent = fullyDependent
    }

    public func fraction(for level: SelfCareLevel) -> Ratio {
        switch level {
        case .selfCaring: return selfCaring
        case .partiallyDependent: return partiallyDependent
        case .fullyDependent: return fullyDependent
        }
    }
}

/// One dated version of the assistance standards for a division and area (标准版本): every amount
/// and factor the computations read. A version applies from `effective` until the next version
/// for the same division and area. Computations assume a version that passed `StandardTable`'s
/// validation (a zero denominator there would trap in `Fen.scaled`).
public struct StandardVersion: Sendable, Hashable, Codable {
    /// A stable id the computations cite ("430000-rural-2026-07").
    public var id: String
    /// The document it comes from, for people ("湘民发〔2026〕5号").
    public var label: String
    /// The first day it applies.
    public var effective: CivilDate
    public var division: DivisionCode
    public var area: Area
    /// S: the 低保 standard (monthly; yearly only for rural areas).
    public var minimumLiving: LivingStandard
    /// 特困 basic living (基本生活标准) as a multiple of S (≥ 1.3·S; Xinjiang 1.5·S).
    public var destituteMultiple: Ratio
    /// 特困 care fractions of W, 集中.
    public var careCentralized: CareFractions
    /// 特困 care fractions of W, 分散.
    public var careDispersed: CareFractions
    /// W: the previous year's minimum monthly wage (最低月工资) the care fractions apply to.
    public var minimumWage: Fen
    /// k: the 临时救助 cap as a multiple of the monthly S (default 10).
    public var temporaryCapMultiple: Int
    /// 困难残疾人生活补贴 per month (≥ 7 000 fen).
    public var livingSubsidy: Fen
    /// 重度残疾人护理补贴 per month (≥ 7 000 fen).
    public var nursingSubsidy: Fen
    /// Whether grade-3 intellectual or mental disability (三级智力/精神残疾) also receives the nursing subsidy.
    public var nursingIncludesGrade3IntellectualMental: Bool
    /// 低保边缘 (income type): per-capita income below this multiple of S (default 3/2).
    public var lowIncomeMultiple: Ratio
    /// 刚性支出困难: rigid expenses at least this share of family income (default 4/5).
    public var rigidExpenseRatio: Ratio

    /// The lowest 两项补贴 amount a version may set: 70 元 a month (seed 004).
    public static let subsidyFloor = Fen(7000)

    public init(
        id: String, label: String = "", effective: CivilDate, division: DivisionCode, area: Area, minimumLiving: LivingStandard,
        destituteMultiple: Ratio = Ratio(13, 10), careCentralized: CareFractions, careDispersed: CareFractions, minimumWage: Fen,
        temporaryCapMultiple: Int = 10, livingSubsidy: Fen, nursingSubsidy: Fen, nursingIncludesGrade3IntellectualMental: Bool = false,
        lowIncomeMultiple: Ratio = Ratio(3, 2), rigidExpenseRatio: Ratio = Ratio(4, 5)
    ) {
        self.id = id
        self.label = label
        self.effective = effective
        self.division = division
        self.area = area
        self.minimumLiving = minimumLiving
        self.destituteMultiple = destituteMultiple
        self.careCentralized = careCentralized
        self.careDispersed = careDispersed
        self.minimumWage = minimumWage
        self.temporaryCapMultiple = temporaryCapMultiple
        self.livingSubsidy = livingSubsidy
        self.nursingSubsidy = nursingSubsidy
        self.nursingIncludesGrade3IntellectualMental = nursingIncludesGrade3IntellectualMental
        self.lowIncomeMultiple = lowIncomeMultiple
        self.rigidExpenseRatio = rigidExpenseRatio
    }

    /// The care fractions for a setting.
    public func careFractions(_ setting: SupportSetting) -> CareFractions {
        setting == .centralized ? careCentralized : careDispersed
    }

    /// Every problem of this version, fields relative to it ("living_subsidy").
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        if id.isEmpty { errors.add("id", "REQUIRED", "a standard version needs an id") }
        if minimumLiving.amount.fen <= 0 {
            errors.add("minimum_living_standard", "NOT_POSITIVE", "the 低保 standard must be positive, not \(minimumLiving.amount.fen) fen")
        }
        if case .yearly = minimumLiving, area == .urban {
            errors.add("minimum_living_standard", "YEARLY_ONLY_RURAL", "a yearly 低保 standard is for rural areas only")
        }
        destituteMultiple.validate(field: "destitute_multiple", into: &errors)
        for (setting, fractions) in [("centralized", careCentralized), ("dispersed", careDispersed)] {
            fractions.selfCaring.validate(field: "care_\(setting).self_caring", into: &errors)
            fractions.partiallyDependent.validate(field: "care_\(setting).partially_dependent", into: &errors)
            fractions.fullyDependent.validate(field: "care_\(setting).fully_dependent", into: &errors)
        }
        if minimumWage.fen < 0 { errors.add("minimum_wage", "NEGATIVE", "the minimum wage must not be negative") }
        if temporaryCapMultiple < 0 { errors.add("temporary_cap_multiple", "NEGATIVE", "the 临时救助 cap multiple must not be negative") }
        for (field, amount) in [("living_subsidy", livingSubsidy), ("nursing_subsidy", nursingSubsidy)] {
            if amount.fen < 0 {
                errors.add(field, "NEGATIVE", "\(field) must not be negative")
            } else if amount < StandardVersion.subsidyFloor {
                errors.add(field, "BELOW_FLOOR", "\(field) is \(amount.fen) fen, below the floor of \(StandardVersion.subsidyFloor.fen) fen a month")
            }
        }
        lowIncomeMultiple.validate(field: "low_income_multiple", into: &errors)
        rigidExpenseRatio.validate(field: "rigid_expense_ratio", into: &errors)
        return errors
    }
}

/// The standards as a time series per division and area (PolicyEngine's "parameters with dates"):
/// validated as a whole, then asked which version is in force for a benefit month.
///
/// Divisions match exactly: a county without versions of its own has no standard (a prefecture's
/// version is not inherited), so a missing row is refused rather than guessed.
public struct StandardTable: Sendable {
    /// The versions, per division and area, oldest first.
    private let series: [Key: [StandardVersion]]

    private struct Key: Hashable, Sendable {
        var division: DivisionCode
        var area: Area
    }

    /// All versions, as given.
    public let versions: [StandardVersion]

    /// Throws `ValidationErrors` with every problem at once, fields "versions[i].…": each version's
    /// own problems (`StandardVersion.problems()`), a repeated id ("versions[i].id" DUPLICATE) and a
    /// second version for the same division, area and effective date ("versions[i].effective"
    /// DUPLICATE, naming the first).
    public init(versions: [StandardVersion]) throws {
        var errors = ValidationErrors()
        var ids: [String: Int] = [:]
        var dates: [Key: [CivilDate: Int]] = [:]
        var series: [Key: [StandardVersion]] = [:]
        for (i, version) in versions.enumerated() {
            errors.add(contentsOf: version.problems().prefixed("versions[\(i)]."))
            if !version.id.isEmpty {
                if let first = ids[version.id] {
                    errors.add("versions[\(i)].id", "DUPLICATE", "the id \(version.id) is used by versions[\(first)] too")
                } else {
                    ids[version.id] = i
                }
            }
            let key = Key(division: version.division, area: version.area)
            if let first = dates[key]?[version.effective] {
                errors.add(
                    "versions[\(i)].effective", "DUPLICATE",
                    "versions[\(first)] already takes effect on \(version.effective) for \(version.division) \(version.area.rawValue)")
            } else {
                dates[key, default: [:]][version.effective] = i
                series[key, default: []].append(version)
            }
        }
        try errors.check()
        self.versions = versions
        self.series = series.mapValues { $0.sorted { $0.effective < $1.effective } }
    }

    /// The version in force for a benefit month: the latest effective on or before the month's
    /// 1st (a benefit month uses the standard in force on its first day). Throws
    /// `DomainError.failedPrecondition` reason "NO_STANDARD" when there is none.
    public func inForce(division: DivisionCode, area: Area, month: BenefitMonth) throws -> StandardVersion {
        let day = month.firstDay
        guard let version = series[Key(division: division, area: area)]?.last(where: { $0.effective <= day }) else {
            throw DomainError.failedPrecondition("no \(area.rawValue) standard for \(division) in force on \(day)", reason: "NO_STANDARD")
        }
        return version
    }
}
