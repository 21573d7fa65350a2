import CivicDomain

/// Where one line of a monthly payment run (发放明细) stands. The openIMIS payroll states, with
/// mifos-gazelle PR #189's lesson that "handed to the bank" is not "paid": a line is settled only
/// by the bank's return file (回盘文件).
///
/// Legal moves: pending → sent → paid; sent → failed → reissued. Nothing else (`moved(to:)`).
public enum PaymentLineState: String, Sendable, Hashable, CaseIterable {
    /// 待发放: planned in a run, not yet in a bank file (openIMIS PENDING_APPROVAL / APPROVED).
    case pending
    /// 已报送银行: in the bank file handed to the bank (财政惠民惠农一卡通), outcome unknown (SENT).
    case sent
    /// 已到账: the bank's return file says it was credited (RECONCILED).
    case paid
    /// 发放失败: the bank's return file says it failed, with the bank's reason (FAILED).
    case failed
    /// 已补发: a failed line whose amount was carried into a later run as a new line (`reissueOf`).
    case reissued

    /// The states this one may move to.
    public var allowedNext: Set<PaymentLineState> {
        switch self {
        case .pending: return [.sent]
        case .sent: return [.paid, .failed]
        case .failed: return [.reissued]
        case .paid, .reissued: return []
        }
    }

    /// Paid or re-issued: nothing more happens to the line.
    public var isFinal: Bool { allowedNext.isEmpty }

    /// `next` if the move is legal; otherwise FAILED_PRECONDITION, reason INVALID_STATE, naming both states.
    public func moved(to next: PaymentLineState) throws -> PaymentLineState {
        guard allowedNext.contains(next) else { throw PaymentLineState.illegalMove(from: self, to: next) }
        return next
    }

    /// The refusal of a move: FAILED_PRECONDITION, field "state", reason INVALID_STATE.
    public static func illegalMove(from state: PaymentLineState, to next: PaymentLineState, lineID: String = "") -> DomainError {
        let line = lineID.isEmpty ? "a payment line" : "payment line \(lineID)"
        return DomainError(
            .failedPrecondition, "cannot move \(line) that is \(state.rawValue.uppercased()) to \(next.rawValue.uppercased())",
            problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the line is \(state.rawValue.uppercased())")])
    }
}

/// Which benefit month of which case a line pays: at most one line per key is ever paid, however
/// many runs there are (idempotency; a re-issue replaces a failed line under the same key).
public struct PaymentKey: Sendable, Hashable, CustomStringConvertible {
    public var caseID: String
    /// The benefit month paid (待遇月份).
    public var forMonth: BenefitMonth

    public init(caseID: String, forMonth: BenefitMonth) {
        self.caseID = caseID
        self.forMonth = forMonth
    }

    /// "case-1 2026-07".
    public var description: String { "\(caseID) \(forMonth)" }
}

/// One line of a payment run (发放明细): one household's amount for one benefit month, frozen from the
/// decision snapshot (OpenSPP #626: later registry edits do not change a paid month).
public struct PaymentLine: Sendable, Hashable {
    /// Stable and unique: "<runID>-<n>" from the planner, or as given.
    public var lineID: String
    /// The run (发放批次) it belongs to.
    public var runID: String
    public var caseID: String
    public var householdID: String
    public var program: Program
    /// The month of the run it is in.
    public var month: BenefitMonth
    /// The benefit month it pays (待遇月份): `month`, or for a re-issued line the failed line's month.
    public var forMonth: BenefitMonth
    /// 收款人 as on the 一卡通 account.
    public var payeeName: String
    /// The household's 财政惠民惠农一卡通 account: digits only (`BankAccount`).
    public var bankAccount: String
    public var amount: Fen
    /// The computation with its numbers filled in, as decided ("2 × 90000 − 60000 = 120000").
    public var formula: String
    /// The standard version the amount was computed with.
    public var standardVersionID: String
    public var state: PaymentLineState
    /// The bank's reason for a failed line ("账户已销户"); "" otherwise.
    public var failureReason: String
    /// The failed line this one re-issues (补发), or nil.
    public var reissueOf: String?

