import CivicCatalog
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import GatewayService
import ProposalsDomain
import ProposalsService
import Testing

/// Urging every owed deadline, the due list leaders watch, the topic list, and the
/// operator's warnings, through the gateway.
@Suite("Proposals urging, due list, topics and warnings", .serialized)
struct ProposalsUrgingTests {
    typealias Office = ProposalsWorkflowTests.Office

    /// Assigned 2026-03-10 as sole lead with a co-handling unit: its opinion is due
    /// 2026-04-10, the reply 2026-06-10.
    func leadWithCoHandlingUnit(_ office: Office, _ number: String) async throws -> String {
        let id = try await office.register(number)
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
                $0.units = [
                    .with {
                        $0.unit = "养老服务科"; $0.role = .leadSole
                    },
                    .with {
                        $0.unit = "社会救助科"; $0.role = .coHandling
                    },
                ]
            })
        _ = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"; $0.on = "2026-03-12"
            })
        return id
    }

    /// Assigned 2026-03-10 and replied 2026-05-20: publication is due 2026-06-17.
    func replied(_ office: Office, _ number: String) async throws -> String {
        let id = try await office.register(number)
        _ = try await office.staff.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
            })
        _ = try await office.staff.recordContact(
            .with {
                $0.id = id; $0.stage = .beforeHandling; $0.summary = "电话"; $0.on = "2026-03-12"
            })
        _ = try await office.staff.draftReply(
            .with {
                $0.id = id; $0.text = "答复"
            })
        _ = try await office.staff.signBySection(.with { $0.id = id })
        _ = try await office.leader.signOff(.with { $0.id = id })
        _ = try await office.staff.reportItem(.with { $0.id = id })
        _ = try await office.staff.replyItem(
            .with {
                $0.id = id; $0.result = .resultB; $0.adoption = .partlyAdopted; $0.on = "2026-05-20"
            })
        return id
    }

    func line(_ item: Civic_Proposals_V1_UrgedItem) -> String {
        "\(item.number) \(item.deadline)\(item.unit.isEmpty ? "" : "(\(item.unit))") \(item.due) \(item.urgency)\(item.escalated ? " escalated" : "")"
    }

    @Test func unitOpinionsAndPublicationsAreListedAndUrgedLikeReplies() async throws {
        let office = try await Office.open()
        let handling = try await leadWithCoHandlingUnit(office, "第26-200号")
        let published = try await replied(office, "第26-201号")
        let expected = [
            "第26-200号 unit_opinion(社会救助科) 2026-04-10 overdue escalated",
            "第26-200号 reply 2026-06-10 due_soon",
            "第26-201号 publication 2026-06-17 due_soon",
        ]

        // A leader watches the list; listing records nothing.
        let due = try await office.leader.listDueItems(.with { $0.today = "2026-06-05" })
        #expect(due.items.map(line) == expected)
        #expect(try await office.staff.getItem(.with { $0.id = handling }).item.urgeCount == 0)
        let overdue = try await office.leader.listDueItems(
            .with {
                $0.today = "2026-06-05"; $0.urgency = "overdue"
            })
        #expect(overdue.items.map(line) == [expected[0]])
        let badFilter = await rpcError { _ = try await office.leader.listDueItems(.with { $0.urgency = "late" }) }
        #expect(badFilter?.code == .invalidArgument)
        let badDay = await rpcError { _ = try await office.leader.listDueItems(.with { $0.today = "6/5" }) }
        #expect(badDay?.code == .invalidArgument)

        // A unit's staff see the deadlines of their unit's items only.
        let assistance = Civic_Proposals_V1_ProposalServiceClient(
            office.suite.caller(
                token: try await office.suite.issueKey(
                    NewKey(name: "社会救助科 陈刚", roles: [.staff], services: ["proposals"], subject: "社会救助科"))))
        #expect(try await assistance.listDueItems(.with { $0.today = "2026-06-05" }).items.map(line) == Array(expected[0...1]))
        // … and cannot run the urging, which records.
        #expect(await rpcError { _ = try await assistance.runUrging(.with { $0.today = "2026-06-05" }) }?.code == .permissionDenied)

        // The office's run urges each deadline once and records it on the item.
        let run = try await office.staff.runUrging(.with { $0.today = "2026-06-05" })
        #expect(run.items.map(line) == expected)
        #expect(run.items.map(\.urgeCount) == [1, 2, 1])
        #expect(try await office.staff.getItem(.with { $0.id = handling }).item.urgeCount == 2)
        #expect(try await office.staff.getItem(.with { $0.id = published }).item.urgeCount == 1)
        let history = try await office.staff.getItemHistory(.with { $0.id = handling }).entries.filter { $0.action == "urge" }
        #expect(
            history.map(\.reason) == [
                "社会救助科's opinion to the lead unit is overdue since 2026-04-10; escalated to the leaders",
                "the reply is due on 2026-06-10",
            ])
        #expect(history.first?.detail == "→ handling; deadline=unit_opinion unit=社会救助科 urgency=overdue run=2026-06-05")

        // Once the unit's opinion is in and the reply published, nothing is owed.
        _ = try await office.staff.recordUnitOpinion(
            .with {
                $0.id = handling; $0.unit = "社会救助科"; $0.opinion = "同意"; $0.on = "2026-06-05"
            })
        _ = try await office.staff.publishReply(
            .with {
                $0.id = published; $0.on = "2026-06-05"
            })
        #expect(try await office.leader.listDueItems(.with { $0.today = "2026-06-05" }).items.map(line) == [expected[1]])
        await office.suite.stop()
    }

    @Test func theTopicListIsReadableByDeputies() async throws {
        let office = try await Office.open()
        let topics = try await office.deputy.listTopics(.init()).topics
        #expect(topics.map(\.code) == TopicCatalog.standard.topics.map(\.code))
        #expect(topics.first?.name == "养老服务")
        #expect(topics.allSatisfy { !$0.retired })
        // A retired or unknown topic is refused at registration with the field named.
        var request = registerRequest(number: "第26-300号", year: 2026)
        request.topic = "weather"
        let unknown = await rpcError { _ = try await office.staff.registerItem(request) }
        #expect(unknown?.code == .invalidArgument)
        #expect(unknown?.details.map(\.field) == ["topic"])
        await office.suite.stop()
    }

    @Test func operatorWarningsReachHealthThroughTheGateway() async throws {
        let suite = try await RunningSuite.start()
        // What the proposals service warns about today (a provisional holiday year within its
        // deadlines' reach, if any), and each other service about its calendar, as the
        // gateway passes them on (sorted).
        let today = CivilDate.today()
        let others = ServiceCatalog.serviceNames.filter { $0 != "proposals" }.flatMap { name in
            CalendarWarning.warnings(.standard, today: today).map { "\(name): \($0)" }
        }
        let expected = (try ProposalsSettings(environment: [:]).warnings(today: today, topicsInUse: []).map { "proposals: \($0)" } + others).sorted()
        let health = try await Civic_Health_V1_HealthClient(suite.gatewayClient()).check(.init())
        #expect(health.status == .serving)
        #expect(health.warnings == expected)
        let direct = try await suite.http("GET", "/healthz", token: nil)
        #expect(direct.status == 200)
        let body = try JSONSerialization.jsonObject(with: Data(direct.body.utf8)) as? [String: Any]
        #expect(body?["warnings"] as? [String] == expected)
        await suite.stop()
    }
}
