import AssistanceDomain
import AssistanceService
import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging
import Testing

/// The assistance service's handlers over an in-memory database, called as the gateway would
/// call them (a sealed principal in the metadata), on a fixed day.
struct AssistanceBureau {
    let handler: AssistanceHandler
    let database: any DatabaseWriter
    let today: CivilDate

    static let county = "431227"

    /// Case worker 陈静 and 李强 of the county, a worker of the next county, a leader of the prefecture.
    static let chen = Principal(id: "key-chen", roles: [.staff], services: ["assistance"], division: county, subject: "陈静")
    static let li = Principal(id: "key-li", roles: [.staff], services: ["assistance"], division: county, subject: "李强")
    static let neighbour = Principal(id: "key-wang", roles: [.staff], services: ["assistance"], division: "431228", subject: "王伟")
    static let leader = Principal(id: "key-leader", roles: [.leader], division: "431200")

    static func open(today: String = "2026-07-15", settings: AssistanceSettings = AssistanceSettings()) throws -> AssistanceBureau {
        let database = try CivicDatabase.inMemory(migrations: AssistanceService.definition.migrations)
        let day = CivilDate(today)!
        return AssistanceBureau(
            handler: AssistanceHandler(store: AssistanceStore(database: database), settings: settings, today: { day }), database: database, today: day)
    }

    func context(_ principal: Principal? = AssistanceBureau.chen) -> RPCContext {
        var metadata: [String: String] = [MetadataKey.requestID: "req-test"]
        if let principal { metadata[MetadataKey.principal] = principal.encoded }
        return RPCContext(method: "", metadata: metadata, deadline: nil, logger: Logger(label: "test"))
    }

    /// A resident ID with its check character: `first17` is the address, birth date and sequence.
    static func id(_ first17: String) -> String { first17 + String(ResidentID.checkCharacter(for: first17)!) }

    static func masked(_ id: String) -> String { id.prefix(6) + "********" + id.suffix(4) }

    static let head = id("43122719800101001")  // man, 1980
    static let spouse = id("43122719820304002")  // woman, 1982
    static let child = id("43122720170305003")  // boy, 9 on 2026-07-15
    static let elder = id("43122719400610004")  // woman, 1940

    static func member(_ name: String, _ id: String, _ relation: Civic_Assistance_V1_Relation, work: Civic_Assistance_V1_WorkAbility = .unable)
        -> Civic_Assistance_V1_Member
    {
        .with {
            $0.name = name; $0.residentID = id; $0.relation = relation; $0.workAbility = work
        }
    }

    /// 张伟's family of three: his wage 1 500 元 a month; the 两项补贴 excluded.
    static func family(caseWorker: String = "陈静", division: String = county) -> Civic_Assistance_V1_Household {
        .with {
            $0.division = division
            $0.area = .urban
            $0.hukouAddress = "新晃县城关镇 1 号"
            $0.bankAccount = "6217 0000 1234 5678"
            $0.caseWorker = caseWorker
            $0.members = [member("张伟", head, .head, work: .able), member("李梅", spouse, .spouse), member("张小明", child, .child)]
            $0.incomes = [
                .with {
                    $0.memberResidentID = head; $0.category = .wage; $0.monthlyFen = 150_000; $0.source = .verified
                },
                .with {
                    $0.memberResidentID = spouse; $0.category = .transfer; $0.monthlyFen = 7_000; $0.excluded = true; $0.excludedReason = "两项补贴"
                },
            ]
        }
    }

    /// Urban S = 900 元, from 2026-07-01.
    static let urban = Civic_Assistance_V1_StandardVersion.with {
        $0.id = "431227-urban-2026-07"
        $0.label = "新民发〔2026〕5号"
        $0.effective = "2026-07-01"
        $0.division = county
        $0.area = .urban
        $0.minimumLivingMonthlyFen = 90_000
        $0.careCentralized = .with {
            $0.selfCaring = "3/20"; $0.partiallyDependent = "1/4"; $0.fullyDependent = "1/2"
        }
        $0.careDispersed = .with {
            $0.selfCaring = "1/10"; $0.partiallyDependent = "1/6"; $0.fullyDependent = "1/3"
        }
        $0.minimumWageFen = 190_000
        $0.livingSubsidyFen = 7_000
        $0.nursingSubsidyFen = 8_000
    }

