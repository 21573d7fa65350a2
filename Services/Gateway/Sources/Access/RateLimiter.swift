import CivicRPC
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Token buckets per caller (a key, or a public caller's address): each holds up to
/// `burst` calls and refills at `perSecond`. Limits are configured per role.
public final class RateLimiter: Sendable {
    public struct Limit: Sendable, Equatable {
        public var perSecond: Double
        public var burst: Double
        public init(perSecond: Double, burst: Double) {
            self.perSecond = perSecond
            self.burst = burst
        }

        /// The range a configured rate may take, in calls per second: below, a caller would wait
        /// days for one call (and the wait's arithmetic leaves any sane range); above, there is
        /// no limit to speak of.
        public static let rates: ClosedRange<Double> = 0.001...1_000_000_000
        /// The range of a bucket's size, in calls.
        public static let bursts: ClosedRange<Double> = 1...1_000_000_000

        /// Parses "RATE" or "RATE:BURST" (calls per second); nil outside `rates` / `bursts`.
        public init?(parsing text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) }
            guard (1...2).contains(parts.count), let rate = parts[0], Self.rates.contains(rate) else { return nil }
            let burst = parts.count == 2 ? parts[1] : rate * 2
            guard let burst, Self.bursts.contains(burst) else { return nil }
            self.init(perSecond: rate, burst: burst)
        }
    }

    /// Defaults per role (calls per second, burst). `public` is per caller address.
    public static let defaultLimits: [Principal.Role: Limit] = [
        .admin: Limit(perSecond: 200, burst: 400),
        .staff: Limit(perSecond: 50, burst: 100),
        .leader: Limit(perSecond: 50, burst: 100),
        .deputy: Limit(perSecond: 10, burst: 20),
        .department: Limit(perSecond: 100, burst: 200),
        .operator: Limit(perSecond: 10, burst: 20),
        .service: Limit(perSecond: 2000, burst: 4000),
        .public: Limit(perSecond: 5, burst: 20),
    ]

    private struct Bucket {
        var tokens: Double
        var updated: NIODeadline
        /// When it will be full again: from then on it is the same as no bucket at all.
        var fullAt: NIODeadline
    }

    private struct Buckets {
        var byCaller: [String: Bucket] = [:]
        var takes = 0
    }

    public let limits: [Principal.Role: Limit]
    private let buckets = NIOLockedValueBox(Buckets())
    /// Every this many calls, buckets that have filled up again are dropped: a full bucket is
    /// what a caller never seen gets, so forgetting it changes nothing — and callers who came
    /// once (every address on the internet) do not stay in memory.
    static let sweepEvery = 1024

    /// Callers whose bucket is not full (what the limiter holds in memory).
    public var trackedCallers: Int { buckets.withLockedValue { $0.byCaller.count } }

    public init(limits: [Principal.Role: Limit] = RateLimiter.defaultLimits) {
        self.limits = limits
    }

    /// The most generous limit among the principal's roles.
    public func limit(for principal: Principal) -> Limit {
        principal.roles.compactMap { limits[$0] }.max { $0.perSecond < $1.perSecond } ?? Limit(perSecond: 5, burst: 20)
    }

    /// Takes one call from the caller's bucket; throws RESOURCE_EXHAUSTED (with the wait in
    /// `retry-after-ms`) when it is empty.
    public func take(caller: String, limit: Limit, now: NIODeadline = .now()) throws {
        let wait = buckets.withLockedValue { buckets -> Double? in
            buckets.takes &+= 1
            if buckets.takes % Self.sweepEvery == 0 { buckets.byCaller = buckets.byCaller.filter { $0.value.fullAt > now } }
            var bucket = buckets.byCaller[caller] ?? Bucket(tokens: limit.burst, updated: now, fullAt: now)
            let elapsed = Double((now - bucket.updated).nanoseconds) / 1e9
            bucket.tokens = min(limit.burst, bucket.tokens + max(0, elapsed) * limit.perSecond)
            bucket.updated = now
            var wait: Double?
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
            } else {
                wait = (1 - bucket.tokens) / limit.perSecond
            }
            bucket.fullAt = now + Self.duration((limit.burst - bucket.tokens) / limit.perSecond)
            buckets.byCaller[caller] = bucket
            return wait
        }
        if let wait {
            // At most a day: a limit parsed from configuration keeps this far from overflow.
            let millis = Int(min(86_400_000, max(1, (wait * 1000).rounded(.up))))
            throw RateLimited(retryAfterMillis: millis)
        }
    }
}

extension RateLimiter {
    /// Seconds as a TimeAmount, capped at a day (the rates' range keeps real values far below).
    fileprivate static func duration(_ seconds: Double) -> TimeAmount {
        .nanoseconds(Int64(min(86_400, max(0, seconds)) * 1e9))
    }
}

/// RESOURCE_EXHAUSTED from a rate limit, with how long to wait.
public struct RateLimited: Error, RPCErrorConvertible, Equatable {
    public let retryAfterMillis: Int
    public init(retryAfterMillis: Int) { self.retryAfterMillis = retryAfterMillis }
    public var rpcError: RPCError {
        RPCError(
            .resourceExhausted, "rate limit exceeded; retry after \(retryAfterMillis) ms",
            details: [ErrorDetail(field: "", reason: "RATE_LIMITED", description: "retry-after-ms=\(retryAfterMillis)")])
    }
}

/// Counts calls in flight per caller, so one client cannot take every backend connection.
public final class InFlightLimiter: Sendable {
    public let maxPerCaller: Int
    private let counts = NIOLockedValueBox([String: Int]())

    public init(maxPerCaller: Int) {
        self.maxPerCaller = maxPerCaller
    }

    public func acquire(_ caller: String) -> Bool {
        counts.withLockedValue { counts in
            let n = counts[caller, default: 0]
            guard n < maxPerCaller else { return false }
            counts[caller] = n + 1
            return true
        }
    }

    public func release(_ caller: String) {
        counts.withLockedValue { counts in
            let n = counts[caller, default: 1] - 1
            counts[caller] = n > 0 ? n : nil
        }
    }
}
