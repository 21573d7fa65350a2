import CivicCatalog
import CivicRPC
import CivicStorage
import Foundation
import GRDB
import Logging

/// What a domain service hands to the shared host: its catalog entry, its schema, and how
/// to make its parts over a database. Each service library exports one
/// (docs/ADDING-A-SERVICE.md).
public struct ServiceDefinition: Sendable {
    /// Its entry in the catalog: name, default port, protobuf services, database file.
    public let entry: ServiceCatalog.Entry
    /// Short name: the executable, the database file (`<name>.sqlite`), env prefixes.
    public var name: String { entry.name }
    public var defaultPort: Int { entry.defaultPort }
    /// Fully qualified protobuf services it serves, e.g. "civic.proposals.v1.ProposalService".
    public var protoServices: [String] { entry.protoServices }
    public let migrations: [DatabaseMigration]
    /// Reads the service's settings once (from `runtime.environment`; anything malformed
    /// throws and stops the service at start, naming the variable) and builds its parts.
    public let makeParts: @Sendable (_ runtime: ServiceRuntime) throws -> ServiceParts

    public init(_ entry: ServiceCatalog.Entry, migrations: [DatabaseMigration], makeParts: @escaping @Sendable (ServiceRuntime) throws -> ServiceParts) {
        self.entry = entry
        self.migrations = migrations
        self.makeParts = makeParts
    }
}

/// What a service's parts are made over: its migrated database (any GRDB writer: the
/// host's pool, or an in-memory queue in unit tests), its logger and the environment its
/// settings are read from.
public struct ServiceRuntime: Sendable {
    public let database: any DatabaseWriter
    public let logger: Logger
    public let environment: [String: String]
    /// Calls another service directly, sealed as this one (FLOWS.md): nil in tests that build
    /// parts without a host.
    public let peers: FlowTransport?

    public init(
        database: any DatabaseWriter, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment, peers: FlowTransport? = nil
    ) {
        self.database = database
        self.logger = logger
        self.environment = environment
        self.peers = peers
    }
}

/// A running service's parts: its RPC handlers, the jobs it runs on its own, and the
/// conditions an operator should fix.
public struct ServiceParts: Sendable {
    public typealias BackgroundJob = @Sendable () async -> Void
    public typealias Warnings = @Sendable () async -> [String]

    public var handlers: [RPCHandler]
    /// Work the service does on its own while it runs (a DailyJob, an outbox dispatcher).
    /// Each runs in its own task and must return when the task is cancelled at shutdown.
    public var jobs: [BackgroundJob]
    /// Conditions an operator should fix that do not stop the service (a provisional
    /// holiday year, an unknown configured value in stored data). Logged at start and
    /// answered by every health check, so `civic health` shows them.
    public var warnings: Warnings
    /// The messages from other services it takes (docs/FLOWS.md), by payload type.
    public var flowAppliers: [FlowApplier]

    public init(handlers: [RPCHandler], jobs: [BackgroundJob] = [], warnings: @escaping Warnings = { [] }, flowAppliers: [FlowApplier] = []) {
        self.handlers = handlers
        self.jobs = jobs
        self.warnings = warnings
        self.flowAppliers = flowAppliers
    }
}
