import CivicDomain

/// The four paid programs an application is for.
public enum Program: String, Sendable, Hashable, CaseIterable, Codable {
    /// 低保
    case minimumLiving = "minimum_living"
    /// 特困
    case destitute
    /// 临时救助
    case temporary
    /// 两项补贴
    case disabilitySubsidy = "disability_subsidy"
}

/// Where an application stands (RULES.md §1(b)).
public enum ApplicationState: String, Sendable, Hashable, CaseIterable, Codable {
    /// 申请: filed at any window (一门受理), by the household or on its behalf (村居).
    case applied
    /// 受理: the township accepted it; the case clock starts.
    case accepted
    /// 调查核实: economic check (核对, needs the written authorization) and home visit (入户).
    case investigating
    /// 乡镇审核意见 given.
    case townshipReviewed = "township_reviewed"
    /// 公示: 7 calendar days, objections open.
    case publicNotice = "public_notice"
    /// 临时救助 急难型: paid first (先行救助), the paperwork still due within 5 working days.
    case emergencyPaid = "emergency_paid"
    /// 审批同意: decided, paid from the start month.
    case approved
    /// 不予批准: decided, written reasons sent through the township.
    case rejected
    /// 撤回: the applicant withdrew before a decision.
    case withdrawn

    /// Decided or withdrawn: nothing more happens to the application.
    public var isFinal: Bool { self == .approved || self == .rejected || self == .withdrawn }
}

/// What is known about the case that the state alone does not say: recorded facts the moves check.
public struct ApplicationContext: Sendable, Hashable {
    public var program: Program
    /// The written authorization (授权书) for the economic check (核对) is on file.
    public var authorizationRecorded: Bool
    /// Who ran the investigation (maker); they cannot approve (checker).
    public var investigatorID: String?
    /// The day 公示 was posted (day 0; the 7 days count from the next day).
    public var noticeStartedOn: CivilDate?

    public init(program: Program, authorizationRecorded: Bool = false, investigatorID: String? = nil, noticeStartedOn: CivilDate? = nil) {
        self.program = program
        self.authorizationRecorded = authorizationRecorded
        self.investigatorID = investigatorID
        self.noticeStartedOn = noticeStartedOn
    }
}

/// Everything that can happen to an application, with its data.
public enum ApplicationEvent: Sendable, Hashable {
    /// 受理 at the township window.
    case accept(on: CivilDate)
    /// Start the economic check and home visit; needs the authorization on file.
    case startInvestigation(investigatorID: String, on: CivilDate)
    /// 乡镇审核意见 after the investigation.
    case townshipOpinion(on: CivilDate)
    /// 公示 posted in the village or community.
    case startNotice(on: CivilDate)
    /// An objection during 公示 (who, what): back to investigation, then a new opinion and a new 公示.
    case objection(by: String, on: CivilDate, text: String)
    /// County decision: approve with the monthly amount and the first paid month.
    case approve(by: String, on: CivilDate, amount: Fen, startMonth: BenefitMonth)
    /// County decision: reject with written reasons.
    case reject(by: String, on: CivilDate, reason: String)
    /// The applicant withdraws.
    case withdraw(on: CivilDate)
    /// 临时救助 急难型: pay first (先行救助).
    case payFirst(by: String, on: CivilDate, amount: Fen)
    /// 急难型 paperwork completed after the payment: the grant stands as approved.
    case completePaperwork(on: CivilDate)

    /// "approve", as in "cannot approve an application that is APPLIED".
    public var name: String {
        switch self {
        case .accept: "accept"
        case .startInvestigation: "start investigating"
        case .townshipOpinion: "give the township opinion on"
        case .startNotice: "publish the notice of"
        case .objection: "object to"
        case .approve: "approve"
        case .reject: "reject"
        case .withdraw: "withdraw"
        case .payFirst: "pay first on"
        case .completePaperwork: "complete the paperwork of"
        }
    }
}

