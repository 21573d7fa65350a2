import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
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
