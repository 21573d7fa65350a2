import CivicDomain
import EnforcementDomain
import Testing

@Suite("The simple procedure (简易程序, 行政处罚法 §51, §68)")
struct SimpleProcedureTests {
    @Test func limitsByParty() throws {
        try SimpleProcedure.check(penalties: [.warning], fine: Fen(0), party: .citizen)
        try SimpleProcedure.check(penalties: [.fine], fine: .yuan(200), party: .citizen)
        try SimpleProcedure.check(penalties: [.warning, .fine], fine: .yuan(3_000), party: .organization)
        #expect(Samples.reasons { try SimpleProcedure.check(penalties: [.fine], fine: Fen(20_001), party: .citizen) } == ["fine ABOVE_LIMIT"])
        #expect(
            Samples.reasons { try SimpleProcedure.check(penalties: [.fine, .confiscation], fine: .yuan(3_001), party: .organization) } == [
                "penalties NOT_SIMPLE", "fine ABOVE_LIMIT",
            ])
        #expect(SimpleProcedure.mayCollectOnTheSpot(.yuan(100)))
        #expect(!SimpleProcedure.mayCollectOnTheSpot(Fen(10_001)))
        #expect(!SimpleProcedure.mayCollectOnTheSpot(Fen(0)))
    }
}
