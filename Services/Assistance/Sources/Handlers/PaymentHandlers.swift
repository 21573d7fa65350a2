import AssistanceDomain
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage

/// Monthly payment runs, the bank file and the bank's return.
extension AssistanceHandler {
    public func runPayments(_ request: Civic_Assistance_V1_RunPaymentsRequest, context: RPCContext) async throws -> Civic_Assistance_V1_RunPaymentsResponse {
        let access = try AssistanceAccess(context)
        let division = try countyOf(request.division, access)
        let month = try month(request.month)
        // A run is made for this month or, ahead of payday, the next; never further ahead.
        let current = BenefitMonth(containing: today())
        guard month <= current.next else {
            throw DomainError.invalid("\(month) is too far ahead: runs are made for \(current) or \(current.next)", field: "month", reason: "TOO_FAR_AHEAD")
        }
        let program: Program = try WireEnum.required(request.program, field: "program")
        let options = settings.options
        // Ages move by month, so with 分类施保 (which depends on them) every case is computed afresh.
        let optionsKey = options.classifiedAdditions.isEmpty ? "floor=\(options.perPersonFloor)" : nil
        let (run, already) = try await store.runPayments(
            division: division, month: month, program: program, optionsKey: optionsKey, by: context.auditActor
        ) {
            snapshot, month, standards, living in
            try snapshot.entitlement(for: month, standards: standards, options: options, inMinimumLivingFamily: living)
        }
        var response = Civic_Assistance_V1_RunPaymentsResponse()
        response.run = Civic_Assistance_V1_PaymentRun(run)
        response.alreadyRan = already
        return response
    }

    public func getPaymentRun(_ request: Civic_Assistance_V1_GetPaymentRunRequest, context: RPCContext) async throws -> Civic_Assistance_V1_PaymentRun {
        try Civic_Assistance_V1_PaymentRun(await visibleRun(request.id, context))
    }

    public func listPaymentLines(_ request: Civic_Assistance_V1_ListPaymentLinesRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ListPaymentLinesResponse
    {
        _ = try await visibleRun(request.runID, context, field: "run_id")
        let state: PaymentLineState? = try WireEnum.optional(request.state, field: "state")
        let page = try await store.lines(
            runID: request.runID, state: state, pageSize: Paging.pageSize(request.page.pageSize), pageToken: request.page.pageToken)
        var response = Civic_Assistance_V1_ListPaymentLinesResponse()
        // Accounts masked: a list spans many households, and no case worker is on all their files.
        response.lines = page.items.map { Civic_Assistance_V1_PaymentLine($0, view: RecordView(fullIdentifiers: false)) }
        response.page = .init(page)
        return response
    }

    public func exportBankFile(_ request: Civic_Assistance_V1_ExportBankFileRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ExportBankFileResponse
    {
        _ = try await visibleRun(request.runID, context, field: "run_id")
        let (csv, lines) = try await store.exportBankFile(runID: request.runID, by: context.auditActor)
        var response = Civic_Assistance_V1_ExportBankFileResponse()
        response.csv = csv
        response.count = Int32(lines.count)
        response.amountFen = Int64(Fen.sum(lines.map(\.amount)).fen)
        return response
    }

    public func reconcilePayments(_ request: Civic_Assistance_V1_ReconcilePaymentsRequest, context: RPCContext) async throws
        -> Civic_Assistance_V1_ReconcilePaymentsResponse
    {
        _ = try await visibleRun(request.runID, context, field: "run_id")
        guard request.csv.utf8.count <= Self.maxImportBytes else {
            throw DomainError.invalid("the return file is larger than \(Self.maxImportBytes) bytes", field: "csv", reason: "TOO_LARGE")
        }
        let returns = try BankReturn.parse(csv: request.csv)
        let (result, run) = try await store.reconcile(runID: request.runID, returns: returns, by: context.auditActor)
        var response = Civic_Assistance_V1_ReconcilePaymentsResponse()
        response.paid = Int32(result.paid)
        response.failed = Int32(result.failed)
        response.alreadyReconciled = Int32(result.alreadyReconciled)
        response.outstanding = Int32(result.outstanding)
        response.run = Civic_Assistance_V1_PaymentRun(run)
        return response
    }

    /// The county a run is for: the request's, or the key's own when it is a county's.
    func countyOf(_ text: String, _ access: AssistanceAccess) throws -> DivisionCode {
        guard let division = try AssistanceAccess.division(text) ?? access.division else {
            throw DomainError.invalid("division is required: the county the run pays", field: "division", reason: "REQUIRED")
        }
        guard division.level == .county else {
            throw DomainError.invalid("a run is for one county, not \(division)", field: "division", reason: "NOT_A_COUNTY")
        }
        try access.check(division, "the county")
        return division
    }

    func visibleRun(_ id: String, _ context: RPCContext, field: String = "id") async throws -> AssistanceStore.StoredRun {
        try RequestFields.requireID(id, field: field)
        let run = try await store.run(id: id)
        try AssistanceAccess(context).check(try DivisionCode(run.division), "payment run \(id)")
        return run
    }
}

extension Civic_Assistance_V1_PaymentRun {
    init(_ run: AssistanceStore.StoredRun) {
        self.init()
        id = run.id
        division = run.division
        month = run.month.description
        program = WireEnum.wire(run.program)
        createdAt = run.createdAt
        createdBy = run.createdBy
        lineCount = Int32(run.lineCount)
        amountFen = Int64(run.amount.fen)
        reissuedCount = Int32(run.reissuedCount)
        reissuedAmountFen = Int64(run.reissuedAmount.fen)
        skipped = run.skipped.map { s in
            var p = Civic_Assistance_V1_SkippedPayment()
            p.caseID = s.caseID
            p.forMonth = s.forMonth
            p.reason = s.reason
            p.description_p = s.description
            return p
        }
        pending = Int32(run.counts[.pending] ?? 0)
        sent = Int32(run.counts[.sent] ?? 0)
        paid = Int32(run.counts[.paid] ?? 0)
        failed = Int32(run.counts[.failed] ?? 0)
        paidAmountFen = Int64(run.paidAmount.fen)
    }
}

extension Civic_Assistance_V1_PaymentLine {
    init(_ line: PaymentLine, view: RecordView) {
        self.init()
        lineID = line.lineID
        runID = line.runID
        caseID = line.caseID
        householdID = line.householdID
        program = WireEnum.wire(line.program)
        month = line.month.description
        forMonth = line.forMonth.description
        payeeName = line.payeeName
        bankAccount = view.bankAccount(line.bankAccount)
        amountFen = Int64(line.amount.fen)
        formula = line.formula
        standardVersionID = line.standardVersionID
        state = WireEnum.wire(line.state)
        failureReason = line.failureReason
        reissueOf = line.reissueOf ?? ""
    }
}
