import CivicDomain
import CivicProtoServices
import CivicRPC

/// Translates civic.eldercare.v1 messages to the domain and back: each method parses its
/// request (RequestFields), calls one domain or store operation and maps the answer. No
/// rules live here.
public struct EldercareHandler: Civic_Eldercare_V1_EldercareServiceHandler {
    let store: EldercareStore
    let settings: EldercareSettings
    let today: @Sendable () -> CivilDate

    public init(store: EldercareStore, settings: EldercareSettings, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() }) {
        self.store = store
        self.settings = settings
        self.today = today
    }
}
