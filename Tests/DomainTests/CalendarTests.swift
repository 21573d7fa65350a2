import Foundation
import Testing

@testable import CivicDomain

/// The statutory holidays of 全国年节及纪念日放假办法, computed for a year.
@Suite("Statutory holidays")
struct StatutoryHolidayTests {
    func d(_ text: String) -> CivilDate { CivilDate(text)! }
    func dates(_ year: Int) -> [String] { StatutoryHolidays.holidays(forYear: year).map(\.date.description) }

    @Test func provisional2027IsTheLawsThirteenDaysAndNothingElse() {
        #expect(
            dates(2027) == [
                "2027-01-01",  // 元旦
                "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",  // 春节: 除夕 (腊月廿九), 初一至初三
                "2027-04-05",  // 清明
                "2027-05-01", "2027-05-02",  // 劳动节
                "2027-06-09",  // 端午
                "2027-09-15",  // 中秋
                "2027-10-01", "2027-10-02", "2027-10-03",  // 国庆节
            ])
        let festivals = StatutoryHolidays.holidays(forYear: 2027).map(\.festival)
        #expect(festivals.filter { $0 == .springFestival }.count == 4)
        #expect(festivals.filter { $0 == .labourDay }.count == 2)
        #expect(StatutoryHolidays.holidays(forYear: 2027)[5].description == "2027-04-05 清明节")
        // No 调休 and no 补假 guessed: the schedule has no working weekend days.
        let schedule = StatutoryHolidays.schedule(forYear: 2027)
        #expect(schedule.year == 2027 && schedule.workdays.isEmpty && schedule.holidays == dates(2027))
    }

    @Test func provisional2028HasALeapFifthMonthAndMidAutumnOnNationalDay() {
        // 2028 has 闰五月: 端午 is the real fifth month's (05-28), not the leap one's (06-27).
        // 中秋 falls on 10-03, a 国庆 day: one day, listed once (12 days, not 13).
        #expect(
            dates(2028) == [
                "2028-01-01",
                "2028-01-25", "2028-01-26", "2028-01-27", "2028-01-28",
                "2028-04-04",
                "2028-05-01", "2028-05-02",
                "2028-05-28",
                "2028-10-01", "2028-10-02", "2028-10-03",
            ])
        #expect(StatutoryHolidays.midAutumn(year: 2028) == d("2028-10-03"))
        #expect(StatutoryHolidays.holidays(forYear: 2028).first { $0.date == d("2028-10-03") }?.festival == .nationalDay)
    }

    @Test func lunarDatesNeverTakeALeapMonth() {
        // 2025 闰六月: 中秋 2025-10-06. 2052 闰八月: 中秋 on the real eighth month (09-07, not 10-07).
        // 2033 闰十一月: 春节 2034 on 02-19.
        #expect(StatutoryHolidays.midAutumn(year: 2025) == d("2025-10-06"))
        #expect(StatutoryHolidays.midAutumn(year: 2052) == d("2052-09-07"))
        #expect(StatutoryHolidays.lunarNewYear(year: 2034) == d("2034-02-19"))
        #expect(StatutoryHolidays.lunarNewYear(year: 2033) == d("2033-01-31"))
        #expect(StatutoryHolidays.lunarNewYear(year: 2050) == d("2050-01-23"))
        #expect(StatutoryHolidays.dragonBoat(year: 2050) == d("2050-06-23"))
        // Every computed lunar holiday, converted back, is the real month's day.
        var chinese = Calendar(identifier: .chinese)
        chinese.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = chinese.timeZone
        /// "month/day", "闰month/day" in a leap month.
        func lunar(_ date: CivilDate) -> String {
            let noon = gregorian.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: 12))!
            let c = chinese.dateComponents([.month, .day, .isLeapMonth], from: noon)
            return "\(c.isLeapMonth == false ? "" : "闰")\(c.month!)/\(c.day!)"
        }
        for year in StatutoryHolidays.computedYears {
            let newYear = StatutoryHolidays.lunarNewYear(year: year)!
            let dragonBoat = StatutoryHolidays.dragonBoat(year: year)!
            let midAutumn = StatutoryHolidays.midAutumn(year: year)!
            #expect((d("\(year)-01-21")...d("\(year)-02-20")).contains(newYear))
            #expect(lunar(newYear) == "1/1")
            #expect(lunar(dragonBoat) == "5/5")
            #expect(lunar(midAutumn) == "8/15")
            // 除夕: the last day of the twelfth month (the 29th or the 30th), never a leap month.
            let eve = lunar(StatutoryHolidays.lunarNewYearsEve(year: year)!)
            #expect(eve == "12/29" || eve == "12/30")
        }
        #expect(lunar(d("2024-02-09")) == "12/30")  // 2024's 除夕 was 腊月三十
        #expect(StatutoryHolidays.lunarNewYearsEve(year: 2025) == d("2025-01-28"))  // 2025's, 腊月廿九
        #expect(lunar(d("2025-01-28")) == "12/29")
        #expect(lunar(d("2028-06-27")) == "闰5/5")  // the leap month's 初五, not 端午
    }

    @Test func qingmingFormulaMatchesTheKnownDates() {
        let known = [2020: 4, 2021: 4, 2022: 5, 2023: 5, 2024: 4, 2025: 4, 2026: 5, 2027: 5, 2028: 4, 2000: 4, 2001: 5, 2008: 4, 2009: 4]
        for (year, day) in known {
            #expect(StatutoryHolidays.qingming(year: year) == CivilDate(year: year, month: 4, day: day), "清明 \(year)")
        }
        // Leap years: ⌊(Y−1)/4⌋, the January/February form, would give 5 April for 2024 and 2028.
        #expect(StatutoryHolidays.qingming(year: 2096) == d("2096-04-04"))
        for year in StatutoryHolidays.computedYears {
            let day = StatutoryHolidays.qingming(year: year)!
            #expect(day.month == 4 && (4...5).contains(day.day))
        }
        // The formula's constant is this century's: no 清明 outside 2000…2099.
        #expect(StatutoryHolidays.qingming(year: 1999) == nil)
        #expect(StatutoryHolidays.qingming(year: 2100) == nil)
    }

    @Test func everyComputedYearHasTheRevisionInForce() {
        #expect(StatutoryHolidays.Revision.inForce(year: 2025) == .of2024)
        #expect(StatutoryHolidays.Revision.inForce(year: 2024) == .of2013)
        #expect(StatutoryHolidays.Revision.inForce(year: 2014) == .of2013)
        #expect(StatutoryHolidays.Revision.inForce(year: 2013) == .of2007)
        #expect(StatutoryHolidays.Revision.inForce(year: 2008) == .of2007)
        #expect(StatutoryHolidays.Revision.inForce(year: 2007) == .of1999)
        for year in 2025...2099 {
            // 13 days, 12 when 中秋 falls on 国庆.
            let expected = (1...3).contains(where: { StatutoryHolidays.midAutumn(year: year) == CivilDate(year: year, month: 10, day: $0) }) ? 12 : 13
            #expect(StatutoryHolidays.holidays(forYear: year).count == expected, "\(year)")
        }
        // 2024 (the 2013 revision): 春节 初一至初三 only, 劳动节 one day.
        #expect(
            dates(2024) == [
                "2024-01-01", "2024-02-10", "2024-02-11", "2024-02-12", "2024-04-04", "2024-05-01", "2024-06-10", "2024-09-17",
                "2024-10-01", "2024-10-02", "2024-10-03",
            ])
        // 2010 (the 2007 revision): 春节 除夕至初二.
        #expect(dates(2010).filter { $0.hasPrefix("2010-02") } == ["2010-02-13", "2010-02-14", "2010-02-15"])
        // 2005 (the 1999 revision): 初一至初三, 劳动节 three days, no 清明/端午/中秋.
        #expect(
            dates(2005) == [
                "2005-01-01", "2005-02-09", "2005-02-10", "2005-02-11", "2005-05-01", "2005-05-02", "2005-05-03",
                "2005-10-01", "2005-10-02", "2005-10-03",
            ])
    }

    @Test func lookupsAgreeWithTheListsForEveryDay() {
        for year in [2000, 2024, 2027, 2028, 2099] {
            let listed = Set(StatutoryHolidays.holidays(forYear: year).map(\.date))
            var day = d("\(year)-01-01")
            while day.year == year {
                #expect(StatutoryHolidays.isHoliday(day) == listed.contains(day), "\(day)")
                day = day.adding(days: 1)
            }
        }
    }

    @Test func yearsOutsideTheTableKeepTheFixedDateHolidays() {
        #expect(dates(2100) == ["2100-01-01", "2100-05-01", "2100-05-02", "2100-10-01", "2100-10-02", "2100-10-03"])
        #expect(StatutoryHolidays.isHoliday(d("2100-05-02")))
        #expect(!StatutoryHolidays.isHoliday(d("2100-05-03")))
        #expect(StatutoryHolidays.isHoliday(d("1998-05-03")))  // the 1999 revision's three days
        #expect(!WorkingCalendar.standard.isWorkingDay(d("2100-10-01")))  // a Friday
        #expect(WorkingCalendar.standard.isWorkingDay(d("2100-10-04")))  // Monday
    }

    /// Every statutory day of an official year is one of the notice's holidays: the law's days
    /// are the core each notice builds its blocks around (none is moved to a working day).
    @Test func statutoryDaysAreInsideTheOfficialSchedules() {
        #expect(StatutoryHolidays.missing(from: WorkingCalendar.china2025) == [])
        #expect(StatutoryHolidays.missing(from: WorkingCalendar.china2026) == [])
        for year in [2025, 2026] {
            for holiday in StatutoryHolidays.holidays(forYear: year) {
                #expect(!WorkingCalendar.standard.isWorkingDay(holiday.date), "\(holiday)")
            }
        }
        // 2024's notice (not shipped): inside it too under the 2013 revision then in force,
        // while the 2024 revision's 除夕 (02-09) was a working day that year.
        let china2024 = WorkingCalendar.YearSchedule(
            year: 2024,
            holidays: [
                "2024-01-01", "2024-02-10", "2024-02-11", "2024-02-12", "2024-02-13", "2024-02-14", "2024-02-15", "2024-02-16",
                "2024-02-17", "2024-04-04", "2024-04-05", "2024-04-06", "2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04",
                "2024-05-05", "2024-06-10", "2024-09-15", "2024-09-16", "2024-09-17", "2024-10-01", "2024-10-02", "2024-10-03",
                "2024-10-04", "2024-10-05", "2024-10-06", "2024-10-07",
            ],
            workdays: ["2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14", "2024-09-29", "2024-10-12"])
        #expect(StatutoryHolidays.missing(from: china2024) == [])
        let under2024 = Set(StatutoryHolidays.holidays(forYear: 2024, under: .of2024).map(\.date))
        #expect(under2024.subtracting(china2024.holidays.map { d($0) }) == [d("2024-02-09")])
        // A mistyped file is caught: 国庆 10-03 left out.
        var typo = WorkingCalendar.china2026
        typo.holidays.removeAll { $0 == "2026-10-03" }
        #expect(StatutoryHolidays.missing(from: typo) == [d("2026-10-03")])
    }
}

