import CivicDomain

/// One figure of the report against the same figure a year earlier (比上年增减).
public struct YearOnYear: Sendable, Equatable {
    /// What is compared: `total`, `kind/npc_suggestion`, `role/lead`, `key_supervised`,
    /// `key_supervised_units`, `rate/on_time`, …
    public let figure: String
    public let previous: Int
    public let current: Int
    /// For rates: both years' rates; nil for plain counts.
    public let previousRate: AnnualReport.Rate?
    public let rate: AnnualReport.Rate?

    public init(figure: String, previous: Int, current: Int, previousRate: AnnualReport.Rate? = nil, rate: AnnualReport.Rate? = nil) {
        self.figure = figure
        self.previous = previous
        self.current = current
        self.previousRate = previousRate
        self.rate = rate
    }

    public var change: Int { current - previous }

    /// The rate's change in percentage points; nil for counts, or when either year has
    /// nothing to take a rate of (a rate of no items is no rate, not 0%).
    public var changePoints: String? {
        guard let previousRate, let rate, previousRate.denominator > 0, rate.denominator > 0 else { return nil }
        return rate.percent.points(since: previousRate.percent)
    }
}

/// One group of items a year's report counts: the items sharing every dimension, and how
/// many they are. The store produces these with one GROUP BY; tests build them by hand.
public struct ReportGroup: Sendable, Equatable {
    public var kind: ItemKind
    public var role: HandlingRole?
    public var topic: String
    public var keySupervised: Bool
    /// The bureau's answer (reply, or 协办 opinion) is out.
    public var answered: Bool
    /// … and was out by its deadline.
    public var answeredOnTime: Bool
    /// At least one face-to-face contact with the proposer (见面).
    public var metFaceToFace: Bool
    public var result: ReplyResult?
    public var adoption: Adoption?
    /// The latest rating received, if any.
    public var satisfaction: Satisfaction?
    /// Returned (退回) as wrongly assigned: never the bureau's to handle.
    public var returned: Bool
    /// The reply is published (公开), and was published within its limit.
    public var published: Bool
    public var publishedOnTime: Bool
    public var count: Int

    public init(
        kind: ItemKind, role: HandlingRole?, topic: String, keySupervised: Bool = false, answered: Bool = false,
        answeredOnTime: Bool = false, metFaceToFace: Bool = false, result: ReplyResult? = nil, adoption: Adoption? = nil,
        satisfaction: Satisfaction? = nil, returned: Bool = false, published: Bool = false, publishedOnTime: Bool = false, count: Int = 1
    ) {
        self.returned = returned
        self.published = published
        self.publishedOnTime = publishedOnTime
        self.kind = kind
        self.role = role
        self.topic = topic
        self.keySupervised = keySupervised
        self.answered = answered
        self.answeredOnTime = answeredOnTime
        self.metFaceToFace = metFaceToFace
        self.result = result
        self.adoption = adoption
        self.satisfaction = satisfaction
        self.count = count
    }
}

/// The annual report on 建议提案办理 — the figures the seeds publish: totals by kind; by the
/// bureau's role with percentages; by topic and topic × role; key-supervised items; the
/// on-time rate; 见面率, 答复率, 满意率; results and adoption of lead items; change on the
/// previous year. Pure arithmetic over `ReportGroup`s.
public struct AnnualReport: Sendable, Equatable {
    /// The report's role columns: 主办 (独办 + 分办), 协办/会办, 参阅. Items not yet assigned
    /// count in the totals only.
    public enum RoleColumn: String, Sendable, CaseIterable {
        case lead
        case coHandling = "co_handling"
        case reference

        init?(_ role: HandlingRole?) {
            guard let role else { return nil }
            switch role {
            case .leadSole, .leadSplit: self = .lead
            case .coHandling: self = .coHandling
            case .reference: self = .reference
            }
        }
    }

