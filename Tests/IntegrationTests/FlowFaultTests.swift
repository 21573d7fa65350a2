import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import Testing

/// The flows' guarantees with the real executables (docs/FLOWS.md §2): a burst of referrals from
/// eldercare to enforcement and of a department's person events to assistance while all three
/// are killed with SIGKILL and restarted at random moments; at the end every flagged finding is one
/// lead, none twice, none missing, and every event acknowledged is there, once.
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

    @Test func everyReferralAndEventArrivesExactlyOnceWhileTheServicesAreKilled() async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: ProcessTests.binDirectory.appendingPathComponent("eldercare").path),
            "build the executables first: swift build --build-tests")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("civic-fault-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: data) }
        let secret = GatewaySeal.generateSecret()
        let keyFile = (data as NSString).appendingPathComponent("internal.key")
        try secret.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let ports = (
            eldercare: try await ProcessTests().freePort(), enforcement: try await ProcessTests().freePort(),
            assistance: try await ProcessTests().freePort()
        )
        // Retries at most 1 s apart, so the drain after the last kill is quick.
        let environment = ["CIVIC_FLOW_RETRY_MAX_SECONDS": "1", "CIVIC_ELDERCARE_DAILY_SWEEP": "off", "PATH": "/usr/bin:/bin"]
        let peers = ["eldercare": ports.eldercare, "enforcement": ports.enforcement, "assistance": ports.assistance]
        func service(_ name: String) -> Service {
            let arguments = [
                "--host", "127.0.0.1", "--port", "\(peers[name]!)", "--data", data, "--log-level", "error", "--internal-key-file", keyFile,
            ]
            return Service(
                name: name,
                arguments: arguments + peers.filter { $0.key != name }.sorted { $0.key < $1.key }.flatMap { ["--peer", "\($0.key)=127.0.0.1:\($0.value)"] },
                environment: environment)
        }
        let (eldercare, enforcement, assistance) = (service("eldercare"), service("enforcement"), service("assistance"))
        for s in [eldercare, enforcement, assistance] { try s.start() }
        defer {
            for s in [eldercare, enforcement, assistance] { s.stop() }
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
        let assistanceClient = RPCClient(host: "127.0.0.1", port: ports.assistance)
        let police = Civic_Assistance_V1_AssistanceServiceClient(
            SealedCaller(
                client: assistanceClient, seal: seal, principal: Principal(id: "key-gongan", roles: [.department], subject: "县公安局"),
                timeout: .seconds(10)))
        func serving(_ client: RPCClient) async -> Bool { (try? await Civic_Health_V1_HealthClient(client).check(.init()).status) == .serving }
        for client in [elderClient, enforcementClient, assistanceClient] { try await waitUntil(timeout: .seconds(30)) { await serving(client) } }

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
                let victim = [eldercare, enforcement, assistance].randomElement(using: &generator)!
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
        // 县公安局's events, each sent until assistance answers (a re-send of one that committed
        // before a kill is answered as a duplicate, never stored twice).
        let events = 300
        var duplicates = 0
        for n in 1...events {
            let person = AssistanceBureau.id("43122719800101" + String(format: "%03d", n))
            while true {
                do {
                    let receipt = try await police.reportPersonEvent(
                        .with {
                            $0.eventID = "GA-FAULT-\(n)"; $0.type = .employment; $0.residentID = person; $0.occurredOn = "2026-11-02"; $0.amountFen = 300_000
                        })
                    if receipt.duplicate { duplicates += 1 }
                    break
                } catch {
                    try await Task.sleep(nanoseconds: 100_000_000)
                }
            }
        }
        burstDone.value = true
        try await killer.value
        let kills = (eldercare: eldercare.kills, enforcement: enforcement.kills, assistance: assistance.kills)

        // Every flagged finding becomes exactly one lead.
        for client in [elderClient, enforcementClient, assistanceClient] { try await waitUntil(timeout: .seconds(30)) { await serving(client) } }
        // Every event acknowledged is there, in force, once (a re-send now is a duplicate).
        for n in 1...events {
            #expect(try await police.getPersonEvent(.with { $0.eventID = "GA-FAULT-\(n)" }).state == "in_force")
        }
        let resent = try await police.reportPersonEvent(
            .with {
                $0.eventID = "GA-FAULT-1"; $0.type = .employment; $0.residentID = AssistanceBureau.id("43122719800101001"); $0.occurredOn = "2026-11-02"
                $0.amountFen = 300_000
            })
        #expect(resent.duplicate)
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
            "flow fault test: \(flagged) referrals and \(events) person events (\(duplicates) re-sends answered as duplicates), "
                + "\(kills.eldercare + kills.enforcement + kills.assistance) SIGKILLs (eldercare \(kills.eldercare), enforcement \(kills.enforcement), "
                + "assistance \(kills.assistance)), all applied once in \(drained)"
        )
        for client in [elderClient, enforcementClient, assistanceClient] { await client.close() }
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
