import CivicDomain
import CivicProtoServices
import CivicRPC

/// Translates civic.enforcement.v1 messages to the domain and back: each method parses its
/// request (RequestFields), calls one domain or store operation and maps the answer. No
/// rules live here.
public struct EnforcementHandler: Civic_Enforcement_V1_EnforcementServiceHandler {
    let store: EnforcementStore
    let settings: EnforcementSettings
    let today: @Sendable () -> CivilDate

    public init(store: EnforcementStore, settings: EnforcementSettings, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }) {
        self.store = store
        self.settings = settings
        self.today = today
    }
}
