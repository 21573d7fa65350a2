import ArgumentParser
import CivicCatalog
import CivicProtoServices
import CivicRPC
import CivicServiceKit
import Foundation
import NIOCore

/// `civic up`: starts the catalog's services and the gateway as child processes on one
/// machine, waits until each answers health, prints where each listens, and stops them
/// all (gateway first, so no new calls reach a draining service) on Ctrl-C or SIGTERM.
/// A child that dies is reported and takes the suite down: nothing restarts silently.
struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the whole suite: every service in the catalog and the gateway.")

    @Option(name: .customLong("data"), help: "Folder for the SQLite databases. Env: CIVIC_DATA. Default: ./data.")
    var dataDirectory: String?

    @Option(help: "Address everything listens on. Env: CIVIC_HOST. Default: 127.0.0.1.")
    var host: String?

    @Option(help: "Gateway framed-RPC port. Env: CIVIC_GATEWAY_PORT. Default: 7000.")
    var gatewayPort: Int?
    @Option(help: "Gateway HTTP port. Env: CIVIC_GATEWAY_HTTP_PORT. Default: 8080.")
    var httpPort: Int?
    @Option(
        name: .customLong("service-port"),
        help: ArgumentHelp(
            "A service's framed-RPC port as NAME=PORT; repeat for each. Env: CIVIC_<NAME>_PORT. Defaults: "
                + ServiceCatalog.services.map { "\($0.name) \($0.defaultPort)" }.joined(separator: ", ") + ".",
            valueName: "name=port"))
    var servicePorts: [String] = []

    @Option(help: "Log level for every process. Env: CIVIC_LOG_LEVEL. Default: info.")
    var logLevel: String?

    @Option(help: "Folder with the executables. Default: the folder civic itself is in.")
    var binDirectory: String?

    func run() async throws {
        let env = EnvironmentSettings()
        let host = self.host ?? env.string("CIVIC_HOST") ?? "127.0.0.1"
        let data = dataDirectory ?? env.string("CIVIC_DATA") ?? "./data"
        let level = logLevel ?? env.string("CIVIC_LOG_LEVEL") ?? "info"
        _ = try parseLogLevel(level)
        let bin = binDirectory ?? Self.ownFolder()
        // The data folder and everything in it: this user's only (issue 16, ACCESS.md §6).
        PrivateFiles.restrictNewFiles()
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try PrivateFiles.restrict(folder: data)

        var flagged: [String: Int] = [:]
        for text in servicePorts {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ServiceCatalog.service(named: parts[0]) != nil, let port = Int(parts[1]) else {
                throw ValidationError("--service-port \(text) is not NAME=PORT with NAME one of \(ServiceCatalog.serviceNames.joined(separator: ", "))")
            }
            flagged[parts[0]] = port
        }
        let services: [(name: String, port: Int)] = try ServiceCatalog.services.map { entry in
            (entry.name, try flagged[entry.name] ?? env.int(entry.portVariable) ?? entry.defaultPort)
        }
        let framesPort = try gatewayPort ?? env.int("CIVIC_GATEWAY_PORT") ?? ServiceCatalog.Gateway.framesPort
        let http = try httpPort ?? env.int("CIVIC_GATEWAY_HTTP_PORT") ?? ServiceCatalog.Gateway.httpPort
        for port in services.map(\.port) + [framesPort, http] where !(1...65535).contains(port) {
            throw ValidationError("port \(port) is outside 1…65535")
        }
        for name in services.map(\.name) + ["gateway"] where !FileManager.default.isExecutableFile(atPath: "\(bin)/\(name)") {
            throw ValidationError("\(bin)/\(name) not found: build first (swift build -c release), or pass --bin-directory")
        }

        // The suite's internal key: the gateway seals each call's principal with it and the
        // services accept only sealed calls. Kept in the data folder, readable only by us.
        let keyFile = (data as NSString).appendingPathComponent("internal.key")
        if !FileManager.default.fileExists(atPath: keyFile) {
            try PrivateFiles.writeSecret(GatewaySeal.generateSecret() + "\n", to: keyFile)
        }
        let supervisor = Supervisor()
        supervisor.installSignalHandlers()
        do {
            try await start(supervisor, services: services, host: host, data: data, level: level, bin: bin, framesPort: framesPort, http: http)
        } catch {
            // Whatever failed (or a Ctrl-C during start-up), stop what was started before leaving.
            supervisor.stopAll(code: 1)
            _ = await supervisor.waitForStop()
            throw error
        }
        let code = await supervisor.waitForStop()
        throw ExitCode(code)
    }

    /// The folder this executable is in, also when it was found through PATH.
    static func ownFolder() -> String {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        if exe.path != "/proc/self/exe" { return exe.deletingLastPathComponent().path }
        return (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    private func start(
        _ supervisor: Supervisor, services: [(name: String, port: Int)], host: String, data: String, level: String,
        bin: String, framesPort: Int, http: Int
    ) async throws {
        for service in services {
            try supervisor.launch(
                name: service.name, path: "\(bin)/\(service.name)",
                arguments: [
                    "--host", host, "--port", "\(service.port)", "--data", data, "--log-level", level,
                    "--internal-key-file", (data as NSString).appendingPathComponent("internal.key"),
                ] + services.filter { $0.name != service.name }.flatMap { ["--peer", "\($0.name)=\(host):\($0.port)"] })
        }
        for service in services {
            try await supervisor.waitUntilServing(name: service.name, host: host, port: service.port)
        }
        var gatewayArguments = [
            "--host", host, "--port", "\(framesPort)", "--http-port", "\(http)", "--log-level", level, "--data", data,
            "--internal-key-file", (data as NSString).appendingPathComponent("internal.key"),
        ]
        for service in services { gatewayArguments += ["--backend", "\(service.name)=\(host):\(service.port)"] }
        try supervisor.launch(name: "gateway", path: "\(bin)/gateway", arguments: gatewayArguments)
        try await supervisor.waitUntilServing(name: "gateway", host: host, port: framesPort)

        say(
            """

            Civic is up. Data folder: \(URL(fileURLWithPath: data).standardizedFileURL.path)
              gateway        frames \(host):\(framesPort)   http http://\(host):\(http)  (/healthz, /metrics, POST /rpc/<Service>/<Method>)
            \(services.map { "  \($0.name.padding(toLength: 14, withPad: " ", startingAt: 0)) frames \(host):\($0.port)" }.joined(separator: "\n"))
            Admin key: \(URL(fileURLWithPath: data).standardizedFileURL.path)/admin.token (written on first start; civic reads it by default)
            Try: civic call civic.proposals.v1.ProposalService/ListItems '{}'     Stop: Ctrl-C

            """)
    }
}

/// Owns the child processes.
final class Supervisor: @unchecked Sendable {
    private let lock = NSLock()
    private var children: [(name: String, process: Process)] = []
    private var stopping = false
    private var exitCode: Int32 = 0
    private let stopped = AsyncStream<Void>.makeStream()
    private var signalSources: [DispatchSourceSignal] = []

    func launch(name: String, path: String, arguments: [String]) throws {
        // Started after a stop began, it would never be stopped.
        if lock.withLock({ stopping }) { throw ExitCode(1) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.terminationHandler = { [weak self] process in self?.childExited(name: name, process: process) }
        try lock.withLock {
            // Under the lock, so a stop that begins now either sees this child or prevents it.
            if stopping { throw ExitCode(1) }
            try process.run()
            children.append((name, process))
        }
        say("started \(name) (pid \(process.processIdentifier))")
    }

    func installSignalHandlers() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in
                say("\nstopping the suite…")
                self?.stopAll(code: 0)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    func waitUntilServing(name: String, host: String, port: Int) async throws {
        let client = RPCClient(configuration: .init(host: host, port: port, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100)))
        defer { Task { await client.close() } }
        let health = Civic_Health_V1_HealthClient(client)
        let giveUp = Date().addingTimeInterval(30)
        while Date() < giveUp {
            if lock.withLock({ stopping }) { throw ExitCode(1) }
            if let answer = try? await health.check(.init(), options: CallOptions(timeout: .milliseconds(500))),
                answer.status == .serving || (name == "gateway" && answer.status == .notServing)
            {
                return  // the gateway is up even if a backend is not (yet) serving
            }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        FileHandle.standardError.write(Data("\(name) did not answer health on \(host):\(port) within 30 s\n".utf8))
        throw ExitCode(1)
    }

    private func childExited(name: String, process: Process) {
        let unexpected = lock.withLock { !stopping }
        if unexpected {
            FileHandle.standardError.write(Data("\(name) exited unexpectedly (status \(process.terminationStatus)); stopping the suite\n".utf8))
            stopAll(code: 1)
        }
    }

    /// Gateway first, then the services; each gets SIGTERM and 15 s to drain, then SIGKILL.
    func stopAll(code: Int32) {
        let list: [(name: String, process: Process)]? = lock.withLock {
            if stopping { return nil }  // already under way
            stopping = true
            exitCode = code
            return children
        }
        guard let list else { return }
        if list.isEmpty {
            stopped.continuation.finish()
            return
        }
        DispatchQueue.global().async { [self] in
            let ordered = list.filter { $0.name == "gateway" } + list.filter { $0.name != "gateway" }
            for child in ordered where child.process.isRunning {
                kill(child.process.processIdentifier, SIGTERM)
                if child.name == "gateway" { waitForExit(child.process, seconds: 15) }
            }
            for child in ordered { waitForExit(child.process, seconds: 15) }
            for child in ordered where child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
            for child in ordered { say("\(child.name) stopped") }
            stopped.continuation.finish()
        }
    }

    private func waitForExit(_ process: Process, seconds: Double) {
        let giveUp = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < giveUp { usleep(20_000) }
    }

    func waitForStop() async -> Int32 {
        for await _ in stopped.stream {}
        return lock.withLock { exitCode }
    }
}

/// Writes a line to standard output unbuffered, so progress shows at once even when piped.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
