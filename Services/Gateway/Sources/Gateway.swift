import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Synchronization

/// The gateway's core, shared by both faces: routes each call by its service name to the
/// backend that serves it over pooled, multiplexed connections; forwards the payload
/// bytes untouched; propagates the deadline; adds a request id; answers health itself.
public final class Gateway: Sendable {
    public let configuration: GatewayConfiguration
    public let metrics: GatewayMetrics
    public let logger: Logger
    let authorizer: any CallAuthorizer
    /// Proto service name → backend client.
    private let routes: [String: RoutedBackend]
    let backends: [RoutedBackend]
    private let requestIDs = RequestIDGenerator()
    let seal: GatewaySeal?
    /// The flows' figures for /metrics, with when they were asked (FlowMetrics.swift).
    let flowCache = NIOLockedValueBox<(at: Date, text: String)?>(nil)
    private let inFlight: InFlightLimiter
    /// The gateway's own methods (key management), answered here.
    private let localHandlers: [String: RPCHandler]
    private let draining = NIOLockedValueBox(false)
    /// The last probe of every backend (recentBackendHealth).
    private let healthProbe = NIOLockedValueBox<(task: Task<BackendHealth, Never>, finished: NIODeadline?)?>(nil)

    /// From now on the gateway reports itself NOT_SERVING (it is shutting down).
    public func beginDraining() { draining.withLockedValue { $0 = true } }

    struct RoutedBackend: Sendable {
        let backend: Backend
        let client: RPCClient
    }

    public init(
        configuration: GatewayConfiguration, authorizer: any CallAuthorizer, localHandlers: [RPCHandler] = [],
        metrics: GatewayMetrics = GatewayMetrics(), logger: Logger = Logger(label: "civic.gateway")
    ) throws {
        self.configuration = configuration
        self.authorizer = authorizer
        self.seal = try configuration.internalKey.map { try GatewaySeal(secret: $0) }
        self.inFlight = InFlightLimiter(maxPerCaller: configuration.maxInFlightPerCaller)
        self.localHandlers = Dictionary(uniqueKeysWithValues: localHandlers.map { ($0.method.path, $0) })
        self.metrics = metrics
        self.logger = logger
        var routes: [String: RoutedBackend] = [:]
        var backends: [RoutedBackend] = []
        for backend in configuration.backends {
            let client = RPCClient(
                configuration: .init(
                    host: backend.address.host, port: backend.address.port, connections: configuration.connectionsPerBackend,
                    defaultTimeout: configuration.maxCallDuration, connectTimeout: .seconds(1), maxFrameSize: configuration.maxFrameBytes))
            let routed = RoutedBackend(backend: backend, client: client)
            backends.append(routed)
            for service in backend.protoServices { routes[service] = routed }
        }
        self.routes = routes
        self.backends = backends
    }

    /// What the gateway answers a call with: the backend's answer as it arrived (bytes,
    /// scanned for its status only) or one the gateway made, and the call's request id.
    struct Answer: Sendable {
        let frame: ResponseFrame
        let requestID: String

        var code: StatusCode { frame.code }

        /// The frame for the frames face: the caller's call id and the request id spliced in,
        /// the payload's bytes passed on as they came.
        func frame(callID: UInt64, allocator: ByteBufferAllocator) -> ByteBuffer {
            frame.spliced(callID: callID, metadata: [(MetadataKey.requestID, requestID)], allocator: allocator)
        }

        /// The envelope decoded, with the request id (the HTTP face turns it into JSON).
        func envelope() throws -> Civic_Rpc_V1_ResponseEnvelope {
            var envelope = try frame.decoded()
            envelope.metadata[MetadataKey.requestID] = requestID
            return envelope
        }
    }

