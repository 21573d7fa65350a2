import CivicDomain
import Foundation

// 僵尸型社会组织清理 (S003 "名存实亡社会组织清理整治", S004 "'僵尸'社会组织清理专项行动"; RULES.md
// §3(b) Zombie clean-up, §3(c) Zombie score, §3(e) ACNC "double defaulters", §3(f)): candidates
// from facts, a case from show-cause to outcome, and a campaign's figures.

// MARK: - Triggers and candidates

/// Why a body is a zombie candidate. Case order is stored: append only.
public enum ZombieTrigger: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// 连续两年未参加年检 (社团条例 §28, 民非条例 §23, 基金会条例 §36 duties; S003/S004).
    case missedAnnualInspections = "missed_annual_inspections"
    /// 自取得登记证书之日起1年未开展活动 (社团条例 §29) / 12个月内未按章程开展活动 (基金会条例 §41).
    case noActivityFirstYear = "no_activity_first_year"
    /// 通过登记的住所无法联系 (令60号; the credit lists' open unreachable ground, or a flag).
    case unreachable

    public var chineseName: String {
        switch self {
        case .missedAnnualInspections: "连续未参加年检"
        case .noActivityFirstYear: "成立后一年内未开展活动"
        case .unreachable: "通过登记的住所无法联系"
        }
    }
}

/// What the clean-up needs to know of one organization.
public struct ZombieFacts: Sendable, Hashable, Codable {
    public var organizationID: String
    public var type: OrganizationType
    public var status: OrganizationStatus
    /// 成立登记 date; nil while preparing (never a candidate).
    public var registeredOn: CivilDate?
    /// The work years whose 年检 (annual work report) was received: 2025 means the report on 2025,
    /// due in 2026.
    public var annualInspectionYears: Set<Int>
    /// The first activity on record (章程规定的活动), nil when none.
    public var firstActivityOn: CivilDate?
    /// Unreachable at its registered domicile (`CreditStatus.isUnreachable`, or a flag).
    public var unreachable: Bool

    public init(
        organizationID: String, type: OrganizationType, status: OrganizationStatus = .registered, registeredOn: CivilDate?,
        annualInspectionYears: Set<Int> = [], firstActivityOn: CivilDate? = nil, unreachable: Bool = false
    ) {
        self.organizationID = organizationID
        self.type = type
        self.status = status
        self.registeredOn = registeredOn
        self.annualInspectionYears = annualInspectionYears
        self.firstActivityOn = firstActivityOn
        self.unreachable = unreachable
    }

    /// The facts of a registered body, with what the register does not hold.
    public init(organization o: Organization, annualInspectionYears: Set<Int>, firstActivityOn: CivilDate?, unreachable: Bool) {
        self.init(
            organizationID: o.id, type: o.type, status: o.status, registeredOn: o.registeredOn, annualInspectionYears: annualInspectionYears,
            firstActivityOn: firstActivityOn, unreachable: unreachable)
    }
}

/// A body found to be a zombie candidate, with its triggers.
public struct ZombieCandidate: Sendable, Hashable, Codable {
    public var organizationID: String
    /// In `ZombieTrigger` order.
    public var triggers: [ZombieTrigger]
    /// The latest work years without a 年检, newest last (when that trigger fired).
    public var missedYears: [Int]
    /// The last day of the first-activity window (when that trigger fired).
    public var activityWindowEnd: CivilDate?

    public init(organizationID: String, triggers: [ZombieTrigger], missedYears: [Int] = [], activityWindowEnd: CivilDate? = nil) {
        self.organizationID = organizationID
        self.triggers = triggers
        self.missedYears = missedYears
        self.activityWindowEnd = activityWindowEnd
    }

    /// The zombie score: how many triggers fired (RULES.md §3(c)).
    public var score: Int { triggers.count }
}

// MARK: - Policy

