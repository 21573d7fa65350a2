import CivicDomain
import Foundation

/// 建议/提案的类别: an NPC deputy's suggestion or a CPPCC member's proposal.
public enum ItemKind: String, Sendable, CaseIterable, Codable {
    /// 人大代表建议
    case npcSuggestion = "npc_suggestion"
    /// 政协委员提案
    case cppccProposal = "cppcc_proposal"
}

/// Where an item stands among the nine gates (`ItemWorkflow` moves it). Stored as text.
public enum ItemState: String, Sendable, Codable, CaseIterable {
    /// 登记: registered and classified, not yet assigned.
    case registered
    /// 交办: assigned to units with the bureau's role and deadlines.
    case assigned
    /// 退回: returned as wrongly assigned, within the return window. Final.
    case returned
    /// 参阅件 acknowledged. Final.
    case acknowledged
    /// 承办: being handled (contacts with the proposer, drafting).
    case handling
    /// 审核: a reply (or opinion) drafted, awaiting the section head.
    case drafted
    /// 科室负责人已签, awaiting the leader.
    case sectionSigned = "section_signed"
    /// 领导已签发, ready to report.
    case signedOff = "signed_off"
    /// 上报: submitted; for a 协办 item the opinion has reached the lead unit. Final for 协办.
    case reported
    /// 答复: the reply is out, with result and adoption.
    case replied
    /// 落实: progress on the promises is being recorded.
    case implementing
    /// 公开: the redacted reply is published.
    case published
    /// 不满意: reopened; a new reply is due.
    case reopened
}

/// A proposer: the lead (领衔) or a co-signer (附议).
public struct Proposer: Sendable, Equatable, Codable {
    public var name: String
    public var lead: Bool
    /// NPC delegation (代表团) or CPPCC sector (界别).
    public var delegation: String
    /// Never published.
    public var contact: String
    /// The member's id in the NPC/CPPCC system; a deputy's key carries it as its subject.
    public var memberID: String

    public init(name: String, lead: Bool, delegation: String = "", contact: String = "", memberID: String = "") {
        self.name = name
        self.lead = lead
        self.delegation = delegation
        self.contact = contact
        self.memberID = memberID
    }
}

/// A registered item as stored.
public struct Item: Sendable, Equatable {
    public var id: String
    public var kind: ItemKind
    public var year: Int
    public var session: String
    public var number: String
    public var title: String
    public var body: String
    public var proposers: [Proposer]
    public var topic: String
    public var keySupervised: Bool
    public var state: ItemState
    public var registeredAt: String
    public var registeredBy: String

    // 交办 onwards.
    public var role: HandlingRole? = nil
    public var units: [UnitAssignment] = []
    public var complex = false
    public var assignedOn: CivilDate? = nil
    /// The reply (主办) or opinion (协办) is due on this day.
    public var answerDue: CivilDate? = nil
    public var returnWindowEnds: CivilDate? = nil
    public var urgeCount = 0
    public var metFaceToFace = false
    public var draftText = ""
    public var result: ReplyResult? = nil
    public var adoption: Adoption? = nil
    public var replyText = ""
    public var repliedOn: CivilDate? = nil
    public var answeredOnTime = false
    public var publicationDue: CivilDate? = nil
    public var publishedOn: CivilDate? = nil
    public var satisfaction: Satisfaction? = nil
    /// The key-supervised item (重点督办) this one was merged into.
    public var keyGroupID: String? = nil
    /// The text as published (公开), personal details masked (PublicationRedaction).
    public var publishedText = ""

    /// A registered item before assignment; the later fields start empty.
    public init(
        id: String, kind: ItemKind, year: Int, session: String, number: String, title: String, body: String,
        proposers: [Proposer], topic: String, keySupervised: Bool, state: ItemState, registeredAt: String, registeredBy: String
    ) {
        self.id = id
        self.kind = kind
        self.year = year
        self.session = session
        self.number = number
        self.title = title
        self.body = body
        self.proposers = proposers
        self.topic = topic
        self.keySupervised = keySupervised
        self.state = state
        self.registeredAt = registeredAt
        self.registeredBy = registeredBy
    }
}

/// An internal unit (科室) and its part in an item.
public struct UnitAssignment: Sendable, Equatable {
    public var unit: String
    public var role: HandlingRole
    /// For a co-handling unit: its opinion to the lead unit and when it is due.
    public var opinionDue: CivilDate?
    public var opinion: String
    public var opinionOn: CivilDate?

    public init(unit: String, role: HandlingRole, opinionDue: CivilDate? = nil, opinion: String = "", opinionOn: CivilDate? = nil) {
        self.unit = unit
        self.role = role
        self.opinionDue = opinionDue
        self.opinion = opinion
        self.opinionOn = opinionOn
    }

    /// The opinion came by its due date (nil while it has not come, or had no due date).
    public var opinionOnTime: Bool? {
        guard let opinionOn, let opinionDue else { return nil }
        return opinionOn <= opinionDue
    }

    /// A co-handling unit whose opinion has not come.
    public var opinionMissing: Bool { role == .coHandling && opinionOn == nil }
}