@Suite("Working calendar: official and provisional years")
struct WorkingCalendarTests {
    let calendar = WorkingCalendar.standard
    func d(_ text: String) -> CivilDate { CivilDate(text)! }

    @Test func shipsTheOfficial2025And2026Schedules() {
        #expect(WorkingCalendar.builtIn.map(\.year) == [2025, 2026])
        #expect(calendar.officialYears == [2025, 2026])
        #expect(!calendar.isProvisional(year: 2025) && !calendar.isProvisional(year: 2026))
        #expect(calendar.isProvisional(year: 2024) && calendar.isProvisional(year: 2027))
        // Each 调休 day is a weekend day; no holiday is also a working day.
        for schedule in WorkingCalendar.builtIn {
            #expect(schedule.workdays.allSatisfy { d($0).weekday >= 6 })
            #expect(Set(schedule.workdays).isDisjoint(with: schedule.holidays))
            #expect(schedule.holidays.allSatisfy { d($0).year == schedule.year })
        }
        #expect(WorkingCalendar.china2025.holidays.count == 28)
        #expect(WorkingCalendar.china2026.holidays.count == 33)
    }

    @Test func official2025() {
        // 春节: eight days, 1月28日至2月4日; Sunday 1月26日 and Saturday 2月8日 working.
        let springFestival = (0..<8).map { d("2025-01-28").adding(days: $0) }
        #expect(springFestival.allSatisfy { !calendar.isWorkingDay($0) })
        #expect(calendar.isWorkingDay(d("2025-01-27")) && calendar.isWorkingDay(d("2025-02-05")))
        #expect(d("2025-01-26").weekday == 7 && calendar.isWorkingDay(d("2025-01-26")))
        #expect(d("2025-02-08").weekday == 6 && calendar.isWorkingDay(d("2025-02-08")))
        #expect(!calendar.isWorkingDay(d("2025-02-09")))  // an ordinary Sunday
        #expect(!calendar.isWorkingDay(d("2025-01-01")))
        // 清明 4月4日至6日; 劳动节 5月1日至5日 with Sunday 4月27日 working; 端午 5月31日至6月2日.
        #expect(["2025-04-04", "2025-04-05", "2025-04-06"].allSatisfy { !calendar.isWorkingDay(d($0)) })
        #expect(calendar.isWorkingDay(d("2025-04-27")))
        #expect((1...5).allSatisfy { !calendar.isWorkingDay(CivilDate(year: 2025, month: 5, day: $0)!) })
        #expect(["2025-05-31", "2025-06-01", "2025-06-02"].allSatisfy { !calendar.isWorkingDay(d($0)) })
        #expect(calendar.isWorkingDay(d("2025-06-03")))
        // 国庆节、中秋节 10月1日至8日; Sunday 9月28日 and Saturday 10月11日 working.
        #expect((1...8).allSatisfy { !calendar.isWorkingDay(CivilDate(year: 2025, month: 10, day: $0)!) })
        #expect(calendar.isWorkingDay(d("2025-09-28")) && calendar.isWorkingDay(d("2025-10-11")))
        #expect(calendar.isWorkingDay(d("2025-10-09")))
        // Tue 2025-09-30 + 3 working days: 10/9, 10/10, 10/11 (调休 Saturday).
        #expect(calendar.adding(workingDays: 3, to: d("2025-09-30")) == d("2025-10-11"))
    }

