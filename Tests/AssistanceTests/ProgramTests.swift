import AssistanceDomain
import CivicDomain
import Testing

@Suite("Self-care from six ADL items")
struct SelfCareTests {
    static func assessment(failing count: Int) -> SelfCareAssessment {
        let ok = (0..<6).map { $0 >= count }
        return SelfCareAssessment(eating: ok[0], dressing: ok[1], gettingInOutOfBed: ok[2], toilet: ok[3], walkingIndoors: ok[4], bathing: ok[5])
    }

    @Test(arguments: [
        (0, SelfCareLevel.selfCaring), (1, .partiallyDependent), (3, .partiallyDependent), (4, .fullyDependent), (6, .fullyDependent),
    ])
    func levelByFailedItems(failed: Int, level: SelfCareLevel) {
        let a = Self.assessment(failing: failed)
        #expect(a.failedItems == failed)
        #expect(a.level == level)
    }

    @Test func whichItemFailsDoesNotMatter() {
        let onlyBathing = SelfCareAssessment(eating: true, dressing: true, gettingInOutOfBed: true, toilet: true, walkingIndoors: true, bathing: false)
        #expect(onlyBathing.level == .partiallyDependent)
        let fourLast = SelfCareAssessment(eating: true, dressing: true, gettingInOutOfBed: false, toilet: false, walkingIndoors: false, bathing: false)
        #expect(fourLast.level == .fullyDependent)
    }
}

@Suite("特困 供养")
struct DestituteSupportTests {
    typealias F = Fixtures

    @Test func basicLivingIsThirteenTenthsOfSRoundedOnce() {
        // 13/10 × 90001 = 117001.3 → 117001; 13/10 × 90005 = 117006.5 → 117007 (half-up).
        let odd = DestituteSupport.compute(level: .selfCaring, setting: .dispersed, standard: F.version(standard: .monthly(Fen(90001))))
        #expect(odd.basicLiving == Fen(117001))
        let half = DestituteSupport.compute(level: .selfCaring, setting: .dispersed, standard: F.version(standard: .monthly(Fen(90005))))
        #expect(half.basicLiving == Fen(117007))
        #expect(half.formula == "13/10 × 90005 = 117007; 1/10 × 190000 = 19000")
        #expect(half.standardVersionID == "urban-2026-07")
    }

    @Test func basicLivingOnAYearlyStandardDividesOnce() {
        // 13/10 × 430000 / 12 = 5590000/120 = 46583.33 → 46583.
        #expect(DestituteSupport.compute(level: .selfCaring, setting: .dispersed, standard: F.rural).basicLiving == Fen(46583))
    }

    @Test(arguments: [
        // 分散 1/10, 1/6, 1/3 of W = 190000: 19000, 31666.67 → 31667, 63333.33 → 63333.
        (SupportSetting.dispersed, SelfCareLevel.selfCaring, 19000), (.dispersed, .partiallyDependent, 31667), (.dispersed, .fullyDependent, 63333),
        // 集中 (+50 %) 3/20, 1/4, 1/2 of W: 28500, 47500, 95000.
        (.centralized, .selfCaring, 28500), (.centralized, .partiallyDependent, 47500), (.centralized, .fullyDependent, 95000),
    ])
    func careIsAFractionOfTheMinimumWage(setting: SupportSetting, level: SelfCareLevel, care: Int) {
        let result = DestituteSupport.compute(level: level, setting: setting, standard: F.urban)
        #expect(result.care == Fen(care))
        #expect(result.basicLiving == Fen(117000))
        #expect(result.total == Fen(117000 + care))
    }

    @Test func theSameFractionsForBothSettingsWhereALocalityUsesOneTable() {
        // W = 190001: 1/10 → 19000.1 → 19000; 1/6 → 31666.83 → 31667; 1/3 → 63333.67 → 63334.
        var standard = F.version(minimumWage: Fen(190001))
        standard.careCentralized = F.dispersed
        for setting in SupportSetting.allCases {
            #expect(DestituteSupport.compute(level: .selfCaring, setting: setting, standard: standard).care == Fen(19000))
            #expect(DestituteSupport.compute(level: .partiallyDependent, setting: setting, standard: standard).care == Fen(31667))
            #expect(DestituteSupport.compute(level: .fullyDependent, setting: setting, standard: standard).care == Fen(63334))
        }
    }
}

@Suite("临时救助")
struct TemporaryAssistanceTests {
    typealias F = Fixtures

    @Test func capIsKTimesTheMonthlyStandard() throws {
        #expect(TemporaryAssistance.cap(standard: F.urban) == Fen(900000))
        // 10 × 430000 / 12 = 358333.33 → 358333.
        #expect(TemporaryAssistance.cap(standard: F.rural) == Fen(358333))
        var k3 = F.urban
        k3.temporaryCapMultiple = 3
        #expect(TemporaryAssistance.cap(standard: k3) == Fen(270000))
    }

    @Test func aGrantUpToTheCapPasses() throws {
        let grant = try TemporaryAssistance.grant(amount: Fen(900000), kind: .emergency, standard: F.urban)
        #expect(grant.cap == Fen(900000))
        #expect(grant.formula == "900000 ≤ 10 × 90000 = 900000")
        #expect(grant.standardVersionID == "urban-2026-07")
        #expect(try TemporaryAssistance.grant(amount: Fen(1), kind: .expenditure, standard: F.urban).kind == .expenditure)
    }

