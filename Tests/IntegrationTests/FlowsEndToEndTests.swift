import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import EnforcementService
import Foundation
import GatewayService
import Testing

/// The flows between running services (docs/FLOWS.md): each service's own dispatcher delivering
/// to another directly, sealed with the suite's internal key.
@Suite("Flows end to end", .serialized)
struct FlowsEndToEndTests {
    typealias Elder = Civic_Eldercare_V1_EldercareServiceClient
    typealias Bureau = ElderBureau

    /// A direct, sealed admin caller of one service's `Flows` (what `civic flows` does).
    static func flows(_ suite: RunningSuite, _ name: String) throws -> (Civic_Flows_V1_FlowsClient, RPCClient) {
        let client = RPCClient(host: "127.0.0.1", port: suite.ports[name]!)
        let caller = SealedCaller(
            client: client, seal: try GatewaySeal(secret: suite.internalKey), principal: Principal(id: "test-operator", roles: [.admin]))
        return (Civic_Flows_V1_FlowsClient(caller), client)
    }

    /// Registers 文峰区颐养院 and inspects it through the gateway; item 0 (fire safety) fails as 重大.
    static func inspectWithAMajorFinding(_ zhao: Elder, on day: String) async throws -> (institution: String, finding: String) {
        _ = try await zhao.loadDivisions(.with { $0.divisions = Bureau.divisions })
        let institution = try await zhao.registerInstitution(
            .with {
                $0.institution = .with {
                    $0.name = "文峰区颐养院"; $0.creditCode = Bureau.yiyang; $0.ownership = .publicBuiltPrivatelyRun; $0.nature = .nonProfit
                    $0.operatorName = "安康养老服务有限公司"; $0.county = Bureau.county; $0.street = "410502001"; $0.community = "410502001003"
                    $0.beds = 120; $0.nursingBeds = 60; $0.openedOn = "2026-03-01"; $0.fireSafety = .passed
                }
            }
        ).institution.id
        _ = try await zhao.loadChecklist(.with { $0.json = EldercareInspectionTests.sampleChecklist })
        for (inspector, name) in [("J-01", "赵敏"), ("J-02", "钱明")] {
            _ = try await zhao.putInspector(
                .with {
                    $0.inspector = .with {
                        $0.id = inspector; $0.name = name; $0.active = true
                    }
                })
        }
        let task = try await zhao.createInspectionTask(
            .with {
                $0.county = Bureau.county; $0.seed = "福彩3D 2026110期 285"; $0.plannedOn = day
                $0.ratios = [Civic_Eldercare_V1_RiskClass.low, .medium, .high].map { risk in
                    .with {
                        $0.riskClass = risk; $0.perMille = 1000
                    }
                }
            })
        let inspection = task.inspectionIds[0]
        _ = try await zhao.startInspection(
            .with {
                $0.id = inspection; $0.on = day
            })
        let items = try await zhao.getChecklist(.init()).items
        let recorded = try await zhao.recordInspection(
            .with {
                $0.id = inspection; $0.on = day
                $0.results = items.enumerated().map { i, item in
                    .with {
                        $0.itemCode = item.code; $0.outcome = i == 0 ? .fail : .pass; $0.note = i == 0 ? "疏散通道堆放杂物，消防门锁闭" : ""
                        $0.level = i == 0 ? .major : .general
                    }
                }
            }
        ).inspection
        return (institution, recorded.findingIds[0])
    }

