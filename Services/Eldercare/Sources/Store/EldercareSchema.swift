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
        },
        DatabaseMigration("eldercare-002-facilities-residents") { db in
            // Community facilities; the divisions each covers, one row each, so coverage and
            // "facilities covering X" read an index.
            try db.create(table: "facilities") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("county", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("name", .text).notNull()
                t.column("closed_on", .text)
                t.column("record", .text).notNull()
            }
            try db.create(index: "facilities_by_county", on: "facilities", columns: ["county", "kind", "seq"])
            try db.create(table: "facility_covers") { t in
                t.column("facility_id", .text).notNull().references("facilities")
                t.column("division", .text).notNull()
                t.primaryKey(["facility_id", "division"])
            }
            try db.create(index: "facility_covers_by_division", on: "facility_covers", columns: ["division", "facility_id"])
            // 日服务人次, one row per facility and day.
            try db.create(table: "facility_usage") { t in
                t.column("facility_id", .text).notNull().references("facilities")
                t.column("day", .text).notNull()
                t.column("visits", .integer).notNull()
                t.primaryKey(["facility_id", "day"])
            }
            // Residents: the record (without the ID number) as JSON; the ID number in its own
            // column, never in the record, the audit trail or a list answer.
            try db.create(table: "residents") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("institution_id", .text).notNull().references("institutions")
                t.column("person_ref", .text).notNull()
                t.column("resident_id", .text)
                t.column("admitted_on", .text).notNull()
                t.column("left_on", .text)
                t.column("record", .text).notNull()
            }
            try db.create(index: "residents_by_institution", on: "residents", columns: ["institution_id", "admitted_on"])
            try db.execute(sql: "CREATE UNIQUE INDEX residents_living_once ON residents (person_ref) WHERE left_on IS NULL")
        },
        DatabaseMigration("eldercare-003-inspections") { db in
            try db.create(table: "inspectors") { t in
                t.primaryKey("id", .text)
                t.column("record", .text).notNull()
            }
            // Checklist versions as loaded (the file's JSON), never changed.
            try db.create(table: "checklists") { t in
                t.primaryKey("version", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("document", .text).notNull()
                t.column("loaded_at", .text).notNull()
            }
            // A task's draw, frozen when made: seed, pool with classes, targets, inspectors.
            try db.create(table: "inspection_tasks") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("county", .text).notNull()
                t.column("record", .text).notNull()
                t.column("created_at", .text).notNull()
            }
            try db.create(table: "inspections") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("task_id", .text).notNull().references("inspection_tasks")
                t.column("institution_id", .text).notNull().references("institutions")
                t.column("county", .text).notNull()
                t.column("state", .text).notNull()
                t.column("record", .text).notNull()
            }
            try db.create(index: "inspections_by_county", on: "inspections", columns: ["county", "state", "seq"])
            try db.create(index: "inspections_by_task", on: "inspections", columns: ["task_id", "seq"])
            try db.create(table: "inspection_inspectors") { t in
                t.column("inspection_id", .text).notNull().references("inspections")
                t.column("inspector_id", .text).notNull()
                t.primaryKey(["inspector_id", "inspection_id"])
            }
            // Findings live on after their inspection: their own rows, their clock in columns.
            try db.create(table: "findings") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("inspection_id", .text).notNull().references("inspections")
                t.column("institution_id", .text).notNull().references("institutions")
                t.column("county", .text).notNull()
                t.column("state", .text).notNull()
                t.column("level", .text).notNull()
                t.column("deadline", .text).notNull()
                t.column("referral", .boolean).notNull()
                t.column("record", .text).notNull()
            }
            try db.create(index: "findings_by_county", on: "findings", columns: ["county", "state", "deadline"])
            try db.create(index: "findings_by_institution", on: "findings", columns: ["institution_id", "state"])
        },
        DatabaseMigration("eldercare-004-public-register") { db in
            // The figures the division report sums, as columns: a report over 50,000 institutions
            // reads an index, not 50,000 documents.
            try db.alter(table: "institutions") { t in
                t.add(column: "beds", .integer).notNull().defaults(to: 0)
                t.add(column: "nursing_beds", .integer).notNull().defaults(to: 0)
                t.add(column: "residents", .integer).notNull().defaults(to: 0)
                t.add(column: "grade", .integer)
                t.add(column: "grade_valid_until", .text)
                t.add(column: "filed_on", .text)
                t.add(column: "medical_signed_on", .text)
                t.add(column: "medical_expires_on", .text)
            }
            try db.execute(
                sql: """
                    UPDATE institutions SET beds = json_extract(record, '$.beds'), nursing_beds = json_extract(record, '$.nursingBeds'),
                      residents = json_extract(record, '$.residents'), grade = json_extract(record, '$.grade'),
                      grade_valid_until = json_extract(record, '$.gradeValidUntil'), filed_on = json_extract(record, '$.filedOn'),
                      medical_signed_on = json_extract(record, '$.medicalCare.signedOn'), medical_expires_on = json_extract(record, '$.medicalCare.expiresOn')
                    """)
            try db.create(
                index: "institutions_report", on: "institutions",
                columns: [
                    "county", "status", "ownership", "beds", "nursing_beds", "residents", "grade", "grade_valid_until", "filed_on", "medical_signed_on",
                    "medical_expires_on",
                ])
            // The public register: one entry per institution, no personal data; every change to an
            // entry appends to the feed, whose sequence is the sync cursor.
            try db.create(table: "public_register") { t in
                t.primaryKey("institution_id", .text)
                t.column("county", .text).notNull()
                t.column("seq", .integer).notNull()
                t.column("entry", .text).notNull()
            }
            try db.create(index: "public_register_by_county", on: "public_register", columns: ["county", "seq"])
            try db.create(table: "register_changes") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("institution_id", .text).notNull()
                t.column("county", .text).notNull()
                t.column("entry", .text).notNull()
                t.column("changed_at", .text).notNull()
            }
            try db.create(index: "register_changes_by_county", on: "register_changes", columns: ["county", "seq"])
        },
        DatabaseMigration("eldercare-005-grading") { db in
            try db.create(table: "grade_applications") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("institution_id", .text).notNull().references("institutions")
                t.column("county", .text).notNull()
                t.column("state", .text).notNull()
                t.column("record", .text).notNull()
            }
            try db.create(index: "grade_applications_by_institution", on: "grade_applications", columns: ["institution_id", "seq"])
            try db.create(index: "grade_applications_by_county", on: "grade_applications", columns: ["county", "state", "seq"])
            // Penalties and dishonesty listings against an institution (grading eligibility).
            try db.create(table: "sanctions") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("institution_id", .text).notNull().references("institutions")
                t.column("kind", .text).notNull()
                t.column("on_day", .text).notNull()
                t.column("reference", .text).notNull()
            }
            try db.create(index: "sanctions_by_institution", on: "sanctions", columns: ["institution_id", "seq"])
        },
        DatabaseMigration("eldercare-006-finding-responses") { db in
            // An operator's rectification reports on its findings (整改报告), kept in order.
            try db.create(table: "finding_responses") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("finding_id", .text).notNull().references("findings")
                t.column("on_day", .text).notNull()
                t.column("text", .text).notNull()
                t.column("by", .text).notNull()
            }
            try db.create(index: "finding_responses_by_finding", on: "finding_responses", columns: ["finding_id", "seq"])
        },
        DatabaseMigration("eldercare-007-risk-columns") { db in
            // A draw classifies 50,000 institutions from columns, not documents.
            try db.alter(table: "institutions") { t in t.add(column: "fire_safety", .text).notNull().defaults(to: "not_assessed") }
            try db.execute(sql: "UPDATE institutions SET fire_safety = COALESCE(json_extract(record, '$.fireSafety'), 'not_assessed')")
            try db.create(index: "findings_open", on: "findings", columns: ["state", "institution_id", "level"])
        },
        DatabaseMigration("eldercare-008-supervision-columns") { db in
            // The report's supervision figures from columns: when an inspection was planned, when a finding was found.
            try db.alter(table: "inspections") { t in t.add(column: "planned_on", .text).notNull().defaults(to: "") }
            try db.execute(sql: "UPDATE inspections SET planned_on = COALESCE(json_extract(record, '$.plannedOn'), '')")
            try db.create(index: "inspections_planned", on: "inspections", columns: ["county", "planned_on", "state"])
            try db.alter(table: "findings") { t in t.add(column: "found_on", .text).notNull().defaults(to: "") }
            try db.execute(sql: "UPDATE findings SET found_on = COALESCE(json_extract(record, '$.foundOn'), '')")
            try db.create(index: "findings_found", on: "findings", columns: ["county", "found_on"])
            // A draw's pool with what its classes come from, from the index alone.
            try db.create(
                index: "institutions_risk", on: "institutions",
                columns: ["county", "seq", "id", "status", "fire_safety", "grade", "grade_valid_until", "filed_on", "ownership", "beds"])
        },
        DatabaseMigration("eldercare-009-planned-inspections") { db in
            // A planned inspection is stored as columns (record ''), its record written at its first
            // step; a task is stored as its published message (protobuf): a draw of 5,000 targets
            // encodes no JSON.
            try db.alter(table: "inspections") { t in
                t.add(column: "checklist_version", .text).notNull().defaults(to: "")
                t.add(column: "inspector_ids", .text).notNull().defaults(to: "[]")
            }
            // A draw's inspectors belong to its task (every inspection of a task has the same ones).
            try db.create(table: "task_inspectors") { t in
                t.column("task_id", .text).notNull().references("inspection_tasks")
                t.column("inspector_id", .text).notNull()
                t.primaryKey(["inspector_id", "task_id"])
            }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO task_inspectors (task_id, inspector_id)
                    SELECT i.task_id, x.inspector_id FROM inspection_inspectors x JOIN inspections i ON i.id = x.inspection_id
                    """)
            try db.drop(table: "inspection_inspectors")
            // A draw's pool in id order (the draw's order) from the index alone.
            try db.drop(index: "institutions_risk")
            try db.create(
                index: "institutions_pool", on: "institutions", columns: ["county", "id", "status", "fire_safety", "grade", "grade_valid_until", "filed_on"])
        },
        DatabaseMigration("eldercare-010-placements") { db in
            // 特困 people assistance asked to place (FLOWS.md §4.7), until an institution admits them.
            try db.create(table: "placement_requests") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("case_id", .text).notNull()
                t.column("institution_id", .text).notNull()
                t.column("county", .text).notNull()
                t.column("person_id", .text).notNull()
                t.column("person_name", .text).notNull()
                t.column("self_care", .text).notNull()
                t.column("requested_on", .text).notNull()
                t.column("state", .text).notNull()
                t.column("resident_id", .text)
                t.column("admitted_on", .text)
            }
            try db.create(index: "placement_requests_by_county", on: "placement_requests", columns: ["county", "state", "seq"])
            try db.create(index: "placement_requests_by_case", on: "placement_requests", columns: ["case_id", "institution_id", "state"])
        },
    ]
}