    @Test func springFestival2025Count() {
        // After Fri 1/24: 1/26 (Sun, 调休), 1/27, then 1/28–2/4 off, 2/5, 2/6, 2/7, 2/8 (Sat, 调休), 2/10.
        #expect(calendar.workingDays(from: d("2025-01-24"), to: d("2025-02-10")) == 7)
    }

    @Test func provisional2027CountsItsStatutoryHolidays() {
        #expect(calendar.isProvisional(d("2027-03-01")))
        #expect(calendar.schedule(forYear: 2027) == StatutoryHolidays.schedule(forYear: 2027))
        #expect(!calendar.isWorkingDay(d("2027-01-01")))  // 元旦, a Friday
        #expect(!calendar.isWorkingDay(d("2027-02-05")))  // 除夕, a Friday
        #expect(!calendar.isWorkingDay(d("2027-02-08")))  // 初三, a Monday
        #expect(calendar.isWorkingDay(d("2027-02-09")))  // 初四: a working day until the notice says otherwise
        #expect(!calendar.isWorkingDay(d("2027-04-05")))  // 清明, a Monday
        #expect(!calendar.isWorkingDay(d("2027-06-09")) && !calendar.isWorkingDay(d("2027-09-15")))
        // No 补假 guessed for 劳动节 on a weekend: Monday 05-03 works.
        #expect(calendar.isWorkingDay(d("2027-05-03")))
    }

