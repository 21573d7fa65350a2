import CivicDomain

/// The three kinds of social organization a civil-affairs registrar registers (RULES.md §3(a)).
/// Case order is stored: append only.
public enum OrganizationType: String, Sendable, Hashable, CaseIterable, Codable {
    /// 社会团体 (incl. 行业协会商会): 社会团体登记管理条例.
    case socialGroup = "social_group"
    /// 民办非企业单位 (社会服务机构): 民办非企业单位登记管理暂行条例.
    case privateNonEnterprise = "private_non_enterprise"
    /// 基金会: 基金会管理条例.
    case foundation

    public var chineseName: String {
        switch self {
        case .socialGroup: "社会团体"
        case .privateNonEnterprise: "民办非企业单位"
        case .foundation: "基金会"
        }
    }

    /// The credit code's second character for this type (GB 32100 with 民政's '5' first).
    public var creditCodeType: UnifiedSocialCreditCode.CivilAffairsType {
        switch self {
        case .socialGroup: .socialGroup
        case .privateNonEnterprise: .privateNonEnterprise
        case .foundation: .foundation
        }
    }
}

/// A foundation's kind (基金会管理条例 §3, §8): whether it may raise funds from the public.
public enum FoundationKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// 公募基金会.
    case publicFundraising = "public_fundraising"
    /// 非公募基金会.
    case nonPublicFundraising = "non_public_fundraising"
}

/// The level of the registrar (登记管理机关) that registered the body. Case order is stored.
public enum RegistrarLevel: String, Sendable, Hashable, CaseIterable, Codable {
    /// 民政部: a national body (全国性).
    case national
    /// 省级民政厅.
    case provincial
    /// 地市级民政局.
    case prefecture
    /// 县级民政局.
    case county

    /// National bodies may use 中国 / 全国 / 中华; local ones never (社团条例 §10, 民非条例 §8).
    public var isNational: Bool { self == .national }
}

/// A registered body's status (RULES.md §3(a)). Case order is stored: append only.
///
/// Allowed moves (decision; the regulations name the states and their triggers):
/// - preparing → registered (登记, on approval) or deregistered (筹备 abandoned);
/// - registered → activitiesSuspended (限期停止活动, a penalty), revoked (撤销登记), deregistered
///   (注销, after liquidation);
/// - activitiesSuspended → registered (the period served), revoked, deregistered;
/// - revoked and deregistered are final: the name may be registered again only by a new body.
public enum OrganizationStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// 筹备中 (社团 after 筹备 approval, before 成立登记).
    case preparing
    /// 已登记 / 正常.
    case registered
    /// 限期停止活动.
    case activitiesSuspended = "activities_suspended"
    /// 撤销登记.
    case revoked
    /// 注销登记.
    case deregistered

    public var chineseName: String {
        switch self {
        case .preparing: "筹备中"
        case .registered: "正常"
        case .activitiesSuspended: "限期停止活动"
        case .revoked: "撤销登记"
        case .deregistered: "注销登记"
        }
    }

    /// The statuses this one may move to.
    public var next: Set<OrganizationStatus> {
        switch self {
        case .preparing: [.registered, .deregistered]
        case .registered: [.activitiesSuspended, .revoked, .deregistered]
        case .activitiesSuspended: [.registered, .revoked, .deregistered]
        case .revoked, .deregistered: []
        }
    }

    /// Whether the body exists in law on the register (may act in its own name).
    public var isActive: Bool { self == .registered || self == .activitiesSuspended }
}

/// One move of an organization's status, kept in its history.
public struct StatusChange: Sendable, Hashable, Codable {
    public var from: OrganizationStatus?
    public var to: OrganizationStatus
    public var on: CivilDate
    /// The decision or document (文号), when there is one.
    public var document: String
    public var reason: String

    public init(from: OrganizationStatus?, to: OrganizationStatus, on: CivilDate, document: String = "", reason: String = "") {
        self.from = from
        self.to = to
        self.on = on
        self.document = document
        self.reason = reason
    }
}

