import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
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
        let credit = try await creditFigures(inputs.creditVersions, from: period.from, through: period.through, asOf: asOf)
        let configured = settings.communityCategories.names
        let community =
            configured.map { (category: $0, count: inputs.community[$0] ?? 0) }
            + inputs.community.filter { !configured.contains($0.key) }.sorted { $0.key < $1.key }.map { (category: $0.key, count: $0.value) }
        return OrganizationsReport(
            within: within, asOf: asOf, year: year, register: inputs.register, community: community, annualInspection: inputs.annualInspection,
            grades: inputs.grades, listed: credit.listed, creditMovements: CreditMovementCounts(credit.movements),
            zombies: .init(inputs.zombieCases, from: period.from, through: period.through),
            illegal: .init(inputs.illegalCases, batches: inputs.batches, from: period.from, through: period.through))
    }

    /// The credit lists' figures: the histories decoded (only those written since the last report;
    /// the first decodes all, in one slice per core), then replayed.
    func creditFigures(_ versions: [(id: String, updatedAt: String)], from: CivilDate, through: CivilDate, asOf: CivilDate) async throws -> (
        listed: [CreditList: Int], movements: [CreditMovement]
    ) {
        let known = await creditHistories.known(versions)
        var histories = known.histories
        if !known.missing.isEmpty {
            let rows = try await store.creditHistories(ids: known.missing)
            let slices = max(1, min(ProcessInfo.processInfo.activeProcessorCount, rows.count / 500))
            let decoded = try await withThrowingTaskGroup(of: [(id: String, updatedAt: String, history: CreditHistory)].self) { group in
                for slice in 0..<slices {
                    let part = Array(rows[rows.count * slice / slices..<rows.count * (slice + 1) / slices])
                    group.addTask { try part.map { (id: $0.id, updatedAt: $0.updatedAt, history: try StoredRecords.decode(CreditHistory.self, $0.record)) } }
                }
                var all: [(id: String, updatedAt: String, history: CreditHistory)] = []
                for try await part in group { all += part }
                return all
            }
            await creditHistories.keep(decoded)
            histories += decoded.map(\.history)
        }
        return try creditRules.reportFigures(of: histories, from: from, through: through, asOf: asOf)
    }
}

/// Credit histories decoded for the report, by body, with the write they were decoded from: a
/// report decodes only the histories written since the last one. Bounded by the number of bodies
/// with a history; a restart starts it empty.
actor CreditHistoryCache {
    private var entries: [String: (updatedAt: String, history: CreditHistory)] = [:]

    /// The histories held at the version asked for, and the ids to read again.
    func known(_ versions: [(id: String, updatedAt: String)]) -> (histories: [CreditHistory], missing: [String]) {
        var histories: [CreditHistory] = []
        var missing: [String] = []
        for version in versions {
            if let entry = entries[version.id], entry.updatedAt == version.updatedAt {
                histories.append(entry.history)
            } else {
                missing.append(version.id)
            }
        }
        return (histories, missing)
    }

    func keep(_ decoded: [(id: String, updatedAt: String, history: CreditHistory)]) {
        for d in decoded { entries[d.id] = (d.updatedAt, d.history) }
    }
}
