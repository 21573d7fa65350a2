import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import Testing

/// The flows' guarantees with the real executables (docs/FLOWS.md §2): a burst of referrals from
/// eldercare to enforcement while both are killed with SIGKILL and restarted at random moments;
/// at the end every flagged finding is one lead, none twice, none missing.
@Suite("Flows under SIGKILL", .serialized)
struct FlowFaultTests {
    typealias Bureau = ElderBureau

    /// A running executable that the test kills and restarts.
    final class Service: @unchecked Sendable {
        let name: String
        let arguments: [String]
        let environment: [String: String]
        var process: Process?
        var kills = 0

        init(name: String, arguments: [String], environment: [String: String]) {
            self.name = name
            self.arguments = arguments
            self.environment = environment
        }

        func start() throws {
            let process = Process()
            process.executableURL = ProcessTests.binDirectory.appendingPathComponent(name)
            process.arguments = arguments
            process.environment = environment
            process.standardError = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            self.process = process
        }

        func kill() async throws {
            guard let process, process.isRunning else { return }
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            kills += 1
        }

        func stop() {
            guard let process, process.isRunning else { return }
            Foundation.kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    @Test func everyReferralArrivesExactlyOnceWhileSenderAndReceiverAreKilled() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: ProcessTests.binDirectory.appendingPathComponent("eldercare").path),
            "build the executables first: swift build --build-tests")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("civic-fault-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let secret = GatewaySeal.generateSecret()
        let keyFile = (data as NSString).appendingPathComponent("internal.key")
        try secret.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let ports = (eldercare: try await ProcessTests().freePort(), enforcement: try await ProcessTests().freePort())
        // Retries at most 1 s apart, so the drain after the last kill is quick.
        let environment = ["CIVIC_FLOW_RETRY_MAX_SECONDS": "1", "CIVIC_ELDERCARE_DAILY_SWEEP": "off", "PATH": "/usr/bin:/bin"]
        func arguments(_ port: Int, peer: String, _ peerPort: Int) -> [String] {
            [
                "--host", "127.0.0.1", "--port", "\(port)", "--data", data, "--log-level", "error", "--internal-key-file", keyFile, "--peer",
                "\(peer)=127.0.0.1:\(peerPort)",
            ]
        }
        let eldercare = Service(name: "eldercare", arguments: arguments(ports.eldercare, peer: "enforcement", ports.enforcement), environment: environment)
        let enforcement = Service(
            name: "enforcement", arguments: arguments(ports.enforcement, peer: "eldercare", ports.eldercare) + [], environment: environment)
        try eldercare.start()
        try enforcement.start()
        defer {
            eldercare.stop()
            enforcement.stop()
        }
        let seal = try GatewaySeal(secret: secret)
        let elderClient = RPCClient(host: "127.0.0.1", port: ports.eldercare)
        let enforcementClient = RPCClient(host: "127.0.0.1", port: ports.enforcement)
        let zhao = Civic_Eldercare_V1_EldercareServiceClient(
            SealedCaller(
                client: elderClient, seal: seal,
                principal: Principal(id: "key-zhao", roles: [.staff], services: ["eldercare"], division: Bureau.county, subject: "J-01"),
                timeout: .seconds(10)))
        let squad = Civic_Enforcement_V1_EnforcementServiceClient(
            SealedCaller(
                client: enforcementClient, seal: seal,
                principal: Principal(id: "key-squad", roles: [.staff], services: ["enforcement"], division: Bureau.county), timeout: .seconds(10)))
        let admin = Principal(id: "test-operator", roles: [.admin])
        let elderFlows = Civic_Flows_V1_FlowsClient(SealedCaller(client: elderClient, seal: seal, principal: admin, timeout: .seconds(10)))
        let enforcementFlows = Civic_Flows_V1_FlowsClient(SealedCaller(client: enforcementClient, seal: seal, principal: admin, timeout: .seconds(10)))
        func serving(_ client: RPCClient) async -> Bool { (try? await Civic_Health_V1_HealthClient(client).check(.init()).status) == .serving }
        try await waitUntil(timeout: .seconds(30)) { await serving(elderClient) }
        try await waitUntil(timeout: .seconds(30)) { await serving(enforcementClient) }

        // Five institutions drawn for inspection: each inspection fails every item (118) as 重大.
        _ = try await zhao.loadDivisions(.with { $0.divisions = Bureau.divisions })
        try await FlowsEndToEndTests.prepareInspectors(zhao)
        for n in 1...5 {
            _ = try await zhao.registerInstitution(
                .with {
                    $0.institution = .with {
                        $0.name = "文峰区第\(n)养老院"; $0.creditCode = Bureau.code("52410502MJ00001\(n)0"); $0.ownership = .publicBuiltPrivatelyRun
                        $0.nature = .nonProfit; $0.operatorName = "运营方\(n)"; $0.county = Bureau.county; $0.street = "410502001"
                        $0.community = "410502001003"; $0.beds = 100; $0.nursingBeds = 50; $0.openedOn = "2026-03-01"; $0.fireSafety = .passed
                    }
                })
        }
        let task = try await zhao.createInspectionTask(
            .with {
                $0.county = Bureau.county; $0.seed = "福彩3D 2026111期 402"; $0.plannedOn = "2026-11-02"
                $0.ratios = [Civic_Eldercare_V1_RiskClass.low, .medium, .high].map { risk in
                    .with {
                        $0.riskClass = risk; $0.perMille = 1000
                    }
                }
            })
        #expect(task.inspectionIds.count == 5)
        let items = try await zhao.getChecklist(.init()).items
        for inspection in task.inspectionIds {
            _ = try await zhao.startInspection(
                .with {
                    $0.id = inspection; $0.on = "2026-11-02"
                })
        }

        // The killer: every 0.2–0.7 s one of the two dies by SIGKILL and comes back 0.1–0.3 s later.
        var generator = SystemRandomNumberGenerator()
        let burstDone = ManagedFlag()
        let killer = Task {
            var rounds = 0
            while !burstDone.value || rounds < 12 {
                try await Task.sleep(nanoseconds: UInt64.random(in: 200_000_000...700_000_000, using: &generator))
                let victim = Bool.random(using: &generator) ? eldercare : enforcement
                try await victim.kill()
                try await Task.sleep(nanoseconds: UInt64.random(in: 100_000_000...300_000_000, using: &generator))
                try victim.start()
                rounds += 1
            }
        }
        // The burst: each inspection recorded (retried until eldercare answers; a recording that
        // committed before a kill is not made twice: the second answer is FAILED_PRECONDITION).
        let started = ContinuousClock.now
        for inspection in task.inspectionIds {
            while true {
                do {
                    _ = try await zhao.recordInspection(
                        .with {
                            $0.id = inspection; $0.on = "2026-11-02"
                            $0.results = items.map { item in
                                .with {
                                    $0.itemCode = item.code; $0.outcome = .fail; $0.note = "检查不合格"; $0.level = .major
                                }
                            }
                        })
                    break
                } catch let error as RPCError where error.code == .failedPrecondition {
                    break
                } catch {
                    try await Task.sleep(nanoseconds: 100_000_000)
                }
            }
        }
        burstDone.value = true
        try await killer.value
        let kills = (eldercare: eldercare.kills, enforcement: enforcement.kills)

        // Every flagged finding becomes exactly one lead.
        try await waitUntil(timeout: .seconds(30)) { await serving(elderClient) }
        try await waitUntil(timeout: .seconds(30)) { await serving(enforcementClient) }
        let flagged = try await zhao.listFindings(
            .with {
                $0.referralOnly = true; $0.page = .with { $0.pageSize = 1 }
            }
        ).page.totalCount
        #expect(flagged == Int32(5 * items.count))
        try await waitUntil(timeout: .seconds(120)) { (try? await squad.listLeads(.init()).page.totalCount) == flagged }
        let drained = ContinuousClock.now - started
        var references: Set<String> = []
        var token = ""
        repeat {
            let page = try await squad.listLeads(
                .with {
                    $0.page = .with {
                        $0.pageSize = 200; $0.pageToken = token
                    }
                })
            references.formUnion(page.leads.map(\.reference))
            token = page.page.nextPageToken
        } while !token.isEmpty
        #expect(references.count == Int(flagged))
        let sent = try await elderFlows.listFlows(.init()).flows
        #expect(sent.map { "\($0.destination) \($0.pending) \($0.delivered) \($0.dead)" } == ["enforcement 0 \(flagged) 0"])
        let received = try await enforcementFlows.listFlows(.init()).received
        #expect(received.map(\.applied) == [Int64(flagged)])
        print(
            "flow fault test: \(flagged) referrals, \(kills.eldercare + kills.enforcement) SIGKILLs (eldercare \(kills.eldercare), enforcement \(kills.enforcement)), all delivered once in \(drained)"
        )
        await elderClient.close()
        await enforcementClient.close()
    }
}

/// A flag shared between the burst and the killer.
final class ManagedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
