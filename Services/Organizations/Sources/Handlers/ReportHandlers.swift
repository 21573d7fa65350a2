import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import OrganizationsDomain

/// The organizations report and its CSV.
extension OrganizationsHandler {
    public func getOrganizationsReport(_ request: Civic_Organizations_V1_GetOrganizationsReportRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_OrganizationsReport
    {
        let asOf = try day(request.asOf, field: "as_of")
        let year = request.year == 0 ? asOf.year : Int(request.year)
        guard (2000...asOf.year).contains(year) else {
            throw DomainError.invalid("the year is 2000 to \(asOf.year), not \(year)", field: "year", reason: "OUT_OF_RANGE")
        }
        let within = try Caller(context).staffReach().listing(requested: request.within, field: "within")
        let report = try await organizationsReport(within: within, asOf: asOf, year: year)
        return .with {
            $0.within = within?.description ?? ""
            $0.asOf = asOf.description
            $0.year = Int32(year)
            $0.lines = report.lines.map { line in
                .with {
                    $0.section = line.section
                    $0.measure = line.measure
                    $0.value = Int64(line.value)
                    $0.whole = line.whole.map(String.init) ?? ""
                    $0.percent = line.percent?.description ?? ""
                }
            }
            $0.partyCoverage = report.partyCoverage.description
            $0.csv = report.csv()
        }
    }

    func organizationsReport(within: DivisionCode?, asOf: CivilDate, year: Int) async throws -> OrganizationsReport {
        let inputs = try await store.reportInputs(within: within, inspectionYear: year - 1, asOf: asOf)
        let period = OrganizationsReport.period(year: year, asOf: asOf)
        var listed: [CreditList: Int] = [:]
        for history in inputs.creditHistories {
            for list in try creditRules.status(of: history, on: asOf).lists { listed[list, default: 0] += 1 }
        }
        let movements = try creditRules.movements(of: inputs.creditHistories, from: period.from, through: period.through).counts
        let configured = settings.communityCategories.names
        let community =
            configured.map { (category: $0, count: inputs.community[$0] ?? 0) }
            + inputs.community.filter { !configured.contains($0.key) }.sorted { $0.key < $1.key }.map { (category: $0.key, count: $0.value) }
        return OrganizationsReport(
            within: within, asOf: asOf, year: year, register: inputs.register, community: community, annualInspection: inputs.annualInspection,
            grades: inputs.grades, listed: listed, creditMovements: movements,
            zombies: .init(inputs.zombieCases, from: period.from, through: period.through),
            illegal: .init(inputs.illegalCases, batches: inputs.batches, from: period.from, through: period.through))
    }
}
