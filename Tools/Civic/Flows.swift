import ArgumentParser
import CivicCatalog
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import NIOCore

/// `civic flows`: the flows between the services (docs/FLOWS.md), read from each service directly
/// with the internal key (the gateway does not route them), as an operator on the host would.
struct Flows: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The flows between the services: each service's outbox and inbox, its DEAD messages; replay or discard one.",
        discussion: "Run on the host (or with the internal key): it calls each service directly, sealed as an admin.",
        subcommands: [Show.self, Replay.self, Discard.self], defaultSubcommand: Show.self)

    /// Where the services are and the key to seal with.
    struct Connection: ParsableArguments {
        @Option(name: .customLong("data"), help: "Folder holding internal.key, as `civic up` writes it. Env: CIVIC_DATA. Default: ./data.")
        var dataDirectory: String?

        @Option(help: "The internal key file (instead of <data>/internal.key). Env: CIVIC_INTERNAL_KEY or CIVIC_INTERNAL_KEY_FILE.")
        var internalKeyFile: String?

        @Option(name: .customLong("service"), help: "NAME=HOST:PORT for a service not on 127.0.0.1 at its default port (repeatable). Env: CIVIC_<NAME>_ADDR.")
        var addresses: [String] = []

        @Option(help: "Milliseconds to wait for each service.")
        var timeoutMs: Int = 5_000

        /// The internal key: --internal-key-file, else <data>/internal.key when it exists, else the environment.
        func seal() throws -> GatewaySeal? {
            let environment = EnvironmentSettings()
            let defaultFile = ((dataDirectory ?? environment.string("CIVIC_DATA") ?? "./data") as NSString).appendingPathComponent("internal.key")
            let file = internalKeyFile ?? (FileManager.default.fileExists(atPath: defaultFile) ? defaultFile : nil)
            return try InternalKey.load(file: file, environment: environment).map { try GatewaySeal(secret: $0) }
        }

        func caller(for name: String, seal: GatewaySeal?) throws -> SealedCaller {
            let environment = EnvironmentSettings()
            var given: [String: String] = [:]
            for text in addresses {
                let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--service \(text) is not NAME=HOST:PORT") }
                given[parts[0]] = parts[1]
            }
            guard let entry = ServiceCatalog.services.first(where: { $0.name == name }) else {
                throw ValidationError("no service \(name) (\(ServiceCatalog.services.map(\.name).joined(separator: ", ")))")
            }
            let address =
                try (given[name] ?? environment.string(entry.addressVariable)).map(ServiceAddress.init(parsing:))
                ?? ServiceAddress(host: "127.0.0.1", port: entry.defaultPort)
            return SealedCaller(
                client: RPCClient(host: address.host, port: address.port), seal: seal, principal: Principal(id: "civic-flows", roles: [.admin]),
                timeout: .milliseconds(Int64(timeoutMs)))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Per service: each flow's pending, delivered, dead and discarded messages and the oldest pending age; the DEAD ones."
        )

        @OptionGroup var connection: Connection

        func run() async throws {
            var unreachable = false
            let seal = try connection.seal()
            for entry in ServiceCatalog.services {
                let caller = try connection.caller(for: entry.name, seal: seal)
                let flows = Civic_Flows_V1_FlowsClient(caller)
                do {
                    let figures = try await flows.listFlows(.init())
                    print("\(entry.name)")
                    for flow in figures.flows {
                        print(
                            "  → \(flow.destination) \(flow.type): pending \(flow.pending) (oldest \(flow.oldestPendingSeconds) s), delivered \(flow.delivered), "
                                + "dead \(flow.dead), discarded \(flow.discarded)" + (flow.lastError.isEmpty ? "" : "; last error: \(flow.lastError)"))
                    }
                    for received in figures.received {
                        print("  ← \(received.producer) \(received.type): applied \(received.applied)")
                    }
                    if figures.flows.isEmpty && figures.received.isEmpty { print("  (no messages)") }
                    for dead in try await flows.listOutbox(.with { $0.state = .dead }).entries {
                        print("  DEAD \(dead.messageID) → \(dead.destination) \(dead.type) \(dead.aggregate) #\(dead.sequence): \(dead.lastError)")
                    }
                } catch let error as RPCError {
                    print("\(entry.name): \(error.code.name): \(error.message)")
                    unreachable = true
                }
                await caller.client.close()
            }
            if unreachable { throw ExitCode(1) }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a DEAD or DISCARDED message PENDING again: it is sent at once.")
        @Argument(help: "The producing service.") var service: String
        @Argument(help: "The message id.") var messageID: String
        @OptionGroup var connection: Connection

        func run() async throws {
            let caller = try connection.caller(for: service, seal: try connection.seal())
            defer { Task { await caller.client.close() } }
            let entry = try await Civic_Flows_V1_FlowsClient(caller).replay(.with { $0.messageID = messageID }).entry
            print("\(entry.messageID) → \(entry.destination): \(entry.state)")
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give up a DEAD message: the later messages of its aggregate go on.")
        @Argument(help: "The producing service.") var service: String
        @Argument(help: "The message id.") var messageID: String
        @Option(help: "Why (audited).") var reason: String
        @OptionGroup var connection: Connection

        func run() async throws {
            let caller = try connection.caller(for: service, seal: try connection.seal())
            defer { Task { await caller.client.close() } }
            let entry = try await Civic_Flows_V1_FlowsClient(caller).discard(
                .with {
                    $0.messageID = messageID; $0.reason = reason
                }
            ).entry
            print("\(entry.messageID) → \(entry.destination): \(entry.state)")
        }
    }
}
