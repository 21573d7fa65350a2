import CivicDomain

/// The two kinds of 临时救助.
public enum TemporaryAssistanceKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// 急难型: sudden hardship; paid first, the paperwork completed within 5 working days (先行救助).
    case emergency
    /// 支出型: hardship from necessary spending (medical, education) beyond the household's means.
    case expenditure
}

/// A 临时救助 grant checked against its cap.
public struct TemporaryGrant: Sendable, Hashable {
    public var kind: TemporaryAssistanceKind
    public var amount: Fen
    /// The cap it was checked against: k × S_month.
    public var cap: Fen
    /// "500000 ≤ 10 × 90000 = 900000".
    public var formula: String
    public var standardVersionID: String
}

/// 临时救助 (RULES.md §1(c)4): one grant is at most k × S_month (k = 10 by default, per version).
public enum TemporaryAssistance {
    /// Working days after an 急难型 grant within which its paperwork is completed.
    public static let emergencyPaperworkWorkingDays = 5

    /// k × S_month, rounded once (a yearly S: k × S_year / 12).
    public static func cap(standard: StandardVersion) -> Fen {
        standard.minimumLiving.monthly(times: Ratio(standard.temporaryCapMultiple, 1))
    }

    /// Checks a grant. Throws `DomainError.invalid`, field "amount": reason "NOT_POSITIVE" for an
    /// amount ≤ 0, "OVER_CAP" (naming the cap) for one above k × S_month.
    public static func grant(amount: Fen, kind: TemporaryAssistanceKind, standard: StandardVersion) throws -> TemporaryGrant {
        guard amount.fen > 0 else {
            throw DomainError.invalid("a 临时救助 grant must be positive, not \(amount.fen) fen", field: "amount", reason: "NOT_POSITIVE")
        }
        let cap = cap(standard: standard)
        guard amount <= cap else {
            throw DomainError.invalid(
                "a 临时救助 grant of \(amount.fen) fen is over the cap of \(cap.fen) fen (\(standard.temporaryCapMultiple) × S, \(standard.id))",
                field: "amount", reason: "OVER_CAP")
        }
        let sText = standard.minimumLiving.months == 1 ? "\(standard.minimumLiving.amount.fen)" : "\(standard.minimumLiving.amount.fen) / 12"
        return TemporaryGrant(
            kind: kind, amount: amount, cap: cap, formula: "\(amount.fen) ≤ \(standard.temporaryCapMultiple) × \(sText) = \(cap.fen)",
            standardVersionID: standard.id)
    }

    /// The day an 急难型 grant's paperwork is due: 5 working days after it was paid.
    public static func emergencyPaperworkDue(paidOn: CivilDate, calendar: WorkingCalendar) -> CivilDate {
        calendar.adding(workingDays: emergencyPaperworkWorkingDays, to: paidOn)
    }
}
