import CivicDomain

/// How an application came in (申请渠道).
public enum Channel: String, Sendable, Hashable, CaseIterable, Codable {
    /// 窗口: any township window (一门受理).
    case window
    case online
    /// 村居代办: filed on the household's behalf.
    case proxy
    /// 主动发现: found by monitoring.
    case discovered
}

/// The methods of the investigation (社会救助暂行办法 §11).
public enum InvestigationMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// 入户调查.
    case homeVisit = "home_visit"
    /// 邻里访问.
    case neighbourInterview = "neighbour_interview"
    /// 信函索证.
    case letter
    /// 群众评议.
    case communityReview = "community_review"
    /// 信息核查.
    case dataCheck = "data_check"
}

/// An objection during 公示: who, when, what, and who recorded it.
public struct Objection: Sendable, Hashable, Codable {
    public var by: String
    public var on: CivilDate
    public var text: String
    public var recordedBy: String

    public init(by: String, on: CivilDate, text: String, recordedBy: String) {
        self.by = by
        self.on = on
        self.text = text
        self.recordedBy = recordedBy
    }
}

/// One application (救助申请) and everything recorded on it. `ApplicationCase.apply` is the only
/// way it changes: the state machine judges the move, then the record is updated.
public struct ApplicationCase: Sendable, Hashable, Codable {
    public var id: String
    public var householdID: String
    /// The household's division when filed (who may see it).
    public var division: DivisionCode
    public var terms: EntitlementTerms
    public var channel: Channel
    public var state: ApplicationState
    public var appliedOn: CivilDate
    public var acceptedOn: CivilDate?
    public var authorizationSignedOn: CivilDate?
    /// 近亲属申明.
    public var relatedToOfficial: Bool
    public var investigator: String?
    public var investigationMethods: [InvestigationMethod]
    public var investigationNotes: String
    public var townshipOpinion: String
    public var townshipOpinionOn: CivilDate?
    public var extended: Bool
    public var extensionReason: String
    /// The amount proposed (township opinion), shown on 公示 and granted (fen a month; 临时救助 once).
    public var amount: Fen
    public var formula: String
    public var standardVersionID: String
    /// Counted household size when the amount was computed (shown on 公示).
    public var householdSize: Int
    public var noticeStartedOn: CivilDate?
    public var objections: [Objection]
    public var decidedOn: CivilDate?
    public var decidedBy: String
    public var rejectionReason: String
    public var startMonth: BenefitMonth?
    public var emergencyPaidOn: CivilDate?
    public var withdrawnReason: String

    public init(
        id: String = "", householdID: String, division: DivisionCode, terms: EntitlementTerms, channel: Channel, appliedOn: CivilDate,
        authorizationSignedOn: CivilDate? = nil, relatedToOfficial: Bool = false
    ) {
        self.id = id
        self.householdID = householdID
        self.division = division
        self.terms = terms
        self.channel = channel
        self.state = .applied
        self.appliedOn = appliedOn
        self.authorizationSignedOn = authorizationSignedOn
        self.relatedToOfficial = relatedToOfficial
        self.investigationMethods = []
        self.investigationNotes = ""
        self.townshipOpinion = ""
        self.extended = false
        self.extensionReason = ""
        self.amount = .zero
        self.formula = ""
        self.standardVersionID = ""
        self.householdSize = 0
        self.objections = []
        self.decidedBy = ""
        self.rejectionReason = ""
        self.withdrawnReason = ""
    }

    public var program: Program { terms.program }

    /// What the state machine needs beyond the state.
    public var context: ApplicationContext {
        ApplicationContext(
            program: program, authorizationRecorded: authorizationSignedOn != nil, investigatorID: investigator, noticeStartedOn: noticeStartedOn)
    }
}

