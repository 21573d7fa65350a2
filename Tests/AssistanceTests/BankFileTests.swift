import AssistanceDomain
import CivicDomain
import Testing

@Suite("Bank accounts")
struct BankAccountTests {
    @Test func spacesAreRemoved() throws {
        let account = try BankAccount("6217 0000 1234 5678")
        #expect(account.digits == "6217000012345678")
        #expect(account.description == "6217000012345678")
        #expect(account.masked == "6217****5678")
        #expect(try BankAccount("6217\u{3000}0000\u{3000}1234").digits == "621700001234")
        #expect(try BankAccount(" 621700001234 ").digits == "621700001234")
    }

    @Test(arguments: ["621700001234", String(repeating: "9", count: 30), "6228 4800 1234 5678 901"])
    func twelveToThirtyDigits(text: String) throws {
        #expect(try BankAccount(text).digits == text.filter { $0 != " " })
    }

    @Test(arguments: [
        "", "62170000123", String(repeating: "9", count: 31), "6217-0000-1234-5678", "6217000012345678X", "６２１７０００２１２３４５６",
        "6217\t000012345678", "621700001234.0",
    ])
    func anythingElseIsInvalid(text: String) {
        let error = #expect(throws: DomainError.self) { try BankAccount(text) }
        #expect(error?.kind == .invalid)
        #expect(error?.reason == "INVALID")
        #expect(error?.message == "a bank account number is 12–30 digits")
    }

    @Test func theCollectingForm() {
        var errors = ValidationErrors()
        #expect(BankAccount.validate("12345", field: "bank_account", into: &errors) == nil)
        #expect(BankAccount.validate("123456789012", field: "other", into: &errors)?.digits == "123456789012")
        #expect(errors.details.map { "\($0.field) \($0.reason)" } == ["bank_account INVALID"])
    }
}

@Suite("Bank file")
struct BankFileTests {
    static let july = BenefitMonth(year: 2026, month: 7)!
    static let june = BenefitMonth(year: 2026, month: 6)!

    static func line(_ n: Int, payee: String, amount: Int, forMonth: BenefitMonth = july, account: String = "6217000012345678") -> PaymentLine {
        PaymentLine(
            lineID: "R-\(n)", runID: "R", caseID: "c\(n)", householdID: "h\(n)", program: .minimumLiving, month: july, forMonth: forMonth,
            payeeName: payee, bankAccount: account, amount: Fen(amount), formula: "f", standardVersionID: "v")
    }

    @Test(arguments: [(0, "0.00"), (5, "0.05"), (10, "0.10"), (100, "1.00"), (123456, "1234.56"), (100_000_000_01, "100000000.01")])
    func fenToYuan(fen: Int, yuan: String) throws {
        #expect(Fen(fen).yuanText == yuan)
        if fen > 0 {
            let csv = try BankFile.csv(lines: [Self.line(1, payee: "张三", amount: fen)])
            #expect(csv.hasSuffix(",6217000012345678,\(yuan),2026-07,minimum_living\r\n"))
        }
    }