/// The clean-up's thresholds, configuration.
public struct ZombiePolicy: Sendable, Hashable, Codable {
    /// 年检 missing this many latest work years in a row is a trigger (2; S003/S004 "连续两年").
    public var consecutiveMissedYears: Int
    /// The 年检 for work year Y is due by this month/day of Y+1 (5/31: 社团条例 §28, 民非条例 §23) …
    public var annualReportDueMonth: Int
    public var annualReportDueDay: Int
    /// … and for a 基金会 by this one (3/31: 基金会条例 §36).
    public var foundationAnnualReportDueMonth: Int
    public var foundationAnnualReportDueDay: Int
    /// No activity within this many months of registration is a trigger: 社团 12 (社团条例 §29, "1年"),
    /// 基金会 12 (基金会条例 §41), 民非 none (its 条例 has no such rule). Nil: no such trigger.
    public var socialGroupDormancyMonths: Int?
    public var foundationDormancyMonths: Int?
    public var privateNonEnterpriseDormancyMonths: Int?
    /// The show-cause notice gives this many calendar days to answer (DEFAULT 30: RULES.md is silent;
    /// ACNC gives 28 days, §3(e); 30 is the usual "30日内" of Chinese 限期 notices and covers a
    /// whole month). A last day on a rest day moves to the next working day (民法典 §203).
    public var showCauseDays: Int
    /// A body with at least this many triggers is a candidate (1; RULES.md §3(c)).
    public var minimumScore: Int

    public init(
        consecutiveMissedYears: Int = 2, annualReportDueMonth: Int = 5, annualReportDueDay: Int = 31, foundationAnnualReportDueMonth: Int = 3,
        foundationAnnualReportDueDay: Int = 31, socialGroupDormancyMonths: Int? = 12, foundationDormancyMonths: Int? = 12,
        privateNonEnterpriseDormancyMonths: Int? = nil, showCauseDays: Int = 30, minimumScore: Int = 1
    ) {
        self.consecutiveMissedYears = consecutiveMissedYears
        self.annualReportDueMonth = annualReportDueMonth
        self.annualReportDueDay = annualReportDueDay
        self.foundationAnnualReportDueMonth = foundationAnnualReportDueMonth
        self.foundationAnnualReportDueDay = foundationAnnualReportDueDay
        self.socialGroupDormancyMonths = socialGroupDormancyMonths
        self.foundationDormancyMonths = foundationDormancyMonths
        self.privateNonEnterpriseDormancyMonths = privateNonEnterpriseDormancyMonths
        self.showCauseDays = showCauseDays
        self.minimumScore = minimumScore
    }

    /// A policy read from JSON (the keys are the property names; left-out keys keep their defaults, a
    /// dormancy key set to null turns that trigger off) and checked: `ValidationErrors`, or INVALID
    /// "configuration" UNREADABLE for bad JSON.
    public static func load(json data: Data) throws -> ZombiePolicy {
        try ConfigurationFile.load(ZombiePolicy.self, json: data, what: "zombie clean-up policy") { $0.problems() }
    }

    private enum CodingKeys: String, CodingKey {
        case consecutiveMissedYears, annualReportDueMonth, annualReportDueDay, foundationAnnualReportDueMonth, foundationAnnualReportDueDay,
            socialGroupDormancyMonths, foundationDormancyMonths, privateNonEnterpriseDormancyMonths, showCauseDays, minimumScore
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ZombiePolicy()
        func int(_ key: CodingKeys, _ fallback: Int) throws -> Int { try c.decodeIfPresent(Int.self, forKey: key) ?? fallback }
        func months(_ key: CodingKeys, _ fallback: Int?) throws -> Int? { c.contains(key) ? try c.decodeIfPresent(Int.self, forKey: key) : fallback }
        self.init(
            consecutiveMissedYears: try int(.consecutiveMissedYears, d.consecutiveMissedYears),
            annualReportDueMonth: try int(.annualReportDueMonth, d.annualReportDueMonth),
            annualReportDueDay: try int(.annualReportDueDay, d.annualReportDueDay),
            foundationAnnualReportDueMonth: try int(.foundationAnnualReportDueMonth, d.foundationAnnualReportDueMonth),
            foundationAnnualReportDueDay: try int(.foundationAnnualReportDueDay, d.foundationAnnualReportDueDay),
            socialGroupDormancyMonths: try months(.socialGroupDormancyMonths, d.socialGroupDormancyMonths),
            foundationDormancyMonths: try months(.foundationDormancyMonths, d.foundationDormancyMonths),
            privateNonEnterpriseDormancyMonths: try months(.privateNonEnterpriseDormancyMonths, d.privateNonEnterpriseDormancyMonths),
            showCauseDays: try int(.showCauseDays, d.showCauseDays), minimumScore: try int(.minimumScore, d.minimumScore))
    }

