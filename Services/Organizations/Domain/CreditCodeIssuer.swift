import CivicDomain

/// Issues the 统一社会信用代码 a body receives on approval (成立登记), from the registrar's configured
/// prefix (RULES.md §0.3, GB 32100-2015):
///
///     5 | type (1 社会团体, 2 民办非企业单位, 3 基金会) | registrar's 6-digit division | 主体标识码 (9) | check
///
/// The 主体标识码 of a new body is a configured serial prefix followed by a zero-padded serial
/// number (DEFAULT, a decision: "MJ" + 7 digits, as the bureau's codes read 51410502MJ0000001…). The
/// prefix keeps a registrar's new codes apart from codes carried over from old 组织机构代码, which
/// are 8 digits and a check digit. Serial numbers start at 1; the store keeps the sequence (one per
/// registrar, shared by the three types, so the 主体标识码 alone is unique) and passes the next
/// number: issuing is pure.
///
/// The check character comes from `UnifiedSocialCreditCode.checkCharacter(for:)`, and the result is
/// parsed back, so an issued code always validates.
public struct CreditCodeIssuer: Sendable, Hashable {
    /// The registrar's division in the code (100000 for 民政部), 6 ASCII digits.
    public let registrarDivision: String
    /// The 主体标识码's leading characters, upper case, from the code alphabet.
    public let serialPrefix: String

    /// The code's alphabet (GB 32100: no I, O, S, V, Z).
    static let alphabet = Set("0123456789ABCDEFGHJKLMNPQRTUWXY")

    /// Checks the configuration. Throws `DomainError.invalid` with every problem:
    /// - "registrar_division" BAD_DIVISION_CODE: not 6 ASCII digits;
    /// - "serial_prefix" BAD_CHARACTERS: a character outside the code alphabet (I, O, S, V, Z and
    ///   anything not a digit or a Latin letter); lower case is upper-cased first;
    /// - "serial_prefix" TOO_LONG: more than 7 characters, which would leave fewer than 2 digits for
    ///   the serial number.
    public init(registrarDivision: String, serialPrefix: String = "MJ") throws {
        var errors = ValidationErrors()
        let digits = registrarDivision.utf8
        if digits.count != 6 || !digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            errors.add("registrar_division", "BAD_DIVISION_CODE", "the registrar's division is 6 digits (100000 for 民政部), not \"\(registrarDivision)\"")
        }
        let prefix = serialPrefix.uppercased()
        if !prefix.allSatisfy({ Self.alphabet.contains($0) }) {
            errors.add(
                "serial_prefix", "BAD_CHARACTERS", "the serial prefix \"\(serialPrefix)\" uses digits and capital letters other than I, O, S, V and Z")
        }
        if prefix.count > 7 {
            errors.add("serial_prefix", "TOO_LONG", "the serial prefix has at most 7 characters, leaving at least 2 digits for the serial number")
        }
        try errors.check()
        self.registrarDivision = registrarDivision
        self.serialPrefix = prefix
    }

    /// The same from a checked division code.
    public init(registrarDivision: DivisionCode, serialPrefix: String = "MJ") throws {
        try self.init(registrarDivision: registrarDivision.description, serialPrefix: serialPrefix)
    }

    /// How many digits the serial number has (9 − the prefix's length).
    public var serialDigits: Int { 9 - serialPrefix.count }

    /// The largest serial number this configuration can issue (9 999 999 for "MJ").
    public var maximumSerial: Int {
        var value = 1
        for _ in 0..<serialDigits { value *= 10 }
        return value - 1
    }

    /// The code for a body of `type` with serial number `serial`. Throws:
    /// - `DomainError.invalid` "serial" OUT_OF_RANGE for a serial below 1;
    /// - `DomainError.resourceExhausted` "serial" SERIALS_EXHAUSTED above `maximumSerial`: the
    ///   registrar needs a new prefix.
    public func issue(type: OrganizationType, serial: Int) throws -> UnifiedSocialCreditCode {
        guard serial >= 1 else {
            throw DomainError.invalid("serial numbers start at 1, not \(serial)", field: "serial", reason: "OUT_OF_RANGE")
        }
        guard serial <= maximumSerial else {
            throw DomainError.resourceExhausted(
                "serial \(serial) needs more than the \(serialDigits) digits the prefix \(serialPrefix) leaves (at most \(maximumSerial))",
                field: "serial", reason: "SERIALS_EXHAUSTED")
        }
        let number = String(serial)
        let first17 =
            "5" + String(type.creditCodeType.rawValue) + registrarDivision + serialPrefix + String(repeating: "0", count: serialDigits - number.count) + number
        guard let check = UnifiedSocialCreditCode.checkCharacter(for: first17) else {
            // Unreachable: the configuration and the serial were checked.
            throw DomainError.invalid("cannot compute a check character for \(first17)", field: "serial", reason: "OUT_OF_RANGE")
        }
        return try UnifiedSocialCreditCode(first17 + String(check))
    }

    /// The serial number in `code` when this issuer could have issued it (a 民政 code of this
    /// registrar with this prefix and digits after it), else nil: for seeding the sequence from the
    /// register's highest number.
    public func serial(of code: UnifiedSocialCreditCode) -> Int? {
        guard code.registrationAuthority == "5", code.divisionCode == registrarDivision, code.organizationCode.hasPrefix(serialPrefix) else {
            return nil
        }
        let digits = code.organizationCode.dropFirst(serialPrefix.count)
        guard digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }
}
