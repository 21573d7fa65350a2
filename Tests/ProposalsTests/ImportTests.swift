import CivicDomain
import CivicRPC
import ProposalsDomain
import ProposalsService
import Testing

@Suite("Bulk import")
struct ImportTests {
    let header = "kind,year,session,number,title,topic,key_supervised,lead_name,lead_delegation,lead_contact,lead_member_id,co_signers,body"

    func problems(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as ValidationErrors {
            return error.details.map(\.description)
        } catch let error as DomainError {
            return [error.message]
        } catch let error as RPCError {
            return [error.message]
        } catch {
            return ["\(error)"]
        }
    }

    @Test func csvWithQuotesChineseNamesAndCoSigners() throws {
        let csv = #"""
            \#(header)
            代表建议,2021,十五届五次,第21-001号,"关于加强养老服务的建议, 第二稿",elderly_care,是,李四,嘉定代表团,138,NPC-0042,王五;赵六,"正文
            第二段，含""引号"""
            cppcc_proposal,2021,,第0021号,关于慈善事业的提案,charity,,钱七,社会福利界,,,,

            """#
        let lines = try ItemImport.csv(csv, validator: ItemValidator())
        #expect(lines.count == 2)
        let first = lines[0].registration
        #expect(lines[0].number == 2)
        #expect(first.kind == .npcSuggestion)
        #expect(first.title == "关于加强养老服务的建议, 第二稿")
        #expect(first.keySupervised)
        #expect(first.proposers.map(\.name) == ["李四", "王五", "赵六"])
        #expect(first.proposers.first?.memberID == "NPC-0042")
        #expect(first.body == "正文\n第二段，含\"引号\"")
        #expect(lines[1].number == 4)  // the quoted body spanned two lines
        #expect(lines[1].registration.kind == .cppccProposal)
    }

    @Test func everyBadLineIsReportedAndNothingPasses() {
        let csv = """
            \(header)
            代表建议,2021,,第21-001号,标题,elderly_care,,李四,,,,,
            someone,20x1,,,,weather,maybe,,,,,,
            代表建议,2021,,第21-001号,重复,elderly_care,,王五,,,,,
            """
        let found = problems { _ = try ItemImport.csv(csv, validator: ItemValidator()) }
        #expect(found.contains("line 3: kind \"someone\" is neither npc_suggestion (代表建议) nor cppcc_proposal (政协提案)"))
        #expect(found.contains("line 3: year \"20x1\" is not a number"))
        #expect(found.contains("line 3: key_supervised \"maybe\" is not true/false (是/否)"))
        #expect(found.contains("line 3: title is required"))
        #expect(found.contains { $0.hasPrefix("line 3: unknown topic") })
        #expect(found.contains("line 4: number 第21-001号 repeats line 2"))
        #expect(!found.contains { $0.hasPrefix("line 2") })
    }

    @Test func headerProblems() {
        #expect(
            problems { _ = try ItemImport.csv("kind,year,number,title,topic,colour\n", validator: ItemValidator()) } == [
                "line 1: unknown column \"colour\"; known: \(ItemImport.columns.joined(separator: ", "))",
                "line 1: the header lacks the column \"lead_name\"",
            ])
        #expect(problems { _ = try ItemImport.csv("", validator: ItemValidator()) } == ["the file is empty"])
        #expect(problems { _ = try ItemImport.csv("\(header)\n\"open,2021", validator: ItemValidator()) } == ["line 2: a quoted field is not closed"])
        #expect(problems { _ = try ItemImport.csv("\(header)\n代表建议,2021\n", validator: ItemValidator()) } == ["line 2: 2 fields, the header has 13"])
    }
}
