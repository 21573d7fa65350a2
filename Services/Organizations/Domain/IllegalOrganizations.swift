import CivicDomain
import Foundation

/// Where a case about a suspected illegal organization (非法社会组织) stands. Case order is
/// stored: append only.
public enum IllegalCaseState: String, Sendable, Hashable, CaseIterable, Codable {
    /// 线索: a tip-off or a finding, not yet looked into.
    case lead
    /// 核查中: staff are verifying it and gathering evidence.
    case verifying
    /// 已处置: closed with an outcome.
    case closed
}

/// How a case ends (S001: "已劝散5 家，引导登记1 家"; RULES.md §3(b)). Case order is stored.
public enum IllegalCaseOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    /// 劝散: persuaded to dissolve.
    case dispersed
    /// 取缔: banned; the ban itself is an enforcement case (the referral travels with the flows
    /// between services), so the case records that it was referred.
    case banned
    /// 引导登记: guided to register (or to file as a community organization).
    case guidedToRegister = "guided_to_register"
    /// 移送: transferred to another authority (公安, 市场监管…), named in the detail.
    case transferred
    /// 不属实: the tip-off did not hold (a registered body, or no activity found).
    case unfounded

    public var chineseName: String {
        switch self {
        case .dispersed: "劝散"
        case .banned: "取缔"
        case .guidedToRegister: "引导登记"
        case .transferred: "移送"
        case .unfounded: "不属实"
        }
    }
}

/// Where a lead came from. An anonymous tip-off keeps no informant (举报人信息).
public struct TipOff: Sendable, Hashable, Codable {
    public enum Channel: String, Sendable, Hashable, CaseIterable, Codable {
        /// 投诉举报 on the platform or by letter.
        case report
        case phone
        case visit
        /// Found by staff (inspection, media, another department's notice).
        case staff
    }

    public var receivedOn: CivilDate
    public var channel: Channel
    public var anonymous: Bool
    /// The informant's name and contact; empty when anonymous. Never published.
    public var informant: String

    public init(receivedOn: CivilDate, channel: Channel, anonymous: Bool, informant: String = "") {
        self.receivedOn = receivedOn
        self.channel = channel
        self.anonymous = anonymous
        self.informant = anonymous ? "" : informant
    }
}

/// A piece of evidence gathered in verification (证据).
public struct CaseEvidence: Sendable, Hashable, Codable {
    public var on: CivilDate
    public var description: String
    /// Staff who gathered it.
    public var by: String

    public init(on: CivilDate, description: String, by: String) {
        self.on = on
        self.description = description
        self.by = by
    }
}

/// What happens to a case.
public enum IllegalCaseEvent: Sendable, Hashable {
    case startVerification(on: CivilDate)
    case addEvidence(CaseEvidence)
    /// Closed with `outcome`; `detail` says to whom a case was transferred, why it did not hold,
    /// or what the body was guided to.
    case close(on: CivilDate, outcome: IllegalCaseOutcome, detail: String)

    public var name: String {
        switch self {
        case .startVerification: "start_verification"
        case .addEvidence: "add_evidence"
        case .close: "close"
        }
    }
}

/// A case about a suspected illegal organization: acting without registration, during 筹备, or
/// after revocation (社团条例 §32, 民非条例 §27, 基金会条例 §40). 民政部: "涉嫌" is a warning, not a
/// verdict, and evidence comes before 取缔 — so every outcome but 不属实 needs evidence, and a
/// case is published on a 涉嫌 list only with evidence.
public struct IllegalOrganizationCase: Sendable, Hashable, Codable {
    public var id: String
    /// The name the group uses (often mimicking a legal one).
    public var nameUsed: String
    /// What it does (activities, fees collected, events held).
    public var activities: String
    /// The county-level division where it acts.
    public var division: DivisionCode
    public var tipOff: TipOff
    public private(set) var state: IllegalCaseState
    public private(set) var verificationStartedOn: CivilDate?
    public private(set) var evidence: [CaseEvidence]
    public private(set) var outcome: IllegalCaseOutcome?
    public private(set) var closedOn: CivilDate?
    public private(set) var outcomeDetail: String
    /// The 涉嫌 list batch it was published in, if any.
    public var publishedInBatch: String?

    /// A new lead. Refusals (every one at once): "name_used" REQUIRED / TOO_LONG, "activities"
    /// TOO_LONG.
    public init(id: String, nameUsed: String, activities: String = "", division: DivisionCode, tipOff: TipOff) throws {
        var errors = ValidationErrors()
        if nameUsed.allSatisfy(\.isWhitespace) {
            errors.add("name_used", "REQUIRED", "the name the group uses is required")
        } else if nameUsed.count > OrganizationRules.maxNameLength * 2 {
            errors.add("name_used", "TOO_LONG", "a name has at most \(OrganizationRules.maxNameLength * 2) characters")
        }
        if activities.count > OrganizationRules.maxTextLength { errors.add("activities", "TOO_LONG", "at most \(OrganizationRules.maxTextLength) characters") }
        try errors.check()
        self.id = id
        self.nameUsed = nameUsed.trimmingCharacters(in: .whitespaces)
        self.activities = activities
        self.division = division
        self.tipOff = tipOff
        self.state = .lead
        self.evidence = []
        self.outcomeDetail = ""
    }

