import NIOConcurrencyHelpers
import NIOCore

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
