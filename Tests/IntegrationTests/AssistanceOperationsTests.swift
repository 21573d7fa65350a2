import AssistanceDomain
import AssistanceService
import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import SwiftProtobuf
import Testing

/// After the decision: monthly payment runs, the bank's files, monitoring alerts, reviews and
/// the report, over the handlers on fixed days.
enum AssistanceCases {
    typealias Bureau = AssistanceBureau

    /// Walks H000001's 低保 application (filed 1 July) to approval on 22 July: 120 000 fen a month
    /// from August, investigated by 陈静 and approved by 李强.
    static func approvedMinimumLiving(_ bureau: Bureau, household: String = "H000001") async throws -> String {
        let h = bureau.handler
        let id = try await h.fileApplication(
            .with {
                $0.householdID = household; $0.program = .minimumLiving; $0.appliedOn = "2026-07-01"; $0.authorizationSignedOn = "2026-07-01"
            }, context: bureau.context()
        ).application.id
        try await approve(bureau, id)
        return id
    }

    /// Walks application `id` (filed 1 July) to approval on 22 July: accepted, investigated by 陈静,
    /// the township's opinion, 公示, approved by 李强.
    static func approve(_ bureau: Bureau, _ id: String) async throws {
        let h = bureau.handler
        for (step, day) in [("accept", "2026-07-02"), ("investigate", "2026-07-03"), ("opinion", "2026-07-08"), ("notice", "2026-07-09")] {
            let request = Civic_Assistance_V1_ApplicationStepRequest.with {
                $0.id = id; $0.on = day; $0.text = "符合"
            }
            switch step {
            case "accept": _ = try await h.acceptApplication(request, context: bureau.context())
            case "investigate": _ = try await h.startInvestigation(request, context: bureau.context())
            case "opinion": _ = try await h.recordTownshipOpinion(request, context: bureau.context())
            default: _ = try await h.startNotice(request, context: bureau.context())
            }
        }
        _ = try await h.approveApplication(
            .with {
                $0.id = id; $0.on = "2026-07-22"
            }, context: bureau.context(Bureau.li))
    }

    static func run(_ bureau: Bureau, _ month: String, program: Civic_Assistance_V1_Program = .minimumLiving) async throws
        -> Civic_Assistance_V1_RunPaymentsResponse
    {
        try await bureau.handler.runPayments(
            .with {
                $0.month = month; $0.program = program
            }, context: bureau.context())
    }

    static func lines(_ bureau: Bureau, _ run: String) async throws -> [Civic_Assistance_V1_PaymentLine] {
        try await bureau.handler.listPaymentLines(.with { $0.runID = run }, context: bureau.context()).lines
    }

    static func event(
        _ id: String, _ type: Civic_Assistance_V1_PersonEventType, _ person: String, on: String, kind: Civic_Assistance_V1_PersonEventKind = .notification,
        amount: Int64 = 0, corrects: String = ""
    ) -> Civic_Assistance_V1_ReportPersonEventRequest {
        .with {
            $0.eventID = id; $0.type = type; $0.residentID = person; $0.occurredOn = on; $0.kind = kind; $0.amountFen = amount
            $0.correctsEventID = corrects
        }
    }

    static let civilRegistry = Principal(id: "key-gongan", roles: [.department], subject: "县公安局")

    /// A second household (王芳, alone, no income) in the county, with a bank account.
    static func second(_ bureau: Bureau, account: String = "6217000099998888") async throws {
        _ = try await bureau.register(
            .with {
                $0.division = Bureau.county; $0.area = .urban; $0.hukouAddress = "城关镇 3 号"; $0.caseWorker = "陈静"; $0.bankAccount = account
                $0.members = [Bureau.member("王芳", Bureau.elder, .head)]
            })
    }
}

@Suite("Assistance: payment runs")
struct AssistancePaymentTests {
    typealias Bureau = AssistanceBureau

    @Test func aMonthIsPaidOnceFromTheDecisionSnapshot() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await AssistanceCases.approvedMinimumLiving(bureau)
        let august = try await AssistanceCases.run(bureau, "2026-08")
        #expect(!august.alreadyRan)
        #expect(august.run.id == "PR-431227-2026-08-minimum_living")
        #expect(august.run.lineCount == 1)
        #expect(august.run.amountFen == 120_000)
        let line = try #require(try await AssistanceCases.lines(bureau, august.run.id).first)
        #expect(line.caseID == id)
        #expect(line.forMonth == "2026-08")
        #expect(line.payeeName == "张伟")
        #expect(line.bankAccount == "************5678")
        #expect(line.formula == "3 × 90000 − 150000 = 120000")
        #expect(line.state == .paymentPending)

