import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation

/// The public register, its changes feed, and the division report (docs/ELDERCARE.md §13–§14).
extension EldercareHandler {
    /// The most changes one feed call answers.
    static let maxChangesPage = 1000

    public func listRegister(_ request: Civic_Eldercare_V1_ListRegisterRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_ListRegisterResponse {
        let within = try DivisionReach.division(request.within, field: "within")
        let page = try await store.registerEntries(within: within, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Eldercare_V1_ListRegisterResponse()
        response.entries = page.items
        response.page = .init(page)
        return response
    }

    public func listRegisterChanges(_ request: Civic_Eldercare_V1_ListRegisterChangesRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListRegisterChangesResponse
    {
        let after: Int64
        if request.after.isEmpty {
            after = 0
        } else {
            guard let value = Int64(request.after), value >= 0 else {
                throw DomainError.invalid("after is a cursor from an earlier answer", field: "after", reason: "INVALID")
            }
            after = value
        }
        let county = try DivisionReach.division(request.county, field: "county")
        guard (0...Int32(Self.maxChangesPage)).contains(request.pageSize) else {
            throw DomainError.invalid("page_size is 1 to \(Self.maxChangesPage)", field: "page_size", reason: "OUT_OF_RANGE")
        }
        let limit = request.pageSize == 0 ? 500 : Int(request.pageSize)
        let changes = try await store.registerChanges(after: after, county: county, limit: limit)
        var response = Civic_Eldercare_V1_ListRegisterChangesResponse()
        response.changes = changes.map { change in
            .with {
                $0.cursor = String(change.seq)
                $0.changedAt = change.changedAt
                $0.entry = change.entry
            }
        }
        response.nextCursor = changes.last.map { String($0.seq) } ?? request.after
        response.more = changes.count == limit
        return response
    }

    public func getDivisionReport(_ request: Civic_Eldercare_V1_GetDivisionReportRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_DivisionReport
    {
        let reach = try DivisionReach(context.scope)
        guard let scope = try reach.listing(requested: request.within, field: "within") else {
            throw DomainError.invalid("within is required for a key without a division", field: "within", reason: "REQUIRED")
        }
        let asOf = try RequestFields.date(request.asOf, field: "as_of", today: today(), notAfterToday: false)
        let through = try RequestFields.optionalDate(request.usageThrough, field: "usage_through") ?? asOf
        let from = try RequestFields.optionalDate(request.usageFrom, field: "usage_from") ?? through.adding(months: -1).adding(days: 1)
        guard from <= through else {
            throw DomainError.invalid("usage_from \(from) is after usage_through \(through)", field: "usage_from", reason: "AFTER_THROUGH")
        }
        let yearStart = CivilDate(year: asOf.year, month: 1, day: 1)!
        let inputs = try await store.reportInputs(scope: scope, asOf: asOf, usageFrom: from, usageThrough: through, periodFrom: yearStart)
        let report = DivisionReport.make(
            scope: scope, asOf: asOf, divisions: inputs.divisions, institutions: inputs.institutions, facilities: inputs.facilities, usageFrom: from,
            usageThrough: through, idleRule: settings.idle, thresholds: settings.institutions, supervision: inputs.supervision, usageTotals: inputs.usage)
        var response = Civic_Eldercare_V1_DivisionReport()
        response.within = scope.description
        response.asOf = asOf.description
        response.usageFrom = from.description
        response.usageThrough = through.description
        response.lines = report.lines.map { line in
            .with {
                $0.section = line.section
                $0.measure = line.measure
                $0.value = Int64(line.value)
                $0.whole = line.whole.map(String.init) ?? ""
                $0.percent = line.percent?.description ?? ""
            }
        }
        response.idle = report.idle.map { Civic_Eldercare_V1_FacilityUsage($0, from: from, through: through) }
        response.csv = report.csv()
        return response
    }
}