    public init(
        lineID: String, runID: String, caseID: String, householdID: String, program: Program, month: BenefitMonth, forMonth: BenefitMonth? = nil,
        payeeName: String, bankAccount: String, amount: Fen, formula: String, standardVersionID: String, state: PaymentLineState = .pending,
        failureReason: String = "", reissueOf: String? = nil
    ) {
        self.lineID = lineID
        self.runID = runID
        self.caseID = caseID
        self.householdID = householdID
        self.program = program
        self.month = month
        self.forMonth = forMonth ?? month
        self.payeeName = payeeName
        self.bankAccount = bankAccount
        self.amount = amount
        self.formula = formula
        self.standardVersionID = standardVersionID
        self.state = state
        self.failureReason = failureReason
        self.reissueOf = reissueOf
    }

    public var key: PaymentKey { PaymentKey(caseID: caseID, forMonth: forMonth) }

    /// Put in a bank file: pending → sent.
    public func markedSent() throws -> PaymentLine { try moved(to: .sent) }

    /// Credited, per the bank's return file: sent → paid.
    public func markedPaid() throws -> PaymentLine { try moved(to: .paid) }

    /// Failed, per the bank's return file: sent → failed. A blank reason is INVALID_ARGUMENT,
    /// field "failure_reason", reason REASON_REQUIRED.
    public func markedFailed(reason: String) throws -> PaymentLine {
        guard !reason.allSatisfy(\.isWhitespace) else {
            throw DomainError.invalid("a failed payment line needs the bank's reason", field: "failure_reason", reason: "REASON_REQUIRED")
        }
        var line = try moved(to: .failed)
        line.failureReason = reason
        return line
    }

    /// Carried into a later run (补发): failed → reissued.
    public func markedReissued() throws -> PaymentLine { try moved(to: .reissued) }

    private func moved(to next: PaymentLineState) throws -> PaymentLine {
        guard state.allowedNext.contains(next) else { throw PaymentLineState.illegalMove(from: state, to: next, lineID: lineID) }
        var line = self
        line.state = next
        return line
    }
}

/// One active case's entitlement for the run's month, computed by the service from the decision
/// snapshot with the existing calculators (低保 补差, 特困 供养, 两项补贴): the planner only plans lines.
public struct PaymentDue: Sendable, Hashable {
    public var caseID: String
    public var householdID: String
    public var program: Program
    public var payeeName: String
    /// As the registry holds it; checked with `BankAccount` (spaces removed).
    public var bankAccount: String
    public var amount: Fen
    public var formula: String
    public var standardVersionID: String
    /// The benefit month this due pays: the run's month when nil; an earlier month for arrears
    /// (补发: a case approved after the run of its start month).
    public var forMonth: BenefitMonth?

    public init(
        caseID: String, householdID: String, program: Program, payeeName: String, bankAccount: String, amount: Fen, formula: String,
        standardVersionID: String, forMonth: BenefitMonth? = nil
    ) {
        self.forMonth = forMonth
        self.caseID = caseID
        self.householdID = householdID
        self.program = program
        self.payeeName = payeeName
        self.bankAccount = bankAccount
        self.amount = amount
        self.formula = formula
        self.standardVersionID = standardVersionID
    }
}

/// A due the run does not pay, and why.
public struct SkippedDue: Sendable, Hashable {
    public var due: PaymentDue
    /// ALREADY_PAID: an earlier run has a line for this case and month (in any state: a failed one is
    /// re-issued, never paid again as new); ZERO_AMOUNT: nothing to pay; INVALID_BANK_ACCOUNT: the
    /// registry's account is not 12–30 digits (fix it and run the month again: the case is not paid yet).
    public var reason: String
    public var description: String
}

/// Count and amount of some lines.
public struct PaymentSubtotal: Sendable, Hashable {
    public var count: Int
    public var amount: Fen

    public init(count: Int = 0, amount: Fen = .zero) {
        self.count = count
        self.amount = amount
    }
}

/// The totals of a run (汇总: 总笔数, 总金额) for the cover sheet handed to the bank with the file.
public struct PaymentTotals: Sendable, Hashable {
    public var count: Int
    public var amount: Fen
    public var byProgram: [Program: PaymentSubtotal]
    /// The re-issued lines (补发) among them.
    public var reissuedCount: Int
    public var reissuedAmount: Fen

