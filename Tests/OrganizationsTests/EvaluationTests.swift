import CivicDomain
import Foundation
import OrganizationsDomain
import Testing

@Suite("Evaluation (社会组织等级评估 1A–5A)")
struct EvaluationTests {
    typealias S = OrgSamples
    let rules = try! EvaluationRules()

    /// "field REASON" of a refusal, or [] when `body` does not throw.
    static func problems(_ body: () throws -> Void) -> [String] { S.problems(body) }

    static func band(_ grade: EvaluationGrade, _ minimum: Int, _ maximum: Int) -> EvaluationBand {
        EvaluationBand(grade: grade, minimum: minimum, maximum: maximum)
    }

    /// Registered 2019-04-10, 2024 and 2025 年检 合格, nothing against it.
    static let clean = EvaluationFacts(
        registeredOn: S.day("2019-04-10"),
        inspections: [AnnualInspectionOutcome(year: 2024, result: .qualified), AnnualInspectionOutcome(year: 2025, result: .qualified)])
    static let applyDay = S.day("2026-09-01")

    func reasons(_ facts: EvaluationFacts, on day: CivilDate = applyDay) -> [String] { S.list(rules.eligibility(of: facts, on: day)) }

    // MARK: - Configuration

    @Test func defaultsAreLuoyangsBandsWithA500Floor() {
        let configuration = EvaluationConfiguration()
        #expect(configuration.problems().isEmpty)
        #expect(
            configuration.bands.map { "\($0.grade) \($0.minimum)–\($0.maximum)" } == ["1A 500–599", "2A 600–699", "3A 700–799", "4A 800–899", "5A 900–1000"])
        #expect(configuration.validityYears == 5 && configuration.publicNoticeWorkingDays == 5 && configuration.reviewNoticeDays == 15)
        #expect(configuration.minimumScorers == 2 && configuration.totalPoints == 1000 && configuration.upgradeAfterYears == 2)
    }

    @Test func gradeFromScoreAtEveryBoundary() {
        let expected: [(Int, EvaluationGrade?)] = [
            (-1, nil), (0, nil), (499, nil), (500, .oneA), (599, .oneA), (600, .twoA), (699, .twoA), (700, .threeA), (799, .threeA),
            (800, .fourA), (899, .fourA), (900, .fiveA), (1000, .fiveA), (1001, nil),
        ]
        for (score, grade) in expected { #expect(rules.grade(for: score) == grade, "score \(score)") }
    }

    /// 安庆 "5A 950以上" with 怀宁 "4A 901–950": 950 is in both, refused at load.
    @Test func anqingHuainingOverlapIsRefusedAtLoad() throws {
        let json = #"""
            {"bands": [{"grade": "1A", "minimum": 751, "maximum": 800}, {"grade": "2A", "minimum": 801, "maximum": 850},
                       {"grade": "3A", "minimum": 851, "maximum": 900}, {"grade": "4A", "minimum": 901, "maximum": 950},
                       {"grade": "5A", "minimum": 950, "maximum": 1000}]}
            """#
        do {
            _ = try EvaluationConfiguration.load(json: Data(json.utf8))
            Issue.record("an overlapping configuration loaded")
        } catch let errors as ValidationErrors {
            #expect(S.list(errors) == ["bands[4].minimum OVERLAP"])
            #expect(errors.details[0].description == "5A starts at 950, inside 4A's 901–950: a score of 950 would be in both")
        }
        // Huaining's own 5A "950以上" read as 951: the same bands load.
        let fixed = json.replacingOccurrences(of: #""minimum": 950"#, with: #""minimum": 951"#)
        let loaded = try EvaluationConfiguration.load(json: Data(fixed.utf8))
        let huaining = try EvaluationRules(configuration: loaded)
        #expect(huaining.grade(for: 950) == .fourA && huaining.grade(for: 951) == .fiveA && huaining.grade(for: 750) == nil)
    }

    @Test func gappedAndOutOfRangeBandsAreRefused() {
        var gapped = EvaluationConfiguration.standardBands
        gapped[3].maximum = 889  // 890–899 belong to no grade
        gapped[4].maximum = 990  // 991–1000 above 5A
        let problems = EvaluationConfiguration(bands: gapped).problems()
        #expect(S.list(problems) == ["bands[4].minimum GAP", "bands[4].maximum GAP"])
        #expect(problems.details[0].description == "scores 890–899 fall between 4A and 5A")
        #expect(problems.details[1].description == "scores 991–1000 fall above 5A")

        var outOfRange = EvaluationConfiguration.standardBands
        outOfRange[0].minimum = -1
        outOfRange[4].maximum = 1100
        #expect(S.list(EvaluationConfiguration(bands: outOfRange).problems()) == ["bands[0].minimum NEGATIVE", "bands[4].maximum BEYOND_TOTAL"])
        // 怀宁's 加分项: a full score of 1100 makes the same top band valid.
        var bonus = EvaluationConfiguration.standardBands
        bonus[4].maximum = 1100
        #expect(EvaluationConfiguration(totalPoints: 1100, bands: bonus).problems().isEmpty)

        var disordered = EvaluationConfiguration.standardBands
        disordered.swapAt(0, 1)
        disordered[2].maximum = 650
        let configuration = EvaluationConfiguration(
            minimumRegisteredYears: 0, upgradeAfterYears: -1, validityYears: 0, publicNoticeWorkingDays: -1, reviewNoticeDays: -1, minimumScorers: 0,
            totalPoints: 0, bands: disordered)
        #expect(
            S.list(configuration.problems()) == [
                "total_points NOT_POSITIVE", "minimum_registered_years NOT_POSITIVE", "validity_years NOT_POSITIVE", "minimum_scorers NOT_POSITIVE",
                "upgrade_after_years NEGATIVE", "public_notice_working_days NEGATIVE", "review_notice_days NEGATIVE", "bands[0].grade ORDER",
                "bands[1].grade ORDER", "bands[1].minimum OVERLAP", "bands[2].maximum BAD_RANGE", "bands[2].minimum GAP", "bands[3].minimum GAP",
                "bands[4].maximum BEYOND_TOTAL",
            ])
        #expect(S.list(EvaluationConfiguration(bands: Array(EvaluationConfiguration.standardBands.prefix(4))).problems()) == ["bands COUNT"])
        #expect(Self.problems { _ = try EvaluationRules(configuration: EvaluationConfiguration(bands: gapped)) }.count == 2)
    }

    @Test func loadFromJSONKeepsDefaults() throws {
        let loaded = try EvaluationConfiguration.load(json: Data(#"{"publicNoticeWorkingDays": 7, "countsWholeCalendarYears": false}"#.utf8))
        #expect(loaded.publicNoticeWorkingDays == 7 && !loaded.countsWholeCalendarYears && loaded.bands == EvaluationConfiguration.standardBands)
        #expect(Self.problems { _ = try EvaluationConfiguration.load(json: Data("{".utf8)) } == ["configuration UNREADABLE"])
        let sixA = Data(#"{"bands": [{"grade": "6A", "minimum": 0, "maximum": 1}]}"#.utf8)
        #expect(Self.problems { _ = try EvaluationConfiguration.load(json: sixA) } == ["configuration UNREADABLE"])
        #expect(EvaluationGrade("AAA") == .threeA && EvaluationGrade("4a") == .fourA && EvaluationGrade("A6") == nil && EvaluationGrade(0) == nil)
        #expect(EvaluationGrade.fiveA.letters == "AAAAA" && EvaluationGrade.twoA.chineseName == "2A级")
        // Grades are written as numbers.
        #expect(String(decoding: try JSONEncoder().encode(Self.band(.threeA, 700, 799)), as: UTF8.self).contains(#""grade":3"#))
    }

    // MARK: - Eligibility

    @Test func cleanBodyIsEligible() throws {
        #expect(reasons(Self.clean).isEmpty)
        let application = try rules.apply(organizationID: "O000001", facts: Self.clean, on: Self.applyDay, id: "E1")
        #expect(application.state == .applied && application.purpose == .first && application.currentGrade == nil && application.appliedOn == Self.applyDay)
    }

    /// "满两个年度": two whole calendar years. Registered 2024-01-01 has 2024 and 2025 whole: eligible in 2026;
    /// registered 2024-01-02 waits until 2027-01-01.
    @Test func twoFullYearsRegistered() {
        #expect(rules.firstEligibleDay(registeredOn: S.day("2024-01-01")) == S.day("2026-01-01"))
        #expect(rules.firstEligibleDay(registeredOn: S.day("2024-01-02")) == S.day("2027-01-01"))
        #expect(rules.firstEligibleDay(registeredOn: S.day("2023-12-31")) == S.day("2026-01-01"))
        var facts = Self.clean
        facts.registeredOn = S.day("2024-01-01")
        #expect(reasons(facts, on: S.day("2026-01-01")).isEmpty)
        facts.registeredOn = S.day("2024-01-02")
        #expect(reasons(facts, on: S.day("2026-12-31")) == ["registered_on TOO_RECENT"])
        facts.registeredOn = nil
        #expect(reasons(facts) == ["registered_on REQUIRED"])
        // Counting from the registration day instead (安庆 / 怀宁 "满2年").
        let anniversary = try! EvaluationRules(configuration: EvaluationConfiguration(countsWholeCalendarYears: false))
        #expect(anniversary.firstEligibleDay(registeredOn: S.day("2024-09-01")) == S.day("2026-09-01"))
        facts.registeredOn = S.day("2024-09-01")
        #expect(anniversary.eligibility(of: facts, on: Self.applyDay).isEmpty)
        facts.registeredOn = S.day("2024-09-02")
        #expect(S.list(anniversary.eligibility(of: facts, on: Self.applyDay)) == ["registered_on TOO_RECENT"])
    }

    @Test func annualInspectionExclusionsEachOnItsOwn() {
        var facts = Self.clean
        facts.inspections = [AnnualInspectionOutcome(year: 2024, result: .qualified)]
        #expect(reasons(facts) == ["inspections NOT_FILED"])
        facts.inspections = [AnnualInspectionOutcome(year: 2025, result: nil)]
        #expect(reasons(facts) == ["inspections RESULT_PENDING"])
        facts.inspections = [AnnualInspectionOutcome(year: 2025, result: .unqualified)]
        #expect(reasons(facts) == ["inspections UNQUALIFIED"])
        facts.inspections = [
            AnnualInspectionOutcome(year: 2024, result: .basicallyQualified), AnnualInspectionOutcome(year: 2025, result: .basicallyQualified),
        ]
        #expect(reasons(facts) == ["inspections BASICALLY_QUALIFIED_TWICE"])
        // 基本合格 once, or 不合格 two years ago, does not bar.
        facts.inspections = [AnnualInspectionOutcome(year: 2024, result: .qualified), AnnualInspectionOutcome(year: 2025, result: .basicallyQualified)]
        #expect(reasons(facts).isEmpty)
        facts.inspections = [AnnualInspectionOutcome(year: 2024, result: .unqualified), AnnualInspectionOutcome(year: 2025, result: .qualified)]
        #expect(reasons(facts).isEmpty)
    }

    @Test func penaltyExclusionsEachOnItsOwn() {
        var facts = Self.clean
        facts.penalties = [EvaluationPenalty(decidedOn: S.day("2025-12-31"), executed: true, reference: "文民罚〔2025〕3号")]
        #expect(reasons(facts) == ["penalties PENALTY_LAST_YEAR"])
        // This year's or the year before last's, executed: not "上年度".
        facts.penalties = [
            EvaluationPenalty(decidedOn: S.day("2026-01-02"), executed: true), EvaluationPenalty(decidedOn: S.day("2024-12-31"), executed: true),
        ]
        #expect(reasons(facts).isEmpty)
        facts.penalties = [EvaluationPenalty(decidedOn: S.day("2023-05-01"), executed: false)]
        #expect(reasons(facts) == ["penalties NOT_EXECUTED"])
        // A penalty dated after the day does not count yet.
        facts.penalties = [EvaluationPenalty(decidedOn: S.day("2026-09-02"), executed: false)]
        #expect(reasons(facts).isEmpty)
    }

    @Test func listInvestigationAndStatusEachOnTheirOwn() {
        var facts = Self.clean
        facts.creditList = .abnormal
        #expect(reasons(facts) == ["credit_list LISTED"])
        facts.creditList = .serious
        #expect(reasons(facts) == ["credit_list LISTED"])
        #expect(rules.eligibility(of: facts, on: Self.applyDay).details[0].description == "a body on the 严重违法失信名单 is not evaluated")
        facts = Self.clean
        facts.underInvestigation = true
        #expect(reasons(facts) == ["under_investigation UNDER_INVESTIGATION"])
        facts = Self.clean
        facts.status = .activitiesSuspended
        #expect(reasons(facts) == ["status NOT_REGISTERED"])
    }

    @Test func everyReasonAtOnce() {
        let facts = EvaluationFacts(
            status: .activitiesSuspended, registeredOn: S.day("2025-03-01"),
            inspections: [AnnualInspectionOutcome(year: 2025, result: .unqualified)],
            penalties: [EvaluationPenalty(decidedOn: S.day("2025-06-01"), executed: false)], creditList: .abnormal, underInvestigation: true)
        #expect(
            reasons(facts) == [
                "status NOT_REGISTERED", "registered_on TOO_RECENT", "inspections UNQUALIFIED", "penalties PENALTY_LAST_YEAR", "penalties NOT_EXECUTED",
                "credit_list LISTED", "under_investigation UNDER_INVESTIGATION",
            ])
        #expect(Self.problems { _ = try rules.apply(organizationID: "O1", facts: facts, on: Self.applyDay) }.count == 7)
    }

    /// 3A awarded 2025-10-20, valid until 2030-10-20: an upgrade from 2027-10-20, a renewal after 2030-10-20.
    @Test func renewalAndUpgrade() throws {
        var facts = Self.clean
        facts.lastAward = EvaluationAward(organizationID: "O000001", grade: .threeA, awardedOn: S.day("2025-10-20"), validUntil: S.day("2030-10-20"))
        #expect(reasons(facts) == ["last_award GRADE_STILL_VALID"])
        #expect(rules.upgradeOpens(awardedOn: S.day("2025-10-20")) == S.day("2027-10-20"))
        facts.inspections = (2024...2029).map { AnnualInspectionOutcome(year: $0, result: .qualified) }
        #expect(reasons(facts, on: S.day("2027-10-19")) == ["last_award GRADE_STILL_VALID"])
        #expect(reasons(facts, on: S.day("2027-10-20")).isEmpty)
        #expect(rules.purpose(of: facts, on: S.day("2027-10-20")) == .upgrade)
        let upgrade = try rules.apply(organizationID: "O000001", facts: facts, on: S.day("2027-10-20"))
        #expect(upgrade.purpose == .upgrade && upgrade.currentGrade == .threeA)
        // The last valid day is still an upgrade; the day after, a renewal.
        #expect(rules.purpose(of: facts, on: S.day("2030-10-20")) == .upgrade)
        #expect(rules.purpose(of: facts, on: S.day("2030-10-21")) == .renewal)
        #expect(reasons(facts, on: S.day("2030-10-21")).isEmpty)
        // A valid 5A has nowhere to go; expired, it renews, and the registration date no longer matters.
        facts.lastAward?.grade = .fiveA
        #expect(reasons(facts, on: S.day("2028-01-01")) == ["last_award TOP_GRADE"])
        facts.registeredOn = nil
        #expect(reasons(facts, on: S.day("2030-10-21")).isEmpty)
        let renewal = try rules.apply(organizationID: "O000001", facts: facts, on: S.day("2030-10-21"))
        #expect(renewal.purpose == .renewal && renewal.currentGrade == nil)
    }

    // MARK: - Validity

    @Test func validityFiveYearsToTheSameDay() {
        #expect(rules.validUntil(awardedOn: S.day("2026-10-16")) == S.day("2031-10-16"))
        #expect(rules.validUntil(awardedOn: S.day("2028-02-29")) == S.day("2033-02-28"))
        let award = EvaluationAward(organizationID: "O1", grade: .fourA, awardedOn: S.day("2026-10-16"), validUntil: S.day("2031-10-16"))
        #expect(award.isValid(on: S.day("2031-10-16")) && !award.isValid(on: S.day("2031-10-17")) && !award.isValid(on: S.day("2026-10-15")))
    }

    // MARK: - The application's steps

    func scored(total: Int = 856, facts: EvaluationFacts = clean, appliedOn: String = "2026-09-01") throws -> EvaluationApplication {
        let application = try rules.apply(organizationID: "O000001", facts: facts, on: S.day(appliedOn), id: "E1")
        return try rules.score(application, total: total, scorers: ["张专家", "李专家", "张专家 "], on: S.day("2026-09-15"))
    }

    /// 公示 from Monday 2026-09-28 for 5 working days: 9-29, 9-30, (国庆 10-1…7), 10-8, 10-9 and Saturday 10-10
    /// (调休上班). From Friday 9-18: Sunday 9-20 (调休) counts, ending Thursday 9-24 before 中秋.
    @Test func publicNoticeAcrossTheNationalDayHoliday() throws {
        let application = try scored()
        #expect(application.total == 856 && application.scoredGrade == .fourA && application.scorers == ["张专家", "李专家"].sorted())
        let notice = try rules.publish(application, on: S.day("2026-09-28"))
        #expect(notice.state == .publicNotice && notice.noticeStartedOn == S.day("2026-09-28") && notice.noticeEndsOn == S.day("2026-10-10"))
        #expect(try rules.publish(application, on: S.day("2026-09-18")).noticeEndsOn == S.day("2026-09-24"))
        // A calendar without the 2026 notice (provisional: 国庆 10-1…3 only, no 调休) ends it on 10-7.
        let provisional = try EvaluationRules(calendar: WorkingCalendar.standard.without(year: 2026))
        #expect(try provisional.publish(application, on: S.day("2026-09-28")).noticeEndsOn == S.day("2026-10-07"))

        #expect(Self.problems { _ = try rules.decide(notice, on: S.day("2026-10-10")) } == ["decided_on NOTICE_RUNNING"])
        let awarded = try rules.decide(notice, on: S.day("2026-10-12"))
        #expect(awarded.state == .awarded && awarded.awarded == .fourA && awarded.validUntil == S.day("2031-10-12") && awarded.decidedOn == S.day("2026-10-12"))
        #expect(
            EvaluationRules.award(of: awarded)
                == EvaluationAward(
                    organizationID: "O000001", grade: .fourA, awardedOn: S.day("2026-10-12"), validUntil: S.day("2031-10-12"), applicationID: "E1"))
        #expect(EvaluationRules.award(of: notice) == nil)
    }

    @Test func reviewDuringTheNoticeDecidedBySomeoneWhoDidNotScore() throws {
        let notice = try rules.publish(try scored(total: 795), on: S.day("2026-09-28"))
        #expect(notice.scoredGrade == .threeA)
        #expect(
            Self.problems { _ = try rules.requestReview(notice, grounds: " ", on: S.day("2026-09-27")) } == ["requested_on BEFORE_NOTICE", "grounds REQUIRED"])
        #expect(Self.problems { _ = try rules.requestReview(notice, grounds: "财务项漏评", on: S.day("2026-10-11")) } == ["requested_on NOTICE_ENDED"])
        // The last day of the 公示 (Saturday 10-10, a working day) is still in time.
        let requested = try rules.requestReview(notice, grounds: "财务项漏评", on: S.day("2026-10-10"))
        #expect(requested.state == .reviewRequested && requested.review?.requestedOn == S.day("2026-10-10"))
        #expect(Self.problems { _ = try rules.requestReview(requested, grounds: "again", on: S.day("2026-10-10")) } == ["review ALREADY_REQUESTED"])
        #expect(Self.problems { _ = try rules.decide(requested, on: S.day("2026-10-20")) } == ["review REVIEW_PENDING"])

        do {
            _ = try rules.decideReview(requested, by: " 李专家 ", on: S.day("2026-10-09"))
            Issue.record("a scorer decided the 复核")
        } catch let error as DomainError {
            #expect(error.kind == .permissionDenied && error.reason == "SCORER_CANNOT_DECIDE" && error.problems[0].field == "decided_by")
        }
        #expect(
            Self.problems { _ = try rules.decideReview(requested, by: "", revisedTotal: 1200, on: S.day("2026-10-09")) } == [
                "decided_by REQUIRED", "decided_on BEFORE_REQUEST", "revised_total EXCEEDS_TOTAL",
            ])
        // Decided Friday 10-16: the written notice is due 15 days later, Saturday 10-31 → Monday 11-2 (§203).
        let decided = try rules.decideReview(requested, by: "复核委员会 王主任", revisedTotal: 805, on: S.day("2026-10-16"))
        #expect(decided.state == .publicNotice && decided.total == 805 && decided.scoredGrade == .fourA)
        #expect(decided.review?.decidedBy == "复核委员会 王主任" && decided.review?.revisedTotal == 805 && decided.review?.noticeDueOn == S.day("2026-11-02"))
        #expect(rules.reviewNoticeDue(decidedOn: S.day("2026-10-09")) == S.day("2026-10-26"))
        #expect(Self.problems { _ = try rules.decideReview(decided, by: "王主任", on: S.day("2026-10-17")) } == ["review NO_REVIEW"])

        #expect(Self.problems { _ = try rules.recordReviewNotice(requested, on: S.day("2026-10-20")) } == ["review NOT_DECIDED"])
        #expect(Self.problems { _ = try rules.recordReviewNotice(decided, on: S.day("2026-10-15")) } == ["notified_on BEFORE_DECISION"])
        let notified = try rules.recordReviewNotice(decided, on: S.day("2026-11-03"))
        #expect(notified.review?.notifiedOn == S.day("2026-11-03") && notified.review?.noticeWasLate == true)
        #expect(try rules.recordReviewNotice(decided, on: S.day("2026-11-02")).review?.noticeWasLate == false)
        #expect(Self.problems { _ = try rules.recordReviewNotice(notified, on: S.day("2026-11-04")) } == ["notified_on ALREADY_NOTIFIED"])

        let awarded = try rules.decide(notified, on: S.day("2026-11-04"))
        #expect(awarded.awarded == .fourA && awarded.validUntil == S.day("2031-11-04"))
    }

    @Test func illegalMovesAndBadScores() throws {
        let application = try rules.apply(organizationID: "O000001", facts: Self.clean, on: Self.applyDay)
        #expect(
            Self.problems { _ = try rules.score(application, total: 1001, scorers: ["张专家", " "], on: S.day("2026-08-31")) } == [
                "total EXCEEDS_TOTAL", "scorers TOO_FEW", "scored_on BEFORE_APPLICATION",
            ])
        #expect(Self.problems { _ = try rules.score(application, total: -5, scorers: ["a", "b"], on: Self.applyDay) } == ["total NEGATIVE"])
        #expect(Self.problems { _ = try rules.publish(application, on: Self.applyDay) } == ["state NOT_SCORED"])
        #expect(Self.problems { _ = try rules.decide(application, on: Self.applyDay) } == ["state NOT_PUBLISHED"])
        #expect(Self.problems { _ = try rules.requestReview(application, grounds: "x", on: Self.applyDay) } == ["state NOT_PUBLISHED"])
        #expect(Self.problems { _ = try rules.decideReview(application, by: "王主任", on: Self.applyDay) } == ["review NO_REVIEW"])
        let scored = try scored()
        #expect(Self.problems { _ = try rules.score(scored, total: 900, scorers: ["a", "b"], on: S.day("2026-09-16")) } == ["state NOT_APPLIED"])
        #expect(Self.problems { _ = try rules.publish(scored, on: S.day("2026-09-14")) } == ["published_on BEFORE_SCORING"])
        let published = try rules.publish(scored, on: S.day("2026-09-28"))
        #expect(Self.problems { _ = try rules.publish(published, on: S.day("2026-09-29")) } == ["state NOT_SCORED"])
        let decided = try rules.decide(published, on: S.day("2026-10-12"))
        #expect(Self.problems { _ = try rules.decide(decided, on: S.day("2026-10-13")) } == ["state NOT_PUBLISHED"])
        #expect(Self.problems { _ = try rules.requestReview(decided, grounds: "late", on: S.day("2026-10-13")) } == ["state NOT_PUBLISHED"])
    }

    @Test func notAwardedBelowTheLowestBandOrWhenAnUpgradeIsNotHigher() throws {
        let low = try rules.decide(try rules.publish(try scored(total: 480), on: S.day("2026-09-28")), on: S.day("2026-10-12"))
        #expect(low.state == .notAwarded && low.awarded == nil && low.validUntil == nil && low.notAwardedReason == "BELOW_LOWEST_BAND")
        #expect(EvaluationRules.award(of: low) == nil)

        var graded = Self.clean
        graded.lastAward = EvaluationAward(organizationID: "O000001", grade: .fourA, awardedOn: S.day("2024-06-01"), validUntil: S.day("2029-06-01"))
        let same = try rules.decide(try rules.publish(try scored(total: 856, facts: graded), on: S.day("2026-09-28")), on: S.day("2026-10-12"))
        #expect(same.purpose == .upgrade && same.state == .notAwarded && same.notAwardedReason == "NOT_HIGHER_THAN_CURRENT")
        let higher = try rules.decide(try rules.publish(try scored(total: 900, facts: graded), on: S.day("2026-09-28")), on: S.day("2026-10-12"))
        #expect(higher.state == .awarded && higher.awarded == .fiveA)
    }

    // MARK: - The report

    @Test func gradeDistributionOnADay() {
        func award(_ id: String, _ grade: EvaluationGrade, _ on: String) -> EvaluationAward {
            EvaluationAward(organizationID: id, grade: grade, awardedOn: S.day(on), validUntil: rules.validUntil(awardedOn: S.day(on)))
        }
        let awards = [
            award("A", .threeA, "2021-10-20"),  // expired 2026-10-20, replaced by the 4A below
            award("A", .fourA, "2024-11-01"),
            award("B", .threeA, "2022-05-01"),
            award("C", .fiveA, "2020-12-01"),  // valid until 2025-12-01: expired
            award("D", .oneA, "2026-12-01"),  // not yet awarded on the day
        ]
        let distribution = EvaluationRules.gradeDistribution(awards, on: S.day("2026-09-01"))
        #expect(EvaluationGrade.all.map { distribution[$0] } == [0, 0, 1, 1, 0])
        #expect(EvaluationGrade.all.map { EvaluationRules.gradeDistribution(awards, on: S.day("2027-01-01"))[$0] } == [1, 0, 1, 1, 0])
    }

    @Test func applicationRoundTripsThroughJSON() throws {
        let notice = try rules.publish(try scored(), on: S.day("2026-09-28"))
        let requested = try rules.requestReview(notice, grounds: "漏评", on: S.day("2026-09-30"))
        let data = try JSONEncoder().encode(requested)
        #expect(try JSONDecoder().decode(EvaluationApplication.self, from: data) == requested)
        #expect(String(decoding: data, as: UTF8.self).contains(#""state":"review_requested""#))
    }

    // MARK: - Facts from the register

    /// The register's facts: a penalty executed after the day counts as not executed; the serious list
    /// is named before the abnormal; an investigation closed on the day no longer blocks.
    @Test func factsFromTheRegister() throws {
        let credit = try CreditListRules()
        var history = CreditHistory(organizationID: "O000001")
        try credit.record(
            .penalty(
                record: PenaltyRecord(
                    id: "P1", kind: .fine, amount: .yuan(60_000), decidedOn: S.day("2025-06-01"), document: "文民罚〔2025〕1号"),
                on: S.day("2025-06-01")),
            in: &history)
        try credit.record(.penaltyExecuted(penaltyID: "P1", on: S.day("2026-09-10")), in: &history)
        let status = try credit.status(of: history, on: Self.applyDay)
        var body = S.calligraphy()
        body.registeredOn = S.day("2019-04-10")
        let open = try Investigation(organizationID: "O000001", authority: "安阳市公安局", reference: "安公立〔2026〕7号", openedOn: S.day("2026-08-01"))
        let facts = EvaluationFacts(
            organization: body, inspections: [], credit: status, investigations: [open], lastAward: nil, on: Self.applyDay)
        #expect(facts.penalties == [EvaluationPenalty(decidedOn: S.day("2025-06-01"), executed: false, reference: "文民罚〔2025〕1号")])
        #expect(facts.creditList == .serious)
        #expect(facts.underInvestigation)
        #expect(
            reasons(facts) == [
                "inspections NOT_FILED", "penalties PENALTY_LAST_YEAR", "penalties NOT_EXECUTED", "credit_list LISTED",
                "under_investigation UNDER_INVESTIGATION",
            ])

        let closed = try open.closed(on: Self.applyDay, outcome: "不予立案")
        #expect(!closed.isOpen(on: Self.applyDay) && closed.isOpen(on: S.day("2026-08-31")) && !closed.isOpen(on: S.day("2026-07-31")))
        #expect(Self.problems { _ = try closed.closed(on: Self.applyDay, outcome: "x") } == ["closed_on ALREADY_CLOSED"])
        #expect(Self.problems { _ = try open.closed(on: S.day("2026-07-01"), outcome: " ") } == ["closed_on BEFORE_OPENING", "outcome REQUIRED"])
        #expect(
            Self.problems { _ = try Investigation(organizationID: "O1", authority: " ", reference: "", openedOn: Self.applyDay) }
                == ["authority REQUIRED", "reference REQUIRED"])
    }
}