/// One state machine for all four programs. Every legal move is in `next(_:on:context:limits:calendar:)`;
/// anything else throws FAILED_PRECONDITION, reason INVALID_STATE, naming the state. Pure: it
/// returns the next state and changes nothing.
public enum ApplicationWorkflow {
    /// A move the state does not allow.
    public static func illegalTransition(_ state: ApplicationState, event: String, why: String = "") -> DomainError {
        DomainError(
            .failedPrecondition, "cannot \(event) an application that is \(state.rawValue.uppercased())\(why.isEmpty ? "" : ": \(why)")",
            problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the application is \(state.rawValue.uppercased())")])
    }

    /// States before a decision, from which the applicant may withdraw.
    public static let undecided: Set<ApplicationState> = [.applied, .accepted, .investigating, .townshipReviewed, .publicNotice]

    /// The state after `event`. Refusals besides INVALID_STATE:
    /// - NO_AUTHORIZATION (FAILED_PRECONDITION): investigation without the 授权书 on file;
    /// - NOTICE_NOT_OVER (FAILED_PRECONDITION): a decision on or before the day 公示 ends;
    /// - REASON_REQUIRED (INVALID_ARGUMENT, field "reason"): a rejection without written reasons;
    /// - SAME_PERSON (PERMISSION_DENIED): the investigator approving their own case;
    /// - NOT_POSITIVE (INVALID_ARGUMENT, field "amount"): an approval or advance of 0 or less.
    public static func next(
        _ state: ApplicationState, on event: ApplicationEvent, context: ApplicationContext,
        limits: ApplicationTimeLimits = ApplicationTimeLimits(), calendar: WorkingCalendar = .standard
    ) throws -> ApplicationState {
        func refuse(_ why: String = "") -> DomainError { illegalTransition(state, event: event.name, why: why) }
        switch (event, state) {
        case (.accept, .applied):
            return .accepted
        case (.startInvestigation, .accepted):
            guard context.authorizationRecorded else {
                throw DomainError.failedPrecondition(
                    "the economic check needs the applicant's written authorization (授权书) on file", reason: "NO_AUTHORIZATION")
            }
            return .investigating
        case (.townshipOpinion, .investigating):
            return .townshipReviewed
        case (.startNotice, .townshipReviewed):
            return .publicNotice
        case (.objection, .publicNotice):
            return .investigating
        case (.approve(let by, let on, let amount, _), .publicNotice):
            try checkNoticeOver(decidedOn: on, context: context, limits: limits, calendar: calendar)
            if let investigator = context.investigatorID, investigator == by {
                throw DomainError(
                    .permissionDenied, "\(by) investigated this application and cannot approve it (maker-checker)",
                    problems: [FieldProblem(field: "approver", reason: "SAME_PERSON", description: "the investigator cannot approve")])
            }
            try checkPositive(amount)
            return .approved
        case (.reject(_, let on, let reason), .publicNotice):
            try checkReason(reason)
            try checkNoticeOver(decidedOn: on, context: context, limits: limits, calendar: calendar)
            return .rejected
        case (.reject(_, _, let reason), .townshipReviewed):
            try checkReason(reason)  // the township found the household ineligible: no 公示 for a refusal
            return .rejected
        case (.withdraw, let s) where undecided.contains(s):
            return .withdrawn
        case (.payFirst(_, _, let amount), .accepted), (.payFirst(_, _, let amount), .applied):
            guard context.program == .temporary else { throw refuse("only 临时救助 急难型 is paid before the paperwork") }
            try checkPositive(amount)
            return .emergencyPaid
        case (.completePaperwork, .emergencyPaid):
            return .approved
        default:
            throw refuse()
        }
    }

    static func checkReason(_ reason: String) throws {
        guard !reason.allSatisfy(\.isWhitespace) else {
            throw DomainError.invalid("a rejection needs its reasons in writing", field: "reason", reason: "REASON_REQUIRED")
        }
    }

    static func checkPositive(_ amount: Fen) throws {
        guard amount.fen > 0 else {
            throw DomainError.invalid("the amount must be positive, not \(amount.fen) fen", field: "amount", reason: "NOT_POSITIVE")
        }
    }

    static func checkNoticeOver(decidedOn: CivilDate, context: ApplicationContext, limits: ApplicationTimeLimits, calendar: WorkingCalendar)
        throws
    {
        guard let start = context.noticeStartedOn else {
            throw DomainError.failedPrecondition("the 公示 start date is not recorded", reason: "NOTICE_NOT_OVER")
        }
        let ends = ApplicationClock(calendar: calendar, limits: limits).noticeEnds(startedOn: start)
        guard decidedOn > ends else {
            throw DomainError.failedPrecondition(
                "公示 posted \(start) runs through \(ends); the county decides from the day after", reason: "NOTICE_NOT_OVER")
        }
    }
}
