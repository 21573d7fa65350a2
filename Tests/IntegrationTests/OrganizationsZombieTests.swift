import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import OrganizationsDomain
import OrganizationsService
import Testing

@Suite("Organizations: zombie clean-up")
struct OrganizationsZombieTests {
    typealias Bureau = OrgBureau

    /// The same database on another day (the service restarted later).
    static func on(_ day: String, _ bureau: Bureau) -> OrganizationsHandler {
        OrganizationsHandler(store: OrganizationsStore(database: bureau.database), settings: OrganizationsSettings(), today: { CivilDate(day)! })
    }

    /// A body that filed no 年检 for two years is found by a campaign's scan, served a show-cause
    /// notice, and revoked after the deadline: the body REVOKED and on the serious list in the same
    /// step, the campaign's figures following it.
    @Test func fromTheScanToARevocation() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let go = try await bureau.register()
        // A 社团 registered this year owes no 年检 yet and is inside its first-year window.
        var young = Bureau.goAssociation()
        young.creditCode = Bureau.code("51410502MJ0000102"); young.name = "安阳市文峰区象棋协会"; young.registeredOn = "2026-01-10"
        young.legalRepresentativeID = Bureau.residentID("41050219800101002")
        _ = try await bureau.register(young)

        // Its first activity ends the first-year trigger.
        let early = await domainRefusal {
            _ = try await h.recordActivity(
                .with {
                    $0.organizationID = go.id; $0.heldOn = "2020-05-01"; $0.description_p = "成立大会"
                }, context: bureau.context())
        }
        #expect(early?.problems == ["held_on BEFORE_REGISTRATION"])
        let sponsor = await domainRefusal {
            _ = try await h.recordActivity(
                .with {
                    $0.organizationID = go.id; $0.description_p = "会员大会"
                }, context: bureau.context(Bureau.sports))
        }
        #expect(sponsor?.kind == .permissionDenied)
        let activity = try await h.recordActivity(
            .with {
                $0.organizationID = go.id; $0.heldOn = "2020-10-01"; $0.description_p = "第一届会员大会"
            }, context: bureau.context())
        #expect((activity.firstActivityOn, activity.activities) == ("2020-10-01", 1))

        let bad = await domainRefusal {
            _ = try await h.createZombieCampaign(
                .with {
                    $0.startsOn = "2026-09-01"; $0.endsOn = "2026-08-01"
                }, context: bureau.context())
        }
        #expect(bad?.problems == ["name REQUIRED", "ends_on BEFORE_START"])
        let campaign = try await h.createZombieCampaign(
            .with {
                $0.name = "2026年僵尸型社会组织清理专项行动"; $0.startsOn = "2026-09-01"; $0.endsOn = "2026-12-31"
            }, context: bureau.context()
        ).campaign
        #expect((campaign.id, campaign.division) == ("ZC000001", Bureau.county))
        let neighbour = await domainRefusal {
            _ = try await h.scanZombieCandidates(.with { $0.campaignID = campaign.id }, context: bureau.context(Bureau.neighbour))
        }
        #expect(neighbour?.kind == .permissionDenied)

        // A dry run opens nothing.
        let dry = try await h.scanZombieCandidates(
            .with {
                $0.campaignID = campaign.id; $0.dryRun = true
            }, context: bureau.context())
        #expect(dry.opened.map { "\($0.id)|\($0.organizationID)|\($0.missedYears)" } == ["|\(go.id)|[2021, 2022, 2023, 2024, 2025]"])
        #expect(dry.opened.first?.triggers == [.zombieMissedAnnualInspections])
        #expect(dry.scanned == 2)
        #expect(try await h.listZombieCases(.init(), context: bureau.context()).page.totalCount == 0)

        let scan = try await h.scanZombieCandidates(.with { $0.campaignID = campaign.id }, context: bureau.context())
        #expect((scan.opened.map(\.id), scan.alreadyOpen) == (["Z000001"], 0))
        #expect(scan.opened.first?.creditCode == go.creditCode)
        let rescan = try await h.scanZombieCandidates(.with { $0.campaignID = campaign.id }, context: bureau.context())
        #expect((rescan.opened.count, rescan.alreadyOpen) == (0, 1))

        // A notice first; revocation only after its deadline.
        let tooSoon = await domainRefusal {
            _ = try await h.stepZombieCase(
                .with {
                    $0.id = "Z000001"; $0.revoke = .with { $0.document = "x" }
                }, context: bureau.context())
        }
        #expect((tooSoon?.kind, tooSoon?.problems) == (.failedPrecondition, ["state INVALID_STATE"]))
        let noStep = await domainRefusal { _ = try await h.stepZombieCase(.with { $0.id = "Z000001" }, context: bureau.context()) }
        #expect(noStep?.problems == ["step REQUIRED"])
        let noticed = try await h.stepZombieCase(
            .with {
                $0.id = "Z000001";
                $0.issueNotice = .with {
                    $0.document = "文民社〔2026〕5号"; $0.service = .servedDirectly
                }
            }, context: bureau.context()
        ).zombieCase
        #expect((noticed.state, noticed.notice.issuedOn, noticed.notice.deadline) == (.zombieNoticeIssued, "2026-09-22", "2026-10-22"))
        let beforeDeadline = await domainRefusal {
            _ = try await h.stepZombieCase(
                .with {
                    $0.id = "Z000001"; $0.revoke = .with { $0.document = "文民社撤字〔2026〕1号" }
                }, context: bureau.context())
        }
        #expect(beforeDeadline?.problems == ["show_cause_deadline DEADLINE_NOT_PASSED"])
        #expect(try await h.getOrganization(.with { $0.id = go.id }, context: bureau.context()).organization.status == .registered)

