import AssistanceDomain
import CivicDomain
import Testing

@Suite("复核 reviews")
struct ReviewsTests {
    typealias F = Fixtures

    // MARK: - Frequency

    @Test func halfYearlyWhenIncomeIsUnstableOrMembersCanWork() {
        #expect(ReviewFrequency.for(unstableIncome: false, membersAbleToWork: false) == .yearly)
        #expect(ReviewFrequency.for(unstableIncome: true, membersAbleToWork: false) == .halfYearly)
        #expect(ReviewFrequency.for(unstableIncome: false, membersAbleToWork: true) == .halfYearly)
        #expect(ReviewFrequency.for(unstableIncome: true, membersAbleToWork: true) == .halfYearly)
        #expect(ReviewFrequency.yearly.months == 12)
        #expect(ReviewFrequency.halfYearly.months == 6)
        #expect(ReviewFrequency.allCases.map(\.rawValue) == ["yearly", "half_yearly"])
    }

    // MARK: - Due dates

    @Test func nextDueIsTwelveOrSixCalendarMonthsLater() {
        #expect(ReviewSchedule.nextDue(after: F.day("2026-03-15"), frequency: .yearly) == F.day("2027-03-15"))
        #expect(ReviewSchedule.nextDue(after: F.day("2026-03-15"), frequency: .halfYearly) == F.day("2026-09-15"))
        #expect(ReviewSchedule.nextDue(after: F.day("2026-10-01"), frequency: .halfYearly) == F.day("2027-04-01"))
    }

    @Test func monthEndsClampToTheShorterMonth() {
        // 31 Aug + 6 months: February has no 31st → its last day.
        #expect(ReviewSchedule.nextDue(after: F.day("2026-08-31"), frequency: .halfYearly) == F.day("2027-02-28"))
        // … and in a leap year, the 29th.
        #expect(ReviewSchedule.nextDue(after: F.day("2027-08-31"), frequency: .halfYearly) == F.day("2028-02-29"))
        #expect(ReviewSchedule.nextDue(after: F.day("2026-12-31"), frequency: .halfYearly) == F.day("2027-06-30"))
        // 29 Feb + 1 year → 28 Feb.
        #expect(ReviewSchedule.nextDue(after: F.day("2028-02-29"), frequency: .yearly) == F.day("2029-02-28"))
    }

    @Test func chainingKeepsTheClampAnAnchorDoesNot() {
        let first = ReviewSchedule.nextDue(after: F.day("2026-08-31"), frequency: .halfYearly)
        #expect(ReviewSchedule.nextDue(after: first, frequency: .halfYearly) == F.day("2027-08-28"))
        #expect(ReviewSchedule.due(anchor: F.day("2026-08-31"), frequency: .halfYearly, cycle: 1) == F.day("2027-02-28"))
        #expect(ReviewSchedule.due(anchor: F.day("2026-08-31"), frequency: .halfYearly, cycle: 2) == F.day("2027-08-31"))
        #expect(ReviewSchedule.due(anchor: F.day("2026-08-31"), frequency: .yearly, cycle: 3) == F.day("2029-08-31"))
    }

    // MARK: - Due status on a day

    /// Due Friday 2026-10-16. Working days from Monday 09-28 to it: 09-29, 09-30, 10-08, 10-09,
    /// 10-10 (调休), 10-12…10-16 = 10 → due soon. From Friday 09-25 (中秋): 09-28 as well = 11 → on time.
    @Test func dueSoonWithinTenWorkingDaysAcrossNationalDay() {
        let schedule = ReviewSchedule()
        let due = F.day("2026-10-16")
        #expect(schedule.dueSoonWorkingDays == 10)
        #expect(schedule.status(due: due, on: F.day("2026-09-25")) == .onTime)
        #expect(schedule.status(due: due, on: F.day("2026-09-28")) == .dueSoon)
        #expect(schedule.status(due: due, on: F.day("2026-10-05")) == .dueSoon)
        #expect(schedule.status(due: due, on: due) == .dueSoon)
        #expect(schedule.status(due: due, on: F.day("2026-10-17")) == .overdue)
    }

    @Test func dueSoonWindowIsConfigurable() {
        let schedule = ReviewSchedule(dueSoonWorkingDays: 5)
        let due = F.day("2026-10-16")
        // 10-09 → 10-16: 10-10, 10-12…10-16 = 6 working days.
        #expect(schedule.status(due: due, on: F.day("2026-10-09")) == .onTime)
        // 10-10 → 10-16: 5.
        #expect(schedule.status(due: due, on: F.day("2026-10-10")) == .dueSoon)
    }

    // MARK: - Decisions

    static func problems(_ outcome: ReviewOutcome, _ current: Int, _ new: Int, _ reason: String = "家庭收入变化，依规调整") -> [String] {
        F.problems { _ = try ReviewDecision.validate(outcome: outcome, currentAmount: Fen(current), newAmount: Fen(new), reason: reason) }
    }