    @Test func theExactBytes() throws {
        var reissued = Self.line(7, payee: "王\n五", amount: 42000, forMonth: Self.june, account: "622848001234567890")
        reissued.reissueOf = "Q-3"
        let lines = [
            Self.line(1, payee: "张三", amount: 123456),
            Self.line(2, payee: "李四,王五", amount: 5),
            Self.line(3, payee: "=HYPERLINK(\"http://x\",\"y\")", amount: 100),
            Self.line(4, payee: "-1+1", amount: 10),
            Self.line(5, payee: "@SUM(A1)", amount: 99999),
            Self.line(6, payee: "O\"Neil", amount: 7000),
            reissued,
            Self.line(8, payee: "+86 张", amount: 1),
            Self.line(9, payee: "\tx", amount: 2),
            Self.line(10, payee: "a=b", amount: 3),
        ]
        let expected =
            "line_id,payee_name,bank_account,amount_yuan,benefit_month,program\r\n"
            + "R-1,张三,6217000012345678,1234.56,2026-07,minimum_living\r\n"
            + "R-2,\"李四,王五\",6217000012345678,0.05,2026-07,minimum_living\r\n"
            + "R-3,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",6217000012345678,1.00,2026-07,minimum_living\r\n"
            + "R-4,'-1+1,6217000012345678,0.10,2026-07,minimum_living\r\n"
            + "R-5,'@SUM(A1),6217000012345678,999.99,2026-07,minimum_living\r\n"
            + "R-6,\"O\"\"Neil\",6217000012345678,70.00,2026-07,minimum_living\r\n"
            + "R-7,\"王\n五\",622848001234567890,420.00,2026-06,minimum_living\r\n"
            + "R-8,'+86 张,6217000012345678,0.01,2026-07,minimum_living\r\n"
            + "R-9,'\tx,6217000012345678,0.02,2026-07,minimum_living\r\n"
            + "R-10,a=b,6217000012345678,0.03,2026-07,minimum_living\r\n"
        let csv = try BankFile.csv(lines: lines)
        #expect(Array(csv.utf8) == Array(expected.utf8))
        #expect(Array(csv.utf8.prefix(3)) == Array("lin".utf8))  // no byte-order mark
        #expect(Array("张".utf8) == [0xE5, 0xBC, 0xA0])  // UTF-8
    }

    @Test func noLinesIsTheHeaderAlone() throws {
        #expect(try BankFile.csv(lines: []) == "line_id,payee_name,bank_account,amount_yuan,benefit_month,program\r\n")
        #expect(BankFile.header.joined(separator: ",") == "line_id,payee_name,bank_account,amount_yuan,benefit_month,program")
    }

    @Test func sentLinesMayBeWrittenAgain() throws {
        let line = try Self.line(1, payee: "张三", amount: 100).markedSent()
        #expect(try BankFile.csv(lines: [line]).hasSuffix("R-1,张三,6217000012345678,1.00,2026-07,minimum_living\r\n"))
    }

    @Test func onlyPayableLinesGoToTheBank() throws {
        let paid = try Self.line(1, payee: "张三", amount: 100).markedSent().markedPaid()
        let lines = [
            paid, Self.line(2, payee: "李四", amount: 0), Self.line(2, payee: " ", amount: 100, account: "12"),
        ]
        let error = #expect(throws: DomainError.self) { try BankFile.csv(lines: lines) }
        #expect(error?.kind == .failedPrecondition)
        #expect(
            error?.problems.map { "\($0.field) \($0.reason)" } == [
                "lines[0].state INVALID_STATE", "lines[1].amount NOT_POSITIVE", "lines[2].line_id DUPLICATE_LINE", "lines[2].bank_account INVALID",
                "lines[2].payee_name REQUIRED",
            ])
        let invalidOnly = #expect(throws: DomainError.self) { try BankFile.csv(lines: [Self.line(1, payee: "张三", amount: -5)]) }
        #expect(invalidOnly?.kind == .invalid)
        #expect(invalidOnly?.message == "line R-1 pays -5 fen")
    }
}

@Suite("Bank return file")
struct BankReturnTests {
    static func problems(_ csv: String) -> [String] { Fixtures.problems { _ = try BankReturn.parse(csv: csv) } }

