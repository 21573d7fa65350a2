import CivicDomain
import ProposalsDomain
import ProposalsService
import Testing

@Suite("Annual report arithmetic")
struct AnnualReportTests {
    @Test func percentagesRoundHalfUpFromIntegers() {
        #expect(Percentage(257, of: 728).description == "35.3")
        #expect(Percentage(356, of: 728).description == "48.9")
        #expect(Percentage(115, of: 728).description == "15.8")
        #expect(Percentage(1, of: 8).description == "12.5")  // exactly .x5 → up
        #expect(Percentage(1, of: 16).description == "6.3")  // 6.25 → 6.3
        #expect(Percentage(1, of: 3).description == "33.3")
        #expect(Percentage(2, of: 3).description == "66.7")
        #expect(Percentage(28, of: 28).description == "100.0")
        #expect(Percentage(0, of: 0).description == "0.0")
    }

    /// 嘉定区民政局2021年区建议提案办理工作总结 (seed 003): 28 items, 6 NPC suggestions
    /// (主办 4 on 养老 and 社会救助, 会办 2 on 养老) and 22 CPPCC proposals (主办 14: 养老 11,
    /// 社会组织 2, 基政 1; 会办 8: 养老 2, 社会救助 3, 社会组织 2, 基政 1); 3 key-supervised;
    /// all on time; 见面率, 答复率, 满意率 100%; of the lead items 16 resolved or fully
    /// adopted and 2 partly adopted; 6 more than the year before.
    static func jiading2021() -> [ReportGroup] {
        var groups: [ReportGroup] = []
        func add(_ kind: ItemKind, _ role: HandlingRole, _ topic: String, _ n: Int) {
            for _ in 0..<n {
                // Only a lead reply is rated; a co-handling opinion goes to the lead unit.
                groups.append(
                    ReportGroup(
                        kind: kind, role: role, topic: topic, answered: true, answeredOnTime: true, metFaceToFace: true,
                        satisfaction: role.isLead ? .satisfied : nil))
            }
        }
        add(.npcSuggestion, .leadSole, "elderly_care", 2)
        add(.npcSuggestion, .leadSole, "social_assistance", 2)
        add(.npcSuggestion, .coHandling, "elderly_care", 2)
        add(.cppccProposal, .leadSole, "elderly_care", 11)
        add(.cppccProposal, .leadSole, "social_organizations", 2)
        add(.cppccProposal, .leadSole, "grassroots_governance", 1)
        add(.cppccProposal, .coHandling, "elderly_care", 2)
        add(.cppccProposal, .coHandling, "social_assistance", 3)
        add(.cppccProposal, .coHandling, "social_organizations", 2)
        add(.cppccProposal, .coHandling, "grassroots_governance", 1)
        // Three key-supervised; 16 lead items fully adopted (result A), 2 partly (B).
        for i in [0, 6, 20] { groups[i].keySupervised = true }
        var lead = 0
        for i in groups.indices where groups[i].role?.isLead == true {
            groups[i].result = lead < 16 ? .a : .b
            groups[i].adoption = lead < 16 ? .full : .partial
            lead += 1
        }
        return groups
    }

