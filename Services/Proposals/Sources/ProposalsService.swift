import CivicCatalog
import CivicDomain
import CivicProtoServices
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging
import ProposalsDomain

/// The proposals service (建议提案办理), as the shared host runs it.
public enum ProposalsService {
    public static let definition = ServiceDefinition(ServiceCatalog.proposals, migrations: ProposalsSchema.migrations) { runtime in
        let settings = try ProposalsSettings(environment: runtime.environment)
        runtime.logger.info("proposals settings", metadata: ["settings": "\(settings)"])
        return parts(settings: settings, database: runtime.database, logger: runtime.logger)
    }

    /// The service's parts over `database` with `settings` (read once): the handlers, the
    /// daily urging job and the operator warnings. Tests build them directly.
    public static func parts(settings: ProposalsSettings, database: any DatabaseWriter, logger: Logger) -> ServiceParts {
        let store = ProposalStore(database: database)
        let warnings = settings.warnings(for: store)
        let jobs: [ServiceParts.BackgroundJob] =
            settings.dailyUrging ? [{ await settings.dailyUrging(store: store, logger: logger, warnings: warnings).run() }] : []
        return ServiceParts(handlers: settings.handler(store).rpcHandlers, jobs: jobs, warnings: warnings)
    }
}
