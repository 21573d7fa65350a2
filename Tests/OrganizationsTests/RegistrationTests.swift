import CivicDomain
import OrganizationsDomain
import Testing

/// Dates around 中秋 and 国庆 2026 (国务院办公厅 2025-11-04): 中秋 09-25…09-27, 国庆 10-01…10-07,
/// 调休 working days Sunday 09-20 and Saturday 10-10.
@Suite("Registration applications (成立登记)")
struct RegistrationTests {
    typealias S = OrgSamples

    static func application(on day: String = "2026-09-22", direct: Bool = false) -> RegistrationApplication {
        RegistrationApplication(
            id: "A000001", name: "安阳市文峰区围棋协会", type: .socialGroup, registrarLevel: .county, division: S.county,
            sponsor: direct ? "" : "文峰区体育局", directlyRegistrable: direct, funds: Fen.yuan(30_000), individualMembers: 60, submittedOn: S.day(day))
    }

    static func reason(_ body: () throws -> Void) -> String { S.problems(body).joined(separator: ", ") }

    /// Submitted Thursday 09-24: 中秋 takes Friday to Sunday, so the two working days are 09-28 and 09-29.
    @Test func preReviewWithinTwoWorkingDaysAcrossTheHoliday() throws {
        var a = Self.application(on: "2026-09-24")
        #expect(a.preReviewDue == S.day("2026-09-29"))
        #expect(!a.isPreReviewOverdue(on: S.day("2026-09-29")))
        #expect(a.isPreReviewOverdue(on: S.day("2026-09-30")))
        #expect(Self.reason { try a.apply(.preReview(on: S.day("2026-09-28"), passed: false, notes: " ")) } == "notes REQUIRED")
        try a.apply(.preReview(on: S.day("2026-09-28"), passed: false, notes: "章程草案缺少会员大会条款"))
        #expect(a.state == .returned)
        // Resubmitted Wednesday 09-30: 国庆 runs to 10-07, so the clock ends Friday 10-09.
        try a.apply(.resubmit(on: S.day("2026-09-30")))
        #expect((a.state, a.preReviewDue) == (.submitted, S.day("2026-10-09")))
    }

    /// 60 calendar days from the day the documents were complete, counted from the next day.
    @Test func theDecisionClockStartsWhenTheDocumentsAreComplete() throws {
        var a = Self.application()
        try a.apply(.preReview(on: S.day("2026-09-23"), passed: true, notes: ""))
        try a.apply(.accept(on: S.day("2026-09-28")))
        #expect((a.state, a.completeOn, a.decisionDue) == (.accepted, S.day("2026-09-28"), S.day("2026-11-27")))
        #expect(!a.isDecisionOverdue(on: S.day("2026-11-27")))
        #expect(a.isDecisionOverdue(on: S.day("2026-11-28")))
        #expect(Self.reason { try a.apply(.approve(on: S.day("2026-10-09"))) } == " SPONSOR_APPROVAL_MISSING")
        try a.apply(.recordSponsorApproval(SponsorApproval(reference: "文体〔2026〕8号", approvedOn: S.day("2026-09-20"))))
        try a.apply(.approve(on: S.day("2026-10-09")))
        #expect((a.state, a.decidedOn, a.isDecisionOverdue(on: S.day("2026-12-31"))) == (.approved, S.day("2026-10-09"), false))
        #expect(Self.reason { try a.apply(.withdraw(on: S.day("2026-10-10"), reason: "x")) } == "state INVALID_STATE")
    }

