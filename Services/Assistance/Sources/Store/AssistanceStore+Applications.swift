import AssistanceDomain
import CivicDomain
import CivicStorage
import Foundation
import GRDB

/// Applications, their 公示 and decision snapshots.
extension AssistanceStore {
    public struct ApplicationFilter: Sendable {
        public var within: DivisionCode?
        public var program: Program?
        public var state: ApplicationState?
        public var householdID: String?

        public init(within: DivisionCode? = nil, program: Program? = nil, state: ApplicationState? = nil, householdID: String? = nil) {
            self.within = within
            self.program = program
            self.state = state
            self.householdID = householdID
        }
    }

    /// A published 公示 as stored.
    public struct StoredNotice: Sendable, Equatable {
        public var applicationID: String
        public var division: String
        public var program: Program
        public var name: String
        public var householdSize: Int
        public var amount: Fen
        public var startsOn: CivilDate
        public var endsOn: CivilDate
        public var text: String
    }

    /// What a step made besides the application: the 公示 to post or take down, a decision snapshot.
    public struct StepOutcome: Sendable {
        public var step: ApplicationStep
        public var notice: PublicNoticeText?
        public var snapshot: DecisionSnapshot?
        /// An approved recurring benefit's first review.
        public var reviewDue: CivilDate?
        public var detail: String

        public init(
            step: ApplicationStep, notice: PublicNoticeText? = nil, snapshot: DecisionSnapshot? = nil, reviewDue: CivilDate? = nil, detail: String = ""
        ) {
            self.step = step
            self.notice = notice
            self.snapshot = snapshot
            self.reviewDue = reviewDue
            self.detail = detail
        }
    }

    /// What a step is built from, read inside its transaction.
    public struct StepInputs: Sendable {
        public var application: ApplicationCase
        public var household: Household
        public var standards: StandardTable
        /// The household has an approved 低保 (for the 两项补贴 living subsidy).
        public var inMinimumLivingFamily: Bool
    }

