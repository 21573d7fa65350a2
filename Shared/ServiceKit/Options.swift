import ArgumentParser
import CivicCatalog
import Foundation
import Logging

/// Command-line options every service executable takes. Each falls back to an environment
/// variable, then to the default: flags override the environment (docs/OPERATIONS.md).
public struct ServiceOptions: ParsableArguments, Sendable {
    @Option(help: "Address to listen on. Env: CIVIC_HOST. Default: 127.0.0.1.")
    public var host: String?

    @Option(help: "TCP port for framed RPC (0 picks a free one). Env: CIVIC_<NAME>_PORT.")
    public var port: Int?

    @Option(name: .customLong("data"), help: "Folder holding the SQLite database. Env: CIVIC_DATA. Default: ./data.")
    public var dataDirectory: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical. Env: CIVIC_LOG_LEVEL. Default: info.")
    public var logLevel: String?

    @Option(help: "Largest accepted frame body in bytes. Env: CIVIC_MAX_FRAME_BYTES. Default: 4194304.")
    public var maxFrameBytes: Int?

    @Option(
        help: "File holding the suite's internal key; calls must then come through the gateway. Env: CIVIC_INTERNAL_KEY (the key) or CIVIC_INTERNAL_KEY_FILE.")
    public var internalKeyFile: String?

    @Option(
        name: .customLong("peer"),
        help: ArgumentHelp(
            "Where another Civic service listens, for the flows (docs/FLOWS.md), as NAME=HOST:PORT; repeat for each. Env: CIVIC_<NAME>_ADDR. Default: 127.0.0.1 on its default port.",
            valueName: "name=host:port"))
    public var peerAddresses: [String] = []

    public init() {}
}

/// Where a Civic process listens: "host:port".
public struct ServiceAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses "host:port" (or ":port" / "port" for 127.0.0.1).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        let host = parts.count == 2 ? String(parts[0]) : "127.0.0.1"
        guard let portText = parts.last, let port = Int(portText), (1...65535).contains(port), parts.count <= 2 else {
            throw ValidationError("\"\(text)\" is not host:port")
        }
        self.init(host: host.isEmpty ? "127.0.0.1" : host, port: port)
    }

    public var description: String { "\(host):\(port)" }
}

