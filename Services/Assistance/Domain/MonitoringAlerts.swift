import CivicDomain

/// What happened to a person, as another department reports it (主动发现的比对事件: 卫健 deaths
/// and births, 医保 hospital costs, 人社 employment, 市场监管 business registration, 公安 vehicles,
/// 住建 property). RULES.md §1(b) 低收入 monitoring, DOMAIN.md §2 Active discovery.
public enum PersonEventType: String, Sendable, Hashable, CaseIterable {
    /// 死亡.
    case death
    /// 住院: `amount` is the cost of the stay.
    case hospitalisation
    /// 就业: `amount` is the monthly wage.
    case employment
    /// 工商登记 (a business registered in the person's name).
    case businessRegistration = "business_registration"
    /// 购车: `amount` is the purchase value.
    case vehiclePurchase = "vehicle_purchase"
    /// 购房: `amount` is the purchase value.
    case propertyPurchase = "property_purchase"
    /// 出生 (a child born into the household).
    case birth
}

/// Whether an event is new, corrects an earlier one, or withdraws it (事件类别): the HL7 FHIR
/// "Fact of Death" model (RULES.md §1(e)). The receiver owns the matching decision.
public enum PersonEventKind: String, Sendable, Hashable, CaseIterable {
    /// 通知: a new fact.
    case notification
    /// 更正: replaces the facts of the event `correctsEventID` names.
    case correction
    /// 撤销: the event `correctsEventID` names was sent in error.
    case retraction
}

/// One event from another department (部门比对事件), as received: thin, with the facts the rules
/// read and nothing more (GOV.UK GDX: details only when needed).
public struct PersonEvent: Sendable, Hashable {
    /// The sender's id for the event: with `department`, what makes delivery idempotent.
    public var eventID: String
    /// The sending department (卫健, 医保, 人社, 市场监管, 公安, 住建, …).
    public var department: String
    public var kind: PersonEventKind
    public var type: PersonEventType
    public var residentID: ResidentID
    /// The day it happened (death, admission, start of work, registration, purchase, birth).
    public var occurredOn: CivilDate
    /// Hospital cost, monthly wage or purchase value; zero when not relevant.
    public var amount: Fen
    /// The event a correction or retraction refers to; nil for a notification.
    public var correctsEventID: String?
    /// Free text from the sender.
    public var note: String

    public init(
        eventID: String, department: String, kind: PersonEventKind = .notification, type: PersonEventType, residentID: ResidentID,
        occurredOn: CivilDate, amount: Fen = .zero, correctsEventID: String? = nil, note: String = ""
    ) {
        self.eventID = eventID
        self.department = department
        self.kind = kind
        self.type = type
        self.residentID = residentID
        self.occurredOn = occurredOn
        self.amount = amount
        self.correctsEventID = correctsEventID
        self.note = note
    }

    /// The types whose `amount` carries the fact the rules read (cost, wage): it must be positive
    /// in a notification or correction.
    public static let amountRequired: Set<PersonEventType> = [.hospitalisation, .employment]

    /// Every problem of the event, collected, relative to `today` (the day it is received):
    /// - "event_id" REQUIRED, "department" REQUIRED (blank counts as missing);
    /// - "amount" NEGATIVE; "amount" REQUIRED for hospitalisation and employment (must be > 0),
    ///   except in a retraction, which only names the event it withdraws;
    /// - "corrects_event_id" REQUIRED for a correction or retraction, NOT_ALLOWED for a
    ///   notification, SELF_REFERENCE when it names the event itself;
    /// - "occurred_on" IN_THE_FUTURE when after `today`.
    public func problems(today: CivilDate) -> ValidationErrors {
        var errors = ValidationErrors()
        if eventID.allSatisfy(\.isWhitespace) { errors.add("event_id", "REQUIRED", "an event needs the sender's event id") }
        if department.allSatisfy(\.isWhitespace) { errors.add("department", "REQUIRED", "an event needs its sending department") }
        if amount.fen < 0 {
            errors.add("amount", "NEGATIVE", "the amount must not be negative, not \(amount.fen) fen")
        } else if amount.fen == 0, kind != .retraction, PersonEvent.amountRequired.contains(type) {
            errors.add("amount", "REQUIRED", "a \(type.rawValue) event needs a positive amount (\(type == .employment ? "monthly wage" : "hospital cost"))")
        }
        let reference = correctsEventID ?? ""
        switch kind {
        case .notification:
            if !reference.allSatisfy(\.isWhitespace) {
                errors.add("corrects_event_id", "NOT_ALLOWED", "a notification refers to no earlier event")
            }
        case .correction, .retraction:
            if reference.allSatisfy(\.isWhitespace) {
                errors.add("corrects_event_id", "REQUIRED", "a \(kind.rawValue) must name the event it refers to")
            } else if reference == eventID {
                errors.add("corrects_event_id", "SELF_REFERENCE", "a \(kind.rawValue) cannot refer to itself")
            }
        }
        if occurredOn > today {
            errors.add("occurred_on", "IN_THE_FUTURE", "the event is dated \(occurredOn), after \(today)")
        }
        return errors
    }

