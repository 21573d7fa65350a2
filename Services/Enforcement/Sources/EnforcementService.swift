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
        return parts(settings: settings, database: runtime.database)
    }

    /// The handlers and operator warnings over `database` with `settings`. Tests build
    /// them directly, over an in-memory database.
    public static func parts(
        settings: EnforcementSettings, database: any DatabaseWriter, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }
    ) -> ServiceParts {
        let store = EnforcementStore(database: database)
        return ServiceParts(
            handlers: EnforcementHandler(store: store, settings: settings, today: today).rpcHandlers,
            warnings: { settings.warnings(today: today()) })
    }
}