    /// The dormancy window for `type`, in months, or nil.
    public func dormancyMonths(for type: OrganizationType) -> Int? {
        switch type {
        case .socialGroup: socialGroupDormancyMonths
        case .foundation: foundationDormancyMonths
        case .privateNonEnterprise: privateNonEnterpriseDormancyMonths
        }
    }

    /// The day work year `year`'s 年检 is due for `type`.
    public func annualReportDue(year: Int, type: OrganizationType) -> CivilDate? {
        type == .foundation
            ? CivilDate(year: year + 1, month: foundationAnnualReportDueMonth, day: foundationAnnualReportDueDay)
            : CivilDate(year: year + 1, month: annualReportDueMonth, day: annualReportDueDay)
    }

    /// Every problem: "consecutive_missed_years", "show_cause_days", each dormancy month count
    /// NOT_POSITIVE; "annual_report_due" / "foundation_annual_report_due" BAD_DATE (not a day of
    /// every year: 2/29 is refused); "minimum_score" OUT_OF_RANGE (1 to the number of triggers).
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        if consecutiveMissedYears <= 0 { errors.add("consecutive_missed_years", "NOT_POSITIVE", "at least one missed year") }
        if showCauseDays <= 0 { errors.add("show_cause_days", "NOT_POSITIVE", "a show-cause notice gives at least a day") }
        for (field, months) in [
            ("social_group_dormancy_months", socialGroupDormancyMonths), ("foundation_dormancy_months", foundationDormancyMonths),
            ("private_non_enterprise_dormancy_months", privateNonEnterpriseDormancyMonths),
        ] {
            if let months, months <= 0 { errors.add(field, "NOT_POSITIVE", "\(field) is positive, not \(months)") }
        }
        if CivilDate(year: 2001, month: annualReportDueMonth, day: annualReportDueDay) == nil {
            errors.add("annual_report_due", "BAD_DATE", "\(annualReportDueMonth)/\(annualReportDueDay) is not a day of every year")
        }
        if CivilDate(year: 2001, month: foundationAnnualReportDueMonth, day: foundationAnnualReportDueDay) == nil {
            errors.add(
                "foundation_annual_report_due", "BAD_DATE", "\(foundationAnnualReportDueMonth)/\(foundationAnnualReportDueDay) is not a day of every year")
        }
        if !(1...ZombieTrigger.allCases.count).contains(minimumScore) {
            errors.add("minimum_score", "OUT_OF_RANGE", "the score is 1 to \(ZombieTrigger.allCases.count), not \(minimumScore)")
        }
        return errors
    }
}

// MARK: - Cases

/// Where a clean-up case stands. Case order is stored: append only.
public enum ZombieCaseState: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// Found by the triggers, no notice yet.
    case candidate
    /// A show-cause notice (限期说明/整改通知) was served; waiting for the answer or the deadline.
    case noticeIssued = "notice_issued"
    /// 整改: the body caught up (reports filed, activity resumed, reachable): back to normal.
    case rectified
    /// 撤销登记 (a penalty, decided through enforcement).
    case revoked
    /// 注销登记 (the body's own deregistration after liquidation).
    case deregistered
    /// Not a zombie after all (wrong data), closed before any notice, with reasons.
    case dismissed

    public var chineseName: String {
        switch self {
        case .candidate: "待核查"
        case .noticeIssued: "已告知限期说明"
        case .rectified: "已整改"
        case .revoked: "撤销登记"
        case .deregistered: "注销登记"
        case .dismissed: "排除"
        }
    }

    /// The case is over.
    public var isFinal: Bool { ![.candidate, .noticeIssued].contains(self) }
}

