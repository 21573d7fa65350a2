import Foundation

/// An amount of money in whole fen (分; 1 yuan 元 = 100 fen), as subsidies, allowances and
/// fees are paid: integers only, so sums and ledgers reconcile to the fen. Never Double.
///
/// Arithmetic traps on overflow like `Int` does (a sum beyond ±9.2e16 yuan is a bug, not a
/// case to handle). Encoded (Codable) as a plain integer of fen.
public struct Fen: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, AdditiveArithmetic {
    /// The amount in fen; negative for refunds and deductions.
    public let fen: Int

    public init(_ fen: Int) { self.fen = fen }

    public static let zero = Fen(0)

    /// Whole yuan (元): `Fen.yuan(3)` is 300 fen.
    public static func yuan(_ y: Int) -> Fen { Fen(y * 100) }

    /// Parses yuan as people and spreadsheets write them: "1234", "1234.5", "1234.56",
    /// "-12.30". At most two decimals; no "+", exponent, thousands separator, currency sign or
    /// space. Nil for anything else, and for amounts beyond `Int` fen.
    public init?(yuanText: String) {
        var bytes = Array(yuanText.utf8)[...]
        let negative = bytes.first == UInt8(ascii: "-")
        if negative { bytes = bytes.dropFirst() }
        let whole = bytes.prefix { Fen.isDigit($0) }
        var rest = bytes.dropFirst(whole.count)
        var decimals: ArraySlice<UInt8> = []
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            decimals = rest.prefix { Fen.isDigit($0) }
            rest = rest.dropFirst(decimals.count)
            guard !decimals.isEmpty, decimals.count <= 2 else { return nil }
        }
        guard !whole.isEmpty, rest.isEmpty else { return nil }
        // The digits of the amount in fen: yuan digits, then exactly two decimal places.
        // Accumulated unsigned so that Int.min fen still parses.
        let fenDigits = Array(whole) + Array(decimals) + Array(repeating: UInt8(ascii: "0"), count: 2 - decimals.count)
        var magnitude: UInt = 0
        for b in fenDigits {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(UInt(b - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            magnitude = next
        }
        guard let value = Fen.signed(magnitude, negative: negative) else { return nil }
        fen = value
    }

    /// Yuan with exactly two decimals: "1234.56", "0.05", "-0.05".
    public var description: String {
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return "\(fen < 0 ? "-" : "")\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// The same as `description`, named for call sites that write amounts out.
    public var yuanText: String { description }

    public static func < (a: Fen, b: Fen) -> Bool { a.fen < b.fen }

    public static func + (a: Fen, b: Fen) -> Fen { Fen(a.fen + b.fen) }
    public static func - (a: Fen, b: Fen) -> Fen { Fen(a.fen - b.fen) }
    public static prefix func - (a: Fen) -> Fen { Fen(-a.fen) }

    /// So many of a unit amount (3 months × 1 200.00).
    public static func * (a: Fen, n: Int) -> Fen { Fen(a.fen * n) }
    public static func * (n: Int, a: Fen) -> Fen { Fen(n * a.fen) }
    public static func *= (a: inout Fen, n: Int) { a = a * n }

    /// `self × numerator / denominator`, rounded to the fen half-up away from zero (2.5 → 3,
    /// −2.5 → −3): 13/10 of a standard, 1/3 of a wage. The product is formed in 128 bits, so only
    /// a result beyond `Int` overflows. Traps on a zero denominator or such an overflow.
    public func scaled(numerator: Int, denominator: Int) -> Fen {
        precondition(denominator != 0, "Fen.scaled: zero denominator")
        let negative = ((fen < 0) != (numerator < 0)) != (denominator < 0)
        let d = denominator.magnitude
        let product = fen.magnitude.multipliedFullWidth(by: numerator.magnitude)
        precondition(product.high < d, "Fen.scaled: result overflows Int")
        var (quotient, remainder) = d.dividingFullWidth(product)
        if remainder >= d - remainder {
            let (up, overflow) = quotient.addingReportingOverflow(1)
            precondition(!overflow, "Fen.scaled: result overflows Int")
            quotient = up
        }
        guard let value = Fen.signed(quotient, negative: negative && quotient != 0) else {
            preconditionFailure("Fen.scaled: result overflows Int")
        }
        return Fen(value)
    }

    /// The total of the amounts (zero for none).
    public static func sum<S: Sequence>(_ values: S) -> Fen where S.Element == Fen {
        values.reduce(.zero, +)
    }

    // MARK: - Codable as a bare integer of fen

    public init(from decoder: any Decoder) throws {
        fen = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(fen)
    }

    // MARK: - Helpers

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// A magnitude with a sign as Int, or nil when it does not fit (Int.min is allowed).
    private static func signed(_ magnitude: UInt, negative: Bool) -> Int? {
        if !negative { return Int(exactly: magnitude) }
        if magnitude == Int.min.magnitude { return Int.min }
        return Int(exactly: magnitude).map { -$0 }
    }
}
