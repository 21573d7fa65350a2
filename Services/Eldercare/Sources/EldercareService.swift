import CivicCatalog
import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging

/// The eldercare service (养老服务), as the shared host runs it: its catalog entry, its schema, and
/// its parts made once from its settings (docs/ADDING-A-SERVICE.md).
public enum EldercareService {
    public static let definition = ServiceDefinition(ServiceCatalog.eldercare, migrations: EldercareSchema.migrations) { runtime in
        let settings = try EldercareSettings(environment: runtime.environment)
        runtime.logger.info("eldercare settings", metadata: ["settings": "\(settings)"])
        return parts(settings: settings, database: runtime.database, logger: runtime.logger)
    }

    /// The handlers, the daily sweep and the operator warnings over `database` with
    /// `settings`. Tests build them directly, over an in-memory database.
    public static func parts(
        settings: EldercareSettings, database: any DatabaseWriter, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() },
        logger: Logger = Logger(label: "civic.eldercare")
    ) -> ServiceParts {
        let store = EldercareStore(database: database)
        let warnings: ServiceParts.Warnings = { settings.warnings(today: today()) }
        let jobs: [ServiceParts.BackgroundJob] =
            settings.dailySweep ? [{ await settings.dailySweep(store: store, logger: logger, warnings: warnings).run() }] : []
        return ServiceParts(
            handlers: EldercareHandler(store: store, settings: settings, today: today).rpcHandlers, jobs: jobs, warnings: warnings,
            flowAppliers: flowAppliers)
    }

    /// The messages eldercare takes from the other services (docs/FLOWS.md §4).
    public static let flowAppliers: [FlowApplier] = [
        FlowApplier.of(Civic_Flows_V1_PenaltyDecided.self) { db, penalty, envelope in
            try EldercareStore.applyPenaltyDecided(db, penalty, by: envelope.actor, now: Date())
        },
        FlowApplier.of(Civic_Flows_V1_PenaltyRevoked.self) { db, revoked, envelope in
            try EldercareStore.applyPenaltyRevoked(db, revoked, by: envelope.actor, now: Date())
        },
        FlowApplier.of(Civic_Flows_V1_DestitutePlacementRequested.self) { db, request, envelope in
            try EldercareStore.applyPlacementRequested(db, request, by: envelope.actor, now: Date())
        },
    ]
}
