import CivicDomain
import EldercareDomain
import Testing

@Suite("Institution import (养老机构名册)")
struct InstitutionImportTests {
    typealias S = ElderSamples
    static let codeA = S.code("52410502MJ0000011")
    static let codeB = S.code("91410502MA0000012")
    static let codeC = S.code("12410502MB0000013")

    static func problems(_ csv: String, registered: Set<String> = [], limit: Int = InstitutionImport.maxRows) -> [String] {
        S.problems { _ = try InstitutionImport.parse(csv, today: S.today, registered: registered, limit: limit) }
    }

    static var good: String {
        """
        name,credit_code,ownership,nature,operator_name,county,street,community,beds,nursing_beds,residents,opened_on,filed_on,grade,\
        grade_valid_until,medical_partner,medical_signed_on,fire_safety,insurer,insurance_from,insurance_until,status
        文峰区颐养院,\(codeA.lowercased()),公建民营,公益性,安康养老服务有限公司,410502,410502001,410502001003,120,60,80,2023-03-01,2023-03-10,二级,\
        2027-05-31,安阳市人民医院,2024-01-05,合格,人保财险,2026-01-01,2026-12-31,运营
        "北关老年公寓, 东院",\(codeB),privately_run,for_profit,,410502,,,10,,,,,,,,,,,,,

        """
    }

    @Test func goodFileGivesExactInstitutions() throws {
        let imported = try InstitutionImport.parse(Self.good, today: S.today)
        #expect(imported.map(\.line) == [2, 3])
        let first = imported[0].institution
        #expect(
            first
                == Institution(
                    name: "文峰区颐养院", creditCode: Self.codeA, ownership: .publicBuiltPrivatelyRun, nature: .nonProfit, operatorName: "安康养老服务有限公司",
                    county: S.county, street: S.local("410502001"), community: S.local("410502001003"), beds: 120, nursingBeds: 60, residents: 80,
                    openedOn: S.day("2023-03-01"), filedOn: S.day("2023-03-10"), grade: .two, gradeValidUntil: S.day("2027-05-31"),
                    medicalCare: MedicalCareAgreement(partner: "安阳市人民医院", signedOn: S.day("2024-01-05")), fireSafety: .passed,
                    insurance: LiabilityInsurance(insurer: "人保财险", policyNumber: "", validFrom: S.day("2026-01-01"), validUntil: S.day("2026-12-31"))))
        #expect(
            imported[1].institution
                == Institution(name: "北关老年公寓, 东院", creditCode: Self.codeB, ownership: .privatelyRun, nature: .forProfit, county: S.county, beds: 10))
        #expect(InstitutionImport.problems(Self.good, today: S.today).isEmpty)
    }

    /// Six bad rows and one good: every problem by line and column, nothing imported.
    @Test func severalBadLinesAllReported() {
        let csv = """
            name,credit_code,ownership,nature,operator_name,county,street,beds,nursing_beds,opened_on,grade,grade_valid_until,medical_partner,\
            medical_signed_on,fire_safety,status
            好机构,\(Self.codeA),民办,公益性,,410502,,30,,,,,,,,
            ,123,集体办,公益性,,410502,,9,,2026-13-01,六级,,,,火险,运营
            第三家,\(Self.codeA),公办,经营性,,999999,,abc,5,,3,,医院,,,
            第四家,\(Self.codeC),公建民营,公益性,,410502,410503001,20,25,2027-01-01,,2027-01-01,,2025-01-01,,停业整顿
            第五家,\(Self.codeB),民办,公益性,,410502,,20

            第七家,\(Self.codeB),民办,公益性,,410502,,,,,,,,,,
            """
        #expect(
            Self.problems(csv, registered: [Self.codeB]) == [
                "line 3: name REQUIRED", "line 3: ownership UNKNOWN", "line 3: opened_on INVALID", "line 3: grade INVALID", "line 3: fire_safety UNKNOWN",
                "line 3: credit_code BAD_LENGTH", "line 3: beds BELOW_MINIMUM",
                "line 4: county UNKNOWN_PROVINCE", "line 4: beds INVALID", "line 4: medical_signed_on REQUIRED", "line 4: credit_code DUPLICATE",
                "line 4: nature CONFLICT", "line 4: grade_valid_until REQUIRED",
                "line 5: medical_partner REQUIRED", "line 5: operator_name REQUIRED", "line 5: nursing_beds EXCEEDS_BEDS", "line 5: street NOT_IN_COUNTY",
                "line 5: opened_on IN_THE_FUTURE",
                "line 5: grade REQUIRED",
                "line 6 COLUMNS",
                "line 8: beds REQUIRED", "line 8: credit_code ALREADY_REGISTERED",
            ])
    }

    @Test func problemDescriptionsNameTheLine() throws {
        let csv = "name,credit_code,ownership,nature,county,beds\n院,\(Self.codeA),民办,公益性,410502,8\n"
        do {
            _ = try InstitutionImport.parse(csv, today: S.today)
            Issue.record("imported a place with 8 beds")
        } catch let errors as ValidationErrors {
            #expect(errors.details.count == 1)
            #expect(errors.details[0].field == "line 2: beds")
            #expect(errors.details[0].description.hasPrefix("line 2: beds: a place counts as an institution with at least 10 beds"))
        }
        // The bed minimum follows configuration.
        #expect(try InstitutionImport.parse(csv, today: S.today, thresholds: InstitutionThresholds(minimumBeds: 8)).count == 1)
    }

    @Test func wholeFileProblems() {
        #expect(Self.problems("") == ["content EMPTY"])
        #expect(Self.problems("name,credit_code,ownership,nature,county,beds\n\n") == ["content EMPTY"])
        #expect(
            Self.problems("name,credit_code,ownership,nature,county,beds,beds,colour\n")
                == ["line 1 DUPLICATE_COLUMN", "line 1 UNKNOWN_COLUMN"])
        #expect(Self.problems("name,ownership,nature,county\n") == ["line 1 MISSING_COLUMN", "line 1 MISSING_COLUMN"])
        #expect(Self.problems("name,credit_code,ownership,nature,county,beds\n\"院,x,民办,公益性,410502,10\n") == ["line 2 UNCLOSED_QUOTE"])
        let three = "name,credit_code,ownership,nature,county,beds\n" + String(repeating: "院,x,民办,公益性,410502,10\n", count: 3)
        #expect(Self.problems(three, limit: 2) == ["content TOO_MANY"])
    }
}
