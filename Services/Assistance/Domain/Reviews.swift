import CivicDomain

/// How often a recipient household is reviewed (复核频次), RULES.md §1(b) "periodic review":
/// yearly; every 6 months if income is unstable or members can work (渝民〔2023〕3号).
public enum ReviewFrequency: String, Sendable, Hashable, CaseIterable {
    /// 每年复核.
    case yearly
    /// 每半年复核.
    case halfYearly = "half_yearly"

    /// Half-yearly when the income is unstable or a member is able to work; yearly otherwise.
    public static func `for`(unstableIncome: Bool, membersAbleToWork: Bool) -> ReviewFrequency {
        unstableIncome || membersAbleToWork ? .halfYearly : .yearly
    }

    /// Calendar months between reviews: 12 or 6.
    public var months: Int {
        switch self {
        case .yearly: return 12
        case .halfYearly: return 6
        }
    }
}

/// When reviews fall due (复核期限) and where a due review stands on a day.
///
/// A due date is so many calendar months after the last review (`CivilDate.adding(months:)`): a
/// day past the end of the month becomes its last day, so 2026-08-31 + 6 months = 2027-02-28.
/// Chained from each review that clamp sticks (2027-02-28 + 6 months = 2027-08-28); counted from
/// a fixed anchor (`due(anchor:frequency:cycle:)`) it does not (2026-08-31 + 12 months = 2027-08-31).
extension Household {
    /// How often this household is reviewed as it stands on `day`: every 6 months with unstable
    /// income or a member of working age able to work, otherwise yearly.
    public func reviewFrequency(on day: CivilDate) -> ReviewFrequency {
        .for(unstableIncome: unstableIncome, membersAbleToWork: hasMemberAbleToWork(on: day))
    }
}

public struct ReviewSchedule: Sendable {
    public var calendar: WorkingCalendar
    /// A review due this many working days away or fewer is due soon (default 10).
    public var dueSoonWorkingDays: Int

    public init(calendar: WorkingCalendar = .standard, dueSoonWorkingDays: Int = 10) {
        self.calendar = calendar
        self.dueSoonWorkingDays = dueSoonWorkingDays
    }

    /// The next review: 12 or 6 calendar months after `date` (the decision or the last review).
    public static func nextDue(after date: CivilDate, frequency: ReviewFrequency) -> CivilDate {
        date.adding(months: frequency.months)
    }

    /// The `cycle`-th review (1, 2, …) counted from `anchor` (the approval): anchor + cycle × 12 or 6
    /// months, clamped only in the month it lands in.
    public static func due(anchor: CivilDate, frequency: ReviewFrequency, cycle: Int) -> CivilDate {
        anchor.adding(months: frequency.months * cycle)
    }

    /// Where a review not yet done stands on `day`, as `ApplicationClock.status`: overdue after the
    /// due day; due soon when at most `dueSoonWorkingDays` working days away (the due day included);
    /// on time otherwise.
    public func status(due: CivilDate, on day: CivilDate) -> DeadlineStatus {
        if day > due { return .overdue }
        return calendar.workingDays(from: day, to: due) <= dueSoonWorkingDays ? .dueSoon : .onTime
    }
}

/// A review's outcome (复核结果), RULES.md §1(a) Review.
public enum ReviewOutcome: String, Sendable, Hashable, CaseIterable {
    /// 维持: no change, the amount unchanged.
    case keep
    /// 增发.
    case raise
    /// 减发.
    case lower
    /// 停发.
    case stop
}

/// A review's decision (复核决定), validated: outcome, the amounts before and after, and the
/// written reason every outcome needs (LAW §13: a stop needs written reasons; Civic asks for one
/// for each outcome, so that the file shows why nothing changed too).
public struct ReviewDecision: Sendable, Hashable {
    public var outcome: ReviewOutcome
    /// The monthly amount paid before the review.
    public var currentAmount: Fen
    /// The monthly amount after it: equal for keep, higher for raise, lower and positive for lower, 0 for stop.
    public var newAmount: Fen
    public var reason: String

    /// `newAmount − currentAmount`: 0 for keep, positive for raise, negative for lower and stop.
    public var change: Fen { newAmount - currentAmount }

