import CivicDomain

/// Where a case stands (案件状态). Stored: append only.
public enum CaseState: String, Sendable, Hashable, CaseIterable, Codable {
    /// 立案, then 调查取证.
    case investigating
    /// 告知 served: the party's window for a statement (陈述申辩) and a hearing request runs.
    case noticed
    /// 听证 requested (its days are excluded from the decision clock).
    case hearing
    /// The party's window closed or the hearing held: legal review, collective discussion, decision.
    case deliberating
    /// 法制审核 under way (§58).
    case legalReview = "legal_review"
    /// 处罚决定 made, to be served.
    case decided
    /// Served with a fine outstanding: collection.
    case executing
    /// 结案.
    case closed
}

/// How a case ended (§57). Stored.
public enum CaseOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    /// 给予行政处罚.
    case penalized
    /// 违法行为轻微，依法可以不予行政处罚 (§33 ¶1).
    case minorNoPenalty = "minor_no_penalty"
    /// 初次违法且危害后果轻微并及时改正 (首违不罚, §33 ¶1).
    case firstViolationNoPenalty = "first_violation_no_penalty"
    /// 违法事实不能成立.
    case notEstablished = "not_established"
    /// 违法行为涉嫌犯罪，移送司法机关 (§57 ¶1(4)).
    case transferredToJudiciary = "transferred_to_judiciary"
}

/// Time the decision clock does not count (§60: 听证、公告、检测/鉴定).
public enum ExcludedTimeKind: String, Sendable, Hashable, CaseIterable, Codable {
    case hearing
    /// 公告 (service or notice by announcement).
    case announcement
    /// 检测、检验、检疫、鉴定.
    case testing
}

/// How a decision reached the party (§61).
public enum ServiceMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// 直接送达 (or 当场交付).
    case inPerson = "in_person"
    /// 留置送达.
    case leftAtResidence = "left_at_residence"
    /// 邮寄送达.
    case mail
    /// 电子送达: only with the party's recorded consent (§61 ¶2).
    case electronic
    /// 公告送达.
    case announcement
}

/// One step in a case's history: what happened, on which day, by whom.
public struct CaseStep: Sendable, Hashable, Codable {
    public var step: String
    public var on: CivilDate
    public var by: String
    public var detail: String
}

/// A piece of evidence, gathered by at least two certified officers (§42, §55).
public struct CaseEvidence: Sendable, Hashable, Codable {
    public var on: CivilDate
    public var description: String
    /// The officers' ids.
    public var officers: [String]
}

/// 先行登记保存 (§56): decided within 7 working days.
public struct Preservation: Sendable, Hashable, Codable {
    public var number: Int
    public var on: CivilDate
    public var items: String
    public var decisionDue: LegalDeadline
    public var decidedOn: CivilDate?
    /// 解除 / 没收 / 移送检测… as decided.
    public var decision: String
}

/// A period the decision clock does not count.
public struct ExcludedPeriod: Sendable, Hashable, Codable {
    public var kind: ExcludedTimeKind
    public var from: CivilDate
    /// Nil while it runs.
    public var through: CivilDate?
}

/// An extension of the 90-day decision limit (§60): the first by the head (负责人), a further one by
/// collective discussion.
public struct DecisionExtension: Sendable, Hashable, Codable {
    public var days: Int
    public var on: CivilDate
    public var approvedBy: String
    public var byCollectiveDiscussion: Bool
    public var reason: String
}

/// The penalty proposed in the 告知 (§44), with what the calculator said.
public struct ProposedPenalty: Sendable, Hashable, Codable {
    public var penalties: Set<PenaltyType>
    public var fine: Fen
    /// The value confiscated (违法所得 / 非法财物), when confiscation is proposed.
    public var confiscated: Fen
    /// The months of 限期停止活动, when proposed.
    public var suspensionMonths: Int
    /// The tier and rule the discretion calculator applied.
    public var tier: String
    public var rule: String
    /// 法制审核 is required by the benchmark's threshold.
    public var legalReviewRequired: Bool

    public init(
        penalties: Set<PenaltyType>, fine: Fen = .zero, confiscated: Fen = .zero, suspensionMonths: Int = 0, tier: String = "", rule: String = "",
        legalReviewRequired: Bool = false
    ) {
        self.penalties = penalties
        self.fine = fine
        self.confiscated = confiscated
        self.suspensionMonths = suspensionMonths
        self.tier = tier
        self.rule = rule
        self.legalReviewRequired = legalReviewRequired
    }

