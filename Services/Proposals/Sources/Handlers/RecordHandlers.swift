import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import ProposalsDomain

/// What was recorded on items: their records, their history, the published replies.
extension ProposalsHandler {
    public func getItemRecords(_ request: Civic_Proposals_V1_GetItemRecordsRequest, context: RPCContext) async throws
        -> Civic_Proposals_V1_GetItemRecordsResponse
    {
        let (_, view) = try await visibleItem(request.id, context)
        let records = try await store.records(itemID: request.id)
        var response = Civic_Proposals_V1_GetItemRecordsResponse()
        if view.seesContactNotes { response.contacts = records.contacts.map(Civic_Proposals_V1_ContactRecord.init) }
        response.progress = records.progress.map(Civic_Proposals_V1_ProgressRecord.init)
        response.feedback = records.ratings.map(Civic_Proposals_V1_FeedbackRecord.init)
        return response
    }

    public func getItemHistory(_ request: Civic_Proposals_V1_GetItemHistoryRequest, context: RPCContext) async throws
        -> Civic_Proposals_V1_GetItemHistoryResponse
    {
        _ = try await visibleItem(request.id, context)  // unit staff read the history of their unit's items
        var response = Civic_Proposals_V1_GetItemHistoryResponse()
        response.entries = try await store.auditTrail(itemID: request.id).map(Civic_Common_V1_AuditEntry.init)
        return response
    }

    /// Only what the rules publish: the reply text and who asked, never contacts or drafts.
    public func listPublishedReplies(_ request: Civic_Proposals_V1_ListPublishedRepliesRequest, context: RPCContext) async throws
        -> Civic_Proposals_V1_ListPublishedRepliesResponse
    {
        let page = try await store.publishedReplies(
            year: request.year == 0 ? nil : Int(request.year), pageSize: Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Proposals_V1_ListPublishedRepliesResponse()
        response.replies = page.items.map(Civic_Proposals_V1_PublishedReply.init)
        response.page = .init(page)
        return response
    }
}
