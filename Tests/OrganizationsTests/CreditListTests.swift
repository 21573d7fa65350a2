import CivicDomain
import Foundation
import OrganizationsDomain
import Testing

@Suite("Credit lists (民政部令第60号)")
struct CreditListTests {
    typealias S = OrgSamples
    static let rules = try! CreditListRules()

    static func day(_ text: String) -> CivilDate { S.day(text) }

    /// A history built through the rules (every event checked).
    static func history(_ events: [CreditEvent], rules: CreditListRules = CreditListTests.rules) throws -> CreditHistory {
        var h = CreditHistory(organizationID: "O000001")
        for event in events { try rules.record(event, in: &h) }
        return h
    }

    static func status(_ h: CreditHistory, _ text: String, rules: CreditListRules = CreditListTests.rules) throws -> CreditStatus {
        try rules.status(of: h, on: day(text))
    }

    static func ground(_ id: String, _ ground: AbnormalGround, _ on: String) -> CreditEvent {
        .abnormalGround(id: id, ground: ground, on: day(on), evidence: "核查记录 \(id)", document: "")
    }

    static func fixed(_ id: String, _ on: String) -> CreditEvent { .fixVerified(groundID: id, on: day(on), note: "已补报") }

    static func penalty(
        _ id: String, _ kind: PenaltyKind, amount: Fen = .zero, decided: String, recorded: String? = nil, executed: String? = nil
    ) -> CreditEvent {
        .penalty(
            record: PenaltyRecord(
                id: id, kind: kind, amount: amount, decidedOn: day(decided), document: "文民罚〔\(id)〕号", authority: "文峰区民政局",
                executedOn: executed.map(day)),
            on: day(recorded ?? decided))
    }

    /// "list change date [grounds] reason" per movement.
    static func lines(_ movements: [CreditMovement]) -> [String] {
        movements.map { m in
            let grounds = m.abnormalGrounds.map(\.rawValue) + m.seriousGrounds.map(\.rawValue)
            return "\(m.list.rawValue) \(m.change.rawValue) \(m.on)" + (grounds.isEmpty ? "" : " \(grounds.joined(separator: ","))")
                + (m.removalReason.map { " \($0.rawValue)" } ?? "")
        }
    }

    static func reasons(_ body: () throws -> Void) -> String { S.reasons(body) }

    // MARK: - The abnormal list

    /// Entered on the ground's day; the fix verified; staff's 5-working-day removal deadline passes
    /// unmet (overdue); the 6-month clock removes it on entry + 6 months + 1 day.
    @Test func entryAndAutomaticRemovalAfterSixMonths() throws {
        let h = try Self.history([Self.ground("G1", .noAnnualReport, "2026-01-10"), Self.fixed("G1", "2026-03-02")])
        let before = try Self.status(h, "2026-01-09")
        #expect(before.lists == [])
        let entered = try Self.status(h, "2026-01-10")
        #expect(entered.lists == [.abnormal])
        #expect(entered.abnormal?.enteredOn == Self.day("2026-01-10"))
        #expect(entered.abnormal?.openGrounds.map(\.id) == ["G1"])
        #expect(entered.abnormal?.autoRemovalOn == Self.day("2026-07-11"))
        #expect(entered.abnormal?.promotionOn == Self.day("2028-01-11"))
        #expect(entered.abnormal?.removalDue == nil)

        // Verified Monday 2026-03-02: due 5 working days later, Monday 2026-03-09.
        let verified = try Self.status(h, "2026-03-09")
        #expect(verified.abnormal?.openGrounds == [])
        #expect(verified.abnormal?.removalDue == Self.day("2026-03-09"))
        #expect(verified.abnormal?.removalOverdue == false)
        #expect(verified.abnormal?.removalDueProvisional == false)
        #expect(try Self.status(h, "2026-03-10").abnormal?.removalOverdue == true)

        #expect(try Self.status(h, "2026-07-10").lists == [.abnormal])
        #expect(try Self.status(h, "2026-07-11").lists == [])
        let moves = try Self.rules.movements(of: h, from: Self.day("2026-01-01"), through: Self.day("2026-12-31"))
        #expect(Self.lines(moves) == ["abnormal entered 2026-01-10 no_annual_report", "abnormal removed 2026-07-11 automatic"])
    }

