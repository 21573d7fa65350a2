import NIOCore
import SwiftProtobuf

/// Frame = 4-byte big-endian length + that many bytes of a protobuf envelope.
public enum Framing {
    /// 4 MiB, the default limit on one frame's body.
    public static let defaultMaxFrameSize = 4 * 1024 * 1024
    public static let headerSize = 4

    /// Encodes a message as one frame into a fresh buffer.
    public static func frame(_ message: some SwiftProtobuf.Message, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        let bytes: [UInt8] = try message.serializedBytes()
        var buffer = allocator.buffer(capacity: headerSize + bytes.count)
        buffer.writeInteger(UInt32(bytes.count), endianness: .big)
        buffer.writeBytes(bytes)
        return buffer
    }

    /// Decodes a frame's body as a message.
    public static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from buffer: ByteBuffer) throws -> M {
        // swift-protobuf decodes from contiguous bytes; a frame body is one readable slice.
        try buffer.withUnsafeReadableBytes { raw in
            try M(serializedBytes: [UInt8](raw))
        }
    }
}

public enum FrameError: Error, Equatable, CustomStringConvertible {
    /// The peer announced a body larger than allowed; nothing of it was buffered.
    case frameTooLarge(announced: Int, limit: Int)
    /// The stream ended in the middle of a frame.
    case truncated(bufferedBytes: Int)

    public var description: String {
        switch self {
        case .frameTooLarge(let announced, let limit):
            "frame of \(announced) bytes exceeds the limit of \(limit) bytes"
        case .truncated(let n):
            "connection closed in the middle of a frame (\(n) bytes buffered)"
        }
    }
}

/// Splits a byte stream into frame bodies. Refuses an oversize frame as soon as its
/// 4-byte header arrives, before any of the body is buffered.
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = ByteBuffer
    public let maxFrameSize: Int

    public init(maxFrameSize: Int = Framing.defaultMaxFrameSize) {
        self.maxFrameSize = maxFrameSize
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let body = try nextFrame(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(body))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            let n = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: n)
            throw FrameError.truncated(bufferedBytes: n)
        }
        return .needMoreData
    }

    /// The next complete frame body in `buffer`, or nil when more bytes are needed.
    public func nextFrame(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return nil
        }
        guard Int(length) <= maxFrameSize else {
            throw FrameError.frameTooLarge(announced: Int(length), limit: maxFrameSize)
        }
        guard buffer.readableBytes >= Framing.headerSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: Framing.headerSize)
        return buffer.readSlice(length: Int(length))
    }
}
