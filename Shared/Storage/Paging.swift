import Foundation

/// Offset paging for list calls, with opaque tokens so clients don't mistake them for data.
public enum Paging {
    public static let defaultPageSize = 50
    public static let maxPageSize = 200

    /// A page size from a request: 0 means the default; above the maximum is clamped.
    public static func pageSize(_ requested: Int32) throws -> Int {
        if requested < 0 { throw PagingError.negativePageSize }
        if requested == 0 { return defaultPageSize }
        return min(Int(requested), maxPageSize)
    }

    public static func token(offset: Int) -> String {
        Data("o:\(offset)".utf8).base64EncodedString()
    }

    public static func offset(fromToken token: String) throws -> Int {
        if token.isEmpty { return 0 }
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
            text.hasPrefix("o:"), let offset = Int(text.dropFirst(2)), offset >= 0
        else {
            throw PagingError.badToken
        }
        return offset
    }
}

/// One page of a list: the items, the token for the next page ("" on the last) and how
/// many there are in all.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextPageToken: String
    public var totalCount: Int

    public init(items: [Item], nextPageToken: String, totalCount: Int) {
        self.items = items
        self.nextPageToken = nextPageToken
        self.totalCount = totalCount
    }

    /// The page of `items` read at `offset` out of `total`: the next token when more follow.
    public init(items: [Item], offset: Int, total: Int) {
        self.init(items: items, nextPageToken: offset + items.count < total ? Paging.token(offset: offset + items.count) : "", totalCount: total)
    }

    public func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), nextPageToken: nextPageToken, totalCount: totalCount)
    }
}

public enum PagingError: Error, Equatable {
    case badToken
    case negativePageSize
}
