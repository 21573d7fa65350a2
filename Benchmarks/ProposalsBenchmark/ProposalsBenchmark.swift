import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import ProposalsService

/// proposals-bench: the proposals store's durable write throughput (register → assign →
/// reply, each a committed transaction with its audit row) and the annual report's time
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
        let actor = ProposalStore.Actor(id: "bench")
        print("proposals-bench: SQLite WAL, synchronous=FULL; \(ProcessInfo.processInfo.activeProcessorCount) cores")

        // 1. Durable workflow writes.
        var ids: [String] = []
        var start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<workflowItems {
            let registration = ItemRegistration(
                kind: .npcSuggestion, year: 2026, number: "B-\(i)", title: "关于养老服务的建议 \(i)",
                proposers: [Proposer(name: "代表\(i)", lead: true)], topic: "elderly_care")
            ids.append(try await store.register(registration, by: actor).id)
        }
        report("register", count: workflowItems, since: start)
        let assignedOn = CivilDate("2026-03-10")!
        start = DispatchTime.now().uptimeNanoseconds
        for id in ids {
            _ = try await store.apply(.assign(role: .leadSole), to: id, by: actor) { item, _ in
                item.role = .leadSole
                item.assignedOn = assignedOn
                item.answerDue = CivilDate("2026-06-10")
            }
        }
        report("assign", count: workflowItems, since: start)
        for id in ids {
            for event: ItemEvent in [.startHandling, .draft, .signBySection, .signOff, .report] {
                _ = try await store.apply(event, to: id, by: actor) { item, _ in if event == .draft { item.draftText = "答复" } }
            }
        }
        start = DispatchTime.now().uptimeNanoseconds
        for id in ids {
            _ = try await store.apply(.reply, to: id, by: actor) { item, _ in
                item.result = .a
                item.adoption = .full
                item.replyText = item.draftText
                item.repliedOn = CivilDate("2026-05-20")
                item.answeredOnTime = true
            }
        }
        report("reply", count: workflowItems, since: start)

        // 2. The annual report over a generated year.
        start = DispatchTime.now().uptimeNanoseconds
        try await generate(reportItems, year: 2021, in: database)
        print(String(format: "generated %d items for 2021 in %.1f s", reportItems, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
        var times: [Double] = []
        var last: AnnualReport?
        for _ in 0..<7 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            last = try await store.annualReport(year: 2021, asOf: CivilDate("2022-01-10")!)  // as GetAnnualReport: 2021 against 2020
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        times.sort()
        print(String(format: "annual report over %d items: min %.1f ms, median %.1f ms, max %.1f ms (7 runs)", last?.total ?? 0, times[0], times[3], times[6]))
        if let last {
            print("  check: lead \(last.byRole[.lead]!.count) (\(last.byRole[.lead]!.percent)%), co-handling \(last.byRole[.coHandling]!.count), reference \(last.byRole[.reference]!.count)")
        }
    }

    static func report(_ name: String, count: Int, since start: UInt64) {
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "%-9@ %6d durable commits in %.2f s = %.0f/s (%.2f ms each)", name, count, seconds, Double(count) / seconds, seconds * 1000 / Double(count)))
    }

    /// Items with a realistic spread of kinds, roles, topics, states and ratings.
    static func generate(_ n: Int, year: Int, in database: DatabasePool) async throws {
        let topics = Array(TopicCatalog.standard.codes.keys).sorted()
        try await database.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT INTO items (id, kind, year, session, number, title, body, topic, key_supervised, state, registered_at, registered_by,
                                   role, answered_on_time, met_face_to_face, result, adoption, satisfaction)
                VALUES (?, ?, ?, '', ?, '建议', '', ?, ?, ?, '2021-03-01T00:00:00.000Z', 'bench', ?, ?, ?, ?, ?, ?)
                """)
            var random = SystemRandomNumberGenerator()
            for i in 0..<n {
                let r = Int(random.next() % 1000)
                let role = r < 353 ? (r < 300 ? "lead_sole" : "lead_split") : (r < 842 ? "co_handling" : "reference")
                let lead = role.hasPrefix("lead")
                let state = role == "reference" ? "acknowledged" : (lead ? (r % 10 == 0 ? "handling" : "replied") : "reported")
                let answered = state == "replied" || state == "reported"
                try statement.execute(arguments: [
                    "g\(i)", r % 5 < 3 ? "npc_suggestion" : "cppcc_proposal", year, "G-\(i)", topics[i % topics.count], r % 97 == 0, state,
                    role, answered && r % 50 != 0, answered && r % 20 != 0,
                    lead && answered ? ["A", "B", "C"][r % 3] : nil, lead && answered ? ["full", "partial", "none"][r % 3] : nil,
                    answered && r % 4 != 0 ? ["satisfied", "basically_satisfied", "dissatisfied"][r % 3] : nil,
                ])
            }
        }
    }
}
