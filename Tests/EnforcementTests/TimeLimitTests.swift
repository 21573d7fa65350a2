import CivicDomain
import EnforcementDomain
import Foundation
import Testing

/// 2026's calendar: 中秋 25–27 September, 国庆 1–7 October, Saturday 10 October a working day (调休).
@Suite("Time limits (行政处罚法 §85, 民法典 §201–203)")
struct TimeLimitTests {
    static let clock = LegalCalendar()
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    /// 5 working days from a 告知 served on Monday 28 September: across 国庆, onto the 调休 Saturday.
    @Test func workingDaysSkipHolidaysAndCountAdjustedSaturdays() {
        let due = Self.clock.deadline(.hearingRequest, from: Self.day("2026-09-28"))
        #expect((due.legalDate, due.dueDate) == (Self.day("2026-10-10"), Self.day("2026-10-10")))
        #expect(due.rule.hasPrefix("行政处罚法 §64(1): 5 working days (行政处罚法 §85) from 2026-09-28"))
        #expect(!due.provisional)
        #expect(Self.clock.deadline(.preservationDecision, from: Self.day("2026-09-24")).dueDate == Self.day("2026-10-12"))
    }

    /// 90 days from 立案 on 3 July ends on 1 October, a holiday: due the next working day (§203),
    /// both dates shown.
    @Test func calendarDaysMoveOffARestDay() {
        let due = Self.clock.deadline(.decision, from: Self.day("2026-07-03"))
        #expect((due.legalDate, due.dueDate) == (Self.day("2026-10-01"), Self.day("2026-10-08")))
        #expect(due.rule.contains("2026-10-01 is a rest day, so the next working day (民法典 §203)"))
        #expect(due.isOverdue(on: Self.day("2026-10-09")) && !due.isOverdue(on: Self.day("2026-10-08")))
        // 15 days to pay from service on 10 September: 25 September is 中秋, then the weekend.
        #expect(Self.clock.deadline(.payment, from: Self.day("2026-09-10")).dueDate == Self.day("2026-09-28"))
        // A hearing's 10 days are not counted (§60): 11 October is a Sunday.
        let extended = Self.clock.deadline(.decision, from: Self.day("2026-07-03"), extraDays: 10)
        #expect((extended.legalDate, extended.dueDate) == (Self.day("2026-10-11"), Self.day("2026-10-12")))
        #expect(extended.rule.contains("10 excluded days added"))
    }

    /// The rule is written out when read; stored, it is the text, and a stored deadline reads back
    /// equal to the counted one.
    @Test func aDeadlineIsStoredWithItsRuleWrittenOut() throws {
        let counted = Self.clock.deadline(.decision, from: Self.day("2026-07-03"), extraDays: 10)
        let stored = try JSONEncoder().encode(counted)
        let fields = try JSONSerialization.jsonObject(with: stored) as? [String: Any]
        #expect(fields?["rule"] as? String == counted.rule)
        #expect(fields?["dueDate"] != nil && fields?["legalDate"] != nil && fields?["provisional"] as? Bool == false)
        let read = try JSONDecoder().decode(LegalDeadline.self, from: stored)
        #expect(read == counted && read.rule == counted.rule)
        var changed = read
        changed.rule = "another rule"
        #expect(changed != counted)
    }

    @Test func monthsEndOnTheSameNumberedDayAndAYearWithoutANoticeIsProvisional() {
        let threeMonths = Self.clock.deadline(TimeLimit(3, .months, source: "行政强制法 §53"), from: Self.day("2026-11-30"))
        #expect(threeMonths.legalDate == Self.day("2027-02-28"))
        #expect(threeMonths.provisional)
    }

