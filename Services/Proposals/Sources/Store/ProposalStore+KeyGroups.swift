import CivicDomain
import CivicStorage
import Foundation
import GRDB
import ProposalsDomain

/// Key-supervised groups (重点督办).
extension ProposalStore {
    /// 重点督办: merges items of one year (KeyGroup.year) into one key-supervised item.
    public func mergeKeyItems(name: String, ids: [String], by actor: Actor, now: Date = Date()) async throws -> KeyGroup {
        try await writes.write { db in
            let items = try ids.map { try Self.load(db, id: $0) }
            let year = try KeyGroup.year(merging: items)
            let group = KeyGroup(id: UUID().uuidString.lowercased(), year: year, name: name, itemIDs: ids)
            try db.execute(
                sql: "INSERT INTO key_groups (id, year, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [group.id, year, name, actor.id, StorageTime.string(now)])
            for item in items {
                try db.execute(sql: "UPDATE items SET key_supervised = 1, key_group_id = ? WHERE id = ?", arguments: [group.id, item.id])
                try Audit.record(
                    db, by: actor, action: "merge-key", entity: "item", entityID: item.id, reason: name,
                    detail: "key group \(group.id) of \(items.count) items", at: now)
            }
            return group
        }
    }

    /// The year's key-supervised groups (重点督办), oldest first, with their items' ids.
    /// The year's groups; for a unit (its staff's OWN_UNIT), only the groups holding an item
    /// assigned to that unit, each with only those items.
    public func keyGroups(year: Int, unit: String? = nil) async throws -> [KeyGroup] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name FROM key_groups WHERE year = ? ORDER BY created_at, id", arguments: [year]).compactMap { row in
                let id: String = row["id"]
                let items: [String]
                if let unit {
                    items = try String.fetchAll(
                        db,
                        sql: """
                            SELECT id FROM items WHERE key_group_id = ? AND id IN (SELECT item_id FROM item_units WHERE unit = ?)
                            ORDER BY number, id
                            """, arguments: [id, unit])
                    if items.isEmpty { return nil }
                } else {
                    items = try String.fetchAll(db, sql: "SELECT id FROM items WHERE key_group_id = ? ORDER BY number, id", arguments: [id])
                }
                return KeyGroup(id: id, year: year, name: row["name"], itemIDs: items)
            }
        }
    }
}
