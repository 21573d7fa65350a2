import CivicDomain

/// A household's bank account for 社会化发放 through 财政惠民惠农一卡通: 12–30 ASCII digits once spaces
/// (U+0020, and the full-width U+3000 Chinese input methods type) are removed. The registry checks
/// it on the way in; the planner skips a due whose account fails it. Error messages never repeat the
/// number (it ends up in logs); show people `masked`.
public struct BankAccount: Sendable, Hashable, CustomStringConvertible {
    /// The digits, spaces removed.
    public let digits: String

    /// Throws `DomainError.invalid` (field "") with reason "INVALID".
    public init(_ text: String) throws {
        guard let digits = BankAccount.normalized(text) else {
            throw DomainError.invalid("a bank account number is 12–30 digits", field: "", reason: "INVALID")
        }
        self.digits = digits
    }

    /// The collecting form for validators: records the problem under `field` and returns nil.
    public static func validate(_ text: String, field: String, into errors: inout ValidationErrors) -> BankAccount? {
        guard let account = try? BankAccount(text) else {
            errors.add(field, "INVALID", "a bank account number is 12–30 digits")
            return nil
        }
        return account
    }

    /// The full number, for storage and the bank file.
    public var description: String { digits }

    /// First 4 and last 4 digits with exactly 4 stars between ("6217****1234"), whatever the length.
    public var masked: String { digits.prefix(4) + "****" + digits.suffix(4) }

    private static func normalized(_ text: String) -> String? {
        let kept = text.unicodeScalars.filter { $0 != " " && $0 != "\u{3000}" }
        guard (12...30).contains(kept.count), kept.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
        return String(String.UnicodeScalarView(kept))
    }
}

/// The payment list for the bank (代发文件): a CSV the bank imports into the 一卡通 batch.
///
/// Layout: UTF-8 without a byte-order mark; every row, the last included, ends in CRLF (the banks'
/// Windows tools). A header row `line_id,payee_name,bank_account,amount_yuan,benefit_month,program`,
/// then one row per line in the order given: 明细编号 (the line id the return file cites), 收款人, 一卡通
/// account, 金额 in yuan with exactly two decimals from the fen (no floating point), 待遇月份 (the
/// benefit month paid: for a re-issue the failed line's month) and the program's code
/// ("minimum_living"). **No totals row**: every row after the header is a payment, so an importer
/// cannot take a totals row for one; the count and sum (总笔数, 总金额) go on the cover sheet from
/// `PaymentTotals(lines:)`, which the bank checks against the file.
///
/// Fields are written by `CSV.field`: quoted when they hold a comma, a double quote or a line break
/// (CR, LF, or another Unicode one; RFC 4180, quotes doubled). A payee name starting with "=", "+",
/// "-", "@", a tab or CR is prefixed with a single quote, so a spreadsheet does not run it as a
/// formula (CSV injection).
public enum BankFile {
    public static let header = ["line_id", "payee_name", "bank_account", "amount_yuan", "benefit_month", "program"]

    /// The file's text. Refuses, with every problem at once (fields "lines[i]…", 0-based; FAILED_PRECONDITION
    /// when one is INVALID_STATE, else INVALID_ARGUMENT): "lines[i].state" INVALID_STATE (only pending or sent
    /// lines go to the bank: a file may be produced again before the return comes), "lines[i].line_id"
    /// DUPLICATE_LINE, "lines[i].amount" NOT_POSITIVE, "lines[i].bank_account" INVALID, "lines[i].payee_name" REQUIRED.
    public static func csv(lines: [PaymentLine]) throws -> String {
        var errors = ValidationErrors()
        var seen: [String: Int] = [:]
        for (i, line) in lines.enumerated() {
            if line.state != .pending && line.state != .sent {
                errors.add("lines[\(i)].state", "INVALID_STATE", "line \(line.lineID) is \(line.state.rawValue.uppercased()): not for the bank")
            }
            if let first = seen[line.lineID] {
                errors.add("lines[\(i)].line_id", "DUPLICATE_LINE", "line \(line.lineID) is in the file twice (lines[\(first)] too)")
            } else {
                seen[line.lineID] = i
            }
            if line.amount.fen <= 0 { errors.add("lines[\(i)].amount", "NOT_POSITIVE", "line \(line.lineID) pays \(line.amount.fen) fen") }
            _ = BankAccount.validate(line.bankAccount, field: "lines[\(i)].bank_account", into: &errors)
            if line.payeeName.allSatisfy(\.isWhitespace) { errors.add("lines[\(i)].payee_name", "REQUIRED", "line \(line.lineID) has no payee") }
        }
        if !errors.isEmpty { throw PaymentRunPlanner.refusal(errors) }
        var rows = [header.map { CSV.field($0) }]
        for line in lines {
            rows.append([
                CSV.field(line.lineID), CSV.field(line.payeeName, text: true), CSV.field(line.bankAccount), CSV.field(line.amount.yuanText),
                CSV.field(line.forMonth.description), CSV.field(line.program.rawValue),
            ])
        }
        return rows.map { $0.joined(separator: ",") + "\r\n" }.joined()
    }
}

