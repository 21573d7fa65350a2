import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import GatewayService
import Logging
import OrganizationsDomain
import OrganizationsService
import SwiftProtobuf

#if canImport(Glibc)
    import Glibc
#endif

/// organizations-bench: the public legitimacy check (合法性甄别, issue 12) against a generated
/// register of 1 000 000 bodies on a durable SQLite file (WAL, synchronous=FULL):
/// 1. through `OrganizationsHandler.checkLegitimacy` directly (no network): the first check, which
///    builds the name index from the register (its time and the process's resident memory), then
///    a mix of checks — exact names, one character substituted, the same field with another form
///    and 字号, unknown names, credit codes — with median, p99 and max per kind (aim: p99 < 5 ms);
/// 2. through the gateway: the service and the gateway in-process on 127.0.0.1, one pre-encoded
///    CheckLegitimacy frame per query kind driven by the C load generator framebench
///    (/work/shared/bench/framebench.c, built with `cc` when there is one) at 1, 16 and 64
///    connections (aim: > 2 000 checks/s), and the mix through the gateway from a Swift client.
/// The report over 1 000 000 organizations (the issue's second aim) has no method yet: its line
/// says so.
/// Run in release: organizations-bench [--names 1000000] [--checks 20000] [--keep DIR | --reuse DIR]
/// [--only direct|gateway] [--seconds 5] [--connections 1,16,64]
@main
struct OrganizationsBenchmark {
    static let today = CivilDate("2026-12-02")!
    static let databaseFile = "organizations.sqlite"

    static func main() async throws {
        let arguments = CommandLine.arguments
        func value(_ flag: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let n = Int(arguments[i + 1]) else { return fallback }
            return n
        }
        func text(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        let names = value("--names", 1_000_000)
        let checks = value("--checks", 20_000)
        let loadSeconds = value("--seconds", 5)
        let connections = (text("--connections") ?? "1,16,64").split(separator: ",").compactMap { Int($0) }
        let only = text("--only")
        precondition(names >= 1_000 && names <= 5_000_000, "--names is 1 000 to 5 000 000")

        // --keep DIR generates the database into DIR and stops; --reuse DIR measures on a copy of
        // one kept before (in a temporary folder, so the kept one never changes).
        let keep = text("--keep")
        let reuse = text("--reuse")
        let folder =
            keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("civic-organizations-bench-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(databaseFile)
        if keep != nil && reuse == nil {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file.path + suffix) }
        }
        if let reuse {
            let start = DispatchTime.now().uptimeNanoseconds
            for name in [databaseFile, databaseFile + "-wal"] {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
                if FileManager.default.fileExists(atPath: "\(reuse)/\(name)") {
                    try FileManager.default.copyItem(atPath: "\(reuse)/\(name)", toPath: folder.appendingPathComponent(name).path)
                }
            }
            guard FileManager.default.fileExists(atPath: file.path) else {
                print("no \(databaseFile) in \(reuse): generate one with --keep \(reuse) first")
                return
            }
            print(String(format: "copied    the database kept in %@ to %@ in %.1f s", reuse, folder.path, seconds(since: start)))
        }
        print(
            "organizations-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores; today \(today); resident memory at start "
                + "\(residentMB()) MB")

        if reuse == nil {
            let database = try CivicDatabase.open(path: file.path, migrations: OrganizationsService.definition.migrations)
            print("generating on SQLite WAL, synchronous=\(synchronousMode(database))")
            try await generate(database: database, count: names)
            _ = try await database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try database.close()
            print(String(format: "database  %.0f MB", Double(databaseBytes(file)) / 1e6))
        }
        if let keep, reuse == nil {
            print("kept the generated database in \(keep): measure with --reuse \(keep)")
            return
        }

        if only == nil || only == "direct" {
            try await direct(file: file, checks: checks)
        }
        if only == nil || only == "gateway" {
            try await throughGateway(folder: folder, seconds: loadSeconds, connections: connections)
        }
        if only == nil || only == "report" {
            try await report(file: file)
        }
    }

    // MARK: - 3. The report

