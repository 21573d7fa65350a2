import CivicCatalog
import CivicProtoServices
import CivicServiceKit
import CivicStorage

/// The assistance service: social assistance (社会救助). Its domain arrives with its own issue; until then it
/// opens its database, runs its (empty) migrations and answers health and method listing.
public enum AssistanceService {
    /// Append-only; the first domain migration goes here.
    public static let migrations: [DatabaseMigration] = []

    public static let definition = ServiceDefinition(
        ServiceCatalog.assistance,
        migrations: migrations
    ) { _ in
        ServiceParts(handlers: [])
    }
}
