import CivicCatalog
import CivicDomain
import CivicServiceKit
import GRDB
import Logging

/// The enforcement service (民政综合执法), as the shared host runs it: its catalog entry, its schema, and
/// its parts made once from its settings (docs/ADDING-A-SERVICE.md).
public enum EnforcementService {
    public static let definition = ServiceDefinition(ServiceCatalog.enforcement, migrations: EnforcementSchema.migrations) { runtime in
        let settings = try EnforcementSettings(environment: runtime.environment)
        runtime.logger.info("enforcement settings", metadata: ["settings": "\(settings)"])
        let registry = runtime.peers.map { peers in SubjectRegistry { service in peers.caller(service) } }
        return try parts(settings: settings, database: runtime.database, logger: runtime.logger, registry: registry)
    }

    /// The handlers and operator warnings over `database` with `settings`, the stored clocks
    /// recounted first when the calendar changed. Tests build them directly, over an in-memory
    /// database.
    public static func parts(
        settings: EnforcementSettings, database: any DatabaseWriter, logger: Logger = Logger(label: "civic.enforcement"),
        today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }, registry: SubjectRegistry? = nil
    ) throws -> ServiceParts {
        let store = EnforcementStore(database: database, calendar: settings.legalCalendar)
        let recounted = try store.refreshClocks(today: today())
        if recounted > 0 { logger.notice("case clocks recounted with the calendar in use", metadata: ["cases": "\(recounted)"]) }
        let handler = EnforcementHandler(store: store, settings: settings, today: today, registry: registry)
        return ServiceParts(handlers: handler.rpcHandlers, warnings: { settings.warnings(today: today()) }, flowAppliers: handler.flowAppliers)
    }
}