/// What the bank says happened to a line.
public enum BankOutcome: String, Sendable, Hashable, CaseIterable {
    /// 成功: credited to the account.
    case paid
    /// 失败: not credited; the reason says why (账户已销户, 户名不符, 账户冻结 …).
    case failed
}

/// One row of the bank's return file (回盘文件).
public struct BankReturnLine: Sendable, Hashable {
    public var lineID: String
    public var outcome: BankOutcome
    /// The bank's reason; required for a failure, kept as given for a payment.
    public var reason: String
    /// The amount as the bank wrote it, in yuan ("1234.56").
    public var amountText: String
    /// The same amount, exact.
    public var amount: Fen
    /// The 1-based line of the file the row starts on (0 for a row not read from a file).
    public var fileLine: Int

    public init(lineID: String, outcome: BankOutcome, reason: String = "", amount: Fen, amountText: String? = nil, fileLine: Int = 0) {
        self.lineID = lineID
        self.outcome = outcome
        self.reason = reason
        self.amount = amount
        self.amountText = amountText ?? amount.yuanText
        self.fileLine = fileLine
    }
}

/// Reads the bank's return file (回盘文件).
public enum BankReturn {
    /// The columns a return file must have (any order, other columns ignored; names case-insensitive).
    public static let requiredColumns = ["line_id", "outcome", "reason", "amount_yuan"]

