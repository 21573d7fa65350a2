import CivicCatalog
import CivicDomain
import CivicProtoServices
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging
import ProposalsDomain

/// Local policy values, from the environment (docs/PROPOSALS.md): the calendar file and
/// each time limit. Anything malformed stops the service at start with the variable named.
public struct ProposalsSettings: Sendable, CustomStringConvertible {
    public var calendar = WorkingCalendar.standard
    public var calendarSource = "built-in 2025 and 2026 schedules"
    public var deadlines = ReplyDeadlines()
    public var topics = TopicCatalog.standard
    public var topicsSource = "built-in list"
    /// Local hour (China Standard Time) of the daily urging run.
    public var urgingHour = 8
    /// CIVIC_PROPOSALS_DAILY_URGING=off turns the job off (RunUrging still works).
    public var dailyUrging = true

    public init() {}

    /// Reads every setting from `environment` (the process's at start; tests pass a
    /// dictionary). Anything malformed throws, naming the variable.
    public init(environment: [String: String]) throws {
        let env = EnvironmentSettings(environment)
        var settings = ProposalsSettings()
        let calendar = try CalendarSettings(environment: environment)
        settings.calendar = calendar.calendar
        settings.calendarSource = calendar.source
        if let file = env.string("CIVIC_PROPOSALS_TOPICS_FILE") {
            do {
                settings.topics = try TopicCatalog.parse(String(contentsOfFile: file, encoding: .utf8))
                settings.topicsSource = file
            } catch {
                throw RPCError(.invalidArgument, "CIVIC_PROPOSALS_TOPICS_FILE=\(file): \(error)")
            }
        }
        func limit(_ name: String, _ keyPath: WritableKeyPath<ReplyDeadlines, Int>, _ range: ClosedRange<Int>) throws {
            let variable = "CIVIC_PROPOSALS_\(name)"
            guard let value = try env.int(variable) else { return }
            guard range.contains(value) else { throw RPCError(.invalidArgument, "\(variable)=\(value) is outside \(range.lowerBound)…\(range.upperBound)") }
            settings.deadlines[keyPath: keyPath] = value
        }
        try limit("REPLY_MONTHS", \.replyMonths, 1...12)
        try limit("COMPLEX_REPLY_MONTHS", \.complexReplyMonths, 1...24)
        try limit("OPINION_MONTHS", \.coHandlingOpinionMonths, 1...12)
        try limit("RETURN_WINDOW_WORKING_DAYS", \.returnWindowWorkingDays, 1...60)
        try limit("REREPLY_MONTHS", \.reReplyMonths, 1...12)
        try limit("PUBLICATION_WORKING_DAYS", \.publicationWorkingDays, 1...120)
        try limit("DUE_SOON_WORKING_DAYS", \.dueSoonWorkingDays, 0...60)
        settings.dailyUrging = try env.flag("CIVIC_PROPOSALS_DAILY_URGING") ?? true
        if let hour = try env.int("CIVIC_PROPOSALS_URGING_HOUR") {
            guard (0...23).contains(hour) else { throw RPCError(.invalidArgument, "CIVIC_PROPOSALS_URGING_HOUR=\(hour) is outside 0…23") }
            settings.urgingHour = hour
        }
        self = settings
    }

    func handler(_ store: ProposalStore) -> ProposalsHandler {
        ProposalsHandler(store: store, validator: ItemValidator(topics: topics), calendar: calendar, deadlines: deadlines)
    }

    /// The warnings of a running service, for its health checks and its daily run: these
    /// settings (read once at start) against today's date and the stored items.
    func warnings(for store: ProposalStore) -> @Sendable () async -> [String] {
        { warnings(today: CivilDate.today(), topicsInUse: (try? await store.topicsInUse()) ?? []) }
    }

    /// What an operator should fix: a year deadlines set today can reach (the longest
    /// limit, plus a re-reply) without its holiday schedule; stored items filed under a topic
    /// the configured list no longer has.
    public func warnings(today: CivilDate, topicsInUse: Set<String>) -> [String] {
        var warnings: [String] = []
        // The current and next year always; further when deadlines set today reach further.
        let reach = today.adding(months: max(deadlines.complexReplyMonths, deadlines.replyMonths) + deadlines.reReplyMonths)
        warnings += CalendarWarning.warnings(calendar, today: today, reach: reach)
        let unknown = topicsInUse.filter { !topics.contains($0) }.sorted()
        if !unknown.isEmpty {
            // The list's file path stays out: health answers are public.
            warnings.append(
                "stored items use topics missing from the configured topic list: \(unknown.joined(separator: ", ")); add them back (as retired) so reports name them"
            )
        }
        return warnings
    }

    public var description: String {
        "calendar=\(calendarSource) topics=\(topicsSource) (\(topics.activeCodes.count) active) reply=\(deadlines.replyMonths)m complex=\(deadlines.complexReplyMonths)m "
            + "opinion=\(deadlines.coHandlingOpinionMonths)m return=\(deadlines.returnWindowWorkingDays)wd "
            + "re-reply=\(deadlines.reReplyMonths)m publication=\(deadlines.publicationWorkingDays)wd "
            + "due-soon=\(deadlines.dueSoonWorkingDays)wd daily-urging=\(dailyUrging ? "on at \(urgingHour):00" : "off")"
    }
}

extension ProposalsSettings {
    /// The daily urging job (催办): once a day, from `urgingHour` o'clock China time, on
    /// working days, urges the items due soon and escalates the overdue, as RunUrging does on
    /// demand (ProposalStore.runUrging). Operator warnings are logged every day, rest days
    /// included. Each day's run is recorded (job_runs), so a restart does not urge twice
    /// and a missed morning is caught up.
    public func dailyUrging(store: ProposalStore, logger: Logger, warnings: @escaping ServiceParts.Warnings = { [] }) -> DailyJob {
        let rules = deadlines
        let calendar = calendar
        return DailyJob(
            name: "daily-urging", hour: urgingHour, calendar: calendar, runs: JobRuns(database: store.database), logger: logger,
            everyDay: { _ in for warning in await warnings() { logger.warning("\(warning)") } }
        ) { day in
            let run = try await store.runUrging(on: day, rules: rules, calendar: calendar, by: .system("daily-urging"))
            return "urged \(run.urged.count), escalated \(run.urged.filter(\.deadline.escalated).count), already urged \(run.alreadyUrged)"
        }
    }
}

extension ProposalsSettings {
    /// At start: the deadlines of every year that became official since the last start (a
    /// notice loaded with CIVIC_CALENDAR_FILE, or built into a new release) recalculated
    /// once, as RecalculateDeadlines with `apply` does, each item's history noting it.
    public func noticeRecalculation(store: ProposalStore, logger: Logger, today: @escaping @Sendable () -> CivilDate = { CivilDate.today() })
        -> NoticeRecalculation
    {
        let rules = deadlines
        let calendar = calendar
        return NoticeRecalculation(calendar: calendar, years: CalendarYears(database: store.database), logger: logger) { years, note in
            let found = try await store.recalculateDeadlines(
                apply: true, note: note, rules: rules, calendar: calendar, loadedYears: years, today: today(), by: .system("calendar"))
            return found.filter { _, changes in changes.contains { !$0.kept } }.count
        }
    }
}
