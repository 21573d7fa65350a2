import CivicRPC
import NIOConcurrencyHelpers
import Prometheus

/// Prometheus figures for `/metrics`: calls per method, face and status, and call
/// durations per method. Collectors are cached so the hot path only increments.
public final class GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private struct Key: Hashable {
        let method: String
        let face: String
        let code: Int
    }
    private let counters = ThreadLocalCache<Key, Counter>(capacity: 4096)
    private let histograms = ThreadLocalCache<String, DurationHistogram>(capacity: 1024)
    private static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// Records one finished call. `method` must be a known method path or "unknown", so
    /// callers cannot grow the label set without bound.
    public func record(method: String, face: String, code: StatusCode, nanoseconds: Int64) {
        // Each event loop keeps the handles it has used (the registry hands out one counter per
        // name and labels, whichever thread asks), so a call takes no lock to find them.
        let key = Key(method: method, face: face, code: code.rawValue)
        let counter = counters.value(for: key) {
            registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "civic", subsystem: "gateway", metricName: "calls", unitName: "total",
                    helpText: "Calls through the gateway by method, face and status."),
                labels: [("method", method), ("face", face), ("code", code.name)])
        }
        counter.increment()
        let histogram = histograms.value(for: method) {
            registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    namespace: "civic", subsystem: "gateway", metricName: "call_duration", unitName: "seconds",
                    helpText: "Time from a call's arrival at the gateway to its answer."),
                labels: [("method", method)], buckets: Self.buckets)
        }
        histogram.recordNanoseconds(nanoseconds)
    }

    private let refusals = NIOLockedValueBox([String: Counter]())

    /// Counts a call refused before reaching a service: UNAUTHENTICATED, PERMISSION_DENIED, RATE_LIMITED.
    public func recordRefusal(reason: String) {
        let counter = refusals.withLockedValue { cache in
            if let counter = cache[reason] { return counter }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "civic", subsystem: "gateway", metricName: "refused_calls", unitName: "total",
                    helpText: "Calls refused by authentication, authorization or rate limits."),
                labels: [("reason", reason)])
            cache[reason] = counter
            return counter
        }
        counter.increment()
    }

    public func exposition() -> String { registry.emitToString() }
}
