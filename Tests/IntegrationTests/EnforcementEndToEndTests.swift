import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import EnforcementDomain
import Foundation
import GatewayService
import Testing

/// The enforcement service walked through the gateway with real keys on the real clock: a
/// department refers a lead over the HTTP JSON face, the squad files and moves the case, the legal
/// reviewer concludes with its own key, the fine is paid in two parts, the decision is published and
/// the public reads it without a key. Every step is dated today (the service refuses later days), so
/// the walk holds on any day.
@Suite("Enforcement end to end", .serialized)
struct EnforcementEndToEndTests {
    typealias Client = Civic_Enforcement_V1_EnforcementServiceClient

    static let rpc = "/rpc/civic.enforcement.v1.EnforcementService/"
    static let county = EnforcementBureau.county

    @Test func aReferredLeadThroughReviewDecisionPaymentAndPublication() async throws {
        let suite = try await RunningSuite.start()
        let squadToken = try await suite.issueKey(NewKey(name: "执法大队", roles: [.staff], services: ["enforcement"], division: Self.county))
        let reviewerToken = try await suite.issueKey(
            NewKey(name: "法制审核 郑律", roles: [.staff], services: ["enforcement"], division: Self.county, subject: "F000003"))
        let marketToken = try await suite.issueKey(NewKey(name: "市场监管局", roles: [.department], services: ["enforcement"], subject: "安阳市市场监督管理局"))
        let neighbourToken = try await suite.issueKey(NewKey(name: "北关区执法", roles: [.staff], services: ["enforcement"], division: "410503"))
        let callers = [suite.caller(token: squadToken), suite.caller(token: reviewerToken), suite.caller(token: neighbourToken), suite.caller(token: nil)]
        let (squad, reviewer, neighbour, anyone) = (Client(callers[0]), Client(callers[1]), Client(callers[2]), Client(callers[3]))
        do {
            let today = CivilDate.today()
            // 1. Five certified officers: two investigators, a legal reviewer, a hearing host, the head.
            let officers: [(String, [Civic_Enforcement_V1_OfficerRole])] = [
                ("周强", [.investigator]), ("吴磊", [.investigator]), ("郑律", [.legalReviewer]), ("王主持", [.hearingHost]), ("李局长", [.approver]),
            ]
            for (i, (name, roles)) in officers.enumerated() {
                _ = try await squad.registerOfficer(
                    .with {
                        $0.officer = .with {
                            $0.name = name; $0.certificateNumber = "豫A0020\(i + 1)"; $0.certificateIssuedOn = "2025-01-01"
                            $0.certificateExpiresOn = "2029-12-31"; $0.roles = roles; $0.legalQualification = roles.contains(.legalReviewer)
                            $0.division = Self.county
                        }
                    })
            }

            // 2. 市场监管局 refers a lead over HTTP; the same reference sent again is answered with the same lead.
            let referral = """
                {"subjectId":"\(EnforcementBureau.creditCode)","subjectName":"安阳市文峰区围棋协会","summary":"出借社会团体印章用于商业活动",
                 "division":"\(Self.county)","reference":"SCJG-2026-1203"}
                """
            let referred = try await suite.http("POST", Self.rpc + "ReferLead", body: referral, token: marketToken)
            #expect(referred.status == 200, "\(referred.body)")
            let lead = try Civic_Enforcement_V1_LeadResponse(jsonString: referred.body).lead
            #expect((lead.id, lead.source, lead.state, lead.receivedOn) == ("L000001", .departmentReferral, .leadReceived, today.description))
            let again = try await suite.http("POST", Self.rpc + "ReferLead", body: referral, token: marketToken)
            #expect(try Civic_Enforcement_V1_LeadResponse(jsonString: again.body).lead.id == "L000001")
            // A department cannot file; without a key nothing is referred.
            let filedByMarket = try await suite.http("POST", Self.rpc + "FileCase", body: #"{"leadId":"L000001"}"#, token: marketToken)
            #expect(filedByMarket.status == 403, "\(filedByMarket.body)")
            let anonymous = try await suite.http("POST", Self.rpc + "ReferLead", body: referral, token: nil)
            #expect(anonymous.status == 401, "\(anonymous.body)")

            // 3. 立案 from the lead; the lead is marked FILED and the department reads the outcome.
            let missing = await rpcError { _ = try await squad.fileCase(.with { $0.leadID = "L000001" }) }
            #expect(missing?.code == .invalidArgument)
            let filed = try await squad.fileCase(
                .with {
                    $0.leadID = "L000001"; $0.violationCodes = ["SHTT-30-1"]; $0.summary = "出借社会团体印章"
                    $0.actEndedOn = today.adding(days: -30).description; $0.approvedBy = "F000005"; $0.investigators = ["F000001", "F000002"]
                }
            ).case
            #expect((filed.id, filed.state, filed.leadID, filed.nextDeadline.kind) == ("C000001", .investigating, "L000001", .decision))
            #expect(filed.nextDeadline.deadline.dueDate == LegalCalendar().deadline(.decision, from: today).dueDate.description)
            let outcome = try await suite.http("POST", Self.rpc + "GetLead", body: #"{"id":"L000001"}"#, token: marketToken)
            let seen = try Civic_Enforcement_V1_LeadResponse(jsonString: outcome.body).lead
            #expect((seen.state, seen.outcome) == (.leadFiled, "C000001"))
            #expect(await rpcError { _ = try await neighbour.getCase(.with { $0.id = "C000001" }) }?.code == .permissionDenied)

            // 4. Evidence, then the 告知: 较重 tier (gains 5,000 元), 30,000 元 within 1–2× the turnover;
            //    no hearing right for an organization below 50,000 元; legal review required above 10,000 元.
            func step(_ client: Client, _ step: Civic_Enforcement_V1_StepCaseRequest.OneOf_Step) async throws -> Civic_Enforcement_V1_EnforcementCase {
                try await client.stepCase(
                    .with {
                        $0.id = "C000001"; $0.step = step
                    }
                ).case
            }
            _ = try await step(
                squad,
                .addEvidence(
                    .with {
                        $0.description_p = "现场检查笔录、印章使用登记"; $0.officers = ["F000001", "F000002"]
                    }))
            let proposal = Civic_Enforcement_V1_ProposedPenalty.with {
                $0.penalties = [.warning, .fine]; $0.fineFen = 3_000_000
            }
            let facts = Civic_Enforcement_V1_ViolationFacts.with {
                $0.gainsFen = 500_000; $0.turnoverFen = 2_000_000
            }
            let tooHigh = await rpcError {
                _ = try await step(
                    squad,
                    .serveNotice(
                        .with {
                            $0.facts = facts; $0.officers = ["F000001", "F000002"]
                            $0.proposal = .with {
                                $0.penalties = [.fine]; $0.fineFen = 5_000_000
                            }
                        }))
            }
            #expect(tooHigh?.code == .failedPrecondition)
            let noticed = try await step(
                squad,
                .serveNotice(
                    .with {
                        $0.facts = facts; $0.officers = ["F000001", "F000002"]; $0.proposal = proposal
                    }))
            #expect((noticed.state, noticed.notice.hearingRight, noticed.legalReviewRequired) == (.noticed, false, true))
            #expect(noticed.notice.replyDue.dueDate == LegalCalendar().deadline(.hearingRequest, from: today).dueDate.description)
            _ = try await step(squad, .waiveReplies(.init()))

            // 5. 法制审核: sent to 郑律, concluded with 郑律's own key only.
            let unsent = await rpcError { _ = try await reviewer.getCase(.with { $0.id = "C000001" }) }
            #expect(unsent?.code == .permissionDenied)
            _ = try await step(squad, .sendForLegalReview(.with { $0.reviewer = "F000003" }))
            let notTheReviewer = await rpcError {
                _ = try await step(
                    squad,
                    .concludeLegalReview(
                        .with {
                            $0.approved = true; $0.opinion = "同意"
                        }))
            }
            #expect(notTheReviewer?.code == .permissionDenied)
            let reviewed = try await step(
                reviewer,
                .concludeLegalReview(
                    .with {
                        $0.approved = true; $0.opinion = "事实清楚，证据确凿，适用依据正确，程序合法"
                    }))
            #expect(reviewed.legalReviews.map { "\($0.reviewerID) \($0.approved)" } == ["F000003 true"])

            // 6. Decision, service in person, payment in two parts: closed when nothing is outstanding.
            let decided = try await step(
                squad,
                .decidePenalty(
                    .with {
                        $0.penalty = proposal; $0.reasons = "违反《社会团体登记管理条例》第三十条第一款第（一）项"; $0.approvedBy = "F000005"
                    }))
            #expect((decided.state, decided.decision.late, decided.decision.penalty.fineFen) == (.decided, false, 3_000_000))
            let served = try await step(
                squad,
                .serveDecision(
                    .with {
                        $0.method = .inPerson; $0.officers = ["F000001", "F000002"]
                    }))
            #expect((served.state, served.collection.outstandingFen) == (.executing, 3_000_000))
            #expect(served.collection.paymentDue.dueDate == LegalCalendar().deadline(.payment, from: today).dueDate.description)
            let deadlines = try await squad.listCaseDeadlines(.init())
            #expect(deadlines.overdue.isEmpty)
            let part = try await step(
                squad,
                .recordPayment(
                    .with {
                        $0.amountFen = 1_000_000; $0.receipt = "BANK-1203-1"
                    }))
            #expect((part.state, part.collection.paidFen, part.collection.outstandingFen) == (.executing, 1_000_000, 2_000_000))
            let paid = try await step(
                squad,
                .recordPayment(
                    .with {
                        $0.amountFen = 2_000_000; $0.receipt = "BANK-1203-2"
                    }))
            #expect((paid.state, paid.closedOn, paid.collection.outstandingFen) == (.closed, today.description, 0))
            let illegal = await rpcError { _ = try await step(squad, .requestHearing(.init())) }
            #expect(illegal?.code == .failedPrecondition)

            // 7. Published: the public reads it over both faces without a key.
            _ = try await step(squad, .publishDecision(.init()))
            let published = try await anyone.listPublishedDecisions(.init()).decisions
            #expect(
                published.map { "\($0.caseID) \($0.subjectName) \($0.creditCode) \($0.fineFen)" } == [
                    "C000001 安阳市文峰区围棋协会 \(EnforcementBureau.creditCode) 3000000"
                ])
            let feed = try await suite.http("POST", Self.rpc + "ListPublishedDecisions", body: "{}", token: nil)
            #expect(feed.status == 200 && feed.body.contains("社会团体登记管理条例 第三十条第一款第（一）项"), "\(feed.body)")
            #expect(await rpcError { _ = try await anyone.listCases(.init()) }?.code == .unauthenticated)

            // 8. The report: one referred lead filed, one case closed, the fine collected in full, 5 of 5 certified.
            let report = try await squad.getEnforcementReport(.init())
            let figures = Dictionary(uniqueKeysWithValues: report.lines.map { ("\($0.section).\($0.measure)", $0.value) })
            #expect(figures["leads.source_department_referral"] == 1 && figures["cases.state_closed"] == 1 && figures["decisions.legal_reviews"] == 1)
            #expect(figures["fines.imposed_fen"] == 3_000_000 && figures["fines.collected_fen"] == 3_000_000)
            #expect((report.certifiedRate, report.collectionRate, report.onTimeRate) == ("100.0", "100.0", "100.0"))
        } catch {
            for caller in callers { await caller.close() }
            await suite.stop()
            throw error
        }
        for caller in callers { await caller.close() }
        await suite.stop()
    }
}