        // Running the month again pays nothing twice.
        let again = try await AssistanceCases.run(bureau, "2026-08")
        #expect(again.alreadyRan)
        #expect(again.run.lineCount == 1)
        #expect(try await AssistanceCases.lines(bureau, august.run.id).count == 1)

        // A registry edit after the decision does not change what is paid; a raised standard does, from its month.
        var richer = Bureau.family()
        richer.incomes[0].monthlyFen = 250_000
        _ = try await bureau.handler.updateHousehold(
            .with {
                $0.id = "H000001"; $0.household = richer; $0.reason = "就业"
            }, context: bureau.context())
        var raised = Bureau.urban
        raised.id = "431227-urban-2026-10"
        raised.effective = "2026-10-01"
        raised.minimumLivingMonthlyFen = 95_000
        try await bureau.putStandard(raised)
        let september = try await AssistanceCases.run(bureau, "2026-09")
        #expect(try await AssistanceCases.lines(bureau, september.run.id).map(\.amountFen) == [120_000])
        let october = try await AssistanceCases.run(bureau, "2026-10")
        let octoberLine = try #require(try await AssistanceCases.lines(bureau, october.run.id).first)
        #expect(octoberLine.amountFen == 135_000)
        #expect(octoberLine.standardVersionID == "431227-urban-2026-10")
    }

    @Test func aCaseApprovedAfterItsFirstMonthsRunGetsTheArrearsButNothingBeforeTheFirstRun() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        try await bureau.putStandard()
        _ = try await bureau.register()
        // July's run happened before anything was approved.
        #expect(try await AssistanceCases.run(bureau, "2026-07").run.lineCount == 0)
        _ = try await AssistanceCases.approvedMinimumLiving(bureau)
        let september = try await AssistanceCases.run(bureau, "2026-09")
        #expect(try await AssistanceCases.lines(bureau, september.run.id).map(\.forMonth) == ["2026-08", "2026-09"])
        #expect(september.run.amountFen == 240_000)
    }

    @Test func theBankFileAndItsReturnFailedLinesAreReissuedNextMonth() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        try await bureau.putStandard()
        _ = try await bureau.register()
        try await AssistanceCases.second(bureau)
        _ = try await AssistanceCases.approvedMinimumLiving(bureau)
        _ = try await AssistanceCases.approvedMinimumLiving(bureau, household: "H000002")
        let run = try await AssistanceCases.run(bureau, "2026-08").run
        #expect(run.lineCount == 2)
        let file = try await bureau.handler.exportBankFile(.with { $0.runID = run.id }, context: bureau.context())
        #expect(
            file.csv
                == "line_id,payee_name,bank_account,amount_yuan,benefit_month,program\r\n"
                + "\(run.id)-1,张伟,6217000012345678,1200.00,2026-08,minimum_living\r\n"
                + "\(run.id)-2,王芳,6217000099998888,900.00,2026-08,minimum_living\r\n")
        #expect(file.count == 2)
        #expect(file.amountFen == 210_000)
        #expect(try await AssistanceCases.lines(bureau, run.id).map(\.state) == [.paymentSent, .paymentSent])

        // A return with a wrong amount changes nothing.
        let wrong = await domainRefusal {
            _ = try await bureau.handler.reconcilePayments(
                .with {
                    $0.runID = run.id; $0.csv = "line_id,outcome,reason,amount_yuan\n\(run.id)-1,paid,,1200.01\n"
                }, context: bureau.context())
        }
        #expect(wrong?.problems.map { $0.hasSuffix("AMOUNT_MISMATCH") } == [true])
        #expect(try await AssistanceCases.lines(bureau, run.id).map(\.state) == [.paymentSent, .paymentSent])

        let back = try await bureau.handler.reconcilePayments(
            .with {
                $0.runID = run.id; $0.csv = "line_id,outcome,reason,amount_yuan\n\(run.id)-1,paid,,1200.00\n\(run.id)-2,failed,账户已销户,900.00\n"
            }, context: bureau.context())
        #expect((back.paid, back.failed, back.outstanding) == (1, 1, 0))
        #expect(back.run.paidAmountFen == 120_000)
        // The same return again is already reconciled.
        let twice = try await bureau.handler.reconcilePayments(
            .with {
                $0.runID = run.id; $0.csv = "line_id,outcome,reason,amount_yuan\n\(run.id)-1,paid,,1200.00\n"
            }, context: bureau.context())
        #expect(twice.alreadyReconciled == 1)

        let september = try await AssistanceCases.run(bureau, "2026-09")
        let lines = try await AssistanceCases.lines(bureau, september.run.id)
        #expect(lines.map(\.forMonth) == ["2026-09", "2026-09", "2026-08"])
        #expect(lines.last?.reissueOf == "\(run.id)-2")
        #expect(lines.last?.amountFen == 90_000)
        #expect(september.run.reissuedCount == 1)
        #expect(try await AssistanceCases.lines(bureau, run.id).map(\.state) == [.paymentPaid, .paymentReissued])
    }

    @Test func aBadAccountSkipsTheCaseWithItsReason() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        try await bureau.putStandard()
        _ = try await bureau.register()
        try await AssistanceCases.second(bureau, account: "")
        _ = try await AssistanceCases.approvedMinimumLiving(bureau, household: "H000002")
        let run = try await AssistanceCases.run(bureau, "2026-08").run
        #expect(run.lineCount == 0)
        #expect(run.skipped.map(\.reason) == ["INVALID_BANK_ACCOUNT"])
        let neighbour = await domainRefusal {
            _ = try await bureau.handler.getPaymentRun(.with { $0.id = run.id }, context: bureau.context(Bureau.neighbour))
        }
        #expect(neighbour?.kind == .permissionDenied)
        // Runs are made for this month or the next, never further ahead.
        let ahead = await domainRefusal { _ = try await AssistanceCases.run(bureau, "2026-11") }
        #expect(ahead?.problems == ["month TOO_FAR_AHEAD"])
        #expect(try await AssistanceCases.run(bureau, "2026-10").run.id == "PR-431227-2026-10-minimum_living")
    }
}