    /// 2 years from the end of the act, 5 where life, health or financial safety was harmed (§36).
    @Test func limitationPeriod() throws {
        let ended = Self.day("2024-03-15")
        try LimitationPeriod.check(actEndedOn: ended, discoveredOn: Self.day("2026-03-15"), harmsLifeHealthOrFinance: false)
        #expect(throws: DomainError.self) {
            try LimitationPeriod.check(actEndedOn: ended, discoveredOn: Self.day("2026-03-16"), harmsLifeHealthOrFinance: false)
        }
        do {
            try LimitationPeriod.check(actEndedOn: ended, discoveredOn: Self.day("2026-03-16"), harmsLifeHealthOrFinance: false)
        } catch let error as DomainError {
            #expect((error.kind, error.problems.map(\.reason)) == (.failedPrecondition, ["TIME_BARRED"]))
        }
        try LimitationPeriod.check(actEndedOn: ended, discoveredOn: Self.day("2029-03-15"), harmsLifeHealthOrFinance: true)
        #expect(LimitationPeriod.lastDay(actEndedOn: Self.day("2024-02-29"), harmsLifeHealthOrFinance: false) == Self.day("2026-02-28"))
        #expect(throws: DomainError.self) {
            try LimitationPeriod.check(actEndedOn: ended, discoveredOn: Self.day("2024-03-14"), harmsLifeHealthOrFinance: false)
        }
    }
}

@Suite("Late surcharge (加处罚款, 行政处罚法 §72, §73)")
struct LateSurchargeTests {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }
    static let fine = Fen.yuan(10_000)

    @Test func threePercentADayFromTheDayAfterTheDueDate() throws {
        let s = try LateSurcharge(fine: Self.fine, dueDate: Self.day("2026-09-28"))
        #expect(s.amount(asOf: Self.day("2026-09-28")) == Fen(0))
        #expect(s.lateDays(asOf: Self.day("2026-09-29")) == 1)
        #expect(s.amount(asOf: Self.day("2026-10-08")) == Fen.yuan(3_000))
        // Capped at the fine: 33 days are 99 %, the 34th reaches it.
        #expect(s.amount(asOf: Self.day("2026-10-31")) == Fen.yuan(9_900))
        #expect(s.amount(asOf: Self.day("2026-11-01")) == Self.fine)
        #expect(s.amount(asOf: Self.day("2026-12-31")) == Self.fine)
        #expect(s.cappedAfterDays == 34)
    }

    @Test func pausesAndADeferral() throws {
        // A 复议 from 1 to 5 October: those 5 days do not count; overlapping pauses count once.
        let paused = try LateSurcharge(
            fine: Self.fine, dueDate: Self.day("2026-09-28"),
            pauses: [
                .init(from: Self.day("2026-10-01"), through: Self.day("2026-10-05")), .init(from: Self.day("2026-10-03"), through: Self.day("2026-10-07")),
            ])
        #expect(paused.lateDays(asOf: Self.day("2026-10-08")) == 3)
        #expect(paused.amount(asOf: Self.day("2026-10-08")) == Fen.yuan(900))
        // A pause before the due date changes nothing.
        let early = try LateSurcharge(
            fine: Self.fine, dueDate: Self.day("2026-09-28"), pauses: [.init(from: Self.day("2026-09-01"), through: Self.day("2026-09-20"))])
        #expect(early.lateDays(asOf: Self.day("2026-10-08")) == 10)
        // An approved deferral moves the due date.
        let deferred = try LateSurcharge(fine: Self.fine, dueDate: Self.day("2026-09-28"), deferredTo: Self.day("2026-10-05"))
        #expect(deferred.amount(asOf: Self.day("2026-10-08")) == Fen.yuan(900))
        // Exact in fen, half up: 3 % of 3.33 元 is 0.0999 元 → 10 fen.
        #expect(try LateSurcharge(fine: Fen(333), dueDate: Self.day("2026-09-28")).amount(asOf: Self.day("2026-09-29")) == Fen(10))
    }

    @Test func refusals() {
        do {
            _ = try LateSurcharge(fine: Fen(0), dueDate: Self.day("2026-09-28"), pauses: [.init(from: Self.day("2026-10-05"), through: Self.day("2026-10-01"))])
            Issue.record("accepted")
        } catch let errors as ValidationErrors {
            #expect(errors.details.map { "\($0.field) \($0.reason)" } == ["fine NOT_POSITIVE", "pauses[0] BAD_RANGE"])
        } catch { Issue.record("\(error)") }
    }
}

