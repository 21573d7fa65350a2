import CivicDomain

/// A computed 特困 support amount for one month.
public struct DestituteSupportResult: Sendable, Hashable {
    /// 基本生活费: multiple × S, fen.
    public var basicLiving: Fen
    /// 照料护理费: fraction(level, setting) × W, fen.
    public var care: Fen
    /// The month's total.
    public var total: Fen { basicLiving + care }
    public var level: SelfCareLevel
    public var setting: SupportSetting
    /// The formulas with the numbers filled in (fen): "13/10 × 90001 = 117001; 1/6 × 190000 = 31667".
    public var formula: String
    /// The standard version used.
    public var standardVersionID: String
}

/// 特困人员供养 (RULES.md §1(c)3): basic living = multiple × S (≥ 1.3·S) and care = the fraction
/// of the minimum monthly wage W for the person's self-care level and setting (集中 / 分散), each
/// rounded once, half-up. A yearly S is divided by 12 in the same single rounding.
public enum DestituteSupport {
    public static func compute(level: SelfCareLevel, setting: SupportSetting, standard: StandardVersion) -> DestituteSupportResult {
        let multiple = standard.destituteMultiple
        let basic = standard.minimumLiving.monthly(times: multiple)
        let fraction = standard.careFractions(setting).fraction(for: level)
        let care = fraction.of(standard.minimumWage)
        let sText = standard.minimumLiving.months == 1 ? "\(standard.minimumLiving.amount.fen)" : "\(standard.minimumLiving.amount.fen) / 12"
        let formula = "\(multiple) × \(sText) = \(basic.fen); \(fraction) × \(standard.minimumWage.fen) = \(care.fen)"
        return DestituteSupportResult(
            basicLiving: basic, care: care, level: level, setting: setting, formula: formula, standardVersionID: standard.id)
    }
}
