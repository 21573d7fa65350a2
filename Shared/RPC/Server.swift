import CivicProtos
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A Civic RPC server: accepts TCP connections, splits them into frames, runs the handler
/// registered for each call's method and answers by call id, many calls in flight per
/// connection. Plain channel handlers on the hot path; handlers themselves are async.
public final class RPCServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port; read the bound one from `localAddress` after `start()`.
        public var port: Int
        public var maxFrameSize: Int
        /// Applied when a caller sends no deadline, and caps the deadlines callers send.
        public var maxCallDuration: TimeAmount
        /// When set, every call but health checks must carry a principal sealed by the
        /// gateway with this key; others get UNAUTHENTICATED.
        public var gatewaySeal: GatewaySeal?

        public init(
            host: String = "127.0.0.1", port: Int = 0, maxFrameSize: Int = Framing.defaultMaxFrameSize, maxCallDuration: TimeAmount = .seconds(60),
            gatewaySeal: GatewaySeal? = nil
        ) {
            self.host = host
            self.port = port
            self.maxFrameSize = maxFrameSize
            self.maxCallDuration = maxCallDuration
            self.gatewaySeal = gatewaySeal
        }
    }

    /// Called once per finished call (method, status, seconds): one log line, metrics.
    public typealias CallObserver = @Sendable (_ method: String, _ code: StatusCode, _ seconds: Double, _ requestID: String) -> Void

    public let configuration: Configuration
    let handlers: [String: RPCHandler]
    let logger: Logger
    let observer: CallObserver?
    private let group: any EventLoopGroup
    private let listener = ListenerDrain()

    public init(
        configuration: Configuration,
        handlers: [RPCHandler],
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "civic.rpc.server"),
        observer: CallObserver? = nil
    ) {
        self.configuration = configuration
        var table: [String: RPCHandler] = [:]
        for handler in handlers { table[handler.method.path] = handler }
        self.handlers = table
        self.group = group
        self.logger = logger
        self.observer = observer
    }

    /// The methods this server answers, sorted by path.
    public var methods: [RPCMethod] { handlers.values.map(\.method).sorted { $0.path < $1.path } }

    /// Binds and starts accepting connections; returns the bound address.
    @discardableResult
    public func start() async throws -> SocketAddress {
        try await listener.bind(group: group, host: configuration.host, port: configuration.port, maxFrameSize: configuration.maxFrameSize) { _ in
            ServerConnectionHandler(server: self)
        }
    }

    /// The bound address, once started.
    public var localAddress: SocketAddress? { listener.localAddress }

    public var isDraining: Bool { listener.isDraining }
    public var inFlightCalls: Int { listener.inFlightCalls }

    /// Stops taking new calls (they get UNAVAILABLE) and new connections, lets calls in
    /// flight finish (up to `timeout`), then closes every connection.
    public func shutdownGracefully(timeout: TimeAmount = .seconds(10)) async {
        await listener.drain(timeout: timeout)
    }

    static let healthPrefix = "/civic.health.v1.Health/"

    fileprivate func admit(healthCheck: Bool = false) -> Bool { listener.admit(healthCheck: healthCheck) }
    fileprivate func release() { listener.release() }
}

