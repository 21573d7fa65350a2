import CivicDomain

/// How an institution's risk class for a 双随机 draw is set (decision: RULES.md §2(b) names risk
/// classes and ratios, not how an institution gets its class). Derived from what the register
/// holds when the task is made, so anyone replaying a draw sees why each place was in its class:
///
/// - high: fire safety FAILED, a 重大 finding open, or 备案 overdue;
/// - medium-high: fire safety being rectified, or any finding open;
/// - medium: no valid grade, or fire safety never assessed;
/// - low: the rest.
public enum RiskClassification {
    public static func classify(_ institution: Institution, openFindings: [HazardLevel], filingOverdue: Bool, on day: CivilDate)
        -> InspectionRiskClass
    {
        if institution.fireSafety == .failed || openFindings.contains(.major) || filingOverdue { return .high }
        if institution.fireSafety == .rectifying || !openFindings.isEmpty { return .mediumHigh }
        if institution.validGrade(on: day) == nil || institution.fireSafety == .notAssessed { return .medium }
        return .low
    }

    /// The institutions a draw picks from: those operating or suspended (closing and closed ones are
    /// not inspected for supervision; they are being wound up).
    public static func inPool(_ institution: Institution) -> Bool {
        institution.status == .operating || institution.status == .suspended
    }
}
