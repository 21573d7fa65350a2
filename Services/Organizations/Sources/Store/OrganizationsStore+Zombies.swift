import CivicDomain
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

/// 僵尸型社会组织清理: activities, campaigns, and the cases opened from a scan.
extension OrganizationsStore {
    // MARK: - Activities

    /// Records an activity of body `organizationID` (`check` sees the body first); answers the first
    /// activity on record and how many there are.
    public func recordActivity(
        organizationID: String, heldOn: CivilDate, description: String, by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (Organization) throws -> Void
    ) async throws -> (organization: Organization, first: CivilDate, count: Int) {
        try await writes.write { db in
            let body = try Self.loadOrganization(db, id: organizationID).organization
            try check(body)
            if let registered = body.registeredOn, heldOn < registered {
                throw DomainError.invalid("held on \(heldOn), before the registration of \(registered)", field: "held_on", reason: "BEFORE_REGISTRATION")
            }
            try db.execute(
                sql: "INSERT INTO organization_activities (organization_id, held_on, description) VALUES (?, ?, ?)",
                arguments: [body.id, heldOn.description, description])
            try Audit.record(db, by: actor, action: "record_activity", entity: "organization", entityID: body.id, detail: "\(heldOn) \(description)", at: now)
            let row = try Row.fetchOne(
                db, sql: "SELECT MIN(held_on), COUNT(*) FROM organization_activities WHERE organization_id = ?", arguments: [body.id])!
            return (body, CivilDate(row[0] as String)!, row[1])
        }
    }

    // MARK: - Campaigns

