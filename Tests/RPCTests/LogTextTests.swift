import CivicRPC
import Testing

@Suite("Caller-supplied text in log lines")
struct LogTextTests {
    @Test func plainTextPassesAsItIs() {
        #expect(LogText.escaped("/civic.proposals.v1.ProposalService/GetItem") == "/civic.proposals.v1.ProposalService/GetItem")
        #expect(LogText.escaped("民政局 2026") == "民政局 2026")
    }

    @Test func nothingCanBreakALineOrForgeAField() {
        #expect(LogText.escaped("/x\n2026-12-03 warning forged") == "/x\\n2026-12-03 warning forged")
        #expect(LogText.escaped("a\r\tb\u{1b}[31m\u{7f}") == "a\\r\\tb\\u{1b}[31m\\u{7f}")
        #expect(LogText.escaped("say \"hi\" \\ bye") == "say \\\"hi\\\" \\\\ bye")
        #expect(LogText.escaped("line\u{2028}sep") == "line\\u{2028}sep")
    }

    @Test func aLongValueIsCutWithItsSize() {
        let long = String(repeating: "m", count: 4 * 1024 * 1024)
        let logged = LogText.escaped(long)
        #expect(logged == String(repeating: "m", count: 200) + "…(4194304 bytes)")
        // Cut on a whole character, never inside one.
        #expect(LogText.escaped(String(repeating: "局", count: 100), maxLength: 10) == "局局局…(300 bytes)")
    }

    @Test func aRequestIDIsKeptOnlyWhenPlain() {
        #expect(LogText.requestID("gw-3f2a91c0-17") == "gw-3f2a91c0-17")
        #expect(LogText.requestID("r\ncivic-principal=admin") == "r\\ncivic-principal=admin")
        #expect(LogText.requestID(String(repeating: "a", count: 129)) == String(repeating: "a", count: 128) + "…(129 bytes)")
    }
}
