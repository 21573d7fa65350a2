import CivicDomain
import OrganizationsDomain
import Testing

@Suite("Zombie clean-up (僵尸型社会组织清理)")
struct ZombieCleanupTests {
    typealias S = OrgSamples
    static let rules = try! ZombieRules()

    static func day(_ text: String) -> CivilDate { S.day(text) }

    static func facts(
        _ id: String = "O000001", type: OrganizationType = .socialGroup, status: OrganizationStatus = .registered, registered: String = "2022-04-10",
        years: Set<Int> = [2023, 2024, 2025], activity: String? = "2022-05-01", unreachable: Bool = false
    ) -> ZombieFacts {
        ZombieFacts(
            organizationID: id, type: type, status: status, registeredOn: day(registered), annualInspectionYears: years, firstActivityOn: activity.map(day),
            unreachable: unreachable)
    }

    static func reasons(_ body: () throws -> Void) -> String { S.reasons(body) }

    // MARK: - Triggers

    /// Work year Y's 年检 is due 5/31 of Y+1 (基金会 3/31); the registration year is not required; the
    /// latest two due years both missing fire the trigger.
    @Test func missedAnnualInspectionsTwoYearsRunning() {
        let f = Self.facts(years: [2023])
        #expect(Self.rules.dueYears(f, on: Self.day("2026-05-31")) == [2023, 2024])
        #expect(Self.rules.dueYears(f, on: Self.day("2026-06-01")) == [2023, 2024, 2025])
        #expect(Self.rules.candidate(f, on: Self.day("2026-05-31")) == nil)
        let c = Self.rules.candidate(f, on: Self.day("2026-06-01"))
        #expect(c?.triggers == [.missedAnnualInspections])
        #expect(c?.missedYears == [2024, 2025])
        #expect(c?.score == 1)
        // Missed long ago, filed since: not a zombie.
        #expect(Self.rules.candidate(Self.facts(years: [2025]), on: Self.day("2026-06-01")) == nil)
        // A foundation's year is due 3/31.
        let foundation = Self.facts(type: .foundation, years: [2023])
        #expect(Self.rules.candidate(foundation, on: Self.day("2026-03-31")) == nil)
        #expect(Self.rules.candidate(foundation, on: Self.day("2026-04-01"))?.missedYears == [2024, 2025])
        // Three missed years run back to the last one filed.
        #expect(Self.rules.candidate(Self.facts(years: []), on: Self.day("2026-06-01"))?.missedYears == [2023, 2024, 2025])
    }

