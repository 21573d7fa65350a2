import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import EldercareService
import Foundation
import Testing

@Suite("Eldercare: grading (GB/T 37276) and sanctions")
struct EldercareGradingTests {
    typealias Bureau = ElderBureau

    static let scores: [String: Int32] = ["environment": 100, "facilities": 110, "management": 120, "services": 420]  // 750: grade 3

    @Test func aGradeIsAppliedForScoredPublishedAppealedAndGranted() async throws {
        let bureau = try Bureau.open(today: "2026-09-15")
        let h = bureau.handler
        try await bureau.loadDivisions()
        let home = try await bureau.register()

        // A first application claims at most grade 3.
        let tooHigh = await domainRefusal {
            _ = try await h.applyForGrade(
                .with {
                    $0.institutionID = home.id; $0.requested = 4
                }, context: bureau.context())
        }
        #expect(tooHigh?.problems == ["requested FIRST_APPLICATION_CAP"])
        let applied = try await h.applyForGrade(
            .with {
                $0.institutionID = home.id; $0.requested = 3
            }, context: bureau.context()
        ).application
        #expect((applied.id, applied.state) == ("G000001", .submitted))
        let twice = await domainRefusal {
            _ = try await h.applyForGrade(
                .with {
                    $0.institutionID = home.id; $0.requested = 2
                }, context: bureau.context())
        }
        #expect(twice?.problems == [" APPLICATION_OPEN"])

        // Two scorers at least; the parts add up to 750 of 1000: grade 3's band.
        let alone = await domainRefusal {
            _ = try await h.scoreGradeApplication(
                .with {
                    $0.id = applied.id; $0.partScores = Self.scores; $0.scorers = ["周"]
                }, context: bureau.context())
        }
        #expect(alone?.problems == ["scorers TOO_FEW"])
        var over = Self.scores
        over["environment"] = 121
        let tooMany = await domainRefusal {
            _ = try await h.scoreGradeApplication(
                .with {
                    $0.id = applied.id; $0.partScores = over; $0.scorers = ["周", "吴"]
                }, context: bureau.context())
        }
        #expect(tooMany?.problems == ["part_scores.environment EXCEEDS_MAXIMUM"])
        let scored = try await h.scoreGradeApplication(
            .with {
                $0.id = applied.id; $0.partScores = Self.scores; $0.scorers = ["周", "吴"]
            }, context: bureau.context()
        ).application
        #expect((scored.state, scored.total, scored.scoredGrade) == (.scored, 750, 3))

        // 公示 for 5 working days from 15 September; no decision while it runs.
        let noticed = try await h.publishGradeApplication(.with { $0.id = applied.id }, context: bureau.context()).application
        #expect((noticed.state, noticed.noticeStartedOn, noticed.noticeEndsOn) == (.gradePublicNotice, "2026-09-15", "2026-09-21"))
        let early = await domainRefusal { _ = try await h.decideGradeApplication(.with { $0.id = applied.id }, context: bureau.context()) }
        #expect(early?.problems == [" NOTICE_RUNNING"])

        // An appeal is decided by someone who did not score it.
        _ = try await h.lodgeGradeAppeal(
            .with {
                $0.id = applied.id; $0.grounds = "服务项目评分有误"
            }, context: bureau.context())
        let scorer = Principal(id: "key-zhou", roles: [.staff], services: ["eldercare"], division: Bureau.county, subject: "周")
        let own = await domainRefusal { _ = try await h.decideGradeAppeal(.with { $0.id = applied.id }, context: bureau.context(scorer)) }
        #expect(own?.kind == .permissionDenied)
        #expect(own?.problems == ["decided_by SCORER_CANNOT_DECIDE"])
        let decided = try await h.decideGradeAppeal(.with { $0.id = applied.id }, context: bureau.context()).application
        #expect(decided.appeal.decidedBy == "赵敏")

        // Decided once the appeal is: granted for 3 years; the institution and its register entry carry it.
        let later = EldercareHandler(store: EldercareStore(database: bureau.database), settings: EldercareSettings(), today: { CivilDate("2026-09-22")! })
        let granted = try await later.decideGradeApplication(.with { $0.id = applied.id }, context: bureau.context()).application
        #expect((granted.state, granted.granted, granted.validUntil) == (.granted, 3, "2029-09-22"))
        let institution = try await later.getInstitution(.with { $0.id = home.id }, context: bureau.context()).institution
        #expect((institution.grade, institution.gradeValidUntil) == (3, "2029-09-22"))
        #expect(try await later.listRegister(.init(), context: bureau.context(nil)).entries.first?.grade == 3)
        #expect(
            try await later.listGradeApplications(.with { $0.state = .granted }, context: bureau.context(Bureau.leader)).applications.map(\.id) == [applied.id])
    }

    @Test func aPenaltyOrADishonestyListingBlocksGrading() async throws {
        let bureau = try Bureau.open(today: "2026-09-15")
        let h = bureau.handler
        try await bureau.loadDivisions()
        let home = try await bureau.register()
        let noReference = await domainRefusal {
            _ = try await h.recordSanction(
                .with {
                    $0.institutionID = home.id; $0.kind = .penalty; $0.on = "2026-01-10"
                }, context: bureau.context())
        }
        #expect(noReference?.problems == ["reference REQUIRED"])
        _ = try await h.recordSanction(
            .with {
                $0.institutionID = home.id; $0.kind = .penalty; $0.on = "2026-01-10"; $0.reference = "文民罚〔2026〕3号"
            }, context: bureau.context())
        let listed = try await h.recordSanction(
            .with {
                $0.institutionID = home.id; $0.kind = .dishonestyListed; $0.on = "2026-02-01"; $0.reference = "失信〔2026〕1号"
            }, context: bureau.context())
        #expect(listed.sanctions.map(\.kind) == [.penalty, .dishonestyListed])
        let blocked = await domainRefusal {
            _ = try await h.applyForGrade(
                .with {
                    $0.institutionID = home.id; $0.requested = 2
                }, context: bureau.context())
        }
        #expect(blocked?.problems == ["penalties RECENT_PENALTY", "penalties PENALTY_OUTSTANDING", "dishonesty_list LISTED"])
        let outside = await domainRefusal {
            _ = try await h.recordSanction(
                .with {
                    $0.institutionID = home.id; $0.kind = .penalty; $0.reference = "x"
                }, context: bureau.context(Bureau.neighbour))
        }
        #expect(outside?.kind == .permissionDenied)
    }
}
