import CivicDomain
import EldercareDomain
import Foundation
import Testing

@Suite("Grading (GB/T 37276 等级评定)")
struct GradingTests {
    typealias S = ElderSamples
    let rules = try! GradingRules()

    /// Operating since 2024-06-01, filed, nothing against it.
    static let clean = GradingRecord(openedOn: S.day("2024-06-01"), filedOn: S.day("2024-06-20"))
    static let applyDay = S.day("2026-06-01")

    func reasons(_ record: GradingRecord, _ grade: CareGrade, on day: CivilDate = applyDay) -> [String] {
        S.list(rules.eligibility(of: record, requesting: grade, on: day))
    }

    // MARK: - Eligibility

    @Test func eligibleFirstApplicationUpToGradeThree() {
        #expect(reasons(Self.clean, .three).isEmpty)
        #expect(reasons(Self.clean, .four) == ["requested FIRST_APPLICATION_CAP"])
        // Once graded, the cap no longer applies.
        var graded = Self.clean
        graded.pastApplications = [PastGradeApplication(requested: .two, decidedOn: S.day("2023-01-10"), passed: true)]
        #expect(reasons(graded, .four).isEmpty)
    }

    @Test func operatingOneYearBoundary() {
        var record = Self.clean
        record.openedOn = S.day("2025-06-01")
        #expect(reasons(record, .one).isEmpty)
        record.openedOn = S.day("2025-06-02")
        #expect(reasons(record, .one) == ["opened_on TOO_RECENT"])
        record.openedOn = nil
        #expect(reasons(record, .one) == ["opened_on REQUIRED"])
    }

    @Test func penaltyWithinTwoYearsBoundary() {
        var record = Self.clean
        record.penaltyDates = [S.day("2024-05-31")]
        #expect(reasons(record, .one).isEmpty)
        record.penaltyDates = [S.day("2024-05-31"), S.day("2024-06-01")]
        #expect(reasons(record, .one) == ["penalties RECENT_PENALTY"])
        record.penaltyDates = []
        record.penaltyOutstanding = true
        #expect(reasons(record, .one) == ["penalties PENALTY_OUTSTANDING"])
    }

