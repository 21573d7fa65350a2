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
    /// The acting principal as the gateway vouched for it; "anonymous" until access
    /// control is in place (issue 3), so the audit trail always names someone.
    public var actorID: String {
        let principal = metadata[MetadataKey.principal] ?? ""
        return principal.isEmpty ? "anonymous" : principal
    }
}
