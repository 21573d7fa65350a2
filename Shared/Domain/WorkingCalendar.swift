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
        // Byte by byte: dates are read for every stored row a report or a run touches.
        guard text.utf8.count == 10 else { return nil }
        var y = 0
        var m = 0
        var d = 0
        for (i, byte) in text.utf8.enumerated() {
            if i == 4 || i == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int(byte - UInt8(ascii: "0"))
            if i < 4 {
                y = y * 10 + digit
            } else if i < 7 {
                m = m * 10 + digit
            } else {
                d = d * 10 + digit
            }
        }
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

    // Field by field: the same order as the day number without computing it (sorts and sweeps compare often).
    public static func < (a: CivilDate, b: CivilDate) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

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
/// declared working days (调休).
///
/// A year is official when the State Council's notice for it is loaded (国务院办公厅关于…年部分
/// 节假日安排的通知, published each year in advance; a county can load its own file): its
/// holidays and 调休 are the notice's. Every other year is provisional: weekends and the
/// statutory holidays of 全国年节及纪念日放假办法 computed for it (`StatutoryHolidays`), with
/// no 调休 guessed. A deadline counted through a provisional year is provisional too
/// (`isProvisional(from:through:)`): loading the year's notice may move it.
public struct WorkingCalendar: Sendable {
    /// The holidays given: the official schedules' (and any passed to `init(holidays:…)`).
    /// A provisional year's statutory holidays are not in it (`schedule(forYear:)` has them).
    public let holidays: Set<CivilDate>
    /// The weekend days declared working days (调休) given.
    public let adjustedWorkingDays: Set<CivilDate>
    /// The years whose official schedule is loaded; every other year is provisional.
    public let officialYears: Set<Int>
    /// The years given a day, as one bit per day of the year (1 = working day).
    private let givenYears: [Int: YearDays]

    /// `holidays` and `adjustedWorkingDays` are taken as given in any year; `officialYears`
    /// rest on them alone, other years also on their statutory holidays.
    public init(holidays: Set<CivilDate>, adjustedWorkingDays: Set<CivilDate>, officialYears: Set<Int>) {
        self.holidays = holidays
        self.adjustedWorkingDays = adjustedWorkingDays
        self.officialYears = officialYears
        var byYear: [Int: (holidays: [CivilDate], workdays: [CivilDate])] = [:]
        for year in officialYears { byYear[year] = ([], []) }
        for date in holidays { byYear[date.year, default: ([], [])].holidays.append(date) }
        for date in adjustedWorkingDays { byYear[date.year, default: ([], [])].workdays.append(date) }
        var years: [Int: YearDays] = [:]
        for (year, given) in byYear {
            years[year] = YearDays(year: year, official: officialYears.contains(year), holidays: given.holidays, workdays: given.workdays)
        }
        givenYears = years
    }

    /// A table lookup: no lunar arithmetic, cheap enough for day-by-day loops.
    public func isWorkingDay(_ date: CivilDate) -> Bool {
        if let year = givenYears[date.year] { return year.isWorkingDay(date) }
        return date.weekday <= 5 && !StatutoryHolidays.isHoliday(date)
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

    // MARK: - Official and provisional years

    /// Whether `year` has no official schedule loaded: it counts weekends and statutory
    /// holidays only, and its notice may still change its working days.
    public func isProvisional(year: Int) -> Bool { !officialYears.contains(year) }

    /// The same for two calendars that count every day alike (FNV-1a over the official years,
    /// the holidays and the 调休 days given): a service that stores due dates recomputes them when
    /// it starts with a different calendar (a new year's notice loaded).
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        mix("official:" + officialYears.sorted().map(String.init).joined(separator: ","))
        mix(";holidays:" + holidays.sorted().map(\.description).joined(separator: ","))
        mix(";workdays:" + adjustedWorkingDays.sorted().map(\.description).joined(separator: ","))
        return String(hash, radix: 16)
    }

    /// Whether `date`'s year is provisional.
    public func isProvisional(_ date: CivilDate) -> Bool { isProvisional(year: date.year) }

    /// Whether a deadline on `end` counted from `start` is provisional: some year from the one
    /// to the other (whichever is earlier) is, so loading its notice may move the deadline.
    public func isProvisional(from start: CivilDate, through end: CivilDate) -> Bool {
        let (first, last) = start <= end ? (start.year, end.year) : (end.year, start.year)
        return (first...last).contains { isProvisional(year: $0) }
    }

    /// The provisional years from `from`'s through `through`'s (none when `through` is earlier):
    /// deadlines in them are provisional until the year's notice is loaded.
    public func provisionalYears(from: CivilDate, through: CivilDate) -> [Int] {
        guard through >= from else { return [] }
        return (from.year...through.year).filter { isProvisional(year: $0) }
    }

