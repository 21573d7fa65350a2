import CivicDomain
import CivicServiceKit
import ProposalsDomain
import ProposalsService
import Testing

func d(_ text: String) -> CivilDate { CivilDate(text)! }

@Suite("Working-day calendar and reply deadlines")
struct DeadlineTests {
    let calendar = WorkingCalendar.standard
    let rules = ReplyDeadlines()

    @Test func civilDateArithmetic() {
        #expect(d("2026-01-31").adding(months: 1) == d("2026-02-28"))
        #expect(d("2024-01-31").adding(months: 1) == d("2024-02-29"))
        #expect(d("2026-11-30").adding(months: 3) == d("2027-02-28"))
        #expect(d("2026-12-31").adding(days: 1) == d("2027-01-01"))
        #expect(d("1970-01-01").dayNumber == 0)
        #expect(CivilDate(dayNumber: d("2026-11-25").dayNumber) == d("2026-11-25"))
        #expect(d("2026-11-25").weekday == 3)  // a Wednesday
        #expect(d("2026-02-14").weekday == 6)  // a Saturday
        #expect(CivilDate("2026-02-29") == nil)
        #expect(CivilDate("2026-2-1") == nil)
    }

    @Test func holidaysAndAdjustedWorkingDays() {
        #expect(!calendar.isWorkingDay(d("2026-10-01")))  // 国庆
        #expect(!calendar.isWorkingDay(d("2026-02-16")))  // 春节
        #expect(calendar.isWorkingDay(d("2026-02-14")))  // Saturday, 调休 working day
        #expect(calendar.isWorkingDay(d("2026-10-10")))  // Saturday, 调休 working day
        #expect(!calendar.isWorkingDay(d("2026-11-28")))  // ordinary Saturday
        #expect(calendar.isWorkingDay(d("2026-11-25")))
    }

    @Test func workingDaysSkipTheNationalDayWeekAndCountTheAdjustedSaturday() {
        // Assigned Tue 2026-09-29: 30 Sep is a working day, 1–7 Oct are holidays,
        // 8 Oct Thu, 9 Oct Fri, 10 Oct Sat (调休, working), 12 Oct Mon, 13 Oct Tue, 14 Oct Wed.
        #expect(rules.returnWindowEnds(assignedOn: d("2026-09-29"), calendar: calendar) == d("2026-10-14"))
        #expect(calendar.workingDays(from: d("2026-09-29"), to: d("2026-10-14")) == 7)
    }

    @Test func springFestivalReturnWindow() {
        // Assigned Thu 2026-02-12: 13 Feb Fri, 14 Feb Sat (调休), then 15–23 Feb off,
        // 24, 25, 26, 27 Feb, and 28 Feb Sat (调休).
        #expect(rules.returnWindowEnds(assignedOn: d("2026-02-12"), calendar: calendar) == d("2026-02-28"))
    }

    @Test func replyDeadlineIsThreeMonthsSixWhenComplexAndMovesOffRestDays() {
        #expect(rules.answerDue(assignedOn: d("2026-03-10"), role: .leadSole, complex: false, calendar: calendar) == d("2026-06-10"))
        #expect(rules.answerDue(assignedOn: d("2026-03-10"), role: .leadSplit, complex: true, calendar: calendar) == d("2026-09-10"))
        // 3 months after 2026-07-01 is Thu 2026-10-01 (国庆): due on the first working day after, Thu 8 Oct.
        #expect(rules.answerDue(assignedOn: d("2026-07-01"), role: .leadSole, complex: false, calendar: calendar) == d("2026-10-08"))
        // 协办 opinion: one month. 参阅: nothing due.
        #expect(rules.answerDue(assignedOn: d("2026-03-10"), role: .coHandling, complex: false, calendar: calendar) == d("2026-04-10"))
        #expect(rules.answerDue(assignedOn: d("2026-03-10"), role: .reference, complex: false, calendar: calendar) == nil)
    }

    @Test func reReplyAndPublication() {
        // 不满意 on 2026-08-31 → one month, 2026-09-30 (a Wednesday, working).
        #expect(rules.reReplyDue(feedbackOn: d("2026-08-31"), calendar: calendar) == d("2026-09-30"))
        // Replied Fri 2026-09-18: 20 working days, with 9/20 (Sun, 调休) working, 9/25 and 10/1–7 off, 10/10 working.
        #expect(rules.publicationDue(repliedOn: d("2026-09-18"), calendar: calendar) == d("2026-10-22"))
    }

    @Test func urgency() {
        let due = d("2026-06-10")
        #expect(rules.urgency(due: due, today: d("2026-05-01"), calendar: calendar) == .onTrack)
        #expect(rules.urgency(due: due, today: d("2026-05-28"), calendar: calendar) == .dueSoon)
        #expect(rules.urgency(due: due, today: due, calendar: calendar) == .dueSoon)
        #expect(rules.urgency(due: due, today: d("2026-06-11"), calendar: calendar) == .overdue)
    }

    @Test func scheduleFilesAreValidated() throws {
        let calendar = try WorkingCalendar(schedules: [.init(year: 2027, holidays: ["2027-01-01"], workdays: [])])
        #expect(!calendar.isWorkingDay(d("2027-01-01")))
        #expect(throws: WorkingCalendar.CalendarError.self) {
            _ = try WorkingCalendar(schedules: [.init(year: 2027, holidays: ["2026-01-01"], workdays: [])])
        }
    }
}
