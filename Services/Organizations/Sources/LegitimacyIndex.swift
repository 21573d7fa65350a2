import CivicDomain
import OrganizationsDomain

/// The names the legitimacy check and a registration compare against (名称比对库): every body on
/// the register (whatever its status: a revoked name still answers "revoked") and every community
/// organization filed. Built from the database on first use and kept up to date by the handlers
/// after each write that adds or renames a body; a restart rebuilds it, so it never outlives what
/// is committed. Two approvals of similar names at the same moment can both pass: decisions are a
/// leader's, one at a time in practice (ORGANIZATIONS.md §9).
public actor LegitimacyIndex {
    /// What an entry is: the store is asked for its current state when it matches.
    public enum Entry: String, Sendable, Hashable {
        case organization
        case communityOrganization = "community_organization"
    }

    private let store: OrganizationsStore
    private var index: NameIndex<Entry>?

    public init(store: OrganizationsStore) {
        self.store = store
    }

    /// The index, built from the database the first time.
    private func loaded() async throws -> NameIndex<Entry> {
        if let index { return index }
        var built = NameIndex<Entry>()
        let names = try await store.indexedNames()
        built.add(contentsOf: names.organizations.map { (id: $0.id, name: $0.name, tag: Entry.organization) })
        built.add(contentsOf: names.communityOrganizations.map { (id: $0.id, name: $0.name, tag: Entry.communityOrganization) })
        if let index { return index }  // built by another call meanwhile
        index = built
        return built
    }

    public func query(_ name: String, limit: Int = 20) async throws -> [NameMatch<Entry>] {
        try await loaded().query(name, limit: limit)
    }

    /// Adds or renames an entry after a committed write.
    public func put(id: String, name: String, as entry: Entry) async throws {
        var current = try await loaded()
        current.remove(id: id)
        current.add(id: id, name: name, tag: entry)
        index = current
    }

    /// Takes an entry out (a cancelled community filing).
    public func remove(id: String) async throws {
        var current = try await loaded()
        current.remove(id: id)
        index = current
    }
}
