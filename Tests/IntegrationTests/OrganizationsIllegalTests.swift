import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import OrganizationsDomain
import OrganizationsService
import Testing

@Suite("Organizations: illegal organizations and the 涉嫌 list")
struct OrganizationsIllegalTests {
    typealias Bureau = OrgBureau

    static func tipOff(_ name: String, informant: String = "") -> Civic_Organizations_V1_RecordTipOffRequest {
        .with {
            $0.nameUsed = name; $0.activities = "以协会名义组织比赛收取报名费"; $0.division = Bureau.county; $0.channel = .tipOffReport
            $0.anonymous = informant.isEmpty; $0.informant = informant; $0.receivedOn = "2026-09-01"
        }
    }

    /// A mimic of a registered name from tip-off to a published batch; the public check warns of it,
    /// also after a restart; the informant never leaves the case.
    @Test func fromATipOffToThePublicList() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let go = try await bureau.register()

        // Everything wrong at once, nothing stored.
        let bad = await domainRefusal {
            _ = try await h.recordTipOff(
                .with {
                    $0.nameUsed = " "; $0.division = "4105"; $0.receivedOn = "2026-09-23"
                }, context: bureau.context())
        }
        #expect(bad?.problems == ["received_on IN_THE_FUTURE", "channel REQUIRED", "division BAD_FORM", "name_used REQUIRED"])
        #expect(try await h.listIllegalCases(.init(), context: bureau.context()).page.totalCount == 0)
        let elsewhere = await domainRefusal { _ = try await h.recordTipOff(Self.tipOff("某协会"), context: bureau.context(Bureau.neighbour)) }
        #expect(elsewhere?.kind == .permissionDenied)

        let lead = try await h.recordTipOff(Self.tipOff("安阳市文峰区围棋学会", informant: "张三 13800000000"), context: bureau.context()).illegalCase
        #expect((lead.id, lead.state, lead.informant, lead.receivedOn) == ("I000001", .illegalCaseLead, "张三 13800000000", "2026-09-01"))
        #expect(lead.resembles.map { "\($0.name) \($0.similarity)" } == ["安阳市文峰区围棋协会 one_character_off"])
        #expect(lead.resembles.first?.creditCode == go.creditCode)

        // Evidence before any outcome but 不属实.
        let early = await domainRefusal {
            _ = try await h.closeIllegalCase(
                .with {
                    $0.id = "I000001"; $0.outcome = .dispersed; $0.on = "2026-09-02"
                }, context: bureau.context())
        }
        #expect((early?.kind, early?.problems) == (.failedPrecondition, ["state INVALID_STATE"]))
        _ = try await h.startIllegalCaseVerification(
            .with {
                $0.id = "I000001"; $0.on = "2026-09-03"
            }, context: bureau.context())
        let noEvidence = await domainRefusal {
            _ = try await h.closeIllegalCase(
                .with {
                    $0.id = "I000001"; $0.outcome = .banned; $0.on = "2026-09-04"
                }, context: bureau.context())
        }
        #expect(noEvidence?.kind == .failedPrecondition)
        let evidenced = try await h.addIllegalCaseEvidence(
            .with {
                $0.id = "I000001"; $0.on = "2026-09-05"; $0.description_p = "报名费收据 12 张、比赛海报"
            }, context: bureau.context()
        ).illegalCase
        #expect(evidenced.evidence.map { "\($0.on) \($0.by) \($0.description_p)" } == ["2026-09-05 孙倩 报名费收据 12 张、比赛海报"])
        #expect(evidenced.state == .illegalCaseVerifying)

        // A lead that did not hold: closed without evidence, never published.
        _ = try await h.recordTipOff(Self.tipOff("安阳市文峰区象棋俱乐部"), context: bureau.context())
        let unfounded = try await h.closeIllegalCase(
            .with {
                $0.id = "I000002"; $0.outcome = .unfounded; $0.detail = "系社区文体活动队，已引导备案"; $0.on = "2026-09-10"
            }, context: bureau.context()
        ).illegalCase
        #expect((unfounded.state, unfounded.outcome, unfounded.closedOn) == (.illegalCaseClosed, .unfounded, "2026-09-10"))

        let listed = try await h.listIllegalCases(.init(), context: bureau.context())
        #expect(listed.cases.map(\.id) == ["I000002", "I000001"])
        #expect(listed.cases.allSatisfy { $0.informant.isEmpty })
        #expect(try await h.listIllegalCases(.with { $0.state = .illegalCaseClosed }, context: bureau.context()).cases.map(\.id) == ["I000002"])

