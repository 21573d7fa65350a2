import CivicDomain
import CivicProtos
import CivicRPC
import Foundation
import Logging
import Testing

@testable import ProposalsDomain
@testable import ProposalsService

/// A deadline in a year without the State Council's notice is provisional, and every
/// answer that shows it says so (Item.provisional_deadlines, UnitAssignment and UrgedItem).
@Suite("Provisional deadlines are marked")
struct ProvisionalDeadlineTests {
    let context = RPCContext(method: "", metadata: [:], deadline: nil, logger: Logger(label: "test"))
    let today: @Sendable () -> CivilDate = { CivilDate("2027-02-24")! }

    func assignedItem(_ handler: ProposalsHandler) async throws -> Civic_Proposals_V1_Item {
        var request = Civic_Proposals_V1_RegisterItemRequest()
        request.kind = .npcSuggestion; request.year = 2026; request.number = "第26-950号"; request.title = "t"; request.topic = "elderly_care"
        request.proposers = [
            .with {
                $0.name = "李四"; $0.lead = true
            }
        ]
        let id = try await handler.registerItem(request, context: context).item.id
        // Assigned Mon 2026-11-30: the reply is due 2027-03-01 (three months), the return
        // window ends 2026-12-09 (seven working days), the co-handling unit's opinion is due
        // 2026-12-30.
        return try await handler.assignItem(
            .with {
                $0.id = id; $0.role = .leadSole; $0.on = "2026-11-30"
                $0.units = [
                    .with {
                        $0.unit = "养老服务科"; $0.role = .leadSole
                    },
                    .with {
                        $0.unit = "社会救助科"; $0.role = .coHandling
                    },
                ]
            }, context: context
        ).item
    }

    @Test func deadlinesInAProvisionalYearAreMarkedInEveryAnswer() async throws {
        let store = try makeStore()
        let handler = ProposalsHandler(store: store, calendar: .standard, today: today)
        let item = try await assignedItem(handler)
        #expect(item.answerDue == "2027-03-01" && item.returnWindowEnds == "2026-12-09")
        #expect(item.provisionalDeadlines == ["answer_due"])
        #expect(item.units.map(\.opinionDue) == ["", "2026-12-30"])
        #expect(item.units.map(\.opinionDueProvisional) == [false, false])
        #expect(try await handler.getItem(.with { $0.id = item.id }, context: context).item.provisionalDeadlines == ["answer_due"])
        #expect(try await handler.listItems(.init(), context: context).items.map(\.provisionalDeadlines) == [["answer_due"]])
        // On 2027-02-24 the opinion (due 2026-12-30, a 2026 date) is overdue and the reply
        // (due 2027-03-01) due soon: the urging list marks the second only.
        let due = try await handler.listDueItems(.with { $0.today = "2027-02-24" }, context: context).items
        #expect(due.map { "\($0.deadline) \($0.due) \($0.dueProvisional)" } == ["unit_opinion 2026-12-30 false", "reply 2027-03-01 true"])
        // The ledger names it in its last column, 暂定期限.
        let ledger = try await handler.exportItems(.init(), context: context).csv.split(separator: "\n").map(String.init)
        #expect(ledger.first?.hasSuffix(",公开期限,公开日期,暂定期限") == true)
        #expect(ledger[1].hasSuffix(",2027-03-01,0,,,,,,,,答复期限"))
    }

    @Test func nothingIsProvisionalOnceTheNoticeIsLoaded() async throws {
        let store = try makeStore()
        let loaded = try WorkingCalendar.standard.loading([test2027])
        let handler = ProposalsHandler(store: store, calendar: loaded, today: today)
        let item = try await assignedItem(handler)
        #expect(item.provisionalDeadlines == [])
        #expect(item.units.map(\.opinionDueProvisional) == [false, false])
    }

    @Test func theRuleLooksAtTheYearEachDeadlineFallsIn() {
        var item = Item(
            id: "i", kind: .npcSuggestion, year: 2026, session: "", number: "1", title: "t", body: "", proposers: [], topic: "x",
            keySupervised: false, state: .replied, registeredAt: "", registeredBy: "")
        item.answerDue = CivilDate("2026-12-31")
        item.returnWindowEnds = CivilDate("2026-06-01")
        item.publicationDue = CivilDate("2027-01-04")
        #expect(item.provisionalDeadlines(.standard) == ["publication_due"])
        #expect(UnitAssignment(unit: "u", role: .coHandling, opinionDue: CivilDate("2027-01-04")).opinionDueIsProvisional(.standard))
    }
}