    func putStandard(_ version: Civic_Assistance_V1_StandardVersion = AssistanceBureau.urban) async throws {
        _ = try await handler.putStandardVersion(.with { $0.version = version }, context: context())
    }

    func register(_ household: Civic_Assistance_V1_Household = AssistanceBureau.family(), as principal: Principal = AssistanceBureau.chen) async throws
        -> Civic_Assistance_V1_Household
    {
        try await handler.registerHousehold(.with { $0.household = household }, context: context(principal)).household
    }

    func auditCount(_ entity: String) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE entity = ?", arguments: [entity]) ?? 0 }
    }
}

/// "field REASON" of a thrown DomainError, with its kind.
func domainRefusal(_ body: () async throws -> Void) async -> (kind: DomainError.Kind, problems: [String], message: String)? {
    do {
        try await body()
        return nil
    } catch let error as DomainError {
        return (error.kind, error.problems.map { "\($0.field) \($0.reason)" }, error.message)
    } catch let errors as ValidationErrors {
        return (.invalid, errors.details.map { "\($0.field) \($0.reason)" }, errors.message)
    } catch {
        return (.invalid, ["unexpected \(error)"], "")
    }
}

@Suite("Assistance: registry and standards")
struct AssistanceRegistryTests {
    typealias Bureau = AssistanceBureau

    @Test func theCaseWorkerOnTheFileSeesIdentifiersEveryoneElseMasked() async throws {
        let bureau = try Bureau.open()
        let stored = try await bureau.register()
        #expect(stored.id == "H000001")
        #expect(stored.members.map(\.residentID) == [Bureau.head, Bureau.spouse, Bureau.child])
        #expect(stored.bankAccount == "6217000012345678")
        // Sex, birth date, age and minority come from the ID.
        #expect(stored.members.map(\.sex) == ["male", "female", "male"])
        #expect(stored.members[2].birthDate == "2017-03-05")
        #expect(stored.members.map(\.age) == [46, 44, 9])
        #expect(stored.members.map(\.minor) == [false, false, true])

        for other in [Bureau.li, Bureau.leader] {
            let seen = try await bureau.handler.getHousehold(.with { $0.id = "H000001" }, context: bureau.context(other)).household
            #expect(seen.members.map(\.residentID) == [Bureau.head, Bureau.spouse, Bureau.child].map(Bureau.masked))
            #expect(seen.bankAccount == "************5678")
            #expect(seen.incomes[0].memberResidentID == Bureau.masked(Bureau.head))
        }
        #expect(try bureau.auditCount("household") == 1)
    }

    @Test func onePersonIsInOneHouseholdAtATime() async throws {
        let bureau = try Bureau.open()
        _ = try await bureau.register()
        var second = Bureau.family()
        second.members = [Bureau.member("李梅", Bureau.spouse, .head), Bureau.member("李奶奶", Bureau.elder, .parent)]
        second.incomes = []
        let refusal = await domainRefusal { _ = try await bureau.register(second) }
        #expect(refusal?.kind == .alreadyExists)
        #expect(refusal?.problems == ["household.members[0].resident_id IN_ANOTHER_HOUSEHOLD"])
        #expect(refusal?.message.contains("household H000001") == true)
        // Nothing of the second registration was stored: the elder is in no household.
        let find = await domainRefusal { _ = try await bureau.handler.findPerson(.with { $0.residentID = Bureau.elder }, context: bureau.context()) }
        #expect(find?.kind == .notFound)
        #expect(try await bureau.handler.listHouseholds(.init(), context: bureau.context()).page.totalCount == 1)
        #expect(try bureau.auditCount("household") == 1)
    }