/// How the show-cause notice was served. Case order is stored: append only.
public enum NoticeService: String, Sendable, Hashable, CaseIterable, Codable {
    /// Handed over or posted to the registered domicile and received.
    case direct
    /// 公告送达: the body is unreachable (as ACNC serves unreachable charities, RULES.md §3(e)).
    case publicNotice = "public_notice"
}

/// The show-cause notice of a case.
public struct ShowCauseNotice: Sendable, Hashable, Codable {
    public var issuedOn: CivilDate
    /// The last day to answer (ends at 24:00).
    public var deadline: CivilDate
    /// Counted through a year without an official holiday notice: may move.
    public var deadlineProvisional: Bool
    public var document: String
    public var service: NoticeService

    public init(issuedOn: CivilDate, deadline: CivilDate, deadlineProvisional: Bool = false, document: String, service: NoticeService) {
        self.issuedOn = issuedOn
        self.deadline = deadline
        self.deadlineProvisional = deadlineProvisional
        self.document = document
        self.service = service
    }
}

/// One step of a case: the state it entered and when.
public struct ZombieCaseStep: Sendable, Hashable, Codable {
    public var state: ZombieCaseState
    public var on: CivilDate
    public var document: String
    public var note: String

    public init(state: ZombieCaseState, on: CivilDate, document: String = "", note: String = "") {
        self.state = state
        self.on = on
        self.document = document
        self.note = note
    }
}

/// What can happen to a case.
public enum ZombieCaseEvent: Sendable, Hashable, Codable {
    /// Serve the show-cause notice; `deadline` overrides the policy's for this case.
    case issueNotice(on: CivilDate, document: String, service: NoticeService, deadline: CivilDate?)
    /// The body caught up (整改): back to normal.
    case rectify(on: CivilDate, note: String)
    /// 撤销登记, after the deadline passed unanswered.
    case revoke(on: CivilDate, document: String)
    /// 注销登记 on the body's own application.
    case deregister(on: CivilDate, document: String)
    /// Not a zombie after all.
    case dismiss(on: CivilDate, reason: String)

    public var on: CivilDate {
        switch self {
        case .issueNotice(let on, _, _, _), .rectify(let on, _), .revoke(let on, _), .deregister(let on, _), .dismiss(let on, _): on
        }
    }

    /// "revoke", as in "cannot revoke a case that is CANDIDATE".
    public var name: String {
        switch self {
        case .issueNotice: "issue a show-cause notice on"
        case .rectify: "rectify"
        case .revoke: "revoke"
        case .deregister: "deregister"
        case .dismiss: "dismiss"
        }
    }
}

/// One organization's clean-up case: candidate → show-cause notice → outcome.
public struct ZombieCase: Sendable, Hashable, Codable {
    public let id: String
    public let organizationID: String
    /// The campaign (专项行动) it belongs to; empty outside one.
    public let campaignID: String
    public let openedOn: CivilDate
    public let triggers: [ZombieTrigger]
    public let missedYears: [Int]
    /// The last day of the first-year activity window, when that trigger fired.
    public let activityWindowEnd: CivilDate?
    public private(set) var state: ZombieCaseState
    public private(set) var notice: ShowCauseNotice?
    public private(set) var steps: [ZombieCaseStep]