    @Test func aPlainFile() throws {
        let lines = try BankReturn.parse(csv: "line_id,outcome,reason,amount_yuan\r\nR-1,paid,,1234.56\r\nR-2,failed,账户已销户,0.05\r\n")
        #expect(
            lines == [
                BankReturnLine(lineID: "R-1", outcome: .paid, amount: Fen(123456), fileLine: 2),
                BankReturnLine(lineID: "R-2", outcome: .failed, reason: "账户已销户", amount: Fen(5), fileLine: 3),
            ])
        #expect(lines.map(\.amountText) == ["1234.56", "0.05"])
    }

    /// BOM, LF and CRLF mixed, blank lines, columns in another order plus one of the bank's own,
    /// quoted fields with a comma and a line break, spaces, upper-case outcome, no final line end.
    @Test func tolerantOfForm() throws {
        let csv =
            "\u{FEFF}\n序号,Amount_Yuan,LINE_ID,outcome,reason\r\n"
            + "1, 1.5 ,R-1,PAID,\n"
            + "\r\n"
            + "2,2,\"R-2\",failed,\"户名不符,请核实\"\r\n"
            + "3,0.01,R-3,failed,\"账户冻结\n(司法)\"\n"
            + "4,7,R-4, failed ,\"已销户\"  "
        let lines = try BankReturn.parse(csv: csv)
        #expect(lines.map(\.lineID) == ["R-1", "R-2", "R-3", "R-4"])
        #expect(lines.map(\.outcome) == [.paid, .failed, .failed, .failed])
        #expect(lines.map(\.reason) == ["", "户名不符,请核实", "账户冻结\n(司法)", "已销户"])
        #expect(lines.map(\.amount) == [Fen(150), Fen(200), Fen(1), Fen(700)])
        #expect(lines.map(\.amountText) == ["1.5", "2", "0.01", "7"])
        #expect(lines.map(\.fileLine) == [3, 5, 6, 8])
    }

    @Test func everyProblemByLineNumberAtOnce() {
        let csv =
            "line_id,outcome,reason,amount_yuan\n"  // 1
            + "R-1,paid,,1234.56\n"  // 2
            + "R-2,bounced,,0.05\n"  // 3
            + "R-3,failed,,1.00\n"  // 4
            + "R-4,paid,,0.1x\n"  // 5
            + "R-1,paid,,1234.56\n"  // 6
            + ",paid,,1.00\n"  // 7
            + "R-5,paid,,-1.00\n"  // 8
            + "R-6,paid\n"  // 9
            + "R-7,failed, ,1.234\n"  // 10
            + "\n"  // 11
            + "R-8,paid,\"x\"y,1.00\n"  // 12
            + "R-9,paid,,0\n"  // 13
            + "R-10,\"failed\",\"unterminated\nR-11,paid,,1.00\n"  // 14, 15
        #expect(
            Self.problems(csv) == [
                "lines[3].outcome UNKNOWN_OUTCOME", "lines[4].reason REQUIRED", "lines[5].amount INVALID", "lines[6].line_id DUPLICATE",
                "lines[7].line_id REQUIRED", "lines[8].amount NOT_POSITIVE", "lines[9] COLUMN_COUNT", "lines[10].reason REQUIRED",
                "lines[10].amount INVALID", "lines[12] BAD_QUOTE", "lines[13].amount NOT_POSITIVE", "lines[14] UNTERMINATED_QUOTE",
            ])
        let error = #expect(throws: ValidationErrors.self) { try BankReturn.parse(csv: csv) }
        #expect(error?.details[3].description == "line 6 repeats line id R-1 of line 2")
        #expect(error?.details[0].description == "line 3: the outcome is \"paid\" or \"failed\", not \"bounced\"")
    }

    @Test func theHeaderAndEmptyFiles() {
        #expect(Self.problems("") == ["lines EMPTY"])
        #expect(Self.problems("\u{FEFF}\r\n\r\n") == ["lines EMPTY"])
        #expect(Self.problems("line_id,outcome,reason,amount_yuan\r\n") == ["lines EMPTY"])
        #expect(Self.problems("\nline_id,result,amount_yuan\nR-1,paid,1.00\n") == ["lines[2] BAD_HEADER"])
        let error = #expect(throws: ValidationErrors.self) { try BankReturn.parse(csv: "line_id,amount\nR-1,1.00\n") }
        #expect(error?.details.map(\.description) == ["line 1: the header lacks outcome, reason, amount_yuan"])
        #expect(Self.problems("\"line_id,outcome\n") == ["lines[1] UNTERMINATED_QUOTE"])
    }
}

@Suite("Reconciliation")
struct ReconciliationTests {
    static let header = "line_id,outcome,reason,amount_yuan\r\n"

