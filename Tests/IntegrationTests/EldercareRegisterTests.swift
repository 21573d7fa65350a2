import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import EldercareService
import Foundation
import GRDB
import Logging
import SwiftProtobuf
import Testing

/// The eldercare service's handlers over an in-memory database, called as the gateway would call
/// them (a sealed principal in the metadata), on a fixed day: 文峰区 of 安阳 (410502).
struct ElderBureau {
    let handler: EldercareHandler
    let database: any DatabaseWriter

    static let county = "410502"
    /// 养老科 赵敏 of the county; a worker of the next county; a leader of the city.
    static let zhao = Principal(id: "key-zhao", roles: [.staff], services: ["eldercare"], division: county, subject: "赵敏")
    static let neighbour = Principal(id: "key-sun", roles: [.staff], services: ["eldercare"], division: "410503", subject: "孙磊")
    static let leader = Principal(id: "key-leader", roles: [.leader], division: "410500")

    static func open(today: String = "2026-09-15", settings: EldercareSettings = EldercareSettings()) throws -> ElderBureau {
        let database = try CivicDatabase.inMemory(migrations: EldercareService.definition.migrations)
        let day = CivilDate(today)!
        return ElderBureau(handler: EldercareHandler(store: EldercareStore(database: database), settings: settings, today: { day }), database: database)
    }

    func context(_ principal: Principal? = ElderBureau.zhao) -> RPCContext {
        var metadata: [String: String] = [MetadataKey.requestID: "req-test"]
        if let principal { metadata[MetadataKey.principal] = principal.encoded }
        return RPCContext(method: "", metadata: metadata, deadline: nil, logger: Logger(label: "test"))
    }

    static func code(_ first17: String) -> String { first17 + String(UnifiedSocialCreditCode.checkCharacter(for: first17)!) }

    /// A resident ID with its check character.
    static func residentID(_ first17: String) -> String { first17 + String(ResidentID.checkCharacter(for: first17)!) }

    static let yiyang = code("52410502MJ0000011")
    static let beiguan = code("91410502MA0000012")

    /// Two streets with a community each, and a township with a village.
    static let divisions: [Civic_Eldercare_V1_Division] = [
        .with {
            $0.code = "410502001"; $0.name = "东关街道"; $0.level = .street; $0.parent = county
        },
        .with {
            $0.code = "410502001003"; $0.name = "东关社区"; $0.level = .community; $0.parent = "410502001"
        },
        .with {
            $0.code = "410502002"; $0.name = "北关街道"; $0.level = .street; $0.parent = county
        },
        .with {
            $0.code = "410502002001"; $0.name = "北关社区"; $0.level = .community; $0.parent = "410502002"
        },
        .with {
            $0.code = "410502100"; $0.name = "高庄镇"; $0.level = .township; $0.parent = county
        },
        .with {
            $0.code = "410502100201"; $0.name = "高庄村"; $0.level = .village; $0.parent = "410502100"
        },
    ]

    /// 文峰区颐养院: 公建民营, 120 beds, in 东关社区.
    static func yiyangHome() -> Civic_Eldercare_V1_Institution {
        .with {
            $0.name = "文峰区颐养院"; $0.creditCode = yiyang.lowercased(); $0.ownership = .publicBuiltPrivatelyRun; $0.nature = .nonProfit
            $0.operatorName = "安康养老服务有限公司"; $0.county = county; $0.street = "410502001"; $0.community = "410502001003"
            $0.beds = 120; $0.nursingBeds = 60; $0.residents = 80; $0.openedOn = "2023-03-01"; $0.filedOn = "2023-03-10"
            $0.medicalCare = .with {
                $0.partner = "安阳市人民医院"; $0.signedOn = "2024-01-05"
            }
        }
    }

    func loadDivisions() async throws {
        _ = try await handler.loadDivisions(.with { $0.divisions = Self.divisions }, context: context())
    }

    func register(_ institution: Civic_Eldercare_V1_Institution = ElderBureau.yiyangHome(), as principal: Principal = ElderBureau.zhao) async throws
        -> Civic_Eldercare_V1_Institution
    {
        try await handler.registerInstitution(.with { $0.institution = institution }, context: context(principal)).institution
    }
}

@Suite("Eldercare: divisions and the register of institutions")
struct EldercareRegisterTests {
    typealias Bureau = ElderBureau

    @Test func theDivisionsTableIsLoadedWholeAndReplacedPerCounty() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let loaded = try await h.loadDivisions(.with { $0.divisions = Bureau.divisions }, context: bureau.context())
        #expect(loaded.loaded == 6)
        #expect(loaded.counties == [Bureau.county])
        #expect((loaded.streets, loaded.townships, loaded.communities, loaded.villages) == (2, 1, 2, 1))
        let communities = try await h.listDivisions(.with { $0.level = .community }, context: bureau.context())
        #expect(communities.divisions.map(\.code) == ["410502001003", "410502002001"])
        #expect(communities.divisions.map(\.county) == [Bureau.county, Bureau.county])
        #expect(try await h.listDivisions(.with { $0.within = "410502100" }, context: bureau.context()).divisions.map(\.name) == ["高庄镇", "高庄村"])

