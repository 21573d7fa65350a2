import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation
import GRDB

/// 特困 placement between assistance and eldercare (docs/FLOWS.md §4.7): assistance's requests kept
/// for the institution's staff, and each 特困 resident's admission, discharge or death told back.
extension EldercareStore {
    public enum PlacementState: String, Sendable, CaseIterable {
        case requested, admitted
    }

    public struct StoredPlacement: Sendable, Equatable {
        public var id: String
        public var caseID: String
        public var institutionID: String
        public var personName: String
        /// Masked.
        public var personID: String
        public var selfCare: String
        public var requestedOn: String
        public var state: PlacementState
        public var residentID: String?
        public var admittedOn: String?
    }

    /// assistance asks for a placement: kept for the institution's staff ("placement P… at I…"). An
    /// institution that does not exist (NOT_FOUND), is not operating (NOT_OPERATING) or has no free
    /// bed (FULL) refuses it: the request waits DEAD at assistance, replayable once a bed is free.
    static func applyPlacementRequested(_ db: Database, _ request: Civic_Flows_V1_DestitutePlacementRequested, by actor: AuditActor, now: Date) throws
        -> String
    {
        var errors = ValidationErrors()
        if request.caseID.isEmpty { errors.add("case_id", "REQUIRED", "the assistance case is required") }
        let person = errors.collect("person_id") { try ResidentID(request.personID) }
        if CivilDate(request.requestedOn) == nil { errors.add("requested_on", "INVALID", "requested_on must be a date YYYY-MM-DD") }
        try errors.check()
        guard let institution = try findInstitution(db, id: request.institutionID) else {
            throw DomainError.notFound("institution \(request.institutionID)")
        }
        guard institution.status == .operating else {
            throw DomainError.failedPrecondition(
                "institution \(institution.id) is \(institution.status.rawValue): it admits nobody", reason: "NOT_OPERATING")
        }
        guard institution.residents < institution.beds else {
            throw DomainError.failedPrecondition("institution \(institution.id) has all \(institution.beds) beds taken", reason: "FULL")
        }
        let seq = try StoredRecords.nextSeq(db, table: "placement_requests")
        let id = StoredRecords.code("P", seq)
        try db.execute(
            sql: """
                INSERT INTO placement_requests (id, seq, case_id, institution_id, county, person_id, person_name, self_care, requested_on, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, seq, request.caseID, institution.id, institution.county.description, person!.description, request.personName, request.selfCare,
                request.requestedOn, PlacementState.requested.rawValue,
            ])
        try Audit.record(
            db, by: actor, action: "placement_requested", entity: "institution", entityID: institution.id, detail: "\(id) case \(request.caseID)", at: now)
        return "placement \(id) at \(institution.id)"
    }

    /// What a 特困 resident's change tells assistance, queued in the change's transaction: admitted
    /// (admission with a case id, or a case linked to a resident), discharged, died. `before` is nil
    /// for an admission. A placement request for the case and institution is marked admitted.
    static func announceDestitute(_ db: Database, before: Resident?, after resident: Resident, institution: Institution, today: CivilDate, now: Date) throws {
        guard let caseID = resident.destituteCaseID else { return }
        typealias Change = Civic_Flows_V1_DestituteResidentChanged.Change
        var changes: [(Change, CivilDate)] = []
        if before?.destituteCaseID != caseID {
            let on = before == nil ? resident.admittedOn : max(resident.admittedOn, today)
            changes.append((.admitted, on))
            try db.execute(
                sql: """
                    UPDATE placement_requests SET state = ?, resident_id = ?, admitted_on = ?
                    WHERE case_id = ? AND institution_id = ? AND state = ?
                    """,
                arguments: [
                    PlacementState.admitted.rawValue, resident.id, on.description, caseID, resident.institutionID, PlacementState.requested.rawValue,
                ])
        }
        if !(before?.hasLeft ?? false) {
            if let died = resident.diedOn {
                changes.append((.died, died))
            } else if let left = resident.dischargedOn {
                changes.append((.discharged, left))
            }
        }
        for (change, on) in changes {
            let message = Civic_Flows_V1_DestituteResidentChanged.with {
                $0.change = change
                $0.caseID = caseID
                $0.personID = resident.residentID?.description ?? ""
                $0.institutionID = institution.id
                $0.institutionName = institution.name
                $0.residentID = resident.id
                $0.on = on.description
            }
            let name = "\(change)".lowercased()
            try FlowOutbox.enqueue(
                db, to: "assistance", message, aggregate: "resident:\(resident.id)", idempotencyKey: "eldercare-resident:\(resident.id):\(name):\(caseID)",
                now: now)
        }
    }

    /// The placement requests within `county` (or of one institution), oldest first.
    public func placements(institutionID: String?, county: DivisionCode?, state: PlacementState?, pageSize: Int, pageToken: String) async throws
        -> Page<StoredPlacement>
    {
        let offset = try Paging.offset(fromToken: pageToken)
        var sql = SQLFilter()
        sql.add(institutionID, "institution_id = ?") { $0 }
        sql.within(county, column: "county")
        sql.add(state, "state = ?") { $0.rawValue }
        let clause = sql.whereClause
        let arguments = sql.statementArguments
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM placement_requests \(clause)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM placement_requests \(clause) ORDER BY seq LIMIT ? OFFSET ?", arguments: arguments + [pageSize, offset])
            let items = rows.map { row in
                let number: String = row["person_id"]
                return StoredPlacement(
                    id: row["id"], caseID: row["case_id"], institutionID: row["institution_id"], personName: row["person_name"],
                    personID: (try? ResidentID(number))?.masked ?? number, selfCare: row["self_care"], requestedOn: row["requested_on"],
                    state: PlacementState(rawValue: row["state"]) ?? .requested, residentID: row["resident_id"], admittedOn: row["admitted_on"])
            }
            return Page(items: items, offset: offset, total: total)
        }
    }
}
