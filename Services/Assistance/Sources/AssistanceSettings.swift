import AssistanceDomain
import CivicDomain
import CivicRPC
import CivicServiceKit

/// The assistance service's local policy values, read once at start from the environment
/// (docs/OPERATIONS.md, docs/ASSISTANCE.md); anything malformed stops the service, naming the
/// variable. Tests construct settings directly.
public struct AssistanceSettings: Sendable, CustomStringConvertible {
    /// The working-day calendar its time limits count with (CIVIC_CALENDAR_FILE).
    public var calendar = CalendarSettings()
    /// The application clocks: CIVIC_ASSISTANCE_CASE_WORKING_DAYS (30),
    /// CIVIC_ASSISTANCE_EXTENDED_CASE_WORKING_DAYS (45), CIVIC_ASSISTANCE_NOTICE_DAYS (7).
    public var limits = ApplicationTimeLimits()
    /// 低保 local options: CIVIC_ASSISTANCE_PER_PERSON_FLOOR=on for the 20 % floor;
    /// CIVIC_ASSISTANCE_CLASSIFIED_ADDITIONS for 分类施保 ("elderly=5000,severely_disabled=1/10":
    /// per category, fixed fen or a fraction of the monthly standard).
    public var options = MinimumLivingOptions()
    /// Alert check limits: CIVIC_ASSISTANCE_ALERT_HIGH_DAYS (5), _MEDIUM_DAYS (10), _LOW_DAYS (20)
    /// working days; CIVIC_ASSISTANCE_LARGE_MEDICAL_COST_FEN (2 000 000).
    public var alerts = AlertTimeLimits()

    public init() {}

    public init(environment: [String: String]) throws {
        calendar = try CalendarSettings(environment: environment)
        let env = EnvironmentSettings(environment)
        func days(_ name: String, _ keyPath: WritableKeyPath<ApplicationTimeLimits, Int>, _ range: ClosedRange<Int>) throws {
            let variable = "CIVIC_ASSISTANCE_\(name)"
            guard let value = try env.int(variable) else { return }
            guard range.contains(value) else { throw RPCError(.invalidArgument, "\(variable)=\(value) is outside \(range.lowerBound)…\(range.upperBound)") }
            limits[keyPath: keyPath] = value
        }
        try days("CASE_WORKING_DAYS", \.caseWorkingDays, 5...90)
        try days("EXTENDED_CASE_WORKING_DAYS", \.extendedCaseWorkingDays, 5...120)
        try days("NOTICE_DAYS", \.noticeCalendarDays, 7...30)
        guard limits.extendedCaseWorkingDays >= limits.caseWorkingDays else {
            throw RPCError(.invalidArgument, "CIVIC_ASSISTANCE_EXTENDED_CASE_WORKING_DAYS is shorter than CIVIC_ASSISTANCE_CASE_WORKING_DAYS")
        }
        func alertDays(_ name: String, _ keyPath: WritableKeyPath<AlertTimeLimits, Int>) throws {
            let variable = "CIVIC_ASSISTANCE_ALERT_\(name)_DAYS"
            guard let value = try env.int(variable) else { return }
            guard (1...60).contains(value) else { throw RPCError(.invalidArgument, "\(variable)=\(value) is outside 1…60") }
            alerts[keyPath: keyPath] = value
        }
        try alertDays("HIGH", \.highWorkingDays)
        try alertDays("MEDIUM", \.mediumWorkingDays)
        try alertDays("LOW", \.lowWorkingDays)
        if let cost = try env.int("CIVIC_ASSISTANCE_LARGE_MEDICAL_COST_FEN") {
            guard cost > 0 else { throw RPCError(.invalidArgument, "CIVIC_ASSISTANCE_LARGE_MEDICAL_COST_FEN=\(cost) is not positive") }
            alerts.largeMedicalCost = Fen(cost)
        }
        if let text = env.string("CIVIC_ASSISTANCE_CLASSIFIED_ADDITIONS") {
            options.classifiedAdditions = try Self.classifiedAdditions(text)
        }
        switch env.string("CIVIC_ASSISTANCE_PER_PERSON_FLOOR")?.lowercased() {
        case nil, "off", "false", "0": options.perPersonFloor = false
        case "on", "true", "1": options.perPersonFloor = true
        case let other?: throw RPCError(.invalidArgument, "CIVIC_ASSISTANCE_PER_PERSON_FLOOR=\(other) is neither on nor off")
        }
    }

    /// "elderly=5000,severely_disabled=1/10" → the 分类施保 additions; anything else stops the
    /// service naming the variable and the entry.
    static func classifiedAdditions(_ text: String) throws -> [MemberCategory: ClassifiedAddition] {
        var additions: [MemberCategory: ClassifiedAddition] = [:]
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            func refuse(_ why: String) -> RPCError {
                RPCError(.invalidArgument, "CIVIC_ASSISTANCE_CLASSIFIED_ADDITIONS: \(entry): \(why)")
            }
            guard parts.count == 2, let category = MemberCategory(rawValue: parts[0]) else {
                throw refuse("expected <category>=<fen or n/d>, the category one of \(MemberCategory.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard additions[category] == nil else { throw refuse("\(category.rawValue) is given twice") }
            let ratio = parts[1].split(separator: "/").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            if ratio.count == 2, let n = ratio[0], let d = ratio[1], n >= 0, d > 0 {
                additions[category] = .fractionOfStandard(Ratio(n, d))
            } else if let fen = Int(parts[1]), fen >= 0 {
                additions[category] = .fixed(Fen(fen))
            } else {
                throw refuse("the amount is whole fen or a fraction n/d of the standard")
            }
        }
        return additions
    }

    /// What an operator should fix, as health checks report it.
    public func warnings(today: CivilDate) -> [String] {
        CalendarWarning.warnings(calendar.calendar, today: today)
    }

    /// The application clocks on this calendar.
    public var clock: ApplicationClock { ApplicationClock(calendar: calendar.calendar, limits: limits) }

    public var description: String {
        "\(calendar); case \(limits.caseWorkingDays)/\(limits.extendedCaseWorkingDays) working days; 公示 \(limits.noticeCalendarDays) days; per-person floor \(options.perPersonFloor ? "on" : "off"); 分类施保 \(options.classifiedAdditions.count) categories"
    }
}
