import CivicDomain
import CivicServiceKit

/// The eldercare service's local policy values, read once at start from the environment
/// (docs/OPERATIONS.md); anything malformed stops the service, naming the variable. Tests
/// construct settings directly.
public struct EldercareSettings: Sendable, CustomStringConvertible {
    /// The working-day calendar its time limits count with (CIVIC_CALENDAR_FILE).
    public var calendar = CalendarSettings()

    public init() {}

    public init(environment: [String: String]) throws {
        calendar = try CalendarSettings(environment: environment)
    }

    /// What an operator should fix, as health checks report it.
    public func warnings(today: CivilDate) -> [String] {
        CalendarWarning.warnings(calendar.calendar, today: today)
    }

    public var description: String { "\(calendar)" }
}