    /// GetOrganizationsReport called directly, nationwide (the whole register) and for one
    /// prefecture, one report after another.
    static func report(file: URL) async throws {
        let database = try CivicDatabase.open(path: file.path, migrations: OrganizationsService.definition.migrations)
        defer { try? database.close() }
        let day = today
        let staff = context(Principal(id: "bench-staff", roles: [.staff], services: ["organizations"]))
        let (count, inspections, prefecture) = try await database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organizations") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM annual_inspections") ?? 0,
                try String.fetchOne(
                    db, sql: "SELECT substr(registrar_division, 1, 4) || '00' FROM organizations GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1") ?? ""
            )
        }
        let (awards, histories) = try await database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM evaluation_awards") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM credit_histories") ?? 0
            )
        }
        print(
            "report    GetOrganizationsReport called directly over \(count) bodies, \(inspections) 年检 records, \(awards) grades and "
                + "\(histories) credit histories, one after another; latency in ms; aim < 200 ms")
        print("  scope                      first   reports   median      p99      max   total   party coverage")
        for (label, within) in [("the whole register", ""), ("prefecture \(prefecture)", prefecture)] {
            // A new handler: the first report decodes every credit history of the scope, the next ones
            // only those written since.
            let handler = OrganizationsHandler(store: OrganizationsStore(database: database), settings: OrganizationsSettings(), today: { day })
            let begin = DispatchTime.now().uptimeNanoseconds
            _ = try await handler.getOrganizationsReport(.with { $0.within = within }, context: staff)
            let first = seconds(since: begin) * 1000
            var samples: [Double] = []
            var last = Civic_Organizations_V1_OrganizationsReport()
            for _ in 0..<25 {
                let start = DispatchTime.now().uptimeNanoseconds
                last = try await handler.getOrganizationsReport(.with { $0.within = within }, context: staff)
                samples.append(seconds(since: start) * 1000)
            }
            samples.sort()
            let total = last.lines.first { $0.section == "register" && $0.measure == "total" }?.value ?? 0
            print(
                String(
                    format: "  %@ %7.1f %7d %8.1f %8.1f %8.1f %7lld   %@%%", label.padding(toLength: 24, withPad: " ", startingAt: 0), first,
                    samples.count,
                    samples[samples.count / 2], samples[Int(Double(samples.count - 1) * 0.99)], samples.last!, total, last.partyCoverage))
        }
    }

    // MARK: - 1. The handler, directly

    static func direct(file: URL, checks: Int) async throws {
        let database = try CivicDatabase.open(path: file.path, migrations: OrganizationsService.definition.migrations)
        defer { try? database.close() }
        let store = OrganizationsStore(database: database)
        let day = today
        let handler = OrganizationsHandler(store: store, settings: OrganizationsSettings(), today: { day })
        let anyone = context()
        let count = try await database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organizations") ?? 0 }
        print(
            String(
                format: "measuring on %d bodies, %.0f MB (SQLite WAL, synchronous=%@); OrganizationsHandler.checkLegitimacy called directly "
                    + "(no network, no gateway), one check after another", count, Double(databaseBytes(file)) / 1e6, synchronousMode(database)))

        // The first check reads every name and builds the index.
        let before = residentMB()
        var start = DispatchTime.now().uptimeNanoseconds
        let first = try await handler.checkLegitimacy(.with { $0.query = "安阳市文峰区书法协会" }, context: anyone)
        let firstMS = seconds(since: start) * 1000
        print(
            String(
                format: "first     check in %.0f ms (reads %d names and builds the index); resident memory %d MB before, %d MB after; verdict %@",
                firstMS, count, before, residentMB(), first.verdict))

        let queries = try await sampleQueries(database: database, checks: checks)
        // Warm-up (not counted): 1 000 checks of the same mix, so SQLite's page cache holds what a
        // running service's would.
        for query in queries.prefix(1000) { _ = try await handler.checkLegitimacy(.with { $0.query = query.text }, context: anyone) }

        var times: [Query.Kind: [Double]] = [:]
        var similar: [Query.Kind: Int] = [:]
        var found: [Query.Kind: Int] = [:]
        var verdicts: [String: Int] = [:]
        var missed: [String] = []
        start = DispatchTime.now().uptimeNanoseconds
        for query in queries.dropFirst(1000) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let answer = try await handler.checkLegitimacy(.with { $0.query = query.text }, context: anyone)
            times[query.kind, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            if !answer.similarRegistered.isEmpty || !answer.similarFiled.isEmpty { similar[query.kind, default: 0] += 1 }
            verdicts[answer.verdict, default: 0] += 1
            if let code = query.original {
                let codes = [answer.registered.creditCode] + answer.similarRegistered.map(\.creditCode)
                if codes.contains(code) {
                    found[query.kind, default: 0] += 1
                } else if missed.count < 5 {
                    missed.append("\(query.text) (\(answer.verdict), \(answer.similarRegistered.count) similar, not \(code))")
                }
            }
        }
        let wall = seconds(since: start)
        print("checks    \(queries.count - 1000) after 1 000 warm-up checks; latency in ms; aim p99 < 5 ms")
        print("  kind                      checks   median      p99      max   checks/s   with similar   original found")
        for kind in Query.Kind.allCases {
            guard let kindTimes = times[kind] else { continue }
            let n = kindTimes.count
            let originals = kind == .unknown ? "—" : "\(found[kind] ?? 0) of \(n)"
            printRow(
                kind.label, kindTimes, rate: Double(n) / (kindTimes.reduce(0, +) / 1000), extra: String(format: "%14d   %@", similar[kind] ?? 0, originals))
        }
        let all = times.values.flatMap { $0 }
        printRow("all", all, rate: Double(all.count) / wall, extra: String(format: "%14d", similar.values.reduce(0, +)))
        print("  verdicts: " + verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        if !missed.isEmpty { print("  originals not found, e.g.: " + missed.joined(separator: "; ")) }
        print("  resident memory after the checks: \(residentMB()) MB")
    }

    static func printRow(_ label: String, _ values: [Double], rate: Double, extra: String) {
        let sorted = values.sorted()
        let median = sorted[sorted.count / 2]
        let p99 = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))]
        print(
            label.padding(toLength: 26, withPad: " ", startingAt: 0)
                + String(format: "%6d %8.3f %8.3f %8.3f %10.0f %@", values.count, median, p99, sorted.last!, rate, extra))
    }

    /// A check the bench makes: its text, its kind, and the credit code of the body it was made
    /// from (which the answer must name) when there is one.
    struct Query: Sendable {
        enum Kind: Int, CaseIterable, Sendable {
            case exact, oneOff, sameField, unknown, creditCode
            var label: String {
                switch self {
                case .exact: "  exact name"
                case .oneOff: "  one character off"
                case .sameField: "  same field (+现代, form)"
                case .unknown: "  unknown name"
                case .creditCode: "  credit code"
                }
            }
        }
        var text: String
        var kind: Kind
        var original: String?
    }

    /// 1 000 warm-up queries and `checks` more over bodies drawn at random from the register: of
    /// every 20, 8 exact names, 5 one character off (a character of the 字号 or field substituted),
    /// 3 the same field (现代 added, another form of the type), 3 unknown names, 1 credit code.
    static func sampleQueries(database: DatabasePool, checks: Int) async throws -> [Query] {
        let count = try await database.read { db in try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM organizations") ?? 0 }
        var rng = SplitMix64(seed: 20_261_202)
        let seqs = (0..<(checks + 1000)).map { _ in 1 + rng.int(count) }
        let bodies = try await database.read { db in
            let statement = try db.makeStatement(sql: "SELECT name, credit_code FROM organizations WHERE seq = ?")
            return try seqs.map { seq -> (name: String, code: String) in
                let row = try Row.fetchOne(statement, arguments: [seq])!
                return (row[0], row[1])
            }
        }
        let parser = NameParser()
        var queries: [Query] = []
        for (k, body) in bodies.enumerated() {
            switch k % 20 {
            case 0..<8: queries.append(Query(text: body.name, kind: .exact, original: body.code))
            case 8..<13:
                let parts = parser.parts(of: body.name)
                var middle = Array(parts.tradeNameAndField)
                let at = rng.int(middle.count)
                var replacement = Vocabulary.substitutes[rng.int(Vocabulary.substitutes.count)]
                while replacement == middle[at] { replacement = Vocabulary.substitutes[rng.int(Vocabulary.substitutes.count)] }
                middle[at] = replacement
                queries.append(Query(text: parts.division + String(middle) + parts.form, kind: .oneOff, original: body.code))
            case 13..<16:
                // 现代 added before the 字号 and field (two characters: not one off), and another
                // form of the same type where there is one.
                let parts = parser.parts(of: body.name)
                let family = parts.formTypes.first ?? .socialGroup
                let forms = Vocabulary.forms(family).filter { $0 != parts.form }
                let form = forms.isEmpty ? parts.form : forms[rng.int(forms.count)]
                queries.append(Query(text: parts.division + "现代" + parts.tradeNameAndField + form, kind: .sameField, original: body.code))
            case 16..<19:
                let place = Vocabulary.places[rng.int(Vocabulary.places.count)]
                let field = Vocabulary.unknownFields[rng.int(Vocabulary.unknownFields.count)]
                let trade = String([
                    Vocabulary.tradeCharacters[rng.int(Vocabulary.tradeCharacters.count)],
                    Vocabulary.unknownCharacters[rng.int(Vocabulary.unknownCharacters.count)],
                ])
                let form = ["协会", "研究会", "促进会", "服务中心", "培训学校"][rng.int(5)]
                queries.append(Query(text: place.prefix + (k % 2 == 0 ? trade : "") + field + form, kind: .unknown, original: nil))
            default: queries.append(Query(text: body.code, kind: .creditCode, original: body.code))
            }
        }
        // The first 1 000 are the warm-up; the measured ones follow.
        return queries
    }

    // MARK: - 2. Through the gateway

    static func throughGateway(folder: URL, seconds: Int, connections: [Int]) async throws {
        var quiet = Logger(label: "bench")
        quiet.logLevel = .warning
        let key = GatewaySeal.generateSecret()
        let gatewayData = folder.appendingPathComponent("gateway-data")
        try? FileManager.default.removeItem(at: gatewayData)
        try FileManager.default.createDirectory(at: gatewayData, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: gatewayData) }
        var start = DispatchTime.now().uptimeNanoseconds
        let host = try await ServiceHost.start(
            OrganizationsService.definition,
            configuration: ServiceConfiguration(port: 0, dataDirectory: folder.path, logLevel: .warning, internalKey: key), logger: quiet,
            environment: [:])
        // The public's rate limit (5 calls/s per address by default) lifted, as scripts/bench.sh
        // lifts the admin's: the limiter is not what is measured.
        var limits = RateLimiter.defaultLimits
        limits[.public] = RateLimiter.Limit(perSecond: 100_000_000, burst: 100_000_000)
        let gateway = try await RunningGateway.start(
            configuration: GatewayConfiguration(
                framesPort: 0, httpPort: 0, backends: GatewayConfiguration.standardBackends(ports: ["organizations": host.port]), logLevel: .warning,
                dataDirectory: gatewayData.path, internalKey: key, rateLimits: limits),
            logger: quiet)
        print(
            String(
                format: "gateway   the organizations service on 127.0.0.1:%d and the gateway's frames on 127.0.0.1:%d, in this process, "
                    + "started in %.2f s; no key (a public method), the public rate limit lifted", host.port, gateway.framesPort, Self.seconds(since: start)))
        let client = RPCClient(host: "127.0.0.1", port: gateway.framesPort, connections: 4)
        let organizations = Civic_Organizations_V1_OrganizationsServiceClient(client)
        start = DispatchTime.now().uptimeNanoseconds
        _ = try await organizations.checkLegitimacy(.with { $0.query = "安阳市文峰区书法协会" })
        print(
            String(
                format: "          the service's first check through the gateway: %.0f ms (builds its index); resident memory now %d MB",
                Self.seconds(since: start) * 1000, residentMB()))

        let database = host.database
        let queries = try await sampleQueries(database: database, checks: 2000)
        let oneOff = queries.first { $0.kind == .oneOff }!
        let exact = queries.first { $0.kind == .exact }!
        let unknown = queries.first { $0.kind == .unknown }!

        // One pre-encoded request frame per kind (call id 1, no metadata: no key), checked once
        // by hand before any load.
        var frames: [(label: String, query: Query, file: URL)] = []
        for (label, query) in [("one character off", oneOff), ("exact name", exact), ("unknown name", unknown)] {
            var envelope = Civic_Rpc_V1_RequestEnvelope()
            envelope.callID = 1
            envelope.method = Civic_Organizations_V1_OrganizationsService.Method.checkLegitimacy.path
            envelope.payload = try Civic_Organizations_V1_CheckLegitimacyRequest.with { $0.query = query.text }.serializedData()
            let body: Data = try envelope.serializedData()
            let url = folder.appendingPathComponent("check-\(query.kind).frame")
            try body.write(to: url)
            let answer = try exchange(port: gateway.framesPort, body: body)
            guard !answer.hasStatus || answer.status.code == .ok else {
                throw RPCError(.internal, "the \(label) frame was answered \(answer.status.code): \(answer.status.message)")
            }
            let response = try Civic_Organizations_V1_CheckLegitimacyResponse(serializedBytes: answer.payload)
            let names = ([response.registered.name].filter { !$0.isEmpty } + response.similarRegistered.map { "\($0.name) (\($0.similarity))" })
            if let code = query.original, !([response.registered.creditCode] + response.similarRegistered.map(\.creditCode)).contains(code) {
                throw RPCError(.internal, "the \(label) frame's answer does not name \(code)")
            }
            print(
                "frame     \(label): \(query.text) — \(body.count + 4) bytes in \(url.path); answered OK: \(response.verdict), "
                    + "\(response.similarRegistered.count) similar; \(names.prefix(3).joined(separator: ", "))")
            frames.append((label, query, url))
        }

        // framebench, built from its C source, per frame and connection count.
        if let framebench = try await buildFramebench(into: folder) {
            print("framebench \(seconds) s each after 1 s of warm-up, 1 call in flight per connection (closed loop); latency in µs; aim > 2 000 checks/s")
            for frame in frames {
                for conns in connections {
                    let output = try await run(
                        framebench, ["127.0.0.1", String(gateway.framesPort), String(conns), String(seconds), frame.file.path, "1", "1"])
                    print("  \(frame.label.padding(toLength: 18, withPad: " ", startingAt: 0)) \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
            }
            // The same answer after the load: nothing was refused or broke under it.
            let after = try exchange(port: gateway.framesPort, body: try Data(contentsOf: frames[0].file))
            print("  after the load: \(after.hasStatus ? "\(after.status.code)" : "OK")")
        } else {
            print("framebench: no C compiler (cc) here. Run it by hand against a running suite, e.g.:")
            for frame in frames { print("  framebench 127.0.0.1 7000 16 \(seconds) \(frame.file.path) 1 1") }
        }

        // The mix through the gateway from a Swift client in this process (it shares the two
        // cores with the gateway and the service, so this is a floor, not the gateway's figure).
        for callers in [1, 16] {
            let mix = Array(queries.dropFirst(1000))
            let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds) * 1_000_000_000
            start = DispatchTime.now().uptimeNanoseconds
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for c in 0..<callers {
                    group.addTask {
                        var mine: [Double] = []
                        var i = c * 97
                        while DispatchTime.now().uptimeNanoseconds < deadline {
                            let query = mix[i % mix.count]
                            i += 1
                            let t0 = DispatchTime.now().uptimeNanoseconds
                            _ = try await organizations.checkLegitimacy(.with { $0.query = query.text })
                            mine.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
                        }
                        return mine
                    }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all
            }
            let wall = Self.seconds(since: start)
            if callers == 1 { print("swift     the query mix through the gateway, RPCClient in this process; latency in ms") }
            printRow("  \(callers) concurrent caller\(callers == 1 ? "" : "s")", latencies, rate: Double(latencies.count) / wall, extra: "")
        }

        await client.close()
        await gateway.stop()
        await host.shutdown()
        print("stopped   the gateway and the service")
    }

    /// Builds framebench from /work/shared/bench/framebench.c (or $FRAMEBENCH_SOURCE) with cc.
    static func buildFramebench(into folder: URL) async throws -> String? {
        let source = ProcessInfo.processInfo.environment["FRAMEBENCH_SOURCE"] ?? "/work/shared/bench/framebench.c"
        guard FileManager.default.fileExists(atPath: source), let cc = ["/usr/bin/cc", "/usr/local/bin/cc"].first(where: FileManager.default.isExecutableFile)
        else { return nil }
        let output = folder.appendingPathComponent("framebench").path
        _ = try await run(cc, ["-O2", "-o", output, source])
        return FileManager.default.isExecutableFile(atPath: output) ? output : nil
    }

    /// Runs a program to its end without blocking a thread of the cooperative pool; its output.
    static func run(_ program: String, _ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        guard process.terminationStatus == 0 else { throw RPCError(.internal, "\(program) exited with \(process.terminationStatus)") }
        return String(decoding: data, as: UTF8.self)
    }

    /// Sends one frame to 127.0.0.1:`port` on a fresh blocking socket and reads one answer.
    static func exchange(port: Int, body: Data) throws -> Civic_Rpc_V1_ResponseEnvelope {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RPCError(.unavailable, "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw RPCError(.unavailable, "cannot connect to 127.0.0.1:\(port)") }
        var frame = Data([UInt8(body.count >> 24 & 0xFF), UInt8(body.count >> 16 & 0xFF), UInt8(body.count >> 8 & 0xFF), UInt8(body.count & 0xFF)])
        frame.append(body)
        let bytes = [UInt8](frame)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw RPCError(.unavailable, "write failed") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            if received.count >= 4 {
                let length = Int(received[0]) << 24 | Int(received[1]) << 16 | Int(received[2]) << 8 | Int(received[3])
                if received.count >= 4 + length { return try Civic_Rpc_V1_ResponseEnvelope(serializedBytes: Array(received[4..<(4 + length)])) }
            }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw RPCError(.unavailable, "the connection closed before an answer") }
            received += buffer[0..<n]
        }
    }

    // MARK: - Generation

    /// Generates `count` registered bodies and writes them by SQL in one transaction, each row as
    /// `OrganizationsStore.insert` and `save` write it (the columns, `record` = the JSON of the
    /// `Organization` by `StoredRecords.encode`), with one audit row for the whole, as
    /// `importOrganizations` writes it. Through the handlers this would take hours.
    static func generate(database: DatabasePool, count: Int) async throws {
        let start = DispatchTime.now().uptimeNanoseconds
        let now = Date()
        let summary = try await database.write { db -> (types: [OrganizationType: Int], statuses: [OrganizationStatus: Int], retries: Int) in
            var generator = Generator()
            var types: [OrganizationType: Int] = [:]
            var statuses: [OrganizationStatus: Int] = [:]
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO organizations (id, seq, credit_code, name, type, status, registrar_division, division, sponsor, trade_association,
                      party_organization, registered_on, legal_representative_id, record, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let inspect = try db.makeStatement(sql: "INSERT INTO annual_inspections (id, seq, organization_id, year, record) VALUES (?, ?, ?, ?, ?)")
            var inspections = 0
            let award = try db.makeStatement(
                sql: """
                    INSERT INTO evaluation_awards (organization_id, registrar_division, grade, awarded_on, valid_until, application_id)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            let credit = try db.makeStatement(
                sql: "INSERT INTO credit_histories (organization_id, registrar_division, record, updated_at) VALUES (?, ?, ?, ?)")
            let creditRules = try CreditListRules()
            let updatedAt = StorageTime.string(now)
            let chunk = 50_000
            for first in stride(from: 0, to: count, by: chunk) {
                let bodies = (first..<min(first + chunk, count)).map { generator.body($0) }
                // The JSON documents on both cores.
                let slots = Slots<String>(count: bodies.count)
                let workers = ProcessInfo.processInfo.activeProcessorCount
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    var i = worker
                    while i < bodies.count {
                        slots[i] = try! StoredRecords.encode(bodies[i].organization)
                        i += workers
                    }
                }
                for (i, body) in bodies.enumerated() {
                    let o = body.organization
                    try insert.execute(arguments: [
                        o.id, first + i + 1, o.creditCode, o.name, o.type.rawValue, o.status.rawValue, o.registrarDivision.description, o.division.description,
                        o.sponsor, o.isTradeAssociation, o.hasPartyOrganization, o.registeredOn?.description, body.representative, slots[i]!, updatedAt,
                    ])
                    types[o.type, default: 0] += 1
                    statuses[o.status, default: 0] += 1
                }
                // Every other active body has its 年检 on 2025 received and concluded (what the report counts).
                for (i, body) in bodies.enumerated() where body.organization.status.isActive && (first + i) % 2 == 0 {
                    let o = body.organization
                    let results: [AnnualInspectionResult] = [.qualified, .qualified, .qualified, .basicallyQualified, .unqualified]
                    let record = AnnualInspectionRecord(
                        id: StoredRecords.code("N", inspections + 1), organizationID: o.id, year: 2025, type: o.type, hasSponsor: false,
                        registrarSubmission: AnnualReportSubmission(submittedOn: CivilDate("2026-04-20")!, submittedBy: "填报人", documents: ["年度工作报告书"]),
                        conclusion: AnnualInspectionConclusion(
                            result: results[(first + i) % results.count], concludedOn: CivilDate("2026-06-10")!, concludedBy: "登记科"))
                    inspections += 1
                    try inspect.execute(arguments: [record.id, inspections, o.id, 2025, try StoredRecords.encode(record)])
                }
                // Every 20th active body holds a grade; every 50th has a credit history (one ground of
                // the abnormal list, so the report replays it).
                for (i, body) in bodies.enumerated() where body.organization.status.isActive {
                    let n = first + i
                    let o = body.organization
                    if n % 20 == 0 {
                        try award.execute(arguments: [o.id, o.registrarDivision.description, 1 + n % 5, "2023-06-09", "2028-06-09", "E\(n)"])
                    }
                    if n % 50 == 0 {
                        var history = CreditHistory(organizationID: o.id)
                        try creditRules.record(
                            .abnormalGround(id: "g1", ground: .noAnnualReport, on: CivilDate("2026-06-01")!, evidence: "未报送2025年度工作报告", document: ""),
                            in: &history)
                        try credit.execute(arguments: [o.id, o.registrarDivision.description, try StoredRecords.encode(history), updatedAt])
                    }
                }
            }
            try Audit.record(
                db, by: AuditActor(id: "organizations-bench"), action: "import", entity: "organization", entityID: StoredRecords.code("O", 1),
                detail: "\(count) organizations", at: now)
            return (types, statuses, generator.retries)
        }
        let elapsed = seconds(since: start)
        let types = [OrganizationType.socialGroup, .privateNonEnterprise, .foundation].map { "\($0.chineseName) \(summary.types[$0] ?? 0)" }
        let statuses = OrganizationStatus.allCases.compactMap { s in summary.statuses[s].map { "\(s.rawValue) \($0)" } }
        print(
            String(
                format: "generated %d bodies in %.1f s (%.0f/s), by SQL in one transaction: %@; %@; %d places; "
                    + "%d names drawn again for being taken", count, elapsed, Double(count) / elapsed, types.joined(separator: ", "),
                statuses.joined(separator: ", "), Vocabulary.places.count, summary.retries))
    }

    /// One result slot per work item, each written by exactly one worker of a concurrentPerform.
    final class Slots<Value: Sendable>: @unchecked Sendable {
        private let buffer: UnsafeMutableBufferPointer<Value?>
        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }
        deinit {
            buffer.deinitialize()
            buffer.deallocate()
        }
        subscript(i: Int) -> Value? {
            get { buffer[i] }
            set { buffer[i] = newValue }
        }
    }

    /// Makes body `n` (deterministic for a given `n` and the names taken before it).
    struct Generator {
        var taken = Set<String>()
        var serials: [String: Int] = [:]
        var retries = 0

        mutating func body(_ n: Int) -> (organization: Organization, representative: String?) {
            var rng = SplitMix64(seed: UInt64(n) &* 0x9E37_79B9_7F4A_7C15 ^ 0x5EED)
            // 42 % 社团, 55 % 民非, 3 % 基金会.
            let roll = rng.int(100)
            let type: OrganizationType = roll < 42 ? .socialGroup : roll < 97 ? .privateNonEnterprise : .foundation
            // 2 % registered by the province, 26 % by a city, 72 % by a county.
            let level = rng.int(100)
            let place: Place
            if level < 2 {
                place = Vocabulary.places[0]
            } else if level < 28 {
                place = Vocabulary.prefectures[rng.int(Vocabulary.prefectures.count)]
            } else {
                place = Vocabulary.counties[rng.int(Vocabulary.counties.count)]
            }
            var tradeAssociation = false
            var directly = false
            var name = ""
            var field = ""
            for attempt in 0..<50 {
                if attempt > 0 { retries += 1 }
                (name, field, tradeAssociation) = Self.name(type: type, place: place, rng: &rng, withTradeName: attempt >= 10)
                if taken.insert(name).inserted { break }
                precondition(attempt < 49, "no free name for body \(n) in \(place.prefix)")
            }
            directly = tradeAssociation || rng.int(100) < 25
            let registrar = place.registrar
            let serial = (serials[registrar] ?? 0) + 1
            serials[registrar] = serial
            let registeredOn = CivilDate("1995-01-01")!.adding(days: rng.int(today.dayNumber - CivilDate("1995-01-01")!.dayNumber - 60))
            let typeCharacter = type.creditCodeType.rawValue
            let first17 =
                "5\(typeCharacter)\(registrar)" + (registeredOn.year >= 2016 ? "MJ" : "50") + String(repeating: "0", count: 7 - String(serial).count)
                + String(serial)
            let code = first17 + String(UnifiedSocialCreditCode.checkCharacter(for: first17)!)
            let surname = Vocabulary.surnames[rng.int(Vocabulary.surnames.count)]
            let given = Vocabulary.givenNames[rng.int(Vocabulary.givenNames.count)]
            var funds: Int
            switch type {
            case .socialGroup: funds = 30_000 + rng.int(40) * 10_000
            case .privateNonEnterprise: funds = 10_000 + rng.int(100) * 5_000
            case .foundation: funds = [2_000_000, 4_000_000, 8_000_000][rng.int(3)] + rng.int(10) * 1_000_000
            }
            var organization = Organization(
                id: StoredRecords.code("O", n + 1), creditCode: code,
                oldRegistrationNumber: registeredOn.year < 2016 ? "豫\(type == .socialGroup ? "社" : type == .foundation ? "基" : "民")证字第\(serial)号" : "",
                name: name, type: type, isTradeAssociation: tradeAssociation,
                foundationKind: type == .foundation ? (rng.int(4) == 0 ? .publicFundraising : .nonPublicFundraising) : nil,
                sponsor: directly ? "" : place.prefix + Vocabulary.sponsor(for: field), directlyRegistrable: directly, registrarLevel: place.level,
                registrarDivision: try! DivisionCode(registrar), domicile: "\(place.prefix)第\(1 + rng.int(60))路\(1 + rng.int(300))号",
                division: try! DivisionCode(place.seat), purpose: "团结\(field)工作者，促进\(field)事业发展，服务社会。",
                businessScope: "\(field)交流、培训、咨询服务、承接政府购买服务", activityArea: place.prefix, legalRepresentative: surname + given,
                funds: Fen(funds * 100), individualMembers: type == .socialGroup ? 50 + rng.int(450) : 0,
                unitMembers: type == .socialGroup && tradeAssociation ? 30 + rng.int(120) : 0, hasPartyOrganization: rng.int(100) < 35,
                registeredOn: registeredOn, status: .registered,
                history: [StatusChange(from: nil, to: .registered, on: registeredOn, reason: "entered on the register")])
            // 90 % registered, 3 % activities suspended, 4 % deregistered, 3 % revoked.
            let fate = rng.int(100)
            if fate >= 90 {
                let room = today.dayNumber - registeredOn.dayNumber - 30
                let on = registeredOn.adding(days: 30 + rng.int(max(1, room)))
                let (status, document, reason): (OrganizationStatus, String, String) =
                    fate < 93
                    ? (.activitiesSuspended, "\(place.prefix)民政局行政处罚决定书〔\(on.year)〕\(1 + rng.int(90))号", "未按规定参加年度检查")
                    : fate < 97
                        ? (.deregistered, "注销登记", "清算完结") : (.revoked, "\(place.prefix)民政局撤销登记决定书〔\(on.year)〕\(1 + rng.int(90))号", "连续两年未参加年度检查")
                try! organization.move(to: status, on: on, document: document, reason: reason)
            }
            // The legal representative's resident ID (its own column, never in the record): a
            // person born on a day and numbered so that no two bodies share one.
            let born = CivilDate("1950-01-01")!.adding(days: n / 900)
            let body17 = place.seat + String(format: "%04d%02d%02d%03d", born.year, born.month, born.day, n % 900)
            let representative = body17 + Self.residentCheck(body17)
            return (organization, representative)
        }

        /// ISO 7064 MOD 11-2, as GB 11643 computes a resident ID's last character.
        static func residentCheck(_ first17: String) -> String {
            let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
            let sum = zip(first17.utf8, weights).reduce(0) { $0 + Int($1.0 - 48) * $1.1 }
            return String(Array("10X98765432")[sum % 11])
        }

        /// A name: the place as a body there writes it (安阳市文峰区 / 滑县 / 安阳市 / 河南省), then
        /// - a 社团: sometimes a qualifier (青年、老年…), a field and a 社团 form; a trade association
        ///   an industry and 行业协会 or 商会;
        /// - a 民非: a 字号 of two characters, a field and a 民非 form;
        /// - a 基金会: a 字号, often a field, and 基金会.
        static func name(type: OrganizationType, place: Place, rng: inout SplitMix64, withTradeName: Bool) -> (String, String, Bool) {
            let field = Vocabulary.fields[rng.int(Vocabulary.fields.count)]
            func tradeName() -> String {
                String([
                    Vocabulary.tradeCharacters[rng.int(Vocabulary.tradeCharacters.count)],
                    Vocabulary.tradeCharacters[rng.int(Vocabulary.tradeCharacters.count)],
                ])
            }
            switch type {
            case .socialGroup:
                if rng.int(100) < 12 {
                    let industry = Vocabulary.industries[rng.int(Vocabulary.industries.count)]
                    return (place.prefix + (withTradeName ? tradeName() : "") + industry + (rng.int(3) == 0 ? "商会" : "行业协会"), industry, true)
                }
                let qualifier = rng.int(100) < 35 ? Vocabulary.qualifiers[rng.int(Vocabulary.qualifiers.count)] : ""
                // Half are 协会, the rest any 社团 form.
                let forms = Vocabulary.socialGroupForms
                let form = rng.int(2) == 0 ? "协会" : forms[rng.int(forms.count)]
                return (place.prefix + (withTradeName ? tradeName() : "") + qualifier + field + form, field, false)
            case .privateNonEnterprise:
                let form = Vocabulary.privateNonEnterpriseForms[rng.int(Vocabulary.privateNonEnterpriseForms.count)]
                return (place.prefix + tradeName() + field + form, field, false)
            case .foundation:
                return (place.prefix + tradeName() + (rng.int(100) < 70 ? field : "") + "基金会", field, false)
            }
        }
    }

    // MARK: - Helpers

    static func context(_ principal: Principal? = nil) -> RPCContext {
        var metadata = [MetadataKey.requestID: "bench"]
        if let principal { metadata[MetadataKey.principal] = principal.encoded }
        return RPCContext(method: "", metadata: metadata, deadline: nil, logger: Logger(label: "bench"))
    }

    /// VmRSS from /proc/self/status, in MB (0 where there is no /proc).
    static func residentMB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        let kB = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
        return kB / 1024
    }

    static func synchronousMode(_ database: DatabasePool) -> String {
        let mode = (try? database.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }) ?? nil
        return [0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"][mode ?? -1] ?? "?"
    }

    /// The database file and its write-ahead log.
    static func databaseBytes(_ file: URL) -> Int {
        ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: file.path + suffix)[.size] as? Int) ?? 0)
        }
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

/// A small deterministic generator (SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// 0 ..< n.
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}

/// A place bodies are registered in: how their names begin, the registrar's division, the
/// county-level division they sit in.
struct Place: Sendable {
    var prefix: String
    var registrar: String
    var seat: String
    var level: RegistrarLevel
}

/// The word lists names are made from. Nothing here contains 省、市、区、县、旗 or 盟, so the
/// name index's division pattern stops where the place ends.
enum Vocabulary {
    /// 河南省's cities and their districts, counties and county-level cities (GB/T 2260 codes).
    static let henan: [(city: String, code: String, counties: [(String, String)])] = [
        (
            "郑州市", "4101",
            [
                ("中原区", "02"), ("二七区", "03"), ("管城回族区", "04"), ("金水区", "05"), ("上街区", "06"), ("惠济区", "08"), ("中牟县", "22"), ("巩义市", "81"),
                ("荥阳市", "82"), ("新密市", "83"), ("新郑市", "84"), ("登封市", "85"),
            ]
        ),
        (
            "开封市", "4102",
            [("龙亭区", "02"), ("顺河回族区", "03"), ("鼓楼区", "04"), ("禹王台区", "05"), ("祥符区", "12"), ("杞县", "21"), ("通许县", "22"), ("尉氏县", "23"), ("兰考县", "25")]
        ),
        (
            "洛阳市", "4103",
            [
                ("老城区", "02"), ("西工区", "03"), ("瀍河回族区", "04"), ("涧西区", "05"), ("偃师区", "07"), ("孟津区", "08"), ("洛龙区", "11"), ("新安县", "23"),
                ("栾川县", "24"), ("嵩县", "25"), ("汝阳县", "26"), ("宜阳县", "27"), ("洛宁县", "28"), ("伊川县", "29"),
            ]
        ),
        (
            "平顶山市", "4104",
            [
                ("新华区", "02"), ("卫东区", "03"), ("石龙区", "04"), ("湛河区", "11"), ("宝丰县", "21"), ("叶县", "22"), ("鲁山县", "23"), ("郏县", "25"), ("舞钢市", "81"),
                ("汝州市", "82"),
            ]
        ),
        (
            "安阳市", "4105",
            [("文峰区", "02"), ("北关区", "03"), ("殷都区", "05"), ("龙安区", "06"), ("安阳县", "22"), ("汤阴县", "23"), ("滑县", "26"), ("内黄县", "27"), ("林州市", "81")]
        ),
        ("鹤壁市", "4106", [("鹤山区", "02"), ("山城区", "03"), ("淇滨区", "11"), ("浚县", "21"), ("淇县", "22")]),
        (
            "新乡市", "4107",
            [
                ("红旗区", "02"), ("卫滨区", "03"), ("凤泉区", "04"), ("牧野区", "11"), ("新乡县", "21"), ("获嘉县", "24"), ("原阳县", "25"), ("延津县", "26"),
                ("封丘县", "27"), ("卫辉市", "81"), ("长垣市", "83"),
            ]
        ),
        (
            "焦作市", "4108",
            [
                ("解放区", "02"), ("中站区", "03"), ("马村区", "04"), ("山阳区", "11"), ("修武县", "21"), ("博爱县", "22"), ("武陟县", "23"), ("温县", "25"), ("沁阳市", "82"),
                ("孟州市", "83"),
            ]
        ),
        ("濮阳市", "4109", [("华龙区", "02"), ("清丰县", "22"), ("南乐县", "23"), ("范县", "26"), ("台前县", "27"), ("濮阳县", "28")]),
        ("许昌市", "4110", [("魏都区", "02"), ("建安区", "03"), ("鄢陵县", "24"), ("襄城县", "25"), ("禹州市", "81"), ("长葛市", "82")]),
        ("漯河市", "4111", [("源汇区", "02"), ("郾城区", "03"), ("召陵区", "04"), ("舞阳县", "21"), ("临颍县", "22")]),
        ("三门峡市", "4112", [("湖滨区", "02"), ("陕州区", "03"), ("渑池县", "21"), ("卢氏县", "24"), ("义马市", "81"), ("灵宝市", "82")]),
        (
            "南阳市", "4113",
            [
                ("宛城区", "02"), ("卧龙区", "03"), ("南召县", "21"), ("方城县", "22"), ("西峡县", "23"), ("镇平县", "24"), ("内乡县", "25"), ("淅川县", "26"),
                ("社旗县", "27"), ("唐河县", "28"), ("新野县", "29"), ("桐柏县", "30"), ("邓州市", "81"),
            ]
        ),
        (
            "商丘市", "4114",
            [("梁园区", "02"), ("睢阳区", "03"), ("民权县", "21"), ("睢县", "22"), ("宁陵县", "23"), ("柘城县", "24"), ("虞城县", "25"), ("夏邑县", "26"), ("永城市", "81")]
        ),
        (
            "信阳市", "4115",
            [
                ("浉河区", "02"), ("平桥区", "03"), ("罗山县", "21"), ("光山县", "22"), ("新县", "23"), ("商城县", "24"), ("固始县", "25"), ("潢川县", "26"), ("淮滨县", "27"),
                ("息县", "28"),
            ]
        ),
        (
            "周口市", "4116",
            [
                ("川汇区", "02"), ("淮阳区", "03"), ("扶沟县", "21"), ("西华县", "22"), ("商水县", "23"), ("沈丘县", "24"), ("郸城县", "25"), ("太康县", "27"), ("鹿邑县", "28"),
                ("项城市", "81"),
            ]
        ),
        (
            "驻马店市", "4117",
            [
                ("驿城区", "02"), ("西平县", "21"), ("上蔡县", "22"), ("平舆县", "23"), ("正阳县", "24"), ("确山县", "25"), ("泌阳县", "26"), ("汝南县", "27"), ("遂平县", "28"),
                ("新蔡县", "29"),
            ]
        ),
    ]

    /// The province's bodies sit in 金水区.
    static let province = Place(prefix: "河南省", registrar: "410000", seat: "410105", level: .provincial)
    static let prefectures: [Place] = henan.map { Place(prefix: $0.city, registrar: $0.code + "00", seat: $0.code + $0.counties[0].1, level: .prefecture) }
    /// A district's bodies write the city first (安阳市文峰区); a county or county-level city's alone (滑县, 林州市).
    static let counties: [Place] = henan.flatMap { city in
        city.counties.map { county in
            Place(
                prefix: county.0.hasSuffix("区") ? city.city + county.0 : county.0, registrar: city.code + county.1, seat: city.code + county.1,
                level: .county)
        }
    }
    static let places: [Place] = [province] + prefectures + counties

    static let fields: [String] = clean([
        "书法", "硬笔书法", "围棋", "象棋", "桥牌", "摄影", "美术", "国画", "油画", "音乐", "合唱", "舞蹈", "戏曲", "豫剧", "曲艺", "文学", "诗词", "楹联", "收藏",
        "集邮", "民俗", "武术", "太极拳", "篮球", "足球", "乒乓球", "羽毛球", "网球", "游泳", "登山", "马拉松", "自行车", "钓鱼", "餐饮", "烹饪", "物流", "快递",
        "建筑", "装饰", "室内装饰", "房地产", "物业管理", "汽车", "道路运输", "旅游", "酒店", "会计", "律师", "税务", "审计", "软件", "信息技术", "电子商务",
        "人工智能", "互联网", "医药", "中医药", "护理", "康复", "心理咨询", "健康管理", "养老服务", "家政服务", "托育", "学前教育", "职业教育", "继续教育",
        "外语", "计算机", "科普", "农业", "种子", "花卉", "果蔬", "畜牧", "水产", "林业", "茶叶", "食品", "粮食", "纺织", "服装", "皮革", "钢铁", "煤炭",
        "电力", "新能源", "化工", "机械", "模具", "铸造", "印刷", "包装", "广告", "会展", "文化创意", "动漫", "影视", "出版", "图书", "古籍", "历史",
        "考古", "地理", "气象", "环境保护", "生态", "野生动物保护", "志愿服务", "慈善", "社会工作", "法学", "经济", "金融", "保险", "统计", "质量管理",
        "标准化", "计量", "消防", "安全生产", "应急救援", "残疾人康复", "老年体育", "青少年发展", "妇女发展", "家庭教育", "婚姻家庭", "人力资源", "创业",
        "就业", "退役军人服务", "红色文化", "非遗保护", "口腔医学", "眼科", "儿科", "营养", "体育舞蹈", "航模", "无线电", "天文", "数学", "物理", "化学",
        "生物", "医学", "药学", "水利", "土木工程", "测绘", "园林", "城乡规划",
    ])
    static let industries: [String] = clean([
        "餐饮", "物流", "快递", "建筑", "装饰", "房地产", "物业管理", "汽车", "道路运输", "旅游", "酒店", "软件", "电子商务", "医药", "食品", "粮食", "纺织",
        "服装", "钢铁", "煤炭", "新能源", "化工", "机械", "印刷", "包装", "广告", "会展", "家政服务", "养老服务", "美容美发", "眼镜", "珠宝", "家具",
        "陶瓷", "建材", "二手车", "电梯", "安防", "保安服务", "再生资源",
    ])
    static let qualifiers: [String] = clean(["青年", "老年", "妇女", "青少年", "少儿", "大学生", "退休", "企业", "民营", "个体", "残疾人", "农民", "职工", "教师"])
    static let socialGroupForms = ["协会", "学会", "研究会", "促进会", "联合会", "联谊会", "互助会"]
    static let privateNonEnterpriseForms = [
        "培训学校", "职业培训学校", "服务中心", "中心", "研究院", "养老院", "护理院", "幼儿园", "研究所", "事务所", "服务社", "服务站", "俱乐部", "医院",
    ]
    static func forms(_ type: OrganizationType) -> [String] {
        switch type {
        case .socialGroup: socialGroupForms
        case .privateNonEnterprise: privateNonEnterpriseForms
        case .foundation: ["基金会"]
        }
    }
    /// 字号 characters (two make one).
    static let tradeCharacters: [Character] = characters(
        "博文育才英华明德智慧启航阳光新星晨曦春蕾金桥彩虹爱心仁和康宁安泰福寿乐善美好嘉禾诚信志远鸿鹏腾飞卓越优品正道同舟知行弘毅尚雅睿思梦想童真蓝天绿洲长青松柏兰芷清源宏图大成"
            + "祥瑞恒丰永兴隆昌盛伟业锦绣东方红日月夏宇豪杰俊贤良友谊馨")
    /// Characters a one-off variant substitutes in.
    static let substitutes: [Character] = characters("修饰理艺术技工程师范业务商贸易材料器械车船书画琴棋诗歌舞剧球拳泳钓茶果花木")
    /// Fields the register does not hold, and characters no 字号 uses: the unknown names.
    static let unknownFields = ["量子通信", "无人机航拍", "古琴演奏", "剪纸", "汉服", "电子竞技", "露营", "飞盘运动", "桨板", "陶艺", "皮影戏", "街舞"]
    static let unknownCharacters: [Character] = Array("甲乙丙丁戊己庚辛壬癸")

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤").map(String.init)
    static let givenNames = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建国", "建华", "志强", "海燕", "红梅", "国庆",
        "卫东", "淑珍",
    ]

    /// The sponsor unit (业务主管单位) a body of `field` would have.
    static func sponsor(for field: String) -> String {
        let units = ["文化广电和旅游局", "教育局", "卫生健康委员会", "科学技术协会", "体育局", "工商业联合会", "农业农村局", "人力资源和社会保障局", "民政局"]
        let hash = field.unicodeScalars.reduce(0) { $0 &+ Int($1.value) }
        return units[hash % units.count]
    }

    /// The distinct characters of `text` other than division suffixes, in order.
    static func characters(_ text: String) -> [Character] {
        var seen = Set<Character>()
        return text.filter { !"省市区县旗盟".contains($0) && seen.insert($0).inserted }.map { $0 }
    }

    /// Drops anything holding a division suffix character.
    static func clean(_ words: [String]) -> [String] {
        let suffixes: Set<Character> = ["省", "市", "区", "县", "旗", "盟"]
        return words.filter { !$0.contains(where: suffixes.contains) }
    }
}