    @Test func everyProblemOfAHouseholdAtOnceAndNothingStored() async throws {
        let bureau = try Bureau.open()
        var bad = Bureau.family()
        bad.members[0].residentID = String(Bureau.head.prefix(17)) + (Bureau.head.hasSuffix("0") ? "1" : "0")  // wrong check character
        bad.members[1].sex = "male"  // the ID says female
        bad.members[1].birthDate = "1982-03-05"  // the ID says 1982-03-04
        bad.members[2].relation = .spouse
        bad.members[2].notCounted = true  // no reason
        bad.incomes[1].excludedReason = ""
        bad.hukouAddress = " "
        let refusal = await domainRefusal { _ = try await bureau.register(bad) }
        #expect(refusal?.kind == .invalid)
        #expect(
            refusal?.problems == [
                "household.members[0].resident_id BAD_CHECK_DIGIT", "household.members[1].sex MISMATCH_ID", "household.members[1].birth_date MISMATCH_ID",
            ])
        // With the IDs fixed, the household-level rules speak.
        bad.members[0].residentID = Bureau.head
        bad.members[1].sex = ""
        bad.members[1].birthDate = ""
        let second = await domainRefusal { _ = try await bureau.register(bad) }
        #expect(
            second?.problems == [
                "household.hukou_address REQUIRED", "household.members[2].not_counted_reason REQUIRED", "household.incomes[1].excluded_reason REQUIRED",
            ])
        #expect(try await bureau.handler.listHouseholds(.init(), context: bureau.context()).page.totalCount == 0)
    }

    @Test func aKeyReachesItsOwnDivisionOnly() async throws {
        let bureau = try Bureau.open()
        _ = try await bureau.register()
        let get = await domainRefusal { _ = try await bureau.handler.getHousehold(.with { $0.id = "H000001" }, context: bureau.context(Bureau.neighbour)) }
        #expect(get?.kind == .permissionDenied)
        #expect(try await bureau.handler.listHouseholds(.init(), context: bureau.context(Bureau.neighbour)).page.totalCount == 0)
        let listOther = await domainRefusal {
            _ = try await bureau.handler.listHouseholds(.with { $0.division = "431227" }, context: bureau.context(Bureau.neighbour))
        }
        #expect(listOther?.kind == .permissionDenied)
        // A person registered elsewhere is not even confirmed to exist.
        let find = await domainRefusal {
            _ = try await bureau.handler.findPerson(.with { $0.residentID = Bureau.head }, context: bureau.context(Bureau.neighbour))
        }
        #expect(find?.kind == .notFound)
        // Registering into another county is refused too.
        let foreign = await domainRefusal { _ = try await bureau.register(Bureau.family(division: "431227"), as: Bureau.neighbour) }
        #expect(foreign?.kind == .permissionDenied)
        // The prefecture's leader reaches the county.
        #expect(try await bureau.handler.listHouseholds(.init(), context: bureau.context(Bureau.leader)).page.totalCount == 1)
        let found = try await bureau.handler.findPerson(.with { $0.residentID = Bureau.head }, context: bureau.context(Bureau.leader))
        #expect(found.householdID == "H000001")
        #expect(found.member.residentID == Bureau.masked(Bureau.head))
    }

    @Test func anUpdateReplacesTheRecordWithItsReasonAudited() async throws {
        let bureau = try Bureau.open()
        _ = try await bureau.register()
        var changed = Bureau.family()
        changed.incomes[0].monthlyFen = 180_000
        let noReason = await domainRefusal {
            _ = try await bureau.handler.updateHousehold(
                .with {
                    $0.id = "H000001"; $0.household = changed
                }, context: bureau.context())
        }
        #expect(noReason?.problems == ["reason REQUIRED"])
        let updated = try await bureau.handler.updateHousehold(
            .with {
                $0.id = "H000001"; $0.household = changed; $0.reason = "核对：工资上涨"
            }, context: bureau.context()
        ).household
        #expect(updated.incomes[0].monthlyFen == 180_000)
        let history = try await bureau.handler.getHistory(
            .with {
                $0.entity = "household"; $0.id = "H000001"
            }, context: bureau.context()
        ).entries
        #expect(history.map(\.action) == ["register", "update"])
        #expect(history[1].reason == "核对：工资上涨")
        #expect(history[1].detail == "incomes changed (2 lines)")
        // No identifier reaches the audit trail.
        #expect(!history.contains { $0.detail.contains(Bureau.head) || $0.reason.contains(Bureau.head) })
    }

    @Test func standardsAreDatedPublicAndCheckedAsAWhole() async throws {
        let bureau = try Bureau.open()
        try await bureau.putStandard()
        let again = await domainRefusal { try await bureau.putStandard() }
        #expect(again?.kind == .alreadyExists)
        var sameDay = Bureau.urban
        sameDay.id = "another"
        #expect(await domainRefusal { try await bureau.putStandard(sameDay) }?.kind == .alreadyExists)
        var bad = Bureau.urban
        bad.id = "bad"
        bad.effective = "2027-01-01"
        bad.livingSubsidyFen = 6_000
        bad.minimumLivingYearlyFen = 1_000_000
        bad.careDispersed.fullyDependent = "1/0"
        let refusal = await domainRefusal { try await bureau.putStandard(bad) }
        #expect(
            refusal?.problems == [
                "version.minimum_living_yearly_fen BOTH_GIVEN", "version.care_dispersed.fully_dependent BAD_RATIO", "version.living_subsidy_fen BELOW_FLOOR",
            ])
        let listed = try await bureau.handler.listStandardVersions(.with { $0.division = "431200" }, context: bureau.context(nil)).versions
        #expect(listed.map(\.id) == ["431227-urban-2026-07"])
        #expect(listed[0].destituteMultiple == "13/10")
        #expect(listed[0].temporaryCapMultiple == 10)
    }

    @Test func theBenefitPreviewShowsItsFormulaAndStandard() async throws {
        let bureau = try Bureau.open()
        try await bureau.putStandard()
        _ = try await bureau.register()
        let preview = try await bureau.handler.computeBenefit(
            .with {
                $0.householdID = "H000001"; $0.program = .minimumLiving; $0.month = "2026-08"
            }, context: bureau.context())
        // 3 × 90 000 − 150 000 (the excluded 两项补贴 not counted) = 120 000.
        #expect(preview.amountFen == 120_000)
        #expect(preview.formula == "3 × 90000 − 150000 = 120000")
        #expect(preview.standardVersionID == "431227-urban-2026-07")
        #expect(preview.householdSize == 3)
        // 低保边缘: 2 × 150 000 < 3 × 3 × 90 000.
        #expect(preview.marginalLowIncome)
        let before = await domainRefusal {
            _ = try await bureau.handler.computeBenefit(
                .with {
                    $0.householdID = "H000001"; $0.program = .minimumLiving; $0.month = "2026-06"
                }, context: bureau.context())
        }
        #expect(before?.kind == .failedPrecondition)
        #expect(before?.problems == [" NO_STANDARD"])
    }
}

