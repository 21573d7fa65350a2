import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import OrganizationsDomain
import OrganizationsService
import Testing

extension OrgBureau {
    /// Files body `id`'s report on `year` through its sponsor and concludes it `result`.
    func fileAnnualInspection(_ id: String, year: Int32, result: Civic_Organizations_V1_AnnualInspectionResult, concludedOn: String) async throws {
        let h = handler
        _ = try await h.submitAnnualReport(
            .with {
                $0.organizationID = id; $0.year = year; $0.stage = .sponsor; $0.submittedOn = "\(year + 1)-03-10"; $0.submittedBy = "李明"
                $0.documents = ["年度工作报告书"]
            }, context: context())
        _ = try await h.reviewAnnualReport(
            .with {
                $0.organizationID = id; $0.year = year; $0.reviewedOn = "\(year + 1)-03-15"; $0.opinion = "同意"
            }, context: context(OrgBureau.sports))
        _ = try await h.submitAnnualReport(
            .with {
                $0.organizationID = id; $0.year = year; $0.stage = .registrar; $0.submittedOn = "\(year + 1)-03-20"; $0.submittedBy = "李明"
                $0.documents = ["年度工作报告书"]
            }, context: context())
        _ = try await h.concludeAnnualInspection(
            .with {
                $0.organizationID = id; $0.year = year; $0.result = result; $0.concludedOn = concludedOn
                $0.note = result == .qualified ? "" : "财务制度不健全"
            }, context: context())
    }
}

@Suite("Organizations: 1A–5A evaluation")
struct OrganizationsEvaluationTests {
    typealias Bureau = OrgBureau
    /// 评估专家 孙倩 (also the county's registration clerk) and 王评.
    static let scorers = ["孙倩", "王评"]

