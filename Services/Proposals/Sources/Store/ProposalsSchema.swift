import CivicDomain
import CivicStorage
import GRDB
import ProposalsDomain

/// The proposals database, migration by migration. Append only.
public enum ProposalsSchema {
    /// Items whose answer is owed: open, or a 主办 item reported upward and not yet replied.
    /// The partial index of migration 012 and the query that uses it share this text, as
    /// SQLite uses a partial index only for a query that repeats its condition.
    public static let awaitingAnswer =
        "(state IN ('assigned', 'handling', 'drafted', 'section_signed', 'signed_off', 'reopened') OR (state = 'reported' AND role IN ('lead_sole', 'lead_split')))"

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
        DatabaseMigration("proposals-003-handling") { db in
            try db.alter(table: "items") { t in
                t.add(column: "role", .text)
                t.add(column: "complex", .boolean).notNull().defaults(to: false)
                t.add(column: "assigned_on", .text)
                t.add(column: "answer_due", .text)
                t.add(column: "return_window_ends", .text)
                t.add(column: "urge_count", .integer).notNull().defaults(to: 0)
                t.add(column: "met_face_to_face", .boolean).notNull().defaults(to: false)
                t.add(column: "draft_text", .text).notNull().defaults(to: "")
                t.add(column: "result", .text)
                t.add(column: "adoption", .text)
                t.add(column: "reply_text", .text).notNull().defaults(to: "")
                t.add(column: "replied_on", .text)
                t.add(column: "answered_on_time", .boolean).notNull().defaults(to: false)
                t.add(column: "publication_due", .text)
                t.add(column: "published_on", .text)
                t.add(column: "satisfaction", .text)
            }
            try db.create(table: "item_units") { t in
                t.column("item_id", .text).notNull().references("items", onDelete: .cascade)
                t.column("unit", .text).notNull()
                t.column("role", .text).notNull()
                t.primaryKey(["item_id", "unit"])
            }
            try db.create(table: "item_contacts") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("item_id", .text).notNull().references("items", onDelete: .cascade).indexed()
                t.column("stage", .text).notNull()
                t.column("face_to_face", .boolean).notNull()
                t.column("summary", .text).notNull()
                t.column("on_date", .text).notNull()
                t.column("recorded_by", .text).notNull()
            }
            try db.create(table: "item_progress") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("item_id", .text).notNull().references("items", onDelete: .cascade).indexed()
                t.column("progress", .text).notNull()
                t.column("on_date", .text).notNull()
                t.column("recorded_by", .text).notNull()
            }
            try db.create(table: "item_feedback") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("item_id", .text).notNull().references("items", onDelete: .cascade).indexed()
                t.column("rating", .text).notNull()
                t.column("comment", .text).notNull()
                t.column("on_date", .text).notNull()
                t.column("given_by", .text).notNull()
            }
            // The annual report groups a year's items by these columns; the index covers them
            // so the report reads the index alone.
            try db.create(
                index: "items_report", on: "items",
                columns: [
                    "year", "kind", "role", "topic", "key_supervised", "state", "answered_on_time", "met_face_to_face",
                    "result", "adoption", "satisfaction",
                ])
            try db.create(index: "items_open_due", on: "items", columns: ["state", "answer_due"])
        },
        DatabaseMigration("proposals-004-report-counts") { db in
            // The annual report reads counts kept by triggers in the same transaction as every
            // change to an item, so it costs the same for 28 items or a million. The grouping
            // index of migration 003 is no longer needed.
            try db.execute(sql: "DROP INDEX items_report")
            try ReportCountsSchema.install(db, ReportCountsSchema.original)
        },
        DatabaseMigration("proposals-005-urging-runs") { db in
            try db.create(table: "urging_runs") { t in
                t.primaryKey("day", .text)
                t.column("urged", .integer).notNull()
            }
        },
        DatabaseMigration("proposals-006-reply-templates") { db in
            try db.create(table: "reply_templates") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique()
                t.column("text", .text).notNull()
                t.column("created_by", .text).notNull()
                t.column("created_at", .text).notNull()
            }
        },
        DatabaseMigration("proposals-007-key-groups") { db in
            try db.create(table: "key_groups") { t in
                t.primaryKey("id", .text)
                t.column("year", .integer).notNull().indexed()
                t.column("name", .text).notNull()
                t.column("created_by", .text).notNull()
                t.column("created_at", .text).notNull()
            }
            try db.alter(table: "items") { t in t.add(column: "key_group_id", .text).references("key_groups") }
            try db.create(index: "items_key_group", on: "items", columns: ["key_group_id"])
        },
        DatabaseMigration("proposals-008-unit-opinions") { db in
            try db.alter(table: "item_units") { t in
                t.add(column: "opinion_due", .text)
                t.add(column: "opinion", .text).notNull().defaults(to: "")
                t.add(column: "opinion_on", .text)
            }
        },
        DatabaseMigration("proposals-009-publication-and-urging") { db in
            // What was published: until now the signed reply as it stood, which the public
            // list showed unmasked. From now on it shows these masked copies.
            try db.alter(table: "items") { t in t.add(column: "published_text", .text).notNull().defaults(to: "") }
            for row in try Row.fetchAll(db, sql: "SELECT id, reply_text FROM items WHERE published_on IS NOT NULL") {
                let id: String = row["id"]
                let contacts = try String.fetchAll(db, sql: "SELECT contact FROM item_proposers WHERE item_id = ?", arguments: [id])
                let text = PublicationRedaction(contacts: contacts).redact(row["reply_text"]).text
                try db.execute(sql: "UPDATE items SET published_text = ? WHERE id = ?", arguments: [text, id])
            }
            // The urging run reads publications and units' opinions due by a day.
            try db.create(index: "items_publication_due", on: "items", columns: ["state", "publication_due"])
            try db.execute(sql: "CREATE INDEX item_units_opinion_due ON item_units (opinion_due) WHERE opinion_on IS NULL")
        },
        DatabaseMigration("proposals-010-unit-index") { db in
            // ListItems by unit (and unit staff's due lists) look items up by unit name.
            try db.create(index: "item_units_unit", on: "item_units", columns: ["unit"])
        },
        DatabaseMigration("proposals-011-urgings") { db in
            // One row per deadline urged by an urging run on a day: a second run that day
            // (by hand, or again after a failed run) does not urge it twice. Runs before this
            // migration are in the audit trail only.
            try db.execute(
                sql: """
                    CREATE TABLE item_urgings (
                      item_id TEXT NOT NULL REFERENCES items(id) ON DELETE CASCADE,
                      deadline TEXT NOT NULL, unit TEXT NOT NULL, day TEXT NOT NULL, urgency TEXT NOT NULL,
                      PRIMARY KEY (item_id, deadline, unit, day)
                    ) WITHOUT ROWID
                    """)
        },
        DatabaseMigration("proposals-012-report-publication-and-overdue") { db in
            // The report counts publications (公开) and whether each came within its limit:
            // the counts gain that dimension and are counted afresh from the items.
            try ReportCountsSchema.rebuild(db, ReportCountsSchema.withPublication)
            // … and the items still owing their answer, by year and due date, so counting the
            // overdue ones reads only those (ProposalStore.overdueUnanswered); with state and
            // role in it the count never touches the table.
            try db.execute(sql: "CREATE INDEX items_awaiting_answer ON items (year, answer_due, state, role) WHERE \(ProposalsSchema.awaitingAnswer)")
        },
        DatabaseMigration("proposals-013-daily-urging-in-job-runs") { db in
            // The daily urging is a DailyJob now, recorded in the shared job_runs table: the
            // days already run carry over, so the upgrade day is not urged twice.
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO job_runs (job, day, outcome, finished_at)
                    SELECT 'daily-urging', day, 'urged ' || urged, '' FROM urging_runs
                    """)
            try db.drop(table: "urging_runs")
        },
    ]
}
