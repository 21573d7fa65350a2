import CivicStorage

/// The eldercare database's own migrations, after the shared ones (audit log, outbox, inbox,
/// job runs). Append-only: a released migration is never edited; a change is a new one,
/// named "eldercare-NNN-what".
public enum EldercareSchema {
    public static let migrations: [DatabaseMigration] = [
        DatabaseMigration("eldercare-001-register") { db in
            // The divisions table (区划): the denominators of the coverage figures, loaded whole per county.
            try db.create(table: "divisions") { t in
                t.primaryKey("code", .text)
                t.column("name", .text).notNull()
                t.column("level", .text).notNull()
                t.column("county", .text).notNull()
                t.column("parent", .text)
                t.column("position", .integer).notNull()
            }
            try db.create(index: "divisions_by_county", on: "divisions", columns: ["county", "level", "position"])
            // Institutions: the record as JSON beside the columns lists filter on; one per credit code.
            try db.create(table: "institutions") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("credit_code", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("county", .text).notNull()
                t.column("street", .text)
                t.column("community", .text)
                t.column("status", .text).notNull()
                t.column("ownership", .text).notNull()
                t.column("record", .text).notNull()
                t.column("updated_at", .text).notNull()
            }
            try db.create(index: "institutions_by_county", on: "institutions", columns: ["county", "status", "seq"])
            try db.create(index: "institutions_by_street", on: "institutions", columns: ["street", "seq"])
            try db.create(index: "institutions_by_community", on: "institutions", columns: ["community", "seq"])
        }
    ]
}