    @Test func workingDaysAcrossNationalDay2027() {
        // After Tue 2027-09-28: 9/29 Wed, 9/30 Thu, 10/1 Fri off (国庆), 10/2–3 the weekend (国庆,
        // no 补假 guessed), 10/4 Mon … 10/8 Fri: 7 working days (8 on weekends only).
        #expect(calendar.workingDays(from: d("2027-09-28"), to: d("2027-10-08")) == 7)
        #expect(calendar.adding(workingDays: 3, to: d("2027-09-29")) == d("2027-10-05"))
        // 中秋 (Wed 9/15) off too: Tue 9/14 + 1 working day is Thu 9/16.
        #expect(calendar.adding(workingDays: 1, to: d("2027-09-14")) == d("2027-09-16"))
        #expect(calendar.onOrNextWorkingDay(d("2027-10-01")) == d("2027-10-04"))
        #expect(calendar.isProvisional(from: d("2027-09-28"), through: d("2027-10-08")))
    }

    @Test func loadingTheOfficial2027NoticeReplacesTheProvisionalYear() throws {
        // A made-up notice (not the State Council's): 国庆 10月1日至7日, Sunday 9/26 and Saturday 10/9 working;
        // 端午 not listed, so 06-09 is the file's, a working day.
        let notice = WorkingCalendar.YearSchedule(
            year: 2027,
            holidays: ["2027-01-01", "2027-10-01", "2027-10-02", "2027-10-03", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07"],
            workdays: ["2027-09-26", "2027-10-09"])
        let loaded = try calendar.loading([notice])
        #expect(!loaded.isProvisional(year: 2027))
        #expect(loaded.officialYears == [2025, 2026, 2027])
        #expect(!loaded.isProvisional(from: d("2026-11-01"), through: d("2027-10-08")))
        #expect(loaded.provisionalYears(from: d("2026-11-01"), through: d("2028-01-01")) == [2028])
        #expect(loaded.isWorkingDay(d("2027-06-09")))  // the file replaces the year wholly
        #expect(!loaded.isWorkingDay(d("2027-10-04")))
        #expect(loaded.isWorkingDay(d("2027-09-26")) && loaded.isWorkingDay(d("2027-10-09")))
        #expect(loaded.workingDays(from: d("2027-09-28"), to: d("2027-10-08")) == 3)  // 9/29, 9/30, 10/8
        #expect(loaded.schedule(forYear: 2027) == notice)
        // The same as building the calendar from all the files; the other years are untouched.
        let built = try WorkingCalendar(schedules: WorkingCalendar.builtIn + [notice])
        #expect(built.officialYears == loaded.officialYears)
        var day = d("2025-01-01")
        while day.year <= 2028 {
            #expect(built.isWorkingDay(day) == loaded.isWorkingDay(day), "\(day)")
            if day.year != 2027 { #expect(loaded.isWorkingDay(day) == calendar.isWorkingDay(day), "\(day)") }
            day = day.adding(days: 1)
        }
        // Loading 2026 again replaces it, 调休 and all.
        let replaced = try calendar.loading([.init(year: 2026, holidays: ["2026-01-01"], workdays: [])])
        #expect(replaced.isWorkingDay(d("2026-02-16")) && !replaced.isWorkingDay(d("2026-02-14")))
    }

    @Test func withoutAYearMakesItProvisional() {
        let without = calendar.without(year: 2026)
        #expect(without.isProvisional(year: 2026) && !without.isProvisional(year: 2025))
        #expect(without.officialYears == [2025])
        #expect(!without.isWorkingDay(d("2026-02-14")))  // the 调休 Saturday is a Saturday again
        #expect(!without.isWorkingDay(d("2026-02-16")))  // 除夕: statutory, still off
        #expect(!without.isWorkingDay(d("2026-02-19")))  // 初三: statutory
        #expect(without.isWorkingDay(d("2026-02-20")))  // 初四, a Friday: only the notice's
        #expect(!without.isWorkingDay(d("2026-10-01")) && without.isWorkingDay(d("2026-10-05")))
        #expect(without.schedule(forYear: 2026) == StatutoryHolidays.schedule(forYear: 2026))
        #expect(without.provisionalYears(from: d("2025-06-01"), through: d("2027-01-01")) == [2026, 2027])
        // Without a year no schedule was loaded for: the same calendar.
        #expect(calendar.without(year: 2030).officialYears == calendar.officialYears)
    }

    @Test func provisionalDeadlines() {
        #expect(!calendar.isProvisional(from: d("2025-03-01"), through: d("2026-12-31")))
        #expect(calendar.isProvisional(from: d("2026-11-01"), through: d("2027-01-05")))
        #expect(calendar.isProvisional(from: d("2027-01-05"), through: d("2026-11-01")))  // either order
        #expect(calendar.isProvisional(from: d("2024-12-20"), through: d("2025-01-10")))  // 2024 is not shipped
        #expect(calendar.isProvisional(from: d("2027-02-01"), through: d("2027-02-01")))
        #expect(calendar.provisionalYears(from: d("2026-11-25"), through: d("2028-01-01")) == [2027, 2028])
        #expect(calendar.provisionalYears(from: d("2026-11-25"), through: d("2026-01-01")) == [])
    }

    @Test func provisionalYearsAreWeekendsAndStatutoryHolidaysOnly() {
        for year in [2024, 2027, 2028, 2099] {
            let statutory = Set(StatutoryHolidays.holidays(forYear: year).map(\.date))
            var day = d("\(year)-01-01")
            while day.year == year {
                #expect(calendar.isWorkingDay(day) == (day.weekday <= 5 && !statutory.contains(day)), "\(day)")
                day = day.adding(days: 1)
            }
        }
    }

    @Test func officialYearsAreTheirSchedulesExactly() {
        for schedule in WorkingCalendar.builtIn {
            let holidays = Set(schedule.holidays.map { d($0) })
            let workdays = Set(schedule.workdays.map { d($0) })
            var day = d("\(schedule.year)-01-01")
            while day.year == schedule.year {
                let expected = workdays.contains(day) || (day.weekday <= 5 && !holidays.contains(day))
                #expect(calendar.isWorkingDay(day) == expected, "\(day)")
                day = day.adding(days: 1)
            }
            #expect(
                calendar.schedule(forYear: schedule.year)
                    == WorkingCalendar.YearSchedule(
                        year: schedule.year, holidays: schedule.holidays.sorted(), workdays: schedule.workdays.sorted()))
        }
    }

    @Test func givenDaysCountInOfficialAndProvisionalYears() throws {
        let byKnownYears = WorkingCalendar(holidays: [d("2027-01-04")], adjustedWorkingDays: [d("2027-01-09")], officialYears: [2027])
        #expect(byKnownYears.officialYears == [2027])
        #expect(!byKnownYears.isWorkingDay(d("2027-01-04")) && byKnownYears.isWorkingDay(d("2027-01-09")))
        #expect(byKnownYears.isWorkingDay(d("2027-01-01")))  // official: not in its holidays
        // Days given for a year that is not official count on top of its statutory holidays.
        let extra = WorkingCalendar(holidays: [d("2028-03-01")], adjustedWorkingDays: [], officialYears: [])
        #expect(!extra.isWorkingDay(d("2028-03-01")) && !extra.isWorkingDay(d("2028-01-26")) && extra.isProvisional(year: 2028))
        let file = try WorkingCalendar(schedules: [.init(year: 2027, holidays: ["2027-01-01"], workdays: [])])
        #expect(!file.isWorkingDay(d("2027-01-01")) && file.isWorkingDay(d("2027-02-08")))
        #expect(throws: WorkingCalendar.CalendarError.badDate("2026-01-01", year: 2027)) {
            _ = try WorkingCalendar(schedules: [.init(year: 2027, holidays: ["2026-01-01"], workdays: [])])
        }
        #expect(throws: WorkingCalendar.CalendarError.self) {
            _ = try calendar.loading([.init(year: 2027, holidays: ["2027-02-30"], workdays: [])])
        }
    }

    @Test func scheduleFilesRoundTrip() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("calendar-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONEncoder().encode([WorkingCalendar.china2025, StatutoryHolidays.schedule(forYear: 2027)]).write(to: file)
        let loaded = try WorkingCalendar.load(file: file.path)
        #expect(loaded.officialYears == [2025, 2027])
        #expect(try WorkingCalendar.schedules(file: file.path)[1] == StatutoryHolidays.schedule(forYear: 2027))
    }
}