    /// Throws `DomainError.invalid` with every problem of `problems(today:)`.
    public func validate(today: CivilDate) throws {
        let errors = problems(today: today)
        if !errors.isEmpty { throw errors.domainError }
    }
}

/// How urgent an alert is (预警等级): 分级预警 (RULES.md §1(b), SRC Shanxi 2021).
public enum AlertSeverity: String, Sendable, Hashable, CaseIterable {
    /// 红色 / 高.
    case high
    /// 橙色 / 中.
    case medium
    /// 黄色 / 低.
    case low
}

/// What the township should consider doing after checking an alert (处置建议).
public enum AlertSuggestion: String, Sendable, Hashable, CaseIterable {
    /// 停发: stop the person's benefit from the next month (`BenefitStop`).
    case stopBenefit = "stop_benefit"
    /// 临时救助, or a 支出型 review of the household.
    case temporaryAssistance = "temporary_assistance"
    /// 复核: review income and assets (`ReviewDecision`).
    case review
    /// 重算: recompute the benefit with the household as it is now (a member added).
    case recompute
    /// 无需处置: record only.
    case none
}

/// The check time limits by severity (限时核查), in working days after the event is received,
/// and the line for a large medical cost. Defaults: RULES.md §1(b) DEFAULT high 5, medium 10,
/// low 20; 20 000 元 for a large medical cost (a county sets its own).
public struct AlertTimeLimits: Sendable, Hashable {
    public var highWorkingDays: Int
    public var mediumWorkingDays: Int
    public var lowWorkingDays: Int
    /// A hospital cost at or above this is large (大额医疗支出).
    public var largeMedicalCost: Fen

    public init(highWorkingDays: Int = 5, mediumWorkingDays: Int = 10, lowWorkingDays: Int = 20, largeMedicalCost: Fen = Fen(2_000_000)) {
        self.highWorkingDays = highWorkingDays
        self.mediumWorkingDays = mediumWorkingDays
        self.lowWorkingDays = lowWorkingDays
        self.largeMedicalCost = largeMedicalCost
    }

    /// The working days allowed to check an alert of `severity`.
    public func workingDays(for severity: AlertSeverity) -> Int {
        switch severity {
        case .high: return highWorkingDays
        case .medium: return mediumWorkingDays
        case .low: return lowWorkingDays
        }
    }

    /// Every problem of the configuration: "high_working_days", "medium_working_days",
    /// "low_working_days" and "large_medical_cost" NOT_POSITIVE when ≤ 0.
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        for (field, days) in [("high_working_days", highWorkingDays), ("medium_working_days", mediumWorkingDays), ("low_working_days", lowWorkingDays)]
        where days <= 0 {
            errors.add(field, "NOT_POSITIVE", "\(field) must be positive, not \(days)")
        }
        if largeMedicalCost.fen <= 0 {
            errors.add("large_medical_cost", "NOT_POSITIVE", "large_medical_cost must be positive, not \(largeMedicalCost.fen) fen")
        }
        return errors
    }
}

/// One line of the rule table (预警规则): severity, suggestion and the reason people read.
public struct AlertRule: Sendable, Hashable {
    public var severity: AlertSeverity
    public var suggestion: AlertSuggestion
    /// Chinese, then English in parentheses.
    public var reason: String

    public init(severity: AlertSeverity, suggestion: AlertSuggestion, reason: String) {
        self.severity = severity
        self.suggestion = suggestion
        self.reason = reason
    }
}

/// An event assessed (预警研判): how urgent, what to consider, and the last day to check it.
public struct AlertAssessment: Sendable, Hashable {
    public var eventType: PersonEventType
    public var severity: AlertSeverity
    public var suggestion: AlertSuggestion
    /// The working days allowed (`AlertTimeLimits.workingDays(for:)`).
    public var workingDays: Int
    /// The last day to check: `workingDays` working days after the day received (that day not counted).
    public var checkDue: CivilDate
    /// Why, for people: Chinese, then English in parentheses.
    public var reason: String

