import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import GatewayService
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// A stand-in backend serving proposals' GetItem: records the metadata and deadline it
/// receives; sleeps when the id asks it to.
final class FakeProposals: Sendable {
    let seen = NIOLockedValueBox<[(metadata: [String: String], deadlineMillis: Int64?)]>([])
    /// Health checks this backend answered.
    let healthChecks = NIOLockedValueBox(0)
    let server: RPCServer

    init(name: String) async throws {
        let seen = self.seen
        let healthChecks = self.healthChecks
        server = RPCServer(
            configuration: .init(),
            handlers: [
                RPCHandler(Civic_Health_V1_Health.Method.check) { (_: Civic_Health_V1_HealthCheckRequest, _) in
                    healthChecks.withLockedValue { $0 += 1 }
                    return Civic_Health_V1_HealthCheckResponse.with { $0.status = .serving }
                },
                RPCHandler(Civic_Proposals_V1_ProposalService.Method.getItem) { (request: Civic_Proposals_V1_GetItemRequest, context) in
                    let millis = context.deadline.map { ($0 - .now()).nanoseconds / 1_000_000 }
                    seen.withLockedValue { $0.append((context.metadata, millis)) }
                    if request.id.hasPrefix("sleep-") { try await Task.sleep(nanoseconds: UInt64(request.id.dropFirst(6))! * 1_000_000) }
                    var response = Civic_Proposals_V1_GetItemResponse()
                    response.item.id = request.id
                    response.item.title = name
                    return response
                },
            ])
        try await server.start()
    }

    var port: Int { server.localAddress!.port! }
}

@Suite("Gateway", .serialized)
struct GatewayTests {
    func gateway(proposalsPort: Int, maxCallDuration: TimeAmount = .seconds(10)) async throws -> RunningGateway {
        try await RunningGateway.start(
            configuration: GatewayConfiguration(
                framesPort: 0, httpPort: 0, backends: GatewayConfiguration.standardBackends(ports: ["proposals": proposalsPort, "assistance": 1]),
                maxCallDuration: maxCallDuration, connectionsPerBackend: 2, dataDirectory: temporaryFolder()), authorizer: OpenAccess())
    }