@Suite("Deadlines recalculated when a notice is loaded")
struct DeadlineRecalculatorTests {
    /// A made-up 2027 notice: the statutory holidays, Monday 25 January off, Saturday 9
    /// January a working day.
    let notice = WorkingCalendar.YearSchedule(
        year: 2027, holidays: StatutoryHolidays.schedule(forYear: 2027).holidays + ["2027-01-25"], workdays: ["2027-01-09"])

    @Test func onlyDatesCountedWithoutTheNoticeAreCorrected() throws {
        let loaded = try WorkingCalendar.standard.loading([notice])
        let recalculator = DeadlineRecalculator(calendar: loaded, loadedYears: [2027], today: CivilDate("2026-12-28")!)
        #expect(recalculator.before.isProvisional(year: 2027) && !recalculator.calendar.isProvisional(year: 2027))
        let fiveWorkingDays = { (calendar: WorkingCalendar) in calendar.adding(workingDays: 5, to: CivilDate("2027-01-04")!) }
        // Provisionally Mon 2027-01-11; with the notice, the working Saturday the 9th is the fifth.
        #expect(fiveWorkingDays(WorkingCalendar.standard) == CivilDate("2027-01-11"))
        #expect(
            recalculator.check("due", stored: CivilDate("2027-01-11"), rule: fiveWorkingDays)
                == DeadlineCorrection(deadline: "due", unit: "", from: CivilDate("2027-01-11")!, to: CivilDate("2027-01-09")!))
        // Set by hand (neither rule's date): left alone. Already right: nothing to do.
        #expect(recalculator.check("due", stored: CivilDate("2027-01-20"), rule: fiveWorkingDays) == nil)
        #expect(recalculator.check("due", stored: CivilDate("2027-01-09"), rule: fiveWorkingDays) == nil)
        #expect(recalculator.check("due", stored: nil, rule: fiveWorkingDays) == nil)
    }

    @Test func anEarlierDateAlreadyPastIsKept() throws {
        let loaded = try WorkingCalendar.standard.loading([notice])
        let late = DeadlineRecalculator(calendar: loaded, loadedYears: [2027], today: CivilDate("2027-01-10")!)
        let change = late.check("due", unit: "社会救助科", stored: CivilDate("2027-01-11")) { $0.adding(workingDays: 5, to: CivilDate("2027-01-04")!) }
        #expect(change?.kept == true && change?.unit == "社会救助科")
    }
}

