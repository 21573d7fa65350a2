import CivicDomain

/// What an institution's risk class comes from, as the register holds it when a task is made.
public struct RiskFacts: Sendable, Hashable {
    public var id: String
    public var status: InstitutionStatus
    public var fireSafety: FireSafetyStatus
    public var grade: CareGrade?
    public var gradeValidUntil: CivilDate?
    public var filedOn: CivilDate?
    /// The hazard levels of its open findings.
    public var openFindings: [HazardLevel]
    /// The day of its first admission (the 备案 clock's start), if any.
    public var firstAdmission: CivilDate?

    public init(
        id: String, status: InstitutionStatus, fireSafety: FireSafetyStatus, grade: CareGrade? = nil, gradeValidUntil: CivilDate? = nil,
        filedOn: CivilDate? = nil, openFindings: [HazardLevel] = [], firstAdmission: CivilDate? = nil
    ) {
        self.id = id
        self.status = status
        self.fireSafety = fireSafety
        self.grade = grade
        self.gradeValidUntil = gradeValidUntil
        self.filedOn = filedOn
        self.openFindings = openFindings
        self.firstAdmission = firstAdmission
    }

    /// A grade that has not expired on `day`.
    public func hasValidGrade(on day: CivilDate) -> Bool { CareGrade.valid(grade, until: gradeValidUntil, on: day) != nil }
}

/// How an institution's risk class for a 双随机 draw is set (decision: RULES.md §2(b) names risk
/// classes and ratios, not how an institution gets its class). Derived from what the register
/// holds when the task is made, so anyone replaying a draw sees why each place was in its class:
///
/// - high: fire safety FAILED, a 重大 finding open, or 备案 overdue;
/// - medium-high: fire safety being rectified, or any finding open;
/// - medium: no valid grade, or fire safety never assessed;
/// - low: the rest.
public enum RiskClassification {
    public static func classify(_ facts: RiskFacts, filingOverdue: Bool, on day: CivilDate) -> InspectionRiskClass {
        if facts.fireSafety == .failed || facts.openFindings.contains(.major) || filingOverdue { return .high }
        if facts.fireSafety == .rectifying || !facts.openFindings.isEmpty { return .mediumHigh }
        if !facts.hasValidGrade(on: day) || facts.fireSafety == .notAssessed { return .medium }
        return .low
    }

    /// The institutions a draw picks from: those operating or suspended (closing and closed ones are
    /// not inspected for supervision; they are being wound up).
    public static func inPool(_ status: InstitutionStatus) -> Bool {
        status == .operating || status == .suspended
    }

    /// The pool of a draw on `day`: the institutions in it, each with its class; 备案 overdue is
    /// judged by `filing`.
    public static func pool(_ candidates: [RiskFacts], filing: FilingClock, on day: CivilDate) -> [DrawPoolEntry] {
        candidates.compactMap { facts in
            guard inPool(facts.status) else { return nil }
            let overdue = filing.status(firstAdmission: facts.firstAdmission, filedOn: facts.filedOn, on: day) == .overdue
            return DrawPoolEntry(id: facts.id, riskClass: classify(facts, filingOverdue: overdue, on: day))
        }
    }
}
