import CivicProtos
import CivicRPC
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SwiftProtobuf

/// A message type to echo: HealthCheckRequest has one string field, enough to carry a tag.
typealias Tagged = Civic_Health_V1_HealthCheckRequest

func tagged(_ tag: String) -> Tagged {
    var message = Tagged()
    message.service = tag
    return message
}

enum TestMethods {
    static let echo = RPCMethod(service: "test.v1.Test", name: "Echo", requestType: Tagged.self, responseType: Tagged.self)
    /// Sleeps for the number of milliseconds in the tag, then echoes.
    static let slow = RPCMethod(service: "test.v1.Test", name: "Slow", requestType: Tagged.self, responseType: Tagged.self)
    static let crash = RPCMethod(service: "test.v1.Test", name: "Crash", requestType: Tagged.self, responseType: Tagged.self)
    static let reject = RPCMethod(service: "test.v1.Test", name: "Reject", requestType: Tagged.self, responseType: Tagged.self)
    /// Answers where it ran before and after an await: "loop" on an event loop, "pool" elsewhere.
    static let whereRun = RPCMethod(service: "test.v1.Test", name: "WhereRun", requestType: Tagged.self, responseType: Tagged.self)
    /// An immediate handler: echoes, or refuses the tag "no".
    static let now = RPCMethod(service: "test.v1.Test", name: "Now", requestType: Tagged.self, responseType: Tagged.self)
}

struct SecretError: Error, CustomStringConvertible {
    var description: String { "disk /var/secret exploded" }
}

/// Records what the handlers saw, for assertions.
final class Observations: Sendable {
    private let box = NIOLockedValueBox<(cancelled: Int, finished: Int, maxConcurrent: Int, current: Int)>((0, 0, 0, 0))
    func enter() {
        box.withLockedValue {
            $0.current += 1; $0.maxConcurrent = max($0.maxConcurrent, $0.current)
        }
    }
    func leave(cancelled: Bool) {
        box.withLockedValue {
            $0.current -= 1
            if cancelled { $0.cancelled += 1 } else { $0.finished += 1 }
        }
    }
    var cancelled: Int { box.withLockedValue { $0.cancelled } }
    var finished: Int { box.withLockedValue { $0.finished } }
    var maxConcurrent: Int { box.withLockedValue { $0.maxConcurrent } }
}

func testHandlers(_ observations: Observations) -> [RPCHandler] {
    [
        RPCHandler(TestMethods.echo) { (request: Tagged, _) in request },
        RPCHandler(TestMethods.slow) { (request: Tagged, _) in
            observations.enter()
            do {
                try await Task.sleep(nanoseconds: UInt64(Int(request.service) ?? 0) * 1_000_000)
            } catch {
                observations.leave(cancelled: true)
                throw error
            }
            observations.leave(cancelled: false)
            return request
        },
        RPCHandler(TestMethods.crash) { (_: Tagged, _) -> Tagged in throw SecretError() },
        RPCHandler(TestMethods.whereRun) { (_: Tagged, _) -> Tagged in
            func place() -> String { MultiThreadedEventLoopGroup.currentEventLoop == nil ? "pool" : "loop" }
            let before = place()
            try await Task.sleep(nanoseconds: 1_000_000)
            return tagged("\(before)/\(place())")
        },
        RPCHandler(immediate: TestMethods.now) { (request: Tagged, _) -> Tagged in
            if request.service == "no" { throw RPCError(.failedPrecondition, "refused at once") }
            return request
        },
        RPCHandler(TestMethods.reject) { (request: Tagged, _) -> Tagged in
            throw RPCError(
                .failedPrecondition, "item is REGISTERED, cannot reply", details: [ErrorDetail(field: "state", reason: "INVALID_STATE", description: "x")])
        },
    ]
}

func startServer(_ observations: Observations = Observations(), port: Int = 0, maxFrameSize: Int = Framing.defaultMaxFrameSize) async throws -> RPCServer {
    let server = RPCServer(configuration: .init(host: "127.0.0.1", port: port, maxFrameSize: maxFrameSize), handlers: testHandlers(observations))
    try await server.start()
    return server
}

/// The RPCError `body` throws; nil when it succeeds.
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

/// A raw TCP peer for sending arbitrary bytes and reading whatever comes back until close.
final class RawPeer: @unchecked Sendable {
    let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>

    init(port: Int) async throws {
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Writes `bytes`, then collects every byte the server sends until it closes or `limit` passes.
    func exchange(_ bytes: [UInt8], limit: TimeAmount = .seconds(5)) async throws -> (received: [UInt8], closedByServer: Bool) {
        let received = NIOLockedValueBox<[UInt8]>([])
        let closed = try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(bytes: bytes))
            return try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    for try await chunk in inbound { received.withLockedValue { $0 += Array(chunk.readableBytesView) } }
                    return true
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(limit.nanoseconds))
                    return false
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
        }
        return (received.withLockedValue { $0 }, closed)
    }
}

/// Splits received bytes into response envelopes.
func responses(in bytes: [UInt8]) throws -> [Civic_Rpc_V1_ResponseEnvelope] {
    var buffer = ByteBuffer(bytes: bytes)
    let decoder = FrameDecoder()
    var result: [Civic_Rpc_V1_ResponseEnvelope] = []
    while let frame = try decoder.nextFrame(&buffer) {
        result.append(try Framing.decode(Civic_Rpc_V1_ResponseEnvelope.self, from: frame))
    }
    return result
}

func frameBytes(_ message: some SwiftProtobufMessage) throws -> [UInt8] {
    Array(try Framing.frame(message, allocator: ByteBufferAllocator()).readableBytesView)
}

typealias SwiftProtobufMessage = SwiftProtobuf.Message
