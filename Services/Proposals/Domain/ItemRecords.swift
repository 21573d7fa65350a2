import CivicDomain

/// A contact with the proposer (办前/办中/办后沟通), as the office recorded it.
public struct ContactRecord: Sendable, Equatable {
    public var stage: ContactStage
    /// 见面: met face to face (the report's 见面率).
    public var faceToFace: Bool
    public var summary: String
    public var on: CivilDate
    public var recordedBy: String

    public init(stage: ContactStage, faceToFace: Bool, summary: String, on: CivilDate, recordedBy: String) {
        self.stage = stage
        self.faceToFace = faceToFace
        self.summary = summary
        self.on = on
        self.recordedBy = recordedBy
    }
}

/// 落实: progress made on what a reply promised.
public struct ProgressNote: Sendable, Equatable {
    public var progress: String
    public var on: CivilDate
    public var recordedBy: String

    public init(progress: String, on: CivilDate, recordedBy: String) {
        self.progress = progress
        self.on = on
        self.recordedBy = recordedBy
    }
}

/// The proposer's rating of a reply (满意度), with their comment.
public struct Rating: Sendable, Equatable {
    public var rating: Satisfaction
    public var comment: String
    public var on: CivilDate
    public var givenBy: String

    public init(rating: Satisfaction, comment: String, on: CivilDate, givenBy: String) {
        self.rating = rating
        self.comment = comment
        self.on = on
        self.givenBy = givenBy
    }
}

/// One deadline urged (催办) by the urging run of `day`: each deadline is urged at most
/// once a day, however often the run is repeated.
public struct UrgingRecord: Sendable, Equatable {
    public var deadline: DueDeadline
    public var day: CivilDate

    public init(deadline: DueDeadline, day: CivilDate) {
        self.deadline = deadline
        self.day = day
    }
}

/// What a move records besides the item itself; the store writes it in the move's
/// transaction.
public enum ItemRecord: Sendable, Equatable {
    case contact(ContactRecord)
    case progress(ProgressNote)
    case rating(Rating)
    /// Already recorded for that deadline and day: the store refuses the whole move
    /// (DomainError ALREADY_URGED).
    case urging(UrgingRecord)
}

/// What was recorded on an item, oldest first (GetItemRecords).
public struct ItemRecords: Sendable, Equatable {
    public var contacts: [ContactRecord]
    public var progress: [ProgressNote]
    public var ratings: [Rating]

    public init(contacts: [ContactRecord] = [], progress: [ProgressNote] = [], ratings: [Rating] = []) {
        self.contacts = contacts
        self.progress = progress
        self.ratings = ratings
    }
}
