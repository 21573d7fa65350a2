import CivicDomain

/// The organizations report (社会组织统计): the register's counts, 年检 results, grades, the credit
/// lists' entries and removals, the zombie clean-up, illegal organizations and party-organization
/// coverage, for a division on a day and a year. Made from counts the store aggregates (never from
/// every record), so it stays fast over a large register.
///
/// Decisions:
/// - "Active" is REGISTERED or ACTIVITIES_SUSPENDED: the bodies that exist. Party coverage (党组织覆盖率)
///   is active bodies with a party organization over active bodies (S001: 123 of 307 = 40.1%).
/// - The 年检 figures are the inspection done in the report's year: work year `year - 1` (filed by 31
///   May of `year`).
/// - Grades count the awards valid on `asOf`, as a share of active bodies.
/// - Credit-list movements, zombie cases and illegal-organization cases count the report's year up to
///   `asOf` (1 January through the earlier of 31 December and `asOf`); the lists' standing is on `asOf`.
public struct OrganizationsReport: Sendable {
    /// Bodies of one kind in one status, with how many are trade associations and have a party
    /// organization.
    public struct RegisterCount: Sendable, Hashable {
        public var type: OrganizationType
        public var status: OrganizationStatus
        public var count: Int
        public var tradeAssociations: Int
        public var partyOrganizations: Int

        public init(type: OrganizationType, status: OrganizationStatus, count: Int, tradeAssociations: Int = 0, partyOrganizations: Int = 0) {
            self.type = type
            self.status = status
            self.count = count
            self.tradeAssociations = tradeAssociations
            self.partyOrganizations = partyOrganizations
        }
    }

    /// The 年检 of one work year at the registrar.
    public struct AnnualInspectionCounts: Sendable, Hashable {
        public var received: Int
        public var results: [AnnualInspectionResult: Int]

        public init(received: Int = 0, results: [AnnualInspectionResult: Int] = [:]) {
            self.received = received
            self.results = results
        }

        /// Received and not concluded yet.
        public var pending: Int { received - results.values.reduce(0, +) }
    }

    /// The zombie cases opened in the period.
    public struct ZombieCounts: Sendable, Hashable {
        public var opened: Int
        public var byTrigger: [ZombieTrigger: Int]
        /// Their state on `asOf`.
        public var byState: [ZombieCaseState: Int]

        public init(opened: Int = 0, byTrigger: [ZombieTrigger: Int] = [:], byState: [ZombieCaseState: Int] = [:]) {
            self.opened = opened
            self.byTrigger = byTrigger
            self.byState = byState
        }

        /// The cases of `cases` opened from `from` through `through`, as they stood on `through`.
        public init(_ cases: [ZombieCase], from: CivilDate, through: CivilDate) {
            self.init()
            for c in cases where c.openedOn >= from && c.openedOn <= through {
                opened += 1
                for trigger in c.triggers { byTrigger[trigger, default: 0] += 1 }
                if let state = c.state(on: through) { byState[state, default: 0] += 1 }
            }
        }
    }

    /// The illegal-organization cases received in the period.
    public struct IllegalCounts: Sendable, Hashable {
        public var received: Int
        /// Closed by `asOf`, by outcome.
        public var outcomes: [IllegalCaseOutcome: Int]
        /// Names published on a 涉嫌 list in the period.
        public var published: Int

        public init(received: Int = 0, outcomes: [IllegalCaseOutcome: Int] = [:], published: Int = 0) {
            self.received = received
            self.outcomes = outcomes
            self.published = published
        }

        /// Received and not closed by `asOf`.
        public var open: Int { received - outcomes.values.reduce(0, +) }

        /// The cases of `cases` received from `from` through `through`, and the names of `batches`
        /// published then.
        public init(_ cases: [IllegalOrganizationCase], batches: [SuspectedListBatch], from: CivilDate, through: CivilDate) {
            self.init()
            for c in cases where c.tipOff.receivedOn >= from && c.tipOff.receivedOn <= through {
                received += 1
                if let outcome = c.outcome, let closed = c.closedOn, closed <= through { outcomes[outcome, default: 0] += 1 }
            }
            published = batches.filter { $0.publishedOn >= from && $0.publishedOn <= through }.reduce(0) { $0 + $1.entries.count }
        }
    }

    public var within: DivisionCode?
    public var asOf: CivilDate
    public var year: Int
    public var register: [RegisterCount]
    /// Standing community filings by category, in the configured order (categories no longer
    /// configured follow, by name).
    public var community: [(category: String, count: Int)]
    public var annualInspection: AnnualInspectionCounts
    /// Valid awards on `asOf` by grade.
    public var grades: [EvaluationGrade: Int]
    /// Bodies on each list on `asOf`.
    public var listed: [CreditList: Int]
    public var creditMovements: CreditMovementCounts
    public var zombies: ZombieCounts
    public var illegal: IllegalCounts

