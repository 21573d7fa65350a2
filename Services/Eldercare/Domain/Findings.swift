import CivicDomain

// Findings (检查发现的问题/隐患) and their rectification (限期整改): each failed checklist item
// becomes a finding with a deadline; a re-inspection (复查) closes or extends it; an overdue one
// may lead to 停业整顿 (老年人权益保障法 §45, LAW) with residents resettled (§46, LAW); overdue,
// 重大, 非法集资 and fire-safety findings are flagged for referral to enforcement
// (RULES.md §2(b) Findings; the referral message itself is the flows issue's).

/// A finding's hazard level (隐患等级): 一般 / 重大 (RULES.md §2(a) Finding, an ASSUMPTION there).
/// Stored and mapped positionally: keep the case order.
public enum HazardLevel: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// 一般隐患.
    case general
    /// 重大隐患: flagged for referral at once.
    case major
}

/// Why a finding is flagged for referral to enforcement (移送执法的理由), RULES.md §2(b).
public enum ReferralReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// 重大隐患.
    case majorHazard = "major_hazard"
    /// 逾期未整改 (§45: a correction overdue is the legal trigger for 停业整顿).
    case overdueRectification = "overdue_rectification"
    /// 非法集资风险 (S000 risk warning).
    case illegalFundraising = "illegal_fundraising"
    /// 消防安全隐患 (S000 三年专项整治; S004).
    case fireSafety = "fire_safety"

    /// The sentence the referral carries.
    public var explanation: String {
        switch self {
        case .majorHazard: "重大隐患: a major hazard is referred to enforcement"
        case .overdueRectification: "逾期未整改: the rectification deadline passed without the hazard being put right (老年人权益保障法 §45)"
        case .illegalFundraising: "非法集资风险: an illegal-fundraising risk is referred to enforcement"
        case .fireSafety: "消防安全隐患: a fire-safety risk is referred to enforcement"
        }
    }
}

/// The referral flag a finding carries (待移送执法): its reasons, in `ReferralReason` order, and
/// the day the first one was raised. The flows issue sends it; `idempotencyKey` makes a resend
/// harmless.
public struct ReferralFlag: Sendable, Hashable, Codable {
    public private(set) var reasons: [ReferralReason]
    public let flaggedOn: CivilDate
    /// The legal bases the referral cites: the item's, and §45 once overdue.
    public private(set) var legalBasis: [String]
    public let idempotencyKey: String

    init(reasons: [ReferralReason], flaggedOn: CivilDate, legalBasis: [String], findingID: String) {
        self.reasons = ReferralFlag.ordered(reasons)
        self.flaggedOn = flaggedOn
        self.legalBasis = legalBasis
        self.idempotencyKey = "eldercare-finding:" + findingID
    }

    /// One line per reason.
    public var reasonText: String { reasons.map(\.explanation).joined(separator: "; ") }

    mutating func add(_ reason: ReferralReason, basis: String) {
        if !reasons.contains(reason) { reasons = ReferralFlag.ordered(reasons + [reason]) }
        if !legalBasis.contains(basis) { legalBasis.append(basis) }
    }

    static func ordered(_ reasons: [ReferralReason]) -> [ReferralReason] {
        ReferralReason.allCases.filter { reasons.contains($0) }
    }
}

/// Where a finding stands (整改状态). Stored and mapped positionally: keep the case order.
public enum FindingState: String, Sendable, Hashable, CaseIterable, Codable {
    /// 整改中: within its first deadline.
    case open
    /// 延期整改: a re-inspection granted more time.
    case extended
    /// 逾期未整改: the deadline passed without rectification.
    case unrectified
    /// 停业整顿: the institution was ordered to suspend operations (§45).
    case suspended
    /// 已整改销号: a re-inspection found it put right.
    case closed
    /// 撤销: recorded in error (a wrong item, a successful objection), with reasons.
    case revoked

    /// Nothing more happens to it.
    public var isFinal: Bool { self == .closed || self == .revoked }
}

/// Where a finding's rectification clock stands on a day.
public enum RectificationStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// More than `dueSoonWorkingDays` working days left.
    case onTime = "on_time"
    /// The deadline is at most `dueSoonWorkingDays` working days away (the deadline day included).
    case dueSoon = "due_soon"
    /// Past the deadline, not closed.
    case overdue
    case closed
    case revoked
}

