import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import OrganizationsDomain

/// Translates civic.organizations.v1 messages to the domain and back: each method parses its
/// request (RequestFields), calls one domain or store operation and maps the answer. No
/// rules live here.
public struct OrganizationsHandler: Civic_Organizations_V1_OrganizationsServiceHandler {
    let store: OrganizationsStore
    let settings: OrganizationsSettings
    let today: @Sendable () -> CivilDate
    /// The names the legitimacy check and approvals compare against.
    let names: LegitimacyIndex
    /// The credit-list rules, made once (the public check replays histories with them).
    let creditRules: CreditListRules
    /// The evaluation rules, made once.
    let evaluationRules: EvaluationRules
    /// The zombie clean-up's rules, made once.
    let zombieRules: ZombieRules
    /// Credit histories the report has decoded (ReportHandlers).
    let creditHistories = CreditHistoryCache()

    public init(
        store: OrganizationsStore, settings: OrganizationsSettings, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() },
        names: LegitimacyIndex? = nil
    ) {
        self.store = store
        self.settings = settings
        self.today = today
        self.names = names ?? LegitimacyIndex(store: store, divisions: settings.divisionNames)
        self.creditRules = settings.creditLists
        self.evaluationRules = settings.evaluation
        self.zombieRules = settings.zombie
    }

    /// Who is calling, for the register (ACCESS.md §2, ORGANIZATIONS.md §2): staff and leaders of a
    /// division reach the bodies whose registrar lies within it; a sponsor unit (a department key,
    /// its subject the unit's name as registered) its own bodies; an organization (an operator key,
    /// its subject its credit code) itself.
    enum Caller {
        case staff(DivisionReach)
        case sponsor(String)
        case organization(String)

        init(_ context: RPCContext) throws {
            let scope = context.scope
            guard case .ownRecords(let subject) = scope.reach else {
                self = .staff(try DivisionReach(scope))
                return
            }
            guard !subject.isEmpty else { throw DomainError.permissionDenied("this key names no sponsor unit or organization") }
            self = context.principal?.has(.operator) == true ? .organization(subject.uppercased()) : .sponsor(subject)
        }

        /// PERMISSION_DENIED when `organization` is not within reach.
        func check(_ organization: Organization) throws {
            switch self {
            case .staff(let reach): try reach.check(organization.registrarDivision, "organization \(organization.id)")
            case .sponsor(let unit):
                if organization.sponsor != unit { throw DomainError.permissionDenied("organization \(organization.id) is not sponsored by \(unit)") }
            case .organization(let code):
                if organization.creditCode != code { throw DomainError.permissionDenied("this key reads organization \(code) only") }
            }
        }

        /// The bodies a list reaches: staff those whose registrar lies `within` the requested
        /// division (which must lie in the key's), a sponsor its own, an organization itself.
        func listing(within requested: String) throws -> OrganizationsStore.Reach {
            switch self {
            case .staff(let reach): .registrarsWithin(try reach.listing(requested: requested, field: "within"))
            case .sponsor(let unit): .sponsor(unit)
            case .organization(let code): .creditCode(code)
            }
        }

        /// The division reach of a staff caller; PERMISSION_DENIED for anyone else.
        func staffReach() throws -> DivisionReach {
            guard case .staff(let reach) = self else { throw DomainError.permissionDenied("this is for registration staff") }
            return reach
        }
    }

    /// Who the caller is as a person on a record (a 复核's decider, evidence's gatherer): the key's
    /// subject, else its id.
    func actorName(_ context: RPCContext) -> String {
        if let subject = context.principal?.subject, !subject.isEmpty { return subject }
        return context.auditActor.id
    }

    /// A day a request may leave empty (today) and may not set in the future.
    func day(_ text: String, field: String = "on") throws -> CivilDate {
        try RequestFields.date(text, field: field, today: today(), notAfterToday: true)
    }
}
