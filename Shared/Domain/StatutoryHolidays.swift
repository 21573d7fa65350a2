import Foundation

/// The public holidays for all citizens (全体公民放假的节日) that 全国年节及纪念日放假办法
/// fixes, computed for a year: what a year without an official notice rests on.
///
/// Since 2025-01-01 the 2024 revision (国务院令第795号) gives 13 days: 元旦 1 (1月1日),
/// 春节 4 (农历除夕、正月初一至初三), 清明节 1 (the 清明 solar term's day), 劳动节 2 (5月1日、2日),
/// 端午节 1 (农历五月初五), 中秋节 1 (农历八月十五), 国庆节 3 (10月1日至3日). Earlier years get
/// the revision then in force (`Revision`), so a past year is not given days its law did
/// not have (2024's 除夕 was a working day).
///
/// What the law leaves to each year's notice is not guessed: neither the 调休 (weekend days
/// made working days to join holidays into a block) nor the day of the 补假 owed when a
/// holiday falls on a weekend (第六条). A year computed here has only what the law itself
/// fixes; its notice adds the 补假 and the days that bridge a holiday to a weekend, and takes
/// weekend days back by 调休, so loading it can move a deadline either way.
///
/// Years 2000…2099 are computed once, on first use, into a table (`computedYears`): lookups
/// are a bit test. Outside that range (the 清明 formula is a 21st-century one, see
/// `qingming(year:)`) only the fixed-date holidays count: 元旦, 劳动节 and 国庆节.
public enum StatutoryHolidays {
    /// The festivals for all citizens.
    public enum Festival: String, Sendable, CaseIterable {
        case newYear, springFestival, qingming, labourDay, dragonBoat, midAutumn, nationalDay

        public var chineseName: String {
            switch self {
            case .newYear: "元旦"
            case .springFestival: "春节"
            case .qingming: "清明节"
            case .labourDay: "劳动节"
            case .dragonBoat: "端午节"
            case .midAutumn: "中秋节"
            case .nationalDay: "国庆节"
            }
        }
    }

    /// One statutory day off.
    public struct Holiday: Sendable, Hashable, CustomStringConvertible {
        public let date: CivilDate
        public let festival: Festival
        public var description: String { "\(date) \(festival.chineseName)" }
    }

    /// The revisions of 全国年节及纪念日放假办法 whose holidays for all citizens differ.
    public enum Revision: Int, Sendable, CaseIterable, Comparable {
        /// 国务院令第270号, in force 1999-09-18: 元旦 1, 春节 3 (初一至初三), 劳动节 3, 国庆节 3.
        case of1999 = 1999
        /// 国务院令第513号, in force 2008-01-01: 元旦 1, 春节 3 (除夕至初二), 清明节 1, 劳动节 1,
        /// 端午节 1, 中秋节 1, 国庆节 3.
        case of2007 = 2007
        /// 国务院令第644号, in force 2014-01-01: as 2007, 春节 初一至初三.
        case of2013 = 2013
        /// 国务院令第795号, in force 2025-01-01: 春节 4 (除夕至初三), 劳动节 2.
        case of2024 = 2024

        /// The revision in force for a year's holidays (the earliest one for years before 1999).
        public static func inForce(year: Int) -> Revision {
            switch year {
            case 2025...: .of2024
            case 2014...: .of2013
            case 2008...: .of2007
            default: .of1999
            }
        }

        public static func < (a: Revision, b: Revision) -> Bool { a.rawValue < b.rawValue }
    }

    /// The years computed into the table; outside them only fixed-date holidays count.
    public static let computedYears: ClosedRange<Int> = 2000...2099

    /// Whether `date` is a statutory holiday (a table lookup; no lunar arithmetic per call).
    public static func isHoliday(_ date: CivilDate) -> Bool {
        if computedYears.contains(date.year) { return table[date.year - computedYears.lowerBound].contains(date) }
        return isFixedDateHoliday(month: date.month, day: date.day, revision: Revision.inForce(year: date.year))
    }

    /// The year's statutory holidays in date order, under the revision in force that year.
    public static func holidays(forYear year: Int) -> [Holiday] {
        if computedYears.contains(year) { return table[year - computedYears.lowerBound].holidays }
        return fixedDateHolidays(year: year, revision: Revision.inForce(year: year))
    }

