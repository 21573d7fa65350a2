import AssistanceDomain
import CivicDomain
import Foundation
import Testing

/// The stored form of registry records and snapshots: defaults left out, everything else kept.
@Suite("Stored records")
struct StoredRecordTests {
    static let head = try! ResidentID("431227196003150012")
    static let child = try! ResidentID("431227201503030053")

    static func roundTrip<T: Codable & Equatable>(_ value: T) throws -> (T, String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return (try JSONDecoder().decode(T.self, from: data), String(decoding: data, as: UTF8.self))
    }

    @Test func everyFieldSurvivesAndDefaultsAreLeftOut() throws {
        let full = Household(
            id: "H000009", division: Fixtures.county, area: .rural, hukouAddress: "芋头村", actualAddress: "县城", bankAccount: "6217000012345678",
            cardHeldByOfficial: true, custodyAgreementOnFile: true, unstableIncome: true, caseWorker: "陈静",
            members: [
                Member(
                    name: "张三", residentID: Self.head, relation: .head, counted: false, notCountedReason: .other, notCountedNote: "外出",
                    disability: DisabilityCard(category: .physical, grade: 2), disabilityCardNumber: "43122719600315001242", seriousIllness: true,
                    workAbility: .partial,
                    selfCare: SelfCareAssessment(eating: true, dressing: false, gettingInOutOfBed: true, toilet: true, walkingIndoors: false, bathing: true),
                    employment: "务农", deceasedOn: CivilDate("2026-08-15")),
                Member(name: "张小", residentID: Self.child, relation: .child),
            ],
            incomes: [
                IncomeLine(
                    member: Self.head, category: .business, monthly: Fen(50_000), period: "2026-01/06", source: .verified, excluded: true, excludedReason: "奖励"),
                IncomeLine(member: nil, category: .property, monthly: Fen(3_000)),
            ],
            assets: [Asset(member: Self.head, type: .vehicle, value: Fen(2_000_000), description: "三轮车", ruleApplied: "生产用车")])
        let (back, json) = try Self.roundTrip(full)
        #expect(back == full)
        // The child carries only what is not a default.
        #expect(json.contains(#"{"name":"张小","relation":"child","residentID":"431227201503030053"}"#))
        #expect(json.contains(#"{"category":"property","monthly":3000}"#))
    }

    @Test func aSnapshotStoresItsMonthsAsTextAndReadsTheOlderForm() throws {
        let snapshot = DecisionSnapshot(
            household: Household(
                division: Fixtures.county, area: .urban, hukouAddress: "城关镇", members: [Member(name: "王", residentID: Self.head, relation: .head)]),
            terms: EntitlementTerms(program: .minimumLiving), decidedOn: CivilDate("2026-07-22")!, effectiveFrom: Fixtures.month(2026, 8), amount: Fen(90_000),
            standardVersionID: "v")
        let (back, json) = try Self.roundTrip(snapshot)
        #expect(back == snapshot)
        #expect(json.contains(#""effectiveFrom":"2026-08""#))
        #expect(json.contains(#""terms":{"program":"minimum_living"}"#))
        let older = json.replacingOccurrences(of: #""effectiveFrom":"2026-08""#, with: #""effectiveFrom":{"month":8,"year":2026}"#)
        #expect(try JSONDecoder().decode(DecisionSnapshot.self, from: Data(older.utf8)).effectiveFrom == Fixtures.month(2026, 8))
    }
}
