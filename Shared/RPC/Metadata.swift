/// Well-known metadata keys (lower case) carried in request and response envelopes.
public enum MetadataKey {
    /// Correlates the log lines of one call across the gateway and services.
    public static let requestID = "request-id"
    /// The caller's credential ("Bearer <key>"); read by the gateway only.
    public static let authorization = "authorization"
    /// Makes a state-changing call safe to retry: the receiver applies it at most once.
    public static let idempotencyKey = "idempotency-key"
    /// Keys with this prefix are set by the gateway; values from callers are dropped.
    public static let gatewayPrefix = "civic-"
    /// The authenticated principal, as the gateway vouches for it (`Principal.encoded`).
    public static let principal = "civic-principal"
    /// HMAC of method, request id, principal, time and payload under the suite's internal key.
    public static let seal = "civic-seal"
    /// When the gateway sealed the call, Unix milliseconds (part of the seal).
    public static let sealedAt = "civic-sealed-at"
    /// On RESOURCE_EXHAUSTED from a rate limit: milliseconds to wait before retrying.
    public static let retryAfterMillis = "retry-after-ms"
}
