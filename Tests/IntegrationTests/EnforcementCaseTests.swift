import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EnforcementDomain
import EnforcementService
import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import Testing

/// An enforcement service over an in-memory database with the shipped legal-basis library, its
/// day set by the test.
struct EnforcementBureau {
    let handler: EnforcementHandler
    let database: any DatabaseWriter
    let clock: NIOLockedValueBox<CivilDate>

    static let county = "410502"
    /// 执法大队 of the county (no subject: the division's cases), the next county's, a leader.
    static let squad = Principal(id: "key-squad", roles: [.staff], services: ["enforcement"], division: county)
    static let neighbour = Principal(id: "key-next", roles: [.staff], services: ["enforcement"], division: "410503")
    static let leader = Principal(id: "key-leader", roles: [.leader], division: county)
    /// 市场监督管理局 as a department referring leads.
    static let market = Principal(id: "key-market", roles: [.department], services: ["enforcement"], subject: "安阳市市场监督管理局")
    /// The legal reviewer F000003's own key.
    static let reviewer = Principal(id: "key-rev", roles: [.staff], services: ["enforcement"], division: county, subject: "F000003")

    static func open(today: String = "2026-12-31") throws -> EnforcementBureau {
        let database = try CivicDatabase.inMemory(migrations: EnforcementService.definition.migrations)
        var settings = EnforcementSettings()
        settings.library = try LegalLibrary.load(directory: EnforcementSettings.shippedLibraryDirectory())
        let clock = NIOLockedValueBox(CivilDate(today)!)
        let handler = EnforcementHandler(
            store: EnforcementStore(database: database, calendar: settings.legalCalendar), settings: settings, today: { clock.withLockedValue { $0 } })
        return EnforcementBureau(handler: handler, database: database, clock: clock)
    }

    func context(_ principal: Principal? = EnforcementBureau.squad) -> RPCContext {
        var metadata: [String: String] = [MetadataKey.requestID: "req-test"]
        if let principal { metadata[MetadataKey.principal] = principal.encoded }
        return RPCContext(method: "", metadata: metadata, deadline: nil, logger: Logger(label: "test"))
    }

    static let creditCode = "51410502MJ0000101" + String(UnifiedSocialCreditCode.checkCharacter(for: "51410502MJ0000101")!)
    static let residentID = "41050219800101001" + String(ResidentID.checkCharacter(for: "41050219800101001")!)

    /// Two investigators, a legal reviewer, a hearing host and the head, certified 2025–2029.
    func registerOfficers() async throws {
        let officers: [(String, [Civic_Enforcement_V1_OfficerRole])] = [
            ("周强", [.investigator]), ("吴磊", [.investigator, .hearingHost]), ("郑律", [.legalReviewer]), ("王主持", [.hearingHost]), ("李局长", [.approver]),
        ]
        for (i, (name, roles)) in officers.enumerated() {
            _ = try await handler.registerOfficer(
                .with {
                    $0.officer = .with {
                        $0.name = name; $0.certificateNumber = "豫A0010\(i + 1)"; $0.certificateIssuedOn = "2025-01-01"
                        $0.certificateExpiresOn = "2029-12-31"; $0.roles = roles; $0.legalQualification = roles.contains(.legalReviewer)
                        $0.division = Self.county
                    }
                }, context: context())
        }
    }

    func step(_ id: String, on: String, as principal: Principal = EnforcementBureau.squad, _ step: Civic_Enforcement_V1_StepCaseRequest.OneOf_Step)
        async throws -> Civic_Enforcement_V1_EnforcementCase
    {
        try await handler.stepCase(
            .with {
                $0.id = id; $0.on = on; $0.step = step
            }, context: context(principal)
        ).case
    }
}

@Suite("Enforcement: officers, leads and a case from 立案 to 结案 over the wire types")
struct EnforcementCaseTests {
    typealias Bureau = EnforcementBureau

