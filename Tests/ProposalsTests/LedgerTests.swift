import CivicDomain
import Testing

@testable import ProposalsDomain
@testable import ProposalsService

@Suite("CSV fields written")
struct CSVFieldTests {
    @Test func quotedOnlyWhenNeededWithQuotesDoubled() throws {
        #expect(CSV.field("养老服务") == "养老服务")
        #expect(CSV.field("养老,助餐") == "\"养老,助餐\"")
        #expect(CSV.field("他说\"好\"") == "\"他说\"\"好\"\"\"")
        #expect(CSV.field("第一行\n第二行") == "\"第一行\n第二行\"")
        #expect(CSV.field("第一行\r\n第二行") == "\"第一行\r\n第二行\"")  // a Windows line break is one Character
        // What the import reads back is what was written.
        let written = ["a,b", "引号\"", "行\n行", "plain"].map { CSV.field($0) }.joined(separator: ",")
        #expect(try CSV.parse(written).first?.fields == ["a,b", "引号\"", "行\n行", "plain"])
    }

    @Test func textThatASpreadsheetWouldRunIsDefused() {
        for formula in ["=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            #expect(CSV.field(formula, text: true).hasPrefix("'") || CSV.field(formula, text: true).hasPrefix("\"'"), "\(formula)")
        }
        #expect(CSV.field("=1+1", text: true) == "'=1+1")
        #expect(CSV.field("-1", text: false) == "-1")  // numbers and dates the system writes stay as they are
        #expect(CSV.field("关于=的建议", text: true) == "关于=的建议")
    }
}
