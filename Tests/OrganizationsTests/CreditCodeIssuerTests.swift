import CivicDomain
import OrganizationsDomain
import Testing

@Suite("Issuing credit codes on approval")
struct CreditCodeIssuerTests {
    typealias S = OrgSamples

    /// The problems' "field REASON" pairs of a thrown DomainError or ValidationErrors.
    static func problems(_ body: () throws -> Void) -> [String] { S.problems(body) }

    static func wenfeng() throws -> CreditCodeIssuer { try CreditCodeIssuer(registrarDivision: S.county) }

    /// The check characters below were computed by hand from GB 32100's weights.
    @Test func issuesWithTheCheckCharacter() throws {
        let issuer = try Self.wenfeng()
        let code = try issuer.issue(type: .socialGroup, serial: 1)
        #expect(code.description == "51410502MJ00000014")
        #expect(code.description == S.calligraphy().creditCode)
        #expect(!code.isLegacyException)
        // Parsed again from its text it validates, and reads as a 民政 社会团体 code of 文峰区.
        let parsed = try UnifiedSocialCreditCode(code.description)
        #expect(parsed.registrationAuthority == "5")
        #expect(parsed.civilAffairsType == .socialGroup)
        #expect(parsed.divisionCode == "410502")
        #expect(parsed.organizationCode == "MJ0000001")
        #expect(try issuer.issue(type: .socialGroup, serial: 1234).description == "51410502MJ00012343")
        #expect(try issuer.issue(type: .socialGroup, serial: 9_999_999).description == "51410502MJ9999999Y")
    }

    @Test func theTypeCharacterFollowsTheType() throws {
        let issuer = try Self.wenfeng()
        #expect(try issuer.issue(type: .privateNonEnterprise, serial: 2).description == "52410502MJ00000024")
        #expect(try issuer.issue(type: .foundation, serial: 3).description == "53410502MJ00000034")
        for type in OrganizationType.allCases {
            let code = try issuer.issue(type: type, serial: 77)
            #expect(code.civilAffairsType == type.creditCodeType)
            #expect(S.list(OrganizationRules.problems(withCode(code.description, type: type), today: S.day("2026-09-22"))).isEmpty)
        }
    }

    func withCode(_ code: String, type: OrganizationType) -> Organization {
        var o = S.calligraphy()
        o.creditCode = code
        o.type = type
        if type == .foundation { o.foundationKind = .nonPublicFundraising }
        return o
    }

    /// 民政部 registers under 100000, which is no province: the issuer takes it as six digits.
    @Test func nationalAndOtherPrefixes() throws {
        let ministry = try CreditCodeIssuer(registrarDivision: "100000")
        #expect(try ministry.issue(type: .foundation, serial: 1).description == "53100000MJ0000001Y")
        let allDigits = try CreditCodeIssuer(registrarDivision: "410502", serialPrefix: "")
        #expect(allDigits.serialDigits == 9)
        #expect(allDigits.maximumSerial == 999_999_999)
        #expect(try allDigits.issue(type: .socialGroup, serial: 1).description == "51410502000000001G")
        let lower = try CreditCodeIssuer(registrarDivision: "410502", serialPrefix: "a1")
        #expect(lower.serialPrefix == "A1")
        #expect(lower.maximumSerial == 9_999_999)
        #expect(try lower.issue(type: .socialGroup, serial: 42).description == "51410502A10000042B")
    }

    @Test func serialsOutOfRange() throws {
        let issuer = try Self.wenfeng()
        #expect(issuer.maximumSerial == 9_999_999)
        #expect(Self.problems { _ = try issuer.issue(type: .socialGroup, serial: 0) } == ["serial OUT_OF_RANGE"])
        #expect(Self.problems { _ = try issuer.issue(type: .socialGroup, serial: -5) } == ["serial OUT_OF_RANGE"])
        #expect(Self.problems { _ = try issuer.issue(type: .socialGroup, serial: 10_000_000) } == ["serial SERIALS_EXHAUSTED"])
        do {
            _ = try issuer.issue(type: .socialGroup, serial: 10_000_000)
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.kind == .resourceExhausted)
        }
        let long = try CreditCodeIssuer(registrarDivision: "410502", serialPrefix: "MJ12345")
        #expect(long.maximumSerial == 99)
        #expect(try long.issue(type: .socialGroup, serial: 99).organizationCode == "MJ1234599")
        #expect(Self.problems { _ = try long.issue(type: .socialGroup, serial: 100) } == ["serial SERIALS_EXHAUSTED"])
    }

    @Test func badConfiguration() {
        #expect(Self.problems { _ = try CreditCodeIssuer(registrarDivision: "410502", serialPrefix: "MI") } == ["serial_prefix BAD_CHARACTERS"])
        #expect(Self.problems { _ = try CreditCodeIssuer(registrarDivision: "410502", serialPrefix: "SO") } == ["serial_prefix BAD_CHARACTERS"])
        #expect(Self.problems { _ = try CreditCodeIssuer(registrarDivision: "410502", serialPrefix: "民政") } == ["serial_prefix BAD_CHARACTERS"])
        #expect(Self.problems { _ = try CreditCodeIssuer(registrarDivision: "410502", serialPrefix: "MJ123456") } == ["serial_prefix TOO_LONG"])
        #expect(Self.problems { _ = try CreditCodeIssuer(registrarDivision: "41050", serialPrefix: "MJ") } == ["registrar_division BAD_DIVISION_CODE"])
        #expect(
            Self.problems { _ = try CreditCodeIssuer(registrarDivision: "41050X", serialPrefix: "Z-12345678") } == [
                "registrar_division BAD_DIVISION_CODE", "serial_prefix BAD_CHARACTERS", "serial_prefix TOO_LONG",
            ])
    }

    /// The sequence is seeded from the register's highest serial under this prefix.
    @Test func readsTheSerialBack() throws {
        let issuer = try Self.wenfeng()
        #expect(issuer.serial(of: try issuer.issue(type: .foundation, serial: 4321)) == 4321)
        #expect(issuer.serial(of: try UnifiedSocialCreditCode(S.code("51410502MJ0000001"))) == 1)
        // Another registrar, another prefix, an old organization code, not 民政: none.
        #expect(issuer.serial(of: try UnifiedSocialCreditCode(S.code("51410500MJ0000001"))) == nil)
        #expect(issuer.serial(of: try UnifiedSocialCreditCode(S.code("51410502MA0000001"))) == nil)
        #expect(issuer.serial(of: try UnifiedSocialCreditCode(S.code("51410502MJ00000A1"))) == nil)
        #expect(issuer.serial(of: try UnifiedSocialCreditCode(S.code("91410502MJ0000001"))) == nil)
    }
}