@Suite("Assistance: applications and 公示")
struct AssistanceApplicationTests {
    typealias Bureau = AssistanceBureau

    /// A filed 低保 application of H000001 on `applied`.
    static func file(
        _ bureau: Bureau, program: Civic_Assistance_V1_Program = .minimumLiving, applied: String = "2026-07-01",
        configure: (inout Civic_Assistance_V1_FileApplicationRequest) -> Void = { _ in }
    ) async throws -> String {
        var request = Civic_Assistance_V1_FileApplicationRequest.with {
            $0.householdID = "H000001"; $0.program = program; $0.appliedOn = applied; $0.channel = .window
        }
        configure(&request)
        return try await bureau.handler.fileApplication(request, context: bureau.context()).application.id
    }

    static func step(_ id: String, on: String, text: String = "") -> Civic_Assistance_V1_ApplicationStepRequest {
        .with {
            $0.id = id; $0.on = on; $0.text = text
        }
    }

    @Test func aMinimumLivingCaseFromFilingToPaymentWithAnObjectionOnTheWay() async throws {
        let bureau = try Bureau.open(today: "2026-07-22")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await Self.file(bureau)
        #expect(id == "A000001")
        var a = try await h.acceptApplication(Self.step(id, on: "2026-07-02"), context: bureau.context()).application
        #expect(a.state == .accepted)
        // 30 working days from 2 July: 13 August.
        #expect(a.caseDue == "2026-08-13")
        #expect(a.caseStatus == .onTime)

        // No economic check without the written authorization; nothing changes.
        let noAuthorization = await domainRefusal { _ = try await h.startInvestigation(Self.step(id, on: "2026-07-03"), context: bureau.context()) }
        #expect(noAuthorization?.kind == .failedPrecondition)
        #expect(noAuthorization?.problems == [" NO_AUTHORIZATION"])
        #expect(try await h.getApplication(.with { $0.id = id }, context: bureau.context()).application.state == .accepted)
        _ = try await h.recordAuthorization(
            .with {
                $0.id = id; $0.signedOn = "2026-07-02"
            }, context: bureau.context())
        a = try await h.startInvestigation(
            .with {
                $0.id = id; $0.on = "2026-07-03"; $0.methods = [.homeVisit, .dataCheck]; $0.text = "入户 2 人"
            }, context: bureau.context()
        ).application
        #expect(a.investigator == "陈静")
        #expect(a.investigationMethods == [.homeVisit, .dataCheck])

        a = try await h.recordTownshipOpinion(Self.step(id, on: "2026-07-08", text: "符合低保条件"), context: bureau.context()).application
        #expect(a.amountFen == 120_000)
        #expect(a.formula == "3 × 90000 − 150000 = 120000")

        a = try await h.startNotice(Self.step(id, on: "2026-07-09"), context: bureau.context()).application
        #expect(a.state == .publicNotice)
        #expect(a.notice.endsOn == "2026-07-16")
        let posted = try await h.listPublicNotices(.with { $0.on = "2026-07-10" }, context: bureau.context(nil)).notices
        #expect(posted.map(\.name) == ["张伟"])
        #expect(posted.map(\.householdSize) == [3])
        #expect(posted.map(\.amountFen) == [120_000])
        #expect(posted[0].text == "最低生活保障公示：申请人张伟，家庭保障人口3人，拟救助金额1200.00元。公示期2026-07-09至2026-07-16，如有异议请向乡镇（街道）反映。")

        // An objection sends it back to investigation and takes the notice down.
        a = try await h.recordObjection(
            .with {
                $0.id = id; $0.by = "村民 王某"; $0.on = "2026-07-10"; $0.text = "其家中有车"
            }, context: bureau.context()
        ).application
        #expect(a.state == .investigating)
        #expect(a.objections.map(\.by) == ["村民 王某"])
        #expect(a.objections.map(\.recordedBy) == ["key-chen"])
        #expect(try await h.listPublicNotices(.init(), context: bureau.context(nil)).notices.isEmpty)

        _ = try await h.recordTownshipOpinion(Self.step(id, on: "2026-07-13", text: "复查：车辆已报废，仍符合"), context: bureau.context())
        a = try await h.startNotice(Self.step(id, on: "2026-07-14"), context: bureau.context()).application
        #expect(a.notice.endsOn == "2026-07-21")

        let early = await domainRefusal { _ = try await h.approveApplication(Self.step(id, on: "2026-07-21"), context: bureau.context(Bureau.li)) }
        #expect(early?.problems == [" NOTICE_NOT_OVER"])
        let ownCase = await domainRefusal { _ = try await h.approveApplication(Self.step(id, on: "2026-07-22"), context: bureau.context()) }
        #expect(ownCase?.kind == .permissionDenied)
        #expect(ownCase?.problems == ["approver SAME_PERSON"])
        a = try await h.approveApplication(Self.step(id, on: "2026-07-22"), context: bureau.context(Bureau.li)).application
        #expect(a.state == .approved)
        #expect(a.startMonth == "2026-08")
        #expect(a.amountFen == 120_000)
        #expect(a.decidedBy == "李强")
        #expect(a.caseStatus == .unspecified)  // decided: the clock stopped

        // The decision froze the household: a later registry edit does not reach it.
        var richer = Bureau.family()
        richer.incomes[0].monthlyFen = 250_000
        _ = try await h.updateHousehold(
            .with {
                $0.id = "H000001"; $0.household = richer; $0.reason = "就业"
            }, context: bureau.context())
        let snapshot = try #require(try await AssistanceStore(database: bureau.database).snapshot(applicationID: id))
        #expect(snapshot.amount == Fen(120_000))
        #expect(snapshot.effectiveFrom == BenefitMonth(year: 2026, month: 8))
        #expect(snapshot.household.incomes.map(\.monthly.fen) == [150_000, 7_000])
        let history = try await h.getHistory(
            .with {
                $0.entity = "application"; $0.id = id
            }, context: bureau.context()
        ).entries
        #expect(
            history.map(\.action) == [
                "file", "accept", "record_authorization", "start_investigation", "township_opinion", "start_notice", "objection", "township_opinion",
                "start_notice", "approve",
            ])
    }

    @Test func theNoticeNeverNamesAMinor() async throws {
        let bureau = try Bureau.open(today: "2026-07-22")
        try await bureau.putStandard()
        // A child-headed household: the 16-year-old head and a 9-year-old brother.
        let teen = Bureau.id("43122720100101005")
        _ = try await bureau.register(
            .with {
                $0.division = Bureau.county; $0.area = .urban; $0.hukouAddress = "城关镇 2 号"; $0.caseWorker = "陈静"
                $0.members = [Bureau.member("王小红", teen, .head), Bureau.member("王小明", Bureau.child, .sibling)]
            })
        let id = try await Self.file(bureau) { $0.authorizationSignedOn = "2026-07-01" }
        _ = try await bureau.handler.acceptApplication(Self.step(id, on: "2026-07-02"), context: bureau.context())
        _ = try await bureau.handler.startInvestigation(Self.step(id, on: "2026-07-03"), context: bureau.context())
        _ = try await bureau.handler.recordTownshipOpinion(Self.step(id, on: "2026-07-06", text: "符合"), context: bureau.context())
        let a = try await bureau.handler.startNotice(Self.step(id, on: "2026-07-07"), context: bureau.context()).application
        #expect(a.notice.name == "（未成年人，不公示姓名）")
        #expect(a.notice.householdSize == 2)
        #expect(a.notice.amountFen == 180_000)
        let text = try await bureau.handler.listPublicNotices(.init(), context: bureau.context(nil)).notices[0].text
        for secret in ["王小红", "王小明", teen, Bureau.child, String(teen.suffix(4))] {
            #expect(!text.contains(secret))
        }
    }

    @Test func anEmergencyGrantIsPaidFirstWithinTheCapAndItsPaperworkFollows() async throws {
        let bureau = try Bureau.open(today: "2026-07-22")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await Self.file(bureau, program: .temporary, applied: "2026-07-20") {
            $0.temporaryKind = .emergency; $0.requestedFen = 300_000
        }
        let over = await domainRefusal {
            _ = try await h.payFirst(
                .with {
                    $0.id = id; $0.on = "2026-07-20"; $0.amountFen = 900_001
                }, context: bureau.context())
        }
        #expect(over?.problems == ["amount OVER_CAP"])
        var a = try await h.payFirst(
            .with {
                $0.id = id; $0.on = "2026-07-20"; $0.amountFen = 300_000
            }, context: bureau.context()
        ).application
        #expect(a.state == .emergencyPaid)
        #expect(a.formula == "300000 ≤ 10 × 90000 = 900000")
        // 5 working days after Monday 20 July.
        #expect(a.paperworkDue == "2026-07-27")
        a = try await h.completePaperwork(Self.step(id, on: "2026-07-22"), context: bureau.context()).application
        #expect(a.state == .approved)
        // A 低保 application cannot be paid first.
        let other = try await Self.file(bureau)
        let refused = await domainRefusal {
            _ = try await h.payFirst(
                .with {
                    $0.id = other; $0.amountFen = 1
                }, context: bureau.context())
        }
        #expect(refused?.kind == .failedPrecondition)
        #expect(try await h.getApplication(.with { $0.id = other }, context: bureau.context()).application.state == .applied)
    }

    @Test func theCaseClockCountsWorkingDaysAcrossNationalDayAndItsMakeUpSaturday() async throws {
        let bureau = try Bureau.open(today: "2026-11-11")
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await Self.file(bureau, applied: "2026-09-21")
        let a = try await bureau.handler.acceptApplication(Self.step(id, on: "2026-09-22"), context: bureau.context()).application
        // 23, 24, 28, 29, 30 Sep; 8, 9, 10 (调休 Saturday) Oct …: the 30th working day is 10 November.
        #expect(a.caseDue == "2026-11-10")
        #expect(a.caseStatus == .overdue)
        let overdue = try await bureau.handler.listApplications(.with { $0.caseStatus = .overdue }, context: bureau.context()).applications
        #expect(overdue.map(\.id) == [id])
        let extended = try await bureau.handler.extendApplication(Self.step(id, on: "", text: "需信函索证"), context: bureau.context()).application
        // 45 working days: 15 more after 10 November.
        #expect(extended.caseDue == "2026-12-01")
        let twice = await domainRefusal { _ = try await bureau.handler.extendApplication(Self.step(id, on: "", text: "再延"), context: bureau.context()) }
        #expect(twice?.problems == [" ALREADY_EXTENDED"])
    }

    @Test func illegalStepsChangeNothing() async throws {
        let bureau = try Bureau.open(today: "2026-07-22")
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        let id = try await Self.file(bureau)
        for refused in [
            await domainRefusal { _ = try await h.approveApplication(Self.step(id, on: "2026-07-10"), context: bureau.context(Bureau.li)) },
            await domainRefusal { _ = try await h.startNotice(Self.step(id, on: "2026-07-10"), context: bureau.context()) },
            await domainRefusal { _ = try await h.completePaperwork(Self.step(id, on: "2026-07-10"), context: bureau.context()) },
        ] {
            #expect(refused?.kind == .failedPrecondition)
            #expect(refused?.problems == ["state INVALID_STATE"])
        }
        let future = await domainRefusal { _ = try await h.acceptApplication(Self.step(id, on: "2026-07-23"), context: bureau.context()) }
        #expect(future?.problems == ["on IN_THE_FUTURE"])
        let beforeFiling = await domainRefusal { _ = try await h.acceptApplication(Self.step(id, on: "2026-06-30"), context: bureau.context()) }
        #expect(beforeFiling?.problems == ["on BEFORE_FILED"])
        let noReason = await domainRefusal { _ = try await h.withdrawApplication(Self.step(id, on: "2026-07-10"), context: bureau.context()) }
        #expect(noReason?.problems == ["text REQUIRED"])
        let neighbour = await domainRefusal { _ = try await h.acceptApplication(Self.step(id, on: "2026-07-10"), context: bureau.context(Bureau.neighbour)) }
        #expect(neighbour?.kind == .permissionDenied)
        #expect(try await h.getApplication(.with { $0.id = id }, context: bureau.context()).application.state == .applied)
        #expect(
            try await h.getHistory(
                .with {
                    $0.entity = "application"; $0.id = id
                }, context: bureau.context()
            ).entries.map(\.action) == ["file"])
        // A 特困 application names its person.
        let noPerson = await domainRefusal { _ = try await Self.file(bureau, program: .destitute) }
        #expect(noPerson?.problems == ["member_resident_id REQUIRED"])
    }
}

