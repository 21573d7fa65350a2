import ArgumentParser
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import Histogram
import NIOCore
import NIOPosix

/// `civic bench`: N connections × M sequential calls of a small read RPC (proposals'
/// GetItem) against each target — the service directly, the gateway, and optionally
/// nginx's TCP stream proxy standing where the gateway stands — printing throughput and
/// p50/p99 latency, and the latency each proxy adds over the direct path.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure throughput and latency directly, through the gateway, and through nginx.",
        discussion: "scripts/bench.sh starts the suite and nginx and runs this; see docs/BENCHMARKS.md.")

    @Option(help: "The proposals service, host:port (the direct path).")
    var direct: String = "127.0.0.1:7101"

    @Option(help: "The gateway's framed face, host:port.")
    var gateway: String = "127.0.0.1:7000"

    @Option(help: "nginx stream proxy in front of proposals, host:port (optional).")
    var nginx: String?

    @Option(help: "Connection counts to run, comma separated.")
    var connections: String = "1,16,64"

    @Option(help: "Calls per connection in each run.")
    var calls: Int = 2000

    @Option(help: "Warm-up calls per connection before each run (not measured).")
    var warmup: Int = 200

    @Option(help: "The suite's internal key file: seals the direct and nginx paths' calls as the gateway would.")
    var internalKeyFile: String?

    @Option(
        help: ArgumentHelp(
            "Write pre-encoded request envelopes for a C load generator into this folder and stop (scripts/bench-core.sh).",
            discussion: "getitem-direct.bin (sealed, valid 5 minutes), getitem-gateway.bin (the API key), health.bin."))
    var writeRequests: String?

    @Option(
        help:
            "Instead: RegisterItem (a durable write, each with its own number) from this many connections at once against --direct, for --seconds; prints calls/s and latency."
    )
    var register: Int?

    @Option(help: "Seconds of the --register run.")
    var seconds: Double = 5

    @OptionGroup var credential: CredentialOption

    func run() async throws {
        let counts = connections.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 && $0 <= 1024 }) else { throw ValidationError("--connections takes counts 1…1024, e.g. 1,16,64") }
        guard calls > 0 else { throw ValidationError("--calls must be positive") }
        var targets: [(label: String, address: (host: String, port: Int))] = [("direct", try parseHostPort(direct)), ("gateway", try parseHostPort(gateway))]
        if let nginx { targets.append(("nginx", try parseHostPort(nginx))) }

        // The gateway path carries the API key; the direct and nginx paths carry a principal
        // sealed with the internal key, as the gateway would send it (the gateway drops it).
        let seal = try internalKeyFile.flatMap { try InternalKey.load(file: $0, environment: EnvironmentSettings([:])) }.map { try GatewaySeal(secret: $0) }
        // The seal covers the payload and the time, so it is made per request and per run.
        @Sendable func metadata(for method: RPCMethod, payload: Data) throws -> [String: String] {
            var metadata = try credential.metadata()
            seal?.stamp(&metadata, method: method.path, principal: Principal(id: "bench", roles: [.service]), payload: payload)
            return metadata
        }
        if let register {
            guard (1...1024).contains(register) else { throw ValidationError("--register takes 1…1024 connections") }
            try await measureRegistrations(at: targets[0].address, connections: register) {
                try metadata(for: Civic_Proposals_V1_ProposalService.Method.registerItem, payload: $0)
            }
            return
        }
        let itemID = try await seedItem(at: targets[0].address) { try metadata(for: Civic_Proposals_V1_ProposalService.Method.registerItem, payload: $0) }
        var request = Civic_Proposals_V1_GetItemRequest()
        request.id = itemID
        let payload: Data = try request.serializedBytes()
        if let folder = writeRequests {
            try writeEnvelopes(to: folder, payload: payload, sealed: try metadata(for: Civic_Proposals_V1_ProposalService.Method.getItem, payload: payload))
            return
        }

        print("civic bench: GetItem, \(calls) calls per connection after \(warmup) warm-up calls; latency in microseconds")
        print("target    conns      calls    calls/s      p50      p90      p99    max")
        var results: [String: [Int: Result]] = [:]
        for count in counts {
            for target in targets {
                let options = CallOptions(
                    metadata: try metadata(for: Civic_Proposals_V1_ProposalService.Method.getItem, payload: payload), timeout: .seconds(30))
                let result = try await measure(target.address, connections: count, payload: payload, options: options)
                results[target.label, default: [:]][count] = result
                print(
                    target.label.padding(toLength: 8, withPad: " ", startingAt: 0),
                    String(format: "%6d %10d %10.0f %8d %8d %8d %6d", count, result.calls, result.throughput, result.p50, result.p90, result.p99, result.max))
            }
        }
        print("\nadded by the proxy hop (p50 over direct) and throughput relative to nginx:")
        for count in counts {
            guard let d = results["direct"]?[count], let g = results["gateway"]?[count] else { continue }
            var line = String(format: "conns %3d  gateway +%d µs", count, Int(g.p50) - Int(d.p50))
            if let n = results["nginx"]?[count] {
                let nAdded = max(1, Int(n.p50) - Int(d.p50))
                line += String(
                    format: "  nginx +%d µs  added-latency ratio %.2f  throughput ratio %.2f",
                    Int(n.p50) - Int(d.p50), Double(Int(g.p50) - Int(d.p50)) / Double(nAdded), g.throughput / n.throughput)
            }
            print(line)
        }
    }

    /// The envelopes a frame load generator sends as they are (call id 1, one call in flight per
    /// connection): GetItem sealed as the gateway would (direct and nginx paths), GetItem with the
    /// API key (the gateway's face), and a health check.
    private func writeEnvelopes(to folder: String, payload: Data, sealed: [String: String]) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func write(_ name: String, method: String, payload: Data, metadata: [String: String]) throws {
            var envelope = Civic_Rpc_V1_RequestEnvelope()
            envelope.callID = 1
            envelope.method = method
            envelope.payload = payload
            envelope.metadata = metadata
            try (envelope.serializedBytes() as Data).write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
        }
        let getItem = Civic_Proposals_V1_ProposalService.Method.getItem.path
        var direct = sealed
        direct.removeValue(forKey: MetadataKey.authorization)
        try write("getitem-direct.bin", method: getItem, payload: payload, metadata: direct)
        try write("getitem-gateway.bin", method: getItem, payload: payload, metadata: try credential.metadata())
        try write("health.bin", method: "/civic.health.v1.Health/Check", payload: Data(), metadata: [:])
        print("wrote getitem-direct.bin, getitem-gateway.bin, health.bin to \(folder)")
    }

    /// RegisterItem from `connections` connections, one call in flight each, each call its own
    /// number (so each is a new item: a durable commit), for `seconds`.
    private func measureRegistrations(
        at address: (host: String, port: Int), connections: Int, metadata: @escaping @Sendable (Data) throws -> [String: String]
    ) async throws {
        let clients = (0..<connections).map { _ in RPCClient(host: address.host, port: address.port) }
        defer { for client in clients { Task { await client.close() } } }
        let run = UInt32.random(in: 0...UInt32.max)
        let method = Civic_Proposals_V1_ProposalService.Method.registerItem.path
        let until = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let start = DispatchTime.now().uptimeNanoseconds
        let histograms = try await withThrowingTaskGroup(of: (Histogram<UInt64>, Int).self) { group in
            for (c, client) in clients.enumerated() {
                group.addTask {
                    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
                    var n = 0
                    while DispatchTime.now().uptimeNanoseconds < until {
                        var register = Civic_Proposals_V1_RegisterItemRequest()
                        register.kind = .npcSuggestion
                        register.year = 2021
                        register.number = "W\(run)-\(c)-\(n)"
                        register.title = "关于加强养老服务体系建设的建议 (benchmark write)"
                        register.topic = "elderly_care"
                        var proposer = Civic_Proposals_V1_Proposer()
                        proposer.name = "张三"
                        proposer.lead = true
                        register.proposers = [proposer]
                        let payload: Data = try register.serializedBytes()
                        let options = CallOptions(metadata: try metadata(payload), timeout: .seconds(30))
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        _ = try await client.call(method: method, payload: payload, options: options)
                        _ = histogram.record((DispatchTime.now().uptimeNanoseconds - t0) / 1000)
                        n += 1
                    }
                    return (histogram, n)
                }
            }
            var all = Histogram<UInt64>(highestTrackableValue: 60_000_000)
            var total = 0
            for try await (h, n) in group {
                all.add(h)
                total += n
            }
            return (all, total)
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(
            String(
                format: "register-direct %5d %10.0f %9d %9d  (%d durable registrations in %.1f s)", connections, Double(histograms.1) / elapsed,
                histograms.0.valueAtPercentile(50), histograms.0.valueAtPercentile(99), histograms.1, elapsed))
    }

    struct Result {
        var calls: Int
        var throughput: Double
        var p50: UInt64
        var p90: UInt64
        var p99: UInt64
        var max: UInt64
    }

    private func seedItem(at address: (host: String, port: Int), metadata: (Data) throws -> [String: String]) async throws -> String {
        let client = RPCClient(host: address.host, port: address.port)
        defer { Task { await client.close() } }
        var register = Civic_Proposals_V1_RegisterItemRequest()
        register.kind = .npcSuggestion
        register.year = 2021
        register.number = "BENCH-\(UInt32.random(in: 0...UInt32.max))"
        register.title = "关于加强养老服务体系建设的建议 (benchmark item)"
        register.topic = "elderly_care"
        var proposer = Civic_Proposals_V1_Proposer()
        proposer.name = "张三"
        proposer.lead = true
        register.proposers = [proposer]
        return try await Civic_Proposals_V1_ProposalServiceClient(client).registerItem(
            register, options: CallOptions(metadata: try metadata(try register.serializedBytes()))
        ).item.id
    }

    private func measure(_ address: (host: String, port: Int), connections: Int, payload: Data, options: CallOptions) async throws -> Result {
        let clients = (0..<connections).map { _ in RPCClient(host: address.host, port: address.port) }
        defer { for client in clients { Task { await client.close() } } }
        let method = Civic_Proposals_V1_ProposalService.Method.getItem.path
        // Warm up: connect, fill caches.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients {
                group.addTask {
                    for _ in 0..<warmup { _ = try await client.call(method: method, payload: payload, options: options) }
                }
            }
            try await group.waitForAll()
        }
        let start = DispatchTime.now().uptimeNanoseconds
        let histograms = try await withThrowingTaskGroup(of: Histogram<UInt64>.self) { group in
            for client in clients {
                group.addTask { [calls] in
                    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000)
                    for _ in 0..<calls {
                        let t0 = DispatchTime.now().uptimeNanoseconds
                        _ = try await client.call(method: method, payload: payload, options: options)
                        _ = histogram.record((DispatchTime.now().uptimeNanoseconds - t0) / 1000)
                    }
                    return histogram
                }
            }
            var all = Histogram<UInt64>(highestTrackableValue: 60_000_000)
            for try await h in group { all.add(h) }
            return all
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let total = connections * calls
        return Result(
            calls: total, throughput: Double(total) / seconds,
            p50: histograms.valueAtPercentile(50), p90: histograms.valueAtPercentile(90),
            p99: histograms.valueAtPercentile(99), max: histograms.max)
    }
}
