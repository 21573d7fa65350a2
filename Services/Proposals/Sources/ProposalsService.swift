import CivicCatalog
import CivicDomain
import CivicProtoServices
import CivicRPC
import CivicServiceKit
import Foundation
import GRDB
import Logging
import ProposalsDomain

/// The proposals service (建议提案办理), as the shared host runs it.
public enum ProposalsService {
    public static let definition = ServiceDefinition(
        ServiceCatalog.proposals,
        migrations: ProposalsSchema.migrations,
        makeJobs: { database, logger in
            let settings = try ProposalsSettings.fromEnvironment()
            guard settings.dailyUrging else { return [] }
            let store = ProposalStore(database: database)
            let handler = settings.handler(store)
            let warnings = settings.warnings(for: store)
            return [{ await DailyUrging(handler: handler, database: database, hour: settings.urgingHour, calendar: settings.calendar, logger: logger, warnings: warnings).run() }]
        },
        makeWarnings: { database in try ProposalsSettings.fromEnvironment().warnings(for: ProposalStore(database: database)) }
    ) { database, logger in
        let settings = try ProposalsSettings.fromEnvironment()
        logger.info("proposals settings", metadata: ["settings": "\(settings)"])
        return settings.handler(ProposalStore(database: database)).rpcHandlers
    }
}

/// Local policy values, from the environment (docs/PROPOSALS.md): the calendar file and
/// each time limit. Anything malformed stops the service at start with the variable named.
public struct ProposalsSettings: Sendable, CustomStringConvertible {
    public var calendar = WorkingCalendar.standard
    public var calendarSource = "built-in 2026 schedule"
    public var deadlines = ReplyDeadlines()
    public var topics = TopicCatalog.standard
    public var topicsSource = "built-in list"
    /// Local hour (China Standard Time) of the daily urging run.
    public var urgingHour = 8
    /// CIVIC_PROPOSALS_DAILY_URGING=off turns the job off (RunUrging still works).
    public var dailyUrging = true

    public init() {}

    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProposalsSettings {
        let env = EnvironmentSettings(environment)
        var settings = ProposalsSettings()
        if let file = env.string("CIVIC_CALENDAR_FILE") {
            do {
                // The file's years replace the built-in ones; other built-in years stay.
                let schedules = try WorkingCalendar.schedules(file: file)
                let fileYears = Set(schedules.map(\.year))
                settings.calendar = try WorkingCalendar(schedules: WorkingCalendar.builtIn.filter { !fileYears.contains($0.year) } + schedules)
                settings.calendarSource = "\(file) + built-in"
            } catch {
                throw RPCError(.invalidArgument, "CIVIC_CALENDAR_FILE=\(file): \(error)")
            }
        }
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
        switch env.string("CIVIC_PROPOSALS_DAILY_URGING")?.lowercased() {
        case nil, "on", "true", "1": settings.dailyUrging = true
        case "off", "false", "0": settings.dailyUrging = false
        case let other?: throw RPCError(.invalidArgument, "CIVIC_PROPOSALS_DAILY_URGING=\(other) is neither on nor off")
        }
        if let hour = try env.int("CIVIC_PROPOSALS_URGING_HOUR") {
            guard (0...23).contains(hour) else { throw RPCError(.invalidArgument, "CIVIC_PROPOSALS_URGING_HOUR=\(hour) is outside 0…23") }
            settings.urgingHour = hour
        }
        return settings
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
            warnings.append("stored items use topics missing from the configured topic list: \(unknown.joined(separator: ", ")); add them back (as retired) so reports name them")
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

/// The daily urging job (催办): once a day, from `hour` o'clock China time, urges the items
/// due soon and escalates the overdue, as RunUrging does on demand. Each day's run is
/// recorded, so a restart does not urge twice and a missed morning is caught up.
struct DailyUrging: Sendable {
    let handler: ProposalsHandler
    let database: DatabasePool
    let hour: Int
    /// Reminders go out on working days only; a deadline due over a holiday is chased on
    /// the working days before it and the first one after.
    let calendar: WorkingCalendar
    let logger: Logger
    /// Checked with every run, so a gap that opens while the service runs (a new year coming
    /// into reach) is logged each morning until it is fixed.
    var warnings: @Sendable () async -> [String] = { [] }

    func run() async {
        while !Task.isCancelled {
            do {
                try await runIfDue(now: Date())
            } catch is CancellationError {
                return
            } catch {
                logger.error("daily urging failed; will try again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(300))
        }
    }

    func runIfDue(now: Date) async throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        guard calendar.component(.hour, from: now) >= hour else { return }
        let today = CivilDate.today(now)
        let done = try await database.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM urging_runs WHERE day = ?", arguments: [today.description]) ?? false
        }
        guard !done else { return }
        for warning in await warnings() { logger.warning("\(warning)") }
        guard self.calendar.isWorkingDay(today) else {
            // The warnings are logged every day (a week of 国庆 included); reminders wait
            // for the next working day. The day is recorded so this runs once.
            try await database.write { db in
                try db.execute(sql: "INSERT OR IGNORE INTO urging_runs (day, urged) VALUES (?, 0)", arguments: [today.description])
            }
            return
        }
        let context = RPCContext(method: "daily-urging", metadata: [MetadataKey.principal: Principal(id: "system:daily-urging", roles: [.service]).encoded], deadline: nil, logger: logger)
        let response = try await handler.runUrging(.with { $0.today = today.description }, context: context)
        try await database.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO urging_runs (day, urged) VALUES (?, ?)", arguments: [today.description, response.items.count])
        }
        logger.notice("daily urging", metadata: [
            "day": "\(today)", "urged": "\(response.items.count)", "escalated": "\(response.items.filter(\.escalated).count)",
        ])
    }
}
