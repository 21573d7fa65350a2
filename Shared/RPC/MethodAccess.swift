import CivicProtos

/// Who may call a method: the `(civic.access.v1.rule)` option declared beside it in protos/
/// (protos/civic/access/v1/access.proto), generated into each `RPCMethod`. The gateway
/// decides by `roles` and `keyScope`; the service narrows by `limits` (docs/ACCESS.md).
public struct MethodAccess: Sendable, Equatable, CustomStringConvertible {
    public typealias Role = Civic_Access_V1_Role

    /// How the service narrows what an allowed caller reaches.
    public enum Limit: String, Sendable, Hashable, CaseIterable {
        /// A staff key with a subject is a unit's (科室): that unit's records only.
        case ownUnit = "own_unit"
        /// A key with a division: records of that division only.
        case ownDivision = "own_division"
        /// A deputy, department or person: their own records only.
        case ownRecords = "own_records"
    }

    /// Roles that may call besides admin; `.public` means anyone, with or without a key.
    public let roles: Set<Role>
    public let limits: Set<Limit>
    /// The service a staff key must be scoped to ("proposals"); nil for shared methods.
    public let keyScope: String?

    public init(roles: Set<Role>, limits: Set<Limit> = [], keyScope: String? = nil) {
        self.roles = roles
        self.limits = limits
        self.keyScope = keyScope
    }

    /// Admin only: what a method without a declared rule gets (test handlers).
    public static let adminOnly = MethodAccess(roles: [])

    public var isPublic: Bool { roles.contains(.public) }

    public var description: String {
        let who = isPublic ? "anyone" : (["admin"] + roles.map(\.name).sorted()).joined(separator: ", ")
        let narrowed = limits.isEmpty ? "" : "; limited to " + limits.map(\.rawValue).sorted().joined(separator: ", ")
        return who + narrowed + (keyScope.map { "; staff keys for \($0)" } ?? "")
    }
}
