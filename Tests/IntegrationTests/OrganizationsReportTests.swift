import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import OrganizationsDomain
import OrganizationsService
import Testing

extension OrgBureau {
    /// 安阳市文峰区桥牌协会, registered and revoked on 2026-08-01.
    func registerRevokedBridgeClub() async throws -> Civic_Organizations_V1_Organization {
        var gone = OrgBureau.goAssociation()
        gone.creditCode = OrgBureau.code("51410502MJ0000103"); gone.name = "安阳市文峰区桥牌协会"
        gone.legalRepresentativeID = OrgBureau.residentID("41050219800101003")
        let bridge = try await register(gone)
        return try await handler.changeOrganizationStatus(
            .with {
                $0.id = bridge.id; $0.status = .revoked; $0.on = "2026-08-01"; $0.document = "文民撤字〔2026〕2号"; $0.reason = "连续两年未年检"
            },
            context: context()
        ).organization
    }
}

@Suite("Organizations: the report")
struct OrganizationsReportTests {
    typealias Bureau = OrgBureau

    /// The report read from what is stored: the trigger-kept counts follow registrations and status
    /// moves, the 年检 results, a community filing and a tip-off.
    @Test func figuresFromTheRegister() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let go = try await bureau.register()
        var young = Bureau.goAssociation()
        young.creditCode = Bureau.code("51410502MJ0000102"); young.name = "安阳市文峰区象棋协会"; young.registeredOn = "2026-01-10"
        young.legalRepresentativeID = Bureau.residentID("41050219800101002"); young.partyOrganization = false
        let chess = try await bureau.register(young)
        _ = try await bureau.registerRevokedBridgeClub()
        try await bureau.fileAnnualInspection(go.id, year: 2025, result: .qualified, concludedOn: "2026-04-10")
        _ = try await h.fileCommunityOrganization(
            .with {
                $0.communityOrganization = .with {
                    $0.name = "东关社区夕阳红舞蹈队"; $0.category = "文体活动"; $0.community = "410502001003"; $0.filedOn = "2026-03-01"
                }
            }, context: bureau.context())
        _ = try await h.recordTipOff(
            .with {
                $0.nameUsed = "中华围棋发展促进会"; $0.division = Bureau.county; $0.channel = .tipOffPhone; $0.receivedOn = "2026-09-01"; $0.anonymous = true
            },
            context: bureau.context())

        let report = try await h.getOrganizationsReport(.init(), context: bureau.context(Bureau.leader))
        #expect((report.within, report.asOf, report.year) == (Bureau.county, "2026-09-22", 2026))
        let figures = Dictionary(uniqueKeysWithValues: report.lines.map { ("\($0.section)|\($0.measure)", "\($0.value) \($0.whole) \($0.percent)") })
        #expect(figures["register|social_group registered"] == "2  ")
        #expect(figures["register|social_group revoked"] == "1  ")
        #expect(figures["register|total"] == "3  ")
        #expect(figures["party|active with a party organization"] == "1 2 50.0")
        #expect(report.partyCoverage == "50.0")
        #expect(figures["annual_inspection 2025|received"] == "1  ")
        #expect(figures["annual_inspection 2025|qualified"] == "1 1 100.0")
        #expect(figures["community|文体活动"] == "1 1 100.0")
        #expect(figures["community|生活服务"] == "0 1 0.0")
        #expect(figures["illegal|cases received"] == "1  ")
        #expect(figures["illegal|open"] == "1 1 100.0")
        #expect(report.csv.hasPrefix("section,measure,value,whole,percent\nregister,social_group preparing,0,,\n"))
        #expect(report.csv.split(separator: "\n").count == report.lines.count + 1)
        _ = chess

        // A credit event after a report: the next report reads the history written since.
        #expect(figures["credit_lists|abnormal listed"] == "0 2 0.0")
        _ = try await h.recordCreditEvent(
            .with {
                $0.organizationID = go.id; $0.on = "2026-09-22"
                $0.abnormalGround = .with {
                    $0.ground = .noAnnualReport; $0.evidence = "未报送2025年度工作报告"
                }
            }, context: bureau.context())
        for _ in 0..<2 {
            let listed = try await h.getOrganizationsReport(.init(), context: bureau.context()).lines.filter { $0.section == "credit_lists" }
            #expect(listed.first { $0.measure == "abnormal listed" }?.value == 1)
            #expect(listed.first { $0.measure == "abnormal entered" }?.value == 1)
        }

        // Last year's report: the movements of 2025, the 年检 on 2024.
        let lastYear = try await h.getOrganizationsReport(.with { $0.year = 2025 }, context: bureau.context())
        #expect(lastYear.lines.contains { $0.section == "annual_inspection 2024" && $0.measure == "received" && $0.value == 0 })
        #expect(lastYear.lines.first { $0.measure == "cases received" }?.value == 0)

        let early = await domainRefusal { _ = try await h.getOrganizationsReport(.with { $0.year = 1999 }, context: bureau.context()) }
        #expect(early?.problems == ["year OUT_OF_RANGE"])
        let outside = await domainRefusal {
            _ = try await h.getOrganizationsReport(.with { $0.within = Bureau.county }, context: bureau.context(Bureau.neighbour))
        }
        #expect(outside?.kind == .permissionDenied)
        // The neighbour's own county holds nothing.
        let empty = try await h.getOrganizationsReport(.init(), context: bureau.context(Bureau.neighbour))
        #expect(empty.lines.first { $0.measure == "total" }?.value == 0)
    }
}
