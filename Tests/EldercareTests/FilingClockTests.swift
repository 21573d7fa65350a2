import CivicDomain
import EldercareDomain
import Testing

@Suite("备案 clock and residents")
struct FilingClockTests {
    typealias S = ElderSamples
    let clock = FilingClock()

    /// First resident Monday 2026-09-28. Working days after it: 9-29, 9-30, then 国庆 10-1…10-7, then
    /// 10-8, 10-9, 10-10 (the 调休 Saturday), 10-12…10-16: the tenth is Friday 2026-10-16.
    @Test func dueAcrossNationalDayAndItsMakeUpSaturday() {
        #expect(clock.calendar.isWorkingDay(S.day("2026-10-10")))
        #expect(!clock.calendar.isWorkingDay(S.day("2026-10-07")))
        #expect(clock.due(firstAdmission: S.day("2026-09-28")) == S.day("2026-10-16"))
        // Admitted on the 调休 Sunday 9-20 (the start day never counts): 9-21…9-24, (中秋 9-25…9-27), 9-28…9-30,
        // 10-8, 10-9, and the tenth is the 调休 Saturday 10-10.
        #expect(clock.due(firstAdmission: S.day("2026-09-20")) == S.day("2026-10-10"))
        // Friday 9-18 or Saturday 9-19: Sunday 9-20 is a 调休 working day and counts first, so the tenth is 10-09.
        #expect(clock.due(firstAdmission: S.day("2026-09-18")) == S.day("2026-10-09"))
        #expect(clock.due(firstAdmission: S.day("2026-09-19")) == S.day("2026-10-09"))
        // Configurable: 5 working days after 9-28 is 10-10.
        #expect(FilingClock(limits: FilingTimeLimits(filingWorkingDays: 5)).due(firstAdmission: S.day("2026-09-28")) == S.day("2026-10-10"))
    }

    @Test func statusOnEachDay() {
        let first = S.day("2026-09-28")
        #expect(clock.status(firstAdmission: nil, filedOn: nil, on: S.day("2026-10-01")) == nil)
        #expect(clock.status(firstAdmission: S.day("2026-10-02"), filedOn: nil, on: S.day("2026-10-01")) == nil)
        #expect(clock.status(firstAdmission: first, filedOn: nil, on: S.day("2026-09-29")) == .onTime)
        // 10-12: 10-13…10-16 are four working days away; 10-13: three, due soon.
        #expect(clock.status(firstAdmission: first, filedOn: nil, on: S.day("2026-10-12")) == .onTime)
        #expect(clock.status(firstAdmission: first, filedOn: nil, on: S.day("2026-10-13")) == .dueSoon)
        #expect(clock.status(firstAdmission: first, filedOn: nil, on: S.day("2026-10-16")) == .dueSoon)
        #expect(clock.status(firstAdmission: first, filedOn: nil, on: S.day("2026-10-17")) == .overdue)
        #expect(clock.status(firstAdmission: first, filedOn: S.day("2026-10-16"), on: S.day("2026-10-20")) == .filed)
        #expect(clock.status(firstAdmission: first, filedOn: S.day("2026-10-19"), on: S.day("2026-10-20")) == .filedLate)
        // A filing recorded for a later day does not count yet.
        #expect(clock.status(firstAdmission: first, filedOn: S.day("2026-10-19"), on: S.day("2026-10-17")) == .overdue)
        #expect(clock.status(firstAdmission: nil, filedOn: S.day("2026-09-01"), on: S.day("2026-10-20")) == .filed)
        #expect(clock.status(firstAdmission: first, filedOn: S.day("2026-09-01"), on: S.day("2026-10-20")) == .filed)
    }