        // After the deadline: overdue, then revoked.
        let later = Self.on("2026-10-26", bureau)
        let overdue = try await later.listZombieCases(.with { $0.overdueOnly = true }, context: bureau.context())
        #expect(overdue.cases.map { "\($0.id) \($0.showCauseOverdue)" } == ["Z000001 true"])
        let midway = try await later.getZombieCampaign(.with { $0.id = campaign.id }, context: bureau.context()).summary
        #expect((midway.candidates, midway.noticesIssued, midway.overdueShowCauses, midway.awaitingNotice) == (1, 1, 1, 0))
        #expect(midway.byTrigger.map(\.count) == [1, 0, 0])
        let revoked = try await later.stepZombieCase(
            .with {
                $0.id = "Z000001"; $0.revoke = .with { $0.document = "文民社撤字〔2026〕1号" }
            }, context: bureau.context()
        ).zombieCase
        #expect((revoked.state, revoked.steps.map(\.state)) == (.zombieRevoked, [.zombieCandidate, .zombieNoticeIssued, .zombieRevoked]))
        let body = try await later.getOrganization(.with { $0.id = go.id }, context: bureau.context()).organization
        #expect(body.status == .revoked)
        let credit = try await later.getCreditStatus(.with { $0.organizationID = go.id }, context: bureau.context()).status
        #expect(credit.hasSerious)
        #expect(credit.penalties.map { "\($0.id) \($0.kind)" } == ["p1 revocation"])
        let after = try await later.getZombieCampaign(.with { $0.id = campaign.id }, context: bureau.context()).summary
        #expect(after.outcomes.map { "\($0.state) \($0.count)" } == ["zombieRectified 0", "zombieRevoked 1", "zombieDeregistered 0", "zombieDismissed 0"])
        let final = await domainRefusal {
            _ = try await later.stepZombieCase(
                .with {
                    $0.id = "Z000001"; $0.dismiss = .with { $0.reason = "x" }
                }, context: bureau.context())
        }
        #expect(final?.problems == ["state INVALID_STATE"])
        let history = try await later.getHistory(.with { $0.id = "Z000001" }, context: bureau.context())
        #expect(history.entries.map(\.action) == ["open_zombie_case", "zombie_case_issueNotice", "zombie_case_revoke"])
        // A revoked body is not scanned again.
        #expect(try await later.scanZombieCandidates(.with { $0.campaignID = campaign.id }, context: bureau.context()).scanned == 1)
    }

    /// The thresholds are files read at start: left-out keys keep their defaults, a null dormancy turns
    /// that trigger off, and a bad file stops the service with every problem.
    @Test func policyFilesAreReadAtStart() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("civic-org-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func file(_ name: String, _ json: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(json.utf8).write(to: url)
            return url.path
        }
        let settings = try OrganizationsSettings(environment: [
            "CIVIC_ORGANIZATIONS_CREDIT_POLICY_FILE": try file("credit.json", #"{"removalWorkingDays": 10}"#),
            "CIVIC_ORGANIZATIONS_ZOMBIE_POLICY_FILE": try file("zombie.json", #"{"showCauseDays": 15, "socialGroupDormancyMonths": null}"#),
        ])
        #expect((settings.creditPolicy.removalWorkingDays, settings.creditPolicy.autoRemovalMonths) == (10, 6))
        #expect(settings.zombiePolicy.showCauseDays == 15)
        #expect(settings.zombiePolicy.socialGroupDormancyMonths == nil && settings.zombiePolicy.foundationDormancyMonths == 12)
        #expect(settings.zombie.policy.showCauseDays == 15)

        func refusal(_ variable: String, _ json: String) -> String {
            do {
                _ = try OrganizationsSettings(environment: [variable: try file("bad.json", json)])
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(refusal("CIVIC_ORGANIZATIONS_ZOMBIE_POLICY_FILE", #"{"showCauseDays": 0, "minimumScore": 9}"#).contains("show_cause_days NOT_POSITIVE"))
        #expect(refusal("CIVIC_ORGANIZATIONS_ZOMBIE_POLICY_FILE", #"{"showCauseDays": 0, "minimumScore": 9}"#).contains("minimum_score OUT_OF_RANGE"))
        #expect(refusal("CIVIC_ORGANIZATIONS_CREDIT_POLICY_FILE", #"{"repeatedPenaltyCount": 1}"#).contains("repeated_penalty_count TOO_SMALL"))
        #expect(refusal("CIVIC_ORGANIZATIONS_CREDIT_POLICY_FILE", "not json").contains("UNREADABLE"))
        #expect(
            refusal(
                "CIVIC_ORGANIZATIONS_EVALUATION_FILE",
                #"{"bands": [{"grade": "1A", "minimum": 500, "maximum": 600}, {"grade": "2A", "minimum": 600, "maximum": 699}, {"grade": "3A", "minimum": 700, "maximum": 799}, {"grade": "4A", "minimum": 800, "maximum": 899}, {"grade": "5A", "minimum": 900, "maximum": 1000}]}"#
            ).contains("OVERLAP"))
    }
}
