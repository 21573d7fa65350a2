import AssistanceService
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import EldercareService
import EnforcementService
import Foundation
import GatewayService
import Logging
import NIOCore
import OrganizationsService
import ProposalsService
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The whole suite in-process on loopback, each server on a free port, databases in a
/// temporary folder: the same code the executables run.
final class RunningSuite: @unchecked Sendable {
    let dataDirectory: String
    var services: [String: ServiceHost] = [:]
    var ports: [String: Int] = [:]
    var gateway: RunningGateway!

    static let definitions = [
        ProposalsService.definition, AssistanceService.definition, EldercareService.definition,
        OrganizationsService.definition, EnforcementService.definition,
    ]

    init() {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("civic-it-\(UUID().uuidString)").path
    }

    static func start() async throws -> RunningSuite {
        let suite = RunningSuite()
        for definition in definitions {
            try await suite.startService(definition)
        }
        let backends = GatewayConfiguration.standardBackends(ports: suite.ports)
        suite.gateway = try await RunningGateway.start(configuration: GatewayConfiguration(
            framesPort: 0, httpPort: 0, backends: backends, maxCallDuration: .seconds(10), connectionsPerBackend: 2))
        return suite
    }

    /// Starts (or restarts, on its previous port) one service.
    func startService(_ definition: ServiceDefinition) async throws {
        let host = try await ServiceHost.start(definition, configuration: ServiceConfiguration(port: ports[definition.name] ?? 0, dataDirectory: dataDirectory))
        services[definition.name] = host
        ports[definition.name] = host.port
    }

    func stopService(_ name: String) async {
        await services.removeValue(forKey: name)?.shutdown()
    }

    func stop() async {
        await gateway?.stop()
        for host in services.values { await host.shutdown() }
        services.removeAll()
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    func gatewayClient() -> RPCClient {
        RPCClient(host: "127.0.0.1", port: gateway.framesPort)
    }

    /// POSTs to the gateway's HTTP face; returns status, headers and body.
    func http(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) async throws -> (status: Int, headers: [String: String], body: String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(gateway.httpPort)\(path)")!)
        request.httpMethod = method
        if let body { request.httpBody = Data(body.utf8) }
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { fields[String(describing: k).lowercased()] = String(describing: v) }
        return (http.statusCode, fields, String(decoding: data, as: UTF8.self))
    }
}

func registerRequest(number: String = "第21-168号", year: Int32 = 2021) -> Civic_Proposals_V1_RegisterItemRequest {
    var request = Civic_Proposals_V1_RegisterItemRequest()
    request.kind = .npcSuggestion
    request.year = year
    request.session = "十七届区人大一次会议"
    request.number = number
    request.title = "关于发展社区嵌入式养老服务的建议"
    request.topic = "elderly_care"
    var lead = Civic_Proposals_V1_Proposer()
    lead.name = "李四"
    lead.lead = true
    lead.delegation = "嘉定代表团"
    request.proposers = [lead]
    return request
}

func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(.unknown, "unexpected error type: \(error)")
    }
}

func waitUntil(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws {
    let giveUp = ContinuousClock.now + timeout
    while ContinuousClock.now < giveUp {
        if try await condition() { return }
        try await Task.sleep(nanoseconds: 20_000_000)
    }
    Issue.record("condition not met within \(timeout)")
    throw CancellationError()
}

/// Decodes the gateway's JSON error body.
func errorBody(_ text: String) throws -> HTTPFace.ErrorBody {
    try JSONDecoder().decode(HTTPFace.ErrorBody.self, from: Data(text.utf8))
}
