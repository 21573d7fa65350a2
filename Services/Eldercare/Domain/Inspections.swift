import CivicDomain

// An inspection (行政检查) of one drawn target: planned from a draw, carried out by the drawn
// inspectors, recorded item by item against one checklist version, scored, its failed items
// turned into findings, and its results published (一公开) within 20 working days
// (RULES.md §2(a) Inspection, §2(b) Inspections).

/// An item's result (检查结果). Stored and mapped positionally: keep the case order.
public enum ItemOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    /// 符合.
    case pass
    /// 不符合: becomes a finding.
    case fail
    /// 不适用 (no kitchen, no lift …): out of the score.
    case notApplicable = "not_applicable"
}

/// One checklist item as the inspector marked it.
public struct ItemResult: Sendable, Hashable, Codable {
    public let itemCode: String
    public let outcome: ItemOutcome
    /// What the inspector saw: required for a failed item (the finding's evidence).
    public let note: String
    /// For a failed item: 一般 or 重大 (the inspector's judgement on site).
    public let level: HazardLevel
    /// For a failed item: a deadline set on the spot instead of the policy's.
    public let deadline: CivilDate?

    public init(itemCode: String, outcome: ItemOutcome, note: String = "", level: HazardLevel = .general, deadline: CivilDate? = nil) {
        self.itemCode = itemCode
        self.outcome = outcome
        self.note = note
        self.level = level
        self.deadline = deadline
    }
}

/// Where an inspection stands. Stored and mapped positionally: keep the case order.
public enum InspectionState: String, Sendable, Hashable, CaseIterable, Codable {
    /// 待检查: planned from a draw.
    case planned
    /// 检查中: the inspectors are on site.
    case inProgress = "in_progress"
    /// 已录入: results, score and findings recorded.
    case recorded
    /// 已公开: results published.
    case published
    /// 已取消: the target closed or left the pool before the visit (reasons recorded). Decision:
    /// not in RULES.md; a bureau needs it when a drawn home shuts down before the visit.
    case cancelled

    public var isFinal: Bool { self == .published || self == .cancelled }
}

/// Time limits for inspections, configuration.
public struct InspectionPolicy: Sendable {
    public var calendar: WorkingCalendar
    /// Results are published within this many working days after the inspection: DEFAULT 20,
    /// after 市场监督管理行政处罚信息公示规定 §9 (RULES.md §2(b)).
    public var publicationWorkingDays: Int
    public var rectification: RectificationPolicy

    public init(calendar: WorkingCalendar = .standard, publicationWorkingDays: Int = 20, rectification: RectificationPolicy? = nil) {
        self.calendar = calendar
        self.publicationWorkingDays = publicationWorkingDays
        self.rectification = rectification ?? RectificationPolicy(calendar: calendar)
    }

    /// The last day to publish the results of an inspection done on `inspectedOn`.
    public func publicationDue(inspectedOn: CivilDate) -> CivilDate {
        calendar.adding(workingDays: publicationWorkingDays, to: inspectedOn)
    }
}

/// What can happen to an inspection.
public enum InspectionEvent: Sendable, Hashable {
    /// The inspectors arrive.
    case start(on: CivilDate)
    /// The results, item by item, against `checklist` (the version the inspection names).
    case record(on: CivilDate, results: [ItemResult], checklist: Checklist)
    /// 公开.
    case publish(on: CivilDate)
    /// Called off before the results are recorded, with reasons.
    case cancel(on: CivilDate, reason: String)

    public var name: String {
        switch self {
        case .start: "start"
        case .record: "record the results of"
        case .publish: "publish"
        case .cancel: "cancel"
        }
    }
}

/// One inspection of one drawn target.
public struct Inspection: Sendable, Hashable, Codable {
    public let id: String
    public let taskID: String
    /// The institution's id: one of the draw's targets.
    public let targetID: String
    /// The draw's inspectors (at least 2).
    public let inspectorIDs: [String]
    public let plannedOn: CivilDate
    /// The checklist version the results are recorded against.
    public let checklistVersion: String
    public private(set) var state: InspectionState
    public private(set) var startedOn: CivilDate?
    /// The day the results were taken on site (the publication clock's day 0).
    public private(set) var inspectedOn: CivilDate?
    public private(set) var results: [ItemResult]
    public private(set) var score: ChecklistScore?
    public private(set) var findings: [Finding]
    public private(set) var publicationDue: CivilDate?
    /// Counted through a year whose holiday notice is not loaded yet (RULES.md §0.2).
    public private(set) var publicationDueProvisional: Bool
    public private(set) var publishedOn: CivilDate?
    public private(set) var cancellationReason: String?

