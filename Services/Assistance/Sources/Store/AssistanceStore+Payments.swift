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
    ///
    /// `optionsKey` names the local options the computation uses; a case whose snapshot, options
    /// and standard version are those of last month's line is carried forward with that line's
    /// amount and formula instead of being computed again (nil: compute every case — the
    /// options depend on ages, which move by month). The rest are computed on both cores.
    public func runPayments(
        division: DivisionCode, month: BenefitMonth, program: Program, optionsKey: String?, by actor: AuditActor, now: Date = Date(),
        compute: @escaping Computation
    ) async throws -> (run: StoredRun, alreadyRan: Bool) {
        let runID = "PR-\(division)-\(month)-\(program.rawValue)"
        return try await writes.write { db in
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM payment_runs WHERE id = ?)", arguments: [runID]) == true {
                return (try Self.loadRun(db, id: runID), true)
            }
            let standards = try StandardTable(versions: Self.standardVersions(db))
            // The county's first run of the program, as made (not the earliest month run since):
            // no run pays a month before it, so a register taken over starts clean.
            let firstRun =
                try String.fetchOne(
                    db, sql: "SELECT month FROM payment_runs WHERE division = ? AND program = ? ORDER BY created_at, id LIMIT 1",
                    arguments: [division.description, program.rawValue]
                ).flatMap(Self.month) ?? month
            guard month >= firstRun else {
                throw DomainError.invalid(
                    "\(month) is before the first \(program.rawValue) run in \(division) (\(firstRun))", field: "month", reason: "BEFORE_FIRST_RUN")
            }
            var earliest = month
            for _ in 1..<Self.arrearsMonths where earliest > firstRun { earliest = earliest.previous }
            let timelines = try Self.timelines(
                db,
                // Only 临时救助 can have been paid first; the JSON test costs a document read per case.
                where: "division = ? AND program = ? AND start_month <= ?"
                    + (program == .temporary ? " AND json_extract(record, '$.emergencyPaidOn') IS NULL" : ""),
                [division.description, program.rawValue, month.description], through: month, textsUnlessPaid: month.previous)
            var paid = Set<PaymentKey>()
            let paidRows = try Row.fetchCursor(
                db,
                sql: "SELECT case_id, for_month FROM payment_lines WHERE division = ? AND program = ? AND state <> 'reissued' AND for_month >= ?",
                arguments: [division.description, program.rawValue, earliest.description])
            while let row = try paidRows.next() {
                if let m = Self.month(row[1]) { paid.insert(PaymentKey(caseID: row[0], forMonth: m)) }
            }
            var payees: [String: (name: String, account: String)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, head_name, bank_account FROM households WHERE division = ?", arguments: [division.description]) {
                payees[row[0]] = (row[1], row[2])
            }
            let running = Self.runningMinimumLiving(in: month)
            let minimumLiving = Set(
                try String.fetchAll(
                    db, sql: "SELECT DISTINCT household_id FROM applications WHERE division = ? AND \(running.sql)",
                    arguments: [division.description] + running.arguments))

            // Last month's lines, to carry unchanged cases forward.
            var previous: [String: Carried] = [:]
            let carriedRows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT case_id, basis, area, persons, amount_fen, formula, standard_version_id FROM payment_lines
                    WHERE division = ? AND program = ? AND for_month = ? AND state <> 'reissued' AND reissue_of IS NULL AND basis <> ''
                    """, arguments: [division.description, program.rawValue, month.previous.description])
            while let row = try carriedRows.next() {
                previous[row[0]] = Carried(
                    basis: row[1], area: Area(rawValue: row[2]) ?? .urban, persons: row[3], amount: Fen(row[4]), formula: row[5], standardVersionID: row[6])
            }
            var computed: [Computed?] = []
            var work: [Work] = []
            for timeline in timelines.values.sorted(by: { $0.applicationID < $1.applicationID }) {
                var m = max(earliest, timeline.startMonth)
                // 临时救助 is one grant, paid for its start month only.
                let last = program == .temporary ? timeline.startMonth : month
                while m <= last {
                    defer { m = m.next }
                    let key = PaymentKey(caseID: timeline.applicationID, forMonth: m)
                    guard !paid.contains(key), let basis = timeline.basis(for: m) else { continue }
                    let living = minimumLiving.contains(timeline.householdID)
                    let basisKey = optionsKey.map { "\(basis.version)|\($0)|\(living ? "L" : "-")" } ?? ""
                    if !basisKey.isEmpty, m == month, program != .temporary, let carried = previous[key.caseID], carried.basis == basisKey,
                        let standard = try? standards.inForce(division: division, area: carried.area, month: m), standard.id == carried.standardVersionID
                    {
                        computed.append(
                            Computed(
                                key: key, householdID: timeline.householdID, amount: carried.amount, formula: carried.formula,
                                standardVersionID: standard.id, area: carried.area, persons: carried.persons, basis: basisKey))
                    } else {
                        computed.append(nil)
                        let stored = try Self.storedSnapshot(db, applicationID: key.caseID, version: basis.version, known: basis.stored)
                        work.append(
                            Work(index: computed.count - 1, key: key, householdID: timeline.householdID, stored: stored, living: living, basis: basisKey))
                    }
                }
            }
            // Decoding snapshots is most of a computation: both cores share it.
            let items = work
            let slots = Slots<Result<Computed, DomainError>>(count: items.count)
            let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, items.count / 500))
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                var i = chunk
                while i < items.count {
                    let item = items[i]
                    do {
                        let snapshot = try StoredSnapshot.decode(item.stored)
                        let result = try compute(snapshot, item.key.forMonth, standards, item.living)
                        // A death on or after the month's 1st changes a later month's count: such a
                        // line is not carried forward.
                        let settled = !snapshot.household.members.contains { $0.deceasedOn.map { $0 >= item.key.forMonth.firstDay } ?? false }
                        slots.set(
                            i,
                            .success(
                                Computed(
                                    key: item.key, householdID: item.householdID, amount: result.eligible ? result.amount : .zero, formula: result.formula,
                                    standardVersionID: result.standardVersionID, area: snapshot.household.area,
                                    persons: program == .minimumLiving ? result.householdSize : 1, basis: settled ? item.basis : "")))
                    } catch let error as DomainError {
                        slots.set(i, .failure(error))
                    } catch {
                        slots.set(i, .failure(DomainError(.failedPrecondition, "case \(item.key.caseID): \(error)")))
                    }
                    i += chunks
                }
            }
            let outcomes = slots.values
            var skipped: [Skipped] = []
            for (item, outcome) in zip(work, outcomes) {
                switch outcome {
                case .success(let value)?: computed[item.index] = value
                case .failure(let error)?:
                    skipped.append(Skipped(caseID: item.key.caseID, forMonth: item.key.forMonth.description, reason: error.reason, description: error.message))
                case nil: break
                }
            }
            var dues: [PaymentDue] = []
            var extra: [PaymentKey: Computed] = [:]
            for case let due? in computed {
                guard let payee = payees[due.householdID] else {
                    skipped.append(
                        Skipped(
                            caseID: due.key.caseID, forMonth: due.key.forMonth.description, reason: "NO_PAYEE",
                            description: "household \(due.householdID) is not registered in \(division)"))
                    continue
                }
                dues.append(
                    PaymentDue(
                        caseID: due.key.caseID, householdID: due.householdID, program: program, payeeName: payee.name, bankAccount: payee.account,
                        amount: due.amount, formula: due.formula, standardVersionID: due.standardVersionID,
                        forMonth: due.key.forMonth == month ? nil : due.key.forMonth))
                extra[due.key] = due
            }
            // A re-issue goes to the account the registry holds now (the failed one may be closed).
            // The area and persons a re-issue carries over from its failed line.
            var reissued: [String: (area: Area, persons: Int)] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT line_id, area, persons FROM payment_lines WHERE division = ? AND program = ? AND state = 'failed'",
                arguments: [division.description, program.rawValue])
            {
                reissued[row[0]] = (Area(rawValue: row[1]) ?? .urban, row[2])
            }
            let failed = try Self.lines(db, where: "division = ? AND program = ? AND state = 'failed'", [division.description, program.rawValue]).map {
                line -> PaymentLine in
                var line = line
                if let payee = payees[line.householdID], (try? BankAccount(payee.account)) != nil {
                    line.payeeName = payee.name
                    line.bankAccount = payee.account
                }
                return line
            }
            let plan = try PaymentRunPlanner.plan(runID: runID, month: month, program: program, dues: dues, alreadyPaid: paid, failedToReissue: failed)
            skipped += plan.skipped.map {
                Skipped(caseID: $0.due.caseID, forMonth: ($0.due.forMonth ?? month).description, reason: $0.reason, description: $0.description)
            }
            try db.execute(
                sql: "INSERT INTO payment_runs (id, division, month, program, created_at, created_by, skipped) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [runID, division.description, month.description, program.rawValue, Self.timestamp(now), actor.id, try Self.encode(skipped)])
            for original in plan.reissuedOriginals {
                try db.cachedStatement(sql: "UPDATE payment_lines SET state = ? WHERE line_id = ?").execute(arguments: [
                    original.state.rawValue, original.lineID,
                ])
            }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO payment_lines (line_id, run_id, case_id, household_id, program, division, area, persons, month, for_month, payee_name,
                      bank_account, amount_fen, formula, standard_version_id, state, failure_reason, reissue_of, basis)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for line in plan.lines {
                let due = line.reissueOf == nil ? extra[line.key] : nil
                let facts = line.reissueOf.flatMap { reissued[$0] } ?? due.map { ($0.area, $0.persons) } ?? (.urban, 1)
                try insert.execute(arguments: [
                    line.lineID, runID, line.caseID, line.householdID, program.rawValue, division.description, facts.area.rawValue, facts.persons,
                    month.description, line.forMonth.description, line.payeeName, line.bankAccount, line.amount.fen, line.formula,
                    line.standardVersionID, line.state.rawValue, line.failureReason, line.reissueOf, due?.basis ?? "",
                ])
            }
            try Audit.record(
                db, by: actor, action: "run_payments", entity: "payment_run", entityID: runID,
                detail: "\(plan.totals.count) lines, \(plan.totals.amount.fen) fen; \(plan.totals.reissuedCount) re-issued; \(skipped.count) skipped", at: now)
            return (try Self.loadRun(db, id: runID), false)
        }
    }

    /// One result slot per work item, each written by exactly one worker of a concurrentPerform
    /// and read after it returns.
    final class Slots<Value: Sendable>: @unchecked Sendable {
        private let buffer: UnsafeMutableBufferPointer<Value?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        deinit {
            buffer.baseAddress?.deinitialize(count: buffer.count)
            buffer.deallocate()
        }

        func set(_ index: Int, _ value: Value) { buffer[index] = value }
        var values: [Value?] { Array(buffer) }
    }

    /// Last month's line of a case, as a run may carry it forward.
    struct Carried {
        var basis: String
        var area: Area
        var persons: Int
        var amount: Fen
        var formula: String
        var standardVersionID: String
    }

    /// A case's month to compute (its snapshot still stored bytes).
    struct Work: Sendable {
        var index: Int
        var key: PaymentKey
        var householdID: String
        var stored: Data
        var living: Bool
        var basis: String
    }

    /// A case's month computed or carried.
    struct Computed: Sendable {
        var key: PaymentKey
        var householdID: String
        var amount: Fen
        var formula: String
        var standardVersionID: String
        var area: Area
        var persons: Int
        var basis: String
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
        try await writes.write { db in
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
        try await writes.write { db in
            _ = try Self.loadRun(db, id: runID)
            let lines = try Self.lines(db, where: "run_id = ? ORDER BY rowid", [runID])
            let result = Reconciliation.apply(returns: returns, to: lines)
            try result.check()
            let update = try db.cachedStatement(sql: "UPDATE payment_lines SET state = ?, failure_reason = ? WHERE line_id = ?")
            for line in result.changed {
                try update.execute(arguments: [line.state.rawValue, line.failureReason, line.lineID])
            }
            try Audit.record(
                db, by: actor, action: "reconcile", entity: "payment_run", entityID: runID,
                detail: "paid \(result.paid), failed \(result.failed), already \(result.alreadyReconciled), outstanding \(result.outstanding)", at: now)
            return (result, try Self.loadRun(db, id: runID))
        }
    }

    static func lines(_ db: Database, where clause: String, _ arguments: StatementArguments) throws -> [PaymentLine] {
        // Columns by position: a run's file and return read every line of it.
        try Row.fetchAll(
            db,
            sql: """
                SELECT line_id, run_id, case_id, household_id, program, month, for_month, payee_name, bank_account, amount_fen, formula,
                  standard_version_id, state, failure_reason, reissue_of FROM payment_lines WHERE \(clause)
                """, arguments: arguments
        ).map { row in
            PaymentLine(
                lineID: row[0], runID: row[1], caseID: row[2], householdID: row[3], program: Program(rawValue: row[4]) ?? .minimumLiving,
                month: month(row[5])!, forMonth: month(row[6]), payeeName: row[7], bankAccount: row[8], amount: Fen(row[9]), formula: row[10],
                standardVersionID: row[11], state: PaymentLineState(rawValue: row[12]) ?? .pending, failureReason: row[13], reissueOf: row[14])
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
