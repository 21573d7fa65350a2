import CivicProtoServices
import CivicRPC

/// Who may call what: one table for every method in protos/. The gateway refuses to start
/// when a method has no rule, and a test checks every method × every role, so a new method
/// cannot ship without a decision. `admin` may call everything.
public enum AccessPolicy {
    public typealias Role = Principal.Role

    public struct Rule: Sendable, Equatable {
        /// Roles that may call, besides admin. `.public` means anyone, without a key.
        public let roles: Set<Role>
        /// The service a staff key must be scoped to ("proposals"); nil for the gateway's
        /// own and shared methods.
        public let service: String?

        public init(_ roles: Set<Role>, service: String?) {
            self.roles = roles
            self.service = service
        }
    }

    static let proposals = "proposals"

    /// Method path → rule.
    public static let rules: [String: Rule] = [
        // Health and method listing: anyone, so probes and monitoring need no key.
        Civic_Health_V1_Health.Method.check.path: Rule([.public], service: nil),
        Civic_Health_V1_Health.Method.listMethods.path: Rule([.public], service: nil),

        // Credentials: admin only.
        Civic_Gateway_V1_KeyService.Method.createKey.path: Rule([], service: nil),
        Civic_Gateway_V1_KeyService.Method.listKeys.path: Rule([], service: nil),
        Civic_Gateway_V1_KeyService.Method.revokeKey.path: Rule([], service: nil),

        // Proposals. Deputies reach only their own items: the service filters by member id.
        Civic_Proposals_V1_ProposalService.Method.registerItem.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.getItem.path: Rule([.staff, .leader, .deputy], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.listItems.path: Rule([.staff, .leader, .deputy], service: proposals),
        // The ledger is the office's and the leaders' (unit staff: their unit's items).
        Civic_Proposals_V1_ProposalService.Method.exportItems.path: Rule([.staff, .leader], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.getItemHistory.path: Rule([.staff, .leader], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.getItemRecords.path: Rule([.staff, .leader, .deputy], service: proposals),
        // The gates: the proposals office and units handle and draft; leaders sign off; both may send a draft back.
        Civic_Proposals_V1_ProposalService.Method.assignItem.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.returnItem.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.acknowledgeItem.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.recordContact.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.urgeItem.path: Rule([.staff, .leader], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.extendDeadline.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.draftReply.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.signBySection.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.signOff.path: Rule([.leader], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.sendBack.path: Rule([.staff, .leader], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.reportItem.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.replyItem.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.recordProgress.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.publishReply.path: Rule([.staff], service: proposals),
        // Feedback comes from the proposer (the service checks the deputy is one of them), or
        // is entered by the office when it arrives on paper.
        Civic_Proposals_V1_ProposalService.Method.giveFeedback.path: Rule([.deputy, .staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.runUrging.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.recalculateDeadlines.path: Rule([.staff], service: proposals),
        // Leaders watch what is due and overdue; only the office runs (records) the urging.
        Civic_Proposals_V1_ProposalService.Method.listDueItems.path: Rule([.staff, .leader], service: proposals),
        // The topic list fills forms and filters; deputies file under it too.
        Civic_Proposals_V1_ProposalService.Method.listTopics.path: Rule([.staff, .leader, .deputy], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.getAnnualReport.path: Rule([.staff, .leader], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.importItems.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.createReplyTemplate.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.updateReplyTemplate.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.deleteReplyTemplate.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.mergeKeyItems.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.listKeyGroups.path: Rule([.staff, .leader], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.correctItem.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.recordUnitOpinion.path: Rule([.staff], service: proposals),
        Civic_Proposals_V1_ProposalService.Method.listReplyTemplates.path: Rule([.staff, .leader], service: proposals),
        // Published replies are public information (公开).
        Civic_Proposals_V1_ProposalService.Method.listPublishedReplies.path: Rule([.public], service: proposals),
    ]

    /// Methods declared in protos/ that have no rule.
    public static var methodsWithoutRule: [String] {
        CivicServiceRegistry.methodsByPath.keys.filter { rules[$0] == nil }.sorted()
    }

    public enum Decision: Equatable {
        case allowed
        case unauthenticated(String)
        case denied(String)
    }

    /// The decision for `principal` calling `method`.
    public static func decide(_ method: String, for principal: Principal) -> Decision {
        guard let rule = rules[method] else {
            return .denied("\(method) has no access rule")
        }
        if rule.roles.contains(.public) { return .allowed }
        if principal.has(.public) { return .unauthenticated("\(method) needs a credential (Authorization: Bearer <key>)") }
        if principal.has(.admin) { return .allowed }
        let granted = rule.roles.intersection(principal.roles)
        if granted.isEmpty {
            let held = principal.roles.map(\.name).sorted().joined(separator: ", ")
            return .denied("a key with role \(held) may not call \(method)")
        }
        // A key scoped to services acts only on those (staff keys always name theirs).
        if let service = rule.service, !principal.covers(service: service) {
            return .denied("this key is not for the \(service) service")
        }
        return .allowed
    }
}
