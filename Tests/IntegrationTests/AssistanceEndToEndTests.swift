import AssistanceService
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

/// The assistance service walked through the gateway as its real clients would: case workers,
/// a leader, a department and the public, each with their own key (or none), over the framed
/// face and the HTTP JSON face, on the real clock — every step dated in the past (2026), so the
/// walk holds on any day from 2026-12-02 on.
@Suite("Assistance end to end", .serialized)
struct AssistanceEndToEndTests {
    typealias Bureau = AssistanceBureau
    typealias Client = Civic_Assistance_V1_AssistanceServiceClient

    static let rpc = "/rpc/civic.assistance.v1.AssistanceService/"

    /// The people of the walk: each a key issued through the gateway's KeyService.
    struct People {
        let chenToken: String
        let liToken: String
        let leaderToken: String
        let departmentToken: String
        let neighbourToken: String
        /// Case workers 陈静 (on the household's file) and 李强, the prefecture's leader, 县公安局,
        /// a case worker of the next county, and the public (no key).
        let chen: Client
        let li: Client
        let leader: Client
        let department: Client
        let neighbour: Client
        let anyone: Client
        let callers: [Authenticated]

        init(_ suite: RunningSuite) async throws {
            chenToken = try await suite.issueKey(NewKey(name: "陈静", roles: [.staff], services: ["assistance"], division: "431227", subject: "陈静"))
            liToken = try await suite.issueKey(NewKey(name: "李强", roles: [.staff], services: ["assistance"], division: "431227", subject: "李强"))
            leaderToken = try await suite.issueKey(NewKey(name: "怀化市民政局领导", roles: [.leader], division: "431200"))
            departmentToken = try await suite.issueKey(NewKey(name: "县公安局户籍系统", roles: [.department], subject: "县公安局"))
            neighbourToken = try await suite.issueKey(
                NewKey(name: "王伟", roles: [.staff], services: ["assistance"], division: "431228", subject: "王伟"))
            let tokens: [String?] = [chenToken, liToken, leaderToken, departmentToken, neighbourToken, nil]
            callers = tokens.map { suite.caller(token: $0) }
            chen = Client(callers[0])
            li = Client(callers[1])
            leader = Client(callers[2])
            department = Client(callers[3])
            neighbour = Client(callers[4])
            anyone = Client(callers[5])
        }

        func close() async {
            for caller in callers { await caller.close() }
        }
    }

    static func step(_ id: String, on: String, text: String = "") -> Civic_Assistance_V1_ApplicationStepRequest {
        .with {
            $0.id = id; $0.on = on; $0.text = text
        }
    }