@Suite("Assistance: monitoring alerts")
struct AssistanceAlertTests {
    typealias Bureau = AssistanceBureau

    @Test func aDeathRecomputesTheHouseholdOnceAndARetractionReversesIt() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await AssistanceCases.approvedMinimumLiving(bureau)
        let department = bureau.context(AssistanceCases.civilRegistry)
        let receipt = try await h.reportPersonEvent(AssistanceCases.event("GA-1", .death, Bureau.spouse, on: "2026-08-15"), context: department)
        #expect(receipt.eventID == "GA-1")
        #expect(!receipt.duplicate)
        let alert = try #require(try await h.listAlerts(.init(), context: bureau.context()).alerts.first)
        #expect(alert.severity == .severityHigh)
        #expect(alert.suggestion == .suggestStopBenefit)
        #expect(alert.department == "县公安局")
        #expect(alert.checkDue == "2026-09-17")
        #expect(alert.residentID == Bureau.spouse)  // 陈静 is the case worker
        #expect(alert.effects == "death recorded on 2026-08-15; \(id) recomputed from 2026-09")
        #expect(try await h.getHousehold(.with { $0.id = "H000001" }, context: bureau.context()).household.members[1].deceasedOn == "2026-08-15")

        // The same event again changes nothing.
        let again = try await h.reportPersonEvent(AssistanceCases.event("GA-1", .death, Bureau.spouse, on: "2026-08-15"), context: department)
        #expect(again.duplicate)
        #expect(try await h.listAlerts(.init(), context: bureau.context()).alerts.count == 1)

        // August is paid in full; September for two: 2 × 90000 − 150000.
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-08").run.id).map(\.amountFen) == [120_000])
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-09").run.id).map(\.amountFen) == [30_000])