    /// Applies `event`, or throws and changes nothing:
    /// - startVerification: lead → verifying;
    /// - addEvidence: verifying ("description" REQUIRED);
    /// - close: lead (only as UNFOUNDED) or verifying → closed; every outcome but UNFOUNDED needs
    ///   evidence (FAILED_PRECONDITION NO_EVIDENCE); "detail" REQUIRED for TRANSFERRED (to whom)
    ///   and UNFOUNDED (why).
    /// Other moves are FAILED_PRECONDITION "state" INVALID_STATE; a day before the last step is
    /// INVALID_ARGUMENT "on" BEFORE_LAST_STEP.
    public mutating func apply(_ event: IllegalCaseEvent) throws {
        var next = self
        switch event {
        case .startVerification(let on):
            try require([.lead], event, on: on)
            next.state = .verifying
            next.verificationStartedOn = on
        case .addEvidence(let item):
            try require([.verifying], event, on: item.on)
            if item.description.allSatisfy(\.isWhitespace) {
                throw DomainError.invalid("describe the evidence", field: "description", reason: "REQUIRED")
            }
            if item.description.count > OrganizationRules.maxTextLength {
                throw DomainError.invalid("at most \(OrganizationRules.maxTextLength) characters", field: "description", reason: "TOO_LONG")
            }
            next.evidence.append(item)
        case .close(let on, let outcome, let detail):
            try require(outcome == .unfounded ? [.lead, .verifying] : [.verifying], event, on: on)
            if outcome != .unfounded && evidence.isEmpty {
                throw DomainError.failedPrecondition("\(outcome.chineseName) needs evidence first (证据在先)", reason: "NO_EVIDENCE")
            }
            if (outcome == .transferred || outcome == .unfounded) && detail.allSatisfy(\.isWhitespace) {
                throw DomainError.invalid(
                    outcome == .transferred ? "say to whom the case goes" : "say why the tip-off did not hold", field: "detail", reason: "REQUIRED")
            }
            if detail.count > OrganizationRules.maxTextLength {
                throw DomainError.invalid("at most \(OrganizationRules.maxTextLength) characters", field: "detail", reason: "TOO_LONG")
            }
            next.state = .closed
            next.outcome = outcome
            next.closedOn = on
            next.outcomeDetail = detail
        }
        self = next
    }

    /// Whether it may appear on a 涉嫌 list: evidence gathered and not found unfounded.
    public var isPublishable: Bool { !evidence.isEmpty && outcome != .unfounded }

    var lastStep: CivilDate {
        [tipOff.receivedOn, verificationStartedOn, evidence.map(\.on).max(), closedOn].compactMap { $0 }.max() ?? tipOff.receivedOn
    }

    private func require(_ states: [IllegalCaseState], _ event: IllegalCaseEvent, on day: CivilDate) throws {
        guard states.contains(state) else {
            throw DomainError(
                .failedPrecondition, "cannot \(event.name) a case that is \(state.rawValue.uppercased())",
                problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the case is \(state.rawValue.uppercased())")])
        }
        if day < lastStep {
            throw DomainError.invalid("\(day) is before the case's last step (\(lastStep))", field: "on", reason: "BEFORE_LAST_STEP")
        }
    }
}

/// A published batch of the 涉嫌非法社会组织 list (民政部 publishes them in batches: 2021 batch 1
/// of 10, batch 2 of 10…).
public struct SuspectedListBatch: Sendable, Hashable, Codable {
    public var number: String
    public var title: String
    public var publishedOn: CivilDate
    /// The cases, in list order, each with the name it is published under.
    public var entries: [Entry]

    /// The registrar's division that published it.
    public var publisher: DivisionCode?

    public struct Entry: Sendable, Hashable, Codable {
        public var caseID: String
        public var nameUsed: String
        /// Where the group acts.
        public var division: DivisionCode
    }

