import AssistanceDomain
import CivicDomain
import CivicStorage
import Foundation
import GRDB

/// Monthly payment runs, their bank file and the bank's return.
extension AssistanceStore {
    /// A run as stored, with its lines counted by state.
    public struct StoredRun: Sendable {
        public var id: String
        public var division: String
        public var month: BenefitMonth
        public var program: Program
        public var createdAt: String
        public var createdBy: String
        public var skipped: [Skipped]
        public var counts: [PaymentLineState: Int]
        public var lineCount: Int
        public var amount: Fen
        public var reissuedCount: Int
        public var reissuedAmount: Fen
        public var paidAmount: Fen
    }

    public struct Skipped: Sendable, Codable, Equatable {
        public var caseID: String
        public var forMonth: String
        public var reason: String
        public var description: String
    }

    /// How a month's amount is computed for a snapshot: the calculators and the standard in force.
    public typealias Computation =
        @Sendable (_ snapshot: DecisionSnapshot, _ month: BenefitMonth, _ standards: StandardTable, _ inMinimumLivingFamily: Bool)
        throws -> EntitlementResult

    /// How far back a run pays months not yet paid (补发), besides never before the first run.
    public static let arrearsMonths = 12

    /// The run of `program` for `month` in `division`: made once (every active case's dues from
    /// its snapshot, arrears, failed lines re-issued — `PaymentRunPlanner`), then answered as is
    /// (`alreadyRan`). One transaction.
    public func runPayments(
        division: DivisionCode, month: BenefitMonth, program: Program, by actor: AuditActor, now: Date = Date(), compute: @escaping Computation
    ) async throws -> (run: StoredRun, alreadyRan: Bool) {
        let runID = "PR-\(division)-\(month)-\(program.rawValue)"
        return try await database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM payment_runs WHERE id = ?)", arguments: [runID]) == true {
                return (try Self.loadRun(db, id: runID), true)
            }
            let standards = try StandardTable(versions: Self.standardVersions(db))
            let firstRun =
                try String.fetchOne(
                    db, sql: "SELECT MIN(month) FROM payment_runs WHERE division = ? AND program = ?", arguments: [division.description, program.rawValue]
                ).flatMap(Self.month) ?? month
            var earliest = month
            for _ in 1..<Self.arrearsMonths where earliest > firstRun { earliest = earliest.previous }
            let timelines = try Self.timelines(
                db, where: "division = ? AND program = ? AND start_month <= ? AND json_extract(record, '$.emergencyPaidOn') IS NULL",
                [division.description, program.rawValue, month.description], through: month)
            var paid = Set<PaymentKey>()
            let paidRows = try Row.fetchCursor(
                db,
                sql: "SELECT case_id, for_month FROM payment_lines WHERE division = ? AND program = ? AND state <> 'reissued' AND for_month >= ?",
                arguments: [division.description, program.rawValue, earliest.description])
            while let row = try paidRows.next() {
                if let m = Self.month(row["for_month"]) { paid.insert(PaymentKey(caseID: row["case_id"], forMonth: m)) }
            }
            var payees: [String: (name: String, account: String)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, head_name, bank_account FROM households WHERE division = ?", arguments: [division.description]) {
                payees[row["id"]] = (row["head_name"], row["bank_account"])
            }
            let minimumLiving = Set(
                try String.fetchAll(
                    db, sql: "SELECT DISTINCT household_id FROM applications WHERE program = 'minimum_living' AND state = 'approved' AND division = ?",
                    arguments: [division.description]))

            var dues: [PaymentDue] = []
            var skipped: [Skipped] = []
            var extra: [PaymentKey: (area: Area, persons: Int)] = [:]
            for timeline in timelines.values {
                var m = max(earliest, timeline.startMonth)
                // 临时救助 is one grant, paid for its start month only.
                let last = program == .temporary ? timeline.startMonth : month
                while m <= last {
                    defer { m = m.next }
                    let key = PaymentKey(caseID: timeline.applicationID, forMonth: m)
                    guard !paid.contains(key), let snapshot = timeline.snapshot(for: m) else { continue }
                    let household = snapshot.household
                    let result: EntitlementResult
                    do {
                        result = try compute(snapshot, m, standards, minimumLiving.contains(household.id))
                    } catch let error as DomainError {
                        skipped.append(Skipped(caseID: key.caseID, forMonth: m.description, reason: error.reason, description: error.message))
                        continue
                    }
                    let payee = payees[household.id] ?? (household.head?.name ?? "", household.bankAccount)
                    dues.append(
                        PaymentDue(
                            caseID: key.caseID, householdID: household.id, program: program, payeeName: payee.name, bankAccount: payee.account,
                            amount: result.eligible ? result.amount : .zero, formula: result.formula, standardVersionID: result.standardVersionID,
                            forMonth: m == month ? nil : m))
                    extra[key] = (household.area, program == .minimumLiving ? result.householdSize : 1)
                }
            }
            let failed = try Self.lines(db, where: "division = ? AND program = ? AND state = 'failed'", [division.description, program.rawValue])
            let plan = try PaymentRunPlanner.plan(runID: runID, month: month, program: program, dues: dues, alreadyPaid: paid, failedToReissue: failed)
            skipped += plan.skipped.map {
                Skipped(caseID: $0.due.caseID, forMonth: ($0.due.forMonth ?? month).description, reason: $0.reason, description: $0.description)
            }
            try db.execute(
                sql: "INSERT INTO payment_runs (id, division, month, program, created_at, created_by, skipped) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [runID, division.description, month.description, program.rawValue, Self.timestamp(now), actor.id, try Self.encode(skipped)])
            for original in plan.reissuedOriginals {
                try db.execute(sql: "UPDATE payment_lines SET state = ? WHERE line_id = ?", arguments: [original.state.rawValue, original.lineID])
            }
            let areas = try Self.reissueExtras(db, plan.lines.compactMap(\.reissueOf))
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO payment_lines (line_id, run_id, case_id, household_id, program, division, area, persons, month, for_month, payee_name,
                      bank_account, amount_fen, formula, standard_version_id, state, failure_reason, reissue_of)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for line in plan.lines {
                let facts = line.reissueOf.flatMap { areas[$0] } ?? extra[line.key] ?? (.urban, 1)
                try insert.execute(arguments: [
                    line.lineID, runID, line.caseID, line.householdID, program.rawValue, division.description, facts.area.rawValue, facts.persons,
                    month.description, line.forMonth.description, line.payeeName, line.bankAccount, line.amount.fen, line.formula,
                    line.standardVersionID, line.state.rawValue, line.failureReason, line.reissueOf,
                ])
            }
            try Audit.record(
                db, by: actor, action: "run_payments", entity: "payment_run", entityID: runID,
                detail: "\(plan.totals.count) lines, \(plan.totals.amount.fen) fen; \(plan.totals.reissuedCount) re-issued; \(skipped.count) skipped", at: now)
            return (try Self.loadRun(db, id: runID), false)
        }
    }

    /// The area and persons of the failed lines being re-issued.
    static func reissueExtras(_ db: Database, _ lineIDs: [String]) throws -> [String: (area: Area, persons: Int)] {
        var out: [String: (area: Area, persons: Int)] = [:]
        for id in lineIDs {
            if let row = try Row.fetchOne(db, sql: "SELECT area, persons FROM payment_lines WHERE line_id = ?", arguments: [id]) {
                out[id] = (Area(rawValue: row["area"]) ?? .urban, row["persons"])
            }
        }
        return out
    }

    public func run(id: String) async throws -> StoredRun {
        try await database.read { db in try Self.loadRun(db, id: id) }
    }

    public func lines(runID: String, state: PaymentLineState?, pageSize: Int, pageToken: String) async throws -> Page<PaymentLine> {
        let offset = try Paging.offset(fromToken: pageToken)
        return try await database.read { db in
            _ = try Self.loadRun(db, id: runID)
            var sql = Filter()
            sql.add(runID, "run_id = ?") { $0 }
            sql.add(state, "state = ?") { $0.rawValue }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM payment_lines \(sql.whereClause)", arguments: sql.statementArguments) ?? 0
            let lines = try Self.lines(
                db, where: String(sql.whereClause.dropFirst(6)) + " ORDER BY rowid LIMIT ? OFFSET ?", sql.statementArguments + [pageSize, offset])
            return Page(items: lines, offset: offset, total: total)
        }
    }

    /// The bank file of the run's pending and sent lines; pending lines become sent.
    public func exportBankFile(runID: String, by actor: AuditActor, now: Date = Date()) async throws -> (csv: String, lines: [PaymentLine]) {
        try await database.write { db in
            _ = try Self.loadRun(db, id: runID)
            let lines = try Self.lines(db, where: "run_id = ? AND state IN ('pending', 'sent') ORDER BY rowid", [runID])
            let csv = try BankFile.csv(lines: lines)
            try db.execute(sql: "UPDATE payment_lines SET state = 'sent' WHERE run_id = ? AND state = 'pending'", arguments: [runID])
            try Audit.record(db, by: actor, action: "export_bank_file", entity: "payment_run", entityID: runID, detail: "\(lines.count) lines", at: now)
            return (csv, lines)
        }
    }

    /// Applies the bank's return to the run's lines, all or nothing (`Reconciliation`).
    public func reconcile(runID: String, returns: [BankReturnLine], by actor: AuditActor, now: Date = Date()) async throws -> (ReconciliationResult, StoredRun)
    {
        try await database.write { db in
            _ = try Self.loadRun(db, id: runID)
            let lines = try Self.lines(db, where: "run_id = ? ORDER BY rowid", [runID])
            let result = Reconciliation.apply(returns: returns, to: lines)
            try result.check()
            for line in result.changed {
                try db.execute(
                    sql: "UPDATE payment_lines SET state = ?, failure_reason = ? WHERE line_id = ?",
                    arguments: [line.state.rawValue, line.failureReason, line.lineID])
            }
            try Audit.record(
                db, by: actor, action: "reconcile", entity: "payment_run", entityID: runID,
                detail: "paid \(result.paid), failed \(result.failed), already \(result.alreadyReconciled), outstanding \(result.outstanding)", at: now)
            return (result, try Self.loadRun(db, id: runID))
        }
    }

    static func lines(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [PaymentLine] {
        try Row.fetchAll(db, sql: "SELECT * FROM payment_lines WHERE \(clause)", arguments: arguments).map { row in
            PaymentLine(
                lineID: row["line_id"], runID: row["run_id"], caseID: row["case_id"], householdID: row["household_id"],
                program: Program(rawValue: row["program"]) ?? .minimumLiving, month: month(row["month"])!, forMonth: month(row["for_month"]),
                payeeName: row["payee_name"], bankAccount: row["bank_account"], amount: Fen(row["amount_fen"]), formula: row["formula"],
                standardVersionID: row["standard_version_id"], state: PaymentLineState(rawValue: row["state"]) ?? .pending,
                failureReason: row["failure_reason"], reissueOf: row["reissue_of"])
        }
    }

    static func loadRun(_ db: Database, id: String) throws -> StoredRun {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM payment_runs WHERE id = ?", arguments: [id]) else {
            throw DomainError.notFound("no payment run with id \(id)")
        }
        var counts: [PaymentLineState: Int] = [:]
        var lineCount = 0
        var amount = Fen.zero
        var paidAmount = Fen.zero
        for r in try Row.fetchAll(
            db, sql: "SELECT state, COUNT(*) AS n, SUM(amount_fen) AS s FROM payment_lines WHERE run_id = ? GROUP BY state", arguments: [id])
        {
            guard let state = PaymentLineState(rawValue: r["state"]) else { continue }
            counts[state] = r["n"]
            lineCount += r["n"] as Int
            amount = amount + Fen(r["s"] ?? 0)
            if state == .paid { paidAmount = Fen(r["s"] ?? 0) }
        }
        let reissued = try Row.fetchOne(
            db, sql: "SELECT COUNT(*) AS n, COALESCE(SUM(amount_fen), 0) AS s FROM payment_lines WHERE run_id = ? AND reissue_of IS NOT NULL", arguments: [id])
        return StoredRun(
            id: id, division: row["division"], month: month(row["month"])!, program: Program(rawValue: row["program"]) ?? .minimumLiving,
            createdAt: row["created_at"], createdBy: row["created_by"], skipped: try decode([Skipped].self, row["skipped"]), counts: counts,
            lineCount: lineCount, amount: amount, reissuedCount: reissued?["n"] ?? 0, reissuedAmount: Fen(reissued?["s"] ?? 0), paidAmount: paidAmount)
    }
}
