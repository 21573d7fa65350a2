import CivicDomain

/// 本局承办方式: how the bureau handles an item it was assigned.
public enum HandlingRole: String, Sendable, CaseIterable, Codable {
    /// 主办·独办: sole lead.
    case leadSole = "lead_sole"
    /// 主办·分办: lead of a split item (several lead units answer separate parts).
    case leadSplit = "lead_split"
    /// 协办/会办: co-handling; sends an opinion to the lead unit, no formal reply.
    case coHandling = "co_handling"
    /// 参阅: for reference; acknowledged, no reply.
    case reference

    /// 主办 in the reports (独办 and 分办 together).
    public var isLead: Bool { self == .leadSole || self == .leadSplit }
}

/// 办理结果: A solved or adopted; B being solved / in the plan; C cannot be solved now / kept for reference.
public enum ReplyResult: String, Sendable, CaseIterable, Codable {
    case a = "A"
    case b = "B"
    case c = "C"
}

/// 采纳情况.
public enum Adoption: String, Sendable, CaseIterable, Codable {
    /// 全部采纳
    case full
    /// 部分采纳
    case partial
    /// 未采纳
    case none
}

/// The proposer's rating of a reply.
public enum Satisfaction: String, Sendable, CaseIterable, Codable {
    /// 满意
    case satisfied
    /// 基本满意
    case basicallySatisfied = "basically_satisfied"
    /// 不满意 — reopens the item.
    case dissatisfied
}

/// 办前/办中/办后沟通.
public enum ContactStage: String, Sendable, CaseIterable, Codable {
    case before, during, after
}

/// Everything that can happen to an item, gate by gate.
public enum ItemEvent: Sendable, Equatable {
    /// 交办
    case assign(role: HandlingRole)
    /// 退回: a wrongly assigned item goes back within its window.
    case returnItem
    /// 参阅件 acknowledged; nothing more is due.
    case acknowledge
    /// 承办: handling starts (also by recording the first contact).
    case startHandling
    /// A contact with the proposer; starts handling if it has not started.
    case recordContact
    /// A co-handling unit's opinion to the lead unit (会办意见); changes no state.
    case unitOpinion
    /// 催办: recorded, changes no state.
    case urge
    /// A longer reply deadline, with a written reason.
    case extendDeadline
    /// 审核: the reply (or, for 协办, the opinion) drafted or revised.
    case draft
    /// 科室负责人签
    case signBySection
    /// 领导签发
    case signOff
    /// A reviewer sends the draft back for rework.
    case sendBack
    /// 上报: submitted to the handling system, or to the lead unit for a 协办 opinion.
    case report
    /// 答复 with the result and adoption.
    case reply
    /// 落实: progress on what the reply promised.
    case recordProgress
    /// 公开: the redacted reply text published.
    case publish
    /// The proposer's rating; 不满意 reopens.
    case feedback(Satisfaction)

    /// The audit trail's action name.
    public var auditAction: String {
        switch self {
        case .assign: "assign"
        case .returnItem: "return"
        case .acknowledge: "acknowledge"
        case .startHandling: "start-handling"
        case .recordContact: "record-contact"
        case .unitOpinion: "unit-opinion"
        case .urge: "urge"
        case .extendDeadline: "extend-deadline"
        case .draft: "draft"
        case .signBySection: "sign-by-section"
        case .signOff: "sign-off"
        case .sendBack: "send-back"
        case .report: "report"
        case .reply: "reply"
        case .recordProgress: "record-progress"
        case .publish: "publish"
        case .feedback: "feedback"
        }
    }

    public var name: String {
        switch self {
        case .assign: "assign"
        case .returnItem: "return"
        case .acknowledge: "acknowledge"
        case .startHandling: "start handling"
        case .recordContact: "record a contact on"
        case .unitOpinion: "record a unit's opinion on"
        case .urge: "urge"
        case .extendDeadline: "extend the deadline of"
        case .draft: "draft a reply for"
        case .signBySection: "section-sign"
        case .signOff: "sign off"
        case .sendBack: "send back"
        case .report: "report"
        case .reply: "reply to"
        case .recordProgress: "record progress on"
        case .publish: "publish"
        case .feedback: "give feedback on"
        }
    }
}

