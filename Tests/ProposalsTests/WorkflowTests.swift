import CivicRPC
import ProposalsService
import Testing

@Suite("Nine gates state machine")
struct WorkflowTests {
    typealias S = ItemState

    /// Every legal transition: (from, event, role, to).
    static let legal: [(S, ItemEvent, HandlingRole?, S)] = [
        (.registered, .assign(role: .leadSole), nil, .assigned),
        (.assigned, .returnItem, .leadSole, .returned),
        (.assigned, .acknowledge, .reference, .acknowledged),
        (.assigned, .startHandling, .leadSole, .handling),
        (.assigned, .recordContact, .coHandling, .handling),
        (.reopened, .startHandling, .leadSole, .handling),
        (.reopened, .recordContact, .leadSole, .handling),
        (.handling, .recordContact, .leadSole, .handling),
        (.replied, .recordContact, .leadSole, .replied),
        (.assigned, .urge, .leadSole, .assigned),
        (.handling, .urge, .leadSole, .handling),
        (.signedOff, .urge, .leadSole, .signedOff),
        (.reopened, .urge, .leadSole, .reopened),
        (.reported, .urge, .leadSplit, .reported),         // the reply still due
        (.replied, .urge, .leadSole, .replied),            // publication still due
        (.implementing, .urge, .leadSole, .implementing),
        (.handling, .extendDeadline, .leadSole, .handling),
        (.handling, .draft, .leadSole, .drafted),
        (.drafted, .draft, .leadSole, .drafted),
        (.reopened, .draft, .leadSole, .drafted),
        (.drafted, .signBySection, .leadSole, .sectionSigned),
        (.sectionSigned, .signOff, .leadSole, .signedOff),
        (.sectionSigned, .sendBack, .leadSole, .handling),
        (.signedOff, .sendBack, .leadSole, .handling),
        (.signedOff, .report, .coHandling, .reported),
        (.signedOff, .report, .leadSplit, .reported),
        (.reported, .reply, .leadSplit, .replied),
        (.replied, .recordProgress, .leadSole, .implementing),
        (.implementing, .recordProgress, .leadSole, .implementing),
        (.published, .recordProgress, .leadSole, .published),
        (.replied, .publish, .leadSole, .published),
        (.implementing, .publish, .leadSole, .published),
        (.replied, .feedback(.satisfied), .leadSole, .replied),
        (.implementing, .feedback(.basicallySatisfied), .leadSole, .implementing),
        (.published, .feedback(.dissatisfied), .leadSole, .reopened),
        (.replied, .feedback(.dissatisfied), .leadSole, .reopened),
    ]

    @Test(arguments: 0..<legal.count)
    func legalTransition(_ index: Int) throws {
        let (from, event, role, to) = Self.legal[index]
        #expect(try ItemWorkflow.next(from, on: event, role: role) == to, "\(from) --\(event.name)--> \(to)")
    }

    /// A sample of illegal ones, with the reason they are refused.
    static let illegal: [(S, ItemEvent, HandlingRole?)] = [
        (.registered, .reply, nil),                     // skipping gates
        (.registered, .startHandling, nil),
        (.assigned, .assign(role: .leadSole), .leadSole),  // assigned twice
        (.assigned, .acknowledge, .leadSole),           // only reference items are acknowledged
        (.assigned, .startHandling, .reference),        // reference items are not handled
        (.handling, .signOff, .leadSole),               // the leader signs after the section
        (.drafted, .report, .leadSole),                 // not yet signed
        (.reported, .reply, .coHandling),               // 协办 gets no formal reply
        (.replied, .publish, .coHandling),
        (.handling, .returnItem, .leadSole),            // only straight after assignment
        (.returned, .startHandling, .leadSole),         // final
        (.acknowledged, .urge, .reference),             // nothing is due
        (.assigned, .urge, .reference),                 // nor before acknowledging
        (.assigned, .extendDeadline, .reference),
        (.reported, .urge, .coHandling),
        (.published, .urge, .leadSole),                 // everything owed is done
        (.registered, .urge, nil),
        (.handling, .feedback(.satisfied), .leadSole),  // feedback rates a reply
        (.registered, .publish, nil),
        (.published, .publish, .leadSole),
    ]

    @Test(arguments: 0..<illegal.count)
    func illegalTransitionIsFailedPreconditionNamingTheState(_ index: Int) {
        let (from, event, role) = Self.illegal[index]
        do {
            let to = try ItemWorkflow.next(from, on: event, role: role)
            Issue.record("\(from) --\(event.name)--> \(to) should be refused")
        } catch let error as ItemWorkflow.IllegalTransition {
            #expect(error.rpcError.code == .failedPrecondition)
            #expect(error.rpcError.message.contains(from.rawValue.uppercased()), "\(error.rpcError.message)")
            #expect(error.rpcError.details.first?.reason == "INVALID_STATE")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func aLeadItemWalksAllNineGates() throws {
        var state = S.registered
        let role = HandlingRole.leadSole
        for event: ItemEvent in [
            .assign(role: role), .recordContact, .urge, .draft, .signBySection, .signOff, .report, .reply,
            .recordProgress, .publish, .feedback(.satisfied),
        ] {
            state = try ItemWorkflow.next(state, on: event, role: role)
        }
        #expect(state == .published)
    }

    @Test func dissatisfactionReopensAndTheCycleRepeats() throws {
        var state = try ItemWorkflow.next(.replied, on: .feedback(.dissatisfied), role: .leadSole)
        #expect(state == .reopened)
        for event: ItemEvent in [.recordContact, .draft, .signBySection, .signOff, .report, .reply] {
            state = try ItemWorkflow.next(state, on: event, role: .leadSole)
        }
        #expect(state == .replied)
    }
}