    @Test func dueAndOverdueList() {
        let subjects = [
            FilingSubject(institutionID: "A", firstAdmission: S.day("2026-09-28"), filedOn: nil),
            FilingSubject(institutionID: "B", firstAdmission: S.day("2026-09-01"), filedOn: nil),
            FilingSubject(institutionID: "C", firstAdmission: S.day("2026-09-01"), filedOn: S.day("2026-09-10")),
            FilingSubject(institutionID: "D", firstAdmission: nil, filedOn: nil),
            FilingSubject(institutionID: "E", firstAdmission: S.day("2026-10-09"), filedOn: nil),
        ]
        let list = clock.dueAndOverdue(subjects, on: S.day("2026-10-13"))
        // B: due 9-15; 9-16…10-13 holds 16 working days (9-20 and 10-10 among them). A: 3 left. E: on time, not listed.
        #expect(
            list == [
                FilingEntry(
                    institutionID: "B", firstAdmission: S.day("2026-09-01"), due: S.day("2026-09-15"), status: .overdue, workingDaysLeft: -16,
                    provisional: false),
                FilingEntry(
                    institutionID: "A", firstAdmission: S.day("2026-09-28"), due: S.day("2026-10-16"), status: .dueSoon, workingDaysLeft: 3,
                    provisional: false),
            ])
        // Counted into 2027, which has no official notice yet: provisional.
        let late = clock.dueAndOverdue([FilingSubject(institutionID: "F", firstAdmission: S.day("2026-12-28"), filedOn: nil)], on: S.day("2027-01-20"))
        #expect(late.map(\.provisional) == [true])
    }

    // MARK: - Residents

    static let id = try! ResidentID("410502194503150014")
    static let resident = Resident(
        id: "r1", institutionID: "inst-1", personRef: "P-001", residentID: id, admittedOn: S.day("2026-03-02"), abilityLevel: .moderate,
        assessedOn: S.day("2026-03-01"), agreement: ServiceAgreement(number: "FW-2026-001", signedOn: S.day("2026-03-02")))

    @Test func residentRecordAndPrivacy() {
        let r = Self.resident
        #expect(ResidentRules.problems(r, today: S.today).isEmpty)
        #expect(r.isResident(on: S.day("2026-03-02")) && !r.isResident(on: S.day("2026-03-01")))
        #expect(r.maskedID == "410502********0014")
        #expect(r.redacted.residentID == nil && r.redacted.personRef == "P-001")
        #expect(!r.isDestitute && r.abilityLevel?.needsNursing == true)
        #expect(ResidentRules.firstAdmission([r, Resident(institutionID: "inst-1", personRef: "P-0", admittedOn: S.day("2026-02-01"))]) == S.day("2026-02-01"))
    }

    @Test func residentEvents() throws {
        let r = Self.resident
        #expect(S.problems { _ = try ResidentRules.apply(.discharge(on: S.day("2026-03-01")), to: r, today: S.today) } == ["on BEFORE_ADMISSION"])
        #expect(S.problems { _ = try ResidentRules.apply(.death(on: S.day("2026-07-02")), to: r, today: S.today) } == ["on IN_THE_FUTURE"])
        let dead = try ResidentRules.apply(.death(on: S.day("2026-06-01")), to: r, today: S.today)
        #expect(dead.diedOn == S.day("2026-06-01") && !dead.isResident(on: S.day("2026-06-01")) && dead.isResident(on: S.day("2026-05-31")))
        for event in [ResidentEvent.discharge(on: S.day("2026-06-02")), .death(on: S.day("2026-06-02")), .assess(.severe, on: S.today), .unlinkDestituteCase] {
            #expect(S.problems { _ = try ResidentRules.apply(event, to: dead, today: S.today) } == [" DECEASED"])
        }
        let left = try ResidentRules.apply(.discharge(on: S.day("2026-06-15")), to: r, today: S.today)
        #expect(S.problems { _ = try ResidentRules.apply(.death(on: S.day("2026-06-20")), to: left, today: S.today) } == [" DISCHARGED"])
        let destitute = try ResidentRules.apply(.linkDestituteCase("TK-2026-0042"), to: r, today: S.today)
        #expect(destitute.isDestitute && destitute.destituteCaseID == "TK-2026-0042")
        #expect(S.problems { _ = try ResidentRules.apply(.linkDestituteCase(" "), to: r, today: S.today) } == ["destitute_case_id REQUIRED"])
        #expect(try ResidentRules.apply(.unlinkDestituteCase, to: destitute, today: S.today).isDestitute == false)
        let reassessed = try ResidentRules.apply(.assess(.complete, on: S.day("2026-06-01")), to: r, today: S.today)
        #expect(reassessed.abilityLevel == .complete && reassessed.assessedOn == S.day("2026-06-01"))
        #expect(
            S.problems { _ = try ResidentRules.apply(.signAgreement(ServiceAgreement(number: "", signedOn: S.today)), to: r, today: S.today) }
                == ["number REQUIRED"])
    }

    @Test func residentValidatorReasons() {
        let bad = Resident(
            institutionID: " ", personRef: "", residentID: Self.id, admittedOn: S.day("2026-07-02"), dischargedOn: S.day("2026-07-01"),
            diedOn: S.day("2026-08-01"), abilityLevel: .mild, agreement: ServiceAgreement(number: " ", signedOn: S.today, validUntil: S.day("2026-06-30")),
            destituteCaseID: "")
        #expect(
            S.list(ResidentRules.problems(bad, today: S.today)) == [
                "institution_id REQUIRED", "person_ref REQUIRED", "admitted_on IN_THE_FUTURE", "discharged_on BEFORE_ADMISSION", "died_on IN_THE_FUTURE",
                "assessed_on REQUIRED", "agreement.number REQUIRED", "agreement.valid_until BEFORE_START", "destitute_case_id REQUIRED",
            ])
        var order = Self.resident
        order.dischargedOn = S.day("2026-05-01")
        order.diedOn = S.day("2026-04-01")
        order.residentID = try! ResidentID("410502202604010018")
        order.abilityLevel = nil
        #expect(S.list(ResidentRules.problems(order, today: S.today)) == ["discharged_on AFTER_DEATH", "ability_level REQUIRED", "resident_id BORN_IN_FUTURE"])
        #expect(ResidentRules.withoutAgreement([Self.resident, bad], on: S.today).isEmpty)
        var unsigned = Self.resident
        unsigned.agreement = nil
        #expect(ResidentRules.withoutAgreement([Self.resident, unsigned], on: S.today).count == 1)
        #expect(ResidentRules.count([Self.resident, unsigned, bad], on: S.today) == 2)
    }
}
