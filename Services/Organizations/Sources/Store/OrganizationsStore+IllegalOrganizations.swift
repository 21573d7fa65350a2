import CivicDomain
import CivicStorage
import Foundation
import GRDB
import OrganizationsDomain

/// Cases about suspected illegal organizations (非法社会组织) and the 涉嫌 list batches published
/// from them.
extension OrganizationsStore {
    /// Records a tip-off: `make` gets the new id ("I000001"…).
    public func recordTipOff(
        by actor: AuditActor, now: Date = Date(), make: @escaping @Sendable (_ id: String) throws -> IllegalOrganizationCase
    ) async throws -> IllegalOrganizationCase {
        try await writes.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "illegal_cases")
            let created = try make(StoredRecords.code("I", seq))
            try db.execute(
                sql: "INSERT INTO illegal_cases (id, seq, division, state, outcome, batch, record) VALUES (?, ?, ?, ?, NULL, NULL, ?)",
                arguments: [created.id, seq, created.division.description, created.state.rawValue, try StoredRecords.encode(created)])
            try Audit.record(
                db, by: actor, action: "record_tip_off", entity: "illegal_case", entityID: created.id,
                detail: "\(created.nameUsed) \(created.tipOff.channel.rawValue)", at: now)
            return created
        }
    }

    public func illegalCase(id: String) async throws -> IllegalOrganizationCase {
        try await database.read { db in try Self.loadIllegalCase(db, id: id) }
    }

    static func loadIllegalCase(_ db: Database, id: String) throws -> IllegalOrganizationCase {
        guard let record = try String.fetchOne(db, sql: "SELECT record FROM illegal_cases WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no illegal-organization case with id \(id)")
        }
        return try StoredRecords.decode(IllegalOrganizationCase.self, record)
    }

    static func save(_ db: Database, _ c: IllegalOrganizationCase) throws {
        try db.execute(
            sql: "UPDATE illegal_cases SET state = ?, outcome = ?, batch = ?, record = ? WHERE id = ?",
            arguments: [c.state.rawValue, c.outcome?.rawValue, c.publishedInBatch, try StoredRecords.encode(c), c.id])
    }

    /// Moves case `id` by `event` (`check` sees it first). Audited with the event's name.
    public func stepIllegalCase(
        id: String, event: IllegalCaseEvent, by actor: AuditActor, now: Date = Date(),
        check: @escaping @Sendable (IllegalOrganizationCase) throws -> Void
    ) async throws -> IllegalOrganizationCase {
        try await writes.write { db in
            var c = try Self.loadIllegalCase(db, id: id)
            try check(c)
            try c.apply(event)
            try Self.save(db, c)
            try Self.referIfBanned(db, c, now: now)
            var detail = ""
            if case .close(_, let outcome, let text) = event { detail = "\(outcome.rawValue) \(text)" }
            try Audit.record(db, by: actor, action: "illegal_case_\(event.name)", entity: "illegal_case", entityID: id, detail: detail, at: now)
            return c
        }
    }

    /// Cases acting within `within`, newest first.
    public func illegalCases(
        within: DivisionCode?, state: IllegalCaseState?, outcome: IllegalCaseOutcome?, offset: Int, limit: Int
    ) async throws -> (cases: [IllegalOrganizationCase], total: Int) {
        var sql = SQLFilter()
        sql.within(within, column: "division")
        sql.add(state, "state = ?") { $0.rawValue }
        sql.add(outcome, "outcome = ?") { $0.rawValue }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM illegal_cases \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM illegal_cases \(clause) ORDER BY seq DESC LIMIT ? OFFSET ?", arguments: arguments + [limit, offset])
            return (try records.map { try StoredRecords.decode(IllegalOrganizationCase.self, $0) }, total)
        }
    }

    // MARK: - 涉嫌 list batches

    /// Publishes a batch of the cases `caseIDs` (in that order) by the registrar of `publisher`:
    /// every case is marked with the batch in the same transaction. NOT_FOUND for an unknown case;
    /// ALREADY_EXISTS "number" for a number the division has used.
    public func publishSuspectedList(
        publisher: DivisionCode, number: String, title: String, publishedOn: CivilDate, caseIDs: [String], by actor: AuditActor, now: Date = Date()
    ) async throws -> SuspectedListBatch {
        try await writes.write { db in
            let cases = try caseIDs.map { try Self.loadIllegalCase(db, id: $0) }
            let batch = try SuspectedListBatch(number: number, title: title, publishedOn: publishedOn, cases: cases, publisher: publisher)
            if try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM suspected_lists WHERE division = ? AND number = ?)",
                arguments: [publisher.description, batch.number]) == true
            {
                throw DomainError(
                    .alreadyExists, "batch \(batch.number) of \(publisher) is published already",
                    problems: [FieldProblem(field: "number", reason: "ALREADY_PUBLISHED", description: "the division has published batch \(batch.number)")])
            }
            let seq = try StoredRecords.nextSeq(db, table: "suspected_lists")
            try db.execute(
                sql: "INSERT INTO suspected_lists (seq, division, number, published_on, record) VALUES (?, ?, ?, ?, ?)",
                arguments: [seq, publisher.description, batch.number, publishedOn.description, try StoredRecords.encode(batch)])
            for var c in cases {
                c.publishedInBatch = batch.number
                try Self.save(db, c)
                try db.execute(sql: "UPDATE illegal_cases SET list_seq = ? WHERE id = ?", arguments: [seq, c.id])
                try Audit.record(
                    db, by: actor, action: "publish_suspected_list", entity: "illegal_case", entityID: c.id, detail: "\(publisher) \(batch.number)", at: now)
            }
            try Audit.record(
                db, by: actor, action: "publish_suspected_list", entity: "suspected_list", entityID: "\(publisher)/\(batch.number)",
                detail: caseIDs.joined(separator: ","), at: now)
            return batch
        }
    }

    /// The batches published by registrars within `within` (all when nil), newest first.
    public func suspectedLists(within: DivisionCode?, offset: Int, limit: Int) async throws -> (lists: [SuspectedListBatch], total: Int) {
        var sql = SQLFilter()
        sql.within(within, column: "division")
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM suspected_lists \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM suspected_lists \(clause) ORDER BY seq DESC LIMIT ? OFFSET ?", arguments: arguments + [limit, offset])
            return (try records.map { try StoredRecords.decode(SuspectedListBatch.self, $0) }, total)
        }
    }

    /// A published name as the public check shows it.
    public struct SuspectedName: Sendable, Hashable {
        public var caseID: String
        public var nameUsed: String
        public var division: String
        public var batch: String
        public var publishedOn: String
    }

    /// Every published name (for the name index), oldest batch first.
    public func suspectedNames() async throws -> [SuspectedName] {
        try await suspectedNames(caseIDs: nil).sorted { $0.key < $1.key }.map(\.value)
    }

    /// The published names of cases `caseIDs` (all when nil), by case id.
    public func suspectedNames(caseIDs: [String]?) async throws -> [String: SuspectedName] {
        try await database.read { db in
            var found: [String: SuspectedName] = [:]
            let records: [String]
            if let caseIDs {
                // Only the batches these cases were published in.
                let marks = databaseQuestionMarks(count: caseIDs.count)
                records = try String.fetchAll(
                    db,
                    sql: "SELECT record FROM suspected_lists WHERE seq IN (SELECT list_seq FROM illegal_cases WHERE id IN (\(marks))) ORDER BY seq",
                    arguments: StatementArguments(caseIDs))
            } else {
                records = try String.fetchAll(db, sql: "SELECT record FROM suspected_lists ORDER BY seq")
            }
            for record in records {
                let batch = try StoredRecords.decode(SuspectedListBatch.self, record)
                for entry in batch.entries where caseIDs?.contains(entry.caseID) ?? true {
                    found[entry.caseID] = SuspectedName(
                        caseID: entry.caseID, nameUsed: entry.nameUsed, division: entry.division.description, batch: batch.number,
                        publishedOn: batch.publishedOn.description)
                }
            }
            return found
        }
    }
}
