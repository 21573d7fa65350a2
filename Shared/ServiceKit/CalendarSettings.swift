import CivicDomain
import CivicRPC

/// The working-day calendar every service counts its deadlines with: the built-in official
/// years (2025, 2026), years from `CIVIC_CALENDAR_FILE` (the State Council's notices, one
/// JSON schedule or an array), and every other year provisional (statutory holidays only).
public struct CalendarSettings: Sendable, CustomStringConvertible {
    public var calendar: WorkingCalendar
    /// Where the official years came from, for the start-up log.
    public var source: String

    public init(calendar: WorkingCalendar = .standard, source: String = "built-in 2025 and 2026 schedules") {
        self.calendar = calendar
        self.source = source
    }

    /// Reads `CIVIC_CALENDAR_FILE`; a file that cannot be read or holds a bad date throws,
    /// naming the variable. The file's years replace the built-in ones; the others stay.
    public init(environment: [String: String]) throws {
        self.init()
        guard let file = EnvironmentSettings(environment).string("CIVIC_CALENDAR_FILE") else { return }
        do {
            calendar = try WorkingCalendar.standard.loading(WorkingCalendar.schedules(file: file))
            source = "\(file) + built-in"
        } catch {
            throw RPCError(.invalidArgument, "CIVIC_CALENDAR_FILE=\(file): \(error)")
        }
    }

    public var description: String {
        "calendar=\(source) (official: \(calendar.officialYears.sorted().map(String.init).joined(separator: ",")))"
    }
}
