import CivicDomain
import OrganizationsDomain
import Testing

@Suite("The register of social organizations")
struct OrganizationRulesTests {
    typealias S = OrgSamples
    static let today = S.day("2026-09-22")

    func problems(_ o: Organization, legacy: Set<String> = []) -> [String] {
        S.list(OrganizationRules.problems(o, today: Self.today, legacyCreditCodes: legacy))
    }

    @Test func aCompleteRegistrationPasses() {
        #expect(problems(S.calligraphy()).isEmpty)
    }

    /// The code's type character must match the type: a '3' code is a 基金会's, a '9' code is
    /// 市场监管's, not 民政's.
    @Test func theCreditCodeMatchesTheType() {
        var o = S.calligraphy()
        o.creditCode = S.code("53410502MJ0000001")
        #expect(problems(o) == ["credit_code TYPE_MISMATCH"])
        o.type = .foundation
        o.foundationKind = .nonPublicFundraising
        #expect(problems(o).isEmpty)
        o.creditCode = S.code("91410502MA0000012")
        #expect(problems(o) == ["credit_code NOT_CIVIL_AFFAIRS"])
        var wrongCheck = S.calligraphy()
        wrongCheck.creditCode = String(S.calligraphy().creditCode.dropLast()) + (S.calligraphy().creditCode.hasSuffix("0") ? "1" : "0")
        #expect(problems(wrongCheck) == ["credit_code BAD_CHECK_CHARACTER"])
        // A code issued with a wrong check character and listed as such is kept.
        #expect(problems(wrongCheck, legacy: [wrongCheck.creditCode.lowercased()]).isEmpty)
    }

    @Test func everyProblemAtOnce() {
        var o = S.calligraphy()
        o.name = " "
        o.sponsor = ""
        o.isTradeAssociation = false
        o.foundationKind = .publicFundraising
        o.funds = Fen(-1)
        o.unitMembers = -2
        o.division = S.city
        o.registeredOn = S.day("2026-09-23")
        #expect(
            problems(o) == [
                "name REQUIRED", "sponsor REQUIRED", "foundation_kind NOT_A_FOUNDATION", "funds NEGATIVE", "unit_members NEGATIVE",
                "division NOT_A_COUNTY", "registered_on IN_THE_FUTURE",
            ])
        var trade = S.calligraphy()
        trade.type = .privateNonEnterprise
        trade.creditCode = S.code("52410502MJ0000001")
        trade.isTradeAssociation = true
        trade.directlyRegistrable = true
        #expect(problems(trade) == ["sponsor NOT_EMPTY", "is_trade_association NOT_A_SOCIAL_GROUP"])
    }

    @Test func statusMovesAndHistory() throws {
        var o = S.calligraphy()
        try o.move(to: .activitiesSuspended, on: S.day("2026-03-01"), document: "文民罚〔2026〕3号", reason: "限期停止活动 3 个月")
        try o.move(to: .registered, on: S.day("2026-06-01"))
        #expect(o.history.map { "\($0.from?.rawValue ?? "-")→\($0.to.rawValue)" } == ["registered→activities_suspended", "activities_suspended→registered"])
        #expect(o.registeredOn == S.day("2019-04-10"))
        #expect(throws: DomainError.self) { try o.move(to: .preparing, on: S.day("2026-07-01")) }
        #expect(throws: DomainError.self) { try o.move(to: .revoked, on: S.day("2026-05-31")) }
        try o.move(to: .deregistered, on: S.day("2026-09-01"), reason: "清算完毕")
        #expect(o.status == .deregistered)
        #expect(OrganizationStatus.deregistered.next.isEmpty)
        #expect(throws: DomainError.self) { try o.move(to: .registered, on: S.day("2026-09-02")) }
    }
}
