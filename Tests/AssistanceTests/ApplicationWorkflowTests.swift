import AssistanceDomain
import CivicDomain
import Testing

@Suite("Application workflow")
struct ApplicationWorkflowTests {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }
    static let d = day("2026-11-20")
    static let month = BenefitMonth(year: 2026, month: 12)!
    /// A case with the authorization on file, investigated by "inv-1", 公示 posted 2026-11-02 (ends 11-09).
    static let ready = ApplicationContext(program: .minimumLiving, authorizationRecorded: true, investigatorID: "inv-1", noticeStartedOn: day("2026-11-02"))
    static let temporary = ApplicationContext(program: .temporary, authorizationRecorded: true)

    static let approve = ApplicationEvent.approve(by: "county-1", on: d, amount: Fen(42000), startMonth: month)
    static let reject = ApplicationEvent.reject(by: "county-1", on: d, reason: "家庭收入高于标准")

    static let legal: [(ApplicationState, ApplicationEvent, ApplicationContext, ApplicationState)] = [
        (.applied, .accept(on: d), ready, .accepted),
        (.accepted, .startInvestigation(investigatorID: "inv-1", on: d), ready, .investigating),
        (.investigating, .townshipOpinion(on: d), ready, .townshipReviewed),
        (.townshipReviewed, .startNotice(on: d), ready, .publicNotice),
        (.publicNotice, .objection(by: "村民甲", on: d, text: "有车辆"), ready, .investigating),
        (.publicNotice, approve, ready, .approved),
        (.publicNotice, reject, ready, .rejected),
        (.townshipReviewed, reject, ready, .rejected),
        (.applied, .withdraw(on: d), ready, .withdrawn),
        (.accepted, .withdraw(on: d), ready, .withdrawn),
        (.investigating, .withdraw(on: d), ready, .withdrawn),
        (.townshipReviewed, .withdraw(on: d), ready, .withdrawn),
        (.publicNotice, .withdraw(on: d), ready, .withdrawn),
        (.applied, .payFirst(by: "town-1", on: d, amount: Fen(100000)), temporary, .emergencyPaid),
        (.accepted, .payFirst(by: "town-1", on: d, amount: Fen(100000)), temporary, .emergencyPaid),
        (.emergencyPaid, .completePaperwork(on: d), temporary, .approved),
    ]

    @Test(arguments: 0..<legal.count)
    func everyLegalTransition(index: Int) throws {
        let (from, event, context, to) = Self.legal[index]
        #expect(try ApplicationWorkflow.next(from, on: event, context: context) == to)
    }

    static let illegal: [(ApplicationState, ApplicationEvent)] = [
        (.applied, .startInvestigation(investigatorID: "inv-1", on: d)),
        (.applied, approve),
        (.accepted, .startNotice(on: d)),
        (.investigating, approve),
        (.investigating, .objection(by: "x", on: d, text: "y")),
        (.townshipReviewed, approve),
        (.publicNotice, .accept(on: d)),
        (.approved, .withdraw(on: d)),
        (.approved, reject),
        (.rejected, approve),
        (.withdrawn, .accept(on: d)),
        (.emergencyPaid, approve),
        (.investigating, .payFirst(by: "town-1", on: d, amount: Fen(100))),
    ]

    @Test(arguments: 0..<illegal.count)
    func illegalMovesNameTheState(index: Int) {
        let (from, event) = Self.illegal[index]
        let context = from == .emergencyPaid || from == .investigating ? Self.temporary : Self.ready
        let error = #expect(throws: DomainError.self) { try ApplicationWorkflow.next(from, on: event, context: context) }
        #expect(error?.kind == .failedPrecondition)
        #expect(error?.reason == "INVALID_STATE")
        #expect(error?.message.contains(from.rawValue.uppercased()) == true)
    }

    @Test func onlyTemporaryAssistanceIsPaidFirst() {
        for program in [Program.minimumLiving, .destitute, .disabilitySubsidy] {
            let error = #expect(throws: DomainError.self) {
                try ApplicationWorkflow.next(.accepted, on: .payFirst(by: "t", on: Self.d, amount: Fen(100)), context: ApplicationContext(program: program))
            }
            #expect(error?.reason == "INVALID_STATE")
            #expect(error?.message.contains("ACCEPTED") == true)
        }
    }

    @Test func investigationNeedsTheAuthorization() {
        let context = ApplicationContext(program: .minimumLiving, authorizationRecorded: false)
        let error = #expect(throws: DomainError.self) {
            try ApplicationWorkflow.next(.accepted, on: .startInvestigation(investigatorID: "inv-1", on: Self.d), context: context)
        }
        #expect(error?.kind == .failedPrecondition)
        #expect(error?.reason == "NO_AUTHORIZATION")
    }

    @Test func rejectionNeedsWrittenReasons() {
        for reason in ["", "  \n"] {
            let error = #expect(throws: DomainError.self) {
                try ApplicationWorkflow.next(.publicNotice, on: .reject(by: "county-1", on: Self.d, reason: reason), context: Self.ready)
            }
            #expect(error?.kind == .invalid)
            #expect(error?.reason == "REASON_REQUIRED")
        }
    }

    @Test func theInvestigatorCannotApprove() {
        let error = #expect(throws: DomainError.self) {
            try ApplicationWorkflow.next(.publicNotice, on: .approve(by: "inv-1", on: Self.d, amount: Fen(42000), startMonth: Self.month), context: Self.ready)
        }
        #expect(error?.kind == .permissionDenied)
        #expect(error?.reason == "SAME_PERSON")
    }

    @Test func approvalNeedsAPositiveAmount() {
        let error = #expect(throws: DomainError.self) {
            try ApplicationWorkflow.next(.publicNotice, on: .approve(by: "county-1", on: Self.d, amount: Fen(0), startMonth: Self.month), context: Self.ready)
        }
        #expect(error?.reason == "NOT_POSITIVE")
    }

    /// 公示 posted Monday 2026-09-28: + 7 calendar days = 10-05, inside 国庆, so it runs through
    /// 10-08 (民法典 §203); the county decides from 10-09.
    @Test func noDecisionBeforeTheNoticeEnds() throws {
        let context = ApplicationContext(program: .minimumLiving, authorizationRecorded: true, investigatorID: "inv-1", noticeStartedOn: Self.day("2026-09-28"))
        #expect(ApplicationClock().noticeEnds(startedOn: Self.day("2026-09-28")) == Self.day("2026-10-08"))
        for (on, event) in [
            ("2026-10-05", ApplicationEvent.approve(by: "county-1", on: Self.day("2026-10-05"), amount: Fen(1), startMonth: Self.month)),
            ("2026-10-08", .approve(by: "county-1", on: Self.day("2026-10-08"), amount: Fen(1), startMonth: Self.month)),
            ("2026-10-08", .reject(by: "county-1", on: Self.day("2026-10-08"), reason: "收入超标")),
        ] {
            let error = #expect(throws: DomainError.self, "\(on)") { try ApplicationWorkflow.next(.publicNotice, on: event, context: context) }
            #expect(error?.kind == .failedPrecondition)
            #expect(error?.reason == "NOTICE_NOT_OVER")
        }
        let on = Self.day("2026-10-09")
        #expect(
            try ApplicationWorkflow.next(.publicNotice, on: .approve(by: "county-1", on: on, amount: Fen(1), startMonth: Self.month), context: context)
                == .approved)
        // Without a recorded 公示 start, no decision either.
        let noStart = ApplicationContext(program: .minimumLiving, authorizationRecorded: true)
        let error = #expect(throws: DomainError.self) { try ApplicationWorkflow.next(.publicNotice, on: Self.approve, context: noStart) }
        #expect(error?.reason == "NOTICE_NOT_OVER")
    }

    @Test func noticeOnWorkingDaysIsSevenCalendarDays() {
        #expect(ApplicationClock().noticeEnds(startedOn: Self.day("2026-09-14")) == Self.day("2026-09-21"))
    }

    /// An objection sends the case back: new investigation, new opinion, new 公示, then the decision.
    @Test func objectionSendsTheCaseBack() throws {
        var state = ApplicationState.publicNotice
        state = try ApplicationWorkflow.next(state, on: .objection(by: "村民甲", on: Self.day("2026-11-04"), text: "家中有车"), context: Self.ready)
        #expect(state == .investigating)
        let early = #expect(throws: DomainError.self) { try ApplicationWorkflow.next(.investigating, on: Self.approve, context: Self.ready) }
        #expect(early?.reason == "INVALID_STATE")
        state = try ApplicationWorkflow.next(state, on: .townshipOpinion(on: Self.day("2026-11-06")), context: Self.ready)
        state = try ApplicationWorkflow.next(state, on: .startNotice(on: Self.day("2026-11-09")), context: Self.ready)
        #expect(state == .publicNotice)
        let renewed = ApplicationContext(program: .minimumLiving, authorizationRecorded: true, investigatorID: "inv-1", noticeStartedOn: Self.day("2026-11-09"))
        state = try ApplicationWorkflow.next(state, on: Self.approve, context: renewed)
        #expect(state == .approved)
    }

    @Test func refusalsChangeNothing() {
        let state = ApplicationState.publicNotice
        _ = try? ApplicationWorkflow.next(state, on: .reject(by: "c", on: Self.d, reason: ""), context: Self.ready)
        #expect(state == .publicNotice)  // pure: the caller's state stands
    }
}

