import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import ProposalsDomain

// Protobuf messages ↔ domain values: items, registrations and what is recorded on them.

extension ItemRegistration {
    init(_ request: Civic_Proposals_V1_RegisterItemRequest) {
        self.init(
            kind: ItemKind(request.kind), year: Int(request.year), session: request.session, number: request.number,
            title: request.title, body: request.body,
            proposers: request.proposers.map { Proposer(name: $0.name, lead: $0.lead, delegation: $0.delegation, contact: $0.contact, memberID: $0.memberID) },
            topic: request.topic, keySupervised: request.keySupervised)
    }
}

extension ItemVisibility {
    /// What a caller in `scope` may see: the proposals office, leaders, admins and other
    /// services every item; a unit's staff their unit's items; anyone else (a deputy) only
    /// the items they proposed, by the member id their key names (none without one).
    init(_ scope: CallerScope) {
        switch scope.reach {
        case .bureau: self = .all
        case .unit(let unit): self = .assignedTo(unit: unit)
        case .ownRecords(let subject): self = .proposedBy(memberID: subject.isEmpty ? "\u{0}" : subject)
        case .anonymous: self = .proposedBy(memberID: "\u{0}")
        }
    }
}

extension Civic_Proposals_V1_Item {
    /// The item as the caller may see it; deadlines in a provisional year of `calendar` marked.
    init(_ item: Item, calendar: WorkingCalendar) {
        self.init()
        id = item.id
        kind = item.kind.proto
        year = Int32(item.year)
        session = item.session
        number = item.number
        title = item.title
        body = item.body
        proposers = item.proposers.map { p in
            var proposer = Civic_Proposals_V1_Proposer()
            proposer.name = p.name
            proposer.lead = p.lead
            proposer.delegation = p.delegation
            proposer.contact = p.contact
            proposer.memberID = p.memberID
            return proposer
        }
        topic = item.topic
        keySupervised = item.keySupervised
        state = item.state.proto
        registeredAt = item.registeredAt
        registeredBy = item.registeredBy
        role = item.role?.proto ?? .unspecified
        units = item.units.map { unit in
            var assignment = Civic_Proposals_V1_UnitAssignment()
            assignment.unit = unit.unit
            assignment.role = unit.role.proto
            assignment.opinionDue = unit.opinionDue?.description ?? ""
            assignment.opinion = unit.opinion
            assignment.opinionOn = unit.opinionOn?.description ?? ""
            assignment.opinionOnTime = unit.opinionOnTime ?? false
            assignment.opinionDueProvisional = unit.opinionDueIsProvisional(calendar)
            return assignment
        }
        complex = item.complex
        assignedOn = item.assignedOn?.description ?? ""
        answerDue = item.answerDue?.description ?? ""
        returnWindowEnds = item.returnWindowEnds?.description ?? ""
        urgeCount = Int32(item.urgeCount)
        metFaceToFace = item.metFaceToFace
        draftText = item.draftText
        result = item.result?.proto ?? .unspecified
        adoption = item.adoption?.proto ?? .unspecified
        replyText = item.replyText
        repliedOn = item.repliedOn?.description ?? ""
        answeredOnTime = item.answeredOnTime
        publicationDue = item.publicationDue?.description ?? ""
        publishedOn = item.publishedOn?.description ?? ""
        satisfaction = item.satisfaction?.proto ?? .unspecified
        keyGroupID = item.keyGroupID ?? ""
        publishedText = item.publishedText
        provisionalDeadlines = item.provisionalDeadlines(calendar)
    }
}

extension Civic_Proposals_V1_PublishedReply {
    /// What is published of an item: the reply as published and who asked.
    init(_ item: Item) {
        self.init()
        id = item.id
        kind = item.kind.proto
        year = Int32(item.year)
        session = item.session
        number = item.number
        title = item.title
        topic = item.topic
        let lead = item.proposers.first(where: \.lead)
        proposer = lead?.name ?? ""
        delegation = lead?.delegation ?? ""
        replyText = item.publishedText
        repliedOn = item.repliedOn?.description ?? ""
        publishedOn = item.publishedOn?.description ?? ""
    }
}

extension Civic_Proposals_V1_UrgedItem {
    /// A deadline urged or due, with the item's urgings so far.
    init(_ item: Item, _ deadline: DueDeadline, calendar: WorkingCalendar) {
        self.init()
        dueProvisional = calendar.isProvisional(deadline.due)
        id = item.id
        number = item.number
        title = item.title
        due = deadline.due.description
        urgency = deadline.urgency.rawValue
        escalated = deadline.escalated
        self.deadline = deadline.deadline.code
        unit = deadline.deadline.unit
        urgeCount = Int32(item.urgeCount)
    }
}

extension Civic_Proposals_V1_DeadlineChange {
    init(_ item: Item, _ change: DeadlineRecalculation.Change) {
        self.init()
        id = item.id
        number = item.number
        deadline = change.deadline
        unit = change.unit
        from = change.from.description
        to = change.to.description
        kept = change.kept
        answeredOnTime = change.answeredOnTime.map { $0 ? "true" : "false" } ?? ""
    }
}

extension Civic_Proposals_V1_ContactRecord {
    init(_ contact: ContactRecord) {
        self.init()
        stage = contact.stage.proto
        faceToFace = contact.faceToFace
        summary = contact.summary
        on = contact.on.description
        recordedBy = contact.recordedBy
    }
}

extension Civic_Proposals_V1_ProgressRecord {
    init(_ note: ProgressNote) {
        self.init()
        progress = note.progress
        on = note.on.description
        recordedBy = note.recordedBy
    }
}

extension Civic_Proposals_V1_FeedbackRecord {
    init(_ rating: Rating) {
        self.init()
        self.rating = rating.rating.proto
        comment = rating.comment
        on = rating.on.description
        givenBy = rating.givenBy
    }
}

extension Civic_Proposals_V1_KeyGroup {
    init(_ group: KeyGroup) {
        self.init()
        id = group.id
        year = Int32(group.year)
        name = group.name
        itemIds = group.itemIDs
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

extension Civic_Proposals_V1_Topic {
    init(_ topic: TopicCatalog.Topic) {
        self.init()
        code = topic.code
        name = topic.name
        retired = topic.retired
    }
}
