import CivicDomain
import Testing

/// The reason a credit code is refused with, or nil when it is accepted.
private func refusal(_ text: String, allow: Set<String> = []) -> String? {
    do {
        _ = try UnifiedSocialCreditCode(text, legacyAllowList: allow)
        return nil
    } catch let error as DomainError {
        return error.reason
    } catch {
        return "UNEXPECTED \(error)"
    }
}

/// The 31 characters of GB 32100-2015.
private let alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

@Suite("Unified social credit code (统一社会信用代码, GB 32100-2015)")
struct SocialCreditCodeTests {
    /// Codes published on business licences and public registers; their check characters also
    /// verify with an independent computation. Tencent (Shenzhen) and Huawei Technologies are
    /// market-regulation codes (91…); the 53100000… one is printed on the profile page of a
    /// foundation registered by the Ministry of Civil Affairs (登记管理机关：民政部).
    @Test(arguments: ["91440300708461136T", "914403001922038216", "53100000500019795A"])
    func publishedCodesVerify(text: String) throws {
        let code = try UnifiedSocialCreditCode(text)
        #expect(code.description == text)
        #expect(!code.isLegacyException)
    }

    @Test func partsAreRead() throws {
        let tencent = try UnifiedSocialCreditCode("91440300708461136T")
        #expect(tencent.registrationAuthority == "9")
        #expect(tencent.organizationType == "1")
        #expect(tencent.divisionCode == "440300")
        #expect(tencent.organizationCode == "708461136")
        #expect(tencent.civilAffairsType == nil)

        let foundation = try UnifiedSocialCreditCode("53100000500019795A")
        #expect(foundation.registrationAuthority == "5")
        #expect(foundation.organizationType == "3")
        #expect(foundation.divisionCode == "100000")  // national registration
        #expect(foundation.organizationCode == "500019795")
        #expect(foundation.civilAffairsType == .foundation)
    }

    /// Self-consistent fixtures: check characters computed by `checkCharacter(for:)` and,
    /// independently, by a few lines of Python over the same weights.
    @Test(arguments: [
        ("51310115MJ5000001", "J", UnifiedSocialCreditCode.CivilAffairsType.socialGroup),
        ("52310115MJ5000002", "J", .privateNonEnterprise),
        ("53110000500000001", "8", .foundation),
        ("5131011550000000Q", "0", .socialGroup),  // 31 − 0 = 31 → 0
        ("51310115500000003", "Y", .socialGroup),  // the last character of the alphabet
    ])
    func civilAffairsFixtures(first17: String, check: Character, type: UnifiedSocialCreditCode.CivilAffairsType) throws {
        #expect(UnifiedSocialCreditCode.checkCharacter(for: first17) == check)
        let code = try UnifiedSocialCreditCode(first17 + String(check))
        #expect(code.civilAffairsType == type)
        #expect(code.registrationAuthority == "5")
        #expect(!code.isLegacyException)
    }

