import CivicDomain

/// 重点督办: related items of one year merged into one key-supervised item, counted once in
/// the report's 重点督办 项数.
public struct KeyGroup: Sendable, Equatable {
    public var id: String
    public var year: Int
    public var name: String
    public var itemIDs: [String]

    public init(id: String, year: Int, name: String, itemIDs: [String]) {
        self.id = id
        self.year = year
        self.name = name
        self.itemIDs = itemIDs
    }

    /// The items a merge names: at least two, none twice.
    public static func checkRequest(itemIDs: [String]) throws {
        guard itemIDs.count >= 2 else {
            throw DomainError.invalid("at least two items are merged", field: "item_ids", reason: "TOO_FEW")
        }
        guard Set(itemIDs).count == itemIDs.count else {
            throw DomainError.invalid("an item is listed twice", field: "item_ids", reason: "DUPLICATE")
        }
    }

    /// The year of the merged item: the items must all be of one year and none already merged.
    public static func year(merging items: [Item]) throws -> Int {
        let years = Set(items.map(\.year))
        guard years.count == 1, let year = years.first else {
            throw DomainError.invalid(
                "merged items must all be of one year; found \(years.sorted().map(String.init).joined(separator: ", "))", field: "item_ids",
                reason: "MIXED_YEARS")
        }
        if let grouped = items.first(where: { $0.keyGroupID != nil }) {
            throw DomainError.failedPrecondition("item \(grouped.number) is already part of a key-supervised item", reason: "ALREADY_MERGED")
        }
        return year
    }
}