    public init(
        eventType: PersonEventType, severity: AlertSeverity, suggestion: AlertSuggestion, workingDays: Int, checkDue: CivilDate, reason: String
    ) {
        self.eventType = eventType
        self.severity = severity
        self.suggestion = suggestion
        self.workingDays = workingDays
        self.checkDue = checkDue
        self.reason = reason
    }
}

/// What a received event does to the alerts (FHIR FoD semantics: the receiver decides).
public enum AlertAction: Sendable, Hashable {
    /// A notification raises a new alert.
    case raise(AlertAssessment)
    /// A correction re-assesses the alert raised for `eventID` with the corrected facts: its
    /// severity, suggestion, reason and due date are replaced (the clock restarts from the
    /// correction's receipt), and a stop made on the old facts is reconsidered.
    case reassess(eventID: String, AlertAssessment)
    /// A retraction retracts the alert raised for `eventID`; a stop made on it is reversed.
    case retract(eventID: String)
}

/// 主动发现 (RULES.md §1(b), DOMAIN.md §2): "分级预警、分类管理、限时核查". Events from other
/// departments, once matched to a recipient, are graded, given a suggestion, and must be
/// checked within the severity's working days.
///
/// The rule table (`rule(for:amount:limits:)`, the one place it is written):
///
/// | event | severity | suggestion | why |
/// |---|---|---|---|
/// | death 死亡 | high | stopBenefit | a recipient's death stops the benefit (from the month after, `BenefitStop`) and the household is recomputed (DOMAIN.md §2) |
/// | hospitalisation 住院, cost ≥ `largeMedicalCost` | medium | temporaryAssistance | a large medical expense flags 临时救助 or a 支出型 review (DOMAIN.md §2) |
/// | hospitalisation, cost below it | low | none | recorded for the household's help chain (一户一条救助链) |
/// | employment 就业 | medium | review | new income triggers a review (DOMAIN.md §2) |
/// | business registration 工商登记 | medium | review | possible business income |
/// | vehicle purchase 购车 | high | review | assets usually disqualify (RULES.md §1(c)2: the asset rules); likely stop |
/// | property purchase 购房 | high | review | as a vehicle |
/// | birth 出生 | low | recompute | a new member: n grows (RULES.md §1(c)1) |
///
/// The check is due `AlertTimeLimits.workingDays(for:)` working days after the day the event
/// was received (default high 5, medium 10, low 20), counted on the working-day calendar.
public enum AlertRules {
    /// The rule table (see the type's documentation). `amount` is read only for hospitalisation
    /// (against `limits.largeMedicalCost`) and is quoted in the reason where it means something.
    public static func rule(for type: PersonEventType, amount: Fen, limits: AlertTimeLimits = AlertTimeLimits()) -> AlertRule {
        switch type {
        case .death:
            return AlertRule(
                severity: .high, suggestion: .stopBenefit,
                reason: "死亡：自次月起停发，核实后重算家庭待遇 (death: stop the benefit from the next month, verify and recompute the household)")
        case .hospitalisation where amount >= limits.largeMedicalCost:
            return AlertRule(
                severity: .medium, suggestion: .temporaryAssistance,
                reason: "住院费用 \(amount) 元 ≥ \(limits.largeMedicalCost) 元：评估临时救助或支出型救助 "
                    + "(large medical cost: consider temporary or expenditure-type assistance)")
        case .hospitalisation:
            return AlertRule(
                severity: .low, suggestion: .none,
                reason: "住院费用 \(amount) 元 < \(limits.largeMedicalCost) 元：记录备查 (medical cost below the large-cost line: record only)")
        case .employment:
            return AlertRule(
                severity: .medium, suggestion: .review,
                reason: "就业：月工资 \(amount) 元，复核家庭收入 (employment: review the household income)")
        case .businessRegistration:
            return AlertRule(
                severity: .medium, suggestion: .review, reason: "工商登记：复核经营收入 (business registration: review business income)")
        case .vehiclePurchase:
            return AlertRule(
                severity: .high, suggestion: .review,
                reason: "购车 \(amount) 元：复核家庭财产，车辆通常不符合条件 (vehicle purchase: review assets; a vehicle usually disqualifies)")
        case .propertyPurchase:
            return AlertRule(
                severity: .high, suggestion: .review,
                reason: "购房 \(amount) 元：复核家庭财产，通常不符合条件 (property purchase: review assets; usually disqualifies)")
        case .birth:
            return AlertRule(
                severity: .low, suggestion: .recompute, reason: "出生：新增家庭成员，重算待遇 (birth: add the member and recompute the benefit)")
        }
    }