    @Test func everyOutcomeIsAcceptedWithItsAmount() throws {
        let keep = try ReviewDecision.validate(outcome: .keep, currentAmount: Fen(50000), newAmount: Fen(50000), reason: "无变化，维持")
        #expect(keep.change == .zero)
        #expect(keep.reason == "无变化，维持")
        let raise = try ReviewDecision.validate(outcome: .raise, currentAmount: Fen(50000), newAmount: Fen(50001), reason: "成员患病，收入减少")
        #expect(raise.change == Fen(1))
        let lower = try ReviewDecision.validate(outcome: .lower, currentAmount: Fen(50000), newAmount: Fen(1), reason: "成员就业")
        #expect(lower.change == Fen(-49999))
        let stop = try ReviewDecision.validate(outcome: .stop, currentAmount: Fen(50000), newAmount: .zero, reason: "购置车辆，不再符合条件")
        #expect(stop.outcome == .stop)
        #expect(stop.newAmount == .zero)
        #expect(stop.change == Fen(-50000))
    }

    @Test(arguments: ReviewOutcome.allCases)
    func everyOutcomeNeedsWrittenReasons(outcome: ReviewOutcome) {
        let amounts: [ReviewOutcome: Int] = [.keep: 50000, .raise: 60000, .lower: 40000, .stop: 0]
        for reason in ["", "   ", "\n\t"] {
            #expect(Self.problems(outcome, 50000, amounts[outcome]!, reason) == ["reason REQUIRED"])
        }
        let error = #expect(throws: DomainError.self) {
            try ReviewDecision.validate(outcome: outcome, currentAmount: Fen(50000), newAmount: Fen(amounts[outcome]!), reason: "")
        }
        #expect(error?.kind == .invalid)
        #expect(error?.reason == "REQUIRED")
        #expect(error?.problems.first?.field == "reason")
    }

    @Test func keepMustLeaveTheAmount() {
        #expect(Self.problems(.keep, 50000, 50001) == ["new_amount MUST_EQUAL_CURRENT"])
        #expect(Self.problems(.keep, 50000, 49999) == ["new_amount MUST_EQUAL_CURRENT"])
        #expect(Self.problems(.keep, 50000, 0) == ["new_amount MUST_EQUAL_CURRENT"])
    }

    @Test func raiseMustBeHigher() {
        #expect(Self.problems(.raise, 50000, 50000) == ["new_amount NOT_HIGHER"])
        #expect(Self.problems(.raise, 50000, 40000) == ["new_amount NOT_HIGHER"])
    }

    @Test func lowerMustBeLowerAndPositive() {
        #expect(Self.problems(.lower, 50000, 50000) == ["new_amount NOT_LOWER"])
        #expect(Self.problems(.lower, 50000, 60000) == ["new_amount NOT_LOWER"])
        #expect(Self.problems(.lower, 50000, 0) == ["new_amount NOT_POSITIVE"])
    }

    @Test func stopMustLeaveNothing() {
        #expect(Self.problems(.stop, 50000, 1) == ["new_amount MUST_BE_ZERO"])
        #expect(Self.problems(.stop, 50000, 50000) == ["new_amount MUST_BE_ZERO"])
    }

    @Test func negativeAmountsAndUnpaidHouseholdsAreRefused() {
        for outcome in ReviewOutcome.allCases {
            #expect(Self.problems(outcome, 50000, -1) == ["new_amount NEGATIVE"])
        }
        #expect(Self.problems(.keep, 0, 0) == ["current_amount NOT_POSITIVE"])
        #expect(Self.problems(.stop, -100, 0) == ["current_amount NOT_POSITIVE"])
        #expect(Self.problems(.raise, 0, 100) == ["current_amount NOT_POSITIVE"])
    }

    @Test func everyProblemIsReportedAtOnce() {
        #expect(Self.problems(.stop, 0, 100, " ") == ["reason REQUIRED", "current_amount NOT_POSITIVE", "new_amount MUST_BE_ZERO"])
        #expect(Self.problems(.lower, 50000, 50000, "") == ["reason REQUIRED", "new_amount NOT_LOWER"])
    }

    // MARK: - Effective month and the next review

    @Test func aChangeTakesEffectTheMonthAfterTheReview() {
        #expect(ReviewDecision.effectiveMonth(reviewedOn: F.day("2026-07-01")) == F.month(2026, 8))
        #expect(ReviewDecision.effectiveMonth(reviewedOn: F.day("2026-07-31")) == F.month(2026, 8))
        #expect(ReviewDecision.effectiveMonth(reviewedOn: F.day("2026-12-15")) == F.month(2027, 1))
    }

    @Test func aStopEndsTheReviews() throws {
        let stop = try ReviewDecision.validate(outcome: .stop, currentAmount: Fen(50000), newAmount: .zero, reason: "死亡")
        #expect(stop.nextReviewDue(reviewedOn: F.day("2026-08-31"), frequency: .halfYearly) == nil)
        let keep = try ReviewDecision.validate(outcome: .keep, currentAmount: Fen(50000), newAmount: Fen(50000), reason: "无变化")
        #expect(keep.nextReviewDue(reviewedOn: F.day("2026-08-31"), frequency: .halfYearly) == F.day("2027-02-28"))
        #expect(keep.nextReviewDue(reviewedOn: F.day("2026-08-31"), frequency: .yearly) == F.day("2027-08-31"))
    }

    @Test func outcomeRawValues() {
        #expect(ReviewOutcome.allCases.map(\.rawValue) == ["keep", "raise", "lower", "stop"])
    }
}
