import CivicDomain

/// The kind of disability on a disability card (残疾人证).
public enum DisabilityCategory: String, Sendable, Hashable, CaseIterable, Codable {
    /// 视力.
    case visual
    /// 听力.
    case hearing
    /// 言语.
    case speech
    /// 肢体.
    case physical
    /// 智力.
    case intellectual
    /// 精神.
    case mental
    /// 多重.
    case multiple
}

/// A disability card: category and grade 1 (most severe) to 4.
public struct DisabilityCard: Sendable, Hashable, Codable {
    public var category: DisabilityCategory
    public var grade: Int

    public init(category: DisabilityCategory, grade: Int) {
        self.category = category
        self.grade = grade
    }
}

/// The 两项补贴 a member receives for a month.
public struct DisabilitySubsidiesResult: Sendable, Hashable {
    /// 困难残疾人生活补贴, fen (zero when not entitled).
    public var living: Fen
    /// 重度残疾人护理补贴, fen (zero when not entitled).
    public var nursing: Fen
    public var total: Fen { living + nursing }
    /// "生活补贴 7000 + 护理补贴 8000 (physical 2级) = 15000".
    public var formula: String
    public var standardVersionID: String
}

/// 两项补贴 (RULES.md §1(c)5): the living subsidy for a member of a 低保 family holding a disability
/// card; the nursing subsidy for grades 1–2, and grade-3 intellectual or mental disability where
/// the version says so. Amounts from the standard version. These payments are not counted as
/// income for 低保 (the registry marks them excluded).
public enum DisabilitySubsidies {
    /// Throws `DomainError.invalid` field "card.grade" reason "BAD_GRADE" for a grade outside 1–4.
    public static func compute(card: DisabilityCard?, inMinimumLivingFamily: Bool, standard: StandardVersion) throws -> DisabilitySubsidiesResult {
        guard let card else {
            return DisabilitySubsidiesResult(living: .zero, nursing: .zero, formula: "无残疾人证 = 0", standardVersionID: standard.id)
        }
        guard (1...4).contains(card.grade) else {
            throw DomainError.invalid("a disability grade is 1 to 4, not \(card.grade)", field: "card.grade", reason: "BAD_GRADE")
        }
        let living = inMinimumLivingFamily ? standard.livingSubsidy : .zero
        let grade3 = card.grade == 3 && [.intellectual, .mental].contains(card.category) && standard.nursingIncludesGrade3IntellectualMental
        let nursing = card.grade <= 2 || grade3 ? standard.nursingSubsidy : .zero
        let formula = "生活补贴 \(living.fen) + 护理补贴 \(nursing.fen) (\(card.category.rawValue) \(card.grade)级) = \((living + nursing).fen)"
        return DisabilitySubsidiesResult(living: living, nursing: nursing, formula: formula, standardVersionID: standard.id)
    }
}
