import ArgumentParser
import CivicCatalog
import CivicProtoServices
import CivicRPC
import CivicServiceKit
import Foundation
import Logging
import NIOCore

/// Where a backend service listens.
/// Where a backend listens (ServiceAddress, shared with the services' peers).
public typealias BackendAddress = ServiceAddress

/// One backend process and the protobuf services it serves.
public struct Backend: Sendable {
    public var name: String
    public var address: BackendAddress
    public var protoServices: [String]
    public init(name: String, address: BackendAddress, protoServices: [String]) {
        self.name = name
        self.address = address
        self.protoServices = protoServices
    }
}

public struct GatewayConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    /// Framed RPC for services and other departments' systems.
    public var framesPort: Int
    /// HTTP/JSON for people's clients, health and metrics.
    public var httpPort: Int
    public var backends: [Backend]
    public var maxFrameBytes: Int
    /// Applied to calls that carry no deadline, and the most a caller may ask for.
    public var maxCallDuration: TimeAmount
    /// Connections to each backend; each carries any number of calls at once.
    public var connectionsPerBackend: Int
    public var logLevel: Logger.Level
    /// Holds `gateway.sqlite` (API keys) and, on first start, `admin.token`.
    public var dataDirectory: String
    /// The suite's internal key; seals the principal of every forwarded call.
    public var internalKey: String?
    /// CIVIC_ADMIN_TOKEN: registered as an admin key at start.
    public var adminToken: String?
    public var rateLimits: [Principal.Role: RateLimiter.Limit]
    /// Calls one caller (a key, or a public address) may have in flight at once.
    public var maxInFlightPerCaller: Int
    /// Calls one connection may have in flight at once.
    public var maxInFlightPerConnection: Int
    /// Framed connections one client address may hold open at once.
    public var maxConnectionsPerClient: Int

    public init(
        host: String = "127.0.0.1", framesPort: Int = ServiceCatalog.Gateway.framesPort, httpPort: Int = ServiceCatalog.Gateway.httpPort,
        backends: [Backend], maxFrameBytes: Int = 4 * 1024 * 1024, maxCallDuration: TimeAmount = .seconds(60),
        connectionsPerBackend: Int = System.coreCount, logLevel: Logger.Level = .info, dataDirectory: String = "./data",
        internalKey: String? = nil, adminToken: String? = nil, rateLimits: [Principal.Role: RateLimiter.Limit] = RateLimiter.defaultLimits,
        maxInFlightPerCaller: Int = 256, maxInFlightPerConnection: Int = 1024, maxConnectionsPerClient: Int = 256
    ) {
        self.maxConnectionsPerClient = maxConnectionsPerClient
        self.dataDirectory = dataDirectory
        self.internalKey = internalKey
        self.adminToken = adminToken
        self.rateLimits = rateLimits
        self.maxInFlightPerCaller = maxInFlightPerCaller
        self.maxInFlightPerConnection = maxInFlightPerConnection
        self.host = host
        self.framesPort = framesPort
        self.httpPort = httpPort
        self.backends = backends
        self.maxFrameBytes = maxFrameBytes
        self.maxCallDuration = maxCallDuration
        self.connectionsPerBackend = max(1, connectionsPerBackend)
        self.logLevel = logLevel
    }

    /// The catalog's domain services on their default ports of `host` (`ports` overrides by name).
    public static func standardBackends(host: String = "127.0.0.1", ports: [String: Int] = [:]) -> [Backend] {
        ServiceCatalog.services.map { entry in
            Backend(name: entry.name, address: .init(host: host, port: ports[entry.name] ?? entry.defaultPort), protoServices: entry.protoServices)
        }
    }

    public var description: String {
        "host=\(host) frames-port=\(framesPort) http-port=\(httpPort) data=\(dataDirectory) max-frame-bytes=\(maxFrameBytes) "
            + "internal-key=\(internalKey == nil ? "none" : "set") admin-token=\(adminToken == nil ? "none" : "set") "
            + "max-in-flight-per-caller=\(maxInFlightPerCaller) rate-limits="
            + rateLimits.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.name):\($0.value.perSecond)/\($0.value.burst)" }.joined(separator: ",")
            + " "
            + "connections-per-backend=\(connectionsPerBackend) backends=" + backends.map { "\($0.name)@\($0.address)" }.joined(separator: ",")
    }
}

