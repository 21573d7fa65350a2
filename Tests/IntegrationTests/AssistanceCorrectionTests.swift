import AssistanceDomain
import AssistanceService
import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import GRDB
import Testing

/// Corrections that change whom an event is about, alerts that overlap on one review, and a
/// review measured against what the case pays now.
@Suite("Assistance: corrections, overlapping alerts, the standing amount")
struct AssistanceCorrectionTests {
    typealias Bureau = AssistanceBureau

    static let socialSecurity = Principal(id: "key-rs", roles: [.department], subject: "县人社局")

    func dueReviews(_ bureau: Bureau) async throws -> [String] {
        try await bureau.handler.listDueReviews(.init(), context: bureau.context()).reviews.map { "\($0.applicationID) \($0.due) \($0.alertID)" }
    }

    @Test func aCorrectionNamingAnotherPersonMovesTheAlertToThatHousehold() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        try await AssistanceCases.second(bureau)
        let first = try await AssistanceCases.approvedMinimumLiving(bureau)
        let second = try await AssistanceCases.approvedMinimumLiving(bureau, household: "H000002")
        let department = bureau.context(Self.socialSecurity)
        _ = try await h.reportPersonEvent(AssistanceCases.event("RS-1", .employment, Bureau.spouse, on: "2026-09-01", amount: 300_000), context: department)
        let raised = try #require(try await h.listAlerts(.init(), context: bureau.context()).alerts.first)
        #expect(raised.householdID == "H000001")
        #expect(try await dueReviews(bureau) == ["\(first) 2026-09-23 \(raised.id)", "\(second) 2027-07-22 "])

