import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import EldercareService
import Foundation
import GRDB
import Testing

@Suite("Eldercare: 双随机 draws, inspections and findings")
struct EldercareInspectionTests {
    typealias Bureau = ElderBureau

    static var sampleChecklist: String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try! String(contentsOf: root.appendingPathComponent("deploy/eldercare/checklist-sample.json"), encoding: .utf8)
    }

    /// Three institutions: 颐养院 (no grade: medium), 北关 (fire safety failed: high), 高庄 (grade 2,
    /// fire safety passed: low); four inspectors, 丙 inactive, 丁 with a conflict at 北关.
    static func county(_ bureau: Bureau) async throws -> (medium: String, high: String, low: String) {
        try await bureau.loadDivisions()
        let medium = try await bureau.register().id
        var north = Bureau.yiyangHome()
        north.creditCode = Bureau.beiguan
        north.name = "北关老年公寓"
        north.fireSafety = .failed
        let high = try await bureau.register(north).id
        var gaozhuang = Bureau.yiyangHome()
        gaozhuang.creditCode = Bureau.code("12410502MB0000013")
        gaozhuang.name = "高庄敬老院"
        gaozhuang.ownership = .publicRun
        gaozhuang.operatorName = ""
        gaozhuang.grade = 2
        gaozhuang.gradeValidUntil = "2027-12-31"
        gaozhuang.fireSafety = .passed
        let low = try await bureau.register(gaozhuang).id
        for (id, name, active, conflicts) in [("J-01", "甲", true, [String]()), ("J-02", "乙", true, []), ("J-03", "丙", false, []), ("J-04", "丁", true, [high])] {
            _ = try await bureau.handler.putInspector(
                .with {
                    $0.inspector = .with {
                        $0.id = id; $0.name = name; $0.active = active; $0.conflicts = conflicts
                    }
                }, context: bureau.context())
        }
        return (medium, high, low)
    }

    static func task(seed: String = "福彩3D 2026253期 417") -> Civic_Eldercare_V1_CreateInspectionTaskRequest {
        .with {
            $0.county = Bureau.county; $0.seed = seed; $0.plannedOn = "2026-09-22"
            $0.ratios = [
                .with {
                    $0.riskClass = .high; $0.perMille = 1000
                },
                .with {
                    $0.riskClass = .medium; $0.perMille = 1000
                },
                .with {
                    $0.riskClass = .low; $0.perMille = 500
                },
            ]
        }
    }

    @Test func aDrawIsMadeOnceFromItsSeedAndAnyoneCanReplayIt() async throws {
        let bureau = try Bureau.open(today: "2026-09-22")
        let h = bureau.handler
        let places = try await Self.county(bureau)
        let noChecklist = await domainRefusal { _ = try await h.createInspectionTask(Self.task(), context: bureau.context()) }
        #expect(noChecklist?.problems == [" NO_CHECKLIST"])

        let loaded = try await h.loadChecklist(.with { $0.json = Self.sampleChecklist }, context: bureau.context())
        #expect((loaded.version, loaded.sample, loaded.areas, loaded.subAreas, loaded.items) == ("sample-wuchawugai-1", true, 5, 23, 118))
        let again = await domainRefusal { _ = try await h.loadChecklist(.with { $0.json = Self.sampleChecklist }, context: bureau.context()) }
        #expect(again?.problems == [" VERSION_EXISTS"])
        let broken = await domainRefusal { _ = try await h.loadChecklist(.with { $0.json = "{\"version\": 3}" }, context: bureau.context()) }
        #expect(broken?.problems.first?.hasSuffix("BAD_JSON") == true)

        var missing = Self.task()
        missing.ratios.removeLast()
        #expect(await domainRefusal { _ = try await h.createInspectionTask(missing, context: bureau.context()) }?.problems.last?.hasSuffix("NO_RATIO") == true)
        var noSeed = Self.task(seed: " ")
        noSeed.inspectorCount = 1
        #expect(
            await domainRefusal { _ = try await h.createInspectionTask(noSeed, context: bureau.context()) }?.problems == [
                "seed REQUIRED", "inspector_count TOO_FEW",
            ])

        let task = try await h.createInspectionTask(Self.task(), context: bureau.context())
        #expect(task.id == "T000001")
        #expect(task.algorithm == "fnv1a64-splitmix64-fisher-yates/1")
        // The pool sorted by id, each with the class its record gives it.
        #expect(task.pool.map { "\($0.institutionID) \($0.riskClass)" } == ["\(places.medium) medium", "\(places.high) high", "\(places.low) low"])
        // Every class drawn at its ratio: 1 of 1 high, 1 of 1 medium, ceil(½ × 1) = 1 low.
        #expect(Set(task.targets.map(\.institutionID)) == [places.medium, places.high, places.low])
        #expect(Set(task.inspectorIds) == ["J-01", "J-02"])
        #expect(task.exclusions.map { "\($0.inspectorID) \($0.reason) \($0.institutionIds)" } == ["J-03 inactive []", "J-04 conflict [\"\(places.high)\"]"])
        #expect(task.inspectionIds == ["T000001-1", "T000001-2", "T000001-3"])

        // Replayed by anyone from the published seed, pool and ratios: the same picks.
        let replay = try InspectionTask(
            taskID: task.id, seed: task.seed, ratios: [.high: DrawRatio(perMille: 1000), .medium: DrawRatio(perMille: 1000), .low: DrawRatio(perMille: 500)]
        ).draw(
            pool: task.pool.reversed().map { DrawPoolEntry(id: $0.institutionID, riskClass: WireEnum.domain($0.riskClass)!) },
            roster: [
                RosterInspector(id: "J-04", conflicts: [places.high]), RosterInspector(id: "J-02"), RosterInspector(id: "J-03", active: false),
                RosterInspector(id: "J-01"),
            ])
        #expect(replay.targetIDs == task.targets.map(\.institutionID))
        #expect(replay.inspectorIDs == task.inspectorIds)
        #expect(replay.poolFingerprint == task.poolFingerprint)
        // Frozen: read back as made.
        #expect(try await h.getInspectionTask(.with { $0.id = task.id }, context: bureau.context(Bureau.leader)) == task)

        // An inspector sees the inspections drawn for them.
        let chen = Principal(id: "key-j01", roles: [.staff], services: ["eldercare"], division: Bureau.county, subject: "J-01")
        #expect(try await h.listInspections(.with { $0.mine = true }, context: bureau.context(chen)).inspections.count == 3)
        let other = Principal(id: "key-j03", roles: [.staff], services: ["eldercare"], division: Bureau.county, subject: "J-03")
        #expect(try await h.listInspections(.with { $0.mine = true }, context: bureau.context(other)).inspections.isEmpty)
    }

    @Test func anInspectionScoresOpensFindingsAndTheirClocksRun() async throws {
        let bureau = try Bureau.open(today: "2026-09-22")
        let h = bureau.handler
        let places = try await Self.county(bureau)
        _ = try await h.loadChecklist(.with { $0.json = Self.sampleChecklist }, context: bureau.context())
        let task = try await h.createInspectionTask(Self.task(), context: bureau.context())
        let inspections = try await h.listInspections(.with { $0.taskID = task.id }, context: bureau.context()).inspections
        let target = try #require(inspections.first { $0.institutionID == places.high })
        let items = try await h.getChecklist(.init(), context: bureau.context()).items
        #expect(items.count == 118)

        func step(
            _ call: (Civic_Eldercare_V1_InspectionStepRequest, RPCContext) async throws -> Civic_Eldercare_V1_InspectionResponse,
            _ request: Civic_Eldercare_V1_InspectionStepRequest
        ) async throws -> Civic_Eldercare_V1_Inspection {
            try await call(request, bureau.context()).inspection
        }
        let notStarted = await domainRefusal { _ = try await h.publishInspection(.with { $0.id = target.id }, context: bureau.context()) }
        #expect(notStarted?.problems == ["state INVALID_STATE"])
        #expect(try await step(h.startInspection, .with { $0.id = target.id }).state == .inProgress)

        // Every item once; a failed one needs what was seen.
        var results: [Civic_Eldercare_V1_ItemResult] = items.map { item in
            .with {
                $0.itemCode = item.code; $0.outcome = .pass
            }
        }
        results[0].outcome = .fail  // 1.1.1, fire safety: 一般, 20 working days
        results[5].outcome = .fail
        results[5].level = .major
        results[5].note = "安全出口堵塞"
        let unexplained = await domainRefusal {
            _ = try await h.recordInspection(
                .with {
                    $0.id = target.id; $0.results = results
                }, context: bureau.context())
        }
        #expect(unexplained?.problems == ["results[0].note REQUIRED"])
        results[0].note = "灭火器过期"
        let short = await domainRefusal {
            _ = try await h.recordInspection(
                .with {
                    $0.id = target.id; $0.results = Array(results.dropLast())
                }, context: bureau.context())
        }
        #expect(short?.problems == ["results MISSING_RESULT"])
        let recorded = try await step(
            h.recordInspection,
            .with {
                $0.id = target.id; $0.results = results
            })
        #expect(recorded.state == .recorded)
        #expect(recorded.failedItems == 2)
        #expect(recorded.findingIds == ["\(target.id)/\(items[0].code)", "\(target.id)/\(items[5].code)"])
        // 20 working days from 22 September across National Day (1–8 October) and its make-up Saturday.
        #expect(recorded.publicationDue == "2026-10-27")
        let published = try await step(h.publishInspection, .with { $0.id = target.id })
        #expect((published.state, published.publishedOn, published.publishedLate) == (.published, "2026-09-22", false))

        var findings = try await h.listFindings(.with { $0.institutionID = places.high }, context: bureau.context()).findings
        #expect(findings.map(\.deadline) == ["2026-10-27", "2026-10-13"])
        #expect(findings.map(\.status) == [.rectificationOnTime, .rectificationOnTime])
        // Both items are fire-safety items; the second is also 重大.
        #expect(findings.map(\.referralReasons) == [["fire_safety"], ["major_hazard", "fire_safety"]])
        #expect(try await h.listFindings(.with { $0.referralOnly = true }, context: bureau.context()).findings.count == 2)

        // 复查 by two inspectors closes the major one; one inspector is not enough.
        let alone = await domainRefusal {
            _ = try await h.reinspectFinding(
                .with {
                    $0.id = findings[1].id; $0.inspectorIds = ["J-01"]; $0.rectified = true
                }, context: bureau.context())
        }
        #expect(alone?.problems == ["inspector_ids TOO_FEW"])
        let closed = try await h.reinspectFinding(
            .with {
                $0.id = findings[1].id; $0.inspectorIds = ["J-01", "J-02"]; $0.rectified = true; $0.note = "已清理"
            }, context: bureau.context()
        ).finding
        #expect((closed.state, closed.status, closed.closedOn) == (.findingClosed, .rectificationClosed, "2026-09-22"))

        // A month later the other is past its deadline: the sweep marks it and flags it as overdue.
        let later = EldercareHandler(store: EldercareStore(database: bureau.database), settings: EldercareSettings(), today: { CivilDate("2026-10-28")! })
        let swept = try await later.sweepFindings(.init(), context: bureau.context())
        #expect(swept.marked == [findings[0].id])
        findings = try await later.listFindings(.with { $0.status = .rectificationOverdue }, context: bureau.context()).findings
        #expect(findings.map(\.state) == [.unrectified])
        #expect(findings.map(\.referralReasons) == [["overdue_rectification", "fire_safety"]])
        #expect(try await later.sweepFindings(.init(), context: bureau.context()).marked.isEmpty)

        // 停业整顿: the institution is suspended with the finding; resettlement counted against it.
        let ordered = try await later.orderSuspension(
            .with {
                $0.findingID = findings[0].id; $0.documentNumber = "文民执〔2026〕12号"; $0.residentsAffected = 80
            }, context: bureau.context()
        ).finding
        #expect((ordered.state, ordered.residentsAffected) == (.findingSuspended, 80))
        #expect(try await later.getInstitution(.with { $0.id = places.high }, context: bureau.context()).institution.status == .suspended)
        let tooMany = await domainRefusal {
            _ = try await later.recordResettlement(
                .with {
                    $0.findingID = findings[0].id; $0.destination = "文峰区颐养院"; $0.residents = 81
                }, context: bureau.context())
        }
        #expect(tooMany?.problems == ["residents MORE_THAN_AFFECTED"])
        let moved = try await later.recordResettlement(
            .with {
                $0.findingID = findings[0].id; $0.destination = "文峰区颐养院"; $0.residents = 30
            }, context: bureau.context()
        ).finding
        #expect(moved.residentsResettled == 30)
        let trail = try await bureau.database.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM audit_log WHERE entity = 'finding' ORDER BY id")
        }
        #expect(trail == ["reinspect", "mark_overdue", "order_suspension", "resettle"])
    }
}

