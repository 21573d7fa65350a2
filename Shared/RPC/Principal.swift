import CivicProtos
import Crypto
import Foundation

/// Who a call is for, as the gateway established it from the caller's credential. The
/// gateway passes it to services in `civic-principal`, sealed with the suite's internal key
/// (`civic-seal`), so a service can tell it came from the gateway and not from a caller.
public struct Principal: Sendable, Equatable {
    public typealias Role = Civic_Gateway_V1_Role

    /// The key id, or "public" for a caller without a key.
    public let id: String
    public let roles: [Role]
    /// Services the principal may act on, by short name; empty means all.
    public let services: [String]
    /// Administrative division code it is limited to; empty means all.
    public let division: String
    /// A deputy's member id, or a department's name.
    public let subject: String
    /// The metadata form, computed once: the gateway sends it with every call.
    public let encoded: String

    public init(id: String, roles: [Role], services: [String] = [], division: String = "", subject: String = "") {
        self.id = id
        self.roles = roles
        self.services = services
        self.division = division
        self.subject = subject
        self.encoded = "v1;id=\(Self.escape(id));roles=\(roles.map(\.name).joined(separator: ","));services=\(services.map(Self.escape).joined(separator: ","));division=\(Self.escape(division));subject=\(Self.escape(subject))"
    }

    /// A caller without a credential.
    public static let anonymousPublic = Principal(id: "public", roles: [.public])

    public func has(_ role: Role) -> Bool { roles.contains(role) }

    /// May this principal act on `service` (a short name like "proposals")?
    public func covers(service: String) -> Bool { services.isEmpty || services.contains(service) }

    // `encoded` is "v1;id=…;roles=staff,leader;services=proposals;division=310114;subject=…",
    // values percent-encoded.

    public init?(encoded: String) {
        let parts = encoded.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.first == "v1" else { return nil }
        var fields: [Substring: Substring] = [:]
        for part in parts.dropFirst() {
            guard let eq = part.firstIndex(of: "=") else { return nil }
            fields[part[..<eq]] = part[part.index(after: eq)...]
        }
        guard let id = fields["id"].flatMap({ Self.unescape($0) }), !id.isEmpty else { return nil }
        var roles: [Role] = []
        for name in (fields["roles"] ?? "").split(separator: ",") {
            guard let role = Role(name: String(name)) else { return nil }
            roles.append(role)
        }
        self.init(
            id: id, roles: roles,
            services: (fields["services"] ?? "").split(separator: ",").compactMap { Self.unescape($0) },
            division: fields["division"].flatMap { Self.unescape($0) } ?? "",
            subject: fields["subject"].flatMap { Self.unescape($0) } ?? "")
    }

    private static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-_.:@")
        return set
    }()

    private static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    private static func unescape(_ value: Substring) -> String? {
        String(value).removingPercentEncoding
    }
}

extension Civic_Gateway_V1_Role {
    /// Lower-case name as used in configuration, metadata and the command line: "staff".
    public var name: String {
        switch self {
        case .admin: "admin"
        case .staff: "staff"
        case .leader: "leader"
        case .deputy: "deputy"
        case .department: "department"
        case .service: "service"
        case .public: "public"
        case .unspecified: "unspecified"
        case .UNRECOGNIZED(let n): "role\(n)"
        }
    }

    public init?(name: String) {
        switch name.lowercased() {
        case "admin": self = .admin
        case "staff": self = .staff
        case "leader": self = .leader
        case "deputy": self = .deputy
        case "department": self = .department
        case "service": self = .service
        case "public": self = .public
        default: return nil
        }
    }

    /// The roles a key can hold.
    public static let assignable: [Civic_Gateway_V1_Role] = [.admin, .staff, .leader, .deputy, .department, .service]
}

/// The suite's internal key: the gateway seals the principal of every call it forwards,
/// and services accept only calls whose seal checks out (HMAC-SHA256 over the method, the
/// request id and the principal).
public struct GatewaySeal: Sendable {
    private let key: SymmetricKey

    /// `secret` is the shared internal key as text (at least 32 characters).
    public init(secret: String) throws {
        guard secret.utf8.count >= 32 else { throw RPCError(.invalidArgument, "the internal key must be at least 32 characters") }
        key = SymmetricKey(data: Data(secret.utf8))
    }

    public func seal(method: String, requestID: String, principal: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(method)\n\(requestID)\n\(principal)".utf8), using: key)
        return Data(mac).base64EncodedString()
    }

    public func verify(method: String, requestID: String, principal: String, seal: String) -> Bool {
        guard let given = Data(base64Encoded: seal) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data("\(method)\n\(requestID)\n\(principal)".utf8), using: key)
    }

    /// Adds `civic-principal` and `civic-seal` to outgoing metadata.
    public func stamp(_ metadata: inout [String: String], method: String, principal: Principal) {
        stamp(&metadata, method: method, encodedPrincipal: principal.encoded)
    }

    /// The same with the principal already encoded (the gateway caches it per key).
    public func stamp(_ metadata: inout [String: String], method: String, encodedPrincipal encoded: String) {
        metadata[MetadataKey.principal] = encoded
        metadata[MetadataKey.seal] = seal(method: method, requestID: metadata[MetadataKey.requestID] ?? "", principal: encoded)
    }

    /// A random key for a new installation: 32 random bytes as hex.
    public static func generateSecret() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }
}

extension RPCContext {
    /// The caller as the gateway established it; nil when the call carries none.
    public var principal: Principal? {
        metadata[MetadataKey.principal].flatMap(Principal.init(encoded:))
    }
}