        // The bureau of social security sent the wrong person: it was 王芳 of H000002.
        let corrected = try await h.reportPersonEvent(
            AssistanceCases.event("RS-2", .employment, Bureau.elder, on: "2026-09-01", kind: .correction, amount: 300_000, corrects: "RS-1"),
            context: department)
        #expect(!corrected.duplicate)
        let alerts = try await h.listAlerts(.init(), context: bureau.context()).alerts
        #expect(alerts.map(\.id) == [raised.id])
        #expect(alerts.map(\.householdID) == ["H000002"])
        #expect(alerts.map(\.kind) == [.correction])
        // H000001's review goes back to its schedule; H000002's comes forward.
        #expect(try await dueReviews(bureau) == ["\(second) 2026-09-23 \(raised.id)", "\(first) 2027-01-22 "])
        let division = try await bureau.database.read { db in try String.fetchOne(db, sql: "SELECT household_id || ' ' || division FROM alerts") }
        #expect(division == "H000002 \(Bureau.county)")
    }

    @Test func aCorrectionOfAnEventThatMatchedNobodyRaisesTheAlertAndARetractionOfEitherTakesItDown() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await AssistanceCases.approvedMinimumLiving(bureau)
        let department = bureau.context(Self.socialSecurity)
        let stranger = Bureau.id("43122719700707009")
        _ = try await h.reportPersonEvent(AssistanceCases.event("RS-1", .employment, stranger, on: "2026-09-01", amount: 300_000), context: department)
        #expect(try await h.listAlerts(.init(), context: bureau.context()).alerts.isEmpty)

        _ = try await h.reportPersonEvent(
            AssistanceCases.event("RS-2", .employment, Bureau.spouse, on: "2026-09-01", kind: .correction, amount: 300_000, corrects: "RS-1"),
            context: department)
        let raised = try #require(try await h.listAlerts(.init(), context: bureau.context()).alerts.first)
        #expect(raised.householdID == "H000001")
        #expect(raised.kind == .correction)
        #expect(raised.eventID == "RS-2")
        #expect(try await dueReviews(bureau) == ["\(id) 2026-09-23 \(raised.id)"])

        // Retracting the first event retracts what its correction raised.
        _ = try await h.reportPersonEvent(
            AssistanceCases.event("RS-3", .employment, stranger, on: "2026-09-01", kind: .retraction, corrects: "RS-1"), context: department)
        #expect(try await h.listAlerts(.init(), context: bureau.context()).alerts.map(\.status) == [.alertRetracted])
        #expect(try await dueReviews(bureau) == ["\(id) 2027-01-22 "])

        // The department reads back what became of its events, and nothing about the person.
        func status(_ event: String) async throws -> String {
            let s = try await h.getPersonEvent(.with { $0.eventID = event }, context: department)
            return "\(s.eventID) \(s.kind) \(s.state) \(s.supersededByEventID) \(s.correctsEventID) \(s.receivedAt.isEmpty ? "" : "received")"
        }
        #expect(try await status("RS-1") == "RS-1 notification retracted RS-3  received")
        #expect(try await status("RS-2") == "RS-2 correction in_force  RS-1 received")
        let unknown = await domainRefusal { _ = try await h.getPersonEvent(.with { $0.eventID = "RS-9" }, context: department) }
        #expect(unknown?.kind == .notFound)
        let otherDepartment = await domainRefusal {
            _ = try await h.getPersonEvent(.with { $0.eventID = "RS-1" }, context: bureau.context(AssistanceCases.civilRegistry))
        }
        #expect(otherDepartment?.kind == .notFound)
    }

    @Test func aCorrectionToSomeoneNotAssistedRetractsTheAlertAndUndoesItsEffects() async throws {
        let bureau = try Bureau.open(today: "2026-09-10")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        _ = try await AssistanceCases.approvedMinimumLiving(bureau)
        let department = bureau.context(AssistanceCases.civilRegistry)
        _ = try await h.reportPersonEvent(AssistanceCases.event("GA-1", .death, Bureau.spouse, on: "2026-08-15"), context: department)
        _ = try await h.reportPersonEvent(
            AssistanceCases.event("GA-2", .death, Bureau.id("43122719700707009"), on: "2026-08-15", kind: .correction, corrects: "GA-1"), context: department)
        let alert = try #require(try await h.listAlerts(.init(), context: bureau.context()).alerts.first)
        #expect(alert.status == .alertRetracted)
        #expect(alert.effects == "")
        #expect(try await h.getHousehold(.with { $0.id = "H000001" }, context: bureau.context()).household.members[1].deceasedOn == "")
        // September is paid for three: the death is undone (it would be 2 × 90000 − 150000 = 30000).
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-09").run.id).map(\.amountFen) == [120_000])
    }

    @Test func twoAlertsOnOneReviewAreUndoneInEitherOrder() async throws {
        for order in [["PUB-1", "RS-1"], ["RS-1", "PUB-1"]] {
            let bureau = try Bureau.open(today: "2026-09-10")
            let h = bureau.handler
            try await bureau.putStandard()
            _ = try await bureau.register()
            let id = try await AssistanceCases.approvedMinimumLiving(bureau)
            let police = bureau.context(AssistanceCases.civilRegistry)
            let social = bureau.context(Self.socialSecurity)
            // Employment (medium): check in 10 working days; a car (high): in 5.
            _ = try await h.reportPersonEvent(AssistanceCases.event("RS-1", .employment, Bureau.spouse, on: "2026-09-01", amount: 300_000), context: social)
            _ = try await h.reportPersonEvent(AssistanceCases.event("PUB-1", .vehiclePurchase, Bureau.head, on: "2026-09-02"), context: police)
            let alerts = try await h.listAlerts(.init(), context: bureau.context()).alerts
            let byEvent = Dictionary(uniqueKeysWithValues: alerts.map { ($0.eventID, $0) })
            let car = try #require(byEvent["PUB-1"])
            let job = try #require(byEvent["RS-1"])
            #expect(car.checkDue == "2026-09-17")
            #expect(try await dueReviews(bureau) == ["\(id) 2026-09-17 \(car.id)"])

            let first = order[0]
            _ = try await h.reportPersonEvent(
                AssistanceCases.event(
                    "X-\(first)", first == "RS-1" ? .employment : .vehiclePurchase, Bureau.head, on: "2026-09-02", kind: .retraction, corrects: first),
                context: first == "RS-1" ? social : police)
            // The other alert still holds the review at its own check day.
            #expect(try await dueReviews(bureau) == (first == "RS-1" ? ["\(id) 2026-09-17 \(car.id)"] : ["\(id) 2026-09-23 \(job.id)"]))
            let last = order[1]
            _ = try await h.reportPersonEvent(
                AssistanceCases.event(
                    "X-\(last)", last == "RS-1" ? .employment : .vehiclePurchase, Bureau.head, on: "2026-09-02", kind: .retraction, corrects: last),
                context: last == "RS-1" ? social : police)
            #expect(try await dueReviews(bureau) == ["\(id) 2027-01-22 "])
        }
    }

    @Test func aReviewAfterARaisedStandardComparesWithWhatTheCaseNowPays() async throws {
        let bureau = try Bureau.open(today: "2026-11-15")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await AssistanceCases.approvedMinimumLiving(bureau)
        #expect(try await AssistanceCases.lines(bureau, try await AssistanceCases.run(bureau, "2026-08").run.id).map(\.amountFen) == [120_000])
        // 提标 from October: 1 000 元 a person. The case now pays 3 × 100000 − 150000.
        var raised = Bureau.urban
        raised.id = "431227-urban-2026-10"
        raised.effective = "2026-10-01"
        raised.minimumLivingMonthlyFen = 100_000
        try await bureau.putStandard(raised)
        let kept = try await h.recordReview(
            .with {
                $0.applicationID = id; $0.on = "2026-11-10"; $0.outcome = .keep; $0.reason = "复核：情况未变"
            }, context: bureau.context()
        ).review
        #expect(kept.previousAmountFen == 150_000)
        #expect(kept.newAmountFen == 150_000)
        // Lowering to what the registry gives, which is what it pays, is refused as not lower.
        let notLower = await domainRefusal {
            _ = try await h.recordReview(
                .with {
                    $0.applicationID = id; $0.on = "2026-11-10"; $0.outcome = .lower; $0.reason = "复核"
                }, context: bureau.context())
        }
        #expect(notLower?.problems == ["new_amount NOT_LOWER"])
    }
}

