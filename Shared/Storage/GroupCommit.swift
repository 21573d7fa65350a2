import Foundation
import GRDB

/// Group commit: write calls that arrive together share one SQLite transaction and so one fsync
/// (synchronous=FULL is kept). Each call runs in its own savepoint, so a call that throws rolls
/// back only its own work and answers only its own error; every call is answered after the
/// group's COMMIT returned — never before its work is durable. If the COMMIT itself fails,
/// every call of the group gets that error and nothing of the group is kept.
///
/// The first call starts a group at once (a lone writer waits for nobody); the calls that arrive
/// while a group commits form the next one.
public final class GroupCommit: Sendable {
    public struct Figures: Sendable, Equatable {
        /// Transactions committed (or failed) and the calls in them.
        public var groups: Int
        public var calls: Int
        /// The most calls one group held.
        public var largest: Int
    }

    private final class Entry: @unchecked Sendable {
        /// Runs the call in its savepoint, inside the group's transaction; keeps its outcome.
        let attempt: (Database) -> Void
        /// Answers the call once the group's transaction ended: nil when it committed.
        let finish: ((any Error)?) -> Void

        init(attempt: @escaping (Database) -> Void, finish: @escaping ((any Error)?) -> Void) {
            self.attempt = attempt
            self.finish = finish
        }
    }

    private struct State {
        var pending: [Entry] = []
        var running = false
        var figures = Figures(groups: 0, calls: 0, largest: 0)
    }

    private let writer: any DatabaseWriter
    private let maxGroup: Int
    private let state = LockedState(State())

    /// `maxGroup` bounds one transaction (a long group holds the write lock longer).
    public init(_ writer: any DatabaseWriter, maxGroup: Int = 256) {
        self.writer = writer
        self.maxGroup = max(1, maxGroup)
    }

    public var figures: Figures { state.withLock { $0.figures } }

    /// Runs `body` in a savepoint of the next group's transaction and answers its result once the
    /// group is durable.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let outcome = LockedState<Result<T, any Error>?>(nil)
            let entry = Entry(
                attempt: { db in
                    do {
                        var value: T?
                        try db.inSavepoint {
                            value = try body(db)
                            return .commit
                        }
                        outcome.withLock { $0 = .success(value!) }
                    } catch {
                        outcome.withLock { $0 = .failure(error) }
                    }
                },
                finish: { commitError in
                    let result = outcome.withLock { $0 } ?? .failure(commitError ?? CancellationError())
                    switch (commitError, result) {
                    case (let error?, .success): continuation.resume(throwing: error)
                    default: continuation.resume(with: result)
                    }
                })
            let start = state.withLock { state -> Bool in
                state.pending.append(entry)
                if state.running { return false }
                state.running = true
                return true
            }
            if start { Task.detached { await self.drain() } }
        }
    }

    /// Commits groups until nobody waits.
    private func drain() async {
        while true {
            let group = state.withLock { state -> [Entry] in
                let group = Array(state.pending.prefix(maxGroup))
                state.pending.removeFirst(group.count)
                if group.isEmpty {
                    state.running = false
                } else {
                    state.figures.groups += 1
                    state.figures.calls += group.count
                    state.figures.largest = max(state.figures.largest, group.count)
                }
                return group
            }
            if group.isEmpty { return }
            do {
                try await writer.write { db in
                    for entry in group {
                        entry.attempt(db)
                        // Some errors (a full disk, I/O) make SQLite roll the whole transaction
                        // back: the calls after it must not run in autocommit, and none of the
                        // group may be answered as stored.
                        guard db.isInsideTransaction else { throw GroupRolledBack() }
                    }
                }
                for entry in group { entry.finish(nil) }
            } catch {
                for entry in group { entry.finish(error) }
            }
        }
    }
}

/// SQLite rolled a group's transaction back under one of its calls: every call of it is refused.
public struct GroupRolledBack: Error, CustomStringConvertible {
    public var description: String { "the write's transaction was rolled back by the database (disk full or an I/O error): nothing was stored" }
}

/// A value behind a lock (Storage does not depend on NIO).
final class LockedState<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