        // A bad table: every problem, and the loaded one stays.
        var bad = Bureau.divisions
        bad[1].parent = "410502009"
        bad[3].code = "410502001003"
        bad.append(
            .with {
                $0.code = "410502003"; $0.level = .street; $0.parent = Bureau.county
            })
        let refused = await domainRefusal { _ = try await h.loadDivisions(.with { $0.divisions = bad }, context: bureau.context()) }
        #expect(
            refused?.problems == ["divisions[3].code DUPLICATE", "divisions[6].name REQUIRED", "divisions[1].parent UNKNOWN_PARENT"])
        #expect(try await h.listDivisions(.init(), context: bureau.context()).page.totalCount == 6)

        // Loading again replaces the county's rows; another county's key cannot.
        _ = try await h.loadDivisions(.with { $0.divisions = Array(Bureau.divisions.prefix(2)) }, context: bureau.context())
        #expect(try await h.listDivisions(.init(), context: bureau.context()).divisions.map(\.code) == ["410502001", "410502001003"])
        let outside = await domainRefusal {
            _ = try await h.loadDivisions(.with { $0.divisions = Bureau.divisions }, context: bureau.context(Bureau.neighbour))
        }
        #expect(outside?.kind == .permissionDenied)
        #expect(try await bureau.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM divisions") } == 2)
    }

    @Test func anInstitutionIsRegisteredCheckedAndFoundByItsPlace() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        try await bureau.loadDivisions()
        let home = try await bureau.register()
        #expect(home.id == "I000001")
        #expect(home.creditCode == Bureau.yiyang)
        #expect(home.status == .operating)
        #expect(home.fireSafety == .notAssessed)
        #expect(home.operatorHistory.map { "\($0.operatorName) \($0.from)-\($0.until)" } == ["安康养老服务有限公司 2023-03-01-"])
        #expect(try await h.getInstitution(.with { $0.id = home.id }, context: bureau.context(Bureau.leader)).institution == home)

        // The same credit code again names the institution holding it.
        let twice = await domainRefusal { _ = try await bureau.register() }
        #expect(twice?.kind == .alreadyExists)
        #expect(twice?.problems == [" ALREADY_REGISTERED"])
        #expect(twice?.message.contains("I000001") == true)

        // Every problem at once, nothing stored: the message's, then the register's rules.
        var unreadable = Bureau.yiyangHome()
        unreadable.ownership = .unspecified
        unreadable.openedOn = "2023-13-01"
        unreadable.county = "990000"
        unreadable.grade = 7
        #expect(
            await domainRefusal { _ = try await bureau.register(unreadable) }?.problems == [
                "institution.county UNKNOWN_PROVINCE", "institution.ownership REQUIRED", "institution.grade INVALID", "institution.opened_on INVALID",
            ])
        var wrong = Bureau.yiyangHome()
        wrong.creditCode = Bureau.beiguan
        wrong.beds = 9
        wrong.nursingBeds = 0
        wrong.residents = 0
        wrong.operatorName = ""
        wrong.community = "410502002001"
        wrong.filedOn = "2026-09-16"
        #expect(
            await domainRefusal { _ = try await bureau.register(wrong) }?.problems == [
                "institution.operator_name REQUIRED", "institution.beds BELOW_MINIMUM", "institution.community NOT_IN_STREET",
                "institution.filed_on IN_THE_FUTURE",
            ])
        // A community the county's table does not hold.
        var unknown = Bureau.yiyangHome()
        unknown.creditCode = Bureau.beiguan
        unknown.community = "410502001009"
        #expect(await domainRefusal { _ = try await bureau.register(unknown) }?.problems == ["institution.community UNKNOWN"])
        #expect(try await h.listInstitutions(.init(), context: bureau.context()).page.totalCount == 1)

        // Lists by place, status, ownership and name; a key reaches its own county only.
        var small = Bureau.yiyangHome()
        small.creditCode = Bureau.beiguan
        small.name = "北关老年公寓"
        small.ownership = .privatelyRun
        small.nature = .forProfit
        small.operatorName = ""
        small.street = "410502002"
        small.community = "410502002001"
        small.beds = 10
        small.nursingBeds = 0
        small.residents = 4
        small.clearMedicalCare()
        _ = try await bureau.register(small)
        func names(_ request: Civic_Eldercare_V1_ListInstitutionsRequest, _ principal: Principal = Bureau.zhao) async throws -> [String] {
            try await h.listInstitutions(request, context: bureau.context(principal)).institutions.map(\.name)
        }
        #expect(try await names(.init()) == ["文峰区颐养院", "北关老年公寓"])
        #expect(try await names(.with { $0.within = "410502002" }) == ["北关老年公寓"])
        #expect(try await names(.with { $0.within = "410502001003" }) == ["文峰区颐养院"])
        #expect(try await names(.with { $0.ownership = .privatelyRun }) == ["北关老年公寓"])
        #expect(try await names(.with { $0.nameContains = "颐养" }) == ["文峰区颐养院"])
        #expect(try await names(.init(), Bureau.leader) == ["文峰区颐养院", "北关老年公寓"])
        #expect(try await names(.init(), Bureau.neighbour) == [])
        let elsewhere = await domainRefusal { _ = try await names(.with { $0.within = "410502001" }, Bureau.neighbour) }
        #expect(elsewhere?.kind == .permissionDenied)
        let notTheirs = await domainRefusal { _ = try await h.getInstitution(.with { $0.id = home.id }, context: bureau.context(Bureau.neighbour)) }
        #expect(notTheirs?.kind == .permissionDenied)
        let registerElsewhere = await domainRefusal { _ = try await bureau.register(Bureau.yiyangHome(), as: Bureau.neighbour) }
        #expect(registerElsewhere?.kind == .permissionDenied)
    }

    @Test func statusOperatorAndUpdatesKeepTheRecordAndItsHistory() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        try await bureau.loadDivisions()
        let home = try await bureau.register()

        // A new operator from 1 September: the old period ends the day before; id, 备案 and beds stay.
        let handedOver = try await h.changeOperator(
            .with {
                $0.id = home.id; $0.operatorName = "颐康护理有限公司"; $0.on = "2026-09-01"; $0.reason = "公建民营合同到期，重新招标"
            }, context: bureau.context()
        ).institution
        #expect(handedOver.operatorName == "颐康护理有限公司")
        #expect(
            handedOver.operatorHistory.map { "\($0.operatorName) \($0.from)-\($0.until)" } == [
                "安康养老服务有限公司 2023-03-01-2026-08-31", "颐康护理有限公司 2026-09-01-",
            ])
        #expect((handedOver.id, handedOver.filedOn, handedOver.beds) == (home.id, home.filedOn, home.beds))
        let noReason = await domainRefusal {
            _ = try await h.changeOperator(
                .with {
                    $0.id = home.id; $0.operatorName = "X"
                }, context: bureau.context())
        }
        #expect(noReason?.problems == ["reason REQUIRED"])

        // An update replaces the record but not the operator, its history or the status.
        var edited = Bureau.yiyangHome()
        edited.beds = 150
        edited.operatorName = "someone else"
        edited.status = .closed
        let updated = try await h.updateInstitution(
            .with {
                $0.id = home.id; $0.institution = edited; $0.reason = "扩建后床位增加"
            }, context: bureau.context()
        ).institution
        #expect(updated.beds == 150)
        #expect(updated.operatorName == "颐康护理有限公司")
        #expect(updated.status == .operating)
        #expect(updated.operatorHistory == handedOver.operatorHistory)

        // Status: suspended, then closing is allowed; closing with residents in is not; closed is final.
        func move(_ status: Civic_Eldercare_V1_InstitutionStatus) async throws -> Civic_Eldercare_V1_Institution {
            try await h.changeInstitutionStatus(
                .with {
                    $0.id = home.id; $0.status = status; $0.reason = "停业整顿"; $0.on = "2026-09-10"
                }, context: bureau.context()
            ).institution
        }
        #expect(try await move(.suspended).status == .suspended)
        let again = await domainRefusal { _ = try await move(.suspended) }
        #expect(again?.problems == [" ILLEGAL_TRANSITION"])
        #expect(try await move(.closing).status == .closing)
        let occupied = await domainRefusal { _ = try await move(.closed) }
        #expect(occupied?.problems == [" NOT_RESETTLED"])
        #expect(try await h.getInstitution(.with { $0.id = home.id }, context: bureau.context()).institution.status == .closing)

        let trail = try await h.getHistory(
            .with {
                $0.entity = "institution"; $0.id = home.id
            }, context: bureau.context()
        ).entries
        #expect(trail.map(\.action) == ["register", "change_operator", "update", "status_suspended", "status_closing"])
        #expect(trail[2].reason == "扩建后床位增加")
        #expect(trail[2].detail == "changed: beds")
        #expect(trail[3].reason == "停业整顿 (2026-09-10)")
    }

    @Test func anImportIsWholeOrNothingWithEveryProblemByLine() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        _ = try await bureau.register()
        let header = "name,credit_code,ownership,nature,county,street,beds,nursing_beds,opened_on"
        let third = Bureau.code("12410502MB0000013")
        let good = """
            \(header)
            北关老年公寓,\(Bureau.beiguan),privately_run,for_profit,410502,410502002,30,10,2020-05-01
            高庄敬老院,\(third),公办,公益性,410502,410502100,60,20,2015-01-01

            """
        let dry = try await h.importInstitutions(
            .with {
                $0.csv = good; $0.dryRun = true
            }, context: bureau.context())
        #expect(dry.problems.isEmpty)
        #expect(dry.institutions == 2)
        #expect(try await h.listInstitutions(.init(), context: bureau.context()).page.totalCount == 1)

        let bad = """
            \(header)
            北关老年公寓,\(Bureau.beiguan),privately_run,for_profit,410502,410502002,8,10,2020-05-01
            文峰区颐养院,\(Bureau.yiyang),公办,公益性,410502,,60,20,2015-01-01

            """
        let checked = try await h.importInstitutions(
            .with {
                $0.csv = bad; $0.dryRun = true
            }, context: bureau.context())
        #expect(
            checked.problems.map { "\($0.line) \($0.field) \($0.reason)" } == [
                "2 line 2: beds BELOW_MINIMUM", "2 line 2: nursing_beds EXCEEDS_BEDS", "3 line 3: credit_code ALREADY_REGISTERED",
            ])
        let refused = await domainRefusal { _ = try await h.importInstitutions(.with { $0.csv = bad }, context: bureau.context()) }
        #expect(refused?.kind == .invalid)
        #expect(try await h.listInstitutions(.init(), context: bureau.context()).page.totalCount == 1)

        let imported = try await h.importInstitutions(.with { $0.csv = good }, context: bureau.context())
        #expect(imported.institutionIds == ["I000002", "I000003"])
        let list = try await h.listInstitutions(.init(), context: bureau.context()).institutions
        #expect(list.map(\.name) == ["文峰区颐养院", "北关老年公寓", "高庄敬老院"])
        #expect(list[2].ownership == .publicRun)
        // Another county's key imports nothing of this one.
        let outside = await domainRefusal { _ = try await h.importInstitutions(.with { $0.csv = good }, context: bureau.context(Bureau.neighbour)) }
        #expect(outside?.kind != nil)
    }

    /// With the county's divisions table loaded, an import checks each line's street and community
    /// against it, as a registration does; before, only their form.
    @Test func anImportChecksStreetsAndCommunitiesAgainstTheLoadedTable() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        let csv = """
            name,credit_code,ownership,nature,county,street,community,beds,opened_on
            北关老年公寓,\(Bureau.beiguan),privately_run,for_profit,410502,410502003,,30,2020-05-01
            高庄敬老院,\(Bureau.code("12410502MB0000013")),公办,公益性,410502,410502100,410502100299,60,2015-01-01

            """
        let formOnly = try await h.importInstitutions(
            .with {
                $0.csv = csv; $0.dryRun = true
            }, context: bureau.context())
        #expect(formOnly.problems.isEmpty)
        #expect(formOnly.institutions == 2)
        try await bureau.loadDivisions()
        let checked = try await h.importInstitutions(
            .with {
                $0.csv = csv; $0.dryRun = true
            }, context: bureau.context())
        #expect(checked.problems.map { "\($0.line) \($0.field) \($0.reason)" } == ["2 line 2: street UNKNOWN", "3 line 3: community UNKNOWN"])
        let refused = await domainRefusal { _ = try await h.importInstitutions(.with { $0.csv = csv }, context: bureau.context()) }
        #expect(refused?.kind == .invalid)
        #expect(try await h.listInstitutions(.init(), context: bureau.context()).page.totalCount == 0)
    }

    @Test func everyWireEnumNamesTheDomainCasesInOrder() {
        func pairsUp<P: SwiftProtobuf.Enum & CaseIterable, D: CaseIterable>(_: P.Type, _: D.Type) -> Bool {
            let wire = P.allCases.filter { $0.rawValue != 0 }.map { "\($0)".lowercased() }
            let domain = D.allCases.map { "\($0)".lowercased() }
            return wire.count == domain.count && zip(wire, domain).allSatisfy { $0.contains($1) || $1.contains($0) }
        }
        #expect(pairsUp(Civic_Eldercare_V1_DivisionLevel.self, DivisionLevel.self))
        #expect(pairsUp(Civic_Eldercare_V1_Ownership.self, Ownership.self))
        #expect(pairsUp(Civic_Eldercare_V1_ProfitNature.self, ProfitNature.self))
        #expect(pairsUp(Civic_Eldercare_V1_FireSafetyStatus.self, FireSafetyStatus.self))
        #expect(pairsUp(Civic_Eldercare_V1_InstitutionStatus.self, InstitutionStatus.self))
        #expect(!pairsUp(Civic_Eldercare_V1_Ownership.self, InstitutionStatus.self))
    }
}