@Suite("Assistance: stored snapshots")
struct StoredSnapshotTests {
    static let head = try! ResidentID(AssistanceBureau.head)
    static let child = try! ResidentID(AssistanceBureau.child)

    static let full = DecisionSnapshot(
        household: Household(
            id: "H000009", division: try! DivisionCode("431227"), area: .rural, hukouAddress: "芋头村", actualAddress: "县城",
            bankAccount: "6217000012345678", cardHeldByOfficial: true, custodyAgreementOnFile: true, unstableIncome: true, caseWorker: "陈静",
            members: [
                Member(
                    name: "张三", residentID: head, relation: .head, counted: false, notCountedReason: .other, notCountedNote: "外出",
                    disability: DisabilityCard(category: .physical, grade: 2), disabilityCardNumber: "43122719600315001242", seriousIllness: true,
                    workAbility: .partial,
                    selfCare: SelfCareAssessment(eating: true, dressing: false, gettingInOutOfBed: true, toilet: true, walkingIndoors: false, bathing: true),
                    employment: "务农", deceasedOn: CivilDate("2026-08-15")),
                Member(name: "张小", residentID: child, relation: .child),
            ],
            incomes: [
                IncomeLine(
                    member: head, category: .business, monthly: Fen(50_000), period: "2026-01/06", source: .verified, excluded: true, excludedReason: "奖励"),
                IncomeLine(member: nil, category: .property, monthly: Fen(3_000)),
            ],
            assets: [Asset(member: head, type: .vehicle, value: Fen(2_000_000), description: "三轮车", ruleApplied: "生产用车")]),
        terms: EntitlementTerms(program: .destitute, member: head, setting: .centralized, temporaryKind: .emergency, requested: Fen(12_345)),
        decidedOn: CivilDate("2026-07-22")!, effectiveFrom: BenefitMonth("2026-08")!, amount: Fen(90_000), standardVersionID: "431227-rural-2026-07")

    @Test func everyFieldSurvivesTheBinaryForm() throws {
        let stored = try StoredSnapshot.encode(Self.full)
        #expect(stored.first != UInt8(ascii: "{"))
        #expect(try StoredSnapshot.decode(stored) == Self.full)
        // A member with nothing but defaults besides who they are keeps no more than that.
        var lean = Self.full
        lean.household.members = [Member(name: "张小", residentID: Self.child, relation: .child)]
        #expect(try StoredSnapshot.decode(try StoredSnapshot.encode(lean)) == lean)
    }

    @Test func snapshotsStoredAsJSONBeforeAreStillRead() throws {
        let json = try JSONEncoder().encode(Self.full)
        #expect(try StoredSnapshot.decode(json) == Self.full)
    }

    @Test func aStoredValueItCannotReadIsRefusedWithItsField() throws {
        var message = try Civic_Assistance_Storage_V1_Snapshot(serializedBytes: try StoredSnapshot.encode(Self.full))
        message.household.members[0].relation = "cousin"
        let refusal = #expect(throws: DomainError.self) { try StoredSnapshot.decode(try message.serializedBytes()) }
        #expect(refusal?.reason == "CORRUPT_SNAPSHOT")
        #expect(refusal?.message.contains("relation \"cousin\"") == true)
    }
}