/// A registered social organization (社会组织), as the register holds it. The legal
/// representative's ID number is not part of the value: the store keeps it apart, as it keeps
/// residents' numbers, and answers it masked.
public struct Organization: Sendable, Hashable, Codable {
    public var id: String
    /// 统一社会信用代码, upper case; its second character matches `type`.
    public var creditCode: String
    /// The old 登记证号, when the body had one before credit codes.
    public var oldRegistrationNumber: String
    public var name: String
    public var type: OrganizationType
    /// 行业协会商会 (a 社会团体 only): directly registrable since 2016 and counted apart.
    public var isTradeAssociation: Bool
    /// A foundation's kind (nil for other types).
    public var foundationKind: FoundationKind?
    /// 业务主管单位; empty when directly registrable.
    public var sponsor: String
    /// 直接登记 (行业协会商会, 科技类, 公益慈善类, 城乡社区服务类): no sponsor.
    public var directlyRegistrable: Bool
    public var registrarLevel: RegistrarLevel
    /// The registrar's division (100000 for 民政部).
    public var registrarDivision: DivisionCode
    /// 住所.
    public var domicile: String
    /// The county-level division the body sits in (its place for staff and reports).
    public var division: DivisionCode
    /// 宗旨.
    public var purpose: String
    /// 业务范围.
    public var businessScope: String
    /// 活动地域.
    public var activityArea: String
    /// 法定代表人.
    public var legalRepresentative: String
    /// 活动资金 / 开办资金 / 原始基金, in fen.
    public var funds: Fen
    public var individualMembers: Int
    public var unitMembers: Int
    /// 已建立党组织.
    public var hasPartyOrganization: Bool
    /// 成立登记 date; nil while preparing.
    public var registeredOn: CivilDate?
    public private(set) var status: OrganizationStatus
    public private(set) var history: [StatusChange]

    public init(
        id: String = "", creditCode: String, oldRegistrationNumber: String = "", name: String, type: OrganizationType, isTradeAssociation: Bool = false,
        foundationKind: FoundationKind? = nil, sponsor: String = "", directlyRegistrable: Bool = false, registrarLevel: RegistrarLevel,
        registrarDivision: DivisionCode, domicile: String = "", division: DivisionCode, purpose: String = "", businessScope: String = "",
        activityArea: String = "", legalRepresentative: String = "", funds: Fen = .zero, individualMembers: Int = 0, unitMembers: Int = 0,
        hasPartyOrganization: Bool = false, registeredOn: CivilDate? = nil, status: OrganizationStatus = .registered, history: [StatusChange] = []
    ) {
        self.id = id
        self.creditCode = creditCode
        self.oldRegistrationNumber = oldRegistrationNumber
        self.name = name
        self.type = type
        self.isTradeAssociation = isTradeAssociation
        self.foundationKind = foundationKind
        self.sponsor = sponsor
        self.directlyRegistrable = directlyRegistrable
        self.registrarLevel = registrarLevel
        self.registrarDivision = registrarDivision
        self.domicile = domicile
        self.division = division
        self.purpose = purpose
        self.businessScope = businessScope
        self.activityArea = activityArea
        self.legalRepresentative = legalRepresentative
        self.funds = funds
        self.individualMembers = individualMembers
        self.unitMembers = unitMembers
        self.hasPartyOrganization = hasPartyOrganization
        self.registeredOn = registeredOn
        self.status = status
        self.history = history
    }

    /// Moves the status, recording the change; an illegal move is FAILED_PRECONDITION
    /// ("status" INVALID_STATE) and changes nothing. Registering sets `registeredOn`.
    public mutating func move(to status: OrganizationStatus, on day: CivilDate, document: String = "", reason: String = "") throws {
        guard self.status.next.contains(status) else {
            throw DomainError(
                .failedPrecondition, "cannot move an organization that is \(self.status.rawValue.uppercased()) to \(status.rawValue.uppercased())",
                problems: [FieldProblem(field: "status", reason: "INVALID_STATE", description: "the organization is \(self.status.rawValue.uppercased())")])
        }
        if let last = history.last, day < last.on {
            throw DomainError.invalid("the change on \(day) is before the last one (\(last.on))", field: "on", reason: "BEFORE_LAST_CHANGE")
        }
        history.append(StatusChange(from: self.status, to: status, on: day, document: document, reason: reason))
        self.status = status
        if status == .registered && registeredOn == nil { registeredOn = day }
    }

    /// Undoes the status change made under `document` when its decision is revoked (撤销行政处罚决定:
    /// the decision never was, so the body stands as before it): back to the status it left, recorded
    /// as a change of its own. Only the latest change can be undone — a body that moved on since (注销,
    /// another decision) keeps where it is, and false is answered.
    public mutating func undoStatusChange(madeBy document: String, on day: CivilDate, reason: String) -> Bool {
        guard let last = history.last, last.document == document, last.to == status, let before = last.from else { return false }
        history.append(StatusChange(from: status, to: before, on: max(day, last.on), document: document, reason: reason))
        status = before
        return true
    }
}

/// The register's rules for one organization's fields (what a registration, an update or an
/// import checks). Every problem is reported at once, each with its field and reason.
public enum OrganizationRules {
    public static let maxNameLength = 50
    public static let maxTextLength = 2000

