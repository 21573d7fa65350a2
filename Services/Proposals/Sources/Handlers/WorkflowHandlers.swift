import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import ProposalsDomain

extension ProposalsHandler {
    /// Where a staff member works: the proposals office runs the whole workflow; a handling
    /// unit's staff (科室, named in their key's subject) handle only the items assigned to
    /// their unit. Leaders, admins and calls without a principal count as the office.
    func scope(_ context: RPCContext) -> StaffScope {
        guard let principal = context.principal, principal.has(.staff), !principal.has(.admin), !principal.subject.isEmpty else { return .office }
        return .unit(principal.subject)
    }

    func requireOffice(_ context: RPCContext, _ what: String) throws {
        if case .unit(let unit) = scope(context) {
            throw RPCError.permissionDenied("\(what) is for the proposals office, not for \(unit)")
        }
    }

    /// For unit staff: the item must be assigned to their unit (as lead, when `leadOnly`).
    func requireUnit(of id: String, _ context: RPCContext, leadOnly: Bool) async throws {
        try requireID(id)  // an empty id is INVALID_ARGUMENT, not NOT_FOUND
        guard case .unit(let unit) = scope(context) else { return }
        let item = try await store.item(id: id)
        let leads = item.units.contains { $0.unit == unit && $0.role.isLead }
        guard leadOnly ? leads : ItemVisibility.assignedTo(unit: unit).allows(item) else {
            throw RPCError.permissionDenied(leadOnly ? "\(unit) does not lead item \(id)" : "item \(id) is not assigned to \(unit)")
        }
    }
}

/// The nine gates over RPC: each method checks its input, then asks the store to apply one
/// `ItemEvent` (the state machine decides whether it is legal).
extension ProposalsHandler {
    func actor(_ context: RPCContext) -> ProposalStore.Actor {
        ProposalStore.Actor(id: context.actorID, requestID: context.requestID)
    }

    /// "YYYY-MM-DD", or today when empty. The day something happened (`on`) may be entered
    /// late but never ahead: a future date would fake an on-time reply or a return in time.
    func date(_ text: String, field: String = "on") throws -> CivilDate {
        if text.isEmpty { return today() }
        guard let date = CivilDate(text) else { throw RPCError.invalidArgument("\(field) must be a date YYYY-MM-DD", field: field, reason: "INVALID") }
        if field == "on" && date > today() {
            throw RPCError.invalidArgument("\(field) \(date) is in the future (today is \(today()))", field: field, reason: "IN_THE_FUTURE")
        }
        return date
    }