    /// The rows of a return file: a header row naming `requiredColumns`, then one row per line, outcome
    /// "paid" or "failed" (case-insensitive).
    ///
    /// Tolerant of form (`CSV.read` with `trimmingSpaces`): a UTF-8 byte-order mark, CRLF or LF (or CR)
    /// line ends, blank lines, quoted fields (RFC 4180, line breaks inside quotes), spaces around
    /// fields. Strict on content:
    /// throws `ValidationErrors` with every problem at once, field "lines[N]…" where N is the 1-based
    /// file line the row starts on: "lines[N]" BAD_HEADER (missing columns), UNTERMINATED_QUOTE, BAD_QUOTE
    /// (text after a closing quote) or COLUMN_COUNT (not as many fields as the header);
    /// "lines[N].line_id" REQUIRED or DUPLICATE (naming the first line); "lines[N].outcome"
    /// UNKNOWN_OUTCOME; "lines[N].reason" REQUIRED (a failure without a reason); "lines[N].amount"
    /// INVALID (not yuan with at most two decimals) or NOT_POSITIVE; "lines" EMPTY (no row at all).
    public static func parse(csv: String) throws -> [BankReturnLine] {
        var errors = ValidationErrors()
        let reading = CSV.read(csv, trimmingSpaces: true)
        let records = reading.rows.filter { $0.fields != [""] || $0.textAfterQuote }  // blank lines skipped
        let unterminatedAt = reading.unclosedQuoteLine
        func badQuote(_ n: Int) { errors.add("lines[\(n)]", "BAD_QUOTE", "line \(n): text after a closing quote") }
        func unterminated(_ n: Int) { errors.add("lines[\(n)]", "UNTERMINATED_QUOTE", "line \(n): a quoted field is never closed") }
        guard let header = records.first, !header.textAfterQuote else {
            if let header = records.first {
                badQuote(header.line)
            } else if let n = unterminatedAt {
                unterminated(n)
            } else {
                errors.add("lines", "EMPTY", "the return file is empty")
            }
            throw errors
        }
        let names = header.fields.map { $0.lowercased() }
        let missing = requiredColumns.filter { !names.contains($0) }
        guard missing.isEmpty else {
            errors.add("lines[\(header.line)]", "BAD_HEADER", "line \(header.line): the header lacks \(missing.joined(separator: ", "))")
            throw errors
        }
        let column = Dictionary(requiredColumns.map { ($0, names.firstIndex(of: $0)!) }, uniquingKeysWith: { a, _ in a })
        var result: [BankReturnLine] = []
        var firstLine: [String: Int] = [:]
        for record in records.dropFirst() {
            let n = record.line
            if record.textAfterQuote {
                badQuote(n)
                continue
            }
            guard record.fields.count == names.count else {
                errors.add("lines[\(n)]", "COLUMN_COUNT", "line \(n) has \(record.fields.count) fields, the header \(names.count)")
                continue
            }
            func field(_ name: String) -> String { record.fields[column[name]!] }
            let lineID = field("line_id")
            let reason = field("reason")
            let amountText = field("amount_yuan")
            var ok = true
            if lineID.isEmpty {
                errors.add("lines[\(n)].line_id", "REQUIRED", "line \(n) has no line id")
                ok = false
            } else if let first = firstLine[lineID] {
                errors.add("lines[\(n)].line_id", "DUPLICATE", "line \(n) repeats line id \(lineID) of line \(first)")
                ok = false
            } else {
                firstLine[lineID] = n
            }
            let outcome = BankOutcome(rawValue: field("outcome").lowercased())
            if outcome == nil {
                errors.add("lines[\(n)].outcome", "UNKNOWN_OUTCOME", "line \(n): the outcome is \"paid\" or \"failed\", not \"\(field("outcome"))\"")
                ok = false
            } else if outcome == .failed && reason.allSatisfy(\.isWhitespace) {
                errors.add("lines[\(n)].reason", "REQUIRED", "line \(n): a failure needs the bank's reason")
                ok = false
            }
            let amount = Fen(yuanText: amountText)
            if amount == nil {
                errors.add("lines[\(n)].amount", "INVALID", "line \(n): the amount is yuan with at most two decimals, not \"\(amountText)\"")
                ok = false
            } else if let amount, amount.fen <= 0 {
                errors.add("lines[\(n)].amount", "NOT_POSITIVE", "line \(n): the amount must be positive")
                ok = false
            }
            if ok, let outcome, let amount {
                result.append(BankReturnLine(lineID: lineID, outcome: outcome, reason: reason, amount: amount, amountText: amountText, fileLine: n))
            }
        }
        if let n = unterminatedAt { unterminated(n) }
        if records.count == 1 && errors.isEmpty { errors.add("lines", "EMPTY", "the return file has a header and no rows") }
        try errors.check()
        return result
    }
}

/// The outcome of applying a return file to a run's lines.
public struct ReconciliationResult: Sendable, Equatable {
    /// All the lines given, in order: updated when `problems` is empty, unchanged otherwise.
    public var lines: [PaymentLine]
    /// The lines whose state changed: what the caller stores (empty when there are problems).
    public var changed: [PaymentLine]
    /// Every problem, fields "lines[N]…" with N the return's file line.
    public var problems: [FieldProblem]
    /// sent → paid, by this file.
    public var paid: Int
    /// sent → failed, by this file.
    public var failed: Int
    /// Returns identical to what the line already says (the same file read twice): no change.
    public var alreadyReconciled: Int
    /// Sent lines without a return (still with the bank).
    public var outstanding: Int

    /// Applied: there were no problems.
    public var isApplied: Bool { problems.isEmpty }