    /// Forwards one call and completes with the answer to give the caller (call id not yet
    /// restored). Never fails: transport problems become statuses. `client` is the caller's
    /// address, which public callers are rate-limited by.
    func forward(_ request: Civic_Rpc_V1_RequestEnvelope, face: String, client: String, on eventLoop: any EventLoop) -> EventLoopFuture<Answer> {
        let started = NIODeadline.now()
        var request = request
        let method = request.method
        // Caller-sent civic-* keys are dropped: only the gateway may vouch for a principal. The
        // credential stops here too; services see only the principal the gateway vouches for.
        // Keys are lower case by the protocol, but every spelling is dropped ("Authorization",
        // "AUTHORIZATION", "Civic-Principal"); the lower-case credential counts if there is one.
        var credential = request.metadata.removeValue(forKey: MetadataKey.authorization)
        if request.metadata.keys.contains(where: Self.isStripped) {
            for (key, value) in request.metadata where Self.isStripped(key) {
                request.metadata.removeValue(forKey: key)
                if credential == nil, !Self.startsCaseInsensitively(key, with: MetadataKey.gatewayPrefix) { credential = value }
            }
        }
        var requestID = request.metadata[MetadataKey.requestID] ?? ""
        if !RequestIDGenerator.acceptable(requestID) {
            requestID = requestIDs.next()
            request.metadata[MetadataKey.requestID] = requestID
        }

        var future: EventLoopFuture<ResponseFrame>
        var metricMethod = "unknown"
        var principalID = "-"
        if let (serviceName, _) = RPCMethod.split(path: method), CivicServiceRegistry.methodsByPath[method] != nil {
            metricMethod = method
            do {
                let principal = try authorizer.authorize(method: method, credential: credential, client: client)
                principalID = principal.id
                let caller = principal.has(.public) ? "public:\(client)" : principal.id
                if inFlight.acquire(caller) {
                    if let seal {
                        seal.stamp(&request.metadata, method: method, encodedPrincipal: principal.encoded, payload: request.payload)
                    } else {
                        request.metadata[MetadataKey.principal] = principal.encoded
                    }
                    future = route(request, service: String(serviceName), on: eventLoop)
                    future.whenComplete { [inFlight] _ in inFlight.release(caller) }
                } else {
                    future = eventLoop.makeSucceededFuture(
                        Self.failureFrame(RPCError(.resourceExhausted, "too many calls in flight for this caller (at most \(inFlight.maxPerCaller))")))
                }
            } catch {
                future = eventLoop.makeSucceededFuture(ResponseFrame(authenticationFailure(error, method: method, client: client, face: face)))
            }
        } else {
            // Counted and limited like any call first; the name goes back escaped and cut.
            do {
                try authorizer.charge(credential: credential, client: client)
                future = eventLoop.makeSucceededFuture(
                    Self.failureFrame(RPCError(.unimplemented, "unknown method \(method.isEmpty ? "(empty)" : LogText.escaped(method))")))
            } catch {
                future = eventLoop.makeSucceededFuture(ResponseFrame(authenticationFailure(error, method: method, client: client, face: face)))
            }
        }
        let finalRequestID = requestID
        let bytesIn = request.payload.count
        let finalMetricMethod = metricMethod
        let finalPrincipal = principalID
        return future.map { [self] response in
            let elapsed = (NIODeadline.now() - started).nanoseconds
            metrics.record(method: finalMetricMethod, face: face, code: response.code, nanoseconds: elapsed)
            logger.info(
                "call",
                metadata: [
                    "face": "\(face)", "principal": "\(finalPrincipal)", "method": "\(LogText.escaped(method))", "status": "\(response.code.name)",
                    "ms": "\(String(format: "%.2f", Double(elapsed) / 1e6))", "request_id": "\(finalRequestID)",
                    "bytes_in": "\(bytesIn)", "bytes_out": "\(response.body.readableBytes)",
                ])
            return Answer(frame: response, requestID: finalRequestID)
        }
    }

    /// A metadata key a caller may not pass on: the credential or the gateway's own, in any
    /// case. Compared byte by byte (on every call: no lowercased copies).
    static func isStripped(_ key: String) -> Bool {
        startsCaseInsensitively(key, with: MetadataKey.gatewayPrefix)
            || (key.utf8.count == MetadataKey.authorization.utf8.count && startsCaseInsensitively(key, with: MetadataKey.authorization))
    }

    /// Whether `text` begins with `prefix` (lower-case ASCII), ignoring ASCII case.
    static func startsCaseInsensitively(_ text: String, with prefix: String) -> Bool {
        var bytes = text.utf8.makeIterator()
        for expected in prefix.utf8 {
            guard let byte = bytes.next() else { return false }
            let lowered = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte
            if lowered != expected { return false }
        }
        return true
    }

    /// The answer for a refused call; counted and logged without the credential.
    private func authenticationFailure(_ error: any Error, method: String, client: String, face: String) -> Civic_Rpc_V1_ResponseEnvelope {
        let rpcError = (error as? RPCError) ?? (error as? any RPCErrorConvertible)?.rpcError ?? RPCError(.permissionDenied, "not allowed")
        var response = Self.failure(rpcError)
        if let limited = error as? RateLimited {
            response.metadata[MetadataKey.retryAfterMillis] = "\(limited.retryAfterMillis)"
        }
        if rpcError.code == .unauthenticated || rpcError.code == .permissionDenied {
            metrics.recordRefusal(reason: rpcError.code.name)
            logger.warning(
                "call refused",
                metadata: [
                    "face": "\(face)", "client": "\(LogText.escaped(client))", "method": "\(LogText.escaped(method))", "status": "\(rpcError.code.name)",
                    "why": "\(LogText.escaped(rpcError.message))",
                ])
        } else if rpcError.code == .resourceExhausted {
            metrics.recordRefusal(reason: "RATE_LIMITED")
        }
        return response
    }