    public struct Share: Sendable, Equatable {
        public let count: Int
        public let percent: Percentage
        public init(count: Int, percent: Percentage) {
            self.count = count
            self.percent = percent
        }
    }

    public struct TopicLine: Sendable, Equatable {
        public let topic: String
        public let total: Share
        /// Per role: the count and its share of that role's column (养老 = 42.4% of 主办).
        public let byRole: [RoleColumn: Share]
    }

    public struct Rate: Sendable, Equatable {
        public let numerator: Int
        public let denominator: Int
        public init(numerator: Int, denominator: Int) {
            self.numerator = numerator
            self.denominator = denominator
        }
        public var percent: Percentage { Percentage(numerator, of: denominator) }
    }

    public let year: Int
    /// The items the bureau handles that year (承办): every item of the year but the returned.
    public let total: Int
    /// Items returned as wrongly assigned (退回): outside the total and every other figure.
    public let returned: Int
    /// Items in the total not yet assigned a role (so the role shares fall short of 100%).
    public var unassigned: Int { total - RoleColumn.allCases.reduce(0) { $0 + (byRole[$1]?.count ?? 0) } }
    public let byKind: [ItemKind: Int]
    public let byRole: [RoleColumn: Share]
    public let byKindAndRole: [ItemKind: [RoleColumn: Int]]
    public let topics: [TopicLine]
    public let keySupervised: Int
    /// 重点督办 项数: items merged into one key-supervised item count once.
    public let keySupervisedUnits: Int
    /// 按期答复率: answered by the deadline / items due by the report's date — answered, or
    /// overdue and still unanswered (主办 and 协办). An overdue item counts against it.
    public let onTime: Rate
    /// Handled items past their deadline and not answered on the report's date.
    public let overdueUnanswered: Int
    /// 见面率: items with a face-to-face contact / items handled (主办 and 协办).
    public let faceToFace: Rate
    /// 答复率: items answered / items handled (主办 and 协办).
    public let answered: Rate
    /// 满意率 as (满意 + 基本满意) / feedback received.
    public let satisfactionOfFeedback: Rate
    /// 满意率 as (满意 + 基本满意) / lead items replied.
    public let satisfactionOfReplies: Rate
    /// 公开率: 主办 replies published / 主办 items answered (replied).
    public let publication: Rate
    /// 按期公开率: published within the limit (20 working days) / published.
    public let publicationOnTime: Rate
    /// Lead items by result A/B/C and by adoption.
    public let leadResults: [ReplyResult: Int]
    public let leadAdoption: [Adoption: Int]
    /// The previous year's total and the change, when known.
    public let previousTotal: Int?
    public var change: Int? { previousTotal.map { total - $0 } }
    /// Every count and rate against the previous year's report, when it was given.
    public private(set) var yearOnYear: [YearOnYear] = []

