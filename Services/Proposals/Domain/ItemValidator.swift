import CivicDomain
import Foundation

/// The rules an item must meet to be registered. Reports every problem at once, so staff
/// can fix a form in one pass.
public struct ItemValidator: Sendable {
    public let topics: TopicCatalog
    /// Items come from the current or a recent session; a year outside this is a typo.
    public let validYears: ClosedRange<Int>

    public static let maxTitleLength = 200
    public static let maxBodyLength = 50_000
    public static let maxNumberLength = 64
    public static let maxProposers = 500
    /// 会议 names ("十五届区人大五次会议") are short; nothing longer is a session.
    public static let maxSessionLength = 100
    /// A proposer's name, delegation (代表团 / 界别), contact and member id.
    public static let maxProposerNameLength = 50
    public static let maxDelegationLength = 100
    public static let maxContactLength = 200
    public static let maxMemberIDLength = 64

    public init(topics: TopicCatalog = .standard, validYears: ClosedRange<Int> = 1949...2100) {
        self.topics = topics
        self.validYears = validYears
    }

    /// `keptTopic`: a correction may keep the item's topic even if it has been retired since.
    public func validate(_ item: ItemRegistration, keptTopic: String? = nil) throws {
        var errors = ValidationErrors()
        if item.kind == nil {
            errors.add("kind", "REQUIRED", "kind is required: NPC_SUGGESTION or CPPCC_PROPOSAL")
        }
        if !validYears.contains(item.year) {
            errors.add("year", "OUT_OF_RANGE", "year \(item.year) is outside \(validYears.lowerBound)…\(validYears.upperBound)")
        }
        let number = item.number.trimmingCharacters(in: .whitespacesAndNewlines)
        if number.isEmpty {
            errors.add("number", "REQUIRED", "number is required (e.g. 第21-168号)")
        } else if number.count > Self.maxNumberLength {
            errors.add("number", "TOO_LONG", "number is longer than \(Self.maxNumberLength) characters")
        }
        let title = item.title.trimmingCharacters(in: .whitespacesAndNewlines)
        if title.isEmpty {
            errors.add("title", "REQUIRED", "title is required")
        } else if title.count > Self.maxTitleLength {
            errors.add("title", "TOO_LONG", "title is longer than \(Self.maxTitleLength) characters")
        }
        if item.body.count > Self.maxBodyLength {
            errors.add("body", "TOO_LONG", "body is longer than \(Self.maxBodyLength) characters")
        }
        if item.session.count > Self.maxSessionLength {
            errors.add("session", "TOO_LONG", "session is longer than \(Self.maxSessionLength) characters")
        }
        if item.proposers.isEmpty {
            errors.add("proposers", "REQUIRED", "at least one proposer is required")
        } else if item.proposers.count > Self.maxProposers {
            errors.add("proposers", "TOO_MANY", "more than \(Self.maxProposers) proposers")
        } else {
            for (i, proposer) in item.proposers.enumerated() {
                if proposer.name.trimmingCharacters(in: .whitespaces).isEmpty {
                    errors.add("proposers[\(i)].name", "REQUIRED", "proposer \(i + 1) has no name")
                }
                for (field, value, limit) in [
                    ("name", proposer.name, Self.maxProposerNameLength), ("delegation", proposer.delegation, Self.maxDelegationLength),
                    ("contact", proposer.contact, Self.maxContactLength), ("member_id", proposer.memberID, Self.maxMemberIDLength),
                ] where value.count > limit {
                    errors.add("proposers[\(i)].\(field)", "TOO_LONG", "proposer \(i + 1)'s \(field) is longer than \(limit) characters")
                }
            }
            let leads = item.proposers.filter(\.lead).count
            if leads != 1 {
                errors.add("proposers", "ONE_LEAD", "exactly one proposer must be the lead (领衔); found \(leads)")
            }
        }
        if item.topic.isEmpty {
            errors.add("topic", "REQUIRED", "topic is required")
        } else if item.topic == keptTopic {
            // An item keeps its topic, even one retired or dropped from the list since.
        } else if !topics.contains(item.topic) {
            errors.add("topic", "UNKNOWN", "unknown topic \"\(item.topic)\"; known: \(topics.activeCodes.joined(separator: ", "))")
        } else if !topics.accepts(item.topic) {
            errors.add("topic", "RETIRED", "topic \"\(item.topic)\" is retired; use one of: \(topics.activeCodes.joined(separator: ", "))")
        }
        try errors.check()
    }
}
