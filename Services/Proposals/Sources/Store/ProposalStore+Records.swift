import CivicDomain
import CivicRPC
import CivicStorage
import GRDB
import ProposalsDomain

/// What moves record besides the item: contacts, progress notes, ratings and urgings.
extension ProposalStore {
    /// What was recorded on an item: contacts, progress notes, ratings, oldest first.
    public func records(itemID: String) async throws -> ItemRecords {
        try await database.read { db in
            _ = try Self.load(db, id: itemID)  // NOT_FOUND for an unknown id
            return ItemRecords(
                contacts: try Row.fetchAll(db, sql: "SELECT * FROM item_contacts WHERE item_id = ? ORDER BY id", arguments: [itemID]).map { row in
                    guard let stage = ContactStage(rawValue: row["stage"]) else { throw Self.corrupt("contact", row) }
                    return ContactRecord(
                        stage: stage, faceToFace: row["face_to_face"], summary: row["summary"], on: try Self.day(row, "contact"), recordedBy: row["recorded_by"]
                    )
                },
                progress: try Row.fetchAll(db, sql: "SELECT * FROM item_progress WHERE item_id = ? ORDER BY id", arguments: [itemID]).map { row in
                    ProgressNote(progress: row["progress"], on: try Self.day(row, "progress note"), recordedBy: row["recorded_by"])
                },
                ratings: try Row.fetchAll(db, sql: "SELECT * FROM item_feedback WHERE item_id = ? ORDER BY id", arguments: [itemID]).map { row in
                    guard let rating = Satisfaction(rawValue: row["rating"]) else { throw Self.corrupt("rating", row) }
                    return Rating(rating: rating, comment: row["comment"], on: try Self.day(row, "rating"), givenBy: row["given_by"])
                })
        }
    }

    private static func day(_ row: Row, _ what: String) throws -> CivilDate {
        guard let day = (row["on_date"] as String?).flatMap(CivilDate.init) else { throw corrupt(what, row) }
        return day
    }

    private static func corrupt(_ what: String, _ row: Row) -> RPCError {
        RPCError(.dataLoss, "\(what) \(row["id"] as Int64? ?? 0) of item \(row["item_id"] as String? ?? "?") is unreadable")
    }

    /// Writes what a move records, inside its transaction. An urging already recorded for
    /// that deadline and day refuses the move (ALREADY_URGED): a run that day did it.
    static func write(_ record: ItemRecord, itemID: String, _ db: Database) throws {
        switch record {
        case .contact(let contact):
            try db.execute(
                sql: "INSERT INTO item_contacts (item_id, stage, face_to_face, summary, on_date, recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [itemID, contact.stage.rawValue, contact.faceToFace, contact.summary, contact.on.description, contact.recordedBy])
        case .progress(let note):
            try db.execute(
                sql: "INSERT INTO item_progress (item_id, progress, on_date, recorded_by) VALUES (?, ?, ?, ?)",
                arguments: [itemID, note.progress, note.on.description, note.recordedBy])
        case .rating(let rating):
            try db.execute(
                sql: "INSERT INTO item_feedback (item_id, rating, comment, on_date, given_by) VALUES (?, ?, ?, ?, ?)",
                arguments: [itemID, rating.rating.rawValue, rating.comment, rating.on.description, rating.givenBy])
        case .urging(let urging):
            let deadline = urging.deadline
            try db.execute(
                sql: "INSERT OR IGNORE INTO item_urgings (item_id, deadline, unit, day, urgency) VALUES (?, ?, ?, ?, ?)",
                arguments: [itemID, deadline.deadline.code, deadline.deadline.unit, urging.day.description, deadline.urgency.rawValue])
            guard db.changesCount > 0 else {
                throw DomainError.alreadyExists("\(deadline.deadline.code) of item \(itemID) was urged on \(urging.day) already", reason: alreadyUrged)
            }
        }
    }

    /// The reason of the refusal of an urging already recorded that day.
    static let alreadyUrged = "ALREADY_URGED"
}
