import CivicDomain
import CivicStorage
import Foundation
import GRDB
import ProposalsDomain

/// Reply templates (答复模板).
extension ProposalStore {
    public func createTemplate(name: String, text: String, by actor: Actor, now: Date = Date()) async throws -> ReplyTemplate {
        let template = ReplyTemplate(id: UUID().uuidString.lowercased(), name: name, text: text, createdBy: actor.id, createdAt: StorageTime.string(now))
        do {
            try await writes.write { db in
                try db.execute(
                    sql: "INSERT INTO reply_templates (id, name, text, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [template.id, name, text, actor.id, template.createdAt])
                try Audit.record(db, by: actor, action: "create-template", entity: "reply_template", entityID: template.id, detail: name, at: now)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw Self.templateExists(name)
        }
        return template
    }

    /// Replaces a template's name and text; the history keeps the old name.
    public func updateTemplate(id: String, name: String, text: String, by actor: Actor, now: Date = Date()) async throws -> ReplyTemplate {
        do {
            return try await writes.write { db in
                let old = try Self.template(db, id: id)
                try db.execute(sql: "UPDATE reply_templates SET name = ?, text = ? WHERE id = ?", arguments: [name, text, id])
                try Audit.record(
                    db, by: actor, action: "update-template", entity: "reply_template", entityID: id,
                    detail: old.name == name ? name : "\(old.name) → \(name)", at: now)
                return ReplyTemplate(id: id, name: name, text: text, createdBy: old.createdBy, createdAt: old.createdAt)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw Self.templateExists(name)
        }
    }

    /// Deletes a template; drafts started from it keep their text, the history its name.
    public func deleteTemplate(id: String, by actor: Actor, now: Date = Date()) async throws {
        try await writes.write { db in
            let name = try Self.template(db, id: id).name
            try db.execute(sql: "DELETE FROM reply_templates WHERE id = ?", arguments: [id])
            try Audit.record(db, by: actor, action: "delete-template", entity: "reply_template", entityID: id, detail: name, at: now)
        }
    }

    public func templates() async throws -> [ReplyTemplate] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM reply_templates ORDER BY name").map(Self.template)
        }
    }

    public func template(id: String) async throws -> ReplyTemplate {
        try await database.read { db in try Self.template(db, id: id) }
    }

    private static func template(_ db: Database, id: String) throws -> ReplyTemplate {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM reply_templates WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no reply template with id \(id)")
        }
        return template(row)
    }

    private static func template(_ row: Row) -> ReplyTemplate {
        ReplyTemplate(id: row["id"], name: row["name"], text: row["text"], createdBy: row["created_by"], createdAt: row["created_at"])
    }

    private static func templateExists(_ name: String) -> DomainError {
        .alreadyExists("a template named \(name) exists already")
    }
}