    /// The year's statutory holidays as `revision` would give them (computed each call: for
    /// checks, not for loops). Outside `computedYears` only the fixed-date holidays, as
    /// `holidays(forYear:)` gives.
    public static func holidays(forYear year: Int, under revision: Revision) -> [Holiday] {
        if revision == Revision.inForce(year: year) { return holidays(forYear: year) }
        guard computedYears.contains(year) else { return fixedDateHolidays(year: year, revision: revision) }
        return compute(year: year, revision: revision)
    }

    /// The year as a schedule: its statutory holidays and no 调休 (workdays empty).
    public static func schedule(forYear year: Int) -> WorkingCalendar.YearSchedule {
        WorkingCalendar.YearSchedule(year: year, holidays: holidays(forYear: year).map(\.date.description), workdays: [])
    }

    /// The statutory holidays of `schedule`'s year that it does not give as holidays: empty
    /// for a genuine notice (each one's holidays include the law's days), so anything listed
    /// points at a mistyped or incomplete file.
    public static func missing(from schedule: WorkingCalendar.YearSchedule) -> [CivilDate] {
        let given = Set(schedule.holidays.compactMap(CivilDate.init))
        return holidays(forYear: schedule.year).map(\.date).filter { !given.contains($0) }
    }

    // MARK: - The days

    /// The day of the 清明 solar term (the sun at 15° ecliptic longitude, China Standard
    /// Time): 4 or 5 April in 2000…2099, nil outside those years.
    ///
    /// The 寿星 formula day = ⌊Y·0.2422 + C⌋ − L, with Y the year's last two digits, C = 4.81 for
    /// the 21st century and L = ⌊Y/4⌋ the leap days since 2000 (⌊(Y−1)/4⌋ is the form for terms
    /// in January and February, before the leap day; for 清明 it is a day late in every leap
    /// year). Checked against the astronomical time of the term for every year 2000…2099:
    /// no exception. Its constant C is fitted to this century only, hence the range.
    public static func qingming(year: Int) -> CivilDate? {
        guard computedYears.contains(year) else { return nil }
        let y = year % 100
        let day = Int((Double(y) * 0.2422 + 4.81).rounded(.down)) - y / 4
        return CivilDate(year: year, month: 4, day: day)
    }

    /// 农历正月初一 in Gregorian `year` (between 21 January and 20 February), from Foundation's
    /// Chinese calendar; nil where that calendar gives no answer.
    public static func lunarNewYear(year: Int) -> CivilDate? { lunarDate(year: year, month: 1, day: 1) }

    /// 农历除夕: the last day of the twelfth month (its 29th or 30th), the day before 正月初一.
    public static func lunarNewYearsEve(year: Int) -> CivilDate? { lunarNewYear(year: year)?.adding(days: -1) }

    /// 农历五月初五 (端午) in Gregorian `year`: the real fifth month, never a leap fifth month.
    public static func dragonBoat(year: Int) -> CivilDate? { lunarDate(year: year, month: 5, day: 5) }

    /// 农历八月十五 (中秋) in Gregorian `year`: the real eighth month, never a leap eighth month.
    public static func midAutumn(year: Int) -> CivilDate? { lunarDate(year: year, month: 8, day: 15) }

    // MARK: - Computing

    /// One computed year: its holidays and, for lookups, a bit per day of the year.
    struct YearTable: Sendable {
        let holidays: [Holiday]
        let firstDay: Int
        let bits: [UInt64]

        init(year: Int, holidays: [Holiday]) {
            self.holidays = holidays
            firstDay = CivilDate(year: year, month: 1, day: 1)!.dayNumber
            var bits = [UInt64](repeating: 0, count: 6)
            for holiday in holidays {
                let index = holiday.date.dayNumber - firstDay
                bits[index >> 6] |= 1 << UInt64(index & 63)
            }
            self.bits = bits
        }

        func contains(_ date: CivilDate) -> Bool {
            let index = date.dayNumber - firstDay
            return bits[index >> 6] & (1 << UInt64(index & 63)) != 0
        }
    }

