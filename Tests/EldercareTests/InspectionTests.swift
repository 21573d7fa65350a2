import CivicDomain
import EldercareDomain
import Foundation
import Testing

@Suite("行政检查 inspections")
struct InspectionTests {
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

    /// Four items, total weight 10: 1.1.1 fire (2), 1.1.2 fire (1), 2.1.1 food (3), 2.1.2 management (4).
    static let checklist = try! Checklist(
        validating: ChecklistDocument(
            version: "v1", title: "测试清单",
            areas: [
                .init(
                    code: "1", title: "查消防安全",
                    subAreas: [
                        .init(
                            code: "1.1", title: "消防设施",
                            items: [
                                .init(code: "1.1.1", text: "灭火器有效", weight: 2, hazardClass: "fire_safety", legalBasis: "消防法第十六条"),
                                .init(code: "1.1.2", text: "疏散通道畅通", weight: 1, hazardClass: "fire_safety", legalBasis: "消防法第二十八条"),
                            ])
                    ]),
                .init(
                    code: "2", title: "查食品与管理",
                    subAreas: [
                        .init(
                            code: "2.1", title: "综合",
                            items: [
                                .init(code: "2.1.1", text: "食品留样", weight: 3, hazardClass: "food_safety", legalBasis: "操作规范"),
                                .init(code: "2.1.2", text: "服务协议", weight: 4, hazardClass: "management", legalBasis: "老年人权益保障法第四十八条"),
                            ])
                    ]),
            ]))

    static let draw = try! InspectionTask(taskID: "T-2026-09", seed: "seed", ratio: DrawRatio(1, 1)).draw(
        pool: [DrawPoolEntry(id: "inst-01", riskClass: .high), DrawPoolEntry(id: "inst-02", riskClass: .low)],
        roster: [RosterInspector(id: "insp-a"), RosterInspector(id: "insp-b")])

    static func planned() throws -> Inspection {
        try Inspection.plan(id: "insp-1", draw: draw, targetID: "inst-01", plannedOn: day("2026-09-28"), checklistVersion: "v1")
    }

    static let goodResults = [
        ItemResult(itemCode: "1.1.1", outcome: .fail, note: "2 具灭火器过期"),
        ItemResult(itemCode: "1.1.2", outcome: .pass),
        ItemResult(itemCode: "2.1.1", outcome: .notApplicable),
        ItemResult(itemCode: "2.1.2", outcome: .fail, note: "3 名老年人无服务协议", level: .major),
    ]

    /// Started 09-29, recorded 09-30 (the eve of National Day).
    static func recorded(policy: InspectionPolicy = InspectionPolicy()) throws -> Inspection {
        var inspection = try planned()
        try inspection.apply(.start(on: day("2026-09-29")), policy: policy)
        try inspection.apply(.record(on: day("2026-09-30"), results: goodResults, checklist: checklist), policy: policy)
        return inspection
    }

    // MARK: - Planning

    @Test func plannedFromADrawnTarget() throws {
        let inspection = try Self.planned()
        #expect(inspection.state == .planned)
        #expect(inspection.taskID == "T-2026-09")
        #expect(inspection.inspectorIDs == Self.draw.inspectorIDs)
        #expect(inspection.inspectorIDs.count == 2)
        #expect(inspection.checklistVersion == "v1")
        #expect(inspection.findings.isEmpty)
        #expect(inspection.score == nil)
    }