    /// A batch of `cases` published by the registrar of `publisher`. Refusals (every one at once):
    /// "number" REQUIRED; "case_ids" REQUIRED (empty), DUPLICATE, NO_EVIDENCE (a case without evidence,
    /// or found unfounded), ALREADY_PUBLISHED (in another batch), OUTSIDE_DIVISION (acting outside
    /// `publisher`: a registrar lists what happens in its own area).
    public init(
        number: String, title: String, publishedOn: CivilDate, cases: [IllegalOrganizationCase], publisher: DivisionCode? = nil
    ) throws {
        var errors = ValidationErrors()
        if number.allSatisfy(\.isWhitespace) { errors.add("number", "REQUIRED", "the batch number is required") }
        if cases.isEmpty { errors.add("case_ids", "REQUIRED", "a batch lists at least one case") }
        var seen = Set<String>()
        for c in cases {
            if !seen.insert(c.id).inserted { errors.add("case_ids", "DUPLICATE", "\(c.id) is listed twice") }
            if !c.isPublishable { errors.add("case_ids", "NO_EVIDENCE", "\(c.id) has no evidence or did not hold: 涉嫌 needs evidence") }
            if let batch = c.publishedInBatch { errors.add("case_ids", "ALREADY_PUBLISHED", "\(c.id) is in batch \(batch) already") }
            if let publisher, !publisher.contains(c.division) {
                errors.add("case_ids", "OUTSIDE_DIVISION", "\(c.id) acts in \(c.division), outside \(publisher)")
            }
        }
        try errors.check()
        self.number = number.trimmingCharacters(in: .whitespaces)
        self.title = title
        self.publishedOn = publishedOn
        self.publisher = publisher
        self.entries = cases.map { Entry(caseID: $0.id, nameUsed: $0.nameUsed, division: $0.division) }
    }
}

/// 社区社会组织 are filed (备案), not registered, in categories the bureau configures (S003's
/// four: 生活服务、公益慈善、文体活动、专业调处; S001 speaks of six).
public struct CommunityCategories: Sendable, Hashable, Codable {
    public var names: [String]

    public static let standard = CommunityCategories(names: ["生活服务", "公益慈善", "文体活动", "专业调处"])

    /// Refusals: "categories" REQUIRED (none), DUPLICATE, BLANK.
    public init(names: [String]) {
        self.names = names
    }

    public func validated() throws -> CommunityCategories {
        var errors = ValidationErrors()
        if names.isEmpty { errors.add("categories", "REQUIRED", "at least one category") }
        if names.contains(where: { $0.allSatisfy(\.isWhitespace) }) { errors.add("categories", "BLANK", "a category has a name") }
        if Set(names).count != names.count { errors.add("categories", "DUPLICATE", "a category is listed twice") }
        try errors.check()
        return self
    }
}

/// A community organization's filing (社区社会组织备案) with its community or street.
public struct CommunityOrganizationFiling: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var category: String
    /// The community (or village) it serves: a 12-digit code.
    public var community: String
    /// Its county, for staff's division scope.
    public var county: DivisionCode
    public var contact: String
    public var members: Int
    public var activities: String
    public var filedOn: CivilDate
    /// 备案注销 (dissolved or merged), when it happened.
    public var cancelledOn: CivilDate?

    public init(
        id: String = "", name: String, category: String, community: String, county: DivisionCode, contact: String = "", members: Int = 0,
        activities: String = "", filedOn: CivilDate, cancelledOn: CivilDate? = nil
    ) {
        self.id = id
        self.name = name
        self.category = category
        self.community = community
        self.county = county
        self.contact = contact
        self.members = members
        self.activities = activities
        self.filedOn = filedOn
        self.cancelledOn = cancelledOn
    }

    /// Every problem: "name" REQUIRED / TOO_LONG; "category" UNKNOWN (not in `categories`);
    /// "community" BAD_FORM (not 12 digits), OUTSIDE_COUNTY (not within `county`); "members"
    /// NEGATIVE; "filed_on" IN_THE_FUTURE.
    public func problems(categories: CommunityCategories, today: CivilDate) -> ValidationErrors {
        var errors = ValidationErrors()
        if name.allSatisfy(\.isWhitespace) {
            errors.add("name", "REQUIRED", "the name is required")
        } else if name.count > OrganizationRules.maxNameLength {
            errors.add("name", "TOO_LONG", "a name has at most \(OrganizationRules.maxNameLength) characters")
        }
        if !categories.names.contains(category) {
            errors.add("category", "UNKNOWN", "the category is one of \(categories.names.joined(separator: "、"))")
        }
        if community.count != 12 || !community.allSatisfy(\.isASCIIDigit) {
            errors.add("community", "BAD_FORM", "a community code has 12 digits")
        } else if !community.hasPrefix(String(county.description.prefix(6))) {
            errors.add("community", "OUTSIDE_COUNTY", "community \(community) is not in county \(county)")
        }
        if members < 0 { errors.add("members", "NEGATIVE", "a member count cannot be negative") }
        if filedOn > today { errors.add("filed_on", "IN_THE_FUTURE", "filed_on \(filedOn) is after today (\(today))") }
        return errors
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
