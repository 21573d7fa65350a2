import CivicDomain
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

/// 1A–5A evaluation applications, each body's latest award, and the investigations that bar an
/// evaluation.
extension OrganizationsStore {
    /// What eligibility reads about one body, as stored: the domain assembles `EvaluationFacts` from it.
    public struct EvaluationRecord: Sendable {
        public var organization: Organization
        public var inspections: [AnnualInspectionRecord]
        public var creditHistory: CreditHistory
        public var investigations: [Investigation]
        public var lastAward: EvaluationAward?
    }

    /// Body `organizationID` (by id or credit code) and what its eligibility reads.
    public func evaluationRecord(organizationID: String) async throws -> EvaluationRecord {
        try await database.read { db in try Self.evaluationRecord(db, body: try Self.loadOrganization(db, id: organizationID).organization) }
    }

    static func evaluationRecord(_ db: Database, body: Organization) throws -> EvaluationRecord {
        let inspections = try String.fetchAll(db, sql: "SELECT record FROM annual_inspections WHERE organization_id = ? ORDER BY year", arguments: [body.id])
            .map { try StoredRecords.decode(AnnualInspectionRecord.self, $0) }
        let investigations = try String.fetchAll(db, sql: "SELECT record FROM investigations WHERE organization_id = ? ORDER BY seq", arguments: [body.id])
            .map { try StoredRecords.decode(Investigation.self, $0) }
        return EvaluationRecord(
            organization: body, inspections: inspections, creditHistory: try loadCreditHistory(db, organizationID: body.id), investigations: investigations,
            lastAward: try award(db, organizationID: body.id))
    }

