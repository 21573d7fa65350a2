import CivicDomain
import Foundation
import OrganizationsDomain
import Testing

@Suite("年检 (annual inspection)")
struct AnnualInspectionTests {
    typealias S = OrgSamples
    let rules = AnnualInspectionRules()

    /// "field REASON" of a refusal, or [] when `body` does not throw.
    static func problems(_ body: () throws -> Void) -> [String] { S.problems(body) }

    /// A body of `type`, registered on `registeredOn`, with a sponsor unless `direct`.
    static func body(_ id: String, _ type: OrganizationType, registeredOn: String = "2019-04-10", direct: Bool = false) -> Organization {
        var o = S.calligraphy()
        o.id = id
        o.type = type
        o.foundationKind = type == .foundation ? .nonPublicFundraising : nil
        o.directlyRegistrable = direct
        o.sponsor = direct ? "" : o.sponsor
        o.registeredOn = S.day(registeredOn)
        return o
    }

    static func submission(_ day: String, by: String = "王会计", receivedBy: String = "赵科员") -> AnnualReportSubmission {
        AnnualReportSubmission(submittedOn: S.day(day), submittedBy: by, receivedBy: receivedBy, documents: ["年度工作报告书", "财务审计报告"])
    }

    /// The 2025 report of the sample 社团: with the sponsor 2026-03-20, reviewed 2026-03-25, at the registrar `receivedOn`.
    func filed(receivedOn: String) throws -> AnnualInspectionRecord {
        var record = try rules.open(for: S.calligraphy(), year: 2025, id: "AI-1")
        record = try rules.submitToSponsor(record, Self.submission("2026-03-20", receivedBy: ""))
        record = try rules.recordSponsorReview(record, AnnualReportSponsorReview(reviewedOn: S.day("2026-03-25"), reviewedBy: "文峰区文广旅局 刘科长"))
        return try rules.receive(record, Self.submission(receivedOn))
    }

    // MARK: - Due dates

    @Test func dueDatesForEachType() {
        let group = rules.dueDates(type: .socialGroup, hasSponsor: true, year: 2025)
        #expect(group.opensOn == S.day("2026-01-01") && group.sponsorDueOn == S.day("2026-03-31") && group.registrarDueOn == S.day("2026-05-31"))
        let directGroup = rules.dueDates(type: .socialGroup, hasSponsor: false, year: 2025)
        #expect(directGroup.sponsorDueOn == nil && directGroup.registrarDueOn == S.day("2026-05-31"))
        let nonEnterprise = rules.dueDates(type: .privateNonEnterprise, hasSponsor: true, year: 2025)
        #expect(nonEnterprise.sponsorDueOn == S.day("2026-03-31") && nonEnterprise.registrarDueOn == S.day("2026-05-31"))
        // 基金会: the registrar by 31 March, after the sponsor's review by the same day.
        let foundation = rules.dueDates(type: .foundation, hasSponsor: true, year: 2025)
        #expect(foundation.sponsorDueOn == S.day("2026-03-31") && foundation.registrarDueOn == S.day("2026-03-31"))
        let directFoundation = rules.dueDates(for: Self.body("F2", .foundation, direct: true), year: 2025)
        #expect(directFoundation.sponsorDueOn == nil && directFoundation.registrarDueOn == S.day("2026-03-31"))
        #expect(directFoundation.dueOn(.sponsor) == nil && directFoundation.dueOn(.registrar) == S.day("2026-03-31"))
    }

    /// Fixed days by default; with §203 on, Sunday 2026-05-31 moves to Monday 6-1 and Saturday 2025-05-31
    /// (端午 5-31…6-2) to Tuesday 6-3. Tuesday 2026-03-31 stays.
    @Test func dueDatesOffRestDaysWhenConfigured() {
        let moving = AnnualInspectionRules(movesDueDatesOffRestDays: true)
        #expect(moving.dueDates(type: .socialGroup, hasSponsor: true, year: 2025).registrarDueOn == S.day("2026-06-01"))
        #expect(moving.dueDates(type: .socialGroup, hasSponsor: true, year: 2025).sponsorDueOn == S.day("2026-03-31"))
        #expect(moving.dueDates(type: .privateNonEnterprise, hasSponsor: false, year: 2024).registrarDueOn == S.day("2025-06-03"))
        #expect(rules.dueDates(type: .privateNonEnterprise, hasSponsor: false, year: 2024).registrarDueOn == S.day("2025-05-31"))
    }

