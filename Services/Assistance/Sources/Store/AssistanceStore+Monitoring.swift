import AssistanceDomain
import CivicDomain
import CivicStorage
import Foundation
import GRDB

/// 主动发现: events from other departments, matched by resident ID, become alerts with a check
/// deadline; a death stops the benefit and recomputes the household by itself. The same event
/// twice changes nothing; a retraction reverses what its event did, the history kept.
extension AssistanceStore {
    public struct EventReceipt: Sendable, Equatable {
        public var eventID: String
        public var receivedAt: String
        public var duplicate: Bool
        /// The alert raised or changed (nil: no assisted person matched). Not shown to departments.
        public var alertID: String?
    }

    public struct StoredAlert: Sendable, Equatable {
        public var id: String
        public var department: String
        public var eventID: String
        public var type: PersonEventType
        public var kind: PersonEventKind
        public var severity: AlertSeverity
        public var suggestion: AlertSuggestion
        public var reason: String
        public var householdID: String
        public var division: String
        public var residentID: ResidentID
        public var occurredOn: CivilDate
        public var amount: Fen
        public var raisedOn: CivilDate
        public var checkDue: CivilDate
        public var progress: AlertProgress
        public var handledBy: String
        public var outcome: String
        public var effects: String
    }

    public struct AlertFilter: Sendable {
        public var within: DivisionCode?
        public var department: String?

        public init(within: DivisionCode? = nil, department: String? = nil) {
            self.within = within
            self.department = department
        }
    }

    /// Receives one event in one transaction (see the type's comment). Throws INVALID_ARGUMENT
    /// for a malformed event (`PersonEvent.problems`), FAILED_PRECONDITION UNKNOWN_EVENT for a
    /// correction or retraction of an event this department never sent.
    /// A department's event as received (what the department may read back).
    public struct ReceivedEvent: Sendable, Equatable {
        public var eventID: String
        public var kind: PersonEventKind
        public var type: PersonEventType
        public var occurredOn: String
        public var receivedAt: String
        public var correctsEventID: String?
    }

    /// One of `department`'s events, and the latest later event of the department that corrected
    /// or retracted it, if any. NOT_FOUND when the department sent no such event.
    public func personEvent(department: String, eventID: String) async throws -> (event: ReceivedEvent, supersededBy: ReceivedEvent?) {
        try await database.read { db in
            func read(_ row: Row) throws -> ReceivedEvent {
                guard let kind = PersonEventKind(rawValue: row["kind"]), let type = PersonEventType(rawValue: row["type"]) else {
                    throw DomainError.notFound("event \(eventID) cannot be read")
                }
                return ReceivedEvent(
                    eventID: row["event_id"], kind: kind, type: type, occurredOn: row["occurred_on"], receivedAt: row["received_at"],
                    correctsEventID: row["corrects_event_id"])
            }
            guard
                let event = try Row.fetchOne(
                    db, sql: "SELECT * FROM person_events WHERE department = ? AND event_id = ?", arguments: [department, eventID])
            else { throw DomainError.notFound("no event \(eventID) from this department") }
            let later = try Row.fetchOne(
                db, sql: "SELECT * FROM person_events WHERE department = ? AND corrects_event_id = ? ORDER BY received_at DESC, rowid DESC LIMIT 1",
                arguments: [department, eventID])
            return (try read(event), try later.map(read))
        }
    }

    public func receive(
        _ event: PersonEvent, receivedOn: CivilDate, calendar: WorkingCalendar, limits: AlertTimeLimits, by actor: AuditActor, now: Date = Date()
    ) async throws -> EventReceipt {
        try await writes.write { db in
            try Self.receive(db, event, receivedOn: receivedOn, calendar: calendar, limits: limits, by: actor, now: now)
        }
    }