    /// A JSON object answer of the HTTP face.
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)")
    }

    /// Every resident ID of the family, in full and masked, and anything shaped like one.
    static func mentionsAResidentID(_ text: String) -> Bool {
        let ids = [Bureau.head, Bureau.spouse, Bureau.child]
        if ids.contains(where: { text.contains($0) || text.contains(Bureau.masked($0)) }) { return true }
        return text.contains(#/[0-9]{17}[0-9X]/#) || text.contains(#/[0-9]{6}\*{8}[0-9X]{4}/#)
    }

    /// 张伟's family as a JSON client writes it: int64 as strings, enums by name (proto3 JSON).
    static let familyJSON = """
        {"household":{"division":"431227","area":"URBAN","hukouAddress":"新晃县城关镇 1 号","bankAccount":"6217 0000 1234 5678","caseWorker":"陈静",
         "members":[
          {"name":"张伟","residentId":"\(Bureau.head)","relation":"HEAD","workAbility":"ABLE"},
          {"name":"李梅","residentId":"\(Bureau.spouse)","relation":"SPOUSE","workAbility":"UNABLE"},
          {"name":"张小明","residentId":"\(Bureau.child)","relation":"CHILD","workAbility":"UNABLE"}],
         "incomes":[
          {"memberResidentId":"\(Bureau.head)","category":"WAGE","monthlyFen":"150000","source":"VERIFIED"},
          {"memberResidentId":"\(Bureau.spouse)","category":"TRANSFER","monthlyFen":"7000","excluded":true,"excludedReason":"两项补贴"}]}}
        """

    @Test func aMinimumLivingCaseFromRegistrationToPaymentAlertAndReportSurvivingARestart() async throws {
        let suite = try await RunningSuite.start()
        let people = try await People(suite)
        do {
            try await walk(suite, people)
        } catch {
            await people.close()
            await suite.stop()
            throw error
        }
        await people.close()
        await suite.stop()
    }

    func walk(_ suite: RunningSuite, _ people: People) async throws {
        let (chen, li, leader, department, neighbour, anyone) = (people.chen, people.li, people.leader, people.department, people.neighbour, people.anyone)

        // 1. The standard (urban S = 900 元 from 1 July 2026), public to anyone.
        let standard = try await chen.putStandardVersion(.with { $0.version = Bureau.urban })
        #expect(standard.id == "431227-urban-2026-07")
        #expect(standard.destituteMultiple == "13/10")
        let published = try await anyone.listStandardVersions(.with { $0.division = "431227" }).versions
        #expect(published.map(\.id) == ["431227-urban-2026-07"])
        #expect(published.map(\.minimumLivingMonthlyFen) == [90_000])

        // 2. 陈静 registers the family over the HTTP JSON face.
        let registered = try await suite.http("POST", Self.rpc + "RegisterHousehold", body: Self.familyJSON, token: people.chenToken)
        #expect(registered.status == 200, "\(registered.body)")
        #expect(registered.headers["content-type"]?.hasPrefix("application/json") == true)
        let registeredJSON = try Self.object(registered.body)
        let household = try #require(registeredJSON["household"] as? [String: Any])
        #expect(household["id"] as? String == "H000001")
        #expect(household["area"] as? String == "URBAN")
        #expect(household["caseWorker"] as? String == "陈静")
        // 陈静 is on the file: IDs and the account (spaces dropped) in full.
        #expect(household["bankAccount"] as? String == "6217000012345678")
        let members = try #require(household["members"] as? [[String: Any]])
        #expect(members.map { $0["residentId"] as? String } == [Bureau.head, Bureau.spouse, Bureau.child])
        #expect(members.map { $0["relation"] as? String } == ["HEAD", "SPOUSE", "CHILD"])
        #expect(members.map { $0["sex"] as? String } == ["male", "female", "male"])
        #expect(members[2]["birthDate"] as? String == "2017-03-05")
        #expect(members[2]["minor"] as? Bool == true)
        let incomes = try #require(household["incomes"] as? [[String: Any]])
        // int64 fen are JSON strings in proto3 JSON; enums by name.
        #expect(incomes.map { $0["monthlyFen"] as? String } == ["150000", "7000"])
        #expect(incomes.map { $0["category"] as? String } == ["WAGE", "TRANSFER"])
        // An income line without a source is answered as declared.
        #expect(incomes.map { $0["source"] as? String } == ["VERIFIED", "DECLARED"])
        #expect(incomes[1]["excluded"] as? Bool == true)
        #expect(registered.body.contains(#""monthlyFen":"150000""#))
        // The JSON maps to the same record the handler tests register.
        let decoded = try Civic_Assistance_V1_HouseholdResponse(jsonString: registered.body).household
        var expectedIncomes = Bureau.family().incomes
        expectedIncomes[1].source = .declared
        #expect(decoded.incomes == expectedIncomes)
        #expect(decoded.members.map(\.workAbility) == Bureau.family().members.map(\.workAbility))

        // 3. The 低保 application, over the framed face, each step dated in July 2026.
        var a = try await chen.fileApplication(
            .with {
                $0.householdID = "H000001"; $0.program = .minimumLiving; $0.appliedOn = "2026-07-01"; $0.channel = .window
            }
        ).application
        let id = a.id
        #expect(id == "A000001")
        #expect(a.state == .applied)
        a = try await chen.acceptApplication(Self.step(id, on: "2026-07-02")).application
        #expect(a.state == .accepted)
        // 30 working days from 2 July; long past on the real clock, and the case still open.
        #expect(a.caseDue == "2026-08-13")
        #expect(a.caseStatus == .overdue)
        a = try await chen.recordAuthorization(
            .with {
                $0.id = id; $0.signedOn = "2026-07-01"
            }
        ).application
        #expect(a.authorizationSignedOn == "2026-07-01")
        a = try await chen.startInvestigation(
            .with {
                $0.id = id; $0.on = "2026-07-03"; $0.methods = [.homeVisit, .dataCheck]; $0.text = "入户 2 人"
            }
        ).application
        #expect(a.state == .investigating)
        #expect(a.investigator == "陈静")
        #expect(a.investigationMethods == [.homeVisit, .dataCheck])
        a = try await chen.recordTownshipOpinion(Self.step(id, on: "2026-07-08", text: "符合低保条件")).application
        #expect(a.state == .townshipReviewed)
        #expect(a.amountFen == 120_000)
        #expect(a.formula == "3 × 90000 − 150000 = 120000")
        #expect(a.standardVersionID == "431227-urban-2026-07")
        a = try await chen.startNotice(Self.step(id, on: "2026-07-09")).application
        #expect(a.state == .publicNotice)
        #expect((a.notice.startsOn, a.notice.endsOn) == ("2026-07-09", "2026-07-16"))

        // 4. The public reads the 公示 without a key: a name, a household size, an amount.
        let notices = try await suite.http("POST", Self.rpc + "ListPublicNotices", body: #"{"division":"431227","on":"2026-07-10"}"#, token: nil)
        #expect(notices.status == 200, "\(notices.body)")
        let posted = try #require(try Self.object(notices.body)["notices"] as? [[String: Any]])
        #expect(posted.count == 1)
        #expect(posted.first?["name"] as? String == "张伟")
        #expect(posted.first?["householdSize"] as? Int == 3)
        #expect(posted.first?["amountFen"] as? String == "120000")
        #expect(!Self.mentionsAResidentID(notices.body))
        #expect(!notices.body.contains("李梅") && !notices.body.contains("张小明") && !notices.body.contains("150000"))

        // 5. The decision: not before the 公示 is over, not by the investigator; 李强 on 22 July.
        let early = await rpcError { _ = try await li.approveApplication(Self.step(id, on: "2026-07-16")) }
        #expect(early?.code == .failedPrecondition)
        #expect(early?.details.map(\.reason) == ["NOTICE_NOT_OVER"])
        let ownCase = await rpcError { _ = try await chen.approveApplication(Self.step(id, on: "2026-07-22")) }
        #expect(ownCase?.code == .permissionDenied)
        #expect(ownCase?.details.map { "\($0.field) \($0.reason)" } == ["approver SAME_PERSON"])
        a = try await li.approveApplication(Self.step(id, on: "2026-07-22")).application
        #expect(a.state == .approved)
        #expect(a.decidedOn == "2026-07-22")
        #expect(a.decidedBy == "李强")
        #expect(a.startMonth == "2026-08")
        #expect(a.amountFen == 120_000)
        #expect(a.formula == "3 × 90000 − 150000 = 120000")
        #expect(a.caseStatus == .unspecified)  // decided: the clock stopped
        let trail = try await leader.getHistory(
            .with {
                $0.entity = "application"; $0.id = id
            }
        ).entries
        #expect(
            trail.map(\.action) == ["file", "accept", "record_authorization", "start_investigation", "township_opinion", "start_notice", "approve"])
        #expect(!trail.contains { Self.mentionsAResidentID($0.detail + $0.reason) })

        // 6. Who sees what: 陈静 in full; 李强 (not on the file) and the leader masked, the leader
        // over the HTTP face; the next county's case worker not at all.
        let chensView = try await chen.getHousehold(.with { $0.id = "H000001" }).household
        #expect(chensView.members.map(\.residentID) == [Bureau.head, Bureau.spouse, Bureau.child])
        #expect(chensView.bankAccount == "6217000012345678")
        let lisView = try await li.getHousehold(.with { $0.id = "H000001" }).household
        #expect(lisView.members.map(\.residentID) == [Bureau.head, Bureau.spouse, Bureau.child].map(Bureau.masked))
        let leaderRead = try await suite.http("POST", Self.rpc + "GetHousehold", body: #"{"id":"H000001"}"#, token: people.leaderToken)
        #expect(leaderRead.status == 200, "\(leaderRead.body)")
        let leadersView = try #require(try Self.object(leaderRead.body)["household"] as? [String: Any])
        let leadersMembers = try #require(leadersView["members"] as? [[String: Any]])
        #expect(leadersMembers.map { $0["residentId"] as? String } == [Bureau.head, Bureau.spouse, Bureau.child].map(Bureau.masked))
        #expect(leadersView["bankAccount"] as? String == "************5678")
        #expect((leadersView["incomes"] as? [[String: Any]])?.first?["memberResidentId"] as? String == Bureau.masked(Bureau.head))
        #expect((leadersView["incomes"] as? [[String: Any]])?.first?["monthlyFen"] as? String == "150000")
        #expect(![Bureau.head, Bureau.spouse, Bureau.child].contains { leaderRead.body.contains($0) })
        let foreign = await rpcError { _ = try await neighbour.getHousehold(.with { $0.id = "H000001" }) }
        #expect(foreign?.code == .permissionDenied)
        let foreignFind = await rpcError { _ = try await neighbour.findPerson(.with { $0.residentID = Bureau.head }) }
        #expect(foreignFind?.code == .notFound)

        // 7. August's payment run, the bank file and the bank's return.
        let run = try await chen.runPayments(
            .with {
                $0.month = "2026-08"; $0.program = .minimumLiving
            })
        #expect(!run.alreadyRan)
        #expect(run.run.id == "PR-431227-2026-08-minimum_living")
        #expect((run.run.lineCount, run.run.amountFen, run.run.pending) == (1, 120_000, 1))
        #expect(run.run.skipped.isEmpty)
        let runID = run.run.id
        let line = try #require(try await chen.listPaymentLines(.with { $0.runID = runID }).lines.first)
        #expect(line.lineID == "\(runID)-1")
        #expect(line.caseID == id)
        #expect(line.householdID == "H000001")
        #expect((line.month, line.forMonth) == ("2026-08", "2026-08"))
        #expect(line.payeeName == "张伟")
        #expect(line.bankAccount == "************5678")
        #expect(line.amountFen == 120_000)
        #expect(line.formula == "3 × 90000 − 150000 = 120000")
        #expect(line.standardVersionID == "431227-urban-2026-07")
        #expect(line.state == .paymentPending)
        #expect(
            try await chen.runPayments(
                .with {
                    $0.month = "2026-08"; $0.program = .minimumLiving
                }
            ).alreadyRan)

        let file = try await chen.exportBankFile(.with { $0.runID = runID })
        #expect(
            file.csv
                == "line_id,payee_name,bank_account,amount_yuan,benefit_month,program\r\n"
                + "\(runID)-1,张伟,6217000012345678,1200.00,2026-08,minimum_living\r\n")
        #expect((file.count, file.amountFen) == (1, 120_000))
        let back = try await chen.reconcilePayments(
            .with {
                $0.runID = runID; $0.csv = "line_id,outcome,reason,amount_yuan\n\(runID)-1,paid,,1200.00\n"
            })
        #expect((back.paid, back.failed, back.alreadyReconciled, back.outstanding) == (1, 0, 0, 0))
        #expect((back.run.paid, back.run.paidAmountFen) == (1, 120_000))
        let paidLines = try await leader.listPaymentLines(.with { $0.runID = runID }).lines
        #expect(paidLines.map(\.state) == [.paymentPaid])

        // 8. 县公安局 reports 李梅's death over the HTTP face and learns only that it was received.
        let deathJSON = #"{"eventId":"GA-2026-0815-001","type":"DEATH","residentId":"\#(Bureau.spouse)","occurredOn":"2026-08-15"}"#
        let receipt = try await suite.http("POST", Self.rpc + "ReportPersonEvent", body: deathJSON, token: people.departmentToken)
        #expect(receipt.status == 200, "\(receipt.body)")
        let receiptJSON = try Self.object(receipt.body)
        // duplicate = false is the default, so proto3 JSON leaves it out.
        #expect(Set(receiptJSON.keys) == ["eventId", "receivedAt"])
        #expect(receiptJSON["eventId"] as? String == "GA-2026-0815-001")
        #expect((receiptJSON["receivedAt"] as? String)?.isEmpty == false)
        let again = try await suite.http("POST", Self.rpc + "ReportPersonEvent", body: deathJSON, token: people.departmentToken)
        #expect(again.status == 200, "\(again.body)")
        let againJSON = try Self.object(again.body)
        #expect(Set(againJSON.keys) == ["eventId", "receivedAt", "duplicate"])
        #expect(againJSON["duplicate"] as? Bool == true)
        #expect(againJSON["receivedAt"] as? String == receiptJSON["receivedAt"] as? String)

        // 9. The case worker sees the alert and its effects; the leader sees it masked.
        let alerts = try await chen.listAlerts(.init()).alerts
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.eventID == "GA-2026-0815-001")
        #expect(alert.department == "县公安局")
        #expect((alert.type, alert.kind) == (.death, .notification))
        #expect((alert.severity, alert.suggestion) == (.severityHigh, .suggestStopBenefit))
        #expect(alert.householdID == "H000001")
        #expect(alert.residentID == Bureau.spouse)
        #expect(alert.occurredOn == "2026-08-15")
        #expect(alert.raisedOn == CivilDate.today().description)
        #expect(alert.checkDue > alert.raisedOn)
        #expect(alert.status == .alertOpen)
        #expect(alert.effects == "death recorded on 2026-08-15; \(id) recomputed from 2026-09")
        #expect(try await leader.listAlerts(.init()).alerts.map(\.residentID) == [Bureau.masked(Bureau.spouse)])
        #expect(try await chen.getHousehold(.with { $0.id = "H000001" }).household.members.map(\.deceasedOn) == ["", "2026-08-15", ""])

        // 10. The department reads nothing.
        let departmentAlerts = await rpcError { _ = try await department.listAlerts(.init()) }
        #expect(departmentAlerts?.code == .permissionDenied)
        let departmentHousehold = await rpcError { _ = try await department.getHousehold(.with { $0.id = "H000001" }) }
        #expect(departmentHousehold?.code == .permissionDenied)

        // 11. August's report shows what was paid; July's the decision, on time.
        let august = try await leader.getReport(.with { $0.period = "2026-08" })
        #expect(august.months == 1)
        let row = try #require(august.recipients.first { $0.program == .minimumLiving && $0.area == .urban })
        #expect((row.households, row.persons, row.amountPaidFen) == (1, 3, 120_000))
        // 120 000 / 3 = 40 000 fen a person, above the 37 400 urban floor.
        #expect((row.monthlyPerPersonFen, row.floorFen, row.belowFloor) == (40_000, 37_400, false))
        #expect(august.recipients.filter { $0.amountPaidFen > 0 }.count == 1)
        let july = try await chen.getReport(.with { $0.period = "2026-07" })
        #expect((july.applicationsDecided, july.applicationsOnTime, july.applicationsOnTimeRate) == (1, 1, "100.0"))

        // 12. A restart of the assistance process loses nothing committed.
        let householdBefore = try await chen.getHousehold(.with { $0.id = "H000001" }).household
        await suite.stopService("assistance")
        try await suite.startService(AssistanceService.definition)
        try await waitUntil { (try? await chen.getHousehold(.with { $0.id = "H000001" })) != nil }
        #expect(try await chen.getHousehold(.with { $0.id = "H000001" }).household == householdBefore)
        let afterRestart = try await li.getApplication(.with { $0.id = id }).application
        #expect((afterRestart.state, afterRestart.amountFen, afterRestart.startMonth, afterRestart.decidedBy) == (.approved, 120_000, "2026-08", "李强"))
        let linesAfter = try await chen.listPaymentLines(.with { $0.runID = runID }).lines
        #expect(linesAfter.map(\.state) == [.paymentPaid])
        #expect(linesAfter.map(\.amountFen) == [120_000])
        #expect(try await chen.getPaymentRun(.with { $0.id = runID }).paidAmountFen == 120_000)
        #expect(try await chen.listAlerts(.init()).alerts.map(\.id) == [alert.id])
        // The department's event is still known: a third delivery changes nothing.
        let third = try await department.reportPersonEvent(
            .with {
                $0.eventID = "GA-2026-0815-001"; $0.type = .death; $0.residentID = Bureau.spouse; $0.occurredOn = "2026-08-15"
            })
        #expect(third.duplicate)
    }
}
