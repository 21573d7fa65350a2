import CivicProtos
import CivicRPC
import Foundation
import NIOCore
import NIOPosix
import Testing

@Suite("RPC server and client")
struct ServerClientTests {
    @Test func thousandConcurrentCallsOnOneConnectionAreMatchedByCallID() async throws {
        let observations = Observations()
        let server = try await startServer(observations)
        let client = RPCClient(host: "127.0.0.1", port: server.localAddress!.port!, connections: 1)
        // Each call sleeps a little, a different amount, so answers come back out of order.
        let answers = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<1000 {
                group.addTask {
                    let reply = try await client.unary(TestMethods.slow, tagged("\(i % 7)"), as: Tagged.self)
                    let echo = try await client.unary(TestMethods.echo, tagged("call-\(i)"), as: Tagged.self)
                    return (i, reply.service + "|" + echo.service)
                }
            }
            var all: [Int: String] = [:]
            for try await (i, answer) in group { all[i] = answer }
            return all
        }
        #expect(answers.count == 1000)
        for i in 0..<1000 { #expect(answers[i] == "\(i % 7)|call-\(i)") }
        #expect(observations.finished == 1000)
        #expect(observations.maxConcurrent > 1, "calls on one connection should overlap")
        await client.close()
        await server.shutdownGracefully()
    }

