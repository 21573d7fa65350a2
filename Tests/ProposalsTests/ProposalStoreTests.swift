import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging
import ProposalsDomain
import ProposalsService
import Testing

/// A proposals store over a migrated in-memory database.
func makeStore() throws -> ProposalStore {
    ProposalStore(database: try CivicDatabase.inMemory(migrations: ProposalsSchema.migrations))
}

let staff = ProposalStore.Actor(id: "staff:proposals-office", requestID: "req-1")

@Suite("Proposal store")
struct ProposalStoreTests {
    @Test func registeredItemIsStoredWithProposersAndAnAuditRow() async throws {
        let store = try makeStore()
        let item = try await store.register(validRegistration(), by: staff, now: Date(timeIntervalSince1970: 1_620_000_000))
        let read = try await store.item(id: item.id)
        #expect(read == item)
        #expect(read.state == .registered)
        #expect(read.registeredBy == "staff:proposals-office")
        #expect(read.registeredAt == "2021-05-03T00:00:00.000Z")
        #expect(read.proposers.map(\.name) == ["李四", "王五"])
        #expect(read.proposers.first?.contact == "13800000000")
        let trail = try await store.auditTrail(itemID: item.id)
        #expect(trail.map(\.action) == ["register"])
        #expect(trail.first?.actor == "staff:proposals-office")
        #expect(trail.first?.requestID == "req-1")
        #expect(trail.first?.detail == "2021 npc_suggestion 第21-168号")
    }

    @Test func numbersAreUniquePerYearAndKindAndADuplicateChangesNothing() async throws {
        let store = try makeStore()
        _ = try await store.register(validRegistration(), by: staff)
        await #expect(throws: DomainError.self) {
            _ = try await store.register(validRegistration(), by: staff)
        }
        do {
            _ = try await store.register(validRegistration(), by: staff)
        } catch let error as DomainError {
            #expect(error.rpcError.code == .alreadyExists)
        }
        // Same number as a CPPCC proposal, or in another year, is a different item.
        var proposal = validRegistration()
        proposal.kind = .cppccProposal
        _ = try await store.register(proposal, by: staff)
        var nextYear = validRegistration()
        nextYear.year = 2022
        _ = try await store.register(nextYear, by: staff)
        let page = try await store.list(.init(), pageSize: 50, pageToken: "")
        #expect(page.totalCount == 3)
        let audits = try await store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log") }
        #expect(audits == 3, "a refused duplicate leaves no audit row")
    }

    @Test func missingItemIsNotFound() async throws {
        let store = try makeStore()
        do {
            _ = try await store.item(id: "nope")
            Issue.record("expected NOT_FOUND")
        } catch let error as DomainError {
            #expect(error.rpcError.code == .notFound)
        }
    }

    @Test func listFiltersOrdersAndPages() async throws {
        let store = try makeStore()
        for (i, (year, kind, topic)) in [
            (2020, ItemKind.npcSuggestion, "elderly_care"), (2021, .npcSuggestion, "elderly_care"), (2021, .cppccProposal, "charity"),
            (2021, .npcSuggestion, "social_assistance"), (2021, .npcSuggestion, "elderly_care"),
        ].enumerated() {
            var r = validRegistration()
            r.year = year
            r.kind = kind
            r.topic = topic
            r.number = "第\(year % 100)-\(100 + i)号"
            _ = try await store.register(r, by: staff)
        }
        let all = try await store.list(.init(), pageSize: 50, pageToken: "")
        #expect(
            all.items.map { "\($0.year) \($0.kind.rawValue) \($0.number)" } == [
                "2021 cppcc_proposal 第21-102号", "2021 npc_suggestion 第21-101号", "2021 npc_suggestion 第21-103号",
                "2021 npc_suggestion 第21-104号", "2020 npc_suggestion 第20-100号",
            ])
        #expect(all.nextPageToken == "")

        let elderly2021 = try await store.list(.init(year: 2021, kind: .npcSuggestion, topic: "elderly_care"), pageSize: 50, pageToken: "")
        #expect(elderly2021.items.map(\.number) == ["第21-101号", "第21-104号"])
        #expect(elderly2021.totalCount == 2)

        let first = try await store.list(.init(year: 2021), pageSize: 3, pageToken: "")
        #expect(first.items.count == 3)
        #expect(first.totalCount == 4)
        let second = try await store.list(.init(year: 2021), pageSize: 3, pageToken: first.nextPageToken)
        #expect(second.items.map(\.number) == ["第21-104号"])
        #expect(second.nextPageToken == "")
    }
}

@Suite("Proposals handler")
struct ProposalsHandlerTests {
    let context = RPCContext(
        method: "",
        metadata: [MetadataKey.principal: Principal(id: "k_staff1", roles: [.staff], services: ["proposals"]).encoded, MetadataKey.requestID: "r-9"],
        deadline: nil, logger: Logger(label: "test"))

