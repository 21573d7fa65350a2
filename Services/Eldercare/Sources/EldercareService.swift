import CivicCatalog
import CivicProtoServices
import CivicServiceKit
import CivicStorage

/// The eldercare service: eldercare services (养老服务). Its domain arrives with its own issue; until then it
/// opens its database, runs its (empty) migrations and answers health and method listing.
public enum EldercareService {
    /// Append-only; the first domain migration goes here.
    public static let migrations: [DatabaseMigration] = []

    public static let definition = ServiceDefinition(
        ServiceCatalog.eldercare,
        migrations: migrations
    ) { _ in
        ServiceParts(handlers: [])
    }
}
