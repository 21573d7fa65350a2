import Foundation
import SwiftProtobuf

/// Converts between protobuf's canonical JSON and binary for a message type known only at
/// run time (from `RPCMethod`): the gateway's HTTP face and `civic call` use it.
public enum ProtoJSON {
    public static let decodingOptions: JSONDecodingOptions = {
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = false  // a misspelt field is an error, not silently dropped
        return options
    }()

    public static let encodingOptions: JSONEncodingOptions = {
        var options = JSONEncodingOptions()
        options.alwaysPrintEnumsAsInts = false
        return options
    }()

    /// JSON text (empty means `{}`) → binary message of `type`. Throws INVALID_ARGUMENT.
    public static func binary(fromJSON json: [UInt8], as type: any SwiftProtobuf.Message.Type) throws -> Data {
        try openBinary(json.isEmpty ? Array("{}".utf8) : json, type)
    }

    /// Binary message of `type` → canonical JSON.
    public static func json(fromBinary bytes: Data, as type: any SwiftProtobuf.Message.Type) throws -> Data {
        try openJSON(bytes, type)
    }

    /// Checks that `bytes` decode as `type`; throws INVALID_ARGUMENT when they don't.
    public static func validateBinary(_ bytes: Data, as type: any SwiftProtobuf.Message.Type) throws {
        _ = try openJSON(bytes, type)
    }

    private static func openBinary<M: SwiftProtobuf.Message>(_ json: [UInt8], _: M.Type) throws -> Data {
        let message: M
        do {
            message = try M(jsonUTF8Bytes: json, options: decodingOptions)
        } catch {
            throw RPCError(.invalidArgument, "body is not valid JSON for \(M.protoMessageName): \(error)")
        }
        return try message.serializedBytes()
    }

    private static func openJSON<M: SwiftProtobuf.Message>(_ bytes: Data, _: M.Type) throws -> Data {
        let message: M
        do {
            message = try M(serializedBytes: bytes)
        } catch {
            throw RPCError(.invalidArgument, "bytes are not a valid \(M.protoMessageName)")
        }
        return try message.jsonUTF8Data(options: encodingOptions)
    }
}