    /// A case for `candidate`: "id" REQUIRED, "triggers" EMPTY (INVALID_ARGUMENT, together).
    public init(id: String, campaignID: String = "", candidate: ZombieCandidate, openedOn: CivilDate) throws {
        var errors = ValidationErrors()
        if id.allSatisfy(\.isWhitespace) { errors.add("id", "REQUIRED", "the case needs an id") }
        if candidate.triggers.isEmpty { errors.add("triggers", "EMPTY", "a case needs at least one trigger") }
        if !errors.isEmpty { throw errors.domainError }
        self.id = id
        self.organizationID = candidate.organizationID
        self.campaignID = campaignID
        self.openedOn = openedOn
        self.triggers = candidate.triggers
        self.missedYears = candidate.missedYears
        self.activityWindowEnd = candidate.activityWindowEnd
        self.state = .candidate
        self.notice = nil
        self.steps = [ZombieCaseStep(state: .candidate, on: openedOn)]
    }

    /// The final outcome's day, once there is one.
    public var outcomeOn: CivilDate? { state.isFinal ? steps.last?.on : nil }

    /// The state on `day` (nil before the case was opened).
    public func state(on day: CivilDate) -> ZombieCaseState? { steps.last { $0.on <= day }?.state }

    /// The notice's deadline has passed and no outcome is recorded by `day`: staff must decide.
    public func isShowCauseOverdue(on day: CivilDate) -> Bool {
        guard let notice, state(on: day) == .noticeIssued else { return false }
        return day > notice.deadline
    }

    /// A move the state does not allow (FAILED_PRECONDITION, "state" INVALID_STATE).
    static func illegalMove(_ state: ZombieCaseState, event: String, why: String = "") -> DomainError {
        DomainError(
            .failedPrecondition, "cannot \(event) a case that is \(state.rawValue.uppercased())\(why.isEmpty ? "" : ": \(why)")",
            problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the case is \(state.rawValue.uppercased())")])
    }

    /// Applies `event`, or throws and changes nothing. Legal moves:
    /// - issueNotice: candidate → noticeIssued ("document" REQUIRED; "deadline" NOT_AFTER_NOTICE);
    /// - rectify: candidate / noticeIssued → rectified, at any time;
    /// - deregister: noticeIssued → deregistered at any time (the body's own act, 社团条例 §19–§21;
    ///   "document" REQUIRED);
    /// - revoke: noticeIssued → revoked only after the deadline (else FAILED_PRECONDITION
    ///   "show_cause_deadline" DEADLINE_NOT_PASSED: the body has until its end to answer);
    ///   "document" REQUIRED;
    /// - dismiss: candidate → dismissed ("reason" REQUIRED): after a notice the body's answer decides.
    /// Every event's day is not before the last step ("on" BEFORE_PREVIOUS_STEP, INVALID_ARGUMENT).
    /// Anything else: INVALID_STATE (a final case takes nothing more).
    public mutating func apply(_ event: ZombieCaseEvent, rules: ZombieRules) throws {
        func refuse(_ why: String = "") -> DomainError { ZombieCase.illegalMove(state, event: event.name, why: why) }
        let allowed: Set<ZombieCaseState> =
            switch event {
            case .issueNotice, .dismiss: [.candidate]
            case .rectify: [.candidate, .noticeIssued]
            case .revoke, .deregister: [.noticeIssued]
            }
        guard allowed.contains(state) else {
            throw refuse(state == .candidate ? "a show-cause notice comes first" : "")
        }
        let day = event.on
        if let last = steps.last, day < last.on {
            throw DomainError.invalid("\(day) is before the last step (\(last.state.rawValue) on \(last.on))", field: "on", reason: "BEFORE_PREVIOUS_STEP")
        }
        func required(_ text: String, _ field: String) throws {
            if text.allSatisfy(\.isWhitespace) { throw DomainError.invalid("\(field) is required", field: field, reason: "REQUIRED") }
        }
        switch event {
        case .issueNotice(_, let document, let service, let deadline):
            try required(document, "document")
            if let deadline, deadline <= day {
                throw DomainError.invalid("the deadline \(deadline) must be after the notice on \(day)", field: "deadline", reason: "NOT_AFTER_NOTICE")
            }
            let due = deadline ?? rules.showCauseDeadline(issuedOn: day)
            notice = ShowCauseNotice(
                issuedOn: day, deadline: due, deadlineProvisional: rules.calendar.isProvisional(from: day, through: due), document: document,
                service: service)
            steps.append(ZombieCaseStep(state: .noticeIssued, on: day, document: document))
            state = .noticeIssued
        case .rectify(_, let note):
            steps.append(ZombieCaseStep(state: .rectified, on: day, note: note))
            state = .rectified
        case .revoke(_, let document):
            try required(document, "document")
            if let notice, day <= notice.deadline {
                throw DomainError(
                    .failedPrecondition, "the body has until \(notice.deadline) to answer the notice",
                    problems: [
                        FieldProblem(
                            field: "show_cause_deadline", reason: "DEADLINE_NOT_PASSED",
                            description: "revocation comes after the show-cause deadline \(notice.deadline)")
                    ])
            }
            steps.append(ZombieCaseStep(state: .revoked, on: day, document: document))
            state = .revoked
        case .deregister(_, let document):
            try required(document, "document")
            steps.append(ZombieCaseStep(state: .deregistered, on: day, document: document))
            state = .deregistered
        case .dismiss(_, let reason):
            try required(reason, "reason")
            steps.append(ZombieCaseStep(state: .dismissed, on: day, note: reason))
            state = .dismissed
        }
    }
}

// MARK: - Rules

/// The clean-up's rules: triggers from facts and the show-cause clock.
///
/// Decisions (RULES.md gives the triggers, not how to count them):
/// - 年检: a work year is due the day after its due day (5/31 or 3/31 of the next year); the
///   registration year is never required (a part year; 令27号 exempts a 民非 registered under 6
///   months before 12/31, and the clean-up does not chase partial years of any type). The trigger
///   fires when the latest `consecutiveMissedYears` due years all lack a 年检: a body that missed two
///   years long ago and files now is not a zombie.
/// - First-year activity: the window ends registration + 12 months (§201: the registration day is not
///   counted); the trigger fires after that day when no activity is on record by it (an activity
///   on the window's last day counts as within).
/// - Only active bodies (registered, 限期停止活动) are candidates.
public struct ZombieRules: Sendable {
    public let policy: ZombiePolicy
    public let calendar: WorkingCalendar