    @Test func reproducesJiading2021() {
        let report = AnnualReport(year: 2021, groups: Self.jiading2021(), previousTotal: 22)
        #expect(report.total == 28)
        #expect(report.change == 6)
        #expect(report.byKind == [.npcSuggestion: 6, .cppccProposal: 22])
        #expect(report.byRole[.lead] == .init(count: 18, percent: Percentage(18, of: 28)))
        #expect(report.byRole[.lead]?.percent.description == "64.3")
        #expect(report.byRole[.coHandling]?.count == 10)
        #expect(report.byRole[.coHandling]?.percent.description == "35.7")
        #expect(report.byRole[.reference]?.count == 0)
        #expect(report.byKindAndRole[.npcSuggestion] == [.lead: 4, .coHandling: 2])
        #expect(report.byKindAndRole[.cppccProposal] == [.lead: 14, .coHandling: 8])
        let elderly = report.topics.first { $0.topic == "elderly_care" }
        #expect(elderly?.total.count == 17)  // 2 + 2 + 11 + 2
        #expect(elderly?.byRole[.lead]?.count == 13)
        #expect(elderly?.byRole[.coHandling]?.count == 4)
        #expect(report.topics.first?.topic == "elderly_care")  // largest first
        #expect(report.keySupervised == 3)
        #expect(report.onTime.percent.description == "100.0")
        #expect(report.faceToFace.percent.description == "100.0")
        #expect(report.answered.percent.description == "100.0")
        #expect(report.satisfactionOfFeedback.percent.description == "100.0")
        #expect(report.satisfactionOfReplies == .init(numerator: 18, denominator: 18))  // of the lead replies only
        #expect(report.leadAdoption == [.full: 16, .partial: 2])
        #expect(report.leadResults == [.a: 16, .b: 2])
    }

    /// 民政部2021年 (seed 000): 728 = 445 suggestions + 283 proposals; 主办 257 (35.3%),
    /// 协办/会办 356 (48.9%), 参阅 115 (15.8%); 养老 244 = 33.5% of all, and 42.4% of 主办.
    @Test func reproducesTheMinistry2021RoleSplit() {
        var groups: [ReportGroup] = []
        // Roles: 257 lead (of which 109 on elderly care), 356 co-handling, 115 reference;
        // elderly care 244 in all (109 lead + 100 co-handling + 35 reference).
        groups.append(ReportGroup(kind: .npcSuggestion, role: .leadSole, topic: "elderly_care", count: 109))
        groups.append(ReportGroup(kind: .npcSuggestion, role: .leadSplit, topic: "social_assistance", count: 100))
        groups.append(ReportGroup(kind: .cppccProposal, role: .leadSole, topic: "charity", count: 48))
        groups.append(ReportGroup(kind: .npcSuggestion, role: .coHandling, topic: "elderly_care", count: 100))
        groups.append(ReportGroup(kind: .npcSuggestion, role: .coHandling, topic: "other", count: 101))
        groups.append(ReportGroup(kind: .cppccProposal, role: .coHandling, topic: "other", count: 155))
        groups.append(ReportGroup(kind: .npcSuggestion, role: .reference, topic: "elderly_care", count: 35))
        groups.append(ReportGroup(kind: .cppccProposal, role: .reference, topic: "other", count: 80))
        let report = AnnualReport(year: 2021, groups: groups)
        #expect(report.total == 728)
        #expect(report.byKind == [.npcSuggestion: 445, .cppccProposal: 283])
        #expect(report.byRole[.lead]?.count == 257)
        #expect(report.byRole[.lead]?.percent.description == "35.3")
        #expect(report.byRole[.coHandling]?.count == 356)
        #expect(report.byRole[.coHandling]?.percent.description == "48.9")
        #expect(report.byRole[.reference]?.count == 115)
        #expect(report.byRole[.reference]?.percent.description == "15.8")
        let elderly = report.topics.first { $0.topic == "elderly_care" }
        #expect(elderly?.total.count == 244)
        #expect(elderly?.total.percent.description == "33.5")
        #expect(elderly?.byRole[.lead]?.percent.description == "42.4")
    }

