import CivicDomain
import CivicProtoServices
import CivicRPC

/// Translates civic.assistance.v1 messages to the domain and back: each method parses its
/// request (RequestFields), calls one domain or store operation and maps the answer. No
/// rules live here.
public struct AssistanceHandler: Civic_Assistance_V1_AssistanceServiceHandler {
    let store: AssistanceStore
    let settings: AssistanceSettings
    let today: @Sendable () -> CivilDate

    public init(store: AssistanceStore, settings: AssistanceSettings, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }) {
        self.store = store
        self.settings = settings
        self.today = today
    }
}
