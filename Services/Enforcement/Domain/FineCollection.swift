import CivicDomain

/// The collections ledger of one fine (RULES.md §4(f)): its instalments (one, due 15 days after
/// service, unless instalments were approved), an approved deferral, the 复议 / 诉讼 pauses, the
/// payments, a surcharge reduction agreed under 行政强制法 §42, the 催告 and the court application.
///
/// Each instalment carries its own surcharge (3 % of its amount a day, capped at its amount, not
/// counted while paused), counted through the day it was paid off; payments pay the instalments in
/// order, then the surcharge.
public struct FineCollection: Sendable, Hashable, Codable {
    public struct Instalment: Sendable, Hashable, Codable {
        public var dueDate: CivilDate
        public var amount: Fen

        public init(dueDate: CivilDate, amount: Fen) {
            self.dueDate = dueDate
            self.amount = amount
        }
    }

    public struct Payment: Sendable, Hashable, Codable {
        public var on: CivilDate
        public var amount: Fen
        /// The bank's or the payment platform's receipt (罚缴分离, §67).
        public var receipt: String
    }

    /// 复议 (administrative review) or 诉讼 (lawsuit) pending: the surcharge pauses (§73).
    public enum PauseKind: String, Sendable, Hashable, CaseIterable, Codable {
        case administrativeReview = "administrative_review"
        case lawsuit
    }

    public struct Pause: Sendable, Hashable, Codable {
        public var kind: PauseKind
        public var from: CivilDate
        /// Nil while the review or lawsuit is pending.
        public var through: CivilDate?
    }

    /// An approved 暂缓 or 分期 (§66 ¶2).
    public struct Approval: Sendable, Hashable, Codable {
        public var approvedBy: String
        public var on: CivilDate
    }

    public private(set) var fine: Fen
    /// 15 days after service (§67), the start day not counted, moved off a rest day.
    public private(set) var paymentDue: LegalDeadline
    public private(set) var instalments: [Instalment]
    public private(set) var deferral: Approval?
    public private(set) var instalmentApproval: Approval?
    public private(set) var pauses: [Pause]
    public private(set) var payments: [Payment]
    /// Surcharge forgiven by an enforcement agreement (行政强制法 §42).
    public private(set) var surchargeReduction: Fen
    public private(set) var demandServedOn: CivilDate?
    public private(set) var courtAppliedOn: CivilDate?

    /// A fine served on `servedOn`: one instalment, the whole fine, due 15 days later.
    public init(fine: Fen, servedOn: CivilDate, calendar: LegalCalendar) {
        self.fine = fine
        paymentDue = calendar.deadline(.payment, from: servedOn)
        instalments = [Instalment(dueDate: paymentDue.dueDate, amount: fine)]
        pauses = []
        payments = []
        surchargeReduction = .zero
    }

    public var paid: Fen { Fen.sum(payments.map(\.amount)) }

    /// For each instalment, the day it was paid off (nil while not), payments applied in order.
    public var paidOffOn: [CivilDate?] {
        var remaining = payments.sorted { $0.on < $1.on }.map { (on: $0.on, left: $0.amount.fen) }
        var index = 0
        return instalments.map { instalment in
            var owed = instalment.amount.fen
            var last: CivilDate?
            while owed > 0, index < remaining.count {
                let used = min(owed, remaining[index].left)
                owed -= used
                remaining[index].left -= used
                last = remaining[index].on
                if remaining[index].left == 0 { index += 1 }
            }
            return owed == 0 ? last : nil
        }
    }

    /// The surcharge accrued by `asOf` (加处罚款, §72), less an agreed reduction.
    public func surcharge(asOf: CivilDate) -> Fen {
        let paused = pauses.map { LateSurcharge.Pause(from: $0.from, through: $0.through ?? asOf) }
        let offs = paidOffOn
        var total = Fen.zero
        for (i, instalment) in instalments.enumerated() where instalment.amount.fen > 0 {
            let until = offs[i].map { min($0, asOf) } ?? asOf
            // Valid by construction: amounts are positive and every pause ends after it starts.
            if let s = try? LateSurcharge(fine: instalment.amount, dueDate: instalment.dueDate, pauses: paused) {
                total = total + s.amount(asOf: until)
            }
        }
        return Fen(max(0, total.fen - surchargeReduction.fen))
    }

