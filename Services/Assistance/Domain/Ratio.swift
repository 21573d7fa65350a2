import CivicDomain

/// A non-negative rational factor such as 13/10 (1.3·S) or 1/6 (of a wage): kept as two integers
/// so that amounts are multiplied exactly and rounded once, at the last step (RULES.md §0.4).
public struct Ratio: Sendable, Hashable, CustomStringConvertible, Codable {
    public let numerator: Int
    public let denominator: Int

    /// No check here: `StandardTable` reports a zero or negative denominator or a negative
    /// numerator ("BAD_RATIO", "NEGATIVE") with every other problem at once.
    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// "13/10".
    public var description: String { "\(numerator)/\(denominator)" }

    /// `amount × self`, rounded half-up once.
    public func of(_ amount: Fen) -> Fen { amount.scaled(numerator: numerator, denominator: denominator) }

    /// The problems of this ratio under `field` (denominator ≤ 0: "BAD_RATIO"; numerator < 0:
    /// "NEGATIVE").
    func validate(field: String, into errors: inout ValidationErrors) {
        if denominator <= 0 {
            errors.add(field, "BAD_RATIO", "\(field): the denominator of \(self) must be positive")
        }
        if numerator < 0 {
            errors.add(field, "NEGATIVE", "\(field): \(self) must not be negative")
        }
    }
}