    /// 容缺受理: review starts on the promise; no decision until every promised document is in;
    /// the decision clock starts with the last one.
    @Test func acceptanceOnAPromise() throws {
        var a = Self.application(direct: true)
        try a.apply(.preReview(on: S.day("2026-09-22"), passed: true, notes: ""))
        #expect(
            Self.reason { try a.apply(.acceptOnPromise(on: S.day("2026-09-23"), documents: [], dueBy: S.day("2026-09-22"))) }
                == "documents REQUIRED, due_by BEFORE_ACCEPTANCE")
        try a.apply(.acceptOnPromise(on: S.day("2026-09-23"), documents: ["验资报告", "住所使用证明"], dueBy: S.day("2026-10-15")))
        #expect((a.state, a.decisionDue) == (.acceptedOnPromise, nil))
        do {
            try a.apply(.approve(on: S.day("2026-09-24")))
            Issue.record("approved with the promise outstanding")
        } catch let error as DomainError {
            #expect((error.kind, error.reason) == (.failedPrecondition, "PROMISE_OUTSTANDING"))
        }
        try a.apply(.supply(on: S.day("2026-10-09"), documents: ["验资报告"]))
        #expect(a.state == .acceptedOnPromise)
        #expect(
            Self.reason { try a.apply(.supply(on: S.day("2026-10-12"), documents: ["验资报告", "章程"])) } == "documents ALREADY_SUPPLIED, documents NOT_PROMISED")
        #expect(a.promise?.isOverdue(on: S.day("2026-10-16")) == true)
        try a.apply(.supply(on: S.day("2026-10-16"), documents: ["住所使用证明"]))
        #expect((a.state, a.completeOn, a.decisionDue) == (.accepted, S.day("2026-10-16"), S.day("2026-12-15")))
        #expect(a.promise?.isOverdue(on: S.day("2026-10-20")) == false)
        #expect(a.promise?.keptOn == S.day("2026-10-16"))
        // Directly registrable: no sponsor's approval needed, and none accepted.
        #expect(
            Self.reason { try a.apply(.recordSponsorApproval(SponsorApproval(reference: "x", approvedOn: S.day("2026-10-16")))) } == "sponsor NOT_NEEDED")
        #expect(Self.reason { try a.apply(.approve(on: S.day("2026-10-15"))) } == "on BEFORE_LAST_STEP")
        try a.apply(.approve(on: S.day("2026-10-20")))
        #expect(a.state == .approved)
    }

    @Test func refusalsNeedReasons() throws {
        var a = Self.application()
        #expect(Self.reason { try a.apply(.refuse(on: S.day("2026-09-23"), reasons: "x")) } == "state INVALID_STATE")
        try a.apply(.preReview(on: S.day("2026-09-23"), passed: true, notes: ""))
        #expect(Self.reason { try a.apply(.refuse(on: S.day("2026-09-24"), reasons: "")) } == "reasons REQUIRED")
        try a.apply(.refuse(on: S.day("2026-09-24"), reasons: "同一行政区域内已有业务范围相同的社会团体"))
        #expect((a.state, a.decisionReasons) == (.refused, "同一行政区域内已有业务范围相同的社会团体"))
    }

    @Test func conditionsByTypeAndLevel() {
        func problems(
            _ type: OrganizationType, _ kind: FoundationKind? = nil, _ level: RegistrarLevel = .county, yuan: Int, individuals: Int = 0, units: Int = 0,
            similar: [String] = []
        ) -> [String] {
            S.list(
                RegistrationConditions.problems(
                    type: type, kind: kind, level: level, funds: Fen.yuan(yuan), individualMembers: individuals, unitMembers: units, similarNames: similar))
        }
        // 社团: 3 万 local, 10 万 national; 50 individuals, 30 units, or 50 in all when mixed.
        #expect(problems(.socialGroup, yuan: 30_000, individuals: 50).isEmpty)
        #expect(problems(.socialGroup, yuan: 29_999, individuals: 50) == ["funds BELOW_MINIMUM"])
        #expect(problems(.socialGroup, nil, .national, yuan: 99_999, units: 30) == ["funds BELOW_MINIMUM"])
        #expect(problems(.socialGroup, nil, .national, yuan: 100_000, units: 30).isEmpty)
        #expect(problems(.socialGroup, yuan: 30_000, units: 29) == ["members TOO_FEW"])
        #expect(problems(.socialGroup, yuan: 30_000, individuals: 49) == ["members TOO_FEW"])
        #expect(problems(.socialGroup, yuan: 30_000, individuals: 20, units: 29) == ["members TOO_FEW"])
        #expect(problems(.socialGroup, yuan: 30_000, individuals: 21, units: 29).isEmpty)
        #expect(problems(.socialGroup, yuan: 30_000) == ["members TOO_FEW"])
        // 基金会: 800 万 national public, 400 万 local public, 200 万 non-public.
        #expect(problems(.foundation, .publicFundraising, .national, yuan: 7_999_999) == ["funds BELOW_MINIMUM"])
        #expect(problems(.foundation, .publicFundraising, .national, yuan: 8_000_000).isEmpty)
        #expect(problems(.foundation, .publicFundraising, .provincial, yuan: 4_000_000).isEmpty)
        #expect(problems(.foundation, .publicFundraising, .provincial, yuan: 3_999_999) == ["funds BELOW_MINIMUM"])
        #expect(problems(.foundation, .nonPublicFundraising, .provincial, yuan: 2_000_000).isEmpty)
        // 民非: any 开办资金 above the bureau's floor (0 by default), none refused.
        #expect(problems(.privateNonEnterprise, yuan: 1).isEmpty)
        #expect(problems(.privateNonEnterprise, yuan: 0) == ["funds REQUIRED"])
        #expect(problems(.socialGroup, yuan: 30_000, individuals: 50, similar: ["安阳市文峰区围棋协会"]) == ["name SIMILAR_NAME_EXISTS"])
    }

    @Test func limitsAreValidated() throws {
        #expect(throws: Never.self) { try RegistrationLimits().validated() }
        var limits = RegistrationLimits()
        limits.decisionDays = 0
        limits.socialGroupLocalFunds = Fen(-1)
        #expect(Self.reason { _ = try limits.validated() } == "decision_days OUT_OF_RANGE, social_group_local_funds NEGATIVE")
    }

    /// A change within 30 days of the sponsor's approval, deregistration within 15 days after liquidation.
    @Test func changesAndDeregistrationKeepTheirRecord() throws {
        let change = try RegisterChange(
            kind: .change, changes: ["legal_representative: 李明 → 王芳"], sponsorApprovedOn: S.day("2026-08-01"), filedOn: S.day("2026-08-31"),
            directlyRegistrable: false)
        #expect(change.late == false)
        let late = try RegisterChange(
            kind: .change, changes: ["domicile"], sponsorApprovedOn: S.day("2026-08-01"), filedOn: S.day("2026-09-01"), directlyRegistrable: false)
        #expect(late.late)
        #expect(
            Self.reason { _ = try RegisterChange(kind: .change, sponsorApprovedOn: nil, filedOn: S.day("2026-09-01"), directlyRegistrable: false) }
                == "changes REQUIRED, sponsor_approved_on REQUIRED")
        let gone = try RegisterChange(
            kind: .deregistration, sponsorApprovedOn: nil, liquidationEndedOn: S.day("2026-09-01"), filedOn: S.day("2026-09-16"), directlyRegistrable: true)
        #expect(gone.late == false)
        #expect(
            Self.reason {
                _ = try RegisterChange(kind: .deregistration, sponsorApprovedOn: nil, filedOn: S.day("2026-09-16"), directlyRegistrable: true)
            } == "liquidation_ended_on REQUIRED")
    }
}