    /// The suite's health, which anyone may ask without a key, costs the backends one probe a
    /// second however often it is asked.
    @Test func suiteHealthProbesTheBackendsAtMostOnceASecond() async throws {
        let backend = try await FakeProposals(name: "fake-proposals")
        let gateway = try await gateway(proposalsPort: backend.port)
        let client = RPCClient(host: "127.0.0.1", port: gateway.framesPort)
        let health = Civic_Health_V1_HealthClient(client)
        // Twenty at once share one probe (it waits up to a second for the backends that are down);
        // five right after it share its answer.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 { group.addTask { _ = try await health.check(.init()) } }
            try await group.waitForAll()
        }
        for _ in 0..<5 { _ = try await health.check(.init()) }
        // One probe; on a loaded machine, where the calls themselves can be spread over more than
        // a second, two at most — never one a call.
        let probes = backend.healthChecks.withLockedValue { $0 }
        #expect((1...2).contains(probes), "\(probes) probes for 25 calls")
        // A second after the probe finished, the next call probes again.
        try await Task.sleep(nanoseconds: 1_100_000_000)
        _ = try await health.check(.init())
        #expect(backend.healthChecks.withLockedValue { $0 } == probes + 1)
        await client.close()
        await gateway.stop()
        await backend.server.shutdownGracefully()
    }

    @Test func routesByServiceForwardsMetadataAndPropagatesTheDeadline() async throws {
        let backend = try await FakeProposals(name: "fake-proposals")
        let gateway = try await gateway(proposalsPort: backend.port)
        let client = RPCClient(host: "127.0.0.1", port: gateway.framesPort)
        let proposals = Civic_Proposals_V1_ProposalServiceClient(client)
        let reply = try await proposals.getItem(
            .with { $0.id = "item-1" },
            options: .init(
                metadata: [MetadataKey.requestID: "req-7", MetadataKey.idempotencyKey: "idem-1", "civic-principal": "forged-admin"],
                timeout: .milliseconds(5000)))
        #expect(reply.item.title == "fake-proposals")
        #expect(reply.item.id == "item-1")
        let seen = try #require(backend.seen.withLockedValue { $0.first })
        #expect(seen.metadata[MetadataKey.requestID] == "req-7")
        #expect(seen.metadata[MetadataKey.idempotencyKey] == "idem-1")
        #expect(seen.metadata[MetadataKey.principal].flatMap(Principal.init(encoded:))?.id == "anonymous", "a caller cannot vouch for itself")

        // No spelling of the credential or of the gateway's own keys gets through.
        _ = try await proposals.getItem(
            .with { $0.id = "item-0" },
            options: .init(metadata: [
                "Authorization": "Bearer a", "AUTHORIZATION": "Bearer b", "authorization": "Bearer c", "Civic-Principal": "forged", "CIVIC-SEAL": "x",
                "authorization-note": "kept",
            ]))
        let spelled = try #require(backend.seen.withLockedValue { $0.last?.metadata })
        #expect(spelled.keys.filter { $0.lowercased() == "authorization" || $0.lowercased().hasPrefix("civic-") }.sorted() == ["civic-principal"])
        #expect(spelled["authorization-note"] == "kept")
        let millis = try #require(seen.deadlineMillis)
        // The caller's 5 s less the time it took to get here: under a loaded CI machine (other suites
        // run beside this one) that can be more than a second, so only the bounds are checked — the
        // gateway's own limit (10 s) would show if the caller's deadline were not passed on.
        #expect(millis > 0 && millis <= 5000, "deadline arrived as \(millis) ms")

        // Without a request id the gateway makes one.
        _ = try await proposals.getItem(.with { $0.id = "item-2" })
        let generated = backend.seen.withLockedValue { $0.last?.metadata[MetadataKey.requestID] }
        #expect(generated?.hasPrefix("gw-") == true)
        // Nor is a caller's id passed on that could break a log line or the seal's fields.
        _ = try await proposals.getItem(.with { $0.id = "item-3" }, options: .init(metadata: [MetadataKey.requestID: "r\ncivic-principal=admin"]))
        let replaced = backend.seen.withLockedValue { $0.last?.metadata[MetadataKey.requestID] }
        #expect(replaced?.hasPrefix("gw-") == true)

        // The answer leaves under the caller's call id with the request id added, the payload's
        // bytes as the backend sent them (the gateway splices the envelope, not the message).
        var raw = Civic_Rpc_V1_RequestEnvelope()
        raw.method = Civic_Proposals_V1_ProposalService.Method.getItem.path
        raw.payload = try Civic_Proposals_V1_GetItemRequest.with { $0.id = "item-4" }.serializedBytes()
        raw.metadata = [MetadataKey.requestID: "req-8"]
        let answer = try await client.send(raw, timeout: .seconds(5)).get()
        #expect(answer.status.code == .ok)
        #expect(answer.metadata == [MetadataKey.requestID: "req-8"])
        #expect(try Civic_Proposals_V1_GetItemResponse(serializedBytes: answer.payload).item.id == "item-4")

        // A method no service has.
        let unknown = await rpcError { _ = try await client.call(method: "/civic.nowhere.v1.X/Y", payload: Data(), options: .init()) }
        #expect(unknown?.code == .unimplemented)
        let malformed = await rpcError { _ = try await client.call(method: "no-slash", payload: Data(), options: .init()) }
        #expect(malformed?.code == .unimplemented)

        await client.close()
        await gateway.stop()
        await backend.server.shutdownGracefully()
    }

    @Test func slowBackendGivesDeadlineExceededAtTheCallersDeadline() async throws {
        let backend = try await FakeProposals(name: "slow")
        let gateway = try await gateway(proposalsPort: backend.port)
        let client = RPCClient(host: "127.0.0.1", port: gateway.framesPort)
        var request = Civic_Rpc_V1_RequestEnvelope()
        request.method = Civic_Proposals_V1_ProposalService.Method.getItem.path
        request.payload = try Civic_Proposals_V1_GetItemRequest.with { $0.id = "sleep-3000" }.serializedBytes()
        request.deadlineMs = 150
        let response = try await client.send(request, timeout: .seconds(10)).get()
        #expect(response.status.code == .deadlineExceeded)
        await client.close()
        await gateway.stop()
        await backend.server.shutdownGracefully()
    }

    @Test func backendDownIsUnavailableWithinTheDeadlineAndRecoveryNeedsNoGatewayRestart() async throws {
        let first = try await FakeProposals(name: "first")
        let port = first.port
        let gateway = try await gateway(proposalsPort: port)
        let client = RPCClient(host: "127.0.0.1", port: gateway.framesPort)
        let proposals = Civic_Proposals_V1_ProposalServiceClient(client)
        #expect(try await proposals.getItem(.with { $0.id = "a" }).item.title == "first")

        await first.server.shutdownGracefully()
        let started = ContinuousClock.now
        let down = await rpcError { _ = try await proposals.getItem(.with { $0.id = "b" }, options: .init(timeout: .seconds(5))) }
        #expect(down?.code == .unavailable)
        #expect(down?.message == "proposals service is unavailable")
        #expect(ContinuousClock.now - started < .seconds(5), "UNAVAILABLE must come before the caller's deadline")

        let second = RPCServer(
            configuration: .init(port: port),
            handlers: [
                RPCHandler(Civic_Proposals_V1_ProposalService.Method.getItem) { (request: Civic_Proposals_V1_GetItemRequest, _) in
                    Civic_Proposals_V1_GetItemResponse.with { $0.item.title = "second" }
                }
            ])
        try await second.start()
        try await waitUntil {
            (try? await proposals.getItem(.with { $0.id = "c" }).item.title) == "second"
        }
        await client.close()
        await gateway.stop()
        await second.shutdownGracefully()
    }

    @Test func oversizeFramesAreRefusedAtTheGateway() async throws {
        let gateway = try await RunningGateway.start(
            configuration: GatewayConfiguration(
                framesPort: 0, httpPort: 0, backends: [], maxFrameBytes: 1024, dataDirectory: temporaryFolder()), authorizer: OpenAccess())
        let client = RPCClient(configuration: .init(host: "127.0.0.1", port: gateway.framesPort))
        let error = await rpcError {
            _ = try await client.call(method: "/civic.proposals.v1.ProposalService/GetItem", payload: Data(count: 4096), options: .init(timeout: .seconds(5)))
        }
        #expect(error?.code == .resourceExhausted)
        await client.close()
        await gateway.stop()
    }

    @Test func oneClientCannotHoldMoreThanItsConnections() async throws {
        let backend = try await FakeProposals(name: "c")
        var configuration = GatewayConfiguration(
            framesPort: 0, httpPort: 0, backends: GatewayConfiguration.standardBackends(ports: ["proposals": backend.port]),
            dataDirectory: temporaryFolder())
        configuration.maxConnectionsPerClient = 2
        let gateway = try await RunningGateway.start(configuration: configuration, authorizer: OpenAccess())
        let clients = (0..<3).map { _ in RPCClient(host: "127.0.0.1", port: gateway.framesPort) }
        for client in clients.prefix(2) {
            #expect(try await Civic_Proposals_V1_ProposalServiceClient(client).getItem(.with { $0.id = "x" }).item.id == "x")
        }
        let third = await rpcError { _ = try await Civic_Proposals_V1_ProposalServiceClient(clients[2]).getItem(.with { $0.id = "y" }) }
        #expect(third?.code == .resourceExhausted)
        // When one closes, another may connect.
        await clients[0].close()
        try await waitUntil {
            (try? await Civic_Proposals_V1_ProposalServiceClient(clients[2]).getItem(.with { $0.id = "z" }).item.id) == "z"
        }
        for client in clients { await client.close() }
        await gateway.stop()
        await backend.server.shutdownGracefully()
    }

    @Test func metricsCountCallsByMethodAndStatus() async throws {
        let backend = try await FakeProposals(name: "m")
        let gateway = try await gateway(proposalsPort: backend.port)
        let client = RPCClient(host: "127.0.0.1", port: gateway.framesPort)
        for i in 0..<3 { _ = try await Civic_Proposals_V1_ProposalServiceClient(client).getItem(.with { $0.id = "\(i)" }) }
        _ = await rpcError { _ = try await client.call(method: "/x.Y/Z", payload: Data(), options: .init()) }
        let text = gateway.gateway.metrics.exposition()
        #expect(text.contains(#"civic_gateway_calls_total{method="/civic.proposals.v1.ProposalService/GetItem",face="frames",code="OK"} 3"#))
        #expect(text.contains(#"civic_gateway_calls_total{method="unknown",face="frames",code="UNIMPLEMENTED"} 1"#))
        await client.close()
        await gateway.stop()
        await backend.server.shutdownGracefully()
    }

    @Test func statusToHTTPMappingFollowsGrpcGateway() {
        let expected: [(StatusCode, Int)] = [
            (.ok, 200), (.cancelled, 499), (.unknown, 500), (.invalidArgument, 400), (.deadlineExceeded, 504),
            (.notFound, 404), (.alreadyExists, 409), (.permissionDenied, 403), (.resourceExhausted, 429),
            (.failedPrecondition, 400), (.aborted, 409), (.outOfRange, 400), (.unimplemented, 501),
            (.internal, 500), (.unavailable, 503), (.dataLoss, 500), (.unauthenticated, 401),
        ]
        for (code, http) in expected {
            #expect(HTTPFace.httpStatus(for: code).code == http, "\(code.name)")
        }
    }
}
