import CivicDomain
import EnforcementDomain
import Foundation
import Testing

@Suite("Leads (案件线索) and their verification clock")
struct LeadTests {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }
    static let code = "51410502MJ0000101"
    static var creditCode: String { code + String(UnifiedSocialCreditCode.checkCharacter(for: code)!) }
    static var subject: LeadSubject { try! LeadSubject.parse(id: creditCode, name: "安阳市文峰区围棋协会") }

    static func reasons(_ body: () throws -> Void) -> [String] { Samples.reasons(body) }

    /// Received on Thursday 17 September 2026: 15 working days across 中秋 and 国庆, the 调休 Sunday 20
    /// September and Saturday 10 October counted.
    @Test func verificationIsDueIn15WorkingDaysAndExtendsOnce() throws {
        var lead = try Lead(
            id: "L000001", division: CaseSamples.division, source: .departmentReferral, referredBy: "安阳市市场监督管理局", subject: Self.subject, summary: "以协会名义收取评比费用",
            receivedOn: Self.day("2026-09-17"))
        // 18, 20 (Sunday, 调休), 21, 22, 23, 24, 28, 29, 30 September; 8, 9, 10 (Saturday, 调休), 12, 13, 14 October.
        #expect(lead.verificationDue.dueDate == Self.day("2026-10-14"))
        #expect(lead.isOverdue(on: Self.day("2026-10-15")) && !lead.isOverdue(on: Self.day("2026-10-14")))
        #expect(Self.reasons { try lead.extend(approvedBy: "", on: Self.day("2026-10-15")) } == ["approved_by REQUIRED", "on AFTER_DUE"])
        try lead.extend(approvedBy: "张局长", on: Self.day("2026-10-14"))
        #expect(lead.verificationDue.dueDate == Self.day("2026-11-04"))
        #expect(lead.verificationDue.rule.hasSuffix("extended with the approval of 张局长"))
        #expect(Self.reasons { try lead.extend(approvedBy: "张局长", on: Self.day("2026-10-15")) } == ["extension ALREADY_EXTENDED"])

        try lead.decide(.filed, outcome: "C000001", on: Self.day("2026-10-20"))
        #expect((lead.state, lead.outcome, lead.decidedLate, lead.isOverdue(on: Self.day("2026-12-01"))) == (.filed, "C000001", false, false))
        #expect(Self.reasons { try lead.decide(.notFiled, outcome: "x", on: Self.day("2026-10-21")) } == ["state INVALID_STATE"])
    }

    @Test func refusals() throws {
        #expect(Self.reasons { _ = try LeadSubject.parse(id: "12345", name: " ") } == ["subject.name REQUIRED", "subject.id BAD_ID"])
        // A body acting without registration is named only: no id, and none accepted.
        #expect(try LeadSubject.parse(id: "", name: " 安阳市文峰区围棋学会 ", unregistered: true) == .unregistered(name: "安阳市文峰区围棋学会"))
        #expect(Self.reasons { _ = try LeadSubject.parse(id: "12345", name: "", unregistered: true) } == ["subject.name REQUIRED", "subject.id NOT_ALLOWED"])
        #expect(Self.reasons { _ = try LeadSubject.parse(id: "", name: "某协会") } == ["subject.id BAD_ID"])
        #expect(LeadSubject(kind: "unregistered", id: "", name: "某协会") == .unregistered(name: "某协会"))
        let id = "41050219800101001"
        let person = try LeadSubject.parse(id: id + String(ResidentID.checkCharacter(for: id)!), name: "李明")
        guard case .person(_, let name) = person else {
            Issue.record("not a person")
            return
        }
        #expect(name == "李明")
        #expect(
            Self.reasons {
                _ = try Lead(
                    id: "L2", division: CaseSamples.division, source: .serviceReferral, subject: person, summary: " ", receivedOn: Self.day("2026-09-17"))
            } == ["summary REQUIRED", "referred_by REQUIRED"])
        var lead = try Lead(id: "L3", division: CaseSamples.division, source: .tipOff, subject: person, summary: "无证开展养老服务", receivedOn: Self.day("2026-09-17"))
        #expect(
            Self.reasons { try lead.decide(.received, outcome: " ", on: Self.day("2026-09-16")) } == [
                "state NOT_AN_OUTCOME", "outcome REQUIRED", "on BEFORE_RECEIPT",
            ])
        try lead.decide(.transferred, outcome: "安阳市公安局文峰分局", on: Self.day("2026-10-30"))
        #expect(lead.decidedLate)
        let data = try JSONEncoder().encode(lead)
        #expect(try JSONDecoder().decode(Lead.self, from: data) == lead)
    }
}