    private func route(_ request: Civic_Rpc_V1_RequestEnvelope, service: String, on eventLoop: any EventLoop) -> EventLoopFuture<ResponseFrame> {
        if service == Civic_Health_V1_Health.name {
            let promise = eventLoop.makePromise(of: ResponseFrame.self)
            promise.completeWithTask { [self] in await answerHealth(request) }
            return promise.futureResult
        }
        if let handler = localHandlers[request.method] {
            let promise = eventLoop.makePromise(of: ResponseFrame.self)
            promise.completeWithTask { [self] in ResponseFrame(await answerLocally(request, with: handler)) }
            return promise.futureResult
        }
        guard let backend = routes[service] else {
            return eventLoop.makeSucceededFuture(Self.failureFrame(RPCError(.unimplemented, "no backend serves \(service)")))
        }
        return send(request, to: backend, on: eventLoop)
    }

    /// Runs one of the gateway's own methods (key management).
    private func answerLocally(_ request: Civic_Rpc_V1_RequestEnvelope, with handler: RPCHandler) async -> Civic_Rpc_V1_ResponseEnvelope {
        let context = RPCContext(method: request.method, metadata: request.metadata, deadline: nil, logger: logger)
        do {
            var response = Civic_Rpc_V1_ResponseEnvelope()
            response.payload = try await handler.handle(request.payload, context)
            return response
        } catch let error as RPCError {
            return Self.failure(error)
        } catch let error as any RPCErrorConvertible {
            return Self.failure(error.rpcError)
        } catch {
            logger.error("unexpected error", metadata: ["method": "\(request.method)", "error": "\(String(reflecting: error))"])
            return Self.failure(RPCError(.internal, "internal error"))
        }
    }

    private func send(_ request: Civic_Rpc_V1_RequestEnvelope, to backend: RoutedBackend, on eventLoop: any EventLoop) -> EventLoopFuture<ResponseFrame> {
        var request = request
        let maxMillis = UInt64(configuration.maxCallDuration.nanoseconds / 1_000_000)
        let millis = request.deadlineMs == 0 ? maxMillis : min(request.deadlineMs, maxMillis)
        request.deadlineMs = millis
        return backend.client.sendFrame(request, timeout: .milliseconds(Int64(millis)), preferring: eventLoop)
            .flatMapErrorThrowing { error in
                let rpcError = (error as? RPCError) ?? RPCError.unavailable("\(backend.backend.name) is unavailable")
                // Name the backend, not its address: callers need not know the topology.
                switch rpcError.code {
                case .unavailable: return Self.failureFrame(RPCError(.unavailable, "\(backend.backend.name) service is unavailable"))
                case .deadlineExceeded: return Self.failureFrame(RPCError(.deadlineExceeded, "\(backend.backend.name) did not answer within \(millis) ms"))
                default: return Self.failureFrame(rpcError)
                }
            }
    }

    static func failure(_ error: RPCError) -> Civic_Rpc_V1_ResponseEnvelope {
        var response = Civic_Rpc_V1_ResponseEnvelope()
        response.status = error.status
        return response
    }

    static func failureFrame(_ error: RPCError) -> ResponseFrame { ResponseFrame(failure(error)) }

    // MARK: Health

    /// Each backend's state and warnings, asked in parallel with a short deadline.
    public struct BackendHealth: Sendable {
        public var states: [String: Civic_Health_V1_HealthCheckResponse.ServingStatus] = [:]
        /// "<backend>: <warning>", sorted.
        public var warnings: [String] = []
        public var allServing: Bool { !states.isEmpty && states.values.allSatisfy { $0 == .serving } }
    }

