import NIOPosix

/// A cache each thread keeps for itself — in a server, each event loop — so the hot path
/// takes no lock. Bounded: a thread's cache is emptied when it reaches `capacity`, so a caller
/// cycling through made-up keys costs recomputation, never memory.
public final class ThreadLocalCache<Key: Hashable, Value>: Sendable {
    private final class Values: @unchecked Sendable {  // touched only by its own thread
        var entries: [Key: Value] = [:]
    }

    private let slots = ThreadSpecificVariable<Values>()
    public let capacity: Int

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    private var values: Values {
        if let values = slots.currentValue { return values }
        let values = Values()
        slots.currentValue = values
        return values
    }

    /// This thread's value for `key`, made (and kept) when it has none.
    public func value(for key: Key, orMake make: () throws -> Value) rethrows -> Value {
        let values = self.values
        if let known = values.entries[key] { return known }
        let made = try make()
        store(made, for: key, in: values)
        return made
    }

    /// Replaces this thread's value for `key`.
    public func set(_ value: Value, for key: Key) {
        store(value, for: key, in: values)
    }

    private func store(_ value: Value, for key: Key, in values: Values) {
        if values.entries.count >= capacity { values.entries.removeAll(keepingCapacity: true) }
        values.entries[key] = value
    }
}
