import CivicDomain
import CivicProtos
import CivicStorage
import EldercareDomain
import Foundation
import GRDB

/// The inspector roster, checklist versions, 双随机 tasks with their frozen draws, inspections
/// and the findings they open.
extension EldercareStore {
    /// An inspector on the roster.
    public struct StoredInspector: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var active: Bool
        public var conflicts: [String]

        public init(id: String, name: String, active: Bool, conflicts: [String]) {
            self.id = id
            self.name = name
            self.active = active
            self.conflicts = conflicts
        }
    }

    /// A task as made: its frozen draw and the inspections planned from it.
    /// A task as the first release stored it (JSON); read only. Tasks are now stored as the
    /// published message (civic.eldercare.v1.InspectionTask, binary protobuf).
    struct StoredTask: Sendable, Codable {
        public var id: String
        public var county: String
        public var draw: InspectionDraw
        public var plannedOn: CivilDate
        public var checklistVersion: String
        public var inspectionIDs: [String]
    }

    public struct InspectionFilter: Sendable {
        public var place: Place
        public var taskID: String?
        public var state: InspectionState?
        public var inspectorID: String?

        public init(place: Place, taskID: String? = nil, state: InspectionState? = nil, inspectorID: String? = nil) {
            self.place = place
            self.taskID = taskID
            self.state = state
            self.inspectorID = inspectorID
        }
    }

    public struct FindingFilter: Sendable {
        public var place: Place
        public var institutionID: String?
        public var referralOnly: Bool
        /// Only findings of published inspections (what an operator sees).
        public var publishedOnly: Bool
        /// Only findings of this status on `day`, whose due-soon deadlines end on `lastDueSoon`
        /// (`RectificationPolicy.lastDueSoonDeadline`).
        public var status: (status: RectificationStatus, day: CivilDate, lastDueSoon: CivilDate)?

        public init(
            place: Place, institutionID: String? = nil, referralOnly: Bool = false, publishedOnly: Bool = false,
            status: (status: RectificationStatus, day: CivilDate, lastDueSoon: CivilDate)? = nil
        ) {
            self.place = place
            self.institutionID = institutionID
            self.referralOnly = referralOnly
            self.publishedOnly = publishedOnly
            self.status = status
        }
    }

    // MARK: - Roster and checklists

    public func putInspector(_ inspector: StoredInspector, by actor: AuditActor, now: Date = Date()) async throws -> StoredInspector {
        try await writes.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO inspectors (id, record) VALUES (?, ?)", arguments: [inspector.id, try StoredRecords.encode(inspector)])
            try Audit.record(
                db, by: actor, action: "put_inspector", entity: "inspector", entityID: inspector.id,
                detail: "\(inspector.active ? "active" : "inactive"); \(inspector.conflicts.count) conflicts", at: now)
            return inspector
        }
    }

    public func inspectors() async throws -> [StoredInspector] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT record FROM inspectors ORDER BY id").map { try StoredRecords.decode(StoredInspector.self, $0) }
        }
    }

    /// Stores a validated checklist version as its file; ALREADY_EXISTS for a version loaded before.
    public func loadChecklist(_ checklist: Checklist, document: String, by actor: AuditActor, now: Date = Date()) async throws {
        try await writes.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM checklists WHERE version = ?)", arguments: [checklist.version]) == true {
                throw DomainError.alreadyExists("checklist version \(checklist.version) is loaded already: give a new version", reason: "VERSION_EXISTS")
            }
            try db.execute(
                sql: "INSERT INTO checklists (version, seq, document, loaded_at) VALUES (?, ?, ?, ?)",
                arguments: [checklist.version, try StoredRecords.nextSeq(db, table: "checklists"), document, StorageTime.string(now)])
            try Audit.record(
                db, by: actor, action: "load_checklist", entity: "checklist", entityID: checklist.version, detail: "\(checklist.counts)", at: now)
        }
    }

    /// A checklist version (the latest loaded when nil); nil when none.
    public func checklist(version: String?) async throws -> Checklist? {
        try await database.read { db in try Self.loadChecklist(db, version: version) }
    }

    static func loadChecklist(_ db: Database, version: String?) throws -> Checklist? {
        let document =
            try version.map { try String.fetchOne(db, sql: "SELECT document FROM checklists WHERE version = ?", arguments: [$0]) }
            ?? String.fetchOne(db, sql: "SELECT document FROM checklists ORDER BY seq DESC LIMIT 1")
        return try document.map { try Checklist(json: Data($0.utf8)) }
    }

    // MARK: - Tasks and inspections

    /// Makes a task in one transaction: `make` gets the task id and the county's candidates (with
    /// what their class comes from) and the roster, and returns the draw and the inspections
    /// planned from it; all is stored, frozen.
    public func createTask(
        county: DivisionCode, plannedOn: CivilDate, checklistVersion: String?, by actor: AuditActor, now: Date = Date(),
        make:
            @escaping @Sendable (_ taskID: String, _ checklist: Checklist?, _ candidates: [RiskFacts], _ roster: [StoredInspector]) throws
            -> (draw: InspectionDraw, inspections: [Inspection])
    ) async throws -> Civic_Eldercare_V1_InspectionTask {
        try await writes.write { db in
            let seq = try StoredRecords.nextSeq(db, table: "inspection_tasks")
            let taskID = StoredRecords.code("T", seq)
            let checklist = try Self.loadChecklist(db, version: checklistVersion)
            let candidates = try Self.riskFacts(db, county: county)
            let roster = try String.fetchAll(db, sql: "SELECT record FROM inspectors ORDER BY id").map { try StoredRecords.decode(StoredInspector.self, $0) }
            let made = try make(taskID, checklist, candidates, roster)
            let task = Civic_Eldercare_V1_InspectionTask(
                id: taskID, county: county.description, draw: made.draw, plannedOn: plannedOn, checklistVersion: checklist?.version ?? "",
                inspectionIDs: made.inspections.map(\.id))
            try db.execute(
                sql: "INSERT INTO inspection_tasks (id, seq, county, record, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [taskID, seq, county.description, try task.serializedBytes() as Data, StorageTime.string(now)])
            // The draw's inspectors are the task's: every inspection of a task has the same ones.
            for inspector in made.draw.inspectorIDs {
                try db.execute(sql: "INSERT INTO task_inspectors (task_id, inspector_id) VALUES (?, ?)", arguments: [taskID, inspector])
            }
            // A planned inspection is its columns alone (record ''): the record is written at its first step.
            var inspectionSeq = try StoredRecords.nextSeq(db, table: "inspections")
            let insertInspection = try db.cachedStatement(
                sql: """
                    INSERT INTO inspections (id, seq, task_id, institution_id, county, state, planned_on, checklist_version, inspector_ids, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '')
                    """)
            let inspectorIDs = try Self.inspectorList(made.draw.inspectorIDs)
            for inspection in made.inspections {
                try insertInspection.execute(arguments: [
                    inspection.id, inspectionSeq, taskID, inspection.targetID, county.description, inspection.state.rawValue,
                    inspection.plannedOn.description, inspection.checklistVersion, inspectorIDs,
                ])
                inspectionSeq += 1
            }
            try Audit.record(
                db, by: actor, action: "draw", entity: "inspection_task", entityID: taskID,
                detail:
                    "seed \(made.draw.task.seed); \(made.draw.targets.count) of \(made.draw.pool.count); inspectors \(made.draw.inspectorIDs.joined(separator: ","))",
                at: now)
            return task
        }
    }

    /// What each of a county's institutions' risk class comes from, in id order (the draw's
    /// order): from columns, the covering index `institutions_pool` and two grouped queries — the
    /// class needs status, fire safety, grade, 备案, open findings and the first admission, not
    /// the documents.
    public func riskFacts(county: DivisionCode) async throws -> [RiskFacts] {
        try await database.read { db in try Self.riskFacts(db, county: county) }
    }

    static func riskFacts(_ db: Database, county: DivisionCode) throws -> [RiskFacts] {
        var open: [String: [HazardLevel]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT institution_id, level FROM findings
                WHERE state IN ('open', 'extended', 'unrectified', 'suspended') AND county = ?
                """, arguments: [county.description])
        {
            if let level = HazardLevel(rawValue: row[1]) { open[row[0], default: []].append(level) }
        }
        var firstAdmission: [String: CivilDate] = [:]
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT r.institution_id, MIN(r.admitted_on) FROM residents r JOIN institutions i ON i.id = r.institution_id WHERE i.county = ? GROUP BY r.institution_id",
            arguments: [county.description])
        {
            firstAdmission[row[0]] = CivilDate(row[1] as String)
        }
        var candidates: [RiskFacts] = []
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, status, fire_safety, grade, grade_valid_until, filed_on FROM institutions
                WHERE county = ? ORDER BY id
                """, arguments: [county.description])
        while let row = try rows.next() {
            let id: String = row[0]
            candidates.append(
                RiskFacts(
                    id: id, status: InstitutionStatus(rawValue: row[1]) ?? .operating, fireSafety: FireSafetyStatus(rawValue: row[2]) ?? .notAssessed,
                    grade: (row[3] as Int?).flatMap(CareGrade.init), gradeValidUntil: (row[4] as String?).flatMap(CivilDate.init),
                    filedOn: (row[5] as String?).flatMap(CivilDate.init), openFindings: open[id] ?? [], firstAdmission: firstAdmission[id]))
        }
        return candidates
    }

    public func task(id: String) async throws -> Civic_Eldercare_V1_InspectionTask {
        try await database.read { db in
            guard let record = try Data.fetchOne(db, sql: "SELECT record FROM inspection_tasks WHERE id = ?", arguments: [id]) else {
                throw DomainError.notFound("no inspection task with id \(id)")
            }
            if record.first == UInt8(ascii: "{") { return .init(try JSONDecoder().decode(StoredTask.self, from: record)) }
            return try Civic_Eldercare_V1_InspectionTask(serializedBytes: record)
        }
    }

    public func inspection(id: String) async throws -> (inspection: Inspection, county: DivisionCode) {
        try await database.read { db in try Self.loadInspection(db, id: id) }
    }

    /// Moves inspection `id` by `apply` in one transaction (checked by `check` against the county
    /// first); the findings a recording opens are stored with it.
    public func stepInspection(
        id: String, action: String, reason: String = "", by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (DivisionCode) throws -> Void,
        apply: @escaping @Sendable (Inspection, Checklist?) throws -> Inspection
    ) async throws -> Inspection {
        try await writes.write { db in
            let (current, county) = try Self.loadInspection(db, id: id)
            try check(county)
            let updated = try apply(current, try Self.loadChecklist(db, version: current.checklistVersion))
            try db.execute(
                sql: "UPDATE inspections SET state = ?, record = ? WHERE id = ?", arguments: [updated.state.rawValue, try StoredRecords.encode(updated), id])
            if current.findings.isEmpty {
                var seq = try StoredRecords.nextSeq(db, table: "findings")
                for finding in updated.findings {
                    try db.execute(
                        sql: """
                            INSERT INTO findings (id, seq, inspection_id, institution_id, county, state, level, deadline, referral, found_on, record)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            finding.id, seq, id, finding.targetID, county.description, finding.state.rawValue, finding.level.rawValue,
                            finding.deadline.description, finding.isFlaggedForReferral, finding.foundOn.description, try StoredRecords.encode(finding),
                        ])
                    try Self.referIfFlagged(db, finding, now: now)
                    seq += 1
                }
            }
            if updated.state == .published {
                try Self.refreshRegister(db, institution: try Self.loadInstitution(db, id: updated.targetID), now: now)
            }
            try Audit.record(
                db, by: actor, action: action, entity: "inspection", entityID: id, reason: reason,
                detail: "→ \(updated.state.rawValue)\(updated.findings.isEmpty ? "" : "; \(updated.findings.count) findings")", at: now)
            return updated
        }
    }

    public func inspections(_ filter: InspectionFilter, pageSize: Int, pageToken: String) async throws -> Page<Inspection> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        Self.place(filter.place, &sql)
        sql.add(filter.taskID, "task_id = ?") { $0 }
        sql.add(filter.state, "state = ?") { $0.rawValue }
        sql.add(filter.inspectorID, "task_id IN (SELECT task_id FROM task_inspectors WHERE inspector_id = ?)") { $0 }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inspections \(clause)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(Self.inspectionColumns) FROM inspections \(clause) ORDER BY seq LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            return Page(items: try rows.map(Self.inspection(from:)), offset: offset, total: total)
        }
    }

    // MARK: - Findings

    public func findings(_ filter: FindingFilter, pageSize: Int, pageToken: String) async throws -> Page<Finding> {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        Self.place(filter.place, &sql)
        sql.add(filter.institutionID, "institution_id = ?") { $0 }
        if filter.referralOnly { sql.add("referral = 1", []) }
        if filter.publishedOnly { sql.add("inspection_id IN (SELECT id FROM inspections WHERE state = 'published')", []) }
        if let (status, day, lastDueSoon) = filter.status {
            // Finding.status(on:policy:) as conditions on the state and deadline columns.
            let open = "state IN ('open', 'extended')"
            switch status {
            case .closed: sql.add("state = 'closed'", [])
            case .revoked: sql.add("state = 'revoked'", [])
            case .overdue: sql.add("(state IN ('unrectified', 'suspended') OR (\(open) AND deadline < ?))", [day.description])
            case .dueSoon: sql.add("\(open) AND deadline BETWEEN ? AND ?", [day.description, lastDueSoon.description])
            case .onTime: sql.add("\(open) AND deadline > ?", [lastDueSoon.description])
            }
        }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM findings \(clause)", arguments: arguments) ?? 0
            let records = try String.fetchAll(
                db, sql: "SELECT record FROM findings \(clause) ORDER BY seq LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            return Page(items: try records.map { try StoredRecords.decode(Finding.self, $0) }, offset: offset, total: total)
        }
    }

    /// Changes finding `id` by `apply` in one transaction; `institution` (when given) changes the
    /// finding's institution in the same transaction (a suspension order suspends it).
    public func changeFinding(
        id: String, action: String, reason: String = "", by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (DivisionCode) throws -> Void,
        apply: @escaping @Sendable (Finding) throws -> Finding, institution: (@Sendable (Institution) throws -> Institution)? = nil
    ) async throws -> Finding {
        try await writes.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT record, county FROM findings WHERE id = ?", arguments: [id]) else {
                throw DomainError.notFound("no finding with id \(id)")
            }
            try check(try DivisionCode(row["county"] as String))
            let current = try StoredRecords.decode(Finding.self, row["record"])
            let updated = try apply(current)
            try Self.saveFinding(db, updated)
            if let institution {
                let stored = try Self.loadInstitution(db, id: current.targetID)
                let changed = try institution(stored)
                if changed != stored {
                    try Self.saveInstitution(db, changed, now: now)
                    try Audit.record(
                        db, by: actor, action: "status_\(changed.status.rawValue)", entity: "institution", entityID: stored.id, reason: "finding \(id)",
                        at: now)
                }
            }
            try Self.refreshRegister(db, institution: try Self.loadInstitution(db, id: current.targetID), now: now)
            try Audit.record(db, by: actor, action: action, entity: "finding", entityID: id, reason: reason, detail: "→ \(updated.state.rawValue)", at: now)
            return updated
        }
    }

    /// Applies `apply` to every open or extended finding within `place` whose deadline is before
    /// `day`; answers the ids changed.
    public func sweepFindings(
        _ place: Place, before day: CivilDate, by actor: AuditActor, now: Date = Date(), apply: @escaping @Sendable (Finding) throws -> Finding
    ) async throws -> [String] {
        var sql = SQLFilter()
        Self.place(place, &sql)
        sql.add("state IN ('open', 'extended') AND deadline < ?", [day.description])
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await writes.write { db in
            var marked: [String] = []
            for record in try String.fetchAll(db, sql: "SELECT record FROM findings \(clause) ORDER BY seq", arguments: arguments) {
                let updated = try apply(try StoredRecords.decode(Finding.self, record))
                try Self.saveFinding(db, updated)
                try Audit.record(db, by: actor, action: "mark_overdue", entity: "finding", entityID: updated.id, detail: "due \(updated.deadline)", at: now)
                marked.append(updated.id)
            }
            return marked
        }
    }

    /// Records the operator's rectification report on finding `id` (of a published inspection, not
    /// closed or revoked); `check` sees the finding first.
    public func respondToFinding(
        id: String, text: String, on day: CivilDate, by actor: AuditActor, now: Date = Date(), check: @escaping @Sendable (Finding) throws -> Void
    ) async throws -> Finding {
        try await writes.write { db in
            guard
                let record = try String.fetchOne(
                    db,
                    sql: "SELECT f.record FROM findings f JOIN inspections i ON i.id = f.inspection_id WHERE f.id = ? AND i.state = 'published'",
                    arguments: [id])
            else { throw DomainError.notFound("no published finding with id \(id)") }
            let finding = try StoredRecords.decode(Finding.self, record)
            try check(finding)
            guard !finding.state.isFinal else { throw Finding.illegalMove(finding.state, event: "respond to") }
            try db.execute(
                sql: "INSERT INTO finding_responses (finding_id, on_day, text, by) VALUES (?, ?, ?, ?)", arguments: [id, day.description, text, actor.id])
            try Audit.record(db, by: actor, action: "respond", entity: "finding", entityID: id, detail: "整改报告 \(day)", at: now)
            return finding
        }
    }

    /// The latest rectification report of each of `ids` that has one.
    public func latestResponses(findingIDs ids: [String]) async throws -> [String: (text: String, on: String)] {
        guard !ids.isEmpty else { return [:] }
        return try await database.read { db in
            var answer: [String: (text: String, on: String)] = [:]
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            for row in try Row.fetchAll(
                db, sql: "SELECT finding_id, text, on_day FROM finding_responses WHERE finding_id IN (\(marks)) ORDER BY seq",
                arguments: StatementArguments(ids))
            {
                answer[row[0]] = (row[1], row[2])
            }
            return answer
        }
    }

    static func saveFinding(_ db: Database, _ finding: Finding) throws {
        try db.execute(
            sql: "UPDATE findings SET state = ?, deadline = ?, referral = ?, record = ? WHERE id = ?",
            arguments: [
                finding.state.rawValue, finding.deadline.description, finding.isFlaggedForReferral, try StoredRecords.encode(finding), finding.id,
            ])
        try referIfFlagged(db, finding)
    }

    static func loadInspection(_ db: Database, id: String) throws -> (inspection: Inspection, county: DivisionCode) {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(inspectionColumns), county FROM inspections WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no inspection with id \(id)")
        }
        return (try inspection(from: row), try DivisionCode(row["county"] as String))
    }

    static let inspectionColumns = "record, id, task_id, institution_id, planned_on, checklist_version, inspector_ids"

    /// An inspection from a row of `inspectionColumns`: its record, or for a planned one (record
    /// '') its columns.
    static func inspection(from row: Row) throws -> Inspection {
        let record: String = row["record"]
        if !record.isEmpty { return try StoredRecords.decode(Inspection.self, record) }
        let id: String = row["id"]
        guard let plannedOn = CivilDate(row["planned_on"] as String) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "inspection \(id) has no planned day"))
        }
        let inspectorIDs = try JSONDecoder().decode([String].self, from: Data((row["inspector_ids"] as String).utf8))
        return Inspection.planned(
            id: id, taskID: row["task_id"], targetID: row["institution_id"], inspectorIDs: inspectorIDs, plannedOn: plannedOn,
            checklistVersion: row["checklist_version"])
    }

    /// The inspectors of a planned inspection as a JSON array, in draw order.
    static func inspectorList(_ ids: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
    }

    /// A place as a condition on a table with `county` and `institution_id` columns.
    static func place(_ place: Place, _ sql: inout SQLFilter) {
        switch place {
        case .division(let division): sql.within(division, column: "county")
        case .local(let code) where code.isTownshipLevel:
            sql.add(code, "institution_id IN (SELECT id FROM institutions WHERE street = ?)") { $0.description }
        case .local(let code): sql.add(code, "institution_id IN (SELECT id FROM institutions WHERE community = ?)") { $0.description }
        }
    }
}