    func request() -> Civic_Proposals_V1_RegisterItemRequest {
        var request = Civic_Proposals_V1_RegisterItemRequest()
        request.kind = .cppccProposal
        request.year = 2021
        request.number = "第0283号"
        request.title = "关于完善社会救助体系的提案"
        request.topic = "social_assistance"
        var lead = Civic_Proposals_V1_Proposer()
        lead.name = "赵六"
        lead.lead = true
        lead.delegation = "社会福利和社会保障界"
        request.proposers = [lead]
        return request
    }

    @Test func registerTranslatesBothWaysAndRecordsThePrincipal() async throws {
        let handler = ProposalsHandler(store: try makeStore())
        let response = try await handler.registerItem(request(), context: context)
        #expect(response.item.kind == .cppccProposal)
        #expect(response.item.state == .registered)
        #expect(response.item.registeredBy == "k_staff1")
        #expect(response.item.proposers.first?.delegation == "社会福利和社会保障界")
        let fetched = try await handler.getItem(.with { $0.id = response.item.id }, context: context)
        #expect(fetched.item == response.item)
    }

    @Test func invalidRequestsChangeNothing() async throws {
        let store = try makeStore()
        let handler = ProposalsHandler(store: store)
        var bad = request()
        bad.kind = .unspecified
        bad.topic = "nope"
        do {
            _ = try await handler.registerItem(bad, context: context)
            Issue.record("expected INVALID_ARGUMENT")
        } catch let error as ValidationErrors {
            #expect(error.rpcError.code == .invalidArgument)
            #expect(error.details.map(\.field) == ["kind", "topic"])
        }
        #expect(try await store.list(.init(), pageSize: 10, pageToken: "").totalCount == 0)
    }

    @Test func listValidatesFiltersAndPageTokens() async throws {
        let handler = ProposalsHandler(store: try makeStore())
        _ = try await handler.registerItem(request(), context: context)
        var list = Civic_Proposals_V1_ListItemsRequest()
        list.topic = "weather"
        do {
            _ = try await handler.listItems(list, context: context)
            Issue.record("expected INVALID_ARGUMENT")
        } catch let error as any RPCErrorConvertible {
            #expect(error.rpcError.code == .invalidArgument)
        }
        list.topic = ""
        list.page.pageToken = "garbage"
        do {
            _ = try await handler.listItems(list, context: context)
            Issue.record("expected INVALID_ARGUMENT")
        } catch let error as any RPCErrorConvertible {
            #expect(error.rpcError.code == .invalidArgument)
        }
        list.page.pageToken = ""
        list.kind = .cppccProposal
        let page = try await handler.listItems(list, context: context)
        #expect(page.items.count == 1)
        #expect(page.page.totalCount == 1)
    }
}

@Suite("Report counts")
struct ReportCountsTests {
    /// The triggers' counts always equal a fresh GROUP BY over the items.
    @Test func countsFollowEveryChange() async throws {
        let store = try makeStore()
        var ids: [String] = []
        for i in 0..<6 {
            var r = validRegistration()
            r.number = "第21-\(i)号"
            r.topic = i % 2 == 0 ? "elderly_care" : "charity"
            ids.append(try await store.register(r, by: staff).id)
        }
        for (i, id) in ids.enumerated() where i < 4 {
            _ = try await store.apply(.assign(role: i < 2 ? .leadSole : .coHandling), to: id, by: staff) { item in
                item.role = i < 2 ? .leadSole : .coHandling
                return []
            }
        }
        _ = try await store.apply(.startHandling, to: ids[0], by: staff) { item in
            item.metFaceToFace = true; return []
        }
        // One reply published, then its publication date corrected to after the limit:
        // the item moves from the on-time count to the late one.
        for event: ItemEvent in [.startHandling, .draft, .signBySection, .signOff, .report] { _ = try await store.apply(event, to: ids[1], by: staff) }
        _ = try await store.apply(.reply, to: ids[1], by: staff) { item in
            item.publicationDue = CivilDate("2021-06-17"); return []
        }
        _ = try await store.apply(.publish, to: ids[1], by: staff) { item in
            item.publishedOn = CivilDate("2021-06-10"); return []
        }
        let published = ids[1]
        try await store.database.write { db in try db.execute(sql: "UPDATE items SET published_on = '2021-06-18' WHERE id = ?", arguments: [published]) }
        let removed = ids[5]
        try await store.database.write { db in try db.execute(sql: "DELETE FROM items WHERE id = ?", arguments: [removed]) }

        let (kept, fresh) = try await store.database.read { db in
            let key =
                "year, kind, coalesce(role,''), topic, key_supervised, state, answered_on_time, met_face_to_face, coalesce(result,''), coalesce(adoption,''), coalesce(satisfaction,''), coalesce(published_on <= publication_due, 0)"
            let columns =
                "year, kind, role, topic, key_supervised, state, answered_on_time, met_face_to_face, result, adoption, satisfaction, published_on_time"
            let kept = try Row.fetchAll(db, sql: "SELECT \(columns), n FROM report_counts WHERE n > 0 ORDER BY 1,2,3,4,5,6,7,8,9,10,11,12")
                .map { Array($0.databaseValues) }
            let fresh = try Row.fetchAll(db, sql: "SELECT \(key), COUNT(*) FROM items GROUP BY 1,2,3,4,5,6,7,8,9,10,11,12 ORDER BY 1,2,3,4,5,6,7,8,9,10,11,12")
                .map { Array($0.databaseValues) }
            #expect(try Int.fetchOne(db, sql: "SELECT sum(n) FROM report_counts WHERE published_on_time = 1") == 0)
            return (kept, fresh)
        }
        #expect(kept == fresh)
        #expect(kept.count == 5)
        let groups = try await store.reportGroups(year: 2021)
        #expect(groups.reduce(0) { $0 + $1.count } == 5)
        #expect(groups.first { $0.metFaceToFace }?.role == .leadSole)
        #expect(try await store.annualReport(year: 2021, asOf: CivilDate("2021-12-31")!).total == 5)
    }
}