    /// The report's one replay per history gives what the separate status and movement reads give.
    @Test func reportFiguresReplayEachHistoryOnce() throws {
        let left = try Self.history([Self.ground("G1", .noAnnualReport, "2026-01-10"), Self.fixed("G1", "2026-03-02")])
        let staying = try Self.history([Self.ground("G1", .noAnnualReport, "2026-05-10")])
        for (through, asOf) in [("2026-06-30", "2026-06-30"), ("2026-06-30", "2026-08-01"), ("2026-12-31", "2026-06-30")] {
            let figures = try Self.rules.reportFigures(of: [left, staying], from: Self.day("2026-01-01"), through: Self.day(through), asOf: Self.day(asOf))
            var listed: [CreditList: Int] = [:]
            for h in [left, staying] { for list in try Self.status(h, asOf).lists { listed[list, default: 0] += 1 } }
            let counts = try Self.rules.movements(of: [left, staying], from: Self.day("2026-01-01"), through: Self.day(through)).counts
            #expect(figures.listed == listed, "through \(through), as of \(asOf)")
            #expect(CreditMovementCounts(figures.movements) == counts, "through \(through), as of \(asOf)")
        }
        let midyear = try Self.rules.reportFigures(
            of: [left, staying], from: Self.day("2026-01-01"), through: Self.day("2026-08-01"), asOf: Self.day("2026-08-01"))
        let moved = CreditMovementCounts(midyear.movements)
        #expect((midyear.listed[.abnormal], moved.entered[.abnormal], moved.removals(from: .abnormal)) == (1, 2, 1))
    }

    /// "自查实之日起5个工作日内" across 中秋 and 国庆 2026 (9/25–27, 10/1–7 off; Sunday 9/20 and
    /// Saturday 10/10 worked).
    @Test func removalDueCountsWorkingDaysAcrossTheHolidays() throws {
        // Verified Tuesday 9/29: 9/30, 10/8, 10/9, Saturday 10/10, Monday 10/12.
        let late = try Self.history([Self.ground("G1", .noAnnualReport, "2026-08-03"), Self.fixed("G1", "2026-09-29")])
        #expect(try Self.status(late, "2026-09-30").abnormal?.removalDue == Self.day("2026-10-12"))
        // Verified Friday 9/18: Sunday 9/20 (调休), 9/21, 9/22, 9/23, 9/24.
        let early = try Self.history([Self.ground("G1", .noAnnualReport, "2026-08-03"), Self.fixed("G1", "2026-09-18")])
        #expect(try Self.status(early, "2026-09-18").abnormal?.removalDue == Self.day("2026-09-24"))

        // Removed on the due day: on time; the day after: late.
        var onTime = late
        try Self.rules.record(.abnormalRemoved(on: Self.day("2026-10-12"), document: "文民移〔2026〕1号"), in: &onTime)
        var tardy = late
        try Self.rules.record(.abnormalRemoved(on: Self.day("2026-10-13"), document: "文民移〔2026〕2号"), in: &tardy)
        let a = try Self.rules.movements(of: onTime, from: Self.day("2026-10-01"), through: Self.day("2026-12-31"))
        let b = try Self.rules.movements(of: tardy, from: Self.day("2026-10-01"), through: Self.day("2026-12-31"))
        #expect(a.map(\.removedOnTime) == [true])
        #expect(b.map(\.removedOnTime) == [false])
        #expect(a.map(\.removalDue) == [Self.day("2026-10-12")])
        #expect(try Self.status(onTime, "2026-10-12").lists == [])
        #expect(try Self.status(onTime, "2026-10-11").abnormal?.removalOverdue == false)
        #expect(try Self.status(tardy, "2026-10-13").abnormal == nil)
        #expect(CreditMovementCounts(b).removedLate == 1)
    }

