import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareService
import EnforcementService
import Foundation
import GRDB
import Logging

/// A flow's throughput (issue 14; FLOWS.md): eldercare's outbox delivered to enforcement, durable
/// on both sides (each a database file, WAL, synchronous=FULL), each message a referral that
/// becomes a lead. Both services run in this process as the executables run them (ServiceHost),
/// each on its own port, talking over loopback sealed with an internal key. Phase 1: `--messages`
/// referrals queued in one transaction, timed until the last is delivered (the receiver at full
/// speed). Phase 2: enforcement stopped, as many more queued, `--outage` seconds waited, enforcement
/// restarted on its port, timed until the backlog is drained (the dispatcher's backoff included).
@main
struct FlowsBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments
        func value(_ flag: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let n = Int(arguments[i + 1]) else { return fallback }
            return n
        }
        let messages = value("--messages", 2_000)
        let outage = value("--outage", 60)
        let retryMax = value("--retry-max", 300)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .critical
            return handler
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flows-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = GatewaySeal.generateSecret()
        let environment = ["CIVIC_FLOW_RETRY_MAX_SECONDS": "\(retryMax)", "CIVIC_ELDERCARE_DAILY_SWEEP": "off"]
        func start(_ definition: ServiceDefinition, port: Int, peers: [String: ServiceAddress]) async throws -> ServiceHost {
            var configuration = ServiceConfiguration(port: port, dataDirectory: folder, logLevel: .critical, internalKey: key)
            configuration.peers = peers
            return try await ServiceHost.start(definition, configuration: configuration, environment: environment)
        }
        var enforcement = try await start(EnforcementService.definition, port: 0, peers: [:])
        let enforcementPort = enforcement.port
        let eldercare = try await start(EldercareService.definition, port: 0, peers: ["enforcement": ServiceAddress(host: "127.0.0.1", port: enforcementPort)])
        print("flows-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores; eldercare → enforcement, both durable (WAL, synchronous=FULL)")

        @Sendable func code(_ n: Int) -> String {
            let first = "52410502MJ" + String(format: "%07d", n % 10_000_000)
            return first + String(UnifiedSocialCreditCode.checkCharacter(for: first)!)
        }
        func enqueue(_ range: Range<Int>) async throws {
            try await eldercare.database.write { db in
                for n in range {
                    let finding = Civic_Flows_V1_FindingReferred.with {
                        $0.findingID = "N\(n)/C-01"; $0.inspectionID = "N\(n)"; $0.institutionID = "I\(n)"; $0.institutionName = "第\(n)养老院"
                        $0.creditCode = code(n); $0.division = "410502"; $0.reasons = ["major_hazard"]; $0.legalBasis = ["《养老机构管理办法》第四十六条"]
                        $0.evidence = "疏散通道堆放杂物"; $0.foundOn = "2026-11-02"
                    }
                    try FlowOutbox.enqueue(db, to: "enforcement", finding, aggregate: "finding:N\(n)/C-01", idempotencyKey: "eldercare-finding:N\(n)/C-01")
                }
            }
        }
        func pending() async throws -> Int {
            try await eldercare.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'") ?? 0 }
        }
        func drain() async throws -> Double {
            let begin = DispatchTime.now().uptimeNanoseconds
            while try await pending() > 0 { try await Task.sleep(nanoseconds: 20_000_000) }
            return Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
        }

        // Phase 1: the receiver at full speed.
        try await enqueue(0..<messages)
        let full = try await drain()
        print(String(format: "full speed: %d messages delivered and applied in %.2f s: %.0f messages/s", messages, full, Double(messages) / full))

        // Phase 2: a backlog built while the receiver is down.
        await enforcement.shutdown()
        try await enqueue(messages..<(2 * messages))
        try await Task.sleep(nanoseconds: UInt64(outage) * 1_000_000_000)
        enforcement = try await start(EnforcementService.definition, port: enforcementPort, peers: [:])
        let backlog = try await drain()
        print(
            String(
                format:
                    "after a %d s outage: %d queued messages drained %.2f s after the receiver came back (%.0f messages/s overall; retries at most %d s apart)",
                outage, messages, backlog, Double(messages) / backlog, retryMax))
        let leads = try await enforcement.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM leads") ?? 0 }
        let applied = try await enforcement.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox") ?? 0 }
        print("  leads \(leads), inbox \(applied) (expected \(2 * messages) each)")
        await eldercare.shutdown()
        await enforcement.shutdown()
    }
}
