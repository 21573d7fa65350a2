import ArgumentParser
import CivicProtoServices
import CivicRPC
import Foundation
import NIOCore

/// `civic call <package.Service/Method> '<json>'`: a grpcurl for Civic's protocol.
struct Call: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Call any method through the gateway and print the JSON reply (or the status).",
        discussion: """
            Example:
              civic call civic.proposals.v1.ProposalService/ListItems '{"year": 2021}'
            The request is protobuf canonical JSON; '-' reads it from standard input, '@file' from a file.
            On an error the status is printed to standard error and the exit code is the gRPC status code.
            """)

    @Argument(help: "The method, package.Service/Method.")
    var method: String

    @Argument(help: "The request as JSON ('-' for stdin, '@path' for a file). Default: {}.")
    var request: String = "{}"

    @OptionGroup var gateway: GatewayAddressOption
    @OptionGroup var credential: CredentialOption

    @Option(help: "Milliseconds to wait for the answer.")
    var timeoutMs: Int = 30_000

    @Option(name: .customLong("metadata"), help: "Extra metadata key=value (repeatable), e.g. idempotency-key=abc.")
    var metadata: [String] = []

    func run() async throws {
        let path = method.hasPrefix("/") ? method : "/" + method
        guard let rpcMethod = CivicServiceRegistry.methodsByPath[path] else {
            let known = CivicServiceRegistry.methodsByPath.keys.sorted().map { "  " + $0.dropFirst() }.joined(separator: "\n")
            throw ValidationError("unknown method \(method). Known methods:\n\(known)")
        }
        let json = try readRequest()
        var options = CallOptions(metadata: try credential.metadata(), timeout: .milliseconds(Int64(timeoutMs)))
        for pair in metadata {
            guard let eq = pair.firstIndex(of: "=") else { throw ValidationError("metadata \"\(pair)\" is not key=value") }
            options.metadata[String(pair[..<eq]).lowercased()] = String(pair[pair.index(after: eq)...])
        }
        let (host, port) = try gateway.resolve()
        let client = RPCClient(host: host, port: port)
        defer { Task { await client.close() } }
        let reply = try await reportingStatus {
            let payload = try ProtoJSON.binary(fromJSON: Array(json.utf8), as: rpcMethod.requestType)
            return try await client.call(method: path, payload: payload, options: options)
        }
        print(prettyJSON(try ProtoJSON.json(fromBinary: reply, as: rpcMethod.responseType)))
    }

    private func readRequest() throws -> String {
        if request == "-" {
            return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        if request.hasPrefix("@") {
            return try String(contentsOfFile: String(request.dropFirst()), encoding: .utf8)
        }
        return request
    }
}

/// Re-indents canonical JSON for people, keeping protobuf's field order.
func prettyJSON(_ data: Data) -> String {
    guard let object = try? JSONSerialization.jsonObject(with: data),
        let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    else {
        return String(decoding: data, as: UTF8.self)
    }
    return String(decoding: pretty, as: UTF8.self)
}
