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

/// proposals-bench: durable write throughput through the proposals handler (register →
/// assign → reply, each a committed transaction with its audit row) and the annual report's time
/// over a generated year of items. Run in release: swift run -c release proposals-bench
@main
struct ProposalsBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments
        func value(_ flag: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let n = Int(arguments[i + 1]) else { return fallback }
            return n
        }
        let workflowItems = value("--workflow-items", 2000)
        let reportItems = value("--report-items", 1_000_000)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("civic-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try CivicDatabase.open(path: folder.appendingPathComponent("proposals.sqlite").path, migrations: ProposalsSchema.migrations)
        let store = ProposalStore(database: database)
        print("proposals-bench: SQLite WAL, synchronous=FULL; \(ProcessInfo.processInfo.activeProcessorCount) cores")

        // 0. The floor: a durable commit of one small row, what any write here costs at least.
        try await database.write { db in try db.execute(sql: "CREATE TABLE bench_floor (n INTEGER)") }
        var start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<workflowItems {
            try await database.write { db in try db.execute(sql: "INSERT INTO bench_floor VALUES (?)", arguments: [i]) }
        }
        report("floor", count: workflowItems, since: start)

        // 1. Durable workflow writes through the handler the RPC calls (validation, the
        // state machine, deadlines on the calendar, audit, report counts), one at a time.
        let handler = ProposalsHandler(store: store)
        let context = RPCContext(
            method: "", metadata: [MetadataKey.principal: Principal(id: "bench", roles: [.staff], services: ["proposals"]).encoded],
            deadline: nil, logger: Logger(label: "bench"))
        var ids: [String] = []
        start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<workflowItems {
            let request = Civic_Proposals_V1_RegisterItemRequest.with {
                $0.kind = .npcSuggestion; $0.year = 2026; $0.number = "B-\(i)"; $0.title = "关于养老服务的建议 \(i)"; $0.topic = "elderly_care"
                $0.proposers = [
                    .with {
                        $0.name = "代表\(i)"; $0.lead = true; $0.contact = "1380000\(String(format: "%04d", i % 10_000))"
                    }
                ]
            }
            ids.append(try await handler.registerItem(request, context: context).item.id)
        }
        report("register", count: workflowItems, since: start)
        start = DispatchTime.now().uptimeNanoseconds
        for id in ids {
            _ = try await handler.assignItem(
                .with {
                    $0.id = id; $0.role = .leadSole; $0.on = "2026-03-10"
                    $0.units = [
                        .with {
                            $0.unit = "养老服务科"; $0.role = .leadSole
                        },
                        .with {
                            $0.unit = "社会救助科"; $0.role = .coHandling
                        },
                    ]
                }, context: context)
        }
        report("assign", count: workflowItems, since: start)
        for id in ids {
            _ = try await handler.recordContact(
                .with {
                    $0.id = id; $0.stage = .beforeHandling; $0.faceToFace = true; $0.summary = "走访"; $0.on = "2026-03-12"
                }, context: context)
            _ = try await handler.recordUnitOpinion(
                .with {
                    $0.id = id; $0.unit = "社会救助科"; $0.opinion = "同意"; $0.on = "2026-04-01"
                }, context: context)
            _ = try await handler.draftReply(
                .with {
                    $0.id = id; $0.text = "答复"
                }, context: context)
            _ = try await handler.signBySection(.with { $0.id = id }, context: context)
            _ = try await handler.signOff(.with { $0.id = id }, context: context)
            _ = try await handler.reportItem(
                .with {
                    $0.id = id; $0.on = "2026-05-18"
                }, context: context)
        }
        start = DispatchTime.now().uptimeNanoseconds
        for id in ids {
            _ = try await handler.replyItem(
                .with {
                    $0.id = id; $0.result = .resultA; $0.adoption = .fullyAdopted; $0.on = "2026-05-20"
                }, context: context)
        }
        report("reply", count: workflowItems, since: start)

        // 2. The annual report over a generated year.
        // The report compares with the year before: 2020 gets as many items.
        start = DispatchTime.now().uptimeNanoseconds
        try await generate(reportItems, year: 2021, in: database)
        try await generate(reportItems, year: 2020, in: database)
        print(String(format: "generated %d items each for 2020 and 2021 in %.1f s", reportItems, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        var times: [Double] = []
        var last: AnnualReport?
        for _ in 0..<7 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            last = try await store.annualReport(year: 2021, asOf: CivilDate("2022-01-10")!)  // as GetAnnualReport: 2021 against 2020, overdue items counted
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        times.sort()
        print(String(format: "annual report over %d items: min %.1f ms, median %.1f ms, max %.1f ms (7 runs)", last?.total ?? 0, times[0], times[3], times[6]))
        if let last {
            print(
                "  check: lead \(last.byRole[.lead]!.count) (\(last.byRole[.lead]!.percent)%), co-handling \(last.byRole[.coHandling]!.count), reference \(last.byRole[.reference]!.count), overdue unanswered \(last.overdueUnanswered), previous year \(last.previousTotal ?? 0)"
            )
        }
    }

    static func report(_ name: String, count: Int, since start: UInt64) {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(
            String(
                format: "%-9@ %6d durable commits in %.2f s = %.0f/s (%.2f ms each)", name, count, seconds, Double(count) / seconds,
                seconds * 1000 / Double(count)))
    }

    /// Items with a realistic spread of kinds, roles, topics, states and ratings.
    static func generate(_ n: Int, year: Int, in database: DatabasePool) async throws {
        let topics = Array(TopicCatalog.standard.codes.keys).sorted()
        try await database.write { db in
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO items (id, kind, year, session, number, title, body, topic, key_supervised, state, registered_at, registered_by,
                                       role, answered_on_time, met_face_to_face, result, adoption, satisfaction, answer_due)
                    VALUES (?, ?, ?, '', ?, '建议', '', ?, ?, ?, '2021-03-01T00:00:00.000Z', 'bench', ?, ?, ?, ?, ?, ?, ?)
                    """)
            var random = SystemRandomNumberGenerator()
            for i in 0..<n {
                let r = Int(random.next() % 1000)
                let role = r < 353 ? (r < 300 ? "lead_sole" : "lead_split") : (r < 842 ? "co_handling" : "reference")
                let lead = role.hasPrefix("lead")
                let state = role == "reference" ? "acknowledged" : (lead ? (r % 10 == 0 ? "handling" : "replied") : "reported")
                let answered = state == "replied" || state == "reported"
                try statement.execute(arguments: [
                    "g\(year)-\(i)", r % 5 < 3 ? "npc_suggestion" : "cppcc_proposal", year, "G-\(i)", topics[i % topics.count], r % 97 == 0, state,
                    role, answered && r % 50 != 0, answered && r % 20 != 0,
                    lead && answered ? ["A", "B", "C"][r % 3] : nil, lead && answered ? ["full", "partial", "none"][r % 3] : nil,
                    answered && r % 4 != 0 ? ["satisfied", "basically_satisfied", "dissatisfied"][r % 3] : nil,
                    role == "reference" ? nil : "\(year)-06-10",
                ])
            }
        }
    }
}
