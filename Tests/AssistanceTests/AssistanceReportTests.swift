import AssistanceDomain
import CivicDomain
import Testing

@Suite("社会救助 report")
struct AssistanceReportTests {
    typealias F = Fixtures

    static let care = DestituteCareCounts(unableToSelfCare: 60, centralized: 30)
    static let applications = ApplicationTimeliness(decided: 50, decidedOnTime: 45)
    static let reviews = ReviewCounts(due: 50, done: 40, overdue: 3)

    static func report(
        _ recipients: [RecipientTotals] = [], months: Int = 1, care: DestituteCareCounts = care, applications: ApplicationTimeliness = applications,
        reviews: ReviewCounts = reviews, alerts: [AlertCounts] = [], floors: AssistanceFloors = AssistanceFloors(), target: Ratio = Ratio(1, 2),
        period: String = "2026-07"
    ) throws -> AssistanceReport {
        try AssistanceReport(
            period: period, months: months, recipients: recipients, destituteCare: care, applications: applications, reviews: reviews, alerts: alerts,
            floors: floors, centralizedCareTarget: target)
    }

    static func totals(_ program: Program, _ area: Area, households: Int, persons: Int, paid: Int) -> RecipientTotals {
        RecipientTotals(program: program, area: area, households: households, persons: persons, amountPaid: Fen(paid))
    }

    // MARK: - Monthly assistance per person against the floors

    @Test func averagePerPersonRoundsHalfUpOnce() throws {
        // 100 001 / 3 = 33 333.67 → 33 334, below the urban floor 37 400.
        let report = try Self.report([Self.totals(.minimumLiving, .urban, households: 2, persons: 3, paid: 100_001)])
        let row = report.row(.minimumLiving, .urban)
        #expect(row.monthlyPerPerson == Fen(33_334))
        #expect(row.floor == Fen(37_400))
        #expect(row.belowFloor)
        #expect(row.totals.households == 2)
        #expect(row.totals.amountPaid == Fen(100_001))
    }

    @Test func ruralFloorBoundary() throws {
        // 91 602 / 4 = 22 900.5 → 22 901 (half up): above the rural floor 22 900.
        let above = try Self.report([Self.totals(.minimumLiving, .rural, households: 2, persons: 4, paid: 91_602)]).row(.minimumLiving, .rural)
        #expect(above.monthlyPerPerson == Fen(22_901))
        #expect(!above.belowFloor)
        // 91 598 / 4 = 22 899.5 → 22 900: at the floor is not below it.
        let at = try Self.report([Self.totals(.minimumLiving, .rural, households: 2, persons: 4, paid: 91_598)]).row(.minimumLiving, .rural)
        #expect(at.monthlyPerPerson == Fen(22_900))
        #expect(!at.belowFloor)
        // 91 597 / 4 = 22 899.25 → 22 899: below.
        let below = try Self.report([Self.totals(.minimumLiving, .rural, households: 2, persons: 4, paid: 91_597)]).row(.minimumLiving, .rural)
        #expect(below.monthlyPerPerson == Fen(22_899))
        #expect(below.belowFloor)
    }

    @Test func aYearReportDividesByTwelveMonthsOnce() throws {
        // 4 487 939 / 10 / 12 = 37 399.49 → 37 399: below 37 400.
        let below = try Self.report([Self.totals(.minimumLiving, .urban, households: 6, persons: 10, paid: 4_487_939)], months: 12)
        #expect(below.months == 12)
        #expect(below.row(.minimumLiving, .urban).monthlyPerPerson == Fen(37_399))
        #expect(below.row(.minimumLiving, .urban).belowFloor)
        // 4 487 940 / 120 = 37 399.5 → 37 400 (one rounding, half up): at the floor, not below it.
        let at = try Self.report([Self.totals(.minimumLiving, .urban, households: 6, persons: 10, paid: 4_487_940)], months: 12)
        #expect(at.row(.minimumLiving, .urban).monthlyPerPerson == Fen(37_400))
        #expect(!at.row(.minimumLiving, .urban).belowFloor)
    }

