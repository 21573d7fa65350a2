import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// The gateway's HTTP/JSON face:
///   POST /rpc/<package.Service>/<Method>  protobuf canonical JSON, or application/x-protobuf
///   GET  /healthz                         200 when every backend is SERVING, else 503
///   GET  /metrics                         Prometheus text format
/// Statuses map to HTTP the way grpc-gateway maps them; errors are always a JSON body.
public enum HTTPFace {
    public static let protobufContentType = "application/x-protobuf"

    public static func router(gateway: Gateway) -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: JSONErrorMiddleware())
        router.post("/rpc/:service/:method") { request, context in
            try await rpc(request, context: context, gateway: gateway)
        }
        router.get("/healthz") { _, _ in
            try await healthz(gateway: gateway)
        }
        let openAPI = servedOpenAPI()
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(data: openAPI)))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: gateway.metrics.exposition() + (await gateway.flowExposition()))))
        }
        return router
    }

    /// The generated OpenAPI document with the access rules applied: methods anyone may
    /// call need no security scheme.
    static func servedOpenAPI() -> Data {
        guard var document = try? JSONSerialization.jsonObject(with: Data(CivicOpenAPI.json.utf8)) as? [String: Any],
            var paths = document["paths"] as? [String: Any]
        else { return Data(CivicOpenAPI.json.utf8) }
        for method in AccessPolicy.publicMethods {
            let key = "/rpc" + method
            guard var path = paths[key] as? [String: Any], var post = path["post"] as? [String: Any] else { continue }
            post["security"] = [Any]()
            path["post"] = post
            paths[key] = path
        }
        document["paths"] = paths
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data(CivicOpenAPI.json.utf8)
    }

    static func rpc(_ request: Request, context: GatewayRequestContext, gateway: Gateway) async throws -> Response {
        let service = try context.parameters.require("service")
        let methodName = try context.parameters.require("method")
        let path = "/\(service)/\(methodName)"
        let binary = request.headers[.contentType]?.lowercased().hasPrefix(protobufContentType) ?? false
        var request = request
        let callerRequestID = request.headers[.xRequestID].flatMap { $0.isEmpty ? nil : $0 }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: gateway.configuration.maxFrameBytes)
        } catch is NIOTooManyBytesError {
            var response = errorResponse(
                RPCError(.resourceExhausted, "request body exceeds \(gateway.configuration.maxFrameBytes) bytes"), requestID: callerRequestID)
            response.status = .contentTooLarge
            response.headers[.retryAfter] = nil
            return response
        }

        var envelope = Civic_Rpc_V1_RequestEnvelope()
        envelope.method = path
        if let id = request.headers[.xRequestID], !id.isEmpty { envelope.metadata[MetadataKey.requestID] = id }
        if let auth = request.headers[.authorization] { envelope.metadata[MetadataKey.authorization] = auth }
        if let key = request.headers[.idempotencyKey], !key.isEmpty { envelope.metadata[MetadataKey.idempotencyKey] = key }
        if let text = request.headers[.timeoutMillis] {
            guard let millis = UInt64(text), millis > 0 else {
                return errorResponse(
                    RPCError.invalidArgument("X-Timeout-Ms must be a positive whole number of milliseconds", field: "X-Timeout-Ms"), requestID: callerRequestID)
            }
            envelope.deadlineMs = millis
        }

        let method = CivicServiceRegistry.methodsByPath[path]
        if let method {
            do {
                if binary {
                    envelope.payload = Data(buffer: body)
                } else {
                    envelope.payload = try ProtoJSON.binary(fromJSON: Array(buffer: body), as: method.requestType)
                }
            } catch let error as RPCError {
                return errorResponse(error, requestID: callerRequestID)
            }
        }
        // Unknown methods still go through forward(), which answers UNIMPLEMENTED and counts them.
        let client = context.remoteAddress?.ipAddress ?? "unknown"
        let response = try await gateway.forward(envelope, face: "http", client: client, on: MultiThreadedEventLoopGroup.singleton.any()).get().envelope()
        let requestID = response.metadata[MetadataKey.requestID]
        guard response.status.code == .ok, let method else {
            var failure = errorResponse(RPCError(status: response.status), requestID: requestID)
            // From the gateway's own limiter or a backend's answer: read as any number, then held
            // to 1 s … 1 day, so no value a backend sends can overflow the arithmetic.
            if let millis = response.metadata[MetadataKey.retryAfterMillis].flatMap(UInt64.init) {
                failure.headers[.retryAfter] = "\(min(86_400, max(1, millis / 1000 + (millis % 1000 == 0 ? 0 : 1))))"
            }
            return failure
        }
        var headers: HTTPFields = [:]
        if let requestID { headers[.xRequestID] = requestID }
        if binary {
            headers[.contentType] = protobufContentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: response.payload)))
        }
        do {
            let json = try ProtoJSON.json(fromBinary: response.payload, as: method.responseType)
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: json)))
        } catch {
            return errorResponse(RPCError(.internal, "the service's answer could not be converted to JSON"), requestID: requestID)
        }
    }

    static func healthz(gateway: Gateway) async throws -> Response {
        let health = await gateway.recentBackendHealth()
        let allServing = health.allServing
        var services: [String: String] = [:]
        for (service, status) in health.states { services[service] = status.name }
        let body = HealthBody(status: allServing ? "SERVING" : "NOT_SERVING", services: services, warnings: health.warnings)
        let data = try JSONEncoder.sorted.encode(body)
        return Response(
            status: allServing ? .ok : .serviceUnavailable, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    struct HealthBody: Codable {
        let status: String
        let services: [String: String]
        let warnings: [String]
    }

    /// The JSON error body, as grpc-gateway shapes it plus the status name.
    public struct ErrorBody: Codable, Equatable {
        public let code: Int
        public let status: String
        public let message: String
        public let details: [Detail]
        public struct Detail: Codable, Equatable {
            public let field: String
            public let reason: String
            public let description: String
        }
    }

    static func errorResponse(_ error: RPCError, requestID: String?) -> Response {
        let body = ErrorBody(
            code: error.code.rawValue, status: error.code.name, message: error.message,
            // Field names as the JSON caller wrote them (lowerCamelCase), not the proto's.
            details: error.details.map { .init(field: ProtoJSON.jsonFieldPath($0.field), reason: $0.reason, description: $0.description_p) })
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let requestID { headers[.xRequestID] = requestID }
        if error.code == .resourceExhausted { headers[.retryAfter] = "1" }
        let data = (try? JSONEncoder.sorted.encode(body)) ?? Data("{\"code\":13,\"status\":\"INTERNAL\",\"message\":\"internal error\",\"details\":[]}".utf8)
        return Response(status: httpStatus(for: error.code), headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// gRPC status → HTTP status, as grpc-gateway's HTTPStatusFromCode.
    public static func httpStatus(for code: StatusCode) -> HTTPResponse.Status {
        switch code {
        case .ok: .ok
        case .cancelled: .init(code: 499, reasonPhrase: "Client Closed Request")
        case .unknown: .internalServerError
        case .invalidArgument: .badRequest
        case .deadlineExceeded: .gatewayTimeout
        case .notFound: .notFound
        case .alreadyExists: .conflict
        case .permissionDenied: .forbidden
        case .unauthenticated: .unauthorized
        case .resourceExhausted: .tooManyRequests
        case .failedPrecondition: .badRequest
        case .aborted: .conflict
        case .outOfRange: .badRequest
        case .unimplemented: .notImplemented
        case .internal: .internalServerError
        case .unavailable: .serviceUnavailable
        case .dataLoss: .internalServerError
        case .UNRECOGNIZED: .internalServerError
        }
    }
}

/// Turns anything thrown below (unknown route, body too large, …) into the JSON error body.
/// Hummingbird's request context plus the caller's address (public callers are
/// rate-limited by it).
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

struct JSONErrorMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let code: StatusCode =
                switch error.status.code {
                case 404, 405: .unimplemented
                case 400: .invalidArgument
                default: .internal
                }
            let message = error.status.code == 404 ? "no such endpoint: \(request.method) \(request.uri.path)" : (error.body ?? error.status.reasonPhrase)
            var response = HTTPFace.errorResponse(RPCError(code, message), requestID: nil)
            if error.status.code == 404 { response.status = .notFound }
            return response
        } catch let error as RPCError {
            return HTTPFace.errorResponse(error, requestID: nil)
        } catch {
            context.logger.error("unexpected error in HTTP face", metadata: ["error": "\(String(reflecting: error))"])
            return HTTPFace.errorResponse(RPCError(.internal, "internal error"), requestID: nil)
        }
    }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-Id")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let timeoutMillis = Self("X-Timeout-Ms")!
}

extension JSONEncoder {
    static let sorted: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension Civic_Health_V1_HealthCheckResponse.ServingStatus {
    var name: String {
        switch self {
        case .unknown: "UNKNOWN"
        case .serving: "SERVING"
        case .notServing: "NOT_SERVING"
        case .serviceUnknown: "SERVICE_UNKNOWN"
        case .UNRECOGNIZED(let n): "STATUS_\(n)"
        }
    }
}