@Suite("Assistance: import and local options")
struct AssistanceImportTests {
    typealias Bureau = AssistanceBureau

    static let file = """
        household_ref,division,area,hukou_address,bank_account,case_worker,name,resident_id,relation,wage_fen
        OLD-1,431227,urban,城关镇 7 号,6217000011112222,陈静,赵一,\(Bureau.id("43122719700101007")),户主,120000
        OLD-1,,,,,,赵二,\(Bureau.id("43122719720202008")),配偶,
        OLD-2,431227,rural,芋头村 1 组,,陈静,钱三,\(Bureau.head),户主,

        """

    @Test func aRegisterIsImportedWholeOrNotAtAll() async throws {
        let bureau = try Bureau.open()
        _ = try await bureau.register()  // 张伟 (Bureau.head) is already in H000001
        let dry = try await bureau.handler.importHouseholds(
            .with {
                $0.csv = Self.file; $0.dryRun = true
            }, context: bureau.context())
        #expect(dry.problems.isEmpty)
        #expect((dry.households, dry.members) == (2, 3))
        let refused = await domainRefusal { _ = try await bureau.handler.importHouseholds(.with { $0.csv = Self.file }, context: bureau.context()) }
        #expect(refused?.kind == .alreadyExists)
        #expect(refused?.problems == ["line 4: resident_id IN_ANOTHER_HOUSEHOLD"])
        #expect(try await bureau.handler.listHouseholds(.init(), context: bureau.context()).page.totalCount == 1)

        let bad = Self.file.replacingOccurrences(of: "户主,120000", with: "户主,12.5")
        let badDry = try await bureau.handler.importHouseholds(
            .with {
                $0.csv = bad; $0.dryRun = true
            }, context: bureau.context())
        #expect(badDry.problems.map { "\($0.line) \($0.field) \($0.reason)" } == ["2 line 2: wage_fen INVALID"])

        let fixed = Self.file.replacingOccurrences(of: Bureau.head, with: Bureau.id("43122719900909009"))
        let imported = try await bureau.handler.importHouseholds(.with { $0.csv = fixed }, context: bureau.context())
        #expect(imported.householdIds == ["H000002", "H000003"])
        #expect((imported.households, imported.members) == (2, 3))
        let zhao = try await bureau.handler.getHousehold(.with { $0.id = "H000002" }, context: bureau.context()).household
        #expect(zhao.members.map(\.name) == ["赵一", "赵二"])
        #expect(zhao.incomes.map(\.monthlyFen) == [120_000])
        // A neighbouring county's key cannot import into this county.
        let foreign = await domainRefusal {
            _ = try await bureau.handler.importHouseholds(.with { $0.csv = fixed }, context: bureau.context(Bureau.neighbour))
        }
        #expect(foreign?.kind == .permissionDenied)
    }

