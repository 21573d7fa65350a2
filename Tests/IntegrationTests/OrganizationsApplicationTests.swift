import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import OrganizationsDomain
import OrganizationsService
import Testing

@Suite("Organizations: registration applications, community filings and the legitimacy check")
struct OrganizationsApplicationTests {
    typealias Bureau = OrgBureau

    static func chessClub() -> Civic_Organizations_V1_Application {
        .with {
            $0.name = "安阳市文峰区象棋协会"; $0.type = .socialGroup; $0.registrarLevel = .county; $0.division = Bureau.county
            $0.sponsor = "文峰区体育局"; $0.fundsFen = 3_000_000; $0.individualMembers = 60; $0.domicile = "文峰区南关街道"
            $0.purpose = "推广象棋运动"; $0.legalRepresentative = "赵刚"; $0.applicant = "赵刚 13900000000"
        }
    }

    /// 容缺受理 to 准予登记: the decision waits for the promised documents and the sponsor's
    /// approval, and issues the registrar's next credit code.
    @Test func fromSubmissionToTheRegisterOnAPromise() async throws {
        let bureau = try Bureau.open(today: "2026-10-20")
        let h = bureau.handler
        let submitted = try await h.submitApplication(
            .with {
                $0.application = Self.chessClub(); $0.submittedOn = "2026-09-24"
            }, context: bureau.context()
        ).application
        #expect((submitted.id, submitted.state, submitted.preReviewDue, submitted.preReviewOverdue) == ("A000001", .submitted, "2026-09-29", true))
        #expect(try await h.listApplications(.with { $0.overdueOnly = true }, context: bureau.context()).applications.map(\.id) == ["A000001"])
        _ = try await h.preReviewApplication(
            .with {
                $0.id = submitted.id; $0.passed = true; $0.on = "2026-09-28"
            }, context: bureau.context())
        let promised = try await h.acceptApplication(
            .with {
                $0.id = submitted.id; $0.on = "2026-09-30"; $0.promisedDocuments = ["验资报告", "住所使用证明"]; $0.promiseDue = "2026-10-16"
            }, context: bureau.context()
        ).application
        #expect((promised.state, promised.promiseOverdue, promised.decisionDue) == (.acceptedOnPromise, true, ""))
        let early = await domainRefusal { _ = try await h.approveApplication(.with { $0.id = submitted.id }, context: bureau.context(Bureau.leader)) }
        #expect(early?.problems == [" PROMISE_OUTSTANDING"])
        let complete = try await h.supplyDocuments(
            .with {
                $0.id = submitted.id; $0.documents = ["验资报告", "住所使用证明"]; $0.on = "2026-10-19"
            }, context: bureau.context()
        ).application
        #expect((complete.state, complete.completeOn, complete.decisionDue, complete.promiseOverdue) == (.accepted, "2026-10-19", "2026-12-18", false))
        let noSponsor = await domainRefusal { _ = try await h.approveApplication(.with { $0.id = submitted.id }, context: bureau.context(Bureau.leader)) }
        #expect(noSponsor?.problems == [" SPONSOR_APPROVAL_MISSING"])
        _ = try await h.recordSponsorApproval(
            .with {
                $0.id = submitted.id; $0.reference = "文体〔2026〕8号"; $0.approvedOn = "2026-10-12"
            }, context: bureau.context())
        let approved = try await h.approveApplication(
            .with {
                $0.id = submitted.id; $0.on = "2026-10-20"; $0.legalRepresentativeID = Bureau.residentID("41050219750303003")
            }, context: bureau.context(Bureau.leader))
        let code = Bureau.code("51410502MJ0000001")
        #expect((approved.application.state, approved.application.creditCode, approved.application.organizationID) == (.approved, code, "O000001"))
        #expect((approved.organization.creditCode, approved.organization.status, approved.organization.registeredOn) == (code, .registered, "2026-10-20"))
        #expect(approved.organization.sponsor == "文峰区体育局")
        #expect(try UnifiedSocialCreditCode(approved.organization.creditCode).civilAffairsType == .socialGroup)

        // A second application under a name one character off is refused, and so is one too poor.
        var mimic = Self.chessClub()
        mimic.name = "安阳市文峰区象棋学会"
        mimic.fundsFen = 2_999_900
        let second = try await h.submitApplication(.with { $0.application = mimic }, context: bureau.context()).application
        _ = try await h.preReviewApplication(
            .with {
                $0.id = second.id; $0.passed = true
            }, context: bureau.context())
        _ = try await h.acceptApplication(.with { $0.id = second.id }, context: bureau.context())
        _ = try await h.recordSponsorApproval(
            .with {
                $0.id = second.id; $0.reference = "文体〔2026〕9号"; $0.approvedOn = "2026-10-20"
            }, context: bureau.context())
        let refused = await domainRefusal { _ = try await h.approveApplication(.with { $0.id = second.id }, context: bureau.context(Bureau.leader)) }
        #expect(refused?.problems == ["funds BELOW_MINIMUM", "name SIMILAR_NAME"])
        #expect(try await h.getApplication(.with { $0.id = second.id }, context: bureau.context()).application.state == .accepted)
        #expect(try await h.listOrganizations(.init(), context: bureau.context()).page.totalCount == 1)
    }