/// How long rectification may take (整改期限), configuration.
///
/// Decisions (RULES.md is silent on the periods; §45 says only "限期改正"):
/// - 一般 20 working days: about a calendar month, the "限期一个月" inspectors usually write, counted
///   on the working-day calendar so that a Golden Week does not eat a third of it.
/// - 重大 10 working days: a major hazard threatens residents' lives (§45's trigger), so it gets the
///   shorter period; works that cannot finish in time get an extension at a re-inspection or a
///   date the inspector sets for that finding.
/// - One extension at most, of at most the level's own period (20 / 10 working days), counted from
///   the deadline in force, and only asked for on or before that deadline: an overdue finding is
///   overdue, and goes to enforcement.
/// Deadlines count working days after the inspection day (RULES.md §0.1: the start day does not
/// count; 调休 Saturdays count as working days).
public struct RectificationPolicy: Sendable {
    public var calendar: WorkingCalendar
    public var workingDays: [HazardLevel: Int]
    public var maxExtensions: Int
    public var maxExtensionWorkingDays: [HazardLevel: Int]
    /// A deadline this many working days away or fewer is due soon.
    public var dueSoonWorkingDays: Int

    public init(
        calendar: WorkingCalendar = .standard, workingDays: [HazardLevel: Int] = [.general: 20, .major: 10], maxExtensions: Int = 1,
        maxExtensionWorkingDays: [HazardLevel: Int] = [.general: 20, .major: 10], dueSoonWorkingDays: Int = 3
    ) {
        self.calendar = calendar
        self.workingDays = workingDays
        self.maxExtensions = maxExtensions
        self.maxExtensionWorkingDays = maxExtensionWorkingDays
        self.dueSoonWorkingDays = dueSoonWorkingDays
    }

    /// The deadline for a finding of `level` found on `foundOn`.
    public func deadline(level: HazardLevel, foundOn: CivilDate) -> CivilDate {
        calendar.adding(workingDays: workingDays[level] ?? 20, to: foundOn)
    }

    /// The last deadline that is still due soon on `day`: an open finding is due soon on `day`
    /// exactly when its deadline lies in `day…lastDueSoonDeadline(on: day)`, on time after it, and
    /// overdue before `day` (`Finding.status(on:policy:)`). Lets a store filter by status in SQL.
    public func lastDueSoonDeadline(on day: CivilDate) -> CivilDate {
        var last = day
        var next = day.adding(days: 1)
        // Working days to a later date never decrease; a calendar has no run of 60 rest days.
        while calendar.workingDays(from: day, to: next) <= dueSoonWorkingDays && next <= day.adding(days: 60 + dueSoonWorkingDays * 7) {
            last = next
            next = next.adding(days: 1)
        }
        return last
    }
}

/// One extension granted at a re-inspection (延期).
public struct RectificationExtension: Sendable, Hashable, Codable {
    public let grantedOn: CivilDate
    public let workingDays: Int
    public let from: CivilDate
    public let to: CivilDate

    public init(grantedOn: CivilDate, workingDays: Int, from: CivilDate, to: CivilDate) {
        self.grantedOn = grantedOn
        self.workingDays = workingDays
        self.from = from
        self.to = to
    }
}

/// A re-inspection (复查) of one finding.
public struct Reinspection: Sendable, Hashable, Codable {
    public let on: CivilDate
    /// At least 2 (行政处罚法 §42: 执法人员不得少于两人; Civic asks the same of inspections).
    public let inspectorIDs: [String]
    /// Put right.
    public let rectified: Bool
    public let note: String
    /// Working days of extension asked for, counted from the deadline in force; nil for none.
    public let extensionWorkingDays: Int?

    public init(on: CivilDate, inspectorIDs: [String], rectified: Bool, note: String = "", extensionWorkingDays: Int? = nil) {
        self.on = on
        self.inspectorIDs = inspectorIDs
        self.rectified = rectified
        self.note = note
        self.extensionWorkingDays = extensionWorkingDays
    }
}

/// An order to suspend operations for rectification (责令停业整顿, §45), as recorded.
public struct SuspensionOrder: Sendable, Hashable, Codable {
    public let orderedOn: CivilDate
    /// The decision's document number (文书编号).
    public let documentNumber: String
    public let orderedBy: String
    /// The residents living there when it was ordered: each must be resettled (§46).
    public let residentsAffected: Int
    /// Where they went, as recorded (安置).
    public internal(set) var resettlements: [Resettlement]