    /// INVALID "penalties" REQUIRED; "fine" REQUIRED / NOT_PROPOSED; "confiscated" REQUIRED;
    /// "suspension_months" REQUIRED.
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        if penalties.isEmpty { errors.add("penalties", "REQUIRED", "name at least one penalty") }
        if penalties.contains(.fine) && fine.fen <= 0 { errors.add("fine", "REQUIRED", "a fine above 0") }
        if !penalties.contains(.fine) && fine.fen != 0 { errors.add("fine", "NOT_PROPOSED", "a fine amount without a fine among the penalties") }
        if confiscated.fen < 0 || (!penalties.contains(.confiscation) && confiscated.fen != 0) {
            errors.add("confiscated", "NOT_PROPOSED", "a confiscated value without confiscation among the penalties")
        }
        if penalties.contains(.activitiesSuspension) && !(1...12).contains(suspensionMonths) {
            errors.add("suspension_months", "REQUIRED", "限期停止活动 runs 1 to 12 months")
        }
        return errors
    }

    /// Whether it is at most as heavy as `other` (§45 ¶2: never heavier for the party's statement).
    public func isAtMost(_ other: ProposedPenalty) -> Bool {
        penalties.isSubset(of: other.penalties) && fine <= other.fine && confiscated <= other.confiscated
            && suspensionMonths <= other.suspensionMonths
    }
}

/// When the proposed penalty gives the party the right to a hearing (§63): 较大数额罚款 and 没收, 限期停止活动,
/// 撤销登记. The amounts are the province's (configurable).
public struct HearingThresholds: Sendable, Hashable, Codable {
    public var citizenFine: Fen
    public var organizationFine: Fen
    public var confiscation: Fen

    /// Defaults: 5,000 元 for a citizen, 50,000 元 for an organization or a confiscation (a decision,
    /// DOMAIN-DECISIONS.md; provinces set their own).
    public init(citizenFine: Fen = .yuan(5_000), organizationFine: Fen = .yuan(50_000), confiscation: Fen = .yuan(50_000)) {
        self.citizenFine = citizenFine
        self.organizationFine = organizationFine
        self.confiscation = confiscation
    }

    public func givesHearingRight(_ proposal: ProposedPenalty, party: PartyKind) -> Bool {
        if proposal.penalties.contains(.activitiesSuspension) || proposal.penalties.contains(.revocation) { return true }
        let fineLimit = party == .citizen ? citizenFine : organizationFine
        return (proposal.penalties.contains(.fine) && proposal.fine >= fineLimit)
            || (proposal.penalties.contains(.confiscation) && proposal.confiscated >= confiscation)
    }
}

/// 行政处罚告知书 (§44): served by two officers; opens the party's window.
public struct PenaltyNotice: Sendable, Hashable, Codable {
    public var on: CivilDate
    public var proposal: ProposedPenalty
    public var officers: [String]
    public var hearingRight: Bool
    /// The party's window for statements and a hearing request (5 working days, §64(1), §85).
    public var replyDue: LegalDeadline
    /// The party waived statement and hearing (放弃陈述申辩), closing the window early.
    public var waivedOn: CivilDate?
    /// The facts the proposal was assessed on.
    public var facts: ViolationFacts = ViolationFacts()
}

/// 陈述申辩 (§45): recorded and answered (复核).
public struct PartyStatement: Sendable, Hashable, Codable {
    public var on: CivilDate
    public var text: String
}

/// 听证 (§64).
public struct Hearing: Sendable, Hashable, Codable {
    public var requestedOn: CivilDate
    /// Set when scheduled: the notice day, the hearing day, the host.
    public var noticeOn: CivilDate?
    public var date: CivilDate?
    public var hostID: String
    /// Held in public unless it involves state secrets, business secrets or privacy (§64(3)).
    public var isPublic: Bool
    public var heldOn: CivilDate?
    public var record: String
}

/// 法制审核 (§58): by a legal reviewer who did not investigate the case.
public struct LegalReview: Sendable, Hashable, Codable {
    public var sentOn: CivilDate
    public var reviewerID: String
    public var concludedOn: CivilDate?
    public var approved: Bool
    public var opinion: String
}

/// 集体讨论 (§57 ¶2): for complex or major cases.
public struct CollectiveDiscussion: Sendable, Hashable, Codable {
    public var on: CivilDate
    public var participants: [String]
    public var conclusion: String
}