    /// Every problem of `organization`:
    /// - "name" REQUIRED / TOO_LONG; "credit_code" REQUIRED or the code's own reasons
    ///   (`BAD_LENGTH`, `BAD_CHARACTERS`, `BAD_DIVISION_CODE`, `BAD_CHECK_CHARACTER`; codes in
    ///   `legacyCreditCodes` pass), NOT_CIVIL_AFFAIRS (first character not '5'), TYPE_MISMATCH (its
    ///   second character does not match the type: a '3' code must be a 基金会);
    /// - "sponsor" REQUIRED unless directly registrable, NOT_EMPTY when directly registrable;
    /// - "is_trade_association" NOT_A_SOCIAL_GROUP; "foundation_kind" REQUIRED for a 基金会,
    ///   NOT_A_FOUNDATION otherwise;
    /// - "funds" NEGATIVE; "individual_members" / "unit_members" NEGATIVE;
    /// - "division" NOT_A_COUNTY (a county-level code) unless registered nationally;
    /// - "registered_on" REQUIRED once registered, IN_THE_FUTURE;
    /// - purpose, business scope, activity area, domicile TOO_LONG.
    public static func problems(_ o: Organization, today: CivilDate, legacyCreditCodes: Set<String> = []) -> ValidationErrors {
        var errors = ValidationErrors()
        if o.name.allSatisfy(\.isWhitespace) {
            errors.add("name", "REQUIRED", "the name is required")
        } else if o.name.count > maxNameLength {
            errors.add("name", "TOO_LONG", "a name has at most \(maxNameLength) characters")
        }
        if o.creditCode.isEmpty {
            errors.add("credit_code", "REQUIRED", "the unified social credit code is required")
        } else if let code = UnifiedSocialCreditCode.validate(o.creditCode, field: "credit_code", legacyAllowList: legacyCreditCodes, into: &errors) {
            if code.registrationAuthority != "5" {
                errors.add("credit_code", "NOT_CIVIL_AFFAIRS", "a social organization's code starts with 5 (民政), not \(code.registrationAuthority)")
            } else if code.civilAffairsType != o.type.creditCodeType {
                errors.add(
                    "credit_code", "TYPE_MISMATCH",
                    "the code's type character \(code.organizationType) does not match a \(o.type.chineseName) (\(o.type.creditCodeType.rawValue))")
            }
        }
        if o.directlyRegistrable {
            if !o.sponsor.isEmpty { errors.add("sponsor", "NOT_EMPTY", "a directly registrable body has no sponsor unit") }
        } else if o.sponsor.allSatisfy(\.isWhitespace) {
            errors.add("sponsor", "REQUIRED", "the sponsor unit (业务主管单位) is required unless the body is directly registrable")
        }
        if o.isTradeAssociation && o.type != .socialGroup {
            errors.add("is_trade_association", "NOT_A_SOCIAL_GROUP", "only a 社会团体 is a 行业协会商会")
        }
        switch (o.type, o.foundationKind) {
        case (.foundation, nil): errors.add("foundation_kind", "REQUIRED", "a foundation is 公募 or 非公募")
        case (.socialGroup, .some), (.privateNonEnterprise, .some):
            errors.add("foundation_kind", "NOT_A_FOUNDATION", "only a foundation has a fundraising kind")
        default: break
        }
        if o.funds.fen < 0 { errors.add("funds", "NEGATIVE", "funds cannot be negative") }
        if o.individualMembers < 0 { errors.add("individual_members", "NEGATIVE", "a member count cannot be negative") }
        if o.unitMembers < 0 { errors.add("unit_members", "NEGATIVE", "a member count cannot be negative") }
        if !o.registrarLevel.isNational && o.division.level != .county {
            errors.add("division", "NOT_A_COUNTY", "a local body's division is a county-level code, not \(o.division)")
        }
        if o.status != .preparing {
            if let registeredOn = o.registeredOn {
                if registeredOn > today { errors.add("registered_on", "IN_THE_FUTURE", "registered_on \(registeredOn) is after today (\(today))") }
            } else {
                errors.add("registered_on", "REQUIRED", "a registered body has a registration date")
            }
        }
        for (field, text) in [
            ("purpose", o.purpose), ("business_scope", o.businessScope), ("activity_area", o.activityArea), ("domicile", o.domicile),
            ("sponsor", o.sponsor), ("legal_representative", o.legalRepresentative),
        ] where text.count > maxTextLength {
            errors.add(field, "TOO_LONG", "\(field) has at most \(maxTextLength) characters")
        }
        return errors
    }
}
