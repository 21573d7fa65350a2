import CivicDomain
import CivicRPC
import CivicServiceKit
import EldercareDomain
import Foundation

/// The eldercare service's local policy values, read once at start from the environment
/// (docs/OPERATIONS.md, docs/ELDERCARE.md); anything malformed stops the service, naming the
/// variable. Tests construct settings directly.
public struct EldercareSettings: Sendable, CustomStringConvertible {
    /// The working-day calendar its time limits count with (CIVIC_CALENDAR_FILE).
    public var calendar = CalendarSettings()
    /// CIVIC_ELDERCARE_MINIMUM_BEDS (10): the beds a place needs to count as an institution.
    public var institutions = InstitutionThresholds()
    /// CIVIC_ELDERCARE_IDLE_PERCENT (30): a facility used below this share of its capacity is idle.
    public var idle = IdleRule()
    /// CIVIC_ELDERCARE_FILING_WORKING_DAYS (10): 备案 is due this many working days after the first resident.
    public var filing = FilingTimeLimits()
    /// CIVIC_ELDERCARE_PUBLICATION_WORKING_DAYS (20): inspection results are published within this many working days.
    public var publicationWorkingDays = 20
    /// CIVIC_ELDERCARE_GRADING_FILE: the grading configuration (part scores, bands, every threshold) as
    /// JSON; GB/T 37276-shaped defaults when unset. Overlapping or gapped bands stop the service.
    public var grading = GradingConfiguration()

    public init() {}

    public init(environment: [String: String]) throws {
        calendar = try CalendarSettings(environment: environment)
        let env = EnvironmentSettings(environment)
        if let beds = try env.int("CIVIC_ELDERCARE_MINIMUM_BEDS") {
            guard (1...500).contains(beds) else { throw RPCError(.invalidArgument, "CIVIC_ELDERCARE_MINIMUM_BEDS=\(beds) is outside 1…500") }
            institutions.minimumBeds = beds
        }
        if let percent = try env.int("CIVIC_ELDERCARE_IDLE_PERCENT") {
            guard (1...100).contains(percent) else { throw RPCError(.invalidArgument, "CIVIC_ELDERCARE_IDLE_PERCENT=\(percent) is outside 1…100") }
            idle.minimumUsagePercent = percent
        }
        if let days = try env.int("CIVIC_ELDERCARE_FILING_WORKING_DAYS") {
            guard (1...60).contains(days) else { throw RPCError(.invalidArgument, "CIVIC_ELDERCARE_FILING_WORKING_DAYS=\(days) is outside 1…60") }
            filing.filingWorkingDays = days
        }
        if let days = try env.int("CIVIC_ELDERCARE_PUBLICATION_WORKING_DAYS") {
            guard (1...60).contains(days) else { throw RPCError(.invalidArgument, "CIVIC_ELDERCARE_PUBLICATION_WORKING_DAYS=\(days) is outside 1…60") }
            publicationWorkingDays = days
        }
        if let file = env.string("CIVIC_ELDERCARE_GRADING_FILE") {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw RPCError(.invalidArgument, "CIVIC_ELDERCARE_GRADING_FILE=\(file) cannot be read: \(error)")
            }
            do {
                grading = try GradingConfiguration.load(json: data)
            } catch {
                throw RPCError(.invalidArgument, "CIVIC_ELDERCARE_GRADING_FILE=\(file): \(error)")
            }
        }
        // Checked once at start: a configuration the rules refuse stops the service.
        do {
            _ = try GradingRules(configuration: grading, calendar: calendar.calendar)
        } catch {
            throw RPCError(.invalidArgument, "the grading configuration is refused: \(error)")
        }
    }

    /// What an operator should fix, as health checks report it.
    public func warnings(today: CivilDate) -> [String] {
        CalendarWarning.warnings(calendar.calendar, today: today)
    }

    public var description: String {
        "\(calendar); minimum beds \(institutions.minimumBeds); idle below \(idle.minimumUsagePercent)%; 备案 in \(filing.filingWorkingDays) working days"
    }

    /// Publication and rectification time limits on the configured calendar.
    public var inspectionPolicy: InspectionPolicy { InspectionPolicy(calendar: calendar.calendar, publicationWorkingDays: publicationWorkingDays) }

    /// The grading rules on the configured calendar (the configuration was checked at start).
    public var gradingRules: GradingRules { (try? GradingRules(configuration: grading, calendar: calendar.calendar))! }

    /// The 备案 clock on the configured calendar.
    public var filingClock: FilingClock { FilingClock(calendar: calendar.calendar, limits: filing) }
}
