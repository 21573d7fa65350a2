import CivicStorage
import GRDB

/// The assistance database's own migrations, after the shared ones (audit log, outbox, inbox,
/// job runs). Append-only: a released migration is never edited; a change is a new one,
/// named "assistance-NNN-what".
///
/// Households and applications are stored as JSON documents (the domain values, Codable) beside
/// the columns the lists filter on; `household_members` holds one row per person and its primary
/// key is what makes "one person in one household" hold even under concurrent writers.
public enum AssistanceSchema {
    public static let migrations: [DatabaseMigration] = [
        DatabaseMigration("assistance-001-standards") { db in
            try db.create(table: "standard_versions") { t in
                t.primaryKey("id", .text)
                t.column("division", .text).notNull()
                t.column("area", .text).notNull()
                t.column("effective", .text).notNull()
                t.column("label", .text).notNull()
                // The version's figures as the domain value (StandardRecord).
                t.column("record", .text).notNull()
                t.column("created_at", .text).notNull()
                t.uniqueKey(["division", "area", "effective"])
            }
        },
        DatabaseMigration("assistance-002-registry") { db in
            try db.create(table: "households") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("division", .text).notNull()
                t.column("area", .text).notNull()
                t.column("head_name", .text).notNull()
                t.column("member_count", .integer).notNull()
                t.column("case_worker", .text).notNull()
                t.column("search_text", .text).notNull()
                t.column("record", .text).notNull()
                t.column("created_at", .text).notNull()
                t.column("updated_at", .text).notNull()
            }
            try db.create(index: "households_by_division", on: "households", columns: ["division", "area", "seq"])
            try db.create(table: "household_members") { t in
                t.primaryKey("resident_id", .text)
                t.column("household_id", .text).notNull().references("households", onDelete: .cascade)
                t.column("name", .text).notNull()
            }
            try db.create(index: "household_members_by_household", on: "household_members", columns: ["household_id"])
        },
        DatabaseMigration("assistance-003-applications") { db in
            try db.create(table: "applications") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("household_id", .text).notNull().references("households")
                t.column("division", .text).notNull()
                t.column("program", .text).notNull()
                t.column("state", .text).notNull()
                t.column("applied_on", .text).notNull()
                t.column("accepted_on", .text)
                t.column("decided_on", .text)
                t.column("record", .text).notNull()
                // The household as decided (DecisionSnapshot): what every paid month is computed from.
                t.column("snapshot", .text)
                t.column("updated_at", .text).notNull()
            }
            try db.create(index: "applications_by_division", on: "applications", columns: ["division", "state", "seq"])
            try db.create(index: "applications_by_household", on: "applications", columns: ["household_id"])
            // The 公示 as rendered: the only table the public reads, so nothing else can leak.
            try db.create(table: "public_notices") { t in
                t.primaryKey("application_id", .text).references("applications")
                t.column("division", .text).notNull()
                t.column("program", .text).notNull()
                t.column("name", .text).notNull()
                t.column("household_size", .integer).notNull()
                t.column("amount_fen", .integer).notNull()
                t.column("starts_on", .text).notNull()
                t.column("ends_on", .text).notNull()
                t.column("text", .text).notNull()
            }
            try db.create(index: "public_notices_by_division", on: "public_notices", columns: ["division", "starts_on"])
        },
    ]
}