    // MARK: - Who owes a report

    /// 民非 registered 30 June has its full 6 months on 31 December and reports; 1 July is exempt (令27号).
    @Test func halfYearExemptionBoundary() {
        #expect(rules.exemption(of: Self.body("P1", .privateNonEnterprise, registeredOn: "2025-06-30"), year: 2025) == nil)
        #expect(rules.exemption(of: Self.body("P2", .privateNonEnterprise, registeredOn: "2025-07-01"), year: 2025) == .registeredInSecondHalf)
        // It reports for the next year.
        #expect(rules.exemption(of: Self.body("P2", .privateNonEnterprise, registeredOn: "2025-07-01"), year: 2026) == nil)
        // 社团 by default the same; 基金会 registered on 31 December reports.
        #expect(rules.exemption(of: Self.body("G1", .socialGroup, registeredOn: "2025-06-30"), year: 2025) == nil)
        #expect(rules.exemption(of: Self.body("G2", .socialGroup, registeredOn: "2025-07-01"), year: 2025) == .registeredInSecondHalf)
        #expect(rules.exemption(of: Self.body("F1", .foundation, registeredOn: "2025-12-31"), year: 2025) == nil)
        // A registrar that exempts 民非 only.
        let strict = AnnualInspectionRules(halfYearExemptTypes: [.privateNonEnterprise])
        #expect(strict.exemption(of: Self.body("G2", .socialGroup, registeredOn: "2025-07-01"), year: 2025) == nil)
        #expect(strict.exemption(of: Self.body("P2", .privateNonEnterprise, registeredOn: "2025-07-01"), year: 2025) == .registeredInSecondHalf)
        // Registered after the year; not registered at all.
        #expect(rules.exemption(of: Self.body("P3", .privateNonEnterprise, registeredOn: "2026-01-05"), year: 2025) == .registeredAfterYear)
        var preparing = Self.body("G3", .socialGroup)
        preparing.registeredOn = nil
        #expect(rules.exemption(of: preparing, year: 2025) == .notRegistered)
    }

    /// The status on 31 December decides: revoked in the year owes nothing; deregistered after it still owes;
    /// 限期停止活动 still owes.
    @Test func statusOnTheYearsLastDay() throws {
        var revoked = S.calligraphy()
        try revoked.move(to: .revoked, on: S.day("2025-11-02"))
        #expect(rules.exemption(of: revoked, year: 2025) == .revoked)
        #expect(rules.exemption(of: revoked, year: 2024) == nil)
        #expect(AnnualInspectionRules.status(of: revoked, on: S.day("2025-11-01")) == .registered)
        var deregistered = S.calligraphy()
        try deregistered.move(to: .deregistered, on: S.day("2026-02-01"))
        #expect(rules.exemption(of: deregistered, year: 2025) == nil)
        var deregisteredInYear = S.calligraphy()
        try deregisteredInYear.move(to: .deregistered, on: S.day("2025-12-31"))
        #expect(rules.exemption(of: deregisteredInYear, year: 2025) == .deregistered)
        var suspended = S.calligraphy()
        try suspended.move(to: .activitiesSuspended, on: S.day("2025-10-01"))
        #expect(rules.exemption(of: suspended, year: 2025) == nil)
        // No history: the current status stands for every day.
        let sample = S.calligraphy()
        let imported = Organization(
            id: sample.id, creditCode: sample.creditCode, name: sample.name, type: .socialGroup, sponsor: sample.sponsor,
            registrarLevel: .county, registrarDivision: S.county, division: S.county, registeredOn: S.day("2019-04-10"), status: .revoked)
        #expect(rules.exemption(of: imported, year: 2025) == .revoked)
        #expect(Self.problems { _ = try rules.open(for: imported, year: 2025) } == ["year NOT_OWED"])
    }

    // MARK: - Where a body stands on a day

