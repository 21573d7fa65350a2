import Foundation

/// A percentage with one decimal, rounded half-up, computed from integers only (35.3%), as
/// work reports print rates (办结率, 满意率). Moved here from the Proposals service's
/// AnnualReport.swift with the same API and the same results.
public struct Percentage: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Tenths of a percent: 353 is 35.3%.
    public let tenths: Int

    /// `part` of `whole`, rounded half-up to a tenth of a percent (1 of 16 is 6.25% → 6.3);
    /// 0.0 when `whole` is 0 (nothing to rate). Negative inputs round half away from zero.
    public init(_ part: Int, of whole: Int) {
        guard whole != 0 else {
            tenths = 0
            return
        }
        // (2·1000·part + whole) / (2·whole) on magnitudes: half-up without fractions.
        let numerator = 1000 * part.magnitude
        let denominator = whole.magnitude
        let rounded = Int((2 * numerator + denominator) / (2 * denominator))
        tenths = (part < 0) != (whole < 0) ? -rounded : rounded
    }

    /// A figure already in tenths (stored, or published and typed in): 353 is 35.3%.
    public init(tenths: Int) { self.tenths = tenths }

    /// "35.3", "100.0", "0.0", "-2.5".
    public var description: String { Percentage.oneDecimal(tenths, plusSign: false) }

    /// The change from `earlier` to `self` in percentage points, signed, one decimal
    /// ("+2.1", "-0.4", "0.0"), from the rounded figures as a report prints them.
    public func points(since earlier: Percentage) -> String {
        Percentage.oneDecimal(tenths - earlier.tenths, plusSign: true)
    }

    public static func < (a: Percentage, b: Percentage) -> Bool { a.tenths < b.tenths }

    private static func oneDecimal(_ tenths: Int, plusSign: Bool) -> String {
        let sign = tenths < 0 ? "-" : tenths > 0 && plusSign ? "+" : ""
        return "\(sign)\(tenths.magnitude / 10).\(tenths.magnitude % 10)"
    }
}
