import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import Logging
import OrganizationsService
import Testing

/// enforcement → organizations (docs/FLOWS.md §4.3): a penalty decided on a registered body enters
/// its credit history once, and the lists follow from it.
@Suite("Organizations: penalties from enforcement")
struct OrganizationsFlowTests {
    typealias Bureau = OrgBureau

    static func decided(_ messageID: String, creditCode: String, penalties: [String], fineFen: Int64, caseID: String = "C000001") -> Civic_Flows_V1_Envelope {
        .with {
            $0.messageID = messageID; $0.idempotencyKey = "enforcement-penalty:\(caseID)"; $0.producer = "enforcement"
            $0.type = Civic_Flows_V1_PenaltyDecided.protoMessageName; $0.aggregate = "case:\(caseID)"; $0.sequence = 1; $0.kind = .notification
            $0.payload = try! Civic_Flows_V1_PenaltyDecided.with {
                $0.caseID = caseID; $0.creditCode = creditCode; $0.subjectName = "安阳市文峰区围棋协会"; $0.division = Bureau.county
                $0.penalties = penalties; $0.fineFen = fineFen; $0.decidedOn = "2026-10-16"; $0.violationCodes = ["SHTT-30-1"]
            }.serializedBytes()
        }
    }

    /// Organizations' Flows handler on the bureau's database, and enforcement's sealed context.
    static func flows(_ bureau: Bureau, today day: CivilDate) -> (FlowsHandler, RPCContext) {
        let parts = OrganizationsService.parts(settings: OrganizationsSettings(), database: bureau.database, today: { day })
        let flows = FlowsHandler(service: "organizations", database: bureau.database, appliers: parts.flowAppliers)
        let enforcement = RPCContext(
            method: "", metadata: [MetadataKey.principal: Principal(id: "service:enforcement", roles: [.service], subject: "enforcement").encoded],
            deadline: nil, logger: Logger(label: "test"))
        return (flows, enforcement)
    }

    static func revoked(_ messageID: String, creditCode: String, caseID: String = "C000001") -> Civic_Flows_V1_Envelope {
        .with {
            $0.messageID = messageID; $0.idempotencyKey = "enforcement-penalty-revoked:\(caseID)"; $0.producer = "enforcement"
            $0.type = Civic_Flows_V1_PenaltyRevoked.protoMessageName; $0.aggregate = "case:\(caseID)"; $0.sequence = 2; $0.kind = .retraction
            $0.payload = try! Civic_Flows_V1_PenaltyRevoked.with {
                $0.caseID = caseID; $0.creditCode = creditCode; $0.revokedOn = "2026-11-02"; $0.revokedBy = "安阳市民政局"; $0.reason = "复议撤销"
            }.serializedBytes()
        }
    }

    /// 撤销登记 from enforcement revokes the body on the register and lists it; the decision revoked
    /// (a RETRACTION behind it) restores the body and takes it off the list — once.
    @Test func aRevocationChangesTheStatusAndItsRevocationUndoesIt() async throws {
        let bureau = try Bureau.open(today: "2026-11-02")
        let go = try await bureau.register()
        let day = CivilDate("2026-11-02")!
        let (flows, enforcement) = Self.flows(bureau, today: day)
        func standing() async throws -> String {
            let body = try await bureau.handler.getOrganization(.with { $0.id = go.id }, context: bureau.context()).organization
            let status = try await bureau.handler.getCreditStatus(.with { $0.organizationID = go.id }, context: bureau.context()).status
            return "\(body.status) [\(status.serious.grounds.map(\.ground).joined(separator: ","))] [\(status.penalties.map(\.id).joined(separator: ","))]"
        }

        let decided = try await flows.deliver(Self.decided("m1", creditCode: go.creditCode, penalties: ["revocation"], fineFen: 0), context: enforcement)
        #expect(decided.result == "penalty p1 on \(go.id), revoked")
        #expect(try await standing() == "revoked [revocation] [p1]")

        let undone = try await flows.deliver(Self.revoked("m2", creditCode: go.creditCode), context: enforcement)
        #expect(undone.result == "penalty p1 on \(go.id) revoked, registered again")
        #expect(try await standing() == "registered [] []")
        #expect(try await flows.deliver(Self.revoked("m3", creditCode: go.creditCode), context: enforcement).duplicate)
        let body = try await bureau.handler.getOrganization(.with { $0.id = go.id }, context: bureau.context()).organization
        #expect(
            body.history.suffix(2).map { "\($0.from) → \($0.to) \($0.document)" } == [
                "registered → revoked enforcement:C000001", "revoked → registered enforcement:C000001",
            ])
        // A revocation for a case never recorded here: answered, nothing changes.
        let unknown = try await flows.deliver(Self.revoked("m4", creditCode: go.creditCode, caseID: "C000009"), context: enforcement)
        #expect(unknown.result == "no penalty from C000009 on \(go.id)")
    }

    @Test func aPenaltyDecidedEntersTheCreditHistoryOnceAndListsTheBody() async throws {
        let bureau = try Bureau.open(today: "2026-10-20")
        let go = try await bureau.register()
        let day = CivilDate("2026-10-20")!
        let (flows, enforcement) = Self.flows(bureau, today: day)

        // A fine of 6 万 with a warning: one penalty record, a fine, and the serious list (≥ 5 万).
        let receipt = try await flows.deliver(
            Self.decided("m1", creditCode: go.creditCode, penalties: ["warning", "fine"], fineFen: 6_000_000), context: enforcement)
        #expect((receipt.duplicate, receipt.result) == (false, "penalty p1 on \(go.id)"))
        let again = try await flows.deliver(
            Self.decided("m2", creditCode: go.creditCode, penalties: ["warning", "fine"], fineFen: 6_000_000), context: enforcement)
        #expect(again.duplicate)
        let status = try await bureau.handler.getCreditStatus(.with { $0.organizationID = go.id }, context: bureau.context()).status
        #expect(status.penalties.map { "\($0.id) \($0.kind) \($0.amountFen) \($0.document)" } == ["p1 fine 6000000 enforcement:C000001"])
        #expect((status.serious.enteredOn, status.serious.grounds.map(\.ground)) == ("2026-10-20", ["large_fine"]))
        let audit = try await bureau.database.read { db in
            try String.fetchAll(db, sql: "SELECT actor || ' ' || action FROM audit_log WHERE entity_id = ? ORDER BY id", arguments: [go.id])
        }
        #expect(audit.last == "service:enforcement penalty_fine")

        // A body not registered here: answered, nothing changes.
        let elsewhere = try await flows.deliver(
            Self.decided("m3", creditCode: Bureau.code("52410502MJ0000999"), penalties: ["warning"], fineFen: 0, caseID: "C000002"), context: enforcement)
        #expect(elsewhere.result == "no organization with credit code \(Bureau.code("52410502MJ0000999"))")
        // A decision with no penalty a social organization receives is refused (held DEAD at enforcement).
        await #expect(throws: DomainError.self) {
            _ = try await flows.deliver(
                Self.decided("m4", creditCode: go.creditCode, penalties: ["public_criticism"], fineFen: 0, caseID: "C000003"), context: enforcement)
        }
    }
}
