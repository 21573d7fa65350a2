import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// What a framed-RPC listener (a service's `RPCServer`, the gateway's frame face) keeps for
/// a graceful drain: its listening channel, its open connections and the calls in flight.
/// Draining refuses new calls (health checks excepted), waits for those in flight, then
/// closes every connection.
public final class ListenerDrain: Sendable {
    private struct State {
        var draining = false
        var inFlight = 0
        var listener: Channel?
        var connections: [ObjectIdentifier: Channel] = [:]
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    public func listening(on channel: Channel) { state.withLockedValue { $0.listener = channel } }

    /// Binds a framed-RPC listener the way every Civic process does (a service's
    /// RPCServer, the gateway's frame face): frames checked against `maxFrameSize` from the
    /// 4-byte header, then `connectionHandler` for each accepted connection, which is
    /// tracked for the drain. Returns the bound address.
    public func bind(
        group: any EventLoopGroup, host: String, port: Int, maxFrameSize: Int,
        connectionHandler: @escaping @Sendable (Channel) -> any ChannelHandler
    ) async throws -> SocketAddress {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: maxFrameSize)))
                    try channel.pipeline.syncOperations.addHandler(connectionHandler(channel))
                    self.track(channel)
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        listening(on: channel)
        return channel.localAddress!
    }

    public var localAddress: SocketAddress? { state.withLockedValue { $0.listener?.localAddress } }
    public var isDraining: Bool { state.withLockedValue { $0.draining } }
    public var inFlightCalls: Int { state.withLockedValue { $0.inFlight } }

    /// Remembers an accepted connection until it closes.
    public func track(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        state.withLockedValue { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            _ = state.withLockedValue { $0.connections.removeValue(forKey: id) }
        }
    }

    /// Counts a call in, unless draining (health checks always come in, so probes see NOT_SERVING).
    public func admit(healthCheck: Bool) -> Bool {
        state.withLockedValue { s in
            if s.draining && !healthCheck { return false }
            s.inFlight += 1
            return true
        }
    }

    public func release() { state.withLockedValue { $0.inFlight -= 1 } }

    /// Stops new calls and connections, lets calls in flight finish (up to `timeout`), then
    /// closes every connection. Runs to its end even if the caller is cancelled.
    public func drain(timeout: TimeAmount) async {
        await Task { [self] in
            let listener = state.withLockedValue { s -> Channel? in
                s.draining = true
                return s.listener
            }
            try? await listener?.close()
            let giveUp = NIODeadline.now() + timeout
            while inFlightCalls > 0 && NIODeadline.now() < giveUp {
                try? await Task.sleep(nanoseconds: 5_000_000)
            }
            for channel in state.withLockedValue({ Array($0.connections.values) }) { try? await channel.close() }
        }.value
    }
}