    @Test func officersAreRegisteredOnceAndCountedWhenCertified() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let bad = await domainRefusal {
            _ = try await h.registerOfficer(
                .with {
                    $0.officer = .with {
                        $0.name = " "; $0.certificateIssuedOn = "2026-01-01"; $0.certificateExpiresOn = "2025-12-31"; $0.roles = [.legalReviewer]
                        $0.division = Bureau.county
                    }
                }, context: bureau.context())
        }
        #expect(
            bad?.problems == ["name REQUIRED", "certificate_number REQUIRED", "certificate_expires_on BEFORE_ISSUE", "legal_qualification REQUIRED"])
        let elsewhere = await domainRefusal {
            _ = try await h.registerOfficer(.with { $0.officer = .with { $0.division = "410503" } }, context: bureau.context())
        }
        #expect(elsewhere?.kind == .permissionDenied)
        try await bureau.registerOfficers()
        let duplicate = await domainRefusal {
            _ = try await h.registerOfficer(
                .with {
                    $0.officer = .with {
                        $0.name = "重复"; $0.certificateNumber = "豫A00101"; $0.certificateIssuedOn = "2025-01-01"; $0.certificateExpiresOn = "2029-12-31"
                        $0.roles = [.investigator]; $0.division = Bureau.county
                    }
                }, context: bureau.context())
        }
        #expect(duplicate?.kind == .alreadyExists)

        // 周强 suspended: 4 of 5 certified, the reason audited.
        let noReason = await domainRefusal { _ = try await h.updateOfficer(.with { $0.id = "F000001" }, context: bureau.context()) }
        #expect(noReason?.problems == ["reason REQUIRED"])
        var officer = try await h.getOfficer(.with { $0.id = "F000001" }, context: bureau.context()).officer
        officer.status = .officerSuspended
        let suspended = try await h.updateOfficer(
            .with {
                $0.id = "F000001"; $0.officer = officer; $0.reason = "暂扣执法证"
            }, context: bureau.context()
        ).officer
        #expect((suspended.status, suspended.certifiedToday, suspended.certificateNumber) == (.officerSuspended, false, "豫A00101"))
        let listed = try await h.listOfficers(.init(), context: bureau.context())
        #expect((listed.page.totalCount, listed.certifiedCount) == (5, 4))
        #expect(try await h.listOfficers(.with { $0.role = .hearingHost }, context: bureau.context()).officers.map(\.name) == ["吴磊", "王主持"])
        let audit = try await bureau.database.read { db in
            try String.fetchAll(db, sql: "SELECT action || ' ' || reason FROM audit_log WHERE entity_id = 'F000001' ORDER BY id")
        }
        #expect(audit == ["register_officer ", "update_officer 暂扣执法证"])
    }

    @Test func aDepartmentRefersOnceAndReadsOnlyItsOwnReferrals() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let referral = Civic_Enforcement_V1_ReferLeadRequest.with {
            $0.subjectID = Bureau.residentID; $0.subjectName = "李明"; $0.summary = "以协会名义收取评比费用"; $0.division = Bureau.county
            $0.reference = "SCJG-2026-0912"
        }
        let first = try await h.referLead(referral, context: bureau.context(Bureau.market)).lead
        #expect((first.id, first.source, first.referredBy, first.state) == ("L000001", .departmentReferral, "安阳市市场监督管理局", .leadReceived))
        // Masked for the department; 15 working days from 31 December 2026 counted on a provisional 2027.
        #expect(first.subject.id == "410502********" + Bureau.residentID.suffix(4))
        let again = try await h.referLead(referral, context: bureau.context(Bureau.market)).lead
        #expect(again.id == "L000001")
        let bad = await domainRefusal {
            _ = try await h.referLead(
                .with {
                    $0.subjectID = "123"; $0.division = Bureau.county
                }, context: bureau.context(Bureau.market))
        }
        #expect(bad?.problems == ["reference REQUIRED"])
        let badSubject = await domainRefusal {
            _ = try await h.referLead(
                .with {
                    $0.subjectID = "123"; $0.division = Bureau.county; $0.reference = "X"
                }, context: bureau.context(Bureau.market))
        }
        #expect(badSubject?.problems == ["subject.name REQUIRED", "subject.id BAD_ID"])

        _ = try await h.recordLead(
            .with {
                $0.source = .inspection; $0.subjectID = Bureau.creditCode; $0.subjectName = "安阳市文峰区围棋协会"; $0.summary = "检查发现超范围活动"
                $0.division = Bureau.county; $0.receivedOn = "2026-09-01"
            }, context: bureau.context())
        let own = try await h.listLeads(.init(), context: bureau.context(Bureau.market))
        #expect(own.leads.map(\.id) == ["L000001"])
        let notTheirs = await domainRefusal { _ = try await h.getLead(.with { $0.id = "L000002" }, context: bureau.context(Bureau.market)) }
        #expect(notTheirs?.kind == .permissionDenied)
        #expect(try await h.listLeads(.init(), context: bureau.context()).page.totalCount == 2)
        // The staff lead, received on 1 September, ran out on 21 September (the 调休 Sunday 20th counted): overdue.
        #expect(try await h.listLeads(.with { $0.overdueOnly = true }, context: bureau.context()).leads.map(\.id) == ["L000002"])
        let decided = try await h.decideLead(
            .with {
                $0.id = "L000002"; $0.state = .leadNotFiled; $0.outcome = "系会员内部活动，不属于违法行为"; $0.on = "2026-09-20"
            }, context: bureau.context()
        ).lead
        #expect((decided.state, decided.decidedOn) == (.leadNotFiled, "2026-09-20"))
        let filedHere = await domainRefusal {
            _ = try await h.decideLead(
                .with {
                    $0.id = "L000001"; $0.state = .leadFiled; $0.outcome = "C1"
                }, context: bureau.context())
        }
        #expect(filedHere?.problems == ["state NOT_AN_OUTCOME"])

        // Another Civic service's key refers as a service and, like a department, reads only its own referrals, masked.
        let eldercare = Principal(id: "key-eldercare", roles: [.service], services: ["enforcement"], subject: "eldercare")
        let referred = try await h.referLead(
            .with {
                $0.subjectID = Bureau.creditCode; $0.subjectName = "文峰区颐养院"; $0.summary = "重大安全隐患逾期未整改"; $0.division = Bureau.county
                $0.reference = "eldercare-finding:N000001/A-01"
            }, context: bureau.context(eldercare)
        ).lead
        #expect((referred.id, referred.source, referred.referredBy) == ("L000003", .serviceReferral, "eldercare"))
        #expect(try await h.listLeads(.init(), context: bureau.context(eldercare)).leads.map(\.id) == ["L000003"])
        let others = await domainRefusal { _ = try await h.getLead(.with { $0.id = "L000001" }, context: bureau.context(eldercare)) }
        #expect(others?.kind == .permissionDenied)
        let filing = await domainRefusal { _ = try await h.listCases(.init(), context: bureau.context(eldercare)) }
        #expect(filing?.kind == .permissionDenied)
    }

    /// A lead filed, investigated with a preservation, noticed within the benchmark, heard, reviewed
    /// by the reviewer's own key, decided, served, paid, published, revoked and withdrawn.
    @Test func fromLeadToPublicationWithEveryGate() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        try await bureau.registerOfficers()
        _ = try await h.recordLead(
            .with {
                $0.source = .inspection; $0.subjectID = Bureau.creditCode; $0.subjectName = "安阳市文峰区围棋协会"; $0.summary = "以协会名义收取评比费用"
                $0.division = Bureau.county; $0.receivedOn = "2026-08-25"
            }, context: bureau.context())
        let badFiling = await domainRefusal {
            _ = try await h.fileCase(
                .with {
                    $0.leadID = "L000001"; $0.violationCodes = ["SHTT-99"]
                }, context: bureau.context())
        }
        #expect(badFiling?.problems == ["violation_codes UNKNOWN", "act_ended_on REQUIRED"])
        let filed = try await h.fileCase(
            .with {
                $0.leadID = "L000001"; $0.violationCodes = ["SHTT-30-1"]; $0.summary = "以协会名义组织评比并收取费用"; $0.actEndedOn = "2026-08-20"
                $0.filedOn = "2026-09-01"; $0.approvedBy = "F000005"; $0.investigators = ["F000001", "F000002"]
                $0.subjectRegistration = "登记状态：正常（organizations，2026-09-01）"
            }, context: bureau.context()
        ).case
        #expect((filed.id, filed.state, filed.subject.name, filed.nextDeadline.kind) == ("C000001", .investigating, "安阳市文峰区围棋协会", .decision))
        #expect(filed.nextDeadline.deadline.dueDate == "2026-11-30")
        let lead = try await h.getLead(.with { $0.id = "L000001" }, context: bureau.context()).lead
        #expect((lead.state, lead.outcome) == (.leadFiled, "C000001"))
        let twice = await domainRefusal {
            _ = try await h.fileCase(
                .with {
                    $0.leadID = "L000001"; $0.violationCodes = ["SHTT-30-1"]; $0.summary = "x"; $0.actEndedOn = "2026-08-20"; $0.approvedBy = "F000005"
                    $0.investigators = ["F000001", "F000002"]
                }, context: bureau.context())
        }
        #expect(twice?.problems == ["lead_id INVALID_STATE"])

        _ = try await bureau.step(
            "C000001", on: "2026-09-03",
            .addEvidence(
                .with {
                    $0.description_p = "现场检查笔录"; $0.officers = ["F000001", "F000002"]; $0.preservedItems = "收费收据 12 张"
                }))
        _ = try await bureau.step(
            "C000001", on: "2026-09-10",
            .decidePreservation(
                .with {
                    $0.number = 1; $0.decision = "解除先行登记保存"
                }))

        // The proposal must stay within the benchmark for the facts: 较重, 20,000–40,000 元 (1–2× turnover).
        let facts = Civic_Enforcement_V1_ViolationFacts.with {
            $0.gainsFen = 500_000; $0.turnoverFen = 2_000_000
        }
        let outside = await domainRefusal {
            _ = try await bureau.step(
                "C000001", on: "2026-09-16",
                .serveNotice(
                    .with {
                        $0.facts = facts; $0.officers = ["F000001", "F000002"]
                        $0.proposal = .with {
                            $0.penalties = [.warning, .fine, .revocation]; $0.fineFen = 6_000_000
                        }
                    }))
        }
        #expect((outside?.kind, outside?.problems) == (.failedPrecondition, ["penalties NOT_IN_TIER", "fine OUTSIDE_RANGE"]))
        let proposal = Civic_Enforcement_V1_ProposedPenalty.with {
            $0.penalties = [.warning, .fine, .confiscation, .activitiesSuspension]; $0.fineFen = 4_000_000; $0.confiscatedFen = 500_000
            $0.suspensionMonths = 3
        }
        let noticed = try await bureau.step(
            "C000001", on: "2026-09-16",
            .serveNotice(
                .with {
                    $0.facts = facts; $0.officers = ["F000001", "F000002"]; $0.proposal = proposal
                }))
        #expect((noticed.state, noticed.notice.hearingRight, noticed.notice.replyDue.dueDate) == (.noticed, true, "2026-09-22"))
        #expect((noticed.notice.proposal.tier, noticed.notice.proposal.legalReviewRequired, noticed.legalReviewRequired) == ("较重", true, true))

        _ = try await bureau.step("C000001", on: "2026-09-22", .requestHearing(.init()))
        let host = await domainRefusal {
            _ = try await bureau.step(
                "C000001", on: "2026-09-23",
                .scheduleHearing(
                    .with {
                        $0.date = "2026-10-12"; $0.host = "F000002"; $0.isPublic = true
                    }))
        }
        #expect(host?.problems == ["hearing_host IS_INVESTIGATOR"])
        _ = try await bureau.step(
            "C000001", on: "2026-09-23",
            .scheduleHearing(
                .with {
                    $0.date = "2026-10-12"; $0.host = "F000004"; $0.isPublic = true
                }))
        let heard = try await bureau.step("C000001", on: "2026-10-12", .holdHearing(.with { $0.record = "听证笔录" }))
        #expect((heard.state, heard.clocks.first { $0.kind == .decision }?.deadline.dueDate) == (.deliberating, "2026-12-21"))

        // 法制审核: the reviewer's own key concludes it; the squad's key cannot.
        _ = try await bureau.step("C000001", on: "2026-10-13", .sendForLegalReview(.with { $0.reviewer = "F000003" }))
        let notTheReviewer = await domainRefusal {
            _ = try await bureau.step(
                "C000001", on: "2026-10-15",
                .concludeLegalReview(
                    .with {
                        $0.approved = true; $0.opinion = "同意"
                    }))
        }
        #expect(notTheReviewer?.kind == .permissionDenied)
        let reviewed = try await bureau.step(
            "C000001", on: "2026-10-15", as: Bureau.reviewer,
            .concludeLegalReview(
                .with {
                    $0.approved = true; $0.opinion = "事实清楚，证据确凿，程序合法"
                }))
        #expect((reviewed.state, reviewed.legalReviews.map(\.reviewerID)) == (.deliberating, ["F000003"]))

        // A case the reviewer was never sent: out of its reach, and its key does nothing but conclude reviews.
        let spot = try await h.recordOnTheSpotPenalty(
            .with {
                $0.division = Bureau.county; $0.subjectID = Bureau.residentID; $0.subjectName = "李明"; $0.violationCode = "MFQY-25-4"
                $0.summary = "未按规定办理变更登记"; $0.on = "2026-10-15"; $0.penalties = [.warning]; $0.officers = ["F000001", "F000002"]
            }, context: bureau.context()
        ).case
        #expect((spot.id, spot.state, spot.simpleProcedure) == ("C000002", .closed, true))
        let hidden = await domainRefusal { _ = try await h.getCase(.with { $0.id = "C000002" }, context: bureau.context(Bureau.reviewer)) }
        #expect(hidden?.kind == .permissionDenied)
        #expect(try await h.listCases(.init(), context: bureau.context(Bureau.reviewer)).cases.map(\.id) == ["C000001"])
        let reviewerStep = await domainRefusal {
            _ = try await bureau.step("C000001", on: "2026-10-16", as: Bureau.reviewer, .recordStatement(.with { $0.text = "x" }))
        }
        #expect(reviewerStep?.kind == .permissionDenied)
        let neighbour = await domainRefusal { _ = try await h.getCase(.with { $0.id = "C000001" }, context: bureau.context(Bureau.neighbour)) }
        #expect(neighbour?.kind == .permissionDenied)

        let decided = try await bureau.step(
            "C000001", on: "2026-10-16",
            .decidePenalty(
                .with {
                    $0.penalty = proposal; $0.reasons = "违反《社会团体登记管理条例》第三十条第一款第（一）项"; $0.approvedBy = "F000005"
                }))
        #expect((decided.state, decided.decision.late, decided.decision.penalty.tier) == (.decided, false, "较重"))
        let served = try await bureau.step(
            "C000001", on: "2026-10-19",
            .serveDecision(
                .with {
                    $0.method = .inPerson; $0.officers = ["F000001", "F000002"]
                }))
        #expect((served.state, served.collection.paymentDue.dueDate) == (.executing, "2026-11-03"))

        // Nothing changes on an illegal move.
        let before = try await h.getCase(.with { $0.id = "C000001" }, context: bureau.context()).case
        let illegal = await domainRefusal {
            _ = try await bureau.step("C000001", on: "2026-10-20", .requestHearing(.init()))
        }
        #expect((illegal?.kind, illegal?.problems) == (.failedPrecondition, ["state INVALID_STATE"]))
        #expect(try await h.getCase(.with { $0.id = "C000001" }, context: bureau.context()).case == before)

        let paid = try await bureau.step(
            "C000001", on: "2026-11-03",
            .recordPayment(
                .with {
                    $0.amountFen = 4_000_000; $0.receipt = "BANK-0001"
                }))
        #expect((paid.state, paid.collection.outstandingFen, paid.closedOn) == (.closed, 0, "2026-11-03"))

        // Published: the organization in full; the public list carries only what the law requires.
        _ = try await bureau.step("C000001", on: "2026-11-05", .publishDecision(.init()))
        let published = try await h.listPublishedDecisions(.init(), context: bureau.context(nil)).decisions
        #expect(published.count == 1)
        #expect(
            (published[0].subjectName, published[0].creditCode, published[0].legalBases, published[0].fineFen)
                == ("安阳市文峰区围棋协会", Bureau.creditCode, ["社会团体登记管理条例 第三十条第一款第（一）项"], 4_000_000))

        // Revoked on Tuesday 10 November: withdrawal due Friday 13 November; on the 16th it is overdue.
        _ = try await bureau.step(
            "C000001", on: "2026-11-10",
            .revokeDecision(
                .with {
                    $0.by = "安阳市人民政府"; $0.reason = "复议决定撤销"
                }))
        bureau.clock.withLockedValue { $0 = CivilDate("2026-11-16")! }
        let sweep = try await h.listCaseDeadlines(.init(), context: bureau.context())
        #expect(sweep.overdue.map { "\($0.caseID) \($0.clock.kind) \($0.clock.deadline.dueDate)" } == ["C000001 publicationWithdrawal 2026-11-13"])
        let withdrawn = try await bureau.step(
            "C000001", on: "2026-11-16", .withdrawPublication(.with { $0.reason = "处罚决定已被撤销" }))
        #expect(withdrawn.publication.withdrawnOn == "2026-11-16")
        let after = try await h.listPublishedDecisions(.init(), context: bureau.context(nil)).decisions
        #expect((after[0].withdrawnOn, after[0].penalties, after[0].fineFen) == ("2026-11-16", [], 0))
        #expect(try await h.listCaseDeadlines(.init(), context: bureau.context()).overdue.isEmpty)

        // Every change audited, in order.
        let audit = try await bureau.database.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM audit_log WHERE entity_id = 'C000001' ORDER BY id")
        }
        #expect(
            audit == [
                "file_case", "add_evidence", "decide_preservation", "serve_notice", "request_hearing", "schedule_hearing", "hold_hearing",
                "send_for_legal_review", "conclude_legal_review", "decide_penalty", "serve_decision", "record_payment", "publish_decision",
                "revoke_decision", "withdraw_publication",
            ])
    }

    @Test func theDailySweepListsOverdueAndDueSoonClocks() async throws {
        let bureau = try Bureau.open(today: "2026-10-20")
        let h = bureau.handler
        try await bureau.registerOfficers()
        for (subject, filedOn) in [("安阳市文峰区围棋协会", "2026-07-01"), ("安阳市文峰区象棋协会", "2026-10-01")] {
            _ = try await h.fileCase(
                .with {
                    $0.division = Bureau.county; $0.subjectID = Bureau.creditCode; $0.subjectName = subject; $0.violationCodes = ["SHTT-30-4"]
                    $0.summary = "未按规定办理变更登记"; $0.actEndedOn = "2026-06-30"; $0.filedOn = filedOn; $0.approvedBy = "F000005"
                    $0.investigators = ["F000001", "F000002"]
                }, context: bureau.context())
        }
        // C000001's preservation of 12 October is due on the 21st (7 working days, 国庆 behind it).
        _ = try await bureau.step(
            "C000002", on: "2026-10-12",
            .addEvidence(
                .with {
                    $0.description_p = "账簿"; $0.officers = ["F000001", "F000002"]; $0.preservedItems = "会计账簿"
                }))
        // Filed on 1 July: the decision was due 90 days later, on 29 September.
        let sweep = try await h.listCaseDeadlines(.with { $0.dueWithinDays = 7 }, context: bureau.context())
        #expect(sweep.overdue.map { "\($0.caseID) \($0.clock.kind) \($0.clock.deadline.dueDate)" } == ["C000001 decision 2026-09-29"])
        #expect(sweep.dueSoon.map { "\($0.caseID) \($0.clock.kind) \($0.clock.deadline.dueDate)" } == ["C000002 preservation 2026-10-21"])
        let bad = await domainRefusal { _ = try await h.listCaseDeadlines(.with { $0.dueWithinDays = 91 }, context: bureau.context()) }
        #expect(bad?.problems == ["due_within_days OUT_OF_RANGE"])
        #expect(try await h.listCaseDeadlines(.init(), context: bureau.context(Bureau.neighbour)).overdue.isEmpty)
    }

    /// The sweep reads the stored clocks: a clock that moves daily (testing time running) is
    /// recomputed each day, a past reply window is never overdue, the lists stop at `limit` with the
    /// totals counting all, and a new calendar recounts every stored clock at start.
    @Test func theSweepReadsStoredClocksAndRecountsThemWhenTheCalendarChanges() async throws {
        let bureau = try Bureau.open(today: "2026-10-20")
        let h = bureau.handler
        try await bureau.registerOfficers()
        for filedOn in ["2026-07-01", "2026-07-02", "2026-07-10", "2026-10-01"] {
            _ = try await h.fileCase(
                .with {
                    $0.division = Bureau.county; $0.subjectID = Bureau.residentID; $0.subjectName = "李明"; $0.violationCodes = ["SHTT-30-4"]
                    $0.summary = "未按规定办理变更登记"; $0.actEndedOn = "2026-06-30"; $0.filedOn = filedOn; $0.approvedBy = "F000005"
                    $0.investigators = ["F000001", "F000002"]
                }, context: bureau.context())
        }
        // C000003: testing from 5 October; 90 days from 10 July end on 8 October, 16 excluded days later.
        _ = try await bureau.step("C000003", on: "2026-10-05", .startExcludedTime(.with { $0.kind = .testing }))
        // C000004: noticed today, 20 October; its window runs to the 27th.
        _ = try await bureau.step(
            "C000004", on: "2026-10-20",
            .serveNotice(
                .with {
                    $0.officers = ["F000001", "F000002"]; $0.proposal = .with { $0.penalties = [.warning] }
                }))
        func listed(_ entries: [Civic_Enforcement_V1_CaseDeadline]) -> [String] {
            entries.map { "\($0.caseID) \($0.clock.kind) \($0.clock.deadline.legalDate) \($0.clock.deadline.dueDate)" }
        }
        var sweep = try await h.listCaseDeadlines(.init(), context: bureau.context())
        #expect(listed(sweep.overdue) == ["C000001 decision 2026-09-29 2026-09-29", "C000002 decision 2026-09-30 2026-09-30"])
        #expect(listed(sweep.dueSoon) == ["C000003 decision 2026-10-24 2026-10-26", "C000004 reply 2026-10-27 2026-10-27"])
        #expect((sweep.overdueTotal, sweep.dueSoonTotal) == (2, 2))
        #expect(sweep.overdue[0].subject.name == "李明" && sweep.overdue[0].subject.id != Bureau.residentID)
        let stored = try await bureau.database.read { db in
            try String.fetchAll(db, sql: "SELECT case_id || ' ' || kind || ' ' || due_date FROM case_clocks ORDER BY case_id, ordinal")
        }
        #expect(
            stored == [
                "C000001 decision 2026-09-29", "C000002 decision 2026-09-30", "C000003 decision 2026-10-26", "C000004 reply 2026-10-27",
                "C000004 decision 2026-12-30",
            ])

        // Two days on, nothing saved: the moving clock has moved; the limit cuts the list, not the total.
        bureau.clock.withLockedValue { $0 = CivilDate("2026-10-22")! }
        sweep = try await h.listCaseDeadlines(.with { $0.limit = 1 }, context: bureau.context())
        #expect(listed(sweep.overdue) == ["C000001 decision 2026-09-29 2026-09-29"])
        #expect(listed(sweep.dueSoon) == ["C000003 decision 2026-10-26 2026-10-26"])
        #expect((sweep.overdueTotal, sweep.dueSoonTotal) == (2, 2))
        // On the 28th the reply window has closed unanswered: met, never overdue.
        bureau.clock.withLockedValue { $0 = CivilDate("2026-10-28")! }
        sweep = try await h.listCaseDeadlines(.init(), context: bureau.context())
        #expect(listed(sweep.overdue) == ["C000001 decision 2026-09-29 2026-09-29", "C000002 decision 2026-09-30 2026-09-30"])
        #expect(listed(sweep.dueSoon) == ["C000003 decision 2026-11-01 2026-11-02"])
        let bad = await domainRefusal { _ = try await h.listCaseDeadlines(.with { $0.limit = 1_001 }, context: bureau.context()) }
        #expect(bad?.problems == ["limit OUT_OF_RANGE"])

        // A county calendar with 29 September a holiday: the stored clocks are recounted once at start.
        let standard = WorkingCalendar.standard
        let county = LegalCalendar(
            WorkingCalendar(
                holidays: standard.holidays.union([CivilDate("2026-09-29")!]), adjustedWorkingDays: standard.adjustedWorkingDays,
                officialYears: standard.officialYears))
        #expect(try EnforcementStore(database: bureau.database).refreshClocks(today: CivilDate("2026-10-22")!) == 4)
        let store = EnforcementStore(database: bureau.database, calendar: county)
        #expect(try store.refreshClocks(today: CivilDate("2026-10-22")!) == 4)
        #expect(try store.refreshClocks(today: CivilDate("2026-10-22")!) == 0)
        let recounted = try await store.caseDeadlines(
            CaseClockSweep(today: CivilDate("2026-10-22")!, horizon: CivilDate("2026-10-29")!, calendar: county), reach: .within(nil), limit: 10)
        #expect(recounted.overdue.map { "\($0.caseID) \($0.clock.deadline.dueDate)" } == ["C000001 2026-09-30", "C000002 2026-09-30"])
        #expect(recounted.overdue[0].clock.deadline.rule.contains("2026-09-29 is a rest day"))
        // A database migrated to enforcement-003 has cases and no stored clocks: the first start fills them.
        try await bureau.database.write { db in try db.execute(sql: "DELETE FROM case_clocks; DELETE FROM enforcement_derivations") }
        #expect(try store.refreshClocks(today: CivilDate("2026-10-22")!) == 4)
        let refilled = try await bureau.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_clocks") }
        #expect(refilled == 5)
    }
}

