import AssistanceDomain
import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB

/// 集中供养 between assistance and eldercare (docs/FLOWS.md §4.7): a placement asked of eldercare,
/// and each admission, discharge or death it reports switching the 特困 case.
extension AssistanceStore {
    /// Asks eldercare to place the person of 特困 case `applicationID` in `institutionID`: one
    /// message per case, institution and day (`duplicate` when asked before), audited.
    public func requestPlacement(
        applicationID: String, institutionID: String, on day: CivilDate, within: DivisionCode?, by actor: AuditActor, now: Date = Date()
    ) async throws -> (message: OutboundMessage, duplicate: Bool) {
        try await writes.write { db in
            let application = try Self.loadApplication(db, id: applicationID)
            if let within, !within.contains(application.division) {
                throw DomainError.permissionDenied("application \(applicationID) is outside this key's division \(within)")
            }
            guard application.terms.program == .destitute else {
                throw DomainError.failedPrecondition("\(applicationID) is not a 特困 case", reason: "NOT_DESTITUTE")
            }
            guard application.state == .approved, let timeline = try Self.timeline(db, applicationID: applicationID) else {
                throw DomainError.failedPrecondition(
                    "only an approved case is placed; \(applicationID) is \(application.state.rawValue.uppercased())", reason: "NOT_ACTIVE")
            }
            guard let current = try timeline.snapshot(for: max(BenefitMonth(containing: day), timeline.startMonth)) else {
                throw DomainError.failedPrecondition("case \(applicationID) is stopped", reason: "STOPPED")
            }
            guard current.terms.setting != .centralized else {
                throw DomainError.failedPrecondition("case \(applicationID) is supported in an institution already (集中)", reason: "CENTRALIZED")
            }
            guard let member = current.terms.member, let person = current.household.member(member) else {
                throw DomainError.failedPrecondition("case \(applicationID) names no member", reason: "NO_MEMBER")
            }
            let request = Civic_Flows_V1_DestitutePlacementRequested.with {
                $0.caseID = applicationID
                $0.personID = member.description
                $0.personName = person.name
                $0.institutionID = institutionID
                $0.selfCare = person.selfCare?.level.rawValue ?? ""
                $0.requestedOn = day.description
                $0.division = application.division.description
            }
            let key = "assistance-placement:\(applicationID):\(institutionID):\(day)"
            let duplicate = try Outbox.contains(db, destination: "eldercare", idempotencyKey: key)
            let message = try FlowOutbox.enqueue(db, to: "eldercare", request, aggregate: "case:\(applicationID)", idempotencyKey: key, now: now)
            if !duplicate {
                try Audit.record(
                    db, by: actor, action: "placement_requested", entity: "application", entityID: applicationID, detail: "to \(institutionID)", at: now)
            }
            return (message, duplicate)
        }
    }

    /// What eldercare reports of a 特困 resident. Admitted / discharged: the case is 集中 / 分散 from
    /// the month after (the support recomputed with the care fraction of the setting; nothing when it
    /// is so already, or the case is not running then). Died: received as a death report from
    /// "eldercare" (the alert, the stop from the next month). Refused (held DEAD at eldercare): a case
    /// not here (NOT_FOUND, from `loadApplication`), not 特困 or of another person (INVALID_ARGUMENT).
    static func applyResidentChanged(
        _ db: Database, _ change: Civic_Flows_V1_DestituteResidentChanged, options: MinimumLivingOptions, calendar: WorkingCalendar,
        limits: AlertTimeLimits, receivedOn: CivilDate, by actor: AuditActor, now: Date
    ) throws -> String {
        let application = try loadApplication(db, id: change.caseID)
        var errors = ValidationErrors()
        if application.terms.program != .destitute { errors.add("case_id", "NOT_DESTITUTE", "\(change.caseID) is not a 特困 case") }
        let member = application.terms.member
        if !change.personID.isEmpty && (try? ResidentID(change.personID)) != member {
            errors.add("person_id", "NOT_THE_CASE_PERSON", "the resident is not the person of \(change.caseID)")
        }
        let on = CivilDate(change.on)
        if on == nil { errors.add("on", "INVALID", "on must be a date YYYY-MM-DD") }
        try errors.check()
        guard let member, let on else { throw errors }
        let place = "\(change.institutionName)（\(change.institutionID) \(change.residentID)）"
        let setting: SupportSetting
        switch change.change {
        case .died:
            let event = PersonEvent(
                eventID: "\(change.residentID):died", department: "eldercare", kind: .notification, type: .death, residentID: member, occurredOn: on,
                amount: .zero, correctsEventID: nil, note: "\(place)报告死亡")
            let receipt = try receive(db, event, receivedOn: receivedOn, calendar: calendar, limits: limits, by: actor, now: now)
            return "death of \(change.caseID)'s person: alert \(receipt.alertID ?? "none")"
        case .admitted: setting = .centralized
        case .discharged: setting = .dispersed
        case .UNRECOGNIZED, .unspecified:
            throw DomainError.invalid("change is ADMITTED, DISCHARGED or DIED", field: "change", reason: "UNKNOWN")
        }
        guard application.state == .approved, let timeline = try timeline(db, applicationID: application.id) else {
            return "\(application.id) is not running: nothing to switch"
        }
        let from = max(ReviewDecision.effectiveMonth(reviewedOn: on), timeline.startMonth)
        guard let current = try timeline.snapshot(for: from) else { return "\(application.id) is stopped by \(from): nothing to switch" }
        guard current.terms.setting != setting else { return "\(application.id) is \(setting.rawValue) already" }
        var snapshot = current
        snapshot.terms.setting = setting
        let result = try snapshot.entitlement(
            for: from, standards: StandardTable(versions: standardVersions(db)), options: options,
            inMinimumLivingFamily: try inMinimumLivingFamily(db, householdID: current.household.id))
        let amount = result.eligible ? result.amount : .zero
        (snapshot.decidedOn, snapshot.effectiveFrom, snapshot.amount, snapshot.standardVersionID) = (on, from, amount, result.standardVersionID)
        let reason = setting == .centralized ? "入住\(place) \(on)：集中供养" : "离开\(place) \(on)：分散供养"
        try addChange(
            db, applicationID: application.id, from: from, kind: .adjust, snapshot: snapshot, amount: amount, reason: reason,
            source: "eldercare:\(change.residentID)", now: now)
        try Audit.record(
            db, by: actor, action: "setting_\(setting.rawValue)", entity: "application", entityID: application.id, reason: reason,
            detail: "\(current.amount.fen) → \(amount.fen) fen from \(from)", at: now)
        return "\(application.id) \(setting.rawValue) from \(from): \(amount) 元"
    }
}