    /// Checks a decision and collects every problem (throws `DomainError.invalid`):
    /// - "reason" REQUIRED: blank, for any outcome;
    /// - "current_amount" NOT_POSITIVE: a review is of a household being paid (> 0);
    /// - "new_amount" NEGATIVE;
    /// - keep: "new_amount" MUST_EQUAL_CURRENT unless equal;
    /// - raise: "new_amount" NOT_HIGHER unless above the current amount;
    /// - lower: "new_amount" NOT_LOWER unless below it, and NOT_POSITIVE when 0 (lowering to
    ///   nothing is a stop);
    /// - stop: "new_amount" MUST_BE_ZERO unless 0. A stop is recorded with a new amount of 0,
    ///   never ignored, so the stored amount always says what is paid.
    public static func validate(outcome: ReviewOutcome, currentAmount: Fen, newAmount: Fen, reason: String) throws -> ReviewDecision {
        var errors = ValidationErrors()
        if reason.allSatisfy(\.isWhitespace) {
            errors.add("reason", "REQUIRED", "a review decision (\(outcome.rawValue)) needs written reasons")
        }
        if currentAmount.fen <= 0 {
            errors.add("current_amount", "NOT_POSITIVE", "a review is of a household being paid, not \(currentAmount.fen) fen")
        }
        if newAmount.fen < 0 {
            errors.add("new_amount", "NEGATIVE", "the new amount must not be negative, not \(newAmount.fen) fen")
        } else {
            switch outcome {
            case .keep where newAmount != currentAmount:
                errors.add("new_amount", "MUST_EQUAL_CURRENT", "keep leaves the amount at \(currentAmount.fen) fen, not \(newAmount.fen)")
            case .raise where newAmount <= currentAmount:
                errors.add("new_amount", "NOT_HIGHER", "a raise must be above \(currentAmount.fen) fen, not \(newAmount.fen)")
            case .lower where newAmount >= currentAmount:
                errors.add("new_amount", "NOT_LOWER", "a lowering must be below \(currentAmount.fen) fen, not \(newAmount.fen)")
            case .lower where newAmount.fen == 0:
                errors.add("new_amount", "NOT_POSITIVE", "lowering to 0 fen is a stop")
            case .stop where newAmount.fen != 0:
                errors.add("new_amount", "MUST_BE_ZERO", "a stop leaves 0 fen, not \(newAmount.fen)")
            default:
                break
            }
        }
        if !errors.isEmpty { throw errors.domainError }
        return ReviewDecision(outcome: outcome, currentAmount: currentAmount, newAmount: newAmount, reason: reason)
    }

    /// The first month at the new amount: the month after the review (the month of the review is
    /// paid as before; December → January of the next year).
    public static func effectiveMonth(reviewedOn: CivilDate) -> BenefitMonth {
        BenefitMonth(containing: reviewedOn).next
    }

    /// The next review after this one on `reviewedOn`, or nil after a stop (nothing left to review).
    public func nextReviewDue(reviewedOn: CivilDate, frequency: ReviewFrequency) -> CivilDate? {
        outcome == .stop ? nil : ReviewSchedule.nextDue(after: reviewedOn, frequency: frequency)
    }
}

/// Benefit obtained by fraud (骗取社会救助), found in a review that stops the case: 社会救助暂行办法
/// §68 — the benefit stopped, what was obtained recovered, and a fine of 1 to 3 times the amount,
/// which is 民政综合执法's case (the review refers it, FLOWS.md §4.6).
public struct BenefitFraud: Sendable, Hashable, Codable {
    /// What was obtained by the fraud: the fine base.
    public var amountObtained: Fen
    /// The months it was obtained over.
    public var obtainedFrom: BenefitMonth
    public var obtainedThrough: BenefitMonth
    /// What was concealed or falsified, and how it was found.
    public var evidence: String

    public static let maxEvidenceLength = 2_000

    /// Checks a finding made in a review of `outcome` on `day` and collects every problem
    /// (throws `DomainError`): INVALID "fraud" STOP_ONLY (a fraud is found only in a review that
    /// stops the case); "fraud.amount_obtained_fen" NOT_POSITIVE; "fraud.obtained_from" /
    /// "fraud.obtained_through" REQUIRED or INVALID (YYYY-MM); "fraud.obtained_through" BEFORE_FROM,
    /// IN_THE_FUTURE (after the review's month); "fraud.evidence" REQUIRED / TOO_LONG.
    public static func validate(
        outcome: ReviewOutcome, amountObtainedFen: Int64, obtainedFrom: String, obtainedThrough: String, evidence: String, reviewedOn day: CivilDate
    ) throws -> BenefitFraud {
        var errors = ValidationErrors()
        if outcome != .stop { errors.add("fraud", "STOP_ONLY", "a fraud is found in a review that stops the case (社会救助暂行办法 §68)") }
        if amountObtainedFen <= 0 { errors.add("fraud.amount_obtained_fen", "NOT_POSITIVE", "the amount obtained is positive") }
        func month(_ text: String, _ field: String) -> BenefitMonth? {
            if text.isEmpty {
                errors.add(field, "REQUIRED", "\(field) is required (YYYY-MM)")
                return nil
            }
            guard let month = BenefitMonth(text) else {
                errors.add(field, "INVALID", "\(field) must be a month YYYY-MM")
                return nil
            }
            return month
        }
        let from = month(obtainedFrom, "fraud.obtained_from")
        let through = month(obtainedThrough, "fraud.obtained_through")
        if let from, let through, through < from {
            errors.add("fraud.obtained_through", "BEFORE_FROM", "\(through) is before \(from)")
        }
        if let through, through > BenefitMonth(containing: day) {
            errors.add("fraud.obtained_through", "IN_THE_FUTURE", "\(through) is after the review's month")
        }
        let text = evidence.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { errors.add("fraud.evidence", "REQUIRED", "say what was concealed or falsified and how it was found") }
        if text.count > maxEvidenceLength { errors.add("fraud.evidence", "TOO_LONG", "at most \(maxEvidenceLength) characters") }
        if !errors.isEmpty { throw errors.domainError }
        return BenefitFraud(amountObtained: Fen(Int(amountObtainedFen)), obtainedFrom: from!, obtainedThrough: through!, evidence: text)
    }
}
