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

    /// The admin key the suite's gateway registers at start (CIVIC_ADMIN_TOKEN).
    static let adminToken = "civic_test-admin-token-0123456789abcdefghij"
    /// The internal key the gateway seals principals with.
    let internalKey = GatewaySeal.generateSecret()

    static func start(rateLimits: [Principal.Role: RateLimiter.Limit] = RateLimiter.defaultLimits) async throws -> RunningSuite {
        let suite = RunningSuite()
        for definition in definitions {
            try await suite.startService(definition)
        }
        await suite.wirePeers()
        let backends = GatewayConfiguration.standardBackends(ports: suite.ports)
        suite.gateway = try await RunningGateway.start(
            configuration: GatewayConfiguration(
                framesPort: 0, httpPort: 0, backends: backends, maxCallDuration: .seconds(10), connectionsPerBackend: 2,
                dataDirectory: suite.dataDirectory, internalKey: suite.internalKey, adminToken: adminToken, rateLimits: rateLimits))
        return suite
    }

    /// Starts (or restarts, on its previous port) one service.
    func startService(_ definition: ServiceDefinition) async throws {
        // The daily urging job would race the tests' own urging checks on the real clock.
        var configuration = ServiceConfiguration(port: ports[definition.name] ?? 0, dataDirectory: dataDirectory, internalKey: internalKey)
        // A restart knows where the others listen; a first start is wired by `wirePeers` once all run.
        configuration.peers = ports.filter { $0.key != definition.name }.mapValues { ServiceAddress(host: "127.0.0.1", port: $0) }
        let host = try await ServiceHost.start(
            definition, configuration: configuration,
            environment: ["CIVIC_PROPOSALS_DAILY_URGING": "off", "CIVIC_ELDERCARE_DAILY_SWEEP": "off"])
        services[definition.name] = host
        ports[definition.name] = host.port
    }

    /// Tells every running service where the others listen (each took a free port), for the flows.
    func wirePeers() async {
        for (name, host) in services {
            for (peer, port) in ports where peer != name {
                await host.flowTransport.setPeer(peer, ServiceAddress(host: "127.0.0.1", port: port))
            }
        }
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

    /// A caller through the gateway's framed face with `token` (admin by default; nil = none).
    func caller(token: String? = RunningSuite.adminToken) -> Authenticated {
        Authenticated(client: gatewayClient(), token: token)
    }

    /// Issues a key through the gateway's KeyService, as an admin; returns its token.
    func issueKey(_ key: NewKey) async throws -> String {
        let admin = Civic_Gateway_V1_KeyServiceClient(caller())
        var request = Civic_Gateway_V1_CreateKeyRequest()
        request.name = key.name
        request.roles = key.roles
        request.services = key.services
        request.subject = key.subject
        request.division = key.division
        return try await admin.createKey(request).token
    }

    /// POSTs to the gateway's HTTP face; returns status, headers and body.
    func http(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:], token: String? = RunningSuite.adminToken) async throws
        -> (status: Int, headers: [String: String], body: String)
    {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(gateway.httpPort)\(path)")!)
        request.httpMethod = method
        if let body { request.httpBody = Data(body.utf8) }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
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

/// An RPCCaller that adds a bearer token to every call.
struct Authenticated: RPCCaller {
    let client: RPCClient
    let token: String?

    func call(method: String, payload: Data, options: CallOptions) async throws -> Data {
        var options = options
        if let token { options.metadata[MetadataKey.authorization] = "Bearer \(token)" }
        return try await client.call(method: method, payload: payload, options: options)
    }

    func close() async { await client.close() }
}

func temporaryFolder() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("civic-\(UUID().uuidString)").path
}
