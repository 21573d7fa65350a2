import CivicDomain
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

/// Registration applications with their clocks, the credit codes issued at approval, and
/// community organizations' filings.
extension OrganizationsStore {
    /// An application as stored, with the registrar it was made to.
    public struct StoredApplication: Sendable, Equatable {
        public var application: RegistrationApplication
        public var registrarDivision: DivisionCode
    }

    public struct ApplicationFilter: Sendable {
        public var within: DivisionCode?
        public var state: ApplicationState?
        /// Overdue on this day: the pre-review, the promise or the decision.
        public var overdueOn: CivilDate?

        public init(within: DivisionCode?, state: ApplicationState? = nil, overdueOn: CivilDate? = nil) {
            self.within = within
            self.state = state
            self.overdueOn = overdueOn
        }
    }

    public func submit(_ application: RegistrationApplication, registrarDivision: DivisionCode, by actor: AuditActor, now: Date = Date()) async throws
        -> StoredApplication
    {
        try await writes.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "applications")
            var stored = application
            stored.id = StoredRecords.code("A", seq)
            try db.execute(
                sql: "INSERT INTO applications (id, seq, registrar_division, state, name, record) VALUES (?, ?, ?, '', '', '{}')",
                arguments: [stored.id, seq, registrarDivision.description])
            try Self.save(db, stored)
            try Audit.record(db, by: actor, action: "submit", entity: "application", entityID: stored.id, detail: stored.name, at: now)
            return StoredApplication(application: stored, registrarDivision: registrarDivision)
        }
    }

    public func application(id: String) async throws -> StoredApplication {
        try await database.read { db in try Self.loadApplication(db, id: id) }
    }

    public func applications(_ filter: ApplicationFilter, pageSize: Int, pageToken: String) async throws -> Page<StoredApplication> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        sql.within(filter.within, column: "registrar_division")
        sql.add(filter.state, "state = ?") { $0.rawValue }
        if let day = filter.overdueOn?.description {
            sql.add(
                """
                ((state = 'submitted' AND pre_review_due < ?) OR (state = 'accepted_on_promise' AND promise_due < ?)
                  OR (state IN ('accepted', 'accepted_on_promise') AND decision_due < ?))
                """, [day, day, day])
        }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM applications \(clause)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT record, registrar_division FROM applications \(clause) ORDER BY seq LIMIT ? OFFSET ?",
                arguments: arguments + [pageSize, offset])
            return Page(items: try rows.map(Self.application(from:)), offset: offset, total: total)
        }
    }

    /// Moves application `id` by `apply` in one transaction (`check` sees its registrar first);
    /// audited as `action` with `reason`.
    public func stepApplication(
        id: String, action: String, reason: String = "", by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (DivisionCode) throws -> Void, apply: @escaping @Sendable (RegistrationApplication) throws -> RegistrationApplication
    ) async throws -> StoredApplication {
        try await writes.write { db in
            let current = try Self.loadApplication(db, id: id)
            try check(current.registrarDivision)
            let updated = try apply(current.application)
            try Self.save(db, updated)
            try Audit.record(
                db, by: actor, action: action, entity: "application", entityID: id, reason: reason,
                detail: "\(current.application.state.rawValue) → \(updated.state.rawValue)", at: now)
            return StoredApplication(application: updated, registrarDivision: current.registrarDivision)
        }
    }

    /// 准予登记 in one transaction: `approve` moves the application (checked against the register by
    /// the caller); the next serial of `codePrefix` is issued through `issue`, and `organization`
    /// (made from the approved application and its code) is entered on the register.
    public func approve(
        id: String, codePrefix: String, legalRepresentativeID: String?, by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (DivisionCode) throws -> Void,
        approve: @escaping @Sendable (RegistrationApplication) throws -> RegistrationApplication,
        issue: @escaping @Sendable (_ serial: Int) throws -> String,
        organization: @escaping @Sendable (RegistrationApplication, _ creditCode: String) throws -> Organization
    ) async throws -> (application: StoredApplication, organization: StoredOrganization) {
        try await writes.write { db in
            let current = try Self.loadApplication(db, id: id)
            try check(current.registrarDivision)
            var approved = try approve(current.application)
            let serial = (try Int.fetchOne(db, sql: "SELECT last FROM credit_code_serials WHERE prefix = ?", arguments: [codePrefix]) ?? 0) + 1
            let code = try issue(serial)
            try db.execute(
                sql: "INSERT INTO credit_code_serials (prefix, last) VALUES (?, ?) ON CONFLICT(prefix) DO UPDATE SET last = excluded.last",
                arguments: [codePrefix, serial])
            let body = try Self.insert(db, try organization(approved, code), legalRepresentativeID: legalRepresentativeID, now: now)
            approved.creditCode = code
            approved.organizationID = body.organization.id
            try Self.save(db, approved)
            try Audit.record(
                db, by: actor, action: "approve", entity: "application", entityID: id, detail: "→ \(body.organization.id) \(code)", at: now)
            try Audit.record(
                db, by: actor, action: "register", entity: "organization", entityID: body.organization.id, reason: "application \(id)",
                detail: body.organization.name, at: now)
            return (StoredApplication(application: approved, registrarDivision: current.registrarDivision), body)
        }
    }

    static func save(_ db: Database, _ application: RegistrationApplication) throws {
        let promiseDue = application.promise.flatMap { $0.isKept ? nil : $0.dueBy }
        let running = application.state.isOpen
        try db.execute(
            sql: "UPDATE applications SET state = ?, name = ?, pre_review_due = ?, promise_due = ?, decision_due = ?, record = ? WHERE id = ?",
            arguments: [
                application.state.rawValue, application.name, application.state == .submitted ? application.preReviewDue.description : nil,
                running ? promiseDue?.description : nil, running ? application.decisionDue?.description : nil, try StoredRecords.encode(application),
                application.id,
            ])
    }

    static func loadApplication(_ db: Database, id: String) throws -> StoredApplication {
        guard let row = try Row.fetchOne(db, sql: "SELECT record, registrar_division FROM applications WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no application with id \(id)")
        }
        return try application(from: row)
    }

    static func application(from row: Row) throws -> StoredApplication {
        StoredApplication(
            application: try StoredRecords.decode(RegistrationApplication.self, row["record"]),
            registrarDivision: try DivisionCode(row["registrar_division"] as String))
    }

    // MARK: - Community organizations (社区社会组织备案)

    public func file(_ filing: CommunityOrganizationFiling, by actor: AuditActor, now: Date = Date()) async throws -> CommunityOrganizationFiling {
        try await writes.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "community_organizations")
            var stored = filing
            stored.id = StoredRecords.code("F", seq)
            if let holder = try String.fetchOne(
                db, sql: "SELECT id FROM community_organizations WHERE name = ? AND community = ? AND cancelled_on IS NULL",
                arguments: [stored.name, stored.community])
            {
                throw DomainError.alreadyExists("\(stored.name) is filed in \(stored.community) already as \(holder)", reason: "ALREADY_FILED")
            }
            try db.execute(
                sql: "INSERT INTO community_organizations (id, seq, county, community, category, name, cancelled_on, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    stored.id, seq, stored.county.description, stored.community, stored.category, stored.name, stored.cancelledOn?.description,
                    try StoredRecords.encode(stored),
                ])
            try Audit.record(db, by: actor, action: "file", entity: "community_organization", entityID: stored.id, detail: stored.name, at: now)
            return stored
        }
    }

    public func communityOrganizations(
        within: DivisionCode?, community: String?, category: String?, includeCancelled: Bool, pageSize: Int, pageToken: String
    ) async throws -> Page<CommunityOrganizationFiling> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        sql.within(within, column: "county")
        sql.add(community, "community = ?") { $0 }
        sql.add(category, "category = ?") { $0 }
        if !includeCancelled { sql.add("cancelled_on IS NULL", []) }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM community_organizations \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM community_organizations \(clause) ORDER BY seq LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            return Page(items: try records.map { try StoredRecords.decode(CommunityOrganizationFiling.self, $0) }, offset: offset, total: total)
        }
    }

    public func cancelFiling(
        id: String, on day: CivilDate, reason: String, by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (CommunityOrganizationFiling) throws -> Void
    ) async throws -> CommunityOrganizationFiling {
        try await writes.write { db in
            guard let record = try String.fetchOne(db, sql: "SELECT record FROM community_organizations WHERE id = ?", arguments: [id]) else {
                throw DomainError.notFound("no community organization with id \(id)")
            }
            var filing = try StoredRecords.decode(CommunityOrganizationFiling.self, record)
            try check(filing)
            if let cancelled = filing.cancelledOn {
                throw DomainError.failedPrecondition("the filing was cancelled on \(cancelled)", reason: "ALREADY_CANCELLED")
            }
            if day < filing.filedOn { throw DomainError.invalid("\(day) is before the filing (\(filing.filedOn))", field: "on", reason: "BEFORE_FILING") }
            filing.cancelledOn = day
            try db.execute(
                sql: "UPDATE community_organizations SET cancelled_on = ?, record = ? WHERE id = ?",
                arguments: [day.description, try StoredRecords.encode(filing), id])
            try Audit.record(db, by: actor, action: "cancel_filing", entity: "community_organization", entityID: id, reason: reason, at: now)
            return filing
        }
    }
}
