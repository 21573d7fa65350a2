import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EnforcementDomain

/// Certified officers (执法人员) and their certificates.
extension EnforcementHandler {
    /// The officer's fields from the wire, every problem at once (Officer.problems(), and the
    /// wire's own: dates INVALID / REQUIRED, roles UNKNOWN, status UNKNOWN).
    func officer(_ o: Civic_Enforcement_V1_Officer, id: String, division: DivisionCode) throws -> Officer {
        var errors = ValidationErrors()
        let issued = RequestFields.requiredDate(o.certificateIssuedOn, field: "certificate_issued_on", into: &errors)
        let expires = RequestFields.requiredDate(o.certificateExpiresOn, field: "certificate_expires_on", into: &errors)
        var roles = Set<OfficerRole>()
        for role in o.roles {
            if let r: OfficerRole = WireEnum.domain(role) { roles.insert(r) } else { errors.add("roles", "UNKNOWN", "\(role) is not a role") }
        }
        var status = OfficerStatus.active
        if o.status.rawValue != 0 {
            if let s: OfficerStatus = WireEnum.domain(o.status) { status = s } else { errors.add("status", "UNKNOWN", "\(o.status) is not a status") }
        }
        Self.limit(o.name, 50, field: "name", into: &errors)
        Self.limit(o.certificateNumber, 50, field: "certificate_number", into: &errors)
        let placeholder = CivilDate(year: 2000, month: 1, day: 1)!
        let officer = Officer(
            id: id, name: o.name.trimmingCharacters(in: .whitespaces), certificateNumber: o.certificateNumber.trimmingCharacters(in: .whitespaces),
            certificateIssuedOn: issued ?? placeholder, certificateExpiresOn: expires ?? issued ?? placeholder, status: status, roles: roles,
            legalQualification: o.legalQualification, division: division)
        errors.add(contentsOf: officer.problems())
        try errors.check()
        return officer
    }

    public func registerOfficer(_ request: Civic_Enforcement_V1_RegisterOfficerRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_OfficerResponse
    {
        let reach = try Caller(context).staffReach()
        let division = try division(request.officer.division, reach: reach, field: "officer.division")
        _ = try officer(request.officer, id: "", division: division)
        let created = try await store.registerOfficer(by: context.auditActor) { id in try officer(request.officer, id: id, division: division) }
        return .with { $0.officer = .init(created, today: today()) }
    }

    public func updateOfficer(_ request: Civic_Enforcement_V1_UpdateOfficerRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_OfficerResponse
    {
        try RequestFields.requireID(request.id)
        let reason = try RequestFields.reason(request.reason)
        let reach = try Caller(context).staffReach()
        let updated = try await store.updateOfficer(
            id: request.id, reason: reason, by: context.auditActor, check: { try reach.check($0.division, "officer \($0.id)") },
            update: { current in
                var wire = request.officer
                wire.certificateNumber = current.certificateNumber
                current = try officer(wire, id: current.id, division: current.division)
            })
        return .with { $0.officer = .init(updated, today: today()) }
    }

    public func getOfficer(_ request: Civic_Enforcement_V1_GetOfficerRequest, context: RPCContext) async throws -> Civic_Enforcement_V1_OfficerResponse {
        try RequestFields.requireID(request.id)
        let reach = try Caller(context).staffReach()
        let found = try await store.officer(id: request.id)
        try reach.check(found.division, "officer \(found.id)")
        return .with { $0.officer = .init(found, today: today()) }
    }

    public func listOfficers(_ request: Civic_Enforcement_V1_ListOfficersRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_ListOfficersResponse
    {
        let within = try Caller(context).staffReach().listing(requested: request.within, field: "within")
        let role: OfficerRole? = try WireEnum.optional(request.role, field: "role")
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let day = today()
        let matching = try await store.officers(within: within).filter { officer in
            (role.map { officer.roles.contains($0) } ?? true) && (!request.certifiedOnly || officer.isCertified(on: day))
        }
        let page = Array(matching.dropFirst(offset).prefix(size))
        return .with {
            $0.officers = page.map { .init($0, today: day) }
            $0.page = .init(Page(items: page, offset: offset, total: matching.count))
            $0.certifiedCount = Int64(matching.filter { $0.isCertified(on: day) }.count)
        }
    }
}
