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

/// What staff enter when an item arrives (登记).
public struct ItemRegistration: Sendable, Equatable {
    public var kind: ItemKind?
    public var year: Int
    public var session: String
    public var number: String
    public var title: String
    public var body: String
    public var proposers: [Proposer]
    public var topic: String
    public var keySupervised: Bool

    public init(kind: ItemKind?, year: Int, session: String = "", number: String, title: String, body: String = "", proposers: [Proposer], topic: String, keySupervised: Bool = false) {
        self.kind = kind
        self.year = year
        self.session = session
        self.number = number
        self.title = title
        self.body = body
        self.proposers = proposers
        self.topic = topic
        self.keySupervised = keySupervised
    }
}

extension ItemRegistration {
    /// The registration as it was entered for `item`.
    public init(_ item: Item) {
        self.init(kind: item.kind, year: item.year, session: item.session, number: item.number, title: item.title,
                  body: item.body, proposers: item.proposers, topic: item.topic, keySupervised: item.keySupervised)
    }

    /// What a correction changes, field by field, for the history: short fields with the
    /// old and new value, long ones (the body) and the proposer list by name only. The
    /// registration is trimmed as it will be stored.
    public func changes(from item: Item) -> [String] {
        let old = ItemRegistration(item)
        var changes: [String] = []
        func short(_ name: String, _ before: String, _ after: String) {
            if before != after { changes.append("\(name): \(before) → \(after)") }
        }
        short("kind", old.kind?.rawValue ?? "", kind?.rawValue ?? "")
        short("year", String(old.year), String(year))
        short("session", old.session, session.trimmingCharacters(in: .whitespacesAndNewlines))
        short("number", old.number, number.trimmingCharacters(in: .whitespacesAndNewlines))
        short("title", old.title, title.trimmingCharacters(in: .whitespacesAndNewlines))
        if old.body != body { changes.append("body") }
        if old.proposers != proposers { changes.append("proposers") }
        short("topic", old.topic, topic)
        short("key_supervised", String(old.keySupervised), String(keySupervised))
        return changes
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

/// The topics (议题分类) items are classified under: a local list, kept in configuration
/// (CIVIC_PROPOSALS_TOPICS_FILE, docs/PROPOSALS.md §1). A retired topic stays valid for the
/// items already filed under it — filters and reports — but new items cannot use it.
public struct TopicCatalog: Sendable, Equatable {
    public struct Topic: Sendable, Equatable {
        public var code: String
        /// The Chinese name reports print, e.g. 养老服务.
        public var name: String
        public var retired: Bool

        public init(code: String, name: String, retired: Bool = false) {
            self.code = code
            self.name = name
            self.retired = retired
        }
    }

    /// In the configured order (the order lists and forms show).
    public let topics: [Topic]
    /// Code → name, retired topics included.
    public let codes: [String: String]

    public init(_ topics: [Topic]) {
        self.topics = topics
        self.codes = Dictionary(topics.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    public init(codes: [String: String]) {
        self.init(codes.keys.sorted().map { Topic(code: $0, name: codes[$0]!) })
    }

    /// Known: current or retired (filters, reports, names).
    public func contains(_ code: String) -> Bool { codes[code] != nil }

    /// May be given to a new item.
    public func accepts(_ code: String) -> Bool { topics.contains { $0.code == code && !$0.retired } }

    public var activeCodes: [String] { topics.filter { !$0.retired }.map(\.code) }

    /// The topics DOMAIN.md lists.
    public static let standard = TopicCatalog([
        Topic(code: "elderly_care", name: "养老服务"),
        Topic(code: "social_assistance", name: "社会救助"),
        Topic(code: "social_organizations", name: "社会组织管理"),
        Topic(code: "grassroots_governance", name: "基层政权/社区治理"),
        Topic(code: "minor_protection", name: "未成年人保护"),
        Topic(code: "charity", name: "慈善"),
        Topic(code: "division_naming", name: "区划地名"),
        Topic(code: "marriage_customs", name: "婚俗"),
        Topic(code: "funeral", name: "殡葬"),
        Topic(code: "social_work", name: "社会工作"),
        Topic(code: "other", name: "其他"),
    ])

    /// The topics file: UTF-8, one topic per line as `code,名称` or `code,名称,retired`;
    /// blank lines and lines starting with `#` are skipped. Codes are lower-case ASCII
    /// (`a-z`, digits, `_`, at most 64), unique; names are required (at most 50 characters).
    /// Every problem is reported with its line number.
    public static func parse(_ text: String) throws -> TopicCatalog {
        var topics: [Topic] = []
        var problems: [String] = []
        var seen: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\u{FEFF}", with: "")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (2...3).contains(fields.count) else {
                problems.append("line \(number): expected code,名称[,retired], found \(fields.count) field(s)")
                continue
            }
            let code = fields[0], name = fields[1]
            if code.isEmpty || code.count > 64 || code.wholeMatch(of: /[a-z][a-z0-9_]*/) == nil {
                problems.append("line \(number): code \"\(code)\" must be lower-case letters, digits and _ (at most 64), starting with a letter")
            } else if let first = seen[code] {
                problems.append("line \(number): code \(code) is already on line \(first)")
            } else {
                seen[code] = number
            }
            if name.isEmpty || name.count > 50 {
                problems.append("line \(number): name is required (at most 50 characters)")
            }
            var retired = false
            if fields.count == 3 {
                switch fields[2].lowercased() {
                case "", "active": retired = false
                case "retired": retired = true
                default: problems.append("line \(number): third field must be \"retired\" or \"active\", not \"\(fields[2])\"")
                }
            }
            topics.append(Topic(code: code, name: name, retired: retired))
        }
        if problems.isEmpty && !topics.contains(where: { !$0.retired }) { problems.append("no topic that new items may use") }
        guard problems.isEmpty else { throw TopicFileError(problems: problems) }
        return TopicCatalog(topics)
    }

    public struct TopicFileError: Error, CustomStringConvertible {
        public let problems: [String]
        public var description: String { problems.joined(separator: "; ") }
    }
}

/// Which items a caller may see. The proposals office, leaders and admins see every item;
/// a handling unit's staff (科室) see the items assigned to their unit, in any role; a
/// deputy (人大代表/政协委员) sees only the items they proposed or co-signed, matched by
/// member id.
public enum ItemVisibility: Sendable, Equatable {
    case all
    case assignedTo(unit: String)
    case proposedBy(memberID: String)

    public func allows(_ item: Item) -> Bool {
        switch self {
        case .all: true
        case .assignedTo(let unit): item.units.contains { $0.unit == unit }
        case .proposedBy(let memberID): item.proposers.contains { !$0.memberID.isEmpty && $0.memberID == memberID }
        }
    }

    /// Why `allows` said no, for the PERMISSION_DENIED answer.
    public func refusal(_ id: String) -> String {
        switch self {
        case .all: "item \(id) is not visible"
        case .assignedTo(let unit): "item \(id) is not assigned to \(unit)"
        case .proposedBy: "item \(id) was not proposed by this deputy"
        }
    }

    /// The office's working notes on contacts with the proposer: for the bureau's own
    /// staff, who record them; not for deputies.
    public var seesContactNotes: Bool {
        if case .proposedBy = self { false } else { true }
    }

    /// The item as this caller may see it: a deputy does not see other proposers' contacts.
    public func redacted(_ item: Item) -> Item {
        guard case .proposedBy(let memberID) = self else { return item }
        var copy = item
        for i in copy.proposers.indices where copy.proposers[i].memberID != memberID { copy.proposers[i].contact = "" }
        copy.draftText = ""  // drafts are internal until replied
        copy.units = []      // internal sections
        return copy
    }
}

/// A reply template (答复模板): text with placeholders filled from the item.
public struct ReplyTemplate: Sendable, Equatable {
    public var id: String
    public var name: String
    public var text: String
    public var createdBy: String
    public var createdAt: String

    public init(id: String, name: String, text: String, createdBy: String, createdAt: String) {
        self.id = id
        self.name = name
        self.text = text
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public static let placeholders = ["{number}", "{title}", "{year}", "{session}", "{proposer}", "{delegation}"]

    /// A template's name and text as staff entered them: every problem at once. Returns the
    /// trimmed name.
    public static func validate(name: String, text: String) throws -> String {
        var errors = ValidationErrors()
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { errors.add("name", "REQUIRED", "name is required") }
        if name.count > 100 { errors.add("name", "TOO_LONG", "name is longer than 100 characters") }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { errors.add("text", "REQUIRED", "text is required") }
        if text.count > 50_000 { errors.add("text", "TOO_LONG", "text is longer than 50,000 characters") }
        // An unknown placeholder is refused now, not found later in a reply.
        for match in text.matches(of: /\{[a-z_]+\}/) where !placeholders.contains(String(match.output)) {
            errors.add("text", "UNKNOWN_PLACEHOLDER", "unknown placeholder \(match.output); known: \(placeholders.joined(separator: " "))")
        }
        try errors.check()
        return name
    }

    /// The template's text for `item`.
    public func render(for item: Item) -> String {
        let lead = item.proposers.first(where: \.lead)
        return text
            .replacingOccurrences(of: "{number}", with: item.number)
            .replacingOccurrences(of: "{title}", with: item.title)
            .replacingOccurrences(of: "{year}", with: String(item.year))
            .replacingOccurrences(of: "{session}", with: item.session)
            .replacingOccurrences(of: "{proposer}", with: lead?.name ?? "")
            .replacingOccurrences(of: "{delegation}", with: lead?.delegation ?? "")
    }
}

/// Where a staff member works: the proposals office (提案办) runs the whole workflow; the
/// staff of a handling unit (科室) handle only the items assigned to their unit.
public enum StaffScope: Sendable, Equatable {
    case office
    case unit(String)
}
