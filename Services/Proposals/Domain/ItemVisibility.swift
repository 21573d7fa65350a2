import CivicDomain

/// Which items a caller may see. The proposals office, leaders and admins see every item;
/// a handling unit's staff (科室) see the items assigned to their unit, in any role; a
/// deputy (人大代表/政协委员) sees only the items they proposed or co-signed, matched by
/// member id.
public enum ItemVisibility: Sendable, Equatable {
    case all
    case assignedTo(unit: String)
    case proposedBy(memberID: String)

    public func allows(_ item: Item) -> Bool {
        switch self {
        case .all: true
        case .assignedTo(let unit): item.units.contains { $0.unit == unit }
        case .proposedBy(let memberID): item.proposers.contains { !$0.memberID.isEmpty && $0.memberID == memberID }
        }
    }

    /// Why `allows` said no, for the PERMISSION_DENIED answer.
    public func refusal(_ id: String) -> String {
        switch self {
        case .all: "item \(id) is not visible"
        case .assignedTo(let unit): "item \(id) is not assigned to \(unit)"
        case .proposedBy: "item \(id) was not proposed by this deputy"
        }
    }

    /// Ratings come from the item's proposers, or from the office entering one received on
    /// paper: PERMISSION_DENIED for anyone who may not see the item (they learn nothing
    /// about it, not even its state).
    public func checkRates(_ item: Item) throws {
        guard allows(item) else { throw DomainError.permissionDenied("only the item's proposers rate its reply") }
    }

    /// What a listing is narrowed to for this caller, given the unit asked for: a unit's
    /// staff list their own unit's items only (PERMISSION_DENIED for another unit's); a
    /// deputy their own items, with internal units neither shown nor searched.
    public func listing(unit asked: String?) throws -> (unit: String?, memberID: String?) {
        switch self {
        case .all:
            return (asked, nil)
        case .assignedTo(let own):
            if let asked, asked != own { throw DomainError.permissionDenied("\(own) lists its own items, not \(asked)'s") }
            return (own, nil)
        case .proposedBy(let memberID):
            return (nil, memberID)
        }
    }

    /// The office's working notes on contacts with the proposer: for the bureau's own
    /// staff, who record them; not for deputies.
    public var seesContactNotes: Bool {
        if case .proposedBy = self { false } else { true }
    }

    /// The item as this caller may see it: a deputy does not see other proposers' contacts.
    public func redacted(_ item: Item) -> Item {
        guard case .proposedBy(let memberID) = self else { return item }
        var copy = item
        for i in copy.proposers.indices where copy.proposers[i].memberID != memberID { copy.proposers[i].contact = "" }
        copy.draftText = ""  // drafts are internal until replied
        copy.units = []  // internal sections
        return copy
    }
}

/// What a handling unit's staff (科室) may work on: the items assigned to their unit, and
/// for drafting, signing and progress (主办's work) only the items their unit leads.
public enum UnitAccess {
    /// Throws PERMISSION_DENIED unless `unit` is on `item` (as a lead unit, with `leadOnly`).
    public static func check(_ unit: String, on item: Item, leadOnly: Bool) throws {
        let leads = item.units.contains { $0.unit == unit && $0.role.isLead }
        guard leadOnly ? leads : ItemVisibility.assignedTo(unit: unit).allows(item) else {
            throw DomainError.permissionDenied(leadOnly ? "\(unit) does not lead item \(item.id)" : "item \(item.id) is not assigned to \(unit)")
        }
    }

    /// A unit's staff record their own unit's opinion, not another unit's.
    public static func checkOpinion(of unit: String, by own: String) throws {
        guard own == unit else { throw DomainError.permissionDenied("\(own) records its own opinion, not \(unit)'s") }
    }
}