/// The resolved, validated settings of one service process.
public struct ServiceConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var dataDirectory: String
    public var logLevel: Logger.Level
    public var maxFrameBytes: Int
    /// When set, only calls sealed by the gateway with this key are served.
    public var internalKey: String?
    /// Where the other services listen, for the flows: every other service of the catalog.
    public var peers: [String: ServiceAddress] = [:]

    public init(
        host: String = "127.0.0.1", port: Int = 0, dataDirectory: String, logLevel: Logger.Level = .info, maxFrameBytes: Int = 4 * 1024 * 1024,
        internalKey: String? = nil
    ) {
        self.internalKey = internalKey
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.logLevel = logLevel
        self.maxFrameBytes = maxFrameBytes
    }

    public var description: String {
        "host=\(host) port=\(port) data=\(dataDirectory) log-level=\(logLevel) max-frame-bytes=\(maxFrameBytes) internal-key=\(internalKey == nil ? "none" : "set")"
    }

    /// Flags, then environment, then defaults; throws a `ValidationError` naming the bad setting.
    public static func resolve(_ options: ServiceOptions, name: String, defaultPort: Int, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> ServiceConfiguration
    {
        let env = EnvironmentSettings(environment)
        let host = options.host ?? env.string("CIVIC_HOST") ?? "127.0.0.1"
        let port = try options.port ?? env.int("CIVIC_\(name.uppercased())_PORT") ?? defaultPort
        let data = options.dataDirectory ?? env.string("CIVIC_DATA") ?? "./data"
        let level = try parseLogLevel(options.logLevel ?? env.string("CIVIC_LOG_LEVEL") ?? "info")
        let frame = try options.maxFrameBytes ?? env.int("CIVIC_MAX_FRAME_BYTES") ?? 4 * 1024 * 1024
        guard (0...65535).contains(port) else { throw ValidationError("port \(port) is outside 0…65535") }
        guard frame >= 1024 && frame <= 64 * 1024 * 1024 else { throw ValidationError("max frame bytes \(frame) is outside 1 KiB…64 MiB") }
        guard !host.isEmpty else { throw ValidationError("host must not be empty") }
        let key = try InternalKey.load(file: options.internalKeyFile, environment: env)
        var configuration = ServiceConfiguration(host: host, port: port, dataDirectory: data, logLevel: level, maxFrameBytes: frame, internalKey: key)
        configuration.peers = try peers(options.peerAddresses, environment: env, except: name)
        return configuration
    }

    /// Every other service's address: `--peer NAME=HOST:PORT`, else CIVIC_<NAME>_ADDR, else
    /// 127.0.0.1 on its default port.
    static func peers(_ flags: [String], environment env: EnvironmentSettings, except name: String) throws -> [String: ServiceAddress] {
        var given: [String: String] = [:]
        for flag in flags {
            let parts = flag.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, ServiceCatalog.services.contains(where: { $0.name == parts[0] }) else {
                throw ValidationError("--peer \(flag) is not NAME=HOST:PORT with NAME one of \(ServiceCatalog.services.map(\.name).joined(separator: ", "))")
            }
            given[parts[0]] = parts[1]
        }
        var peers: [String: ServiceAddress] = [:]
        for entry in ServiceCatalog.services where entry.name != name {
            if let text = given[entry.name] ?? env.string(entry.addressVariable) {
                do {
                    peers[entry.name] = try ServiceAddress(parsing: text)
                } catch {
                    throw ValidationError("\(entry.addressVariable) / --peer \(entry.name)=\(text) is not host:port")
                }
            } else {
                peers[entry.name] = ServiceAddress(host: "127.0.0.1", port: entry.defaultPort)
            }
        }
        return peers
    }
}

public func parseLogLevel(_ text: String) throws -> Logger.Level {
    guard let level = Logger.Level(rawValue: text.lowercased()) else {
        throw ValidationError("unknown log level \"\(text)\" (trace, debug, info, notice, warning, error, critical)")
    }
    return level
}

/// Reads typed settings from environment variables, naming the variable when one is malformed.
public struct EnvironmentSettings: Sendable {
    let values: [String: String]
    public init(_ values: [String: String] = ProcessInfo.processInfo.environment) { self.values = values }

    public func string(_ key: String) -> String? {
        guard let value = values[key], !value.isEmpty else { return nil }
        return value
    }

    public func int(_ key: String) throws -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text) else { throw ValidationError("\(key)=\(text) is not a whole number") }
        return value
    }

    /// An on/off switch: nil when unset; on/true/1 or off/false/0 in any case.
    public func flag(_ key: String) throws -> Bool? {
        switch string(key)?.lowercased() {
        case nil: return nil
        case "on", "true", "1": return true
        case "off", "false", "0": return false
        case let other?: throw ValidationError("\(key)=\(other) is neither on nor off")
        }
    }
}

/// Sends logs to standard error at `level`, once per process.
public enum CivicLogging {
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// The suite's internal key (docs/ACCESS.md): from a file named by flag or
/// CIVIC_INTERNAL_KEY_FILE, or the value of CIVIC_INTERNAL_KEY.
public enum InternalKey {
    public static func load(file: String?, environment env: EnvironmentSettings) throws -> String? {
        if let path = file ?? env.string("CIVIC_INTERNAL_KEY_FILE") {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the internal key file \(path)")
            }
            return try validated(text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return try env.string("CIVIC_INTERNAL_KEY").map(validated)
    }

    private static func validated(_ key: String) throws -> String {
        guard key.utf8.count >= 32 else { throw ValidationError("the internal key must be at least 32 characters") }
        return key
    }
}
