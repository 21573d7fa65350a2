import AssistanceDomain
import CivicDomain
import Testing

@Suite("低保 补差")
struct MinimumLivingBenefitTests {
    typealias F = Fixtures

    static func members(_ incomes: [Int]) -> [CountedMember] { incomes.map { CountedMember(income: Fen($0)) } }

    @Test func monthlyStandardPaysTheGapFromTotals() throws {
        // n = 3, S = 90000, I = 150000 → 270000 − 150000 = 120000.
        let result = try MinimumLivingBenefit.compute(members: Self.members([100000, 50000, 0]), standard: F.urban)
        #expect(result.amount == Fen(120000))
        #expect(result.eligible)
        #expect(result.householdSize == 3)
        #expect(result.income == Fen(150000))
        #expect(result.formula == "3 × 90000 − 150000 = 120000")
        #expect(result.standardVersionID == "urban-2026-07")
    }

    @Test func sharedIncomeCountsTowardI() throws {
        // n = 2, I = 50000 + 30000 + 20000 (shared rent) = 100000 → 180000 − 100000 = 80000.
        let result = try MinimumLivingBenefit.compute(members: Self.members([50000, 30000]), sharedIncome: Fen(20000), standard: F.urban)
        #expect(result.amount == Fen(80000))
    }

    @Test func incomeAtOrAboveNTimesSIsNotEligible() throws {
        // I = n·S exactly: not eligible (I < n·S is required), B = 0.
        let atLimit = try MinimumLivingBenefit.compute(members: Self.members([90000, 90000]), standard: F.urban)
        #expect(!atLimit.eligible)
        #expect(atLimit.amount == .zero)
        #expect(atLimit.formula == "max(0, 2 × 90000 − 180000) = 0")
        // One fen below: eligible for 1 fen.
        let justBelow = try MinimumLivingBenefit.compute(members: Self.members([90000, 89999]), standard: F.urban)
        #expect(justBelow.eligible)
        #expect(justBelow.amount == Fen(1))
    }

    @Test func ruralYearlyStandardIsConvertedOnceRoundingDown() throws {
        // n = 1, S_year = 430000, I = 10000: (430000 − 120000)/12 = 310000/12 = 25833.33 → 25833.
        let result = try MinimumLivingBenefit.compute(members: Self.members([10000]), standard: F.rural)
        #expect(result.amount == Fen(25833))
        #expect(result.formula == "round_half_up((1 × 430000 − 12 × 10000) / 12) = 25833")
        #expect(result.standardVersionID == "rural-2026-07")
    }

    @Test func ruralYearlyStandardIsConvertedOnceRoundingUp() throws {
        // n = 2, S_year = 430000, I = 10000: (860000 − 120000)/12 = 740000/12 = 61666.67 → 61667.
        // (Converting S first, 430000/12 → 35833, would give 2 × 35833 − 10000 = 61666: wrong.)
        let result = try MinimumLivingBenefit.compute(members: Self.members([10000, 0]), standard: F.rural)
        #expect(result.amount == Fen(61667))
    }

    @Test func ruralYearlyExactHalfRoundsUp() throws {
        // n = 1, S_year = 430002, I = 0: 430002/12 = 35833.5 → 35834.
        let standard = F.version(area: .rural, standard: .yearly(Fen(430002)))
        #expect(try MinimumLivingBenefit.compute(members: Self.members([0]), standard: standard).amount == Fen(35834))
    }

    @Test func ruralYearlyIneligibleWhenTwelveTimesIncomeReachesTheYearlyTotal() throws {
        // 12·I = 12 × 35834 = 430008 ≥ 430000 → 0.
        let result = try MinimumLivingBenefit.compute(members: Self.members([35834]), standard: F.rural)
        #expect(!result.eligible)
        #expect(result.amount == .zero)
    }

    @Test func twentyPercentFloorRaisesASmallGap() throws {
        // n = 3, S = 90000, I = 250000: gap 20000 < 270000/5 = 54000 → 54000.
        let options = MinimumLivingOptions(perPersonFloor: true)
        let result = try MinimumLivingBenefit.compute(members: Self.members([250000, 0, 0]), standard: F.urban, options: options)
        #expect(result.amount == Fen(54000))
        #expect(result.floorApplied)
        #expect(result.formula == "max(3 × 90000 − 250000, 3 × 90000 / 5) = 54000")
    }

    @Test func twentyPercentFloorRoundsOnce() throws {
        // n = 1, S = 90003, I = 80000: gap 10003 < 90003/5 = 18000.6 → 18001.
        let standard = F.version(standard: .monthly(Fen(90003)))
        let result = try MinimumLivingBenefit.compute(members: Self.members([80000]), standard: standard, options: MinimumLivingOptions(perPersonFloor: true))
        #expect(result.amount == Fen(18001))
    }

    @Test func twentyPercentFloorLeavesALargerGapAndIneligibleHouseholds() throws {
        let options = MinimumLivingOptions(perPersonFloor: true)
        // Gap 120000 ≥ 54000: unchanged.
        let large = try MinimumLivingBenefit.compute(members: Self.members([150000, 0, 0]), standard: F.urban, options: options)
        #expect(large.amount == Fen(120000))
        #expect(!large.floorApplied)
        // I = n·S: not eligible, so no floor either.
        let none = try MinimumLivingBenefit.compute(members: Self.members([270000, 0, 0]), standard: F.urban, options: options)
        #expect(none.amount == .zero)
    }