        // The registry's death report was wrong: retracted. October is paid for three again.
        _ = try await h.reportPersonEvent(
            AssistanceCases.event("GA-2", .death, Bureau.spouse, on: "2026-08-15", kind: .retraction, corrects: "GA-1"), context: department)
        let retracted = try #require(try await h.listAlerts(.init(), context: bureau.context()).alerts.first)
        #expect(retracted.status == .alertRetracted)
        #expect(try await h.getHousehold(.with { $0.id = "H000001" }, context: bureau.context()).household.members[1].deceasedOn == "")
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-10").run.id).map(\.amountFen) == [120_000])
        // The history keeps every step.
        let trail = try await bureau.handler.getHistory(
            .with {
                $0.entity = "application"; $0.id = id
            }, context: bureau.context()
        ).entries.map(\.action)
        #expect(trail.last == "approve")
        let changes = try await bureau.database.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, effective_from, retracted_at IS NOT NULL AS retracted FROM benefit_changes").map {
                "\($0["kind"] as String) \($0["effective_from"] as String) \($0["retracted"] as Bool)"
            }
        }
        #expect(changes == ["adjust 2026-09 true"])
    }

    @Test func theDeathOfTheOnlyMemberStopsTheCase() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        try await bureau.putStandard()
        _ = try await bureau.register()
        try await AssistanceCases.second(bureau)
        let id = try await AssistanceCases.approvedMinimumLiving(bureau, household: "H000002")
        _ = try await bureau.handler.reportPersonEvent(
            AssistanceCases.event("GA-9", .death, Bureau.elder, on: "2026-09-01"), context: bureau.context(AssistanceCases.civilRegistry))
        #expect(
            try await bureau.handler.listAlerts(.init(), context: bureau.context()).alerts.first?.effects
                == "death recorded on 2026-09-01; \(id) stops from 2026-10")
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-09").run.id).count == 1)
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-10").run.id).isEmpty)
        // A stopped case leaves the review list.
        #expect(try await bureau.handler.listDueReviews(.init(), context: bureau.context()).reviews.isEmpty)
    }

    @Test func eventsAboutPeopleNotAssistedRaiseNothingAndTellTheDepartmentNothing() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        _ = try await bureau.register()
        let stranger = Bureau.id("43122719700707009")
        let receipt = try await bureau.handler.reportPersonEvent(
            AssistanceCases.event("GA-3", .death, stranger, on: "2026-09-01"), context: bureau.context(AssistanceCases.civilRegistry))
        #expect(!receipt.duplicate)
        #expect(try await bureau.handler.listAlerts(.init(), context: bureau.context()).alerts.isEmpty)
        // A correction of an event never sent, and a hospitalisation without its cost, are refused and stored nothing.
        let unknown = await domainRefusal {
            _ = try await bureau.handler.reportPersonEvent(
                AssistanceCases.event("GA-4", .death, stranger, on: "2026-09-01", kind: .correction, corrects: "GA-404"),
                context: bureau.context(AssistanceCases.civilRegistry))
        }
        #expect(unknown?.problems == [" UNKNOWN_EVENT"])
        let noCost = await domainRefusal {
            _ = try await bureau.handler.reportPersonEvent(
                AssistanceCases.event("GA-5", .hospitalisation, Bureau.head, on: "2026-09-01"), context: bureau.context(AssistanceCases.civilRegistry))
        }
        #expect(noCost?.problems == ["amount REQUIRED"])
        let stored = try await bureau.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM person_events") }
        #expect(stored == 1)
    }

    @Test func newIncomeBringsTheReviewForwardAndHandlingClosesTheAlert() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await AssistanceCases.approvedMinimumLiving(bureau)
        // The head is of working age and able to work: reviews every 6 months.
        var due = try await h.listDueReviews(.init(), context: bureau.context()).reviews
        #expect(due.map(\.due) == ["2027-01-22"])
        #expect(due.map(\.frequency) == ["half_yearly"])
        _ = try await h.reportPersonEvent(
            AssistanceCases.event("RS-1", .employment, Bureau.spouse, on: "2026-09-01", amount: 300_000),
            context: bureau.context(Principal(id: "key-rs", roles: [.department], subject: "县人社局")))
        let alert = try #require(try await h.listAlerts(.init(), context: bureau.context()).alerts.first)
        #expect(alert.severity == .severityMedium)
        // 10 working days from 10 September, the make-up Sunday of 20 September among them.
        #expect(alert.checkDue == "2026-09-23")
        due = try await h.listDueReviews(.init(), context: bureau.context()).reviews
        #expect(due.map(\.due) == ["2026-09-23"])
        #expect(due.map(\.alertID) == [alert.id])
        #expect(due.map(\.applicationID) == [id])

        let noOutcome = await domainRefusal { _ = try await h.handleAlert(.with { $0.id = alert.id }, context: bureau.context()) }
        #expect(noOutcome?.problems == ["outcome REQUIRED"])
        let handled = try await h.handleAlert(
            .with {
                $0.id = alert.id; $0.on = "2026-09-10"; $0.outcome = "入户核实：李梅已就业，启动复核"
            }, context: bureau.context()
        ).alert
        #expect(handled.status == .handledOnTime)
        #expect(handled.handledBy == "陈静")
        let twice = await domainRefusal {
            _ = try await h.handleAlert(
                .with {
                    $0.id = alert.id; $0.outcome = "再次"
                }, context: bureau.context())
        }
        #expect(twice?.problems == [" ALREADY_HANDLED"])
    }
}

