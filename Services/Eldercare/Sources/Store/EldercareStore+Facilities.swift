import CivicDomain
import CivicStorage
import EldercareDomain
import Foundation
import GRDB

/// Community facilities and their daily usage.
extension EldercareStore {
    public struct FacilityFilter: Sendable {
        public var place: Place
        public var kind: FacilityKind?
        /// Only facilities open on this day.
        public var openOn: CivilDate?

        public init(place: Place, kind: FacilityKind? = nil, openOn: CivilDate? = nil) {
            self.place = place
            self.kind = kind
            self.openOn = openOn
        }
    }

    public func registerFacility(_ facility: CommunityFacility, by actor: AuditActor, now: Date = Date()) async throws -> CommunityFacility {
        try await writes.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "facilities")
            var stored = facility
            stored.id = StoredRecords.code("F", seq)
            try db.execute(
                sql: "INSERT INTO facilities (id, seq, county, kind, name, closed_on, record) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    stored.id, seq, stored.county.description, stored.kind.rawValue, stored.name, stored.closedOn?.description,
                    try StoredRecords.encode(stored),
                ])
            try Self.writeCovers(db, stored)
            try Audit.record(db, by: actor, action: "register", entity: "facility", entityID: stored.id, detail: stored.name, at: now)
            return stored
        }
    }

    /// Replaces facility `id` with what `change` returns from the stored one, audited with `reason`.
    public func changeFacility(
        id: String, reason: String, by actor: AuditActor, now: Date = Date(), _ change: @escaping @Sendable (CommunityFacility) throws -> CommunityFacility
    ) async throws -> CommunityFacility {
        try await writes.write { db in
            var updated = try change(try Self.loadFacility(db, id: id))
            updated.id = id
            try db.execute(
                sql: "UPDATE facilities SET county = ?, kind = ?, name = ?, closed_on = ?, record = ? WHERE id = ?",
                arguments: [
                    updated.county.description, updated.kind.rawValue, updated.name, updated.closedOn?.description, try StoredRecords.encode(updated), id,
                ])
            try db.execute(sql: "DELETE FROM facility_covers WHERE facility_id = ?", arguments: [id])
            try Self.writeCovers(db, updated)
            try Audit.record(db, by: actor, action: "update", entity: "facility", entityID: id, reason: reason, at: now)
            return updated
        }
    }

    public func facility(id: String) async throws -> CommunityFacility {
        try pointReads.read { db in try Self.loadFacility(db, id: id) }
    }

    public func facilities(_ filter: FacilityFilter, pageSize: Int, pageToken: String) async throws -> Page<CommunityFacility> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        switch filter.place {
        case .division(let division): sql.within(division, column: "county")
        case .local(let code):
            // Covering the division itself, or (for a street or township) one of its communities or villages.
            sql.add(
                "id IN (SELECT facility_id FROM facility_covers WHERE division = ? OR (length(?) = 9 AND substr(division, 1, 9) = ?))",
                [code.description, code.description, code.description])
        }
        sql.add(filter.kind, "kind = ?") { $0.rawValue }
        sql.add(filter.openOn, "(closed_on IS NULL OR closed_on > ?)") { $0.description }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM facilities \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM facilities \(clause) ORDER BY seq LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            var items = try records.map { try StoredRecords.decode(CommunityFacility.self, $0) }
            // Opened later than the day: not open yet (the opening day is in the record only).
            if let day = filter.openOn { items = items.filter { $0.openedOn.map { $0 <= day } ?? true } }
            return Page(items: items, offset: offset, total: total)
        }
    }

    /// Records the days' usage of facility `id` (a day given again replaces its figure) and answers the
    /// facility with its usage records from `from` through `through`.
    public func recordUsage(
        facilityID id: String, days: [(day: CivilDate, visits: Int)], from: CivilDate, through: CivilDate, by actor: AuditActor, now: Date = Date()
    ) async throws -> (CommunityFacility, [DailyUsage]) {
        try await writes.write { db in
            let facility = try Self.loadFacility(db, id: id)
            let upsert = try db.cachedStatement(sql: "INSERT OR REPLACE INTO facility_usage (facility_id, day, visits) VALUES (?, ?, ?)")
            for entry in days { try upsert.execute(arguments: [id, entry.day.description, entry.visits]) }
            let span = days.map(\.day)
            try Audit.record(
                db, by: actor, action: "record_usage", entity: "facility", entityID: id,
                detail: "\(days.count) days\(span.min().map { " from \($0)" } ?? "")\(span.max().map { " through \($0)" } ?? "")", at: now)
            return (facility, try Self.usage(db, facilityID: id, from: from, through: through))
        }
    }

    public func usage(facilityID id: String, from: CivilDate, through: CivilDate) async throws -> (CommunityFacility, [DailyUsage]) {
        try await database.read { db in (try Self.loadFacility(db, id: id), try Self.usage(db, facilityID: id, from: from, through: through)) }
    }

    static func usage(_ db: Database, facilityID id: String, from: CivilDate, through: CivilDate) throws -> [DailyUsage] {
        try Row.fetchAll(
            db, sql: "SELECT day, visits FROM facility_usage WHERE facility_id = ? AND day BETWEEN ? AND ? ORDER BY day",
            arguments: [id, from.description, through.description]
        ).compactMap { row in CivilDate(row[0] as String).map { DailyUsage(facilityID: id, date: $0, visits: row[1]) } }
    }

    static func writeCovers(_ db: Database, _ facility: CommunityFacility) throws {
        let insert = try db.cachedStatement(sql: "INSERT OR IGNORE INTO facility_covers (facility_id, division) VALUES (?, ?)")
        for code in facility.covers { try insert.execute(arguments: [facility.id, code.description]) }
    }

    static func loadFacility(_ db: Database, id: String) throws -> CommunityFacility {
        guard let record = try String.fetchOne(db.cachedStatement(sql: "SELECT record FROM facilities WHERE id = ?"), arguments: [id]) else {
            throw DomainError.notFound("no facility with id \(id)")
        }
        return try StoredRecords.decode(CommunityFacility.self, record)
    }
}
