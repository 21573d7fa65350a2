import CivicDomain

/// 加处罚款 (行政处罚法 §72(1), 行政强制法 §45): 3 % of the fine for each day payment is late, never more
/// than the fine; the days while an administrative review (复议) or a lawsuit (诉讼) is pending are not
/// counted (§73), and an approved deferral (暂缓缴纳, §66) moves the due date.
///
/// Decisions (RULES.md §4(c) 2 gives the formula, not these):
/// - Day N counts from the day after the due date through `asOf`, both included: a fine due on the
///   15th and paid on the 16th is one day late.
/// - A pause runs from the day the review or lawsuit was filed through the day the decision on it was
///   served, both included (RULES.md: "[filed, decision served] inclusive"); overlapping pauses count
///   once.
/// - The amount is exact in fen: 3 × fine × N / 100, rounded half up to the fen, capped at the fine.
public struct LateSurcharge: Sendable, Hashable {
    /// A pending 复议 or 诉讼.
    public struct Pause: Sendable, Hashable, Codable {
        public var from: CivilDate
        public var through: CivilDate

        public init(from: CivilDate, through: CivilDate) {
            self.from = from
            self.through = through
        }
    }

    public static let percentPerDay = 3

    /// The fine in fen.
    public var fine: Fen
    /// The due date (15 days after service, `TimeLimit.payment`), or the deferral's.
    public var dueDate: CivilDate
    public var pauses: [Pause]

    /// INVALID "fine" NOT_POSITIVE; "pauses[i]" BAD_RANGE (ends before it starts).
    public init(fine: Fen, dueDate: CivilDate, deferredTo: CivilDate? = nil, pauses: [Pause] = []) throws {
        var errors = ValidationErrors()
        if fine.fen <= 0 { errors.add("fine", "NOT_POSITIVE", "a surcharge is on a fine above 0") }
        for (i, pause) in pauses.enumerated() where pause.through < pause.from {
            errors.add("pauses[\(i)]", "BAD_RANGE", "the pause ends on \(pause.through), before it starts on \(pause.from)")
        }
        try errors.check()
        self.fine = fine
        self.dueDate = max(dueDate, deferredTo ?? dueDate)
        self.pauses = pauses
    }

    /// The late days counted on `asOf`: after the due date, outside every pause.
    public func lateDays(asOf: CivilDate) -> Int {
        guard asOf > dueDate else { return 0 }
        let first = dueDate.adding(days: 1)
        let paused = DayRanges.coveredDays(pauses.map { ($0.from, $0.through) }, within: first...asOf)
        return asOf.dayNumber - first.dayNumber + 1 - paused
    }

    /// The surcharge accrued by `asOf`, in fen.
    public func amount(asOf: CivilDate) -> Fen {
        let days = lateDays(asOf: asOf)
        let raw = (Self.percentPerDay * fine.fen * days * 2 + 100) / 200
        return Fen(min(raw, fine.fen))
    }

    /// How many late days make the surcharge equal to the fine (34 at 3 %: 33 days are 99 %).
    public var cappedAfterDays: Int { (100 + Self.percentPerDay - 1) / Self.percentPerDay }
}