    @Test func onlyADrawnTargetIsInspected() {
        #expect(
            Self.problems {
                _ = try Inspection.plan(id: "x", draw: Self.draw, targetID: "inst-99", plannedOn: Self.day("2026-09-28"), checklistVersion: "v1")
            } == [" NOT_DRAWN"])
        #expect(
            Self.problems {
                _ = try Inspection.plan(id: " ", draw: Self.draw, targetID: "inst-01", plannedOn: Self.day("2026-09-28"), checklistVersion: "")
            } == ["id REQUIRED", "checklist_version REQUIRED"])
    }

    // MARK: - Recording

    @Test func recordingScoresAndOpensFindings() throws {
        let inspection = try Self.recorded()
        #expect(inspection.state == .recorded)
        #expect(inspection.startedOn == Self.day("2026-09-29"))
        #expect(inspection.inspectedOn == Self.day("2026-09-30"))
        // Passed 1 of applicable 1 + 2 + 4 = 7 (2.1.1 does not apply): 14.285… → 14.3.
        let score = try #require(inspection.score)
        #expect(score.passedWeight == 1)
        #expect(score.failedWeight == 6)
        #expect(score.notApplicableWeight == 3)
        #expect(score.description == "14.3")
        #expect(inspection.findings.map(\.id) == ["insp-1/1.1.1", "insp-1/2.1.2"])
        #expect(inspection.findings.map(\.level) == [.general, .major])
        #expect(inspection.findings.map(\.hazardClass) == [.fireSafety, .management])
        #expect(inspection.findings.map(\.evidence) == ["2 具灭火器过期", "3 名老年人无服务协议"])
        #expect(inspection.findings.map(\.targetID) == ["inst-01", "inst-01"])
        // 20 / 10 working days after 09-30: National Day 10-01…10-07 skipped, 调休 Saturday 10-10 counted.
        #expect(inspection.findings.map(\.deadline) == [Self.day("2026-11-03"), Self.day("2026-10-20")])
        #expect(inspection.findings.map { $0.referral?.reasons ?? [] } == [[.fireSafety], [.majorHazard]])
    }

    @Test func publicationIsDueTwentyWorkingDaysAfterTheInspection() throws {
        var inspection = try Self.recorded()
        // 10-08, 10-09, 10-10 (调休), 10-12 … 10-30, 11-02, 11-03 = 20.
        #expect(inspection.publicationDue == Self.day("2026-11-03"))
        #expect(!inspection.publicationDueProvisional)
        #expect(!inspection.isPublicationOverdue(on: Self.day("2026-11-03")))
        #expect(inspection.isPublicationOverdue(on: Self.day("2026-11-04")))
        try inspection.apply(.publish(on: Self.day("2026-11-03")))
        #expect(inspection.state == .published)
        #expect(inspection.publishedOn == Self.day("2026-11-03"))
        #expect(!inspection.publishedLate)
        #expect(!inspection.isPublicationOverdue(on: Self.day("2026-12-01")))
    }

    @Test func publicationPeriodIsConfigurable() throws {
        let policy = InspectionPolicy(publicationWorkingDays: 10)
        var inspection = try Self.recorded(policy: policy)
        #expect(inspection.publicationDue == Self.day("2026-10-20"))
        try inspection.apply(.publish(on: Self.day("2026-10-21")), policy: policy)
        #expect(inspection.publishedLate)
        #expect(InspectionPolicy().publicationWorkingDays == 20)
    }

    @Test func publishingBeforeTheInspectionIsRefused() throws {
        var inspection = try Self.recorded()
        #expect(Self.problems { try inspection.apply(.publish(on: Self.day("2026-09-29"))) } == ["on BEFORE_INSPECTION"])
        #expect(inspection.state == .recorded)
    }

    @Test func everyResultProblemAtOnceAndNothingChanges() throws {
        var inspection = try Self.planned()
        try inspection.apply(.start(on: Self.day("2026-09-29")))
        let results = [
            ItemResult(itemCode: "1.1.1", outcome: .fail, note: " ", deadline: Self.day("2026-09-28")),
            ItemResult(itemCode: "9.9.9", outcome: .pass),
            ItemResult(itemCode: "1.1.1", outcome: .pass),
            ItemResult(itemCode: "2.1.1", outcome: .notApplicable),
        ]
        #expect(
            Self.problems { try inspection.apply(.record(on: Self.day("2026-09-28"), results: results, checklist: Self.checklist)) } == [
                "on BEFORE_START", "results[0].note REQUIRED", "results[0].deadline NOT_AFTER_INSPECTION", "results[1].item_code UNKNOWN_ITEM",
                "results[2].item_code DUPLICATE_RESULT", "results MISSING_RESULT", "results MISSING_RESULT",
            ])
        #expect(inspection.state == .inProgress)
        #expect(inspection.results.isEmpty)
        #expect(inspection.findings.isEmpty)
    }

    @Test func resultsMustBeAgainstTheInspectionsChecklistVersion() throws {
        var inspection = try Self.planned()
        try inspection.apply(.start(on: Self.day("2026-09-29")))
        let other = try Checklist(
            validating: {
                var d = Self.checklist.document; d.version = "v2"; return d
            }())
        #expect(
            Self.problems { try inspection.apply(.record(on: Self.day("2026-09-30"), results: Self.goodResults, checklist: other)) } == [
                "checklist_version VERSION_MISMATCH"
            ])
    }

    @Test func anInspectorSetDeadlineOverridesThePolicy() throws {
        var inspection = try Self.planned()
        try inspection.apply(.start(on: Self.day("2026-09-29")))
        var results = Self.goodResults
        results[0] = ItemResult(itemCode: "1.1.1", outcome: .fail, note: "灭火器过期", deadline: Self.day("2026-10-09"))
        try inspection.apply(.record(on: Self.day("2026-09-30"), results: results, checklist: Self.checklist))
        #expect(inspection.findings[0].deadline == Self.day("2026-10-09"))
    }

    @Test func theSampleChecklistRecordsAndScores() throws {
        let sample = try Checklist.load(file: ChecklistTests.samplePath)
        let draw = Self.draw
        var inspection = try Inspection.plan(id: "i-2", draw: draw, targetID: "inst-02", plannedOn: Self.day("2026-06-01"), checklistVersion: sample.version)
        try inspection.apply(.start(on: Self.day("2026-06-02")))
        let results = sample.items.map { item -> ItemResult in
            switch item.code {
            case "1.1.1": ItemResult(itemCode: item.code, outcome: .fail, note: "灭火器压力不足")
            case "5.3.1": ItemResult(itemCode: item.code, outcome: .fail, note: "以床位投资名义吸收资金", level: .major)
            case "2.1.1": ItemResult(itemCode: item.code, outcome: .notApplicable)
            default: ItemResult(itemCode: item.code, outcome: .pass)
            }
        }
        try inspection.apply(.record(on: Self.day("2026-06-02"), results: results, checklist: sample))
        #expect(inspection.results.count == 118)
        #expect(inspection.score?.description == "97.9")  // 231 / 236
        #expect(inspection.findings.map { $0.referral?.reasons ?? [] } == [[.fireSafety], [.majorHazard, .illegalFundraising]])
        // 2026-06-02 + 20 working days, 端午 06-19 skipped: 07-01.
        #expect(inspection.publicationDue == Self.day("2026-07-01"))
    }

    // MARK: - Moves

    @Test func illegalMovesAreRefusedWithTheState() throws {
        var inspection = try Self.planned()
        #expect(Self.problems { try inspection.apply(.publish(on: Self.day("2026-10-01"))) } == ["state INVALID_STATE"])
        #expect(
            Self.problems { try inspection.apply(.record(on: Self.day("2026-10-01"), results: Self.goodResults, checklist: Self.checklist)) } == [
                "state INVALID_STATE"
            ])
        try inspection.apply(.start(on: Self.day("2026-09-29")))
        #expect(Self.problems { try inspection.apply(.start(on: Self.day("2026-09-29"))) } == ["state INVALID_STATE"])
        try inspection.apply(.record(on: Self.day("2026-09-30"), results: Self.goodResults, checklist: Self.checklist))
        #expect(Self.problems { try inspection.apply(.cancel(on: Self.day("2026-10-08"), reason: "机构关闭")) } == ["state INVALID_STATE"])
        try inspection.apply(.publish(on: Self.day("2026-10-09")))
        #expect(Self.problems { try inspection.apply(.publish(on: Self.day("2026-10-09"))) } == ["state INVALID_STATE"])
        do {
            try inspection.apply(.start(on: Self.day("2026-10-09")))
        } catch let error as DomainError {
            #expect(error.kind == .failedPrecondition)
            #expect(error.message == "cannot start an inspection that is PUBLISHED")
        }
    }

    @Test func cancelBeforeRecordingWithReasons() throws {
        var inspection = try Self.planned()
        #expect(Self.problems { try inspection.apply(.cancel(on: Self.day("2026-09-28"), reason: "")) } == ["reason REQUIRED"])
        #expect(inspection.state == .planned)
        try inspection.apply(.cancel(on: Self.day("2026-09-28"), reason: "机构已停业"))
        #expect(inspection.state == .cancelled)
        #expect(inspection.state.isFinal)
        #expect(inspection.cancellationReason == "机构已停业")
        var started = try Self.planned()
        try started.apply(.start(on: Self.day("2026-09-29")))
        try started.apply(.cancel(on: Self.day("2026-09-29"), reason: "拒绝检查，移交执法"))
        #expect(started.state == .cancelled)
    }

    @Test func statesAreStable() {
        #expect(InspectionState.allCases.map(\.rawValue) == ["planned", "in_progress", "recorded", "published", "cancelled"])
        #expect(ItemOutcome.allCases.map(\.rawValue) == ["pass", "fail", "not_applicable"])
    }

    @Test func anInspectionSurvivesJSON() throws {
        let inspection = try Self.recorded()
        let again = try JSONDecoder().decode(Inspection.self, from: try JSONEncoder().encode(inspection))
        #expect(again == inspection)
    }
}
