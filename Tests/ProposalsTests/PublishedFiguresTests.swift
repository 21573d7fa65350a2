import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import Logging
import ProposalsDomain
import ProposalsService
import Testing

/// The published figures again, this time from items walked through the real handler
/// (every gate, every deadline) and counted by the store's triggers: the numbers a
/// bureau would get from its own database, not from prepared groups.
@Suite("Published figures from the database")
struct PublishedFiguresTests {
    /// An office call from inside the bureau (no principal: the proposals office, leaders' steps included).
    let context = RPCContext(method: "", metadata: [:], deadline: nil, logger: Logger(label: "test"))

    func makeHandler() throws -> ProposalsHandler {
        ProposalsHandler(store: try makeStore(), today: { CivilDate("2022-01-10")! })
    }

    func register(_ handler: ProposalsHandler, year: Int32, number: String, kind: Civic_Proposals_V1_ItemKind, topic: String, key: Bool = false) async throws
        -> String
    {
        var request = Civic_Proposals_V1_RegisterItemRequest()
        request.kind = kind
        request.year = year
        request.number = number
        request.title = "建议"
        request.topic = topic
        request.keySupervised = key
        request.proposers = [
            .with {
                $0.name = "代表"; $0.lead = true; $0.memberID = "M-\(number)"
            }
        ]
        return try await handler.registerItem(request, context: context).item.id
    }