    /// The sample 社团 (with a sponsor) for 2025: not due in 2025, open from 2026-01-01, overdue at the
    /// sponsor from 4/1 and at the registrar from 6/1.
    @Test func overdueFromTheFirstOfAprilAndJune() {
        let body = S.calligraphy()
        func at(_ day: String, _ stage: AnnualInspectionStage = .registrar) -> AnnualInspectionStanding {
            rules.standing(of: body, record: nil, year: 2025, stage: stage, on: S.day(day))
        }
        #expect(at("2025-12-31").status == .notDueYet && at("2025-12-31").dueOn == S.day("2026-05-31"))
        #expect(at("2026-01-01").status == .open)
        #expect(at("2026-03-31", .sponsor).status == .open && at("2026-03-31", .sponsor).dueOn == S.day("2026-03-31"))
        #expect(at("2026-04-01", .sponsor).status == .overdue && at("2026-04-01", .sponsor).daysPastDue == 1)
        #expect(at("2026-04-01").status == .open)
        #expect(at("2026-05-31").status == .open && at("2026-05-31").daysPastDue == 0)
        #expect(at("2026-06-01").status == .overdue && at("2026-06-01").daysPastDue == 1)
        // A 基金会 is overdue at the registrar from 4/1.
        let foundation = Self.body("F1", .foundation)
        #expect(rules.standing(of: foundation, record: nil, year: 2025, on: S.day("2026-03-31")).status == .open)
        #expect(rules.standing(of: foundation, record: nil, year: 2025, on: S.day("2026-04-01")).status == .overdue)
        // A directly registrable body has no sponsor step.
        let direct = rules.standing(of: Self.body("D1", .socialGroup, direct: true), record: nil, year: 2025, stage: .sponsor, on: S.day("2026-04-01"))
        #expect(direct.status == .notOwed && direct.exemption == .noSponsor && direct.dueOn == nil)
        // An exempt body.
        let exempt = rules.standing(of: Self.body("P2", .privateNonEnterprise, registeredOn: "2025-07-01"), record: nil, year: 2025, on: S.day("2026-06-01"))
        #expect(exempt == AnnualInspectionStanding(organizationID: "P2", year: 2025, stage: .registrar, status: .notOwed, exemption: .registeredInSecondHalf))
    }

    @Test func receivedOnTimeOrLateAndAsItStoodThen() throws {
        let onTime = try filed(receivedOn: "2026-05-31")
        let standing = rules.standing(of: S.calligraphy(), record: onTime, year: 2025, on: S.day("2026-07-01"))
        #expect(standing.status == .receivedOnTime && standing.receivedOn == S.day("2026-05-31") && standing.daysPastDue == 0)
        let sponsorStage = rules.standing(of: S.calligraphy(), record: onTime, year: 2025, stage: .sponsor, on: S.day("2026-07-01"))
        #expect(sponsorStage.status == .receivedOnTime && sponsorStage.receivedOn == S.day("2026-03-20"))

        let late = try filed(receivedOn: "2026-06-02")
        let lateStanding = rules.standing(of: S.calligraphy(), record: late, year: 2025, on: S.day("2026-06-10"))
        #expect(lateStanding.status == .receivedLate && lateStanding.daysPastDue == 2)
        // As it stood on 6-1, before it came in: overdue. On 5-30: open.
        #expect(rules.standing(of: S.calligraphy(), record: late, year: 2025, on: S.day("2026-06-01")).status == .overdue)
        #expect(rules.standing(of: S.calligraphy(), record: late, year: 2025, on: S.day("2026-05-30")).status == .open)
        // A record of another year is not this year's.
        #expect(rules.standing(of: S.calligraphy(), record: late, year: 2024, on: S.day("2026-06-10")).status == .overdue)
    }

    // MARK: - The record's steps

    @Test func sponsorStepRefusals() throws {
        let record = try rules.open(for: S.calligraphy(), year: 2025)
        #expect(record.hasSponsor && record.type == .socialGroup && record.organizationID == "O000001")
        let bad = AnnualReportSubmission(submittedOn: S.day("2025-12-31"), submittedBy: " ", documents: [" "])
        #expect(Self.problems { _ = try rules.submitToSponsor(record, bad) } == ["submitted_on TOO_EARLY", "submitted_by REQUIRED", "documents REQUIRED"])
        let direct = try rules.open(for: Self.body("D1", .socialGroup, direct: true), year: 2025)
        #expect(Self.problems { _ = try rules.submitToSponsor(direct, Self.submission("2026-03-01")) } == ["sponsor NO_SPONSOR"])
        #expect(
            Self.problems {
                _ = try rules.recordSponsorReview(record, AnnualReportSponsorReview(reviewedOn: S.day("2026-03-02"), reviewedBy: "刘科长"))
            } == ["sponsor_submission NOT_SUBMITTED"])
        // The registrar takes it only after the sponsor's 初审同意.
        #expect(Self.problems { _ = try rules.receive(record, Self.submission("2026-04-10")) } == ["sponsor_review REQUIRED"])