    /// `previous` is the year before's report: its total becomes `previousTotal` (unless
    /// given) and each figure is compared with it in `yearOnYear`.
    /// `overdueUnanswered`: handled items past their deadline and not answered on the
    /// report's date (the groups carry no dates, so the store counts them).
    public init(
        year: Int, groups: [ReportGroup], previousTotal: Int? = nil, keySupervisedUnits: Int? = nil, overdueUnanswered: Int = 0,
        previous: AnnualReport? = nil
    ) {
        self.year = year
        self.previousTotal = previousTotal ?? previous?.total
        var total = 0
        var returned = 0
        var byKind: [ItemKind: Int] = [:]
        var roleCounts: [RoleColumn: Int] = [:]
        var kindRole: [ItemKind: [RoleColumn: Int]] = [:]
        var topicTotals: [String: Int] = [:]
        var topicRole: [String: [RoleColumn: Int]] = [:]
        var key = 0
        var handled = 0
        var answeredCount = 0
        var onTimeCount = 0
        var met = 0
        var feedback = 0
        var satisfied = 0
        var leadReplied = 0
        var leadSatisfied = 0
        var published = 0
        var publishedOnTime = 0
        var results: [ReplyResult: Int] = [:]
        var adoption: [Adoption: Int] = [:]
        for group in groups {
            let n = group.count
            if group.returned {
                returned += n
                continue
            }
            total += n
            byKind[group.kind, default: 0] += n
            topicTotals[group.topic, default: 0] += n
            if group.keySupervised { key += n }
            guard let column = RoleColumn(group.role) else { continue }
            roleCounts[column, default: 0] += n
            kindRole[group.kind, default: [:]][column, default: 0] += n
            topicRole[group.topic, default: [:]][column, default: 0] += n
            if column == .reference { continue }
            handled += n
            if group.metFaceToFace { met += n }
            if group.answered {
                answeredCount += n
                if group.answeredOnTime { onTimeCount += n }
            }
            if column == .lead && group.answered {
                leadReplied += n
                if group.published {
                    published += n
                    if group.publishedOnTime { publishedOnTime += n }
                }
                if let result = group.result { results[result, default: 0] += n }
                if let a = group.adoption { adoption[a, default: 0] += n }
            }
            if let rating = group.satisfaction {
                feedback += n
                if rating != .dissatisfied {
                    satisfied += n
                    if column == .lead && group.answered { leadSatisfied += n }
                }
            }
        }
        self.total = total
        self.returned = returned
        self.byKind = byKind
        self.byRole = Dictionary(
            uniqueKeysWithValues: RoleColumn.allCases.map { ($0, Share(count: roleCounts[$0] ?? 0, percent: Percentage(roleCounts[$0] ?? 0, of: total))) })
        self.byKindAndRole = kindRole
        self.topics = topicTotals.keys.sorted { (topicTotals[$0]!, $1) > (topicTotals[$1]!, $0) }.map { topic in
            TopicLine(
                topic: topic, total: Share(count: topicTotals[topic]!, percent: Percentage(topicTotals[topic]!, of: total)),
                byRole: Dictionary(
                    uniqueKeysWithValues: RoleColumn.allCases.map { column in
                        let n = topicRole[topic]?[column] ?? 0
                        return (column, Share(count: n, percent: Percentage(n, of: roleCounts[column] ?? 0)))
                    }))
        }
        self.keySupervised = key
        self.keySupervisedUnits = keySupervisedUnits ?? key
        self.overdueUnanswered = overdueUnanswered
        self.onTime = Rate(numerator: onTimeCount, denominator: answeredCount + overdueUnanswered)
        self.faceToFace = Rate(numerator: met, denominator: handled)
        self.answered = Rate(numerator: answeredCount, denominator: handled)
        self.satisfactionOfFeedback = Rate(numerator: satisfied, denominator: feedback)
        self.satisfactionOfReplies = Rate(numerator: leadSatisfied, denominator: leadReplied)
        self.publication = Rate(numerator: published, denominator: leadReplied)
        self.publicationOnTime = Rate(numerator: publishedOnTime, denominator: published)
        self.leadResults = results
        self.leadAdoption = adoption
        if let previous { yearOnYear = compared(with: previous) }
    }

    /// The rates, named as the answer and the CSV name them.
    public var rates: [(name: String, rate: Rate)] {
        [
            ("on_time", onTime), ("face_to_face", faceToFace), ("answered", answered),
            ("satisfaction_of_feedback", satisfactionOfFeedback), ("satisfaction_of_replies", satisfactionOfReplies),
            ("publication", publication), ("publication_on_time", publicationOnTime),
        ]
    }

