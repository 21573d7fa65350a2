import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging
import OrganizationsDomain
import OrganizationsService
import SwiftProtobuf
import Testing

/// The organizations service's handlers over an in-memory database, called as the gateway would
/// call them (a sealed principal in the metadata), on a fixed day: the registrar of 文峰区 of 安阳
/// (410502).
struct OrgBureau {
    let handler: OrganizationsHandler
    let database: any DatabaseWriter

    static let county = "410502"
    /// 登记科 孙倩 of the county; a worker of the next county; a leader of the county.
    static let sun = Principal(id: "key-sun", roles: [.staff], services: ["organizations"], division: county, subject: "孙倩")
    static let neighbour = Principal(id: "key-wu", roles: [.staff], services: ["organizations"], division: "410503", subject: "吴刚")
    static let leader = Principal(id: "key-leader", roles: [.leader], division: county)
    /// 文峰区体育局 as a sponsor unit (a department key).
    static let sports = Principal(id: "key-sports", roles: [.department], services: ["organizations"], subject: "文峰区体育局")

    static func open(today: String = "2026-09-22", settings: OrganizationsSettings = OrganizationsSettings()) throws -> OrgBureau {
        let database = try CivicDatabase.inMemory(migrations: OrganizationsService.definition.migrations)
        let day = CivilDate(today)!
        return OrgBureau(
            handler: OrganizationsHandler(store: OrganizationsStore(database: database), settings: settings, today: { day }), database: database)
    }

    func context(_ principal: Principal? = OrgBureau.sun) -> RPCContext {
        var metadata: [String: String] = [MetadataKey.requestID: "req-test"]
        if let principal { metadata[MetadataKey.principal] = principal.encoded }
        return RPCContext(method: "", metadata: metadata, deadline: nil, logger: Logger(label: "test"))
    }

    static func code(_ first17: String) -> String { first17 + String(UnifiedSocialCreditCode.checkCharacter(for: first17)!) }
    static func residentID(_ first17: String) -> String { first17 + String(ResidentID.checkCharacter(for: first17)!) }

    /// 安阳市文峰区围棋协会: a 社团 sponsored by 文峰区体育局, 56 members, 3 万 funds.
    static func goAssociation() -> Civic_Organizations_V1_Organization {
        .with {
            $0.creditCode = code("51410502MJ0000101"); $0.name = "安阳市文峰区围棋协会"; $0.type = .socialGroup; $0.sponsor = "文峰区体育局"
            $0.registrarLevel = .county; $0.registrarDivision = county; $0.division = county; $0.domicile = "文峰区东关街道"
            $0.purpose = "推广围棋运动"; $0.legalRepresentative = "李明"; $0.legalRepresentativeID = residentID("41050219800101001")
            $0.fundsFen = 3_000_000; $0.individualMembers = 56; $0.partyOrganization = true; $0.registeredOn = "2020-05-08"
        }
    }

    func register(_ organization: Civic_Organizations_V1_Organization = OrgBureau.goAssociation(), as principal: Principal = OrgBureau.sun)
        async throws -> Civic_Organizations_V1_Organization
    {
        try await handler.registerOrganization(.with { $0.organization = organization }, context: context(principal)).organization
    }
}

@Suite("Organizations: the register")
struct OrganizationsRegisterTests {
    typealias Bureau = OrgBureau

    @Test func aBodyIsEnteredWithItsRepresentativesNumberMaskedAndRevealedOnlyWithAReason() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let go = try await bureau.register()
        #expect(go.id == "O000001")
        #expect(go.status == .registered)
        #expect(go.legalRepresentativeID == "410502********" + String(Bureau.residentID("41050219800101001").suffix(4)))
        #expect(go.history.map { "\($0.to) \($0.on)" } == ["registered 2020-05-08"])
        #expect(try await h.getOrganization(.with { $0.id = go.creditCode.lowercased() }, context: bureau.context()).organization == go)
        let noReason = await domainRefusal { _ = try await h.revealLegalRepresentativeID(.with { $0.id = go.id }, context: bureau.context()) }
        #expect(noReason?.problems == ["reason REQUIRED"])
        let full = try await h.revealLegalRepresentativeID(
            .with {
                $0.id = go.id; $0.reason = "核查法定代表人兼职"
            }, context: bureau.context())
        #expect(full.legalRepresentativeID == Bureau.residentID("41050219800101001"))
        let history = try await h.getHistory(.with { $0.id = go.id }, context: bureau.context()).entries
        #expect(history.map(\.action) == ["register", "reveal_legal_representative_id"])
        #expect(history.map(\.reason) == ["", "核查法定代表人兼职"])
        #expect(!history.map(\.detail).joined().contains(Bureau.residentID("41050219800101001")))

