import ArgumentParser
import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import NIOCore

/// `civic health`: every service's state through the gateway, or one process's (`--probe`).
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every service's health through the gateway; exit 0 only when all are SERVING.",
        discussion: "With --probe host:port it asks one process directly (the container health check).")

    @OptionGroup var gateway: GatewayAddressOption

    @Option(help: "Ask this process (a service or the gateway) directly, host:port.")
    var probe: String?

    @Option(help: "Milliseconds to wait.")
    var timeoutMs: Int = 3_000

    func run() async throws {
        let (host, port) = try probe.map(parseHostPort) ?? gateway.resolve()
        let client = RPCClient(host: host, port: port)
        defer { Task { await client.close() } }
        let health = Civic_Health_V1_HealthClient(client)
        let response: Civic_Health_V1_HealthCheckResponse
        // Health is public: no key is sent. A probe asks about the process itself; otherwise
        // the gateway reports every service.
        var request = Civic_Health_V1_HealthCheckRequest()
        if probe != nil { request.service = Civic_Health_V1_Health.name }
        do {
            response = try await health.check(request, options: CallOptions(timeout: .milliseconds(Int64(timeoutMs))))
        } catch let error as RPCError {
            print("\(host):\(port) \(error.code.name): \(error.message)")
            throw ExitCode(1)
        }
        if probe == nil {
            for (service, status) in response.services.sorted(by: { $0.key < $1.key }) {
                print("\(service.padding(toLength: 44, withPad: " ", startingAt: 0)) \(name(status))")
            }
        }
        print("overall".padding(toLength: 44, withPad: " ", startingAt: 0) + " \(name(response.status))")
        // Warnings do not change the exit status: the suite serves, but an operator should act.
        for warning in response.warnings { print("warning: \(warning)") }
        if response.status != .serving { throw ExitCode(1) }
    }

    private func name(_ status: Civic_Health_V1_HealthCheckResponse.ServingStatus) -> String {
        switch status {
        case .serving: "SERVING"
        case .notServing: "NOT_SERVING"
        case .serviceUnknown: "SERVICE_UNKNOWN"
        case .unknown: "UNKNOWN"
        case .UNRECOGNIZED(let n): "STATUS_\(n)"
        }
    }
}