/// The gateway executable's flags; each falls back to an environment variable.
public struct GatewayOptions: ParsableArguments, Sendable {
    @Option(help: "Address to listen on. Env: CIVIC_HOST. Default: 127.0.0.1.")
    public var host: String?
    @Option(help: "Port for framed RPC. Env: CIVIC_GATEWAY_PORT. Default: 7000.")
    public var port: Int?
    @Option(help: "Port for HTTP/JSON, /healthz and /metrics. Env: CIVIC_GATEWAY_HTTP_PORT. Default: 8080.")
    public var httpPort: Int?
    @Option(
        name: .customLong("backend"),
        help: ArgumentHelp(
            "Where a service listens, as NAME=HOST:PORT; repeat for each. Env: CIVIC_<NAME>_ADDR (HOST:PORT). Default: 127.0.0.1 on the service's default port.",
            valueName: "name=host:port"))
    public var backendAddresses: [String] = []
    @Option(help: "Connections kept to each backend. Env: CIVIC_GATEWAY_BACKEND_CONNECTIONS. Default: one per core.")
    public var backendConnections: Int?
    @Option(help: "Largest accepted frame body in bytes. Env: CIVIC_MAX_FRAME_BYTES. Default: 4194304.")
    public var maxFrameBytes: Int?
    @Option(help: "trace … critical. Env: CIVIC_LOG_LEVEL. Default: info.")
    public var logLevel: String?
    @Option(name: .customLong("data"), help: "Folder for gateway.sqlite (API keys) and admin.token. Env: CIVIC_DATA. Default: ./data.")
    public var dataDirectory: String?
    @Option(help: "File holding the suite's internal key. Env: CIVIC_INTERNAL_KEY (the key) or CIVIC_INTERNAL_KEY_FILE.")
    public var internalKeyFile: String?
    @Option(help: "Calls one caller may have in flight. Env: CIVIC_GATEWAY_MAX_IN_FLIGHT. Default: 256.")
    public var maxInFlight: Int?
    @Option(help: "Framed connections one client address may hold. Env: CIVIC_GATEWAY_MAX_CONNECTIONS_PER_CLIENT. Default: 256.")
    public var maxConnectionsPerClient: Int?

    public init() {}

    public func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GatewayConfiguration {
        let env = EnvironmentSettings(environment)
        let host = self.host ?? env.string("CIVIC_HOST") ?? "127.0.0.1"
        let framesPort = try port ?? env.int("CIVIC_GATEWAY_PORT") ?? ServiceCatalog.Gateway.framesPort
        let httpPort = try self.httpPort ?? env.int("CIVIC_GATEWAY_HTTP_PORT") ?? ServiceCatalog.Gateway.httpPort
        for (name, value) in [("port", framesPort), ("http port", httpPort)] where !(0...65535).contains(value) {
            throw ValidationError("\(name) \(value) is outside 0…65535")
        }
        var flags: [String: String] = [:]
        for text in backendAddresses {
            guard let eq = text.firstIndex(of: "="), ServiceCatalog.service(named: String(text[..<eq])) != nil else {
                throw ValidationError("--backend \(text) is not NAME=HOST:PORT with NAME one of \(ServiceCatalog.serviceNames.joined(separator: ", "))")
            }
            flags[String(text[..<eq])] = String(text[text.index(after: eq)...])
        }
        var backends = GatewayConfiguration.standardBackends()
        for i in backends.indices {
            let entry = ServiceCatalog.services[i]
            if let text = flags[entry.name] ?? env.string(entry.addressVariable) {
                backends[i].address = try BackendAddress(parsing: text)
            }
        }
        let connections = try backendConnections ?? env.int("CIVIC_GATEWAY_BACKEND_CONNECTIONS") ?? System.coreCount
        guard (1...64).contains(connections) else { throw ValidationError("backend connections \(connections) is outside 1…64") }
        let frame = try maxFrameBytes ?? env.int("CIVIC_MAX_FRAME_BYTES") ?? 4 * 1024 * 1024
        guard frame >= 1024 && frame <= 64 * 1024 * 1024 else { throw ValidationError("max frame bytes \(frame) is outside 1 KiB…64 MiB") }
        let level = try parseLogLevel(logLevel ?? env.string("CIVIC_LOG_LEVEL") ?? "info")
        var limits = RateLimiter.defaultLimits
        for role in Principal.Role.assignable + [.public] {
            let variable = "CIVIC_RATE_\(role.name.uppercased())"
            if let text = env.string(variable) {
                guard let limit = RateLimiter.Limit(parsing: text) else {
                    throw ValidationError("\(variable)=\(text) is not RATE or RATE:BURST (calls per second; RATE 0.001…1e9, BURST 1…1e9)")
                }
                limits[role] = limit
            }
        }
        let inFlight = try maxInFlight ?? env.int("CIVIC_GATEWAY_MAX_IN_FLIGHT") ?? 256
        guard (1...100_000).contains(inFlight) else { throw ValidationError("max in flight \(inFlight) is outside 1…100000") }
        let connectionsPerClient = try maxConnectionsPerClient ?? env.int("CIVIC_GATEWAY_MAX_CONNECTIONS_PER_CLIENT") ?? 256
        guard (1...100_000).contains(connectionsPerClient) else {
            throw ValidationError("max connections per client \(connectionsPerClient) is outside 1…100000")
        }
        return GatewayConfiguration(
            host: host, framesPort: framesPort, httpPort: httpPort, backends: backends, maxFrameBytes: frame,
            connectionsPerBackend: connections, logLevel: level, dataDirectory: dataDirectory ?? env.string("CIVIC_DATA") ?? "./data",
            internalKey: try InternalKey.load(file: internalKeyFile, environment: env), adminToken: env.string("CIVIC_ADMIN_TOKEN"),
            rateLimits: limits, maxInFlightPerCaller: inFlight, maxConnectionsPerClient: connectionsPerClient)
    }
}