    /// Throws the problems as one DomainError (FAILED_PRECONDITION when one is INVALID_STATE, else INVALID_ARGUMENT).
    public func check() throws {
        var errors = ValidationErrors()
        for problem in problems { errors.add(problem) }
        if !errors.isEmpty { throw PaymentRunPlanner.refusal(errors) }
    }
}

/// Settles a run's lines from the bank's return file (对账), line by line, by each payment's real
/// outcome (mifos-gazelle PR #189), all or nothing.
public enum Reconciliation {
    /// Applies `returns` to `lines` (a run's lines). Problems, fields "lines[N]…" (N: the return's file line):
    /// - "lines[N].line_id" UNKNOWN_LINE: no such line; DUPLICATE: the same line id twice in `returns`;
    /// - "payment_lines[i].line_id" DUPLICATE_LINE: `lines` hold a line id twice (a caller's bug);
    /// - "lines[N].amount" AMOUNT_MISMATCH: the bank's amount is not the line's;
    /// - "lines[N].outcome" INVALID_STATE: the line is not sent (pending, or settled otherwise). A return
    ///   identical to what the line already says — paid for a paid line, failed with the same reason for
    ///   a failed or re-issued one — is no problem and changes nothing ("already reconciled").
    ///
    /// With any problem nothing is applied: `lines` come back unchanged and `changed` is empty (the
    /// caller stores nothing); the counts still say what the file would have done.
    public static func apply(returns: [BankReturnLine], to lines: [PaymentLine]) -> ReconciliationResult {
        var index: [String: Int] = [:]
        var problems: [FieldProblem] = []
        for (i, line) in lines.enumerated() {
            if let first = index[line.lineID] {
                problems.append(
                    FieldProblem(
                        field: "payment_lines[\(i)].line_id", reason: "DUPLICATE_LINE", description: "line \(line.lineID) is given twice (\(first), \(i))"))
            } else {
                index[line.lineID] = i
            }
        }
        var updated = lines
        var seen = Set<String>()
        var paid = 0
        var failed = 0
        var already = 0
        func problem(_ r: BankReturnLine, _ field: String, _ reason: String, _ text: String) {
            problems.append(FieldProblem(field: "lines[\(r.fileLine)].\(field)", reason: reason, description: "line \(r.fileLine): \(text)"))
        }
        for r in returns {
            guard seen.insert(r.lineID).inserted else {
                problem(r, "line_id", "DUPLICATE", "line id \(r.lineID) is returned twice")
                continue
            }
            guard let i = index[r.lineID] else {
                problem(r, "line_id", "UNKNOWN_LINE", "no payment line \(r.lineID) in this run")
                continue
            }
            let line = lines[i]
            if r.amount != line.amount {
                problem(r, "amount", "AMOUNT_MISMATCH", "the bank says \(r.amount.yuanText) yuan, line \(line.lineID) pays \(line.amount.yuanText)")
                continue
            }
            switch (line.state, r.outcome) {
            case (.sent, .paid):
                updated[i].state = .paid
                paid += 1
            case (.sent, .failed):
                updated[i].state = .failed
                updated[i].failureReason = r.reason
                failed += 1
            case (.paid, .paid):
                already += 1
            case (.failed, .failed) where r.reason == line.failureReason, (.reissued, .failed) where r.reason == line.failureReason:
                already += 1
            default:
                let was = line.state == .failed || line.state == .reissued ? " (failed: \(line.failureReason))" : ""
                problem(
                    r, "outcome", "INVALID_STATE",
                    "line \(line.lineID) is \(line.state.rawValue.uppercased())\(was); the bank now says \(r.outcome.rawValue)")
            }
        }
        let outstanding = updated.filter { $0.state == .sent }.count
        guard problems.isEmpty else {
            return ReconciliationResult(
                lines: lines, changed: [], problems: problems, paid: paid, failed: failed, alreadyReconciled: already, outstanding: outstanding)
        }
        let changed = zip(lines, updated).filter { $0.0.state != $0.1.state }.map(\.1)
        return ReconciliationResult(
            lines: updated, changed: changed, problems: [], paid: paid, failed: failed, alreadyReconciled: already, outstanding: outstanding)
    }
}
