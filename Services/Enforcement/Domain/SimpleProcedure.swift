import CivicDomain

/// Who is penalized: the simple procedure's limits differ (行政处罚法 §51).
public enum PartyKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// 公民.
    case citizen
    /// 法人或者其他组织.
    case organization
}

/// 简易程序 (当场处罚, 行政处罚法 §51–§53) and 当场收缴 (§68): when a penalty may be decided on the
/// spot, and when its fine may be collected there.
public enum SimpleProcedure {
    /// §51: a fine of at most 200 元 for a citizen or 3,000 元 for an organization, or a warning.
    public static func fineLimit(for party: PartyKind) -> Fen { party == .citizen ? .yuan(200) : .yuan(3_000) }
    /// §68(1): a fine of at most 100 元 may be collected on the spot.
    public static let onTheSpotCollectionLimit = Fen.yuan(100)

    /// Whether `penalties` (with `fine` when one is among them) may go the simple way, with the facts
    /// clear and the basis known (§51); else FAILED_PRECONDITION naming why: "penalties"
    /// NOT_SIMPLE (anything but a warning or a fine), "fine" ABOVE_LIMIT.
    public static func check(penalties: Set<PenaltyType>, fine: Fen, party: PartyKind) throws {
        var problems: [FieldProblem] = []
        let other = penalties.subtracting([.warning, .fine])
        if !other.isEmpty {
            problems.append(
                FieldProblem(
                    field: "penalties", reason: "NOT_SIMPLE",
                    description: "\(other.sorted().map(\.rawValue).joined(separator: ", ")) goes the ordinary way (行政处罚法 §51)"))
        }
        let limit = fineLimit(for: party)
        if penalties.contains(.fine) && fine > limit {
            problems.append(
                FieldProblem(field: "fine", reason: "ABOVE_LIMIT", description: "on the spot a \(party.rawValue) is fined at most \(limit.fen / 100) 元 (§51)"))
        }
        if !problems.isEmpty { throw DomainError(.failedPrecondition, "this penalty cannot be decided on the spot", problems: problems) }
    }

    /// Whether the fine may be collected on the spot (§68(1)): at most 100 元.
    public static func mayCollectOnTheSpot(_ fine: Fen) -> Bool { fine.fen > 0 && fine <= onTheSpotCollectionLimit }
}