@Suite("Eldercare: an operator's own findings")
struct EldercareOperatorTests {
    typealias Bureau = ElderBureau

    @Test func anOperatorReadsAndAnswersOnlyItsOwnPublishedFindings() async throws {
        let bureau = try Bureau.open(today: "2026-09-22")
        let h = bureau.handler
        let places = try await EldercareInspectionTests.county(bureau)
        _ = try await h.loadChecklist(.with { $0.json = EldercareInspectionTests.sampleChecklist }, context: bureau.context())
        let task = try await h.createInspectionTask(EldercareInspectionTests.task(), context: bureau.context())
        let inspection = try #require(
            try await h.listInspections(.with { $0.taskID = task.id }, context: bureau.context()).inspections.first { $0.institutionID == places.high })
        let items = try await h.getChecklist(.init(), context: bureau.context()).items
        _ = try await h.startInspection(.with { $0.id = inspection.id }, context: bureau.context())
        let results: [Civic_Eldercare_V1_ItemResult] = items.enumerated().map { i, item in
            .with {
                $0.itemCode = item.code; $0.outcome = i == 0 ? .fail : .pass; $0.note = i == 0 ? "灭火器过期" : ""
            }
        }
        let recorded = try await h.recordInspection(
            .with {
                $0.id = inspection.id; $0.results = results
            }, context: bureau.context()
        ).inspection
        let finding = recorded.findingIds[0]

