import CivicProtos
import Foundation

/// gRPC's status codes (same numbers, same meanings), as generated from `civic.rpc.v1.StatusCode`.
public typealias StatusCode = Civic_Rpc_V1_StatusCode
/// One problem with a request: field, machine-readable reason, description.
public typealias ErrorDetail = Civic_Rpc_V1_ErrorDetail

extension Civic_Rpc_V1_StatusCode {
    /// The canonical upper-case name ("INVALID_ARGUMENT"), as gRPC spells it.
    public var name: String {
        switch self {
        case .ok: "OK"
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internal: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        case .UNRECOGNIZED(let n): "CODE_\(n)"
        }
    }
}

extension ErrorDetail {
    public init(field: String = "", reason: String, description: String) {
        self.init()
        self.field = field
        self.reason = reason
        self.description_p = description
    }
}

/// The one error type that crosses the wire: a status code, a message for people, and
/// optional details. Handlers throw it (or a domain error that converts to it); anything
/// else becomes INTERNAL with a generic message and is logged in full on the server only.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    public var details: [ErrorDetail]

    public init(_ code: StatusCode, _ message: String, details: [ErrorDetail] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    public init(status: Civic_Rpc_V1_Status) {
        self.init(status.code, status.message, details: status.details)
    }

    public var status: Civic_Rpc_V1_Status {
        var s = Civic_Rpc_V1_Status()
        s.code = code
        s.message = message
        s.details = details
        return s
    }

    public var description: String {
        details.isEmpty
            ? "\(code.name): \(message)"
            : "\(code.name): \(message) \(details.map { "[\($0.field) \($0.reason): \($0.description_p)]" }.joined(separator: " "))"
    }

    public static func invalidArgument(_ message: String, field: String = "", reason: String = "INVALID") -> RPCError {
        RPCError(.invalidArgument, message, details: [ErrorDetail(field: field, reason: reason, description: message)])
    }
    public static func notFound(_ message: String) -> RPCError { RPCError(.notFound, message) }
    public static func alreadyExists(_ message: String) -> RPCError { RPCError(.alreadyExists, message) }
    public static func failedPrecondition(_ message: String, reason: String = "FAILED_PRECONDITION") -> RPCError {
        RPCError(.failedPrecondition, message, details: [ErrorDetail(reason: reason, description: message)])
    }
    public static func permissionDenied(_ message: String) -> RPCError { RPCError(.permissionDenied, message) }
    public static func unavailable(_ message: String) -> RPCError { RPCError(.unavailable, message) }
    public static func deadlineExceeded(_ message: String = "deadline exceeded") -> RPCError { RPCError(.deadlineExceeded, message) }
    public static func unimplemented(_ message: String) -> RPCError { RPCError(.unimplemented, message) }
    public static func `internal`(_ message: String = "internal error") -> RPCError { RPCError(.internal, message) }
}

/// A domain error that knows its wire status. Domain modules define their own error
/// enums and conform them, so handlers can simply `throw`.
public protocol RPCErrorConvertible: Error {
    var rpcError: RPCError { get }
}