        // A batch lists evidenced cases of the publisher's area only.
        let mixed = await domainRefusal {
            _ = try await h.publishSuspectedList(
                .with {
                    $0.division = Bureau.county; $0.number = "2026年第1批"; $0.caseIds = ["I000001", "I000002", "I000001"]
                }, context: bureau.context())
        }
        #expect(mixed?.problems == ["case_ids NO_EVIDENCE", "case_ids DUPLICATE"])
        let outside = await domainRefusal {
            _ = try await h.publishSuspectedList(
                .with {
                    $0.division = "410503"; $0.number = "2026年第1批"; $0.caseIds = ["I000001"]
                }, context: bureau.context(Bureau.neighbour))
        }
        #expect(outside?.problems == ["case_ids OUTSIDE_DIVISION"])
        #expect(try await h.getIllegalCase(.with { $0.id = "I000001" }, context: bureau.context()).illegalCase.publishedInBatch == "")

        let batch = try await h.publishSuspectedList(
            .with {
                $0.division = Bureau.county; $0.number = "2026年第1批"; $0.title = "文峰区涉嫌非法社会组织名单（第一批）"; $0.publishedOn = "2026-09-15"
                $0.caseIds = ["I000001"]
            }, context: bureau.context()
        ).list
        #expect((batch.number, batch.publishedOn, batch.division) == ("2026年第1批", "2026-09-15", Bureau.county))
        #expect(batch.entries.map { "\($0.nameUsed) \($0.division)" } == ["安阳市文峰区围棋学会 410502"])
        let again = await domainRefusal {
            _ = try await h.publishSuspectedList(
                .with {
                    $0.division = Bureau.county; $0.number = "2026年第2批"; $0.caseIds = ["I000001"]
                }, context: bureau.context())
        }
        #expect(again?.problems == ["case_ids ALREADY_PUBLISHED"])
        _ = try await h.recordTipOff(Self.tipOff("中华围棋发展促进会"), context: bureau.context())
        _ = try await h.startIllegalCaseVerification(
            .with {
                $0.id = "I000003"; $0.on = "2026-09-16"
            }, context: bureau.context())
        _ = try await h.addIllegalCaseEvidence(
            .with {
                $0.id = "I000003"; $0.on = "2026-09-17"; $0.description_p = "网站截图"
            }, context: bureau.context())
        let sameNumber = await domainRefusal {
            _ = try await h.publishSuspectedList(
                .with {
                    $0.division = Bureau.county; $0.number = "2026年第1批"; $0.caseIds = ["I000003"]
                }, context: bureau.context())
        }
        #expect((sameNumber?.kind, sameNumber?.problems) == (.alreadyExists, ["number ALREADY_PUBLISHED"]))
        #expect(try await h.getIllegalCase(.with { $0.id = "I000003" }, context: bureau.context()).illegalCase.publishedInBatch == "")

        // The public: the batch without informants, and the check.
        let lists = try await h.listSuspectedLists(.init(), context: bureau.context(nil))
        #expect(lists.lists.map(\.number) == ["2026年第1批"])
        #expect(try !lists.jsonString().contains("张三"))
        for handler in [h, Self.restarted(bureau)] {
            let mimic = try await handler.checkLegitimacy(.with { $0.query = "安阳市文峰区围棋学会" }, context: bureau.context(nil))
            #expect(mimic.verdict == "suspected_illegal")
            #expect(mimic.suspectedIllegal.map { "\($0.nameUsed) \($0.batch) \($0.similarity)" } == ["安阳市文峰区围棋学会 2026年第1批 exact"])
            #expect(mimic.similarRegistered.map(\.name) == ["安阳市文峰区围棋协会"])
            #expect(mimic.explanation.hasPrefix("「安阳市文峰区围棋学会」已被民政部门列入涉嫌非法社会组织名单"))
            let real = try await handler.checkLegitimacy(.with { $0.query = "安阳市文峰区围棋协会" }, context: bureau.context(nil))
            #expect(real.verdict == "registered")
            #expect(real.suspectedIllegal.map { "\($0.nameUsed) \($0.similarity)" } == ["安阳市文峰区围棋学会 one_character_off"])
            #expect(real.explanation.contains("名称相近的「安阳市文峰区围棋学会」已被列入涉嫌非法社会组织名单"))
        }

        let history = try await h.getHistory(.with { $0.id = "I000001" }, context: bureau.context())
        #expect(
            history.entries.map(\.action) == [
                "record_tip_off", "illegal_case_start_verification", "illegal_case_add_evidence", "publish_suspected_list",
            ])
    }

    /// A new handler over the same database: the name index is rebuilt from what is stored.
    static func restarted(_ bureau: Bureau) -> OrganizationsHandler {
        OrganizationsHandler(store: OrganizationsStore(database: bureau.database), settings: OrganizationsSettings(), today: { CivilDate("2026-09-22")! })
    }
}