    static func award(_ db: Database, organizationID: String) throws -> EvaluationAward? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT grade, awarded_on, valid_until, application_id FROM evaluation_awards WHERE organization_id = ?", arguments: [organizationID]),
            let grade = EvaluationGrade(row["grade"] as Int), let awarded = CivilDate(row["awarded_on"] as String),
            let until = CivilDate(row["valid_until"] as String)
        else { return nil }
        return EvaluationAward(organizationID: organizationID, grade: grade, awardedOn: awarded, validUntil: until, applicationID: row["application_id"])
    }

    /// The awards of these bodies valid on `day`, by body id.
    public func awards(organizationIDs ids: [String], validOn day: CivilDate) async throws -> [String: EvaluationAward] {
        try await database.read { db in
            var found: [String: EvaluationAward] = [:]
            for id in ids {
                if let award = try Self.award(db, organizationID: id), award.isValid(on: day) { found[id] = award }
            }
            return found
        }
    }

    /// Files an evaluation application for body `organizationID`: `make` sees what eligibility reads
    /// and returns the application with the id given (or throws). FAILED_PRECONDITION
    /// APPLICATION_OPEN while another application of the body is under way.
    public func applyForEvaluation(
        organizationID: String, by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Organization) throws -> Void,
        make: @escaping @Sendable (EvaluationRecord, _ id: String) throws -> EvaluationApplication
    ) async throws -> (organization: Organization, application: EvaluationApplication) {
        try await writes.write { db in
            let body = try Self.loadOrganization(db, id: organizationID).organization
            try check(body)
            if let open = try String.fetchOne(
                db, sql: "SELECT id FROM evaluations WHERE organization_id = ? AND state NOT IN (?, ?)",
                arguments: [body.id, EvaluationState.awarded.rawValue, EvaluationState.notAwarded.rawValue])
            {
                throw DomainError(
                    .failedPrecondition, "organization \(body.id) has evaluation \(open) under way",
                    problems: [FieldProblem(field: "organization_id", reason: "APPLICATION_OPEN", description: "evaluation \(open) is under way")])
            }
            let seq = try StoredRecords.nextSeq(db, table: "evaluations")
            let application = try make(try Self.evaluationRecord(db, body: body), StoredRecords.code("E", seq))
            try db.execute(
                sql: "INSERT INTO evaluations (id, seq, organization_id, registrar_division, state, record) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    application.id, seq, body.id, body.registrarDivision.description, application.state.rawValue, try StoredRecords.encode(application),
                ])
            try Audit.record(
                db, by: actor, action: "apply_evaluation", entity: "evaluation", entityID: application.id,
                detail: "\(body.id) \(application.purpose.rawValue)", at: now)
            return (body, application)
        }
    }

    /// Evaluation `id` with its body.
    public func evaluation(id: String) async throws -> (organization: Organization, application: EvaluationApplication) {
        try await database.read { db in try Self.loadEvaluation(db, id: id) }
    }

    static func loadEvaluation(_ db: Database, id: String) throws -> (organization: Organization, application: EvaluationApplication) {
        guard let record = try String.fetchOne(db, sql: "SELECT record FROM evaluations WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no evaluation with id \(id)")
        }
        let application = try StoredRecords.decode(EvaluationApplication.self, record)
        return (try loadOrganization(db, id: application.organizationID).organization, application)
    }

    /// Moves evaluation `id` by `apply` (`check` sees the body first); an award becomes the body's
    /// latest in the same transaction. Audited as `action` with `reason`.
    public func stepEvaluation(
        id: String, action: String, reason: String = "", by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Organization) throws -> Void,
        apply: @escaping @Sendable (EvaluationApplication) throws -> EvaluationApplication
    ) async throws -> (organization: Organization, application: EvaluationApplication) {
        try await writes.write { db in
            let (body, current) = try Self.loadEvaluation(db, id: id)
            try check(body)
            var updated = try apply(current)
            updated.id = current.id
            try db.execute(
                sql: "UPDATE evaluations SET state = ?, record = ? WHERE id = ?", arguments: [updated.state.rawValue, try StoredRecords.encode(updated), id])
            if let award = EvaluationRules.award(of: updated), current.state != .awarded {
                try db.execute(
                    sql: """
                        INSERT INTO evaluation_awards (organization_id, registrar_division, grade, awarded_on, valid_until, application_id)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT(organization_id) DO UPDATE SET grade = excluded.grade, awarded_on = excluded.awarded_on,
                            valid_until = excluded.valid_until, application_id = excluded.application_id, registrar_division = excluded.registrar_division
                        """,
                    arguments: [
                        body.id, body.registrarDivision.description, award.grade.level, award.awardedOn.description, award.validUntil.description,
                        award.applicationID,
                    ])
            }
            try Audit.record(db, by: actor, action: action, entity: "evaluation", entityID: id, reason: reason, detail: body.id, at: now)
            return (body, updated)
        }
    }

    /// Evaluations of the bodies `reach` reaches, newest first, with the page's bodies' names.
    public func evaluations(_ reach: Reach, organizationID: String?, state: EvaluationState?, offset: Int, limit: Int) async throws -> (
        applications: [(name: String, application: EvaluationApplication)], total: Int
    ) {
        var sql = SQLFilter()
        sql.reach(reach, alias: "o.")
        if let organizationID { sql.add("(o.id = ? OR o.credit_code = ?)", [organizationID, organizationID.uppercased()]) }
        sql.add(state, "e.state = ?") { $0.rawValue }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let from = "FROM evaluations e JOIN organizations o ON o.id = e.organization_id \(clause)"
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT o.name, e.record \(from) ORDER BY e.seq DESC LIMIT ? OFFSET ?", arguments: arguments + [limit, offset])
            return (try rows.map { (name: $0["name"], application: try StoredRecords.decode(EvaluationApplication.self, $0["record"])) }, total)
        }
    }

    // MARK: - Investigations

    /// Opens an investigation of body `organizationID` (`make` gets the body and the new id).
    public func openInvestigation(
        organizationID: String, by actor: AuditActor, now: Date = Date(), make: @escaping @Sendable (Organization, _ id: String) throws -> Investigation
    ) async throws -> Investigation {
        try await writes.write { db in
            let body = try Self.loadOrganization(db, id: organizationID).organization
            let seq = try StoredRecords.nextSeq(db, table: "investigations")
            let investigation = try make(body, StoredRecords.code("V", seq))
            try db.execute(
                sql: "INSERT INTO investigations (id, seq, organization_id, record) VALUES (?, ?, ?, ?)",
                arguments: [investigation.id, seq, body.id, try StoredRecords.encode(investigation)])
            try Audit.record(
                db, by: actor, action: "open_investigation", entity: "organization", entityID: body.id, reason: investigation.reference,
                detail: "\(investigation.id) \(investigation.authority)", at: now)
            return investigation
        }
    }

    /// Moves investigation `id` by `apply` (`check` sees its body first).
    public func closeInvestigation(
        id: String, by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Organization) throws -> Void,
        apply: @escaping @Sendable (Investigation) throws -> Investigation
    ) async throws -> Investigation {
        try await writes.write { db in
            guard let record = try String.fetchOne(db, sql: "SELECT record FROM investigations WHERE id = ?", arguments: [id]) else {
                throw DomainError.notFound("no investigation with id \(id)")
            }
            let current = try StoredRecords.decode(Investigation.self, record)
            try check(try Self.loadOrganization(db, id: current.organizationID).organization)
            let updated = try apply(current)
            try db.execute(sql: "UPDATE investigations SET record = ? WHERE id = ?", arguments: [try StoredRecords.encode(updated), id])
            try Audit.record(
                db, by: actor, action: "close_investigation", entity: "organization", entityID: current.organizationID, reason: updated.outcome,
                detail: id, at: now)
            return updated
        }
    }
}
