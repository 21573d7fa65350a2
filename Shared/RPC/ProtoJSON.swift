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

    /// An error detail's field path as a JSON caller wrote it: each proto field name in
    /// lowerCamelCase, as the JSON mapping names it ("proposers[0].member_id" →
    /// "proposers[0].memberId", "new_due" → "newDue"). Anything that is not a proto field
    /// name (a header such as "X-Timeout-Ms", an import line) is left alone.
    public static func jsonFieldPath(_ path: String) -> String {
        path.split(separator: ".", omittingEmptySubsequences: false).map { segment -> String in
            let name = segment.prefix { $0 != "[" }
            guard name.wholeMatch(of: /[a-z][a-z0-9_]*/) != nil else { return String(segment) }
            var camel = ""
            var upperNext = false
            for character in name {
                if character == "_" {
                    upperNext = true
                } else {
                    camel += upperNext ? character.uppercased() : String(character)
                    upperNext = false
                }
            }
            return camel + segment.dropFirst(name.count)
        }.joined(separator: ".")
    }
}
