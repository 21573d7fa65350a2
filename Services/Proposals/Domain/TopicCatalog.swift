import CivicDomain
import Foundation

/// The topics (议题分类) items are classified under: a local list, kept in configuration
/// (CIVIC_PROPOSALS_TOPICS_FILE, docs/PROPOSALS.md §1). A retired topic stays valid for the
/// items already filed under it — filters and reports — but new items cannot use it.
public struct TopicCatalog: Sendable, Equatable {
    public struct Topic: Sendable, Equatable {
        public var code: String
        /// The Chinese name reports print, e.g. 养老服务.
        public var name: String
        public var retired: Bool

        public init(code: String, name: String, retired: Bool = false) {
            self.code = code
            self.name = name
            self.retired = retired
        }
    }

    /// In the configured order (the order lists and forms show).
    public let topics: [Topic]
    /// Code → name, retired topics included.
    public let codes: [String: String]

    public init(_ topics: [Topic]) {
        self.topics = topics
        self.codes = Dictionary(topics.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first })
    }

    public init(codes: [String: String]) {
        self.init(codes.keys.sorted().map { Topic(code: $0, name: codes[$0]!) })
    }

    /// Known: current or retired (filters, reports, names).
    public func contains(_ code: String) -> Bool { codes[code] != nil }

    /// May be given to a new item.
    public func accepts(_ code: String) -> Bool { topics.contains { $0.code == code && !$0.retired } }

    public var activeCodes: [String] { topics.filter { !$0.retired }.map(\.code) }

    /// The topics DOMAIN.md lists.
    public static let standard = TopicCatalog([
        Topic(code: "elderly_care", name: "养老服务"),
        Topic(code: "social_assistance", name: "社会救助"),
        Topic(code: "social_organizations", name: "社会组织管理"),
        Topic(code: "grassroots_governance", name: "基层政权/社区治理"),
        Topic(code: "minor_protection", name: "未成年人保护"),
        Topic(code: "charity", name: "慈善"),
        Topic(code: "division_naming", name: "区划地名"),
        Topic(code: "marriage_customs", name: "婚俗"),
        Topic(code: "funeral", name: "殡葬"),
        Topic(code: "social_work", name: "社会工作"),
        Topic(code: "other", name: "其他"),
    ])

    /// The topics file: UTF-8, one topic per line as `code,名称` or `code,名称,retired`;
    /// blank lines and lines starting with `#` are skipped. Codes are lower-case ASCII
    /// (`a-z`, digits, `_`, at most 64), unique; names are required (at most 50 characters).
    /// Every problem is reported with its line number.
    public static func parse(_ text: String) throws -> TopicCatalog {
        var topics: [Topic] = []
        var problems: [String] = []
        var seen: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\u{FEFF}", with: "")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard (2...3).contains(fields.count) else {
                problems.append("line \(number): expected code,名称[,retired], found \(fields.count) field(s)")
                continue
            }
            let code = fields[0]
            let name = fields[1]
            if code.isEmpty || code.count > 64 || code.wholeMatch(of: /[a-z][a-z0-9_]*/) == nil {
                problems.append("line \(number): code \"\(code)\" must be lower-case letters, digits and _ (at most 64), starting with a letter")
            } else if let first = seen[code] {
                problems.append("line \(number): code \(code) is already on line \(first)")
            } else {
                seen[code] = number
            }
            if name.isEmpty || name.count > 50 {
                problems.append("line \(number): name is required (at most 50 characters)")
            }
            var retired = false
            if fields.count == 3 {
                switch fields[2].lowercased() {
                case "", "active": retired = false
                case "retired": retired = true
                default: problems.append("line \(number): third field must be \"retired\" or \"active\", not \"\(fields[2])\"")
                }
            }
            topics.append(Topic(code: code, name: name, retired: retired))
        }
        if problems.isEmpty && !topics.contains(where: { !$0.retired }) { problems.append("no topic that new items may use") }
        guard problems.isEmpty else { throw TopicFileError(problems: problems) }
        return TopicCatalog(topics)
    }

    public struct TopicFileError: Error, CustomStringConvertible {
        public let problems: [String]
        public var description: String { problems.joined(separator: "; ") }
    }
}
