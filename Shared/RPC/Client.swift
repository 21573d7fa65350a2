import CivicProtos
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A client for one Civic peer (a service or the gateway): a small pool of multiplexed TCP
/// connections, opened lazily, each bound to an event loop. When the peer is down, calls
/// fail fast with UNAVAILABLE and reconnection is retried with exponential backoff.
public final class RPCClient: RPCCaller, Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// Connections in the pool; each carries any number of calls at once.
        public var connections: Int
        /// Used when a call gives no timeout.
        public var defaultTimeout: TimeAmount
        public var connectTimeout: TimeAmount
        public var initialBackoff: TimeAmount
        public var maxBackoff: TimeAmount
        public var maxFrameSize: Int

        public init(
            host: String, port: Int, connections: Int = 1, defaultTimeout: TimeAmount = .seconds(30),
            connectTimeout: TimeAmount = .seconds(2), initialBackoff: TimeAmount = .milliseconds(50),
            maxBackoff: TimeAmount = .seconds(1), maxFrameSize: Int = Framing.defaultMaxFrameSize
        ) {
            self.host = host
            self.port = port
            self.connections = max(1, connections)
            self.defaultTimeout = defaultTimeout
            self.connectTimeout = connectTimeout
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.maxFrameSize = maxFrameSize
        }
    }

    public let configuration: Configuration
    private let slots: [Slot]
    private let nextSlot = NIOLockedValueBox(0)
    private let closed = NIOLockedValueBox(false)

    public init(configuration: Configuration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        // Spread the connections over the event loops so each loop can find a local one.
        var loops: [any EventLoop] = []
        for loop in group.makeIterator() { loops.append(loop) }
        self.slots = (0..<configuration.connections).map { i in Slot(eventLoop: loops[i % loops.count]) }
    }

    public convenience init(host: String, port: Int, connections: Int = 1, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.init(configuration: Configuration(host: host, port: port, connections: connections), group: group)
    }

    public var target: String { "\(configuration.host):\(configuration.port)" }

    // MARK: Calls

    /// Sends one request envelope (its call id is assigned here) and completes with the
    /// response envelope, whatever its status. Transport failures complete the future with
    /// an `RPCError` (UNAVAILABLE, DEADLINE_EXCEEDED). `preferring` picks a connection on
    /// that event loop when there is one, so a proxy's hop stays on one thread.
    public func send(
        _ request: Civic_Rpc_V1_RequestEnvelope, timeout: TimeAmount? = nil, preferring eventLoop: (any EventLoop)? = nil
    ) -> EventLoopFuture<Civic_Rpc_V1_ResponseEnvelope> {
        let target = target
        return sendFrame(request, timeout: timeout, preferring: eventLoop).flatMapThrowing { frame in
            do { return try frame.decoded() } catch { throw RPCError(.internal, "\(target) sent a frame that is not a ResponseEnvelope") }
        }
    }

    /// `send` with the answer left as bytes, scanned only for its call id and status: what a
    /// proxy passes on (`ResponseFrame.spliced`) without decoding the payload.
    public func sendFrame(
        _ request: Civic_Rpc_V1_RequestEnvelope, timeout: TimeAmount? = nil, preferring eventLoop: (any EventLoop)? = nil
    ) -> EventLoopFuture<ResponseFrame> {
        let slot = pickSlot(preferring: eventLoop)
        let promise = slot.eventLoop.makePromise(of: ResponseFrame.self)
        let timeout = timeout ?? configuration.defaultTimeout
        if closed.withLockedValue({ $0 }) {
            promise.fail(RPCError.unavailable("client to \(target) is closed"))
            return promise.futureResult
        }
        switch slot.ready() {
        case .ready(let connection):
            connection.send(request, timeout: timeout, promise: promise)
        case .failFast(let message):
            promise.fail(RPCError.unavailable(message))
        case .connect:
            connect(slot, timeout: timeout).whenComplete { result in
                switch result {
                case .success(let connection): connection.send(request, timeout: timeout, promise: promise)
                case .failure(let error): promise.fail(error)
                }
            }
        case .wait(let pending):
            pending.whenComplete { result in
                switch result {
                case .success(let connection): connection.send(request, timeout: timeout, promise: promise)
                case .failure(let error): promise.fail(error)
                }
            }
        }
        return promise.futureResult
    }

    public func call(method: String, payload: Data, options: CallOptions) async throws -> Data {
        var request = Civic_Rpc_V1_RequestEnvelope()
        request.method = method
        request.payload = payload
        request.metadata = options.metadata
        let timeout = options.timeout ?? configuration.defaultTimeout
        request.deadlineMs = UInt64(max(1, timeout.nanoseconds / 1_000_000))
        let response = try await send(request, timeout: timeout).get()
        guard response.status.code == .ok else { throw RPCError(status: response.status) }
        return response.payload
    }

    /// Closes every connection; later calls fail with UNAVAILABLE.
    public func close() async {
        closed.withLockedValue { $0 = true }
        for slot in slots {
            if let channel = slot.currentChannel() { try? await channel.close() }
        }
    }

    // MARK: Pool

    private func pickSlot(preferring eventLoop: (any EventLoop)?) -> Slot {
        if slots.count == 1 { return slots[0] }
        let start = nextSlot.withLockedValue { n -> Int in
            n = n &+ 1
            return n
        }
        if let eventLoop {
            for i in 0..<slots.count {
                let slot = slots[(start &+ i) % slots.count]
                if slot.eventLoop === eventLoop { return slot }
            }
        }
        return slots[start % slots.count]
    }

    private func connect(_ slot: Slot, timeout: TimeAmount) -> EventLoopFuture<ClientConnection> {
        let configuration = configuration
        let target = target
        let bootstrap = ClientBootstrap(group: slot.eventLoop)
            .connectTimeout(min(timeout, configuration.connectTimeout))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: configuration.maxFrameSize)))
                    try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(target: target, maxFrameSize: configuration.maxFrameSize))
                }
            }
        let future = bootstrap.connect(host: configuration.host, port: configuration.port).flatMapThrowing { channel -> ClientConnection in
            let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
            return ClientConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop), closing: handler.closing)
        }.flatMapErrorThrowing { error -> ClientConnection in
            throw (error as? RPCError) ?? RPCError.unavailable("cannot connect to \(target): \(error)")
        }
        slot.connecting(future, configuration: configuration)
        return future
    }
}

