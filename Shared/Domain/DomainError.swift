/// One problem with a request or a record: the field path it concerns ("proposers[0].name",
/// "line 12: resident_id"), a stable machine-readable reason ("REQUIRED", "BAD_CHECK_DIGIT")
/// and a sentence for people. Reasons are part of the API: clients branch on them.
public struct FieldProblem: Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String
    public var description: String

    public init(field: String = "", reason: String, description: String) {
        self.field = field
        self.reason = reason
        self.description = description
    }
}

/// The error a domain throws. It knows what kind of refusal it is, not how a transport
/// spells it: `CivicServiceKit` maps each kind to its RPC status code in one place
/// (`DomainErrorMapping`), so domain targets never import RPC.
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The request itself is wrong (INVALID_ARGUMENT).
        case invalid
        /// The record's state does not allow it now (FAILED_PRECONDITION).
        case failedPrecondition
        /// No such record (NOT_FOUND).
        case notFound
        /// The record exists already (ALREADY_EXISTS).
        case alreadyExists
        /// The caller may not do this to this record (PERMISSION_DENIED).
        case permissionDenied
        /// Too much at once: a file, a page, a batch over its limit (RESOURCE_EXHAUSTED).
        case resourceExhausted
    }

    public var kind: Kind
    public var message: String
    public var problems: [FieldProblem]

    public init(_ kind: Kind, _ message: String, problems: [FieldProblem] = []) {
        self.kind = kind
        self.message = message
        self.problems = problems
    }

    /// The first problem's reason, or "" (convenient in tests and branches).
    public var reason: String { problems.first?.reason ?? "" }

    public var description: String {
        problems.isEmpty
            ? "\(kind): \(message)"
            : "\(kind): \(message) " + problems.map { "[\($0.field) \($0.reason): \($0.description)]" }.joined(separator: " ")
    }

    public static func invalid(_ message: String, field: String = "", reason: String = "INVALID") -> DomainError {
        DomainError(.invalid, message, problems: [FieldProblem(field: field, reason: reason, description: message)])
    }
    public static func failedPrecondition(_ message: String, reason: String = "FAILED_PRECONDITION") -> DomainError {
        DomainError(.failedPrecondition, message, problems: [FieldProblem(reason: reason, description: message)])
    }
    public static func notFound(_ message: String) -> DomainError { DomainError(.notFound, message) }
    public static func alreadyExists(_ message: String, reason: String? = nil) -> DomainError {
        DomainError(.alreadyExists, message, problems: reason.map { [FieldProblem(reason: $0, description: message)] } ?? [])
    }
    public static func permissionDenied(_ message: String) -> DomainError { DomainError(.permissionDenied, message) }
    public static func resourceExhausted(_ message: String, field: String = "", reason: String = "TOO_LARGE") -> DomainError {
        DomainError(.resourceExhausted, message, problems: [FieldProblem(field: field, reason: reason, description: message)])
    }
}

/// Several field problems found at once, reported together (INVALID_ARGUMENT): validators
/// collect every problem before refusing, so a clerk fixes a form in one pass.
public struct ValidationErrors: Error, Sendable, CustomStringConvertible {
    public private(set) var details: [FieldProblem] = []

    public init() {}

    public var isEmpty: Bool { details.isEmpty }

    /// The value `body` reads, or nil with its refusal's problems added here (any other error under
    /// `field`, INVALID): for reading many fields of a request and reporting every problem at once.
    public mutating func collect<T>(_ field: String, _ body: () throws -> T?) -> T? {
        do {
            return try body()
        } catch let error as DomainError {
            for problem in error.problems { add(problem) }
        } catch let errors as ValidationErrors {
            add(contentsOf: errors)
        } catch {
            add(field, "INVALID", "\(error)")
        }
        return nil
    }

    public mutating func add(_ field: String, _ reason: String, _ description: String) {
        details.append(FieldProblem(field: field, reason: reason, description: description))
    }

    public mutating func add(_ problem: FieldProblem) { details.append(problem) }

    public mutating func add(contentsOf other: ValidationErrors) { details += other.details }

    /// The same problems with `prefix` before each field (a nested message's fields).
    public func prefixed(_ prefix: String) -> ValidationErrors {
        var copy = ValidationErrors()
        for detail in details { copy.add(detail.field.isEmpty ? "" : prefix + detail.field, detail.reason, detail.description) }
        return copy
    }

    /// Throws when anything was added.
    public func check() throws {
        if !details.isEmpty { throw self }
    }

    /// One message for all problems, as the error's summary line.
    public var message: String {
        details.count == 1 ? details[0].description : "\(details.count) problems: " + details.map(\.description).joined(separator: "; ")
    }

    public var domainError: DomainError { DomainError(.invalid, message, problems: details) }

    public var description: String { domainError.description }
}
