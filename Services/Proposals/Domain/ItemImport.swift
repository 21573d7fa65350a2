import CivicDomain
import Foundation

/// Bulk import of items as they arrive from the NPC/CPPCC systems (docs/PROPOSALS.md).
/// Parsing and checking only; the store writes all lines in one transaction or none.
public enum ItemImport {
    public static let maxLines = 10_000

    /// CSV columns. Required ones must be in the header; others may be left out.
    public static let columns = [
        "kind", "year", "session", "number", "title", "topic", "key_supervised",
        "lead_name", "lead_delegation", "lead_contact", "lead_member_id", "co_signers", "body",
    ]
    public static let requiredColumns: Set<String> = ["kind", "year", "number", "title", "topic", "lead_name"]

    public struct Line: Sendable {
        public init(number: Int, registration: ItemRegistration) {
            self.number = number
            self.registration = registration
        }
        public let number: Int
        public let registration: ItemRegistration
    }

    /// Parses and validates a CSV file; throws INVALID_ARGUMENT listing every problem by line.
    public static func csv(_ text: String, validator: ItemValidator) throws -> [Line] {
        let (lines, problems) = try parseCSV(text, validator: validator)
        try problems.check()
        return lines
    }

    /// The lines that parsed and every problem found, by line; throws only when the file as a
    /// whole is unreadable (header, quoting).
    public static func parseCSV(_ text: String, validator: ItemValidator) throws -> (lines: [Line], problems: ValidationErrors) {
        let rows = try CSV.parse(text)
        guard let header = rows.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw DomainError.invalid("the file is empty", field: "content", reason: "EMPTY")
        }
        var problems = ValidationErrors()
        for name in header where !columns.contains(name) {
            problems.add("line 1", "UNKNOWN_COLUMN", "line 1: unknown column \"\(name)\"; known: \(columns.joined(separator: ", "))")
        }
        for name in requiredColumns.sorted() where !header.contains(name) {
            problems.add("line 1", "MISSING_COLUMN", "line 1: the header lacks the column \"\(name)\"")
        }
        try problems.check()
        var lines: [Line] = []
        for row in rows.dropFirst() where !row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            guard row.fields.count == header.count else {
                problems.add("line \(row.line)", "COLUMNS", "line \(row.line): \(row.fields.count) fields, the header has \(header.count)")
                continue
            }
            var value: [String: String] = [:]
            for (name, field) in zip(header, row.fields) { value[name] = field.trimmingCharacters(in: .whitespaces) }
            var registration = ItemRegistration(kind: nil, year: 0, number: "", title: "", proposers: [], topic: "")
            switch value["kind"] ?? "" {
            case "npc_suggestion", "NPC_SUGGESTION", "代表建议", "建议": registration.kind = .npcSuggestion
            case "cppcc_proposal", "CPPCC_PROPOSAL", "政协提案", "提案": registration.kind = .cppccProposal
            case "": break
            case let other:
                problems.add(
                    "line \(row.line): kind", "UNKNOWN", "line \(row.line): kind \"\(other)\" is neither npc_suggestion (代表建议) nor cppcc_proposal (政协提案)")
            }
            if let year = Int(value["year"] ?? "") {
                registration.year = year
            } else {
                problems.add("line \(row.line): year", "INVALID", "line \(row.line): year \"\(value["year"] ?? "")\" is not a number")
            }
            registration.session = value["session"] ?? ""
            registration.number = value["number"] ?? ""
            registration.title = value["title"] ?? ""
            registration.topic = value["topic"] ?? ""
            registration.body = value["body"] ?? ""
            switch (value["key_supervised"] ?? "").lowercased() {
            case "", "false", "0", "否", "no": registration.keySupervised = false
            case "true", "1", "是", "yes": registration.keySupervised = true
            case let other: problems.add("line \(row.line): key_supervised", "INVALID", "line \(row.line): key_supervised \"\(other)\" is not true/false (是/否)")
            }
            registration.proposers = [
                Proposer(
                    name: value["lead_name"] ?? "", lead: true, delegation: value["lead_delegation"] ?? "",
                    contact: value["lead_contact"] ?? "", memberID: value["lead_member_id"] ?? "")
            ]
            for name in (value["co_signers"] ?? "").split(whereSeparator: { $0 == ";" || $0 == "、" || $0 == "；" }) {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { registration.proposers.append(Proposer(name: trimmed, lead: false)) }
            }
            lines.append(Line(number: row.line, registration: registration))
        }
        return (lines, check(lines, problems: problems, validator: validator))
    }

    /// Validates parsed lines, numbers unique within the file; returns every problem found.
    public static func check(_ lines: [Line], problems: ValidationErrors = ValidationErrors(), validator: ItemValidator) -> ValidationErrors {
        var problems = problems
        if lines.isEmpty && problems.isEmpty { problems.add("content", "EMPTY", "the file has no items") }
        if lines.count > maxLines { problems.add("content", "TOO_MANY", "more than \(maxLines) items in one file") }
        var seen: [String: Int] = [:]
        for line in lines {
            do {
                try validator.validate(line.registration)
            } catch let errors as ValidationErrors {
                for detail in errors.details {
                    problems.add("line \(line.number): \(detail.field)", detail.reason, "line \(line.number): \(detail.description)")
                }
            } catch {
                problems.add("line \(line.number)", "INVALID", "line \(line.number): \(error)")
            }
            let key = "\(line.registration.year)|\(line.registration.kind?.rawValue ?? "")|\(line.registration.number.trimmingCharacters(in: .whitespaces))"
            if let first = seen[key] {
                problems.add("line \(line.number): number", "DUPLICATE", "line \(line.number): number \(line.registration.number) repeats line \(first)")
            } else {
                seen[key] = line.number
            }
        }
        return problems
    }
}
