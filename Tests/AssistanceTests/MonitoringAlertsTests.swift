import AssistanceDomain
import CivicDomain
import Testing

@Suite("主动发现 alerts")
struct MonitoringAlertsTests {
    typealias F = Fixtures

    static let person = try! ResidentID("11010519491231002X")
    /// Monday 2026-09-28, the last week before 国庆 (10-01 to 10-07; Saturday 10-10 is a 调休 working day).
    static let beforeNationalDay = F.day("2026-09-28")

    static func event(
        _ type: PersonEventType, amount: Int = 0, kind: PersonEventKind = .notification, id: String = "E2", corrects: String? = nil,
        department: String = "卫健委", occurredOn: String = "2026-09-20"
    ) -> PersonEvent {
        PersonEvent(
            eventID: id, department: department, kind: kind, type: type, residentID: person, occurredOn: F.day(occurredOn), amount: Fen(amount),
            correctsEventID: corrects)
    }

    // MARK: - The rule table

    static let table: [(PersonEventType, Int, AlertSeverity, AlertSuggestion)] = [
        (.death, 0, .high, .stopBenefit),
        (.hospitalisation, 2_000_000, .medium, .temporaryAssistance),
        (.hospitalisation, 1_999_999, .low, .none),
        (.employment, 300_000, .medium, .review),
        (.businessRegistration, 0, .medium, .review),
        (.vehiclePurchase, 8_000_000, .high, .review),
        (.propertyPurchase, 60_000_000, .high, .review),
        (.birth, 0, .low, .recompute),
    ]

    @Test(arguments: 0..<table.count)
    func everyTypeHasItsSeverityAndSuggestion(index: Int) {
        let (type, amount, severity, suggestion) = Self.table[index]
        let rule = AlertRules.rule(for: type, amount: Fen(amount))
        #expect(rule.severity == severity)
        #expect(rule.suggestion == suggestion)
        let assessment = AlertRules.assess(event: Self.event(type, amount: amount), receivedOn: Self.beforeNationalDay)
        #expect(assessment.eventType == type)
        #expect(assessment.severity == severity)
        #expect(assessment.suggestion == suggestion)
        #expect(assessment.reason == rule.reason)
    }

    @Test func largeMedicalCostLineIsInclusiveAndConfigurable() {
        // Default line 2 000 000 fen (20 000 元): exactly at it is large.
        #expect(AlertRules.rule(for: .hospitalisation, amount: Fen(2_000_000)).severity == .medium)
        #expect(AlertRules.rule(for: .hospitalisation, amount: Fen(1_999_999)).severity == .low)
        // A county sets 10 000 元: 15 000 元 is then large.
        let county = AlertTimeLimits(largeMedicalCost: Fen(1_000_000))
        let rule = AlertRules.rule(for: .hospitalisation, amount: Fen(1_500_000), limits: county)
        #expect(rule.severity == .medium)
        #expect(rule.suggestion == .temporaryAssistance)
        #expect(rule.reason == "住院费用 15000.00 元 ≥ 10000.00 元：评估临时救助或支出型救助 (large medical cost: consider temporary or expenditure-type assistance)")
    }

