import CivicStorage

/// The enforcement database's own migrations, after the shared ones (audit log, outbox, inbox,
/// job runs). Append-only: a released migration is never edited; a change is a new one,
/// named "enforcement-NNN-what".
public enum EnforcementSchema {
    public static let migrations: [DatabaseMigration] = [
        DatabaseMigration("enforcement-001-officers-leads-cases") { db in
            // Officers (执法人员) by division; a certificate number is registered once.
            try db.create(table: "officers") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("division", .text).notNull()
                t.column("certificate_number", .text).notNull().unique()
                t.column("record", .text).notNull()
            }
            try db.create(index: "officers_by_division", on: "officers", columns: ["division", "seq"])
            // Leads; a referral's (referred_by, reference) is unique, so a repeat is answered, not duplicated.
            try db.create(table: "leads") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("division", .text).notNull()
                t.column("state", .text).notNull()
                t.column("source", .text).notNull()
                t.column("referred_by", .text).notNull()
                t.column("reference", .text).notNull()
                t.column("due_date", .text).notNull()
                t.column("record", .text).notNull()
            }
            try db.create(index: "leads_by_division", on: "leads", columns: ["division", "seq"])
            try db.execute(sql: "CREATE UNIQUE INDEX leads_by_reference ON leads (referred_by, reference) WHERE reference <> ''")
            // Cases, with the columns lists and the clock sweep filter on: `next_due` is the earliest
            // open clock's due date when last saved (a lower bound: clocks only move later unsaved).
            try db.create(table: "cases") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("division", .text).notNull()
                t.column("state", .text).notNull()
                t.column("outcome", .text)
                t.column("lead_id", .text).notNull()
                t.column("joint_operation_id", .text).notNull()
                t.column("next_due", .text)
                t.column("record", .text).notNull()
            }
            try db.create(index: "cases_by_division", on: "cases", columns: ["division", "seq"])
            try db.execute(sql: "CREATE INDEX cases_by_next_due ON cases (next_due) WHERE next_due IS NOT NULL")
            // The officers on each case in each role (investigator, reviewer, host…), for an officer's own reach.
            try db.create(table: "case_officers") { t in
                t.column("officer_id", .text).notNull()
                t.column("case_id", .text).notNull()
                t.column("role", .text).notNull()
                t.primaryKey(["officer_id", "case_id", "role"])
            }
            try db.create(table: "case_violations") { t in
                t.column("code", .text).notNull()
                t.column("case_id", .text).notNull()
                t.primaryKey(["code", "case_id"])
            }
            // Published decisions (§48), public: only what the law requires.
            try db.create(table: "publications") { t in
                t.primaryKey("case_id", .text)
                t.column("seq", .integer).notNull()
                t.column("division", .text).notNull()
                t.column("credit_code", .text).notNull()
                t.column("record", .text).notNull()
            }
            try db.create(index: "publications_by_division", on: "publications", columns: ["division", "seq"])
        },
        DatabaseMigration("enforcement-002-joint-operations") { db in
            // Joint operations (联合执法 / 专项行动); cases link by `cases.joint_operation_id`.
            try db.create(table: "joint_operations") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("division", .text).notNull()
                t.column("record", .text).notNull()
            }
            try db.create(index: "joint_operations_by_division", on: "joint_operations", columns: ["division", "seq"])
            try db.create(index: "cases_by_joint_operation", on: "cases", columns: ["joint_operation_id"])
        },
        DatabaseMigration("enforcement-003-case-clocks") { db in
            // The daily sweep reads these, not the case records: every open clock of every case as
            // last saved (the rule written out) with what the sweep lists beside it, so counting and
            // listing use one index. A case whose clocks move daily (`cases.clocks_move`) is read
            // and recomputed at each sweep instead. Filled at the next start
            // (EnforcementStore.refreshClocks), which also refills them when the calendar changes.
            try db.alter(table: "cases") { t in
                t.add(column: "clocks_move", .boolean).notNull().defaults(to: false)
            }
            // enforcement-001's `next_due` (a lower bound the first sweep narrowed by) is read no more.
            try db.execute(sql: "DROP INDEX cases_by_next_due")
            try db.alter(table: "cases") { t in t.drop(column: "next_due") }
            try db.execute(sql: "CREATE INDEX cases_with_moving_clocks ON cases (division) WHERE clocks_move")
            try db.create(table: "case_clocks") { t in
                t.column("case_id", .text).notNull()
                t.column("ordinal", .integer).notNull()
                t.column("division", .text).notNull()
                t.column("moves", .boolean).notNull()
                t.column("state", .text).notNull()
                t.column("subject_kind", .text).notNull()
                t.column("subject_id", .text).notNull()
                t.column("subject_name", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("due_date", .text).notNull()
                t.column("legal_date", .text).notNull()
                t.column("rule", .text).notNull()
                t.column("provisional", .boolean).notNull()
                t.primaryKey(["case_id", "ordinal"])
            }
            // Covering the counts: by division (a county's or a city's sweep) and for the whole bureau.
            try db.execute(sql: "CREATE INDEX case_clocks_by_division_due ON case_clocks (division, due_date, kind, moves)")
            try db.execute(sql: "CREATE INDEX case_clocks_by_due ON case_clocks (due_date, kind, moves)")
            // Settings the stored data was derived with: `clocks_calendar`, the working calendar's fingerprint.
            try db.create(table: "enforcement_derivations") { t in
                t.primaryKey("name", .text)
                t.column("value", .text).notNull()
            }
        },
    ]
}