    @Test func aGrantOverTheCapIsRefusedNamingTheCap() {
        do {
            _ = try TemporaryAssistance.grant(amount: Fen(900001), kind: .expenditure, standard: F.urban)
            Issue.record("expected OVER_CAP")
        } catch let error as DomainError {
            #expect(error.kind == .invalid)
            #expect(error.reason == "OVER_CAP")
            #expect(error.problems.first?.field == "amount")
            #expect(error.message.contains("900000"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(F.problems { _ = try TemporaryAssistance.grant(amount: Fen(358334), kind: .emergency, standard: F.rural) } == ["amount OVER_CAP"])
        #expect(F.problems { _ = try TemporaryAssistance.grant(amount: .zero, kind: .emergency, standard: F.urban) } == ["amount NOT_POSITIVE"])
    }

    @Test func emergencyPaperworkIsDueFiveWorkingDaysLater() {
        // Paid Wed 2026-09-30; 1–7 Oct holiday; Thu 8, Fri 9, Sat 10 (调休 workday), Mon 12, Tue 13.
        #expect(TemporaryAssistance.emergencyPaperworkDue(paidOn: Fixtures.day("2026-09-30"), calendar: .standard) == Fixtures.day("2026-10-13"))
    }
}

@Suite("两项补贴")
struct DisabilitySubsidiesTests {
    typealias F = Fixtures

    @Test(arguments: [
        // (category, grade, in a 低保 family, grade-3 flag, living, nursing)
        (DisabilityCategory.physical, 1, true, false, 7000, 8000),
        (.visual, 2, true, false, 7000, 8000),
        (.visual, 2, false, false, 0, 8000),
        (.intellectual, 3, true, false, 7000, 0),
        (.intellectual, 3, true, true, 7000, 8000),
        (.mental, 3, false, true, 0, 8000),
        (.physical, 3, true, true, 7000, 0),
        (.hearing, 4, true, true, 7000, 0),
        (.hearing, 4, false, false, 0, 0),
    ])
    func subsidiesByGrade(category: DisabilityCategory, grade: Int, family: Bool, grade3: Bool, living: Int, nursing: Int) throws {
        let standard = F.version(grade3: grade3)
        let result = try DisabilitySubsidies.compute(card: DisabilityCard(category: category, grade: grade), inMinimumLivingFamily: family, standard: standard)
        #expect(result.living == Fen(living))
        #expect(result.nursing == Fen(nursing))
        #expect(result.total == Fen(living + nursing))
        #expect(result.standardVersionID == "urban-2026-07")
    }

    @Test func noCardNoSubsidyAndABadGradeIsRefused() throws {
        #expect(try DisabilitySubsidies.compute(card: nil, inMinimumLivingFamily: true, standard: F.urban).total == .zero)
        #expect(
            F.problems {
                _ = try DisabilitySubsidies.compute(card: DisabilityCard(category: .physical, grade: 5), inMinimumLivingFamily: true, standard: F.urban)
            } == ["card.grade BAD_GRADE"])
    }
}

@Suite("低收入 categories")
struct LowIncomeTests {
    typealias F = Fixtures

    @Test func marginalIncomeTypeExactlyAtTheLimit() throws {
        // n = 2, 1.5 × S = 135000 per person: I < 270000, as 2·I < 3·2·90000 = 540000.
        let below = try LowIncome.marginal(income: Fen(269999), householdSize: 2, standard: F.urban)
        #expect(below.qualifies)
        #expect(below.formula == "2 × 269999 = 539998 < 3 × 2 × 90000 = 540000")
        let at = try LowIncome.marginal(income: Fen(270000), householdSize: 2, standard: F.urban)
        #expect(!at.qualifies)
        #expect(at.standardVersionID == "urban-2026-07")
    }

    @Test func marginalOnAYearlyStandard() throws {
        // n = 2, S_year = 430000: 2·12·I < 3·2·430000 = 2580000 ⇔ I < 107500.
        #expect(try LowIncome.marginal(income: Fen(107499), householdSize: 2, standard: F.rural).qualifies)
        #expect(try !LowIncome.marginal(income: Fen(107500), householdSize: 2, standard: F.rural).qualifies)
    }

    @Test func rigidExpenseHardshipExactlyAtEightyPercent() throws {
        // I = 100000: E ≥ 80000, as 5·E ≥ 4·I.
        let at = try LowIncome.rigidExpenseHardship(rigidExpenses: Fen(80000), income: Fen(100000), standard: F.urban)
        #expect(at.qualifies)
        #expect(at.formula == "5 × 80000 = 400000 ≥ 4 × 100000 = 400000")
        #expect(try !LowIncome.rigidExpenseHardship(rigidExpenses: Fen(79999), income: Fen(100000), standard: F.urban).qualifies)
        // No income and some rigid expense qualifies; no rigid expense never does.
        #expect(try LowIncome.rigidExpenseHardship(rigidExpenses: Fen(1), income: .zero, standard: F.urban).qualifies)
        #expect(try !LowIncome.rigidExpenseHardship(rigidExpenses: .zero, income: .zero, standard: F.urban).qualifies)
    }

    @Test func badInput() {
        #expect(F.problems { _ = try LowIncome.marginal(income: Fen(1), householdSize: 0, standard: F.urban) } == ["household_size NOT_POSITIVE"])
        #expect(
            F.problems { _ = try LowIncome.rigidExpenseHardship(rigidExpenses: Fen(-1), income: Fen(-1), standard: F.urban) } == [
                "rigid_expenses NEGATIVE", "income NEGATIVE",
            ])
    }
}
