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
        DatabaseMigration("assistance-004-benefits") { db in
            // An approved case's first paid month and next review; the changes since its decision.
            try db.alter(table: "applications") { t in
                t.add(column: "start_month", .text)
                t.add(column: "next_review_due", .text)
                t.add(column: "review_alert_id", .text)
            }
            try db.create(index: "applications_active", on: "applications", columns: ["state", "division", "program", "start_month"])
            // The payee's account as a column, so a payment run reads no household documents.
            try db.alter(table: "households") { t in t.add(column: "bank_account", .text).notNull().defaults(to: "") }
            try db.execute(sql: "UPDATE households SET bank_account = COALESCE(json_extract(record, '$.bankAccount'), '')")
            // A review's or an event's change to a case from a month on: a new snapshot ('adjust')
            // or a stop. The latest one not retracted, effective on or before a month, decides it.
            try db.create(table: "benefit_changes") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("application_id", .text).notNull().references("applications")
                t.column("effective_from", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("snapshot", .text)
                t.column("amount_fen", .integer).notNull()
                t.column("reason", .text).notNull()
                t.column("source", .text).notNull()
                t.column("created_at", .text).notNull()
                t.column("retracted_at", .text)
            }
            try db.create(index: "benefit_changes_by_application", on: "benefit_changes", columns: ["application_id", "effective_from"])
            try db.create(index: "benefit_changes_by_source", on: "benefit_changes", columns: ["source"])
        },
        DatabaseMigration("assistance-005-payments") { db in
            try db.create(table: "payment_runs") { t in
                t.primaryKey("id", .text)
                t.column("division", .text).notNull()
                t.column("month", .text).notNull()
                t.column("program", .text).notNull()
                t.column("created_at", .text).notNull()
                t.column("created_by", .text).notNull()
                t.column("skipped", .text).notNull()
                t.uniqueKey(["division", "month", "program"])
            }
            try db.create(table: "payment_lines") { t in
                t.primaryKey("line_id", .text)
                t.column("run_id", .text).notNull().references("payment_runs")
                t.column("case_id", .text).notNull()
                t.column("household_id", .text).notNull()
                t.column("program", .text).notNull()
                t.column("division", .text).notNull()
                t.column("area", .text).notNull()
                // Persons the line covers (低保: the counted household; a person's program: 1).
                t.column("persons", .integer).notNull()
                t.column("month", .text).notNull()
                t.column("for_month", .text).notNull()
                t.column("payee_name", .text).notNull()
                t.column("bank_account", .text).notNull()
                t.column("amount_fen", .integer).notNull()
                t.column("formula", .text).notNull()
                t.column("standard_version_id", .text).notNull()
                t.column("state", .text).notNull()
                t.column("failure_reason", .text).notNull()
                t.column("reissue_of", .text)
            }
            // A case's month is paid by one line at most (a re-issued line hands it on).
            try db.execute(sql: "CREATE UNIQUE INDEX payment_lines_once ON payment_lines (case_id, for_month) WHERE state <> 'reissued'")
            try db.create(index: "payment_lines_by_run", on: "payment_lines", columns: ["run_id", "state"])
            try db.create(index: "payment_lines_for_report", on: "payment_lines", columns: ["division", "month", "state"])
        },
        DatabaseMigration("assistance-006-reviews") { db in
            try db.create(table: "reviews") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("application_id", .text).notNull().references("applications")
                t.column("household_id", .text).notNull()
                t.column("division", .text).notNull()
                t.column("due_on", .text)
                t.column("reviewed_on", .text).notNull()
                t.column("outcome", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("previous_amount_fen", .integer).notNull()
                t.column("new_amount_fen", .integer).notNull()
                t.column("effective_month", .text).notNull()
                t.column("reviewer", .text).notNull()
                t.column("formula", .text).notNull()
                t.column("next_due", .text)
            }
            try db.create(index: "reviews_by_division", on: "reviews", columns: ["division", "reviewed_on"])
        },
        DatabaseMigration("assistance-007-monitoring") { db in
            // Every event received, by the sending department's own id: the same id twice is one event.
            try db.create(table: "person_events") { t in
                t.column("department", .text).notNull()
                t.column("event_id", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("type", .text).notNull()
                t.column("resident_id", .text).notNull()
                t.column("occurred_on", .text).notNull()
                t.column("amount_fen", .integer).notNull()
                t.column("corrects_event_id", .text)
                t.column("note", .text).notNull()
                t.column("received_at", .text).notNull()
                t.column("alert_id", .text)
                t.primaryKey(["department", "event_id"])
            }
            try db.create(table: "alerts") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("department", .text).notNull()
                t.column("event_id", .text).notNull()
                t.column("type", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("severity", .text).notNull()
                t.column("suggestion", .text).notNull()
                t.column("reason", .text).notNull()
                t.column("household_id", .text).notNull()
                t.column("division", .text).notNull()
                t.column("resident_id", .text).notNull()
                t.column("occurred_on", .text).notNull()
                t.column("amount_fen", .integer).notNull()
                t.column("raised_on", .text).notNull()
                t.column("check_due", .text).notNull()
                t.column("status", .text).notNull()
                t.column("handled_on", .text)
                t.column("handled_by", .text)
                t.column("outcome", .text).notNull()
                t.column("effects", .text).notNull()
                // Reviews this alert brought forward: {application id: the due day before}.
                t.column("moved_reviews", .text).notNull()
                t.column("retracted_on", .text)
            }
            try db.create(index: "alerts_by_division", on: "alerts", columns: ["division", "status", "check_due"])
            try db.create(index: "alerts_by_event", on: "alerts", columns: ["department", "event_id"])
        },
        DatabaseMigration("assistance-008-report-indexes") { db in
            // The report reads only indexes: the paid lines by month with every figure it sums,
            // the reviews due, the applications decided and the alerts raised in a period.
            try db.drop(index: "payment_lines_for_report")
            try db.create(
                index: "payment_lines_report", on: "payment_lines",
                columns: ["division", "month", "state", "program", "area", "household_id", "persons", "amount_fen"])
            try db.create(index: "applications_review_due", on: "applications", columns: ["division", "state", "next_review_due"])
            try db.create(index: "applications_decided", on: "applications", columns: ["division", "decided_on"])
            try db.create(index: "reviews_due", on: "reviews", columns: ["division", "due_on"])
            try db.create(index: "alerts_raised", on: "alerts", columns: ["division", "raised_on"])
            // What a line was computed from (snapshot version, options): the next month's run
            // carries an unchanged case forward instead of decoding its snapshot again.
            try db.alter(table: "payment_lines") { t in t.add(column: "basis", .text).notNull().defaults(to: "") }
            // A payment run's "already paid" set, from the index alone.
            try db.create(index: "payment_lines_paid", on: "payment_lines", columns: ["division", "program", "for_month", "state", "case_id"])
        },
        DatabaseMigration("assistance-009-payees-index") { db in
            // A payment run's payees (head and account per household) from the index alone, not
            // from every household's document.
            try db.create(index: "households_payees", on: "households", columns: ["division", "id", "head_name", "bank_account"])
        },
        DatabaseMigration("assistance-010-review-advances") { db in
            // A case's next review is its scheduled one (set by the decision or the last review)
            // or, earlier, the check day of an alert in force that brought it forward: each alert's
            // advance is kept, so retracting one leaves the others standing.
            try db.alter(table: "applications") { t in t.add(column: "review_scheduled_due", .text) }
            try db.execute(
                sql: """
                    UPDATE applications SET review_scheduled_due = COALESCE(
                      (SELECT json_extract(a.moved_reviews, '$."' || applications.id || '"') FROM alerts a WHERE a.id = applications.review_alert_id),
                      next_review_due)
                    """)
            try db.execute(sql: "UPDATE applications SET review_scheduled_due = NULL WHERE review_scheduled_due = ''")
            try db.create(table: "review_advances") { t in
                t.column("application_id", .text).notNull()
                t.column("alert_id", .text).notNull()
                t.column("due", .text).notNull()
                t.primaryKey(["application_id", "alert_id"])
            }
            try db.create(index: "review_advances_by_alert", on: "review_advances", columns: ["alert_id"])
            // Advances in force: the alert now holding each review (the earlier ones were not kept).
            try db.execute(
                sql: """
                    INSERT INTO review_advances (application_id, alert_id, due)
                    SELECT id, review_alert_id, next_review_due FROM applications
                    WHERE review_alert_id IS NOT NULL AND next_review_due IS NOT NULL AND next_review_due < COALESCE(review_scheduled_due, '9999')
                    """)
            // Alerts keep only the reviews a death stopped (to restore them on retraction).
            try db.execute(sql: "UPDATE alerts SET moved_reviews = '{}' WHERE suggestion = 'review'")
        },
        DatabaseMigration("assistance-011-review-fraud") { db in
            // Benefit obtained by fraud found in a review (BenefitFraud as JSON), referred to enforcement.
            try db.alter(table: "reviews") { t in t.add(column: "fraud", .text) }
        },
    ]
}