    /// Eligibility read from the register, the whole application from apply to award, the 复核
    /// decided by someone who did not score, and the grade held afterwards.
    @Test func fromEligibilityToAnAwardedGrade() async throws {
        let bureau = try Bureau.open(today: "2026-11-20")
        let h = bureau.handler
        let go = try await bureau.register()
        let itself = Principal(id: "key-go", roles: [.operator], services: ["organizations"], subject: go.creditCode)

        // No 年检 on 2025 and an investigation open: every reason at once, nothing stored.
        let investigation = try await h.openInvestigation(
            .with {
                $0.organizationID = go.id; $0.authority = "安阳市文峰区市场监督管理局"; $0.reference = "文市监立〔2026〕12号"; $0.openedOn = "2026-04-01"
            }, context: bureau.context()
        ).investigation
        #expect((investigation.id, investigation.closedOn) == ("V000001", ""))
        let check = try await h.checkEvaluationEligibility(
            .with {
                $0.organizationID = go.id; $0.on = "2026-05-20"
            }, context: bureau.context(itself))
        #expect(!check.eligible)
        #expect(check.problems.map { "\($0.field) \($0.reason)" } == ["inspections NOT_FILED", "under_investigation UNDER_INVESTIGATION"])
        #expect((check.purpose, check.firstEligibleOn, check.currentGrade) == (.firstEvaluation, "2023-01-01", 0))
        let refused = await domainRefusal {
            _ = try await h.applyForEvaluation(
                .with {
                    $0.organizationID = go.id; $0.appliedOn = "2026-05-20"
                }, context: bureau.context())
        }
        #expect(refused?.problems == ["inspections NOT_FILED", "under_investigation UNDER_INVESTIGATION"])
        #expect(try await h.listEvaluations(.init(), context: bureau.context()).page.totalCount == 0)

        try await bureau.fileAnnualInspection(go.id, year: 2025, result: .qualified, concludedOn: "2026-04-10")
        let closed = try await h.closeInvestigation(
            .with {
                $0.id = "V000001"; $0.closedOn = "2026-05-06"; $0.outcome = "不予立案"
            }, context: bureau.context()
        ).investigation
        #expect((closed.closedOn, closed.outcome) == ("2026-05-06", "不予立案"))
        let twice = await domainRefusal {
            _ = try await h.closeInvestigation(
                .with {
                    $0.id = "V000001"; $0.outcome = "x"
                }, context: bureau.context())
        }
        #expect(twice?.problems == ["closed_on ALREADY_CLOSED"])

        let applied = try await h.applyForEvaluation(
            .with {
                $0.organizationID = go.id; $0.appliedOn = "2026-05-20"
            }, context: bureau.context()
        ).application
        #expect((applied.id, applied.state, applied.purpose, applied.organizationName) == ("E000001", .evaluationApplied, .firstEvaluation, go.name))
        let again = await domainRefusal { _ = try await h.applyForEvaluation(.with { $0.organizationID = go.id }, context: bureau.context()) }
        #expect((again?.kind, again?.problems) == (.failedPrecondition, ["organization_id APPLICATION_OPEN"]))

        // One assessor is not enough; two score 905 (5A).
        let alone = await domainRefusal {
            _ = try await h.scoreEvaluation(
                .with {
                    $0.id = "E000001"; $0.total = 905; $0.scorers = ["孙倩", " 孙倩 "]; $0.scoredOn = "2026-05-28"
                }, context: bureau.context())
        }
        #expect(alone?.problems == ["scorers TOO_FEW"])
        let scored = try await h.scoreEvaluation(
            .with {
                $0.id = "E000001"; $0.total = 905; $0.scorers = Self.scorers; $0.scoredOn = "2026-05-28"
            }, context: bureau.context()
        ).application
        #expect((scored.state, scored.total, scored.scoredGrade, scored.scorers) == (.evaluationScored, 905, 5, ["孙倩", "王评"]))

        // 公示 from Monday 1 June: 5 working days end Monday 8 June.
        let published = try await h.publishEvaluation(
            .with {
                $0.id = "E000001"; $0.on = "2026-06-01"
            }, context: bureau.context()
        ).application
        #expect((published.state, published.noticeStartedOn, published.noticeEndsOn) == (.evaluationPublicNotice, "2026-06-01", "2026-06-08"))

        // The body asks for a 复核 with its own key; a scorer may not decide it; a leader lowers it to 880.
        let requested = try await h.requestEvaluationReview(
            .with {
                $0.id = "E000001"; $0.on = "2026-06-03"; $0.grounds = "服务绩效得分有误"
            }, context: bureau.context(itself)
        ).application
        #expect((requested.state, requested.review.grounds) == (.evaluationReviewRequested, "服务绩效得分有误"))
        let pending = await domainRefusal {
            _ = try await h.decideEvaluation(
                .with {
                    $0.id = "E000001"; $0.on = "2026-06-09"
                }, context: bureau.context())
        }
        #expect(pending?.problems == ["review REVIEW_PENDING"])
        let scorer = await domainRefusal {
            _ = try await h.decideEvaluationReview(
                .with {
                    $0.id = "E000001"; $0.on = "2026-06-05"; $0.revisedTotal = 880
                }, context: bureau.context())
        }
        #expect((scorer?.kind, scorer?.problems) == (.permissionDenied, ["decided_by SCORER_CANNOT_DECIDE"]))
        let leader = Principal(id: "key-leader", roles: [.leader], services: ["organizations"], division: Bureau.county, subject: "赵局长")
        let decided = try await h.decideEvaluationReview(
            .with {
                $0.id = "E000001"; $0.on = "2026-06-05"; $0.revisedTotal = 880
            }, context: bureau.context(leader)
        ).application
        // 15 days from 5 June is Saturday 20 June: the notice is due the next working day.
        #expect(
            (decided.state, decided.total, decided.scoredGrade, decided.review.decidedBy, decided.review.noticeDueOn)
                == (.evaluationPublicNotice, 880, 4, "赵局长", "2026-06-22"))
        _ = try await h.recordEvaluationReviewNotice(
            .with {
                $0.id = "E000001"; $0.on = "2026-06-10"
            }, context: bureau.context())