    /// Plans an inspection of `targetID` from `draw`. Refusals: INVALID_ARGUMENT "id" REQUIRED,
    /// "checklist_version" REQUIRED; FAILED_PRECONDITION NOT_DRAWN when the target is not one of
    /// the draw's.
    public static func plan(id: String, draw: InspectionDraw, targetID: String, plannedOn: CivilDate, checklistVersion: String) throws
        -> Inspection
    {
        var errors = ValidationErrors()
        if id.allSatisfy(\.isWhitespace) { errors.add("id", "REQUIRED", "the inspection needs an id") }
        if checklistVersion.allSatisfy(\.isWhitespace) { errors.add("checklist_version", "REQUIRED", "the checklist version is required") }
        if !errors.isEmpty { throw errors.domainError }
        guard draw.isDrawn(targetID) else {
            throw DomainError.failedPrecondition("\(targetID) was not drawn in task \(draw.task.taskID)", reason: "NOT_DRAWN")
        }
        return planned(
            id: id, taskID: draw.task.taskID, targetID: targetID, inspectorIDs: draw.inspectorIDs, plannedOn: plannedOn, checklistVersion: checklistVersion)
    }

    /// One inspection per target of `draw`, in draw order, with ids "<task id>-1", "<task id>-2"….
    /// Refusal: INVALID_ARGUMENT "checklist_version" REQUIRED.
    public static func planAll(draw: InspectionDraw, plannedOn: CivilDate, checklistVersion: String) throws -> [Inspection] {
        if checklistVersion.allSatisfy(\.isWhitespace) {
            throw DomainError.invalid("the checklist version is required", field: "checklist_version", reason: "REQUIRED")
        }
        let taskID = draw.task.taskID
        return draw.targets.enumerated().map { i, target in
            planned(
                id: "\(taskID)-\(i + 1)", taskID: taskID, targetID: target.id, inspectorIDs: draw.inspectorIDs, plannedOn: plannedOn,
                checklistVersion: checklistVersion)
        }
    }

    /// A planned inspection as stored: what a plan made, nothing recorded yet. The store keeps a
    /// planned inspection as columns alone and rebuilds it here.
    public static func planned(id: String, taskID: String, targetID: String, inspectorIDs: [String], plannedOn: CivilDate, checklistVersion: String)
        -> Inspection
    {
        Inspection(
            id: id, taskID: taskID, targetID: targetID, inspectorIDs: inspectorIDs, plannedOn: plannedOn, checklistVersion: checklistVersion,
            state: .planned, startedOn: nil, inspectedOn: nil, results: [], score: nil, findings: [], publicationDue: nil,
            publicationDueProvisional: false, publishedOn: nil, cancellationReason: nil)
    }

    /// Published after the due day.
    public var publishedLate: Bool {
        guard let publishedOn, let publicationDue else { return false }
        return publishedOn > publicationDue
    }

    /// Recorded and not published by the due day, as of `day`.
    public func isPublicationOverdue(on day: CivilDate) -> Bool {
        guard state == .recorded, let publicationDue else { return false }
        return day > publicationDue
    }

