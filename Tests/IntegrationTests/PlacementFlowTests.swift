import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareService
import Foundation
import GRDB
import Logging
import Testing

/// assistance ↔ eldercare (docs/FLOWS.md §4.7): a 特困 person placed in an institution, and the
/// admission, discharge and death told back, each message taken as the producer stored it and
/// delivered as its dispatcher would.
@Suite("Flows: 特困 placement between assistance and eldercare")
struct PlacementFlowTests {
    typealias Cases = AssistanceCases

    /// The pending messages of a producer's outbox, as envelopes, after `after` of them.
    static func outbox(_ database: any DatabaseWriter, producer: String, after: Int = 0) async throws -> [Civic_Flows_V1_Envelope] {
        try await database.read { db in try Outbox.list(db, state: .pending, limit: 100) }.map { Civic_Flows_V1_Envelope($0, producer: producer) }
            .dropFirst(after).map { $0 }
    }

    static func sealed(_ producer: String) -> RPCContext {
        RPCContext(
            method: "", metadata: [MetadataKey.principal: Principal(id: "service:\(producer)", roles: [.service], subject: producer).encoded],
            deadline: nil, logger: Logger(label: "test"))
    }

    /// 王芳 (alone, partly unable to care for herself), a 特困 case approved on 22 July, 分散.
    static func destituteCase(_ bureau: AssistanceBureau) async throws -> String {
        let h = bureau.handler
        try await bureau.putStandard()
        _ = try await bureau.register()
        var wang = AssistanceBureau.member("王芳", AssistanceBureau.elder, .head)
        wang.selfCare = .with {
            $0.eating = true; $0.dressing = true; $0.gettingInOutOfBed = true; $0.toilet = true
        }
        _ = try await bureau.register(
            .with {
                $0.division = AssistanceBureau.county; $0.area = .urban; $0.hukouAddress = "城关镇 3 号"; $0.caseWorker = "陈静"
                $0.bankAccount = "6217000099998888"; $0.members = [wang]
            })
        let id = try await h.fileApplication(
            .with {
                $0.householdID = "H000002"; $0.program = .destitute; $0.memberResidentID = AssistanceBureau.elder; $0.setting = .dispersed
                $0.appliedOn = "2026-07-01"; $0.authorizationSignedOn = "2026-07-01"
            }, context: bureau.context()
        ).application.id
        try await Cases.approve(bureau, id)
        return id
    }

    @Test func aPlacedPersonTurnsTheCaseCentralizedAndTheDeathStopsIt() async throws {
        let assistance = try AssistanceBureau.open(today: "2026-10-25")
        let caseID = try await Self.destituteCase(assistance)
        let elder = try ElderBureau.open(today: "2026-10-25")
        try await elder.loadDivisions()
        let home = try await elder.register()

        // Refused, nothing sent: not 特困; no institution named.
        let minimum = try await Cases.approvedMinimumLiving(assistance)
        let notDestitute = await domainRefusal {
            _ = try await assistance.handler.requestPlacement(
                .with {
                    $0.applicationID = minimum; $0.institutionID = home.id
                }, context: assistance.context())
        }
        #expect((notDestitute?.kind, notDestitute?.problems) == (.failedPrecondition, [" NOT_DESTITUTE"]))
        let noInstitution = await domainRefusal {
            _ = try await assistance.handler.requestPlacement(.with { $0.applicationID = caseID }, context: assistance.context())
        }
        #expect(noInstitution?.problems == ["institution_id REQUIRED"])
        let request = Civic_Assistance_V1_RequestPlacementRequest.with {
            $0.applicationID = caseID; $0.institutionID = home.creditCode
        }
        let asked = try await assistance.handler.requestPlacement(request, context: assistance.context())
        #expect((asked.duplicate, asked.requestedOn) == (false, "2026-10-25"))
        #expect(try await assistance.handler.requestPlacement(request, context: assistance.context()).duplicate)

        // eldercare keeps the request for the institution's staff.
        let elderFlows = FlowsHandler(service: "eldercare", database: elder.database, appliers: EldercareService.flowAppliers)
        let placements = try await Self.outbox(assistance.database, producer: "assistance")
        #expect(placements.map(\.type) == ["civic.flows.v1.DestitutePlacementRequested"])
        #expect(try await elderFlows.deliver(placements[0], context: Self.sealed("assistance")).result == "placement P000001 at \(home.id)")
        let listed = try await elder.handler.listPlacementRequests(.init(), context: elder.context()).requests
        #expect(
            listed.map { "\($0.id) \($0.caseID) \($0.institutionID) \($0.personName) \($0.personID) \($0.selfCare) \($0.state)" } == [
                "P000001 \(caseID) \(home.id) 王芳 \(AssistanceBureau.masked(AssistanceBureau.elder)) partially_dependent placementRequested"
            ])
        // The next county's staff see none of it, and cannot ask by the institution.
        #expect(try await elder.handler.listPlacementRequests(.init(), context: elder.context(ElderBureau.neighbour)).requests.isEmpty)
        let elsewhere = await domainRefusal {
            _ = try await elder.handler.listPlacementRequests(.with { $0.institutionID = home.id }, context: elder.context(ElderBureau.neighbour))
        }
        #expect(elsewhere?.kind == .permissionDenied)

