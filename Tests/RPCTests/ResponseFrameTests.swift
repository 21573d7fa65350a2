import CivicProtos
import CivicRPC
import Foundation
import NIOCore
import Testing

@Suite("Response frame: scanned and spliced without decoding the payload")
struct ResponseFrameTests {
    private func bytes(_ envelope: Civic_Rpc_V1_ResponseEnvelope) throws -> ByteBuffer {
        ByteBuffer(bytes: try envelope.serializedBytes() as [UInt8])
    }

    /// The envelope inside a whole frame, after checking the frame's length header.
    private func unframe(_ frame: ByteBuffer) throws -> Civic_Rpc_V1_ResponseEnvelope {
        var frame = frame
        let header = frame.readInteger(endianness: .big, as: UInt32.self)
        let length = try #require(header)
        #expect(Int(length) == frame.readableBytes)
        return try Framing.decode(Civic_Rpc_V1_ResponseEnvelope.self, from: frame)
    }

    private var answer: Civic_Rpc_V1_ResponseEnvelope {
        .with {
            $0.callID = 300  // two bytes as a varint
            $0.payload = Data((0..<200).map { UInt8($0 % 251) })
            $0.metadata = ["x-backend": "proposals"]
        }
    }

    @Test func scanningFindsTheCallIDAndTheStatusCode() throws {
        let ok = try ResponseFrame(scanning: bytes(answer))
        #expect(ok.callID == 300)
        #expect(ok.code == .ok)

        var failed = answer
        failed.payload = Data()
        failed.status = RPCError(.notFound, "no item 7", details: [.init(field: "id", reason: "NOT_FOUND", description: "no item 7")]).status
        let scanned = try ResponseFrame(scanning: bytes(failed))
        #expect(scanned.callID == 300)
        #expect(scanned.code == .notFound)
        #expect(try scanned.decoded() == failed)
    }

    @Test func splicingRewritesTheCallIDAndAppendsMetadataLeavingTheRestAsItWas() throws {
        let frame = try ResponseFrame(scanning: bytes(answer))
        let spliced = try unframe(frame.spliced(callID: 7, metadata: [(MetadataKey.requestID, "req-1")], allocator: ByteBufferAllocator()))
        var expected = answer
        expected.callID = 7
        expected.metadata[MetadataKey.requestID] = "req-1"
        #expect(spliced == expected)

        // A key the backend sent too: the appended entry wins.
        var withID = answer
        withID.metadata[MetadataKey.requestID] = "backend-id"
        let replaced = try unframe(
            ResponseFrame(scanning: bytes(withID)).spliced(callID: 1 << 40, metadata: [(MetadataKey.requestID, "req-2")], allocator: ByteBufferAllocator()))
        #expect(replaced.callID == 1 << 40)
        #expect(replaced.metadata[MetadataKey.requestID] == "req-2")
        #expect(replaced.payload == answer.payload)

        // Call id 0 (a connection-level error) leaves no call id field at all.
        let zero = try unframe(frame.spliced(callID: 0, allocator: ByteBufferAllocator()))
        #expect(zero.callID == 0)
        #expect(zero.payload == answer.payload)
    }

    @Test func aRepeatedCallIDFieldCountsLastAndEveryCopyIsReplaced() throws {
        // call_id 5, payload "A", call_id 6 — legal protobuf: the last value wins.
        let body = ByteBuffer(bytes: [0x08, 0x05, 0x1a, 0x01, 0x41, 0x08, 0x06])
        let frame = try ResponseFrame(scanning: body)
        #expect(frame.callID == 6)
        let spliced = try unframe(frame.spliced(callID: 9, allocator: ByteBufferAllocator()))
        #expect(spliced.callID == 9)
        #expect(spliced.payload == Data("A".utf8))
    }

    @Test func unknownFieldsArePassedOn() throws {
        // Field 9 (varint 1) and field 10 (fixed32) after the known ones, as a newer peer may send.
        var body = try bytes(answer)
        body.writeBytes([0x48, 0x01, 0x55, 1, 2, 3, 4])
        let frame = try ResponseFrame(scanning: body)
        #expect(frame.callID == 300)
        let spliced = try unframe(frame.spliced(callID: 2, allocator: ByteBufferAllocator()))
        #expect(spliced.payload == answer.payload)
        #expect(Array(spliced.unknownFields.data) == [0x48, 0x01, 0x55, 1, 2, 3, 4])
    }

    @Test func malformedBytesAreRefused() throws {
        let full = try Array(bytes(answer).readableBytesView)
        let cases: [(String, [UInt8])] = [
            ("cut inside the payload", Array(full.prefix(full.count - 10))),
            ("field number 0", [0x00, 0x01]),
            ("a group (wire type 3)", [0x0b, 0x0c]),
            ("a varint past 10 bytes", [0x08] + Array(repeating: 0xff, count: 11)),
            ("a length past the end", [0x1a, 0x05, 0x41]),
            ("a status cut short inside", [0x12, 0x02, 0x08, 0x80]),
        ]
        for (name, bytes) in cases {
            #expect(throws: ResponseFrame.Malformed.self, "\(name)") { try ResponseFrame(scanning: ByteBuffer(bytes: bytes)) }
        }
    }

    @Test func anEnvelopeTheProxyMakesItselfSplicesLikeOneItRead() throws {
        let made = ResponseFrame(
            Civic_Rpc_V1_ResponseEnvelope.with {
                $0.callID = 12; $0.status = RPCError(.unavailable, "down").status
            })
        #expect(made.callID == 12)
        #expect(made.code == .unavailable)
        let spliced = try unframe(made.spliced(callID: 4, metadata: [(MetadataKey.requestID, "r")], allocator: ByteBufferAllocator()))
        #expect(spliced.callID == 4)
        #expect(spliced.status.message == "down")
        #expect(spliced.metadata == [MetadataKey.requestID: "r"])
    }
}
