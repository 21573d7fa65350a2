import CivicDomain
import EldercareDomain
import Foundation
import Testing

/// Dates around National Day 2026 (国务院办公厅 2025-11-04): 中秋 09-25…09-27, 国庆 10-01…10-07,
/// 调休 working days Sunday 09-20 and Saturday 10-10.
@Suite("隐患整改 findings and rectification")
struct FindingsTests {
    static func problems(_ body: () throws -> Void) -> [String] {
        do {
            try body()
            return []
        } catch let error as DomainError {
            return error.problems.map { "\($0.field) \($0.reason)" }
        } catch {
            return ["\(error)"]
        }
    }

    static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    static func item(_ code: String = "3.1.2", hazard: HazardClass = .serviceQuality) -> ChecklistItem {
        ChecklistItem(
            code: code, text: "与老年人或其代理人签订服务协议", weight: 3, hazardClass: hazard, legalBasis: "《中华人民共和国老年人权益保障法》第四十八条",
            areaCode: String(code.prefix(1)), subAreaCode: String(code.prefix(3)))
    }

    static func finding(
        level: HazardLevel = .general, hazard: HazardClass = .serviceQuality, on: String = "2026-09-22", deadline: CivilDate? = nil
    ) throws -> Finding {
        try Finding.open(
            id: "insp-1/3.1.2", inspectionID: "insp-1", targetID: "inst-01", item: item(hazard: hazard), level: level,
            evidence: "3 名老年人无服务协议", foundOn: day(on), deadline: deadline)
    }

    static let inspectors = ["insp-a", "insp-b"]

    static func visit(_ on: String, rectified: Bool, extend: Int? = nil) -> FindingEvent {
        .reinspect(Reinspection(on: day(on), inspectorIDs: inspectors, rectified: rectified, note: "复查", extensionWorkingDays: extend))
    }

    // MARK: - Deadlines

    @Test func defaultsAreTwentyAndTenWorkingDays() {
        let policy = RectificationPolicy()
        #expect(policy.workingDays == [.general: 20, .major: 10])
        #expect(policy.maxExtensions == 1)
        #expect(policy.maxExtensionWorkingDays == [.general: 20, .major: 10])
    }

    /// Found Tuesday 09-22. 一般: 09-23, 09-24, (中秋) 09-28 … 09-30, (国庆) 10-08, 10-09, 10-10 (调休
    /// Saturday), 10-12 … 10-27 = 20. 重大: the 10th is 10-13; without the 调休 Saturday it would be 10-14.
    @Test func deadlinesAcrossNationalDayCountTheMakeUpSaturday() throws {
        let general = try Self.finding()
        #expect(general.deadline == Self.day("2026-10-27"))
        #expect(general.originalDeadline == Self.day("2026-10-27"))
        #expect(!general.deadlineProvisional)
        let major = try Self.finding(level: .major)
        #expect(major.deadline == Self.day("2026-10-13"))
        // Found on the eve of the holiday (09-30): 10-08, 10-09, 10-10, 10-12 … 10-16, 10-19, 10-20.
        #expect(try Self.finding(level: .major, on: "2026-09-30").deadline == Self.day("2026-10-20"))
        #expect(try Self.finding(on: "2026-09-30").deadline == Self.day("2026-11-03"))
        // Found during the holiday itself: counting starts at the next working day, as from 09-30.
        #expect(try Self.finding(level: .major, on: "2026-10-03").deadline == Self.day("2026-10-20"))
    }

    @Test func theMakeUpSaturdayIsWhatMovesIt() throws {
        // The same rule on a calendar that does not know 10-10 is a working day lands a day later.
        let schedule = WorkingCalendar.YearSchedule(
            year: 2026, holidays: WorkingCalendar.china2026.holidays, workdays: WorkingCalendar.china2026.workdays.filter { $0 != "2026-10-10" })
        let policy = RectificationPolicy(calendar: try WorkingCalendar(schedules: [WorkingCalendar.china2025, schedule]))
        #expect(policy.deadline(level: .major, foundOn: Self.day("2026-09-22")) == Self.day("2026-10-14"))
        #expect(RectificationPolicy().deadline(level: .major, foundOn: Self.day("2026-09-22")) == Self.day("2026-10-13"))
    }

