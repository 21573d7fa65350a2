import CivicDomain

/// A 低收入 test's answer: monitored, never paid.
public struct LowIncomeAssessment: Sendable, Hashable {
    public var qualifies: Bool
    /// The comparison with the numbers filled in (fen), cross-multiplied: "2 × 150000 < 3 × 2 × 90000".
    public var formula: String
    public var standardVersionID: String
}

/// The 低收入 categories (RULES.md §1(c)2): monitored but not paid. Every comparison is
/// cross-multiplied, so nothing is divided or rounded.
public enum LowIncome {
    /// 低保边缘 (income type): I/n < multiple·S, compared as den·I < num·n·S (den·12·I < num·n·S_year
    /// for a yearly standard). `income` is the household's counted monthly income, `householdSize`
    /// its counted members. Throws `DomainError.invalid` for n < 1 ("household_size" NOT_POSITIVE)
    /// or a negative income ("income" NEGATIVE).
    public static func marginal(income: Fen, householdSize n: Int, standard: StandardVersion) throws -> LowIncomeAssessment {
        guard n >= 1 else { throw DomainError.invalid("a household has at least one counted member", field: "household_size", reason: "NOT_POSITIVE") }
        guard income.fen >= 0 else { throw DomainError.invalid("income must not be negative", field: "income", reason: "NEGATIVE") }
        let m = standard.lowIncomeMultiple
        let months = standard.minimumLiving.months
        let s = standard.minimumLiving.amount.fen
        let left = m.denominator * months * income.fen
        let right = m.numerator * n * s
        let incomeText = months == 1 ? "\(m.denominator) × \(income.fen)" : "\(m.denominator) × 12 × \(income.fen)"
        return LowIncomeAssessment(
            qualifies: left < right, formula: "\(incomeText) = \(left) \(left < right ? "<" : "≥") \(m.numerator) × \(n) × \(s) = \(right)",
            standardVersionID: standard.id)
    }

    /// 刚性支出困难: rigid expenses (medical, education, rehabilitation, disaster) ≥ ratio × family
    /// income over the same period, compared as den·E ≥ num·I. No rigid expense never qualifies.
    /// Throws `DomainError.invalid` for a negative amount ("rigid_expenses" / "income" NEGATIVE).
    public static func rigidExpenseHardship(rigidExpenses: Fen, income: Fen, standard: StandardVersion) throws -> LowIncomeAssessment {
        var errors = ValidationErrors()
        if rigidExpenses.fen < 0 { errors.add("rigid_expenses", "NEGATIVE", "rigid expenses must not be negative") }
        if income.fen < 0 { errors.add("income", "NEGATIVE", "income must not be negative") }
        if !errors.isEmpty { throw errors.domainError }
        let r = standard.rigidExpenseRatio
        let left = r.denominator * rigidExpenses.fen
        let right = r.numerator * income.fen
        let qualifies = rigidExpenses.fen > 0 && left >= right
        return LowIncomeAssessment(
            qualifies: qualifies,
            formula: "\(r.denominator) × \(rigidExpenses.fen) = \(left) \(left >= right ? "≥" : "<") \(r.numerator) × \(income.fen) = \(right)",
            standardVersionID: standard.id)
    }
}