/// 行政处罚决定 (§59), or a decision not to penalize.
public struct CaseDecision: Sendable, Hashable, Codable {
    public var on: CivilDate
    public var outcome: CaseOutcome
    /// For a penalty: what was decided. Empty otherwise.
    public var penalty: ProposedPenalty?
    public var approvedBy: String
    public var reasons: String
    /// Made after the decision clock's due date.
    public var late: Bool
}

/// How the decision was served (§61).
public struct DecisionService: Sendable, Hashable, Codable {
    public var on: CivilDate
    public var method: ServiceMethod
    public var officers: [String]
    public var consentRecorded: Bool
    /// Served after the 7-working-day limit.
    public var late: Bool
}

/// 公示 of a decision with social impact (§48).
public struct Publication: Sendable, Hashable, Codable {
    public var publishedOn: CivilDate
    public var withdrawnOn: CivilDate?
    public var withdrawalReason: String
}

/// 撤销 of a decision (by 复议, a court, or the bureau itself): the publication is withdrawn within
/// 3 working days (§48).
public struct DecisionRevocation: Sendable, Hashable, Codable {
    public var on: CivilDate
    public var by: String
    public var reason: String
    public var withdrawalDue: LegalDeadline
}

/// What a clock is for.
public enum ClockKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// 先行登记保存 decided within 7 working days (§56).
    case preservation
    /// The party's statement and hearing-request window (§64(1)).
    case reply
    /// 90 days from 立案, extended and with excluded time added (§60).
    case decision
    /// Service within 7 working days (§61).
    case service
    /// Payment 15 days after service (§67), or the next instalment's.
    case payment
    /// 10 working days after the 催告 (强制法 §54): the court may be applied to after it.
    case courtNotice = "court_notice"
    /// The last day to apply to the court (强制法 §53: 3 months after the 6-month lawsuit window).
    case courtApplication = "court_application"
    /// A revoked decision's publication withdrawn within 3 working days (§48).
    case publicationWithdrawal = "publication_withdrawal"
}

/// One clock of a case: its deadline with the rule behind it, and when it was met (nil while open).
public struct CaseClock: Sendable, Hashable, Codable {
    public var kind: ClockKind
    public var deadline: LegalDeadline
    public var metOn: CivilDate?

    public var isOpen: Bool { metOn == nil }

    public init(kind: ClockKind, deadline: LegalDeadline, metOn: CivilDate? = nil) {
        self.kind = kind
        self.deadline = deadline
        self.metOn = metOn
    }
}

/// A decision as published (§48): no personal data beyond what the law requires — a person's name
/// masked to its first character and no ID; an organization's name and credit code in full. A
/// withdrawn one stays listed as withdrawn, its penalty no longer shown.
public struct PublishedDecision: Sendable, Hashable, Codable {
    public var caseID: String
    public var division: DivisionCode
    public var subjectName: String
    /// An organization's credit code; "" for a person.
    public var creditCode: String
    public var violationCodes: [String]
    /// "社会团体登记管理条例 第三十条第一款第（一）项".
    public var legalBases: [String]
    public var penalties: [PenaltyType]
    public var fine: Fen
    public var decidedOn: CivilDate
    public var publishedOn: CivilDate
    public var withdrawnOn: CivilDate?

    /// The published form of `c`, nil unless it has a publication; `bases` names the articles.
    public init?(_ c: EnforcementCase, bases: (String) -> LegalBasis?) {
        guard let publication = c.publication, let decision = c.decision, let penalty = decision.penalty else { return nil }
        caseID = c.id
        division = c.division
        switch c.subject {
        case .organization(let code, let name):
            subjectName = name
            creditCode = code
        case .person(_, let name):
            subjectName = Self.maskedName(name)
            creditCode = ""
        case .unregistered(let name):
            subjectName = name
            creditCode = ""
        }
        violationCodes = c.violationCodes
        legalBases = c.violationCodes.map { code in bases(code).map { "\($0.law) \($0.article)" } ?? code }
        withdrawnOn = publication.withdrawnOn
        penalties = withdrawnOn == nil ? penalty.penalties.sorted() : []
        fine = withdrawnOn == nil ? penalty.fine : .zero
        decidedOn = decision.on
        publishedOn = publication.publishedOn
    }

    /// "李明" → "李*": the family name only.
    public static func maskedName(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }
}
