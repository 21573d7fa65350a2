import CivicStorage
import GRDB

/// The proposals database, migration by migration. Append only.
public enum ProposalsSchema {
    public static let migrations: [DatabaseMigration] = [
        DatabaseMigration("proposals-001-items") { db in
            try db.create(table: "items") { t in
                t.primaryKey("id", .text)
                t.column("kind", .text).notNull()
                t.column("year", .integer).notNull()
                t.column("session", .text).notNull().defaults(to: "")
                t.column("number", .text).notNull()
                t.column("title", .text).notNull()
                t.column("body", .text).notNull().defaults(to: "")
                t.column("topic", .text).notNull()
                t.column("key_supervised", .boolean).notNull().defaults(to: false)
                t.column("state", .text).notNull()
                t.column("registered_at", .text).notNull()
                t.column("registered_by", .text).notNull()
                // An item's number is unique within its year and kind (第21-168号 may exist
                // once as a suggestion and once as a proposal).
                t.uniqueKey(["year", "kind", "number"])
            }
            try db.create(index: "items_year_kind_topic", on: "items", columns: ["year", "kind", "topic"])
            try db.create(table: "item_proposers") { t in
                t.column("item_id", .text).notNull().references("items", onDelete: .cascade)
                t.column("position", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("lead", .boolean).notNull()
                t.column("delegation", .text).notNull().defaults(to: "")
                t.column("contact", .text).notNull().defaults(to: "")
                t.primaryKey(["item_id", "position"])
            }
            try db.create(index: "item_proposers_name", on: "item_proposers", columns: ["name"])
        },
        DatabaseMigration("proposals-002-proposer-member-id") { db in
            try db.alter(table: "item_proposers") { t in
                t.add(column: "member_id", .text).notNull().defaults(to: "")
            }
            try db.create(index: "item_proposers_member", on: "item_proposers", columns: ["member_id"])
        },
    ]
}
