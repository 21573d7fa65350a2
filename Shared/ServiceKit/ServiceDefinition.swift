import CivicCatalog
import CivicRPC
import CivicStorage
import GRDB
import Logging

/// What a domain service hands to the shared host: its name, default port, schema, and the
/// RPC handlers it serves over its database. Each service library exports one.
public struct ServiceDefinition: Sendable {
    /// Its entry in the catalog: name, default port, protobuf services, database file.
    public let entry: ServiceCatalog.Entry
    /// Short name: the executable, the database file (`<name>.sqlite`), env prefixes.
    public var name: String { entry.name }
    public var defaultPort: Int { entry.defaultPort }
    /// Fully qualified protobuf services it serves, e.g. "civic.proposals.v1.ProposalService".
    public var protoServices: [String] { entry.protoServices }
    public let migrations: [DatabaseMigration]
    public let makeHandlers: @Sendable (_ database: DatabasePool, _ logger: Logger) throws -> [RPCHandler]
    /// Work the service does on its own while it runs (a daily job, an outbox dispatcher).
    /// Each job runs until cancelled at shutdown.
    public let makeJobs: @Sendable (_ database: DatabasePool, _ logger: Logger) throws -> [BackgroundJob]
    /// Conditions an operator should fix that do not stop the service (a missing holiday
    /// schedule, an unknown configured value in stored data). Logged at start and answered
    /// by every health check, so `civic health` shows them.
    public let makeWarnings: @Sendable (_ database: DatabasePool) throws -> Warnings

    public typealias BackgroundJob = @Sendable () async -> Void
    public typealias Warnings = @Sendable () async -> [String]

    public init(
        _ entry: ServiceCatalog.Entry, migrations: [DatabaseMigration],
        makeJobs: @escaping @Sendable (DatabasePool, Logger) throws -> [BackgroundJob] = { _, _ in [] },
        makeWarnings: @escaping @Sendable (DatabasePool) throws -> Warnings = { _ in { [] } },
        makeHandlers: @escaping @Sendable (DatabasePool, Logger) throws -> [RPCHandler]
    ) {
        self.entry = entry
        self.migrations = migrations
        self.makeJobs = makeJobs
        self.makeWarnings = makeWarnings
        self.makeHandlers = makeHandlers
    }
}