/// A step on an application with what it records.
public enum ApplicationStep: Sendable, Hashable {
    case recordAuthorization(signedOn: CivilDate)
    case accept(on: CivilDate)
    case startInvestigation(by: String, on: CivilDate, methods: [InvestigationMethod], notes: String)
    /// The township's opinion and the amount it proposes (computed by `Entitlement`).
    case townshipOpinion(on: CivilDate, text: String, proposal: EntitlementResult)
    case startNotice(on: CivilDate)
    case objection(Objection)
    case extend(reason: String)
    /// The decision's amount is recomputed at the decision (`Entitlement` over the registry then).
    case approve(by: String, on: CivilDate, decided: EntitlementResult, startMonth: BenefitMonth)
    case reject(by: String, on: CivilDate, reason: String)
    case withdraw(on: CivilDate, reason: String)
    case payFirst(by: String, on: CivilDate, grant: EntitlementResult)
    case completePaperwork(on: CivilDate)

    /// The audit action ("approve").
    public var action: String {
        switch self {
        case .recordAuthorization: "record_authorization"
        case .accept: "accept"
        case .startInvestigation: "start_investigation"
        case .townshipOpinion: "township_opinion"
        case .startNotice: "start_notice"
        case .objection: "objection"
        case .extend: "extend"
        case .approve: "approve"
        case .reject: "reject"
        case .withdraw: "withdraw"
        case .payFirst: "pay_first"
        case .completePaperwork: "complete_paperwork"
        }
    }
}

extension ApplicationCase {
    /// Makes `step`, or throws and changes nothing. Besides the state machine's refusals
    /// (`ApplicationWorkflow.next`): a step dated before the application was filed or accepted
    /// ("on" BEFORE_FILED / BEFORE_ACCEPTED); an authorization on a decided case (INVALID_STATE);
    /// a second extension or one on a decided case (FAILED_PRECONDITION ALREADY_EXTENDED /
    /// INVALID_STATE); an opinion without text ("text" REQUIRED); a proposal the income test
    /// fails is still recorded (the township may propose a rejection).
    public mutating func apply(_ step: ApplicationStep, limits: ApplicationTimeLimits, calendar: WorkingCalendar) throws {
        func event(_ e: ApplicationEvent) throws -> ApplicationState {
            try ApplicationWorkflow.next(state, on: e, context: context, limits: limits, calendar: calendar)
        }
        func checkDate(_ day: CivilDate) throws {
            if day < appliedOn {
                throw DomainError.invalid("\(day) is before the application was filed (\(appliedOn))", field: "on", reason: "BEFORE_FILED")
            }
            if let accepted = acceptedOn, day < accepted {
                throw DomainError.invalid("\(day) is before the application was accepted (\(accepted))", field: "on", reason: "BEFORE_ACCEPTED")
            }
        }
        switch step {
        case .recordAuthorization(let signedOn):
            guard !state.isFinal else { throw ApplicationWorkflow.illegalTransition(state, event: "record the authorization of") }
            authorizationSignedOn = signedOn
        case .accept(let on):
            try checkDate(on)
            state = try event(.accept(on: on))
            acceptedOn = on
        case .startInvestigation(let by, let on, let methods, let notes):
            try checkDate(on)
            state = try event(.startInvestigation(investigatorID: by, on: on))
            investigator = by
            investigationMethods = methods
            investigationNotes = notes
        case .townshipOpinion(let on, let text, let proposal):
            try checkDate(on)
            guard !text.allSatisfy(\.isWhitespace) else {
                throw DomainError.invalid("the township's opinion is required", field: "text", reason: "REQUIRED")
            }
            state = try event(.townshipOpinion(on: on))
            townshipOpinion = text
            townshipOpinionOn = on
            record(proposal)
        case .startNotice(let on):
            try checkDate(on)
            if let opinion = townshipOpinionOn, on < opinion {
                throw DomainError.invalid("公示 cannot start before the township's opinion (\(opinion))", field: "on", reason: "BEFORE_OPINION")
            }
            state = try event(.startNotice(on: on))
            noticeStartedOn = on
        case .objection(let objection):
            try checkDate(objection.on)
            guard !objection.text.allSatisfy(\.isWhitespace) else {
                throw DomainError.invalid("an objection needs what it says", field: "text", reason: "REQUIRED")
            }
            if let start = noticeStartedOn, state == .publicNotice, objection.on < start {
                throw DomainError.invalid("the objection is dated before 公示 started (\(start))", field: "on", reason: "BEFORE_NOTICE")
            }
            state = try event(.objection(by: objection.by, on: objection.on, text: objection.text))
            objections.append(objection)
            noticeStartedOn = nil  // a new opinion and a new 公示 follow
        case .extend(let reason):
            guard state != .applied, !state.isFinal, state != .emergencyPaid else {
                throw ApplicationWorkflow.illegalTransition(state, event: "extend the time limit of")
            }
            guard !extended else { throw DomainError.failedPrecondition("the time limit was already extended once", reason: "ALREADY_EXTENDED") }
            guard !reason.allSatisfy(\.isWhitespace) else {
                throw DomainError.invalid("an extension needs its reason", field: "text", reason: "REQUIRED")
            }
            extended = true
            extensionReason = reason
        case .approve(let by, let on, let decided, let startMonth):
            try checkDate(on)
            guard decided.eligible else {
                throw DomainError.failedPrecondition(
                    "the household does not qualify as it is registered now (\(decided.formula)): reject it or correct the registry",
                    reason: "NOT_ELIGIBLE")
            }
            state = try event(.approve(by: by, on: on, amount: decided.amount, startMonth: startMonth))
            record(decided)
            decidedOn = on
            decidedBy = by
            self.startMonth = startMonth
        case .reject(let by, let on, let reason):
            try checkDate(on)
            state = try event(.reject(by: by, on: on, reason: reason))
            decidedOn = on
            decidedBy = by
            rejectionReason = reason
        case .withdraw(let on, let reason):
            try checkDate(on)
            guard !reason.allSatisfy(\.isWhitespace) else {
                throw DomainError.invalid("a withdrawal records the applicant's reason", field: "text", reason: "REQUIRED")
            }
            state = try event(.withdraw(on: on))
            withdrawnReason = reason
            decidedOn = on
        case .payFirst(let by, let on, let grant):
            try checkDate(on)
            state = try event(.payFirst(by: by, on: on, amount: grant.amount))
            record(grant)
            emergencyPaidOn = on
            decidedBy = by
        case .completePaperwork(let on):
            try checkDate(on)
            state = try event(.completePaperwork(on: on))
            decidedOn = on
        }
    }