    func required(_ text: String, _ field: String, _ what: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw RPCError.invalidArgument("\(what) is required", field: field, reason: "REQUIRED") }
        return trimmed
    }

    func requireID(_ id: String) throws {
        guard !id.isEmpty else { throw RPCError.invalidArgument("id is required", field: "id", reason: "REQUIRED") }
    }

    func respond(_ item: Item, _ context: RPCContext) -> Civic_Proposals_V1_ItemResponse {
        var response = Civic_Proposals_V1_ItemResponse()
        response.item = Civic_Proposals_V1_Item(visibility(context).redacted(item))
        return response
    }

    /// Applies a plain gate: no input besides the note and date.
    func simple(_ event: ItemEvent, _ request: Civic_Proposals_V1_ItemActionRequest, _ context: RPCContext, noteRequired: Bool = false) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireID(request.id)
        if noteRequired { _ = try required(request.note, "note", "a note saying why") }
        let on = try date(request.on)
        return respond(try await store.apply(event, to: request.id, by: actor(context), on: on, note: request.note), context)
    }

    public func assignItem(_ request: Civic_Proposals_V1_AssignItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "assigning")
        try requireID(request.id)
        guard let role = HandlingRole(request.role) else {
            throw RPCError.invalidArgument("role is required: LEAD_SOLE, LEAD_SPLIT, CO_HANDLING or REFERENCE", field: "role", reason: "REQUIRED")
        }
        var errors = ValidationErrors()
        var units: [UnitAssignment] = []
        for (i, unit) in request.units.enumerated() {
            let name = unit.unit.trimmingCharacters(in: .whitespaces)
            guard let unitRole = HandlingRole(unit.role) else {
                errors.add("units[\(i)].role", "REQUIRED", "unit \(i + 1) needs a role")
                continue
            }
            if name.isEmpty { errors.add("units[\(i)].unit", "REQUIRED", "unit \(i + 1) has no name") }
            if units.contains(where: { $0.unit == name }) { errors.add("units[\(i)].unit", "DUPLICATE", "unit \(name) is listed twice") }
            units.append(UnitAssignment(unit: name, role: unitRole))
        }
        if role.isLead && !units.isEmpty && !units.contains(where: { $0.role.isLead }) {
            errors.add("units", "NO_LEAD_UNIT", "a 主办 item needs a unit that leads it")
        }
        if role == .reference, units.contains(where: { $0.role != .reference }) {
            errors.add("units", "NOT_REFERENCE", "a 参阅 item is only read: its units take the REFERENCE role too")
        }
        if request.complex && role.isLead && request.complexReason.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.add("complex_reason", "REQUIRED", "a complex item's longer deadline needs a written reason")
        }
        if request.complex && !role.isLead { errors.add("complex", "NOT_LEAD", "only 主办 items can be complex") }
        try errors.check()
        let on = try date(request.on)
        let rules = deadlines
        let calendar = calendar
        let complex = request.complex
        let assignedUnits = units
        return respond(try await store.apply(
            .assign(role: role), to: request.id, by: actor(context), on: on, note: request.complexReason,
            detail: "role=\(role.rawValue) complex=\(complex)"
        ) { item, _ in
            item.role = role
            // Co-handling units owe the lead unit an opinion, on their own deadline.
            item.units = assignedUnits.map { unit in
                var unit = unit
                if unit.role == .coHandling { unit.opinionDue = rules.opinionDue(assignedOn: on, calendar: calendar) }
                return unit
            }
            item.complex = complex
            item.assignedOn = on
            item.answerDue = rules.answerDue(assignedOn: on, role: role, complex: complex, calendar: calendar)
            item.returnWindowEnds = rules.returnWindowEnds(assignedOn: on, calendar: calendar)
        }, context)
    }

    public func returnItem(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "returning an item")
        try requireID(request.id)
        _ = try required(request.note, "note", "the reason for returning the item")
        let on = try date(request.on)
        return respond(try await store.apply(.returnItem, to: request.id, by: actor(context), on: on, note: request.note) { item, _ in
            if let ends = item.returnWindowEnds, on > ends {
                throw RPCError.failedPrecondition("the return window ended on \(ends)", reason: "RETURN_WINDOW_CLOSED")
            }
        }, context)
    }

    public func acknowledgeItem(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "acknowledging an item")
        return try await simple(.acknowledge, request, context)
    }

    public func recordContact(_ request: Civic_Proposals_V1_RecordContactRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: false)
        try requireID(request.id)
        guard let stage = ContactStage(request.stage) else {
            throw RPCError.invalidArgument("stage is required: BEFORE_HANDLING, DURING_HANDLING or AFTER_HANDLING", field: "stage", reason: "REQUIRED")
        }
        let summary = try required(request.summary, "summary", "a summary of the contact")
        let on = try date(request.on)
        let faceToFace = request.faceToFace
        let who = actor(context)
        return respond(try await store.apply(
            .recordContact, to: request.id, by: who, on: on, detail: "stage=\(stage.rawValue) face_to_face=\(faceToFace)"
        ) { item, db in
            if faceToFace { item.metFaceToFace = true }
            try db.execute(
                sql: "INSERT INTO item_contacts (item_id, stage, face_to_face, summary, on_date, recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [item.id, stage.rawValue, faceToFace, summary, on.description, who.id])
        }, context)
    }

    public func recordUnitOpinion(_ request: Civic_Proposals_V1_RecordUnitOpinionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireID(request.id)
        let unitName = try required(request.unit, "unit", "the unit")
        let opinion = try required(request.opinion, "opinion", "the opinion")
        let on = try date(request.on)
        if case .unit(let own) = scope(context), own != unitName {
            throw RPCError.permissionDenied("\(own) records its own opinion, not \(unitName)'s")
        }
        try await requireUnit(of: request.id, context, leadOnly: false)  // nothing of another unit's item, not even its state
        // The opinion text goes into the history too: it is what the lead unit was sent.
        return respond(try await store.apply(.unitOpinion, to: request.id, by: actor(context), on: on, note: opinion, detail: "unit=\(unitName) on=\(on)") { item, _ in
            guard let index = item.units.firstIndex(where: { $0.unit == unitName }) else {
                throw RPCError.notFound("\(unitName) is not a unit of this item")
            }
            guard item.units[index].role == .coHandling else {
                throw RPCError.failedPrecondition("\(unitName) is not a co-handling unit of this item", reason: "NOT_CO_HANDLING")
            }
            item.units[index].opinion = opinion
            item.units[index].opinionOn = on
        }, context)
    }

    public func urgeItem(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "urging")
        try requireID(request.id)
        return respond(try await store.apply(.urge, to: request.id, by: actor(context), note: request.note) { item, _ in
            item.urgeCount += 1
        }, context)
    }

    public func extendDeadline(_ request: Civic_Proposals_V1_ExtendDeadlineRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "extending a deadline")
        try requireID(request.id)
        let reason = try required(request.reason, "reason", "a written reason for the extension")
        let newDue = try date(request.newDue, field: "new_due")
        guard !request.newDue.isEmpty else { throw RPCError.invalidArgument("new_due is required", field: "new_due", reason: "REQUIRED") }
        let limit = deadlines.complexReplyMonths
        let reReplyMonths = deadlines.reReplyMonths
        let calendar = calendar
        return respond(try await store.apply(.extendDeadline, to: request.id, by: actor(context), note: reason, detail: "new_due=\(newDue)") { item, _ in
            guard let due = item.answerDue, let assigned = item.assignedOn else {
                throw RPCError.failedPrecondition("the item has no deadline to extend", reason: "NO_DEADLINE")
            }
            guard newDue > due else { throw RPCError.invalidArgument("new_due must be later than the current due date \(due)", field: "new_due", reason: "NOT_LATER") }
            // At most the complex-item limit from assignment; after a reopening (不满意) the new
            // reply counts from its own due date, by the same re-reply period again.
            var cap = calendar.onOrNextWorkingDay(assigned.adding(months: limit))
            var why = "\(limit) months after assignment"
            if item.satisfaction == .dissatisfied, case let reReplyCap = calendar.onOrNextWorkingDay(due.adding(months: reReplyMonths)), reReplyCap > cap {
                cap = reReplyCap
                why = "\(reReplyMonths) month(s) past the re-reply date \(due)"
            }
            guard newDue <= cap else {
                throw RPCError.invalidArgument("new_due may be at most \(cap) (\(why))", field: "new_due", reason: "TOO_LATE")
            }
            item.answerDue = newDue
        }, context)
    }

    public func draftReply(_ request: Civic_Proposals_V1_DraftReplyRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: true)
        try requireID(request.id)
        // Either the text, or a template to start from (filled in from the item).
        let template = request.text.isEmpty && !request.templateID.isEmpty ? try await store.template(id: request.templateID) : nil
        let text = template == nil ? try required(request.text, "text", "the draft text (or a template_id)") : ""
        guard text.count <= 50_000 else { throw RPCError.invalidArgument("the draft is longer than 50,000 characters", field: "text", reason: "TOO_LONG") }
        return respond(try await store.apply(.draft, to: request.id, by: actor(context), detail: template.map { "template=\($0.name)" } ?? "") { item, _ in
            item.draftText = template?.render(for: item) ?? text
        }, context)
    }

    public func mergeKeyItems(_ request: Civic_Proposals_V1_MergeKeyItemsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_KeyGroup {
        try requireOffice(context, "merging items")
        let name = try required(request.name, "name", "a name for the key-supervised item")
        guard request.itemIds.count >= 2 else {
            throw RPCError.invalidArgument("at least two items are merged", field: "item_ids", reason: "TOO_FEW")
        }
        guard Set(request.itemIds).count == request.itemIds.count else {
            throw RPCError.invalidArgument("an item is listed twice", field: "item_ids", reason: "DUPLICATE")
        }
        let (id, year) = try await store.mergeKeyItems(name: name, ids: request.itemIds, by: actor(context))
        var group = Civic_Proposals_V1_KeyGroup()
        group.id = id
        group.year = Int32(year)
        group.name = name
        group.itemIds = request.itemIds
        return group
    }

    public func createReplyTemplate(_ request: Civic_Proposals_V1_CreateReplyTemplateRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ReplyTemplate {
        try requireOffice(context, "creating templates")
        let name = try ReplyTemplate.validate(name: request.name, text: request.text)
        return Civic_Proposals_V1_ReplyTemplate(try await store.createTemplate(name: name, text: request.text, by: actor(context)))
    }

    public func updateReplyTemplate(_ request: Civic_Proposals_V1_UpdateReplyTemplateRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ReplyTemplate {
        try requireOffice(context, "changing templates")
        try requireID(request.id)
        let name = try ReplyTemplate.validate(name: request.name, text: request.text)
        return Civic_Proposals_V1_ReplyTemplate(try await store.updateTemplate(id: request.id, name: name, text: request.text, by: actor(context)))
    }

    public func deleteReplyTemplate(_ request: Civic_Proposals_V1_DeleteReplyTemplateRequest, context: RPCContext) async throws -> Civic_Proposals_V1_DeleteReplyTemplateResponse {
        try requireOffice(context, "deleting templates")
        try requireID(request.id)
        try await store.deleteTemplate(id: request.id, by: actor(context))
        return .init()
    }

    public func listReplyTemplates(_ request: Civic_Proposals_V1_ListReplyTemplatesRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListReplyTemplatesResponse {
        var response = Civic_Proposals_V1_ListReplyTemplatesResponse()
        response.templates = try await store.templates().map(Civic_Proposals_V1_ReplyTemplate.init)
        return response
    }

    public func signBySection(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: true)
        return try await simple(.signBySection, request, context)
    }

    public func signOff(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        return try await simple(.signOff, request, context)
    }

    public func sendBack(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: true)
        _ = try required(request.note, "note", "a note saying why")
        let on = try date(request.on)
        // What a leader signed off only a leader takes back; a section sends back its own sign.
        let signsOff = context.principal.map { $0.has(.leader) || $0.has(.admin) } ?? true
        return respond(try await store.apply(.sendBack, to: request.id, by: actor(context), on: on, note: request.note) { item, _ in
            if item.state == .signedOff && !signsOff {
                throw RPCError.permissionDenied("the draft was signed off by a leader: only a leader sends it back")
            }
        }, context)
    }

    public func reportItem(_ request: Civic_Proposals_V1_ItemActionRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "reporting")
        try requireID(request.id)
        let on = try date(request.on)
        let note = request.note.trimmingCharacters(in: .whitespacesAndNewlines)
        return respond(try await store.apply(.report, to: request.id, by: actor(context), on: on, note: note) { item, _ in
            // The lead unit's answer takes in the co-handling units' opinions (会办意见); one
            // still missing is passed over only with a written reason.
            let missing = item.units.filter(\.opinionMissing).map(\.unit)
            if item.role?.isLead == true && !missing.isEmpty && note.isEmpty {
                throw RPCError.failedPrecondition(
                    "no opinion yet from \(missing.joined(separator: ", ")): wait for it, or report with a note saying why", reason: "OPINIONS_MISSING")
            }
            // For 协办 the report is the answer: the opinion has reached the lead unit.
            if item.role == .coHandling {
                item.repliedOn = on
                item.answeredOnTime = item.answerDue.map { on <= $0 } ?? true
            }
        }, context)
    }

    public func replyItem(_ request: Civic_Proposals_V1_ReplyItemRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "replying")
        try requireID(request.id)
        var errors = ValidationErrors()
        let result = ReplyResult(request.result)
        let adoption = Adoption(request.adoption)
        if result == nil { errors.add("result", "REQUIRED", "result is required: RESULT_A, RESULT_B or RESULT_C") }
        if adoption == nil { errors.add("adoption", "REQUIRED", "adoption is required: FULLY_ADOPTED, PARTLY_ADOPTED or NOT_ADOPTED") }
        try errors.check()
        let on = try date(request.on)
        let rules = deadlines
        let calendar = calendar
        return respond(try await store.apply(.reply, to: request.id, by: actor(context), on: on, detail: "result=\(result!.rawValue) adoption=\(adoption!.rawValue)") { item, _ in
            item.result = result
            item.adoption = adoption
            item.replyText = item.draftText
            item.repliedOn = on
            item.answeredOnTime = item.answerDue.map { on <= $0 } ?? true
            item.publicationDue = rules.publicationDue(repliedOn: on, calendar: calendar)
            item.satisfaction = nil  // a new reply awaits its rating
        }, context)
    }

    public func recordProgress(_ request: Civic_Proposals_V1_RecordProgressRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try await requireUnit(of: request.id, context, leadOnly: true)
        try requireID(request.id)
        let progress = try required(request.progress, "progress", "the progress made")
        let on = try date(request.on)
        let who = actor(context)
        return respond(try await store.apply(.recordProgress, to: request.id, by: who, on: on) { item, db in
            try db.execute(
                sql: "INSERT INTO item_progress (item_id, progress, on_date, recorded_by) VALUES (?, ?, ?, ?)",
                arguments: [item.id, progress, on.description, who.id])
        }, context)
    }

    /// 公开: publishes the signed reply, or the office's edited text, with personal details
    /// masked either way (PublicationRedaction).
    public func publishReply(_ request: Civic_Proposals_V1_PublishReplyRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        try requireOffice(context, "publishing")
        try requireID(request.id)
        let on = try date(request.on)
        let edited = request.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard edited.count <= 50_000 else { throw RPCError.invalidArgument("the text is longer than 50,000 characters", field: "text", reason: "TOO_LONG") }
        return respond(try await store.apply(.publish, to: request.id, by: actor(context), on: on, note: request.note, detail: "text=\(edited.isEmpty ? "signed reply" : "edited")") { item, _ in
            let text = edited.isEmpty ? item.replyText : edited
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw RPCError.failedPrecondition("the reply has no text to publish; give the text to publish", reason: "NO_TEXT")
            }
            let redacted = PublicationRedaction(contacts: item.proposers.map(\.contact)).redact(text)
            item.publishedText = redacted.text
            item.publishedOn = on
        }, context)
    }

    public func giveFeedback(_ request: Civic_Proposals_V1_GiveFeedbackRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ItemResponse {
        // Ratings come from the proposer, or from the office entering one received on paper.
        try requireOffice(context, "entering a rating")
        try requireID(request.id)
        guard let rating = Satisfaction(request.rating) else {
            throw RPCError.invalidArgument("rating is required: SATISFIED, BASICALLY_SATISFIED or DISSATISFIED", field: "rating", reason: "REQUIRED")
        }
        let on = try date(request.on)
        let view = visibility(context)
        // Someone who may not see the item learns nothing about it, not even its state.
        guard view.allows(try await store.item(id: request.id)) else {
            throw RPCError.permissionDenied("only the item's proposers rate its reply")
        }
        let who = actor(context)
        let rules = deadlines
        let calendar = calendar
        return respond(try await store.apply(.feedback(rating), to: request.id, by: who, on: on, note: request.comment, detail: "rating=\(rating.rawValue)") { item, db in
            guard view.allows(item) else { throw RPCError.permissionDenied("only the item's proposers rate its reply") }
            item.satisfaction = rating
            if rating == .dissatisfied {
                item.answerDue = rules.reReplyDue(feedbackOn: on, calendar: calendar)
                item.answeredOnTime = false
            }
            try db.execute(
                sql: "INSERT INTO item_feedback (item_id, rating, comment, on_date, given_by) VALUES (?, ?, ?, ?, ?)",
                arguments: [item.id, rating.rawValue, request.comment, on.description, who.id])
        }, context)
    }

    /// 催办: urges every owed deadline (UrgingPlan) due soon or overdue on `today`, one
    /// recorded urging per deadline; overdue ones are escalated to the leaders.
    public func runUrging(_ request: Civic_Proposals_V1_RunUrgingRequest, context: RPCContext) async throws -> Civic_Proposals_V1_RunUrgingResponse {
        try requireOffice(context, "the urging run")
        let day = try date(request.today, field: "today")
        // ListDueItems may look ahead; a run records urgings and escalations as facts.
        guard day <= today() else {
            throw RPCError.invalidArgument("today \(day) is in the future (today is \(today())): ListDueItems looks ahead without recording", field: "today", reason: "IN_THE_FUTURE")
        }
        let run = try await store.runUrging(on: day, rules: deadlines, calendar: calendar, by: actor(context))
        for (itemID, why) in run.skipped {
            context.logger.info("not urged", metadata: ["item": "\(itemID)", "why": "\(why)"])
        }
        var response = Civic_Proposals_V1_RunUrgingResponse()
        response.alreadyUrged = Int32(run.alreadyUrged)
        response.items = run.urged.map { Civic_Proposals_V1_UrgedItem($0.item, $0.deadline, urgeCount: $0.item.urgeCount) }
        return response
    }

    /// After a year's holiday schedule is loaded: the deadlines counted without it (DeadlineRecalculation).
    public func recalculateDeadlines(_ request: Civic_Proposals_V1_RecalculateDeadlinesRequest, context: RPCContext) async throws -> Civic_Proposals_V1_RecalculateDeadlinesResponse {
        try requireOffice(context, "recalculating deadlines")
        let years = Set(request.years.map(Int.init))
        guard !years.isEmpty else {
            throw RPCError.invalidArgument("years is required: the years whose holiday schedules were just loaded", field: "years", reason: "REQUIRED")
        }
        let known = self.calendar.knownYears
        if let missing = years.sorted().first(where: { !known.contains($0) }) {
            throw RPCError.invalidArgument("\(missing) has no holiday schedule loaded (CIVIC_CALENDAR_FILE)", field: "years", reason: "NO_SCHEDULE")
        }
        let note = request.apply ? try required(request.note, "note", "a note saying why (e.g. which year's schedule was loaded)") : ""
        let rules = deadlines
        let calendar = calendar
        let today = today()
        let found = try await store.recalculateDeadlines(apply: request.apply, note: note, by: actor(context)) { item, reopenedOn in
            DeadlineRecalculation.changes(for: item, reopenedOn: reopenedOn, rules: rules, calendar: calendar, loadedYears: years, today: today)
        }
        var response = Civic_Proposals_V1_RecalculateDeadlinesResponse()
        response.applied = request.apply
        response.changes = found.flatMap { item, changes in
            changes.map { change in
                var line = Civic_Proposals_V1_DeadlineChange()
                line.id = item.id
                line.number = item.number
                line.deadline = change.deadline
                line.unit = change.unit
                line.from = change.from.description
                line.to = change.to.description
                line.kept = change.kept
                line.answeredOnTime = change.answeredOnTime.map { $0 ? "true" : "false" } ?? ""
                return line
            }
        }
        return response
    }

    /// What the urging run would urge on `today`, recording nothing. Unit staff see their unit's items.
    public func listDueItems(_ request: Civic_Proposals_V1_ListDueItemsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListDueItemsResponse {
        let day = try date(request.today, field: "today")
        let urgency: ReplyDeadlines.Urgency?
        switch request.urgency {
        case "": urgency = nil
        case ReplyDeadlines.Urgency.dueSoon.rawValue: urgency = .dueSoon
        case ReplyDeadlines.Urgency.overdue.rawValue: urgency = .overdue
        default: throw RPCError.invalidArgument("urgency must be due_soon, overdue or empty", field: "urgency", reason: "UNKNOWN")
        }
        let unit: String? = if case .unit(let unit) = scope(context) { unit } else { nil }
        var response = Civic_Proposals_V1_ListDueItemsResponse()
        for (item, deadline) in try await store.dueDeadlines(on: day, rules: deadlines, calendar: calendar) where urgency == nil || deadline.urgency == urgency {
            guard unit == nil || item.units.contains(where: { $0.unit == unit }) else { continue }
            response.items.append(Civic_Proposals_V1_UrgedItem(item, deadline, urgeCount: item.urgeCount))
        }
        return response
    }

    public func listTopics(_ request: Civic_Proposals_V1_ListTopicsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListTopicsResponse {
        var response = Civic_Proposals_V1_ListTopicsResponse()
        response.topics = validator.topics.topics.map { topic in
            var line = Civic_Proposals_V1_Topic()
            line.code = topic.code
            line.name = topic.name
            line.retired = topic.retired
            return line
        }
        return response
    }

    public func getAnnualReport(_ request: Civic_Proposals_V1_GetAnnualReportRequest, context: RPCContext) async throws -> Civic_Proposals_V1_AnnualReport {
        guard validator.validYears.contains(Int(request.year)) else {
            throw RPCError.invalidArgument("year is required (e.g. 2021)", field: "year", reason: "OUT_OF_RANGE")
        }
        let asOf = today()
        return Civic_Proposals_V1_AnnualReport(try await store.annualReport(year: Int(request.year), asOf: asOf), topics: validator.topics, asOf: asOf)
    }

    public func getItemRecords(_ request: Civic_Proposals_V1_GetItemRecordsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_GetItemRecordsResponse {
        let (_, view) = try await visibleItem(request.id, context)
        let (contacts, progress, feedback) = try await store.records(itemID: request.id)
        var response = Civic_Proposals_V1_GetItemRecordsResponse()
        if view.seesContactNotes {
            response.contacts = contacts.map { row in
                var record = Civic_Proposals_V1_ContactRecord()
                record.stage = ContactStage(rawValue: row["stage"])?.proto ?? .unspecified
                record.faceToFace = row["face_to_face"]
                record.summary = row["summary"]
                record.on = row["on_date"]
                record.recordedBy = row["recorded_by"]
                return record
            }
        }
        response.progress = progress.map { row in
            var record = Civic_Proposals_V1_ProgressRecord()
            record.progress = row["progress"]
            record.on = row["on_date"]
            record.recordedBy = row["recorded_by"]
            return record
        }
        response.feedback = feedback.map { row in
            var record = Civic_Proposals_V1_FeedbackRecord()
            record.rating = Satisfaction(rawValue: row["rating"])?.proto ?? .unspecified
            record.comment = row["comment"]
            record.on = row["on_date"]
            record.givenBy = row["given_by"]
            return record
        }
        return response
    }

    public func getItemHistory(_ request: Civic_Proposals_V1_GetItemHistoryRequest, context: RPCContext) async throws -> Civic_Proposals_V1_GetItemHistoryResponse {
        _ = try await visibleItem(request.id, context)  // unit staff read the history of their unit's items
        var response = Civic_Proposals_V1_GetItemHistoryResponse()
        response.entries = try await store.auditTrail(itemID: request.id).map { entry in
            var line = Civic_Common_V1_AuditEntry()
            line.id = entry.id ?? 0
            line.actor = entry.actor
            line.action = entry.action
            line.entity = entry.entity
            line.entityID = entry.entityID
            line.reason = entry.reason
            line.at = entry.at
            line.detail = entry.detail
            line.requestID = entry.requestID
            return line
        }
        return response
    }
}

// MARK: Protobuf ↔ domain

extension HandlingRole {
    init?(_ proto: Civic_Proposals_V1_HandlingRole) {
        switch proto {
        case .leadSole: self = .leadSole
        case .leadSplit: self = .leadSplit
        case .coHandling: self = .coHandling
        case .reference: self = .reference
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_HandlingRole {
        switch self {
        case .leadSole: .leadSole
        case .leadSplit: .leadSplit
        case .coHandling: .coHandling
        case .reference: .reference
        }
    }
}

extension ReplyResult {
    init?(_ proto: Civic_Proposals_V1_ReplyResult) {
        switch proto {
        case .resultA: self = .a
        case .resultB: self = .b
        case .resultC: self = .c
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_ReplyResult {
        switch self {
        case .a: .resultA
        case .b: .resultB
        case .c: .resultC
        }
    }
}

extension Adoption {
    init?(_ proto: Civic_Proposals_V1_Adoption) {
        switch proto {
        case .fullyAdopted: self = .full
        case .partlyAdopted: self = .partial
        case .notAdopted: self = .none
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_Adoption {
        switch self {
        case .full: .fullyAdopted
        case .partial: .partlyAdopted
        case .none: .notAdopted
        }
    }
}

extension Satisfaction {
    init?(_ proto: Civic_Proposals_V1_Satisfaction) {
        switch proto {
        case .satisfied: self = .satisfied
        case .basicallySatisfied: self = .basicallySatisfied
        case .dissatisfied: self = .dissatisfied
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_Satisfaction {
        switch self {
        case .satisfied: .satisfied
        case .basicallySatisfied: .basicallySatisfied
        case .dissatisfied: .dissatisfied
        }
    }
}

extension ContactStage {
    var proto: Civic_Proposals_V1_ContactStage {
        switch self {
        case .before: .beforeHandling
        case .during: .duringHandling
        case .after: .afterHandling
        }
    }

    init?(_ proto: Civic_Proposals_V1_ContactStage) {
        switch proto {
        case .beforeHandling: self = .before
        case .duringHandling: self = .during
        case .afterHandling: self = .after
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension Civic_Proposals_V1_AnnualReport {
    init(_ report: AnnualReport, topics: TopicCatalog, asOf: CivilDate) {
        self.init()
        self.asOf = asOf.description
        returned = Int64(report.returned)
        unassigned = Int64(report.unassigned)
        overdueUnanswered = Int64(report.overdueUnanswered)
        func share(_ name: String, _ count: Int, of whole: Int? = nil) -> Civic_Proposals_V1_ReportShare {
            var share = Civic_Proposals_V1_ReportShare()
            share.name = name
            share.count = Int64(count)
            if let whole {
                share.percent = Percentage(count, of: whole).description
                share.denominator = Int64(whole)
            }
            return share
        }
        func rate(_ name: String, _ rate: AnnualReport.Rate) -> Civic_Proposals_V1_ReportShare {
            share(name, rate.numerator, of: rate.denominator)
        }
        year = Int32(report.year)
        total = Int64(report.total)
        byKind = ItemKind.allCases.map { share($0.rawValue, report.byKind[$0] ?? 0, of: report.total) }
        byRole = AnnualReport.RoleColumn.allCases.map { share($0.rawValue, report.byRole[$0]!.count, of: report.total) }
        byKindAndRole = ItemKind.allCases.flatMap { kind in
            AnnualReport.RoleColumn.allCases.map { share("\(kind.rawValue)/\($0.rawValue)", report.byKindAndRole[kind]?[$0] ?? 0) }
        }
        self.topics = report.topics.map { line in
            var topic = Civic_Proposals_V1_TopicShare()
            topic.topic = line.topic
            topic.total = share(topics.codes[line.topic] ?? line.topic, line.total.count, of: report.total)
            topic.byRole = AnnualReport.RoleColumn.allCases.map { share($0.rawValue, line.byRole[$0]!.count, of: report.byRole[$0]!.count) }
            return topic
        }
        keySupervised = Int64(report.keySupervised)
        keySupervisedUnits = Int64(report.keySupervisedUnits)
        onTime = rate("on_time", report.onTime)
        faceToFace = rate("face_to_face", report.faceToFace)
        answered = rate("answered", report.answered)
        satisfactionOfFeedback = rate("satisfaction_of_feedback", report.satisfactionOfFeedback)
        satisfactionOfReplies = rate("satisfaction_of_replies", report.satisfactionOfReplies)
        publication = rate("publication", report.publication)
        publicationOnTime = rate("publication_on_time", report.publicationOnTime)
        leadResults = ReplyResult.allCases.map { share($0.rawValue, report.leadResults[$0] ?? 0) }
        leadAdoption = Adoption.allCases.map { share($0.rawValue, report.leadAdoption[$0] ?? 0) }
        previousTotal = Int64(report.previousTotal ?? 0)
        change = Int64(report.change ?? 0)
        yearOnYear = report.yearOnYear.map { figure in
            var line = Civic_Proposals_V1_YearOnYear()
            line.figure = figure.figure
            line.previous = Int64(figure.previous)
            line.current = Int64(figure.current)
            line.change = Int64(figure.change)
            if let previousRate = figure.previousRate, let now = figure.rate {
                line.previousRate = rate(figure.figure, previousRate)
                line.rate = rate(figure.figure, now)
                line.changePoints = figure.changePoints ?? ""
            }
            return line
        }
        csv = report.csv(topicNames: topics.codes)
    }
}

extension ProposalsHandler {
    public func listPublishedReplies(_ request: Civic_Proposals_V1_ListPublishedRepliesRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListPublishedRepliesResponse {
        let page = try await store.publishedReplies(
            year: request.year == 0 ? nil : Int(request.year), pageSize: Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Proposals_V1_ListPublishedRepliesResponse()
        response.replies = page.items.map { item in
            // Only what the rules publish: the reply text and who asked, never contacts or drafts.
            var reply = Civic_Proposals_V1_PublishedReply()
            reply.id = item.id
            reply.kind = item.kind.proto
            reply.year = Int32(item.year)
            reply.session = item.session
            reply.number = item.number
            reply.title = item.title
            reply.topic = item.topic
            let lead = item.proposers.first(where: \.lead)
            reply.proposer = lead?.name ?? ""
            reply.delegation = lead?.delegation ?? ""
            reply.replyText = item.publishedText
            reply.repliedOn = item.repliedOn?.description ?? ""
            reply.publishedOn = item.publishedOn?.description ?? ""
            return reply
        }
        response.page.nextPageToken = page.nextPageToken
        response.page.totalCount = Int64(page.totalCount)
        return response
    }

    public func importItems(_ request: Civic_Proposals_V1_ImportItemsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ImportItemsResponse {
        try requireOffice(context, "importing items")
        let lines: [ItemImport.Line]
        var problems: ValidationErrors
        switch request.format {
        case .csv:
            (lines, problems) = try ItemImport.parseCSV(request.content, validator: validator)
        case .jsonLines:
            var parsed: [ItemImport.Line] = []
            problems = ValidationErrors()
            for (index, text) in request.content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = text.trimmingCharacters(in: .whitespaces)
                if line.isEmpty { continue }
                do {
                    let message = try Civic_Proposals_V1_RegisterItemRequest(jsonString: line, options: ProtoJSON.decodingOptions)
                    parsed.append(ItemImport.Line(number: index + 1, registration: Self.registration(message)))
                } catch {
                    problems.add("line \(index + 1)", "INVALID_JSON", "line \(index + 1): not a RegisterItemRequest in JSON (\(error))")
                }
            }
            lines = parsed
            problems = ItemImport.check(parsed, problems: problems, validator: validator)
        case .unspecified, .UNRECOGNIZED:
            throw RPCError.invalidArgument("format is required: CSV or JSON_LINES", field: "format", reason: "REQUIRED")
        }
        // Every problem at once: the file's own, then numbers already registered.
        for detail in try await store.alreadyRegistered(lines).details {
            problems.add(detail.field, detail.reason, detail.description)
        }
        try problems.check()
        let items = try await store.importItems(lines, by: actor(context))
        var response = Civic_Proposals_V1_ImportItemsResponse()
        response.imported = Int32(items.count)
        response.ids = items.map(\.id)
        return response
    }
}

extension Civic_Proposals_V1_ReplyTemplate {
    init(_ template: ReplyTemplate) {
        self.init()
        id = template.id
        name = template.name
        text = template.text
        createdBy = template.createdBy
        createdAt = template.createdAt
    }
}

extension Civic_Proposals_V1_UrgedItem {
    init(_ item: Item, _ deadline: DueDeadline, urgeCount: Int) {
        self.init()
        id = item.id
        number = item.number
        title = item.title
        due = deadline.due.description
        urgency = deadline.urgency.rawValue
        escalated = deadline.escalated
        self.deadline = deadline.deadline.code
        unit = deadline.deadline.unit
        self.urgeCount = Int32(urgeCount)
    }
}
