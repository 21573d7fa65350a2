import CivicDomain
import CivicStorage
import EldercareDomain
import Foundation
import GRDB

/// Residents of institutions and the 备案 their first admission makes due. A resident's ID number
/// lives in its own column: never in the record, the audit trail or a list.
extension EldercareStore {
    /// Admits `resident` (validated by the caller) to its institution: FAILED_PRECONDITION
    /// NOT_OPERATING, FULL; ALREADY_EXISTS LIVING_ELSEWHERE when the person lives in an institution
    /// now. The institution's resident count goes up by one. `check` sees the institution first.
    public func admit(
        _ resident: Resident, by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Institution) throws -> Void
    ) async throws -> Resident {
        try await writes.write { db in
            var institution = try Self.loadInstitution(db, id: resident.institutionID)
            try check(institution)
            guard institution.status == .operating else {
                throw DomainError.failedPrecondition(
                    "institution \(institution.id) is \(institution.status.rawValue): it admits nobody", reason: "NOT_OPERATING")
            }
            guard institution.residents < institution.beds else {
                throw DomainError.failedPrecondition("institution \(institution.id) has all \(institution.beds) beds taken", reason: "FULL")
            }
            if let other = try Row.fetchOne(
                db, sql: "SELECT id, institution_id FROM residents WHERE person_ref = ? AND left_on IS NULL", arguments: [resident.personRef])
            {
                throw DomainError.alreadyExists(
                    "person \(resident.personRef) lives in institution \(other["institution_id"] as String) (\(other["id"] as String))",
                    reason: "LIVING_ELSEWHERE")
            }
            let seq = try StoredRecords.nextSeq(db, table: "residents")
            var stored = resident
            stored.id = StoredRecords.code("R", seq)
            try db.execute(
                sql: """
                    INSERT INTO residents (id, seq, institution_id, person_ref, resident_id, admitted_on, left_on, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    stored.id, seq, stored.institutionID, stored.personRef, stored.residentID?.description, stored.admittedOn.description,
                    (stored.diedOn ?? stored.dischargedOn)?.description, try StoredRecords.encode(stored.redacted),
                ])
            if !stored.hasLeft {
                institution.residents += 1
                try Self.saveInstitution(db, institution, now: now, publicChange: false)
            }
            try Self.announceDestitute(db, before: nil, after: stored, institution: institution, today: CivilDate.today(now), now: now)
            try Audit.record(
                db, by: actor, action: "admit", entity: "resident", entityID: stored.id, detail: "to \(stored.institutionID) on \(stored.admittedOn)",
                at: now)
            return stored
        }
    }

    /// Applies `event` to resident `id` (`ResidentRules.apply` through `apply`); a discharge or death
    /// takes one from the institution's count. `check` sees the institution first.
    public func residentEvent(
        id: String, action: String, by actor: AuditActor, today: CivilDate? = nil, now: Date = Date(),
        check: @escaping @Sendable (Institution) throws -> Void, apply: @escaping @Sendable (Resident) throws -> Resident
    ) async throws -> Resident {
        try await writes.write { db in
            let current = try Self.loadResident(db, id: id)
            var institution = try Self.loadInstitution(db, id: current.institutionID)
            try check(institution)
            var updated = try apply(current)
            updated.id = id
            let left = updated.diedOn ?? updated.dischargedOn
            try db.execute(
                sql: "UPDATE residents SET left_on = ?, record = ? WHERE id = ?",
                arguments: [left?.description, try StoredRecords.encode(updated.redacted), id])
            if !current.hasLeft && updated.hasLeft {
                institution.residents = max(0, institution.residents - 1)
                try Self.saveInstitution(db, institution, now: now, publicChange: false)
            }
            try Self.announceDestitute(db, before: current, after: updated, institution: institution, today: today ?? CivilDate.today(now), now: now)
            try Audit.record(db, by: actor, action: action, entity: "resident", entityID: id, detail: "in \(current.institutionID)", at: now)
            return updated
        }
    }

    public func resident(id: String) async throws -> (Resident, Institution) {
        try await database.read { db in
            let resident = try Self.loadResident(db, id: id)
            return (resident, try Self.loadInstitution(db, id: resident.institutionID))
        }
    }

    /// The residents of an institution in admission order (without ID numbers); with `livingOn`, those living there that day.
    public func residents(institutionID: String, livingOn: CivilDate?, pageSize: Int, pageToken: String) async throws -> Page<Resident> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        sql.add(institutionID, "institution_id = ?") { $0 }
        if let day = livingOn { sql.add("admitted_on <= ? AND (left_on IS NULL OR left_on > ?)", [day.description, day.description]) }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM residents \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM residents \(clause) ORDER BY admitted_on, seq LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            return Page(items: try records.map { try StoredRecords.decode(Resident.self, $0) }, offset: offset, total: total)
        }
    }

    /// The residents of an institution living there on `day` without a valid service agreement (ids).
    public func withoutAgreement(institutionID: String, on day: CivilDate) async throws -> [String] {
        try await database.read { db in
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM residents WHERE institution_id = ? AND left_on IS NULL ORDER BY admitted_on, seq",
                arguments: [institutionID])
            return ResidentRules.withoutAgreement(try records.map { try StoredRecords.decode(Resident.self, $0) }, on: day).map(\.id)
        }
    }

    /// The full ID number of resident `id`, read with its reason in the audit trail. NOT_FOUND when none is held.
    public func revealResidentID(id: String, reason: String, by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Institution) throws -> Void)
        async throws -> String
    {
        try await writes.write { db in
            let resident = try Self.loadResident(db, id: id)
            try check(try Self.loadInstitution(db, id: resident.institutionID))
            guard let number = try String.fetchOne(db, sql: "SELECT resident_id FROM residents WHERE id = ?", arguments: [id]) else {
                throw DomainError.notFound("no ID number is held for resident \(id)")
            }
            try Audit.record(db, by: actor, action: "reveal_resident_id", entity: "resident", entityID: id, reason: reason, at: now)
            return number
        }
    }

    /// Records institution `id`'s 备案 on `day`: FAILED_PRECONDITION ALREADY_FILED.
    public func recordFiling(
        institutionID id: String, on day: CivilDate, by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Institution) throws -> Void
    )
        async throws -> Institution
    {
        try await change(institutionID: id, action: "file", reason: "备案 \(day)", by: actor, now: now) { current in
            try check(current)
            if let filed = current.filedOn {
                throw DomainError.failedPrecondition("institution \(id) was filed on \(filed)", reason: "ALREADY_FILED")
            }
            var filed = current
            filed.filedOn = day
            return filed
        }
    }

    /// Every institution within `place` with its first admission and 备案 day, for the 备案 clock.
    public func filingSubjects(_ place: Place) async throws -> [(institution: Institution, subject: FilingSubject)] {
        var sql = SQLFilter()
        Self.institutionsAt(place, &sql, table: "i.")
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT i.record, (SELECT MIN(r.admitted_on) FROM residents r WHERE r.institution_id = i.id) AS first FROM institutions i
                    \(clause) ORDER BY i.seq
                    """, arguments: arguments
            ).map { row in
                let institution = try StoredRecords.decode(Institution.self, row["record"])
                let first = (row["first"] as String?).flatMap(CivilDate.init)
                return (institution, FilingSubject(institutionID: institution.id, firstAdmission: first, filedOn: institution.filedOn))
            }
        }
    }

    static func loadResident(_ db: Database, id: String) throws -> Resident {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT record, resident_id FROM residents WHERE id = ?"), arguments: [id]) else {
            throw DomainError.notFound("no resident with id \(id)")
        }
        var resident = try StoredRecords.decode(Resident.self, row[0])
        resident.residentID = try (row[1] as String?).map { try ResidentID($0) }
        return resident
    }
}

extension EldercareStore {
    /// Whether institution `id` has resident records (its count is then kept by them).
    public func hasResidentRecords(institutionID id: String) async throws -> Bool {
        try await database.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM residents WHERE institution_id = ?)", arguments: [id]) ?? false
        }
    }
}