    /// The totals of any lines (one run, or several runs for a month's report).
    public init(lines: [PaymentLine]) {
        count = lines.count
        amount = Fen.sum(lines.map(\.amount))
        var byProgram: [Program: PaymentSubtotal] = [:]
        for line in lines {
            var subtotal = byProgram[line.program] ?? PaymentSubtotal()
            subtotal.count += 1
            subtotal.amount = subtotal.amount + line.amount
            byProgram[line.program] = subtotal
        }
        self.byProgram = byProgram
        let reissued = lines.filter { $0.reissueOf != nil }
        reissuedCount = reissued.count
        reissuedAmount = Fen.sum(reissued.map(\.amount))
    }
}

/// What a run will pay. The caller stores `lines` (all pending) and `reissuedOriginals` (the failed
/// lines now re-issued) in one transaction, or nothing.
public struct PaymentRunPlan: Sendable, Hashable {
    public var runID: String
    public var month: BenefitMonth
    public var program: Program
    /// New lines, pending: the dues in case-id order, then the re-issues in the order given.
    public var lines: [PaymentLine]
    public var skipped: [SkippedDue]
    /// The failed lines re-issued by this run, moved to `reissued`.
    public var reissuedOriginals: [PaymentLine]
    public var totals: PaymentTotals
}

/// Plans a monthly payment run (月度发放批次): one run per month per program, idempotent, re-issuing
/// earlier failures (补发).
public enum PaymentRunPlanner {
    /// The plan for `program`'s run `runID` for `month`.
    ///
    /// - `alreadyPaid`: the key of every line of every earlier run, whatever its state. A due whose
    ///   (case, month) is among them is skipped (ALREADY_PAID): running a month twice pays nothing twice.
    /// - `failedToReissue`: failed lines of earlier runs of the program not yet re-issued. Each becomes a
    ///   new line of this run with the same amount, formula, standard version and `forMonth`,
    ///   `reissueOf` set; the payee and account are this run's due of the same case when it has a
    ///   valid account (a closed account fixed in the registry since), otherwise the failed line's.
    /// - Line ids are "<runID>-1", "<runID>-2", …: the dues sorted by case id, then the re-issues.
    ///
    /// Refuses with one DomainError listing every problem (INVALID_ARGUMENT; FAILED_PRECONDITION when one
    /// is INVALID_STATE): "run_id" BAD_RUN_ID (letters, digits, "-", "_", "." only, starting with a letter
    /// or digit, at most 64); "dues[i].case_id" REQUIRED or DUPLICATE_CASE (a case twice is a
    /// programming error); "dues[i].payee_name" REQUIRED; "dues[i].amount" NEGATIVE; "dues[i].program"
    /// and "failed_to_reissue[i].program" PROGRAM_MISMATCH; "failed_to_reissue[i].state" INVALID_STATE
    /// (not failed); "failed_to_reissue[i].line_id" DUPLICATE_LINE (the same line twice) or
    /// DUPLICATE_CASE (two failed lines for the same case and month).
    public static func plan(
        runID: String, month: BenefitMonth, program: Program, dues: [PaymentDue], alreadyPaid: Set<PaymentKey>, failedToReissue: [PaymentLine]
    ) throws -> PaymentRunPlan {
        var errors = ValidationErrors()
        if !isValidRunID(runID) {
            errors.add("run_id", "BAD_RUN_ID", "a run id is 1–64 letters, digits, '-', '_' or '.', starting with a letter or digit")
        }
        var firstDue: [PaymentKey: Int] = [:]
        for (i, due) in dues.enumerated() {
            let key = PaymentKey(caseID: due.caseID, forMonth: due.forMonth ?? month)
            if due.caseID.isEmpty {
                errors.add("dues[\(i)].case_id", "REQUIRED", "a due needs its case id")
            } else if let first = firstDue[key] {
                errors.add("dues[\(i)].case_id", "DUPLICATE_CASE", "case \(due.caseID) is due twice for \(key.forMonth) (dues[\(first)] too)")
            } else {
                firstDue[key] = i
            }
            if let forMonth = due.forMonth, forMonth > month {
                errors.add("dues[\(i)].for_month", "AFTER_RUN_MONTH", "\(forMonth) is after the run's month \(month)")
            }
            if due.payeeName.allSatisfy(\.isWhitespace) { errors.add("dues[\(i)].payee_name", "REQUIRED", "a due needs its payee's name") }
            if due.amount < .zero { errors.add("dues[\(i)].amount", "NEGATIVE", "a due of \(due.amount.fen) fen cannot be paid") }
            if due.program != program {
                errors.add("dues[\(i)].program", "PROGRAM_MISMATCH", "a \(due.program.rawValue) due in a \(program.rawValue) run")
            }
        }
        var failedIDs: [String: Int] = [:]
        var failedKeys: [PaymentKey: Int] = [:]
        for (i, line) in failedToReissue.enumerated() {
            if line.state != .failed {
                errors.add(
                    "failed_to_reissue[\(i)].state", "INVALID_STATE", "line \(line.lineID) is \(line.state.rawValue.uppercased()), not FAILED")
            }
            if line.program != program {
                errors.add("failed_to_reissue[\(i)].program", "PROGRAM_MISMATCH", "a \(line.program.rawValue) line in a \(program.rawValue) run")
            }
            if let first = failedIDs[line.lineID] {
                errors.add("failed_to_reissue[\(i)].line_id", "DUPLICATE_LINE", "line \(line.lineID) is given twice (failed_to_reissue[\(first)] too)")
            } else if let first = failedKeys[line.key] {
                errors.add("failed_to_reissue[\(i)].line_id", "DUPLICATE_CASE", "\(line.key) has two failed lines (failed_to_reissue[\(first)] too)")
            } else {
                failedIDs[line.lineID] = i
                failedKeys[line.key] = i
            }
        }
        if !errors.isEmpty { throw PaymentRunPlanner.refusal(errors) }

        var lines: [PaymentLine] = []
        var skipped: [SkippedDue] = []
        func nextID() -> String { "\(runID)-\(lines.count + 1)" }
        // A failed line being re-issued holds its key too, even if the caller's set missed it.
        let taken = alreadyPaid.union(failedKeys.keys)
        for due in dues.sorted(by: { ($0.caseID, $0.forMonth ?? month) < ($1.caseID, $1.forMonth ?? month) }) {
            let key = PaymentKey(caseID: due.caseID, forMonth: due.forMonth ?? month)
            if taken.contains(key) {
                skipped.append(SkippedDue(due: due, reason: "ALREADY_PAID", description: "\(key) already has a line in an earlier run"))
            } else if due.amount == .zero {
                skipped.append(SkippedDue(due: due, reason: "ZERO_AMOUNT", description: "\(key) is due 0 fen"))
            } else if let account = try? BankAccount(due.bankAccount) {
                lines.append(
                    PaymentLine(
                        lineID: nextID(), runID: runID, caseID: due.caseID, householdID: due.householdID, program: program, month: month,
                        forMonth: key.forMonth, payeeName: due.payeeName, bankAccount: account.digits, amount: due.amount, formula: due.formula,
                        standardVersionID: due.standardVersionID))
            } else {
                skipped.append(SkippedDue(due: due, reason: "INVALID_BANK_ACCOUNT", description: "\(key): the bank account is not 12–30 digits"))
            }
        }
        var originals: [PaymentLine] = []
        for failed in failedToReissue {
            var line = failed
            line.lineID = nextID()
            line.runID = runID
            line.month = month
            line.state = .pending
            line.failureReason = ""
            line.reissueOf = failed.lineID
            if let i = dues.firstIndex(where: { $0.caseID == failed.caseID }), let account = try? BankAccount(dues[i].bankAccount) {
                line.payeeName = dues[i].payeeName
                line.bankAccount = account.digits
            }
            lines.append(line)
            originals.append(try failed.markedReissued())
        }
        return PaymentRunPlan(
            runID: runID, month: month, program: program, lines: lines, skipped: skipped, reissuedOriginals: originals,
            totals: PaymentTotals(lines: lines))
    }

    /// One DomainError for collected problems: FAILED_PRECONDITION when one of them is INVALID_STATE,
    /// INVALID_ARGUMENT otherwise.
    static func refusal(_ errors: ValidationErrors) -> DomainError {
        let kind: DomainError.Kind = errors.details.contains { $0.reason == "INVALID_STATE" } ? .failedPrecondition : .invalid
        return DomainError(kind, errors.message, problems: errors.details)
    }

    static func isValidRunID(_ id: String) -> Bool {
        func isAlphanumeric(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) }
        guard let first = id.unicodeScalars.first, isAlphanumeric(first), id.unicodeScalars.count <= 64 else { return false }
        return id.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }
}