@Suite("Officers (行政处罚法 §42, §58, §64)")
struct OfficerTests {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }
    static let county = try! DivisionCode("410502")
    static func officer(_ name: String, _ number: String, expires: String = "2028-12-31", roles: Set<OfficerRole> = [.investigator]) -> Officer {
        Officer(
            name: name, certificateNumber: number, certificateIssuedOn: day("2024-01-01"), certificateExpiresOn: day(expires), roles: roles,
            legalQualification: roles.contains(.legalReviewer), division: county)
    }
    static let wang = officer("王军", "豫A0001")
    static let li = officer("李娜", "豫A0002")
    static let zhao = officer("赵敏", "豫A0003", expires: "2026-06-30")
    static let sun = officer("孙立", "豫A0004", roles: [.hearingHost, .legalReviewer])

    static func reasons(_ body: () throws -> Void) -> [String] { Samples.reasons(body) }

    @Test func twoCertifiedOfficersOnTheDay() throws {
        try OfficerRules.checkAction(by: [Self.wang, Self.li], on: Self.day("2026-09-22"))
        #expect(Self.reasons { try OfficerRules.checkAction(by: [Self.wang], on: Self.day("2026-09-22")) } == ["officers TOO_FEW"])
        // The same certificate twice is one officer.
        #expect(Self.reasons { try OfficerRules.checkAction(by: [Self.wang, Self.wang], on: Self.day("2026-09-22")) } == ["officers TOO_FEW"])
        #expect(Self.reasons { try OfficerRules.checkAction(by: [Self.wang, Self.zhao], on: Self.day("2026-09-22")) } == ["officers[赵敏] NOT_CERTIFIED"])
        try OfficerRules.checkAction(by: [Self.wang, Self.zhao], on: Self.day("2026-06-30"))
        var suspended = Self.li
        suspended.status = .suspended
        #expect(
            Self.reasons { try OfficerRules.checkAction(by: [suspended, Self.zhao], on: Self.day("2026-09-22")) } == [
                "officers[李娜] NOT_CERTIFIED", "officers[赵敏] NOT_CERTIFIED",
            ])
    }

    @Test func hostAndReviewerAreNeverInvestigators() throws {
        try OfficerRules.checkIndependent(Self.sun, as: .hearingHost, investigators: [Self.wang, Self.li])
        #expect(
            Self.reasons { try OfficerRules.checkIndependent(Self.wang, as: .hearingHost, investigators: [Self.wang, Self.li]) } == [
                "hearing_host IS_INVESTIGATOR"
            ])
        #expect(
            Self.reasons { try OfficerRules.checkIndependent(Self.zhao, as: .legalReviewer, investigators: [Self.wang]) } == ["legal_reviewer MISSING_ROLE"])
    }

    @Test func certificateRulesAndTheCertifiedRate() {
        var bad = Self.officer(" ", "", expires: "2023-12-31", roles: [])
        bad.roles = [.legalReviewer]
        bad.legalQualification = false
        #expect(
            bad.problems().details.map { "\($0.field) \($0.reason)" } == [
                "name REQUIRED", "certificate_number REQUIRED", "certificate_expires_on BEFORE_ISSUE", "legal_qualification REQUIRED",
            ])
        // S001: 4 certified officers for 8 posts.
        let four = [Self.wang, Self.li, Self.sun, Self.officer("周强", "豫A0005")]
        #expect(OfficerRules.certifiedRate(four + [Self.zhao], posts: 8, on: Self.day("2026-09-22")).description == "50.0")
    }
}
