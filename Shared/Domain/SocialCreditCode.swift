import Foundation

/// An 18-character unified social credit code (统一社会信用代码, GB 32100-2015), the one
/// number every legal person and organisation carries: registration authority (登记管理部门),
/// organisation type (机构类别), 6-digit division code (登记管理机关行政区划码), 9-character
/// organisation code (主体标识码) and a MOD 31 check character, all from a 31-character
/// alphabet without I, O, Z, S and V (they look like 1, 0, 2, 5 and U).
///
/// The division part is only checked to be digits, not against the province list: bodies
/// registered nationally carry 100000 (民政部-registered foundations start "53100000").
///
/// Real registers hold some codes issued with a wrong check character; the bureau lists them
/// in configuration, and a listed code that fails only its check character is accepted with
/// `isLegacyException` set, so it can be flagged rather than refused.
public struct UnifiedSocialCreditCode: Sendable, Hashable, CustomStringConvertible {
    /// The types a civil-affairs authority ('5', 民政) registers (position 2).
    public enum CivilAffairsType: Character, Sendable, Hashable, CaseIterable {
        /// 社会团体
        case socialGroup = "1"
        /// 民办非企业单位 (社会服务机构)
        case privateNonEnterprise = "2"
        /// 基金会
        case foundation = "3"
        /// 其他
        case other = "9"
    }

    /// The 18 characters, upper-case.
    private let text: String

    /// True for a code accepted only because the allow-list holds it: its check character is
    /// wrong. Such codes are kept as issued, never "corrected".
    public let isLegacyException: Bool

    public var description: String { text }

    /// Throws `DomainError.invalid` (field "") with reason "BAD_LENGTH", "BAD_CHARACTERS",
    /// "BAD_DIVISION_CODE" or "BAD_CHECK_CHARACTER". Lower case is accepted and upper-cased;
    /// nothing is trimmed. `legacyAllowList` holds codes (any case) whose wrong check character
    /// is tolerated.
    public init(_ text: String, legacyAllowList: Set<String> = []) throws {
        switch UnifiedSocialCreditCode.parse(text, legacyAllowList: legacyAllowList) {
        case .success(let code): self = code
        case .failure(let problem): throw DomainError.invalid(problem.message, field: "", reason: problem.reason)
        }
    }

    private init(normalized: String, isLegacyException: Bool) {
        text = normalized
        self.isLegacyException = isLegacyException
    }

    /// The collecting form for validators: records the problem under `field` and returns nil.
    public static func validate(
        _ text: String, field: String, legacyAllowList: Set<String> = [], into errors: inout ValidationErrors
    ) -> UnifiedSocialCreditCode? {
        switch parse(text, legacyAllowList: legacyAllowList) {
        case .success(let code): return code
        case .failure(let problem):
            errors.add(field, problem.reason, problem.message)
            return nil
        }
    }

    /// Position 1: '1' 机构编制, '5' 民政, '9' 市场监管 (工商), 'Y' 其他, …
    public var registrationAuthority: Character { text[text.startIndex] }

    /// Position 2: what kind of body within its authority (for 民政 see `civilAffairsType`).
    public var organizationType: Character { text[text.index(after: text.startIndex)] }

    /// Positions 3–8: where it was registered (100000 for national registration).
    public var divisionCode: String { String(text.dropFirst(2).prefix(6)) }

    /// Positions 9–17: the organisation code (主体标识码, the old 组织机构代码 for bodies that had one).
    public var organizationCode: String { String(text.dropFirst(8).prefix(9)) }

    /// The kind of social organisation for a civil-affairs code; nil when the authority is
    /// not '5' or the type is not one of the four.
    public var civilAffairsType: CivilAffairsType? {
        registrationAuthority == "5" ? CivilAffairsType(rawValue: organizationType) : nil
    }

    /// The check character for the first 17 characters (any case), or nil when they are not
    /// 17 characters of the alphabet. For building test fixtures and for telling a clerk what
    /// the check character would be.
    public static func checkCharacter(for first17: String) -> Character? {
        let bytes = Array(first17.utf8)
        guard bytes.count == 17 else { return nil }
        var values: [Int] = []
        for b in bytes {
            guard let v = value(of: b) else { return nil }
            values.append(v)
        }
        return Character(UnicodeScalar(alphabet[checkValue(values)]))
    }

    // MARK: - Parsing

    struct Problem: Error {
        let reason: String
        let message: String
    }

    /// The code's alphabet; a character's index is its value.
    private static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    /// Weights for positions 1–17 (3^(i−1) mod 31).
    private static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The value of an upper- or lower-case character of the alphabet.
    private static func value(of byte: UInt8) -> Int? {
        let upper = byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte
        return alphabet.firstIndex(of: upper)
    }

    private static func checkValue(_ values: [Int]) -> Int {
        var sum = 0
        for i in 0..<17 { sum += values[i] * weights[i] }
        let check = 31 - sum % 31
        return check == 31 ? 0 : check
    }

    static func parse(_ input: String, legacyAllowList: Set<String>) -> Result<UnifiedSocialCreditCode, Problem> {
        guard input.count == 18 else {
            return .failure(Problem(reason: "BAD_LENGTH", message: "a unified social credit code has 18 characters, this one has \(input.count)"))
        }
        let bytes = Array(input.utf8)
        var values: [Int] = []
        values.reserveCapacity(18)
        for b in bytes {
            guard let v = value(of: b) else { break }
            values.append(v)
        }
        guard bytes.count == 18, values.count == 18 else {
            return .failure(
                Problem(
                    reason: "BAD_CHARACTERS",
                    message: "a unified social credit code uses digits and capital letters other than I, O, Z, S and V"))
        }
        let normalized = String(decoding: values.map { alphabet[$0] }, as: UTF8.self)
        guard values[2..<8].allSatisfy({ $0 < 10 }) else {
            return .failure(Problem(reason: "BAD_DIVISION_CODE", message: "characters 3 to 8 of \(normalized) must be a 6-digit division code"))
        }
        guard checkValue(values) == values[17] else {
            if legacyAllowList.contains(normalized) || legacyAllowList.contains(where: { $0.uppercased() == normalized }) {
                return .success(UnifiedSocialCreditCode(normalized: normalized, isLegacyException: true))
            }
            return .failure(
                Problem(
                    reason: "BAD_CHECK_CHARACTER",
                    message: "the check character of \(normalized) does not match the other 17: a character is mistyped"))
        }
        return .success(UnifiedSocialCreditCode(normalized: normalized, isLegacyException: false))
    }
}