    /// `receive` inside a transaction (also for the events the flows bring, FLOWS.md §4.7).
    static func receive(
        _ db: Database, _ event: PersonEvent, receivedOn: CivilDate, calendar: WorkingCalendar, limits: AlertTimeLimits, by actor: AuditActor, now: Date
    ) throws -> EventReceipt {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT received_at, alert_id FROM person_events WHERE department = ? AND event_id = ?"),
            arguments: [event.department, event.eventID])
        {
            return EventReceipt(eventID: event.eventID, receivedAt: row["received_at"], duplicate: true, alertID: row["alert_id"])
        }
        let action = try AlertRules.action(for: event, receivedOn: receivedOn, calendar: calendar, limits: limits)
        var alertID: String?
        switch action {
        case .raise(let assessment):
            if let householdID = try Self.householdOf(db, event.residentID) {
                alertID = try Self.raise(db, event: event, assessment: assessment, householdID: householdID, receivedOn: receivedOn, by: actor, now: now)
            }
        case .reassess(let original, let assessment):
            // The correction may name another person: matched again, as a notification would be.
            let householdID = try Self.householdOf(db, event.residentID)
            alertID = try Self.originalAlert(db, department: event.department, eventID: original)
            if let id = alertID {
                try Self.reverseEffects(db, alertID: id, now: now)
                if let householdID {
                    try Self.reassess(
                        db, alertID: id, event: event, assessment: assessment, householdID: householdID, receivedOn: receivedOn, by: actor, now: now)
                } else {
                    // Corrected to someone not assisted here: the alert concerns nobody any more.
                    try db.execute(
                        sql: "UPDATE alerts SET kind = 'correction', resident_id = ?, status = 'retracted', retracted_on = ? WHERE id = ?",
                        arguments: [event.residentID.description, receivedOn.description, id])
                    try Audit.record(
                        db, by: actor, action: "retract", entity: "alert", entityID: id,
                        detail: "corrected by \(event.eventID) to a person not assisted here", at: now)
                }
            } else if let householdID {
                // The event first matched nobody; corrected, it does: raised now, and found
                // through the first event by a later correction or retraction naming that one.
                let id = try Self.raise(db, event: event, assessment: assessment, householdID: householdID, receivedOn: receivedOn, by: actor, now: now)
                try db.execute(
                    sql: "UPDATE person_events SET alert_id = ? WHERE department = ? AND event_id = ?", arguments: [id, event.department, original])
                alertID = id
            }
        case .retract(let original):
            alertID = try Self.originalAlert(db, department: event.department, eventID: original)
            if let id = alertID {
                try Self.reverseEffects(db, alertID: id, now: now)
                try db.execute(sql: "UPDATE alerts SET status = 'retracted', retracted_on = ? WHERE id = ?", arguments: [receivedOn.description, id])
                try Audit.record(
                    db, by: actor, action: "retract", entity: "alert", entityID: id, detail: "event \(original) retracted by \(event.eventID)", at: now)
            }
        }
        let receivedAt = Self.timestamp(now)
        try db.cachedStatement(
            sql: """
                INSERT INTO person_events (department, event_id, kind, type, resident_id, occurred_on, amount_fen, corrects_event_id, note, received_at, alert_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            event.department, event.eventID, event.kind.rawValue, event.type.rawValue, event.residentID.description, event.occurredOn.description,
            event.amount.fen, event.correctsEventID, event.note, receivedAt, alertID,
        ])
        return EventReceipt(eventID: event.eventID, receivedAt: receivedAt, duplicate: false, alertID: alertID)
    }

    /// The household the person is a member of, if any (one person, one household).
    static func householdOf(_ db: Database, _ person: ResidentID) throws -> String? {
        try String.fetchOne(
            db.cachedStatement(sql: "SELECT household_id FROM household_members WHERE resident_id = ?"), arguments: [person.description])
    }

    /// The alert raised for this department's event `eventID`, following corrections; a
    /// correction or retraction of an event never received is refused.
    static func originalAlert(_ db: Database, department: String, eventID: String) throws -> String? {
        guard let row = try Row.fetchOne(db, sql: "SELECT alert_id FROM person_events WHERE department = ? AND event_id = ?", arguments: [department, eventID])
        else {
            throw DomainError.failedPrecondition("no event \(eventID) was received from \(department)", reason: "UNKNOWN_EVENT")
        }
        return row["alert_id"]
    }

    static func raise(
        _ db: Database, event: PersonEvent, assessment: AlertAssessment, householdID: String, receivedOn: CivilDate, by actor: AuditActor, now: Date
    ) throws -> String {
        let division = try String.fetchOne(db.cachedStatement(sql: "SELECT division FROM households WHERE id = ?"), arguments: [householdID]) ?? ""
        let seq = try nextSeq(db, table: "alerts")
        let id = code("W", seq)
        let done = try applyEffects(
            db, alertID: id, source: "event:\(event.department)/\(event.eventID)", event: event, assessment: assessment, householdID: householdID,
            now: now)
        try db.cachedStatement(
            sql: """
                INSERT INTO alerts (id, seq, department, event_id, type, kind, severity, suggestion, reason, household_id, division, resident_id,
                  occurred_on, amount_fen, raised_on, check_due, status, outcome, effects, moved_reviews)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', '', ?, ?)
                """
        ).execute(arguments: [
            id, seq, event.department, event.eventID, event.type.rawValue, event.kind.rawValue, assessment.severity.rawValue,
            assessment.suggestion.rawValue, assessment.reason, householdID, division, event.residentID.description,
            event.occurredOn.description, event.amount.fen, receivedOn.description, assessment.checkDue.description, done.effects, done.moved,
        ])
        try Audit.record(
            db, by: actor, action: "raise", entity: "alert", entityID: id,
            detail: "\(event.type.rawValue) \(assessment.severity.rawValue), check by \(assessment.checkDue)", at: now)
        return id
    }

    static func reassess(
        _ db: Database, alertID: String, event: PersonEvent, assessment: AlertAssessment, householdID: String, receivedOn: CivilDate, by actor: AuditActor,
        now: Date
    ) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT department, event_id FROM alerts WHERE id = ?", arguments: [alertID]) else { return }
        let division = try String.fetchOne(db.cachedStatement(sql: "SELECT division FROM households WHERE id = ?"), arguments: [householdID]) ?? ""
        try db.execute(
            sql: """
                UPDATE alerts SET type = ?, kind = 'correction', severity = ?, suggestion = ?, reason = ?, household_id = ?, division = ?, resident_id = ?,
                  occurred_on = ?, amount_fen = ?, check_due = ?, status = 'open', handled_on = NULL, handled_by = NULL, outcome = '', retracted_on = NULL
                WHERE id = ?
                """,
            arguments: [
                event.type.rawValue, assessment.severity.rawValue, assessment.suggestion.rawValue, assessment.reason, householdID, division,
                event.residentID.description, event.occurredOn.description, event.amount.fen, assessment.checkDue.description, alertID,
            ])
        let source = "event:\(row["department"] as String)/\(row["event_id"] as String)"
        let done = try applyEffects(db, alertID: alertID, source: source, event: event, assessment: assessment, householdID: householdID, now: now)
        try db.execute(sql: "UPDATE alerts SET effects = ?, moved_reviews = ? WHERE id = ?", arguments: [done.effects, done.moved, alertID])
        try Audit.record(
            db, by: actor, action: "reassess", entity: "alert", entityID: alertID,
            detail: "corrected by \(event.eventID): \(event.type.rawValue) \(assessment.severity.rawValue), check by \(assessment.checkDue)", at: now)
    }

    /// What the service does by itself for an alert (answered for the alert's `effects` and
    /// `moved_reviews`): a death is recorded in the registry and
    /// stops or recomputes the household's cases from the month after (`moved_reviews` keeps the
    /// review a stop removed); an event suggesting a review brings the cases' next review forward
    /// to the check deadline (an advance in `review_advances`).
    static func applyEffects(
        _ db: Database, alertID: String, source: String, event: PersonEvent, assessment: AlertAssessment, householdID: String, now: Date
    ) throws -> (effects: String, moved: String) {
        var effects: [String] = []
        var moved: [String: String] = [:]
        let cases = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT id, program, next_review_due, COALESCE(review_scheduled_due, next_review_due) AS scheduled FROM applications
                    WHERE household_id = ? AND state = 'approved'
                    """),
            arguments: [householdID])
        switch assessment.suggestion {
        case .stopBenefit where event.type == .death:
            let household = try loadHousehold(db, id: householdID)
            var updated = household
            if let i = updated.members.firstIndex(where: { $0.residentID == event.residentID }) {
                updated.members[i].deceasedOn = event.occurredOn
                try db.execute(
                    sql: "UPDATE households SET record = ?, updated_at = ? WHERE id = ?", arguments: [try encode(updated), timestamp(now), household.id])
                effects.append("death recorded on \(event.occurredOn)")
            }
            let stop = BenefitStop(diedOn: event.occurredOn)
            for row in cases {
                let id: String = row["id"]
                guard let timeline = try timeline(db, applicationID: id), var snapshot = try timeline.snapshot(for: max(stop.stopMonth, timeline.startMonth))
                else { continue }
                guard let i = snapshot.household.members.firstIndex(where: { $0.residentID == event.residentID }) else { continue }
                snapshot.household.members[i].deceasedOn = event.occurredOn
                let program = snapshot.terms.program
                // The person's own benefit, or a 低保 household with nobody left to count: stopped.
                let ownBenefit = program != .minimumLiving && snapshot.terms.member == event.residentID
                let nobodyLeft = program == .minimumLiving && !snapshot.household.members.contains { $0.isCounted(in: stop.stopMonth) }
                if ownBenefit || nobodyLeft {
                    try addChange(
                        db, applicationID: id, from: stop.stopMonth, kind: .stop, snapshot: nil, amount: .zero, reason: "死亡 \(event.occurredOn)",
                        source: source, now: now)
                    // A stopped case has no next review; a retraction puts it back (moved reviews).
                    moved[id] = (row["next_review_due"] as String?) ?? ""
                    try db.execute(
                        sql: "UPDATE applications SET next_review_due = NULL, review_alert_id = ? WHERE id = ?", arguments: [alertID, id])
                    effects.append("\(id) stops from \(stop.stopMonth)")
                } else if program == .minimumLiving {
                    snapshot.effectiveFrom = stop.stopMonth
                    try addChange(
                        db, applicationID: id, from: stop.stopMonth, kind: .adjust, snapshot: snapshot, amount: snapshot.amount,
                        reason: "家庭成员死亡 \(event.occurredOn)", source: source, now: now)
                    effects.append("\(id) recomputed from \(stop.stopMonth)")
                    // Changes dated later were made without the death: each gets a copy with it.
                    for later in timeline.changes where later.kind == .adjust && later.from > stop.stopMonth {
                        guard let stored = later.snapshot, var copy = try? StoredSnapshot.decode(stored),
                            let j = copy.household.members.firstIndex(where: { $0.residentID == event.residentID })
                        else { continue }
                        copy.household.members[j].deceasedOn = event.occurredOn
                        try addChange(
                            db, applicationID: id, from: later.from, kind: .adjust, snapshot: copy, amount: copy.amount,
                            reason: "家庭成员死亡 \(event.occurredOn)", source: source, now: now)
                    }
                }
            }
        case .review:
            for row in cases where (row["program"] as String) != Program.temporary.rawValue {
                let id: String = row["id"]
                // A case without a next review (stopped) is not brought back to the due list.
                guard (row["next_review_due"] as String?) != nil, let scheduled = (row["scheduled"] as String?).flatMap(CivilDate.init),
                    assessment.checkDue < scheduled
                else { continue }
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO review_advances (application_id, alert_id, due) VALUES (?, ?, ?)").execute(
                    arguments: [id, alertID, assessment.checkDue.description])
                try refreshReviewDue(db, applicationID: id)
                effects.append("\(id) review due \(assessment.checkDue)")
            }
        default:
            break
        }
        return (effects.joined(separator: "; "), moved.isEmpty ? "{}" : try encode(moved))
    }

    /// Undoes what `applyEffects` did for an alert: its benefit changes retracted (kept, marked),
    /// a death it recorded cleared, the reviews it brought forward put back.
    static func reverseEffects(_ db: Database, alertID: String, now: Date) throws {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT department, event_id, type, household_id, resident_id, occurred_on, moved_reviews FROM alerts WHERE id = ?",
                arguments: [alertID])
        else { return }
        let source = "event:\(row["department"] as String)/\(row["event_id"] as String)"
        try db.execute(
            sql: "UPDATE benefit_changes SET retracted_at = ? WHERE source = ? AND retracted_at IS NULL", arguments: [timestamp(now), source])
        if (row["type"] as String) == PersonEventType.death.rawValue {
            var household = try loadHousehold(db, id: row["household_id"])
            if let i = household.members.firstIndex(where: { $0.residentID.description == (row["resident_id"] as String) }),
                household.members[i].deceasedOn?.description == (row["occurred_on"] as String)
            {
                household.members[i].deceasedOn = nil
                try db.execute(
                    sql: "UPDATE households SET record = ?, updated_at = ? WHERE id = ?", arguments: [try encode(household), timestamp(now), household.id])
            }
        }
        // Reviews a death stopped come back; the advances this alert made go, the others stand.
        let moved = try decode([String: String].self, row["moved_reviews"])
        for (applicationID, previous) in moved {
            try db.execute(
                sql: """
                    UPDATE applications SET next_review_due = COALESCE(review_scheduled_due, ?), review_alert_id = NULL
                    WHERE id = ? AND review_alert_id = ? AND next_review_due IS NULL
                    """,
                arguments: [previous.isEmpty ? nil : previous, applicationID, alertID])
        }
        let advanced = try String.fetchAll(db, sql: "SELECT application_id FROM review_advances WHERE alert_id = ?", arguments: [alertID])
        try db.execute(sql: "DELETE FROM review_advances WHERE alert_id = ?", arguments: [alertID])
        for applicationID in Set(advanced).union(moved.keys).sorted() {
            try refreshReviewDue(db, applicationID: applicationID)
        }
        try db.execute(sql: "UPDATE alerts SET effects = '', moved_reviews = '{}' WHERE id = ?", arguments: [alertID])
    }

    /// A case's next review: the earliest of its schedule and the advances of the alerts in force,
    /// held by the alert with the earliest (`review_alert_id`). A stopped case (no next review)
    /// stays without one.
    static func refreshReviewDue(_ db: Database, applicationID id: String) throws {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT review_scheduled_due, next_review_due FROM applications WHERE id = ?"), arguments: [id]),
            let current = (row[1] as String?).flatMap(CivilDate.init)
        else { return }
        let scheduled = (row[0] as String?).flatMap(CivilDate.init) ?? current
        let earliest = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT due, alert_id FROM review_advances WHERE application_id = ? ORDER BY due, alert_id LIMIT 1"), arguments: [id])
        let advance = earliest.flatMap { r in CivilDate(r[0] as String).map { (due: $0, alert: r[1] as String) } }.flatMap { $0.due < scheduled ? $0 : nil }
        try db.cachedStatement(sql: "UPDATE applications SET next_review_due = ?, review_alert_id = ? WHERE id = ?").execute(arguments: [
            (advance?.due ?? scheduled).description, advance?.alert, id,
        ])
    }

    public func alerts(_ filter: AlertFilter, status: AlertCheckStatus?, on day: CivilDate, pageSize: Int, pageToken: String) async throws -> Page<StoredAlert>
    {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = Filter()
        sql.within(filter.within)
        sql.add(filter.department, "department = ?") { $0 }
        switch status {
        case .open?: sql.add("status = 'open' AND check_due >= ?", [day.description])
        case .overdue?: sql.add("status = 'open' AND check_due < ?", [day.description])
        case .handledOnTime?: sql.add("status = 'handled' AND handled_on <= check_due", [])
        case .handledLate?: sql.add("status = 'handled' AND handled_on > check_due", [])
        case .retracted?: sql.add("status = 'retracted'", [])
        case nil: break
        }
        let whereClause = sql.whereClause
        let args = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM alerts \(whereClause)", arguments: args) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM alerts \(whereClause) ORDER BY check_due, seq LIMIT ? OFFSET ?", arguments: args + [pageSize, offset])
            return Page(items: try rows.map(Self.alert), offset: offset, total: total)
        }
    }

    public func alert(id: String) async throws -> StoredAlert {
        try await database.read { db in try Self.loadAlert(db, id: id) }
    }

    /// Records the check of an open alert (FAILED_PRECONDITION ALREADY_HANDLED / RETRACTED otherwise).
    public func handle(alertID id: String, on day: CivilDate, outcome: String, by actor: AuditActor, handler: String, now: Date = Date()) async throws
        -> StoredAlert
    {
        try await writes.write { db in
            let alert = try Self.loadAlert(db, id: id)
            switch alert.progress {
            case .handled: throw DomainError.failedPrecondition("alert \(id) was handled already", reason: "ALREADY_HANDLED")
            case .retracted: throw DomainError.failedPrecondition("alert \(id) was retracted by its department", reason: "RETRACTED")
            case .open: break
            }
            guard day >= alert.raisedOn else {
                throw DomainError.invalid("\(day) is before the alert was raised (\(alert.raisedOn))", field: "on", reason: "BEFORE_RAISED")
            }
            try db.execute(
                sql: "UPDATE alerts SET status = 'handled', handled_on = ?, handled_by = ?, outcome = ? WHERE id = ?",
                arguments: [day.description, handler, outcome, id])
            try Audit.record(db, by: actor, action: "handle", entity: "alert", entityID: id, reason: outcome, detail: "handled on \(day)", at: now)
            return try Self.loadAlert(db, id: id)
        }
    }

    static func loadAlert(_ db: Database, id: String) throws -> StoredAlert {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM alerts WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no alert with id \(id)")
        }
        return try alert(row)
    }

    static func alert(_ row: Row) throws -> StoredAlert {
        let status: String = row["status"]
        let progress: AlertProgress =
            switch status {
            case "handled": .handled(on: CivilDate(row["handled_on"] as String)!)
            case "retracted": .retracted(on: CivilDate(row["retracted_on"] as String)!)
            default: .open
            }
        return StoredAlert(
            id: row["id"], department: row["department"], eventID: row["event_id"], type: PersonEventType(rawValue: row["type"]) ?? .death,
            kind: PersonEventKind(rawValue: row["kind"]) ?? .notification, severity: AlertSeverity(rawValue: row["severity"]) ?? .low,
            suggestion: AlertSuggestion(rawValue: row["suggestion"]) ?? .none, reason: row["reason"], householdID: row["household_id"],
            division: row["division"], residentID: try ResidentID(row["resident_id"]), occurredOn: CivilDate(row["occurred_on"] as String)!,
            amount: Fen(row["amount_fen"]), raisedOn: CivilDate(row["raised_on"] as String)!, checkDue: CivilDate(row["check_due"] as String)!,
            progress: progress, handledBy: row["handled_by"] ?? "", outcome: row["outcome"], effects: row["effects"])
    }
}
