import CivicDomain

/// What an officer may do in a case (RULES.md §4(a)).
public enum OfficerRole: String, Sendable, Hashable, CaseIterable, Codable {
    /// 调查取证: inspects, gathers evidence, serves documents.
    case investigator
    /// 法制审核 (行政处罚法 §58): never the case's investigator; a first-time reviewer holds 法律职业资格.
    case legalReviewer = "legal_reviewer"
    /// 听证主持人 (§64(4)): never the case's investigator.
    case hearingHost = "hearing_host"
    /// 负责人 who approves (立案, extensions, decisions).
    case approver
}

public enum OfficerStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case active
    /// 暂扣 / 停止执法: may not act until restored.
    case suspended
    /// 注销 / 调离.
    case withdrawn
}

/// A certified enforcement officer (执法人员) with an enforcement certificate (行政执法证).
public struct Officer: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    /// 执法证号.
    public var certificateNumber: String
    public var certificateIssuedOn: CivilDate
    public var certificateExpiresOn: CivilDate
    public var status: OfficerStatus
    public var roles: Set<OfficerRole>
    /// 法律职业资格 (needed by a first-time legal reviewer, §58 ¶2).
    public var legalQualification: Bool
    /// The division whose cases the officer works.
    public var division: DivisionCode

    public init(
        id: String = "", name: String, certificateNumber: String, certificateIssuedOn: CivilDate, certificateExpiresOn: CivilDate,
        status: OfficerStatus = .active, roles: Set<OfficerRole>, legalQualification: Bool = false, division: DivisionCode
    ) {
        self.id = id
        self.name = name
        self.certificateNumber = certificateNumber
        self.certificateIssuedOn = certificateIssuedOn
        self.certificateExpiresOn = certificateExpiresOn
        self.status = status
        self.roles = roles
        self.legalQualification = legalQualification
        self.division = division
    }

    /// Every problem: "name" / "certificate_number" REQUIRED; "certificate_expires_on"
    /// BEFORE_ISSUE; "roles" REQUIRED; "legal_qualification" REQUIRED for a legal reviewer.
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        if name.allSatisfy(\.isWhitespace) { errors.add("name", "REQUIRED", "the officer's name is required") }
        if certificateNumber.allSatisfy(\.isWhitespace) { errors.add("certificate_number", "REQUIRED", "the 执法证 number is required") }
        if certificateExpiresOn < certificateIssuedOn {
            errors.add(
                "certificate_expires_on", "BEFORE_ISSUE", "the certificate expires on \(certificateExpiresOn), before its issue on \(certificateIssuedOn)")
        }
        if roles.isEmpty { errors.add("roles", "REQUIRED", "an officer has at least one role") }
        if roles.contains(.legalReviewer) && !legalQualification {
            errors.add("legal_qualification", "REQUIRED", "a legal reviewer holds 法律职业资格 (行政处罚法 §58 ¶2)")
        }
        return errors
    }

    /// Certified on `day`: active, and `day` within the certificate's validity (both ends included).
    public func isCertified(on day: CivilDate) -> Bool {
        status == .active && certificateIssuedOn <= day && day <= certificateExpiresOn
    }
}

/// The officer rules of 行政处罚法 §42, §55, §58 and §64.
public enum OfficerRules {
    /// The fewest officers on an enforcement action (§42: 不得少于两人).
    public static let minimumOfficers = 2

    /// An action (inspection, evidence, notice, service) on `day` by `officers`: at least two
    /// different officers, each certified that day (FAILED_PRECONDITION, all problems at once):
    /// "officers" TOO_FEW; "officers[name]" NOT_CERTIFIED (inactive, not yet issued or expired).
    public static func checkAction(by officers: [Officer], on day: CivilDate) throws {
        var problems: [FieldProblem] = []
        var seen = Set<String>()
        let distinct = officers.filter { seen.insert($0.certificateNumber).inserted }
        if distinct.count < minimumOfficers {
            problems.append(
                FieldProblem(field: "officers", reason: "TOO_FEW", description: "an action needs at least \(minimumOfficers) officers (行政处罚法 §42)"))
        }
        for officer in distinct where !officer.isCertified(on: day) {
            let why: String
            switch officer.status {
            case .active:
                why =
                    day < officer.certificateIssuedOn
                    ? "certificate issued on \(officer.certificateIssuedOn)" : "certificate expired on \(officer.certificateExpiresOn)"
            case .suspended, .withdrawn:
                why = officer.status.rawValue
            }
            problems.append(FieldProblem(field: "officers[\(officer.name)]", reason: "NOT_CERTIFIED", description: "\(officer.name): \(why) on \(day)"))
        }
        if !problems.isEmpty { throw DomainError(.failedPrecondition, "the officers cannot act on \(day)", problems: problems) }
    }

    /// The hearing host (§64(4)) and the legal reviewer (§58) are never one of the case's
    /// investigators, and hold the role: FAILED_PRECONDITION "hearing_host" / "legal_reviewer"
    /// IS_INVESTIGATOR or MISSING_ROLE.
    public static func checkIndependent(_ officer: Officer, as role: OfficerRole, investigators: [Officer]) throws {
        let field = role.rawValue
        if investigators.contains(where: { $0.certificateNumber == officer.certificateNumber }) {
            throw DomainError(
                .failedPrecondition, "\(officer.name) investigated this case and cannot be its \(field)",
                problems: [FieldProblem(field: field, reason: "IS_INVESTIGATOR", description: "\(officer.name) is an investigator of the case")])
        }
        if !officer.roles.contains(role) {
            throw DomainError(
                .failedPrecondition, "\(officer.name) is not a \(field)",
                problems: [FieldProblem(field: field, reason: "MISSING_ROLE", description: "\(officer.name) does not hold the \(field) role")])
        }
    }

    /// 持证率: certified officers on `day` over the enforcement posts (S001: 4 of 8 = 50.0).
    public static func certifiedRate(_ officers: [Officer], posts: Int, on day: CivilDate) -> Percentage {
        Percentage(officers.filter { $0.isCertified(on: day) }.count, of: posts)
    }
}
