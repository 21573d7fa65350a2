import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import GatewayService
import NIOCore
import ProposalsService
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("End to end through the gateway", .serialized)
struct EndToEndTests {
    @Test func registerAndReadOverBothFacesThenSurviveARestart() async throws {
        let suite = try await RunningSuite.start()
        let client = suite.caller()
        let proposals = Civic_Proposals_V1_ProposalServiceClient(client)

        // Frames face.
        let registered = try await proposals.registerItem(registerRequest()).item
        #expect(registered.state == .registered)
        let fetched = try await proposals.getItem(.with { $0.id = registered.id }).item
        #expect(fetched == registered)

        // HTTP face: register a second item with JSON, read both back.
        let created = try await suite.http(
            "POST", "/rpc/civic.proposals.v1.ProposalService/RegisterItem",
            body: """
                {"kind":"CPPCC_PROPOSAL","year":2021,"number":"第0021号","title":"关于加强未成年人保护的提案","topic":"minor_protection","proposers":[{"name":"赵六","lead":true}]}
                """)
        #expect(created.status == 200)
        #expect(created.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(created.headers["x-request-id"]?.isEmpty == false)
        let createdItem = try Civic_Proposals_V1_RegisterItemResponse(jsonString: created.body).item
        #expect(createdItem.kind == .cppccProposal)
        let listed = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/ListItems", body: #"{"year":2021}"#)
        #expect(listed.status == 200)
        let page = try Civic_Proposals_V1_ListItemsResponse(jsonString: listed.body)
        #expect(Set(page.items.map(\.id)) == [registered.id, createdItem.id])
        #expect(page.page.totalCount == 2)

        // Restart the proposals process on the same port and data: nothing lost, and the
        // gateway reconnects by itself.
        await suite.stopService("proposals")
        let down = await rpcError { _ = try await proposals.getItem(.with { $0.id = registered.id }, options: .init(timeout: .seconds(5))) }
        #expect(down?.code == .unavailable)
        try await suite.startService(ProposalsService.definition)
        try await waitUntil {
            (try? await proposals.getItem(.with { $0.id = registered.id }).item) == registered
        }
        let again = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/GetItem", body: "{\"id\":\"\(createdItem.id)\"}")
        #expect(again.status == 200)
        #expect(try Civic_Proposals_V1_GetItemResponse(jsonString: again.body).item == createdItem)

        await client.close()
        await suite.stop()
    }