@Suite("Assistance: reviews and the report")
struct AssistanceReviewTests {
    typealias Bureau = AssistanceBureau

    @Test func aReviewLowersFromTheNextMonthKeepsOrStopsWithReasons() async throws {
        let bureau = try Bureau.open(today: "2026-11-15")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await AssistanceCases.approvedMinimumLiving(bureau)
        _ = try await AssistanceCases.run(bureau, "2026-08")
        var richer = Bureau.family()
        richer.incomes[0].monthlyFen = 180_000
        _ = try await h.updateHousehold(
            .with {
                $0.id = "H000001"; $0.household = richer; $0.reason = "核对：工资上涨"
            }, context: bureau.context())
        // Raising when the registry now gives less is refused, and changes nothing.
        let notHigher = await domainRefusal {
            _ = try await h.recordReview(
                .with {
                    $0.applicationID = id; $0.on = "2026-10-15"; $0.outcome = .raise; $0.reason = "复核"
                }, context: bureau.context())
        }
        #expect(notHigher?.problems == ["new_amount NOT_HIGHER"])
        let noReason = await domainRefusal {
            _ = try await h.recordReview(
                .with {
                    $0.applicationID = id; $0.outcome = .lower
                }, context: bureau.context())
        }
        #expect(noReason?.problems == ["reason REQUIRED"])

        let lowered = try await h.recordReview(
            .with {
                $0.applicationID = id; $0.on = "2026-10-15"; $0.outcome = .lower; $0.reason = "工资上涨至1800元"
            }, context: bureau.context()
        ).review
        #expect(lowered.previousAmountFen == 120_000)
        #expect(lowered.newAmountFen == 90_000)
        #expect(lowered.effectiveMonth == "2026-11")
        #expect(lowered.formula == "3 × 90000 − 180000 = 90000")
        #expect(lowered.nextDue == "2027-04-15")
        // October's run pays September's arrears too, both at the old amount; November the new one.
        let october = try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-10").run.id)
        #expect(october.map(\.forMonth) == ["2026-09", "2026-10"])
        #expect(october.map(\.amountFen) == [120_000, 120_000])
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-11").run.id).map(\.amountFen) == [90_000])

        let stopped = try await h.recordReview(
            .with {
                $0.applicationID = id; $0.on = "2026-10-15"; $0.outcome = .stop; $0.reason = "家庭收入超过标准"
            }, context: bureau.context()
        ).review
        #expect(stopped.nextDue == "")
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-12").run.id).isEmpty)
        #expect(try await h.listDueReviews(.init(), context: bureau.context()).reviews.isEmpty)
    }

    @Test func theMonthsReportCountsWhatWasPaidAndHowTheWorkWent() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        try await AssistanceCases.second(bureau)
        _ = try await AssistanceCases.approvedMinimumLiving(bureau)
        _ = try await AssistanceCases.approvedMinimumLiving(bureau, household: "H000002")
        let run = try await AssistanceCases.run(bureau, "2026-08").run
        _ = try await h.exportBankFile(.with { $0.runID = run.id }, context: bureau.context())
        _ = try await h.reconcilePayments(
            .with {
                $0.runID = run.id; $0.csv = "line_id,outcome,reason,amount_yuan\n\(run.id)-1,paid,,1200.00\n\(run.id)-2,paid,,900.00\n"
            }, context: bureau.context())
        let august = try await h.getReport(.with { $0.period = "2026-08" }, context: bureau.context())
        let row = try #require(august.recipients.first { $0.program == .minimumLiving && $0.area == .urban })
        #expect((row.households, row.persons, row.amountPaidFen) == (2, 4, 210_000))
        // 210 000 / 4 = 52 500 fen a person, above the 37 400 floor.
        #expect(row.monthlyPerPersonFen == 52_500)
        #expect(row.floorFen == 37_400)
        #expect(!row.belowFloor)
        let july = try await h.getReport(.with { $0.period = "2026-07" }, context: bureau.context())
        // Both decided on 22 July, within 30 working days of acceptance on 2 July.
        #expect((july.applicationsDecided, july.applicationsOnTime, july.applicationsOnTimeRate) == (2, 2, "100.0"))
        let bad = await domainRefusal { _ = try await h.getReport(.with { $0.period = "2026-13" }, context: bureau.context()) }
        #expect(bad?.problems == ["period INVALID"])
        #expect(august.csv.contains("52"))
        let year = try await h.getReport(.with { $0.period = "2026" }, context: bureau.context())
        #expect(year.months == 12)
        #expect(year.csv.contains("月数(months),12"))
        #expect(year.recipients.first { $0.program == .minimumLiving && $0.area == .urban }?.amountPaidFen == 210_000)
    }
}

