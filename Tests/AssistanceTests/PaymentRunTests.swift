import AssistanceDomain
import CivicDomain
import Testing

@Suite("Payment line states")
struct PaymentLineStateTests {
    static let legal: Set<[PaymentLineState]> = [[.pending, .sent], [.sent, .paid], [.sent, .failed], [.failed, .reissued]]

    @Test(arguments: PaymentLineState.allCases, PaymentLineState.allCases)
    func onlyTheLegalMoves(from: PaymentLineState, to: PaymentLineState) throws {
        if Self.legal.contains([from, to]) {
            #expect(try from.moved(to: to) == to)
        } else {
            let error = #expect(throws: DomainError.self) { try from.moved(to: to) }
            #expect(error?.kind == .failedPrecondition)
            #expect(error?.reason == "INVALID_STATE")
            #expect(error?.problems.first?.field == "state")
            #expect(error?.message == "cannot move a payment line that is \(from.rawValue.uppercased()) to \(to.rawValue.uppercased())")
        }
    }

    @Test func paidAndReissuedAreFinal() {
        #expect(PaymentLineState.allCases.filter(\.isFinal) == [.paid, .reissued])
        #expect(PaymentLineState.pending.allowedNext == [.sent])
        #expect(PaymentLineState.sent.allowedNext == [.paid, .failed])
    }

    @Test func aLineMovesThroughItsLife() throws {
        let line = PaymentRunTests.line("R-1", case: "c1", amount: 42000)
        let sent = try line.markedSent()
        #expect(sent.state == .sent)
        #expect(try sent.markedPaid().state == .paid)
        let failed = try sent.markedFailed(reason: "账户已销户")
        #expect(failed.state == .failed)
        #expect(failed.failureReason == "账户已销户")
        #expect(try failed.markedReissued().state == .reissued)
        #expect(try failed.markedReissued().failureReason == "账户已销户")
        // The same line object is never changed: moves return a new value.
        #expect(line.state == .pending)
    }

    @Test func illegalLineMovesNameTheLine() {
        let line = PaymentRunTests.line("R-7", case: "c1", amount: 42000)
        let error = #expect(throws: DomainError.self) { try line.markedPaid() }
        #expect(error?.reason == "INVALID_STATE")
        #expect(error?.message == "cannot move payment line R-7 that is PENDING to PAID")
        let paid = #expect(throws: DomainError.self) { try line.markedReissued() }
        #expect(paid?.message == "cannot move payment line R-7 that is PENDING to REISSUED")
    }

    @Test func aFailureNeedsTheBanksReason() throws {
        let sent = try PaymentRunTests.line("R-1", case: "c1", amount: 1).markedSent()
        for reason in ["", " \n"] {
            let error = #expect(throws: DomainError.self) { try sent.markedFailed(reason: reason) }
            #expect(error?.kind == .invalid)
            #expect(error?.problems.first?.field == "failure_reason")
            #expect(error?.reason == "REASON_REQUIRED")
        }
    }
}

@Suite("Payment run planning")
struct PaymentRunTests {
    static let july = BenefitMonth(year: 2026, month: 7)!
    static let august = BenefitMonth(year: 2026, month: 8)!

    static func due(
        _ caseID: String, amount: Int, account: String = "6217 0000 1234 5678", payee: String? = nil, program: Program = .minimumLiving
    ) -> PaymentDue {
        PaymentDue(
            caseID: caseID, householdID: "h-\(caseID)", program: program, payeeName: payee ?? "户主\(caseID)", bankAccount: account,
            amount: Fen(amount), formula: "n × S − I = \(amount)", standardVersionID: "urban-2026-07")
    }

    static func line(
        _ lineID: String, case caseID: String, amount: Int, month: BenefitMonth = july, program: Program = .minimumLiving,
        state: PaymentLineState = .pending, reason: String = ""
    ) -> PaymentLine {
        PaymentLine(
            lineID: lineID, runID: "R", caseID: caseID, householdID: "h-\(caseID)", program: program, month: month, payeeName: "户主\(caseID)",
            bankAccount: "6217000012345678", amount: Fen(amount), formula: "f", standardVersionID: "urban-2026-07", state: state, failureReason: reason)
    }

    static func plan(
        _ runID: String, _ month: BenefitMonth, _ dues: [PaymentDue], paid: Set<PaymentKey> = [], failed: [PaymentLine] = [],
        program: Program = .minimumLiving
    ) throws -> PaymentRunPlan {
        try PaymentRunPlanner.plan(runID: runID, month: month, program: program, dues: dues, alreadyPaid: paid, failedToReissue: failed)
    }