    /// What is still owed on `asOf`: the fine and the surcharge, less what was paid.
    public func outstanding(asOf: CivilDate) -> Fen { Fen(max(0, fine.fen + surcharge(asOf: asOf).fen - paid.fen)) }

    /// Everything owed is paid (the fine, and the surcharge as of the last payment).
    public var settled: Bool {
        guard let last = payments.map(\.on).max() else { return false }
        return outstanding(asOf: last).fen == 0
    }

    /// The first instalment due and unpaid on `day`, if any.
    public func overdueInstalment(on day: CivilDate) -> Instalment? {
        let offs = paidOffOn
        return instalments.indices.first { offs[$0] == nil && instalments[$0].dueDate < day }.map { instalments[$0] }
    }

    public var pendingPause: Pause? { pauses.last.flatMap { $0.through == nil ? $0 : nil } }

    /// 强制法 §54: the court may be applied to once 10 working days have passed after the 催告 was served.
    public func courtNotice(calendar: LegalCalendar) -> LegalDeadline? {
        demandServedOn.map { calendar.deadline(.courtNotice, from: $0) }
    }

    // MARK: Steps (each checked by the case, which owns the state)

    /// INVALID "amount" NOT_POSITIVE; FAILED_PRECONDITION "amount" MORE_THAN_OWED.
    mutating func pay(_ amount: Fen, on day: CivilDate, receipt: String) throws {
        if amount.fen <= 0 { throw DomainError.invalid("a payment is above 0", field: "amount", reason: "NOT_POSITIVE") }
        let owed = outstanding(asOf: day)
        if amount > owed {
            throw DomainError(
                .failedPrecondition, "\(amount.yuanText) 元 is more than the \(owed.yuanText) 元 owed on \(day)",
                problems: [FieldProblem(field: "amount", reason: "MORE_THAN_OWED", description: "\(owed.yuanText) 元 is owed")])
        }
        payments.append(Payment(on: day, amount: amount, receipt: receipt))
    }

    /// Moves the unpaid instalments' due dates to `to` (暂缓). FAILED_PRECONDITION "deferral"
    /// ALREADY_APPROVED; INVALID "to" NOT_LATER (not after the current due date).
    mutating func deferDue(to: CivilDate, approval: Approval) throws {
        if deferral != nil { throw Self.precondition("deferral", "ALREADY_APPROVED", "the payment was deferred already") }
        let offs = paidOffOn
        guard let first = instalments.indices.first(where: { offs[$0] == nil }), to > instalments[first].dueDate else {
            throw DomainError.invalid("a deferral moves the due date later", field: "to", reason: "NOT_LATER")
        }
        for i in instalments.indices where offs[i] == nil && instalments[i].dueDate < to { instalments[i].dueDate = to }
        deferral = approval
    }

    /// Replaces the single instalment by `plan` (分期). INVALID "instalments" TOO_FEW / SUM_MISMATCH /
    /// NOT_ASCENDING / NOT_POSITIVE / BEFORE_DUE (a first instalment before the original due date);
    /// FAILED_PRECONDITION "instalments" ALREADY_APPROVED or ALREADY_PAYING.
    mutating func approveInstalments(_ plan: [Instalment], approval: Approval) throws {
        if instalmentApproval != nil { throw Self.precondition("instalments", "ALREADY_APPROVED", "instalments were approved already") }
        if !payments.isEmpty { throw Self.precondition("instalments", "ALREADY_PAYING", "payments have begun") }
        var errors = ValidationErrors()
        if plan.count < 2 { errors.add("instalments", "TOO_FEW", "instalments are two or more") }
        if Fen.sum(plan.map(\.amount)) != fine { errors.add("instalments", "SUM_MISMATCH", "the instalments add up to the fine, \(fine.yuanText) 元") }
        if plan.contains(where: { $0.amount.fen <= 0 }) { errors.add("instalments", "NOT_POSITIVE", "every instalment is above 0") }
        if zip(plan, plan.dropFirst()).contains(where: { $0.dueDate >= $1.dueDate }) {
            errors.add("instalments", "NOT_ASCENDING", "each instalment falls due after the one before")
        }
        if let first = plan.first, first.dueDate < instalments[0].dueDate {
            errors.add("instalments", "BEFORE_DUE", "the first instalment is due on or after \(instalments[0].dueDate)")
        }
        try errors.check()
        instalments = plan
        instalmentApproval = approval
    }

