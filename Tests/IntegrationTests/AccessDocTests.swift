import CivicProtoServices
import CivicRPC
import Foundation
import Testing

/// docs/ACCESS.md §2 lists every method with its access rule for the departments that write
/// clients from the docs alone. The rules live beside each method in protos/
/// (`(civic.access.v1.rule)`) and reach the code as `RPCMethod.access`; this test reads the
/// table and compares it with `CivicServiceRegistry`, so the document cannot drift from them.
///
/// A row of the method table has exactly four cells:
///
///     | /civic.proposals.v1.ProposalService/GetItem | staff, leader, deputy | own_unit, own_records | proposals |
///
/// method path · roles besides admin (in the order of civic.access.v1.Role; `anyone` for a
/// method open to PUBLIC, `admin only` for none) · limits (in the order of
/// civic.access.v1.Limit, `—` for none) · key scope (`—` for none).
@Suite("ACCESS.md method table")
struct AccessDocTests {
    /// The repository root: this file is <root>/Tests/IntegrationTests/AccessDocTests.swift.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/IntegrationTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // root

    /// civic.access.v1.Role in declaration order, by the names `Role.name` gives.
    static let roleOrder = ["admin", "staff", "leader", "deputy", "department", "service", "public"]

    struct Row: Equatable, CustomStringConvertible {
        var roles: String
        var limits: String
        var keyScope: String
        var description: String { "| \(roles) | \(limits) | \(keyScope) |" }
    }

    /// What the table must say for `access`.
    static func expectedRow(_ access: MethodAccess) -> Row {
        let roles: String
        if access.isPublic {
            roles = "anyone"
        } else if access.roles.isEmpty {
            roles = "admin only"
        } else {
            roles = access.roles.map(\.name)
                .sorted { (roleOrder.firstIndex(of: $0) ?? Int.max, $0) < (roleOrder.firstIndex(of: $1) ?? Int.max, $1) }
                .joined(separator: ", ")
        }
        let limits = MethodAccess.Limit.allCases.filter(access.limits.contains).map(\.rawValue).joined(separator: ", ")
        return Row(roles: roles, limits: limits.isEmpty ? "—" : limits, keyScope: access.keyScope ?? "—")
    }

    /// The lines of §2, from its heading to the next `## ` heading.
    static func sectionTwo() throws -> [Substring] {
        let url = root.appendingPathComponent("docs/ACCESS.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("## 2.") }, "docs/ACCESS.md has no `## 2.` heading")
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("## ") } ?? lines.endIndex
        return Array(lines[(start + 1)..<end])
    }

    /// The table cells of a Markdown row, trimmed, backticks removed.
    static func cells(_ line: Substring) -> [String] {
        var body = line.trimmingCharacters(in: .whitespaces)
        guard body.hasPrefix("|") else { return [] }
        body.removeFirst()
        if body.hasSuffix("|") { body.removeLast() }
        return body.split(separator: "|", omittingEmptySubsequences: false)
            .map { $0.replacingOccurrences(of: "`", with: "").trimmingCharacters(in: .whitespaces) }
    }

    /// Method path → the rows naming it (more than one is an error).
    static func documentedRows() throws -> [String: [Row]] {
        var rows: [String: [Row]] = [:]
        for line in try sectionTwo() {
            let cells = cells(line)
            guard let first = cells.first, first.hasPrefix("/") else { continue }
            #expect(cells.count == 4, "ACCESS.md §2: a method row needs four cells (method | roles | limits | key scope): \(line)")
            guard cells.count == 4 else { continue }
            rows[first, default: []].append(Row(roles: cells[1], limits: cells[2], keyScope: cells[3]))
        }
        return rows
    }

    @Test func everyMethodHasItsRuleInTheTable() throws {
        let documented = try Self.documentedRows()
        #expect(!CivicServiceRegistry.methodsByPath.isEmpty)
        for (path, method) in CivicServiceRegistry.methodsByPath.sorted(by: { $0.key < $1.key }) {
            let expected = Self.expectedRow(method.access)
            guard let rows = documented[path] else {
                Issue.record("ACCESS.md §2 has no row for \(path); add: | \(path) \(expected)")
                continue
            }
            #expect(rows.count == 1, "ACCESS.md §2 lists \(path) \(rows.count) times")
            #expect(rows.first == expected, "ACCESS.md §2, \(path): the table says \(rows.first!), protos/ say \(expected)")
        }
    }

    @Test func theTableNamesNoMethodThatDoesNotExist() throws {
        let unknown = try Self.documentedRows().keys.filter { CivicServiceRegistry.methodsByPath[$0] == nil }.sorted()
        #expect(unknown == [], "ACCESS.md §2 names methods that are not in protos/: \(unknown)")
    }

    /// The parser itself: a row in the documented format reads back as the rule it shows.
    @Test func theRowFormatReadsBack() {
        let cells = Self.cells("| /civic.proposals.v1.ProposalService/GetItem | staff, leader, deputy | own_unit, own_records | proposals |")
        #expect(cells == ["/civic.proposals.v1.ProposalService/GetItem", "staff, leader, deputy", "own_unit, own_records", "proposals"])
        #expect(
            Self.expectedRow(MethodAccess(roles: [.deputy, .staff, .leader], limits: [.ownRecords, .ownUnit], keyScope: "proposals"))
                == Row(roles: "staff, leader, deputy", limits: "own_unit, own_records", keyScope: "proposals"))
        #expect(Self.expectedRow(.adminOnly) == Row(roles: "admin only", limits: "—", keyScope: "—"))
        #expect(Self.expectedRow(MethodAccess(roles: [.public])) == Row(roles: "anyone", limits: "—", keyScope: "—"))
    }
}
