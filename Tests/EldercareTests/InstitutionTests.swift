import CivicDomain
import EldercareDomain
import Testing

/// Shared fixtures of the register's tests (named apart from the supervision tests' fixtures).
enum ElderSamples {
    static let today = CivilDate("2026-07-01")!
    /// 安阳市文峰区.
    static let county = try! DivisionCode("410502")
    static let otherCounty = try! DivisionCode("410503")

    static func day(_ text: String) -> CivilDate { CivilDate(text)! }
    static func local(_ text: String) -> LocalDivisionCode { try! LocalDivisionCode(text) }

    /// A credit code with its check character computed from the first 17.
    static func code(_ first17: String) -> String { first17 + String(UnifiedSocialCreditCode.checkCharacter(for: first17)!) }

    static let homeCode = code("52410502MJ0000001")
    static let operatorCode = code("91410502MA0000002")

    static func institution(beds: Int = 120, status: InstitutionStatus = .operating, residents: Int = 80) -> Institution {
        Institution(
            id: "inst-1", name: "文峰区颐养院", creditCode: homeCode, ownership: .publicBuiltPrivatelyRun, nature: .nonProfit, operatorName: "安康养老服务有限公司",
            operatorCreditCode: operatorCode, chain: "安康", county: county, street: local("410502001"), community: local("410502001003"),
            address: "文峰大道1号", beds: beds, nursingBeds: 60, residents: residents, openedOn: day("2023-03-01"), filedOn: day("2023-03-10"),
            grade: .two, gradeValidUntil: day("2027-05-31"), medicalCare: MedicalCareAgreement(partner: "安阳市人民医院", signedOn: day("2024-01-05")),
            fireSafety: .passed,
            insurance: LiabilityInsurance(insurer: "人保财险", policyNumber: "P-1", validFrom: day("2026-01-01"), validUntil: day("2026-12-31")),
            status: status,
            operatorHistory: [OperatorPeriod(operatorName: "安康养老服务有限公司", operatorCreditCode: operatorCode, chain: "安康", from: day("2023-03-01"))])
    }

    /// (field, reason) of every problem a body throws.
    static func problems(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let errors as ValidationErrors {
            return errors.details.map { "\($0.field) \($0.reason)" }
        } catch let error as DomainError {
            return error.problems.map { "\($0.field) \($0.reason)" }
        } catch {
            return ["\(error)"]
        }
    }

    static func list(_ errors: ValidationErrors) -> [String] { errors.details.map { "\($0.field) \($0.reason)" } }
}

@Suite("Institutions (养老机构)")
struct InstitutionTests {
    typealias S = ElderSamples

    @Test func goodInstitutionHasNoProblemsAndIsNormalised() throws {
        #expect(InstitutionRules.problems(S.institution(), today: S.today).isEmpty)
        var lower = S.institution()
        lower.creditCode = S.homeCode.lowercased()
        let checked = try InstitutionRules.validated(lower, today: S.today)
        #expect(checked.creditCode == S.homeCode)
        #expect(S.institution().validGrade(on: S.day("2027-05-31")) == .two)
        #expect(S.institution().validGrade(on: S.day("2027-06-01")) == nil)
        #expect(S.institution().hasMedicalCare(on: S.today))
    }

