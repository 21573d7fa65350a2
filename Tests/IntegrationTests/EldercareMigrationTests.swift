import CivicDomain
import CivicProtos
import CivicRPC
import CivicStorage
import EldercareDomain
import Foundation
import GRDB
import Testing

@testable import EldercareService

/// Data written by earlier releases reads the same after the migrations that changed its form.
@Suite("Eldercare: data of earlier releases")
struct EldercareMigrationTests {
    /// Before eldercare-009 a task was a JSON document and each planned inspection carried a JSON
    /// record and a row per inspector; after it, both read back as they were, and the inspectors
    /// still find their inspections.
    @Test func aTaskAndItsPlannedInspectionsFromBeforeMigration009ReadTheSame() async throws {
        let all = EldercareService.definition.migrations
        let cut = try #require(all.firstIndex { $0.name == "eldercare-009-planned-inspections" })
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let queue = try DatabaseQueue(configuration: configuration)
        try CivicDatabase.migrate(queue, migrations: Array(all[..<cut]))
        let day = CivilDate("2026-09-22")!
        let bureau = ElderBureau(
            handler: EldercareHandler(store: EldercareStore(database: queue), settings: EldercareSettings(), today: { day }), database: queue)
        try await bureau.loadDivisions()
        let first = try await bureau.register().id
        var north = ElderBureau.yiyangHome()
        north.creditCode = ElderBureau.beiguan
        north.name = "北关老年公寓"
        let second = try await bureau.register(north).id

        // The first release's forms, written as it wrote them.
        let draw = try InspectionTask(taskID: "T000001", seed: "福彩3D 2026200期 118", ratio: DrawRatio(perMille: 1000)).draw(
            pool: [DrawPoolEntry(id: second, riskClass: .high), DrawPoolEntry(id: first, riskClass: .medium)],
            roster: [RosterInspector(id: "J-02"), RosterInspector(id: "J-01")])
        let planned = try Inspection.planAll(draw: draw, plannedOn: day, checklistVersion: "sample-1")
        let legacy = EldercareStore.StoredTask(
            id: "T000001", county: ElderBureau.county, draw: draw, plannedOn: day, checklistVersion: "sample-1", inspectionIDs: planned.map(\.id))
        try await queue.write { db in
            try db.execute(
                sql: "INSERT INTO inspection_tasks (id, seq, county, record, created_at) VALUES ('T000001', 1, ?, ?, '2026-09-22T01:00:00Z')",
                arguments: [ElderBureau.county, try StoredRecords.encode(legacy)])
            for (i, inspection) in planned.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO inspections (id, seq, task_id, institution_id, county, state, planned_on, record)
                        VALUES (?, ?, 'T000001', ?, ?, 'planned', ?, ?)
                        """,
                    arguments: [inspection.id, i + 1, inspection.targetID, ElderBureau.county, day.description, try StoredRecords.encode(inspection)])
                for inspector in inspection.inspectorIDs {
                    try db.execute(
                        sql: "INSERT INTO inspection_inspectors (inspection_id, inspector_id) VALUES (?, ?)", arguments: [inspection.id, inspector])
                }
            }
        }
        try CivicDatabase.migrate(queue, migrations: all)

        let h = bureau.handler
        let task = try await h.getInspectionTask(.with { $0.id = "T000001" }, context: bureau.context())
        #expect(task.seed == "福彩3D 2026200期 118")
        #expect(task.algorithm == InspectionTask.algorithm)
        #expect(task.pool.map(\.institutionID) == [first, second].sorted())
        #expect(task.poolFingerprint == draw.poolFingerprint)
        #expect(task.inspectorIds == draw.inspectorIDs)
        #expect(task.inspectionIds == ["T000001-1", "T000001-2"])
        let listed = try await h.listInspections(.with { $0.taskID = "T000001" }, context: bureau.context()).inspections
        #expect(listed.map(\.id) == ["T000001-1", "T000001-2"])
        #expect(listed.map(\.institutionID) == draw.targetIDs)
        #expect(listed.allSatisfy { $0.state == .planned && $0.checklistVersion == "sample-1" && $0.inspectorIds == draw.inspectorIDs })
        // The inspectors moved to the task: each finds both inspections, anyone else none.
        for inspector in ["J-01", "J-02"] {
            let principal = Principal(id: "key-\(inspector)", roles: [.staff], services: ["eldercare"], division: ElderBureau.county, subject: inspector)
            #expect(try await h.listInspections(.with { $0.mine = true }, context: bureau.context(principal)).inspections.count == 2)
        }
        let other = Principal(id: "key-j03", roles: [.staff], services: ["eldercare"], division: ElderBureau.county, subject: "J-03")
        #expect(try await h.listInspections(.with { $0.mine = true }, context: bureau.context(other)).inspections.isEmpty)
        #expect(try await queue.read { db in try db.tableExists("inspection_inspectors") } == false)
    }
}
