import CivicDomain
import Testing

/// The reason a resident ID number is refused with, or nil when it is accepted.
private func refusal(_ text: String) -> String? {
    do {
        _ = try ResidentID(text)
        return nil
    } catch let error as DomainError {
        return error.reason
    } catch {
        return "UNEXPECTED \(error)"
    }
}

@Suite("Resident ID number (公民身份号码, GB 11643-1999)")
struct ResidentIDTests {
    /// The example printed in GB 11643-1999 itself: Beijing Chaoyang (110105), born
    /// 1949-12-31, sequence 002 (a woman), check character X.
    @Test func standardExampleIsAcceptedAndRead() throws {
        let id = try ResidentID("11010519491231002X")
        #expect(id.description == "11010519491231002X")
        #expect(id.divisionCode == "110105")
        #expect(id.birthYear == 1949)
        #expect(id.birthMonth == 12)
        #expect(id.birthDay == 31)
        #expect(id.sex == .female)
        #expect(id.masked == "110105********002X")
    }

    /// Numbers whose check characters were computed independently of the implementation
    /// (a few lines of Python over the same weights), so a mistake in the weights shows.
    @Test(arguments: [
        ("440304199001010011", 1990, 1, 1, Sex.male),
        ("110105200002290021", 2000, 2, 29, Sex.female),  // leap day of a leap century
        ("310115198003010036", 1980, 3, 1, Sex.male),
        ("11010519000101001X", 1900, 1, 1, Sex.male),  // the earliest accepted date
        ("440304200402291235", 2004, 2, 29, Sex.male),
        ("110105199003071239", 1990, 3, 7, Sex.male),
        ("110105199003071247", 1990, 3, 7, Sex.female),
        ("510107200012310003", 2000, 12, 31, Sex.female),  // check character 3 from remainder 10
    ])
    func validNumbers(text: String, year: Int, month: Int, day: Int, sex: Sex) throws {
        let id = try ResidentID(text)
        #expect(id.description == text)
        #expect(id.divisionCode == String(text.prefix(6)))
        #expect(id.birthYear == year)
        #expect(id.birthMonth == month)
        #expect(id.birthDay == day)
        #expect(id.sex == sex)
    }

    @Test func lowercaseXIsNormalisedToUppercase() throws {
        let lower = try ResidentID("11010519491231002x")
        let upper = try ResidentID("11010519491231002X")
        #expect(lower.description == "11010519491231002X")
        #expect(lower == upper)
        #expect(Set([lower, upper]).count == 1)
    }

    @Test(arguments: [
        "",
        "11010519491231002",  // 17
        "11010519491231002XX",  // 19
        "110105491231002",  // an old 15-digit number (一代证)
        "11010519491231002X ",  // trailing space: nothing is trimmed
        " 11010519491231002X",
    ])
    func badLength(text: String) {
        #expect(refusal(text) == "BAD_LENGTH")
    }

    @Test(arguments: [
        "1101051949123100XX",  // X only in the last place
        "X1010519491231002X",
        "11010519491231002Y",
        "110105 9491231002X",  // an inner space
        "1101051949-231002X",
        "１１０１０５１９４９１２３１００２Ｘ",  // full-width digits: 18 characters, not ASCII
        "11010519491231002\u{0130}",  // a non-ASCII letter in the check place
    ])
    func badCharacters(text: String) {
        #expect(refusal(text) == "BAD_CHARACTERS")
    }

    /// The birth date is judged before the check character, so these fail on the date
    /// whatever their last character.
    @Test(arguments: [
        "110105199002300010",  // 30 February
        "110105190002290010",  // 1900 is not a leap year
        "110105200102290010",
        "110105189912310010",  // before 1900-01-01
        "110105000001010010",
        "110105199013010010",  // month 13
        "110105199000010010",  // month 0
        "110105199001000010",  // day 0
        "110105199004310010",  // 31 April
        "110105199001320010",
    ])
    func badBirthDate(text: String) {
        #expect(refusal(text) == "BAD_BIRTH_DATE")
    }

    @Test(arguments: [
        "110105194912310020",  // the standard example with 0 for X
        "110105194912310021",
        "440304199001010012",
        "11010519900307123X",
        "110105199003071238",
        "210105199003071239",  // one digit changed in the body
        "110105199003071293",  // two adjacent digits swapped (…39 → …93)
    ])
    func badCheckDigit(text: String) {
        #expect(refusal(text) == "BAD_CHECK_DIGIT")
    }