    /// One record with twenty-one problems: all reported at once, in the validator's order.
    @Test func everyProblemReportedAtOnce() {
        var bad = S.institution(beds: 8, residents: -1)
        bad.name = "  "
        bad.address = String(repeating: "路", count: 201)
        bad.operatorName = ""
        bad.creditCode = "91410502MA"
        bad.operatorCreditCode = String(S.operatorCode.dropLast()) + (S.operatorCode.hasSuffix("0") ? "1" : "0")
        bad.nursingBeds = 9
        bad.street = S.local("410502001003")
        bad.community = S.local("410502001")
        bad.openedOn = S.day("2026-07-02")
        bad.filedOn = S.day("2026-08-01")
        bad.gradeValidUntil = nil
        bad.medicalCare = MedicalCareAgreement(partner: "", signedOn: S.day("2026-07-05"), expiresOn: S.day("2026-07-04"))
        bad.insurance = LiabilityInsurance(insurer: " ", policyNumber: "", validFrom: S.day("2026-01-01"), validUntil: S.day("2025-12-31"))
        bad.operatorHistory = [
            OperatorPeriod(operatorName: "", from: S.day("2020-01-01")),
            OperatorPeriod(operatorName: "X", from: S.day("2019-01-01"), until: S.day("2018-12-01")),
        ]
        #expect(
            S.list(InstitutionRules.problems(bad, today: S.today)) == [
                "name REQUIRED", "address TOO_LONG", "operator_name REQUIRED", "credit_code BAD_LENGTH", "operator_credit_code BAD_CHECK_CHARACTER",
                "beds BELOW_MINIMUM", "nursing_beds EXCEEDS_BEDS", "residents NEGATIVE", "street LEVEL_MISMATCH", "community LEVEL_MISMATCH",
                "opened_on IN_THE_FUTURE", "filed_on IN_THE_FUTURE", "grade_valid_until REQUIRED", "medical_care.partner REQUIRED",
                "medical_care.signed_on IN_THE_FUTURE", "medical_care.expires_on BEFORE_START", "insurance.insurer REQUIRED",
                "insurance.valid_until BEFORE_START", "operator_history[0].operator_name REQUIRED", "operator_history[1].until BEFORE_START",
                "operator_history[1].from OVERLAP",
            ])
    }

    @Test func otherReasons() {
        var publicHome = S.institution()
        publicHome.ownership = .publicRun
        publicHome.nature = .forProfit
        publicHome.beds = -1
        publicHome.nursingBeds = -1
        publicHome.residents = 0
        publicHome.street = S.local("410503001")
        publicHome.community = S.local("410502002001")
        publicHome.grade = nil
        publicHome.operatorHistory = [
            OperatorPeriod(operatorName: "A", from: S.day("2020-01-01"), until: S.day("2021-06-30")),
            OperatorPeriod(operatorName: "B", from: S.day("2021-06-30")),
        ]
        #expect(
            S.list(InstitutionRules.problems(publicHome, today: S.today)) == [
                "nature CONFLICT", "beds NEGATIVE", "nursing_beds NEGATIVE", "street NOT_IN_COUNTY", "community NOT_IN_STREET", "grade REQUIRED",
                "operator_history[1].from OVERLAP", "operator_history MISMATCH",
            ])

        var closed = S.institution(status: .closed, residents: 3)
        closed.creditCode = ""
        #expect(S.list(InstitutionRules.problems(closed, today: S.today)) == ["credit_code REQUIRED", "residents NOT_RESETTLED"])
        #expect(S.list(InstitutionRules.problems(S.institution(beds: 70, residents: 71), today: S.today)) == ["residents EXCEEDS_BEDS"])
    }

    @Test func streetAndCommunityCheckedAgainstTheDivisionsTable() throws {
        let table = try DivisionTable([
            DivisionRecord(code: "410502001", name: "东大街街道", level: .street, parent: "410502"),
            DivisionRecord(code: "410502001001", name: "一社区", level: .community, parent: "410502001"),
        ])
        #expect(
            S.list(InstitutionRules.problems(S.institution(), today: S.today, divisions: table)) == ["community UNKNOWN"])
        var elsewhere = S.institution()
        elsewhere.street = S.local("410502009")
        elsewhere.community = nil
        #expect(S.list(InstitutionRules.problems(elsewhere, today: S.today, divisions: table)) == ["street UNKNOWN"])
    }

    @Test func legacyCreditCodeOnlyWithTheAllowList() {
        var home = S.institution()
        home.creditCode = "91350100M0001TGQXM"
        #expect(S.list(InstitutionRules.problems(home, today: S.today)) == ["credit_code BAD_CHECK_CHARACTER"])
        #expect(InstitutionRules.problems(home, today: S.today, legacyCreditCodes: ["91350100M0001TGQXM"]).isEmpty)
    }

    // MARK: - The 10-bed rule

    @Test func tenBedsCountNineDoNot() {
        #expect(InstitutionRules.countsAsInstitution(S.institution(beds: 10, residents: 5)))
        #expect(!InstitutionRules.countsAsInstitution(S.institution(beds: 9, residents: 5)))
        var ten = S.institution(beds: 10, residents: 5)
        ten.nursingBeds = 4
        #expect(InstitutionRules.problems(ten, today: S.today).isEmpty)
        var nine = ten
        nine.beds = 9
        #expect(S.list(InstitutionRules.problems(nine, today: S.today)) == ["beds BELOW_MINIMUM"])
        // A closed place keeps its record whatever its beds.
        nine.status = .closed
        nine.residents = 0
        #expect(InstitutionRules.problems(nine, today: S.today).isEmpty)
    }

    @Test func minimumBedsIsConfigurable() {
        let twenty = InstitutionThresholds(minimumBeds: 20)
        var home = S.institution(beds: 19, residents: 5)
        home.nursingBeds = 0
        #expect(!InstitutionRules.countsAsInstitution(home, thresholds: twenty))
        #expect(S.list(InstitutionRules.problems(home, today: S.today, thresholds: twenty)) == ["beds BELOW_MINIMUM"])
        home.beds = 20
        #expect(InstitutionRules.countsAsInstitution(home, thresholds: twenty))
        #expect(InstitutionRules.problems(home, today: S.today, thresholds: twenty).isEmpty)
    }

    // MARK: - Status

    @Test func legalAndIllegalStatusMoves() throws {
        let legal: Set<[InstitutionStatus]> = [
            [.operating, .suspended], [.operating, .closing], [.suspended, .operating], [.suspended, .closing], [.closing, .closed],
        ]
        for from in InstitutionStatus.allCases {
            for to in InstitutionStatus.allCases {
                let home = S.institution(status: from, residents: 0)
                if legal.contains([from, to]) {
                    #expect(try InstitutionRules.transition(home, to: to).status == to)
                } else {
                    #expect(S.problems { _ = try InstitutionRules.transition(home, to: to) } == [" ILLEGAL_TRANSITION"], "\(from) → \(to)")
                }
            }
        }
    }

    @Test func closingWaitsForResettlement() throws {
        let closing = S.institution(status: .closing, residents: 2)
        #expect(S.problems { _ = try InstitutionRules.transition(closing, to: .closed) } == [" NOT_RESETTLED"])
        var empty = closing
        empty.residents = 0
        #expect(try InstitutionRules.transition(empty, to: .closed).status == .closed)
        #expect(!InstitutionStatus.closed.canMove(to: .operating))
    }

    // MARK: - Operator history

    @Test func operatorChangeKeepsTheHistoryAndTheRecord() throws {
        let home = S.institution()
        let changed = try InstitutionRules.changeOperator(home, to: "颐和养老集团", chain: "颐和", on: S.day("2026-07-01"))
        #expect(changed.id == home.id && changed.grade == home.grade && changed.filedOn == home.filedOn)
        #expect(changed.operatorName == "颐和养老集团" && changed.chain == "颐和" && changed.operatorCreditCode == "")
        #expect(
            changed.operatorHistory == [
                OperatorPeriod(
                    operatorName: "安康养老服务有限公司", operatorCreditCode: S.operatorCode, chain: "安康", from: S.day("2023-03-01"), until: S.day("2026-06-30")),
                OperatorPeriod(operatorName: "颐和养老集团", chain: "颐和", from: S.day("2026-07-01")),
            ])
        #expect(InstitutionRules.problems(changed, today: S.today).isEmpty)
        #expect(InstitutionRules.operatorOn(S.day("2026-06-30"), of: changed)?.operatorName == "安康养老服务有限公司")
        #expect(InstitutionRules.operatorOn(S.day("2026-07-01"), of: changed)?.operatorName == "颐和养老集团")
        #expect(InstitutionRules.operatorOn(S.day("2020-01-01"), of: changed) == nil)

        // A record loaded without history gets the outgoing operator's period first.
        var bare = home
        bare.operatorHistory = []
        let first = try InstitutionRules.changeOperator(bare, to: "新运营方", on: S.day("2026-01-01"))
        #expect(first.operatorHistory.map(\.operatorName) == ["安康养老服务有限公司", "新运营方"])
        #expect(first.operatorHistory[0].from == S.day("2023-03-01") && first.operatorHistory[0].until == S.day("2025-12-31"))
    }

    @Test func operatorChangeRefusals() {
        let home = S.institution()
        #expect(S.problems { _ = try InstitutionRules.changeOperator(home, to: " ", on: S.today) } == ["operator_name REQUIRED"])
        #expect(
            S.problems { _ = try InstitutionRules.changeOperator(home, to: "安康养老服务有限公司", creditCode: S.operatorCode, on: S.today) }
                == ["operator_name UNCHANGED"])
        #expect(S.problems { _ = try InstitutionRules.changeOperator(home, to: "新", on: S.day("2023-03-01")) } == ["on BEFORE_START"])
        let closed = S.institution(status: .closed, residents: 0)
        #expect(S.problems { _ = try InstitutionRules.changeOperator(closed, to: "新", on: S.today) } == [" CLOSED"])
    }
}

