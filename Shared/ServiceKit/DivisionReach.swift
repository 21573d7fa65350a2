import CivicDomain

/// What a key with a division code reaches (ACCESS.md, OWN_DIVISION): the records of that division
/// and the divisions in it; a key without one reaches all. Every service whose records belong to a
/// division checks them through this.
public struct DivisionReach: Sendable {
    /// The caller's division; nil for all divisions.
    public let division: DivisionCode?

    /// PERMISSION_DENIED for a key whose division is not a division code.
    public init(_ scope: CallerScope) throws {
        if let text = scope.division {
            guard let code = try? DivisionCode(text) else {
                throw DomainError.permissionDenied("the key's division \(text) is not a division code")
            }
            division = code
        } else {
            division = nil
        }
    }

    /// PERMISSION_DENIED for a record outside the caller's division.
    public func check(_ recordDivision: DivisionCode, _ what: String) throws {
        if let division, !division.contains(recordDivision) {
            // The record's own division is not named: it would tell where a person is registered.
            throw DomainError.permissionDenied("\(what) is outside this key's division \(division)")
        }
    }

    /// Whether a record in `recordDivision` is within the caller's reach.
    public func reaches(_ recordDivision: DivisionCode) -> Bool { division.map { $0.contains(recordDivision) } ?? true }

    /// An optional division filter: nil when empty, INVALID_ARGUMENT (field `field`) when malformed.
    public static func division(_ text: String, field: String = "division") throws -> DivisionCode? {
        guard !text.isEmpty else { return nil }
        do {
            return try DivisionCode(text)
        } catch let error as DomainError {
            throw DomainError.invalid(error.message, field: field, reason: error.reason)
        }
    }

    /// The division a list reaches: the one requested (which must lie within the caller's), or the caller's.
    public func listing(requested text: String, field: String = "division") throws -> DivisionCode? {
        guard let requested = try Self.division(text, field: field) else { return division }
        guard let division else { return requested }
        if division.contains(requested) { return requested }
        if requested.contains(division) { return division }
        throw DomainError.permissionDenied("division \(requested) is outside this key's \(division)")
    }
}
