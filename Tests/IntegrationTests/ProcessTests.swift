import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import GRDB
import Testing

/// The real executables, as `civic up` and the containers run them.
@Suite("Executables", .serialized)
struct ProcessTests {
    /// The folder holding the built executables: the test bundle sits beside them.
    static let binDirectory: URL = {
        var url = Bundle.main.bundleURL
        while !FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("proposals").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url
    }()

    func launch(_ name: String, _ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = Self.binDirectory.appendingPathComponent(name)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func freePort() async throws -> Int {
        let server = RPCServer(configuration: .init(port: 0), handlers: [])
        let port = try await server.start().port!
        await server.shutdownGracefully(timeout: .zero)
        return port
    }

    func waitForExit(_ process: Process, seconds: Double = 15) async throws {
        let giveUp = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < giveUp { try await Task.sleep(nanoseconds: 20_000_000) }
    }

    @Test func proposalsProcessKeepsWhatItCommittedAcrossSIGTERMAndRestart() async throws {
        let executable = Self.binDirectory.appendingPathComponent("proposals").path
        try #require(FileManager.default.isExecutableFile(atPath: executable), "build the executables first: swift build --build-tests")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("civic-proc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let port = try await freePort()
        let arguments = ["--host", "127.0.0.1", "--port", "\(port)", "--data", data, "--log-level", "warning"]

        var process = try launch("proposals", arguments)
        let client = RPCClient(host: "127.0.0.1", port: port)
        let proposals = Civic_Proposals_V1_ProposalServiceClient(client)
        try await waitUntil { (try? await Civic_Health_V1_HealthClient(client).check(.init()).status) == .serving }
        let item = try await proposals.registerItem(registerRequest(number: "第21-001号")).item

        // SIGTERM: a graceful drain and a clean exit.
        kill(process.processIdentifier, SIGTERM)
        try await waitForExit(process)
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
        #expect(process.terminationReason == .exit)

        // SIGKILL after a commit: nothing committed is lost either.
        process = try launch("proposals", arguments)
        try await waitUntil { (try? await proposals.getItem(.with { $0.id = item.id }).item) == item }
        let second = try await proposals.registerItem(registerRequest(number: "第21-002号")).item
        kill(process.processIdentifier, SIGKILL)
        try await waitForExit(process)

        process = try launch("proposals", arguments)
        try await waitUntil { (try? await proposals.getItem(.with { $0.id = second.id }).item) == second }
        #expect(try await proposals.listItems(.init()).page.totalCount == 2)
        kill(process.processIdentifier, SIGTERM)
        try await waitForExit(process)
        await client.close()
    }

    /// Group commit under SIGKILL (issue 15): 16 writers register items at once, so their calls
    /// share transactions; the process is killed in the middle. After a restart every item whose
    /// registration was answered is there, and every item there is whole — its proposer and its
    /// audit row with it (a call's savepoint is all or nothing, and no answer left before its
    /// group's COMMIT).
    @Test func groupCommittedWritesSurviveSIGKILL() async throws {
        let executable = Self.binDirectory.appendingPathComponent("proposals").path
        try #require(FileManager.default.isExecutableFile(atPath: executable), "build the executables first: swift build --build-tests")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("civic-group-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let port = try await freePort()
        let arguments = ["--host", "127.0.0.1", "--port", "\(port)", "--data", data, "--log-level", "error"]
        var process = try launch("proposals", arguments)
        let clients = (0..<16).map { _ in RPCClient(host: "127.0.0.1", port: port) }
        try await waitUntil { (try? await Civic_Health_V1_HealthClient(clients[0]).check(.init()).status) == .serving }

        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { writers in
            for (w, client) in clients.enumerated() {
                writers.addTask {
                    let proposals = Civic_Proposals_V1_ProposalServiceClient(client)
                    var ids: [String] = []
                    for n in 0..<100_000 {
                        guard let item = try? await proposals.registerItem(registerRequest(number: "第\(w)-\(n)号")).item else { break }
                        ids.append(item.id)
                    }
                    return ids
                }
            }
            try await Task.sleep(nanoseconds: 1_500_000_000)
            kill(process.processIdentifier, SIGKILL)
            var all: [String] = []
            for try await ids in writers { all += ids }
            return all
        }
        try await waitForExit(process)
        #expect(acknowledged.count > 100, "too few writes before the kill to mean anything: \(acknowledged.count)")

        process = try launch("proposals", arguments)
        let proposals = Civic_Proposals_V1_ProposalServiceClient(clients[0])
        try await waitUntil { (try? await Civic_Health_V1_HealthClient(clients[0]).check(.init()).status) == .serving }
        for id in acknowledged { #expect((try? await proposals.getItem(.with { $0.id = id }).item.id) == id, "item \(id) was acknowledged and is lost") }
        kill(process.processIdentifier, SIGTERM)
        try await waitForExit(process)
        for client in clients { await client.close() }

        let database = try DatabaseQueue(path: (data as NSString).appendingPathComponent("proposals.sqlite"))
        let (items, whole) = try await database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM items") ?? 0,
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM items i
                        WHERE EXISTS (SELECT 1 FROM item_proposers p WHERE p.item_id = i.id)
                          AND EXISTS (SELECT 1 FROM audit_log a WHERE a.entity_id = i.id AND a.action = 'register')
                        """) ?? 0
            )
        }
        #expect(items >= acknowledged.count)
        #expect(whole == items)
        print("group commit under SIGKILL: \(acknowledged.count) registrations acknowledged, \(items) stored, all whole")
    }

    @Test func badConfigurationIsRefusedAtStart() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binDirectory.appendingPathComponent("gateway").path))
        for (name, arguments) in [
            ("proposals", ["--port", "70000"]),
            ("proposals", ["--log-level", "loud"]),
            ("gateway", ["--backend", "proposals=nowhere"]),
            ("gateway", ["--backend", "weather=127.0.0.1:7999"]),
        ] {
            let process = Process()
            process.executableURL = Self.binDirectory.appendingPathComponent(name)
            process.arguments = arguments
            let stderr = Pipe()
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            try await waitForExit(process)
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus != 0, "\(name) \(arguments) should refuse to start")
            #expect(message.contains("Error"), "\(name) \(arguments) said: \(message)")
        }
    }
}
