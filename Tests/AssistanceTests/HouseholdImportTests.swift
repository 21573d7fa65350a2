import AssistanceDomain
import CivicDomain
import Testing

@Suite("Household import (社会救助对象名册)")
struct HouseholdImportTests {
    static let today = CivilDate("2026-07-01")!
    static let county = Fixtures.county

    static func id(_ text: String) -> ResidentID { try! ResidentID(text) }

    /// (field, reason) of every problem `parse` throws for `csv`.
    static func problems(_ csv: String, limit: Int = HouseholdImport.maxRows) -> [String] {
        Fixtures.problems { _ = try HouseholdImport.parse(csv, today: today, limit: limit) }
    }

    // Two households, five members: 张三 (head, 肢体二级, self-care assessed, 经营 500 元), 李四
    // (spouse, 转移 120 元), 张小 (child, not counted: 服刑); 王芳 (head, wage 1 800 元), 王小明 (child).
    static let good = """
        household_ref,division,area,hukou_address,actual_address,bank_account,case_worker,name,resident_id,sex,birth_date,relation,\
        counted,not_counted_reason,not_counted_note,disability_category,disability_grade,disability_card_number,work_ability,self_care,\
        employment,wage_fen,business_fen,transfer_fen
        HZ-001,431227,rural,通道县双江镇芋头村3组,,6217 0000 1234 5678,李明,张三,431227196003150012,男,1960-03-15,户主,,,,肢体,2级,\
        43122719600315001242,无,110101,务农,,50000,
        HZ-001,,,,,,,李四,431227196205200022,女,,配偶,是,,,,,,部分,,务农,,,12000
        HZ-001,,,,,,,张小,431227199001010036,,,子女,否,服刑,2024年起在监狱服刑,,,,,,,,,
        HZ-002,431227,urban,"通道县城关镇, 新街5号",县城新街5号,,李明,王芳,43122719850707004X,female,1985-07-07,head,,,,,,,able,,\
        灵活就业,180000,,0
        HZ-002,,,,,,,王小明,431227201503030053,男,,child,,,,,,,,,,,,

        """

    static let zhang = id("431227196003150012")
    static let li = id("431227196205200022")
    static let zhangXiao = id("431227199001010036")
    static let wang = id("43122719850707004X")
    static let wangXiao = id("431227201503030053")

    @Test func goodFileGivesExactHouseholds() throws {
        let imported = try HouseholdImport.parse(Self.good, today: Self.today)
        #expect(imported.map(\.ref) == ["HZ-001", "HZ-002"])
        #expect(imported.map(\.firstLine) == [2, 5])
        #expect(imported.map(\.memberLines) == [[2, 3, 4], [5, 6]])
        let first = Household(
            division: Self.county, area: .rural, hukouAddress: "通道县双江镇芋头村3组", bankAccount: "6217000012345678", caseWorker: "李明",
            members: [
                Member(
                    name: "张三", residentID: Self.zhang, relation: .head, disability: DisabilityCard(category: .physical, grade: 2),
                    disabilityCardNumber: "43122719600315001242", workAbility: .unable,
                    selfCare: SelfCareAssessment(
                        eating: true, dressing: true, gettingInOutOfBed: false, toilet: true, walkingIndoors: false, bathing: true),
                    employment: "务农"),
                Member(name: "李四", residentID: Self.li, relation: .spouse, workAbility: .partial, employment: "务农"),
                Member(
                    name: "张小", residentID: Self.zhangXiao, relation: .child, counted: false, notCountedReason: .inPrison,
                    notCountedNote: "2024年起在监狱服刑"),
            ],
            incomes: [
                IncomeLine(member: Self.zhang, category: .business, monthly: Fen(50000)),
                IncomeLine(member: Self.li, category: .transfer, monthly: Fen(12000)),
            ])
        let second = Household(
            division: Self.county, area: .urban, hukouAddress: "通道县城关镇, 新街5号", actualAddress: "县城新街5号", caseWorker: "李明",
            members: [
                Member(name: "王芳", residentID: Self.wang, relation: .head, workAbility: .able, employment: "灵活就业"),
                Member(name: "王小明", residentID: Self.wangXiao, relation: .child),
            ],
            incomes: [IncomeLine(member: Self.wang, category: .wage, monthly: Fen(180000))])
        #expect(imported[0].household == first)
        #expect(imported[1].household == second)
        #expect(imported.allSatisfy { $0.household.id.isEmpty && $0.household.assets.isEmpty })
        #expect(imported[0].household.members[0].selfCare?.level == .partiallyDependent)
        #expect(HouseholdImport.problems(Self.good, today: Self.today).isEmpty)
    }