    public init(orderedOn: CivilDate, documentNumber: String, orderedBy: String, residentsAffected: Int) {
        self.orderedOn = orderedOn
        self.documentNumber = documentNumber
        self.orderedBy = orderedBy
        self.residentsAffected = residentsAffected
        self.resettlements = []
    }

    /// Residents resettled so far.
    public var resettled: Int { resettlements.reduce(0) { $0 + $1.residents } }
    /// Residents still to resettle.
    public var outstanding: Int { residentsAffected - resettled }
    /// Every affected resident resettled.
    public var resettlementComplete: Bool { outstanding == 0 }
}

/// Residents moved out under a suspension (老年人安置, §46): how many, where, when. No personal
/// data here: the resident records (elsewhere) carry their own discharge.
public struct Resettlement: Sendable, Hashable, Codable {
    public let on: CivilDate
    /// Another institution's id, or "family" (回家), "hospital" …
    public let destination: String
    public let residents: Int

    public init(on: CivilDate, destination: String, residents: Int) {
        self.on = on
        self.destination = destination
        self.residents = residents
    }
}

/// What can happen to a finding.
public enum FindingEvent: Sendable, Hashable {
    /// 复查: closes it when rectified; otherwise may extend it, or marks it overdue when the
    /// deadline has passed.
    case reinspect(Reinspection)
    /// The daily sweep: an open or extended finding past its deadline becomes unrectified.
    case markOverdue(on: CivilDate)
    /// 责令停业整顿 after an overdue correction (§45).
    case orderSuspension(SuspensionOrder)
    /// Residents resettled under the suspension (§46).
    case recordResettlement(Resettlement)
    /// Withdrawn as recorded in error, with reasons.
    case revoke(on: CivilDate, by: String, reason: String)

    /// "re-inspect", as in "cannot re-inspect a finding that is CLOSED".
    public var name: String {
        switch self {
        case .reinspect: "re-inspect"
        case .markOverdue: "mark overdue"
        case .orderSuspension: "order the suspension of"
        case .recordResettlement: "record a resettlement under"
        case .revoke: "revoke"
        }
    }
}

/// One finding (检查发现的问题): the failed item, its level, evidence and rectification clock.
public struct Finding: Sendable, Hashable, Codable {
    public let id: String
    public let inspectionID: String
    /// The institution's id.
    public let targetID: String
    public let itemCode: String
    public let areaCode: String
    public let subAreaCode: String
    public let itemText: String
    public let hazardClass: HazardClass
    public let level: HazardLevel
    public let legalBasis: String
    /// What the inspector saw (the item result's note).
    public let evidence: String
    public let foundOn: CivilDate
    /// The first deadline.
    public let originalDeadline: CivilDate
    /// The deadline in force (after extensions).
    public private(set) var deadline: CivilDate
    /// Counted through a year whose holiday notice is not loaded yet: may move (RULES.md §0.2).
    public private(set) var deadlineProvisional: Bool
    public private(set) var state: FindingState
    public private(set) var extensions: [RectificationExtension]
    public private(set) var reinspections: [Reinspection]
    public private(set) var referral: ReferralFlag?
    public private(set) var suspension: SuspensionOrder?
    public private(set) var closedOn: CivilDate?
    public private(set) var revocationReason: String?

    /// A new finding from a failed item. `deadline` overrides the policy's for this finding (set on
    /// the spot by the inspector) and must be after `foundOn`. Referral is flagged at once for a
    /// 重大 finding and for fire-safety and 非法集资 items. Refusals (INVALID_ARGUMENT, all at once):
    /// "id" / "evidence" REQUIRED; "deadline" NOT_AFTER_FINDING.
    public static func open(
        id: String, inspectionID: String, targetID: String, item: ChecklistItem, level: HazardLevel, evidence: String, foundOn: CivilDate,
        deadline: CivilDate? = nil, policy: RectificationPolicy = RectificationPolicy()
    ) throws -> Finding {
        var errors = ValidationErrors()
        if id.allSatisfy(\.isWhitespace) { errors.add("id", "REQUIRED", "the finding needs an id") }
        if evidence.allSatisfy(\.isWhitespace) {
            errors.add("evidence", "REQUIRED", "a finding on item \(item.code) needs what the inspector saw")
        }
        if let deadline, deadline <= foundOn {
            errors.add("deadline", "NOT_AFTER_FINDING", "the deadline \(deadline) must be after the inspection on \(foundOn)")
        }
        if !errors.isEmpty { throw errors.domainError }
        let due = deadline ?? policy.deadline(level: level, foundOn: foundOn)
        var reasons: [ReferralReason] = []
        if level == .major { reasons.append(.majorHazard) }
        if item.hazardClass == .fireSafety { reasons.append(.fireSafety) }
        if item.hazardClass == .illegalFundraising { reasons.append(.illegalFundraising) }
        return Finding(
            id: id, inspectionID: inspectionID, targetID: targetID, itemCode: item.code, areaCode: item.areaCode, subAreaCode: item.subAreaCode,
            itemText: item.text, hazardClass: item.hazardClass, level: level, legalBasis: item.legalBasis, evidence: evidence, foundOn: foundOn,
            originalDeadline: due, deadline: due, deadlineProvisional: policy.calendar.isProvisional(from: foundOn, through: due), state: .open,
            extensions: [], reinspections: [],
            referral: reasons.isEmpty ? nil : ReferralFlag(reasons: reasons, flaggedOn: foundOn, legalBasis: [item.legalBasis], findingID: id),
            suspension: nil, closedOn: nil, revocationReason: nil)
    }

