import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import ProposalsDomain

/// 催办 and deadlines: the urging run, the due list, recalculation after a schedule is loaded.
extension ProposalsHandler {
    /// 催办: urges every owed deadline (UrgingPlan) due soon or overdue on `today`, one
    /// recorded urging per deadline; overdue ones are escalated to the leaders.
    public func runUrging(_ request: Civic_Proposals_V1_RunUrgingRequest, context: RPCContext) async throws -> Civic_Proposals_V1_RunUrgingResponse {
        try requireOffice(context, "the urging run")
        let now = today()
        let day = try RequestFields.date(request.today, field: "today", today: now, notAfterToday: false)
        // ListDueItems may look ahead; a run records urgings and escalations as facts.
        guard day <= now else {
            throw DomainError.invalid(
                "today \(day) is in the future (today is \(now)): ListDueItems looks ahead without recording", field: "today", reason: "IN_THE_FUTURE")
        }
        let run = try await store.runUrging(on: day, rules: deadlines, calendar: calendar, by: context.auditActor)
        for (itemID, why) in run.skipped {
            context.logger.info("not urged", metadata: ["item": "\(itemID)", "why": "\(why)"])
        }
        var response = Civic_Proposals_V1_RunUrgingResponse()
        response.alreadyUrged = Int32(run.alreadyUrged)
        response.items = run.urged.map { Civic_Proposals_V1_UrgedItem($0.item, $0.deadline, calendar: calendar) }
        return response
    }

    /// What the urging run would urge on `today`, recording nothing. Unit staff see their unit's items.
    public func listDueItems(_ request: Civic_Proposals_V1_ListDueItemsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ListDueItemsResponse {
        let day = try RequestFields.date(request.today, field: "today", today: today(), notAfterToday: false)
        let urgency: ReplyDeadlines.Urgency?
        switch request.urgency {
        case "": urgency = nil
        case ReplyDeadlines.Urgency.dueSoon.rawValue: urgency = .dueSoon
        case ReplyDeadlines.Urgency.overdue.rawValue: urgency = .overdue
        default: throw DomainError.invalid("urgency must be due_soon, overdue or empty", field: "urgency", reason: "UNKNOWN")
        }
        let view = ItemVisibility(context.scope)  // own_unit: a unit's staff see their unit's items
        var response = Civic_Proposals_V1_ListDueItemsResponse()
        for (item, deadline) in try await store.dueDeadlines(on: day, rules: deadlines, calendar: calendar) where urgency == nil || deadline.urgency == urgency
        {
            guard view.allows(item) else { continue }
            response.items.append(Civic_Proposals_V1_UrgedItem(item, deadline, calendar: calendar))
        }
        return response
    }

    /// After a year's holiday schedule is loaded: the deadlines counted without it (DeadlineRecalculation).
    public func recalculateDeadlines(_ request: Civic_Proposals_V1_RecalculateDeadlinesRequest, context: RPCContext) async throws
        -> Civic_Proposals_V1_RecalculateDeadlinesResponse
    {
        try requireOffice(context, "recalculating deadlines")
        let years = Set(request.years.map(Int.init))
        guard !years.isEmpty else {
            throw DomainError.invalid("years is required: the years whose holiday schedules were just loaded", field: "years", reason: "REQUIRED")
        }
        let known = calendar.officialYears
        if let missing = years.sorted().first(where: { !known.contains($0) }) {
            throw DomainError.invalid("\(missing) has no holiday schedule loaded (CIVIC_CALENDAR_FILE)", field: "years", reason: "NO_SCHEDULE")
        }
        let note =
            request.apply ? try RequestFields.required(request.note, field: "note", what: "a note saying why (e.g. which year's schedule was loaded)") : ""
        let found = try await store.recalculateDeadlines(
            apply: request.apply, note: note, rules: deadlines, calendar: calendar, loadedYears: years, today: today(), by: context.auditActor)
        var response = Civic_Proposals_V1_RecalculateDeadlinesResponse()
        response.applied = request.apply
        response.changes = found.flatMap { item, changes in changes.map { Civic_Proposals_V1_DeadlineChange(item, $0) } }
        return response
    }
}
