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

/// The organizations service walked through the gateway with real keys, on the real clock (every
/// step dated in 2026, so the walk holds on any day from 2026-12-02 on): an application to the
/// register, a sponsor's view, a body's own 年检 through its sponsor, a credit listing, and the
/// public check without a key.
@Suite("Organizations end to end", .serialized)
struct OrganizationsEndToEndTests {
    typealias Bureau = OrgBureau
    typealias Client = Civic_Organizations_V1_OrganizationsServiceClient

    static let rpc = "/rpc/civic.organizations.v1.OrganizationsService/"

    @Test func fromAnApplicationToThePublicCheck() async throws {
        let suite = try await RunningSuite.start()
        let sunToken = try await suite.issueKey(NewKey(name: "登记科 孙倩", roles: [.staff], services: ["organizations"], division: Bureau.county))
        let leaderToken = try await suite.issueKey(NewKey(name: "局长", roles: [.leader], services: ["organizations"], division: Bureau.county))
        let sportsToken = try await suite.issueKey(
            NewKey(name: "文峰区体育局", roles: [.department], services: ["organizations"], subject: "文峰区体育局"))
        let wuToken = try await suite.issueKey(NewKey(name: "吴刚", roles: [.staff], services: ["organizations"], division: "410503"))
        let callers = [sunToken, leaderToken, sportsToken, wuToken].map { suite.caller(token: $0) } + [suite.caller(token: nil)]
        let (sun, leader, sports, wu, anyone) = (Client(callers[0]), Client(callers[1]), Client(callers[2]), Client(callers[3]), Client(callers[4]))
        do {
            // 1. An application over the HTTP JSON face, through pre-review and 受理 to approval.
            let body = """
                {"application":{"name":"安阳市文峰区象棋协会","type":"SOCIAL_GROUP","registrarLevel":"COUNTY","division":"410502",
                 "sponsor":"文峰区体育局","fundsFen":"3000000","individualMembers":60,"legalRepresentative":"赵刚"},"submittedOn":"2026-11-02"}
                """
            let submitted = try await suite.http("POST", Self.rpc + "SubmitApplication", body: body, token: sunToken)
            #expect(submitted.status == 200, "\(submitted.body)")
            let application = try Civic_Organizations_V1_ApplicationResponse(jsonString: submitted.body).application
            #expect((application.id, application.preReviewDue) == ("A000001", "2026-11-04"))
            _ = try await sun.preReviewApplication(
                .with {
                    $0.id = application.id; $0.passed = true; $0.on = "2026-11-03"
                })
            _ = try await sun.recordSponsorApproval(
                .with {
                    $0.id = application.id; $0.reference = "文体〔2026〕12号"; $0.approvedOn = "2026-11-04"
                })
            _ = try await sun.acceptApplication(
                .with {
                    $0.id = application.id; $0.on = "2026-11-05"
                })
            // Staff cannot approve; the leader does.
            #expect(await rpcError { _ = try await sun.approveApplication(.with { $0.id = application.id }) }?.code == .permissionDenied)
            let approved = try await leader.approveApplication(
                .with {
                    $0.id = application.id; $0.on = "2026-11-10"
                })
            let code = Bureau.code("51410502MJ0000001")
            #expect((approved.organization.creditCode, approved.organization.status) == (code, .registered))

            // 2. A body registered before Civic; the sponsor sees both of its bodies, the next county none.
            let go = try await sun.registerOrganization(.with { $0.organization = Bureau.goAssociation() }).organization
            #expect(try await sports.listOrganizations(.init()).organizations.map(\.name) == ["安阳市文峰区象棋协会", "安阳市文峰区围棋协会"])
            #expect(try await wu.listOrganizations(.init()).organizations.isEmpty)
            #expect(await rpcError { _ = try await wu.getOrganization(.with { $0.id = go.id }) }?.code == .permissionDenied)

            // 3. 年检 on 2025: the body's own key hands it to the sponsor, the sponsor reviews, staff receive and conclude.
            let goToken = try await suite.issueKey(NewKey(name: "围棋协会", roles: [.operator], services: ["organizations"], subject: go.creditCode))
            let itselfCaller = suite.caller(token: goToken)
            let itself = Client(itselfCaller)
            _ = try await itself.submitAnnualReport(
                .with {
                    $0.organizationID = go.id; $0.year = 2025; $0.stage = .sponsor; $0.submittedOn = "2026-03-10"; $0.submittedBy = "李明"
                    $0.documents = ["年度工作报告书"]
                })
            _ = try await sports.reviewAnnualReport(
                .with {
                    $0.organizationID = go.id; $0.year = 2025; $0.reviewedOn = "2026-03-20"; $0.opinion = "同意"
                })
            _ = try await sun.submitAnnualReport(
                .with {
                    $0.organizationID = go.id; $0.year = 2025; $0.stage = .registrar; $0.submittedOn = "2026-05-08"; $0.submittedBy = "李明"
                    $0.documents = ["年度工作报告书"]
                })
            let concluded = try await sun.concludeAnnualInspection(
                .with {
                    $0.organizationID = go.id; $0.year = 2025; $0.result = .qualified; $0.concludedOn = "2026-05-20"
                }
            ).annualInspection
            #expect((concluded.status, concluded.result) == (.receivedOnTime, .qualified))
            #expect(
                try await itself.getAnnualInspection(
                    .with {
                        $0.organizationID = go.id; $0.year = 2025
                    }
                ).annualInspection.result == .qualified)
            await itselfCaller.close()

            // 4. A credit listing, published without its evidence.
            _ = try await sun.recordCreditEvent(
                .with {
                    $0.organizationID = go.id; $0.on = "2026-11-20"
                    $0.event = .abnormalGround(
                        .with {
                            $0.ground = .rectificationNotDone; $0.evidence = "责令整改通知书未落实"; $0.document = "文民异〔2026〕3号"
                        })
                })
            let published = try await anyone.listPublicCreditListings(.with { $0.list = .abnormal })
            #expect(published.listed.map(\.creditCode) == [go.creditCode])
            #expect(published.listed.first?.listing.grounds.first?.evidence == "")

            // 5. The public check over HTTP, no key: the new body registered, a mimic name warned of.
            let check = try await suite.http("POST", Self.rpc + "CheckLegitimacy", body: #"{"query":"安阳市文峰区象棋协会"}"#, token: nil)
            #expect(check.status == 200, "\(check.body)")
            let answer = try Civic_Organizations_V1_CheckLegitimacyResponse(jsonString: check.body)
            #expect((answer.verdict, answer.registered.creditCode) == ("registered", code))
            let mimic = try await anyone.checkLegitimacy(.with { $0.query = "安阳市文峰区围棋学会" })
            #expect(mimic.verdict == "not_found")
            #expect(mimic.similarRegistered.map(\.name) == ["安阳市文峰区围棋协会"])
            #expect(!check.body.contains("赵刚") && !check.body.contains("李明"))
            // No key, no register.
            #expect(await rpcError { _ = try await anyone.listOrganizations(.init()) }?.code == .unauthenticated)
        } catch {
            for caller in callers { await caller.close() }
            await suite.stop()
            throw error
        }
        for caller in callers { await caller.close() }
        await suite.stop()
    }
}
