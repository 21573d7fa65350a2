import CivicRPC
import CivicStorage

extension PagingError: RPCErrorConvertible {
    public var rpcError: RPCError {
        switch self {
        case .badToken:
            .invalidArgument("page_token is not one this service issued", field: "page.page_token", reason: "INVALID_TOKEN")
        case .negativePageSize:
            .invalidArgument("page_size must not be negative", field: "page.page_size", reason: "OUT_OF_RANGE")
        }
    }
}

extension RPCContext {
    /// The acting principal's key id as the gateway vouched for it, or "anonymous" for a
    /// call without one (tests, local tools), so the audit trail always names someone.
    public var actorID: String {
        principal?.id ?? "anonymous"
    }

    /// The caller as the audit trail records it: key id and request id.
    public var auditActor: AuditActor { AuditActor(id: actorID, requestID: requestID) }
}
