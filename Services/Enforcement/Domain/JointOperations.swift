import CivicDomain

/// A joint operation (联合执法 / 专项行动) with partner departments — market regulation on trade
/// associations, the crackdown on illegal organizations (S001) — and the cases filed under it.
public struct JointOperation: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// The division leading it (cases within it may be linked).
    public var division: DivisionCode
    /// The partner departments ("安阳市市场监督管理局").
    public var partners: [String]
    public var description: String
    public var startedOn: CivilDate
    /// Nil while open-ended.
    public var endsOn: CivilDate?

    /// INVALID "name" REQUIRED / TOO_LONG (100), "partners" REQUIRED / DUPLICATE, "ends_on"
    /// BEFORE_START, "description" TOO_LONG (2,000).
    public init(
        id: String, name: String, division: DivisionCode, partners: [String], description: String = "", startedOn: CivilDate, endsOn: CivilDate? = nil
    ) throws {
        var errors = ValidationErrors()
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { errors.add("name", "REQUIRED", "name the operation") }
        if trimmed.count > 100 { errors.add("name", "TOO_LONG", "a name has at most 100 characters") }
        let cleaned = partners.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if cleaned.isEmpty { errors.add("partners", "REQUIRED", "a joint operation names at least one partner department") }
        if Set(cleaned).count != cleaned.count { errors.add("partners", "DUPLICATE", "each partner once") }
        if let endsOn, endsOn < startedOn { errors.add("ends_on", "BEFORE_START", "the operation ends on \(endsOn), before it starts on \(startedOn)") }
        if description.count > 2_000 { errors.add("description", "TOO_LONG", "a description has at most 2,000 characters") }
        try errors.check()
        self.id = id
        self.name = trimmed
        self.division = division
        self.partners = cleaned
        self.description = description
        self.startedOn = startedOn
        self.endsOn = endsOn
    }

    public func isActive(on day: CivilDate) -> Bool { startedOn <= day && (endsOn.map { day <= $0 } ?? true) }

    /// A case filed on `day` in `caseDivision`, attributed to `partners`, may join: the operation runs
    /// that day, covers the division, and the partners are its own. FAILED_PRECONDITION
    /// "joint_operation_id" NOT_ACTIVE / OUTSIDE_DIVISION, "joint_partners" NOT_A_PARTNER.
    public func checkLink(filedOn day: CivilDate, division caseDivision: DivisionCode, partners attributed: [String]) throws {
        var problems: [FieldProblem] = []
        if !isActive(on: day) {
            problems.append(FieldProblem(field: "joint_operation_id", reason: "NOT_ACTIVE", description: "\(id) does not run on \(day)"))
        }
        if !division.contains(caseDivision) {
            problems.append(FieldProblem(field: "joint_operation_id", reason: "OUTSIDE_DIVISION", description: "\(id) covers \(division)"))
        }
        for partner in attributed where !partners.contains(partner) {
            problems.append(FieldProblem(field: "joint_partners", reason: "NOT_A_PARTNER", description: "\(partner) is not a partner of \(id)"))
        }
        if !problems.isEmpty { throw DomainError(.failedPrecondition, "the case cannot join joint operation \(id)", problems: problems) }
    }
}

/// A joint operation's figures: each case counted once, and per partner the cases attributed to it.
public struct JointOperationFigures: Sendable, Hashable {
    public var cases = 0
    public var byState: [CaseState: Int] = [:]
    public var penalized = 0
    public var finesImposed = Fen.zero
    public var finesCollected = Fen.zero
    /// In the operation's partner order.
    public var perPartner: [PartnerCount] = []

    public struct PartnerCount: Sendable, Hashable {
        public var partner: String
        public var cases: Int
    }

    public init() {}

    /// The figures of `operation` over its `cases` (those linked to it).
    public init(_ operation: JointOperation, cases linked: [EnforcementCase]) {
        let mine = linked.filter { $0.jointOperationID == operation.id }
        cases = mine.count
        for c in mine {
            byState[c.state, default: 0] += 1
            if c.decision?.outcome == .penalized, c.revocation == nil {
                penalized += 1
                finesImposed = finesImposed + (c.decision?.penalty?.fine ?? .zero)
                finesCollected = finesCollected + min(c.collection?.paid ?? .zero, c.collection?.fine ?? .zero)
            }
        }
        perPartner = operation.partners.map { partner in PartnerCount(partner: partner, cases: mine.filter { $0.jointPartners.contains(partner) }.count) }
    }
}
