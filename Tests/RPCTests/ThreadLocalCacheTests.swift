import CivicRPC
import NIOPosix
import Testing

@Suite("Per-thread cache")
struct ThreadLocalCacheTests {
    @Test func eachThreadKeepsItsOwnValuesWithinTheCapacity() async throws {
        let cache = ThreadLocalCache<String, Int>(capacity: 3)
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let (first, second) = (loops.next(), loops.next())
        #expect(first !== second)
        // What one thread made, the other does not see: it makes its own.
        #expect(try await first.submit { cache.value(for: "a") { 1 } }.get() == 1)
        #expect(try await first.submit { cache.value(for: "a") { 99 } }.get() == 1)
        #expect(try await second.submit { cache.value(for: "a") { 2 } }.get() == 2)
        #expect(try await first.submit { cache.value(for: "a") { 99 } }.get() == 1)
        // `set` replaces.
        try await first.submit { cache.set(5, for: "a") }.get()
        #expect(try await first.submit { cache.value(for: "a") { 99 } }.get() == 5)
        // At the capacity the thread's values are dropped and made again when asked.
        try await first.submit {
            _ = cache.value(for: "b") { 10 }
            _ = cache.value(for: "c") { 11 }
            _ = cache.value(for: "d") { 12 }  // a fourth: the three before are gone
        }.get()
        #expect(try await first.submit { cache.value(for: "a") { 7 } }.get() == 7)
        #expect(try await first.submit { cache.value(for: "d") { 99 } }.get() == 12)
        try await loops.shutdownGracefully()
    }
}
