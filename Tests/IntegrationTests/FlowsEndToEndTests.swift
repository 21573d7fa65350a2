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

    /// What each test works with: the running suite, 赵敏's and the squad's clients through the
    /// gateway, and each service's Flows called directly; everything closed after `body`.
    struct Parties {
        let suite: RunningSuite
        let zhao: Elder
        let squad: Civic_Enforcement_V1_EnforcementServiceClient
        let eldercareFlows: Civic_Flows_V1_FlowsClient
        let enforcementFlows: Civic_Flows_V1_FlowsClient
    }

    static func run(_ body: (Parties) async throws -> Void) async throws {
        let suite = try await RunningSuite.start()
        let zhaoToken = try await suite.issueKey(
            NewKey(name: "养老科 赵敏", roles: [.staff], services: ["eldercare"], division: Bureau.county, subject: "J-01"))
        let squadToken = try await suite.issueKey(NewKey(name: "执法大队", roles: [.staff], services: ["enforcement"], division: Bureau.county))
        let callers = [suite.caller(token: zhaoToken), suite.caller(token: squadToken)]
        let (eldercareFlows, eldercareClient) = try Self.flows(suite, "eldercare")
        let (enforcementFlows, enforcementClient) = try Self.flows(suite, "enforcement")
        let parties = Parties(
            suite: suite, zhao: Elder(callers[0]), squad: Civic_Enforcement_V1_EnforcementServiceClient(callers[1]), eldercareFlows: eldercareFlows,
            enforcementFlows: enforcementFlows)
        func close() async {
            for caller in callers { await caller.close() }
            await eldercareClient.close()
            await enforcementClient.close()
            await suite.stop()
        }
        do {
            try await body(parties)
        } catch {
            await close()
            throw error
        }
        await close()
    }

    /// The sample checklist and two active inspectors, J-01 赵敏 and J-02 钱明.
    static func prepareInspectors(_ zhao: Elder) async throws {
        _ = try await zhao.loadChecklist(.with { $0.json = EldercareInspectionTests.sampleChecklist })
        for (inspector, name) in [("J-01", "赵敏"), ("J-02", "钱明")] {
            _ = try await zhao.putInspector(
                .with {
                    $0.inspector = .with {
                        $0.id = inspector; $0.name = name; $0.active = true
                    }
                })
        }
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
        try await Self.prepareInspectors(zhao)
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
        try await Self.run { p in
            let (_, finding) = try await Self.inspectWithAMajorFinding(p.zhao, on: "2026-11-02")
            try await waitUntil { try await p.squad.listLeads(.init()).leads.count == 1 }
            let lead = try await p.squad.listLeads(.init()).leads[0]
            #expect((lead.id, lead.source, lead.referredBy, lead.reference) == ("L000001", .serviceReferral, "eldercare", "eldercare-finding:\(finding)"))
            #expect((lead.subject.name, lead.subject.id, lead.division) == ("文峰区颐养院", Bureau.yiyang, Bureau.county))
            #expect(lead.summary.contains("疏散通道堆放杂物") && lead.summary.contains("major_hazard") && lead.summary.contains("fire_safety"))

            // Saving the finding again (closed at 复查) queues nothing more.
            let closed = try await p.zhao.reinspectFinding(
                .with {
                    $0.id = finding; $0.on = "2026-11-03"; $0.inspectorIds = ["J-01", "J-02"]; $0.rectified = true; $0.note = "已清理疏散通道"
                }
            ).finding
            #expect(closed.state == .findingClosed)
            let sent = try await p.eldercareFlows.listFlows(.init())
            #expect(
                sent.flows.map { "\($0.destination) \($0.type) \($0.pending) \($0.delivered) \($0.dead)" } == [
                    "enforcement civic.flows.v1.FindingReferred 0 1 0"
                ])
            let received = try await p.enforcementFlows.listFlows(.init())
            #expect(received.received.map { "\($0.producer) \($0.type) \($0.applied)" } == ["eldercare civic.flows.v1.FindingReferred 1"])
            let outbox = try await p.eldercareFlows.listOutbox(.init()).entries
            #expect(outbox.map { "\($0.aggregate) #\($0.sequence) \($0.state) \($0.result)" } == ["finding:\(finding) #1 delivered lead L000001"])
            #expect(try await p.squad.listLeads(.init()).leads.count == 1)

            // The same figures in the gateway's /metrics.
            let metrics = try await p.suite.http("GET", "/metrics", token: nil).body
            #expect(
                metrics.contains(
                    #"civic_flow_messages{producer="eldercare",destination="enforcement",type="civic.flows.v1.FindingReferred",state="delivered"} 1"#))
            #expect(metrics.contains(#"civic_flow_applied{receiver="enforcement",producer="eldercare",type="civic.flows.v1.FindingReferred"} 1"#))
            #expect(!metrics.contains("civic_flow_backend_unreachable"))
        }
    }

    /// A referred finding revoked at eldercare: the retraction follows the referral and the lead,
    /// still being verified, is closed NOT_FILED with the reason.
    @Test func aRevokedFindingRetractsItsReferral() async throws {
        try await Self.run { p in
            let (_, finding) = try await Self.inspectWithAMajorFinding(p.zhao, on: "2026-11-02")
            _ = try await p.zhao.revokeFinding(
                .with {
                    $0.id = finding; $0.reason = "复核认定检查记录有误"
                })
            try await waitUntil { try await p.squad.listLeads(.init()).leads.first?.state == .leadNotFiled }
            let lead = try await p.squad.listLeads(.init()).leads[0]
            #expect(lead.outcome == "移送方撤回：复核认定检查记录有误")
            let outbox = try await p.eldercareFlows.listOutbox(.init()).entries
            #expect(
                outbox.map { "\($0.type) #\($0.sequence) \($0.kind) \($0.state) \($0.result)" } == [
                    "civic.flows.v1.FindingReferred #1 notification delivered lead L000001",
                    "civic.flows.v1.FindingRetracted #2 retraction delivered lead L000001 not filed",
                ])
        }
    }

    /// The story's second half: the referred finding's lead is filed and decided; the penalty
    /// reaches eldercare and blocks the institution's grading; revoked, it no longer does.
    @Test func aPenaltyDecidedBlocksGradingAndItsRevocationLiftsTheBlock() async throws {
        try await Self.run { p in
            let (institution, _) = try await Self.inspectWithAMajorFinding(p.zhao, on: "2026-11-02")
            try await waitUntil { try await p.squad.listLeads(.init()).leads.count == 1 }
            for (i, (name, roles)) in [("周强", [Civic_Enforcement_V1_OfficerRole.investigator]), ("吴磊", [.investigator]), ("李局长", [.approver])]
                .enumerated()
            {
                _ = try await p.squad.registerOfficer(
                    .with {
                        $0.officer = .with {
                            $0.name = name; $0.certificateNumber = "豫A0030\(i + 1)"; $0.certificateIssuedOn = "2025-01-01"
                            $0.certificateExpiresOn = "2029-12-31"; $0.roles = roles; $0.division = Bureau.county
                        }
                    })
            }
            let filed = try await p.squad.fileCase(
                .with {
                    $0.leadID = "L000001"; $0.violationCodes = ["YLJG-46-1"]; $0.summary = "消防安全重大隐患"
                    $0.actEndedOn = "2026-11-02"; $0.approvedBy = "F000003"; $0.investigators = ["F000001", "F000002"]
                }
            ).case
            // Before 立案 the registers were asked (FLOWS.md §4.4): not a registered social organization; an institution.
            #expect(filed.subjectRegistration.hasPrefix("社会组织登记：not_found；养老机构：文峰区颐养院 \(institution)（operating）（"))
            func step(_ step: Civic_Enforcement_V1_StepCaseRequest.OneOf_Step) async throws {
                _ = try await p.squad.stepCase(
                    .with {
                        $0.id = filed.id; $0.step = step
                    })
            }
            try await step(
                .addEvidence(
                    .with {
                        $0.description_p = "现场检查笔录"; $0.officers = ["F000001", "F000002"]
                    }))
            let warning = Civic_Enforcement_V1_ProposedPenalty.with { $0.penalties = [.warning] }
            try await step(
                .serveNotice(
                    .with {
                        $0.officers = ["F000001", "F000002"]; $0.proposal = warning
                    }))
            try await step(.waiveReplies(.init()))
            func gradingProblems() async -> [String] {
                let error = await rpcError {
                    _ = try await p.zhao.applyForGrade(
                        .with {
                            $0.institutionID = institution; $0.requested = 1
                        })
                }
                return (error?.details ?? []).map { "\($0.field) \($0.reason)" }
            }
            #expect(!(await gradingProblems()).contains("penalties RECENT_PENALTY"))
            try await step(
                .decidePenalty(
                    .with {
                        $0.penalty = warning; $0.reasons = "违反《养老机构管理办法》第四十六条"; $0.approvedBy = "F000003"
                    }))
            try await waitUntil { await gradingProblems().contains("penalties RECENT_PENALTY") }

            // Revoked: a retraction after the decision, in order; the block is lifted.
            try await step(
                .revokeDecision(
                    .with {
                        $0.by = "安阳市人民政府"; $0.reason = "复议决定撤销"
                    }))
            try await waitUntil { !(await gradingProblems()).contains("penalties RECENT_PENALTY") }
            let outbox = try await p.eldercareFlows.listOutbox(.init()).entries
            #expect(outbox.count == 1)

            // With organizations down the case says so, and filing goes on.
            await p.suite.stopService("organizations")
            let second = try await p.squad.fileCase(
                .with {
                    $0.division = Bureau.county; $0.subjectID = Bureau.yiyang; $0.subjectName = "文峰区颐养院"; $0.violationCodes = ["YLJG-46-2"]
                    $0.summary = "未按规定报送材料"; $0.actEndedOn = "2026-11-02"; $0.approvedBy = "F000003"; $0.investigators = ["F000001", "F000002"]
                }
            ).case
            #expect(second.subjectRegistration.hasPrefix("社会组织登记：lookup unavailable (UNAVAILABLE)；养老机构：文峰区颐养院"))
            let sent = try await p.enforcementFlows.listOutbox(.init()).entries
            #expect(
                sent.map { "\($0.destination) \($0.type) \($0.aggregate) #\($0.sequence) \($0.kind) \($0.state) \($0.result)" } == [
                    "eldercare civic.flows.v1.PenaltyDecided case:C000001 #1 notification delivered penalty on \(institution)",
                    "organizations civic.flows.v1.PenaltyDecided case:C000001 #1 notification delivered no organization with credit code \(Bureau.yiyang)",
                    "eldercare civic.flows.v1.PenaltyRevoked case:C000001 #2 retraction delivered penalty revoked on \(institution)",
                    "organizations civic.flows.v1.PenaltyRevoked case:C000001 #2 retraction delivered no organization with credit code \(Bureau.yiyang)",
                ])
        }
    }

    /// Enforcement is down when the finding is recorded: the message waits in eldercare's outbox and
    /// is delivered once enforcement is back.
    @Test func aReferralWaitsForEnforcementToComeBack() async throws {
        try await Self.run { p in
            await p.suite.stopService("enforcement")
            _ = try await Self.inspectWithAMajorFinding(p.zhao, on: "2026-11-02")
            try await waitUntil { try await p.eldercareFlows.listFlows(.init()).flows.first?.lastError.isEmpty == false }
            let waiting = try await p.eldercareFlows.listFlows(.init()).flows[0]
            #expect((waiting.pending, waiting.delivered, waiting.dead) == (1, 0, 0))
            try await p.suite.startService(EnforcementService.definition)
            // The dispatcher rests after a failure (1 s, then doubling): within the backoff it tries again.
            try await waitUntil(timeout: .seconds(20)) { try await p.squad.listLeads(.init()).leads.count == 1 }
            let delivered = try await p.eldercareFlows.listFlows(.init()).flows[0]
            #expect((delivered.pending, delivered.delivered) == (0, 1))
        }
    }
}
