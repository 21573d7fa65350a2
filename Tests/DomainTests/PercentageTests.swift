import CivicDomain
import Testing

@Suite("Percentage with one decimal, half-up")
struct PercentageTests {
    @Test(arguments: [
        (1, 3, 333, "33.3"),
        (2, 3, 667, "66.7"),
        (1, 8, 125, "12.5"),  // exactly 12.5: nothing to round
        (1, 16, 63, "6.3"),  // 6.25 → 6.3 (half-up)
        (3, 16, 188, "18.8"),  // 18.75 → 18.8
        (0, 0, 0, "0.0"),  // nothing to rate
        (5, 0, 0, "0.0"),
        (0, 7, 0, "0.0"),
        (28, 28, 1000, "100.0"),
        (1, 2000, 1, "0.1"),  // 0.05 → 0.1
        (1, 2001, 0, "0.0"),  // 0.0499… → 0.0
        // The 728 items of a year split by kind (the annual report's figures).
        (257, 728, 353, "35.3"),
        (356, 728, 489, "48.9"),
        (115, 728, 158, "15.8"),
        (3, 2, 1500, "150.0"),  // more than the whole: not clamped
    ])
    func fromParts(part: Int, whole: Int, tenths: Int, text: String) {
        let p = Percentage(part, of: whole)
        #expect(p.tenths == tenths)
        #expect(p.description == text)
    }

    @Test func negativeInputsRoundAwayFromZero() {
        #expect(Percentage(-1, of: 16).description == "-6.3")
        #expect(Percentage(1, of: -16).description == "-6.3")
        #expect(Percentage(-1, of: -16).description == "6.3")
        #expect(Percentage(-1, of: 3).tenths == -333)
    }

    @Test func fromTenths() {
        #expect(Percentage(tenths: 353) == Percentage(257, of: 728))
        #expect(Percentage(tenths: 353).description == "35.3")
        #expect(Percentage(tenths: 5).description == "0.5")
        #expect(Percentage(tenths: 1000).description == "100.0")
        #expect(Percentage(tenths: 0).description == "0.0")
        #expect(Percentage(tenths: -25).description == "-2.5")
        #expect(Percentage(tenths: -5).description == "-0.5")
    }

    @Test func pointsSinceEarlier() {
        #expect(Percentage(1, of: 2).points(since: Percentage(1, of: 4)) == "+25.0")
        #expect(Percentage(1, of: 4).points(since: Percentage(1, of: 2)) == "-25.0")
        #expect(Percentage(tenths: 353).points(since: Percentage(tenths: 332)) == "+2.1")
        #expect(Percentage(tenths: 489).points(since: Percentage(tenths: 493)) == "-0.4")
        #expect(Percentage(tenths: 158).points(since: Percentage(tenths: 158)) == "0.0")
        #expect(Percentage(tenths: 1000).points(since: Percentage(tenths: 0)) == "+100.0")
        #expect(Percentage(tenths: 3).points(since: Percentage(tenths: 8)) == "-0.5")
        // From the rounded figures, as printed: 6.3 − 6.2 is +0.1 even if the raw rates differ less.
        #expect(Percentage(1, of: 16).points(since: Percentage(tenths: 62)) == "+0.1")
    }

    @Test func comparesAndHashesByTenths() {
        #expect(Percentage(1, of: 3) < Percentage(2, of: 3))
        #expect(Percentage(1, of: 2) == Percentage(2, of: 4))
        #expect(Set([Percentage(1, of: 2), Percentage(500, of: 1000), Percentage(tenths: 500)]).count == 1)
    }
}