    /// 2000…2099, computed once (a few milliseconds) on first use.
    static let table: [YearTable] = computedYears.map { YearTable(year: $0, holidays: compute(year: $0, revision: Revision.inForce(year: $0))) }

    static func compute(year: Int, revision: Revision) -> [Holiday] {
        var days = fixedDateHolidays(year: year, revision: revision)
        func add(_ date: CivilDate?, _ festival: Festival) {
            if let date, date.year == year { days.append(Holiday(date: date, festival: festival)) }
        }
        if let newYear = lunarNewYear(year: year) {
            let first = revision == .of2024 || revision == .of2007 ? -1 : 0
            let last = revision == .of2024 || revision == .of2013 || revision == .of1999 ? 2 : 1
            for offset in first...last { add(newYear.adding(days: offset), .springFestival) }
        }
        if revision >= .of2007 {
            add(qingming(year: year), .qingming)
            add(dragonBoat(year: year), .dragonBoat)
            add(midAutumn(year: year), .midAutumn)
        }
        // 中秋 can fall on 国庆 (2001, 2020, 2028 …): one day, one entry, the fixed-date one.
        var seen = Set<CivilDate>()
        return days.filter { seen.insert($0.date).inserted }.sorted { $0.date < $1.date }
    }

    static func fixedDateHolidays(year: Int, revision: Revision) -> [Holiday] {
        let labourDays =
            switch revision {
            case .of1999: 3
            case .of2007, .of2013: 1
            case .of2024: 2
            }
        var days = [Holiday(date: CivilDate(year: year, month: 1, day: 1)!, festival: .newYear)]
        days += (1...labourDays).map { Holiday(date: CivilDate(year: year, month: 5, day: $0)!, festival: .labourDay) }
        days += (1...3).map { Holiday(date: CivilDate(year: year, month: 10, day: $0)!, festival: .nationalDay) }
        return days
    }

    static func isFixedDateHoliday(month: Int, day: Int, revision: Revision) -> Bool {
        switch month {
        case 1: day == 1
        case 5: day <= (revision == .of1999 ? 3 : revision == .of2024 ? 2 : 1)
        case 10: day <= 3
        default: false
        }
    }

    static let shanghai = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    static let chinese: Calendar = {
        var calendar = Calendar(identifier: .chinese)
        calendar.timeZone = shanghai
        return calendar
    }()

    static let gregorian: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = shanghai
        return calendar
    }()

    /// The Gregorian date in `year` of lunar `month`/`day` (not a leap month) of the lunar year
    /// that starts in `year`. Asked of Foundation directly, then checked by converting back
    /// (month, day and no leap month): a wrong answer is not taken, the lunar year is searched
    /// day by day instead.
    static func lunarDate(year: Int, month: Int, day: Int) -> CivilDate? {
        // 1 March always lies in the lunar year whose 正月初一 falls in Gregorian `year`.
        guard let march = gregorian.date(from: DateComponents(year: year, month: 3, day: 1, hour: 12)) else { return nil }
        let lunarYear = chinese.dateComponents([.era, .year], from: march)
        func matches(_ date: Date) -> Bool {
            let c = chinese.dateComponents([.era, .year, .month, .day, .isLeapMonth], from: date)
            return c.era == lunarYear.era && c.year == lunarYear.year && c.month == month && c.day == day && c.isLeapMonth == false
        }
        func civil(_ date: Date) -> CivilDate? {
            let c = gregorian.dateComponents([.year, .month, .day], from: date)
            guard let y = c.year, let m = c.month, let d = c.day else { return nil }
            return CivilDate(year: y, month: m, day: d)
        }
        var wanted = DateComponents(era: lunarYear.era, year: lunarYear.year, month: month, day: day, hour: 12)
        wanted.isLeapMonth = false
        if let date = chinese.date(from: wanted), matches(date) { return civil(date) }
        // The search: the lunar year that starts in `year` runs from 21 January at the
        // earliest to 9 February of the next year at the latest.
        guard let start = gregorian.date(from: DateComponents(year: year, month: 1, day: 21, hour: 12)) else { return nil }
        for offset in 0..<400 {
            guard let date = gregorian.date(byAdding: .day, value: offset, to: start) else { return nil }
            if matches(date) { return civil(date) }
        }
        return nil
    }
}
