import CivicProtos
import CivicRPC
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The gateway's TCP face: the same framed protocol as the services. Each frame is decoded
/// only as far as the envelope (the payload stays bytes), routed, and the answer written
/// back under the caller's call id. Work stays on the connection's event loop.
public final class GatewayFrameServer: Sendable {
    let gateway: Gateway
    private let listener = ListenerDrain()
    private let connectionsByClient = NIOLockedValueBox([String: Int]())

    /// Counts a new connection from `client`; false when it already holds the most allowed.
    fileprivate func connectionOpened(_ client: String) -> Bool {
        connectionsByClient.withLockedValue { counts in
            let n = counts[client, default: 0]
            guard n < gateway.configuration.maxConnectionsPerClient else { return false }
            counts[client] = n + 1
            return true
        }
    }

    fileprivate func connectionClosed(_ client: String) {
        connectionsByClient.withLockedValue { counts in
            let n = counts[client, default: 1] - 1
            counts[client] = n > 0 ? n : nil
        }
    }

    public init(gateway: Gateway) {
        self.gateway = gateway
    }

    @discardableResult
    public func start() async throws -> SocketAddress {
        let configuration = gateway.configuration
        return try await listener.bind(
            group: MultiThreadedEventLoopGroup.singleton, host: configuration.host, port: configuration.framesPort, maxFrameSize: configuration.maxFrameBytes
        ) { _ in
            GatewayConnectionHandler(server: self)
        }
    }

    public var localAddress: SocketAddress? { listener.localAddress }

    fileprivate func admit(healthCheck: Bool) -> Bool { listener.admit(healthCheck: healthCheck) }
    fileprivate func release() { listener.release() }

    /// New calls get UNAVAILABLE; calls in flight finish (up to `timeout`); then all close.
    public func shutdownGracefully(timeout: TimeAmount = .seconds(10)) async {
        await listener.drain(timeout: timeout)
    }
}

private final class GatewayConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let server: GatewayFrameServer
    private var context: ChannelHandlerContext?
    /// Call ids waiting for a backend; a duplicate id in flight is refused.
    private var inFlight = Set<UInt64>()
    private var clientAddress = ""
    private var flush = FlushCoalescing()

    init(server: GatewayFrameServer) {
        self.server = server
    }

    private var counted = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelActive(context: ChannelHandlerContext) {
        clientAddress = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard server.connectionOpened(clientAddress) else {
            server.gateway.metrics.recordRefusal(reason: "TOO_MANY_CONNECTIONS")
            reply(
                0,
                Gateway.failure(
                    RPCError(
                        .resourceExhausted,
                        "too many connections from \(clientAddress) (at most \(server.gateway.configuration.maxConnectionsPerClient)); closing")))
            // Close our side only and let the peer read the refusal: closing outright with its
            // request unread would reset the connection and the refusal could be lost.
            context.close(mode: .output, promise: nil)
            let channel = context.channel
            context.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
            return
        }
        counted = true
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted {
            counted = false
            server.connectionClosed(clientAddress)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard counted else { return }
        let frame = unwrapInboundIn(data)
        let request: Civic_Rpc_V1_RequestEnvelope
        do {
            request = try Framing.decode(Civic_Rpc_V1_RequestEnvelope.self, from: frame)
        } catch {
            reply(0, Gateway.failure(RPCError(.invalidArgument, "frame is not a valid civic.rpc.v1.RequestEnvelope; closing connection")))
            context.close(promise: nil)
            return
        }
        let callID = request.callID
        guard callID != 0 else {
            reply(0, Gateway.failure(RPCError(.invalidArgument, "call_id must not be 0; closing connection")))
            context.close(promise: nil)
            return
        }
        guard !inFlight.contains(callID) else {
            reply(callID, Gateway.failure(RPCError(.invalidArgument, "call_id \(callID) is already in flight on this connection")))
            return
        }
        // Health checks still come in while draining, so probes see NOT_SERVING.
        guard server.admit(healthCheck: request.method.hasPrefix("/civic.health.v1.Health/")) else {
            reply(callID, Gateway.failure(RPCError(.unavailable, "gateway is shutting down")))
            return
        }
        guard inFlight.count < server.gateway.configuration.maxInFlightPerConnection else {
            server.release()
            reply(
                callID,
                Gateway.failure(
                    RPCError(
                        .resourceExhausted, "too many calls in flight on this connection (at most \(server.gateway.configuration.maxInFlightPerConnection))")))
            return
        }
        inFlight.insert(callID)
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        server.gateway.forward(request, face: "frames", client: clientAddress, on: context.eventLoop)
            .hop(to: context.eventLoop)
            .whenSuccess { answer in
                let handler = this.value
                handler.server.release()
                handler.inFlight.remove(callID)
                handler.reply(callID, answer)
            }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let frameError = error as? FrameError, case .frameTooLarge = frameError {
            reply(0, Gateway.failure(RPCError(.resourceExhausted, frameError.description)))
        }
        context.close(promise: nil)
    }

    /// A forwarded call's answer: spliced (the caller's call id, the request id), the
    /// payload's bytes as the backend sent them; answers finished in one event-loop tick
    /// leave in one write.
    private func reply(_ callID: UInt64, _ answer: Gateway.Answer) {
        guard let context, context.channel.isActive else { return }
        var buffer = answer.frame(callID: callID, allocator: context.channel.allocator)
        if buffer.readableBytes - Framing.headerSize > server.gateway.configuration.maxFrameBytes {
            // The caller would refuse it and drop the connection with every call on it.
            var tooLarge = Gateway.failure(RPCError(.resourceExhausted, "response of \(buffer.readableBytes) bytes exceeds the frame limit"))
            tooLarge.callID = callID
            guard let frame = try? Framing.frame(tooLarge, allocator: context.channel.allocator) else { return }
            buffer = frame
        }
        context.write(wrapOutboundOut(buffer), promise: nil)
        let this = NIOLoopBound(self, eventLoop: context.eventLoop)
        flush.schedule(on: context.eventLoop) { this.value.flushNow() }
    }

    private func flushNow() {
        flush.done()
        context?.flush()
    }

    /// An answer the frame face makes itself (refusals), written at once.
    private func reply(_ callID: UInt64, _ response: Civic_Rpc_V1_ResponseEnvelope) {
        guard let context, context.channel.isActive else { return }
        var response = response
        response.callID = callID
        do {
            var buffer = try Framing.frame(response, allocator: context.channel.allocator)
            if buffer.readableBytes - Framing.headerSize > server.gateway.configuration.maxFrameBytes {
                // The caller would refuse it and drop the connection with every call on it.
                var tooLarge = Gateway.failure(RPCError(.resourceExhausted, "response of \(buffer.readableBytes) bytes exceeds the frame limit"))
                tooLarge.callID = callID
                buffer = try Framing.frame(tooLarge, allocator: context.channel.allocator)
            }
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        } catch {
            server.gateway.logger.error("cannot encode response", metadata: ["error": "\(error)"])
        }
    }
}
