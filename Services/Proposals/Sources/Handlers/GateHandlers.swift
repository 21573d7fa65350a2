import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import ProposalsDomain

/// The nine gates over RPC: each method checks who calls and parses its input, then asks the
/// store to make one move (ItemMoves); the state machine decides whether it is legal.
extension ProposalsHandler {
    /// A gate with nothing to give but the note and the day.
    func plain(_ event: ItemEvent, _ request: Civic_Proposals_V1_ItemActionRequest, _ context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try RequestFields.requireID(request.id)
        return try await move(request.id, ItemMoves.plain(event, on: try eventDay(request.on), note: request.note), context)
    }

    public func assignItem(_ request: Civic_Proposals_V1_AssignItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "assigning")
        try RequestFields.requireID(request.id)
        guard let role = HandlingRole(request.role) else {
            throw DomainError.invalid("role is required: LEAD_SOLE, LEAD_SPLIT, CO_HANDLING or REFERENCE", field: "role", reason: "REQUIRED")
        }
        let assignment = try Assignment(
            role: role, units: request.units.map { .init(unit: $0.unit, role: HandlingRole($0.role)) },
            complex: request.complex, complexReason: request.complexReason)
        let on = try eventDay(request.on)
        return try await move(request.id, ItemMoves.assign(assignment, on: on, rules: deadlines, calendar: calendar), context)
    }

    public func returnItem(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "returning an item")
        try RequestFields.requireID(request.id)
        _ = try RequestFields.required(request.note, field: "note", what: "the reason for returning the item")
        return try await move(request.id, ItemMoves.returnItem(on: try eventDay(request.on), note: request.note), context)
    }

    public func acknowledgeItem(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "acknowledging an item")
        return try await plain(.acknowledge, request, context)
    }

    public func recordContact(_ request: Civic_Proposals_V1_RecordContactRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: false)
        guard let stage = ContactStage(request.stage) else {
            throw DomainError.invalid("stage is required: BEFORE_HANDLING, DURING_HANDLING or AFTER_HANDLING", field: "stage", reason: "REQUIRED")
        }
        let summary = try RequestFields.required(request.summary, field: "summary", what: "a summary of the contact")
        let contact = ContactRecord(stage: stage, faceToFace: request.faceToFace, summary: summary, on: try eventDay(request.on), recordedBy: context.actorID)
        return try await move(request.id, ItemMoves.recordContact(contact), context)
    }

    public func recordUnitOpinion(_ request: Civic_Proposals_V1_RecordUnitOpinionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try RequestFields.requireID(request.id)
        let unit = try RequestFields.required(request.unit, field: "unit", what: "the unit")
        let opinion = try RequestFields.required(request.opinion, field: "opinion", what: "the opinion")
        let on = try eventDay(request.on)
        if let own = context.scope.unit { try UnitAccess.checkOpinion(of: unit, by: own) }
        try await requireUnit(of: request.id, context, leadOnly: false)  // nothing of another unit's item, not even its state
        return try await move(request.id, ItemMoves.unitOpinion(unit: unit, opinion: opinion, on: on), context)
    }

    public func urgeItem(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "urging")
        try RequestFields.requireID(request.id)
        return try await move(request.id, ItemMoves.urge(note: request.note), context)
    }

    public func extendDeadline(_ request: Civic_Proposals_V1_ExtendDeadlineRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "extending a deadline")
        try RequestFields.requireID(request.id)
        let reason = try RequestFields.required(request.reason, field: "reason", what: "a written reason for the extension")
        guard let newDue = try RequestFields.optionalDate(request.newDue, field: "new_due") else {
            throw DomainError.invalid("new_due is required", field: "new_due", reason: "REQUIRED")
        }
        return try await move(request.id, ItemMoves.extendDeadline(to: newDue, reason: reason, rules: deadlines, calendar: calendar), context)
    }

    public func draftReply(_ request: Civic_Proposals_V1_DraftReplyRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: true)
        // Either the text, or a template to start from (filled in from the item).
        let template = request.text.isEmpty && !request.templateID.isEmpty ? try await store.template(id: request.templateID) : nil
        let text = template == nil ? try RequestFields.required(request.text, field: "text", what: "the draft text (or a template_id)") : ""
        try ItemText.check(text, "the draft")
        return try await move(request.id, ItemMoves.draft(text: text, template: template), context)
    }

    public func signBySection(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: true)
        return try await plain(.signBySection, request, context)
    }

    public func signOff(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await plain(.signOff, request, context)
    }

    public func sendBack(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: true)
        _ = try RequestFields.required(request.note, field: "note", what: "a note saying why")
        let on = try eventDay(request.on)
        let byLeader = context.principal.map { $0.has(.leader) || $0.has(.admin) } ?? true
        return try await move(request.id, ItemMoves.sendBack(on: on, note: request.note, byLeader: byLeader), context)
    }

    public func reportItem(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "reporting")
        try RequestFields.requireID(request.id)
        let on = try eventDay(request.on)
        let note = request.note.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await move(request.id, ItemMoves.report(on: on, note: note), context)
    }

    public func replyItem(_ request: Civic_Proposals_V1_ReplyItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "replying")
        try RequestFields.requireID(request.id)
        let outcome = try ReplyOutcome(result: ReplyResult(request.result), adoption: Adoption(request.adoption))
        let on = try eventDay(request.on)
        return try await move(request.id, ItemMoves.reply(outcome, on: on, rules: deadlines, calendar: calendar), context)
    }

    public func recordProgress(_ request: Civic_Proposals_V1_RecordProgressRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: true)
        let progress = try RequestFields.required(request.progress, field: "progress", what: "the progress made")
        let note = ProgressNote(progress: progress, on: try eventDay(request.on), recordedBy: context.actorID)
        return try await move(request.id, ItemMoves.recordProgress(note), context)
    }

    /// 公开: publishes the signed reply, or the office's edited text, with personal details
    /// masked either way (PublicationRedaction).
    public func publishReply(_ request: Civic_Proposals_V1_PublishReplyRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "publishing")
        try RequestFields.requireID(request.id)
        let on = try eventDay(request.on)
        let edited = request.text.trimmingCharacters(in: .whitespacesAndNewlines)
        try ItemText.check(edited, "the text")
        return try await move(request.id, ItemMoves.publish(edited: edited, on: on, note: request.note), context)
    }

    public func giveFeedback(_ request: Civic_Proposals_V1_GiveFeedbackRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        // Ratings come from the proposer, or from the office entering one received on paper.
        try requireOffice(context, "entering a rating")
        try RequestFields.requireID(request.id)
        guard let satisfaction = Satisfaction(request.rating) else {
            throw DomainError.invalid("rating is required: SATISFIED, BASICALLY_SATISFIED or DISSATISFIED", field: "rating", reason: "REQUIRED")
        }
        let rating = Rating(rating: satisfaction, comment: request.comment, on: try eventDay(request.on), givenBy: context.actorID)
        let view = ItemVisibility(context.scope)
        // Someone who may not see the item learns nothing about it, not even its state.
        try view.checkRates(try await store.item(id: request.id))
        return try await move(request.id, ItemMoves.feedback(rating, visibility: view, rules: deadlines, calendar: calendar), context)
    }
}