@Suite("Overdue count")
struct OverdueCountTests {
    /// The partial index's condition names exactly the states ItemWorkflow calls open (plus
    /// a reported lead item), and the report's count reads that index, not the items.
    @Test func theAwaitingAnswerConditionMatchesTheWorkflowAndItsIndexIsUsed() async throws {
        let named = Set(ProposalsSchema.awaitingAnswer.matches(of: /'([a-z_]+)'/).map { String($0.output.1) })
        #expect(named == Set(ItemWorkflow.open.map(\.rawValue) + ["reported", "lead_sole", "lead_split"]))
        let store = try makeStore()
        let plan = try await store.database.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN SELECT COUNT(*) FROM items WHERE year = 2021 AND answer_due < '2022-01-01' AND \(ProposalsSchema.awaitingAnswer)"
            )
            .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("COVERING INDEX items_awaiting_answer") }, "\(plan)")
    }
}

@Suite("Report groups from the store")
struct ReportGroupTests {
    @Test func returnedItemsStayOutsideTheTotalAndOverdueItemsCountAgainstOnTime() async throws {
        let store = try makeStore()
        func item(_ number: String, role: HandlingRole) async throws -> String {
            var r = validRegistration()
            r.number = number
            let id = try await store.register(r, by: staff).id
            _ = try await store.apply(.assign(role: role), to: id, by: staff) { item in
                item.role = role
                item.assignedOn = CivilDate("2021-03-01")
                item.answerDue = role == .reference ? nil : CivilDate("2021-06-01")  // as ReplyDeadlines gives them
                return []
            }
            return id
        }
        let returned = try await item("R-1", role: .leadSole)
        _ = try await store.apply(.returnItem, to: returned, by: staff)
        let lead = try await item("R-2", role: .leadSole)
        let co = try await item("R-3", role: .coHandling)
        _ = try await item("R-4", role: .reference)  // owes nothing, never overdue
        for id in [lead, co] {
            for event: ItemEvent in [.startHandling, .draft, .signBySection, .signOff] {
                _ = try await store.apply(event, to: id, by: staff)
            }
            _ = try await store.apply(.report, to: id, by: staff) { item in
                if item.role == .coHandling {  // the opinion, on time
                    item.repliedOn = CivilDate("2021-05-20")
                    item.answeredOnTime = true
                }
                return []
            }
        }
        // Before the deadline: the lead item reported upward is handled, not yet answered.
        let may = try await store.annualReport(year: 2021, asOf: CivilDate("2021-05-31")!)
        #expect(may.total == 3)  // the returned one is not the bureau's
        #expect(may.returned == 1)
        #expect(may.byRole[.lead]?.count == 1)
        #expect(may.unassigned == 0)
        #expect(may.keySupervised == 3 && may.keySupervisedUnits == 3)  // every item here is flagged; the returned one counts in neither
        #expect(may.answered == .init(numerator: 1, denominator: 2))  // the co-handling opinion only
        #expect(may.overdueUnanswered == 0)
        #expect(may.onTime == .init(numerator: 1, denominator: 1))
        // After it: the unanswered lead item is overdue and counts against the on-time rate.
        let july = try await store.annualReport(year: 2021, asOf: CivilDate("2021-07-01")!)
        #expect(july.overdueUnanswered == 1)
        #expect(july.onTime == .init(numerator: 1, denominator: 2))
        // Replied late: answered, not on time, no longer overdue.
        _ = try await store.apply(.reply, to: lead, by: staff) { item in
            item.result = .a
            item.adoption = .full
            item.repliedOn = CivilDate("2021-07-05")
            item.answeredOnTime = false
            return []
        }
        let after = try await store.annualReport(year: 2021, asOf: CivilDate("2021-07-10")!)
        #expect(after.answered == .init(numerator: 2, denominator: 2))
        #expect(after.overdueUnanswered == 0)
        #expect(after.onTime == .init(numerator: 1, denominator: 2))
        // A new item not yet assigned is in the total, in no role column.
        var fresh = validRegistration()
        fresh.number = "R-5"
        _ = try await store.register(fresh, by: staff)
        let last = try await store.annualReport(year: 2021, asOf: CivilDate("2021-07-10")!)
        #expect(last.total == 4 && last.unassigned == 1 && last.returned == 1)
    }
}