    /// A 重大 fire-safety finding recorded at eldercare becomes one lead at enforcement, with the
    /// institution as its subject and the evidence and legal basis in it; saving the finding again
    /// sends nothing more; both services' figures show the message.
    @Test func aMajorFindingBecomesOneLeadAtEnforcement() async throws {
        let suite = try await RunningSuite.start()
        let zhaoToken = try await suite.issueKey(
            NewKey(name: "养老科 赵敏", roles: [.staff], services: ["eldercare"], division: Bureau.county, subject: "J-01"))
        let squadToken = try await suite.issueKey(NewKey(name: "执法大队", roles: [.staff], services: ["enforcement"], division: Bureau.county))
        let callers = [suite.caller(token: zhaoToken), suite.caller(token: squadToken)]
        let zhao = Elder(callers[0])
        let squad = Civic_Enforcement_V1_EnforcementServiceClient(callers[1])
        let (eldercareFlows, eldercareClient) = try Self.flows(suite, "eldercare")
        let (enforcementFlows, enforcementClient) = try Self.flows(suite, "enforcement")
        do {
            let (_, finding) = try await Self.inspectWithAMajorFinding(zhao, on: "2026-11-02")
            try await waitUntil { try await squad.listLeads(.init()).leads.count == 1 }
            let lead = try await squad.listLeads(.init()).leads[0]
            #expect((lead.id, lead.source, lead.referredBy, lead.reference) == ("L000001", .serviceReferral, "eldercare", "eldercare-finding:\(finding)"))
            #expect((lead.subject.name, lead.subject.id, lead.division) == ("文峰区颐养院", Bureau.yiyang, Bureau.county))
            #expect(lead.summary.contains("疏散通道堆放杂物") && lead.summary.contains("major_hazard") && lead.summary.contains("fire_safety"))

            // Saving the finding again (closed at 复查) queues nothing more.
            let closed = try await zhao.reinspectFinding(
                .with {
                    $0.id = finding; $0.on = "2026-11-03"; $0.inspectorIds = ["J-01", "J-02"]; $0.rectified = true; $0.note = "已清理疏散通道"
                }
            ).finding
            #expect(closed.state == .findingClosed)
            let sent = try await eldercareFlows.listFlows(.init())
            #expect(
                sent.flows.map { "\($0.destination) \($0.type) \($0.pending) \($0.delivered) \($0.dead)" } == [
                    "enforcement civic.flows.v1.FindingReferred 0 1 0"
                ])
            let received = try await enforcementFlows.listFlows(.init())
            #expect(received.received.map { "\($0.producer) \($0.type) \($0.applied)" } == ["eldercare civic.flows.v1.FindingReferred 1"])
            let outbox = try await eldercareFlows.listOutbox(.init()).entries
            #expect(outbox.map { "\($0.aggregate) #\($0.sequence) \($0.state) \($0.result)" } == ["finding:\(finding) #1 delivered lead L000001"])
            #expect(try await squad.listLeads(.init()).leads.count == 1)
        } catch {
            for caller in callers { await caller.close() }
            await eldercareClient.close()
            await enforcementClient.close()
            await suite.stop()
            throw error
        }
        for caller in callers { await caller.close() }
        await eldercareClient.close()
        await enforcementClient.close()
        await suite.stop()
    }

    /// Enforcement is down when the finding is recorded: the message waits in eldercare's outbox and
    /// is delivered once enforcement is back.
    @Test func aReferralWaitsForEnforcementToComeBack() async throws {
        let suite = try await RunningSuite.start()
        let zhaoToken = try await suite.issueKey(
            NewKey(name: "养老科 赵敏", roles: [.staff], services: ["eldercare"], division: Bureau.county, subject: "J-01"))
        let squadToken = try await suite.issueKey(NewKey(name: "执法大队", roles: [.staff], services: ["enforcement"], division: Bureau.county))
        let callers = [suite.caller(token: zhaoToken), suite.caller(token: squadToken)]
        let zhao = Elder(callers[0])
        let squad = Civic_Enforcement_V1_EnforcementServiceClient(callers[1])
        let (eldercareFlows, eldercareClient) = try Self.flows(suite, "eldercare")
        do {
            await suite.stopService("enforcement")
            _ = try await Self.inspectWithAMajorFinding(zhao, on: "2026-11-02")
            try await waitUntil { try await eldercareFlows.listFlows(.init()).flows.first?.lastError.isEmpty == false }
            let waiting = try await eldercareFlows.listFlows(.init()).flows[0]
            #expect((waiting.pending, waiting.delivered, waiting.dead) == (1, 0, 0))
            try await suite.startService(EnforcementService.definition)
            // The dispatcher rests after a failure (1 s, then doubling): within the backoff it tries again.
            try await waitUntil(timeout: .seconds(20)) { try await squad.listLeads(.init()).leads.count == 1 }
            let delivered = try await eldercareFlows.listFlows(.init()).flows[0]
            #expect((delivered.pending, delivered.delivered) == (0, 1))
        } catch {
            for caller in callers { await caller.close() }
            await eldercareClient.close()
            await suite.stop()
            throw error
        }
        for caller in callers { await caller.close() }
        await eldercareClient.close()
        await suite.stop()
    }
}
