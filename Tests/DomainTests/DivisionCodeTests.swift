import CivicDomain
import Testing

/// The reason a division code is refused with, or nil when it is accepted.
private func refusal(_ text: String) -> String? {
    do {
        _ = try DivisionCode(text)
        return nil
    } catch let error as DomainError {
        return error.reason
    } catch {
        return "UNEXPECTED \(error)"
    }
}

private func code(_ text: String) throws -> DivisionCode { try DivisionCode(text) }

@Suite("Administrative division code (行政区划代码, GB/T 2260)")
struct DivisionCodeTests {
    @Test(arguments: [
        ("110000", DivisionCode.Level.province),  // 北京市
        ("110100", .prefecture),  // 北京市市辖区
        ("110105", .county),  // 朝阳区
        ("310115", .county),  // 上海市浦东新区
        ("440300", .prefecture),  // 深圳市
        ("440304", .county),  // 福田区
        ("429004", .county),  // 仙桃市, a county-level city under the province
        ("650000", .province),
        ("710000", .province), ("810000", .province), ("820000", .province),
    ])
    func levels(text: String, level: DivisionCode.Level) throws {
        let division = try code(text)
        #expect(division.description == text)
        #expect(division.level == level)
    }

    @Test func provinceAndPrefectureParts() throws {
        let chaoyang = try code("110105")
        #expect(chaoyang.province == (try code("110000")))
        #expect(chaoyang.prefecture == (try code("110100")))
        let shenzhen = try code("440300")
        #expect(shenzhen.province.description == "440000")
        #expect(shenzhen.prefecture == shenzhen)
        let guangdong = try code("440000")
        #expect(guangdong.province == guangdong)
        #expect(guangdong.prefecture == guangdong)
        #expect(chaoyang.province.level == .province)
        #expect(chaoyang.prefecture.level == .prefecture)
    }

    @Test func containment() throws {
        let guangdong = try code("440000")
        let shenzhen = try code("440300")
        let futian = try code("440304")
        let guangzhou = try code("440100")
        let tianhe = try code("440106")
        let beijing = try code("110000")
        let chaoyang = try code("110105")

        // Every code contains itself.
        for c in [guangdong, shenzhen, futian, guangzhou, tianhe, beijing, chaoyang] { #expect(c.contains(c)) }
        // A province contains its prefectures and counties.
        #expect(guangdong.contains(shenzhen))
        #expect(guangdong.contains(futian))
        #expect(guangdong.contains(tianhe))
        #expect(!guangdong.contains(chaoyang))
        #expect(!guangdong.contains(beijing))
        // A prefecture contains its counties, not its province or its neighbours.
        #expect(shenzhen.contains(futian))
        #expect(!shenzhen.contains(tianhe))
        #expect(!shenzhen.contains(guangzhou))
        #expect(!shenzhen.contains(guangdong))
        // A county contains only itself.
        #expect(!futian.contains(shenzhen))
        #expect(!futian.contains(guangdong))
        #expect(!futian.contains(try code("440305")))
    }

    @Test func orderIsNumeric() throws {
        let sorted = try ["440304", "110105", "440000", "110000", "820000", "440300"].map(code).sorted()
        #expect(sorted.map(\.description) == ["110000", "110105", "440000", "440300", "440304", "820000"])
        #expect(try code("110000") < code("110100"))
        #expect(try !(code("110100") < code("110100")))
    }

    @Test func everyListedProvinceIsAccepted() throws {
        let provinces = [
            "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
            "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
            "71", "81", "82",
        ]
        #expect(DivisionCode.provinceCodes == Set(provinces))
        for p in provinces {
            #expect(try code(p + "0000").level == .province)
        }
        // Every other two-digit prefix is refused.
        for n in 0..<100 {
            let prefix = n < 10 ? "0\(n)" : "\(n)"
            if !provinces.contains(prefix) { #expect(refusal(prefix + "0101") == "UNKNOWN_PROVINCE", "\(prefix)") }
        }
    }

    @Test(arguments: ["", "11010", "1101050", "110105 ", " 110105", "1101051"])
    func badLength(text: String) {
        #expect(refusal(text) == "BAD_LENGTH")
    }

    @Test(arguments: ["11010A", "11 105", "-11010", "11010.", "１１０１０５", "11010\u{0665}"])
    func badCharacters(text: String) {
        #expect(refusal(text) == "BAD_CHARACTERS")
    }

    /// 100000 is the "national" division of credit codes, not a province.
    @Test(arguments: ["000000", "100000", "160000", "830000", "990000", "700000"])
    func unknownProvince(text: String) {
        #expect(refusal(text) == "UNKNOWN_PROVINCE")
    }

    @Test func thrownErrorIsInvalidWithEmptyField() {
        let error = #expect(throws: DomainError.self) { try DivisionCode("990000") }
        #expect(error?.kind == .invalid)
        #expect(error?.problems.first?.field == "")
        #expect(error?.reason == "UNKNOWN_PROVINCE")
    }

    @Test func validateCollectsUnderTheGivenField() {
        var errors = ValidationErrors()
        #expect(DivisionCode.validate("310115", field: "division", into: &errors)?.description == "310115")
        #expect(errors.isEmpty)
        #expect(DivisionCode.validate("31011", field: "division", into: &errors) == nil)
        #expect(DivisionCode.validate("31011x", field: "members[1].division", into: &errors) == nil)
        #expect(DivisionCode.validate("910115", field: "members[2].division", into: &errors) == nil)
        #expect(errors.details.map(\.field) == ["division", "members[1].division", "members[2].division"])
        #expect(errors.details.map(\.reason) == ["BAD_LENGTH", "BAD_CHARACTERS", "UNKNOWN_PROVINCE"])
    }
}
