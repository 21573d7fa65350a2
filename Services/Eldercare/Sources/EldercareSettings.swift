import CivicDomain
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import Foundation
import Logging

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
    /// CIVIC_ELDERCARE_DAILY_SWEEP (on): the daily job that marks findings past their deadline
    /// 逾期未整改 (`dailySweep`); SweepFindings still works when it is off.
    public var dailySweep = true

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
        dailySweep = try env.flag("CIVIC_ELDERCARE_DAILY_SWEEP") ?? true
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
        "\(calendar); minimum beds \(institutions.minimumBeds); idle below \(idle.minimumUsagePercent)%; 备案 in \(filing.filingWorkingDays) working days; "
            + "daily sweep \(dailySweep ? "on at \(Self.sweepHour):00" : "off")"
    }

    /// Publication and rectification time limits on the configured calendar.
    public var inspectionPolicy: InspectionPolicy { InspectionPolicy(calendar: calendar.calendar, publicationWorkingDays: publicationWorkingDays) }

    /// The grading rules on the configured calendar (the configuration was checked at start).
    public var gradingRules: GradingRules { (try? GradingRules(configuration: grading, calendar: calendar.calendar))! }

    /// The 备案 clock on the configured calendar.
    public var filingClock: FilingClock { FilingClock(calendar: calendar.calendar, limits: filing) }

    /// The hour (China Standard Time) from which the daily sweep is due: early, so that a finding
    /// whose last day was yesterday shows as overdue when the office opens.
    public static let sweepHour = 1

    /// Marks a finding 逾期未整改 on `day` under the rectification policy (SweepFindings and the
    /// daily sweep alike).
    public func markOverdue(on day: CivilDate) -> @Sendable (Finding) throws -> Finding {
        let policy = inspectionPolicy.rectification
        return { finding in
            var copy = finding
            try copy.apply(.markOverdue(on: day), policy: policy)
            return copy
        }
    }

    /// The daily sweep: once a day from `sweepHour` o'clock China time, every day (a deadline
    /// passes on rest days too), marks every open or extended finding whose deadline has passed
    /// 逾期未整改, in every division, as SweepFindings does on demand; the audit names
    /// `system:daily-sweep`. Operator warnings are logged every day. Each day's run is recorded
    /// (job_runs), so a restart neither repeats a day nor skips it.
    public func dailySweep(store: EldercareStore, logger: Logger, warnings: @escaping ServiceParts.Warnings = { [] }) -> DailyJob {
        DailyJob(
            name: "daily-sweep", hour: Self.sweepHour, calendar: calendar.calendar, workingDaysOnly: false, runs: JobRuns(database: store.database),
            logger: logger, everyDay: { _ in for warning in await warnings() { logger.warning("\(warning)") } }
        ) { day in
            let marked = try await store.sweepFindings(.division(nil), before: day, by: .system("daily-sweep"), apply: markOverdue(on: day))
            return "marked \(marked.count) findings overdue"
        }
    }
}
