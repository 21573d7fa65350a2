import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import OrganizationsDomain

/// 社区社会组织: filed with the county, in the bureau's configured categories.
extension OrganizationsHandler {
    public func fileCommunityOrganization(_ request: Civic_Organizations_V1_FileCommunityOrganizationRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_CommunityOrganizationResponse
    {
        let reach = try Caller(context).staffReach()
        guard request.hasCommunityOrganization else {
            throw DomainError.invalid("community_organization is required", field: "community_organization", reason: "REQUIRED")
        }
        let input = request.communityOrganization
        var errors = ValidationErrors()
        let filedOn = RequestFields.date(input.filedOn, field: "community_organization.filed_on", into: &errors) ?? today()
        // The county is the community code's first six digits.
        let county = input.community.count == 12 ? try? DivisionCode(String(input.community.prefix(6))) : nil
        try errors.check()
        let placeholder = try DivisionCode("110000")
        let filing = CommunityOrganizationFiling(
            name: input.name.trimmingCharacters(in: .whitespacesAndNewlines), category: input.category, community: input.community,
            // A malformed community has no county: the filing is read anyway so that every other
            // problem is reported with it (BAD_FORM below), and nothing is stored.
            county: county ?? placeholder, contact: input.contact, members: Int(input.members), activities: input.activities,
            filedOn: filedOn)
        let problems = filing.problems(categories: settings.communityCategories, today: today())
        if !problems.isEmpty || county == nil {
            var named = ValidationErrors()
            for problem in problems.details { named.add("community_organization.\(problem.field)", problem.reason, problem.description) }
            if county == nil && !problems.details.contains(where: { $0.field == "community" }) {
                named.add("community_organization.community", "BAD_FORM", "a community code has 12 digits")
            }
            throw named
        }
        try reach.check(filing.county, "community \(filing.community)")
        let stored = try await store.file(filing, by: context.auditActor)
        try await names.put(id: stored.id, name: stored.name, as: .communityOrganization)
        return .with { $0.communityOrganization = .init(stored) }
    }

    public func listCommunityOrganizations(_ request: Civic_Organizations_V1_ListCommunityOrganizationsRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListCommunityOrganizationsResponse
    {
        let reach = try Caller(context).staffReach()
        var within: DivisionCode?
        var community: String?
        if request.within.count == 12 {
            let county = try DivisionReach.division(String(request.within.prefix(6)), field: "within")
            if let county { try reach.check(county, "community \(request.within)") }
            within = county
            community = request.within
        } else {
            within = try reach.listing(requested: request.within, field: "within")
        }
        let page = try await store.communityOrganizations(
            within: within, community: community, category: request.category.isEmpty ? nil : request.category,
            includeCancelled: request.includeCancelled, pageSize: try Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        return .with {
            $0.communityOrganizations = page.items.map(Civic_Organizations_V1_CommunityOrganization.init)
            $0.page = .init(page)
        }
    }

    public func cancelCommunityFiling(_ request: Civic_Organizations_V1_CancelCommunityFilingRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_CommunityOrganizationResponse
    {
        let reach = try Caller(context).staffReach()
        try RequestFields.requireID(request.id)
        let reason = try RequestFields.reason(request.reason)
        let on = try day(request.on)
        let stored = try await store.cancelFiling(id: request.id, on: on, reason: reason, by: context.auditActor) { filing in
            try reach.check(filing.county, "community organization \(request.id)")
        }
        try await names.remove(id: stored.id)
        return .with { $0.communityOrganization = .init(stored) }
    }

    public func listCommunityCategories(_ request: Civic_Organizations_V1_ListCommunityCategoriesRequest, context: RPCContext) async throws
        -> Civic_Organizations_V1_ListCommunityCategoriesResponse
    {
        .with { $0.categories = settings.communityCategories.names }
    }
}
