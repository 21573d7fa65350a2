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
        /// Runs the call inside the group's transaction and keeps its outcome: in its own
        /// savepoint, or — alone in its group — in the transaction itself (rethrowing, so the
        /// transaction rolls back: a lone writer pays no savepoint).
        let attempt: (Database, _ alone: Bool) throws -> Void
        /// Answers the call once the group's transaction ended: nil when it committed.
        let finish: ((any Error)?) -> Void

        init(attempt: @escaping (Database, Bool) throws -> Void, finish: @escaping ((any Error)?) -> Void) {
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

    /// Runs `body` in the next group's transaction and answers its result once the group is
    /// durable. A caller that finds no group under way commits its own at once, in its own task;
    /// the others wait and are committed together by the next group.
    public func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let outcome = LockedState<Result<T, any Error>?>(nil)
        let attempt: (Database, Bool) throws -> Void = { db, alone in
            if alone {
                do {
                    let value = try body(db)
                    outcome.withLock { $0 = .success(value) }
                } catch {
                    outcome.withLock { $0 = .failure(error) }
                    throw error
                }
                return
            }
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
        }
        func answer(_ commitError: (any Error)?) -> Result<T, any Error> {
            let result = outcome.withLock { $0 } ?? .failure(commitError ?? CancellationError())
            if let commitError, case .success = result { return .failure(commitError) }
            return result
        }

        // The leader: nobody is committing, so this call's group starts now, here.
        let mine = Entry(attempt: attempt, finish: { _ in })
        let leads = state.withLock { state -> Bool in
            if state.running { return false }
            state.running = true
            state.pending.append(mine)
            return true
        }
        if leads {
            let commitError = await commitNextGroup()
            handOff()
            return try answer(commitError).get()
        }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let entry = Entry(attempt: attempt, finish: { continuation.resume(with: answer($0)) })
            let start = state.withLock { state -> Bool in
                state.pending.append(entry)
                if state.running { return false }
                state.running = true
                return true
            }
            if start { Task.detached { await self.drain() } }
        }
    }

    /// After a leader's group: the calls that came meanwhile are committed by a task of their own,
    /// so the leader is answered now.
    private func handOff() {
        let more = state.withLock { state -> Bool in
            if state.pending.isEmpty {
                state.running = false
                return false
            }
            return true
        }
        if more { Task.detached { await self.drain() } }
    }

    /// Commits groups until nobody waits.
    private func drain() async {
        while true {
            let empty = state.withLock { state -> Bool in
                if state.pending.isEmpty { state.running = false }
                return state.pending.isEmpty
            }
            if empty { return }
            _ = await commitNextGroup()
        }
    }

    /// Takes up to `maxGroup` waiting calls and commits them in one transaction; answers each
    /// (the leader's entry answers nobody: its caller reads its outcome). Returns the error the
    /// transaction ended with, if any.
    private func commitNextGroup() async -> (any Error)? {
        let group = state.withLock { state -> [Entry] in
            let group = Array(state.pending.prefix(maxGroup))
            state.pending.removeFirst(group.count)
            state.figures.groups += 1
            state.figures.calls += group.count
            state.figures.largest = max(state.figures.largest, group.count)
            return group
        }
        let alone = group.count == 1
        var failure: (any Error)?
        do {
            try await writer.write { db in
                for entry in group {
                    try entry.attempt(db, alone)
                    // Some errors (a full disk, I/O) make SQLite roll the whole transaction
                    // back: the calls after it must not run in autocommit, and none of the
                    // group may be answered as stored.
                    guard db.isInsideTransaction else { throw GroupRolledBack() }
                }
            }
        } catch {
            failure = error
        }
        for entry in group { entry.finish(failure) }
        return failure
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