    @Test func httpFaceMapsStatusesAndAlwaysAnswersJSON() async throws {
        let suite = try await RunningSuite.start()
        let path = "/rpc/civic.proposals.v1.ProposalService/RegisterItem"
        let item = try await suite.http("POST", path, body: try registerRequest().jsonString())
        #expect(item.status == 200)

        let duplicate = try await suite.http("POST", path, body: try registerRequest().jsonString())
        #expect(duplicate.status == 409)
        #expect(try errorBody(duplicate.body).status == "ALREADY_EXISTS")
        #expect(try errorBody(duplicate.body).code == 6)

        let invalid = try await suite.http("POST", path, body: #"{"year":2021,"topic":"weather"}"#)
        #expect(invalid.status == 400)
        let invalidBody = try errorBody(invalid.body)
        #expect(invalidBody.status == "INVALID_ARGUMENT")
        #expect(invalidBody.details.map(\.field) == ["kind", "number", "title", "proposers", "topic"])
        // Detail fields are named as the JSON caller writes them (lowerCamelCase).
        let id = try Civic_Proposals_V1_RegisterItemResponse(jsonString: item.body).item.id
        let complex = try await suite.http(
            "POST", "/rpc/civic.proposals.v1.ProposalService/AssignItem", body: #"{"id":"\#(id)","role":"LEAD_SOLE","complex":true}"#)
        #expect(complex.status == 400)
        #expect(try errorBody(complex.body).details.map(\.field) == ["complexReason"])

        let badJSON = try await suite.http("POST", path, body: #"{"year": "#)
        #expect(badJSON.status == 400)
        #expect(try errorBody(badJSON.body).status == "INVALID_ARGUMENT")

        let unknownField = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/GetItem", body: #"{"idd":"x"}"#)
        #expect(unknownField.status == 400)

        let missing = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/GetItem", body: #"{"id":"no-such-item"}"#)
        #expect(missing.status == 404)
        #expect(try errorBody(missing.body).message == "no item with id no-such-item")

        let unknownMethod = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/Explode", body: "{}")
        #expect(unknownMethod.status == 501)
        #expect(try errorBody(unknownMethod.body).status == "UNIMPLEMENTED")

        let noRoute = try await suite.http("GET", "/nowhere")
        #expect(noRoute.status == 404)
        #expect(try errorBody(noRoute.body).code == 12)

        let badTimeout = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/ListItems", body: "{}", headers: ["X-Timeout-Ms": "soon"])
        #expect(badTimeout.status == 400)

        // Binary protobuf in and out.
        var binaryRequest = URLRequest(url: URL(string: "http://127.0.0.1:\(suite.gateway.httpPort)/rpc/civic.proposals.v1.ProposalService/ListItems")!)
        binaryRequest.httpMethod = "POST"
        binaryRequest.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
        binaryRequest.setValue("Bearer \(RunningSuite.adminToken)", forHTTPHeaderField: "Authorization")
        binaryRequest.httpBody = try Civic_Proposals_V1_ListItemsRequest.with { $0.year = 2021 }.serializedBytes()
        let (data, response) = try await URLSession.shared.data(for: binaryRequest)
        #expect((response as! HTTPURLResponse).statusCode == 200)
        #expect(try Civic_Proposals_V1_ListItemsResponse(serializedBytes: data).items.count == 1)

        // The caller's request id is kept end to end.
        let traced = try await suite.http("POST", "/rpc/civic.proposals.v1.ProposalService/ListItems", body: "{}", headers: ["X-Request-Id": "trace-123"])
        #expect(traced.headers["x-request-id"] == "trace-123")
        await suite.stop()
    }

    @Test func healthzAndHealthRPCReportEachBackend() async throws {
        let suite = try await RunningSuite.start()
        let healthy = try await suite.http("GET", "/healthz")
        #expect(healthy.status == 200)
        #expect(healthy.body.contains(#""status":"SERVING""#))

        let client = suite.caller()
        let health = Civic_Health_V1_HealthClient(client)
        let all = try await health.check(.init())
        #expect(all.status == .serving)
        #expect(all.services.count == 5)
        let one = try await health.check(.with { $0.service = Civic_Eldercare_V1_EldercareService.name })
        #expect(one.status == .serving)
        #expect(try await health.check(.with { $0.service = "civic.nothing.v1.Nope" }).status == .serviceUnknown)
        let methods = try await health.listMethods(.init())
        #expect(methods.methods.map(\.fullName).contains("/civic.proposals.v1.ProposalService/RegisterItem"))
        #expect(methods.services.contains(Civic_Enforcement_V1_EnforcementService.name))

        await suite.stopService("eldercare")
        // The suite's health is probed at most once a second: a change shows within one.
        try await Task.sleep(nanoseconds: 1_100_000_000)
        let degraded = try await suite.http("GET", "/healthz")
        #expect(degraded.status == 503)
        #expect(degraded.body.contains(#""civic.eldercare.v1.EldercareService":"NOT_SERVING""#))
        #expect(degraded.body.contains(#""civic.proposals.v1.ProposalService":"SERVING""#))
        #expect(try await health.check(.init()).status == .notServing)
        await client.close()
        await suite.stop()
    }

    @Test func eachServiceAnswersHealthAndListsItsMethodsDirectly() async throws {
        let suite = try await RunningSuite.start()
        for definition in RunningSuite.definitions {
            let client = RPCClient(host: "127.0.0.1", port: suite.ports[definition.name]!)
            let health = Civic_Health_V1_HealthClient(client)
            #expect(try await health.check(.init()).status == .serving, "\(definition.name)")
            let listing = try await health.listMethods(.init())
            #expect(listing.services == (definition.protoServices + [Civic_Flows_V1_Flows.name, Civic_Health_V1_Health.name]).sorted())
            let expected =
                (CivicServiceRegistry.services[definition.protoServices[0]]!.map(\.path) + Civic_Flows_V1_Flows.methods.map(\.path)
                + Civic_Health_V1_Health.methods.map(\.path)).sorted()
            #expect(listing.methods.map(\.fullName) == expected)
            #expect(FileManager.default.fileExists(atPath: "\(suite.dataDirectory)/\(definition.name).sqlite"))
            await client.close()
        }
        await suite.stop()
    }
}