@Suite("Assistance: wire enums")
struct AssistanceEnumMappingTests {
    /// Each wire enum's values, after UNSPECIFIED, name the domain's cases in order.
    func pairsUp<P: SwiftProtobuf.Enum & CaseIterable, D: CaseIterable>(_: P.Type, _: D.Type) -> Bool {
        let wire = P.allCases.filter { $0.rawValue != 0 }.map { "\($0)".lowercased() }
        let domain = D.allCases.map { "\($0)".lowercased() }
        return wire.count == domain.count && zip(wire, domain).allSatisfy { $0.contains($1) || $1.contains($0) }
    }

    @Test func everyWireEnumNamesTheDomainCasesInOrder() {
        #expect(pairsUp(Civic_Assistance_V1_Area.self, Area.self))
        #expect(pairsUp(Civic_Assistance_V1_Program.self, Program.self))
        #expect(pairsUp(Civic_Assistance_V1_Relation.self, Relation.self))
        #expect(pairsUp(Civic_Assistance_V1_WorkAbility.self, WorkAbility.self))
        #expect(pairsUp(Civic_Assistance_V1_NotCountedReason.self, NotCountedReason.self))
        #expect(pairsUp(Civic_Assistance_V1_DisabilityCategory.self, DisabilityCategory.self))
        #expect(pairsUp(Civic_Assistance_V1_IncomeCategory.self, IncomeCategory.self))
        #expect(pairsUp(Civic_Assistance_V1_IncomeSource.self, IncomeSource.self))
        #expect(pairsUp(Civic_Assistance_V1_AssetType.self, AssetType.self))
        #expect(pairsUp(Civic_Assistance_V1_SelfCareLevel.self, SelfCareLevel.self))
        #expect(pairsUp(Civic_Assistance_V1_SupportSetting.self, SupportSetting.self))
        #expect(pairsUp(Civic_Assistance_V1_TemporaryKind.self, TemporaryAssistanceKind.self))
        #expect(pairsUp(Civic_Assistance_V1_Channel.self, Channel.self))
        #expect(pairsUp(Civic_Assistance_V1_ApplicationState.self, ApplicationState.self))
        #expect(pairsUp(Civic_Assistance_V1_DeadlineStatus.self, DeadlineStatus.self))
        #expect(pairsUp(Civic_Assistance_V1_InvestigationMethod.self, InvestigationMethod.self))
        #expect(pairsUp(Civic_Assistance_V1_PaymentLineState.self, PaymentLineState.self))
        #expect(pairsUp(Civic_Assistance_V1_ReviewOutcome.self, ReviewOutcome.self))
        #expect(pairsUp(Civic_Assistance_V1_PersonEventType.self, PersonEventType.self))
        #expect(pairsUp(Civic_Assistance_V1_PersonEventKind.self, PersonEventKind.self))
        #expect(pairsUp(Civic_Assistance_V1_AlertSeverity.self, AlertSeverity.self))
        #expect(pairsUp(Civic_Assistance_V1_AlertSuggestion.self, AlertSuggestion.self))
        #expect(pairsUp(Civic_Assistance_V1_AlertCheckStatus.self, AlertCheckStatus.self))
        // And the check itself can fail.
        #expect(!pairsUp(Civic_Assistance_V1_Area.self, Program.self))
    }
}

/// What a review found on the code: deaths and stops that later changes must not undo, one
/// running case per program, masked birth dates, the first run as a floor.
@Suite("Assistance: money rules after review")
struct AssistanceMoneyRuleTests {
    typealias Bureau = AssistanceBureau