/// One connection's calls. Lives on the connection's event loop; each handler runs in a task that
/// prefers this event loop as its executor (it starts here and comes back here after each await,
/// so its answer is written without a hop); an `immediate` handler (health) runs inline.
private final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Call {
        /// Nil for an immediate handler, answered before the frame's read returns.
        let task: Task<Void, Never>?
        let deadline: NIODeadline
        let method: String
        let requestID: String
        let started: NIODeadline
    }

    private let server: RPCServer
    private var calls: [UInt64: Call] = [:]
    private var sweep = DeadlineSweep()
    private var flush = FlushCoalescing()
    private var context: ChannelHandlerContext?
    private var executor: EventLoopTaskExecutor?

    init(server: RPCServer) {
        self.server = server
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        executor = EventLoopTaskExecutor(context.eventLoop)
    }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let request: Civic_Rpc_V1_RequestEnvelope
        do {
            request = try Framing.decode(Civic_Rpc_V1_RequestEnvelope.self, from: frame)
        } catch {
            // Without a call id there is nobody to answer; the stream can't be trusted either.
            respond(0, error: RPCError(.invalidArgument, "frame is not a valid civic.rpc.v1.RequestEnvelope; closing connection"))
            context.close(promise: nil)
            return
        }
        let callID = request.callID
        guard callID != 0 else {
            // call_id 0 is reserved for connection-level errors, which end the connection.
            respond(0, error: RPCError(.invalidArgument, "call_id must not be 0; closing connection"))
            context.close(promise: nil)
            return
        }
        guard calls[callID] == nil else {
            respond(callID, error: RPCError(.invalidArgument, "call_id \(callID) is already in flight on this connection"))
            return
        }
        // The seal before the method: without the gateway's seal a caller learns nothing, not
        // even which methods exist (only the health methods are open to anyone).
        let isHealthCheck = request.method.hasPrefix(RPCServer.healthPrefix)
        if let seal = server.configuration.gatewaySeal, !isHealthCheck {
            switch seal.verify(method: request.method, metadata: request.metadata, payload: request.payload) {
            case .valid:
                break
            case .invalid:
                respond(callID, error: RPCError(.unauthenticated, "calls must come through the gateway"))
                return
            case .expired:
                // A replayed call, or the gateway's and this host's clocks far apart.
                server.logger.warning(
                    "expired gateway seal",
                    metadata: [
                        "method": "\(LogText.escaped(request.method))", "sealed_at": "\(LogText.escaped(request.metadata[MetadataKey.sealedAt] ?? ""))",
                    ])
                respond(callID, error: RPCError(.unauthenticated, "the gateway's seal has expired (replayed, or clocks apart)"))
                return
            }
        }
        guard let handler = server.handlers[request.method] else {
            respond(callID, error: RPCError(.unimplemented, "unknown method \(request.method.isEmpty ? "(empty)" : LogText.escaped(request.method))"))
            return
        }
        // Health checks are still answered while draining, so probes see NOT_SERVING.
        guard server.admit(healthCheck: isHealthCheck) else {
            respond(callID, error: RPCError(.unavailable, "server is shutting down"))
            return
        }

        let now = NIODeadline.now()
        let maxMillis = server.configuration.maxCallDuration.nanoseconds / 1_000_000
        let millis = request.deadlineMs == 0 ? maxMillis : min(Int64(clamping: request.deadlineMs), maxMillis)
        let deadline = now + .milliseconds(millis)
        // Into every log line of the call: escaped unless plain (health checks come unsealed).
        let requestID = request.metadata[MetadataKey.requestID].map(LogText.requestID) ?? ""
        var logger = server.logger
        if !requestID.isEmpty { logger[metadataKey: "request_id"] = "\(requestID)" }
        let rpcContext = RPCContext(method: request.method, metadata: request.metadata, deadline: deadline, logger: logger)

        if let immediate = handler.immediate {
            let call = Call(task: nil, deadline: deadline, method: request.method, requestID: requestID, started: now)
            answer(callID, call, Result { try immediate(request.payload, rpcContext) })
            server.release()
            return
        }
        let eventLoop = context.eventLoop
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        let payload = request.payload
        let server = self.server
        let task = Task(executorPreference: executor) {
            let outcome: Result<Data, any Error>
            do {
                outcome = .success(try await handler.handle(payload, rpcContext))
            } catch {
                outcome = .failure(error)
            }
            // Counted in flight until the handler has returned and its answer is written (a
            // drain closes connections only after): shutdown must neither close the database
            // under a handler still running nor drop an answer.
            let finish: @Sendable () -> Void = {
                this.value.complete(callID, outcome)
                server.release()
            }
            if eventLoop.inEventLoop { finish() } else { eventLoop.execute(finish) }
        }
        calls[callID] = Call(task: task, deadline: deadline, method: request.method, requestID: requestID, started: now)
        sweep.arm(for: deadline, on: eventLoop) { this.value.expireOverdue(on: eventLoop) }
    }

    /// Answers DEADLINE_EXCEEDED for every call past its deadline; re-arms for the rest.
    private func expireOverdue(on eventLoop: any EventLoop) {
        sweep.fired()
        let now = NIODeadline.now()
        var next: NIODeadline?
        for (callID, call) in calls {
            if call.deadline <= now {
                expire(callID)
            } else {
                next = min(next ?? call.deadline, call.deadline)
            }
        }
        if let next {
            let this = NIOLoopBound(self, eventLoop: eventLoop)
            sweep.arm(for: next, on: eventLoop) { this.value.expireOverdue(on: eventLoop) }
        }
    }

    private func complete(_ callID: UInt64, _ outcome: Result<Data, any Error>) {
        guard let call = calls.removeValue(forKey: callID) else { return }  // already timed out
        answer(callID, call, outcome)
    }

    private func answer(_ callID: UInt64, _ call: Call, _ outcome: Result<Data, any Error>) {
        switch outcome {
        case .success(let payload):
            var response = Civic_Rpc_V1_ResponseEnvelope()
            response.callID = callID
            response.payload = payload
            write(response)
            observe(call, .ok)
        case .failure(let error):
            let rpcError = Self.wireError(error, call: call, logger: server.logger)
            respond(callID, error: rpcError)
            observe(call, rpcError.code)
        }
    }

    private func expire(_ callID: UInt64) {
        guard let call = calls.removeValue(forKey: callID) else { return }
        call.task?.cancel()  // the handler stops working on it at its next cancellation point
        respond(callID, error: .deadlineExceeded("deadline exceeded after \(Self.elapsedMillis(call.started)) ms"))
        observe(call, .deadlineExceeded)
    }

    func channelInactive(context: ChannelHandlerContext) {
        sweep.cancel()
        for (_, call) in calls {
            call.task?.cancel()
            observe(call, .cancelled)
        }
        calls.removeAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let frameError = error as? FrameError, case .frameTooLarge = frameError {
            respond(0, error: RPCError(.resourceExhausted, frameError.description))
        } else if !(error is FrameError) {
            server.logger.debug("connection error", metadata: ["error": "\(error)"])
        }
        context.close(promise: nil)
    }

    /// Maps any thrown error to what the caller may see. Unexpected errors are logged in
    /// full here and leave as a generic INTERNAL.
    private static func wireError(_ error: any Error, call: Call, logger: Logger) -> RPCError {
        if let e = error as? RPCError { return e }
        if let e = error as? any RPCErrorConvertible { return e.rpcError }
        if error is CancellationError { return RPCError(.cancelled, "call cancelled") }
        logger.error("unexpected error", metadata: ["method": "\(call.method)", "request_id": "\(call.requestID)", "error": "\(String(reflecting: error))"])
        return RPCError(.internal, call.requestID.isEmpty ? "internal error" : "internal error (request id \(call.requestID))")
    }

    private func respond(_ callID: UInt64, error: RPCError) {
        var response = Civic_Rpc_V1_ResponseEnvelope()
        response.callID = callID
        response.status = error.status
        write(response)
    }

    private func write(_ response: Civic_Rpc_V1_ResponseEnvelope) {
        guard let context else { return }
        do {
            var buffer = try Framing.frame(response, allocator: context.channel.allocator)
            if buffer.readableBytes - Framing.headerSize > server.configuration.maxFrameSize {
                // The peer would refuse it and drop the connection with every call on it.
                var tooLarge = Civic_Rpc_V1_ResponseEnvelope()
                tooLarge.callID = response.callID
                tooLarge.status = RPCError(.resourceExhausted, "response of \(buffer.readableBytes) bytes exceeds the frame limit").status
                buffer = try Framing.frame(tooLarge, allocator: context.channel.allocator)
            }
            if response.callID == 0 {
                // A connection-level error: the connection closes next, so it must leave now.
                context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
                return
            }
            context.write(wrapOutboundOut(buffer), promise: nil)
            // Answers finished in the same event-loop tick leave in one write.
            let this = NIOLoopBound(self, eventLoop: context.eventLoop)
            flush.schedule(on: context.eventLoop) { this.value.flushNow() }
        } catch {
            server.logger.error("cannot encode response", metadata: ["error": "\(error)"])
        }
    }

    private func flushNow() {
        flush.done()
        context?.flush()
    }

    private func observe(_ call: Call, _ code: StatusCode) {
        let seconds = Double((NIODeadline.now() - call.started).nanoseconds) / 1e9
        server.logger.info(
            "rpc",
            metadata: [
                "method": "\(call.method)", "status": "\(code.name)",
                "ms": "\(String(format: "%.2f", seconds * 1000))", "request_id": "\(call.requestID)",
            ])
        server.observer?(call.method, code, seconds, call.requestID)
    }

    private static func elapsedMillis(_ start: NIODeadline) -> Int64 {
        (NIODeadline.now() - start).nanoseconds / 1_000_000
    }
}
