import NIOCore

/// A task executor that runs a call's handler on its connection's event loop: the handler starts
/// there without a hop to the global pool, and each `await` (a database read on GRDB's queue)
/// comes back there, so its answer is written where it was computed. Blocking work — SQLite —
/// stays on the database's own queues; handlers keep their heavy computing inside them.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
