import CivicProtos
import NIOCore

/// A response envelope as bytes: what a client reads off the wire, scanned only as far as
/// the call id and the status code (the payload is skipped by its length, never decoded).
/// A proxy — the gateway — passes it on with `spliced(callID:metadata:)`, which rewrites the
/// call id and appends metadata without decoding or re-encoding the payload.
public struct ResponseFrame: Sendable {
    /// The envelope's protobuf bytes (without the 4-byte frame header).
    public let body: ByteBuffer
    public let callID: UInt64
    public let code: StatusCode
    /// Where each `call_id` field sits in `body` (relative to its reader index), to be left
    /// out when spliced. Usually one range at the start; empty for call id 0.
    private let callIDFields: [Range<Int>]

    /// Scans a frame's body. Throws `Malformed` for bytes that are not a protobuf message
    /// (a truncated field, a bad wire type, a varint past 10 bytes).
    public init(scanning body: ByteBuffer) throws {
        var scanner = WireScanner(body)
        var callID: UInt64 = 0
        var code: UInt64 = 0
        var callIDFields: [Range<Int>] = []
        while !scanner.atEnd {
            let start = scanner.offset
            let (field, wireType) = try scanner.tag()
            switch (field, wireType) {
            case (1, 0):
                callID = try scanner.varint()
                callIDFields.append(start..<scanner.offset)
            case (2, 2):
                // Status: its own field 1 is the code; fields may repeat (the last one wins).
                var status = WireScanner(try scanner.lengthDelimited())
                while !status.atEnd {
                    let (inner, innerType) = try status.tag()
                    if inner == 1 && innerType == 0 { code = try status.varint() } else { try status.skip(innerType) }
                }
            default:
                try scanner.skip(wireType)
            }
        }
        self.body = body
        self.callID = callID
        self.code = StatusCode(rawValue: Int(truncatingIfNeeded: code)) ?? .unknown
        self.callIDFields = callIDFields
    }

    /// Encodes an envelope (an answer the proxy makes itself).
    public init(_ envelope: Civic_Rpc_V1_ResponseEnvelope) {
        var body = ByteBuffer()
        // Encoding a message with only known fields and valid strings cannot fail, and its
        // own bytes always scan.
        body.writeBytes((try? envelope.serializedBytes() as [UInt8]) ?? [])
        self = (try? ResponseFrame(scanning: body)) ?? ResponseFrame(body: body, callID: envelope.callID, code: envelope.status.code, callIDFields: [])
    }

    private init(body: ByteBuffer, callID: UInt64, code: StatusCode, callIDFields: [Range<Int>]) {
        self.body = body
        self.callID = callID
        self.code = code
        self.callIDFields = callIDFields
    }

    /// The whole envelope, decoded.
    public func decoded() throws -> Civic_Rpc_V1_ResponseEnvelope {
        try Framing.decode(Civic_Rpc_V1_ResponseEnvelope.self, from: body)
    }

    /// A whole frame (4-byte length, then the envelope) for the same answer under another
    /// call id and with `metadata` entries appended. A map entry appended later wins over an
    /// earlier one with the same key (protobuf's rule), so an appended key replaces the
    /// backend's. The payload's bytes are copied, not decoded.
    public func spliced(callID: UInt64, metadata: [(key: String, value: String)] = [], allocator: ByteBufferAllocator) -> ByteBuffer {
        var entries = 0
        for entry in metadata { entries += 12 + entry.key.utf8.count + entry.value.utf8.count }
        var out = allocator.buffer(capacity: Framing.headerSize + 11 + body.readableBytes + entries)
        out.writeInteger(UInt32(0))  // the length, set at the end
        if callID != 0 {
            out.writeInteger(UInt8(0x08))  // field 1, varint
            WireScanner.writeVarint(callID, to: &out)
        }
        var from = 0
        for range in callIDFields {
            out.writeImmutableBuffer(body.getSlice(at: body.readerIndex + from, length: range.lowerBound - from)!)
            from = range.upperBound
        }
        out.writeImmutableBuffer(body.getSlice(at: body.readerIndex + from, length: body.readableBytes - from)!)
        for (key, value) in metadata {
            // field 4 (map<string,string> metadata), one entry: { 1: key, 2: value }
            let entry =
                2 + WireScanner.varintSize(UInt64(key.utf8.count)) + key.utf8.count + WireScanner.varintSize(UInt64(value.utf8.count))
                + value.utf8.count
            out.writeInteger(UInt8(0x22))
            WireScanner.writeVarint(UInt64(entry), to: &out)
            out.writeInteger(UInt8(0x0a))
            WireScanner.writeVarint(UInt64(key.utf8.count), to: &out)
            out.writeString(key)
            out.writeInteger(UInt8(0x12))
            WireScanner.writeVarint(UInt64(value.utf8.count), to: &out)
            out.writeString(value)
        }
        out.setInteger(UInt32(out.readableBytes - Framing.headerSize), at: out.readerIndex)
        return out
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var description: String { "not a protobuf message" }
    }
}

/// Reads protobuf's wire format field by field: tags, varints, and skipping what is not needed.
struct WireScanner {
    private var buffer: ByteBuffer
    private let start: Int

    init(_ buffer: ByteBuffer) {
        self.buffer = buffer
        self.start = buffer.readerIndex
    }

    var atEnd: Bool { buffer.readableBytes == 0 }
    /// Bytes read so far.
    var offset: Int { buffer.readerIndex - start }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard let byte = buffer.readInteger(as: UInt8.self) else { throw ResponseFrame.Malformed() }
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
        }
        throw ResponseFrame.Malformed()
    }

    mutating func tag() throws -> (field: UInt64, wireType: UInt8) {
        let tag = try varint()
        guard tag >> 3 != 0 else { throw ResponseFrame.Malformed() }
        return (tag >> 3, UInt8(tag & 7))
    }

    mutating func lengthDelimited() throws -> ByteBuffer {
        let length = try varint()
        guard length <= UInt64(buffer.readableBytes), let slice = buffer.readSlice(length: Int(length)) else { throw ResponseFrame.Malformed() }
        return slice
    }

    mutating func skip(_ wireType: UInt8) throws {
        switch wireType {
        case 0: _ = try varint()
        case 1: try skipBytes(8)
        case 2: _ = try lengthDelimited()
        case 5: try skipBytes(4)
        default: throw ResponseFrame.Malformed()  // groups (3, 4) are not used by proto3
        }
    }

    private mutating func skipBytes(_ n: Int) throws {
        guard buffer.readableBytes >= n else { throw ResponseFrame.Malformed() }
        buffer.moveReaderIndex(forwardBy: n)
    }

    static func varintSize(_ value: UInt64) -> Int {
        var value = value
        var n = 1
        while value >= 0x80 {
            value >>= 7
            n += 1
        }
        return n
    }

    static func writeVarint(_ value: UInt64, to buffer: inout ByteBuffer) {
        var value = value
        while value >= 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.writeInteger(UInt8(value))
    }
}