    @Test func everyEligibilityReasonAtOnce() {
        let record = GradingRecord(
            status: .suspended, openedOn: S.day("2025-12-01"), filedOn: nil, penaltyDates: [S.day("2025-01-01")], penaltyOutstanding: true,
            onDishonestyList: true)
        #expect(
            reasons(record, .five) == [
                "status NOT_OPERATING", "opened_on TOO_RECENT", "filed_on NOT_FILED", "penalties RECENT_PENALTY", "penalties PENALTY_OUTSTANDING",
                "dishonesty_list LISTED", "requested FIRST_APPLICATION_CAP",
            ])
        var filedLater = Self.clean
        filedLater.filedOn = S.day("2026-06-02")
        #expect(reasons(filedLater, .one) == ["filed_on NOT_FILED"])
        #expect(S.problems { _ = try rules.apply(institutionID: "i", record: filedLater, requesting: .one, on: Self.applyDay) } == ["filed_on NOT_FILED"])
    }

    /// A failed application for 三级 on 2025-03-01 bars 三级 and higher until 2027-03-01; 二级 at once.
    @Test func failedApplicationBlocksSameOrHigherForTwoYears() {
        var record = Self.clean
        record.pastApplications = [PastGradeApplication(requested: .three, decidedOn: S.day("2025-03-01"), passed: false)]
        #expect(reasons(record, .three) == ["requested FAILED_RECENTLY"])
        #expect(reasons(record, .two).isEmpty)
        #expect(reasons(record, .three, on: S.day("2027-02-28")) == ["requested FAILED_RECENTLY"])
        #expect(reasons(record, .three, on: S.day("2027-03-01")).isEmpty)
        record.grade = .two
        record.gradedOn = S.day("2023-01-10")
        record.gradeValidUntil = S.day("2026-01-10")
        #expect(reasons(record, .four) == ["requested FAILED_RECENTLY"])
    }

    /// 三级 granted 2024-01-10, valid until 2027-01-10: renewal opens 2026-10-10, an upgrade 2026-01-10.
    @Test func reapplicationAndUpgradeWindows() {
        var record = Self.clean
        record.grade = .three
        record.gradedOn = S.day("2024-01-10")
        record.gradeValidUntil = S.day("2027-01-10")
        #expect(rules.validUntil(grantedOn: S.day("2024-01-10")) == S.day("2027-01-10"))
        #expect(rules.reapplicationOpens(validUntil: S.day("2027-01-10")) == S.day("2026-10-10"))
        #expect(reasons(record, .three, on: S.day("2026-10-09")) == ["requested TOO_EARLY"])
        #expect(reasons(record, .three, on: S.day("2026-10-10")).isEmpty)
        #expect(reasons(record, .four, on: S.day("2026-01-09")) == ["requested UPGRADE_TOO_EARLY"])
        #expect(reasons(record, .four, on: S.day("2026-01-10")).isEmpty)
        // Expired: any grade at once.
        #expect(reasons(record, .three, on: S.day("2027-01-11")).isEmpty)
    }

    // MARK: - Configuration

    @Test func defaultConfigurationIsValid() {
        #expect(GradingConfiguration().problems().isEmpty)
        #expect(GradingConfiguration.standardParts.reduce(0) { $0 + $1.maximum } == 1000)
    }

    @Test func overlappingAndGappedBandsAreRefusedAtLoad() {
        var bands = GradingConfiguration.standardBands
        bands[1].minimum = 540  // inside 一级's 400–549
        bands[2].minimum = 710  // 700–709 belong to no grade
        bands[4].maximum = 990  // 991–1000 above 五级
        let configuration = GradingConfiguration(bands: bands)
        let problems = configuration.problems()
        #expect(S.list(problems) == ["bands[1].minimum OVERLAP", "bands[2].minimum GAP", "bands[4].maximum GAP"])
        #expect(problems.details[0].description == "grade 二级 starts at 540, inside grade 一级's 400–549")
        #expect(problems.details[1].description == "scores 700–709 fall between grade 二级 and grade 三级")
        #expect(S.problems { _ = try GradingRules(configuration: configuration) }.count == 3)
    }

    @Test func otherConfigurationProblems() {
        var bands = GradingConfiguration.standardBands
        bands.swapAt(0, 1)
        bands[2].maximum = 600
        let configuration = GradingConfiguration(
            firstApplicationMaxGrade: 6, validityYears: 0, minimumScorers: 0, totalPoints: 1000,
            parts: [ScorePart(code: "a", name: "A", maximum: 500), ScorePart(code: "a", name: "B", maximum: 0)], bands: bands)
        #expect(
            S.list(configuration.problems()) == [
                "first_application_max_grade OUT_OF_RANGE", "validity_years NOT_POSITIVE", "minimum_scorers NOT_POSITIVE", "parts[1].code DUPLICATE",
                "parts[1].maximum NOT_POSITIVE", "parts TOTAL", "bands[0].grade ORDER", "bands[1].grade ORDER", "bands[1].minimum OVERLAP",
                "bands[2].maximum BAD_RANGE", "bands[2].minimum GAP", "bands[3].minimum GAP",
            ])
        #expect(S.list(GradingConfiguration(bands: Array(bands.prefix(4))).problems()) == ["bands COUNT"])
    }

    @Test func loadFromJSONKeepsDefaultsAndRefusesBadBands() throws {
        let loaded = try GradingConfiguration.load(json: Data(#"{"validityYears": 4, "minimumScorers": 3}"#.utf8))
        #expect(loaded.validityYears == 4 && loaded.minimumScorers == 3 && loaded.bands == GradingConfiguration.standardBands)
        let overlapping =
            #"{"bands": [{"grade":1,"minimum":400,"maximum":549},{"grade":2,"minimum":549,"maximum":699},"#
            + #"{"grade":3,"minimum":700,"maximum":799},{"grade":4,"minimum":800,"maximum":899},{"grade":5,"minimum":900,"maximum":1000}]}"#
        #expect(S.problems { _ = try GradingConfiguration.load(json: Data(overlapping.utf8)) } == ["bands[1].minimum OVERLAP"])
        #expect(S.problems { _ = try GradingConfiguration.load(json: Data("{".utf8)) } == ["configuration UNREADABLE"])
        let gradeSix = Data(#"{"bands": [{"grade":6,"minimum":0,"maximum":1}]}"#.utf8)
        #expect(S.problems { _ = try GradingConfiguration.load(json: gradeSix) } == ["configuration UNREADABLE"])
    }

    // MARK: - Score and bands

    static let fullMarks = ["environment": 120, "facilities": 130, "management": 150, "services": 600]

    @Test func scoreAndBand() throws {
        #expect(try rules.total(Self.fullMarks) == 1000)
        #expect(try rules.total(["environment": 100, "facilities": 100, "management": 100, "services": 420]) == 720)
        #expect(
            S.problems { _ = try rules.total(["environment": 121, "facilities": -1, "services": 10, "extra": 1]) } == [
                "part_scores.environment EXCEEDS_MAXIMUM", "part_scores.facilities NEGATIVE", "part_scores.management MISSING", "part_scores.extra UNKNOWN",
            ])
        #expect(rules.grade(for: 399) == nil)
        #expect(rules.grade(for: 400) == .one)
        #expect(rules.grade(for: 699) == .two)
        #expect(rules.grade(for: 700) == .three)
        #expect(rules.grade(for: 899) == .four)
        #expect(rules.grade(for: 1000) == .five)
    }

    // MARK: - The application's steps

    static let scores720 = ["environment": 100, "facilities": 100, "management": 100, "services": 420]

    func published() throws -> GradeApplication {
        let application = try rules.apply(institutionID: "inst-1", record: Self.clean, requesting: .three, on: S.day("2026-09-01"), id: "g1")
        let scored = try rules.score(application, partScores: Self.scores720, scorers: ["张评审", "李评审", "张评审"])
        #expect(scored.total == 720 && scored.scoredGrade == .three && scored.scorers == ["张评审", "李评审"].sorted())
        return try rules.publish(scored, on: S.day("2026-09-28"))
    }

    /// 公示 from Monday 2026-09-28 for 5 working days: 9-29, 9-30, 10-8, 10-9, 10-10 (调休). Appeals close
    /// 21 days after publication, 2026-10-19.
    @Test func noticeAppealWindowAndGrant() throws {
        let notice = try published()
        #expect(notice.state == .publicNotice && notice.noticeEndsOn == S.day("2026-10-10"))
        #expect(rules.appealDeadline(publishedOn: S.day("2026-09-28")) == S.day("2026-10-19"))
        #expect(S.problems { _ = try rules.decide(notice, on: S.day("2026-10-10")) } == [" NOTICE_RUNNING"])
        #expect(S.problems { _ = try rules.decide(notice, on: S.day("2026-10-19")) } == [" APPEAL_WINDOW_OPEN"])
        let granted = try rules.decide(notice, on: S.day("2026-10-20"))
        #expect(granted.state == .granted && granted.granted == .three && granted.validUntil == S.day("2029-10-20"))
        #expect(GradingRules.past(granted) == PastGradeApplication(requested: .three, decidedOn: S.day("2026-10-20"), passed: true))
    }

    @Test func appealDecidedBySomeoneWhoDidNotScore() throws {
        let notice = try published()
        #expect(S.problems { _ = try rules.lodgeAppeal(notice, grounds: "", on: S.day("2026-10-09")) } == ["grounds REQUIRED"])
        #expect(S.problems { _ = try rules.lodgeAppeal(notice, grounds: "服务项漏评", on: S.day("2026-10-20")) } == [" APPEAL_LATE"])
        let appealed = try rules.lodgeAppeal(notice, grounds: "服务项漏评", on: S.day("2026-10-09"))
        #expect(appealed.state == .appealed)
        #expect(S.problems { _ = try rules.lodgeAppeal(appealed, grounds: "again", on: S.day("2026-10-09")) } == [" ALREADY_APPEALED"])
        #expect(S.problems { _ = try rules.decide(appealed, on: S.day("2026-10-30")) } == [" APPEAL_PENDING"])
        #expect(rules.appealDecisionDue(lodgedOn: S.day("2026-10-09")) == S.day("2026-10-30"))

        do {
            _ = try rules.decideAppeal(appealed, by: "李评审", on: S.day("2026-10-15"))
            Issue.record("a scorer decided the appeal")
        } catch let error as DomainError {
            #expect(error.kind == .permissionDenied && error.reason == "SCORER_CANNOT_DECIDE" && error.problems[0].field == "decided_by")
        }
        let revised = ["environment": 100, "facilities": 100, "management": 100, "services": 500]
        let decided = try rules.decideAppeal(appealed, by: "王复核", revisedPartScores: revised, on: S.day("2026-10-15"))
        #expect(decided.total == 800 && decided.scoredGrade == .four && decided.appeal?.decidedBy == "王复核" && decided.appeal?.revisedTotal == 800)
        #expect(S.problems { _ = try rules.decideAppeal(decided, by: "王复核", on: S.day("2026-10-16")) } == [" NO_APPEAL"])
        // The appeal decided, the grade is decided without waiting for the window; the requested grade caps it.
        let granted = try rules.decide(decided, on: S.day("2026-10-16"))
        #expect(granted.granted == .three && granted.state == .granted)
    }

    @Test func scoreBelowTheRequestedBandFails() throws {
        let application = try rules.apply(institutionID: "inst-1", record: Self.clean, requesting: .three, on: S.day("2026-09-01"))
        #expect(S.problems { _ = try rules.score(application, partScores: Self.scores720, scorers: ["张评审", " "]) } == ["scorers TOO_FEW"])
        let low = ["environment": 100, "facilities": 100, "management": 100, "services": 350]
        let scored = try rules.score(application, partScores: low, scorers: ["张评审", "李评审"])
        #expect(scored.scoredGrade == .two)
        #expect(S.problems { _ = try rules.score(scored, partScores: low, scorers: ["a", "b"]) } == [" NOT_SUBMITTED"])
        #expect(S.problems { _ = try rules.decide(scored, on: S.day("2026-12-01")) } == [" NOT_PUBLISHED"])
        let failed = try rules.decide(try rules.publish(scored, on: S.day("2026-09-28")), on: S.day("2026-10-20"))
        #expect(failed.state == .failed && failed.granted == nil && failed.validUntil == nil)
        let past = try #require(GradingRules.past(failed))
        var record = Self.clean
        record.pastApplications = [past]
        #expect(reasons(record, .three, on: S.day("2026-11-01")) == ["requested FAILED_RECENTLY"])
        #expect(reasons(record, .two, on: S.day("2026-11-01")).isEmpty)
    }
}