    @Test func crlfByteOrderMarkAndLineBreakInAField() throws {
        let csv =
            "\u{FEFF}Household_Ref , DIVISION,area,hukou_address,name,resident_id,relation\r\n"
            + "H1,431227,农村,\"芋头村\r\n3组\",张三,431227196003150012,户主\r\n"
            + "H1,,,,李四,431227196205200022,配偶\r\n"
        let imported = try HouseholdImport.parse(csv, today: Self.today)
        #expect(imported.count == 1)
        #expect(imported[0].firstLine == 2)
        #expect(imported[0].memberLines == [2, 4])
        #expect(imported[0].household.hukouAddress == "芋头村\r\n3组")
        #expect(imported[0].household.area == .rural)
        #expect(imported[0].household.members.map(\.relation) == [.head, .spouse])
    }

    @Test func rowsOfAHouseholdNeedNotBeAdjacentAndChineseSpellingsRead() throws {
        let csv = """
            household_ref,division,area,hukou_address,name,resident_id,relation,work_ability,disability_category,disability_grade,\
            disability_card_number,serious_illness,unstable_income,card_held_by_official,custody_agreement_on_file
            A,431227,城市,新街1号,王芳,43122719850707004X,本人,有,,,,否,是,是,是
            B,431227,rural,芋头村,张三,431227196003150012,head,unable,视力残疾,一级,4312270001,yes,,,
            A,,,,王小明,431227201503030053,儿子,部分丧失劳动能力,intellectual,3,4312270002,TRUE,是,,
            """
        let imported = try HouseholdImport.parse(csv, today: Self.today)
        #expect(imported.map(\.ref) == ["A", "B"])
        #expect(imported.map(\.memberLines) == [[2, 4], [3]])
        let a = imported[0].household
        #expect(a.area == .urban && a.unstableIncome && a.cardHeldByOfficial && a.custodyAgreementOnFile)
        #expect(a.members.map(\.relation) == [.head, .child])
        #expect(a.members.map(\.workAbility) == [.able, .partial])
        #expect(a.members[1].disability == DisabilityCard(category: .intellectual, grade: 3))
        #expect(a.members.map(\.seriousIllness) == [false, true])
        let b = imported[1].household
        #expect(b.members[0].disability == DisabilityCard(category: .visual, grade: 1))
        #expect(b.members[0].disabilityCardNumber == "4312270001")
    }