    @Test func satisfactionHasTwoLabelledDefinitionsAndDissatisfactionCounts() {
        let groups = [
            ReportGroup(kind: .npcSuggestion, role: .leadSole, topic: "other", answered: true, answeredOnTime: true, satisfaction: .satisfied, count: 6),
            ReportGroup(
                kind: .npcSuggestion, role: .leadSole, topic: "other", answered: true, answeredOnTime: false, satisfaction: .basicallySatisfied, count: 2),
            ReportGroup(kind: .npcSuggestion, role: .leadSole, topic: "other", answered: true, answeredOnTime: true, satisfaction: .dissatisfied, count: 1),
            ReportGroup(kind: .npcSuggestion, role: .leadSole, topic: "other", answered: true, answeredOnTime: true, count: 1),  // no feedback yet
            ReportGroup(kind: .npcSuggestion, role: .coHandling, topic: "other", answered: false, count: 2),
        ]
        let report = AnnualReport(year: 2026, groups: groups)
        #expect(report.satisfactionOfFeedback == .init(numerator: 8, denominator: 9))
        #expect(report.satisfactionOfFeedback.percent.description == "88.9")
        #expect(report.satisfactionOfReplies == .init(numerator: 8, denominator: 10))
        #expect(report.answered == .init(numerator: 10, denominator: 12))
        #expect(report.onTime == .init(numerator: 8, denominator: 10))
    }

