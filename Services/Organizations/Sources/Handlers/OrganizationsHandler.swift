import CivicDomain
import CivicProtoServices
import CivicRPC

/// Translates civic.organizations.v1 messages to the domain and back: each method parses its
/// request (RequestFields), calls one domain or store operation and maps the answer. No
/// rules live here.
public struct OrganizationsHandler: Civic_Organizations_V1_OrganizationsServiceHandler {
    let store: OrganizationsStore
    let settings: OrganizationsSettings
    let today: @Sendable () -> CivilDate

    public init(store: OrganizationsStore, settings: OrganizationsSettings, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }) {
        self.store = store
        self.settings = settings
        self.today = today
    }
}