    /// `backendHealth()` at most once a second: callers share a probe while it runs and its
    /// answer for a second after it finished, so /healthz and the suite's health check — which
    /// anyone may ask, without a key — cost the backends one probe a second however often they
    /// are asked (a change shows within a second, plus the probe's own time).
    public func recentBackendHealth(maxAge: TimeAmount = .seconds(1)) async -> BackendHealth {
        let now = NIODeadline.now()
        let probe = healthProbe.withLockedValue { last -> Task<BackendHealth, Never> in
            if let last, last.finished.map({ now - $0 < maxAge }) ?? true { return last.task }
            let task = Task { await self.backendHealth() }
            last = (task, nil)
            return task
        }
        let health = await probe.value
        healthProbe.withLockedValue { last in
            if let current = last, current.task == probe, current.finished == nil { last = (probe, NIODeadline.now()) }
        }
        return health
    }

    public func backendHealth(timeout: TimeAmount = .seconds(1)) async -> BackendHealth {
        await withTaskGroup(of: (pairs: [(String, Civic_Health_V1_HealthCheckResponse.ServingStatus)], warnings: [String]).self) { group in
            for routed in backends {
                group.addTask {
                    let client = Civic_Health_V1_HealthClient(routed.client)
                    var status = Civic_Health_V1_HealthCheckResponse.ServingStatus.notServing
                    var warnings: [String] = []
                    if let answer = try? await client.check(.init(), options: CallOptions(timeout: timeout)) {
                        status = answer.status
                        warnings = answer.warnings.map { "\(routed.backend.name): \($0)" }
                    }
                    return (routed.backend.protoServices.map { ($0, status) }, warnings)
                }
            }
            var health = BackendHealth()
            for await answer in group {
                for (service, status) in answer.pairs { health.states[service] = status }
                health.warnings += answer.warnings
            }
            health.warnings.sort()
            return health
        }
    }

    private func answerHealth(_ request: Civic_Rpc_V1_RequestEnvelope) async -> ResponseFrame {
        do {
            var response = Civic_Rpc_V1_ResponseEnvelope()
            switch request.method {
            case Civic_Health_V1_Health.Method.check.path:
                let check = try Civic_Health_V1_HealthCheckRequest(serializedBytes: request.payload)
                var answer = Civic_Health_V1_HealthCheckResponse()
                if check.service == Civic_Health_V1_Health.name {
                    // The gateway process itself (what a container probe asks).
                    answer.status = draining.withLockedValue { $0 } ? .notServing : .serving
                } else if check.service.isEmpty {
                    let health = await recentBackendHealth()
                    answer.services = health.states
                    answer.warnings = health.warnings
                    answer.status = health.allServing ? .serving : .notServing
                } else if let backend = routes[check.service] {
                    // Ask the backend about its own service; a backend that can't answer is not serving.
                    var probe = request
                    probe.deadlineMs = min(probe.deadlineMs == 0 ? 2000 : probe.deadlineMs, 2000)  // a hung backend is not serving
                    let reply = try await send(probe, to: backend, on: MultiThreadedEventLoopGroup.singleton.any()).get()
                    if reply.code == .ok { return reply }
                    answer.status = .notServing
                } else {
                    answer.status = .serviceUnknown
                }
                response.payload = try answer.serializedBytes()
            case Civic_Health_V1_Health.Method.listMethods.path:
                var answer = Civic_Health_V1_ListMethodsResponse()
                let local = Set(localHandlers.values.map(\.method.service))
                let services = (Array(routes.keys) + Array(local) + [Civic_Health_V1_Health.name]).sorted()
                answer.services = services
                answer.methods = services.flatMap { CivicServiceRegistry.services[$0] ?? [] }.map(Civic_Health_V1_MethodInfo.init)
                response.payload = try answer.serializedBytes()
            default:
                return Self.failureFrame(RPCError(.unimplemented, "unknown method \(request.method)"))
            }
            return ResponseFrame(response)
        } catch let error as RPCError {
            return Self.failureFrame(error)
        } catch {
            return Self.failureFrame(RPCError(.invalidArgument, "request payload is not valid for \(request.method)"))
        }
    }

    /// Closes every backend connection.
    public func close() async {
        for routed in backends { await routed.client.close() }
    }
}

/// Request ids for calls that arrive without one: a per-process prefix and a counter, so
/// one id finds every log line of a call across the gateway and the service.
final class RequestIDGenerator: Sendable {
    /// A caller's request id is kept when it is 1–128 of `A-Z a-z 0-9 . _ : -`: it goes into
    /// every log line and into the seal, so nothing that could break a line or a field.
    static func acceptable(_ id: String) -> Bool { LogText.isPlainRequestID(id) }

    private let prefix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
    private let counter = Atomic<UInt64>(0)

    func next() -> String {
        "gw-\(prefix)-\(counter.wrappingAdd(1, ordering: .relaxed).newValue)"
    }
}
