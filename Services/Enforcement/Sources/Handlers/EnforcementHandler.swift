import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import EnforcementDomain
import SwiftProtobuf

/// Translates civic.enforcement.v1 messages to the domain and back: each method parses its
/// request (RequestFields), calls one domain or store operation and maps the answer. No
/// rules live here.
public struct EnforcementHandler: Civic_Enforcement_V1_EnforcementServiceHandler {
    let store: EnforcementStore
    let settings: EnforcementSettings
    let today: @Sendable () -> CivilDate
    /// Asked before filing against an organization (FLOWS.md §4.4); nil: not asked.
    let registry: SubjectRegistry?

    public init(
        store: EnforcementStore, settings: EnforcementSettings, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() },
        registry: SubjectRegistry? = nil
    ) {
        self.store = store
        self.settings = settings
        self.today = today
        self.registry = registry
    }

    var calendar: LegalCalendar { settings.legalCalendar }
    var library: LegalLibrary { settings.library }

    /// Who is calling (ACCESS.md §2, ENFORCEMENT.md §9): staff and leaders reach their division's
    /// officers, leads and cases; a staff key whose subject is an officer's id is that officer —
    /// a legal reviewer holding no other role reaches only the cases sent to them; a department
    /// (OWN_RECORDS, its subject its name) reaches its own referrals, and so does another Civic
    /// service's key (role SERVICE only; its subject, else its id, names it).
    enum Caller {
        case division(DivisionReach)
        case officer(id: String, reach: DivisionReach)
        case referrer(String, service: Bool)

        init(_ context: RPCContext) throws {
            if let principal = context.principal, principal.has(.service), !principal.has(.staff), !principal.has(.leader), !principal.has(.admin) {
                self = .referrer(principal.subject.isEmpty ? principal.id : principal.subject, service: true)
                return
            }
            let scope = context.scope
            switch scope.reach {
            case .ownRecords(let subject):
                guard !subject.isEmpty else { throw DomainError.permissionDenied("this key names no department") }
                self = .referrer(subject, service: false)
            case .unit(let officer):
                self = .officer(id: officer, reach: try DivisionReach(scope))
            case .bureau, .anonymous:
                self = .division(try DivisionReach(scope))
            }
        }

        /// The division reach of staff (any officer key included); PERMISSION_DENIED for a referrer.
        func staffReach() throws -> DivisionReach {
            switch self {
            case .division(let reach), .officer(_, let reach): return reach
            case .referrer: throw DomainError.permissionDenied("this is for enforcement staff")
            }
        }

        /// The officer a key names, if any.
        var officerID: String? {
            if case .officer(let id, _) = self { return id }
            return nil
        }
    }

    /// The cases a caller reaches: its division, or for a key naming a legal reviewer who holds no
    /// other role, the cases sent to them for review.
    func caseReach(_ caller: Caller, requested: String = "") async throws -> EnforcementStore.CaseReach {
        let reach = try caller.staffReach()
        if let id = caller.officerID, try await isReviewerOnly(id) { return .officer(id, role: "legal_reviewer") }
        return .within(try reach.listing(requested: requested, field: "within"))
    }

    func isReviewerOnly(_ officerID: String) async throws -> Bool {
        guard let officer = try? await store.officer(id: officerID) else { return false }
        return officer.roles == [.legalReviewer]
    }

    /// PERMISSION_DENIED unless the caller reaches case `c`.
    func check(_ c: EnforcementCase, reach: EnforcementStore.CaseReach) throws {
        switch reach {
        case .within(let division):
            if let division, !division.contains(c.division) { throw DomainError.permissionDenied("case \(c.id) is outside this key's division \(division)") }
        case .officer(let id, _):
            if !c.legalReviews.contains(where: { $0.reviewerID == id }) { throw DomainError.permissionDenied("case \(c.id) was not sent to \(id) for review") }
        }
    }

    /// A day a request may leave empty (today) and may not set in the future.
    func day(_ text: String, field: String = "on") throws -> CivilDate {
        try RequestFields.date(text, field: field, today: today(), notAfterToday: true)
    }

    /// A required future-or-past date ("date", "to").
    func anyDay(_ text: String, field: String) throws -> CivilDate {
        guard let date = try RequestFields.optionalDate(text, field: field) else {
            throw DomainError.invalid("\(field) is required", field: field, reason: "REQUIRED")
        }
        return date
    }

    /// A required division within the caller's reach: INVALID REQUIRED / BAD_FORM, PERMISSION_DENIED.
    func division(_ text: String, reach: DivisionReach, field: String = "division") throws -> DivisionCode {
        guard let code = try DivisionReach.division(text, field: field) else {
            throw DomainError.invalid("\(field) is required", field: field, reason: "REQUIRED")
        }
        try reach.check(code, "\(field) \(code)")
        return code
    }

    /// A text field's length limit: INVALID TOO_LONG.
    static func limit(_ text: String, _ count: Int, field: String, into errors: inout ValidationErrors) {
        if text.count > count { errors.add(field, "TOO_LONG", "\(field) has at most \(count) characters") }
    }

    /// Repeated wire penalties as a set: INVALID "<field>" UNKNOWN for an unspecified or unknown value.
    static func penalties(_ values: [Civic_Enforcement_V1_PenaltyType], field: String, into errors: inout ValidationErrors) -> Set<PenaltyType> {
        var set = Set<PenaltyType>()
        for value in values {
            if let p: PenaltyType = WireEnum.domain(value) { set.insert(p) } else { errors.add(field, "UNKNOWN", "\(value) is not a penalty") }
        }
        return set
    }

    /// A proposal or decided penalty from the wire (its own checks run in the domain).
    static func proposal(_ p: Civic_Enforcement_V1_ProposedPenalty, field: String) throws -> ProposedPenalty {
        var errors = ValidationErrors()
        let set = penalties(p.penalties, field: "\(field).penalties", into: &errors)
        if p.fineFen < 0 { errors.add("\(field).fine_fen", "NEGATIVE", "an amount is 0 or more") }
        if p.confiscatedFen < 0 { errors.add("\(field).confiscated_fen", "NEGATIVE", "an amount is 0 or more") }
        try errors.check()
        return ProposedPenalty(penalties: set, fine: Fen(Int(p.fineFen)), confiscated: Fen(Int(p.confiscatedFen)), suspensionMonths: Int(p.suspensionMonths))
    }

    static func facts(_ f: Civic_Enforcement_V1_ViolationFacts) throws -> ViolationFacts {
        var errors = ValidationErrors()
        for (value, field) in [(f.gainsFen, "gains_fen"), (f.turnoverFen, "turnover_fen"), (f.amountObtainedFen, "amount_obtained_fen")] where value < 0 {
            errors.add("facts.\(field)", "NEGATIVE", "an amount is 0 or more")
        }
        try errors.check()
        return ViolationFacts(
            gains: Fen(Int(f.gainsFen)), turnover: Fen(Int(f.turnoverFen)), amountObtained: Fen(Int(f.amountObtainedFen)), firstViolation: f.firstViolation,
            correctedInTime: f.correctedInTime, harm: f.harm, repeatViolation: f.repeatViolation)
    }

    /// The answer for one case, as of today.
    func answer(_ c: EnforcementCase) -> Civic_Enforcement_V1_CaseResponse {
        .with { $0.case = .init(c, today: today(), calendar: calendar, full: true) }
    }
}
