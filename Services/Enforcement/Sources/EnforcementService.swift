import CivicCatalog
import CivicProtoServices
import CivicServiceKit
import CivicStorage

/// The enforcement service: administrative law enforcement (民政综合执法). Its domain arrives with its own issue; until then it
/// opens its database, runs its (empty) migrations and answers health and method listing.
public enum EnforcementService {
    /// Append-only; the first domain migration goes here.
    public static let migrations: [DatabaseMigration] = []

    public static let definition = ServiceDefinition(
        ServiceCatalog.enforcement,
        migrations: migrations
    ) { _ in
        ServiceParts(handlers: [])
    }
}
