import ArgumentParser
import CivicProtoServices
import CivicRPC
import CivicStorage
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Runs one domain service: opens and migrates its database, serves its handlers plus
/// health and method listing, and drains gracefully. Used by the executables and, with
/// port 0 and a temporary folder, by the tests.
public final class ServiceHost: Sendable {
    public let definition: ServiceDefinition
    public let configuration: ServiceConfiguration
    public let database: DatabasePool
    public let server: RPCServer
    public let health: HealthHandler
    public let logger: Logger
    private let jobs: [Task<Void, Never>]
    /// Delivers this service's outbox to the others.
    public let flowTransport: FlowTransport

    public var databasePath: String { Self.databasePath(for: definition, in: configuration.dataDirectory) }

    public static func databasePath(for definition: ServiceDefinition, in folder: String) -> String {
        (folder as NSString).appendingPathComponent(definition.entry.databaseFile)
    }

    private init(
        definition: ServiceDefinition, configuration: ServiceConfiguration, database: DatabasePool, server: RPCServer, health: HealthHandler, logger: Logger,
        jobs: [Task<Void, Never>], flowTransport: FlowTransport
    ) {
        self.jobs = jobs
        self.flowTransport = flowTransport
        self.definition = definition
        self.configuration = configuration
        self.database = database
        self.server = server
        self.health = health
        self.logger = logger
    }

    /// Opens the database and starts listening.
    /// `environment` is where the service's own settings are read from (the process's by
    /// default; tests pass a dictionary).
    public static func start(
        _ definition: ServiceDefinition, configuration: ServiceConfiguration, logger: Logger? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> ServiceHost {
        let logger = logger ?? Logger(label: "civic.\(definition.name)")
        let path = databasePath(for: definition, in: configuration.dataDirectory)
        let database = try CivicDatabase.open(path: path, migrations: definition.migrations, logger: logger)
        let seal = try configuration.internalKey.map { try GatewaySeal(secret: $0) }
        // Every service delivers its own outbox to the others, and may ask them (docs/FLOWS.md).
        let transport = FlowTransport(producer: definition.name, peers: configuration.peers, seal: seal)
        let parts = try definition.makeParts(ServiceRuntime(database: database, logger: logger, environment: environment, peers: transport))
        let flows = FlowsHandler(service: definition.name, database: database, appliers: parts.flowAppliers)
        let handlers = parts.handlers + flows.rpcHandlers
        let flowSettings = EnvironmentSettings(environment)
        let stuckMinutes = try flowSettings.int("CIVIC_FLOW_STUCK_MINUTES") ?? 15
        guard (1...10_080).contains(stuckMinutes) else { throw ValidationError("CIVIC_FLOW_STUCK_MINUTES=\(stuckMinutes) is outside 1…10080") }
        let retryMax = try flowSettings.int("CIVIC_FLOW_RETRY_MAX_SECONDS") ?? 300
        guard (1...3_600).contains(retryMax) else { throw ValidationError("CIVIC_FLOW_RETRY_MAX_SECONDS=\(retryMax) is outside 1…3600") }
        let dispatcher = FlowDispatcher(
            database: database, maxBackoff: Double(retryMax), logger: Logger(label: "civic.\(definition.name).flows"), stuckAfter: Double(stuckMinutes * 60)
        ) { message in
            try await transport.send(message)
        }
        let warnings: ServiceParts.Warnings = { await parts.warnings() + dispatcher.healthWarnings }
        // Health answers from a snapshot refreshed in the background (a check touches nothing).
        let health = HealthHandler(
            protoServices: definition.protoServices, methods: handlers.map(\.method), database: database, refreshInterval: .seconds(2), warnings: warnings)
        await health.refresh()
        for warning in await parts.warnings() { logger.warning("\(warning)") }
        if seal == nil {
            logger.warning("no internal key: this service accepts calls from anyone who can reach its port, not only the gateway")
        }
        let server = RPCServer(
            configuration: .init(host: configuration.host, port: configuration.port, maxFrameSize: configuration.maxFrameBytes, gatewaySeal: seal),
            handlers: handlers + health.immediateHandlers,
            logger: logger)
        let address = try await server.start()
        let jobs = (parts.jobs + [{ await dispatcher.run() }, { await health.run() }]).map { job in Task { await job() } }
        logger.notice(
            "\(definition.name) listening",
            metadata: [
                "address": "\(configuration.host):\(address.port ?? 0)", "database": "\(path)",
            ])
        return ServiceHost(
            definition: definition, configuration: configuration, database: database, server: server, health: health, logger: logger, jobs: jobs,
            flowTransport: transport)
    }

    /// The bound TCP port.
    public var port: Int { server.localAddress?.port ?? 0 }

    /// Reports NOT_SERVING, refuses new calls, lets calls in flight finish, closes.
    public func shutdown() async {
        health.setServing(false)
        for job in jobs { job.cancel() }
        for job in jobs { await job.value }
        await flowTransport.close()
        await server.shutdownGracefully()
        try? database.close()
        logger.notice("\(definition.name) stopped")
    }

    /// The body of a service executable: resolve options, start, run until SIGTERM/SIGINT,
    /// drain, exit 0.
    public static func main(_ definition: ServiceDefinition, options: ServiceOptions) async throws {
        PrivateFiles.restrictNewFiles()
        let configuration = try ServiceConfiguration.resolve(options, name: definition.name, defaultPort: definition.defaultPort)
        CivicLogging.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "civic.\(definition.name)")
        logger.info("configuration", metadata: ["settings": "\(configuration)"])
        let host = try await start(definition, configuration: configuration, logger: logger)
        try await runUntilShutdown(logger: logger) { await host.shutdown() }
    }

    /// Waits for SIGTERM or SIGINT, then runs `drain`.
    public static func runUntilShutdown(logger: Logger, drain: @escaping @Sendable () async -> Void) async throws {
        let service = DrainOnShutdown(drain: drain)
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch is CancellationError {
            // A signal after the drain began; the drain has finished by now.
        }
    }
}

private struct DrainOnShutdown: Service {
    let drain: @Sendable () async -> Void
    func run() async throws {
        try? await gracefulShutdown()
        await drain()
    }
}