    @Test func aDeadlineInAYearWithoutItsNoticeIsProvisional() throws {
        let late = try Self.finding(on: "2026-12-21")
        #expect(late.deadlineProvisional)
        #expect(late.deadline.year == 2027)
    }

    @Test func configurablePeriods() throws {
        let policy = RectificationPolicy(workingDays: [.general: 5, .major: 3])
        // 10-08, 10-09, 10-10 (调休 Saturday), 10-12, 10-13.
        #expect(policy.deadline(level: .general, foundOn: Self.day("2026-09-30")) == Self.day("2026-10-13"))
        // The third working day is the 调休 Saturday itself: the deadline falls on it.
        #expect(policy.deadline(level: .major, foundOn: Self.day("2026-09-30")) == Self.day("2026-10-10"))
    }

    @Test func openingNeedsEvidenceAndALaterDeadline() {
        #expect(
            Self.problems {
                _ = try Finding.open(
                    id: "", inspectionID: "i", targetID: "t", item: Self.item(), level: .general, evidence: "  ", foundOn: Self.day("2026-09-22"),
                    deadline: Self.day("2026-09-22"))
            } == ["id REQUIRED", "evidence REQUIRED", "deadline NOT_AFTER_FINDING"])
    }

    // MARK: - Status

    @Test func statusOnTimeDueSoonOverdue() throws {
        let finding = try Self.finding()  // due Tuesday 10-27
        #expect(finding.status(on: Self.day("2026-10-21")) == .onTime)  // 10-22, 23, 26, 27 = 4
        #expect(finding.status(on: Self.day("2026-10-22")) == .dueSoon)  // 10-23, 26, 27 = 3
        #expect(finding.status(on: Self.day("2026-10-27")) == .dueSoon)
        #expect(finding.status(on: Self.day("2026-10-28")) == .overdue)
    }

    // MARK: - Re-inspection

    @Test func reinspectionClosesIt() throws {
        var finding = try Self.finding()
        try finding.apply(Self.visit("2026-10-20", rectified: true))
        #expect(finding.state == .closed)
        #expect(finding.closedOn == Self.day("2026-10-20"))
        #expect(finding.closedOnTime == true)
        #expect(finding.status(on: Self.day("2026-12-01")) == .closed)
        #expect(finding.reinspections.count == 1)
        #expect(Self.problems { try finding.apply(Self.visit("2026-10-21", rectified: true)) } == ["state INVALID_STATE"])
    }

    @Test func notYetRectifiedBeforeTheDeadlineStaysOpen() throws {
        var finding = try Self.finding()
        try finding.apply(Self.visit("2026-10-15", rectified: false))
        #expect(finding.state == .open)
        #expect(finding.reinspections.count == 1)
        #expect(finding.referral == nil)
    }

    /// Extended at the re-inspection on the deadline (10-27) by 10 working days: 10-28 … 11-10.
    @Test func oneExtensionFromTheDeadlineInForce() throws {
        var finding = try Self.finding()
        try finding.apply(Self.visit("2026-10-27", rectified: false, extend: 10))
        #expect(finding.state == .extended)
        #expect(finding.deadline == Self.day("2026-11-10"))
        #expect(finding.originalDeadline == Self.day("2026-10-27"))
        #expect(
            finding.extensions == [
                RectificationExtension(grantedOn: Self.day("2026-10-27"), workingDays: 10, from: Self.day("2026-10-27"), to: Self.day("2026-11-10"))
            ])
        #expect(finding.status(on: Self.day("2026-10-28")) == .onTime)
        // A second one is over the limit.
        do {
            try finding.apply(Self.visit("2026-11-05", rectified: false, extend: 5))
            Issue.record("expected a refusal")
        } catch let error as DomainError {
            #expect(error.kind == .failedPrecondition)
            #expect(error.reason == "EXTENSION_LIMIT")
        }
        #expect(finding.deadline == Self.day("2026-11-10"))
        #expect(finding.reinspections.count == 1)
        // Closed within the extension: on time.
        try finding.apply(Self.visit("2026-11-10", rectified: true))
        #expect(finding.closedOnTime == true)
    }

    @Test func extensionLimitsAreConfigurable() throws {
        let policy = RectificationPolicy(maxExtensions: 2)
        var finding = try Self.finding()
        try finding.apply(Self.visit("2026-10-27", rectified: false, extend: 10), policy: policy)
        try finding.apply(Self.visit("2026-11-10", rectified: false, extend: 5), policy: policy)
        #expect(finding.deadline == Self.day("2026-11-17"))
        #expect(finding.extensions.count == 2)
    }

    @Test func extensionLengthIsBoundedByLevel() throws {
        var general = try Self.finding()
        #expect(Self.problems { try general.apply(Self.visit("2026-10-20", rectified: false, extend: 21)) } == ["extension_working_days OUT_OF_RANGE"])
        #expect(Self.problems { try general.apply(Self.visit("2026-10-20", rectified: false, extend: 0)) } == ["extension_working_days OUT_OF_RANGE"])
        try general.apply(Self.visit("2026-10-20", rectified: false, extend: 20))
        #expect(general.deadline == Self.day("2026-11-24"))
        var major = try Self.finding(level: .major)
        #expect(Self.problems { try major.apply(Self.visit("2026-10-13", rectified: false, extend: 11)) } == ["extension_working_days OUT_OF_RANGE"])
    }

    @Test func noExtensionOnceTheDeadlineHasPassed() throws {
        var finding = try Self.finding()
        #expect(Self.problems { try finding.apply(Self.visit("2026-10-28", rectified: false, extend: 5)) } == [" DEADLINE_PASSED"])
        #expect(finding.state == .open)
        #expect(finding.reinspections.isEmpty)
    }

    @Test func reinspectionChecks() throws {
        var finding = try Self.finding()
        let alone = FindingEvent.reinspect(
            Reinspection(on: Self.day("2026-09-21"), inspectorIDs: ["insp-a", "insp-a"], rectified: true, extensionWorkingDays: 5))
        #expect(
            Self.problems { try finding.apply(alone) } == [
                "inspector_ids TOO_FEW", "on BEFORE_FINDING", "extension_working_days NOT_ALLOWED",
            ])
        #expect(finding.state == .open)
    }

    // MARK: - Overdue and referral

    @Test func overdueAtReinspectionIsFlaggedForReferral() throws {
        var finding = try Self.finding()
        #expect(finding.referral == nil)
        #expect(!finding.isFlaggedForReferral)
        try finding.apply(Self.visit("2026-10-28", rectified: false))
        #expect(finding.state == .unrectified)
        #expect(finding.status(on: Self.day("2026-10-28")) == .overdue)
        let flag = try #require(finding.referral)
        #expect(flag.reasons == [.overdueRectification])
        #expect(flag.flaggedOn == Self.day("2026-10-28"))
        #expect(flag.legalBasis == ["《中华人民共和国老年人权益保障法》第四十八条", "《中华人民共和国老年人权益保障法》第四十五条"])
        #expect(flag.idempotencyKey == "eldercare-finding:insp-1/3.1.2")
        #expect(flag.reasonText.hasPrefix("逾期未整改"))
        #expect(finding.isFlaggedForReferral)
        // Closing late still closes, but not on time.
        try finding.apply(Self.visit("2026-11-02", rectified: true))
        #expect(finding.state == .closed)
        #expect(finding.closedOnTime == false)
    }

    @Test func theDailySweepMarksOverdue() throws {
        var finding = try Self.finding()
        #expect(Self.problems { try finding.apply(.markOverdue(on: Self.day("2026-10-27"))) } == [" NOT_OVERDUE"])
        try finding.apply(.markOverdue(on: Self.day("2026-10-28")))
        #expect(finding.state == .unrectified)
        #expect(finding.referral?.reasons == [.overdueRectification])
        #expect(Self.problems { try finding.apply(.markOverdue(on: Self.day("2026-10-29"))) } == ["state INVALID_STATE"])
    }

    @Test func referralFlagsAtOpening() throws {
        #expect(try Self.finding().referral == nil)
        #expect(try Self.finding(level: .major).referral?.reasons == [.majorHazard])
        #expect(try Self.finding(hazard: .fireSafety).referral?.reasons == [.fireSafety])
        #expect(try Self.finding(hazard: .illegalFundraising).referral?.reasons == [.illegalFundraising])
        #expect(try Self.finding(hazard: .foodSafety).referral == nil)
        var both = try Self.finding(level: .major, hazard: .illegalFundraising)
        #expect(both.referral?.reasons == [.majorHazard, .illegalFundraising])
        #expect(both.referral?.flaggedOn == Self.day("2026-09-22"))
        // Overdue later adds its reason in the fixed order and keeps the first date.
        try both.apply(.markOverdue(on: Self.day("2026-10-14")))
        #expect(both.referral?.reasons == [.majorHazard, .overdueRectification, .illegalFundraising])
        #expect(both.referral?.flaggedOn == Self.day("2026-09-22"))
        #expect(both.referral?.legalBasis.count == 2)
    }

    // MARK: - 停业整顿 and resettlement

    @Test func suspensionFollowsAnOverdueCorrection() throws {
        var finding = try Self.finding(level: .major)
        let order = SuspensionOrder(orderedOn: Self.day("2026-10-20"), documentNumber: "安民责停〔2026〕3号", orderedBy: "县民政局", residentsAffected: 30)
        #expect(Self.problems { try finding.apply(.orderSuspension(order)) } == ["state INVALID_STATE"])
        try finding.apply(.markOverdue(on: Self.day("2026-10-14")))
        let blank = SuspensionOrder(orderedOn: Self.day("2026-09-01"), documentNumber: " ", orderedBy: "县民政局", residentsAffected: -1)
        #expect(
            Self.problems { try finding.apply(.orderSuspension(blank)) } == [
                "document_number REQUIRED", "residents_affected NEGATIVE", "ordered_on BEFORE_FINDING",
            ])
        try finding.apply(.orderSuspension(order))
        #expect(finding.state == .suspended)
        #expect(finding.status(on: Self.day("2026-10-21")) == .overdue)
        #expect(finding.suspension?.residentsAffected == 30)
        #expect(finding.suspension?.outstanding == 30)

        try finding.apply(.recordResettlement(Resettlement(on: Self.day("2026-10-22"), destination: "inst-02", residents: 20)))
        #expect(
            Self.problems { try finding.apply(.recordResettlement(Resettlement(on: Self.day("2026-10-23"), destination: "family", residents: 15))) } == [
                "residents MORE_THAN_AFFECTED"
            ])
        #expect(
            Self.problems { try finding.apply(.recordResettlement(Resettlement(on: Self.day("2026-10-19"), destination: "", residents: 0))) } == [
                "destination REQUIRED", "residents NOT_POSITIVE", "on BEFORE_ORDER",
            ])
        try finding.apply(.recordResettlement(Resettlement(on: Self.day("2026-10-23"), destination: "family", residents: 10)))
        #expect(finding.suspension?.resettled == 30)
        #expect(finding.suspension?.resettlementComplete == true)
        #expect(finding.suspension?.resettlements.map(\.destination) == ["inst-02", "family"])

        // Put right at a re-inspection: closed, the order stays on record.
        try finding.apply(Self.visit("2026-11-20", rectified: true))
        #expect(finding.state == .closed)
        #expect(finding.suspension?.documentNumber == "安民责停〔2026〕3号")
        #expect(
            Self.problems { try finding.apply(.recordResettlement(Resettlement(on: Self.day("2026-11-21"), destination: "x", residents: 1))) } == [
                "state INVALID_STATE"
            ])
    }

    // MARK: - Revocation and moves

    @Test func revokedWithReasonsLeavesNoReferral() throws {
        var finding = try Self.finding(level: .major)
        #expect(Self.problems { try finding.apply(.revoke(on: Self.day("2026-09-25"), by: "科长", reason: "")) } == ["reason REQUIRED"])
        try finding.apply(.revoke(on: Self.day("2026-09-25"), by: "科长", reason: "检查项目选错，实为已签协议"))
        #expect(finding.state == .revoked)
        #expect(finding.state.isFinal)
        #expect(finding.revocationReason == "检查项目选错，实为已签协议")
        #expect(finding.referral != nil)  // the flag stays as history …
        #expect(!finding.isFlaggedForReferral)  // … but is not sent
        #expect(finding.status(on: Self.day("2026-12-01")) == .revoked)
        #expect(Self.problems { try finding.apply(Self.visit("2026-10-01", rectified: true)) } == ["state INVALID_STATE"])
    }

    @Test func anOverdueFindingIsNotRevokedNorExtended() throws {
        var finding = try Self.finding()
        try finding.apply(.markOverdue(on: Self.day("2026-10-28")))
        #expect(Self.problems { try finding.apply(.revoke(on: Self.day("2026-10-29"), by: "x", reason: "y")) } == ["state INVALID_STATE"])
        #expect(Self.problems { try finding.apply(Self.visit("2026-10-29", rectified: false, extend: 5)) } == ["state INVALID_STATE"])
        // A re-inspection that finds it still not done keeps it unrectified.
        try finding.apply(Self.visit("2026-10-29", rectified: false))
        #expect(finding.state == .unrectified)
    }

    @Test func enumsAreStable() {
        #expect(HazardLevel.allCases.map(\.rawValue) == ["general", "major"])
        #expect(FindingState.allCases.map(\.rawValue) == ["open", "extended", "unrectified", "suspended", "closed", "revoked"])
        #expect(ReferralReason.allCases.map(\.rawValue) == ["major_hazard", "overdue_rectification", "illegal_fundraising", "fire_safety"])
        #expect(RectificationStatus.allCases.map(\.rawValue) == ["on_time", "due_soon", "overdue", "closed", "revoked"])
    }

    @Test func aFindingSurvivesJSON() throws {
        var finding = try Self.finding(level: .major)
        try finding.apply(.markOverdue(on: Self.day("2026-10-14")))
        try finding.apply(.orderSuspension(SuspensionOrder(orderedOn: Self.day("2026-10-15"), documentNumber: "1", orderedBy: "x", residentsAffected: 2)))
        let again = try JSONDecoder().decode(Finding.self, from: try JSONEncoder().encode(finding))
        #expect(again == finding)
    }

    /// The window a store filters "due soon" by agrees with `Finding.status` for every deadline
    /// from a week before to six weeks after each day, across 中秋, 国庆 and the make-up days.
    @Test func theDueSoonWindowAgreesWithTheStatusOnEveryDeadline() throws {
        let policy = RectificationPolicy()
        #expect(policy.lastDueSoonDeadline(on: Self.day("2026-09-22")) == Self.day("2026-09-28"))
        // 国庆 is rest; 10-08, 10-09 and the make-up Saturday 10-10 are the three: Sunday 10-11 is still due soon.
        #expect(policy.lastDueSoonDeadline(on: Self.day("2026-09-30")) == Self.day("2026-10-11"))
        for start in ["2026-09-17", "2026-09-19", "2026-09-22", "2026-09-30", "2026-10-06", "2026-10-09"] {
            let day = Self.day(start)
            let last = policy.lastDueSoonDeadline(on: day)
            for offset in -7...42 {
                let deadline = day.adding(days: offset)
                let status = try Self.finding(on: "2026-09-01", deadline: deadline).status(on: day, policy: policy)
                let expected: RectificationStatus = deadline < day ? .overdue : deadline <= last ? .dueSoon : .onTime
                #expect(status == expected, "deadline \(deadline) on \(day)")
            }
        }
    }
}
