import CivicProtoServices
import CivicRPC

/// Who may call what. The rules are not written here: each is declared beside its method
/// in protos/ (`(civic.access.v1.rule)`, protos/civic/access/v1/access.proto) and generated
/// into the method's `RPCMethod.access`; protoc-gen-civic refuses a method without one.
/// Adding a method therefore never touches the gateway. `admin` may call everything.
public enum AccessPolicy {
    public typealias Role = Principal.Role

    /// Method path → its declared rule.
    public static func rule(for method: String) -> MethodAccess? {
        CivicServiceRegistry.methodsByPath[method]?.access
    }

    /// Methods anyone may call without a key.
    public static var publicMethods: [String] {
        CivicServiceRegistry.methodsByPath.values.filter(\.access.isPublic).map(\.path).sorted()
    }

    public enum Decision: Equatable {
        case allowed
        case unauthenticated(String)
        case denied(String)
    }

    /// The decision for `principal` calling `method`.
    public static func decide(_ method: String, for principal: Principal) -> Decision {
        guard let rule = rule(for: method) else {
            return .denied("\(method) has no access rule")
        }
        if rule.isPublic { return .allowed }
        if principal.has(.public) { return .unauthenticated("\(method) needs a credential (Authorization: Bearer <key>)") }
        if principal.has(.admin) { return .allowed }
        let granted = rule.roles.intersection(principal.roles)
        if granted.isEmpty {
            let held = principal.roles.map(\.name).sorted().joined(separator: ", ")
            return .denied("a key with role \(held) may not call \(method)")
        }
        // A key scoped to services acts only on those (staff keys always name theirs).
        if let service = rule.keyScope, !principal.covers(service: service) {
            return .denied("this key is not for the \(service) service")
        }
        return .allowed
    }
}
