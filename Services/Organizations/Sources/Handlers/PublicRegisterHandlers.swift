import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// The public register (登记信息公开): what anyone may read of a body, by division.
extension OrganizationsHandler {
    public func listPublicRegister(_ request: Civic_Organizations_V1_ListPublicRegisterRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListPublicRegisterResponse
    {
        // A division is required: an unauthenticated caller never scans the whole register.
        guard let within = try DivisionReach.division(request.within, field: "within") else {
            throw DomainError.invalid("name a division", field: "within", reason: "REQUIRED")
        }
        let name = request.nameContains.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.count > OrganizationRules.maxNameLength {
            throw DomainError.invalid("at most \(OrganizationRules.maxNameLength) characters", field: "name_contains", reason: "TOO_LONG")
        }
        let filter = OrganizationsStore.OrganizationFilter(
            reach: .registrarsWithin(within), type: try WireEnum.optional(request.type, field: "type"), nameContains: name.isEmpty ? nil : name,
            activeOnly: !request.includeGone)
        let page = try await store.organizations(filter, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        let awards = try await store.awards(organizationIDs: page.items.map(\.organization.id), validOn: today())
        return .with {
            $0.entries = page.items.map { stored in
                let o = stored.organization
                return .with {
                    $0.name = o.name
                    $0.creditCode = o.creditCode
                    $0.type = WireEnum.wire(o.type)
                    $0.status = WireEnum.wire(o.status)
                    $0.registrarLevel = WireEnum.wire(o.registrarLevel)
                    $0.registrarDivision = o.registrarDivision.description
                    $0.registeredOn = o.registeredOn?.description ?? ""
                    $0.sponsor = o.sponsor
                    $0.domicile = o.domicile
                    $0.businessScope = o.businessScope
                    if let award = awards[o.id] {
                        $0.grade = Int32(award.grade.level)
                        $0.gradeValidUntil = award.validUntil.description
                    }
                }
            }
            $0.page = .init(page)
        }
    }
}