    public func createZombieCampaign(_ campaign: ZombieCampaign, by actor: AuditActor, now: Date = Date()) async throws -> ZombieCampaign {
        try await writes.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "zombie_campaigns")
            var stored = campaign
            stored.id = StoredRecords.code("ZC", seq)
            try stored.problems().check()
            try db.execute(
                sql: "INSERT INTO zombie_campaigns (id, seq, division, record) VALUES (?, ?, ?, ?)",
                arguments: [stored.id, seq, stored.division?.description, try StoredRecords.encode(stored)])
            try Audit.record(db, by: actor, action: "create_zombie_campaign", entity: "zombie_campaign", entityID: stored.id, detail: stored.name, at: now)
            return stored
        }
    }

    public func zombieCampaign(id: String) async throws -> ZombieCampaign {
        try await database.read { db in try Self.loadZombieCampaign(db, id: id) }
    }

    static func loadZombieCampaign(_ db: Database, id: String) throws -> ZombieCampaign {
        guard let record = try String.fetchOne(db, sql: "SELECT record FROM zombie_campaigns WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no clean-up campaign with id \(id)")
        }
        return try StoredRecords.decode(ZombieCampaign.self, record)
    }

    /// Campaigns of divisions within `within` (all when nil), newest first.
    public func zombieCampaigns(within: DivisionCode?, offset: Int, limit: Int) async throws -> (campaigns: [ZombieCampaign], total: Int) {
        var sql = SQLFilter()
        sql.within(within, column: "division")
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM zombie_campaigns \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM zombie_campaigns \(clause) ORDER BY seq DESC LIMIT ? OFFSET ?", arguments: arguments + [limit, offset])
            return (try records.map { try StoredRecords.decode(ZombieCampaign.self, $0) }, total)
        }
    }

    // MARK: - The scan

    /// What the scan reads of one active body.
    public struct ZombieScanRow: Sendable {
        public var organization: Organization
        /// Work years whose 年检 the registrar received.
        public var annualInspectionYears: Set<Int>
        public var firstActivityOn: CivilDate?
        /// Nil when nothing was ever recorded.
        public var creditHistory: CreditHistory?
    }

    /// Every active body whose registrar lies within `within`, in registration order, with what the
    /// triggers read.
    public func zombieScanRows(registrarsWithin within: DivisionCode?) async throws -> [ZombieScanRow] {
        var sql = SQLFilter()
        sql.within(within, column: "o.registrar_division")
        sql.add("o.status IN (?, ?)", [OrganizationStatus.registered.rawValue, OrganizationStatus.activitiesSuspended.rawValue])
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            var years: [String: Set<Int>] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT a.organization_id, a.year FROM annual_inspections a JOIN organizations o ON o.id = a.organization_id \(clause)
                    AND json_extract(a.record, '$.registrarSubmission') IS NOT NULL
                    """, arguments: arguments)
            {
                years[row[0], default: []].insert(row[1])
            }
            var firstActivity: [String: CivilDate] = [:]
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT a.organization_id, MIN(a.held_on) FROM organization_activities a JOIN organizations o ON o.id = a.organization_id
                    \(clause) GROUP BY a.organization_id
                    """, arguments: arguments)
            {
                firstActivity[row[0]] = CivilDate(row[1] as String)
            }
            var credit: [String: CreditHistory] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT c.organization_id, c.record FROM credit_histories c JOIN organizations o ON o.id = c.organization_id \(clause)",
                arguments: arguments)
            {
                credit[row[0]] = try StoredRecords.decode(CreditHistory.self, row[1])
            }
            return try String.fetchAll(db, sql: "SELECT o.record FROM organizations o \(clause) ORDER BY o.seq", arguments: arguments).map {
                let body = try StoredRecords.decode(Organization.self, $0)
                return ZombieScanRow(
                    organization: body, annualInspectionYears: years[body.id] ?? [], firstActivityOn: firstActivity[body.id],
                    creditHistory: credit[body.id])
            }
        }
    }

    /// Opens a case of `campaign` on `day` for each candidate without an open case (in any
    /// campaign), in one transaction; answers the cases opened and how many were open already.
    public func openZombieCases(campaign: ZombieCampaign, candidates: [ZombieCandidate], on day: CivilDate, by actor: AuditActor, now: Date = Date())
        async throws -> (opened: [ZombieCase], alreadyOpen: Int)
    {
        try await writes.write { db in
            var opened: [ZombieCase] = []
            var alreadyOpen = 0
            var seq = try StoredRecords.nextSeq(db, table: "zombie_cases")
            for candidate in candidates {
                if try Self.openZombieCaseID(db, organizationID: candidate.organizationID) != nil {
                    alreadyOpen += 1
                    continue
                }
                let created = try ZombieCase(id: StoredRecords.code("Z", seq), campaignID: campaign.id, candidate: candidate, openedOn: day)
                let body = try Self.loadOrganization(db, id: candidate.organizationID).organization
                try db.execute(
                    sql: """
                        INSERT INTO zombie_cases (id, seq, campaign_id, organization_id, registrar_division, state, notice_deadline, record)
                        VALUES (?, ?, ?, ?, ?, ?, NULL, ?)
                        """,
                    arguments: [
                        created.id, seq, campaign.id, body.id, body.registrarDivision.description, created.state.rawValue, try StoredRecords.encode(created),
                    ])
                try Audit.record(
                    db, by: actor, action: "open_zombie_case", entity: "zombie_case", entityID: created.id,
                    detail: "\(body.id) " + created.triggers.map(\.rawValue).joined(separator: ","), at: now)
                opened.append(created)
                seq += 1
            }
            return (opened, alreadyOpen)
        }
    }

    static func openZombieCaseID(_ db: Database, organizationID: String) throws -> String? {
        try String.fetchOne(
            db, sql: "SELECT id FROM zombie_cases WHERE organization_id = ? AND state IN (?, ?)",
            arguments: [organizationID, ZombieCaseState.candidate.rawValue, ZombieCaseState.noticeIssued.rawValue])
    }

    // MARK: - Cases

    /// A case with its body.
    public struct StoredZombieCase: Sendable {
        public var zombieCase: ZombieCase
        public var organization: Organization
        /// The body's legal representative's ID number, as stored (kept when the body is saved).
        var legalRepresentativeID: String? = nil
    }

    public func zombieCase(id: String) async throws -> StoredZombieCase {
        try await database.read { db in try Self.loadZombieCase(db, id: id) }
    }

    static func loadZombieCase(_ db: Database, id: String) throws -> StoredZombieCase {
        guard let record = try String.fetchOne(db, sql: "SELECT record FROM zombie_cases WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no clean-up case with id \(id)")
        }
        let c = try StoredRecords.decode(ZombieCase.self, record)
        let body = try loadOrganization(db, id: c.organizationID)
        return StoredZombieCase(zombieCase: c, organization: body.organization, legalRepresentativeID: body.legalRepresentativeID)
    }

    /// Moves case `id` by `event` in one transaction (`check` sees the body first). A revocation
    /// moves the body to REVOKED and `recordRevocation` adds it to the body's credit history; a
    /// deregistration needs the body deregistered already (FAILED_PRECONDITION "organization"
    /// NOT_DEREGISTERED).
    public func stepZombieCase(
        id: String, event: ZombieCaseEvent, rules: ZombieRules, by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (Organization) throws -> Void,
        recordRevocation: @escaping @Sendable (inout CreditHistory, _ case: ZombieCase, _ document: String) throws -> Void
    ) async throws -> StoredZombieCase {
        try await writes.write { db in
            let stored = try Self.loadZombieCase(db, id: id)
            var body = stored.organization
            try check(body)
            var c = stored.zombieCase
            try c.apply(event, rules: rules)
            switch event {
            case .revoke(let on, let document):
                // A body revoked by ChangeOrganizationStatus already keeps its status.
                if body.status != .revoked {
                    try body.move(to: .revoked, on: on, document: document, reason: "僵尸型社会组织清理 \(c.id)")
                    try Self.save(db, body, legalRepresentativeID: stored.legalRepresentativeID, now: now)
                    try Audit.record(
                        db, by: actor, action: "status_revoked", entity: "organization", entityID: body.id, reason: "僵尸型社会组织清理 \(c.id)",
                        detail: document, at: now)
                }
                var history = try Self.loadCreditHistory(db, organizationID: body.id)
                try recordRevocation(&history, c, document)
                try Self.saveCreditHistory(db, history, of: body, now: now)
            case .deregister:
                if body.status != .deregistered {
                    throw DomainError(
                        .failedPrecondition, "organization \(body.id) is \(body.status.rawValue.uppercased()): deregister it (注销登记) first",
                        problems: [FieldProblem(field: "organization", reason: "NOT_DEREGISTERED", description: "the body is not deregistered")])
                }
            default: break
            }
            try db.execute(
                sql: "UPDATE zombie_cases SET state = ?, notice_deadline = ?, record = ? WHERE id = ?",
                arguments: [c.state.rawValue, c.notice?.deadline.description, try StoredRecords.encode(c), id])
            let name = String(describing: event).prefix { $0 != "(" }
            try Audit.record(db, by: actor, action: "zombie_case_\(name)", entity: "zombie_case", entityID: id, detail: c.state.rawValue, at: now)
            return StoredZombieCase(zombieCase: c, organization: body)
        }
    }

    /// Cases by `campaignID`, bodies' registrar `within`, `state`, or notices past their deadline
    /// before `overdueOn`; oldest first.
    public func zombieCases(
        campaignID: String?, within: DivisionCode?, state: ZombieCaseState?, overdueOn: CivilDate?, offset: Int, limit: Int
    ) async throws -> (cases: [StoredZombieCase], total: Int) {
        var sql = SQLFilter()
        sql.add(campaignID, "z.campaign_id = ?") { $0 }
        sql.within(within, column: "z.registrar_division")
        sql.add(state, "z.state = ?") { $0.rawValue }
        if let overdueOn {
            sql.add("z.state = ? AND z.notice_deadline < ?", [ZombieCaseState.noticeIssued.rawValue, overdueOn.description])
        }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM zombie_cases z \(clause)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT z.record AS c, o.record AS body FROM zombie_cases z JOIN organizations o ON o.id = z.organization_id \(clause) ORDER BY z.seq LIMIT ? OFFSET ?",
                arguments: arguments + [limit, offset])
            return (
                try rows.map {
                    StoredZombieCase(
                        zombieCase: try StoredRecords.decode(ZombieCase.self, $0["c"]), organization: try StoredRecords.decode(Organization.self, $0["body"]))
                }, total
            )
        }
    }

    /// Every case of campaign `id`.
    public func zombieCases(campaignID id: String) async throws -> [ZombieCase] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT record FROM zombie_cases WHERE campaign_id = ? ORDER BY seq", arguments: [id]).map {
                try StoredRecords.decode(ZombieCase.self, $0)
            }
        }
    }
}
