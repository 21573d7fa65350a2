import CivicDomain
import CivicRPC
import CivicServiceKit
import EldercareDomain

/// The eldercare service's local policy values, read once at start from the environment
/// (docs/OPERATIONS.md, docs/ELDERCARE.md); anything malformed stops the service, naming the
/// variable. Tests construct settings directly.
public struct EldercareSettings: Sendable, CustomStringConvertible {
    /// The working-day calendar its time limits count with (CIVIC_CALENDAR_FILE).
    public var calendar = CalendarSettings()
    /// CIVIC_ELDERCARE_MINIMUM_BEDS (10): the beds a place needs to count as an institution.
    public var institutions = InstitutionThresholds()

    public init() {}

    public init(environment: [String: String]) throws {
        calendar = try CalendarSettings(environment: environment)
        let env = EnvironmentSettings(environment)
        if let beds = try env.int("CIVIC_ELDERCARE_MINIMUM_BEDS") {
            guard (1...500).contains(beds) else { throw RPCError(.invalidArgument, "CIVIC_ELDERCARE_MINIMUM_BEDS=\(beds) is outside 1…500") }
            institutions.minimumBeds = beds
        }
    }

    /// What an operator should fix, as health checks report it.
    public func warnings(today: CivilDate) -> [String] {
        CalendarWarning.warnings(calendar.calendar, today: today)
    }

    public var description: String { "\(calendar); minimum beds \(institutions.minimumBeds)" }
}
