import Foundation
import Logging
import NIOCore
import SwiftProtobuf

/// One RPC method, as declared in `protos/`: its service, its name and its message types.
/// Generated code (`Shared/Protos/Services`) declares one for every method.
public struct RPCMethod: Sendable, CustomStringConvertible {
    /// "civic.proposals.v1.ProposalService"
    public let service: String
    /// "RegisterItem"
    public let name: String
    /// "/civic.proposals.v1.ProposalService/RegisterItem", as carried in the envelope.
    public let path: String
    public let requestType: any SwiftProtobuf.Message.Type
    public let responseType: any SwiftProtobuf.Message.Type
    /// Who may call it, as declared beside the method in protos/ (`(civic.access.v1.rule)`).
    public let access: MethodAccess

    public init(
        service: String, name: String, requestType: any SwiftProtobuf.Message.Type, responseType: any SwiftProtobuf.Message.Type,
        access: MethodAccess = .adminOnly
    ) {
        self.access = access
        self.service = service
        self.name = name
        self.path = "/\(service)/\(name)"
        self.requestType = requestType
        self.responseType = responseType
    }

    public var description: String { path }

    /// Splits "/pkg.Service/Method" into ("pkg.Service", "Method").
    public static func split(path: String) -> (service: Substring, method: Substring)? {
        guard path.first == "/" else { return nil }
        let rest = path.dropFirst()
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let service = rest[..<slash]
        let method = rest[rest.index(after: slash)...]
        // (Character search: the String overload would go through Foundation, on the hot path.)
        guard !service.isEmpty, !method.isEmpty, !method.contains(where: { $0 == "/" }) else { return nil }
        return (service, method)
    }
}

/// What a handler knows about the call it serves.
public struct RPCContext: Sendable {
    public let method: String
    public let metadata: [String: String]
    /// When the caller stops waiting; nil when the caller set none (the server's maximum applies).
    public let deadline: NIODeadline?
    public var logger: Logger
    /// The caller as the gateway established it; nil when the call carries none. Parsed
    /// once here: handlers ask for it several times a call.
    public let principal: Principal?

    public init(method: String, metadata: [String: String], deadline: NIODeadline?, logger: Logger) {
        self.method = method
        self.metadata = metadata
        self.deadline = deadline
        self.logger = logger
        self.principal = metadata[MetadataKey.principal].flatMap(Principal.decoded)
    }

    public var requestID: String { metadata[MetadataKey.requestID] ?? "" }
    public var idempotencyKey: String? { metadata[MetadataKey.idempotencyKey].flatMap { $0.isEmpty ? nil : $0 } }
}

/// A server-side method: decodes the request bytes, runs the handler, encodes the response.
public struct RPCHandler: Sendable {
    public let method: RPCMethod
    public let handle: @Sendable (_ payload: Data, _ context: RPCContext) async throws -> Data
    /// A handler that answers at once from what it holds (a health check): the server runs it on the
    /// connection's event loop as the frame arrives, with no task at all. It must not block.
    public let immediate: (@Sendable (_ payload: Data, _ context: RPCContext) throws -> Data)?

    public init<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: RPCMethod,
        _ body: @escaping @Sendable (Request, RPCContext) async throws -> Response
    ) {
        self.method = method
        self.handle = { payload, context in try await body(try Self.decode(payload), context).serializedBytes() }
        self.immediate = nil
    }

    /// A handler answered on the event loop as the call arrives, from the payload's bytes to the
    /// answer's (`immediate`): for answers kept encoded.
    public init(method: RPCMethod, immediate body: @escaping @Sendable (_ payload: Data, _ context: RPCContext) throws -> Data) {
        self.method = method
        self.handle = { payload, context in try body(payload, context) }
        self.immediate = body
    }

    /// A handler answered on the event loop as the call arrives (`immediate`).
    public init<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        immediate method: RPCMethod, _ body: @escaping @Sendable (Request, RPCContext) throws -> Response
    ) {
        self.init(method: method) { payload, context in try body(try Self.decode(payload), context).serializedBytes() }
    }

    /// The request, or INVALID_ARGUMENT when the payload is not one.
    public static func decode<Request: SwiftProtobuf.Message>(_ payload: Data) throws -> Request {
        do {
            return try Request(serializedBytes: payload)
        } catch {
            throw RPCError(.invalidArgument, "request payload is not a valid \(Request.protoMessageName)")
        }
    }
}

/// Options for one outgoing call.
public struct CallOptions: Sendable {
    public var metadata: [String: String]
    /// How long to wait for the answer; nil waits up to the client's default.
    public var timeout: TimeAmount?

    public init(metadata: [String: String] = [:], timeout: TimeAmount? = nil) {
        self.metadata = metadata
        self.timeout = timeout
    }
}

/// Anything that can carry a unary call: a client connection pool, a gateway, a test double.
public protocol RPCCaller: Sendable {
    /// Sends `payload` to `method` and returns the response payload, or throws `RPCError`.
    func call(method: String, payload: Data, options: CallOptions) async throws -> Data
}

extension RPCCaller {
    /// A typed unary call, used by the generated client stubs.
    public func unary<Request: SwiftProtobuf.Message, Response: SwiftProtobuf.Message>(
        _ method: RPCMethod, _ request: Request, as: Response.Type = Response.self, options: CallOptions = CallOptions()
    ) async throws -> Response {
        let bytes: Data = try request.serializedBytes()
        let reply = try await call(method: method.path, payload: bytes, options: options)
        do {
            return try Response(serializedBytes: reply)
        } catch {
            throw RPCError(.internal, "response payload is not a valid \(Response.protoMessageName)")
        }
    }
}