    /// A move the state does not allow (FAILED_PRECONDITION, "state" INVALID_STATE).
    public static func illegalMove(_ state: InspectionState, event: String, why: String = "") -> DomainError {
        DomainError(
            .failedPrecondition, "cannot \(event) an inspection that is \(state.rawValue.uppercased())\(why.isEmpty ? "" : ": \(why)")",
            problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the inspection is \(state.rawValue.uppercased())")])
    }

    /// Applies `event`, or throws and changes nothing. Legal moves: planned → in progress
    /// (start); in progress → recorded (record); recorded → published (publish); planned or in
    /// progress → cancelled (cancel, "reason" REQUIRED). Anything else: INVALID_STATE.
    ///
    /// Recording checks every problem at once (INVALID_ARGUMENT): "checklist_version"
    /// VERSION_MISMATCH; "results[i].item_code" UNKNOWN_ITEM or DUPLICATE_RESULT; "results"
    /// MISSING_RESULT once per item of the version without a result (every item is marked, "not
    /// applicable" included); "results[i].note" REQUIRED for a failed item; "results[i].deadline"
    /// NOT_AFTER_INSPECTION; "on" BEFORE_START. It then scores the results, opens one finding per
    /// failed item (id "<inspection id>/<item code>") and sets the publication due date.
    /// Publishing before the inspection day is refused ("on" BEFORE_INSPECTION); late publication
    /// is allowed and shows as `publishedLate`.
    public mutating func apply(_ event: InspectionEvent, policy: InspectionPolicy = InspectionPolicy()) throws {
        func refuse(_ why: String = "") -> DomainError { Inspection.illegalMove(state, event: event.name, why: why) }
        switch event {
        case .start(let day):
            guard state == .planned else { throw refuse() }
            state = .inProgress
            startedOn = day
        case .record(let day, let results, let checklist):
            guard state == .inProgress else { throw refuse() }
            try checkResults(results, on: day, checklist: checklist)
            var failed = Set<String>()
            var notApplicable = Set<String>()
            var findings: [Finding] = []
            for result in results {
                switch result.outcome {
                case .pass: break
                case .notApplicable: notApplicable.insert(result.itemCode)
                case .fail:
                    failed.insert(result.itemCode)
                    findings.append(
                        try Finding.open(
                            id: "\(id)/\(result.itemCode)", inspectionID: id, targetID: targetID, item: checklist.item(result.itemCode)!,
                            level: result.level, evidence: result.note, foundOn: day, deadline: result.deadline, policy: policy.rectification))
                }
            }
            self.results = results
            self.score = checklist.score(failed: failed, notApplicable: notApplicable)
            self.findings = findings
            self.inspectedOn = day
            let due = policy.publicationDue(inspectedOn: day)
            self.publicationDue = due
            self.publicationDueProvisional = policy.calendar.isProvisional(from: day, through: due)
            state = .recorded
        case .publish(let day):
            guard state == .recorded else { throw refuse() }
            if let inspectedOn, day < inspectedOn {
                throw DomainError.invalid("results cannot be published before the inspection on \(inspectedOn)", field: "on", reason: "BEFORE_INSPECTION")
            }
            publishedOn = day
            state = .published
        case .cancel(_, let reason):
            guard state == .planned || state == .inProgress else { throw refuse() }
            guard !reason.allSatisfy(\.isWhitespace) else {
                throw DomainError.invalid("cancelling an inspection needs written reasons", field: "reason", reason: "REQUIRED")
            }
            cancellationReason = reason
            state = .cancelled
        }
    }

    private func checkResults(_ results: [ItemResult], on day: CivilDate, checklist: Checklist) throws {
        var errors = ValidationErrors()
        if checklist.version != checklistVersion {
            errors.add(
                "checklist_version", "VERSION_MISMATCH", "the inspection uses checklist \(checklistVersion), the results came with \(checklist.version)")
        }
        if let startedOn, day < startedOn {
            errors.add("on", "BEFORE_START", "the results are dated \(day), before the inspection started on \(startedOn)")
        }
        var seen = Set<String>()
        for (i, result) in results.enumerated() {
            let path = "results[\(i)]"
            if checklist.item(result.itemCode) == nil {
                errors.add(path + ".item_code", "UNKNOWN_ITEM", "\(result.itemCode) is not an item of checklist \(checklist.version)")
            } else if !seen.insert(result.itemCode).inserted {
                errors.add(path + ".item_code", "DUPLICATE_RESULT", "item \(result.itemCode) has more than one result")
            }
            if result.outcome == .fail {
                if result.note.allSatisfy(\.isWhitespace) {
                    errors.add(path + ".note", "REQUIRED", "failed item \(result.itemCode) needs what the inspector saw")
                }
                if let deadline = result.deadline, deadline <= day {
                    errors.add(path + ".deadline", "NOT_AFTER_INSPECTION", "the deadline \(deadline) must be after the inspection on \(day)")
                }
            }
        }
        if checklist.version == checklistVersion {
            for item in checklist.items where !seen.contains(item.code) {
                errors.add("results", "MISSING_RESULT", "item \(item.code) has no result")
            }
        }
        if !errors.isEmpty { throw errors.domainError }
    }
}