    /// The legal basis cited for an overdue correction.
    public static let overdueBasis = "《中华人民共和国老年人权益保障法》第四十五条"

    /// Flagged for referral to enforcement and not revoked.
    public var isFlaggedForReferral: Bool { referral != nil && state != .revoked }

    /// Where the clock stands on `day`.
    public func status(on day: CivilDate, policy: RectificationPolicy = RectificationPolicy()) -> RectificationStatus {
        switch state {
        case .closed: return .closed
        case .revoked: return .revoked
        case .unrectified, .suspended: return .overdue
        case .open, .extended:
            if day > deadline { return .overdue }
            return policy.calendar.workingDays(from: day, to: deadline) <= policy.dueSoonWorkingDays ? .dueSoon : .onTime
        }
    }

    /// For a closed finding: whether it closed by the deadline in force (the rectification rate's
    /// numerator, RULES.md §2(c)); nil otherwise.
    public var closedOnTime: Bool? { closedOn.map { $0 <= deadline } }

    /// A move the state does not allow (FAILED_PRECONDITION, "state" INVALID_STATE).
    public static func illegalMove(_ state: FindingState, event: String, why: String = "") -> DomainError {
        DomainError(
            .failedPrecondition, "cannot \(event) a finding that is \(state.rawValue.uppercased())\(why.isEmpty ? "" : ": \(why)")",
            problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the finding is \(state.rawValue.uppercased())")])
    }

    /// Applies `event`, or throws and changes nothing. Legal moves:
    /// - reinspect, rectified: open / extended / unrectified / suspended → closed;
    /// - reinspect, not rectified, with an extension: open / extended → extended (on or before the
    ///   deadline in force: else DEADLINE_PASSED; within `maxExtensions`: else EXTENSION_LIMIT;
    ///   1 … maxExtensionWorkingDays[level] days: else "extension_working_days" OUT_OF_RANGE);
    /// - reinspect, not rectified, no extension: after the deadline open / extended → unrectified
    ///   (flagged overdue); on or before it the state stays; unrectified / suspended stay;
    /// - markOverdue: open / extended past the deadline → unrectified (else NOT_OVERDUE);
    /// - orderSuspension: unrectified → suspended ("document_number" REQUIRED,
    ///   "residents_affected" NEGATIVE);
    /// - recordResettlement: suspended → suspended ("residents" NOT_POSITIVE, MORE_THAN_AFFECTED;
    ///   "destination" REQUIRED);
    /// - revoke: open / extended → revoked ("reason" REQUIRED).
    /// A re-inspection also needs at least 2 inspectors ("inspector_ids" TOO_FEW) and a date not
    /// before the finding ("on" BEFORE_FINDING). Anything else: INVALID_STATE.
    public mutating func apply(_ event: FindingEvent, policy: RectificationPolicy = RectificationPolicy()) throws {
        func refuse(_ why: String = "") -> DomainError { Finding.illegalMove(state, event: event.name, why: why) }
        switch event {
        case .reinspect(let visit):
            guard [.open, .extended, .unrectified, .suspended].contains(state) else { throw refuse() }
            var errors = ValidationErrors()
            if Set(visit.inspectorIDs.filter { !$0.allSatisfy(\.isWhitespace) }).count < 2 {
                errors.add("inspector_ids", "TOO_FEW", "a re-inspection needs at least 2 inspectors")
            }
            if visit.on < foundOn { errors.add("on", "BEFORE_FINDING", "the re-inspection on \(visit.on) is before the finding on \(foundOn)") }
            if visit.rectified && visit.extensionWorkingDays != nil {
                errors.add("extension_working_days", "NOT_ALLOWED", "a rectified finding is closed, not extended")
            }
            if let days = visit.extensionWorkingDays, !(1...(policy.maxExtensionWorkingDays[level] ?? 0)).contains(days) {
                errors.add(
                    "extension_working_days", "OUT_OF_RANGE",
                    "an extension for a \(level.rawValue) finding is 1 to \(policy.maxExtensionWorkingDays[level] ?? 0) working days, not \(days)")
            }
            if !errors.isEmpty { throw errors.domainError }
            if visit.rectified {
                state = .closed
                closedOn = visit.on
            } else if let days = visit.extensionWorkingDays {
                guard state == .open || state == .extended else { throw refuse("an overdue finding cannot be extended") }
                guard visit.on <= deadline else {
                    throw DomainError.failedPrecondition(
                        "the deadline \(deadline) has passed: an extension must be granted on or before it", reason: "DEADLINE_PASSED")
                }
                guard extensions.count < policy.maxExtensions else {
                    throw DomainError.failedPrecondition(
                        "finding \(id) has had \(extensions.count) extension(s), the most allowed is \(policy.maxExtensions)", reason: "EXTENSION_LIMIT")
                }
                let to = policy.calendar.adding(workingDays: days, to: deadline)
                extensions.append(RectificationExtension(grantedOn: visit.on, workingDays: days, from: deadline, to: to))
                deadline = to
                deadlineProvisional = policy.calendar.isProvisional(from: foundOn, through: to)
                state = .extended
            } else if (state == .open || state == .extended) && visit.on > deadline {
                becomeOverdue(on: visit.on)
            }
            reinspections.append(visit)
        case .markOverdue(let day):
            guard state == .open || state == .extended else { throw refuse() }
            guard day > deadline else {
                throw DomainError.failedPrecondition("finding \(id) is due \(deadline), not overdue on \(day)", reason: "NOT_OVERDUE")
            }
            becomeOverdue(on: day)
        case .orderSuspension(let order):
            guard state == .unrectified else { throw refuse("停业整顿 follows a correction that is overdue (§45)") }
            var errors = ValidationErrors()
            if order.documentNumber.allSatisfy(\.isWhitespace) {
                errors.add("document_number", "REQUIRED", "the suspension order needs its document number")
            }
            if order.residentsAffected < 0 {
                errors.add("residents_affected", "NEGATIVE", "residents affected cannot be \(order.residentsAffected)")
            }
            if order.orderedOn < foundOn { errors.add("ordered_on", "BEFORE_FINDING", "the order cannot precede the finding on \(foundOn)") }
            if !errors.isEmpty { throw errors.domainError }
            var fresh = order
            fresh.resettlements = []
            suspension = fresh
            state = .suspended
        case .recordResettlement(let move):
            guard state == .suspended, var order = suspension else { throw refuse("residents are resettled under a suspension order") }
            var errors = ValidationErrors()
            if move.destination.allSatisfy(\.isWhitespace) { errors.add("destination", "REQUIRED", "where the residents went is required") }
            if move.residents <= 0 {
                errors.add("residents", "NOT_POSITIVE", "a resettlement moves at least one resident, not \(move.residents)")
            } else if move.residents > order.outstanding {
                errors.add(
                    "residents", "MORE_THAN_AFFECTED", "\(move.residents) resettled but only \(order.outstanding) of \(order.residentsAffected) remain")
            }
            if move.on < order.orderedOn { errors.add("on", "BEFORE_ORDER", "a resettlement cannot precede the order of \(order.orderedOn)") }
            if !errors.isEmpty { throw errors.domainError }
            order.resettlements.append(move)
            suspension = order
        case .revoke(_, _, let reason):
            guard state == .open || state == .extended else { throw refuse() }
            guard !reason.allSatisfy(\.isWhitespace) else {
                throw DomainError.invalid("revoking a finding needs written reasons", field: "reason", reason: "REQUIRED")
            }
            state = .revoked
            revocationReason = reason
        }
    }

    private mutating func becomeOverdue(on day: CivilDate) {
        state = .unrectified
        if referral == nil {
            referral = ReferralFlag(reasons: [.overdueRectification], flaggedOn: day, legalBasis: [legalBasis, Finding.overdueBasis], findingID: id)
        } else {
            referral!.add(.overdueRectification, basis: Finding.overdueBasis)
        }
    }
}
