import CivicCatalog
import CivicDomain
import CivicProtos
import CivicServiceKit
import Foundation
import GRDB
import Logging

/// The organizations service (社会组织), as the shared host runs it: its catalog entry, its schema, and
/// its parts made once from its settings (docs/ADDING-A-SERVICE.md).
public enum OrganizationsService {
    public static let definition = ServiceDefinition(ServiceCatalog.organizations, migrations: OrganizationsSchema.migrations) { runtime in
        let settings = try OrganizationsSettings(environment: runtime.environment)
        runtime.logger.info("organizations settings", metadata: ["settings": "\(settings)"])
        return parts(settings: settings, database: runtime.database, logger: runtime.logger)
    }

    /// The handlers and operator warnings over `database` with `settings`. Tests build
    /// them directly, over an in-memory database.
    public static func parts(
        settings: OrganizationsSettings, database: any DatabaseWriter, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() },
        logger: Logger = Logger(label: "civic.organizations")
    ) -> ServiceParts {
        let store = OrganizationsStore(database: database)
        let names = LegitimacyIndex(store: store, divisions: settings.divisionNames)
        // The name index is built at start, off the request path (1,000,000 names take seconds).
        let warm: ServiceParts.BackgroundJob = {
            let start = ContinuousClock.now
            do {
                let count = try await names.warm()
                logger.notice("name index built", metadata: ["names": "\(count)", "took": "\(ContinuousClock.now - start)"])
            } catch {
                logger.error("name index not built; the first check will try again", metadata: ["error": "\(error)"])
            }
        }
        let rules = settings.creditLists
        return ServiceParts(
            handlers: OrganizationsHandler(store: store, settings: settings, today: today, names: names).rpcHandlers, jobs: [warm],
            warnings: { settings.warnings(today: today()) },
            flowAppliers: [
                // enforcement → organizations (FLOWS.md §4.3).
                FlowApplier.of(Civic_Flows_V1_PenaltyDecided.self) { db, penalty, envelope in
                    try OrganizationsStore.applyPenaltyDecided(db, penalty, rules: rules, today: today(), by: envelope.actor, now: Date())
                },
                FlowApplier.of(Civic_Flows_V1_PenaltyRevoked.self) { db, revoked, envelope in
                    try OrganizationsStore.applyPenaltyRevoked(db, revoked, rules: rules, today: today(), by: envelope.actor, now: Date())
                },
            ])
    }
}
