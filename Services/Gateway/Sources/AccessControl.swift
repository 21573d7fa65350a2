import CivicRPC
import Foundation
import Logging

/// Decides whether a call may pass the gateway and establishes who it is for. Services
/// trust the principal only because the gateway seals it (docs/ACCESS.md).
public protocol CallAuthorizer: Sendable {
    /// The principal to pass on, or throws UNAUTHENTICATED, PERMISSION_DENIED or
    /// RESOURCE_EXHAUSTED. `credential` is the caller's `authorization` value (never
    /// forwarded); `client` the caller's address.
    func authorize(method: String, credential: String?, client: String) throws -> Principal

    /// A call to a method no service has: counted against the caller like any call (the
    /// credential checked, a token taken from its bucket) before it is answered UNIMPLEMENTED,
    /// so guessing method names is as slow as any other call.
    func charge(credential: String?, client: String) throws
}

extension CallAuthorizer {
    public func charge(credential: String?, client: String) throws {}
}

/// Lets every call through as an anonymous admin: for tests of routing and transport only.
/// The gateway executable always runs `KeyAuthorizer`.
public struct OpenAccess: CallAuthorizer {
    public init() {}
    static let anonymous = Principal(id: "anonymous", roles: [.admin])
    public func authorize(method: String, credential: String?, client: String) throws -> Principal { Self.anonymous }
}

/// API keys, the access policy and rate limits.
public struct KeyAuthorizer: CallAuthorizer {
    public let keys: KeyStore
    public let rateLimiter: RateLimiter
    let now: @Sendable () -> Date

    public init(keys: KeyStore, rateLimiter: RateLimiter = RateLimiter(), now: @escaping @Sendable () -> Date = Date.init) {
        self.keys = keys
        self.rateLimiter = rateLimiter
        self.now = now
    }

    public func authorize(method: String, credential: String?, client: String) throws -> Principal {
        let principal = try charged(credential: credential, client: client)
        switch AccessPolicy.decide(method, for: principal) {
        case .allowed: return principal
        case .unauthenticated(let why): throw RPCError(.unauthenticated, why)
        case .denied(let why): throw RPCError(.permissionDenied, why)
        }
    }

    public func charge(credential: String?, client: String) throws {
        _ = try charged(credential: credential, client: client)
    }

    /// The caller's principal from its credential, with one call taken from its bucket.
    private func charged(credential: String?, client: String) throws -> Principal {
        let principal: Principal
        if let credential, !credential.isEmpty {
            // A bad credential spends the caller address's public budget first, so guessing
            // keys is as slow as anything else the public may do.
            func refuse(_ message: String) throws -> Never {
                try rateLimiter.take(caller: "public:\(client)", limit: rateLimiter.limit(for: .anonymousPublic))
                throw RPCError(.unauthenticated, message)
            }
            guard let token = Self.bearerToken(credential) else { try refuse("the credential must be \"Bearer <key>\"") }
            guard let key = keys.lookup(token: token) else { try refuse("unknown credential") }
            if key.revokedAt != nil { try refuse("credential \(key.id) was revoked") }
            if let expiry = key.expiresAt, expiry <= now() { try refuse("credential \(key.id) has expired") }
            principal = key.principal
        } else {
            principal = .anonymousPublic
        }
        // Counted before the policy, so refused attempts use up the caller's budget too.
        let caller = principal.has(.public) ? "public:\(client)" : principal.id
        try rateLimiter.take(caller: caller, limit: rateLimiter.limit(for: principal))
        return principal
    }

    /// "Bearer <token>" (scheme case-insensitive) → token. On every call, so plain UTF-8
    /// work rather than Foundation's trimming.
    static func bearerToken(_ credential: String) -> String? {
        let bytes = Array(credential.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count else { return nil }
        for i in 0..<scheme.count where bytes[i] | 0x20 != scheme[i] { return nil }  // ASCII case fold
        var start = scheme.count
        var end = bytes.count
        while start < end && bytes[start] == 0x20 { start += 1 }
        while end > start && bytes[end - 1] == 0x20 { end -= 1 }
        return start < end ? String(decoding: bytes[start..<end], as: UTF8.self) : nil
    }
}