    /// Four sent lines of 420.00, 300.00, 1.00 and 0.05 yuan, and one still pending.
    static func run() throws -> [PaymentLine] {
        let plan = try PaymentRunPlanner.plan(
            runID: "R", month: BenefitMonth(year: 2026, month: 7)!, program: .minimumLiving,
            dues: [
                PaymentRunTests.due("c1", amount: 42000), PaymentRunTests.due("c2", amount: 30000), PaymentRunTests.due("c3", amount: 100),
                PaymentRunTests.due("c4", amount: 5), PaymentRunTests.due("c5", amount: 9),
            ], alreadyPaid: [], failedToReissue: [])
        return try plan.lines.prefix(4).map { try $0.markedSent() } + [plan.lines[4]]
    }

    static func returns(_ rows: String) throws -> [BankReturnLine] { try BankReturn.parse(csv: header + rows) }

    @Test func paidAndFailedLines() throws {
        let lines = try Self.run()
        let result = Reconciliation.apply(returns: try Self.returns("R-1,paid,,420.00\r\nR-2,failed,账户已销户,300.00\r\nR-4,paid,,0.05\r\n"), to: lines)
        #expect(result.isApplied)
        #expect(result.problems == [])
        #expect(result.lines.map(\.state) == [.paid, .failed, .sent, .paid, .pending])
        #expect(result.lines[1].failureReason == "账户已销户")
        #expect(result.changed.map(\.lineID) == ["R-1", "R-2", "R-4"])
        #expect(result.changed.map(\.state) == [.paid, .failed, .paid])
        #expect(result.paid == 2)
        #expect(result.failed == 1)
        #expect(result.alreadyReconciled == 0)
        #expect(result.outstanding == 1)
        try result.check()
    }

    /// The same file read twice changes nothing; a later file settles the rest.
    @Test func theSameFileTwiceIsIdempotent() throws {
        let file = try Self.returns("R-1,paid,,420.00\r\nR-2,failed,账户已销户,300.00\r\n")
        let first = Reconciliation.apply(returns: file, to: try Self.run())
        let second = Reconciliation.apply(returns: file, to: first.lines)
        #expect(second.isApplied)
        #expect(second.lines == first.lines)
        #expect(second.changed == [])
        #expect(second.paid == 0)
        #expect(second.failed == 0)
        #expect(second.alreadyReconciled == 2)
        #expect(second.outstanding == 2)
        // The failed line re-issued since: its return is still "already reconciled".
        var reissued = first.lines
        reissued[1] = try reissued[1].markedReissued()
        let third = Reconciliation.apply(returns: file + (try Self.returns("R-3,paid,,1\r\nR-4,paid,,0.05\r\n")), to: reissued)
        #expect(third.isApplied)
        #expect(third.alreadyReconciled == 2)
        #expect(third.paid == 2)
        #expect(third.outstanding == 0)
        #expect(third.lines.map(\.state) == [.paid, .reissued, .paid, .paid, .pending])
    }

