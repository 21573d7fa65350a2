import CivicCatalog
import CivicDomain
import CivicServiceKit
import GRDB
import Logging

/// The assistance service (社会救助), as the shared host runs it: its catalog entry, its schema, and
/// its parts made once from its settings (docs/ADDING-A-SERVICE.md).
public enum AssistanceService {
    public static let definition = ServiceDefinition(ServiceCatalog.assistance, migrations: AssistanceSchema.migrations) { runtime in
        let settings = try AssistanceSettings(environment: runtime.environment)
        runtime.logger.info("assistance settings", metadata: ["settings": "\(settings)"])
        return parts(settings: settings, database: runtime.database)
    }

    /// The handlers and operator warnings over `database` with `settings`. Tests build
    /// them directly, over an in-memory database.
    public static func parts(
        settings: AssistanceSettings, database: any DatabaseWriter, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }
    ) -> ServiceParts {
        let handler = AssistanceHandler(store: AssistanceStore(database: database), settings: settings, today: today)
        return ServiceParts(handlers: handler.rpcHandlers, warnings: { settings.warnings(today: today()) }, flowAppliers: handler.flowAppliers)
    }
}
