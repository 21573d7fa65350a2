import Foundation

/// A 6-digit administrative division code (行政区划代码, GB/T 2260): two digits of province
/// (省级), two of prefecture (地级), two of county (县级). Records and keys are scoped by it, so
/// "does this district belong to that city" is a string-prefix question answered here once.
///
/// Only the province part is checked against a list: prefectures and counties are created,
/// merged and renumbered every year, and old records keep the code they were made under.
public struct DivisionCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Which tier a code names, read from its trailing zeros.
    public enum Level: String, Sendable, Hashable, CaseIterable {
        /// 省级: last four digits 0000 (110000).
        case province
        /// 地级: last two digits 00 (110100).
        case prefecture
        /// 县级 (110105).
        case county
    }

    /// The first two digits of every province-level division, including Taiwan (71), Hong Kong
    /// (81) and Macao (82).
    public static let provinceCodes: Set<String> = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82",
    ]

    private let text: String

    public var description: String { text }

    /// Throws `DomainError.invalid` (field "") with reason "BAD_LENGTH", "BAD_CHARACTERS" or
    /// "UNKNOWN_PROVINCE". Nothing is trimmed.
    public init(_ text: String) throws {
        switch DivisionCode.parse(text) {
        case .success(let code): self = code
        case .failure(let problem): throw DomainError.invalid(problem.message, field: "", reason: problem.reason)
        }
    }

    private init(checked: String) { text = checked }

    /// The collecting form for validators: records the problem under `field` and returns nil.
    public static func validate(_ text: String, field: String, into errors: inout ValidationErrors) -> DivisionCode? {
        switch parse(text) {
        case .success(let code): return code
        case .failure(let problem):
            errors.add(field, problem.reason, problem.message)
            return nil
        }
    }

    /// The province this code lies in (first two digits + 0000).
    public var province: DivisionCode { DivisionCode(checked: String(text.prefix(2)) + "0000") }

    /// The prefecture this code lies in (first four digits + 00); a province's own code for a
    /// province.
    public var prefecture: DivisionCode { DivisionCode(checked: String(text.prefix(4)) + "00") }

    public var level: Level {
        if text.hasSuffix("0000") { return .province }
        if text.hasSuffix("00") { return .prefecture }
        return .county
    }

    /// Whether `other` lies within this division: a province contains its prefectures and
    /// counties, a prefecture its counties, and every code contains itself.
    public func contains(_ other: DivisionCode) -> Bool {
        switch level {
        case .province: other.text.hasPrefix(text.prefix(2))
        case .prefecture: other.text.hasPrefix(text.prefix(4))
        case .county: other.text == text
        }
    }

    /// Numeric order, which for six digits is the order of the text.
    public static func < (a: DivisionCode, b: DivisionCode) -> Bool { a.text < b.text }

    // MARK: - Parsing

    struct Problem: Error {
        let reason: String
        let message: String
    }

    static func parse(_ input: String) -> Result<DivisionCode, Problem> {
        guard input.count == 6 else {
            return .failure(Problem(reason: "BAD_LENGTH", message: "a division code has 6 digits, this one has \(input.count) characters"))
        }
        let bytes = Array(input.utf8)
        guard bytes.count == 6, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .failure(Problem(reason: "BAD_CHARACTERS", message: "a division code is 6 ASCII digits"))
        }
        guard provinceCodes.contains(String(input.prefix(2))) else {
            return .failure(Problem(reason: "UNKNOWN_PROVINCE", message: "division code \(input) does not start with a province code (11 to 82)"))
        }
        return .success(DivisionCode(checked: input))
    }
}

/// Encoded as its six digits (snapshots stored as JSON); decoding checks it again.
extension DivisionCode: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