    public init(
        within: DivisionCode?, asOf: CivilDate, year: Int, register: [RegisterCount], community: [(category: String, count: Int)] = [],
        annualInspection: AnnualInspectionCounts = .init(), grades: [EvaluationGrade: Int] = [:], listed: [CreditList: Int] = [:],
        creditMovements: CreditMovementCounts = CreditMovementCounts([]), zombies: ZombieCounts = .init(), illegal: IllegalCounts = .init()
    ) {
        self.within = within
        self.asOf = asOf
        self.year = year
        self.register = register
        self.community = community
        self.annualInspection = annualInspection
        self.grades = grades
        self.listed = listed
        self.creditMovements = creditMovements
        self.zombies = zombies
        self.illegal = illegal
    }

    /// The period the movements count: 1 January of `year` through the earlier of 31 December and `asOf`.
    public static func period(year: Int, asOf: CivilDate) -> (from: CivilDate, through: CivilDate) {
        (CivilDate(year: year, month: 1, day: 1)!, min(CivilDate(year: year, month: 12, day: 31)!, asOf))
    }

    /// The work year whose 年检 the report counts.
    public var inspectionYear: Int { year - 1 }

    public func count(_ type: OrganizationType? = nil, _ status: OrganizationStatus? = nil) -> Int {
        register.filter { (type == nil || $0.type == type) && (status == nil || $0.status == status) }.reduce(0) { $0 + $1.count }
    }

    /// Active bodies (REGISTERED or ACTIVITIES_SUSPENDED).
    public var active: Int { register.filter(\.status.isActive).reduce(0) { $0 + $1.count } }
    public var activeWithPartyOrganization: Int { register.filter(\.status.isActive).reduce(0) { $0 + $1.partyOrganizations } }
    public var activeTradeAssociations: Int { register.filter(\.status.isActive).reduce(0) { $0 + $1.tradeAssociations } }
    /// 党组织覆盖率.
    public var partyCoverage: Percentage { Percentage(activeWithPartyOrganization, of: active) }

    public typealias Line = ReportLine

    /// Every figure, in the CSV's order; every type, status, grade, list, trigger and outcome is listed
    /// (0 when none).
    public var lines: [Line] {
        var lines: [Line] = []
        for type in OrganizationType.allCases {
            for status in OrganizationStatus.allCases { lines.append(Line("register", "\(type.rawValue) \(status.rawValue)", count(type, status))) }
            lines.append(Line("register", "\(type.rawValue) total", count(type)))
        }
        lines.append(Line("register", "total", count()))
        lines.append(Line("register", "active", active))
        lines.append(Line("register", "active trade associations", activeTradeAssociations, of: active))
        lines.append(Line("party", "active with a party organization", activeWithPartyOrganization, of: active))
        let filed = community.reduce(0) { $0 + $1.count }
        for (category, count) in community { lines.append(Line("community", category, count, of: filed)) }
        lines.append(Line("community", "total", filed))
        let inspection = "annual_inspection \(inspectionYear)"
        lines.append(Line(inspection, "received", annualInspection.received))
        for result in AnnualInspectionResult.allCases {
            lines.append(Line(inspection, result.rawValue, annualInspection.results[result] ?? 0, of: annualInspection.received))
        }
        lines.append(Line(inspection, "pending", annualInspection.pending, of: annualInspection.received))
        for grade in EvaluationGrade.all.reversed() { lines.append(Line("evaluation", grade.name, grades[grade] ?? 0, of: active)) }
        lines.append(Line("evaluation", "graded", grades.values.reduce(0, +), of: active))
        for list in CreditList.allCases {
            lines.append(Line("credit_lists", "\(list.rawValue) listed", listed[list] ?? 0, of: active))
            lines.append(Line("credit_lists", "\(list.rawValue) entered", creditMovements.entered[list] ?? 0))
            lines.append(Line("credit_lists", "\(list.rawValue) removed", creditMovements.removals(from: list)))
        }
        lines.append(Line("credit_lists", "removed late", creditMovements.removedLate))
        lines.append(Line("zombie", "cases opened", zombies.opened))
        for trigger in ZombieTrigger.allCases { lines.append(Line("zombie", trigger.rawValue, zombies.byTrigger[trigger] ?? 0, of: zombies.opened)) }
        for state in ZombieCaseState.allCases { lines.append(Line("zombie", state.rawValue, zombies.byState[state] ?? 0, of: zombies.opened)) }
        lines.append(Line("illegal", "cases received", illegal.received))
        for outcome in IllegalCaseOutcome.allCases { lines.append(Line("illegal", outcome.rawValue, illegal.outcomes[outcome] ?? 0, of: illegal.received)) }
        lines.append(Line("illegal", "open", illegal.open, of: illegal.received))
        lines.append(Line("illegal", "names published", illegal.published))
        return lines
    }

    /// The report as CSV: a header `section,measure,value,whole,percent`, one line per figure, UTF-8, LF
    /// line ends (the last line ended too); `whole` and `percent` empty when not a share; percentages
    /// with one decimal, half up ("40.1").
    public func csv() -> String {
        lines.reduce(ReportLine.csvHeader) { $0 + $1.csvRecord }
    }
}
