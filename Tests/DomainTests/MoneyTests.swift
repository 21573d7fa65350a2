import CivicDomain
import Foundation
import Testing

@Suite("Money in fen (分)")
struct MoneyTests {
    @Test func construction() {
        #expect(Fen(123_456).fen == 123_456)
        #expect(Fen.yuan(3) == Fen(300))
        #expect(Fen.yuan(-2) == Fen(-200))
        #expect(Fen.zero == Fen(0))
    }

    @Test(arguments: [
        ("1234", 123_400), ("1234.5", 123_450), ("1234.56", 123_456), ("-12.30", -1_230),
        ("0", 0), ("0.05", 5), ("-0.05", -5), ("-0", 0), ("-0.00", 0), ("0.5", 50),
        ("007", 700), ("1200.00", 120_000),
        ("92233720368547758.07", Int.max), ("-92233720368547758.08", Int.min),
    ])
    func parsesYuanText(text: String, fen: Int) {
        #expect(Fen(yuanText: text) == Fen(fen))
    }

    @Test(arguments: [
        "", "-", ".", ".5", "12.", "-.5", "1.234", "+12", "1e3", "1E3", "1,234.00", "1 234", " 12", "12 ",
        "12.3.4", "--1", "1-", "¥12", "12元", "１２", "0x10", "12.5a", "NaN", "inf",
        "92233720368547758.08", "-92233720368547758.09", "99999999999999999999",
    ])
    func refusesAnythingElse(text: String) {
        #expect(Fen(yuanText: text) == nil)
    }

    @Test(arguments: [
        (123_456, "1234.56"), (5, "0.05"), (-5, "-0.05"), (0, "0.00"), (100, "1.00"), (-1_230, "-12.30"),
        (10, "0.10"), (-100, "-1.00"), (Int.max, "92233720368547758.07"), (Int.min, "-92233720368547758.08"),
    ])
    func writesTwoDecimals(fen: Int, text: String) {
        #expect(Fen(fen).description == text)
        #expect(Fen(fen).yuanText == text)
        #expect("\(Fen(fen))" == text)
        #expect(Fen(yuanText: text) == Fen(fen))  // round trip
    }

    @Test func arithmetic() {
        var total = Fen(1_050) + Fen(250)
        #expect(total == Fen(1_300))
        total -= Fen(1_400)
        #expect(total == Fen(-100))
        total += .yuan(1)
        #expect(total == .zero)
        #expect(-Fen(5) == Fen(-5))
        #expect(Fen(120_000) * 3 == Fen(360_000))
        #expect(3 * Fen(120_000) == Fen(360_000))
        var monthly = Fen(-250)
        monthly *= 4
        #expect(monthly == Fen(-1_000))
        #expect(Fen(1) < Fen(2))
        #expect(Fen(-2) < Fen(-1))
        #expect([Fen(3), Fen(-1), Fen(2)].sorted() == [Fen(-1), Fen(2), Fen(3)])
    }

    @Test func sum() {
        #expect(Fen.sum([Fen]()) == .zero)
        #expect(Fen.sum([Fen(1), Fen(2), Fen(-3), Fen.yuan(10)]) == Fen(1_000))
        #expect(Fen.sum((1...100).lazy.map { Fen($0) }) == Fen(5_050))
    }

    /// Half-up away from zero to the fen, from integers only.
    @Test(arguments: [
        (100_000, 13, 10, 130_000),  // 1.3 × a 1000.00 standard
        (123_457, 13, 10, 160_494),  // 160 494.1 → 160 494
        (100, 1, 3, 33),  // 33.33…
        (200, 1, 3, 67),  // 66.66… → 67
        (5, 1, 2, 3),  // 2.5 → 3
        (-5, 1, 2, -3),  // −2.5 → −3 (away from zero)
        (5, -1, 2, -3),
        (5, 1, -2, -3),
        (-5, -1, 2, 3),
        (-5, 1, -2, 3),
        (3, 1, 2, 2),  // 1.5 → 2
        (1, 1, 3, 0),  // 0.33 → 0
        (1, 1, 2, 1),  // 0.5 → 1
        (-1, 1, 2, -1),
        (-1, 1, 3, 0),  // −0.33 → 0, not −0
        (0, 7, 9, 0),
        (1_999, 0, 5, 0),
        (350_000, 1, 1, 350_000),
        (100, 7, 7, 100),
        (2_500_000, 2, 3, 1_666_667),  // 2/3 of 25 000.00
        (1_001, 1, 2000, 1),  // 0.5005 → 1
        (999, 1, 2000, 0),  // 0.4995 → 0
    ])
    func scaled(fen: Int, numerator: Int, denominator: Int, expected: Int) {
        #expect(Fen(fen).scaled(numerator: numerator, denominator: denominator) == Fen(expected))
    }

    @Test func scaledFormsTheProductWithoutIntermediateOverflow() {
        #expect(Fen(Int.max).scaled(numerator: 3, denominator: 3) == Fen(Int.max))
        #expect(Fen(Int.max).scaled(numerator: Int.max, denominator: Int.max) == Fen(Int.max))
        #expect(Fen(Int.min).scaled(numerator: 1, denominator: 1) == Fen(Int.min))
        #expect(Fen(Int.max / 2).scaled(numerator: 2, denominator: 1) == Fen(Int.max - 1))
        #expect(Fen(Int.min).scaled(numerator: 1, denominator: 2) == Fen(Int.min / 2))
        #expect(Fen(Int.max).scaled(numerator: 1, denominator: 2) == Fen(Int.max / 2 + 1))  // ….5 → up
    }

    @Test func scaledTrapsOnZeroDenominator() async {
        await #expect(processExitsWith: .failure) {
            _ = Fen(100).scaled(numerator: 1, denominator: 0)
        }
    }

    @Test func scaledTrapsOnOverflow() async {
        await #expect(processExitsWith: .failure) {
            _ = Fen(Int.max).scaled(numerator: 2, denominator: 1)
        }
        await #expect(processExitsWith: .failure) {
            _ = Fen(Int.min).scaled(numerator: -1, denominator: 1)
        }
    }

    @Test func codableAsBareIntegerOfFen() throws {
        let data = try JSONEncoder().encode([Fen(123_456), Fen(-5)])
        #expect(String(decoding: data, as: UTF8.self) == "[123456,-5]")
        #expect(try JSONDecoder().decode([Fen].self, from: Data("[1,-2,0]".utf8)) == [Fen(1), Fen(-2), .zero])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Fen].self, from: Data("[\"1.00\"]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Fen].self, from: Data("[1.5]".utf8)) }

        struct Payment: Codable, Equatable { var amount: Fen }
        let payment = Payment(amount: .yuan(1_200))
        let encoded = try JSONEncoder().encode(payment)
        #expect(String(decoding: encoded, as: UTF8.self) == #"{"amount":120000}"#)
        #expect(try JSONDecoder().decode(Payment.self, from: encoded) == payment)
    }

    @Test func hashable() {
        #expect(Set([Fen(1), Fen(1), Fen.yuan(1), Fen(100)]).count == 2)
    }
}
