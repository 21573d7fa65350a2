import CivicDomain
import CivicRPC

/// Whose records a caller reaches, from the principal the gateway sealed: the one place
/// every service reads it (docs/ACCESS.md). The gateway has already checked the roles
/// (`(civic.access.v1.rule)`); the service narrows by this scope as the method's declared
/// limits say.
public struct CallerScope: Sendable, Equatable {
    public enum Reach: Sendable, Equatable {
        /// The bureau's own office, leaders, admins, other services: every record. Also a
        /// call without a principal (tests and local tools, and only when the service runs
        /// without an internal key: otherwise such calls never reach a handler).
        case bureau
        /// A unit's staff (科室, the subject of a staff key): that unit's records (OWN_UNIT).
        case unit(String)
        /// A deputy, a department or a person (the key's subject): their own records
        /// (OWN_RECORDS). An empty subject reaches nothing.
        case ownRecords(subject: String)
        /// No key at all: published information only.
        case anonymous
    }

    public let reach: Reach
    /// The division code a key is limited to (OWN_DIVISION); nil for all divisions.
    public let division: String?

    public init(reach: Reach, division: String? = nil) {
        self.reach = reach
        self.division = division
    }

    public init(principal: Principal?) {
        guard let principal else {
            self.init(reach: .bureau)
            return
        }
        let division = principal.division.isEmpty ? nil : principal.division
        if principal.has(.admin) {
            self.init(reach: .bureau, division: division)
        } else if principal.has(.staff), !principal.subject.isEmpty {
            self.init(reach: .unit(principal.subject), division: division)
        } else if principal.has(.staff) || principal.has(.leader) || principal.has(.service) {
            self.init(reach: .bureau, division: division)
        } else if principal.has(.public) {
            self.init(reach: .anonymous)
        } else {
            // A deputy, a department, or anyone else the rule let through: their own records.
            self.init(reach: .ownRecords(subject: principal.subject), division: division)
        }
    }

    /// The unit a unit's staff member works in; nil for everyone else.
    public var unit: String? {
        if case .unit(let unit) = reach { unit } else { nil }
    }

    public var isBureau: Bool { reach == .bureau }

    /// Throws PERMISSION_DENIED unless the caller is the bureau's office (not a unit):
    /// `what` names the step ("assigning"), `office` who does it ("the proposals office").
    public func requireBureau(_ what: String, office: String) throws {
        if case .unit(let unit) = reach {
            throw DomainError.permissionDenied("\(what) is for \(office), not for \(unit)")
        }
    }
}

extension RPCContext {
    /// The caller's scope (CallerScope), from the sealed principal.
    public var scope: CallerScope { CallerScope(principal: principal) }
}