        // The same code again; the same person representing a second 社团.
        let again = await domainRefusal { _ = try await bureau.register() }
        #expect(again?.kind == .alreadyExists)
        var chess = Bureau.goAssociation()
        chess.creditCode = Bureau.code("51410502MJ0000102")
        chess.name = "安阳市文峰区象棋协会"
        let twice = await domainRefusal { _ = try await bureau.register(chess) }
        #expect(twice?.problems == [" REPRESENTS_ANOTHER"])
        // A 民非 may share a representative with a 社团.
        var school = chess
        school.type = .privateNonEnterprise
        school.creditCode = Bureau.code("52410502MJ0000103")
        school.name = "安阳市文峰区弈林围棋培训学校"
        #expect(try await bureau.register(school).id == "O000002")
        #expect(try await h.listOrganizations(.init(), context: bureau.context()).page.totalCount == 2)
    }

    @Test func everyProblemAtOnceAndNothingStored() async throws {
        let bureau = try Bureau.open()
        var bad = Bureau.goAssociation()
        bad.creditCode = Bureau.code("53410502MJ0000101")
        bad.sponsor = ""
        bad.fundsFen = -1
        bad.legalRepresentativeID = "410502198001010010"
        bad.registrarLevel = .unspecified
        let refused = await domainRefusal { _ = try await bureau.register(bad) }
        #expect(
            refused?.problems == [
                "organization.registrar_level REQUIRED", "organization.legal_representative_id BAD_CHECK_DIGIT", "organization.funds_fen NEGATIVE",
            ])
        bad.registrarLevel = .county
        bad.legalRepresentativeID = ""
        bad.fundsFen = 0
        let rules = await domainRefusal { _ = try await bureau.register(bad) }
        #expect(rules?.problems == ["organization.credit_code TYPE_MISMATCH", "organization.sponsor REQUIRED"])
        #expect(try await bureau.handler.listOrganizations(.init(), context: bureau.context()).page.totalCount == 0)
    }

    /// Staff reach the bodies their registrar's division holds; a sponsor unit its own; an
    /// organization itself.
    @Test func whoSeesWhat() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let go = try await bureau.register()
        var chamber = Bureau.goAssociation()
        chamber.creditCode = Bureau.code("51410502MJ0000104")
        chamber.name = "安阳市文峰区餐饮行业协会"
        chamber.sponsor = ""
        chamber.directlyRegistrable = true
        chamber.tradeAssociation = true
        chamber.legalRepresentativeID = ""
        let trade = try await bureau.register(chamber)
        let outside = await domainRefusal { _ = try await h.getOrganization(.with { $0.id = go.id }, context: bureau.context(Bureau.neighbour)) }
        #expect(outside?.kind == .permissionDenied)
        #expect(try await h.listOrganizations(.init(), context: bureau.context(Bureau.neighbour)).organizations.isEmpty)
        let elsewhere = await domainRefusal { _ = try await bureau.register(Bureau.goAssociation(), as: Bureau.neighbour) }
        #expect(elsewhere?.kind == .permissionDenied)

        #expect(try await h.listOrganizations(.init(), context: bureau.context(Bureau.sports)).organizations.map(\.id) == [go.id])
        let notTheirs = await domainRefusal { _ = try await h.getOrganization(.with { $0.id = trade.id }, context: bureau.context(Bureau.sports)) }
        #expect(notTheirs?.kind == .permissionDenied)
        #expect(try await h.listOrganizations(.with { $0.tradeAssociationsOnly = true }, context: bureau.context()).organizations.map(\.id) == [trade.id])

        let itself = Principal(id: "key-go", roles: [.operator], services: ["organizations"], subject: go.creditCode)
        #expect(try await h.getOrganization(.with { $0.id = go.id }, context: bureau.context(itself)).organization.name == "安阳市文峰区围棋协会")
        let another = await domainRefusal { _ = try await h.getOrganization(.with { $0.id = trade.id }, context: bureau.context(itself)) }
        #expect(another?.kind == .permissionDenied)
        // Only registration staff change the register.
        let sponsorWrites = await domainRefusal {
            _ = try await h.changeOrganizationStatus(
                .with {
                    $0.id = go.id; $0.status = .revoked; $0.reason = "x"
                }, context: bureau.context(Bureau.sports))
        }
        #expect(sponsorWrites?.kind == .permissionDenied)
    }

    /// 变更登记 with its record (late after 30 days), a status move, 注销 after liquidation.
    @Test func changesStatusMovesAndDeregistration() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let go = try await bureau.register()
        var renamed = go
        renamed.domicile = "文峰区北关街道"
        renamed.legalRepresentative = "王芳"
        renamed.legalRepresentativeID = Bureau.residentID("41050219850202002")
        let change = try await h.fileChange(
            .with {
                $0.id = go.id; $0.organization = renamed; $0.sponsorApprovedOn = "2026-08-01"; $0.filedOn = "2026-09-01"; $0.document = "变更〔2026〕1号"
            }, context: bureau.context())
        #expect(change.record.changes == ["domicile: 文峰区东关街道 → 文峰区北关街道", "legal_representative: 李明 → 王芳", "legal_representative_id"])
        #expect(change.record.late)
        #expect(change.organization.domicile == "文峰区北关街道")
        #expect(change.organization.legalRepresentativeID.hasSuffix(String(Bureau.residentID("41050219850202002").suffix(4))))
        let noApproval = await domainRefusal {
            _ = try await h.fileChange(
                .with {
                    $0.id = go.id; $0.organization = renamed
                }, context: bureau.context())
        }
        #expect(noApproval?.problems == ["changes REQUIRED", "sponsor_approved_on REQUIRED"])

        let suspended = try await h.changeOrganizationStatus(
            .with {
                $0.id = go.id; $0.status = .activitiesSuspended; $0.on = "2026-09-10"; $0.document = "文民罚〔2026〕3号"; $0.reason = "限期停止活动 3 个月"
            }, context: bureau.context())
        #expect(suspended.organization.status == .activitiesSuspended)
        let noStraightDeregistration = await domainRefusal {
            _ = try await h.changeOrganizationStatus(
                .with {
                    $0.id = go.id; $0.status = .deregistered; $0.reason = "x"
                }, context: bureau.context())
        }
        #expect(noStraightDeregistration?.problems == ["status NOT_ALLOWED"])
        let noLiquidation = await domainRefusal { _ = try await h.deregister(.with { $0.id = go.id }, context: bureau.context()) }
        #expect(noLiquidation?.problems == ["liquidation_ended_on REQUIRED"])
        let gone = try await h.deregister(
            .with {
                $0.id = go.id; $0.liquidationEndedOn = "2026-09-15"; $0.filedOn = "2026-09-20"
            }, context: bureau.context())
        #expect((gone.organization.status, gone.record.kind, gone.record.late) == (.deregistered, .deregistration, false))
        let records = try await h.listChangeRecords(.with { $0.organizationID = go.id }, context: bureau.context()).records
        #expect(records.map(\.id) == ["G000001", "G000002"])
        let afterwards = await domainRefusal {
            _ = try await h.changeOrganizationStatus(
                .with {
                    $0.id = go.id; $0.status = .registered; $0.reason = "x"
                }, context: bureau.context())
        }
        #expect(afterwards?.problems == ["status INVALID_STATE"])
    }

    @Test func anImportIsWholeOrNothingAndItsBodiesAreChecked() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        _ = try await bureau.register()
        let header = "name,credit_code,type,sponsor,directly_registrable,registrar_level,registrar_division,division,funds,individual_members,registered_on"
        let good = """
            \(header)
            安阳市文峰区书法家协会,\(Bureau.code("51410502MJ0000201")),社会团体,文峰区文联,否,县级,410502,410502,30000,80,2018-06-01
            安阳市文峰区育才培训学校,\(Bureau.code("52410502MJ0000202")),民非,文峰区教育局,否,县级,410502,410502,100000.50,0,2019-09-01

            """
        let dry = try await h.importOrganizations(
            .with {
                $0.csv = good; $0.dryRun = true
            }, context: bureau.context())
        #expect((dry.problems.isEmpty, dry.organizations) == (true, 2))
        let bad =
            good.replacingOccurrences(of: "30000,80", with: "-1,80")
            + "安阳市文峰区围棋协会,\(Bureau.goAssociation().creditCode),社会团体,x,否,县级,410502,410502,1,1,2020-01-01\n"
        let refused = await domainRefusal { _ = try await h.importOrganizations(.with { $0.csv = bad }, context: bureau.context()) }
        #expect(refused?.problems == ["line 2: funds NEGATIVE", "line 4: credit_code ALREADY_REGISTERED"])
        #expect(try await h.listOrganizations(.init(), context: bureau.context()).page.totalCount == 1)
        let outside = await domainRefusal { _ = try await h.importOrganizations(.with { $0.csv = good }, context: bureau.context(Bureau.neighbour)) }
        #expect(outside?.kind == .permissionDenied)
        let imported = try await h.importOrganizations(.with { $0.csv = good }, context: bureau.context())
        #expect(imported.organizationIds == ["O000002", "O000003"])
        let school = try await h.getOrganization(.with { $0.id = "O000003" }, context: bureau.context()).organization
        #expect((school.type, school.fundsFen, school.registeredOn) == (.privateNonEnterprise, 10_000_050, "2019-09-01"))
        // Imported names answer the public check at once.
        #expect(try await h.checkLegitimacy(.with { $0.query = "安阳市文峰区书法家协会" }, context: bureau.context(nil)).verdict == "registered")
    }

    /// The public register: a division is required, no personal data, the valid grade shown, gone
    /// bodies only when asked for.
    @Test func thePublicRegister() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let go = try await bureau.register()
        _ = try await bureau.registerRevokedBridgeClub()
        try await bureau.database.write { db in
            try db.execute(
                sql:
                    "INSERT INTO evaluation_awards (organization_id, grade, awarded_on, valid_until, application_id) VALUES (?, 4, '2024-06-09', '2029-06-09', 'E000001')",
                arguments: [go.id])
        }
        let anyone = bureau.context(nil)
        let missing = await domainRefusal { _ = try await h.listPublicRegister(.init(), context: anyone) }
        #expect(missing?.problems == ["within REQUIRED"])
        let active = try await h.listPublicRegister(.with { $0.within = "410500" }, context: anyone)
        #expect(
            active.entries.map { "\($0.name) \($0.creditCode) \($0.status) \($0.grade) \($0.gradeValidUntil)" } == [
                "安阳市文峰区围棋协会 \(go.creditCode) registered 4 2029-06-09"
            ])
        #expect(active.entries.first?.sponsor == "文峰区体育局")
        let json = try active.jsonString()
        #expect(!json.contains("李明") && !json.contains("410502198001010"))
        let all = try await h.listPublicRegister(
            .with {
                $0.within = Bureau.county; $0.includeGone = true; $0.nameContains = "协会"
            }, context: anyone)
        #expect(all.entries.map(\.name) == ["安阳市文峰区围棋协会", "安阳市文峰区桥牌协会"])
        #expect(try await h.listPublicRegister(.with { $0.within = "410503" }, context: anyone).entries.isEmpty)
    }

    @Test func everyWireEnumNamesTheDomainCasesInOrder() {
        func pairsUp<P: SwiftProtobuf.Enum & CaseIterable, D: CaseIterable>(_: P.Type, _: D.Type) -> Bool {
            let wire = P.allCases.filter { $0.rawValue != 0 }.map { "\($0)".lowercased() }
            let domain = D.allCases.map { "\($0)".lowercased() }
            return wire.count == domain.count && zip(wire, domain).allSatisfy { $0.contains($1) || $1.contains($0) }
        }
        #expect(pairsUp(Civic_Organizations_V1_OrganizationType.self, OrganizationType.self))
        #expect(pairsUp(Civic_Organizations_V1_FoundationKind.self, FoundationKind.self))
        #expect(pairsUp(Civic_Organizations_V1_RegistrarLevel.self, RegistrarLevel.self))
        #expect(pairsUp(Civic_Organizations_V1_OrganizationStatus.self, OrganizationStatus.self))
        #expect(pairsUp(Civic_Organizations_V1_ApplicationState.self, ApplicationState.self))
        #expect(pairsUp(Civic_Organizations_V1_AnnualInspectionResult.self, AnnualInspectionResult.self))
        #expect(pairsUp(Civic_Organizations_V1_AnnualInspectionStage.self, AnnualInspectionStage.self))
        #expect(pairsUp(Civic_Organizations_V1_FilingStatus.self, AnnualInspectionFilingStatus.self))
        #expect(pairsUp(Civic_Organizations_V1_CreditList.self, CreditList.self))
        #expect(pairsUp(Civic_Organizations_V1_AbnormalGround.self, AbnormalGround.self))
        #expect(pairsUp(Civic_Organizations_V1_SeriousGround.self, SeriousGround.self))
        #expect(pairsUp(Civic_Organizations_V1_PenaltyKind.self, PenaltyKind.self))
        #expect(pairsUp(Civic_Organizations_V1_EvaluationPurpose.self, EvaluationPurpose.self))
        #expect(pairsUp(Civic_Organizations_V1_EvaluationState.self, EvaluationState.self))
        #expect(pairsUp(Civic_Organizations_V1_IllegalCaseState.self, IllegalCaseState.self))
        #expect(pairsUp(Civic_Organizations_V1_IllegalCaseOutcome.self, IllegalCaseOutcome.self))
        #expect(pairsUp(Civic_Organizations_V1_TipOffChannel.self, TipOff.Channel.self))
    }
}
