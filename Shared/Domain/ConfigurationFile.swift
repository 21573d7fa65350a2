import Foundation

/// A policy read from a JSON configuration file: decoded (left-out keys keep their defaults, as
/// each type's `init(from:)` decides), then checked by the type's own rules. One reading for
/// every service's configurable thresholds, so a bad file is refused the same way everywhere.
public enum ConfigurationFile {
    /// `T` from `data`: INVALID_ARGUMENT "configuration" UNREADABLE when it is not JSON of `T`'s
    /// shape (the message names `what`), else the `ValidationErrors` of `problems`, else the value.
    public static func load<T: Decodable>(_ type: T.Type, json data: Data, what: String, problems: (T) -> ValidationErrors) throws -> T {
        let value: T
        do {
            value = try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw DomainError.invalid("the \(what) cannot be read: \(error)", field: "configuration", reason: "UNREADABLE")
        }
        try problems(value).check()
        return value
    }
}