@Suite("Divisions table (区划表)")
struct DivisionTableTests {
    typealias S = ElderSamples

    @Test func goodTableAnswersByLevelAndScope() throws {
        let table = try DivisionTable([
            DivisionRecord(code: "410502001003", name: "三社区", level: .community, parent: "410502001"),  // before its parent
            DivisionRecord(code: "410502001", name: "东大街街道", level: .street, parent: "410502"),
            DivisionRecord(code: "410503100", name: "某镇", level: .township, parent: "410503"),
            DivisionRecord(code: "410503100201", name: "某村", level: .village, parent: "410503100"),
        ])
        #expect(table.divisions.count == 4)
        #expect(table.divisions(.community, in: S.county).map(\.name) == ["三社区"])
        #expect(table.divisions(.village).count == 1)
        #expect(table.divisions(.street, in: try DivisionCode("410500")).count == 1)
        #expect(table.children(of: S.local("410502001")).map(\.code) == [S.local("410502001003")])
        #expect(table.division(S.local("410503100"))?.county == S.otherCounty)
        // A 12-digit 乡级 code written with 000 is the 9-digit one.
        #expect(S.local("410502001000") == S.local("410502001"))
    }

    @Test func everyTableProblem() {
        let records = [
            DivisionRecord(code: "410502001", name: "东大街街道", level: .street, parent: "410502"),
            DivisionRecord(code: "410502001", name: "重复", level: .street, parent: "410502"),
            DivisionRecord(code: "410502001001", name: "", level: .community, parent: "410502009"),
            DivisionRecord(code: "410502001002", name: "二社区", level: .community, parent: "410502001001"),
            DivisionRecord(code: "410502001003", name: "三社区", level: .street, parent: "410502"),
            DivisionRecord(code: "410502002", name: "西街道", level: .street, parent: "410500"),
            DivisionRecord(code: "410502003", name: "南街道", level: .street, parent: "410502001"),
            DivisionRecord(code: "410503004", name: "北街道", level: .street, parent: "410502"),
            DivisionRecord(code: "410502004001", name: "四社区", level: .community, parent: "410502001"),
            DivisionRecord(code: "41050A001", name: "坏", level: .township, parent: ""),
        ]
        #expect(
            S.list(DivisionTable.problems(records)) == [
                "divisions[1].code DUPLICATE", "divisions[2].name REQUIRED", "divisions[4].code LEVEL_MISMATCH", "divisions[9].code BAD_CHARACTERS",
                "divisions[2].parent UNKNOWN_PARENT", "divisions[3].parent LEVEL_MISMATCH", "divisions[5].parent LEVEL_MISMATCH",
                "divisions[6].parent LEVEL_MISMATCH", "divisions[7].code NOT_UNDER_PARENT", "divisions[8].code NOT_UNDER_PARENT",
                "divisions[9].parent REQUIRED",
            ])
        #expect(S.problems { _ = try DivisionTable(records) }.count == 11)
        #expect(S.list(DivisionTable.problems([])) == ["divisions EMPTY"])
    }
}