    /// A handler runs on its connection's event loop, before and after an await (no hop to the
    /// global pool); an immediate handler answers while a slow call is still running, its error
    /// mapped like any other.
    @Test func handlersRunOnTheEventLoopAndImmediateOnesAnswerAtOnce() async throws {
        let server = try await startServer()
        let client = RPCClient(host: "127.0.0.1", port: server.localAddress!.port!)
        #expect(try await client.unary(TestMethods.whereRun, tagged(""), as: Tagged.self).service == "loop/loop")
        let slow = Task { try await client.unary(TestMethods.slow, tagged("3000"), as: Tagged.self) }
        try await waitUntil { server.inFlightCalls == 1 }
        // Answered while the slow call still runs on the same connection (it takes 3 s).
        #expect(try await client.unary(TestMethods.now, tagged("quick"), as: Tagged.self).service == "quick")
        #expect(server.inFlightCalls == 1)
        let refused = await rpcError { _ = try await client.unary(TestMethods.now, tagged("no"), as: Tagged.self) }
        #expect((refused?.code, refused?.message) == (.failedPrecondition, "refused at once"))
        #expect(try await slow.value.service == "3000")
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func unknownMethodIsUnimplemented() async throws {
        let server = try await startServer()
        let client = RPCClient(host: "127.0.0.1", port: server.localAddress!.port!)
        let error = await rpcError { _ = try await client.call(method: "/test.v1.Test/Nope", payload: Data(), options: .init()) }
        #expect(error?.code == .unimplemented)
        #expect(error?.message.contains("/test.v1.Test/Nope") == true)
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func undecodablePayloadIsInvalidArgument() async throws {
        let server = try await startServer()
        let client = RPCClient(host: "127.0.0.1", port: server.localAddress!.port!)
        let error = await rpcError { _ = try await client.call(method: TestMethods.echo.path, payload: Data([0xFF, 0xFF, 0xFF]), options: .init()) }
        #expect(error?.code == .invalidArgument)
        // The connection is still good afterwards.
        #expect(try await client.unary(TestMethods.echo, tagged("ok"), as: Tagged.self).service == "ok")
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func unexpectedErrorsLeaveAsGenericInternal() async throws {
        let server = try await startServer()
        let client = RPCClient(host: "127.0.0.1", port: server.localAddress!.port!)
        let error = await rpcError {
            _ = try await client.unary(TestMethods.crash, tagged("x"), as: Tagged.self, options: .init(metadata: [MetadataKey.requestID: "req-42"]))
        }
        #expect(error?.code == .internal)
        #expect(error?.message == "internal error (request id req-42)")
        #expect(error?.message.contains("secret") == false)
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func domainErrorsKeepTheirCodeAndDetails() async throws {
        let server = try await startServer()
        let client = RPCClient(host: "127.0.0.1", port: server.localAddress!.port!)
        let error = await rpcError { _ = try await client.unary(TestMethods.reject, tagged("x"), as: Tagged.self) }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message == "item is REGISTERED, cannot reply")
        #expect(error?.details.map(\.reason) == ["INVALID_STATE"])
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func clientDeadlineExpiresWithDeadlineExceeded() async throws {
        let observations = Observations()
        let server = try await startServer(observations)
        let client = RPCClient(host: "127.0.0.1", port: server.localAddress!.port!)
        let error = await rpcError {
            _ = try await client.unary(TestMethods.slow, tagged("3000"), as: Tagged.self, options: .init(timeout: .milliseconds(100)))
        }
        #expect(error?.code == .deadlineExceeded)
        // The deadline travelled with the call, so the server cancels the handler too.
        try await waitUntil { observations.cancelled == 1 }
        #expect(observations.finished == 0)
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func aShortDeadlineExpiresOnTimeBehindALongOne() async throws {
        let observations = Observations()
        let server = try await startServer(observations)
        let client = RPCClient(host: "127.0.0.1", port: server.localAddress!.port!, connections: 1)
        // The long call arms the connection's deadline sweep first; the short one must re-arm it.
        // The long call is far longer than the short one's bound, so a loaded machine cannot blur them.
        let long = Task { try await client.unary(TestMethods.slow, tagged("3000"), as: Tagged.self, options: .init(timeout: .seconds(20))) }
        try await waitUntil { observations.maxConcurrent == 1 }
        let started = ContinuousClock.now
        let short = await rpcError {
            _ = try await client.unary(TestMethods.slow, tagged("5000"), as: Tagged.self, options: .init(timeout: .milliseconds(100)))
        }
        #expect(short?.code == .deadlineExceeded)
        #expect(ContinuousClock.now - started < .milliseconds(2000), "the short call waited for the long one")
        #expect(try await long.value.service == "3000")
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func serverAnswersDeadlineExceededAndStopsTheHandler() async throws {
        let observations = Observations()
        let server = try await startServer(observations)
        let client = RPCClient(host: "127.0.0.1", port: server.localAddress!.port!)
        var request = Civic_Rpc_V1_RequestEnvelope()
        request.method = TestMethods.slow.path
        request.payload = try tagged("3000").serializedBytes()
        request.deadlineMs = 100
        // The client would wait 10 s; the server's own deadline answers first.
        let response = try await client.send(request, timeout: .seconds(10)).get()
        #expect(response.status.code == .deadlineExceeded)
        try await waitUntil { observations.cancelled == 1 }
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func gracefulShutdownFinishesCallsInFlightAndRefusesNewOnes() async throws {
        let observations = Observations()
        let server = try await startServer(observations)
        let port = server.localAddress!.port!
        let client = RPCClient(host: "127.0.0.1", port: port)
        _ = try await client.unary(TestMethods.echo, tagged("warm"), as: Tagged.self)  // connect first
        // Long enough that a loaded machine still sends the late call while it runs.
        let slow = Task { try await client.unary(TestMethods.slow, tagged("1500"), as: Tagged.self) }
        try await waitUntil { server.inFlightCalls == 1 }
        let shutdown = Task { await server.shutdownGracefully() }
        try await waitUntil { server.isDraining }
        let refused = await rpcError { _ = try await client.unary(TestMethods.echo, tagged("late"), as: Tagged.self) }
        #expect(refused?.code == .unavailable)
        #expect(refused?.message == "server is shutting down")
        #expect(try await slow.value.service == "1500")
        await shutdown.value
        #expect(observations.finished == 1)
        #expect(observations.cancelled == 0)
        // And the port no longer accepts connections.
        let fresh = RPCClient(host: "127.0.0.1", port: port)
        #expect(await rpcError { _ = try await fresh.unary(TestMethods.echo, tagged("x"), as: Tagged.self) }?.code == .unavailable)
        await client.close()
        await fresh.close()
    }

    @Test func oversizeFrameGetsResourceExhaustedAndTheConnectionCloses() async throws {
        let server = try await startServer(maxFrameSize: 1024)
        let peer = try await RawPeer(port: server.localAddress!.port!)
        // Announce 5 MiB but send only the header: the server must not wait for the body.
        let (received, closed) = try await peer.exchange([0x00, 0x50, 0x00, 0x00])
        #expect(closed)
        let answers = try responses(in: received)
        #expect(answers.count == 1)
        #expect(answers.first?.callID == 0)
        #expect(answers.first?.status.code == .resourceExhausted)
        await server.shutdownGracefully()
    }

    @Test func garbageEnvelopeGetsInvalidArgumentAndCloseWithoutDisturbingOthers() async throws {
        let server = try await startServer()
        let port = server.localAddress!.port!
        let good = RPCClient(host: "127.0.0.1", port: port)
        #expect(try await good.unary(TestMethods.echo, tagged("before"), as: Tagged.self).service == "before")
        let peer = try await RawPeer(port: port)
        let (received, closed) = try await peer.exchange([0, 0, 0, 3, 0xFF, 0xFF, 0xFF])
        #expect(closed)
        let answers = try responses(in: received)
        #expect(answers.map(\.callID) == [0])
        #expect(answers.first?.status.code == .invalidArgument)
        #expect(try await good.unary(TestMethods.echo, tagged("after"), as: Tagged.self).service == "after")
        await good.close()
        await server.shutdownGracefully()
    }

    @Test func duplicateCallIDInFlightIsRejectedAndTheOriginalStillAnswered() async throws {
        let server = try await startServer()
        let peer = try await RawPeer(port: server.localAddress!.port!)
        var slow = Civic_Rpc_V1_RequestEnvelope()
        slow.callID = 7
        slow.method = TestMethods.slow.path
        slow.payload = try tagged("200").serializedBytes()
        let (received, closed) = try await peer.exchange(try frameBytes(slow) + frameBytes(slow), limit: .seconds(1))
        #expect(!closed)
        let answers = try responses(in: received)
        try #require(answers.count == 2)
        #expect(answers[0].callID == 7 && answers[0].status.code == .invalidArgument)  // the duplicate, refused at once
        #expect(answers[1].callID == 7 && answers[1].status.code == .ok)  // the original, answered later
        await server.shutdownGracefully()
    }

    @Test func callIDZeroIsAConnectionLevelErrorThatCloses() async throws {
        let server = try await startServer()
        let peer = try await RawPeer(port: server.localAddress!.port!)
        var zero = Civic_Rpc_V1_RequestEnvelope()
        zero.method = TestMethods.echo.path
        let (received, closed) = try await peer.exchange(try frameBytes(zero))
        #expect(closed)
        let answers = try responses(in: received)
        #expect(answers.map(\.callID) == [0])
        #expect(answers.first?.status.code == .invalidArgument)
        await server.shutdownGracefully()
    }

    @Test func oversizeRequestFailsAloneWithoutBreakingTheConnection() async throws {
        let server = try await startServer(maxFrameSize: 1024)
        let client = RPCClient(configuration: .init(host: "127.0.0.1", port: server.localAddress!.port!, maxFrameSize: 1024))
        #expect(try await client.unary(TestMethods.echo, tagged("small"), as: Tagged.self).service == "small")
        let error = await rpcError { _ = try await client.unary(TestMethods.echo, tagged(String(repeating: "x", count: 2000)), as: Tagged.self) }
        #expect(error?.code == .resourceExhausted)
        #expect(try await client.unary(TestMethods.echo, tagged("still fine"), as: Tagged.self).service == "still fine")
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func oversizeResponseBecomesResourceExhaustedForThatCallOnly() async throws {
        let server = try await startServer(maxFrameSize: 1024)
        // The client accepts more than the server may send, so only the server's check applies.
        let client = RPCClient(configuration: .init(host: "127.0.0.1", port: server.localAddress!.port!, maxFrameSize: 4096))
        let error = await rpcError { _ = try await client.unary(TestMethods.echo, tagged(String(repeating: "y", count: 1500)), as: Tagged.self) }
        #expect(error?.code == .resourceExhausted)
        #expect(try await client.unary(TestMethods.echo, tagged("ok"), as: Tagged.self).service == "ok")
        await client.close()
        await server.shutdownGracefully()
    }

    @Test func clientFailsFastWhenPeerIsDownAndRecoversWhenItReturns() async throws {
        let first = try await startServer()
        let port = first.localAddress!.port!
        let client = RPCClient(host: "127.0.0.1", port: port)
        #expect(try await client.unary(TestMethods.echo, tagged("1"), as: Tagged.self).service == "1")
        await first.shutdownGracefully()
        // Down: UNAVAILABLE, not a wait until the 10 s deadline.
        let started = ContinuousClock.now
        let down = await rpcError { _ = try await client.unary(TestMethods.echo, tagged("2"), as: Tagged.self, options: .init(timeout: .seconds(10))) }
        #expect(down?.code == .unavailable)
        #expect(ContinuousClock.now - started < .seconds(5))
        // Back on the same port: the same client reconnects by itself.
        let second = try await startServer(port: port)
        try await waitUntil(timeout: .seconds(10)) {
            (try? await client.unary(TestMethods.echo, tagged("3"), as: Tagged.self).service) == "3"
        }
        await client.close()
        await second.shutdownGracefully()
    }
}

/// Polls `condition` until it holds, failing after `timeout`.
func waitUntil(timeout: Duration = .seconds(5), _ condition: () async throws -> Bool) async throws {
    let giveUp = ContinuousClock.now + timeout
    while ContinuousClock.now < giveUp {
        if try await condition() { return }
        try await Task.sleep(nanoseconds: 10_000_000)
    }
    Issue.record("condition not met within \(timeout)")
    throw CancellationError()
}