        let north = Principal(id: "key-north", roles: [.operator], subject: places.high)
        let other = Principal(id: "key-other", roles: [.operator], subject: places.low)
        // Before publication the operator sees nothing of it.
        #expect(try await h.listFindings(.init(), context: bureau.context(north)).findings.isEmpty)
        _ = try await h.publishInspection(.with { $0.id = inspection.id }, context: bureau.context())
        #expect(try await h.listFindings(.init(), context: bureau.context(north)).findings.map(\.id) == [finding])
        #expect(try await h.listFindings(.init(), context: bureau.context(other)).findings.isEmpty)
        let theirs = await domainRefusal { _ = try await h.listFindings(.with { $0.institutionID = places.high }, context: bureau.context(other)) }
        #expect(theirs?.kind == .permissionDenied)
        #expect(try await h.getInstitution(.with { $0.id = places.high }, context: bureau.context(north)).institution.name == "北关老年公寓")
        let notOwn = await domainRefusal { _ = try await h.getInstitution(.with { $0.id = places.low }, context: bureau.context(north)) }
        #expect(notOwn?.kind == .permissionDenied)

        // The operator's report is kept on the finding; the finding waits for 复查.
        let answered = try await h.respondToFinding(
            .with {
                $0.id = finding; $0.text = "已更换全部灭火器，附采购单"; $0.on = "2026-09-22"
            }, context: bureau.context(north)
        ).finding
        #expect((answered.state, answered.operatorResponse, answered.respondedOn) == (.open, "已更换全部灭火器，附采购单", "2026-09-22"))
        #expect(try await h.listFindings(.init(), context: bureau.context()).findings.first?.operatorResponse == "已更换全部灭火器，附采购单")
        let foreign = await domainRefusal {
            _ = try await h.respondToFinding(
                .with {
                    $0.id = finding; $0.text = "x"
                }, context: bureau.context(other))
        }
        #expect(foreign?.kind == .permissionDenied)
        let empty = await domainRefusal { _ = try await h.respondToFinding(.with { $0.id = finding }, context: bureau.context(north)) }
        #expect(empty?.problems == ["text REQUIRED"])
    }
}