    @Test func onlyMinimumLivingHasFloors() throws {
        let report = try Self.report([
            Self.totals(.destitute, .urban, households: 5, persons: 5, paid: 1_000_000),
            Self.totals(.temporary, .rural, households: 1, persons: 3, paid: 10_000),
            Self.totals(.disabilitySubsidy, .rural, households: 3, persons: 4, paid: 28_000),
        ])
        let destitute = report.row(.destitute, .urban)
        #expect(destitute.monthlyPerPerson == Fen(200_000))
        #expect(destitute.floor == nil)
        #expect(!destitute.belowFloor)
        // 10 000 / 3 = 3 333.33 → 3 333, far under any 低保 floor, but no floor applies.
        #expect(report.row(.temporary, .rural).monthlyPerPerson == Fen(3_333))
        #expect(!report.row(.temporary, .rural).belowFloor)
        #expect(report.row(.disabilitySubsidy, .rural).monthlyPerPerson == Fen(7_000))
        #expect(AssistanceFloors().floor(program: .destitute, area: .urban) == nil)
        #expect(AssistanceFloors().floor(program: .minimumLiving, area: .rural) == Fen(22_900))
    }

    @Test func floorsAreConfigurable() throws {
        let floors = AssistanceFloors(urban: Fen(30_000), rural: Fen(25_000))
        let report = try Self.report(
            [
                Self.totals(.minimumLiving, .urban, households: 2, persons: 3, paid: 100_001),
                Self.totals(.minimumLiving, .rural, households: 2, persons: 4, paid: 91_602),
            ], floors: floors)
        #expect(!report.row(.minimumLiving, .urban).belowFloor)
        #expect(report.row(.minimumLiving, .rural).floor == Fen(25_000))
        #expect(report.row(.minimumLiving, .rural).belowFloor)
    }

