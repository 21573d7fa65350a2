import CivicDomain
import CivicStorage
import EldercareDomain
import Foundation
import GRDB

/// Grade applications (GB/T 37276) and the sanctions grading eligibility reads.
extension EldercareStore {
    /// Kinds of sanction, as stored.
    public enum SanctionKind: String, Sendable, CaseIterable {
        case penalty
        case dishonestyListed = "dishonesty_listed"
        case dishonestyRemoved = "dishonesty_removed"
        case penaltyCarriedOut = "penalty_carried_out"
        /// The PENALTY with the same reference revoked: it no longer counts.
        case penaltyRevoked = "penalty_revoked"
    }

    public struct Sanction: Sendable, Equatable {
        public var kind: SanctionKind
        public var on: CivilDate
        public var reference: String
    }

    public struct GradeFilter: Sendable {
        public var place: Place
        public var institutionID: String?
        public var state: GradeApplicationState?

        public init(place: Place, institutionID: String? = nil, state: GradeApplicationState? = nil) {
            self.place = place
            self.institutionID = institutionID
            self.state = state
        }
    }

    /// Records a sanction against institution `id` and answers its sanctions, oldest first.
    public func recordSanction(
        institutionID id: String, _ sanction: Sanction, by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Institution) throws -> Void
    ) async throws -> [Sanction] {
        try await writes.write { db in
            try check(try Self.loadInstitution(db, id: id))
            return try Self.insertSanction(db, institutionID: id, sanction, by: actor, now: now)
        }
    }

    /// The same inside a transaction already open (a flow message's).
    static func insertSanction(_ db: Database, institutionID id: String, _ sanction: Sanction, by actor: AuditActor, now: Date) throws -> [Sanction] {
        try db.execute(
            sql: "INSERT INTO sanctions (institution_id, kind, on_day, reference) VALUES (?, ?, ?, ?)",
            arguments: [id, sanction.kind.rawValue, sanction.on.description, sanction.reference])
        try Audit.record(
            db, by: actor, action: "sanction_\(sanction.kind.rawValue)", entity: "institution", entityID: id, reason: sanction.reference,
            detail: "on \(sanction.on)", at: now)
        return try sanctions(db, institutionID: id)
    }

    static func sanctions(_ db: Database, institutionID id: String) throws -> [Sanction] {
        try Row.fetchAll(db, sql: "SELECT kind, on_day, reference FROM sanctions WHERE institution_id = ? ORDER BY seq", arguments: [id]).compactMap { row in
            guard let kind = SanctionKind(rawValue: row[0]), let day = CivilDate(row[1] as String) else { return nil }
            return Sanction(kind: kind, on: day, reference: row[2])
        }
    }

    /// What grading eligibility reads about institution `id`: its record, sanctions and decided applications.
    static func gradingRecord(_ db: Database, institution: Institution) throws -> GradingRecord {
        let sanctions = try sanctions(db, institutionID: institution.id)
        let revoked = Set(sanctions.filter { $0.kind == .penaltyRevoked }.map(\.reference))
        let penalties = sanctions.filter { $0.kind == .penalty && !revoked.contains($0.reference) }
        let carriedOut = sanctions.filter { $0.kind == .penaltyCarriedOut }.count
        var listed = false
        for sanction in sanctions {
            if sanction.kind == .dishonestyListed { listed = true }
            if sanction.kind == .dishonestyRemoved { listed = false }
        }
        let decided = try String.fetchAll(
            db, sql: "SELECT record FROM grade_applications WHERE institution_id = ? AND state IN ('granted', 'failed') ORDER BY seq",
            arguments: [institution.id]
        ).map { try StoredRecords.decode(GradeApplication.self, $0) }
        let lastGranted = decided.last { $0.state == .granted }
        return GradingRecord(
            status: institution.status, openedOn: institution.openedOn, filedOn: institution.filedOn, penaltyDates: penalties.map(\.on),
            penaltyOutstanding: penalties.count > carriedOut, onDishonestyList: listed, grade: institution.grade, gradedOn: lastGranted?.decidedOn,
            gradeValidUntil: institution.gradeValidUntil, pastApplications: decided.compactMap(GradingRules.past))
    }

    /// Files a grade application for institution `id`: `make` sees the institution and its grading
    /// record and returns the application (or throws the eligibility problems).
    public func applyForGrade(
        institutionID id: String, by actor: AuditActor, now: Date = Date(),
        make: @escaping @Sendable (Institution, GradingRecord, _ applicationID: String) throws -> GradeApplication
    ) async throws -> GradeApplication {
        try await writes.write { db in
            let institution = try Self.loadInstitution(db, id: id)
            if let open = try String.fetchOne(
                db, sql: "SELECT id FROM grade_applications WHERE institution_id = ? AND state NOT IN ('granted', 'failed')", arguments: [id])
            {
                throw DomainError.failedPrecondition("institution \(id) has application \(open) under way", reason: "APPLICATION_OPEN")
            }
            let seq = try StoredRecords.nextSeq(db, table: "grade_applications")
            let application = try make(institution, try Self.gradingRecord(db, institution: institution), StoredRecords.code("G", seq))
            try db.execute(
                sql: "INSERT INTO grade_applications (id, seq, institution_id, county, state, record) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    application.id, seq, id, institution.county.description, application.state.rawValue, try StoredRecords.encode(application),
                ])
            try Audit.record(
                db, by: actor, action: "apply_grade", entity: "grade_application", entityID: application.id,
                detail: "\(id) requests grade \(application.requested.level)", at: now)
            return application
        }
    }

    /// Moves grade application `id` by `apply`; a grant sets the institution's grade and validity in
    /// the same transaction.
    public func changeGradeApplication(
        id: String, action: String, reason: String = "", by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (DivisionCode) throws -> Void, apply: @escaping @Sendable (GradeApplication) throws -> GradeApplication
    ) async throws -> GradeApplication {
        try await writes.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT record, county FROM grade_applications WHERE id = ?", arguments: [id]) else {
                throw DomainError.notFound("no grade application with id \(id)")
            }
            try check(try DivisionCode(row["county"] as String))
            let current = try StoredRecords.decode(GradeApplication.self, row["record"])
            let updated = try apply(current)
            try db.execute(
                sql: "UPDATE grade_applications SET state = ?, record = ? WHERE id = ?",
                arguments: [updated.state.rawValue, try StoredRecords.encode(updated), id])
            if updated.state == .granted, current.state != .granted, let grade = updated.granted {
                var institution = try Self.loadInstitution(db, id: updated.institutionID)
                institution.grade = grade
                institution.gradeValidUntil = updated.validUntil
                try Self.saveInstitution(db, institution, now: now)
                try Audit.record(
                    db, by: actor, action: "grade", entity: "institution", entityID: institution.id, reason: id,
                    detail: "grade \(grade.level) until \(updated.validUntil?.description ?? "")", at: now)
            }
            try Audit.record(
                db, by: actor, action: action, entity: "grade_application", entityID: id, reason: reason, detail: "→ \(updated.state.rawValue)", at: now)
            return updated
        }
    }

    public func gradeApplications(_ filter: GradeFilter, pageSize: Int, pageToken: String) async throws -> Page<GradeApplication> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        Self.place(filter.place, &sql)
        sql.add(filter.institutionID, "institution_id = ?") { $0 }
        sql.add(filter.state, "state = ?") { $0.rawValue }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM grade_applications \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM grade_applications \(clause) ORDER BY seq LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            return Page(items: try records.map { try StoredRecords.decode(GradeApplication.self, $0) }, offset: offset, total: total)
        }
    }
}