    static func problems(_ body: () throws -> Void) -> [String] { Fixtures.problems(body) }

    static let julyDues = [due("c3", amount: 120000), due("c1", amount: 42000), due("c2", amount: 0), due("c4", amount: 5)]

    @Test func linesForEveryNonZeroDueInCaseOrder() throws {
        let plan = try Self.plan("2026-07-ml", Self.july, Self.julyDues)
        #expect(plan.lines.map(\.lineID) == ["2026-07-ml-1", "2026-07-ml-2", "2026-07-ml-3"])
        #expect(plan.lines.map(\.caseID) == ["c1", "c3", "c4"])
        #expect(plan.lines.map(\.amount) == [Fen(42000), Fen(120000), Fen(5)])
        let first = plan.lines[0]
        #expect(first.runID == "2026-07-ml")
        #expect(first.householdID == "h-c1")
        #expect(first.program == .minimumLiving)
        #expect(first.month == Self.july)
        #expect(first.forMonth == Self.july)
        #expect(first.payeeName == "户主c1")
        #expect(first.bankAccount == "6217000012345678")  // spaces removed
        #expect(first.formula == "n × S − I = 42000")
        #expect(first.standardVersionID == "urban-2026-07")
        #expect(first.state == .pending)
        #expect(first.failureReason == "")
        #expect(first.reissueOf == nil)
        #expect(plan.skipped.map(\.due.caseID) == ["c2"])
        #expect(plan.skipped.map(\.reason) == ["ZERO_AMOUNT"])
        #expect(plan.skipped[0].description == "c2 2026-07 is due 0 fen")
        #expect(plan.reissuedOriginals == [])
        #expect(plan.totals.count == 3)
        #expect(plan.totals.amount == Fen(162005))
        #expect(plan.totals.byProgram == [.minimumLiving: PaymentSubtotal(count: 3, amount: Fen(162005))])
        #expect(plan.totals.reissuedCount == 0)
        #expect(plan.totals.reissuedAmount == .zero)
    }

    @Test func theSamePlanTwiceGivesTheSameLines() throws {
        let a = try Self.plan("R", Self.july, Self.julyDues)
        let b = try Self.plan("R", Self.july, Self.julyDues.reversed())
        #expect(a == b)
    }