    @Test func everyProgramAndAreaHasARowZeroWhereNoneWasGiven() throws {
        let report = try Self.report([Self.totals(.temporary, .urban, households: 1, persons: 2, paid: 50_000)])
        #expect(report.recipients.count == 8)
        #expect(
            report.recipients.map { "\($0.totals.program.rawValue)/\($0.totals.area.rawValue)" } == [
                "minimum_living/urban", "minimum_living/rural", "destitute/urban", "destitute/rural", "temporary/urban", "temporary/rural",
                "disability_subsidy/urban", "disability_subsidy/rural",
            ])
        let empty = report.row(.minimumLiving, .urban)
        #expect(empty.totals.persons == 0)
        #expect(empty.totals.amountPaid == .zero)
        #expect(empty.monthlyPerPerson == nil)  // nobody covered: no average, not "below"
        #expect(empty.floor == Fen(37_400))
        #expect(!empty.belowFloor)
        #expect(report.row(.temporary, .urban).monthlyPerPerson == Fen(25_000))
    }

    // MARK: - 集中供养率

    @Test func centralizedCareRateAgainstItsTarget() throws {
        let half = try Self.report(care: DestituteCareCounts(unableToSelfCare: 60, centralized: 30)).centralizedCare
        #expect(half.rate == Percentage(tenths: 500))
        #expect(half.targetMet == true)
        let third = try Self.report(care: DestituteCareCounts(unableToSelfCare: 3, centralized: 1)).centralizedCare
        #expect(third.rate.description == "33.3")
        #expect(third.targetMet == false)
        let twoThirds = try Self.report(care: DestituteCareCounts(unableToSelfCare: 3, centralized: 2)).centralizedCare
        #expect(twoThirds.rate.description == "66.7")
        #expect(twoThirds.targetMet == true)
    }

    @Test func theTargetIsComparedExactlyNotRounded() throws {
        // 999 of 2 000 = 49.95% → 50.0 printed, but below half.
        let care = try Self.report(care: DestituteCareCounts(unableToSelfCare: 2000, centralized: 999)).centralizedCare
        #expect(care.rate.description == "50.0")
        #expect(care.targetMet == false)
    }

    @Test func zeroDenominatorsRateZeroAndJudgeNothing() throws {
        let report = try Self.report(
            care: DestituteCareCounts(unableToSelfCare: 0, centralized: 0), applications: ApplicationTimeliness(decided: 0, decidedOnTime: 0),
            reviews: ReviewCounts(due: 0, done: 0, overdue: 0), alerts: [AlertCounts(department: "卫健委")])
        #expect(report.centralizedCare.rate == Percentage(tenths: 0))
        #expect(report.centralizedCare.targetMet == nil)
        #expect(report.applicationsOnTime.description == "0.0")
        #expect(report.reviewsDone.description == "0.0")
        #expect(report.reviewsOverdue.description == "0.0")
        #expect(report.alerts[0].onTimeShare.description == "0.0")
        // Nobody placed, some unable: 0.0 and not met.
        let none = try Self.report(care: DestituteCareCounts(unableToSelfCare: 5, centralized: 0)).centralizedCare
        #expect(none.rate.description == "0.0")
        #expect(none.targetMet == false)
    }

    @Test func theTargetIsConfigurable() throws {
        let care = try Self.report(care: DestituteCareCounts(unableToSelfCare: 50, centralized: 30), target: Ratio(3, 5)).centralizedCare
        #expect(care.rate.description == "60.0")
        #expect(care.target == Ratio(3, 5))
        #expect(care.targetMet == true)
        let short = try Self.report(care: DestituteCareCounts(unableToSelfCare: 50, centralized: 29), target: Ratio(3, 5)).centralizedCare
        #expect(short.targetMet == false)
    }

    // MARK: - Timeliness, reviews, alerts

    @Test func sharesAreOneDecimalHalfUp() throws {
        let report = try Self.report(
            applications: ApplicationTimeliness(decided: 16, decidedOnTime: 1), reviews: ReviewCounts(due: 50, done: 40, overdue: 3))
        #expect(report.applicationsOnTime.description == "6.3")  // 6.25 → 6.3
        #expect(report.reviewsDone.description == "80.0")
        #expect(report.reviewsOverdue.description == "6.0")
        #expect(try Self.report().applicationsOnTime.description == "90.0")
    }

    @Test func alertsByDepartmentSortedWithATotal() throws {
        var health = AlertCounts(department: "卫健委")
        for status in [AlertCheckStatus.handledOnTime, .handledOnTime, .handledOnTime, .handledLate, .overdue, .open, .retracted] {
            health.count(status)
        }
        #expect(health == AlertCounts(department: "卫健委", raised: 6, handledOnTime: 3, handledLate: 1, openOverdue: 1, open: 1))
        #expect(health.settled == 5)
        #expect(health.onTimeShare.description == "60.0")
        let labour = AlertCounts(department: "人社局", raised: 10, handledOnTime: 6, handledLate: 1, openOverdue: 1, open: 2)
        #expect(labour.onTimeShare.description == "75.0")  // 6 of the 8 settled; the 2 still open are not rated yet
        let report = try Self.report(alerts: [health, labour])
        #expect(report.alerts.map(\.department) == ["人社局", "卫健委"])
        #expect(report.alertTotal == AlertCounts(department: "合计", raised: 16, handledOnTime: 9, handledLate: 2, openOverdue: 2, open: 3))
        #expect(report.alertTotal.onTimeShare.description == "69.2")  // 9 / 13 = 69.23
    }

    // MARK: - Validation

    @Test func everyInputProblemIsReportedAtOnce() {
        let problems = F.problems {
            _ = try AssistanceReport(
                period: "2026", months: 0,
                recipients: [
                    Self.totals(.minimumLiving, .urban, households: -1, persons: -2, paid: -3),
                    Self.totals(.minimumLiving, .urban, households: 5, persons: 3, paid: 0),
                    Self.totals(.temporary, .rural, households: 0, persons: 0, paid: 100),
                ],
                destituteCare: DestituteCareCounts(unableToSelfCare: 3, centralized: 4), applications: ApplicationTimeliness(decided: 2, decidedOnTime: 3),
                reviews: ReviewCounts(due: 5, done: 4, overdue: 2),
                alerts: [
                    AlertCounts(department: " ", raised: 1, open: 1),
                    AlertCounts(department: "人社局", raised: 3, handledOnTime: 1),
                    AlertCounts(department: "人社局"),
                    AlertCounts(department: "医保局", raised: -1, handledLate: -1),
                ],
                floors: AssistanceFloors(urban: Fen(-1)), centralizedCareTarget: Ratio(1, 0))
        }
        #expect(
            problems == [
                "months NOT_POSITIVE",
                "recipients[0].households NEGATIVE", "recipients[0].persons NEGATIVE", "recipients[0].amount_paid NEGATIVE",
                "recipients[1].households MORE_THAN_PERSONS", "recipients[1] DUPLICATE",
                "recipients[2].persons ZERO_WITH_AMOUNT",
                "destitute_care.centralized EXCEEDS_TOTAL",
                "applications.decided_on_time EXCEEDS_TOTAL",
                "reviews.overdue EXCEEDS_TOTAL",
                "alerts[0].department REQUIRED",
                "alerts[1].raised MISMATCH",
                "alerts[2].department DUPLICATE",
                "alerts[3].raised NEGATIVE", "alerts[3].handled_late NEGATIVE",
                "floors.urban NEGATIVE",
                "centralized_care_target BAD_RATIO",
            ])
    }

    @Test func negativeCountsAndTooManyDone() {
        #expect(
            F.problems {
                _ = try Self.report(
                    care: DestituteCareCounts(unableToSelfCare: -1, centralized: -1), applications: ApplicationTimeliness(decided: -1, decidedOnTime: 0),
                    reviews: ReviewCounts(due: 5, done: 6, overdue: 0))
            } == [
                "destitute_care.unable_to_self_care NEGATIVE", "destitute_care.centralized NEGATIVE", "applications.decided NEGATIVE",
                "reviews.done EXCEEDS_TOTAL",
            ])
        let error = #expect(throws: DomainError.self) { try Self.report(months: -12) }
        #expect(error?.kind == .invalid)
        #expect(error?.reason == "NOT_POSITIVE")
    }

    // MARK: - CSV

    static func csvReport() throws -> AssistanceReport {
        try report(
            [
                totals(.minimumLiving, .urban, households: 2, persons: 3, paid: 100_001),
                totals(.destitute, .urban, households: 5, persons: 5, paid: 1_000_000),
            ],
            alerts: [
                AlertCounts(department: "医保局,\"大病\"", raised: 4, handledOnTime: 3, open: 1),
                AlertCounts(department: "=cmd|' /C calc'!A0", raised: 1, handledLate: 1),
            ])
    }

    @Test func csvHeaderAndShape() throws {
        let csv = try Self.csvReport().csv()
        #expect(csv.hasSuffix("\n"))
        #expect(!csv.contains("\r"))
        #expect(!csv.hasPrefix("\u{FEFF}"))
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "")
        // header + report + 8 rows × 4 + 集中供养率 + applications + 3 review lines + (2 departments + 合计) × 5.
        #expect(lines.count - 1 == 1 + 1 + 32 + 1 + 1 + 3 + 15)
        #expect(lines[0] == "分类(section),对象(subject),城乡(area),指标(measure),数值(value),分母(of),百分比(percent),说明(note)")
        #expect(lines[1] == "report,2026-07,,月数(months),1,,,")
        #expect(
            Array(lines[2...5]) == [
                "recipients,低保(minimum_living),城市(urban),户数(households),2,,,",
                "recipients,低保(minimum_living),城市(urban),人数(persons),3,,,",
                "recipients,低保(minimum_living),城市(urban),发放金额(元)(amount_paid_yuan),1000.01,,,",
                "recipients,低保(minimum_living),城市(urban),月人均救助(元)(monthly_per_person_yuan),333.34,,,低于下限 374.00 元(below floor)",
            ])
        #expect(try Self.report().csv(byteOrderMark: true).hasPrefix("\u{FEFF}分类(section),"))
    }

    @Test func csvFigures() throws {
        let lines = Set(try Self.csvReport().csv().split(separator: "\n").map(String.init))
        for expected in [
            "recipients,低保(minimum_living),农村(rural),月人均救助(元)(monthly_per_person_yuan),,,,",
            "recipients,特困(destitute),城市(urban),发放金额(元)(amount_paid_yuan),10000.00,,,",
            "recipients,特困(destitute),城市(urban),月人均救助(元)(monthly_per_person_yuan),2000.00,,,",
            "destitute_care,特困(destitute),,集中供养率(centralized_care_rate),30,60,50.0,目标 50.0%(target): 达标(target met)",
            "applications,,,按时办结(decided_on_time),45,50,90.0,",
            "reviews,,,应复核(due),50,,,",
            "reviews,,,已复核(done),40,50,80.0,",
            "reviews,,,逾期未复核(overdue),3,50,6.0,",
            "alerts,合计(total),,预警(raised),5,,,",
            "alerts,合计(total),,按时核查(handled_on_time),3,4,75.0,",
            "alerts,合计(total),,待核查(open),1,,,",
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
        let meets = try Self.report([Self.totals(.minimumLiving, .rural, households: 2, persons: 4, paid: 91_602)]).csv()
        #expect(meets.contains("recipients,低保(minimum_living),农村(rural),月人均救助(元)(monthly_per_person_yuan),229.01,,,不低于下限 229.00 元(meets floor)\n"))
        let nobody = try Self.report(care: DestituteCareCounts(unableToSelfCare: 0, centralized: 0)).csv()
        #expect(nobody.contains("集中供养率(centralized_care_rate),0,0,0.0,目标 50.0%(target): 无生活不能自理人员(none unable to self-care)\n"))
        let short = try Self.report(care: DestituteCareCounts(unableToSelfCare: 3, centralized: 1)).csv()
        #expect(short.contains("集中供养率(centralized_care_rate),1,3,33.3,目标 50.0%(target): 未达标(target not met)\n"))
    }

    @Test func csvQuotesCommasAndQuotesAndDefusesFormulas() throws {
        let csv = try Self.csvReport().csv()
        // Sorted by name: "=" before Chinese.
        #expect(csv.contains("\nalerts,'=cmd|' /C calc'!A0,,预警(raised),1,,,\n"))
        #expect(csv.contains("\nalerts,'=cmd|' /C calc'!A0,,超时核查(handled_late),1,,,\n"))
        #expect(csv.contains("\nalerts,\"医保局,\"\"大病\"\"\",,预警(raised),4,,,\n"))
        #expect(csv.contains("\nalerts,\"医保局,\"\"大病\"\"\",,按时核查(handled_on_time),3,3,100.0,\n"))
        let period = try Self.report(period: "2026年1-6月,上半年 \"初稿\"").csv()
        #expect(period.contains("\nreport,\"2026年1-6月,上半年 \"\"初稿\"\"\",,月数(months),1,,,\n"))
        let multiline = try Self.report(alerts: [AlertCounts(department: "民政\n局")]).csv()
        #expect(multiline.contains("\nalerts,\"民政\n局\",,预警(raised),0,,,\n"))
        let minus = try Self.report(period: "-2026").csv()
        #expect(minus.contains("\nreport,'-2026,,月数(months),1,,,\n"))
    }
}