    /// 社团 §29 / 基金会 §41: no activity within 12 months of registration (the last day counts as
    /// within); 民非 has no such rule by default.
    @Test func noActivityInTheFirstYear() {
        let dormant = Self.facts(registered: "2025-03-10", years: [], activity: nil)
        #expect(Self.rules.candidate(dormant, on: Self.day("2026-03-10")) == nil)
        let c = Self.rules.candidate(dormant, on: Self.day("2026-03-11"))
        #expect(c?.triggers == [.noActivityFirstYear])
        #expect(c?.activityWindowEnd == Self.day("2026-03-10"))
        #expect(Self.rules.candidate(Self.facts(registered: "2025-03-10", years: [], activity: "2026-03-10"), on: Self.day("2026-06-01")) == nil)
        #expect(
            Self.rules.candidate(Self.facts(registered: "2025-03-10", years: [], activity: "2026-03-11"), on: Self.day("2026-06-01"))?.triggers == [
                .noActivityFirstYear
            ])
        #expect(
            Self.rules.candidate(
                Self.facts(type: .foundation, registered: "2025-03-10", years: [], activity: nil), on: Self.day("2026-03-11"))?.triggers == [
                    .noActivityFirstYear
                ])
        #expect(
            Self.rules.candidate(Self.facts(type: .privateNonEnterprise, registered: "2025-03-10", years: [], activity: nil), on: Self.day("2026-06-01")) == nil
        )
    }

    /// The score counts the triggers; inactive bodies are never candidates; `minimumScore` raises the bar.
    @Test func scoreAndUnreachable() throws {
        let all = Self.facts(registered: "2022-04-10", years: [], activity: nil, unreachable: true)
        let c = Self.rules.candidate(all, on: Self.day("2026-06-01"))
        #expect(c?.triggers == [.missedAnnualInspections, .noActivityFirstYear, .unreachable])
        #expect(c?.score == 3)
        #expect(Self.rules.candidate(Self.facts(unreachable: true), on: Self.day("2026-06-01"))?.triggers == [.unreachable])
        #expect(Self.rules.candidate(Self.facts(), on: Self.day("2026-06-01")) == nil)
        #expect(Self.rules.candidate(Self.facts(status: .revoked, years: []), on: Self.day("2026-06-01")) == nil)
        #expect(Self.rules.candidate(Self.facts(status: .activitiesSuspended, years: []), on: Self.day("2026-06-01")) != nil)

        let strict = try ZombieRules(policy: ZombiePolicy(minimumScore: 2))
        #expect(strict.candidate(Self.facts(unreachable: true), on: Self.day("2026-06-01")) == nil)
        #expect(
            strict.candidates([Self.facts("A", years: [], unreachable: true), Self.facts("B", unreachable: true)], on: Self.day("2026-06-01")).map(
                \.organizationID) == ["A"])

        // From the register and the credit lists: unreachable from two returned letters.
        let credit = try CreditListRules()
        var history = CreditHistory(organizationID: "O000001")
        for event: CreditEvent in [
            .letterSent(id: "L1", on: Self.day("2026-03-02"), trackingNumber: ""), .letterReturned(id: "L1", on: Self.day("2026-03-09")),
            .letterSent(id: "L2", on: Self.day("2026-04-01"), trackingNumber: ""), .letterReturned(id: "L2", on: Self.day("2026-04-08")),
        ] { try credit.record(event, in: &history) }
        let fromRegister = ZombieFacts(
            organization: S.calligraphy(), annualInspectionYears: [2020, 2021, 2022, 2023, 2024, 2025], firstActivityOn: Self.day("2019-05-01"),
            unreachable: try credit.status(of: history, on: Self.day("2026-06-01")).isUnreachable)
        #expect(Self.rules.candidate(fromRegister, on: Self.day("2026-06-01"))?.triggers == [.unreachable])
    }

    @Test func policyValidation() {
        let bad = ZombiePolicy(
            consecutiveMissedYears: 0, annualReportDueMonth: 2, annualReportDueDay: 29, socialGroupDormancyMonths: 0, showCauseDays: 0, minimumScore: 4)
        #expect(
            S.list(bad.problems()) == [
                "consecutive_missed_years NOT_POSITIVE", "show_cause_days NOT_POSITIVE", "social_group_dormancy_months NOT_POSITIVE",
                "annual_report_due BAD_DATE", "minimum_score OUT_OF_RANGE",
            ])
        #expect(Self.reasons { _ = try ZombieRules(policy: bad) }.hasPrefix("validation consecutive_missed_years NOT_POSITIVE"))
        #expect(ZombiePolicy().problems().isEmpty)
    }

    // MARK: - Cases

    static func openCase(_ id: String = "Z1", campaign: String = "C2026", opened: String = "2026-06-01", triggers: [ZombieTrigger] = [.missedAnnualInspections])
        throws -> ZombieCase
    {
        try ZombieCase(id: id, campaignID: campaign, candidate: ZombieCandidate(organizationID: "O-\(id)", triggers: triggers), openedOn: day(opened))
    }

    /// The show-cause deadline: 30 calendar days, off a rest day onto the next working day (§203).
    @Test func showCauseDeadline() throws {
        #expect(Self.rules.showCauseDeadline(issuedOn: Self.day("2026-06-01")) == Self.day("2026-07-01"))
        // 2026-09-01 + 30 = 10/1, in 国庆: the next working day is 10/8.
        #expect(Self.rules.showCauseDeadline(issuedOn: Self.day("2026-09-01")) == Self.day("2026-10-08"))
        // 2026-06-04 + 30 = Saturday 7/4 → Monday 7/6.
        #expect(Self.rules.showCauseDeadline(issuedOn: Self.day("2026-06-04")) == Self.day("2026-07-06"))
        var c = try Self.openCase()
        try c.apply(.issueNotice(on: Self.day("2026-09-01"), document: "告知书1号", service: .publicNotice, deadline: nil), rules: Self.rules)
        #expect(c.notice?.deadline == Self.day("2026-10-08"))
        #expect(c.notice?.deadlineProvisional == false)
        #expect(c.notice?.service == .publicNotice)
        var far = try Self.openCase()
        try far.apply(.issueNotice(on: Self.day("2027-12-15"), document: "告知书2号", service: .direct, deadline: nil), rules: Self.rules)
        #expect(far.notice?.deadlineProvisional == true)
    }

    /// Revocation waits for the deadline to pass; rectification and deregistration need not.
    @Test func outcomes() throws {
        var c = try Self.openCase()
        #expect(c.state == .candidate)
        try c.apply(.issueNotice(on: Self.day("2026-06-01"), document: "告知书1号", service: .direct, deadline: nil), rules: Self.rules)
        #expect(c.state == .noticeIssued)
        #expect(c.isShowCauseOverdue(on: Self.day("2026-07-01")) == false)
        #expect(c.isShowCauseOverdue(on: Self.day("2026-07-02")) == true)
        #expect(
            Self.reasons { try c.apply(.revoke(on: Self.day("2026-07-01"), document: "撤销决定"), rules: Self.rules) }
                == "failedPrecondition show_cause_deadline DEADLINE_NOT_PASSED")
        #expect(Self.reasons { try c.apply(.revoke(on: Self.day("2026-07-02"), document: ""), rules: Self.rules) } == "invalid document REQUIRED")
        try c.apply(.revoke(on: Self.day("2026-07-02"), document: "文民撤字〔2026〕1号"), rules: Self.rules)
        #expect(c.state == .revoked)
        #expect(c.outcomeOn == Self.day("2026-07-02"))
        #expect(c.isShowCauseOverdue(on: Self.day("2026-08-01")) == false)
        #expect(c.steps.map(\.state) == [.candidate, .noticeIssued, .revoked])
        #expect(c.state(on: Self.day("2026-06-15")) == .noticeIssued)
        #expect(c.state(on: Self.day("2026-05-31")) == nil)
        // A final case takes nothing more.
        #expect(Self.reasons { try c.apply(.rectify(on: Self.day("2026-07-03"), note: ""), rules: Self.rules) } == "failedPrecondition state INVALID_STATE")

        var early = try Self.openCase()
        try early.apply(.issueNotice(on: Self.day("2026-06-01"), document: "告知书", service: .direct, deadline: nil), rules: Self.rules)
        try early.apply(.rectify(on: Self.day("2026-06-10"), note: "补报2024、2025年度工作报告"), rules: Self.rules)
        #expect(early.state == .rectified)

        var quits = try Self.openCase()
        try quits.apply(.issueNotice(on: Self.day("2026-06-01"), document: "告知书", service: .direct, deadline: nil), rules: Self.rules)
        try quits.apply(.deregister(on: Self.day("2026-06-20"), document: "注销登记证明"), rules: Self.rules)
        #expect(quits.state == .deregistered)

        var direct = try Self.openCase()
        try direct.apply(.rectify(on: Self.day("2026-06-02"), note: "已联系"), rules: Self.rules)
        #expect(direct.steps.map(\.state) == [.candidate, .rectified])
    }

    @Test func illegalMoves() throws {
        var c = try Self.openCase()
        #expect(
            Self.reasons { try c.apply(.revoke(on: Self.day("2026-08-01"), document: "D"), rules: Self.rules) } == "failedPrecondition state INVALID_STATE")
        #expect(
            Self.reasons { try c.apply(.deregister(on: Self.day("2026-08-01"), document: "D"), rules: Self.rules) }
                == "failedPrecondition state INVALID_STATE")
        #expect(
            Self.reasons { try c.apply(.issueNotice(on: Self.day("2026-05-31"), document: "D", service: .direct, deadline: nil), rules: Self.rules) }
                == "invalid on BEFORE_PREVIOUS_STEP")
        #expect(
            Self.reasons { try c.apply(.issueNotice(on: Self.day("2026-06-02"), document: " ", service: .direct, deadline: nil), rules: Self.rules) }
                == "invalid document REQUIRED")
        #expect(
            Self.reasons {
                try c.apply(.issueNotice(on: Self.day("2026-06-02"), document: "D", service: .direct, deadline: Self.day("2026-06-02")), rules: Self.rules)
            } == "invalid deadline NOT_AFTER_NOTICE")
        try c.apply(.issueNotice(on: Self.day("2026-06-02"), document: "D", service: .direct, deadline: Self.day("2026-06-12")), rules: Self.rules)
        #expect(c.notice?.deadline == Self.day("2026-06-12"))
        #expect(
            Self.reasons { try c.apply(.issueNotice(on: Self.day("2026-06-03"), document: "D", service: .direct, deadline: nil), rules: Self.rules) }
                == "failedPrecondition state INVALID_STATE")
        #expect(
            Self.reasons { try c.apply(.dismiss(on: Self.day("2026-06-03"), reason: "数据有误"), rules: Self.rules) }
                == "failedPrecondition state INVALID_STATE")
        #expect(Self.reasons { try c.apply(.rectify(on: Self.day("2026-06-01"), note: ""), rules: Self.rules) } == "invalid on BEFORE_PREVIOUS_STEP")
        #expect(c.state == .noticeIssued)
        #expect(c.steps.count == 2)

        var wrong = try Self.openCase()
        #expect(Self.reasons { try wrong.apply(.dismiss(on: Self.day("2026-06-03"), reason: " "), rules: Self.rules) } == "invalid reason REQUIRED")
        try wrong.apply(.dismiss(on: Self.day("2026-06-03"), reason: "年检已报送，数据未同步"), rules: Self.rules)
        #expect(wrong.state == .dismissed)

        #expect(
            Self.reasons {
                _ = try ZombieCase(id: " ", candidate: ZombieCandidate(organizationID: "O", triggers: []), openedOn: Self.day("2026-06-01"))
            } == "invalid id REQUIRED; triggers EMPTY")
    }

    // MARK: - Campaigns

    @Test func campaignCounts() throws {
        let campaign = ZombieCampaign(id: "C2026", name: "2026年僵尸型社会组织清理专项行动", startsOn: Self.day("2026-06-01"), endsOn: Self.day("2026-12-31"))
        #expect(campaign.problems().isEmpty)
        #expect(
            S.list(ZombieCampaign(id: "", name: " ", startsOn: Self.day("2026-06-01"), endsOn: Self.day("2026-05-31")).problems()) == [
                "id REQUIRED", "name REQUIRED", "ends_on BEFORE_START",
            ])

        func notice(_ c: inout ZombieCase, _ on: String) throws {
            try c.apply(.issueNotice(on: Self.day(on), document: "告知书", service: .direct, deadline: nil), rules: Self.rules)
        }
        let waiting = try Self.openCase("Z1", triggers: [.missedAnnualInspections, .unreachable])
        var answering = try Self.openCase("Z2")
        try notice(&answering, "2026-09-01")  // due 10/8
        var overdue = try Self.openCase("Z3", triggers: [.noActivityFirstYear])
        try notice(&overdue, "2026-06-01")  // due 7/1
        var revoked = try Self.openCase("Z4", triggers: [.unreachable])
        try notice(&revoked, "2026-06-01")
        try revoked.apply(.revoke(on: Self.day("2026-07-15"), document: "撤销决定"), rules: Self.rules)
        var rectified = try Self.openCase("Z5")
        try notice(&rectified, "2026-06-01")
        try rectified.apply(.rectify(on: Self.day("2026-06-20"), note: "补报"), rules: Self.rules)
        var dismissed = try Self.openCase("Z6")
        try dismissed.apply(.dismiss(on: Self.day("2026-06-05"), reason: "数据有误"), rules: Self.rules)
        let later = try Self.openCase("Z7", opened: "2026-10-01")
        let otherCampaign = try Self.openCase("Z8", campaign: "C2025")

        let cases = [waiting, answering, overdue, revoked, rectified, dismissed, later, otherCampaign]
        let s = ZombieCampaignSummary(campaign: campaign, cases: cases, on: Self.day("2026-09-15"))
        #expect(s.candidates == 6)
        #expect(s.byTrigger == [.missedAnnualInspections: 4, .unreachable: 2, .noActivityFirstYear: 1])
        #expect(s.awaitingNotice == 1)
        #expect(s.noticesIssued == 4)
        #expect(s.awaitingAnswer == 1)
        #expect(s.overdueShowCauses == 1)
        #expect(s.outcomes == [.revoked: 1, .rectified: 1, .dismissed: 1])

        // Earlier in the campaign: Z4 was still waiting for its deadline; Z2 had no notice yet.
        let july = ZombieCampaignSummary(campaign: campaign, cases: cases, on: Self.day("2026-07-01"))
        #expect(july.candidates == 6)
        #expect(july.awaitingNotice == 2)
        #expect(july.noticesIssued == 3)
        #expect(july.awaitingAnswer == 2)
        #expect(july.overdueShowCauses == 0)
        #expect(july.outcomes == [.rectified: 1, .dismissed: 1])
    }
}
