import AssistanceDomain
import CivicDomain

/// Standards used by the hand-worked cases: urban S = 90 000 fen a month (900 元), rural
/// S_year = 430 000 fen (4 300 元, seed 004's floor), W = 190 000 fen (1 900 元).
enum Fixtures {
    static let county = try! DivisionCode("431227")
    static let otherCounty = try! DivisionCode("431228")

    static func day(_ text: String) -> CivilDate { CivilDate(text)! }
    static func month(_ year: Int, _ month: Int) -> BenefitMonth { BenefitMonth(year: year, month: month)! }

    /// Changsha: 分散 1/10, 1/6, 1/3 of W.
    static let dispersed = CareFractions(selfCaring: Ratio(1, 10), partiallyDependent: Ratio(1, 6), fullyDependent: Ratio(1, 3))
    /// Changsha: 集中 +50 %: 3/20, 1/4, 1/2 of W.
    static let centralized = CareFractions(selfCaring: Ratio(3, 20), partiallyDependent: Ratio(1, 4), fullyDependent: Ratio(1, 2))

    static func version(
        id: String = "urban-2026-07", effective: String = "2026-07-01", division: DivisionCode = county, area: Area = .urban,
        standard: LivingStandard = .monthly(Fen(90000)), minimumWage: Fen = Fen(190000), living: Fen = Fen(7000), nursing: Fen = Fen(8000),
        grade3: Bool = false
    ) -> StandardVersion {
        StandardVersion(
            id: id, label: "test", effective: day(effective), division: division, area: area, minimumLiving: standard, careCentralized: centralized,
            careDispersed: dispersed, minimumWage: minimumWage, livingSubsidy: living, nursingSubsidy: nursing,
            nursingIncludesGrade3IntellectualMental: grade3)
    }

    static let urban = version()
    static let rural = version(id: "rural-2026-07", area: .rural, standard: .yearly(Fen(430000)))

    /// The problems' (field, reason) pairs of a thrown DomainError or ValidationErrors.
    static func problems(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let errors as ValidationErrors {
            return errors.details.map { "\($0.field) \($0.reason)" }
        } catch let error as DomainError {
            return error.problems.map { "\($0.field) \($0.reason)" }
        } catch {
            return ["\(error)"]
        }
    }
}