    /// One item through every gate its role has: assigned 2021-03-10, met face to face,
    /// drafted, signed, signed off, reported on time; a lead item replied, published and
    /// rated 满意.
    func handle(_ handler: ProposalsHandler, _ id: String, role: Civic_Proposals_V1_HandlingRole, adoption: Civic_Proposals_V1_Adoption = .fullyAdopted)
        async throws
    {
        _ = try await handler.assignItem(
            .with {
                $0.id = id; $0.role = role; $0.on = "2021-03-10"
            }, context: context)
        _ = try await handler.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.faceToFace = true; $0.summary = "上门走访"; $0.on = "2021-03-20"
            }, context: context)
        _ = try await handler.draftReply(
            .with {
                $0.id = id; $0.text = "答复"
            }, context: context)
        _ = try await handler.signBySection(.with { $0.id = id }, context: context)
        _ = try await handler.signOff(.with { $0.id = id }, context: context)
        _ = try await handler.reportItem(
            .with {
                $0.id = id; $0.on = "2021-04-08"
            }, context: context)
        guard role == .leadSole else { return }
        let full = adoption == .fullyAdopted
        _ = try await handler.replyItem(
            .with {
                $0.id = id; $0.result = full ? .resultA : .resultB; $0.adoption = adoption; $0.on = "2021-05-28"
            }, context: context)
        // 对主办件的办理复文……进行了全文主动公开: within 20 working days (due 2021-06-25).
        _ = try await handler.publishReply(
            .with {
                $0.id = id; $0.on = "2021-06-10"
            }, context: context)
        _ = try await handler.giveFeedback(
            .with {
                $0.id = id; $0.rating = .satisfied; $0.on = "2021-06-15"
            }, context: context)
    }

    /// 嘉定区民政局2021年区建议提案办理工作总结 (seed 003).
    @Test func jiading2021() async throws {
        let handler = try makeHandler()
        // 代表建议 6: 主办 4 (养老 2, 社会救助 2), 会办 2 (养老); 政协提案 22: 主办 14 (养老 11,
        // 社会组织 2, 基政 1), 会办 8 (养老 2, 社会救助 3, 社会组织 2, 基政 1).
        let plan: [(Civic_Proposals_V1_ItemKind, Civic_Proposals_V1_HandlingRole, String, Int)] = [
            (.npcSuggestion, .leadSole, "elderly_care", 2), (.npcSuggestion, .leadSole, "social_assistance", 2),
            (.npcSuggestion, .coHandling, "elderly_care", 2),
            (.cppccProposal, .leadSole, "elderly_care", 11), (.cppccProposal, .leadSole, "social_organizations", 2),
            (.cppccProposal, .leadSole, "grassroots_governance", 1),
            (.cppccProposal, .coHandling, "elderly_care", 2), (.cppccProposal, .coHandling, "social_assistance", 3),
            (.cppccProposal, .coHandling, "social_organizations", 2), (.cppccProposal, .coHandling, "grassroots_governance", 1),
        ]
        var n = 0
        var lead = 0
        for (kind, role, topic, count) in plan {
            for _ in 0..<count {
                n += 1
                // Three key-supervised (区领导重点督办); of the lead items 16 fully adopted, 2 partly.
                let id = try await register(handler, year: 2021, number: "第21-\(n)号", kind: kind, topic: topic, key: [1, 7, 21].contains(n))
                if role == .leadSole { lead += 1 }
                try await handle(handler, id, role: role, adoption: role == .leadSole && lead > 16 ? .partlyAdopted : .fullyAdopted)
            }
        }
        // 2020: 22 items ("比去年增加6件").
        for i in 1...22 { _ = try await register(handler, year: 2020, number: "第20-\(i)号", kind: .cppccProposal, topic: "other") }

        let report = try await handler.getAnnualReport(.with { $0.year = 2021 }, context: context)
        #expect(report.total == 28)
        #expect(report.previousTotal == 22 && report.change == 6)
        #expect(report.byKind.map { "\($0.name)=\($0.count)" } == ["npc_suggestion=6", "cppcc_proposal=22"])
        #expect(report.byRole.map { "\($0.name)=\($0.count) \($0.percent)%" } == ["lead=18 64.3%", "co_handling=10 35.7%", "reference=0 0.0%"])
        #expect(
            report.byKindAndRole.map { "\($0.name)=\($0.count)" } == [
                "npc_suggestion/lead=4", "npc_suggestion/co_handling=2", "npc_suggestion/reference=0",
                "cppcc_proposal/lead=14", "cppcc_proposal/co_handling=8", "cppcc_proposal/reference=0",
            ])
        #expect(
            report.topics.map { t in "\(t.topic)=\(t.total.count) (\(t.byRole[0].count)+\(t.byRole[1].count))" } == [
                "elderly_care=17 (13+4)", "social_assistance=5 (2+3)", "social_organizations=4 (2+2)", "grassroots_governance=2 (1+1)",
            ])
        #expect(report.keySupervised == 3)
        #expect(report.returned == 0 && report.unassigned == 0 && report.overdueUnanswered == 0)
        // 所有建议提案件均在规定时限内办结完成，见面率、答复率、满意率达100%.
        let rates = [report.onTime, report.faceToFace, report.answered, report.satisfactionOfFeedback, report.satisfactionOfReplies]
        #expect(
            rates.map { "\($0.name) \($0.count)/\($0.denominator) \($0.percent)%" } == [
                "on_time 28/28 100.0%", "face_to_face 28/28 100.0%", "answered 28/28 100.0%",
                "satisfaction_of_feedback 18/18 100.0%", "satisfaction_of_replies 18/18 100.0%",  // only 主办 replies are rated
            ])
        #expect("\(report.publication.count)/\(report.publication.denominator) \(report.publication.percent)%" == "18/18 100.0%")
        #expect("\(report.publicationOnTime.count)/\(report.publicationOnTime.denominator)" == "18/18")
        // 16件为解决(或全部采纳)，2件为部分采纳.
        #expect(report.leadAdoption.map { "\($0.name)=\($0.count)" } == ["full=16", "partial=2", "none=0"])
        #expect(report.leadResults.map { "\($0.name)=\($0.count)" } == ["A=16", "B=2", "C=0"])
    }

    /// 民政部2021年建议提案办理工作 (seed 000): 728 = 445 + 283; 主办 257 (35.3%), 协办/会办
    /// 356 (48.9%), 参阅 115 (15.8%); 养老 244 (33.5% of all, 42.4% of 主办).
    @Test func ministry2021RoleSplit() async throws {
        let handler = try makeHandler()
        let plan: [(String, String, Civic_Proposals_V1_HandlingRole, Int)] = [
            ("NPC_SUGGESTION", "elderly_care", .leadSole, 109), ("NPC_SUGGESTION", "social_assistance", .leadSplit, 100),
            ("CPPCC_PROPOSAL", "charity", .leadSole, 48), ("NPC_SUGGESTION", "elderly_care", .coHandling, 100),
            ("NPC_SUGGESTION", "other", .coHandling, 101), ("CPPCC_PROPOSAL", "other", .coHandling, 155),
            ("NPC_SUGGESTION", "elderly_care", .reference, 35), ("CPPCC_PROPOSAL", "other", .reference, 80),
        ]
        // Registered as the NPC/CPPCC systems send them: one import file (one transaction).
        var lines: [String] = []
        var roles: [Civic_Proposals_V1_HandlingRole] = []
        for (kind, topic, role, count) in plan {
            for _ in 0..<count {
                lines.append(
                    #"{"kind":"\#(kind)","year":2021,"number":"第\#(lines.count + 1)号","title":"建议","topic":"\#(topic)","proposers":[{"name":"代表","lead":true}]}"#
                )
                roles.append(role)
            }
        }
        let imported = try await handler.importItems(
            .with {
                $0.format = .jsonLines; $0.content = lines.joined(separator: "\n")
            }, context: context)
        #expect(imported.imported == 728)
        for (id, role) in zip(imported.ids, roles) {
            _ = try await handler.assignItem(
                .with {
                    $0.id = id; $0.role = role; $0.on = "2021-03-10"
                }, context: context)
        }
        let report = try await handler.getAnnualReport(.with { $0.year = 2021 }, context: context)
        #expect(report.total == 728)
        #expect(report.byKind.map(\.count) == [445, 283])
        #expect(report.byRole.map { "\($0.name)=\($0.count) \($0.percent)%" } == ["lead=257 35.3%", "co_handling=356 48.9%", "reference=115 15.8%"])
        let elderly = report.topics.first { $0.topic == "elderly_care" }
        #expect(
            elderly.map { "\($0.total.count) \($0.total.percent)% of \($0.total.denominator); \($0.byRole[0].percent)% of \($0.byRole[0].denominator)" }
                == "244 33.5% of 728; 42.4% of 257")
        #expect(report.csv.contains("role,lead,257,35.3,728\nrole,co_handling,356,48.9,728\nrole,reference,115,15.8,728\n"))
    }
}