    @Test func classifiedAdditionsAreALocalSettingAddedToTheBenefit() async throws {
        var settings = try AssistanceSettings(environment: ["CIVIC_ASSISTANCE_CLASSIFIED_ADDITIONS": "elderly=5000, severely_disabled=1/10"])
        #expect(settings.options.classifiedAdditions == [.elderly: .fixed(Fen(5000)), .severelyDisabled: .fractionOfStandard(Ratio(1, 10))])
        for bad in ["elderly", "aged=5000", "elderly=5000,elderly=1", "elderly=-1", "elderly=1/0"] {
            #expect(throws: (any Error).self) { _ = try AssistanceSettings(environment: ["CIVIC_ASSISTANCE_CLASSIFIED_ADDITIONS": bad]) }
        }
        settings.options.perPersonFloor = false
        let bureau = try Bureau.open(settings: settings)
        try await bureau.putStandard()
        _ = try await bureau.register(
            .with {
                $0.division = Bureau.county; $0.area = .urban; $0.hukouAddress = "城关镇 3 号"; $0.caseWorker = "陈静"
                $0.members = [Bureau.member("王芳", Bureau.elder, .head)]
            })
        let benefit = try await bureau.handler.computeBenefit(
            .with {
                $0.householdID = "H000001"; $0.program = .minimumLiving; $0.month = "2026-08"
            }, context: bureau.context())
        #expect(benefit.amountFen == 95_000)
        #expect(benefit.formula == "1 × 90000 − 0 = 90000; 分类施保 5000 = 5000; 90000 + 5000 = 95000")
    }
}