    /// Each count and rate of this report against `previous` (the year before).
    public func compared(with previous: AnnualReport) -> [YearOnYear] {
        var lines = [YearOnYear(figure: "total", previous: previous.total, current: total)]
        for kind in ItemKind.allCases {
            lines.append(YearOnYear(figure: "kind/\(kind.rawValue)", previous: previous.byKind[kind] ?? 0, current: byKind[kind] ?? 0))
        }
        for column in RoleColumn.allCases {
            lines.append(YearOnYear(figure: "role/\(column.rawValue)", previous: previous.byRole[column]?.count ?? 0, current: byRole[column]?.count ?? 0))
        }
        lines.append(YearOnYear(figure: "returned", previous: previous.returned, current: returned))
        lines.append(YearOnYear(figure: "key_supervised", previous: previous.keySupervised, current: keySupervised))
        lines.append(YearOnYear(figure: "key_supervised_units", previous: previous.keySupervisedUnits, current: keySupervisedUnits))
        for ((name, rate), (_, earlier)) in zip(rates, previous.rates) {
            lines.append(YearOnYear(figure: "rate/\(name)", previous: earlier.numerator, current: rate.numerator, previousRate: earlier, rate: rate))
        }
        return lines
    }

    /// The report as CSV (UTF-8): `section,name,count,percent,of`, one line per figure;
    /// `of` is what a percentage is taken of (its denominator), empty where there is none.
    public func csv(topicNames: [String: String] = TopicCatalog.standard.codes) -> String {
        var lines = ["section,name,count,percent,of"]
        func line(_ section: String, _ name: String, _ count: Int, _ percent: String = "", of whole: Int? = nil) {
            lines.append("\(section),\(CSV.field(name)),\(count),\(percent),\(whole.map(String.init) ?? "")")
        }
        func share(_ section: String, _ name: String, _ count: Int, of whole: Int) {
            line(section, name, count, Percentage(count, of: whole).description, of: whole)
        }
        line("total", "\(year)", total)
        if let previousTotal, let change { line("previous_year", "\(year - 1)", previousTotal); line("change", "\(year - 1)→\(year)", change) }
        line("returned", "退回", returned)
        for kind in ItemKind.allCases { line("kind", kind.rawValue, byKind[kind] ?? 0) }
        for column in RoleColumn.allCases { share("role", column.rawValue, byRole[column]!.count, of: total) }
        share("role", "unassigned", unassigned, of: total)
        for kind in ItemKind.allCases {
            for column in RoleColumn.allCases { line("kind_role", "\(kind.rawValue)/\(column.rawValue)", byKindAndRole[kind]?[column] ?? 0) }
        }
        for topic in topics {
            let name = topicNames[topic.topic] ?? topic.topic
            share("topic", name, topic.total.count, of: total)
            for column in RoleColumn.allCases {
                share("topic_role", "\(name)/\(column.rawValue)", topic.byRole[column]!.count, of: byRole[column]!.count)
            }
        }
        line("key_supervised", "重点督办(件)", keySupervised)
        line("key_supervised", "重点督办(项)", keySupervisedUnits)
        line("overdue", "overdue_unanswered 逾期未答复", overdueUnanswered)
        let labels = [
            "on_time": "on_time", "face_to_face": "face_to_face 见面率", "answered": "answered 答复率",
            "satisfaction_of_feedback": "satisfaction_of_feedback 满意率(反馈)", "satisfaction_of_replies": "satisfaction_of_replies 满意率(答复)",
            "publication": "publication 公开率", "publication_on_time": "publication_on_time 按期公开率",
        ]
        for (name, rate) in rates { share("rate", labels[name] ?? name, rate.numerator, of: rate.denominator) }
        for result in ReplyResult.allCases { line("lead_result", result.rawValue, leadResults[result] ?? 0) }
        for a in Adoption.allCases { line("lead_adoption", a.rawValue, leadAdoption[a] ?? 0) }
        // Year on year: the previous year's figure, then the change (rates: in points).
        for figure in yearOnYear where figure.figure != "total" {
            if let earlier = figure.previousRate {
                share("previous_year", figure.figure, earlier.numerator, of: earlier.denominator)
            } else {
                line("previous_year", figure.figure, figure.previous)
            }
            line("change", figure.figure, figure.change, figure.changePoints ?? "")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