    @Test func twentyPercentFloorOnAYearlyStandard() throws {
        // n = 1, S_year = 430000, I = 30000: 430000 − 360000 = 70000 < 430000/5 = 86000
        // → 86000/12 = 7166.67 → 7167.
        let options = MinimumLivingOptions(perPersonFloor: true)
        let result = try MinimumLivingBenefit.compute(members: Self.members([30000]), standard: F.rural, options: options)
        #expect(result.amount == Fen(7167))
        #expect(result.floorApplied)
    }

    @Test func classifiedAdditionsFixedAndAsAFractionOfS() throws {
        // Base 3 × 90000 − 150000 = 120000; the elderly member +10000 (fixed); the severely
        // disabled member +3/20 × 90000 = 13500; the third member nothing → 143500.
        let options = MinimumLivingOptions(classifiedAdditions: [.elderly: .fixed(Fen(10000)), .severelyDisabled: .fractionOfStandard(Ratio(3, 20))])
        let members = [
            CountedMember(income: Fen(150000), categories: [.elderly]),
            CountedMember(categories: [.severelyDisabled]),
            CountedMember(),
        ]
        let result = try MinimumLivingBenefit.compute(members: members, standard: F.urban, options: options)
        #expect(result.base == Fen(120000))
        #expect(result.additions == Fen(23500))
        #expect(result.amount == Fen(143500))
        #expect(result.formula == "3 × 90000 − 150000 = 120000; 分类施保 10000 + 13500 = 23500; 120000 + 23500 = 143500")
    }

    @Test func aMemberInSeveralCategoriesGetsTheHighestAddition() throws {
        // Elderly (10000) and severely disabled (13500): 13500, not 23500.
        let options = MinimumLivingOptions(classifiedAdditions: [.elderly: .fixed(Fen(10000)), .severelyDisabled: .fractionOfStandard(Ratio(3, 20))])
        let members = [CountedMember(income: Fen(50000), categories: [.elderly, .severelyDisabled])]
        let result = try MinimumLivingBenefit.compute(members: members, standard: F.urban, options: options)
        #expect(result.amount == Fen(40000 + 13500))
    }

    @Test func classifiedAdditionAsAFractionOfAYearlyStandardRoundsOnce() throws {
        // 1/10 of 430000/12 = 430000/120 = 3583.33 → 3583; base (430000 − 0)/12 = 35833.33 → 35833.
        let options = MinimumLivingOptions(classifiedAdditions: [.minor: .fractionOfStandard(Ratio(1, 10))])
        let result = try MinimumLivingBenefit.compute(members: [CountedMember(categories: [.minor])], standard: F.rural, options: options)
        #expect(result.additions == Fen(3583))
        #expect(result.amount == Fen(35833 + 3583))
    }

    @Test func noAdditionsForAnIneligibleHousehold() throws {
        let options = MinimumLivingOptions(classifiedAdditions: [.seriouslyIll: .fixed(Fen(10000))])
        let result = try MinimumLivingBenefit.compute(
            members: [CountedMember(income: Fen(90000), categories: [.seriouslyIll])], standard: F.urban, options: options)
        #expect(result.amount == .zero)
        #expect(result.additions == .zero)
    }

    @Test func singlePersonCountsOnlyThatMembersOwnIncome() throws {
        // The household: 2 × 90000 − 300000 < 0 → nothing.
        let members = [CountedMember(income: Fen(300000)), CountedMember(income: Fen(20000), categories: [.severelyDisabled])]
        #expect(try MinimumLivingBenefit.compute(members: members, standard: F.urban).amount == .zero)
        // 单人保 for the severely disabled member: n = 1, I = 20000 → 90000 − 20000 = 70000.
        let result = try MinimumLivingBenefit.compute(members: members, standard: F.urban, options: MinimumLivingOptions(singlePersonMember: 1))
        #expect(result.amount == Fen(70000))
        #expect(result.householdSize == 1)
        #expect(result.formula == "1 × 90000 − 20000 = 70000")
    }

    @Test func singlePersonAdditionsAreOnlyThatMembers() throws {
        let members = [CountedMember(income: Fen(300000), categories: [.elderly]), CountedMember(categories: [.seriouslyIll])]
        let options = MinimumLivingOptions(
            classifiedAdditions: [.elderly: .fixed(Fen(10000)), .seriouslyIll: .fixed(Fen(5000))], singlePersonMember: 1)
        #expect(try MinimumLivingBenefit.compute(members: members, standard: F.urban, options: options).amount == Fen(95000))
    }

    @Test func badInputIsRefusedWithEveryField() {
        #expect(F.problems { _ = try MinimumLivingBenefit.compute(members: [], standard: F.urban) } == ["members EMPTY"])
        #expect(
            F.problems {
                _ = try MinimumLivingBenefit.compute(
                    members: [CountedMember(income: Fen(-1)), CountedMember()], sharedIncome: Fen(-2), standard: F.urban,
                    options: MinimumLivingOptions(singlePersonMember: 1))
            } == ["members[0].income NEGATIVE", "shared_income NEGATIVE", "options.single_person_member NOT_ELIGIBLE"])
        #expect(
            F.problems {
                _ = try MinimumLivingBenefit.compute(members: Self.members([0]), standard: F.urban, options: MinimumLivingOptions(singlePersonMember: 3))
            } == ["options.single_person_member OUT_OF_RANGE"])
    }
}
