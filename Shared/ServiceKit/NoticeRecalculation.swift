import CivicDomain
import CivicStorage
import Logging

/// Loading a year's official holiday notice (CIVIC_CALENDAR_FILE) recomputes the deadlines
/// counted without it: at start, the years official in the calendar but not yet recorded
/// in `calendar_years` are recalculated once — each corrected record with a note in its
/// history, by the service's own operation (proposals: the one behind RecalculateDeadlines,
/// built on DeadlineRecalculator) — and then recorded. A failure is logged and tried again
/// at the next start; the marks on provisional deadlines stay until then.
public struct NoticeRecalculation: Sendable {
    public let calendar: WorkingCalendar
    public let years: CalendarYears
    public let logger: Logger
    /// Recalculates the records for `years` with `note` in their history; returns how many
    /// records changed.
    public let recalculate: @Sendable (_ years: Set<Int>, _ note: String) async throws -> Int

    public init(
        calendar: WorkingCalendar, years: CalendarYears, logger: Logger,
        recalculate: @escaping @Sendable (Set<Int>, String) async throws -> Int
    ) {
        self.calendar = calendar
        self.years = years
        self.logger = logger
        self.recalculate = recalculate
    }

    /// The history note for `years` ("2027年节假日安排已载入").
    public static func note(_ years: Set<Int>) -> String {
        years.sorted().map { "\($0)年节假日安排已载入" }.joined(separator: "、") + "（启动时自动重算期限）"
    }

    /// Recalculates for the newly official years; returns them (empty when none).
    @discardableResult
    public func runOnce() async throws -> Set<Int> {
        let new = calendar.officialYears.subtracting(try await years.recorded())
        guard !new.isEmpty else { return [] }
        let changed = try await recalculate(new, Self.note(new))
        try await years.record(new, outcome: "\(changed) records changed")
        logger.notice(
            "deadlines recalculated for newly official years",
            metadata: [
                "years": "\(new.sorted().map(String.init).joined(separator: ","))", "changed": "\(changed)",
            ])
        return new
    }

    /// The background job: runs once at start.
    public func run() async {
        do {
            try await runOnce()
        } catch {
            logger.error("recalculating deadlines for newly official years failed; will try at the next start", metadata: ["error": "\(error)"])
        }
    }
}