/// A connection slot of the pool and its state machine: idle → connecting → ready, or
/// → backing off after a failed connect (calls fail fast until the backoff has passed).
private final class Slot: Sendable {
    enum State {
        case idle(nextBackoff: TimeAmount?)
        case connecting(EventLoopFuture<ClientConnection>)
        case ready(ClientConnection)
        case backingOff(until: NIODeadline, nextBackoff: TimeAmount, reason: String)
    }
    enum Decision {
        case ready(ClientConnection)
        case wait(EventLoopFuture<ClientConnection>)
        case connect
        case failFast(String)
    }

    let eventLoop: any EventLoop
    private let state = NIOLockedValueBox(State.idle(nextBackoff: nil))

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func ready() -> Decision {
        state.withLockedValue { s in
            switch s {
            case .ready(let connection):
                // A connection that failed with a connection-level error is closing: the next call
                // takes a fresh one rather than that error.
                if connection.channel.isActive && !connection.closing.withLockedValue({ $0 }) { return .ready(connection) }
                s = .idle(nextBackoff: nil)
                return .connect
            case .connecting(let future):
                return .wait(future)
            case .idle:
                return .connect
            case .backingOff(let until, _, let reason):
                return NIODeadline.now() < until ? .failFast(reason) : .connect
            }
        }
    }

    func currentChannel() -> Channel? {
        state.withLockedValue { s in
            if case .ready(let connection) = s { return connection.channel }
            return nil
        }
    }

    func connecting(_ future: EventLoopFuture<ClientConnection>, configuration: RPCClient.Configuration) {
        let backoff = state.withLockedValue { s -> TimeAmount in
            let backoff: TimeAmount
            switch s {
            case .backingOff(_, let next, _): backoff = next
            case .idle(let next?): backoff = next
            default: backoff = configuration.initialBackoff
            }
            s = .connecting(future)
            return backoff
        }
        future.whenComplete { [self] result in
            state.withLockedValue { s in
                switch result {
                case .success(let connection):
                    s = .ready(connection)
                case .failure(let error):
                    let reason = (error as? RPCError)?.message ?? "\(error)"
                    s = .backingOff(until: .now() + backoff, nextBackoff: min(backoff * 2, configuration.maxBackoff), reason: reason)
                }
            }
            if case .success(let connection) = result {
                connection.channel.closeFuture.whenComplete { [self] _ in
                    state.withLockedValue { s in
                        if case .ready(let current) = s, current.channel === connection.channel { s = .idle(nextBackoff: nil) }
                    }
                }
            }
        }
    }
}

private struct ClientConnection: Sendable {
    let channel: Channel
    let handler: NIOLoopBound<ClientConnectionHandler>
    /// Set when the connection failed as a whole and is closing.
    let closing: NIOLockedValueBox<Bool>

