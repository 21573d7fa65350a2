import GRDB
import NIOConcurrencyHelpers
import NIOPosix
import Synchronization

/// Point reads — a row or two by key — on the calling thread. A service's handler runs on its
/// connection's event loop; GRDB's asynchronous `read` would hand the read to a reader queue's
/// thread and resume the handler on the loop afterwards: two thread switches that cost more
/// than the read. Here each thread that reads (in a service: each event loop) has its own
/// read-only connection to the database file and reads synchronously on it, in a read
/// transaction (one snapshot for every statement of the read), with no thread switch and no
/// lock. The read blocks its event loop while it runs, so only reads that take microseconds
/// belong here — one row by primary key and its few children. Lists, searches, reports and
/// exports keep the pool's asynchronous `read`.
///
/// A database that is not a file (the in-memory database of unit tests) is read through its
/// own connection, synchronously.
public final class PointReads: Sendable {
    private let database: any DatabaseWriter
    private let path: String?
    private let readers = ThreadSpecificVariable<Reader>()
    /// Every reader opened, to close them when this goes (a thread's own slot would keep its
    /// connection open until the thread ends).
    private let opened = NIOLockedValueBox<[DatabaseQueue]>([])
    private let closed = Atomic<Bool>(false)

    private final class Reader: Sendable {
        let queue: DatabaseQueue
        init(_ queue: DatabaseQueue) { self.queue = queue }
    }

    public init(_ database: any DatabaseWriter) {
        self.database = database
        self.path = (database as? DatabasePool)?.path
    }

    // Nothing can be reading any more: every connection is closed here.
    deinit {
        for queue in opened.withLockedValue({ $0 }) { try? queue.close() }
    }

    /// Runs `value` in a read transaction on this thread's connection.
    public func read<T>(_ value: (Database) throws -> T) throws -> T {
        guard !closed.load(ordering: .relaxed) else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "point reads are closed") }
        guard let path else { return try Self.readHere(database, value) }
        if let reader = readers.currentValue { return try reader.queue.read(value) }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        configuration.label = "point-reads"
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        opened.withLockedValue { $0.append(queue) }
        readers.currentValue = Reader(queue)
        return try queue.read(value)
    }

    /// From now on a read fails. (The connections close when this object goes: closing one
    /// here could race a read on its thread, and GRDB does not survive a read on a closed one.)
    public func close() {
        closed.store(true, ordering: .relaxed)
    }

    /// GRDB's synchronous `read` (a synchronous function sees only that overload).
    private static func readHere<T>(_ database: any DatabaseReader, _ value: (Database) throws -> T) throws -> T {
        try database.read(value)
    }
}

extension Row {
    /// Each row of `statement` decoded while it is still the statement's own. GRDB finds a
    /// column by name in a copied row (what `fetchAll` and `fetchOne` return) by comparing
    /// lowercased names one by one — for a wide table, most of a point read's time; in the
    /// statement's own row, by one dictionary lookup.
    public static func decodeAll<T>(_ statement: Statement, arguments: StatementArguments = StatementArguments(), _ decode: (Row) throws -> T) throws -> [T] {
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        var values: [T] = []
        while let row = try rows.next() { values.append(try decode(row)) }
        return values
    }

    /// The first row of `statement`, decoded the same way; nil when there is none.
    public static func decodeFirst<T>(_ statement: Statement, arguments: StatementArguments = StatementArguments(), _ decode: (Row) throws -> T) throws -> T? {
        // The row is a view of the statement: the cursor (which resets the statement when it
        // goes) must outlive the decoding.
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        return try withExtendedLifetime(rows) { try rows.next().map(decode) }
    }
}
