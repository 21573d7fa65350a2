import CivicDomain

/// The enforcement report (RULES.md §4(d)) for a division and a period: leads by source and outcome,
/// cases by source, violation, state and outcome, decisions on time, hearings and legal reviews,
/// fines imposed and collected, the certified-officer rate, joint operations, publications.
/// Percentages one decimal, half up (ReportLine).
public struct EnforcementReport: Sendable {
    public var from: CivilDate
    public var through: CivilDate
    public var asOf: CivilDate
    /// Every figure, in the CSV's order.
    public var lines: [ReportLine]

    /// Headline rates (also among the lines).
    public var certifiedRate: Percentage
    public var onTimeRate: Percentage
    public var collectionRate: Percentage

    /// Counts on `cases`, `leads`, `officers` and `operations` of the division: leads received, cases
    /// filed, decisions made, payments received and publications made from `from` through `through`;
    /// states and standings as of `asOf`. `posts`: the enforcement posts (编制) the certified rate
    /// counts against (the officers registered when nil).
    public init(
        cases: [EnforcementCase], leads: [Lead], officers: [Officer], operations: [JointOperation], from: CivilDate, through: CivilDate, asOf: CivilDate,
        posts: Int? = nil
    ) {
        self.from = from
        self.through = through
        self.asOf = asOf
        let period = from...through
        var lines: [ReportLine] = []
        func add(_ section: String, _ measure: String, _ value: Int, of whole: Int? = nil) { lines.append(ReportLine(section, measure, value, of: whole)) }

        // Leads.
        let received = leads.filter { period.contains($0.receivedOn) }
        add("leads", "received", received.count)
        for source in LeadSource.allCases { add("leads", "source_\(source.rawValue)", received.filter { $0.source == source }.count, of: received.count) }
        for state in LeadState.allCases { add("leads", "state_\(state.rawValue)", received.filter { $0.state == state }.count, of: received.count) }
        add("leads", "decided_late", received.filter(\.decidedLate).count, of: received.count)
        add("leads", "overdue_undecided", leads.filter { $0.isOverdue(on: asOf) }.count)

        // Cases filed.
        let leadSource = Dictionary(leads.map { ($0.id, $0.source) }, uniquingKeysWith: { a, _ in a })
        let filed = cases.filter { period.contains($0.filedOn) }
        add("cases", "filed", filed.count)
        func source(_ c: EnforcementCase) -> String {
            if c.simpleProcedure { return "on_the_spot" }
            return leadSource[c.leadID]?.rawValue ?? "direct"
        }
        for name in LeadSource.allCases.map(\.rawValue) + ["direct", "on_the_spot"] {
            add("cases", "source_\(name)", filed.filter { source($0) == name }.count, of: filed.count)
        }
        for code in Set(filed.flatMap(\.violationCodes)).sorted() {
            add("cases_by_violation", code, filed.filter { $0.violationCodes.contains(code) }.count, of: filed.count)
        }
        for state in CaseState.allCases { add("cases", "state_\(state.rawValue)", filed.filter { $0.state == state }.count, of: filed.count) }

        // Decisions.
        let decided = cases.filter { $0.decision.map { period.contains($0.on) } ?? false }
        add("decisions", "decided", decided.count)
        for outcome in CaseOutcome.allCases {
            add("decisions", "outcome_\(outcome.rawValue)", decided.filter { $0.decision?.outcome == outcome }.count, of: decided.count)
        }
        let onTime = decided.filter { $0.decision?.late == false }.count
        add("decisions", "on_time", onTime, of: decided.count)
        onTimeRate = Percentage(onTime, of: decided.count)
        let withRight = cases.filter { $0.notice.map { $0.hearingRight && period.contains($0.on) } ?? false }
        add("decisions", "hearings_requested", withRight.filter { $0.hearing != nil }.count, of: withRight.count)
        add("decisions", "hearings_held", cases.filter { $0.hearing?.heldOn.map(period.contains) ?? false }.count)
        add("decisions", "legal_reviews", cases.flatMap(\.legalReviews).filter { $0.concludedOn.map(period.contains) ?? false }.count)
        add("decisions", "collective_discussions", cases.filter { $0.discussion.map { period.contains($0.on) } ?? false }.count)
        add("decisions", "revoked", cases.filter { $0.revocation.map { period.contains($0.on) } ?? false }.count)

        // Fines: imposed by the period's penalty decisions (not revoked); collected on them by as_of.
        let fined = decided.filter { $0.decision?.outcome == .penalized && $0.revocation == nil }
        let imposed = fined.reduce(0) { $0 + ($1.decision?.penalty?.fine.fen ?? 0) }
        let collected = fined.reduce(0) { total, c in
            guard let f = c.collection else { return total }
            return total + min(f.paid.fen, f.fine.fen)
        }
        let surcharges = fined.reduce(0) { total, c in
            guard let f = c.collection else { return total }
            return total + max(0, f.paid.fen - f.fine.fen)
        }
        add("fines", "imposed_fen", imposed)
        add("fines", "collected_fen", collected, of: imposed)
        collectionRate = Percentage(collected, of: imposed)
        add("fines", "surcharges_collected_fen", surcharges)
        add("fines", "outstanding_fen", fined.reduce(0) { $0 + ($1.state == .executing ? ($1.collection?.outstanding(asOf: asOf).fen ?? 0) : 0) })
        add("fines", "in_court", fined.filter { $0.collection?.courtAppliedOn != nil }.count)

        // Officers.
        let certified = officers.filter { $0.isCertified(on: asOf) }.count
        let whole = posts ?? officers.count
        add("officers", "certified", certified, of: whole)
        certifiedRate = Percentage(certified, of: whole)
        for role in OfficerRole.allCases {
            add("officers", "certified_\(role.rawValue)", officers.filter { $0.isCertified(on: asOf) && $0.roles.contains(role) }.count)
        }

        // Joint operations.
        let running = operations.filter { $0.startedOn <= through && ($0.endsOn.map { $0 >= from } ?? true) }
        add("joint_operations", "running", running.count)
        add("joint_operations", "cases", filed.filter { !$0.jointOperationID.isEmpty }.count, of: filed.count)
        for operation in running {
            add("joint_operations", operation.id, filed.filter { $0.jointOperationID == operation.id }.count)
        }

        // Publications.
        add("publications", "published", cases.filter { $0.publication.map { period.contains($0.publishedOn) } ?? false }.count)
        add("publications", "withdrawn", cases.filter { $0.publication?.withdrawnOn.map(period.contains) ?? false }.count)

        self.lines = lines
    }

    public func csv() -> String { lines.reduce(ReportLine.csvHeader) { $0 + $1.csvRecord } }
}
