import CivicDomain
import OrganizationsDomain
import Testing

@Suite("Illegal organizations (非法社会组织) and community filings")
struct IllegalOrganizationTests {
    typealias S = OrgSamples

    static func lead(anonymous: Bool = true) throws -> IllegalOrganizationCase {
        try IllegalOrganizationCase(
            id: "C000001", nameUsed: "中国室内装修协会", activities: "以协会名义评奖收费", division: S.county,
            tipOff: TipOff(receivedOn: S.day("2026-09-01"), channel: .report, anonymous: anonymous, informant: "张三 13800000000"))
    }

    static func reason(_ body: () throws -> Void) -> String { S.problems(body).joined(separator: ", ") }

    @Test func anAnonymousTipOffKeepsNoInformant() throws {
        #expect(try Self.lead().tipOff.informant == "")
        #expect(try Self.lead(anonymous: false).tipOff.informant == "张三 13800000000")
        #expect(
            Self.reason {
                _ = try IllegalOrganizationCase(
                    id: "x", nameUsed: " ", division: S.county, tipOff: TipOff(receivedOn: S.day("2026-09-01"), channel: .phone, anonymous: true))
            } == "name_used REQUIRED")
    }

    /// Evidence comes before any outcome but 不属实; 移送 says to whom.
    @Test func verificationThenAnOutcomeWithEvidence() throws {
        var c = try Self.lead()
        #expect(Self.reason { try c.apply(.close(on: S.day("2026-09-02"), outcome: .dispersed, detail: "")) } == "state INVALID_STATE")
        try c.apply(.startVerification(on: S.day("2026-09-03")))
        #expect(Self.reason { try c.apply(.close(on: S.day("2026-09-04"), outcome: .banned, detail: "")) } == " NO_EVIDENCE")
        #expect(Self.reason { try c.apply(.addEvidence(CaseEvidence(on: S.day("2026-09-02"), description: "收费凭证", by: "王"))) } == "on BEFORE_LAST_STEP")
        try c.apply(.addEvidence(CaseEvidence(on: S.day("2026-09-05"), description: "收费凭证 3 张、活动照片", by: "王")))
        #expect(c.isPublishable)
        #expect(Self.reason { try c.apply(.close(on: S.day("2026-09-08"), outcome: .transferred, detail: "")) } == "detail REQUIRED")
        try c.apply(.close(on: S.day("2026-09-08"), outcome: .banned, detail: "移送执法支队立案"))
        #expect((c.state, c.outcome, c.closedOn) == (.closed, .banned, S.day("2026-09-08")))
        #expect(Self.reason { try c.apply(.startVerification(on: S.day("2026-09-09"))) } == "state INVALID_STATE")
    }

    @Test func anUnfoundedLeadClosesWithoutEvidenceAndIsNeverPublished() throws {
        var c = try Self.lead()
        #expect(Self.reason { try c.apply(.close(on: S.day("2026-09-02"), outcome: .unfounded, detail: "")) } == "detail REQUIRED")
        try c.apply(.close(on: S.day("2026-09-02"), outcome: .unfounded, detail: "系已登记的安阳市室内装饰协会"))
        #expect(c.isPublishable == false)
        #expect(
            Self.reason { _ = try SuspectedListBatch(number: "2026-1", title: "涉嫌非法社会组织名单（第一批）", publishedOn: S.day("2026-09-10"), cases: [c, c]) }
                == "case_ids NO_EVIDENCE, case_ids DUPLICATE, case_ids NO_EVIDENCE")
    }

    @Test func aBatchListsEvidencedCasesOnce() throws {
        var c = try Self.lead()
        try c.apply(.startVerification(on: S.day("2026-09-03")))
        try c.apply(.addEvidence(CaseEvidence(on: S.day("2026-09-05"), description: "宣传册", by: "王")))
        let batch = try SuspectedListBatch(number: "2026-1", title: "涉嫌非法社会组织名单（第一批）", publishedOn: S.day("2026-09-10"), cases: [c])
        #expect(batch.entries.map(\.nameUsed) == ["中国室内装修协会"])
        c.publishedInBatch = batch.number
        #expect(
            Self.reason { _ = try SuspectedListBatch(number: "2026-2", title: "", publishedOn: S.day("2026-10-10"), cases: [c]) }
                == "case_ids ALREADY_PUBLISHED")
        #expect(
            Self.reason { _ = try SuspectedListBatch(number: " ", title: "", publishedOn: S.day("2026-10-10"), cases: []) }
                == "number REQUIRED, case_ids REQUIRED")
        // A registrar lists what acts in its own area.
        var elsewhere = try Self.lead()
        elsewhere.division = try DivisionCode("410503")
        try elsewhere.apply(.startVerification(on: S.day("2026-09-03")))
        try elsewhere.apply(.addEvidence(CaseEvidence(on: S.day("2026-09-05"), description: "宣传册", by: "王")))
        #expect(
            Self.reason { _ = try SuspectedListBatch(number: "2026-3", title: "", publishedOn: S.day("2026-10-10"), cases: [elsewhere], publisher: S.county) }
                == "case_ids OUTSIDE_DIVISION")
        let published = try SuspectedListBatch(
            number: " 2026-3 ", title: "", publishedOn: S.day("2026-10-10"), cases: [elsewhere], publisher: try DivisionCode("410500"))
        #expect((published.number, published.entries.map(\.division)) == ("2026-3", [try DivisionCode("410503")]))
    }

    @Test func communityFilingsUseTheConfiguredCategories() throws {
        let filing = CommunityOrganizationFiling(
            name: "东关社区夕阳红舞蹈队", category: "文体活动", community: "410502001003", county: S.county, members: 24, filedOn: S.day("2026-09-01"))
        #expect(S.list(filing.problems(categories: .standard, today: S.day("2026-09-22"))).isEmpty)
        var bad = filing
        bad.category = "养老服务"
        bad.community = "410503001003"
        bad.members = -1
        bad.filedOn = S.day("2026-09-23")
        #expect(
            S.list(bad.problems(categories: .standard, today: S.day("2026-09-22")))
                == ["category UNKNOWN", "community OUTSIDE_COUNTY", "members NEGATIVE", "filed_on IN_THE_FUTURE"])
        // Six categories in S001's practice: the list is configuration.
        let six = CommunityCategories(names: CommunityCategories.standard.names + ["养老服务", "邻里互助"])
        #expect(S.list(bad.problems(categories: six, today: S.day("2026-09-23"))) == ["community OUTSIDE_COUNTY", "members NEGATIVE"])
        #expect(Self.reason { _ = try CommunityCategories(names: ["生活服务", "生活服务", " "]).validated() } == "categories BLANK, categories DUPLICATE")
        bad.community = "41050200100"
        #expect(S.list(bad.problems(categories: six, today: S.day("2026-09-23"))).first == "community BAD_FORM")
    }

    /// S001: 123 party organizations among 307 registered bodies = 40.1 %.
    @Test func partyCoverageOfAnyang() {
        #expect(Percentage(123, of: 307).description == "40.1")
    }
}
