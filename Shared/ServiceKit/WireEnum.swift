import CivicDomain
import CivicProtos
import SwiftProtobuf

/// Protobuf enums ↔ domain enums. A service's enums in protos/ list their values in the domain
/// enum's order after the UNSPECIFIED zero (each service's enum-mapping test checks the names pair
/// up), so the mapping is by position: wire value n is the domain's case n − 1.
public enum WireEnum {
    /// The domain case of a wire value; nil for UNSPECIFIED or an unknown value.
    public static func domain<D: CaseIterable>(_ value: some SwiftProtobuf.Enum, as: D.Type = D.self) -> D? {
        let all = Array(D.allCases)
        let index = value.rawValue - 1
        return all.indices.contains(index) ? all[index] : nil
    }

    /// The wire value of a domain case.
    @inlinable public static func wire<P: SwiftProtobuf.Enum, D: CaseIterable & Equatable>(_ value: D, as: P.Type = P.self) -> P {
        let cases = D.allCases
        return P(rawValue: cases.distance(from: cases.startIndex, to: cases.firstIndex(of: value)!) + 1)!
    }

    /// A required enum field: INVALID_ARGUMENT REQUIRED when unspecified, UNKNOWN when out of range.
    public static func required<D: CaseIterable>(_ value: some SwiftProtobuf.Enum, field: String, as: D.Type = D.self) throws -> D {
        if let domain: D = domain(value) { return domain }
        throw value.rawValue == 0
            ? DomainError.invalid("\(field) is required", field: field, reason: "REQUIRED")
            : DomainError.invalid("\(field) has an unknown value \(value.rawValue)", field: field, reason: "UNKNOWN")
    }

    /// An optional enum field: nil when unspecified, INVALID_ARGUMENT UNKNOWN when out of range.
    public static func optional<D: CaseIterable>(_ value: some SwiftProtobuf.Enum, field: String, as: D.Type = D.self) throws -> D? {
        value.rawValue == 0 ? nil : try required(value, field: field, as: D.self)
    }
}
