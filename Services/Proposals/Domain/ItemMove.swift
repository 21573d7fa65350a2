import CivicDomain
import Foundation

/// One move of an item through the nine gates: the event the state machine judges, the day
/// it happened (checked against the item's record, EventDates), what the history records,
/// and the change it makes. `ProposalStore.apply` makes it in one transaction: state
/// machine, date, change, the records it returns, the item and its audit row, or nothing.
public struct ItemMove: Sendable {
    /// Changes the item as it is now (read inside the transaction) and returns what else the
    /// move records; throws a DomainError to refuse the move, leaving everything as it was.
    public typealias Change = @Sendable (inout Item) throws -> [ItemRecord]

    public var event: ItemEvent
    /// The day the event happened; nil for moves the caller does not date (urging,
    /// extensions, drafts, signatures by date of the call).
    public var on: CivilDate?
    /// The history's reason.
    public var note: String
    /// The history's detail, after the new state.
    public var detail: String
    public var change: Change

    public init(_ event: ItemEvent, on: CivilDate? = nil, note: String = "", detail: String = "", change: @escaping Change = { _ in [] }) {
        self.event = event
        self.on = on
        self.note = note
        self.detail = detail
        self.change = change
    }
}

/// 交办: what the assigning office decided, checked as a whole (every problem at once).
public struct Assignment: Sendable, Equatable {
    /// A unit as the request names it; `role` nil when none was given.
    public struct RequestedUnit: Sendable, Equatable {
        public var unit: String
        public var role: HandlingRole?

        public init(unit: String, role: HandlingRole?) {
            self.unit = unit
            self.role = role
        }
    }

    /// The bureau's handling role (本局承办方式).
    public let role: HandlingRole
    /// The internal units (科室) and their parts, names trimmed.
    public let units: [UnitAssignment]
    /// A complex 主办 item has the longer reply limit.
    public let complex: Bool
    /// Why a complex item takes longer, as given (the history's reason).
    public let complexReason: String

    public init(role: HandlingRole, units requested: [RequestedUnit], complex: Bool, complexReason: String) throws {
        var errors = ValidationErrors()
        var units: [UnitAssignment] = []
        for (i, unit) in requested.enumerated() {
            let name = unit.unit.trimmingCharacters(in: .whitespaces)
            guard let unitRole = unit.role else {
                errors.add("units[\(i)].role", "REQUIRED", "unit \(i + 1) needs a role")
                continue
            }
            if name.isEmpty { errors.add("units[\(i)].unit", "REQUIRED", "unit \(i + 1) has no name") }
            if units.contains(where: { $0.unit == name }) { errors.add("units[\(i)].unit", "DUPLICATE", "unit \(name) is listed twice") }
            units.append(UnitAssignment(unit: name, role: unitRole))
        }
        if role.isLead && !units.isEmpty && !units.contains(where: { $0.role.isLead }) {
            errors.add("units", "NO_LEAD_UNIT", "a 主办 item needs a unit that leads it")
        }
        if role == .reference, units.contains(where: { $0.role != .reference }) {
            errors.add("units", "NOT_REFERENCE", "a 参阅 item is only read: its units take the REFERENCE role too")
        }
        if complex && role.isLead && complexReason.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.add("complex_reason", "REQUIRED", "a complex item's longer deadline needs a written reason")
        }
        if complex && !role.isLead { errors.add("complex", "NOT_LEAD", "only 主办 items can be complex") }
        try errors.check()
        self.role = role
        self.units = units
        self.complex = complex
        self.complexReason = complexReason
    }
}

/// 答复: the result and adoption a reply states, both required.
public struct ReplyOutcome: Sendable, Equatable {
    public let result: ReplyResult
    public let adoption: Adoption

    public init(result: ReplyResult?, adoption: Adoption?) throws {
        var errors = ValidationErrors()
        if result == nil { errors.add("result", "REQUIRED", "result is required: RESULT_A, RESULT_B or RESULT_C") }
        if adoption == nil { errors.add("adoption", "REQUIRED", "adoption is required: FULLY_ADOPTED, PARTLY_ADOPTED or NOT_ADOPTED") }
        try errors.check()
        self.result = result!
        self.adoption = adoption!
    }
}

/// The texts an item carries (drafts, published replies) are at most this long.
public enum ItemText {
    public static let maxLength = 50_000

    /// INVALID_ARGUMENT TOO_LONG on `field` when `text` is too long; `what` names it ("the draft").
    public static func check(_ text: String, _ what: String, field: String = "text") throws {
        guard text.count <= maxLength else {
            throw DomainError.invalid("\(what) is longer than 50,000 characters", field: field, reason: "TOO_LONG")
        }
    }
}