    mutating func record(_ result: EntitlementResult) {
        amount = result.amount
        formula = result.formula
        standardVersionID = result.standardVersionID
        householdSize = result.householdSize
    }
}

/// The 公示 (公示名单): rendered from a fixed set of facts, so nothing private can reach it —
/// the applicant's name, the counted household size and the amount. Never an ID number, an
/// income, a health datum, or a minor: when the applicant (the head, or the person) is a minor,
/// the name is withheld and the notice says so.
public struct PublicNoticeText: Sendable, Hashable {
    public var name: String
    public var householdSize: Int
    public var amount: Fen
    public var program: Program
    public var startsOn: CivilDate
    public var endsOn: CivilDate
    public var text: String

    /// The notice for `application` of `household` as posted on `startsOn` (its end from the clock).
    public static func render(application: ApplicationCase, household: Household, startsOn: CivilDate, clock: ApplicationClock) -> PublicNoticeText {
        let subject = application.terms.member.flatMap { household.member($0) } ?? household.head
        let name: String
        if let subject, !subject.isMinor(on: startsOn) {
            name = subject.name
        } else {
            name = "（未成年人，不公示姓名）"
        }
        let ends = clock.noticeEnds(startedOn: startsOn)
        let programName: String =
            switch application.program {
            case .minimumLiving: "最低生活保障"
            case .destitute: "特困人员救助供养"
            case .temporary: "临时救助"
            case .disabilitySubsidy: "困难残疾人两项补贴"
            }
        let text =
            "\(programName)公示：申请人\(name)，家庭保障人口\(application.householdSize)人，拟救助金额\(application.amount.yuanText)元。"
            + "公示期\(startsOn)至\(ends)，如有异议请向乡镇（街道）反映。"
        return PublicNoticeText(
            name: name, householdSize: application.householdSize, amount: application.amount, program: application.program, startsOn: startsOn,
            endsOn: ends, text: text)
    }
}