        // Admitted with the case id: the request is ADMITTED, assistance hears of it.
        let resident = try await elder.handler.admitResident(
            .with {
                $0.resident = .with {
                    $0.institutionID = home.id; $0.personRef = "P-0001"; $0.residentID = AssistanceBureau.elder; $0.admittedOn = "2026-09-12"
                    $0.destituteCaseID = caseID
                }
            }, context: elder.context()
        ).resident
        #expect(
            try await elder.handler.listPlacementRequests(.with { $0.state = .placementAdmitted }, context: elder.context()).requests.map(\.residentID) == [
                resident.id
            ])
        let admitted = try await Self.outbox(elder.database, producer: "eldercare")
        #expect(
            admitted.map { "\($0.type) \($0.aggregate) \($0.idempotencyKey)" } == [
                "civic.flows.v1.DestituteResidentChanged resident:\(resident.id) eldercare-resident:\(resident.id):admitted:\(caseID)"
            ])
        let assistanceFlows = FlowsHandler(service: "assistance", database: assistance.database, appliers: assistance.handler.flowAppliers)
        let centralized = try await assistance.handler.computeBenefit(
            .with {
                $0.householdID = "H000002"; $0.program = .destitute; $0.memberResidentID = AssistanceBureau.elder; $0.month = "2026-10";
                $0.setting = .centralized
            },
            context: assistance.context())
        let dispersed = try await assistance.handler.computeBenefit(
            .with {
                $0.householdID = "H000002"; $0.program = .destitute; $0.memberResidentID = AssistanceBureau.elder; $0.month = "2026-09"; $0.setting = .dispersed
            },
            context: assistance.context())
        #expect(centralized.amountFen != dispersed.amountFen)
        let receipt = try await assistanceFlows.deliver(admitted[0], context: Self.sealed("eldercare"))
        #expect(receipt.result == "\(caseID) centralized from 2026-10: \(Fen(Int(centralized.amountFen))) 元")
        #expect(try await assistanceFlows.deliver(admitted[0], context: Self.sealed("eldercare")).duplicate)
        // September is paid 分散, October 集中; the report counts her placed.
        #expect(
            try await Cases.lines(assistance, try await Cases.run(assistance, "2026-09", program: .destitute).run.id).map(\.amountFen) == [dispersed.amountFen])
        #expect(
            try await Cases.lines(assistance, try await Cases.run(assistance, "2026-10", program: .destitute).run.id).map(\.amountFen) == [
                centralized.amountFen
            ])
        let report = try await assistance.handler.getReport(.with { $0.period = "2026-10" }, context: assistance.context())
        #expect((report.destituteUnableToSelfCare, report.destituteCentralized, report.centralizedRate) == (1, 1, "100.0"))

        // She dies in the home: assistance receives it as a death report and stops the case.
        _ = try await elder.handler.recordResidentEvent(
            .with {
                $0.residentID = resident.id; $0.kind = .death; $0.on = "2026-10-20"
            }, context: elder.context())
        let died = try await Self.outbox(elder.database, producer: "eldercare", after: 1)
        #expect(died.map(\.idempotencyKey) == ["eldercare-resident:\(resident.id):died:\(caseID)"])
        #expect(died.map(\.sequence) == [2])
        let death = try await assistanceFlows.deliver(died[0], context: Self.sealed("eldercare"))
        #expect(death.result.hasPrefix("death of \(caseID)'s person: alert "))
        #expect(try await Cases.lines(assistance, try await Cases.run(assistance, "2026-11", program: .destitute).run.id).isEmpty)

        // A message for a case assistance does not have is refused (held DEAD at eldercare).
        var unknown = died[0]
        unknown.messageID = "m-unknown"; unknown.idempotencyKey = "eldercare-resident:R000009:admitted:A999999"; unknown.aggregate = "resident:R000009"
        unknown.payload = try Civic_Flows_V1_DestituteResidentChanged.with {
            $0.change = .admitted; $0.caseID = "A999999"; $0.on = "2026-10-01"
        }.serializedBytes()
        await #expect(throws: DomainError.self) { _ = try await assistanceFlows.deliver(unknown, context: Self.sealed("eldercare")) }
    }

    /// eldercare refuses a placement it cannot take: no such institution, or every bed taken.
    @Test func aFullInstitutionRefusesThePlacement() async throws {
        let elder = try ElderBureau.open(today: "2026-10-09")
        try await elder.loadDivisions()
        let home = try await elder.register(EldercareCommunityTests.smallHome())
        for n in 1...10 {
            _ = try await elder.handler.admitResident(
                .with {
                    $0.resident = .with {
                        $0.institutionID = home.id; $0.personRef = "P-\(n)"; $0.admittedOn = "2026-09-18"
                    }
                }, context: elder.context())
        }
        let flows = FlowsHandler(service: "eldercare", database: elder.database, appliers: EldercareService.flowAppliers)
        func placement(_ institution: String, _ n: Int) throws -> Civic_Flows_V1_Envelope {
            .with {
                $0.messageID = "m\(n)"; $0.idempotencyKey = "assistance-placement:A00000\(n)"; $0.producer = "assistance"; $0.aggregate = "case:A00000\(n)"
                $0.sequence = 1; $0.kind = .notification; $0.type = Civic_Flows_V1_DestitutePlacementRequested.protoMessageName
                $0.payload = try! Civic_Flows_V1_DestitutePlacementRequested.with {
                    $0.caseID = "A00000\(n)"; $0.personID = AssistanceBureau.elder; $0.personName = "王芳"; $0.institutionID = institution
                    $0.requestedOn = "2026-10-09"
                }.serializedBytes()
            }
        }
        let full = await domainRefusal { _ = try await flows.deliver(try placement(home.id, 1), context: Self.sealed("assistance")) }
        #expect((full?.kind, full?.problems) == (.failedPrecondition, [" FULL"]))
        let missing = await domainRefusal { _ = try await flows.deliver(try placement("I000099", 2), context: Self.sealed("assistance")) }
        #expect(missing?.kind == .notFound)
        #expect(try await elder.handler.listPlacementRequests(.init(), context: elder.context()).requests.isEmpty)
    }
}