    /// Throws `ValidationErrors` when the policy has any problem (`ZombiePolicy.problems`).
    public init(policy: ZombiePolicy = ZombiePolicy(), calendar: WorkingCalendar = .standard) throws {
        try policy.problems().check()
        self.policy = policy
        self.calendar = calendar
    }

    /// The work years whose 年检 is due by `day` (past its due day), oldest first.
    public func dueYears(_ facts: ZombieFacts, on day: CivilDate) -> [Int] {
        guard let registered = facts.registeredOn, registered.year < day.year else { return [] }
        return (registered.year + 1..<day.year).filter { year in policy.annualReportDue(year: year, type: facts.type).map { $0 < day } ?? false }
    }

    /// The body's triggers on `day`, or nil when it is not a candidate (inactive, or fewer than
    /// `minimumScore` triggers).
    public func candidate(_ facts: ZombieFacts, on day: CivilDate) -> ZombieCandidate? {
        guard facts.status.isActive, let registered = facts.registeredOn else { return nil }
        var triggers: [ZombieTrigger] = []
        var missed: [Int] = []
        var windowEnd: CivilDate?
        for year in dueYears(facts, on: day).reversed() {
            guard !facts.annualInspectionYears.contains(year) else { break }
            missed.insert(year, at: 0)
        }
        if missed.count >= policy.consecutiveMissedYears { triggers.append(.missedAnnualInspections) } else { missed = [] }
        if let months = policy.dormancyMonths(for: facts.type) {
            let end = registered.adding(months: months)
            if day > end && (facts.firstActivityOn.map { $0 > end } ?? true) {
                triggers.append(.noActivityFirstYear)
                windowEnd = end
            }
        }
        if facts.unreachable { triggers.append(.unreachable) }
        guard triggers.count >= policy.minimumScore else { return nil }
        return ZombieCandidate(organizationID: facts.organizationID, triggers: triggers, missedYears: missed, activityWindowEnd: windowEnd)
    }

