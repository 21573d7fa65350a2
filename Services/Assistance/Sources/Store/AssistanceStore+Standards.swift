import AssistanceDomain
import CivicDomain
import CivicStorage
import Foundation
import GRDB

/// 标准: dated versions per division and area.
extension AssistanceStore {
    /// Adds `version` after checking it with every stored version (`StandardTable`): INVALID_ARGUMENT
    /// with its own problems; ALREADY_EXISTS for a used id or a second version on the same day.
    public func putStandard(_ version: StandardVersion, by actor: AuditActor, now: Date = Date()) async throws -> StandardVersion {
        try await writes.write { db in
            let existing = try Self.standardVersions(db)
            if existing.contains(where: { $0.id == version.id }) {
                throw DomainError.alreadyExists("a standard version with id \(version.id) exists", reason: "DUPLICATE")
            }
            if let same = existing.first(where: { $0.division == version.division && $0.area == version.area && $0.effective == version.effective }) {
                throw DomainError.alreadyExists(
                    "version \(same.id) already takes effect on \(version.effective) for \(version.division) \(version.area.rawValue)", reason: "DUPLICATE")
            }
            // The table every computation reads must stay valid whoever calls.
            try version.problems().check()
            try db.execute(
                sql: "INSERT INTO standard_versions (id, division, area, effective, label, record, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    version.id, version.division.description, version.area.rawValue, version.effective.description, version.label, try Self.encode(version),
                    Self.timestamp(now),
                ])
            try Audit.record(
                db, by: actor, action: "put_standard", entity: "standard", entityID: version.id,
                detail: "\(version.division) \(version.area.rawValue) from \(version.effective): S=\(version.minimumLiving)", at: now)
            return version
        }
    }

    /// Every version, oldest first per division and area.
    public func standardTable() async throws -> StandardTable {
        try await database.read { db in try StandardTable(versions: Self.standardVersions(db)) }
    }

    /// Versions, filtered, by division, area and date.
    public func standardVersions(division: DivisionCode?, area: Area?) async throws -> [StandardVersion] {
        try await database.read { db in
            try Self.standardVersions(db).filter { v in
                (division.map { $0.contains(v.division) } ?? true) && (area.map { $0 == v.area } ?? true)
            }
        }
    }

    static func standardVersions(_ db: Database) throws -> [StandardVersion] {
        try String.fetchAll(db, sql: "SELECT record FROM standard_versions ORDER BY division, area, effective").map {
            try decode(StandardVersion.self, $0)
        }
    }
}
