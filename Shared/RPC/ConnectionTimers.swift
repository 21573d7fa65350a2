import NIOCore

/// Expires a connection's calls with one timer for the whole connection instead of one per
/// call: the timer is armed for the earliest deadline and re-armed after each sweep. With
/// the usual equal timeouts, later calls never move it, so a call costs no timer work.
/// Confined to the connection's event loop.
struct DeadlineSweep {
    private var scheduled: Scheduled<Void>?
    private var armedFor: NIODeadline?

    /// Ensures a sweep runs no later than `deadline`.
    mutating func arm(for deadline: NIODeadline, on eventLoop: any EventLoop, _ sweep: @escaping @Sendable () -> Void) {
        if let armedFor, armedFor <= deadline { return }
        scheduled?.cancel()
        armedFor = deadline
        scheduled = eventLoop.scheduleTask(deadline: deadline, sweep)
    }

    /// Call first thing in the sweep.
    mutating func fired() {
        scheduled = nil
        armedFor = nil
    }

    mutating func cancel() {
        scheduled?.cancel()
        fired()
    }
}

/// Coalesces flushes: writes made during one event-loop tick are flushed together by one
/// task queued behind them, so many small frames cost one system call, not one each.
/// Confined to the connection's event loop.
public struct FlushCoalescing: Sendable {
    private var pending = false

    public init() {}

    public mutating func schedule(on eventLoop: any EventLoop, _ flush: @escaping @Sendable () -> Void) {
        guard !pending else { return }
        pending = true
        eventLoop.execute(flush)
    }

    public mutating func done() { pending = false }
}
