import CivicCatalog
import CivicDomain
import CivicServiceKit
import GRDB
import Logging

/// The organizations service (社会组织), as the shared host runs it: its catalog entry, its schema, and
/// its parts made once from its settings (docs/ADDING-A-SERVICE.md).
public enum OrganizationsService {
    public static let definition = ServiceDefinition(ServiceCatalog.organizations, migrations: OrganizationsSchema.migrations) { runtime in
        let settings = try OrganizationsSettings(environment: runtime.environment)
        runtime.logger.info("organizations settings", metadata: ["settings": "\(settings)"])
        return parts(settings: settings, database: runtime.database)
    }

    /// The handlers and operator warnings over `database` with `settings`. Tests build
    /// them directly, over an in-memory database.
    public static func parts(
        settings: OrganizationsSettings, database: any DatabaseWriter, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }
    ) -> ServiceParts {
        let store = OrganizationsStore(database: database)
        return ServiceParts(
            handlers: OrganizationsHandler(store: store, settings: settings, today: today, names: LegitimacyIndex(store: store)).rpcHandlers,
            warnings: { settings.warnings(today: today()) })
    }
}