    /// Files `application` (id assigned here) for a household that exists.
    public func file(_ application: ApplicationCase, by actor: AuditActor, now: Date = Date()) async throws -> ApplicationCase {
        try await writes.write { db in
            _ = try Self.loadHousehold(db, id: application.householdID)
            var stored = application
            let seq = try Self.nextSeq(db, table: "applications")
            stored.id = Self.code("A", seq)
            try db.execute(
                sql: """
                    INSERT INTO applications (id, seq, household_id, division, program, state, applied_on, record, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    stored.id, seq, stored.householdID, stored.division.description, stored.program.rawValue, stored.state.rawValue,
                    stored.appliedOn.description, try Self.encode(stored), Self.timestamp(now),
                ])
            try Audit.record(
                db, by: actor, action: "file", entity: "application", entityID: stored.id,
                detail: "\(stored.program.rawValue) for household \(stored.householdID) via \(stored.channel.rawValue)", at: now)
            return stored
        }
    }

    public func application(id: String) async throws -> ApplicationCase {
        try pointReads.read { db in try Self.loadApplication(db, id: id) }
    }

    /// The decision snapshot of an approved application.
    public func snapshot(applicationID: String) async throws -> DecisionSnapshot? {
        try await database.read { db in
            try Data.fetchOne(db, sql: "SELECT snapshot FROM applications WHERE id = ?", arguments: [applicationID]).map(StoredSnapshot.decode)
        }
    }

    /// Makes one step on application `id` in one transaction. `make` sees the application, its
    /// household and the standards as they are inside the transaction and returns the step (and
    /// what it posts or freezes); then the step is applied (`ApplicationCase.apply`), the 公示
    /// posted or taken down, the snapshot stored, the application saved and the step audited.
    /// Anything thrown leaves everything as it was.
    public func step(
        _ id: String, by actor: AuditActor, limits: ApplicationTimeLimits, calendar: WorkingCalendar, now: Date = Date(), reason: String = "",
        make: @escaping @Sendable (StepInputs) throws -> StepOutcome
    ) async throws -> ApplicationCase {
        try await writes.write { db in
            var application = try Self.loadApplication(db, id: id)
            let household = try Self.loadHousehold(db, id: application.householdID)
            let living = try Self.inMinimumLivingFamily(db, householdID: household.id)
            let outcome = try make(
                StepInputs(
                    application: application, household: household, standards: try StandardTable(versions: Self.standardVersions(db)),
                    inMinimumLivingFamily: living))
            try application.apply(outcome.step, limits: limits, calendar: calendar)
            if application.state == .approved, application.program != .temporary {
                try Self.refuseSecondCase(db, application)
            }
            if let notice = outcome.notice {
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO public_notices (application_id, division, program, name, household_size, amount_fen, starts_on, ends_on, text)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        id, application.division.description, application.program.rawValue, notice.name, notice.householdSize, notice.amount.fen,
                        notice.startsOn.description, notice.endsOn.description, notice.text,
                    ])
            }
            // A notice withdrawn by an objection, a rejection or a withdrawal is taken down.
            if [.investigating, .rejected, .withdrawn].contains(application.state) {
                try db.execute(sql: "DELETE FROM public_notices WHERE application_id = ?", arguments: [id])
            }
            try db.execute(
                sql:
                    """
                    UPDATE applications SET state = ?, accepted_on = ?, decided_on = ?, record = ?, snapshot = COALESCE(?, snapshot),
                      start_month = COALESCE(?, start_month), next_review_due = COALESCE(?, next_review_due),
                      review_scheduled_due = COALESCE(?, review_scheduled_due), updated_at = ? WHERE id = ?
                    """,
                arguments: [
                    application.state.rawValue, application.acceptedOn?.description, application.decidedOn?.description, try Self.encode(application),
                    try outcome.snapshot.map { try StoredSnapshot.encode($0) }, (application.startMonth ?? outcome.snapshot?.effectiveFrom)?.description,
                    outcome.reviewDue?.description, outcome.reviewDue?.description, Self.timestamp(now), id,
                ])
            let detail = "→ \(application.state.rawValue)" + (outcome.detail.isEmpty ? "" : "; \(outcome.detail)")
            try Audit.record(db, by: actor, action: outcome.step.action, entity: "application", entityID: id, reason: reason, detail: detail, at: now)
            return application
        }
    }

    public func applications(_ filter: ApplicationFilter, pageSize: Int, pageToken: String) async throws -> Page<ApplicationCase> {
        let offset = try Paging.offset(fromToken: pageToken)
        let (whereClause, arguments) = Self.conditions(filter)
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM applications \(whereClause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM applications \(whereClause) ORDER BY seq LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            return Page(items: try records.map { try Self.decode(ApplicationCase.self, $0) }, offset: offset, total: total)
        }
    }

    /// Every application matching `filter` that is still open (for the clock filters), at most `limit`.
    public func openApplications(_ filter: ApplicationFilter, limit: Int) async throws -> [ApplicationCase] {
        let (whereClause, arguments) = Self.conditions(filter)
        let open = "state NOT IN ('approved', 'rejected', 'withdrawn', 'applied', 'emergency_paid')"
        let clause = whereClause.isEmpty ? "WHERE \(open)" : "\(whereClause) AND \(open)"
        return try await database.read { db in
            try String.fetchAll(db, sql: "SELECT record FROM applications \(clause) ORDER BY seq LIMIT ?", arguments: arguments + [limit]).map {
                try Self.decode(ApplicationCase.self, $0)
            }
        }
    }

    /// Published 公示, newest first: within a division, and running on `day` when given.
    public func notices(within: DivisionCode?, runningOn day: CivilDate?, pageSize: Int, pageToken: String) async throws -> Page<StoredNotice> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = Filter()
        sql.within(within)
        if let day { sql.add("starts_on <= ? AND ends_on >= ?", [day.description, day.description]) }
        let whereClause = sql.whereClause
        let args = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM public_notices \(whereClause)", arguments: args) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM public_notices \(whereClause) ORDER BY starts_on DESC, application_id LIMIT ? OFFSET ?",
                arguments: args + [pageSize, offset])
            return Page(items: rows.map(Self.notice), offset: offset, total: total)
        }
    }

    /// The 公示 of an application while it is posted (or after approval).
    public func notice(applicationID: String) async throws -> StoredNotice? {
        try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM public_notices WHERE application_id = ?", arguments: [applicationID]).map(Self.notice)
        }
    }

    static func notice(_ row: Row) -> StoredNotice {
        StoredNotice(
            applicationID: row["application_id"], division: row["division"], program: Program(rawValue: row["program"]) ?? .minimumLiving,
            name: row["name"], householdSize: row["household_size"], amount: Fen(row["amount_fen"]),
            startsOn: CivilDate(row["starts_on"] as String)!, endsOn: CivilDate(row["ends_on"] as String)!, text: row["text"])
    }

    /// One running case per household and program (per person for 特困, 两项补贴 and 单人保): a
    /// second approval would pay the same months twice. A stopped case does not count.
    static func refuseSecondCase(_ db: Database, _ application: ApplicationCase) throws {
        let others = try String.fetchAll(
            db,
            sql: """
                SELECT record FROM applications WHERE household_id = ? AND program = ? AND state = 'approved' AND id <> ?
                  AND NOT EXISTS (SELECT 1 FROM benefit_changes c WHERE c.application_id = applications.id AND c.kind = 'stop' AND c.retracted_at IS NULL)
                """, arguments: [application.householdID, application.program.rawValue, application.id])
        for record in others {
            let other = try decode(ApplicationCase.self, record)
            let samePerson = application.terms.member == nil || other.terms.member == nil || other.terms.member == application.terms.member
            if samePerson {
                throw DomainError.failedPrecondition(
                    "\(other.id) already pays \(application.program.rawValue) to this \(application.terms.member == nil ? "household" : "person"): stop it first",
                    reason: "ALREADY_ASSISTED")
            }
        }
    }

    static func loadApplication(_ db: Database, id: String) throws -> ApplicationCase {
        guard let record = try String.fetchOne(db, sql: "SELECT record FROM applications WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no application with id \(id)")
        }
        return try decode(ApplicationCase.self, record)
    }

    static func conditions(_ filter: ApplicationFilter) -> (String, StatementArguments) {
        var sql = Filter()
        sql.within(filter.within)
        sql.add(filter.program, "program = ?") { $0.rawValue }
        sql.add(filter.state, "state = ?") { $0.rawValue }
        sql.add(filter.householdID, "household_id = ?") { $0 }
        return (sql.whereClause, sql.statementArguments)
    }
}

extension AssistanceStore {
    /// Cases decided before this system (存量对象, a register taken over from an older one):
    /// approved applications with their decision snapshots, written in one transaction, with
    /// their first review due. Each application's household must exist. Answers the ids given.
    public func importDecidedCases(
        _ cases: [(application: ApplicationCase, snapshot: DecisionSnapshot, reviewDue: CivilDate?)], by actor: AuditActor, now: Date = Date()
    ) async throws -> [String] {
        try await writes.write { db in
            var seq = try Self.nextSeq(db, table: "applications")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO applications (id, seq, household_id, division, program, state, applied_on, accepted_on, decided_on, record, snapshot,
                      start_month, next_review_due, review_scheduled_due, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var ids: [String] = []
            for (application, snapshot, reviewDue) in cases {
                guard application.state == .approved, let start = application.startMonth else {
                    throw DomainError.invalid("a decided case is approved with its start month", field: "state", reason: "NOT_APPROVED")
                }
                var stored = application
                stored.id = Self.code("A", seq)
                try insert.execute(arguments: [
                    stored.id, seq, stored.householdID, stored.division.description, stored.program.rawValue, stored.state.rawValue,
                    stored.appliedOn.description, stored.acceptedOn?.description, stored.decidedOn?.description, try Self.encode(stored),
                    try StoredSnapshot.encode(snapshot), start.description, reviewDue?.description, reviewDue?.description, Self.timestamp(now),
                ])
                ids.append(stored.id)
                seq += 1
            }
            try Audit.record(db, by: actor, action: "import_decided", entity: "application", entityID: ids.first ?? "", detail: "\(ids.count) cases", at: now)
            return ids
        }
    }
}
