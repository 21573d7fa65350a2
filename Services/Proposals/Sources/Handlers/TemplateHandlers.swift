import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import ProposalsDomain

/// Reply templates (答复模板): the office keeps them, drafts start from them.
extension ProposalsHandler {
    public func createReplyTemplate(_ request: Civic_Proposals_V1_CreateReplyTemplateRequest, context: RPCContext) async throws
        -> Civic_Proposals_V1_ReplyTemplate
    {
        try requireOffice(context, "creating templates")
        let name = try ReplyTemplate.validate(name: request.name, text: request.text)
        return Civic_Proposals_V1_ReplyTemplate(try await store.createTemplate(name: name, text: request.text, by: context.auditActor))
    }

    public func updateReplyTemplate(_ request: Civic_Proposals_V1_UpdateReplyTemplateRequest, context: RPCContext) async throws
        -> Civic_Proposals_V1_ReplyTemplate
    {
        try requireOffice(context, "changing templates")
        try RequestFields.requireID(request.id)
        let name = try ReplyTemplate.validate(name: request.name, text: request.text)
        return Civic_Proposals_V1_ReplyTemplate(try await store.updateTemplate(id: request.id, name: name, text: request.text, by: context.auditActor))
    }

    public func deleteReplyTemplate(_ request: Civic_Proposals_V1_DeleteReplyTemplateRequest, context: RPCContext) async throws
        -> Civic_Proposals_V1_DeleteReplyTemplateResponse
    {
        try requireOffice(context, "deleting templates")
        try RequestFields.requireID(request.id)
        try await store.deleteTemplate(id: request.id, by: context.auditActor)
        return .init()
    }

    public func listReplyTemplates(_ request: Civic_Proposals_V1_ListReplyTemplatesRequest, context: RPCContext) async throws
        -> Civic_Proposals_V1_ListReplyTemplatesResponse
    {
        var response = Civic_Proposals_V1_ListReplyTemplatesResponse()
        response.templates = try await store.templates().map(Civic_Proposals_V1_ReplyTemplate.init)
        return response
    }
}