    /// Every candidate among `facts` on `day`, in the order given.
    public func candidates(_ facts: [ZombieFacts], on day: CivilDate) -> [ZombieCandidate] { facts.compactMap { candidate($0, on: day) } }

    /// The show-cause deadline for a notice issued on `day`: `showCauseDays` calendar days later
    /// (§201), moved off a rest day to the next working day (§203).
    public func showCauseDeadline(issuedOn day: CivilDate) -> CivilDate {
        calendar.onOrNextWorkingDay(day.adding(days: policy.showCauseDays))
    }
}

// MARK: - Campaigns

/// A clean-up campaign (专项行动) with its period.
public struct ZombieCampaign: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var startsOn: CivilDate
    public var endsOn: CivilDate
    /// The registrar's division whose bodies it scans (nil: every body the register holds).
    public var division: DivisionCode?

    public init(id: String, name: String, startsOn: CivilDate, endsOn: CivilDate, division: DivisionCode? = nil) {
        self.id = id
        self.name = name
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.division = division
    }

    /// "id" / "name" REQUIRED; "ends_on" BEFORE_START.
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        if id.allSatisfy(\.isWhitespace) { errors.add("id", "REQUIRED", "the campaign needs an id") }
        if name.allSatisfy(\.isWhitespace) { errors.add("name", "REQUIRED", "the campaign needs a name") }
        if endsOn < startsOn { errors.add("ends_on", "BEFORE_START", "the campaign ends on \(endsOn), before it starts on \(startsOn)") }
        return errors
    }
}

/// A campaign's figures on a day (the report's "zombie candidates and outcomes").
public struct ZombieCampaignSummary: Sendable, Hashable, Codable {
    public var campaignID: String
    public var name: String
    public var asOf: CivilDate
    /// Cases opened by `asOf`.
    public var candidates: Int
    /// Candidates with each trigger (a case counts once per trigger).
    public var byTrigger: [ZombieTrigger: Int]
    /// Still candidates, no notice yet.
    public var awaitingNotice: Int
    /// Show-cause notices served by `asOf` (whatever happened after).
    public var noticesIssued: Int
    /// Notices whose deadline has not passed, no outcome yet.
    public var awaitingAnswer: Int
    /// Notices past their deadline with no outcome: staff must decide.
    public var overdueShowCauses: Int
    /// Final outcomes by kind (rectified, revoked, deregistered, dismissed).
    public var outcomes: [ZombieCaseState: Int]

    /// The cases of `campaign` (by `campaignID`) as they stood on `day`.
    public init(campaign: ZombieCampaign, cases: [ZombieCase], on day: CivilDate) {
        campaignID = campaign.id
        name = campaign.name
        asOf = day
        var candidates = 0
        var byTrigger: [ZombieTrigger: Int] = [:]
        var awaitingNotice = 0
        var notices = 0
        var awaitingAnswer = 0
        var overdue = 0
        var outcomes: [ZombieCaseState: Int] = [:]
        for c in cases where c.campaignID == campaign.id {
            guard let state = c.state(on: day) else { continue }
            candidates += 1
            for trigger in c.triggers { byTrigger[trigger, default: 0] += 1 }
            if let notice = c.notice, notice.issuedOn <= day { notices += 1 }
            switch state {
            case .candidate: awaitingNotice += 1
            case .noticeIssued: if c.isShowCauseOverdue(on: day) { overdue += 1 } else { awaitingAnswer += 1 }
            default: outcomes[state, default: 0] += 1
            }
        }
        self.candidates = candidates
        self.byTrigger = byTrigger
        self.awaitingNotice = awaitingNotice
        self.noticesIssued = notices
        self.awaitingAnswer = awaitingAnswer
        self.overdueShowCauses = overdue
        self.outcomes = outcomes
    }
}
