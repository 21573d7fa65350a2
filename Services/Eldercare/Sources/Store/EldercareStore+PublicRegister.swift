import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation
import GRDB

/// The public register (养老机构名录): one entry per institution with no personal data, and the
/// feed of every change to an entry, whose sequence number is the cursor other systems sync by.
/// Entries are stored as the binary protobuf message the feed answers
/// (civic.eldercare.v1.RegisterEntry), so paging the feed decodes no JSON; entries written as JSON
/// before (`RegisterEntry`, starting with "{") are still read.
extension EldercareStore {
    /// An entry as the first release stored it (JSON); read only.
    public struct RegisterEntry: Sendable, Codable, Equatable {
        public var institutionID: String
        public var name: String
        public var creditCode: String
        public var ownership: Ownership
        public var nature: ProfitNature
        public var county: String
        public var street: String
        public var community: String
        public var address: String
        public var beds: Int
        public var nursingBeds: Int
        public var status: InstitutionStatus
        /// The grade (0: none) and its last day, as recorded: a reader compares the day with today,
        /// so an entry never goes stale by the calendar alone.
        public var grade: Int
        public var gradeValidUntil: String
        public var filedOn: String
        /// The 医养结合 agreement's partner and last day ("" open-ended).
        public var medicalPartner: String
        public var medicalUntil: String
        /// The latest published inspection: its day and score.
        public var lastInspectedOn: String
        public var lastInspectionScore: String
        /// Findings of published inspections not yet closed or revoked.
        public var openFindings: Int
    }

    /// A change in the feed.
    public struct RegisterChange: Sendable {
        public var seq: Int64
        public var changedAt: String
        public var entry: Civic_Eldercare_V1_RegisterEntry
    }

    static func entry(_ stored: Data) throws -> Civic_Eldercare_V1_RegisterEntry {
        if stored.first == UInt8(ascii: "{") { return .init(try JSONDecoder().decode(RegisterEntry.self, from: stored)) }
        return try Civic_Eldercare_V1_RegisterEntry(serializedBytes: stored)
    }

    /// Recomputes `institution`'s entry; when it differs from the stored one, stores it and appends
    /// it to the feed. Called by every write that can change what the public sees.
    static func refreshRegister(_ db: Database, institution: Institution, now: Date) throws {
        var lastOn = ""
        var lastScore = ""
        if let record = try String.fetchOne(
            db.cachedStatement(sql: "SELECT record FROM inspections WHERE institution_id = ? AND state = 'published' ORDER BY seq DESC LIMIT 1"),
            arguments: [institution.id])
        {
            let inspection = try StoredRecords.decode(Inspection.self, record)
            lastOn = inspection.inspectedOn?.description ?? ""
            lastScore = inspection.score?.description ?? ""
        }
        let open =
            try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COUNT(*) FROM findings WHERE institution_id = ? AND state IN ('open', 'extended', 'unrectified', 'suspended')
                          AND inspection_id IN (SELECT id FROM inspections WHERE institution_id = ? AND state = 'published')
                        """), arguments: [institution.id, institution.id]) ?? 0
        var entry = Civic_Eldercare_V1_RegisterEntry()
        entry.institutionID = institution.id
        entry.name = institution.name
        entry.creditCode = institution.creditCode
        entry.ownership = WireEnum.wire(institution.ownership)
        entry.nature = WireEnum.wire(institution.nature)
        entry.county = institution.county.description
        entry.street = institution.street?.description ?? ""
        entry.community = institution.community?.description ?? ""
        entry.address = institution.address
        entry.beds = Int32(institution.beds)
        entry.nursingBeds = Int32(institution.nursingBeds)
        entry.status = WireEnum.wire(institution.status)
        entry.grade = Int32(institution.grade?.level ?? 0)
        entry.gradeValidUntil = institution.gradeValidUntil?.description ?? ""
        entry.filedOn = institution.filedOn?.description ?? ""
        entry.medicalPartner = institution.medicalCare?.partner ?? ""
        entry.medicalUntil = institution.medicalCare?.expiresOn?.description ?? ""
        entry.lastInspectedOn = lastOn
        entry.lastInspectionScore = lastScore
        entry.openFindings = Int32(open)
        let text: Data = try entry.serializedBytes()
        let stored = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT entry FROM public_register WHERE institution_id = ?"), arguments: [institution.id])
        guard stored != text else { return }
        try db.cachedStatement(
            sql: "INSERT INTO register_changes (institution_id, county, entry, changed_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [institution.id, entry.county, text, StorageTime.string(now)])
        let seq = db.lastInsertedRowID
        try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO public_register (institution_id, county, seq, entry) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [institution.id, entry.county, seq, text])
    }

    /// The register within `division` (nil: all), in id order.
    public func registerEntries(within division: DivisionCode?, pageSize: Int, pageToken: String) async throws -> Page<Civic_Eldercare_V1_RegisterEntry> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        sql.within(division, column: "county")
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM public_register \(clause)", arguments: arguments) ?? 0
            let entries = try Data.fetchAll(
                db, sql: "SELECT entry FROM public_register \(clause) ORDER BY institution_id LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            return Page(items: try entries.map(Self.entry), offset: offset, total: total)
        }
    }

    /// The changes after `cursor` (0: from the start), oldest first, at most `limit`; within `county` when given.
    public func registerChanges(after cursor: Int64, county: DivisionCode?, limit: Int) async throws -> [RegisterChange] {
        try await database.read { db in
            let rows: RowCursor
            if let county {
                rows = try Row.fetchCursor(
                    db.cachedStatement(sql: "SELECT seq, changed_at, entry FROM register_changes WHERE county = ? AND seq > ? ORDER BY seq LIMIT ?"),
                    arguments: [county.description, cursor, limit])
            } else {
                rows = try Row.fetchCursor(
                    db.cachedStatement(sql: "SELECT seq, changed_at, entry FROM register_changes WHERE seq > ? ORDER BY seq LIMIT ?"),
                    arguments: [cursor, limit])
            }
            var changes: [RegisterChange] = []
            changes.reserveCapacity(limit)
            while let row = try rows.next() {
                changes.append(RegisterChange(seq: row[0], changedAt: row[1], entry: try Self.entry(row[2])))
            }
            return changes
        }
    }
}

extension Civic_Eldercare_V1_RegisterEntry {
    /// An entry stored as JSON by the first release.
    init(_ e: EldercareStore.RegisterEntry) {
        self.init()
        institutionID = e.institutionID
        name = e.name
        creditCode = e.creditCode
        ownership = WireEnum.wire(e.ownership)
        nature = WireEnum.wire(e.nature)
        county = e.county
        street = e.street
        community = e.community
        address = e.address
        beds = Int32(e.beds)
        nursingBeds = Int32(e.nursingBeds)
        status = WireEnum.wire(e.status)
        grade = Int32(e.grade)
        gradeValidUntil = e.gradeValidUntil
        filedOn = e.filedOn
        medicalPartner = e.medicalPartner
        medicalUntil = e.medicalUntil
        lastInspectedOn = e.lastInspectedOn
        lastInspectionScore = e.lastInspectionScore
        openFindings = Int32(e.openFindings)
    }
}
