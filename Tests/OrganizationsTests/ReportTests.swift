import CivicDomain
import OrganizationsDomain
import Testing

@Suite("The organizations report")
struct ReportTests {
    typealias S = OrgSamples

    /// S001: 安阳 307 social organizations, 123 with a party organization: 40.1%.
    static let anyang = [
        OrganizationsReport.RegisterCount(type: .socialGroup, status: .registered, count: 170, tradeAssociations: 41, partyOrganizations: 80),
        OrganizationsReport.RegisterCount(type: .privateNonEnterprise, status: .registered, count: 120, partyOrganizations: 38),
        OrganizationsReport.RegisterCount(type: .privateNonEnterprise, status: .activitiesSuspended, count: 5, partyOrganizations: 1),
        OrganizationsReport.RegisterCount(type: .foundation, status: .registered, count: 12, partyOrganizations: 4),
        // Gone bodies are counted on their own lines and not in the coverage.
        OrganizationsReport.RegisterCount(type: .socialGroup, status: .revoked, count: 9, partyOrganizations: 3),
        OrganizationsReport.RegisterCount(type: .socialGroup, status: .deregistered, count: 4),
    ]

    @Test func partyCoverageOfAnyangComesOutExactly() {
        let report = OrganizationsReport(within: nil, asOf: S.day("2026-09-22"), year: 2026, register: Self.anyang)
        #expect((report.active, report.activeWithPartyOrganization, report.partyCoverage.description) == (307, 123, "40.1"))
        #expect(report.csv().contains("\nparty,active with a party organization,123,307,40.1\n"))
        #expect(report.csv().contains("\nregister,social_group total,183,,\n"))
        #expect(report.csv().contains("\nregister,active trade associations,41,307,13.4\n"))
        #expect(report.csv().hasPrefix("section,measure,value,whole,percent\nregister,social_group preparing,0,,\n"))
    }

    @Test func periodAndYearOfTheFigures() {
        #expect(OrganizationsReport.period(year: 2026, asOf: S.day("2026-09-22")) == (S.day("2026-01-01"), S.day("2026-09-22")))
        #expect(OrganizationsReport.period(year: 2025, asOf: S.day("2026-09-22")) == (S.day("2025-01-01"), S.day("2025-12-31")))
        let report = OrganizationsReport(
            within: nil, asOf: S.day("2026-09-22"), year: 2026, register: [],
            annualInspection: .init(received: 10, results: [.qualified: 7, .unqualified: 1]))
        let lines = report.lines.filter { $0.section == "annual_inspection 2025" }.map { "\($0.measure) \($0.value) \($0.percent?.description ?? "")" }
        #expect(lines == ["received 10 ", "qualified 7 70.0", "basically_qualified 0 0.0", "unqualified 1 10.0", "pending 2 20.0"])
        // Every list, trigger and outcome has its line, zero or not.
        #expect(report.lines.filter { $0.section == "zombie" }.count == 1 + ZombieTrigger.allCases.count + ZombieCaseState.allCases.count)
        #expect(report.lines.filter { $0.section == "illegal" }.count == 3 + IllegalCaseOutcome.allCases.count)
    }
}
