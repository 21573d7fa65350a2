import CivicStorage
import Foundation
import Testing

@Suite("Stored timestamps")
struct StorageTimeTests {
    /// What `StorageTime.string` replaced: Foundation's ISO 8601 style, UTC, milliseconds.
    static func foundation(_ date: Date) -> String {
        var style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        style.timeZone = TimeZone(identifier: "UTC")!
        return date.formatted(style)
    }

    @Test func theSameTextAsFoundationsISO8601() {
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 951_782_400.5), Date(timeIntervalSince1970: 1_798_761_599.999),
            Date(timeIntervalSince1970: 1_764_662_169.123), Date(timeIntervalSince1970: 4_102_444_800), Date(timeIntervalSince1970: 1_709_164_800.0004),
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 { dates.append(Date(timeIntervalSince1970: Double.random(in: 0..<4_102_444_800, using: &generator))) }
        for date in dates {
            #expect(StorageTime.string(date) == Self.foundation(date), "\(date.timeIntervalSince1970)")
        }
        #expect(StorageTime.string(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00.500Z")
    }
}
