import CivicProtos
import ProposalsDomain

// Protobuf enums ↔ domain enums. An unspecified or unknown wire value is nil.

extension ItemKind {
    init?(_ proto: Civic_Proposals_V1_ItemKind) {
        switch proto {
        case .npcSuggestion: self = .npcSuggestion
        case .cppccProposal: self = .cppccProposal
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_ItemKind {
        switch self {
        case .npcSuggestion: .npcSuggestion
        case .cppccProposal: .cppccProposal
        }
    }
}

extension ItemState {
    init?(_ proto: Civic_Proposals_V1_ItemState) {
        guard let state = ItemState.allCases.first(where: { $0.proto == proto }) else { return nil }
        self = state
    }

    var proto: Civic_Proposals_V1_ItemState {
        switch self {
        case .registered: .registered
        case .assigned: .assigned
        case .returned: .returned
        case .acknowledged: .acknowledged
        case .handling: .handling
        case .drafted: .drafted
        case .sectionSigned: .sectionSigned
        case .signedOff: .signedOff
        case .reported: .reported
        case .replied: .replied
        case .implementing: .implementing
        case .published: .published
        case .reopened: .reopened
        }
    }
}

extension HandlingRole {
    init?(_ proto: Civic_Proposals_V1_HandlingRole) {
        switch proto {
        case .leadSole: self = .leadSole
        case .leadSplit: self = .leadSplit
        case .coHandling: self = .coHandling
        case .reference: self = .reference
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_HandlingRole {
        switch self {
        case .leadSole: .leadSole
        case .leadSplit: .leadSplit
        case .coHandling: .coHandling
        case .reference: .reference
        }
    }
}

extension ReplyResult {
    init?(_ proto: Civic_Proposals_V1_ReplyResult) {
        switch proto {
        case .resultA: self = .a
        case .resultB: self = .b
        case .resultC: self = .c
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_ReplyResult {
        switch self {
        case .a: .resultA
        case .b: .resultB
        case .c: .resultC
        }
    }
}

extension Adoption {
    init?(_ proto: Civic_Proposals_V1_Adoption) {
        switch proto {
        case .fullyAdopted: self = .full
        case .partlyAdopted: self = .partial
        case .notAdopted: self = .none
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_Adoption {
        switch self {
        case .full: .fullyAdopted
        case .partial: .partlyAdopted
        case .none: .notAdopted
        }
    }
}

extension Satisfaction {
    init?(_ proto: Civic_Proposals_V1_Satisfaction) {
        switch proto {
        case .satisfied: self = .satisfied
        case .basicallySatisfied: self = .basicallySatisfied
        case .dissatisfied: self = .dissatisfied
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }

    var proto: Civic_Proposals_V1_Satisfaction {
        switch self {
        case .satisfied: .satisfied
        case .basicallySatisfied: .basicallySatisfied
        case .dissatisfied: .dissatisfied
        }
    }
}

extension ContactStage {
    var proto: Civic_Proposals_V1_ContactStage {
        switch self {
        case .before: .beforeHandling
        case .during: .duringHandling
        case .after: .afterHandling
        }
    }

    init?(_ proto: Civic_Proposals_V1_ContactStage) {
        switch proto {
        case .beforeHandling: self = .before
        case .duringHandling: self = .during
        case .afterHandling: self = .after
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}