    /// Running a month twice pays nothing twice; registry edits since (a new amount for c1) do not
    /// change a paid month.
    @Test func runningAMonthTwicePaysNothingTwice() throws {
        let first = try Self.plan("2026-07-a", Self.july, Self.julyDues)
        let paid = Set(first.lines.map(\.key))
        #expect(
            paid == [
                PaymentKey(caseID: "c1", forMonth: Self.july), PaymentKey(caseID: "c3", forMonth: Self.july), PaymentKey(caseID: "c4", forMonth: Self.july),
            ])
        var edited = Self.julyDues
        edited[1] = Self.due("c1", amount: 99999)
        let again = try Self.plan("2026-07-b", Self.july, edited, paid: paid)
        #expect(again.lines == [])
        #expect(again.skipped.map { "\($0.due.caseID) \($0.reason)" } == ["c1 ALREADY_PAID", "c2 ZERO_AMOUNT", "c3 ALREADY_PAID", "c4 ALREADY_PAID"])
        #expect(again.skipped[0].description == "c1 2026-07 already has a line in an earlier run")
        #expect(again.totals == PaymentTotals(lines: []))
        #expect(again.totals.amount == .zero)
        // A case approved since is paid in the second run, and only it.
        let later = try Self.plan("2026-07-c", Self.july, edited + [Self.due("c5", amount: 30000)], paid: paid)
        #expect(later.lines.map(\.caseID) == ["c5"])
        #expect(later.lines.map(\.lineID) == ["2026-07-c-1"])
        #expect(later.totals.amount == Fen(30000))
        // The next month pays everyone again.
        let next = try Self.plan("2026-08", Self.august, edited, paid: paid)
        #expect(next.lines.map(\.caseID) == ["c1", "c3", "c4"])
        #expect(next.lines.map(\.amount) == [Fen(99999), Fen(120000), Fen(5)])
    }

    @Test func anInvalidAccountIsSkippedUntilFixed() throws {
        let dues = [Self.due("c1", amount: 42000, account: "6217-0000-1234"), Self.due("c2", amount: 100, account: "")]
        let plan = try Self.plan("R1", Self.july, dues)
        #expect(plan.lines == [])
        #expect(plan.skipped.map(\.reason) == ["INVALID_BANK_ACCOUNT", "INVALID_BANK_ACCOUNT"])
        #expect(plan.skipped[0].description == "c1 2026-07: the bank account is not 12–30 digits")
        let fixed = try Self.plan("R2", Self.july, [Self.due("c1", amount: 42000, account: "621700001234")])
        #expect(fixed.lines.map(\.bankAccount) == ["621700001234"])
    }

    /// A failed July line is re-issued in August's run: same amount, formula and standard as decided
    /// for July, forMonth kept, sent to the account the registry holds now.
    @Test func failedLinesAreReissuedInTheNextRun() throws {
        let july = try Self.plan("2026-07", Self.july, [Self.due("c1", amount: 42000), Self.due("c2", amount: 30000)])
        let failed = try july.lines[0].markedSent().markedFailed(reason: "账户已销户")
        let augustDues = [
            Self.due("c1", amount: 45000, account: "622848001234567890", payee: "户主c1新"), Self.due("c2", amount: 31000),
        ]
        let paid = Set(july.lines.map(\.key))
        let august = try Self.plan("2026-08", Self.august, augustDues, paid: paid, failed: [failed])
        #expect(august.lines.map(\.lineID) == ["2026-08-1", "2026-08-2", "2026-08-3"])
        #expect(august.lines.map(\.caseID) == ["c1", "c2", "c1"])
        #expect(august.lines.map(\.forMonth) == [Self.august, Self.august, Self.july])
        #expect(august.lines.map(\.amount) == [Fen(45000), Fen(31000), Fen(42000)])
        let reissue = august.lines[2]
        #expect(reissue.runID == "2026-08")
        #expect(reissue.month == Self.august)
        #expect(reissue.forMonth == Self.july)
        #expect(reissue.reissueOf == "2026-07-1")
        #expect(reissue.state == .pending)
        #expect(reissue.failureReason == "")
        #expect(reissue.formula == "n × S − I = 42000")
        #expect(reissue.payeeName == "户主c1新")
        #expect(reissue.bankAccount == "622848001234567890")
        #expect(reissue.key == PaymentKey(caseID: "c1", forMonth: Self.july))
        #expect(august.reissuedOriginals.map(\.lineID) == ["2026-07-1"])
        #expect(august.reissuedOriginals.map(\.state) == [.reissued])
        #expect(august.reissuedOriginals[0].failureReason == "账户已销户")
        #expect(august.totals.count == 3)
        #expect(august.totals.amount == Fen(118000))
        #expect(august.totals.reissuedCount == 1)
        #expect(august.totals.reissuedAmount == Fen(42000))
        // Running August again: the new August lines and the re-issue are not repeated.
        let again = try Self.plan("2026-08-b", Self.august, augustDues, paid: paid.union(august.lines.map(\.key)), failed: [])
        #expect(again.lines == [])
    }

    @Test func aReissueForACaseNoLongerDueKeepsItsAccount() throws {
        let failed = Self.line("2026-07-4", case: "c9", amount: 42000, state: .failed, reason: "户名不符")
        let plan = try Self.plan("2026-08", Self.august, [Self.due("c1", amount: 100)], failed: [failed])
        #expect(plan.lines.map(\.lineID) == ["2026-08-1", "2026-08-2"])
        #expect(plan.lines[1].bankAccount == "6217000012345678")
        #expect(plan.lines[1].payeeName == "户主c9")
        #expect(plan.lines[1].householdID == "h-c9")
    }

    /// A month run twice after a failure: the re-issue and a due for the same case and month never both go out.
    @Test func aReissueHoldsItsKeyInTheSameMonth() throws {
        let failed = Self.line("2026-07-a-1", case: "c1", amount: 42000, state: .failed, reason: "账户冻结")
        let plan = try Self.plan("2026-07-b", Self.july, [Self.due("c1", amount: 42000)], paid: [], failed: [failed])
        #expect(plan.lines.map(\.lineID) == ["2026-07-b-1"])
        #expect(plan.lines[0].reissueOf == "2026-07-a-1")
        #expect(plan.skipped.map(\.reason) == ["ALREADY_PAID"])
    }

    @Test func aCaseTwiceIsRefused() {
        let error = #expect(throws: DomainError.self) {
            try Self.plan("R", Self.july, [Self.due("c1", amount: 1), Self.due("c2", amount: 2), Self.due("c1", amount: 3)])
        }
        #expect(error?.kind == .invalid)
        #expect(error?.reason == "DUPLICATE_CASE")
        #expect(error?.problems.map(\.field) == ["dues[2].case_id"])
        #expect(error?.message == "case c1 is due twice for 2026-07 (dues[0] too)")
    }

    @Test func arrearsAreDuesForEarlierMonthsOncePerMonth() throws {
        var arrears = Self.due("c1", amount: 42000)
        arrears.forMonth = Self.july
        let paidJuly = PaymentKey(caseID: "c2", forMonth: Self.july)
        var paidArrears = Self.due("c2", amount: 7)
        paidArrears.forMonth = Self.july
        let plan = try Self.plan("R", Self.august, [Self.due("c1", amount: 42000), arrears, paidArrears], paid: [paidJuly])
        #expect(plan.lines.map(\.forMonth) == [Self.july, Self.august])
        #expect(plan.lines.map(\.month) == [Self.august, Self.august])
        #expect(plan.skipped.map(\.reason) == ["ALREADY_PAID"])
        var later = Self.due("c3", amount: 1)
        later.forMonth = BenefitMonth(year: 2026, month: 9)
        let error = #expect(throws: DomainError.self) { try Self.plan("R", Self.august, [later]) }
        #expect(error?.problems.map(\.reason) == ["AFTER_RUN_MONTH"])
    }

    @Test func everyProgrammingErrorAtOnce() {
        let dues = [
            Self.due("", amount: 1), Self.due("c1", amount: -1), Self.due("c2", amount: 1, payee: " "),
            Self.due("c3", amount: 1, program: .destitute),
        ]
        let failed = [
            Self.line("L1", case: "c7", amount: 1, state: .sent), Self.line("L2", case: "c8", amount: 1, program: .temporary, state: .failed),
            Self.line("L2", case: "c9", amount: 1, state: .failed), Self.line("L3", case: "c8", amount: 1, state: .failed),
        ]
        #expect(
            Self.problems { _ = try Self.plan("-bad", Self.july, dues, failed: failed) } == [
                "run_id BAD_RUN_ID", "dues[0].case_id REQUIRED", "dues[1].amount NEGATIVE", "dues[2].payee_name REQUIRED",
                "dues[3].program PROGRAM_MISMATCH", "failed_to_reissue[0].state INVALID_STATE", "failed_to_reissue[1].program PROGRAM_MISMATCH",
                "failed_to_reissue[2].line_id DUPLICATE_LINE", "failed_to_reissue[3].line_id DUPLICATE_CASE",
            ])
        let error = #expect(throws: DomainError.self) { try Self.plan("R", Self.july, [], failed: [failed[0]]) }
        #expect(error?.kind == .failedPrecondition)
        #expect(error?.message == "line L1 is SENT, not FAILED")
    }

    @Test(arguments: [
        ("2026-07.minimum_living_1", true), ("R", true), ("7", true), (String(repeating: "a", count: 64), true),
        ("", false), ("-x", false), ("_x", false), ("a b", false), ("a,b", false), ("运行1", false), (String(repeating: "a", count: 65), false),
    ])
    func runIDs(id: String, valid: Bool) {
        let problems = Self.problems { _ = try Self.plan(id, Self.july, []) }
        #expect(problems == (valid ? [] : ["run_id BAD_RUN_ID"]))
    }

    @Test func totalsOverSeveralPrograms() {
        var reissue = Self.line("R-3", case: "c1", amount: 7000, program: .disabilitySubsidy)
        reissue.reissueOf = "Q-1"
        let totals = PaymentTotals(lines: [
            Self.line("R-1", case: "c1", amount: 42000), Self.line("R-2", case: "c2", amount: 8000, program: .disabilitySubsidy), reissue,
        ])
        #expect(totals.count == 3)
        #expect(totals.amount == Fen(57000))
        #expect(
            totals.byProgram == [
                .minimumLiving: PaymentSubtotal(count: 1, amount: Fen(42000)), .disabilitySubsidy: PaymentSubtotal(count: 2, amount: Fen(15000)),
            ])
        #expect(totals.reissuedCount == 1)
        #expect(totals.reissuedAmount == Fen(7000))
    }
}