    /// With the bureau's division names configured, a local 社团's name begins with its registrar's
    /// division (its own name, or with its parents' before it).
    @Test func aLocalNameBeginsWithItsDivision() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("civic-divisions-\(UUID().uuidString).json")
        try Data(#"{"410000": "河南省", "410500": "安阳市", "410502": "文峰区"}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let settings = try OrganizationsSettings(environment: ["CIVIC_DIVISION_NAMES_FILE": file.path])
        #expect(settings.divisionNames.prefixes(for: try DivisionCode(Bureau.county)) == ["文峰区", "安阳市文峰区", "河南省安阳市文峰区"])
        let bureau = try Bureau.open(today: "2026-10-20", settings: settings)
        let h = bureau.handler
        func readyToDecide(_ name: String) async throws -> String {
            var club = Self.chessClub()
            club.name = name
            let id = try await h.submitApplication(.with { $0.application = club }, context: bureau.context()).application.id
            _ = try await h.preReviewApplication(
                .with {
                    $0.id = id; $0.passed = true
                }, context: bureau.context())
            _ = try await h.acceptApplication(.with { $0.id = id }, context: bureau.context())
            _ = try await h.recordSponsorApproval(
                .with {
                    $0.id = id; $0.reference = "文体〔2026〕8号"; $0.approvedOn = "2026-10-12"
                }, context: bureau.context())
            return id
        }
        let elsewhere = try await readyToDecide("洛阳市象棋协会")
        let refused = await domainRefusal { _ = try await h.approveApplication(.with { $0.id = elsewhere }, context: bureau.context(Bureau.leader)) }
        #expect(refused?.problems == ["name NO_DIVISION"])
        let own = try await readyToDecide("文峰区象棋协会")
        let approved = try await h.approveApplication(.with { $0.id = own }, context: bureau.context(Bureau.leader))
        #expect(approved.organization.name == "文峰区象棋协会")
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("civic-divisions-\(UUID().uuidString).json")
        try Data(#"{"4105": "安阳市", "410502": " "}"#.utf8).write(to: bad)
        defer { try? FileManager.default.removeItem(at: bad) }
        #expect(throws: (any Error).self) { _ = try OrganizationsSettings(environment: ["CIVIC_DIVISION_NAMES_FILE": bad.path]) }
        #expect(throws: (any Error).self) { _ = try DivisionNameTable.load(json: Data(#"{"4105": "安阳市", "410502": " "}"#.utf8)) }
        do {
            _ = try DivisionNameTable.load(json: Data(#"{"4105": "安阳市", "410502": " "}"#.utf8))
        } catch let errors as ValidationErrors {
            #expect(errors.details.map { "\($0.field) \($0.reason)" } == ["divisions.4105 BAD_CODE", "divisions.410502 REQUIRED"])
        }
    }

    @Test func communityOrganizationsAreFiledInTheConfiguredCategories() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        #expect(try await h.listCommunityCategories(.init(), context: bureau.context(nil)).categories == ["生活服务", "公益慈善", "文体活动", "专业调处"])
        let dance = try await h.fileCommunityOrganization(
            .with {
                $0.communityOrganization = .with {
                    $0.name = "东关社区夕阳红舞蹈队"; $0.category = "文体活动"; $0.community = "410502001003"; $0.members = 24; $0.filedOn = "2026-09-01"
                }
            }, context: bureau.context()
        ).communityOrganization
        #expect((dance.id, dance.county) == ("F000001", Bureau.county))
        let bad = await domainRefusal {
            _ = try await h.fileCommunityOrganization(
                .with {
                    $0.communityOrganization = .with {
                        $0.name = ""; $0.category = "养老"; $0.community = "41050200100"
                    }
                }, context: bureau.context())
        }
        #expect(
            bad?.problems == ["community_organization.name REQUIRED", "community_organization.category UNKNOWN", "community_organization.community BAD_FORM"])
        let twice = await domainRefusal {
            _ = try await h.fileCommunityOrganization(
                .with {
                    $0.communityOrganization = .with {
                        $0.name = "东关社区夕阳红舞蹈队"; $0.category = "文体活动"; $0.community = "410502001003"
                    }
                }, context: bureau.context())
        }
        #expect(twice?.kind == .alreadyExists)
        #expect(try await h.listCommunityOrganizations(.with { $0.within = "410502001003" }, context: bureau.context()).communityOrganizations.count == 1)
        let cancelled = try await h.cancelCommunityFiling(
            .with {
                $0.id = dance.id; $0.on = "2026-09-20"; $0.reason = "队伍解散"
            }, context: bureau.context()
        ).communityOrganization
        #expect(cancelled.cancelledOn == "2026-09-20")
        #expect(try await h.listCommunityOrganizations(.init(), context: bureau.context()).communityOrganizations.isEmpty)
    }

    /// 合法性甄别, without a key: registered, filed, revoked, not found, and a mimic name.
    @Test func theLegitimacyCheck() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        var decorators = OrgBureau.goAssociation()
        decorators.creditCode = Bureau.code("51410500MJ0000201")
        decorators.name = "安阳市室内装饰协会"
        decorators.registrarLevel = .prefecture
        decorators.registrarDivision = "410500"
        decorators.sponsor = ""
        decorators.directlyRegistrable = true
        decorators.tradeAssociation = true
        decorators.legalRepresentativeID = ""
        let decor = try await bureau.register(decorators, as: Principal(id: "key-city", roles: [.staff], services: ["organizations"], division: "410500"))
        let go = try await bureau.register()
        _ = try await h.fileCommunityOrganization(
            .with {
                $0.communityOrganization = .with {
                    $0.name = "东关社区夕阳红舞蹈队"; $0.category = "文体活动"; $0.community = "410502001003"
                }
            }, context: bureau.context())
        let anyone = bureau.context(nil)
        func check(_ query: String) async throws -> Civic_Organizations_V1_CheckLegitimacyResponse {
            try await h.checkLegitimacy(.with { $0.query = query }, context: anyone)
        }
        let exact = try await check("安阳市文峰区围棋协会")
        #expect((exact.verdict, exact.registered.creditCode, exact.registered.similarity) == ("registered", go.creditCode, "exact"))
        // Full-width spaces and letters are normalized away.
        #expect(try await check("安阳市　文峰区 围棋协会").verdict == "registered")
        let mimic = try await check("安阳市室内装修协会")
        #expect(mimic.verdict == "not_found")
        #expect(mimic.similarRegistered.map { "\($0.name) \($0.similarity)" } == ["安阳市室内装饰协会 one_character_off"])
        #expect(mimic.explanation.contains("安阳市室内装饰协会"))
        #expect(try await check("东关社区夕阳红舞蹈队").verdict == "filed")
        let byCode = try await check(decor.creditCode)
        #expect((byCode.verdict, byCode.registered.name, byCode.registered.registrarLevel) == ("registered", "安阳市室内装饰协会", .prefecture))
        // On a credit list: said in the answer.
        _ = try await h.recordCreditEvent(
            .with {
                $0.organizationID = go.id; $0.on = "2026-09-01"
                $0.event = .abnormalGround(
                    .with {
                        $0.ground = .noAnnualReport; $0.evidence = "2025年度报告未报"; $0.document = "文民异〔2026〕2号"
                    })
            }, context: bureau.context())
        let listed = try await check("安阳市文峰区围棋协会")
        #expect((listed.verdict, listed.lists) == ("registered", [.abnormal]))
        #expect(listed.explanation.contains("活动异常名录"))
        #expect(try await check(go.creditCode).lists == [.abnormal])
        _ = try await h.changeOrganizationStatus(
            .with {
                $0.id = go.id; $0.status = .revoked; $0.reason = "连续两年未年检"
            }, context: bureau.context())
        #expect(try await check("安阳市文峰区围棋协会").verdict == "revoked")
        #expect(try await check("安阳市文峰区无名协会").verdict == "not_found")
        let empty = await domainRefusal { _ = try await check(" ") }
        #expect(empty?.problems == ["query REQUIRED"])
        // No personal data in any answer.
        #expect(!"\(exact)".contains("李明"))
    }
}
