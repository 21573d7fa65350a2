import Foundation

/// A calendar date as legal deadlines use it (China Standard Time), without a time of day.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil for a date that does not exist (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// "YYYY-MM-DD".
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Today in China Standard Time.
    public static func today(_ now: Date = Date()) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return CivilDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// YYYY-MM-DD. Written out by hand: String(format:) goes through Foundation's
    /// formatter, and dates are written on every save.
    public var description: String {
        func padded(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian), for arithmetic without Foundation.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)!
    }

    /// 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((dayNumber % 7 + 7 + 3) % 7) + 1 }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// Calendar months later; a day past the end of the month becomes its last day
    /// (2026-01-31 + 1 month = 2026-02-28).
    public func adding(months: Int) -> CivilDate {
        let index = year * 12 + (month - 1) + months
        let y = index / 12
        let m = index % 12 + 1
        return CivilDate(year: y, month: m, day: min(day, CivilDate.daysIn(month: m, year: y)))!
    }
}

/// Working days (工作日): Monday to Friday, less public holidays, plus the weekend days
/// declared working days (调休). The schedule is data: the State Council publishes each
/// year's in advance, and a county can load its own file.
public struct WorkingCalendar: Sendable {
    public let holidays: Set<CivilDate>
    public let adjustedWorkingDays: Set<CivilDate>
    /// Years whose official schedule is loaded; for others only weekends count.
    public let knownYears: Set<Int>

    public init(holidays: Set<CivilDate>, adjustedWorkingDays: Set<CivilDate>, knownYears: Set<Int>) {
        self.holidays = holidays
        self.adjustedWorkingDays = adjustedWorkingDays
        self.knownYears = knownYears
    }

    public func isWorkingDay(_ date: CivilDate) -> Bool {
        if adjustedWorkingDays.contains(date) { return true }
        if holidays.contains(date) { return false }
        return date.weekday <= 5
    }

    /// The `n`-th working day after `date` (the day itself does not count).
    public func adding(workingDays n: Int, to date: CivilDate) -> CivilDate {
        var day = date
        var left = n
        while left > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day) { left -= 1 }
        }
        return day
    }

    /// The first working day on or after `date`: a period that ends on a rest day ends on the
    /// next working day instead.
    public func onOrNextWorkingDay(_ date: CivilDate) -> CivilDate {
        var day = date
        while !isWorkingDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// The same calendar as if `year`'s schedule had not been loaded (weekends only that year).
    public func without(year: Int) -> WorkingCalendar {
        WorkingCalendar(
            holidays: holidays.filter { $0.year != year }, adjustedWorkingDays: adjustedWorkingDays.filter { $0.year != year },
            knownYears: knownYears.subtracting([year]))
    }

    /// The years from `from` through `through` that have no holiday schedule: deadlines in
    /// them count weekends only, so an operator must load the schedule before they matter.
    public func missingYears(from: CivilDate, through: CivilDate) -> [Int] {
        guard through >= from else { return [] }
        return (from.year...through.year).filter { !knownYears.contains($0) }
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later).
    public func workingDays(from: CivilDate, to: CivilDate) -> Int {
        guard to > from else { return 0 }
        var count = 0
        var day = from
        while day < to {
            day = day.adding(days: 1)
            if isWorkingDay(day) { count += 1 }
        }
        return count
    }

    /// The schedule file format: {"year": 2026, "holidays": ["2026-01-01", …], "workdays": ["2026-01-04", …]}.
    public struct YearSchedule: Codable, Sendable {
        public var year: Int
        public var holidays: [String]
        public var workdays: [String]
        public init(year: Int, holidays: [String], workdays: [String]) {
            self.year = year
            self.holidays = holidays
            self.workdays = workdays
        }
    }

    public init(schedules: [YearSchedule]) throws {
        var holidays = Set<CivilDate>()
        var workdays = Set<CivilDate>()
        for schedule in schedules {
            for text in schedule.holidays {
                guard let date = CivilDate(text), date.year == schedule.year else { throw CalendarError.badDate(text, year: schedule.year) }
                holidays.insert(date)
            }
            for text in schedule.workdays {
                guard let date = CivilDate(text), date.year == schedule.year else { throw CalendarError.badDate(text, year: schedule.year) }
                workdays.insert(date)
            }
        }
        self.init(holidays: holidays, adjustedWorkingDays: workdays, knownYears: Set(schedules.map(\.year)))
    }

    /// Reads a JSON file holding one schedule or an array of them.
    public static func load(file: String) throws -> WorkingCalendar {
        try WorkingCalendar(schedules: schedules(file: file))
    }

    public static func schedules(file: String) throws -> [YearSchedule] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        if let many = try? JSONDecoder().decode([YearSchedule].self, from: data) { return many }
        return [try JSONDecoder().decode(YearSchedule.self, from: data)]
    }

    public enum CalendarError: Error, CustomStringConvertible {
        case badDate(String, year: Int)
        public var description: String {
            switch self {
            case .badDate(let text, let year): "\"\(text)\" is not a date in \(year) (YYYY-MM-DD)"
            }
        }
    }

    /// The State Council's schedule for 2026 (国务院办公厅关于2026年部分节假日安排的通知),
    /// shipped as the default. Check it against the published notice and add each new year's
    /// file when it comes out (docs/OPERATIONS.md).
    public static let china2026 = YearSchedule(
        year: 2026,
        holidays: [
            // 元旦 1月1日至3日
            "2026-01-01", "2026-01-02", "2026-01-03",
            // 春节 2月15日至23日
            "2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
            // 清明节 4月4日至6日
            "2026-04-04", "2026-04-05", "2026-04-06",
            // 劳动节 5月1日至5日
            "2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
            // 端午节 6月19日至21日
            "2026-06-19", "2026-06-20", "2026-06-21",
            // 中秋节 9月25日至27日
            "2026-09-25", "2026-09-26", "2026-09-27",
            // 国庆节 10月1日至7日
            "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
        ],
        workdays: ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])

    /// The shipped official schedules.
    public static let builtIn = [china2026]
    /// The default calendar: the shipped schedules.
    public static let standard = try! WorkingCalendar(schedules: builtIn)
}