    /// A removal needs every ground fixed; a removal of a body not listed is refused.
    @Test func removalNeedsEveryGroundFixed() throws {
        var h = try Self.history([Self.ground("G1", .noAnnualReport, "2026-03-02"), Self.ground("G2", .noPartyOrganization, "2026-03-02")])
        try Self.rules.record(Self.fixed("G1", "2026-04-01"), in: &h)
        #expect(
            Self.reasons { try Self.rules.record(.abnormalRemoved(on: Self.day("2026-04-02"), document: "D1"), in: &h) }
                == "failedPrecondition grounds UNRESOLVED_GROUNDS")
        #expect(try Self.status(h, "2026-04-02").abnormal?.removalDue == nil)
        try Self.rules.record(Self.fixed("G2", "2026-04-03"), in: &h)
        #expect(try Self.status(h, "2026-04-03").abnormal?.removalDue == Self.day("2026-04-13"))
        #expect(
            Self.reasons { try Self.rules.record(.abnormalRemoved(on: Self.day("2026-04-07"), document: " "), in: &h) }
                == "invalid document REQUIRED")
        try Self.rules.record(.abnormalRemoved(on: Self.day("2026-04-07"), document: "D1"), in: &h)
        #expect(
            Self.reasons { try Self.rules.record(.abnormalRemoved(on: Self.day("2026-04-08"), document: "D2"), in: &h) }
                == "failedPrecondition list NOT_LISTED")
        let moves = try Self.rules.movements(of: h, from: Self.day("2026-01-01"), through: Self.day("2026-12-31"))
        #expect(
            Self.lines(moves) == [
                "abnormal entered 2026-03-02 no_annual_report,no_party_organization", "abnormal removed 2026-04-07 fix_verified",
            ])
    }

    /// A new ground while listed restarts the 6-month clock on its day (draft §13); the 2-year
    /// promotion still counts from the first entry (default).
    @Test func aNewGroundRestartsTheClock() throws {
        let h = try Self.history([
            Self.ground("G1", .noAnnualReport, "2026-01-10"), Self.ground("G2", .noPartyOrganization, "2026-04-20"), Self.fixed("G1", "2026-05-06"),
            Self.fixed("G2", "2026-05-06"),
        ])
        let s = try Self.status(h, "2026-07-11")
        #expect(s.abnormal?.enteredOn == Self.day("2026-01-10"))
        #expect(s.abnormal?.clockStartedOn == Self.day("2026-04-20"))
        #expect(s.abnormal?.restartedOn == [Self.day("2026-04-20")])
        #expect(s.abnormal?.autoRemovalOn == Self.day("2026-10-21"))
        #expect(s.abnormal?.promotionOn == Self.day("2028-01-11"))
        // Verified Wednesday 5/6: 5/7, 5/8, Saturday 5/9 (调休), 5/11, 5/12.
        #expect(s.abnormal?.removalDue == Self.day("2026-05-12"))
        #expect(s.abnormal?.removalOverdue == true)
        #expect(try Self.status(h, "2026-10-20").lists == [.abnormal])
        #expect(try Self.status(h, "2026-10-21").lists == [])
        let moves = try Self.rules.movements(of: h, from: Self.day("2026-01-01"), through: Self.day("2026-12-31"))
        #expect(
            Self.lines(moves) == [
                "abnormal entered 2026-01-10 no_annual_report", "abnormal restarted 2026-04-20 no_party_organization",
                "abnormal removed 2026-10-21 automatic",
            ])

        // Counting promotion from the restart instead moves it too.
        let restartAll = try CreditListRules(policy: CreditListPolicy(promotionCountsFromFirstEntry: false))
        let h2 = try Self.history([Self.ground("G1", .noAnnualReport, "2026-01-10"), Self.ground("G2", .other, "2026-04-20")], rules: restartAll)
        #expect(try Self.status(h2, "2026-05-01", rules: restartAll).abnormal?.promotionOn == Self.day("2028-04-21"))
    }

    /// Timers due on a day act before that day's events: a listing whose 6 months ended the day
    /// before is removed, and a new ground that day is a new entry; a day earlier it is a restart.
    @Test func clocksActBeforeTheDaysEvents() throws {
        let base = [Self.ground("G1", .noAnnualReport, "2026-01-10"), Self.fixed("G1", "2026-02-02")]
        let onTheDay = try Self.history(base + [Self.ground("G2", .other, "2026-07-11")])
        #expect(
            Self.lines(try Self.rules.movements(of: onTheDay, from: Self.day("2026-07-01"), through: Self.day("2026-07-31"))) == [
                "abnormal removed 2026-07-11 automatic", "abnormal entered 2026-07-11 other",
            ])
        let dayBefore = try Self.history(base + [Self.ground("G2", .other, "2026-07-10")])
        #expect(
            Self.lines(try Self.rules.movements(of: dayBefore, from: Self.day("2026-07-01"), through: Self.day("2026-07-31"))) == [
                "abnormal restarted 2026-07-10 other"
            ])
        #expect(try Self.status(dayBefore, "2026-07-11").abnormal?.enteredOn == Self.day("2026-01-10"))
    }

    /// A fix verified after the 6 months have run: nothing remains, so the body leaves that day.
    @Test func aLateFixEndsTheListingTheSameDay() throws {
        let h = try Self.history([Self.ground("G1", .rectificationNotDone, "2026-01-10"), Self.fixed("G1", "2026-09-01")])
        #expect(try Self.status(h, "2026-08-31").lists == [.abnormal])
        #expect(try Self.status(h, "2026-09-01").lists == [])
        #expect(
            Self.lines(try Self.rules.movements(of: h, from: Self.day("2026-09-01"), through: Self.day("2026-09-01"))) == [
                "abnormal removed 2026-09-01 automatic"
            ])
    }

    // MARK: - Promotion and the serious list

    /// Abnormal → serious on entry + 2 years + 1 day (§201–202) with a ground still open; the open
    /// grounds are carried and must be fixed before the body leaves after 2 clean years.
    @Test func promotionAfterTwoYears() throws {
        let h = try Self.history([Self.ground("G1", .noAnnualReport, "2026-01-10")])
        #expect(try Self.status(h, "2028-01-10").lists == [.abnormal])
        let promoted = try Self.status(h, "2028-01-11")
        #expect(promoted.lists == [.serious])
        #expect(promoted.serious?.enteredOn == Self.day("2028-01-11"))
        #expect(promoted.serious?.grounds.map(\.ground) == [.abnormalTwoYears])
        #expect(promoted.serious?.carriedGrounds.map(\.id) == ["G1"])
        #expect(promoted.serious?.leaveOn == Self.day("2030-01-12"))
        #expect(
            Self.lines(try Self.rules.movements(of: h, from: Self.day("2026-01-01"), through: Self.day("2030-12-31"))) == [
                "abnormal entered 2026-01-10 no_annual_report", "abnormal removed 2028-01-11 promoted", "serious entered 2028-01-11 abnormal_two_years",
            ])

        // Fixed in time: leaves on the day; fixed late: leaves on the fix.
        var fixedEarly = h
        try Self.rules.record(Self.fixed("G1", "2029-03-01"), in: &fixedEarly)
        #expect(try Self.status(fixedEarly, "2030-01-11").lists == [.serious])
        #expect(try Self.status(fixedEarly, "2030-01-12").lists == [])
        #expect(
            Self.lines(try Self.rules.movements(of: fixedEarly, from: Self.day("2030-01-01"), through: Self.day("2030-12-31"))) == [
                "serious removed 2030-01-12 clean_years"
            ])
        var fixedLate = h
        try Self.rules.record(Self.fixed("G1", "2030-05-06"), in: &fixedLate)
        #expect(try Self.status(fixedLate, "2030-05-05").lists == [.serious])
        #expect(try Self.status(fixedLate, "2030-05-06").lists == [])
    }

    /// A body with nothing open on the promotion day is not promoted.
    @Test func noPromotionWhenNothingIsOpen() throws {
        // Restarted 2027-12-01 by a penalty ground (nothing to fix): 6 months run to 2028-06-02.
        let h = try Self.history([
            Self.ground("G1", .noAnnualReport, "2026-01-10"), Self.penalty("P1", .warning, decided: "2027-11-20", recorded: "2027-12-01"),
            Self.fixed("G1", "2027-12-15"),
        ])
        let s = try Self.status(h, "2028-01-11")
        #expect(s.lists == [.abnormal])
        #expect(s.abnormal?.autoRemovalOn == Self.day("2028-06-02"))
        #expect(try Self.status(h, "2028-06-02").lists == [])
    }

    /// Each serious ground: 限期停止活动, a fine ≥ 5万 (not one fen less), repeated minor
    /// penalties within 3 years (the last day included), revocation, and the recorded grounds.
    @Test func eachSeriousGround() throws {
        let suspension = try Self.history([Self.penalty("P1", .activitiesSuspension, decided: "2026-03-02", recorded: "2026-03-05")])
        let s1 = try Self.status(suspension, "2026-03-05")
        #expect(s1.lists == [.serious])
        #expect(s1.serious?.grounds.map(\.ground) == [.activitiesSuspension])
        #expect(s1.serious?.leaveOn == Self.day("2028-03-06"))

        let large = try Self.history([Self.penalty("P1", .fine, amount: .yuan(50_000), decided: "2026-03-02")])
        #expect(try Self.status(large, "2026-03-02").serious?.grounds.map(\.ground) == [.largeFine])
        #expect(try Self.status(large, "2026-03-02").abnormal == nil)
        let small = try Self.history([Self.penalty("P1", .fine, amount: Fen(4_999_999), decided: "2026-03-02")])
        #expect(try Self.status(small, "2026-03-02").lists == [.abnormal])
        #expect(try Self.status(small, "2026-03-02").abnormal?.grounds.map(\.ground) == [.minorPenalty])

        let twice = try Self.history([
            Self.penalty("P1", .warning, decided: "2026-02-01"), Self.penalty("P2", .fine, amount: .yuan(2_000), decided: "2029-02-01"),
        ])
        #expect(try Self.status(twice, "2029-02-01").serious?.grounds.map(\.ground) == [.repeatedPenalties])
        let apart = try Self.history([Self.penalty("P1", .warning, decided: "2026-02-01"), Self.penalty("P2", .warning, decided: "2029-02-02")])
        #expect(try Self.status(apart, "2029-02-02").lists == [.abnormal])

        // Revocation: no clean-years exit; the body leaves on deregistration.
        let revoked = try Self.history([
            Self.penalty("P1", .revocation, decided: "2026-03-02"), .deregistered(on: Self.day("2026-09-01"), document: "注销〔2026〕3号"),
        ])
        #expect(try Self.status(revoked, "2026-03-02").serious?.leaveOn == nil)
        #expect(try Self.status(revoked, "2026-08-31").lists == [.serious])
        #expect(try Self.status(revoked, "2026-09-01").lists == [])
        #expect(try Self.status(revoked, "2026-09-01").deregisteredOn == Self.day("2026-09-01"))
        #expect(
            Self.lines(try Self.rules.movements(of: revoked, from: Self.day("2026-01-01"), through: Self.day("2026-12-31"))) == [
                "serious entered 2026-03-02 revocation", "serious removed 2026-09-01 deregistered",
            ])

        for ground in [SeriousGround.judgmentDefaulter, .fraudulentChangeRegistration, .other] {
            let h = try Self.history([.seriousGround(id: "S1", ground: ground, on: Self.day("2026-03-02"), evidence: "法院名单", document: "D1")])
            #expect(try Self.status(h, "2026-03-02").serious?.grounds.map(\.ground) == [ground])
        }
        // The derived grounds are not recorded by hand.
        #expect(
            Self.reasons {
                _ = try Self.history([.seriousGround(id: "S1", ground: .largeFine, on: Self.day("2026-03-02"), evidence: "x", document: "D1")])
            } == "invalid ground DERIVED")
        // A confiscation alone lists nothing.
        let confiscation = try Self.history([Self.penalty("P1", .confiscation, amount: .yuan(800), decided: "2026-03-02")])
        #expect(try Self.status(confiscation, "2026-03-02").lists == [])
    }

    static func revoked(_ id: String, _ on: String, document: String = "复议决定〔2027〕1号", reason: String = "事实不清") -> CreditEvent {
        .penaltyRevoked(penaltyID: id, on: day(on), document: document, reason: reason)
    }

    /// A revoked penalty (撤销行政处罚决定) takes back the grounds it raised and no longer counts
    /// towards repeated penalties; the penalties before it still do.
    @Test func aRevokedPenaltyLeavesTheLists() throws {
        var h = try Self.history([
            Self.penalty("P1", .warning, decided: "2026-02-01"), Self.penalty("P2", .fine, amount: .yuan(2_000), decided: "2027-02-01"),
        ])
        let listed = try Self.status(h, "2027-02-01")
        #expect(listed.lists == [.abnormal, .serious])
        #expect(listed.serious?.grounds.map(\.id) == ["repeated:P2"])
        try Self.rules.record(Self.revoked("P2", "2027-03-01"), in: &h)
        let after = try Self.status(h, "2027-03-01")
        #expect(after.lists == [])
        #expect(after.penalties.map(\.id) == ["P1"])
        #expect(
            Self.lines(try Self.rules.movements(of: h, from: Self.day("2027-01-01"), through: Self.day("2027-03-01"))) == [
                "abnormal entered 2027-02-01 minor_penalty", "serious entered 2027-02-01 repeated_penalties",
                "abnormal removed 2027-03-01 penalty_revoked", "serious removed 2027-03-01 penalty_revoked",
            ])
        // The day before it stood listed: the past is answered as it was.
        #expect(try Self.status(h, "2027-02-28").lists == [.abnormal, .serious])
        // P1 still counts: a new warning within 3 years of it is the second.
        try Self.rules.record(Self.penalty("P3", .warning, decided: "2027-06-01"), in: &h)
        #expect(try Self.status(h, "2027-06-01").serious?.grounds.map(\.id) == ["repeated:P3"])

        // A revocation (撤销登记) revoked: the suspension's ground stays, and with it a way off the list.
        var both = try Self.history([
            Self.penalty("P1", .activitiesSuspension, decided: "2026-03-02"), Self.penalty("P2", .revocation, decided: "2026-05-04"),
        ])
        #expect(try Self.status(both, "2026-05-04").serious?.leaveOn == nil)
        try Self.rules.record(Self.revoked("P2", "2026-06-01"), in: &both)
        let kept = try Self.status(both, "2026-06-01")
        #expect(kept.serious?.grounds.map(\.ground) == [.activitiesSuspension])
        #expect(kept.serious?.leaveOn == Self.day("2028-05-05"))

        // Refusals, changing nothing.
        let before = both
        #expect(Self.reasons { try Self.rules.record(Self.revoked("P9", "2026-06-02"), in: &both) } == "invalid penalty_id UNKNOWN")
        #expect(
            Self.reasons { try Self.rules.record(Self.revoked("P1", "2026-06-02", document: " ", reason: ""), in: &both) }
                == "invalid document REQUIRED; reason REQUIRED")
        #expect(Self.reasons { try Self.rules.record(Self.revoked("P2", "2026-06-02"), in: &both) } == "invalid penalty_id UNKNOWN")
        var early = try Self.history([Self.penalty("P1", .warning, decided: "2026-03-02", recorded: "2026-03-02")])
        #expect(Self.reasons { try Self.rules.record(Self.revoked("P1", "2026-03-01"), in: &early) } == "invalid on BEFORE_LAST_EVENT")
        #expect(both == before)
    }

    /// "2 clean years": a new penalty (or ground) restarts the serious clock.
    @Test func leavingAfterTwoCleanYears() throws {
        let clean = try Self.history([Self.penalty("P1", .fine, amount: .yuan(60_000), decided: "2026-03-02")])
        #expect(try Self.status(clean, "2028-03-02").lists == [.serious])
        #expect(try Self.status(clean, "2028-03-03").lists == [])

        let restarted = try Self.history([
            Self.penalty("P1", .fine, amount: .yuan(60_000), decided: "2026-03-02"), Self.penalty("P2", .warning, decided: "2027-05-10"),
        ])
        let s = try Self.status(restarted, "2028-03-03")
        #expect(s.lists == [.serious])
        #expect(s.serious?.clockStartedOn == Self.day("2027-05-10"))
        #expect(s.serious?.restartedOn == [Self.day("2027-05-10")])
        #expect(s.serious?.leaveOn == Self.day("2029-05-11"))
        #expect(try Self.status(restarted, "2029-05-10").lists == [.serious])
        #expect(try Self.status(restarted, "2029-05-11").lists == [])
        #expect(
            Self.lines(try Self.rules.movements(of: restarted, from: Self.day("2026-01-01"), through: Self.day("2029-12-31"))) == [
                "serious entered 2026-03-02 large_fine", "abnormal entered 2027-05-10 minor_penalty", "serious restarted 2027-05-10",
                "abnormal removed 2027-11-11 automatic", "serious removed 2029-05-11 clean_years",
            ])
    }

    // MARK: - Registered letters

    /// Two returned letters sent 20–60 days apart (both ends included) make the body unreachable on
    /// the second return; 19 or 61 days apart they do not.
    @Test(arguments: [(19, false), (20, true), (60, true), (61, false)])
    func lettersApart(days: Int, listed: Bool) throws {
        let first = Self.day("2026-03-02")
        let second = first.adding(days: days)
        let h = try Self.history([
            .letterSent(id: "L1", on: first, trackingNumber: "XA001"), .letterReturned(id: "L1", on: Self.day("2026-03-10")),
            .letterSent(id: "L2", on: second, trackingNumber: "XA002"), .letterReturned(id: "L2", on: second.adding(days: 7)),
        ])
        let s = try Self.rules.status(of: h, on: second.adding(days: 7))
        #expect(s.isUnreachable == listed)
        #expect(s.abnormal?.grounds.map(\.id) == (listed ? ["letters:L1+L2"] : nil))
        #expect(s.abnormal?.enteredOn == (listed ? second.adding(days: 7) : nil))
        #expect(try Self.rules.status(of: h, on: second.adding(days: 6)).isUnreachable == false)
    }

    /// A signed letter between two returned ones breaks the pair; a later returned letter pairs
    /// with its neighbour; each letter serves one ground.
    @Test func lettersPairWithTheirNeighbour() throws {
        let signedBetween = try Self.history([
            .letterSent(id: "L1", on: Self.day("2026-03-02"), trackingNumber: ""), .letterReturned(id: "L1", on: Self.day("2026-03-09")),
            .letterSent(id: "L2", on: Self.day("2026-03-12"), trackingNumber: ""), .letterSigned(id: "L2", on: Self.day("2026-03-14")),
            .letterSent(id: "L3", on: Self.day("2026-04-01"), trackingNumber: ""), .letterReturned(id: "L3", on: Self.day("2026-04-08")),
        ])
        #expect(try Self.status(signedBetween, "2026-04-08").lists == [])

        var h = try Self.history([
            .letterSent(id: "L1", on: Self.day("2026-03-02"), trackingNumber: ""), .letterReturned(id: "L1", on: Self.day("2026-03-09")),
            .letterSent(id: "L2", on: Self.day("2026-03-12"), trackingNumber: ""), .letterReturned(id: "L2", on: Self.day("2026-03-19")),
            .letterSent(id: "L3", on: Self.day("2026-04-01"), trackingNumber: ""), .letterReturned(id: "L3", on: Self.day("2026-04-08")),
        ])
        let s = try Self.status(h, "2026-04-08")
        #expect(s.abnormal?.grounds.map(\.id) == ["letters:L2+L3"])
        #expect(s.letters.map(\.usedForGround) == [false, true, true])
        // Once reachable again (verified) a fresh pair is needed.
        try Self.rules.record(Self.fixed("letters:L2+L3", "2026-05-06"), in: &h)
        try Self.rules.record(.letterSent(id: "L4", on: Self.day("2026-06-01"), trackingNumber: ""), in: &h)
        try Self.rules.record(.letterReturned(id: "L4", on: Self.day("2026-06-08")), in: &h)
        #expect(try Self.status(h, "2026-06-08").isUnreachable == false)
        #expect(
            Self.reasons { try Self.rules.record(.letterReturned(id: "L4", on: Self.day("2026-06-09")), in: &h) }
                == "failedPrecondition letter_id ALREADY_SETTLED")
        #expect(
            Self.reasons { try Self.rules.record(.letterSigned(id: "L9", on: Self.day("2026-06-09")), in: &h) } == "invalid letter_id UNKNOWN")
        #expect(
            Self.reasons { try Self.rules.record(.letterSent(id: "L4", on: Self.day("2026-06-09"), trackingNumber: ""), in: &h) }
                == "invalid id DUPLICATE")
    }

    // MARK: - Penalties

    @Test func penaltiesForTheEvaluation() throws {
        let h = try Self.history([
            Self.penalty("P1", .warning, decided: "2025-06-01", executed: "2025-06-01"), Self.penalty("P2", .fine, amount: .yuan(3_000), decided: "2026-02-10"),
            .penaltyExecuted(penaltyID: "P2", on: Self.day("2026-03-01")),
        ])
        let s = try Self.status(h, "2026-02-20")
        #expect(s.penalties.decided(inYear: 2025).map(\.id) == ["P1"])
        #expect(s.penalties.unexecuted(on: Self.day("2026-02-20")).map(\.id) == ["P2"])
        #expect(try Self.status(h, "2026-03-01").penalties.unexecuted(on: Self.day("2026-03-01")).map(\.id) == [])
        var h2 = h
        #expect(
            Self.reasons { try Self.rules.record(.penaltyExecuted(penaltyID: "P2", on: Self.day("2026-03-02")), in: &h2) }
                == "failedPrecondition penalty_id ALREADY_EXECUTED")
        #expect(
            Self.reasons { try Self.rules.record(.penaltyExecuted(penaltyID: "P9", on: Self.day("2026-03-02")), in: &h2) }
                == "invalid penalty_id UNKNOWN")
        let bad = PenaltyRecord(
            id: " ", kind: .warning, amount: .yuan(5), decidedOn: Self.day("2026-03-02"), document: "", executedOn: Self.day("2026-03-01"))
        #expect(S.list(bad.problems()) == ["id REQUIRED", "document REQUIRED", "amount NOT_ALLOWED", "executed_on BEFORE_DECISION"])
        let freeFine = PenaltyRecord(id: "P", kind: .fine, decidedOn: Self.day("2026-03-02"), document: "D")
        #expect(S.list(freeFine.problems()) == ["amount NOT_POSITIVE"])
        #expect(
            Self.reasons { _ = try Self.history([Self.penalty("P1", .warning, decided: "2026-03-03", recorded: "2026-03-02")]) }
                == "invalid decided_on AFTER_RECORDING")
    }

    // MARK: - Refusals and configuration

    @Test func refusals() throws {
        var h = try Self.history([Self.ground("G1", .noAnnualReport, "2026-03-02"), Self.penalty("P1", .warning, decided: "2026-03-02")])
        #expect(Self.reasons { try Self.rules.record(Self.ground("G2", .other, "2026-03-01"), in: &h) } == "invalid on BEFORE_LAST_EVENT")
        #expect(Self.reasons { try Self.rules.record(Self.ground("G1", .other, "2026-03-03"), in: &h) } == "invalid id DUPLICATE")
        #expect(Self.reasons { try Self.rules.record(Self.ground("a:b", .other, "2026-03-03"), in: &h) } == "invalid id RESERVED")
        #expect(
            Self.reasons {
                try Self.rules.record(.abnormalGround(id: "G3", ground: .minorPenalty, on: Self.day("2026-03-03"), evidence: " ", document: ""), in: &h)
            } == "invalid ground DERIVED; evidence REQUIRED")
        #expect(Self.reasons { try Self.rules.record(Self.fixed("G9", "2026-03-03"), in: &h) } == "invalid ground_id UNKNOWN")
        #expect(Self.reasons { try Self.rules.record(Self.fixed("penalty:P1", "2026-03-03"), in: &h) } == "failedPrecondition ground_id NOTHING_TO_FIX")
        try Self.rules.record(Self.fixed("G1", "2026-03-03"), in: &h)
        #expect(Self.reasons { try Self.rules.record(Self.fixed("G1", "2026-03-04"), in: &h) } == "failedPrecondition ground_id NOT_OPEN")
        try Self.rules.record(.deregistered(on: Self.day("2026-04-01"), document: "注销"), in: &h)
        #expect(Self.reasons { try Self.rules.record(Self.ground("G5", .other, "2026-04-02"), in: &h) } == "failedPrecondition status INVALID_STATE")
        #expect(h.events.count == 4)
    }

    @Test func policyValidation() throws {
        let bad = CreditListPolicy(
            removalWorkingDays: 0, largeFineThreshold: .zero, repeatedPenaltyCount: 1, letterMinDaysApart: 30, letterMaxDaysApart: 20)
        #expect(
            S.list(bad.problems()) == [
                "removal_working_days NOT_POSITIVE", "large_fine_threshold NOT_POSITIVE", "repeated_penalty_count TOO_SMALL",
                "letter_max_days_apart BELOW_MINIMUM",
            ])
        #expect(Self.reasons { _ = try CreditListRules(policy: bad) }.hasPrefix("validation removal_working_days NOT_POSITIVE"))
        #expect(CreditListPolicy().problems().isEmpty)
        #expect(CreditListPolicy().largeFineThreshold == Fen(5_000_000))

        let loaded = try CreditListPolicy.load(json: Data(#"{"removalWorkingDays": 3, "largeFineThreshold": 10000000}"#.utf8))
        #expect(loaded.removalWorkingDays == 3)
        #expect(loaded.largeFineThreshold == .yuan(100_000))
        #expect(loaded.autoRemovalMonths == 6)
        #expect(Self.reasons { _ = try CreditListPolicy.load(json: Data("{".utf8)) } == "invalid configuration UNREADABLE")
        #expect(
            Self.reasons { _ = try CreditListPolicy.load(json: Data(#"{"letterMaxDaysApart": 10}"#.utf8)) }
                == "validation letter_max_days_apart BELOW_MINIMUM")

        // A configured threshold changes the lists: 3 days to remove, fines of 10万 serious.
        let rules = try CreditListRules(policy: loaded)
        let h = try Self.history(
            [
                Self.ground("G1", .noAnnualReport, "2026-09-29"), Self.fixed("G1", "2026-09-29"),
                Self.penalty("P1", .fine, amount: .yuan(60_000), decided: "2026-09-30"),
            ],
            rules: rules)
        let s = try Self.status(h, "2026-09-30", rules: rules)
        #expect(s.lists == [.abnormal])
        #expect(s.abnormal?.grounds.map(\.ground) == [.noAnnualReport, .minorPenalty])
    }

    // MARK: - Stored and reported

    @Test func historiesRoundTripAsJSONAndCountForTheReport() throws {
        let a = try Self.history([Self.ground("G1", .noAnnualReport, "2026-01-10"), Self.fixed("G1", "2026-02-02")])
        var b = try Self.history([
            Self.penalty("P1", .fine, amount: .yuan(80_000), decided: "2026-03-02"), Self.ground("G1", .unreachable, "2026-04-01"),
        ])
        b.organizationID = "O000002"
        let decoded = try JSONDecoder().decode(CreditHistory.self, from: JSONEncoder().encode(b))
        #expect(decoded == b)
        #expect(try Self.rules.status(of: decoded, on: Self.day("2026-12-31")) == Self.rules.status(of: b, on: Self.day("2026-12-31")))

        let (moves, counts) = try Self.rules.movements(of: [a, b], from: Self.day("2026-01-01"), through: Self.day("2026-12-31"))
        #expect(moves.map(\.organizationID) == ["O000001", "O000001", "O000002", "O000002", "O000002"])
        #expect(counts.entered == [.abnormal: 2, .serious: 1])
        #expect(counts.restarted == [.serious: 1])
        #expect(counts.removed == [.abnormal: [.automatic: 1]])
        #expect(counts.removals(from: .abnormal) == 1)
        #expect(counts.removals(from: .serious) == 0)
    }
}
