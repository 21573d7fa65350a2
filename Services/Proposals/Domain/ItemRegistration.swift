import CivicDomain
import Foundation

/// What staff enter when an item arrives (登记).
public struct ItemRegistration: Sendable, Equatable {
    public var kind: ItemKind?
    public var year: Int
    public var session: String
    public var number: String
    public var title: String
    public var body: String
    public var proposers: [Proposer]
    public var topic: String
    public var keySupervised: Bool

    public init(
        kind: ItemKind?, year: Int, session: String = "", number: String, title: String, body: String = "", proposers: [Proposer], topic: String,
        keySupervised: Bool = false
    ) {
        self.kind = kind
        self.year = year
        self.session = session
        self.number = number
        self.title = title
        self.body = body
        self.proposers = proposers
        self.topic = topic
        self.keySupervised = keySupervised
    }
}

extension ItemRegistration {
    /// The registration as it was entered for `item`.
    public init(_ item: Item) {
        self.init(
            kind: item.kind, year: item.year, session: item.session, number: item.number, title: item.title,
            body: item.body, proposers: item.proposers, topic: item.topic, keySupervised: item.keySupervised)
    }

    /// What a correction changes, field by field, for the history: short fields with the
    /// old and new value, long ones (the body) and the proposer list by name only. The
    /// registration is trimmed as it will be stored.
    public func changes(from item: Item) -> [String] {
        let old = ItemRegistration(item)
        var changes: [String] = []
        func short(_ name: String, _ before: String, _ after: String) {
            if before != after { changes.append("\(name): \(before) → \(after)") }
        }
        short("kind", old.kind?.rawValue ?? "", kind?.rawValue ?? "")
        short("year", String(old.year), String(year))
        short("session", old.session, session.trimmingCharacters(in: .whitespacesAndNewlines))
        short("number", old.number, number.trimmingCharacters(in: .whitespacesAndNewlines))
        short("title", old.title, title.trimmingCharacters(in: .whitespacesAndNewlines))
        if old.body != body { changes.append("body") }
        if old.proposers != proposers { changes.append("proposers") }
        short("topic", old.topic, topic)
        short("key_supervised", String(old.keySupervised), String(keySupervised))
        return changes
    }
}

extension ItemRegistration {
    /// The new item this registration makes (登记), its short fields trimmed as stored.
    public func item(id: String, kind: ItemKind, registeredAt: String, registeredBy: String) -> Item {
        Item(
            id: id, kind: kind, year: year,
            session: session.trimmingCharacters(in: .whitespacesAndNewlines),
            number: number.trimmingCharacters(in: .whitespacesAndNewlines),
            title: title.trimmingCharacters(in: .whitespacesAndNewlines),
            body: body, proposers: proposers, topic: topic,
            keySupervised: keySupervised, state: .registered,
            registeredAt: registeredAt, registeredBy: registeredBy)
    }

    /// What correcting `item`'s registration to this one does (更正): the item with the new
    /// details (handling, deadlines and records stay as they are), the changes for the
    /// history, and the published text masked again when the proposers changed. Refuses a
    /// correction that changes nothing or would take a merged item (重点督办) out of its group.
    public func correction(of item: Item) throws -> ItemCorrection {
        guard let kind else { throw DomainError.invalid("kind is required", field: "item.kind", reason: "REQUIRED") }
        let changes = changes(from: item)
        guard !changes.isEmpty else {
            throw DomainError.invalid("the correction changes nothing", field: "item", reason: "NO_CHANGE")
        }
        if item.keyGroupID != nil && !keySupervised {
            throw DomainError.failedPrecondition("the item is part of a merged key-supervised item and stays key-supervised", reason: "ALREADY_MERGED")
        }
        if item.keyGroupID != nil && year != item.year {
            throw DomainError.failedPrecondition(
                "the item is part of a merged key-supervised item of \(item.year); its year cannot change", reason: "ALREADY_MERGED")
        }
        let entered = self.item(id: item.id, kind: kind, registeredAt: item.registeredAt, registeredBy: item.registeredBy)
        var corrected = item
        corrected.kind = entered.kind
        corrected.year = entered.year
        corrected.session = entered.session
        corrected.number = entered.number
        corrected.title = entered.title
        corrected.body = entered.body
        corrected.proposers = entered.proposers
        corrected.topic = entered.topic
        corrected.keySupervised = entered.keySupervised
        // A published text is masked again against the corrected contacts: a wrong
        // contact on record may have let the real one through.
        var remasked = false
        if item.publishedOn != nil && item.proposers != corrected.proposers {
            let contacts = item.proposers.map(\.contact) + corrected.proposers.map(\.contact)
            corrected.publishedText = PublicationRedaction(contacts: contacts).redact(item.publishedText).text
            remasked = true
        }
        return ItemCorrection(item: corrected, changes: changes, remasked: remasked)
    }
}

/// A correction of an item's registration details (更正), ready to store.
public struct ItemCorrection: Sendable, Equatable {
    /// The item as corrected.
    public var item: Item
    /// What changed, field by field, for the history.
    public var changes: [String]
    /// The published text was masked again (the proposers' contacts changed).
    public var remasked: Bool
}
