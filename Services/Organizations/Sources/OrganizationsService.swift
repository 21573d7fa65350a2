import CivicCatalog
import CivicProtoServices
import CivicServiceKit
import CivicStorage

/// The organizations service: social organizations (社会组织). Its domain arrives with its own issue; until then it
/// opens its database, runs its (empty) migrations and answers health and method listing.
public enum OrganizationsService {
    /// Append-only; the first domain migration goes here.
    public static let migrations: [DatabaseMigration] = []

    public static let definition = ServiceDefinition(
        ServiceCatalog.organizations,
        migrations: migrations
    ) { _ in
        ServiceParts(handlers: [])
    }
}