    @Test func reasonsQuoteTheAmounts() {
        #expect(
            AlertRules.rule(for: .hospitalisation, amount: Fen(1_234_567)).reason
                == "住院费用 12345.67 元 < 20000.00 元：记录备查 (medical cost below the large-cost line: record only)")
        #expect(AlertRules.rule(for: .employment, amount: Fen(350_000)).reason == "就业：月工资 3500.00 元，复核家庭收入 (employment: review the household income)")
        #expect(
            AlertRules.rule(for: .death, amount: .zero).reason
                == "死亡：自次月起停发，核实后重算家庭待遇 (death: stop the benefit from the next month, verify and recompute the household)")
    }

    // MARK: - Check due dates on the working-day calendar

    /// Received Monday 2026-09-28. Working days after it: 09-29 (1), 09-30 (2), [10-01…10-07 国庆],
    /// 10-08 (3), 10-09 (4), Saturday 10-10 调休 (5), 10-12…10-16 (6–10), 10-19…10-23 (11–15),
    /// 10-26…10-30 (16–20).
    @Test func dueDatesCrossNationalDayAndItsMakeUpSaturday() {
        let death = AlertRules.assess(event: Self.event(.death), receivedOn: Self.beforeNationalDay)
        #expect(death.workingDays == 5)
        #expect(death.checkDue == F.day("2026-10-10"))
        let job = AlertRules.assess(event: Self.event(.employment, amount: 300_000), receivedOn: Self.beforeNationalDay)
        #expect(job.workingDays == 10)
        #expect(job.checkDue == F.day("2026-10-16"))
        let birth = AlertRules.assess(event: Self.event(.birth), receivedOn: Self.beforeNationalDay)
        #expect(birth.workingDays == 20)
        #expect(birth.checkDue == F.day("2026-10-30"))
    }

    /// Received Friday 2026-09-18: Sunday 09-20 is a 调休 working day (1), 09-21…09-24 (2–5), before
    /// 中秋 (09-25…09-27). Received Thursday 09-24: 中秋 and 国庆 both skipped: 09-28, 09-29, 09-30,
    /// 10-08, 10-09.
    @Test func dueDatesAroundMidAutumn() {
        #expect(AlertRules.assess(event: Self.event(.death, occurredOn: "2026-09-17"), receivedOn: F.day("2026-09-18")).checkDue == F.day("2026-09-24"))
        #expect(AlertRules.assess(event: Self.event(.death), receivedOn: F.day("2026-09-24")).checkDue == F.day("2026-10-09"))
    }

    @Test func timeLimitsAreConfigurable() {
        let limits = AlertTimeLimits(highWorkingDays: 3, mediumWorkingDays: 7, lowWorkingDays: 15)
        #expect(limits.workingDays(for: .high) == 3)
        #expect(limits.workingDays(for: .medium) == 7)
        #expect(limits.workingDays(for: .low) == 15)
        // 09-29, 09-30, 10-08.
        let death = AlertRules.assess(event: Self.event(.death), receivedOn: Self.beforeNationalDay, limits: limits)
        #expect(death.checkDue == F.day("2026-10-08"))
        let defaults = AlertTimeLimits()
        #expect(defaults.highWorkingDays == 5)
        #expect(defaults.mediumWorkingDays == 10)
        #expect(defaults.lowWorkingDays == 20)
        #expect(defaults.largeMedicalCost == Fen(2_000_000))
        #expect(defaults.problems().isEmpty)
    }

    @Test func timeLimitsRefuseNonPositiveValues() {
        let limits = AlertTimeLimits(highWorkingDays: 0, mediumWorkingDays: -1, lowWorkingDays: 20, largeMedicalCost: .zero)
        #expect(
            limits.problems().details.map { "\($0.field) \($0.reason)" } == [
                "high_working_days NOT_POSITIVE", "medium_working_days NOT_POSITIVE", "large_medical_cost NOT_POSITIVE",
            ])
    }

    // MARK: - Event validation

    static let today = F.day("2026-09-28")

    static func problems(_ event: PersonEvent) -> [String] {
        event.problems(today: today).details.map { "\($0.field) \($0.reason)" }
    }

    @Test func aCompleteNotificationHasNoProblems() throws {
        #expect(Self.problems(Self.event(.hospitalisation, amount: 100)).isEmpty)
        #expect(Self.problems(Self.event(.death, occurredOn: "2026-09-28")).isEmpty)  // today itself is not the future
        try Self.event(.birth).validate(today: Self.today)
    }

    @Test func idsAndDepartmentAreRequired() {
        #expect(Self.problems(Self.event(.death, id: "", department: " \n")) == ["event_id REQUIRED", "department REQUIRED"])
    }

    @Test func amountMustBePositiveForCostAndWage() {
        #expect(Self.problems(Self.event(.hospitalisation)) == ["amount REQUIRED"])
        #expect(Self.problems(Self.event(.employment)) == ["amount REQUIRED"])
        #expect(Self.problems(Self.event(.employment, kind: .correction, corrects: "E1")) == ["amount REQUIRED"])
        // Not needed where it is not read.
        #expect(Self.problems(Self.event(.death)).isEmpty)
        #expect(Self.problems(Self.event(.businessRegistration)).isEmpty)
        #expect(Self.problems(Self.event(.vehiclePurchase)).isEmpty)
        // A retraction names the event it withdraws; it need not repeat the cost.
        #expect(Self.problems(Self.event(.hospitalisation, kind: .retraction, corrects: "E1")).isEmpty)
        // Negative is NEGATIVE (not also REQUIRED), for any type.
        #expect(Self.problems(Self.event(.hospitalisation, amount: -1)) == ["amount NEGATIVE"])
        #expect(Self.problems(Self.event(.death, amount: -5)) == ["amount NEGATIVE"])
    }

    @Test func correctionsAndRetractionsNameTheirEvent() {
        #expect(Self.problems(Self.event(.death, kind: .correction)) == ["corrects_event_id REQUIRED"])
        #expect(Self.problems(Self.event(.death, kind: .retraction, corrects: "")) == ["corrects_event_id REQUIRED"])
        #expect(Self.problems(Self.event(.death, kind: .retraction, corrects: "  ")) == ["corrects_event_id REQUIRED"])
        #expect(Self.problems(Self.event(.death, kind: .correction, id: "E2", corrects: "E2")) == ["corrects_event_id SELF_REFERENCE"])
        #expect(Self.problems(Self.event(.death, kind: .retraction, id: "E2", corrects: "E2")) == ["corrects_event_id SELF_REFERENCE"])
        #expect(Self.problems(Self.event(.death, kind: .correction, corrects: "E1")).isEmpty)
        #expect(Self.problems(Self.event(.death, kind: .retraction, corrects: "E1")).isEmpty)
        // A notification refers to nothing; an empty reference is as good as none.
        #expect(Self.problems(Self.event(.death, corrects: "E1")) == ["corrects_event_id NOT_ALLOWED"])
        #expect(Self.problems(Self.event(.death, corrects: "")).isEmpty)
    }

    @Test func futureEventsAreRefused() {
        #expect(Self.problems(Self.event(.death, occurredOn: "2026-09-29")) == ["occurred_on IN_THE_FUTURE"])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let event = Self.event(.employment, amount: -3, kind: .correction, id: "", department: "", occurredOn: "2027-01-01")
        #expect(
            Self.problems(event) == [
                "event_id REQUIRED", "department REQUIRED", "amount NEGATIVE", "corrects_event_id REQUIRED", "occurred_on IN_THE_FUTURE",
            ])
        let error = #expect(throws: DomainError.self) { try event.validate(today: Self.today) }
        #expect(error?.kind == .invalid)
        #expect(error?.problems.count == 5)
    }

    // MARK: - Notification, correction, retraction

    @Test func aNotificationRaisesAnAlert() throws {
        let action = try AlertRules.action(for: Self.event(.death), receivedOn: Self.beforeNationalDay)
        let expected = AlertAssessment(
            eventType: .death, severity: .high, suggestion: .stopBenefit, workingDays: 5, checkDue: F.day("2026-10-10"),
            reason: AlertRules.rule(for: .death, amount: .zero).reason)
        #expect(action == .raise(expected))
    }

    /// 医保 first reports a 15 000 元 stay (low, record only), then corrects it to 24 000 元: the
    /// alert is re-assessed as medium with 临时救助, due 10 working days after the correction
    /// (received Thursday 2026-10-08: 10-09, 10-10 调休, 10-12…10-16, 10-19…10-21).
    @Test func aCorrectionReassessesTheEarlierAlert() throws {
        let first = try AlertRules.action(for: Self.event(.hospitalisation, amount: 1_500_000, id: "E1", department: "医保局"), receivedOn: Self.beforeNationalDay)
        guard case .raise(let low) = first else {
            Issue.record("expected raise, got \(first)")
            return
        }
        #expect(low.severity == .low)
        #expect(low.suggestion == AlertSuggestion.none)
        #expect(low.checkDue == F.day("2026-10-30"))

        let correction = Self.event(.hospitalisation, amount: 2_400_000, kind: .correction, id: "E2", corrects: "E1", department: "医保局")
        let action = try AlertRules.action(for: correction, receivedOn: F.day("2026-10-08"))
        guard case .reassess(let eventID, let assessment) = action else {
            Issue.record("expected reassess, got \(action)")
            return
        }
        #expect(eventID == "E1")
        #expect(assessment.severity == .medium)
        #expect(assessment.suggestion == .temporaryAssistance)
        #expect(assessment.checkDue == F.day("2026-10-21"))
    }

    @Test func aRetractionRetractsTheEarlierAlert() throws {
        let retraction = Self.event(.death, kind: .retraction, id: "E9", corrects: "E1")
        #expect(try AlertRules.action(for: retraction, receivedOn: Self.beforeNationalDay) == .retract(eventID: "E1"))
    }

    @Test func actionValidatesAgainstTheDayReceived() {
        let future = Self.event(.death, occurredOn: "2026-09-29")
        let error = #expect(throws: DomainError.self) { try AlertRules.action(for: future, receivedOn: Self.beforeNationalDay) }
        #expect(error?.kind == .invalid)
        #expect(error?.problems.map { "\($0.field) \($0.reason)" } == ["occurred_on IN_THE_FUTURE"])
        let orphan = Self.event(.death, kind: .retraction)
        #expect(F.problems { _ = try AlertRules.action(for: orphan, receivedOn: Self.beforeNationalDay) } == ["corrects_event_id REQUIRED"])
        // The same event received a day later is fine.
        #expect((try? AlertRules.action(for: future, receivedOn: F.day("2026-09-29"))) != nil)
    }

    // MARK: - Death stops the benefit from the next month

    @Test func deathStopsFromTheNextMonth() {
        #expect(BenefitStop(diedOn: F.day("2026-07-15")).stopMonth == F.month(2026, 8))
        #expect(BenefitStop(diedOn: F.day("2026-07-31")).stopMonth == F.month(2026, 8))
        #expect(BenefitStop(diedOn: F.day("2026-07-01")).stopMonth == F.month(2026, 8))
    }

    @Test func deathInDecemberStopsFromJanuary() {
        let stop = BenefitStop(diedOn: F.day("2026-12-31"))
        #expect(stop.diedOn == F.day("2026-12-31"))
        #expect(stop.stopMonth == F.month(2027, 1))
        #expect(BenefitStop(diedOn: F.day("2026-12-01")).stopMonth == F.month(2027, 1))
    }

    @Test func overpaidMonthsAreThoseFromTheStopMonth() {
        let stop = BenefitStop(diedOn: F.day("2026-11-20"))
        #expect(stop.overpaidMonths(paidThrough: F.month(2027, 2)) == [F.month(2026, 12), F.month(2027, 1), F.month(2027, 2)])
        #expect(stop.overpaidMonths(paidThrough: F.month(2026, 12)) == [F.month(2026, 12)])
        #expect(stop.overpaidMonths(paidThrough: F.month(2026, 11)).isEmpty)  // the month of death is due in full
        #expect(stop.overpaidMonths(paidThrough: F.month(2025, 12)).isEmpty)
    }

    // MARK: - Check deadline status

    static let due = F.day("2026-10-10")

    @Test func openAlertsAreOverdueAfterTheDueDay() {
        #expect(AlertProgress.open.checkStatus(due: Self.due, on: F.day("2026-09-28")) == .open)
        #expect(AlertProgress.open.checkStatus(due: Self.due, on: Self.due) == .open)
        #expect(AlertProgress.open.checkStatus(due: Self.due, on: F.day("2026-10-11")) == .overdue)
    }

    @Test func handledOnTimeIsOnOrBeforeTheDueDay() {
        #expect(AlertProgress.handled(on: F.day("2026-10-09")).checkStatus(due: Self.due, on: F.day("2026-12-01")) == .handledOnTime)
        #expect(AlertProgress.handled(on: Self.due).checkStatus(due: Self.due, on: Self.due) == .handledOnTime)
        #expect(AlertProgress.handled(on: F.day("2026-10-12")).checkStatus(due: Self.due, on: F.day("2026-10-12")) == .handledLate)
    }

    @Test func aLaterChangeHasNotHappenedYetOnAnEarlierDay() {
        let late = AlertProgress.handled(on: F.day("2026-10-12"))
        #expect(late.checkStatus(due: Self.due, on: F.day("2026-10-09")) == .open)
        #expect(late.checkStatus(due: Self.due, on: F.day("2026-10-11")) == .overdue)
        let retracted = AlertProgress.retracted(on: F.day("2026-10-12"))
        #expect(retracted.checkStatus(due: Self.due, on: F.day("2026-10-11")) == .overdue)
        #expect(retracted.checkStatus(due: Self.due, on: F.day("2026-10-12")) == .retracted)
        #expect(AlertProgress.retracted(on: F.day("2026-09-30")).checkStatus(due: Self.due, on: F.day("2026-12-01")) == .retracted)
    }

    @Test func progressMapsToTheStoredStatus() {
        #expect(AlertProgress.open.status == .open)
        #expect(AlertProgress.handled(on: Self.due).status == .handled)
        #expect(AlertProgress.retracted(on: Self.due).status == .retracted)
        #expect(AlertStatus.allCases.map(\.rawValue) == ["open", "handled", "retracted"])
        #expect(AlertCheckStatus.allCases.map(\.rawValue) == ["open", "overdue", "handled_on_time", "handled_late", "retracted"])
    }

    @Test func rawValuesAreSnakeCase() {
        #expect(
            PersonEventType.allCases.map(\.rawValue) == [
                "death", "hospitalisation", "employment", "business_registration", "vehicle_purchase", "property_purchase", "birth",
            ])
        #expect(PersonEventKind.allCases.map(\.rawValue) == ["notification", "correction", "retraction"])
        #expect(AlertSeverity.allCases.map(\.rawValue) == ["high", "medium", "low"])
        #expect(AlertSuggestion.allCases.map(\.rawValue) == ["stop_benefit", "temporary_assistance", "review", "recompute", "none"])
    }
}
