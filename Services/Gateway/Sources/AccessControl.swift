import CivicRPC

/// Decides whether a call may pass the gateway, and vouches for the caller to the service.
/// This is the one place access control plugs in (issue 3: credentials, roles, rate
/// limits); services trust the principal metadata only because the gateway sets it.
public protocol CallAuthorizer: Sendable {
    /// Returns the principal id to pass on in `civic-principal`, or throws an `RPCError`
    /// (UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED). `credential` is the
    /// caller's `authorization` value, which is never forwarded to services.
    func authorize(method: String, credential: String?, metadata: [String: String]) throws -> String
}

/// Lets every call through as "anonymous": the state before credentials exist.
public struct OpenAccess: CallAuthorizer {
    public init() {}
    public func authorize(method: String, credential: String?, metadata: [String: String]) throws -> String { "anonymous" }
}