    func send(_ request: Civic_Rpc_V1_RequestEnvelope, timeout: TimeAmount, promise: EventLoopPromise<ResponseFrame>) {
        if channel.eventLoop.inEventLoop {
            handler.value.send(request, timeout: timeout, promise: promise)
        } else {
            let handler = handler
            channel.eventLoop.execute { handler.value.send(request, timeout: timeout, promise: promise) }
        }
    }
}

/// Matches responses to the calls waiting for them, by call id.
private final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        let promise: EventLoopPromise<ResponseFrame>
        let deadline: NIODeadline
        let timeout: TimeAmount
    }

    private let target: String
    private let maxFrameSize: Int
    private var pending: [UInt64: Pending] = [:]
    private var nextCallID: UInt64 = 1
    private var context: ChannelHandlerContext?
    private var closedReason: RPCError?
    private var sweep = DeadlineSweep()
    private var flush = FlushCoalescing()

    /// Read by the pool from any thread (ClientConnection.closing).
    let closing = NIOLockedValueBox(false)

    init(target: String, maxFrameSize: Int) {
        self.target = target
        self.maxFrameSize = maxFrameSize
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func send(_ request: Civic_Rpc_V1_RequestEnvelope, timeout: TimeAmount, promise: EventLoopPromise<ResponseFrame>) {
        guard let context, closedReason == nil, context.channel.isActive else {
            promise.fail(closedReason ?? RPCError.unavailable("connection to \(target) is closed"))
            return
        }
        var request = request
        let callID = nextCallID
        nextCallID &+= 1
        request.callID = callID
        let buffer: ByteBuffer
        do {
            buffer = try Framing.frame(request, allocator: context.channel.allocator)
        } catch {
            promise.fail(RPCError.internal("cannot encode request: \(error)"))
            return
        }
        guard buffer.readableBytes - Framing.headerSize <= maxFrameSize else {
            // Sending it would make the peer close the connection, failing every call on it.
            promise.fail(
                RPCError(.resourceExhausted, "request of \(buffer.readableBytes - Framing.headerSize) bytes exceeds the frame limit of \(maxFrameSize) bytes"))
            return
        }
        let deadline = NIODeadline.now() + timeout
        pending[callID] = Pending(promise: promise, deadline: deadline, timeout: timeout)
        armSweep(for: deadline, on: context.eventLoop)
        context.write(wrapOutboundOut(buffer), promise: nil)
        // Calls sent in the same event-loop tick (e.g. from many gateway callers) leave in one write.
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        flush.schedule(on: context.eventLoop) { this.value.flushNow() }
    }

    private func flushNow() {
        flush.done()
        context?.flush()
    }

    private func armSweep(for deadline: NIODeadline, on eventLoop: any EventLoop) {
        let this = NIOLoopBound(self, eventLoop: eventLoop)
        sweep.arm(for: deadline, on: eventLoop) { this.value.expireOverdue(on: eventLoop) }
    }

    /// Fails every call past its deadline with DEADLINE_EXCEEDED; re-arms for the rest.
    private func expireOverdue(on eventLoop: any EventLoop) {
        sweep.fired()
        let now = NIODeadline.now()
        var next: NIODeadline?
        for (callID, call) in pending {
            if call.deadline <= now {
                pending.removeValue(forKey: callID)
                call.promise.fail(RPCError.deadlineExceeded("no answer from \(target) within \(call.timeout.nanoseconds / 1_000_000) ms"))
            } else {
                next = min(next ?? call.deadline, call.deadline)
            }
        }
        if let next { armSweep(for: next, on: eventLoop) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        // Scanned for the call id and status only: the payload stays bytes until someone asks.
        guard let response = try? ResponseFrame(scanning: frame) else {
            failAll(RPCError(.internal, "\(target) sent a frame that is not a ResponseEnvelope"))
            context.close(promise: nil)
            return
        }
        if response.callID == 0 {
            // A connection-level error; the peer closes next. Every call here is lost with it.
            let status = (try? response.decoded().status) ?? RPCError(response.code, "\(target) closed the connection").status
            failAll(RPCError(status: status))
            context.close(promise: nil)
            return
        }
        guard let call = pending.removeValue(forKey: response.callID) else { return }  // timed out already
        call.promise.succeed(response)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RPCError.unavailable("connection to \(target) lost"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(RPCError.unavailable("connection to \(target) failed: \(error)"))
        context.close(promise: nil)
    }

    private func failAll(_ error: RPCError) {
        if closedReason == nil { closedReason = error }
        closing.withLockedValue { $0 = true }
        sweep.cancel()
        let calls = pending
        pending.removeAll()
        for (_, call) in calls {
            call.promise.fail(error)
        }
    }
}
