import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import EnforcementDomain
import NIOCore

/// What the registers say about an organization before a case is filed (FLOWS.md §4.4):
/// organizations' legitimacy check by credit code, and eldercare's institution with that code,
/// asked directly and sealed as enforcement. A register that does not answer within the time is
/// named as unavailable: the case says so, and filing goes on.
public struct SubjectRegistry: Sendable {
    let caller: @Sendable (_ service: String) -> (any RPCCaller)?
    let timeout: TimeAmount

    public init(timeout: TimeAmount = .seconds(2), caller: @escaping @Sendable (_ service: String) -> (any RPCCaller)?) {
        self.caller = caller
        self.timeout = timeout
    }

    /// What the registers say about `subject`, nil for a person (no register holds one): an
    /// organization by its credit code in both registers, an unregistered body by its name in
    /// organizations' legitimacy check (registered since? on a 涉嫌 or 取缔 list? a similar name?).
    public func describe(_ subject: LeadSubject, on day: CivilDate) async -> String? {
        switch subject {
        case .organization(let creditCode, _): await describe(query: creditCode, institutions: true, on: day)
        case .unregistered(let name): await describe(query: name, institutions: false, on: day)
        case .person: nil
        }
    }

    /// One line per register, as the case keeps it (`subject_registration`, at most 500 characters).
    func describe(query: String, institutions: Bool, on day: CivilDate) async -> String {
        let options = CallOptions(timeout: timeout)
        var found: [String] = []
        if let organizations = caller("organizations") {
            do {
                let answer = try await Civic_Organizations_V1_OrganizationsServiceClient(organizations).checkLegitimacy(
                    .with { $0.query = query }, options: options)
                var line = "社会组织登记：\(answer.verdict)"
                if answer.hasRegistered { line += "（\(answer.registered.name)，\(answer.registered.status)）" }
                if !answer.lists.isEmpty { line += "，名录 \(answer.lists.map { "\($0)" }.joined(separator: "、"))" }
                found.append(line)
            } catch {
                found.append("社会组织登记：lookup unavailable (\(Self.reason(error)))")
            }
        }
        if institutions, let eldercare = caller("eldercare") {
            do {
                let institution = try await Civic_Eldercare_V1_EldercareServiceClient(eldercare).getInstitution(
                    .with { $0.id = query }, options: options
                ).institution
                found.append("养老机构：\(institution.name) \(institution.id)（\(institution.status)）")
            } catch let error as RPCError where error.code == .notFound {
                found.append("养老机构：not_found")
            } catch {
                found.append("养老机构：lookup unavailable (\(Self.reason(error)))")
            }
        }
        return String(("\(found.joined(separator: "；"))（\(day)）").prefix(500))
    }

    static func reason(_ error: any Error) -> String { (error as? RPCError)?.code.name ?? "UNAVAILABLE" }
}
