import AssistanceDomain
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage

/// 主动发现: other departments' events, the alerts they raise, and their checks.
extension AssistanceHandler {
    /// The department a call speaks for: the key's subject (events are the department's own records).
    static func department(_ context: RPCContext) throws -> String {
        switch context.scope.reach {
        case .ownRecords(let subject):
            guard !subject.isEmpty else { throw DomainError.permissionDenied("a department key needs its subject: the department's name") }
            return subject
        default:
            return context.principal.map { $0.subject.isEmpty ? $0.id : $0.subject } ?? "local"
        }
    }

    public func getPersonEvent(_ request: Civic_Assistance_V1_GetPersonEventRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_PersonEventStatus
    {
        try RequestFields.requireID(request.eventID, field: "event_id")
        let found = try await store.personEvent(department: try Self.department(context), eventID: request.eventID)
        return .with {
            $0.eventID = found.event.eventID
            $0.kind = WireEnum.wire(found.event.kind)
            $0.type = WireEnum.wire(found.event.type)
            $0.occurredOn = found.event.occurredOn
            $0.receivedAt = found.event.receivedAt
            $0.correctsEventID = found.event.correctsEventID ?? ""
            if let later = found.supersededBy {
                $0.state = later.kind == .retraction ? "retracted" : "corrected"
                $0.supersededByEventID = later.eventID
                $0.supersededAt = later.receivedAt
            } else {
                $0.state = "in_force"
            }
        }
    }

    public func reportPersonEvent(_ request: Civic_Assistance_V1_ReportPersonEventRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ReportPersonEventResponse
    {
        let department = try Self.department(context)
        var errors = ValidationErrors()
        let eventID = request.eventID.trimmingCharacters(in: .whitespaces)
        if eventID.count > 100 { errors.add("event_id", "TOO_LONG", "event_id is longer than 100 characters") }
        let kind: PersonEventKind? = HouseholdInput.collect(&errors) { try WireEnum.optional(request.kind, field: "kind") } ?? .notification
        let type: PersonEventType? = HouseholdInput.collect(&errors) { try WireEnum.required(request.type, field: "type") }
        let id = ResidentID.validate(request.residentID, field: "resident_id", into: &errors)
        let occurred = CivilDate(request.occurredOn)
        if occurred == nil { errors.add("occurred_on", request.occurredOn.isEmpty ? "REQUIRED" : "INVALID", "occurred_on must be a date YYYY-MM-DD") }
        if request.note.count > Self.maxTextLength { errors.add("note", "TOO_LONG", "note is longer than \(Self.maxTextLength) characters") }
        try errors.check()
        let event = PersonEvent(
            eventID: eventID, department: department, kind: kind ?? .notification, type: type!, residentID: id!, occurredOn: occurred!,
            amount: Fen(Int(request.amountFen)), correctsEventID: request.correctsEventID.isEmpty ? nil : request.correctsEventID, note: request.note)
        let receipt = try await store.receive(event, receivedOn: today(), calendar: calendar, limits: settings.alerts, by: context.auditActor)
        var response = Civic_Assistance_V1_ReportPersonEventResponse()
        response.eventID = receipt.eventID
        response.receivedAt = receipt.receivedAt
        response.duplicate = receipt.duplicate
        return response
    }

    public func listAlerts(_ request: Civic_Assistance_V1_ListAlertsRequest, context: RPCContext) async throws -> Civic_Assistance_V1_ListAlertsResponse {
        let access = try AssistanceAccess(context)
        var filter = AssistanceStore.AlertFilter()
        filter.within = try access.listing(requested: request.division)
        if !request.department.isEmpty { filter.department = request.department }
        let status: AlertCheckStatus? = try WireEnum.optional(request.status, field: "status")
        let day = today()
        let page = try await store.alerts(filter, status: status, on: day, pageSize: Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Assistance_V1_ListAlertsResponse()
        for alert in page.items {
            response.alerts.append(Civic_Assistance_V1_Alert(alert, view: access.view(of: try await store.household(id: alert.householdID)), on: day))
        }
        response.page = .init(page)
        return response
    }

    public func handleAlert(_ request: Civic_Assistance_V1_HandleAlertRequest, context: RPCContext) async throws -> Civic_Assistance_V1_AlertResponse {
        let access = try AssistanceAccess(context)
        try RequestFields.requireID(request.id)
        let on = try eventDay(request.on)
        let outcome = try limited(request.outcome, field: "outcome", required: true)
        let current = try await store.alert(id: request.id)
        try access.check(try DivisionCode(current.division), "alert \(request.id)")
        let alert = try await store.handle(alertID: request.id, on: on, outcome: outcome, by: context.auditActor, handler: AssistanceAccess.person(context))
        var response = Civic_Assistance_V1_AlertResponse()
        response.alert = Civic_Assistance_V1_Alert(alert, view: access.view(of: try await store.household(id: alert.householdID)), on: today())
        return response
    }
}

extension Civic_Assistance_V1_Alert {
    init(_ a: AssistanceStore.StoredAlert, view: RecordView, on day: CivilDate) {
        self.init()
        id = a.id
        eventID = a.eventID
        department = a.department
        type = WireEnum.wire(a.type)
        kind = WireEnum.wire(a.kind)
        severity = WireEnum.wire(a.severity)
        suggestion = WireEnum.wire(a.suggestion)
        reason = a.reason
        householdID = a.householdID
        residentID = view.residentID(a.residentID)
        occurredOn = a.occurredOn.description
        amountFen = Int64(a.amount.fen)
        raisedOn = a.raisedOn.description
        checkDue = a.checkDue.description
        status = WireEnum.wire(a.progress.checkStatus(due: a.checkDue, on: day))
        if case .handled(let on) = a.progress { handledOn = on.description }
        handledBy = a.handledBy
        outcome = a.outcome
        effects = a.effects
    }
}
