import CivicDomain
import EldercareDomain
import Testing

@Suite("Risk classes of a 双随机 draw")
struct RiskClassificationTests {
    typealias S = ElderSamples
    static let day = S.day("2026-09-22")

    static func facts(
        _ id: String, status: InstitutionStatus = .operating, fire: FireSafetyStatus = .passed, grade: CareGrade? = .two,
        validUntil: String? = "2027-12-31", filedOn: String? = "2024-01-10", findings: [HazardLevel] = [], firstAdmission: String? = "2024-01-02"
    ) -> RiskFacts {
        RiskFacts(
            id: id, status: status, fireSafety: fire, grade: grade, gradeValidUntil: validUntil.map(S.day), filedOn: filedOn.map(S.day),
            openFindings: findings, firstAdmission: firstAdmission.map(S.day))
    }

    @Test func eachClassFromWhatTheRegisterHolds() {
        func risk(_ facts: RiskFacts, overdue: Bool = false) -> InspectionRiskClass {
            RiskClassification.classify(facts, filingOverdue: overdue, on: Self.day)
        }
        // High: fire safety failed, a 重大 finding open, or 备案 overdue — whatever else holds.
        #expect(risk(Self.facts("a", fire: .failed)) == .high)
        #expect(risk(Self.facts("b", findings: [.general, .major])) == .high)
        #expect(risk(Self.facts("c"), overdue: true) == .high)
        // Medium-high: fire safety being rectified, or any finding open.
        #expect(risk(Self.facts("d", fire: .rectifying)) == .mediumHigh)
        #expect(risk(Self.facts("e", findings: [.general])) == .mediumHigh)
        // Medium: no valid grade (none, or expired the day before), or fire safety never assessed.
        #expect(risk(Self.facts("f", grade: nil, validUntil: nil)) == .medium)
        #expect(risk(Self.facts("g", validUntil: "2026-09-21")) == .medium)
        #expect(risk(Self.facts("h", fire: .notAssessed)) == .medium)
        // Low: graded (valid through the day itself), fire safety passed, nothing open.
        #expect(risk(Self.facts("i", validUntil: "2026-09-22")) == .low)
    }

    /// The pool keeps operating and suspended places only, and judges 备案 overdue by the clock:
    /// first resident Monday 2026-09-07, the tenth working day after is the 调休 Sunday 09-20, so on
    /// 09-22 an unfiled place is overdue; one admitted 09-14 is due 09-28 (after 中秋), not yet.
    @Test func thePoolLeavesOutClosingPlacesAndCountsTheFilingClock() {
        let candidates = [
            Self.facts("p-1", filedOn: nil, firstAdmission: "2026-09-07"),
            Self.facts("p-2", filedOn: nil, firstAdmission: "2026-09-14"),
            Self.facts("p-3", status: .suspended),
            Self.facts("p-4", status: .closing, fire: .failed),
            Self.facts("p-5", status: .closed),
        ]
        let pool = RiskClassification.pool(candidates, filing: FilingClock(), on: Self.day)
        #expect(pool.map { "\($0.id) \($0.riskClass.rawValue)" } == ["p-1 high", "p-2 low", "p-3 low"])
    }
}
