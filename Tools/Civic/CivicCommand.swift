import ArgumentParser
import Foundation

@main
struct CivicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "civic",
        abstract: "Civic: the civil-affairs (民政) service suite — launcher, client and benchmark.",
        subcommands: [Up.self, Call.self, Health.self, Keys.self, Flows.self, Demo.self, Bench.self])
}

/// Where to reach the gateway's framed face.
struct GatewayAddressOption: ParsableArguments {
    @Option(name: .customLong("gateway"), help: "Gateway framed-RPC address host:port. Env: CIVIC_GATEWAY_ADDR. Default: 127.0.0.1:7000.")
    var address: String?

    func resolve() throws -> (host: String, port: Int) {
        try parseHostPort(address ?? EnvironmentValue.get("CIVIC_GATEWAY_ADDR") ?? "127.0.0.1:7000")
    }
}

enum EnvironmentValue {
    static func get(_ key: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else { return nil }
        return value
    }
}

func parseHostPort(_ text: String) throws -> (host: String, port: Int) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
        throw ValidationError("\"\(text)\" is not host:port")
    }
    return (parts[0].isEmpty ? "127.0.0.1" : String(parts[0]), port)
}

/// The caller's API key: --token, else CIVIC_TOKEN, else the file --token-file names, else
/// the admin token the gateway wrote on first start (<data>/admin.token), if readable.
struct CredentialOption: ParsableArguments {
    @Option(help: "API key. Env: CIVIC_TOKEN.")
    var token: String?

    @Option(help: "File holding the API key. Default: $CIVIC_DATA/admin.token (./data/admin.token).")
    var tokenFile: String?

    /// --token, then --token-file (which must be readable), then CIVIC_TOKEN, then the
    /// default admin.token if it exists.
    func resolve() throws -> String? {
        if let token, !token.isEmpty { return token }
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else { throw ValidationError("cannot read --token-file \(tokenFile)") }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let token = EnvironmentValue.get("CIVIC_TOKEN") { return token }
        let path = ((EnvironmentValue.get("CIVIC_DATA") ?? "./data") as NSString).appendingPathComponent("admin.token")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return token.isEmpty ? nil : token
    }

    /// Metadata carrying the key, if there is one.
    func metadata() throws -> [String: String] {
        try resolve().map { ["authorization": "Bearer \($0)"] } ?? [:]
    }
}
