import Foundation
import SwiftProtobufPluginLibrary

/// The access rule declared on a method with `(civic.access.v1.rule)` and the service's
/// `(civic.access.v1.key_scope)` (protos/civic/access/v1/access.proto). The plugin reads
/// them from the options' extension bytes itself: it cannot use the generated Swift for
/// access.proto, which it is itself generating.
struct AccessRule {
    /// Role enum numbers, as declared (civic.access.v1.Role).
    var roles: [Int] = []
    /// Limit enum numbers (civic.access.v1.Limit).
    var limits: [Int] = []

    static let ruleField = 51001
    static let keyScopeField = 51002

    static let roleNames = [1: "admin", 2: "staff", 3: "leader", 4: "deputy", 5: "department", 6: "service", 7: "public", 8: "operator"]
    static let limitNames = [1: "ownUnit", 2: "ownDivision", 3: "ownRecords"]

    struct Missing: Error, CustomStringConvertible {
        let method: String
        var description: String {
            "\(method) has no access rule: add `option (civic.access.v1.rule) = {roles: [...]};` (docs/ACCESS.md)"
        }
    }

    struct Malformed: Error, CustomStringConvertible {
        let what: String
        var description: String { "malformed access option: \(what)" }
    }

    /// The method's rule, or throws `Missing`: every method needs a decision.
    static func of(_ method: MethodDescriptor) throws -> AccessRule {
        guard let bytes = try WireFields.lengthDelimited(method.options.unknownFields.data, field: ruleField).last else {
            throw Missing(method: "/\(method.service.fullName)/\(method.name)")
        }
        var rule = AccessRule()
        for (field, value) in try WireFields.all(bytes) {
            switch (field, value) {
            case (1, .varint(let n)): rule.roles.append(Int(n))
            case (1, .bytes(let packed)): rule.roles += try WireFields.packedVarints(packed).map(Int.init)
            case (2, .varint(let n)): rule.limits.append(Int(n))
            case (2, .bytes(let packed)): rule.limits += try WireFields.packedVarints(packed).map(Int.init)
            default: break
            }
        }
        for role in rule.roles where roleNames[role] == nil { throw Malformed(what: "role \(role) on \(method.fullName)") }
        for limit in rule.limits where limitNames[limit] == nil { throw Malformed(what: "limit \(limit) on \(method.fullName)") }
        return rule
    }

    /// The service's key scope ("proposals"), or nil.
    static func keyScope(of service: ServiceDescriptor) throws -> String? {
        try WireFields.lengthDelimited(service.options.unknownFields.data, field: keyScopeField).last.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Swift source for a `MethodAccess` value.
    func swift(keyScope: String?) -> String {
        let roles = self.roles.compactMap { Self.roleNames[$0] }.map { "." + $0 }.joined(separator: ", ")
        let limits = self.limits.compactMap { Self.limitNames[$0] }.map { "." + $0 }.joined(separator: ", ")
        // A short service name goes into a Swift string literal: only letters, digits, - and _.
        let scope = keyScope.map { "\"\($0.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })\"" } ?? "nil"
        return "MethodAccess(roles: [\(roles)], limits: [\(limits)], keyScope: \(scope))"
    }
}

/// Just enough of the protobuf wire format to read extension fields out of unknown bytes.
enum WireFields {
    enum Value {
        case varint(UInt64)
        case bytes(Data)
        case fixed
    }

    struct Truncated: Error {}

    /// Reads varints and skips fields from a byte buffer.
    struct Reader {
        let bytes: [UInt8]
        var i = 0

        init(_ data: Data) { bytes = [UInt8](data) }

        var atEnd: Bool { i >= bytes.count }

        mutating func varint() throws -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard i < bytes.count, shift < 64 else { throw Truncated() }
                let byte = bytes[i]
                i += 1
                result |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
        }

        mutating func skip(_ count: Int) throws -> Range<Int> {
            guard count >= 0, count <= bytes.count - i else { throw Truncated() }
            defer { i += count }
            return i..<(i + count)
        }
    }

    static func all(_ data: Data) throws -> [(Int, Value)] {
        var reader = Reader(data)
        var fields: [(Int, Value)] = []
        while !reader.atEnd {
            let key = try reader.varint()
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: fields.append((field, .varint(try reader.varint())))
            case 1: _ = try reader.skip(8); fields.append((field, .fixed))
            case 2:
                let length = try reader.varint()
                guard length <= UInt64(Int.max) else { throw Truncated() }
                let range = try reader.skip(Int(length))
                fields.append((field, .bytes(Data(reader.bytes[range]))))
            case 5: _ = try reader.skip(4); fields.append((field, .fixed))
            default: throw Truncated()
            }
        }
        return fields
    }

    static func lengthDelimited(_ data: Data, field: Int) throws -> [Data] {
        try all(data).compactMap { number, value in
            if number == field, case .bytes(let bytes) = value { return bytes }
            return nil
        }
    }

    /// A packed repeated scalar: varints back to back, without keys.
    static func packedVarints(_ data: Data) throws -> [UInt64] {
        var reader = Reader(data)
        var values: [UInt64] = []
        while !reader.atEnd { values.append(try reader.varint()) }
        return values
    }
}