    /// Any problem and nothing is applied.
    @Test func allOrNothing() throws {
        let lines = try Self.run()
        let file = try Self.returns(
            "R-1,paid,,420.00\r\n"  // 2: fine
                + "R-99,paid,,1.00\r\n"  // 3: no such line
                + "R-2,paid,,300.01\r\n"  // 4: amount
                + "R-5,paid,,0.09\r\n"  // 5: still pending
                + "R-3,failed,账户冻结,1.00\r\n")  // 6: fine
        let result = Reconciliation.apply(returns: file, to: lines)
        #expect(!result.isApplied)
        #expect(
            result.problems.map { "\($0.field) \($0.reason)" } == [
                "lines[3].line_id UNKNOWN_LINE", "lines[4].amount AMOUNT_MISMATCH", "lines[5].outcome INVALID_STATE",
            ])
        #expect(
            result.problems.map(\.description) == [
                "line 3: no payment line R-99 in this run", "line 4: the bank says 300.01 yuan, line R-2 pays 300.00",
                "line 5: line R-5 is PENDING; the bank now says paid",
            ])
        #expect(result.lines == lines)
        #expect(result.changed == [])
        // The counts say what the file would have done.
        #expect(result.paid == 1)
        #expect(result.failed == 1)
        #expect(result.outstanding == 2)
        let error = #expect(throws: DomainError.self) { try result.check() }
        #expect(error?.kind == .failedPrecondition)
        #expect(error?.problems.count == 3)
    }

    @Test func aConflictingSecondReturnIsRefused() throws {
        let first = Reconciliation.apply(returns: try Self.returns("R-1,paid,,420.00\r\nR-2,failed,账户已销户,300.00\r\n"), to: try Self.run())
        let conflict = Reconciliation.apply(
            returns: try Self.returns("R-1,failed,户名不符,420.00\r\nR-2,failed,户名不符,300.00\r\nR-3,paid,,1.00\r\n"), to: first.lines)
        #expect(conflict.problems.map { "\($0.field) \($0.reason)" } == ["lines[2].outcome INVALID_STATE", "lines[3].outcome INVALID_STATE"])
        #expect(conflict.problems[1].description == "line 3: line R-2 is FAILED (failed: 账户已销户); the bank now says failed")
        #expect(conflict.lines == first.lines)
        let reversed = Reconciliation.apply(returns: try Self.returns("R-2,paid,,300.00\r\n"), to: first.lines)
        #expect(reversed.problems.map(\.reason) == ["INVALID_STATE"])
    }

    @Test func duplicatesInTheInputs() throws {
        let lines = try Self.run()
        let twice = [
            BankReturnLine(lineID: "R-1", outcome: .paid, amount: Fen(42000), fileLine: 2),
            BankReturnLine(lineID: "R-1", outcome: .paid, amount: Fen(42000), fileLine: 3),
        ]
        #expect(Reconciliation.apply(returns: twice, to: lines).problems.map { "\($0.field) \($0.reason)" } == ["lines[3].line_id DUPLICATE"])
        let doubled = Reconciliation.apply(returns: [twice[0]], to: lines + [lines[0]])
        #expect(doubled.problems.map { "\($0.field) \($0.reason)" } == ["payment_lines[5].line_id DUPLICATE_LINE"])
        #expect(!doubled.isApplied)
    }

    /// July: plan, bank file, the bank's return, reconcile; August re-issues the failure.
    @Test func aMonthEndToEnd() throws {
        let july = BenefitMonth(year: 2026, month: 7)!
        let plan = try PaymentRunPlanner.plan(
            runID: "2026-07", month: july, program: .minimumLiving,
            dues: [PaymentRunTests.due("c1", amount: 42000), PaymentRunTests.due("c2", amount: 30000)], alreadyPaid: [], failedToReissue: [])
        let csv = try BankFile.csv(lines: plan.lines)
        #expect(csv.split(separator: "\r\n").count == 3)
        let sent = try plan.lines.map { try $0.markedSent() }
        let back = try BankReturn.parse(csv: "\u{FEFF}line_id,outcome,reason,amount_yuan\r\n2026-07-1,paid,,420.00\r\n2026-07-2,failed,账户已销户,300.00\r\n")
        let settled = Reconciliation.apply(returns: back, to: sent)
        try settled.check()
        let failed = settled.lines.filter { $0.state == .failed }
        let august = try PaymentRunPlanner.plan(
            runID: "2026-08", month: july.next, program: .minimumLiving,
            dues: [PaymentRunTests.due("c1", amount: 42000), PaymentRunTests.due("c2", amount: 30000, account: "622848001234567890")],
            alreadyPaid: Set(settled.lines.map(\.key)), failedToReissue: failed)
        #expect(
            august.lines.map { "\($0.lineID) \($0.caseID) \($0.forMonth) \($0.amount.yuanText) \($0.reissueOf ?? "-")" } == [
                "2026-08-1 c1 2026-08 420.00 -", "2026-08-2 c2 2026-08 300.00 -", "2026-08-3 c2 2026-07 300.00 2026-07-2",
            ])
        #expect(try BankFile.csv(lines: august.lines).hasSuffix("2026-08-3,户主c2,622848001234567890,300.00,2026-07,minimum_living\r\n"))
    }
}
