import CivicDomain
import Foundation
import Testing

/// `civic demo` (docs/FLOWS.md §6) against the whole suite: the real `civic` executable through
/// the gateway, twice (a second run makes its own people and institution).
@Suite("civic demo", .serialized)
struct DemoTests {
    static let checklist: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/eldercare/checklist-sample.json").path
    }()

    /// Runs `civic demo` to its end and answers its exit code and what it printed.
    static func demo(_ suite: RunningSuite) async throws -> (code: Int32, output: String) {
        let process = Process()
        process.executableURL = ProcessTests.binDirectory.appendingPathComponent("civic")
        process.arguments = [
            "demo", "--gateway", "127.0.0.1:\(suite.gateway.framesPort)", "--token", RunningSuite.adminToken, "--checklist", Self.checklist,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // Read while it runs: a full pipe would stop it.
        let reader = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }
        let giveUp = Date().addingTimeInterval(120)
        while process.isRunning && Date() < giveUp { try await Task.sleep(nanoseconds: 50_000_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: await reader.value, as: UTF8.self))
    }

    @Test func theStoryRunsThroughAndRunsAgain() async throws {
        let suite = try await RunningSuite.start()
        do {
            let first = try await Self.demo(suite)
            #expect(first.code == 0, "\(first.output)")
            let lines = first.output.split(separator: "\n").map(String.init)
            // The death: acknowledged, the alert with the stop from next month, nothing due then.
            let next = String(CivilDate.today().adding(months: 1).description.prefix(7))
            #expect(lines.contains { $0.contains("县公安局 reports 刘大爷's death") && $0.contains("acknowledged, event GA-DEMO-") })
            #expect(lines.contains { $0.contains("alert ") && $0.contains("stops from \(next)") })
            #expect(lines.contains { $0.contains("the household recomputed for \(next): 0 counted, nothing due") })
            #expect(lines.contains { $0.hasSuffix("reads back what became of its event: in_force") })
            // The finding: a lead at enforcement, a case from it, the grading refused.
            #expect(lines.contains { $0.contains("enforcement has lead L000001 from eldercare") })
            #expect(lines.contains { $0.contains("case C000001 filed from L000001") && $0.contains("养老机构：文峰区颐养院（演示") })
            #expect(lines.contains { $0.contains("refuses") && $0.contains("INVALID_ARGUMENT penalties RECENT_PENALTY") && $0.contains("within 2 years") })

            let second = try await Self.demo(suite)
            #expect(second.code == 0, "\(second.output)")
            #expect(second.output.contains("enforcement has lead L000002 from eldercare"))
        } catch {
            await suite.stop()
            throw error
        }
        await suite.stop()
    }
}
