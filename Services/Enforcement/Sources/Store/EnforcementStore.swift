import CivicDomain
import CivicStorage
import EnforcementDomain
import Foundation
import GRDB

/// Owns every SQL statement of the enforcement service and returns typed values; each change and
/// its audit row (Audit.record) commit in one transaction.
public struct EnforcementStore: Sendable {
    public let database: any DatabaseWriter
    /// Every write call goes through it: concurrent writes share one transaction and one fsync,
    /// each in its own savepoint (GroupCommit).
    public let writes: GroupCommit
    /// One record by its id, read on the calling thread (the event loop): PointReads.
    let pointReads: PointReads
    /// The calendar the stored clocks (`case_clocks`) are counted with: the service's.
    public let calendar: LegalCalendar

    public init(database: any DatabaseWriter, calendar: LegalCalendar = LegalCalendar()) {
        self.database = database
        self.pointReads = PointReads(database)
        self.writes = GroupCommit(database)
        self.calendar = calendar
    }

    /// Finds officers by id inside a write, for the step that names them: INVALID "<field>"
    /// UNKNOWN for an id not registered; FAILED_PRECONDITION "<field>" OTHER_DIVISION for an
    /// officer whose division does not contain the case's.
    public typealias OfficerLookup = (_ ids: [String], _ field: String) throws -> [Officer]

    static func lookup(_ db: Database, division: DivisionCode) -> OfficerLookup {
        { ids, field in
            var errors = ValidationErrors()
            var found: [Officer] = []
            for id in ids {
                guard let record = try String.fetchOne(db, sql: "SELECT record FROM officers WHERE id = ?", arguments: [id]) else {
                    errors.add(field, "UNKNOWN", "no officer \(id)")
                    continue
                }
                found.append(try StoredRecords.decode(Officer.self, record))
            }
            try errors.check()
            if let outside = found.first(where: { !$0.division.contains(division) }) {
                throw DomainError(
                    .failedPrecondition, "\(outside.name) works in \(outside.division), not \(division)",
                    problems: [FieldProblem(field: field, reason: "OTHER_DIVISION", description: "\(outside.id) is not an officer of \(division)")])
            }
            return found
        }
    }

    // MARK: - Officers

    /// Registers an officer: `make` gets the new id ("F000001"…). ALREADY_EXISTS for a certificate
    /// number already registered.
    public func registerOfficer(by actor: AuditActor, now: Date = Date(), make: @escaping @Sendable (String) throws -> Officer) async throws -> Officer {
        try await writes.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "officers")
            let officer = try make(StoredRecords.code("F", seq))
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM officers WHERE certificate_number = ?", arguments: [officer.certificateNumber]) == true {
                throw DomainError.alreadyExists("certificate \(officer.certificateNumber) is registered already", reason: "DUPLICATE_CERTIFICATE")
            }
            try db.execute(
                sql: "INSERT INTO officers (id, seq, division, certificate_number, record) VALUES (?, ?, ?, ?, ?)",
                arguments: [officer.id, seq, officer.division.description, officer.certificateNumber, try StoredRecords.encode(officer)])
            try Audit.record(db, by: actor, action: "register_officer", entity: "officer", entityID: officer.id, detail: officer.certificateNumber, at: now)
            return officer
        }
    }

    public func officer(id: String) async throws -> Officer {
        try pointReads.read { db in try Self.loadOfficer(db, id: id) }
    }

    static func loadOfficer(_ db: Database, id: String) throws -> Officer {
        guard let record = try String.fetchOne(db, sql: "SELECT record FROM officers WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no officer with id \(id)")
        }
        return try StoredRecords.decode(Officer.self, record)
    }

    /// Changes officer `id` (`check` sees it first; `update` changes it). Audited with the reason.
    public func updateOfficer(
        id: String, reason: String, by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Officer) throws -> Void,
        update: @escaping @Sendable (inout Officer) throws -> Void
    ) async throws -> Officer {
        try await writes.write { db in
            let before = try Self.loadOfficer(db, id: id)
            try check(before)
            var after = before
            try update(&after)
            try db.execute(sql: "UPDATE officers SET record = ? WHERE id = ?", arguments: [try StoredRecords.encode(after), id])
            try Audit.record(
                db, by: actor, action: "update_officer", entity: "officer", entityID: id, reason: reason, detail: StoredRecords.changedFields(before, after),
                at: now)
            return after
        }
    }

    /// Officers within `within` (all of them: a bureau has dozens), by id.
    public func officers(within: DivisionCode?) async throws -> [Officer] {
        var sql = SQLFilter()
        sql.within(within)
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            try String.fetchAll(db, sql: "SELECT record FROM officers \(clause) ORDER BY seq", arguments: arguments).map {
                try StoredRecords.decode(Officer.self, $0)
            }
        }
    }
}
