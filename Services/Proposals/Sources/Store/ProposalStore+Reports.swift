import CivicDomain
import GRDB
import ProposalsDomain

/// The annual report's figures, read from the counts the triggers keep (ReportCountsSchema).
extension ProposalStore {
    /// Topic codes in use in the stored items (read from the report counts, which are small).
    public func topicsInUse() async throws -> Set<String> {
        try await database.read { db in Set(try String.fetchAll(db, sql: "SELECT DISTINCT topic FROM report_counts WHERE n > 0")) }
    }

    /// The annual report for `year` as it stands on `asOf`, compared with the year before,
    /// both read in one snapshot (a change committed meanwhile is in both years' figures or
    /// in neither).
    public func annualReport(year: Int, asOf: CivilDate) async throws -> AnnualReport {
        try await database.read { db in
            func report(_ year: Int, previous: AnnualReport?) throws -> AnnualReport {
                AnnualReport(
                    year: year, groups: try Self.reportGroups(db, year: year), keySupervisedUnits: try Self.keySupervisedUnits(db, year: year),
                    overdueUnanswered: try Self.overdueUnanswered(db, year: year, asOf: asOf), previous: previous)
            }
            return try report(year, previous: try report(year - 1, previous: nil))
        }
    }

    /// Handled items of `year` whose answer was due before `asOf` and is not out: open, or a
    /// 主办 item reported upward and not yet replied (参阅 items have no due date). Read from
    /// the partial index of those items alone (proposals-012).
    static func overdueUnanswered(_ db: Database, year: Int, asOf: CivilDate) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM items WHERE year = ? AND answer_due < ? AND \(ProposalsSchema.awaitingAnswer)",
            arguments: [year, asOf.description]) ?? 0
    }

    /// The year's items grouped by every dimension the annual report counts, read from the
    /// counts the triggers keep (migration proposals-004).
    public func reportGroups(year: Int) async throws -> [ReportGroup] {
        try await database.read { db in try Self.reportGroups(db, year: year) }
    }

    static func reportGroups(_ db: Database, year: Int) throws -> [ReportGroup] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT kind,
                       -- a returned item was never this bureau's to handle: totals only
                       CASE WHEN state = 'returned' THEN NULL ELSE nullif(role, '') END AS role,
                       topic, key_supervised,
                       -- answered: a lead item replied; a co-handling item's opinion reported
                       CASE WHEN role IN ('lead_sole', 'lead_split') THEN state IN ('replied', 'implementing', 'published')
                            ELSE state = 'reported' END AS answered,
                       answered_on_time, met_face_to_face, nullif(result, '') AS result, nullif(adoption, '') AS adoption,
                       nullif(satisfaction, '') AS satisfaction, state = 'returned' AS returned,
                       state = 'published' AS published, published_on_time, n
                FROM report_counts WHERE year = ? AND n > 0
                """, arguments: [year]
        ).compactMap { row in
            guard let kind = ItemKind(rawValue: row["kind"]) else { return nil }
            return ReportGroup(
                kind: kind, role: (row["role"] as String?).flatMap(HandlingRole.init(rawValue:)), topic: row["topic"],
                keySupervised: row["key_supervised"], answered: row["answered"], answeredOnTime: row["answered_on_time"],
                metFaceToFace: row["met_face_to_face"], result: (row["result"] as String?).flatMap(ReplyResult.init(rawValue:)),
                adoption: (row["adoption"] as String?).flatMap(Adoption.init(rawValue:)),
                satisfaction: (row["satisfaction"] as String?).flatMap(Satisfaction.init(rawValue:)), returned: row["returned"],
                published: row["published"], publishedOnTime: row["published_on_time"], count: row["n"])
        }
    }

    /// 重点督办 项数: merged groups count once, other key-supervised items one each.
    /// 重点督办 项: merged groups once, other flagged items one each — returned items in
    /// neither (they are in no figure of the report but their own).
    static func keySupervisedUnits(_ db: Database, year: Int) throws -> Int {
        let groups =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(DISTINCT key_group_id) FROM items
                    WHERE key_group_id IN (SELECT id FROM key_groups WHERE year = ?) AND state <> 'returned'
                    """, arguments: [year]) ?? 0
        let flagged =
            try Int.fetchOne(
                db, sql: "SELECT coalesce(sum(n), 0) FROM report_counts WHERE year = ? AND key_supervised = 1 AND state <> 'returned'", arguments: [year]) ?? 0
        let merged =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM items WHERE key_group_id IN (SELECT id FROM key_groups WHERE year = ?) AND state <> 'returned'",
                arguments: [year]) ?? 0
        return groups + flagged - merged
    }
}