@Suite("Deadlines stored by earlier releases")
struct LegacyDeadlineTests {
    @Test func aDateCountedByWeekendsAloneIsCorrectedToo() throws {
        // Before 2026-12 a year without a schedule counted weekends only, and 2025 was not
        // built in. Assigned Tue 2025-07-01, three months: Wed 2025-10-01 then (国庆 not
        // known), 2025-10-09 with the official notice (国庆 and 中秋 1–8 October).
        let threeMonths = { (calendar: WorkingCalendar) in calendar.onOrNextWorkingDay(CivilDate("2025-07-01")!.adding(months: 3)) }
        #expect(threeMonths(WorkingCalendar.standard) == CivilDate("2025-10-09"))
        let recalculator = DeadlineRecalculator(calendar: .standard, loadedYears: [2025], today: CivilDate("2026-12-02")!)
        #expect(threeMonths(recalculator.weekendsOnly) == CivilDate("2025-10-01"))
        let change = recalculator.check("answer_due", stored: CivilDate("2025-10-01"), rule: threeMonths)
        #expect(change?.from == CivilDate("2025-10-01") && change?.to == CivilDate("2025-10-09") && change?.kept == false)
        // The provisional count (2025-10-07: statutory 1–3 and 6 October, no 调休) is corrected as well.
        #expect(threeMonths(recalculator.before) == CivilDate("2025-10-07"))
        #expect(recalculator.check("answer_due", stored: CivilDate("2025-10-07"), rule: threeMonths)?.to == CivilDate("2025-10-09"))
    }
}