    @Test func everyProblemByLine() {
        let csv = """
            household_ref,division,area,hukou_address,name,resident_id,sex,relation,counted,not_counted_reason,wage_fen
            H1,431227,rural,芋头村3组,张三,431227196003150012,男,户主,,,
            H1,,,,李四,431227196205200023,,配偶,,,
            H1,,,,张小,431227199001010036,女,子女,,,
            H1,,,,张老,43122719700101007X,,表亲,,,
            H2,431227,urban,新街5号,王芳,43122719850707004X,,户主,,,12.50
            H2,431228,,,王小明,431227201503030053,,子女,否,,
            H2,,,,王二,431227196003150012,,兄弟姐妹,,,
            H3,431227,rural,,,431227198008080112,,head,,,
            H3,,,,刘二,431227198209090122,,head,,,
            H4,43122,rural,某村,陈一,431227198803030130,,户主,,,-500
            H5,431227,rural,某村,赵一,431227199901010154,,child,,,
            ,431227,rural,某村,钱一,,,户主,,,
            """
        #expect(
            Self.problems(csv) == [
                "line 3: resident_id BAD_CHECK_DIGIT",
                "line 4: sex MISMATCH_ID",
                "line 5: relation UNKNOWN",
                "line 6: wage_fen INVALID",
                "line 7: division CONFLICT",
                "line 7: not_counted_reason REQUIRED",
                "line 8: resident_id DUPLICATE",
                "line 9: hukou_address REQUIRED",
                "line 9: relation TWO_HEADS",
                "line 9: name REQUIRED",
                "line 11: division BAD_LENGTH",
                "line 11: wage_fen NEGATIVE",
                "line 12: relation NO_HEAD",
                "line 13: household_ref REQUIRED",
                "line 13: resident_id REQUIRED",
            ])
        let errors = HouseholdImport.problems(csv, today: Self.today)
        let duplicate = errors.details.first { $0.reason == "DUPLICATE" }
        #expect(duplicate?.description == "line 8: the same resident ID number is on line 2")
        #expect(errors.details.allSatisfy { $0.description.hasPrefix("line ") })
        #expect(!errors.details.contains { $0.description.contains("431227") })
        #expect(errors.domainError.kind == .invalid)
    }

    @Test func registryProblemsLandOnTheirRowAndColumn() {
        let csv = """
            household_ref,division,area,hukou_address,bank_account,card_held_by_official,name,resident_id,relation,counted,\
            not_counted_reason,not_counted_note,disability_category,disability_grade,disability_card_number,self_care,work_ability
            H1,431227,rural,芋头村,12345,是,张三,431227196003150012,户主,,,,physical,5,X1,11011,
            H1,,,,,,张孙,431227202701010015,grandchild,否,其他,,,,,,
            H1,,,,,,李四,431227196205200022,配偶,,,,mental,2,,,能
            """
        #expect(
            Self.problems(csv) == [
                "line 2: self_care INVALID",
                "line 2: bank_account INVALID",
                "line 2: custody_agreement_on_file REQUIRED",
                "line 2: disability_grade BAD_GRADE",
                "line 3: resident_id BORN_IN_FUTURE",
                "line 3: not_counted_note REQUIRED",
                "line 4: work_ability UNKNOWN",
                "line 4: disability_card_number REQUIRED",
            ])
    }

    @Test func disabilityColumnsGoTogetherAndFlagsAreChecked() {
        let csv = """
            household_ref,division,area,hukou_address,name,resident_id,relation,disability_category,disability_grade,disability_card_number,\
            counted,birth_date,sex
            H1,431227,乡村,芋头村,张三,431227196003150012,户主,,,D1,也许,1960-3-15,M
            """
        #expect(
            Self.problems(csv) == [
                "line 2: area UNKNOWN",
                "line 2: sex INVALID",
                "line 2: birth_date INVALID",
                "line 2: counted INVALID",
                "line 2: disability_category REQUIRED",
                "line 2: disability_grade REQUIRED",
            ])
    }

    @Test func headerProblemsStopTheReading() {
        let csv = """
            household_ref,division,area,Name,name,resident_id,relation,colour
            H1,431227,rural,张三,张三,431227196003150013,户主,red
            """
        #expect(Self.problems(csv) == ["line 1 DUPLICATE_COLUMN", "line 1 UNKNOWN_COLUMN", "line 1 MISSING_COLUMN"])
        let missing = HouseholdImport.problems(csv, today: Self.today).details.last
        #expect(missing?.description == "line 1: the header lacks the column \"hukou_address\"")
    }

    @Test func rowWithTheWrongFieldCountIsRefusedWhole() {
        let csv = """
            household_ref,division,area,hukou_address,name,resident_id,relation
            H1,431227,rural,芋头村,张三,431227196003150012,户主,extra
            H1,,,,李四,431227196205200022,配偶
            H2,431227,rural,新街,,43122719850707004X,户主
            """
        // The first row of H1 (its head) is refused whole: H1 is not also told it has no head nor
        // that its household columns are missing; the other household is checked as usual.
        #expect(Self.problems(csv) == ["line 2 COLUMNS", "line 4: name REQUIRED"])
    }

    @Test func emptyFile() {
        #expect(Self.problems("") == ["content EMPTY"])
        #expect(Self.problems("\u{FEFF}") == ["content EMPTY"])
        #expect(Self.problems("household_ref,division,area,hukou_address,name,resident_id,relation\r\n\r\n,,\r\n") == ["content EMPTY"])
    }

    @Test func unclosedQuote() {
        let csv = "household_ref,division,area,hukou_address,name,resident_id,relation\nH1,431227,rural,\"芋头村,张三,431227196003150012,户主\n"
        #expect(Self.problems(csv) == ["line 2 UNCLOSED_QUOTE"])
    }

    @Test func rowLimit() throws {
        let csv = """
            household_ref,division,area,hukou_address,name,resident_id,relation
            H1,431227,rural,芋头村,张三,431227196003150012,户主
            H1,,,,李四,431227196205200022,配偶

            H2,431227,urban,新街,王芳,43122719850707004X,户主
            """
        #expect(HouseholdImport.maxRows == 50_000)
        #expect(Self.problems(csv, limit: 2) == ["content TOO_MANY"])
        // Blank rows do not count.
        #expect(try HouseholdImport.parse(csv, today: Self.today, limit: 3).map(\.memberLines) == [[2, 3], [5]])
    }

    @Test func wholeFenOnly() {
        let csv = """
            household_ref,division,area,hukou_address,name,resident_id,relation,wage_fen,business_fen,property_fen,transfer_fen,other_fen
            H1,431227,rural,芋头村,张三,431227196003150012,户主,1234.56,"1,000",+5, 12 ,0
            """
        #expect(Self.problems(csv) == ["line 2: wage_fen INVALID", "line 2: business_fen INVALID", "line 2: property_fen INVALID"])
    }

    @Test func everyIncomeCategoryInOrder() throws {
        let csv = """
            household_ref,division,area,hukou_address,name,resident_id,relation,other_fen,transfer_fen,property_fen,business_fen,wage_fen
            H1,431227,rural,芋头村,张三,431227196003150012,户主,5,4,3,2,1
            """
        let incomes = try HouseholdImport.parse(csv, today: Self.today)[0].household.incomes
        #expect(incomes.map(\.category) == [.wage, .business, .property, .transfer, .other])
        #expect(incomes.map(\.monthly) == [Fen(1), Fen(2), Fen(3), Fen(4), Fen(5)])
        #expect(incomes.allSatisfy { $0.source == .declared && $0.member == Self.zhang && !$0.excluded })
    }
}
