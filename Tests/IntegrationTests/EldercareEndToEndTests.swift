import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import GatewayService
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The eldercare service walked through the gateway with real keys, on the real clock (every step
/// dated in 2026, so the walk holds on any day from 2026-12-02 on): register, 备案, draw, inspect,
/// find, rectify, publish — and the public reading the register without a key.
@Suite("Eldercare end to end", .serialized)
struct EldercareEndToEndTests {
    typealias Bureau = ElderBureau
    typealias Client = Civic_Eldercare_V1_EldercareServiceClient

    static let rpc = "/rpc/civic.eldercare.v1.EldercareService/"

    @Test func anInstitutionFromRegistrationThroughADrawnInspectionToThePublicRegister() async throws {
        let suite = try await RunningSuite.start()
        let zhaoToken = try await suite.issueKey(
            NewKey(name: "养老科 赵敏", roles: [.staff], services: ["eldercare"], division: Bureau.county, subject: "J-01"))
        let sunToken = try await suite.issueKey(NewKey(name: "孙磊", roles: [.staff], services: ["eldercare"], division: "410503", subject: "J-09"))
        let callers = [suite.caller(token: zhaoToken), suite.caller(token: sunToken), suite.caller(token: nil)]
        let (zhao, sun, anyone) = (Client(callers[0]), Client(callers[1]), Client(callers[2]))
        do {
            // 1. Divisions, then the institution over the HTTP JSON face.
            _ = try await zhao.loadDivisions(.with { $0.divisions = Bureau.divisions })
            let body = """
                {"institution":{"name":"文峰区颐养院","creditCode":"\(Bureau.yiyang)","ownership":"PUBLIC_BUILT_PRIVATELY_RUN","nature":"NON_PROFIT",
                 "operatorName":"安康养老服务有限公司","county":"410502","street":"410502001","community":"410502001003","beds":120,"nursingBeds":60,
                 "openedOn":"2026-03-01","fireSafety":"PASSED"}}
                """
            let registered = try await suite.http("POST", Self.rpc + "RegisterInstitution", body: body, token: zhaoToken)
            #expect(registered.status == 200, "\(registered.body)")
            let id = try Civic_Eldercare_V1_InstitutionResponse(jsonString: registered.body).institution.id
            #expect(id == "I000001")
            // Another county's key reaches nothing of it; no key registers nothing.
            #expect(await rpcError { _ = try await sun.getInstitution(.with { $0.id = id }) }?.code == .permissionDenied)
            let anonymous = try await suite.http("POST", Self.rpc + "RegisterInstitution", body: body, token: nil)
            #expect(anonymous.status == 401 || anonymous.status == 403)

            // 2. The first resident starts the 备案 clock: overdue long since on the real clock; filed.
            _ = try await zhao.admitResident(
                .with {
                    $0.resident = .with {
                        $0.institutionID = id; $0.personRef = "P-0001"; $0.admittedOn = "2026-04-01"
                    }
                })
            let due = try await zhao.listFilings(.init()).filings
            #expect(due.map { "\($0.institutionID) \($0.status)" } == ["\(id) filingOverdue"])
            _ = try await zhao.recordFiling(
                .with {
                    $0.institutionID = id; $0.filedOn = "2026-04-20"
                })
            #expect(try await zhao.listFilings(.init()).filings.isEmpty)

            // 3. A checklist, two inspectors, a draw from a published seed.
            _ = try await zhao.loadChecklist(.with { $0.json = EldercareInspectionTests.sampleChecklist })
            for (inspector, name) in [("J-01", "赵敏"), ("J-02", "钱明")] {
                _ = try await zhao.putInspector(
                    .with {
                        $0.inspector = .with {
                            $0.id = inspector; $0.name = name; $0.active = true
                        }
                    })
            }
            let task = try await zhao.createInspectionTask(
                .with {
                    $0.county = Bureau.county; $0.seed = "福彩3D 2026110期 285"; $0.plannedOn = "2026-05-06"
                    $0.ratios = [
                        .with {
                            $0.riskClass = .medium; $0.perMille = 1000
                        },
                        .with {
                            $0.riskClass = .low; $0.perMille = 1000
                        },
                    ]
                })
            #expect(task.targets.map(\.institutionID) == [id])
            #expect(Set(task.inspectorIds) == ["J-01", "J-02"])
            // The drawn inspector sees the task as theirs.
            let mine = try await zhao.listInspections(.with { $0.mine = true }).inspections
            #expect(mine.map(\.id) == task.inspectionIds)

            // 4. Inspect: one item fails; published; the finding rectified at 复查.
            let inspection = task.inspectionIds[0]
            _ = try await zhao.startInspection(
                .with {
                    $0.id = inspection; $0.on = "2026-05-06"
                })
            let items = try await zhao.getChecklist(.init()).items
            let results: [Civic_Eldercare_V1_ItemResult] = items.enumerated().map { i, item in
                .with {
                    $0.itemCode = item.code; $0.outcome = i == 30 ? .fail : .pass; $0.note = i == 30 ? "留样记录不全" : ""
                }
            }
            let recorded = try await zhao.recordInspection(
                .with {
                    $0.id = inspection; $0.on = "2026-05-06"; $0.results = results
                }
            ).inspection
            #expect(recorded.findingIds == ["\(inspection)/\(items[30].code)"])
            _ = try await zhao.publishInspection(
                .with {
                    $0.id = inspection; $0.on = "2026-05-08"
                })
            var entry = try await anyone.listRegister(.init()).entries[0]
            #expect((entry.lastInspectedOn, entry.openFindings, entry.filedOn) == ("2026-05-06", 1, "2026-04-20"))
            let closed = try await zhao.reinspectFinding(
                .with {
                    $0.id = recorded.findingIds[0]; $0.on = "2026-05-20"; $0.inspectorIds = ["J-01", "J-02"]; $0.rectified = true; $0.note = "已整改"
                }
            ).finding
            #expect(closed.state == .findingClosed)

            // 5. The public, without a key, over both faces: the register and its feed.
            entry = try await anyone.listRegister(.init()).entries[0]
            #expect((entry.name, entry.openFindings, entry.lastInspectionScore) == ("文峰区颐养院", 0, recorded.score))
            let feed = try await suite.http("POST", Self.rpc + "ListRegisterChanges", body: "{}", token: nil)
            #expect(feed.status == 200, "\(feed.body)")
            let changes = try Civic_Eldercare_V1_ListRegisterChangesResponse(jsonString: feed.body).changes
            #expect(changes.map(\.entry.openFindings) == [0, 0, 1, 0])
            #expect(!feed.body.contains("P-0001"))
            #expect(await rpcError { _ = try await anyone.listResidents(.with { $0.institutionID = id }) }?.code == .unauthenticated)
        } catch {
            for caller in callers { await caller.close() }
            await suite.stop()
            throw error
        }
        for caller in callers { await caller.close() }
        await suite.stop()
    }
}
