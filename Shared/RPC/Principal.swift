import CivicProtos
import Crypto
import Foundation

/// Who a call is for, as the gateway established it from the caller's credential. The
/// gateway passes it to services in `civic-principal`, sealed with the suite's internal key
/// (`civic-seal`), so a service can tell it came from the gateway and not from a caller.
public struct Principal: Sendable, Equatable {
    public typealias Role = Civic_Access_V1_Role

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
        self.encoded =
            "v1;id=\(Self.escape(id));roles=\(roles.map(\.name).joined(separator: ","));services=\(services.map(Self.escape).joined(separator: ","));division=\(Self.escape(division));subject=\(Self.escape(subject))"
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

    /// `init?(encoded:)`, remembered per thread: the gateway sends the same few principals
    /// again and again, and parsing one (splitting, percent-decoding) costs more than the
    /// lookup. At most 256 per thread; an unparseable text is remembered as nil.
    public static func decoded(_ encoded: String) -> Principal? {
        decodedPrincipals.value(for: encoded) { Principal(encoded: encoded) }
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

private let decodedPrincipals = ThreadLocalCache<String, Principal?>(capacity: 256)

extension Civic_Access_V1_Role {
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
        case .operator: "operator"
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
        case "operator": self = .operator
        default: return nil
        }
    }

    /// The roles a key can hold.
    public static let assignable: [Civic_Access_V1_Role] = [.admin, .staff, .leader, .deputy, .department, .service, .operator]
}

/// The suite's internal key: the gateway seals every call it forwards, and services accept
/// only calls whose seal checks out: HMAC-SHA256 over the method, the request id, the
/// principal, the time of sealing and the payload, each with its length (docs/ACCESS.md §6). Bound to the payload,
/// a sealed principal cannot be lifted onto another request; bound to time, a recorded call
/// cannot be replayed after `maxAge`.
public struct GatewaySeal: Sendable {
    /// HMAC's key schedule (the inner and outer pads hashed), done once: each seal starts
    /// from a copy of it.
    private let keyed: HMAC<SHA256>
    /// How far a seal's time may be from the service's clock, either way.
    public let maxAge: Int64

    /// `secret` is the shared internal key as text (at least 32 characters).
    public init(secret: String, maxAgeMillis: Int64 = 300_000) throws {
        guard secret.utf8.count >= 32 else { throw RPCError(.invalidArgument, "the internal key must be at least 32 characters") }
        keyed = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        maxAge = maxAgeMillis
    }

    public static func nowMillis() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }

    public func seal(method: String, requestID: String, principal: String, sealedAt: Int64, payload: Data) -> String {
        Data(mac(method: method, requestID: requestID, principal: principal, sealedAt: sealedAt, payload: payload)).base64EncodedString()
    }

    /// Each field goes in with its length first, so no field can borrow bytes from the next
    /// (a request id with a newline in it cannot pose as a principal).
    private func mac(method: String, requestID: String, principal: String, sealedAt: Int64, payload: Data) -> HashedAuthenticationCode<SHA256> {
        var mac = keyed
        func add(_ bytes: UnsafeRawBufferPointer) {
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { mac.update(data: $0) }
            mac.update(data: bytes)
        }
        func add(_ text: String) {
            var text = text
            text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
        }
        add(method)
        add(requestID)
        add(principal)
        add(String(sealedAt))
        payload.withUnsafeBytes { add($0) }
        return mac.finalize()
    }

    /// `civic-sealed-at` as the gateway writes it: plain decimal digits, at most 15 (no
    /// sign, no spaces), so the arithmetic below cannot overflow.
    static func sealedAt(_ text: String?) -> Int64? {
        guard let text, (1...15).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int64(text)
    }

    public enum Verdict: Equatable, Sendable {
        case valid
        /// Missing, malformed, or made for something else (another key, method, request id,
        /// principal or payload).
        case invalid
        /// Made too long ago (or too far ahead): a replay, or clocks apart.
        case expired
    }

    public func verify(method: String, metadata: [String: String], payload: Data, now: Int64 = GatewaySeal.nowMillis()) -> Verdict {
        guard let principal = metadata[MetadataKey.principal], !principal.isEmpty,
            let seal = metadata[MetadataKey.seal], let given = Data(base64Encoded: seal),
            let sealedAt = Self.sealedAt(metadata[MetadataKey.sealedAt])
        else { return .invalid }
        let expected = mac(method: method, requestID: metadata[MetadataKey.requestID] ?? "", principal: principal, sealedAt: sealedAt, payload: payload)
        // Constant time (HashedAuthenticationCode's ==), then the clock.
        guard expected == given else { return .invalid }
        return abs(now - sealedAt) <= maxAge ? .valid : .expired
    }

    /// Adds `civic-principal`, `civic-sealed-at` and `civic-seal` to outgoing metadata.
    public func stamp(_ metadata: inout [String: String], method: String, principal: Principal, payload: Data, now: Int64 = GatewaySeal.nowMillis()) {
        stamp(&metadata, method: method, encodedPrincipal: principal.encoded, payload: payload, now: now)
    }

    /// The same with the principal already encoded (the gateway caches it per key).
    public func stamp(_ metadata: inout [String: String], method: String, encodedPrincipal encoded: String, payload: Data, now: Int64 = GatewaySeal.nowMillis())
    {
        metadata[MetadataKey.principal] = encoded
        metadata[MetadataKey.sealedAt] = String(now)
        metadata[MetadataKey.seal] = seal(method: method, requestID: metadata[MetadataKey.requestID] ?? "", principal: encoded, sealedAt: now, payload: payload)
    }

    /// A random key for a new installation: 32 random bytes as hex.
    public static func generateSecret() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }
}