/// The nine gates (登记、交办、承办、催办、审核、上报、答复、落实、公开) as one state machine.
/// Every legal move is listed in `next(_:on:role:)`; anything else is refused with
/// FAILED_PRECONDITION naming the state the item is in.
public enum ItemWorkflow {
    /// A move the item's state does not allow: FAILED_PRECONDITION, reason INVALID_STATE,
    /// naming the state (what a clerk needs to see why the button did nothing).
    public static func illegalTransition(_ state: ItemState, event: String, why: String = "") -> DomainError {
        DomainError(
            .failedPrecondition, "cannot \(event) an item that is \(state.rawValue.uppercased())\(why.isEmpty ? "" : ": \(why)")",
            problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the item is \(state.rawValue.uppercased())")])
    }

    /// States where work is still due from the bureau (urging and extensions apply).
    public static let open: Set<ItemState> = [.assigned, .handling, .drafted, .sectionSigned, .signedOff, .reopened]

    /// The state after `event`, or throws `illegalTransition` (a DomainError). `role` is the bureau's
    /// handling role once assigned.
    public static func next(_ state: ItemState, on event: ItemEvent, role: HandlingRole?) throws -> ItemState {
        func refuse(_ why: String = "") -> DomainError { illegalTransition(state, event: event.name, why: why) }
        switch (event, state) {
        case (.assign, .registered):
            return .assigned
        case (.assign, .returned):
            return .assigned  // the assigning office kept it with the bureau (维持交办): assigned anew
        case (.returnItem, .assigned):
            return .returned
        case (.acknowledge, .assigned):
            guard role == .reference else { throw refuse("only 参阅 (reference) items are acknowledged") }
            return .acknowledged
        case (.startHandling, .assigned), (.recordContact, .assigned):
            guard role != .reference else { throw refuse("参阅 (reference) items are acknowledged, not handled") }
            return .handling
        case (.startHandling, .reopened), (.recordContact, .reopened):
            return .handling
        case (.recordContact, let s) where [.handling, .drafted, .sectionSigned, .signedOff, .reported, .replied, .implementing, .published].contains(s):
            return s  // 办中/办后 contacts
        case (.urge, let s) where open.contains(s), (.extendDeadline, let s) where open.contains(s),
            (.unitOpinion, let s) where open.contains(s):
            guard role != .reference else { throw refuse("参阅 (reference) items owe nothing: nothing is urged, extended or co-handled") }
            return s
        case (.urge, .reported) where role?.isLead == true:
            return .reported  // reported upward, the reply still due
        case (.urge, let s) where [.replied, .implementing].contains(s) && role?.isLead == true:
            return s  // replied, publication still due
        case (.draft, .handling), (.draft, .drafted), (.draft, .reopened):
            return .drafted
        case (.signBySection, .drafted):
            return .sectionSigned
        case (.signOff, .sectionSigned):
            return .signedOff
        case (.sendBack, .sectionSigned), (.sendBack, .signedOff):
            return .handling
        case (.report, .signedOff):
            return .reported
        case (.reply, .reported):
            guard role?.isLead == true else { throw refuse("only 主办 (lead) items get a formal reply; a 协办 opinion ends when reported") }
            return .replied
        case (.recordProgress, .replied), (.recordProgress, .implementing):
            return .implementing
        case (.recordProgress, .published):
            return .published
        case (.publish, .replied), (.publish, .implementing):
            guard role?.isLead == true else { throw refuse("only 主办 (lead) replies are published") }
            return .published
        case (.feedback(let rating), let s) where [.replied, .implementing, .published].contains(s):
            return rating == .dissatisfied ? .reopened : s
        default:
            throw refuse()
        }
    }
}