    /// The event graded by the rule table, due `limits.workingDays(for:)` working days after
    /// `receivedOn` (that day not counted; 调休 days count). Reads only the type and amount:
    /// the kind is `action(for:…)`'s business.
    public static func assess(
        event: PersonEvent, receivedOn: CivilDate, calendar: WorkingCalendar = .standard, limits: AlertTimeLimits = AlertTimeLimits()
    ) -> AlertAssessment {
        let rule = rule(for: event.type, amount: event.amount, limits: limits)
        let days = limits.workingDays(for: rule.severity)
        return AlertAssessment(
            eventType: event.type, severity: rule.severity, suggestion: rule.suggestion, workingDays: days,
            checkDue: calendar.adding(workingDays: days, to: receivedOn), reason: rule.reason)
    }

    /// What a received event does: validated first against `receivedOn` as today (throws
    /// `DomainError.invalid` with every problem of `PersonEvent.problems(today:)`), then a
    /// notification raises, a correction re-assesses the alert of the event it names, and a
    /// retraction retracts it.
    public static func action(
        for event: PersonEvent, receivedOn: CivilDate, calendar: WorkingCalendar = .standard, limits: AlertTimeLimits = AlertTimeLimits()
    ) throws -> AlertAction {
        try event.validate(today: receivedOn)
        switch event.kind {
        case .notification:
            return .raise(assess(event: event, receivedOn: receivedOn, calendar: calendar, limits: limits))
        case .correction:
            return .reassess(eventID: event.correctsEventID!, assess(event: event, receivedOn: receivedOn, calendar: calendar, limits: limits))
        case .retraction:
            return .retract(eventID: event.correctsEventID!)
        }
    }
}

/// The stop a recipient's death causes (死亡停发): the month of death is paid in full, the benefit
/// stops from the month after. Reversible: a retraction of the death event lifts it, a correction
/// of the date moves it (`AlertAction`).
public struct BenefitStop: Sendable, Hashable {
    public let diedOn: CivilDate
    /// The first month not paid: the month after the month of death (December → January next year).
    public let stopMonth: BenefitMonth

    public init(diedOn: CivilDate) {
        self.diedOn = diedOn
        stopMonth = BenefitMonth(containing: diedOn).next
    }

    /// The months already paid that the stop covers, from `stopMonth` through `paidThrough`,
    /// oldest first (none when `paidThrough` is before `stopMonth`): the amounts to recover.
    public func overpaidMonths(paidThrough: BenefitMonth) -> [BenefitMonth] {
        var months: [BenefitMonth] = []
        var month = stopMonth
        while month <= paidThrough {
            months.append(month)
            month = month.next
        }
        return months
    }
}

/// Where an alert is (预警状态), as stored.
public enum AlertStatus: String, Sendable, Hashable, CaseIterable {
    /// 待核查.
    case open
    /// 已核查处置.
    case handled
    /// 已撤销: the event was retracted.
    case retracted
}

/// An alert's status with the day it changed: handled or retracted on a day.
public enum AlertProgress: Sendable, Hashable {
    case open
    case handled(on: CivilDate)
    case retracted(on: CivilDate)

    public var status: AlertStatus {
        switch self {
        case .open: return .open
        case .handled: return .handled
        case .retracted: return .retracted
        }
    }

    /// Where the check deadline `checkDue` stands as of `day`: handled on time when handled on or
    /// before the due day, late after it; while open, overdue from the day after the due day. A
    /// change dated after `day` has not happened yet as of `day` (the alert was still open).
    public func checkStatus(due checkDue: CivilDate, on day: CivilDate) -> AlertCheckStatus {
        switch self {
        case .retracted(let on) where on <= day:
            return .retracted
        case .handled(let on) where on <= day:
            return on <= checkDue ? .handledOnTime : .handledLate
        default:
            return day > checkDue ? .overdue : .open
        }
    }
}

/// Where an alert's check deadline stands on a day (限时核查), as the report counts them.
public enum AlertCheckStatus: String, Sendable, Hashable, CaseIterable {
    /// Open, the due day not passed.
    case open
    /// Open after the due day (逾期未核查).
    case overdue
    /// Handled on or before the due day (按时核查).
    case handledOnTime = "handled_on_time"
    /// Handled after the due day (超时核查).
    case handledLate = "handled_late"
    /// Retracted: not counted against anyone.
    case retracted
}
