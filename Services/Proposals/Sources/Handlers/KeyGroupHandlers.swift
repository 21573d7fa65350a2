import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import ProposalsDomain

/// 重点督办: merging related items into one key-supervised item, and reading the groups.
extension ProposalsHandler {
    public func mergeKeyItems(_ request: Civic_Proposals_V1_MergeKeyItemsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_KeyGroup {
        try requireOffice(context, "merging items")
        let name = try RequestFields.required(request.name, field: "name", what: "a name for the key-supervised item")
        try KeyGroup.checkRequest(itemIDs: request.itemIds)
        return Civic_Proposals_V1_KeyGroup(try await store.mergeKeyItems(name: name, ids: request.itemIds, by: context.auditActor))
    }

    public func listKeyGroups(_ request: Civic_Proposals_V1_ListKeyGroupsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListKeyGroupsResponse
    {
        let year = try requireYear(request.year)
        var response = Civic_Proposals_V1_ListKeyGroupsResponse()
        // A unit's staff see the groups their unit handles an item of, and only those items.
        response.groups = try await store.keyGroups(year: year, unit: context.scope.unit).map(Civic_Proposals_V1_KeyGroup.init)
        return response
    }
}
