import CivicRPC
import NIOCore
import NIOEmbedded
import Testing

@Suite("Frame decoder")
struct FrameDecoderTests {
    private func channel(max: Int = 16) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameSize: max)))
        return channel
    }

    private func frame(_ body: [UInt8]) -> [UInt8] {
        let n = UInt32(body.count)
        return [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)] + body
    }

    private func readAll(_ channel: EmbeddedChannel) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) {
            frames.append(Array(buffer.readableBytesView))
        }
        return frames
    }

    @Test func fragmentedInputYieldsOneFrameOnlyWhenComplete() throws {
        let channel = try channel()
        let bytes = frame([1, 2, 3, 4, 5])
        for (i, byte) in bytes.enumerated() {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            let frames = try readAll(channel)
            if i < bytes.count - 1 {
                #expect(frames.isEmpty, "frame emitted after only \(i + 1) of \(bytes.count) bytes")
            } else {
                #expect(frames == [[1, 2, 3, 4, 5]])
            }
        }
        #expect(try channel.finish().isClean)
    }

    @Test func severalFramesInOneRead() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(bytes: frame([1]) + frame([2, 2]) + frame([3, 3, 3]) + frame([4, 4])[0..<3]))
        #expect(try readAll(channel) == [[1], [2, 2], [3, 3, 3]])
        // The partial fourth frame completes with the next read.
        try channel.writeInbound(ByteBuffer(bytes: Array(frame([4, 4])[3...])))
        #expect(try readAll(channel) == [[4, 4]])
    }

    @Test func zeroLengthFrameIsAnEmptyBody() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(bytes: frame([]) + frame([9])))
        #expect(try readAll(channel) == [[], [9]])
    }

    @Test func oversizeLengthIsRefusedFromTheHeaderAlone() throws {
        let channel = try channel(max: 16)
        // Only the 4-byte header of a 17-byte frame: refused before any body arrives.
        #expect(throws: FrameError.frameTooLarge(announced: 17, limit: 16)) {
            try channel.writeInbound(ByteBuffer(bytes: [0, 0, 0, 17]))
        }
        #expect(try readAll(channel).isEmpty)
    }

    @Test func frameAtTheLimitIsAccepted() throws {
        let channel = try channel(max: 16)
        try channel.writeInbound(ByteBuffer(bytes: frame(Array(repeating: 7, count: 16))))
        #expect(try readAll(channel) == [Array(repeating: 7, count: 16)])
    }

    @Test func garbageHeaderAnnouncingHugeLengthIsRefused() throws {
        let channel = try channel(max: 4 * 1024 * 1024)
        #expect(throws: FrameError.frameTooLarge(announced: 0xDEAD_BEEF, limit: 4 * 1024 * 1024)) {
            try channel.writeInbound(ByteBuffer(bytes: [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02]))
        }
    }

    @Test func truncatedStreamIsAnErrorAtEnd() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(bytes: frame([1, 2]) + [0, 0, 0, 5, 1, 2]))
        #expect(try readAll(channel) == [[1, 2]])
        #expect(throws: FrameError.truncated(bufferedBytes: 6)) {
            _ = try channel.finish()
        }
    }

    @Test func nextFrameLeavesIncompleteBytesInPlace() throws {
        let decoder = FrameDecoder(maxFrameSize: 16)
        var buffer = ByteBuffer(bytes: [0, 0, 0, 3, 1, 2])
        #expect(try decoder.nextFrame(&buffer) == nil)
        #expect(buffer.readableBytes == 6)
        buffer.writeBytes([3])
        let body = try decoder.nextFrame(&buffer)
        #expect(body.map { Array($0.readableBytesView) } == [1, 2, 3])
        #expect(buffer.readableBytes == 0)
    }

    @Test func methodPathSplitting() {
        #expect(
            RPCMethod.split(path: "/civic.proposals.v1.ProposalService/GetItem").map { "\($0.service)|\($0.method)" }
                == "civic.proposals.v1.ProposalService|GetItem")
        #expect(RPCMethod.split(path: "civic.x/Get") == nil)
        #expect(RPCMethod.split(path: "/civic.x/") == nil)
        #expect(RPCMethod.split(path: "//Get") == nil)
        #expect(RPCMethod.split(path: "/a/b/c") == nil)
        #expect(RPCMethod.split(path: "") == nil)
    }
}