@Suite("Application clocks")
struct ApplicationClockTests {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }
    let clock = ApplicationClock()

    /// Accepted Friday 2026-09-18: 09-20 (Sunday, 调休) counts, 中秋 09-25..27 and 国庆 10-01..07
    /// do not, 10-10 (Saturday, 调休) does: the 30th working day is 11-05, the 45th 11-26.
    @Test func caseDueAcrossNationalDay2026() {
        #expect(clock.calendar.isWorkingDay(Self.day("2026-09-20")))
        #expect(clock.calendar.isWorkingDay(Self.day("2026-10-10")))
        #expect(clock.caseDue(acceptedOn: Self.day("2026-09-18")) == Self.day("2026-11-05"))
        #expect(clock.caseDue(acceptedOn: Self.day("2026-09-18"), extended: true) == Self.day("2026-11-26"))
    }

    @Test func limitsAreConfigurable() {
        let zhengzhou = ApplicationClock(limits: ApplicationTimeLimits(caseWorkingDays: 25, extendedCaseWorkingDays: 40))
        // 30th is 11-05, so the 25th is five working days earlier: 10-29.
        #expect(zhengzhou.caseDue(acceptedOn: Self.day("2026-09-18")) == Self.day("2026-10-29"))
        #expect(ApplicationTimeLimits().caseWorkingDays == 30)
        #expect(ApplicationTimeLimits().extendedCaseWorkingDays == 45)
    }

    /// Rejected Wednesday 2026-09-30: 10-08, 10-09, 10-10 (调休 Saturday): due 10-10.
    @Test func rejectionNoticeAcrossNationalDay() {
        #expect(clock.rejectionNoticeDue(decidedOn: Self.day("2026-09-30")) == Self.day("2026-10-10"))
    }

    /// 2027 has no loaded notice: its statutory 春节 (02-05..08) is counted provisionally.
    @Test func provisional2027() {
        #expect(clock.calendar.isProvisional(year: 2027))
        #expect(clock.rejectionNoticeDue(decidedOn: Self.day("2027-02-04")) == Self.day("2027-02-11"))
        #expect(clock.caseDue(acceptedOn: Self.day("2027-01-29")) == Self.day("2027-03-16"))
        #expect(clock.emergencyPaperworkDue(paidOn: Self.day("2027-02-04")) == Self.day("2027-02-15"))
    }

    @Test func paymentStartsTheMonthAfterApproval() {
        let start = ApplicationClock.paymentStart(program: .minimumLiving, appliedOn: Self.day("2026-11-02"), approvedOn: Self.day("2026-12-15"))
        #expect(start == BenefitMonth(year: 2027, month: 1)!)
        let destitute = ApplicationClock.paymentStart(program: .destitute, appliedOn: Self.day("2026-10-02"), approvedOn: Self.day("2026-11-30"))
        #expect(destitute == BenefitMonth(year: 2026, month: 12)!)
        // 两项补贴 from the month of application (RULES.md §1(b)).
        let subsidy = ApplicationClock.paymentStart(program: .disabilitySubsidy, appliedOn: Self.day("2026-11-02"), approvedOn: Self.day("2026-12-15"))
        #expect(subsidy == BenefitMonth(year: 2026, month: 11)!)
    }

    /// Due 2026-11-05: six working days away on 10-28 is on time, five on 10-29 is due soon, the
    /// day itself is due soon, the day after is overdue.
    @Test func statusOnADay() {
        let due = Self.day("2026-11-05")
        #expect(clock.status(due: due, on: Self.day("2026-10-28")) == .onTime)
        #expect(clock.status(due: due, on: Self.day("2026-10-29")) == .dueSoon)
        #expect(clock.status(due: due, on: due) == .dueSoon)
        #expect(clock.status(due: due, on: Self.day("2026-11-06")) == .overdue)
        let accepted = Self.day("2026-09-18")
        #expect(clock.caseStatus(state: .investigating, acceptedOn: accepted, extended: false, on: Self.day("2026-11-06")) == .overdue)
        #expect(clock.caseStatus(state: .investigating, acceptedOn: accepted, extended: true, on: Self.day("2026-11-06")) == .onTime)
        #expect(clock.caseStatus(state: .approved, acceptedOn: accepted, extended: false, on: Self.day("2026-11-06")) == nil)
    }
}