    /// The schedule this calendar counts `year` by: the official one as loaded, or the
    /// provisional one (statutory holidays, no 调休; plus any days given for the year).
    public func schedule(forYear year: Int) -> YearSchedule {
        var rest = Set(holidays.filter { $0.year == year })
        if isProvisional(year: year) { rest.formUnion(StatutoryHolidays.holidays(forYear: year).map(\.date)) }
        let work = adjustedWorkingDays.filter { $0.year == year }
        return YearSchedule(year: year, holidays: rest.sorted().map(\.description), workdays: work.sorted().map(\.description))
    }

    /// The same calendar with `year` provisional, as if its schedule had not been loaded.
    public func without(year: Int) -> WorkingCalendar {
        WorkingCalendar(
            holidays: holidays.filter { $0.year != year }, adjustedWorkingDays: adjustedWorkingDays.filter { $0.year != year },
            officialYears: officialYears.subtracting([year]))
    }

    /// The same calendar with `schedules` loaded: their years become official, each wholly
    /// replaced by its schedule; other years stay as they are.
    public func loading(_ schedules: [YearSchedule]) throws -> WorkingCalendar {
        let loaded = try WorkingCalendar(schedules: schedules)
        let years = loaded.officialYears
        return WorkingCalendar(
            holidays: holidays.filter { !years.contains($0.year) }.union(loaded.holidays),
            adjustedWorkingDays: adjustedWorkingDays.filter { !years.contains($0.year) }.union(loaded.adjustedWorkingDays),
            officialYears: officialYears.union(years))
    }

    /// One year's days as bits (1 = working day), built once per calendar.
    private struct YearDays: Sendable {
        let firstDay: Int
        let bits: [UInt64]

        init(year: Int, official: Bool, holidays: [CivilDate], workdays: [CivilDate]) {
            let first = CivilDate(year: year, month: 1, day: 1)!
            firstDay = first.dayNumber
            var bits = [UInt64](repeating: 0, count: 6)
            func set(_ index: Int, _ working: Bool) {
                if working { bits[index >> 6] |= 1 << UInt64(index & 63) } else { bits[index >> 6] &= ~(1 << UInt64(index & 63)) }
            }
            let days = CivilDate.isLeap(year) ? 366 : 365
            let weekday = first.weekday - 1  // 0 = Monday
            for index in 0..<days where (weekday + index) % 7 < 5 { set(index, true) }
            if !official {
                for holiday in StatutoryHolidays.holidays(forYear: year) { set(holiday.date.dayNumber - firstDay, false) }
            }
            for date in holidays { set(date.dayNumber - firstDay, false) }
            for date in workdays { set(date.dayNumber - firstDay, true) }
            self.bits = bits
        }

        func isWorkingDay(_ date: CivilDate) -> Bool {
            let index = date.dayNumber - firstDay
            return bits[index >> 6] & (1 << UInt64(index & 63)) != 0
        }
    }

    // MARK: - Schedules

    /// The schedule file format: {"year": 2026, "holidays": ["2026-01-01", …], "workdays": ["2026-01-04", …]}.
    public struct YearSchedule: Codable, Sendable, Equatable {
        public var year: Int
        public var holidays: [String]
        public var workdays: [String]
        public init(year: Int, holidays: [String], workdays: [String]) {
            self.year = year
            self.holidays = holidays
            self.workdays = workdays
        }
    }

    /// A calendar whose official years are the schedules' (all others provisional).
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
        self.init(holidays: holidays, adjustedWorkingDays: workdays, officialYears: Set(schedules.map(\.year)))
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

    public enum CalendarError: Error, Equatable, CustomStringConvertible {
        case badDate(String, year: Int)
        public var description: String {
            switch self {
            case .badDate(let text, let year): "\"\(text)\" is not a date in \(year) (YYYY-MM-DD)"
            }
        }
    }

    /// The State Council's schedule for 2025 (国务院办公厅关于2025年部分节假日安排的通知), the
    /// first under the 2024 revision of the 放假办法.
    public static let china2025 = YearSchedule(
        year: 2025,
        holidays: [
            // 元旦 1月1日
            "2025-01-01",
            // 春节 1月28日至2月4日
            "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04",
            // 清明节 4月4日至6日
            "2025-04-04", "2025-04-05", "2025-04-06",
            // 劳动节 5月1日至5日
            "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05",
            // 端午节 5月31日至6月2日
            "2025-05-31", "2025-06-01", "2025-06-02",
            // 国庆节、中秋节 10月1日至8日
            "2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08",
        ],
        // 1月26日(周日)、2月8日(周六)、4月27日(周日)、9月28日(周日)、10月11日(周六)上班
        workdays: ["2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"])

    /// The State Council's schedule for 2026 (国务院办公厅关于2026年部分节假日安排的通知).
    /// Check each shipped year against the published notice, and add each new year's when it
    /// comes out (docs/OPERATIONS.md).
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
    public static let builtIn = [china2025, china2026]
    /// The default calendar: the shipped schedules official, every other year provisional.
    public static let standard = try! WorkingCalendar(schedules: builtIn)
}

/// Encoded as "YYYY-MM-DD" (snapshots stored as JSON).
extension CivilDate: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