    @Test func csvExport() {
        let csv = AnnualReport(year: 2021, groups: Self.jiading2021(), previousTotal: 22).csv()
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines.first == "section,name,count,percent,of")
        #expect(lines.allSatisfy { $0.split(separator: ",", omittingEmptySubsequences: false).count == 5 })
        #expect(lines.contains("total,2021,28,,"))
        #expect(lines.contains("change,2020→2021,6,,"))
        #expect(lines.contains("role,lead,18,64.3,28"))
        #expect(lines.contains("role,co_handling,10,35.7,28"))
        #expect(lines.contains("topic,养老服务,17,60.7,28"))
        #expect(lines.contains("topic_role,养老服务/lead,13,72.2,18"))  // of the 主办 column
        #expect(lines.contains("rate,on_time,28,100.0,28"))
        #expect(lines.contains("lead_adoption,full,16,,"))
        #expect(lines.contains("lead_adoption,partial,2,,"))
        #expect(lines.contains("topic_role,基层政权/社区治理/lead,1,5.6,18"))
        // A name with a comma or a quote is quoted (RFC 4180), quotes doubled.
        let named = AnnualReport(year: 2021, groups: Self.jiading2021()).csv(topicNames: ["elderly_care": "养老,\"助餐\""])
        #expect(named.contains("\ntopic,\"养老,\"\"助餐\"\"\",17,60.7,28\n"))
        // Without the previous year's report there is no per-figure comparison.
        #expect(!lines.contains { $0.hasPrefix("change,kind/") })
    }

    /// Jiading 2020 as a smaller year: 22 items, 15 主办 (14 on time, 12 rated satisfied
    /// of 13 ratings) and 7 会办, 2 key-supervised.
    static func jiading2020() -> [ReportGroup] {
        [
            ReportGroup(
                kind: .npcSuggestion, role: .leadSole, topic: "elderly_care", keySupervised: true, answered: true, answeredOnTime: true,
                satisfaction: .satisfied, count: 2),
            ReportGroup(
                kind: .cppccProposal, role: .leadSole, topic: "elderly_care", answered: true, answeredOnTime: true, satisfaction: .satisfied, count: 10),
            ReportGroup(kind: .cppccProposal, role: .leadSole, topic: "other", answered: true, answeredOnTime: true, satisfaction: .dissatisfied, count: 1),
            ReportGroup(kind: .cppccProposal, role: .leadSole, topic: "other", answered: true, answeredOnTime: true, count: 1),
            ReportGroup(kind: .cppccProposal, role: .leadSole, topic: "other", answered: true, answeredOnTime: false, count: 1),
            ReportGroup(kind: .npcSuggestion, role: .coHandling, topic: "other", answered: true, answeredOnTime: true, count: 3),
            ReportGroup(kind: .cppccProposal, role: .coHandling, topic: "other", answered: true, answeredOnTime: true, count: 4),
        ]
    }

    @Test func everyFigureAgainstThePreviousYear() {
        let previous = AnnualReport(year: 2020, groups: Self.jiading2020())
        #expect(previous.total == 22)
        let report = AnnualReport(year: 2021, groups: Self.jiading2021(), previous: previous)
        #expect(report.previousTotal == 22)
        #expect(report.change == 6)
        let byFigure = Dictionary(uniqueKeysWithValues: report.yearOnYear.map { ($0.figure, $0) })
        #expect(
            report.yearOnYear.map(\.figure) == [
                "total", "kind/npc_suggestion", "kind/cppcc_proposal", "role/lead", "role/co_handling", "role/reference",
                "returned", "key_supervised", "key_supervised_units", "rate/on_time", "rate/face_to_face", "rate/answered",
                "rate/satisfaction_of_feedback", "rate/satisfaction_of_replies", "rate/publication", "rate/publication_on_time",
            ])
        #expect(byFigure["total"].map { [$0.previous, $0.current, $0.change] } == [22, 28, 6])
        #expect(byFigure["kind/npc_suggestion"].map { [$0.previous, $0.current, $0.change] } == [5, 6, 1])
        #expect(byFigure["kind/cppcc_proposal"].map { [$0.previous, $0.current, $0.change] } == [17, 22, 5])
        #expect(byFigure["role/lead"].map { [$0.previous, $0.current, $0.change] } == [15, 18, 3])
        #expect(byFigure["role/co_handling"].map { [$0.previous, $0.current, $0.change] } == [7, 10, 3])
        #expect(byFigure["key_supervised"].map { [$0.previous, $0.current, $0.change] } == [2, 3, 1])
        #expect(byFigure["role/lead"]?.changePoints == nil)  // a count has no points
        // On time: 21 of 22 (95.5%) → 28 of 28 (100.0%): +4.5 points.
        let onTime = byFigure["rate/on_time"]
        #expect(onTime?.previousRate == .init(numerator: 21, denominator: 22))
        #expect(onTime?.rate == .init(numerator: 28, denominator: 28))
        #expect(onTime?.changePoints == "+4.5")
        // Satisfaction of feedback: 12 of 13 (92.3%) → 18 of 18 (100.0%): +7.7 points.
        #expect(byFigure["rate/satisfaction_of_feedback"]?.changePoints == "+7.7")
        // Satisfaction of lead replies: 12 of 15 (80.0%) → 18 of 18: +20.0 points.
        #expect(byFigure["rate/satisfaction_of_replies"]?.changePoints == "+20.0")
        // Falling rates are signed too; a year with nothing to take a rate of gives none.
        let worse = AnnualReport(year: 2022, groups: Self.jiading2020(), previous: report)
        #expect(worse.yearOnYear.first { $0.figure == "rate/on_time" }?.changePoints == "-4.5")
        let empty = AnnualReport(year: 2022, groups: [], previous: report)
        #expect(empty.yearOnYear.first { $0.figure == "rate/on_time" }?.changePoints == nil)
        #expect(empty.yearOnYear.first { $0.figure == "total" }?.change == -28)
        // In the CSV: the previous year's figure, then the change.
        let lines = report.csv().split(separator: "\n").map(String.init)
        #expect(lines.contains("previous_year,kind/npc_suggestion,5,,"))
        #expect(lines.contains("change,kind/npc_suggestion,1,,"))
        #expect(lines.contains("previous_year,rate/on_time,21,95.5,22"))
        #expect(lines.contains("change,rate/on_time,7,+4.5,"))
    }

    @Test func percentagePointsAreSignedTenths() {
        #expect(Percentage(1, of: 2).points(since: Percentage(1, of: 4)) == "+25.0")
        #expect(Percentage(1, of: 4).points(since: Percentage(1, of: 2)) == "-25.0")
        #expect(Percentage(1, of: 3).points(since: Percentage(1, of: 3)) == "0.0")
        #expect(Percentage(353, of: 1000).points(since: Percentage(349, of: 1000)) == "+0.4")
    }
}
