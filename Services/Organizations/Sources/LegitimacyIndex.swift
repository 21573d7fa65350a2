import CivicDomain
import OrganizationsDomain

/// The names the legitimacy check and a registration compare against (名称比对库): every body on
/// the register (whatever its status: a revoked name still answers "revoked"), every community
/// organization filed and every name published on a 涉嫌非法社会组织 list. Built from the database on first use and kept up to date by the handlers
/// after each write that adds or renames a body; a restart rebuilds it, so it never outlives what
/// is committed. Two approvals of similar names at the same moment can both pass: decisions are a
/// leader's, one at a time in practice (ORGANIZATIONS.md §9).
public actor LegitimacyIndex {
    /// What an entry is: the store is asked for its current state when it matches.
    public enum Entry: String, Sendable, Hashable {
        case organization
        case communityOrganization = "community_organization"
        /// A name published on a 涉嫌非法社会组织 list (its id the case's).
        case suspectedIllegal = "suspected_illegal"
    }

    private let store: OrganizationsStore
    /// Splits names with the bureau's division names (CIVIC_DIVISION_NAMES_FILE).
    private let parser: NameParser
    private var index: NameIndex<Entry>?
    /// The one build under way: every caller waits for it, so a write made while it runs is applied
    /// on top of it (never lost to a second, later build).
    private var building: Task<NameIndex<Entry>, any Error>?

    public init(store: OrganizationsStore, divisions: DivisionNameTable = DivisionNameTable()) {
        self.store = store
        self.parser = NameParser(divisions: DivisionNames(divisions.allNames))
    }

    /// The index, built from the database the first time.
    private func loaded() async throws -> NameIndex<Entry> {
        if let index { return index }
        let build =
            building
            ?? Task { [store, parser] in
                var built = NameIndex<Entry>(parser: parser)
                let names = try await store.indexedNames()
                built.add(contentsOf: names.organizations.map { (id: $0.id, name: $0.name, tag: Entry.organization) })
                built.add(contentsOf: names.communityOrganizations.map { (id: $0.id, name: $0.name, tag: Entry.communityOrganization) })
                built.add(contentsOf: try await store.suspectedNames().map { (id: $0.caseID, name: $0.nameUsed, tag: Entry.suspectedIllegal) })
                return built
            }
        building = build
        do {
            let built = try await build.value
            if index == nil { index = built }
            building = nil
            return index!
        } catch {
            building = nil
            throw error
        }
    }

    /// Builds the index now (at start, so that the first public check does not wait for it);
    /// answers how many names it holds.
    @discardableResult
    public func warm() async throws -> Int { try await loaded().count }

    public func query(_ name: String, limit: Int = 20) async throws -> [NameMatch<Entry>] {
        try await loaded().query(name, limit: limit)
    }

    /// Adds or renames an entry after a committed write.
    /// (In place: a copy of an index of 1,000,000 names would cost hundreds of megabytes.)
    public func put(id: String, name: String, as entry: Entry) async throws {
        _ = try await loaded()
        index?.remove(id: id)
        index?.add(id: id, name: name, tag: entry)
    }

    /// Takes an entry out (a cancelled community filing).
    public func remove(id: String) async throws {
        _ = try await loaded()
        index?.remove(id: id)
    }
}