    /// MOD 11-2 leaves exactly one accepted check character for any 17 digits.
    @Test(arguments: ["11010519491231002", "44030419900101001", "65010220231130999", "82000019000101000"])
    func exactlyOneCheckCharacterPasses(first17: String) {
        let accepted = "0123456789X".filter { refusal(first17 + String($0)) == nil }
        #expect(accepted.count == 1)
        #expect(accepted.first == ResidentID.checkCharacter(for: first17))
    }

    @Test func checkCharacterHelperRefusesNonDigits() {
        #expect(ResidentID.checkCharacter(for: "1101051949123100") == nil)
        #expect(ResidentID.checkCharacter(for: "1101051949123100A") == nil)
        #expect(ResidentID.checkCharacter(for: "11010519491231002") == "X")
    }

    @Test func thrownErrorIsInvalidWithEmptyFieldAndDoesNotRepeatTheNumber() {
        let error = #expect(throws: DomainError.self) { try ResidentID("110105194912310021") }
        #expect(error?.kind == .invalid)
        #expect(error?.problems.count == 1)
        #expect(error?.problems.first?.field == "")
        #expect(error?.problems.first?.reason == "BAD_CHECK_DIGIT")
        #expect(error?.description.contains("110105194912310021") == false)
        #expect(error?.description.contains("19491231") == false)
    }

    @Test func validateCollectsUnderTheGivenField() {
        var errors = ValidationErrors()
        let good = ResidentID.validate("11010519491231002x", field: "applicant.resident_id", into: &errors)
        #expect(good?.description == "11010519491231002X")
        #expect(errors.isEmpty)

        let bad = ResidentID.validate("110105199002300010", field: "applicant.resident_id", into: &errors)
        let short = ResidentID.validate("1101", field: "members[2].resident_id", into: &errors)
        #expect(bad == nil)
        #expect(short == nil)
        #expect(errors.details.map(\.field) == ["applicant.resident_id", "members[2].resident_id"])
        #expect(errors.details.map(\.reason) == ["BAD_BIRTH_DATE", "BAD_LENGTH"])
        #expect(errors.details.allSatisfy { !$0.description.isEmpty })
    }

    @Test func ageCountsFullYearsAndGoesUpOnTheBirthday() throws {
        let id = try ResidentID("11010519491231002X")  // born 1949-12-31
        #expect(id.age(onYear: 2024, month: 12, day: 30) == 74)
        #expect(id.age(onYear: 2024, month: 12, day: 31) == 75)
        #expect(id.age(onYear: 2025, month: 1, day: 1) == 75)
        #expect(id.age(onYear: 1949, month: 12, day: 31) == 0)
        #expect(id.age(onYear: 1949, month: 12, day: 30) == -1)  // before birth: negative

        let march = try ResidentID("310115198003010036")  // born 1980-03-01
        #expect(march.age(onYear: 2040, month: 2, day: 29) == 59)
        #expect(march.age(onYear: 2040, month: 3, day: 1) == 60)
    }

    @Test func leapDayBirthdayComesOnFirstMarchInCommonYears() throws {
        let id = try ResidentID("110105200002290021")  // born 2000-02-29
        #expect(id.age(onYear: 2001, month: 2, day: 28) == 0)
        #expect(id.age(onYear: 2001, month: 3, day: 1) == 1)
        #expect(id.age(onYear: 2004, month: 2, day: 28) == 3)
        #expect(id.age(onYear: 2004, month: 2, day: 29) == 4)
        #expect(id.age(onYear: 2060, month: 2, day: 29) == 60)
    }

    @Test func maskedKeepsSixAndFourWithExactlyEightStars() throws {
        for text in ["11010519491231002X", "440304199001010011", "510107200012310003"] {
            let masked = try ResidentID(text).masked
            #expect(masked.count == 18)
            #expect(masked.prefix(6) == text.prefix(6))
            #expect(masked.suffix(4) == text.suffix(4))
            #expect(masked.dropFirst(6).prefix(8) == "********")
        }
        #expect(try ResidentID("11010519491231002x").masked == "110105********002X")
    }

    @Test func sexFollowsTheParityOfTheSequence() throws {
        // Same person data, sequence 123 (odd) and 124 (even).
        #expect(try ResidentID("110105199003071239").sex == .male)
        #expect(try ResidentID("110105199003071247").sex == .female)
        #expect(Sex.male.rawValue == "male")
        #expect(Sex.female.rawValue == "female")
    }

    @Test func futureBirthDatesAreLeftToCallers() throws {
        // 2099-01-01 is a real date; whether it has happened yet needs a clock.
        let first17 = "11010520990101001"
        let check = try #require(ResidentID.checkCharacter(for: first17))
        let id = try ResidentID(first17 + String(check))
        #expect(id.birthYear == 2099)
    }
}
