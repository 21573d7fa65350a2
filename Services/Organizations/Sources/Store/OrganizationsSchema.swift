import CivicStorage
import GRDB

/// The organizations database's own migrations, after the shared ones (audit log, outbox, inbox,
/// job runs). Append-only: a released migration is never edited; a change is a new one,
/// named "organizations-NNN-what".
public enum OrganizationsSchema {
    public static let migrations: [DatabaseMigration] = [
        DatabaseMigration("organizations-001-register") { db in
            // The register: each body's domain value as JSON beside the columns lists, the report
            // and the legitimacy check read. The legal representative's ID number has its own
            // column, never in the record.
            try db.create(table: "organizations") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("credit_code", .text).notNull().unique()
                t.column("name", .text).notNull()
                t.column("type", .text).notNull()
                t.column("status", .text).notNull()
                t.column("registrar_division", .text).notNull()
                t.column("division", .text).notNull()
                t.column("sponsor", .text).notNull()
                t.column("trade_association", .boolean).notNull()
                t.column("party_organization", .boolean).notNull()
                t.column("registered_on", .text)
                t.column("legal_representative_id", .text)
                t.column("record", .text).notNull()
                t.column("updated_at", .text).notNull()
            }
            try db.create(index: "organizations_by_registrar", on: "organizations", columns: ["registrar_division", "seq"])
            try db.create(index: "organizations_by_sponsor", on: "organizations", columns: ["sponsor", "seq"])
            try db.create(index: "organizations_by_name", on: "organizations", columns: ["name"])
            try db.create(index: "organizations_by_representative", on: "organizations", columns: ["legal_representative_id", "type", "status"])
            // 变更登记 and 注销登记 records.
            try db.create(table: "change_records") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("organization_id", .text).notNull().references("organizations")
                t.column("kind", .text).notNull()
                t.column("filed_on", .text).notNull()
                t.column("record", .text).notNull()
            }
            try db.create(index: "change_records_by_organization", on: "change_records", columns: ["organization_id", "seq"])
            // Registration applications with their clocks in columns.
            try db.create(table: "applications") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("registrar_division", .text).notNull()
                t.column("state", .text).notNull()
                t.column("name", .text).notNull()
                // The clocks "overdue" lists read: NULL when not running.
                t.column("pre_review_due", .text)
                t.column("promise_due", .text)
                t.column("decision_due", .text)
                t.column("record", .text).notNull()
            }
            try db.create(index: "applications_by_registrar", on: "applications", columns: ["registrar_division", "state", "seq"])
            // The last serial number issued per credit-code prefix ("51410502MJ").
            try db.create(table: "credit_code_serials") { t in
                t.primaryKey("prefix", .text)
                t.column("last", .integer).notNull()
            }
            // 社区社会组织备案.
            try db.create(table: "community_organizations") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("county", .text).notNull()
                t.column("community", .text).notNull()
                t.column("category", .text).notNull()
                t.column("name", .text).notNull()
                t.column("cancelled_on", .text)
                t.column("record", .text).notNull()
            }
            try db.create(index: "community_organizations_by_county", on: "community_organizations", columns: ["county", "community", "seq"])
            try db.create(index: "community_organizations_by_name", on: "community_organizations", columns: ["name"])
        },
        DatabaseMigration("organizations-002-annual-inspections") { db in
            // 年检: one record per body and year (the report on the year, filed the next).
            try db.create(table: "annual_inspections") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("organization_id", .text).notNull().references("organizations")
                t.column("year", .integer).notNull()
                t.column("record", .text).notNull()
                t.uniqueKey(["organization_id", "year"])
            }
            try db.create(index: "annual_inspections_by_year", on: "annual_inspections", columns: ["year", "organization_id"])
        },
        DatabaseMigration("organizations-003-credit-histories") { db in
            // 令60号: each body's credit history (grounds, fixes, removals, penalties, letters) as its
            // dated events; where it stands on a day is replayed from them.
            try db.create(table: "credit_histories") { t in
                t.primaryKey("organization_id", .text).references("organizations")
                t.column("record", .text).notNull()
                t.column("updated_at", .text).notNull()
            }
        },
        DatabaseMigration("organizations-004-check-columns") { db in
            // The public check answers from columns, not records: the registrar level joins them.
            try db.alter(table: "organizations") { t in t.add(column: "registrar_level", .text).notNull().defaults(to: "") }
            try db.execute(sql: "UPDATE organizations SET registrar_level = COALESCE(json_extract(record, '$.registrarLevel'), '')")
        },
        DatabaseMigration("organizations-005-evaluations") { db in
            // 1A–5A evaluation applications, with the registrar's division and the state lists filter on.
            try db.create(table: "evaluations") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("organization_id", .text).notNull().references("organizations")
                t.column("registrar_division", .text).notNull()
                t.column("state", .text).notNull()
                t.column("record", .text).notNull()
            }
            try db.create(index: "evaluations_by_registrar", on: "evaluations", columns: ["registrar_division", "seq"])
            try db.create(index: "evaluations_by_organization", on: "evaluations", columns: ["organization_id", "seq"])
            // Each body's latest award: the next evaluation and the report read it.
            try db.create(table: "evaluation_awards") { t in
                t.primaryKey("organization_id", .text).references("organizations")
                t.column("grade", .integer).notNull()
                t.column("awarded_on", .text).notNull()
                t.column("valid_until", .text).notNull()
                t.column("application_id", .text).notNull()
            }
            // 立案调查 (令39号 §7(5)).
            try db.create(table: "investigations") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("organization_id", .text).notNull().references("organizations")
                t.column("record", .text).notNull()
            }
            try db.create(index: "investigations_by_organization", on: "investigations", columns: ["organization_id", "seq"])
        },
        DatabaseMigration("organizations-006-illegal-organizations") { db in
            // Cases about suspected illegal organizations, by where they act; `list_seq` is the 涉嫌
            // list batch a case was published in.
            try db.create(table: "illegal_cases") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("division", .text).notNull()
                t.column("state", .text).notNull()
                t.column("outcome", .text)
                t.column("batch", .text)
                t.column("list_seq", .integer)
                t.column("record", .text).notNull()
            }
            try db.create(index: "illegal_cases_by_division", on: "illegal_cases", columns: ["division", "seq"])
            // The published batches (public), one number per publishing division.
            try db.create(table: "suspected_lists") { t in
                t.primaryKey("seq", .integer)
                t.column("division", .text).notNull()
                t.column("number", .text).notNull()
                t.column("published_on", .text).notNull()
                t.column("record", .text).notNull()
                t.uniqueKey(["division", "number"])
            }
        },
        DatabaseMigration("organizations-007-zombie-cleanup") { db in
            // Activities held (章程规定的活动): the first one ends the first-year dormancy trigger.
            try db.create(table: "organization_activities") { t in
                t.autoIncrementedPrimaryKey("seq")
                t.column("organization_id", .text).notNull().references("organizations")
                t.column("held_on", .text).notNull()
                t.column("description", .text).notNull()
            }
            try db.create(index: "organization_activities_by_organization", on: "organization_activities", columns: ["organization_id", "held_on"])
            try db.create(table: "zombie_campaigns") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("division", .text)
                t.column("record", .text).notNull()
            }
            // Clean-up cases with the columns lists filter on; an open case is CANDIDATE or
            // NOTICE_ISSUED.
            try db.create(table: "zombie_cases") { t in
                t.primaryKey("id", .text)
                t.column("seq", .integer).notNull().unique()
                t.column("campaign_id", .text).notNull().references("zombie_campaigns")
                t.column("organization_id", .text).notNull().references("organizations")
                t.column("registrar_division", .text).notNull()
                t.column("state", .text).notNull()
                t.column("notice_deadline", .text)
                t.column("record", .text).notNull()
            }
            try db.create(index: "zombie_cases_by_campaign", on: "zombie_cases", columns: ["campaign_id", "seq"])
            try db.create(index: "zombie_cases_by_organization", on: "zombie_cases", columns: ["organization_id", "state"])
        },
        DatabaseMigration("organizations-008-report-counts") { db in
            // The report's register counts, kept by triggers in the transaction of every write of a body,
            // so the report reads a few hundred rows instead of the whole register.
            try db.execute(
                sql: """
                    CREATE TABLE organization_counts (
                      registrar_division TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL,
                      trade_association INTEGER NOT NULL, party_organization INTEGER NOT NULL, n INTEGER NOT NULL,
                      PRIMARY KEY (registrar_division, type, status, trade_association, party_organization)) WITHOUT ROWID;
                    INSERT INTO organization_counts
                      SELECT registrar_division, type, status, trade_association, party_organization, COUNT(*) FROM organizations GROUP BY 1, 2, 3, 4, 5;
                    CREATE TRIGGER organization_counts_insert AFTER INSERT ON organizations BEGIN
                      INSERT INTO organization_counts VALUES (NEW.registrar_division, NEW.type, NEW.status, NEW.trade_association, NEW.party_organization, 1)
                        ON CONFLICT DO UPDATE SET n = n + 1;
                    END;
                    CREATE TRIGGER organization_counts_delete AFTER DELETE ON organizations BEGIN
                      UPDATE organization_counts SET n = n - 1 WHERE registrar_division = OLD.registrar_division AND type = OLD.type
                        AND status = OLD.status AND trade_association = OLD.trade_association AND party_organization = OLD.party_organization;
                    END;
                    CREATE TRIGGER organization_counts_update
                      AFTER UPDATE OF registrar_division, type, status, trade_association, party_organization ON organizations
                      WHEN OLD.registrar_division IS NOT NEW.registrar_division OR OLD.type IS NOT NEW.type OR OLD.status IS NOT NEW.status
                        OR OLD.trade_association IS NOT NEW.trade_association OR OLD.party_organization IS NOT NEW.party_organization
                    BEGIN
                      UPDATE organization_counts SET n = n - 1 WHERE registrar_division = OLD.registrar_division AND type = OLD.type
                        AND status = OLD.status AND trade_association = OLD.trade_association AND party_organization = OLD.party_organization;
                      INSERT INTO organization_counts VALUES (NEW.registrar_division, NEW.type, NEW.status, NEW.trade_association, NEW.party_organization, 1)
                        ON CONFLICT DO UPDATE SET n = n + 1;
                    END;
                    """)
            // 年检 results read from the record, indexed for the report (virtual: computed, not stored twice).
            try db.execute(
                sql: """
                    ALTER TABLE annual_inspections ADD COLUMN received INTEGER
                      GENERATED ALWAYS AS (json_extract(record, '$.registrarSubmission') IS NOT NULL) VIRTUAL;
                    ALTER TABLE annual_inspections ADD COLUMN result TEXT GENERATED ALWAYS AS (json_extract(record, '$.conclusion.result')) VIRTUAL;
                    CREATE INDEX annual_inspections_results ON annual_inspections (year, received, result);
                    """)
        },
        DatabaseMigration("organizations-009-report-inspection-counts") { db in
            // The 年检 received per year, registrar and result ('' while pending), kept by triggers like
            // organization_counts: a division's report then reads a few rows instead of joining every
            // record of the year to its body. A body's registrar does not change.
            try db.execute(
                sql: """
                    CREATE TABLE annual_inspection_counts (
                      year INTEGER NOT NULL, registrar_division TEXT NOT NULL, result TEXT NOT NULL, n INTEGER NOT NULL,
                      PRIMARY KEY (year, registrar_division, result)) WITHOUT ROWID;
                    INSERT INTO annual_inspection_counts
                      SELECT a.year, o.registrar_division, COALESCE(a.result, ''), COUNT(*) FROM annual_inspections a
                      JOIN organizations o ON o.id = a.organization_id WHERE a.received = 1 GROUP BY 1, 2, 3;
                    CREATE TRIGGER annual_inspection_counts_insert AFTER INSERT ON annual_inspections WHEN NEW.received = 1 BEGIN
                      INSERT INTO annual_inspection_counts VALUES (
                        NEW.year, (SELECT registrar_division FROM organizations WHERE id = NEW.organization_id), COALESCE(NEW.result, ''), 1)
                        ON CONFLICT DO UPDATE SET n = n + 1;
                    END;
                    CREATE TRIGGER annual_inspection_counts_update_old AFTER UPDATE OF record ON annual_inspections WHEN OLD.received = 1 BEGIN
                      UPDATE annual_inspection_counts SET n = n - 1 WHERE year = OLD.year
                        AND registrar_division = (SELECT registrar_division FROM organizations WHERE id = OLD.organization_id)
                        AND result = COALESCE(OLD.result, '');
                    END;
                    CREATE TRIGGER annual_inspection_counts_update_new AFTER UPDATE OF record ON annual_inspections WHEN NEW.received = 1 BEGIN
                      INSERT INTO annual_inspection_counts VALUES (
                        NEW.year, (SELECT registrar_division FROM organizations WHERE id = NEW.organization_id), COALESCE(NEW.result, ''), 1)
                        ON CONFLICT DO UPDATE SET n = n + 1;
                    END;
                    CREATE TRIGGER annual_inspection_counts_delete AFTER DELETE ON annual_inspections WHEN OLD.received = 1 BEGIN
                      UPDATE annual_inspection_counts SET n = n - 1 WHERE year = OLD.year
                        AND registrar_division = (SELECT registrar_division FROM organizations WHERE id = OLD.organization_id)
                        AND result = COALESCE(OLD.result, '');
                    END;
                    """)
        },
        DatabaseMigration("organizations-010-report-registrars") { db in
            // The registrar beside each award and credit history, so a division's report reads only its
            // own (a body's registrar does not change).
            try db.execute(
                sql: """
                    ALTER TABLE evaluation_awards ADD COLUMN registrar_division TEXT NOT NULL DEFAULT '';
                    UPDATE evaluation_awards SET registrar_division = (SELECT registrar_division FROM organizations o WHERE o.id = organization_id);
                    CREATE INDEX evaluation_awards_by_registrar ON evaluation_awards (registrar_division);
                    ALTER TABLE credit_histories ADD COLUMN registrar_division TEXT NOT NULL DEFAULT '';
                    UPDATE credit_histories SET registrar_division = (SELECT registrar_division FROM organizations o WHERE o.id = organization_id);
                    CREATE INDEX credit_histories_by_registrar ON credit_histories (registrar_division);
                    """)
        },
    ]
}