    @Test func aStopIsFinalEvenBehindALaterChange() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        try await AssistanceCases.second(bureau)
        let id = try await AssistanceCases.approvedMinimumLiving(bureau, household: "H000002")
        _ = try await AssistanceCases.run(bureau, "2026-08")
        // 王芳 now has a pension of 300 元: lowered from October ...
        var update = Civic_Assistance_V1_Household.with {
            $0.division = Bureau.county; $0.area = .urban; $0.hukouAddress = "城关镇 3 号"; $0.caseWorker = "陈静"; $0.bankAccount = "6217000099998888"
            $0.members = [Bureau.member("王芳", Bureau.elder, .head)]
        }
        update.incomes = [
            .with {
                $0.memberResidentID = Bureau.elder; $0.category = .transfer; $0.monthlyFen = 30_000
            }
        ]
        _ = try await h.updateHousehold(
            .with {
                $0.id = "H000002"; $0.household = update; $0.reason = "养老金"
            }, context: bureau.context())
        _ = try await h.recordReview(
            .with {
                $0.applicationID = id; $0.on = "2026-09-05"; $0.outcome = .lower; $0.reason = "养老金 300 元"
            }, context: bureau.context())
        // ... but she had died on 20 August, reported late: nothing is paid from September on.
        _ = try await h.reportPersonEvent(
            AssistanceCases.event("GA-7", .death, Bureau.elder, on: "2026-08-20"), context: bureau.context(AssistanceCases.civilRegistry))
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-09").run.id).isEmpty)
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-10").run.id).isEmpty)
    }

    @Test func aMonthBeforeADeathIsNotCarriedPastIt() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        // The registry learns of 李梅's death on 10 August before the county decides.
        var family = Bureau.family()
        family.members[1].deceasedOn = "2026-08-10"
        _ = try await h.updateHousehold(
            .with {
                $0.id = "H000001"; $0.household = family; $0.reason = "死亡"
            }, context: bureau.context())
        _ = try await AssistanceCases.approvedMinimumLiving(bureau)
        // August still counts her (alive on the 1st); September does not, and is computed, not carried.
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-08").run.id).map(\.amountFen) == [120_000])
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-09").run.id).map(\.amountFen) == [30_000])
        var ahead = family
        ahead.members[1].deceasedOn = "2026-09-11"
        let future = await domainRefusal {
            _ = try await h.updateHousehold(
                .with {
                    $0.id = "H000001"; $0.household = ahead; $0.reason = "x"
                }, context: bureau.context())
        }
        #expect(future?.problems == ["household.members[1].deceased_on IN_THE_FUTURE"])
    }

    @Test func oneRunningCasePerProgramAndNoRunBeforeTheFirst() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        try await bureau.putStandard()
        _ = try await bureau.register()
        _ = try await AssistanceCases.approvedMinimumLiving(bureau)
        let second = await domainRefusal { _ = try await AssistanceCases.approvedMinimumLiving(bureau) }
        #expect(second?.kind == .failedPrecondition)
        #expect(second?.problems == [" ALREADY_ASSISTED"])
        _ = try await AssistanceCases.run(bureau, "2026-09")
        let before = await domainRefusal { _ = try await AssistanceCases.run(bureau, "2026-08") }
        #expect(before?.problems == ["month BEFORE_FIRST_RUN"])
    }

    @Test func aMaskedMemberShowsNeitherBirthDateNorCardNumber() async throws {
        let bureau = try Bureau.open()
        var family = Bureau.family()
        family.members[0].disability = .with {
            $0.category = .physical; $0.grade = 2; $0.cardNumber = Bureau.head + "42"
        }
        _ = try await bureau.register(family)
        let masked = try await bureau.handler.getHousehold(.with { $0.id = "H000001" }, context: bureau.context(Bureau.li)).household.members[0]
        #expect(masked.birthDate == "")
        let card = Bureau.head + "42"
        let maskedCard = String(card.prefix(6)) + String(repeating: "*", count: 10) + String(card.suffix(4))
        #expect(masked.disability.cardNumber == maskedCard)
        #expect(masked.age == 46)
        let full = try await bureau.handler.getHousehold(.with { $0.id = "H000001" }, context: bureau.context()).household.members[0]
        #expect(full.birthDate == "1980-01-01")
        #expect(full.disability.cardNumber == Bureau.head + "42")
    }
}
