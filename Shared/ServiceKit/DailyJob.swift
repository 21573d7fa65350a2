import CivicDomain
import CivicStorage
import Foundation
import Logging

/// A job a service runs once a day on its own (a daily urging run, a monthly payment
/// batch's daily check): from `hour` o'clock China Standard Time, on working days only
/// when `workingDaysOnly`, each day's run recorded in `job_runs`. A restart neither repeats
/// a day nor skips it: a run missed in the morning is caught up as soon as the service is
/// up again that day. Jobs call domain or store operations, never handlers.
public struct DailyJob: Sendable {
    public let name: String
    /// Local hour (China Standard Time) from which the day's run is due.
    public let hour: Int
    public let calendar: WorkingCalendar
    public let workingDaysOnly: Bool
    public let runs: JobRuns
    public let logger: Logger
    /// How often to look whether today's run is due.
    public let interval: Duration
    /// What runs every day, rest days included (operator warnings, say).
    public let everyDay: @Sendable (CivilDate) async -> Void
    /// The day's work; returns a one-line outcome for the record and the log.
    public let work: @Sendable (CivilDate) async throws -> String

    public init(
        name: String, hour: Int, calendar: WorkingCalendar, workingDaysOnly: Bool = true, runs: JobRuns, logger: Logger,
        interval: Duration = .seconds(300), everyDay: @escaping @Sendable (CivilDate) async -> Void = { _ in },
        work: @escaping @Sendable (CivilDate) async throws -> String
    ) {
        self.name = name
        self.hour = hour
        self.calendar = calendar
        self.workingDaysOnly = workingDaysOnly
        self.runs = runs
        self.logger = logger
        self.interval = interval
        self.everyDay = everyDay
        self.work = work
    }

    /// Runs until the task is cancelled (at shutdown).
    public func run() async {
        while !Task.isCancelled {
            do {
                _ = try await runIfDue(now: Date())
            } catch is CancellationError {
                return
            } catch {
                logger.error("\(name) failed; will try again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    public enum Outcome: Equatable, Sendable {
        /// Before the hour, or already recorded today.
        case notDue
        /// A rest day: recorded, no work done.
        case restDay
        case ran(String)
    }

    /// Runs today's work if it is due and not yet recorded.
    @discardableResult
    public func runIfDue(now: Date) async throws -> Outcome {
        var clock = Calendar(identifier: .gregorian)
        clock.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        guard clock.component(.hour, from: now) >= hour else { return .notDue }
        let today = CivilDate.today(now)
        guard try await !runs.ran(name, on: today.description) else { return .notDue }
        await everyDay(today)
        guard !workingDaysOnly || calendar.isWorkingDay(today) else {
            // Recorded, so the rest day's check runs once.
            try await runs.record(name, on: today.description, outcome: "rest day")
            return .restDay
        }
        let outcome = try await work(today)
        try await runs.record(name, on: today.description, outcome: outcome)
        logger.notice("\(name)", metadata: ["day": "\(today)", "outcome": "\(outcome)"])
        return .ran(outcome)
    }
}