        let running = await domainRefusal {
            _ = try await h.decideEvaluation(
                .with {
                    $0.id = "E000001"; $0.on = "2026-06-08"
                }, context: bureau.context())
        }
        #expect(running?.problems == ["decided_on NOTICE_RUNNING"])
        let awarded = try await h.decideEvaluation(
            .with {
                $0.id = "E000001"; $0.on = "2026-06-09"
            }, context: bureau.context(leader)
        ).application
        #expect((awarded.state, awarded.awardedGrade, awarded.validUntil) == (.evaluationAwarded, 4, "2031-06-09"))
        #expect(awarded.review.notifiedOn == "2026-06-10" && !awarded.review.noticeWasLate)

        // The grade is held: a new application waits for the upgrade window.
        let after = try await h.checkEvaluationEligibility(.with { $0.organizationID = go.id }, context: bureau.context(Bureau.sports))
        #expect((after.currentGrade, after.currentGradeValidUntil, after.purpose) == (4, "2031-06-09", .upgrade))
        #expect(after.problems.map { "\($0.field) \($0.reason)" } == ["last_award GRADE_STILL_VALID"])

        // Who sees it: the sponsor and the body, not another sponsor; the history is audited.
        #expect(try await h.listEvaluations(.init(), context: bureau.context(Bureau.sports)).applications.map(\.id) == ["E000001"])
        #expect(try await h.getEvaluation(.with { $0.id = "E000001" }, context: bureau.context(itself)).application == awarded)
        let culture = Principal(id: "key-culture", roles: [.department], services: ["organizations"], subject: "文峰区文化局")
        #expect(try await h.listEvaluations(.init(), context: bureau.context(culture)).page.totalCount == 0)
        let denied = await domainRefusal { _ = try await h.getEvaluation(.with { $0.id = "E000001" }, context: bureau.context(culture)) }
        #expect(denied?.kind == .permissionDenied)
        let awardedList = try await h.listEvaluations(
            .with {
                $0.state = .evaluationAwarded; $0.organizationID = go.creditCode
            }, context: bureau.context())
        #expect(awardedList.page.totalCount == 1)
        let history = try await h.getHistory(.with { $0.id = "E000001" }, context: bureau.context()).entries.map(\.action)
        #expect(
            history == [
                "apply_evaluation", "score_evaluation", "publish_evaluation", "request_evaluation_review", "decide_evaluation_review",
                "evaluation_review_notice", "decide_evaluation",
            ])
    }

    /// 不合格 last year, a penalty not yet carried out and the abnormal list it brings bar the
    /// evaluation; a key outside the county reads nothing.
    @Test func exclusionsReadFromTheRegister() async throws {
        let bureau = try Bureau.open(today: "2026-11-20")
        let h = bureau.handler
        let go = try await bureau.register()
        try await bureau.fileAnnualInspection(go.id, year: 2025, result: .unqualified, concludedOn: "2026-04-10")
        _ = try await h.recordPenalty(
            .with {
                $0.organizationID = go.id; $0.on = "2026-02-10"
                $0.penalty = .with {
                    $0.kind = .warning; $0.decidedOn = "2026-02-10"; $0.document = "文民罚〔2026〕2号"; $0.authority = "文峰区民政局"
                }
            }, context: bureau.context())
        let check = try await h.checkEvaluationEligibility(
            .with {
                $0.organizationID = go.id; $0.on = "2026-05-20"
            }, context: bureau.context())
        #expect(check.problems.map { "\($0.field) \($0.reason)" } == ["inspections UNQUALIFIED", "penalties NOT_EXECUTED", "credit_list LISTED"])
        // A key outside the county reads nothing of it.
        let outside = await domainRefusal {
            _ = try await h.checkEvaluationEligibility(.with { $0.organizationID = go.id }, context: bureau.context(Bureau.neighbour))
        }
        #expect(outside?.kind == .permissionDenied)
    }
}
