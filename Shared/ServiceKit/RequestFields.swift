import CivicDomain
import Foundation

/// Reading a request's fields the same way in every handler: what is required, what a
/// date looks like, when a date may not be in the future. Problems are DomainErrors with
/// the field's path, mapped to INVALID_ARGUMENT in one place.
public enum RequestFields {
    /// The text without surrounding white space, or INVALID_ARGUMENT REQUIRED naming `what`.
    public static func required(_ text: String, field: String, what: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw DomainError.invalid("\(what) is required", field: field, reason: "REQUIRED") }
        return trimmed
    }

    /// An empty id is INVALID_ARGUMENT, not NOT_FOUND.
    public static func requireID(_ id: String, field: String = "id") throws {
        guard !id.isEmpty else { throw DomainError.invalid("\(field) is required", field: field, reason: "REQUIRED") }
    }

    /// "YYYY-MM-DD", or `today` when empty. With `notAfterToday`, a date in the future is
    /// refused: the day something happened may be entered late, never ahead.
    public static func date(_ text: String, field: String, today: CivilDate, notAfterToday: Bool) throws -> CivilDate {
        if text.isEmpty { return today }
        guard let date = CivilDate(text) else { throw DomainError.invalid("\(field) must be a date YYYY-MM-DD", field: field, reason: "INVALID") }
        if notAfterToday && date > today {
            throw DomainError.invalid("\(field) \(date) is in the future (today is \(today))", field: field, reason: "IN_THE_FUTURE")
        }
        return date
    }

    /// An optional date: nil when empty, INVALID_ARGUMENT when malformed.
    public static func optionalDate(_ text: String, field: String) throws -> CivilDate? {
        if text.isEmpty { return nil }
        guard let date = CivilDate(text) else { throw DomainError.invalid("\(field) must be a date YYYY-MM-DD", field: field, reason: "INVALID") }
        return date
    }

    /// A date field read into a list of problems: nil when empty; INVALID added when malformed.
    public static func date(_ text: String, field: String, into errors: inout ValidationErrors) -> CivilDate? {
        guard !text.isEmpty else { return nil }
        guard let date = CivilDate(text) else {
            errors.add(field, "INVALID", "\(field) must be a date YYYY-MM-DD")
            return nil
        }
        return date
    }

    /// A required date field read into a list of problems: REQUIRED added when empty, INVALID when malformed.
    public static func requiredDate(_ text: String, field: String, into errors: inout ValidationErrors) -> CivilDate? {
        if text.isEmpty { errors.add(field, "REQUIRED", "\(field) is required") }
        return date(text, field: field, into: &errors)
    }

    /// A free-text field read into a list of problems, trimmed: REQUIRED added when `required` and
    /// blank, TOO_LONG when over `max` characters.
    public static func text(_ text: String, field: String, max: Int, required: Bool = true, into errors: inout ValidationErrors) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty { errors.add(field, "REQUIRED", "\(field) is required") }
        if trimmed.count > max { errors.add(field, "TOO_LONG", "\(field) has at most \(max) characters") }
        return trimmed
    }

    /// A reason a change must give (audited): REQUIRED when blank, TOO_LONG over 500 characters.
    public static func reason(_ text: String, field: String = "reason") throws -> String {
        let reason = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw DomainError.invalid("\(field) is required", field: field, reason: "REQUIRED") }
        guard reason.count <= 500 else { throw DomainError.invalid("\(field) has at most 500 characters", field: field, reason: "TOO_LONG") }
        return reason
    }
}
