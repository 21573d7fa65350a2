import CivicDomain
import Foundation

/// A reply template (答复模板): text with placeholders filled from the item.
public struct ReplyTemplate: Sendable, Equatable {
    public var id: String
    public var name: String
    public var text: String
    public var createdBy: String
    public var createdAt: String

    public init(id: String, name: String, text: String, createdBy: String, createdAt: String) {
        self.id = id
        self.name = name
        self.text = text
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    public static let placeholders = ["{number}", "{title}", "{year}", "{session}", "{proposer}", "{delegation}"]

    /// A template's name and text as staff entered them: every problem at once. Returns the
    /// trimmed name.
    public static func validate(name: String, text: String) throws -> String {
        var errors = ValidationErrors()
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { errors.add("name", "REQUIRED", "name is required") }
        if name.count > 100 { errors.add("name", "TOO_LONG", "name is longer than 100 characters") }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { errors.add("text", "REQUIRED", "text is required") }
        if text.count > 50_000 { errors.add("text", "TOO_LONG", "text is longer than 50,000 characters") }
        // An unknown placeholder is refused now, not found later in a reply.
        for match in text.matches(of: /\{[a-z_]+\}/) where !placeholders.contains(String(match.output)) {
            errors.add("text", "UNKNOWN_PLACEHOLDER", "unknown placeholder \(match.output); known: \(placeholders.joined(separator: " "))")
        }
        try errors.check()
        return name
    }

    /// The template's text for `item`.
    public func render(for item: Item) -> String {
        let lead = item.proposers.first(where: \.lead)
        return
            text
            .replacingOccurrences(of: "{number}", with: item.number)
            .replacingOccurrences(of: "{title}", with: item.title)
            .replacingOccurrences(of: "{year}", with: String(item.year))
            .replacingOccurrences(of: "{session}", with: item.session)
            .replacingOccurrences(of: "{proposer}", with: lead?.name ?? "")
            .replacingOccurrences(of: "{delegation}", with: lead?.delegation ?? "")
    }
}
