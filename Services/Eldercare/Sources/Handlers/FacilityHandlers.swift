import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation

/// Community facilities and their usage (docs/ELDERCARE.md §5).
extension EldercareHandler {
    /// The most days one usage call records.
    static let maxUsageDays = 400

    /// `facility` checked against its rules and its county's divisions table (when loaded).
    func validated(_ facility: CommunityFacility) async throws -> CommunityFacility {
        let divisions = try await store.divisionTable(county: facility.county)
        let problems = FacilityRules.problems(facility, divisions: divisions)
        var named = ValidationErrors()
        for problem in problems.details { named.add("facility.\(problem.field)", problem.reason, problem.description) }
        try named.check()
        return facility
    }

    public func registerFacility(_ request: Civic_Eldercare_V1_RegisterFacilityRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_FacilityResponse
    {
        let reach = try DivisionReach(context.scope)
        guard request.hasFacility else { throw DomainError.invalid("facility is required", field: "facility", reason: "REQUIRED") }
        let facility = try FacilityInput.parse(request.facility)
        try reach.check(facility.county, "county \(facility.county)")
        let stored = try await store.registerFacility(try await validated(facility), by: context.auditActor)
        return .with { $0.facility = .init(stored) }
    }

    public func updateFacility(_ request: Civic_Eldercare_V1_UpdateFacilityRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_FacilityResponse
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        guard request.hasFacility else { throw DomainError.invalid("facility is required", field: "facility", reason: "REQUIRED") }
        let reason = try Self.reason(request.reason)
        let facility = try await validated(try FacilityInput.parse(request.facility))
        try reach.check(facility.county, "county \(facility.county)")
        let stored = try await store.changeFacility(id: request.id, reason: reason, by: context.auditActor) { current in
            try reach.check(current.county, "facility \(request.id)")
            return facility
        }
        return .with { $0.facility = .init(stored) }
    }

    public func getFacility(_ request: Civic_Eldercare_V1_GetFacilityRequest, context: RPCContext) async throws -> Civic_Eldercare_V1_FacilityResponse {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.id)
        let facility = try await store.facility(id: request.id)
        try reach.check(facility.county, "facility \(request.id)")
        return .with { $0.facility = .init(facility) }
    }

    public func listFacilities(_ request: Civic_Eldercare_V1_ListFacilitiesRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_ListFacilitiesResponse
    {
        let reach = try DivisionReach(context.scope)
        let filter = EldercareStore.FacilityFilter(
            place: try place(request.within, reach), kind: try WireEnum.optional(request.kind, field: "kind"), openOn: request.openOnly ? today() : nil)
        let page = try await store.facilities(filter, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Eldercare_V1_ListFacilitiesResponse()
        response.facilities = page.items.map(Civic_Eldercare_V1_Facility.init)
        response.page = .init(page)
        return response
    }

    public func recordFacilityUsage(_ request: Civic_Eldercare_V1_RecordFacilityUsageRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_FacilityUsage
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.facilityID, field: "facility_id")
        guard !request.days.isEmpty else { throw DomainError.invalid("days is required", field: "days", reason: "REQUIRED") }
        guard request.days.count <= Self.maxUsageDays else {
            throw DomainError.invalid("at most \(Self.maxUsageDays) days in one call", field: "days", reason: "TOO_MANY")
        }
        var errors = ValidationErrors()
        var records: [DailyUsage] = []
        for (i, day) in request.days.enumerated() {
            if let date = Dates.optional(day.day, "days[\(i)].day", &errors) {
                records.append(DailyUsage(facilityID: request.facilityID, date: date, visits: Int(day.visits)))
            } else if day.day.isEmpty {
                errors.add("days[\(i)].day", "REQUIRED", "days[\(i)].day is required")
            }
        }
        try errors.check()
        // The domain names the list "usage"; the request names it "days".
        var named = ValidationErrors()
        for problem in FacilityRules.usageProblems(records, today: today()).details {
            named.add(
                problem.field.replacingOccurrences(of: "usage[", with: "days[").replacingOccurrences(of: "].date", with: "].day"), problem.reason,
                problem.description)
        }
        try named.check()
        let facility = try await store.facility(id: request.facilityID)
        try reach.check(facility.county, "facility \(request.facilityID)")
        let days = records.map { (day: $0.date, visits: $0.visits) }
        let from = days.map(\.day).min()!
        let through = days.map(\.day).max()!
        let (stored, usage) = try await store.recordUsage(facilityID: request.facilityID, days: days, from: from, through: through, by: context.auditActor)
        return .init(FacilityRules.usage(of: stored, records: usage, from: from, through: through, rule: settings.idle), from: from, through: through)
    }

    public func getFacilityUsage(_ request: Civic_Eldercare_V1_GetFacilityUsageRequest, context: RPCContext) async throws
        -> Civic_Eldercare_V1_FacilityUsage
    {
        let reach = try DivisionReach(context.scope)
        try RequestFields.requireID(request.facilityID, field: "facility_id")
        let through = try RequestFields.date(request.through, field: "through", today: today(), notAfterToday: false)
        let from = try RequestFields.optionalDate(request.from, field: "from") ?? through.adding(days: -29)
        guard from <= through else { throw DomainError.invalid("from \(from) is after through \(through)", field: "from", reason: "AFTER_THROUGH") }
        let (facility, usage) = try await store.usage(facilityID: request.facilityID, from: from, through: through)
        try reach.check(facility.county, "facility \(request.facilityID)")
        return .init(FacilityRules.usage(of: facility, records: usage, from: from, through: through, rule: settings.idle), from: from, through: through)
    }
}