    /// FAILED_PRECONDITION "pause" ALREADY_PAUSED / NOT_PAUSED; INVALID "on" BEFORE_START.
    mutating func startPause(_ kind: PauseKind, on day: CivilDate) throws {
        if pendingPause != nil { throw Self.precondition("pause", "ALREADY_PAUSED", "a review or lawsuit is already pending") }
        pauses.append(Pause(kind: kind, from: day, through: nil))
    }

    mutating func endPause(on day: CivilDate) throws {
        guard let open = pendingPause else { throw Self.precondition("pause", "NOT_PAUSED", "no review or lawsuit is pending") }
        if day < open.from { throw DomainError.invalid("the pause began on \(open.from)", field: "on", reason: "BEFORE_START") }
        pauses[pauses.count - 1].through = day
    }

    /// INVALID "amount" NOT_POSITIVE; FAILED_PRECONDITION "amount" MORE_THAN_SURCHARGE.
    mutating func reduceSurcharge(by amount: Fen, on day: CivilDate) throws {
        if amount.fen <= 0 { throw DomainError.invalid("a reduction is above 0", field: "amount", reason: "NOT_POSITIVE") }
        let accrued = surcharge(asOf: day)
        if amount > accrued {
            throw Self.precondition("amount", "MORE_THAN_SURCHARGE", "the surcharge on \(day) is \(accrued.yuanText) 元")
        }
        surchargeReduction = surchargeReduction + amount
    }

    /// 催告 (强制法 §35, §54): only once an instalment is overdue and unpaid, and not while paused.
    /// FAILED_PRECONDITION "demand" NOT_OVERDUE / ALREADY_SERVED / PAUSED.
    mutating func serveDemand(on day: CivilDate) throws {
        if demandServedOn != nil { throw Self.precondition("demand", "ALREADY_SERVED", "the 催告 was served already") }
        if pendingPause != nil { throw Self.precondition("demand", "PAUSED", "a review or lawsuit is pending") }
        if overdueInstalment(on: day) == nil { throw Self.precondition("demand", "NOT_OVERDUE", "nothing is overdue on \(day)") }
        demandServedOn = day
    }

    /// Application to the court (强制法 §53, §54): after the 催告's 10 working days.
    /// FAILED_PRECONDITION "court" NO_DEMAND / TOO_EARLY / PAUSED / ALREADY_APPLIED.
    mutating func applyToCourt(on day: CivilDate, calendar: LegalCalendar) throws {
        if courtAppliedOn != nil { throw Self.precondition("court", "ALREADY_APPLIED", "the court was applied to on \(courtAppliedOn!)") }
        guard let notice = courtNotice(calendar: calendar) else {
            throw Self.precondition("court", "NO_DEMAND", "a 催告 is served first (行政强制法 §54)")
        }
        if day <= notice.dueDate { throw Self.precondition("court", "TOO_EARLY", "not before \(notice.dueDate.adding(days: 1)): \(notice.rule)") }
        if pendingPause != nil { throw Self.precondition("court", "PAUSED", "a review or lawsuit is pending") }
        courtAppliedOn = day
    }

    static func precondition(_ field: String, _ reason: String, _ description: String) -> DomainError {
        DomainError(.failedPrecondition, description, problems: [FieldProblem(field: field, reason: reason, description: description)])
    }
}