@Suite("Enforcement: joint operations and the report")
struct EnforcementOperationsTests {
    typealias Bureau = EnforcementBureau

    @Test func casesJoinAnOperationOnceWithPartnersAndTheReportCountsThem() async throws {
        let bureau = try Bureau.open(today: "2026-11-30")
        let h = bureau.handler
        try await bureau.registerOfficers()
        let bad = await domainRefusal {
            _ = try await h.createJointOperation(
                .with {
                    $0.operation = .with {
                        $0.name = " "; $0.division = Bureau.county; $0.startedOn = "2026-09-01"; $0.endsOn = "2026-08-01"; $0.partners = ["a", "a"]
                    }
                }, context: bureau.context())
        }
        #expect(bad?.problems == ["name REQUIRED", "partners DUPLICATE", "ends_on BEFORE_START"])
        let operation = try await h.createJointOperation(
            .with {
                $0.operation = .with {
                    $0.name = "行业协会商会联合执法检查"; $0.division = Bureau.county; $0.startedOn = "2026-09-01"; $0.endsOn = "2026-12-31"
                    $0.partners = ["安阳市市场监督管理局", "安阳市公安局"]
                }
            }, context: bureau.context()
        ).operation
        #expect(operation.id == "J000001")
        func file(_ name: String, partners: [String], operation: String = "J000001", on: String = "2026-09-10") -> Civic_Enforcement_V1_FileCaseRequest {
            .with {
                $0.division = Bureau.county; $0.subjectID = Bureau.creditCode; $0.subjectName = name; $0.violationCodes = ["SHTT-30-8"]
                $0.summary = "违规收费"; $0.actEndedOn = "2026-08-31"; $0.filedOn = on; $0.approvedBy = "F000005"
                $0.investigators = ["F000001", "F000002"]; $0.jointOperationID = operation; $0.jointPartners = partners
            }
        }
        _ = try await h.fileCase(file("甲协会", partners: ["安阳市市场监督管理局"]), context: bureau.context())
        _ = try await h.fileCase(file("乙协会", partners: ["安阳市市场监督管理局", "安阳市公安局"]), context: bureau.context())
        let stranger = await domainRefusal { _ = try await h.fileCase(file("丙协会", partners: ["税务局"]), context: bureau.context()) }
        #expect((stranger?.kind, stranger?.problems) == (.failedPrecondition, ["joint_partners NOT_A_PARTNER"]))
        let unknown = await domainRefusal { _ = try await h.fileCase(file("丙协会", partners: [], operation: "J000009"), context: bureau.context()) }
        #expect(unknown?.problems == ["joint_operation_id UNKNOWN"])
        let early = await domainRefusal { _ = try await h.fileCase(file("丙协会", partners: [], on: "2026-08-31"), context: bureau.context()) }
        #expect(early?.problems == ["joint_operation_id NOT_ACTIVE"])
        // One case without the operation, decided with no penalty.
        _ = try await h.fileCase(file("丁协会", partners: [], operation: ""), context: bureau.context())
        _ = try await bureau.step(
            "C000003", on: "2026-09-20",
            .decideWithoutPenalty(
                .with {
                    $0.outcome = .notEstablished; $0.reasons = "证据不足"; $0.approvedBy = "F000005"
                }))

        let figures = try await h.getJointOperation(.with { $0.id = "J000001" }, context: bureau.context()).operation.figures
        #expect(figures.cases == 2)
        #expect(figures.partners.map { "\($0.partner) \($0.cases)" } == ["安阳市市场监督管理局 2", "安阳市公安局 1"])
        #expect(try await h.listJointOperations(.with { $0.activeOn = "2027-01-01" }, context: bureau.context()).operations.isEmpty)

        // 4 of 8 posts certified (S001: 50.0); 1 decision, on time; the operation's 2 of 3 cases.
        var officer = try await h.getOfficer(.with { $0.id = "F000004" }, context: bureau.context()).officer
        officer.status = .officerWithdrawn
        _ = try await h.updateOfficer(
            .with {
                $0.id = "F000004"; $0.officer = officer; $0.reason = "调离"
            }, context: bureau.context())
        let report = try await h.getEnforcementReport(.with { $0.posts = 8 }, context: bureau.context())
        #expect(
            (report.from, report.through, report.certifiedRate, report.onTimeRate, report.collectionRate) == (
                "2026-01-01", "2026-11-30", "50.0", "100.0", "0.0"
            ))
        func line(_ section: String, _ measure: String) -> String? {
            report.lines.first { $0.section == section && $0.measure == measure }.map { "\($0.value)/\($0.whole) \($0.percent)" }
        }
        #expect(line("cases", "filed") == "3/0 ")
        #expect(line("cases", "source_direct") == "3/3 100.0")
        #expect(line("cases_by_violation", "SHTT-30-8") == "3/3 100.0")
        #expect(line("decisions", "outcome_not_established") == "1/1 100.0")
        #expect(line("joint_operations", "cases") == "2/3 66.7")
        #expect(line("officers", "certified") == "4/8 50.0")
        #expect(report.csv.hasPrefix("section,measure,value,whole,percent\nleads,received,0,,\n"))
        #expect(report.csv.contains("joint_operations,cases,2,3,66.7\n"))
        let backwards = await domainRefusal {
            _ = try await h.getEnforcementReport(
                .with {
                    $0.from = "2026-12-01"; $0.through = "2026-11-01"; $0.posts = -1
                }, context: bureau.context())
        }
        #expect(backwards?.problems == ["from AFTER_THROUGH", "posts NEGATIVE"])
    }
}
