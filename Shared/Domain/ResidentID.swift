import Foundation

/// A person's sex as the resident ID number records it (性别).
public enum Sex: String, Sendable, Hashable, CaseIterable {
    case male
    case female
}

/// An 18-character citizen identity number (公民身份号码, GB 11643-1999), checked on the way
/// in so that every stored number is at least well-formed: 6-digit address code (the division
/// where it was first issued, possibly since abolished), 8-digit birth date YYYYMMDD, 3-digit
/// sequence (odd for men, even for women) and an ISO 7064 MOD 11-2 check character.
///
/// The old 15-digit numbers (一代证) are refused with "BAD_LENGTH": they were replaced in 2013.
/// A birth date in the future cannot be judged without a clock, so callers that know "today"
/// check it themselves. Error messages never repeat the number: it is personal information
/// and error messages end up in logs.
///
/// `description` is the full number (for storage); show people `masked`.
public struct ResidentID: Sendable, Hashable, CustomStringConvertible {
    /// The 18 characters, check character upper-case.
    private let text: String

    /// The number as stored and compared, with a lower-case x normalised to X.
    public var description: String { text }

    /// Throws `DomainError.invalid` (field "") with reason "BAD_LENGTH", "BAD_CHARACTERS",
    /// "BAD_BIRTH_DATE" or "BAD_CHECK_DIGIT". Nothing is trimmed: a space is a bad character.
    public init(_ text: String) throws {
        switch ResidentID.parse(text) {
        case .success(let id): self = id
        case .failure(let problem): throw DomainError.invalid(problem.message, field: "", reason: problem.reason)
        }
    }

    private init(normalized: String) { text = normalized }

    /// The collecting form for validators: records the problem under `field` and returns nil
    /// instead of throwing, so a form reports all its problems at once.
    public static func validate(_ text: String, field: String, into errors: inout ValidationErrors) -> ResidentID? {
        switch parse(text) {
        case .success(let id): return id
        case .failure(let problem):
            errors.add(field, problem.reason, problem.message)
            return nil
        }
    }

    /// The address code (地址码): the division where the number was issued, as text because
    /// the division may no longer exist under that code.
    public var divisionCode: String { String(text.prefix(6)) }

    public var birthYear: Int { digits(6, 4) }
    public var birthMonth: Int { digits(10, 2) }
    public var birthDay: Int { digits(12, 2) }

    /// From the parity of the sequence code (顺序码): odd for men, even for women.
    public var sex: Sex { digits(16, 1) % 2 == 1 ? .male : .female }

    /// Full years (周岁) on the given date: the age goes up on the birthday itself, and someone
    /// born on 29 February goes up on 1 March in a common year. A date before the birth date
    /// gives a negative number. The date is not checked; rules that count from the day after
    /// the birthday (as criminal law does) adjust on their side.
    public func age(onYear year: Int, month: Int, day: Int) -> Int {
        let years = year - birthYear
        return (month, day) < (birthMonth, birthDay) ? years - 1 : years
    }

    /// First 6 and last 4 characters with exactly 8 stars between ("110105********002X"):
    /// enough for a clerk to tell records apart on screens and in logs.
    public var masked: String { text.prefix(6) + String(repeating: "*", count: 8) + text.suffix(4) }

    // MARK: - Parsing

    struct Problem: Error {
        let reason: String
        let message: String
    }

    /// ISO 7064 MOD 11-2 weights for positions 1–17 (2^(18−i) mod 11).
    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    /// The check character for each remainder of the weighted sum mod 11.
    private static let checkCharacters: [UInt8] = Array("10X98765432".utf8)

    /// The check character for the first 17 digits, or nil when they are not 17 ASCII digits.
    /// For building test fixtures (never for "repairing" a number a person gave).
    public static func checkCharacter(for first17: String) -> Character? {
        let bytes = Array(first17.utf8)
        guard bytes.count == 17, bytes.allSatisfy(isDigit) else { return nil }
        return Character(UnicodeScalar(checkByte(bytes)))
    }

    private static func checkByte(_ bytes: [UInt8]) -> UInt8 {
        var sum = 0
        for i in 0..<17 { sum += Int(bytes[i] - UInt8(ascii: "0")) * weights[i] }
        return checkCharacters[sum % 11]
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    static func parse(_ input: String) -> Result<ResidentID, Problem> {
        guard input.count == 18 else {
            return .failure(Problem(reason: "BAD_LENGTH", message: "a resident ID number has 18 characters, this one has \(input.count)"))
        }
        // 18 characters that are all ASCII are 18 bytes; anything else fails the character check.
        var bytes = Array(input.utf8)
        if bytes.count == 18, bytes[17] == UInt8(ascii: "x") { bytes[17] = UInt8(ascii: "X") }
        guard bytes.count == 18, bytes[0..<17].allSatisfy(isDigit), isDigit(bytes[17]) || bytes[17] == UInt8(ascii: "X") else {
            return .failure(Problem(reason: "BAD_CHARACTERS", message: "a resident ID number is 17 digits followed by a digit or X"))
        }
        func number(_ start: Int, _ count: Int) -> Int {
            bytes[start..<(start + count)].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        let year = number(6, 4)
        let month = number(10, 2)
        let day = number(12, 2)
        guard year >= 1900, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else {
            return .failure(Problem(reason: "BAD_BIRTH_DATE", message: "the birth date in the resident ID number does not exist or is before 1900"))
        }
        guard checkByte(bytes) == bytes[17] else {
            return .failure(Problem(reason: "BAD_CHECK_DIGIT", message: "the resident ID number's check character does not match: a character is mistyped"))
        }
        return .success(ResidentID(normalized: String(decoding: bytes, as: UTF8.self)))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// A decimal field of the (already validated) number.
    private func digits(_ start: Int, _ count: Int) -> Int {
        text.utf8.dropFirst(start).prefix(count).reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}

/// Encoded as its 18 characters (snapshots stored as JSON); decoding checks it again.
extension ResidentID: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