        let submitted = try rules.submitToSponsor(record, Self.submission("2026-03-20"))
        #expect(Self.problems { _ = try rules.submitToSponsor(submitted, Self.submission("2026-03-21")) } == ["sponsor_submission ALREADY_SUBMITTED"])
        let early = AnnualReportSponsorReview(reviewedOn: S.day("2026-03-19"), reviewedBy: "")
        #expect(Self.problems { _ = try rules.recordSponsorReview(submitted, early) } == ["reviewed_on BEFORE_SUBMISSION", "reviewed_by REQUIRED"])
        let reviewed = try rules.recordSponsorReview(submitted, AnnualReportSponsorReview(reviewedOn: S.day("2026-03-25"), reviewedBy: " 刘科长 "))
        #expect(reviewed.sponsorReview?.reviewedBy == "刘科长")
        #expect(
            Self.problems { _ = try rules.recordSponsorReview(reviewed, AnnualReportSponsorReview(reviewedOn: S.day("2026-03-26"), reviewedBy: "刘")) } == [
                "sponsor_review ALREADY_REVIEWED"
            ])
        #expect(
            Self.problems { _ = try rules.receive(reviewed, Self.submission("2026-03-24", receivedBy: "")) } == [
                "received_by REQUIRED", "submitted_on BEFORE_SPONSOR_REVIEW",
            ])
        let received = try rules.receive(reviewed, Self.submission("2026-03-25"))
        #expect(received.registrarSubmission?.receivedBy == "赵科员" && received.registrarSubmission?.documents == ["年度工作报告书", "财务审计报告"])
        #expect(Self.problems { _ = try rules.receive(received, Self.submission("2026-04-01")) } == ["registrar_submission ALREADY_RECEIVED"])
    }

    /// A directly registrable 民非 goes straight to the registrar.
    @Test func directBodyFilesWithTheRegistrarOnly() throws {
        let record = try rules.open(for: Self.body("D2", .privateNonEnterprise, direct: true), year: 2025)
        #expect(!record.hasSponsor)
        let received = try rules.receive(record, Self.submission("2026-05-08"))
        #expect(
            rules.standing(of: Self.body("D2", .privateNonEnterprise, direct: true), record: received, year: 2025, on: S.day("2026-06-01")).status
                == .receivedOnTime)
    }

    @Test func resultsOnlyOnceReceived() throws {
        var record = try rules.open(for: S.calligraphy(), year: 2025)
        record = try rules.submitToSponsor(record, Self.submission("2026-03-20"))
        let qualified = AnnualInspectionConclusion(result: .qualified, concludedOn: S.day("2026-06-15"), concludedBy: "赵科员")
        #expect(Self.problems { _ = try rules.conclude(record, qualified) } == ["registrar_submission NOT_RECEIVED"])
        #expect(record.outcome == nil)

        let received = try filed(receivedOn: "2026-05-20")
        #expect(received.outcome == AnnualInspectionOutcome(year: 2025, result: nil))
        let wrong = AnnualInspectionConclusion(result: .basicallyQualified, concludedOn: S.day("2026-05-19"), concludedBy: " ", note: " ")
        #expect(Self.problems { _ = try rules.conclude(received, wrong) } == ["concluded_on BEFORE_RECEIPT", "concluded_by REQUIRED", "note REQUIRED"])
        let basically = AnnualInspectionConclusion(
            result: .basicallyQualified, concludedOn: S.day("2026-06-15"), concludedBy: "赵科员", note: "未按期换届")
        let concluded = try rules.conclude(received, basically)
        #expect(concluded.conclusion?.result == .basicallyQualified && concluded.conclusion?.concludedOn == S.day("2026-06-15"))
        #expect(concluded.outcome == AnnualInspectionOutcome(year: 2025, result: .basicallyQualified))
        #expect(Self.problems { _ = try rules.conclude(concluded, qualified) } == ["conclusion ALREADY_CONCLUDED"])
        // 合格 needs no grounds; the names are cleaned.
        let plain = try rules.conclude(received, AnnualInspectionConclusion(result: .qualified, concludedOn: S.day("2026-05-20"), concludedBy: " 赵科员 "))
        #expect(plain.conclusion == AnnualInspectionConclusion(result: .qualified, concludedOn: S.day("2026-05-20"), concludedBy: "赵科员"))
        #expect(AnnualInspectionResult.allCases.map(\.chineseName) == ["合格", "基本合格", "不合格"])
    }

    @Test func recordRoundTripsThroughJSON() throws {
        let record = try rules.conclude(
            try filed(receivedOn: "2026-05-20"),
            AnnualInspectionConclusion(result: .unqualified, concludedOn: S.day("2026-06-15"), concludedBy: "赵科员", note: "财务审计报告缺失"))
        let data = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(AnnualInspectionRecord.self, from: data) == record)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""result":"unqualified""#) && text.contains(#""submittedOn":"2026-05-20""#))
    }

    // MARK: - Lists and the report

    /// Five bodies for 2025: A on time, B late (6-3), C not yet in, D a 民非 exempt (registered 2025-08-01),
    /// E a 基金会 not in. Lists on 5-20 and on 6-10.
    @Test func dueReceivedAndOverdueLists() throws {
        let a = S.calligraphy()
        let b = Self.body("B", .socialGroup)
        let c = Self.body("C", .privateNonEnterprise, direct: true)
        let d = Self.body("D", .privateNonEnterprise, registeredOn: "2025-08-01")
        let e = Self.body("E", .foundation)
        var recordA = try filed(receivedOn: "2026-05-10")
        recordA = try rules.conclude(recordA, AnnualInspectionConclusion(result: .qualified, concludedOn: S.day("2026-06-05"), concludedBy: "赵科员"))
        var recordB = try rules.open(for: b, year: 2025)
        recordB = try rules.submitToSponsor(recordB, Self.submission("2026-03-30"))
        recordB = try rules.recordSponsorReview(recordB, AnnualReportSponsorReview(reviewedOn: S.day("2026-05-25"), reviewedBy: "刘科长"))
        recordB = try rules.receive(recordB, Self.submission("2026-06-03"))
        let facts = [
            AnnualInspectionFacts(organization: a, record: recordA), AnnualInspectionFacts(organization: b, record: recordB),
            AnnualInspectionFacts(organization: c), AnnualInspectionFacts(organization: d), AnnualInspectionFacts(organization: e),
        ]
        func ids(_ standings: [AnnualInspectionStanding]) -> [String] { standings.map(\.organizationID) }

        let may20 = S.day("2026-05-20")
        #expect(ids(rules.due(facts, year: 2025, on: may20)) == ["B", "C"])
        #expect(ids(rules.received(facts, year: 2025, on: may20)) == ["O000001"])
        #expect(ids(rules.overdue(facts, year: 2025, on: may20)) == ["E"])
        #expect(rules.overdue(facts, year: 2025, on: may20).map(\.daysPastDue) == [50])
        // The sponsor stage on 4-1: A and B were in (3-20, 3-30); C is direct and D exempt; E (基金会) owed its sponsor by 3-31.
        #expect(ids(rules.overdue(facts, year: 2025, stage: .sponsor, on: S.day("2026-04-01"))) == ["E"])
        #expect(ids(rules.received(facts, year: 2025, stage: .sponsor, on: S.day("2026-04-01"))) == ["O000001", "B"])

        let june10 = S.day("2026-06-10")
        #expect(rules.due(facts, year: 2025, on: june10).isEmpty)
        #expect(rules.received(facts, year: 2025, on: june10).map(\.status) == [.receivedOnTime, .receivedLate])
        #expect(ids(rules.overdue(facts, year: 2025, on: june10)) == ["C", "E"])
        #expect(rules.standings(facts, year: 2025, on: june10).map(\.status) == [.receivedOnTime, .receivedLate, .overdue, .notOwed, .overdue])

        #expect(
            rules.tally(facts, year: 2025, on: june10)
                == AnnualInspectionTally(year: 2025, owed: 4, exempt: 1, receivedOnTime: 1, receivedLate: 1, overdue: 2, qualified: 1, pending: 1))
        // Before A's result (6-5) it is pending too, with B.
        #expect(rules.tally(facts, year: 2025, on: S.day("2026-06-04")).pending == 2)
        #expect(rules.tally(facts, year: 2025, on: S.day("2026-06-04")).qualified == 0)
    }
}
