import CivicDomain
import CivicRPC
import CivicServiceKit
import ProposalsDomain
import ProposalsService
import Testing

@Suite("Nine gates state machine")
struct WorkflowTests {
    typealias S = ItemState

    static let lead: [HandlingRole] = [.leadSole, .leadSplit]
    static let handled: [HandlingRole] = [.leadSole, .leadSplit, .coHandling]
    static let anyRole = HandlingRole.allCases
    static let openStates: [S] = [.assigned, .handling, .drafted, .sectionSigned, .signedOff, .reopened]

    /// The whole machine as a table, written from PROPOSALS.md §3.2 independently of the
    /// code: (from states, event, the item's roles, to; nil = stays where it is). Items not
    /// yet assigned (and only they) have no role.
    static let spec: [([S], ItemEvent, [HandlingRole?], S?)] = {
        var rows: [([S], ItemEvent, [HandlingRole?], S?)] = []
        for role in HandlingRole.allCases {
            rows.append(([.registered], .assign(role: role), [nil], .assigned))
            rows.append(([.returned], .assign(role: role), anyRole, .assigned))  // 维持交办: assigned anew
        }
        rows += [
            ([.assigned], .returnItem, anyRole, .returned),
            ([.assigned], .acknowledge, [.reference], .acknowledged),
            ([.assigned], .startHandling, handled, .handling),
            ([.assigned], .recordContact, handled, .handling),
            ([.reopened], .startHandling, anyRole, .handling),
            ([.reopened], .recordContact, anyRole, .handling),
            ([.handling, .drafted, .sectionSigned, .signedOff, .reported, .replied, .implementing, .published], .recordContact, anyRole, nil),
            (openStates, .urge, handled, nil),
            (openStates, .extendDeadline, handled, nil),
            (openStates, .unitOpinion, handled, nil),
            ([.reported, .replied, .implementing], .urge, lead, nil),  // the reply, then the publication, still due
            ([.handling, .drafted, .reopened], .draft, anyRole, .drafted),
            ([.drafted], .signBySection, anyRole, .sectionSigned),
            ([.sectionSigned], .signOff, anyRole, .signedOff),
            ([.sectionSigned, .signedOff], .sendBack, anyRole, .handling),
            ([.signedOff], .report, anyRole, .reported),
            ([.reported], .reply, lead, .replied),
            ([.replied, .implementing], .recordProgress, anyRole, .implementing),
            ([.published], .recordProgress, anyRole, nil),
            ([.replied, .implementing], .publish, lead, .published),
            ([.replied, .implementing, .published], .feedback(.satisfied), anyRole, nil),
            ([.replied, .implementing, .published], .feedback(.basicallySatisfied), anyRole, nil),
            ([.replied, .implementing, .published], .feedback(.dissatisfied), anyRole, .reopened),
        ]
        return rows.map { ($0.0, $0.1, $0.2.map { $0 }, $0.3) }
    }()

    static let events: [ItemEvent] =
        HandlingRole.allCases.map { .assign(role: $0) } + [
            .returnItem, .acknowledge, .startHandling, .recordContact, .unitOpinion, .urge, .extendDeadline, .draft, .signBySection,
            .signOff, .sendBack, .report, .reply, .recordProgress, .publish,
        ] + Satisfaction.allCases.map { .feedback($0) }

    /// Every legal move, one per line: (from, event, role, to), expanded from `spec`.
    static let legal: [(S, ItemEvent, HandlingRole?, S)] = spec.flatMap { states, event, roles, to in
        states.flatMap { from in roles.map { role in (from, event, role, to ?? from) } }
    }

    /// Every (state, event, role) the machine can meet: the spec's moves are legal and go
    /// where it says, everything else is refused: 13 states × 22 events × roles.
    @Test func theMachineIsExactlyTheSpec() {
        var checked = 0
        var allowed = 0
        for state in S.allCases {
            let roles: [HandlingRole?] = state == .registered ? [nil] : HandlingRole.allCases.map { $0 }
            for event in Self.events {
                for role in roles {
                    checked += 1
                    let expected = Self.legal.first { $0.0 == state && $0.1 == event && $0.2 == role }?.3
                    let actual = try? ItemWorkflow.next(state, on: event, role: role)
                    if actual != nil { allowed += 1 }
                    #expect(
                        actual == expected,
                        "\(state) --\(event.name) [\(role?.rawValue ?? "no role")]--> \(actual.map { "\($0)" } ?? "refused"), spec: \(expected.map { "\($0)" } ?? "refused")"
                    )
                }
            }
        }
        #expect(checked == 22 + 12 * 22 * 4)
        #expect(allowed == Self.legal.count)
    }

    @Test(arguments: 0..<legal.count)
    func legalTransition(_ index: Int) throws {
        let (from, event, role, to) = Self.legal[index]
        #expect(try ItemWorkflow.next(from, on: event, role: role) == to, "\(from) --\(event.name)--> \(to)")
    }

    /// A sample of illegal ones, with the reason they are refused.
    static let illegal: [(S, ItemEvent, HandlingRole?)] = [
        (.registered, .reply, nil),  // skipping gates
        (.registered, .startHandling, nil),
        (.assigned, .assign(role: .leadSole), .leadSole),  // assigned twice
        (.assigned, .acknowledge, .leadSole),  // only reference items are acknowledged
        (.assigned, .startHandling, .reference),  // reference items are not handled
        (.handling, .signOff, .leadSole),  // the leader signs after the section
        (.drafted, .report, .leadSole),  // not yet signed
        (.reported, .reply, .coHandling),  // 协办 gets no formal reply
        (.replied, .publish, .coHandling),
        (.handling, .returnItem, .leadSole),  // only straight after assignment
        (.returned, .startHandling, .leadSole),  // final
        (.acknowledged, .urge, .reference),  // nothing is due
        (.assigned, .urge, .reference),  // nor before acknowledging
        (.assigned, .extendDeadline, .reference),
        (.reported, .urge, .coHandling),
        (.published, .urge, .leadSole),  // everything owed is done
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
        } catch let error as DomainError {
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