    @Test func civilAffairsTypeOnlyForAuthorityFive() throws {
        let other = try UnifiedSocialCreditCode("59310115MJ5000001" + String(try #require(UnifiedSocialCreditCode.checkCharacter(for: "59310115MJ5000001"))))
        #expect(other.civilAffairsType == .other)
        let unknownType = "54310115MJ5000001"
        let unlisted = try UnifiedSocialCreditCode(unknownType + String(try #require(UnifiedSocialCreditCode.checkCharacter(for: unknownType))))
        #expect(unlisted.civilAffairsType == nil)
        let institution = try UnifiedSocialCreditCode("12100000400009127B")  // 机构编制: a public institution
        #expect(institution.registrationAuthority == "1")
        #expect(institution.organizationType == "2")
        #expect(institution.civilAffairsType == nil)
        #expect(UnifiedSocialCreditCode.CivilAffairsType.allCases.map(\.rawValue) == ["1", "2", "3", "9"])
    }

    @Test func lowercaseIsNormalised() throws {
        let lower = try UnifiedSocialCreditCode("91440300708461136t")
        #expect(lower.description == "91440300708461136T")
        #expect(lower == (try UnifiedSocialCreditCode("91440300708461136T")))
        let mixed = try UnifiedSocialCreditCode("51310115mj5000001j")
        #expect(mixed.description == "51310115MJ5000001J")
        #expect(UnifiedSocialCreditCode.checkCharacter(for: "51310115mj5000001") == "J")
    }

    @Test(arguments: ["", "9144030070846113", "91440300708461136", "91440300708461136TT", " 91440300708461136T", "91440300708461136T\n"])
    func badLength(text: String) {
        #expect(refusal(text) == "BAD_LENGTH")
    }

    @Test(arguments: [
        "9144030070846113IT", "9144030070846113OT", "9144030070846113ZT", "9144030070846113ST", "9144030070846113VT",
        "91440300708461136i",  // lower case of a forbidden letter is still forbidden
        "914403007084 1136T",
        "91440300-08461136T",
        "９１４４０３００７０８４６１１３６Ｔ",  // full-width
    ])
    func badCharacters(text: String) {
        #expect(refusal(text) == "BAD_CHARACTERS")
    }

    @Test(arguments: ["91A40300708461136T", "9144030A708461136T", "91MJ0300708461136T", "914403Y0708461136T"])
    func badDivisionCode(text: String) {
        #expect(refusal(text) == "BAD_DIVISION_CODE")
    }

    @Test(arguments: [
        "91440300708461136A", "914403001922038217", "53100000500019795B",
        "91440300708461163T",  // two characters swapped
        "51310115MJ5000001K",
    ])
    func badCheckCharacter(text: String) {
        #expect(refusal(text) == "BAD_CHECK_CHARACTER")
    }

    /// MOD 31 leaves exactly one accepted check character for any 17 characters.
    @Test(arguments: ["91440300708461136", "51310115MJ5000001", "Y1110000ABCDEFGHJ", "00000000000000000"])
    func exactlyOneCheckCharacterPasses(first17: String) {
        let accepted = alphabet.filter { refusal(first17 + String($0)) == nil }
        #expect(accepted.count == 1)
        #expect(accepted.first == UnifiedSocialCreditCode.checkCharacter(for: first17))
    }

    @Test func checkCharacterHelperRefusesWhatIsNotSeventeenOfTheAlphabet() {
        #expect(UnifiedSocialCreditCode.checkCharacter(for: "9144030070846113") == nil)
        #expect(UnifiedSocialCreditCode.checkCharacter(for: "914403007084611360") == nil)
        #expect(UnifiedSocialCreditCode.checkCharacter(for: "9144030070846113I") == nil)
        #expect(UnifiedSocialCreditCode.checkCharacter(for: "9144030070846113 ") == nil)
        #expect(UnifiedSocialCreditCode.checkCharacter(for: "91440300708461136") == "T")
    }

    @Test func allowListAcceptsAWrongCheckCharacterOnly() throws {
        let allow: Set<String> = ["51310115MJ5000001K", "51310115mj5000002a", "513A0115MJ5000003K", "5131011"]
        let legacy = try UnifiedSocialCreditCode("51310115MJ5000001K", legacyAllowList: allow)
        #expect(legacy.isLegacyException)
        #expect(legacy.description == "51310115MJ5000001K")  // kept as issued, not corrected
        #expect(legacy.civilAffairsType == .socialGroup)

        // Matching ignores case on both sides.
        #expect(try UnifiedSocialCreditCode("51310115mj5000001k", legacyAllowList: allow).isLegacyException)
        #expect(try UnifiedSocialCreditCode("51310115MJ5000002A", legacyAllowList: allow).isLegacyException)

        // Listed but wrong elsewhere: still refused for that.
        #expect(refusal("513A0115MJ5000003K", allow: allow) == "BAD_DIVISION_CODE")
        #expect(refusal("5131011", allow: allow) == "BAD_LENGTH")
        // Not listed: refused.
        #expect(refusal("51310115MJ5000009K", allow: allow) == "BAD_CHECK_CHARACTER")
        // Listed but actually correct: accepted as an ordinary code.
        let correct = try UnifiedSocialCreditCode("51310115MJ5000001J", legacyAllowList: ["51310115MJ5000001J"])
        #expect(!correct.isLegacyException)
        #expect(legacy != correct)
    }

    @Test func thrownErrorIsInvalidWithEmptyField() {
        let error = #expect(throws: DomainError.self) { try UnifiedSocialCreditCode("91440300708461136A") }
        #expect(error?.kind == .invalid)
        #expect(error?.problems.first?.field == "")
        #expect(error?.reason == "BAD_CHECK_CHARACTER")
    }

    @Test func validateCollectsUnderTheGivenField() {
        var errors = ValidationErrors()
        let good = UnifiedSocialCreditCode.validate("53100000500019795a", field: "organization.credit_code", into: &errors)
        #expect(good?.description == "53100000500019795A")
        #expect(errors.isEmpty)

        let legacy = UnifiedSocialCreditCode.validate(
            "51310115MJ5000001K", field: "line 3: credit_code", legacyAllowList: ["51310115MJ5000001K"], into: &errors)
        #expect(legacy?.isLegacyException == true)
        #expect(errors.isEmpty)

        #expect(UnifiedSocialCreditCode.validate("51310115MJ5000001K", field: "line 4: credit_code", into: &errors) == nil)
        #expect(UnifiedSocialCreditCode.validate("91O40300708461136T", field: "line 5: credit_code", into: &errors) == nil)
        #expect(errors.details.map(\.field) == ["line 4: credit_code", "line 5: credit_code"])
        #expect(errors.details.map(\.reason) == ["BAD_CHECK_CHARACTER", "BAD_CHARACTERS"])
    }
}
