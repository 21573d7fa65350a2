import CivicDomain

/// Self-care ability (生活自理能力) as 特困 support rates it.
public enum SelfCareLevel: String, Sendable, Hashable, CaseIterable, Codable {
    /// 具备生活自理能力: all six items met (全自理).
    case selfCaring = "self_caring"
    /// 部分丧失生活自理能力: one to three items failed (半护理).
    case partiallyDependent = "partially_dependent"
    /// 完全丧失生活自理能力: four or more items failed (全护理).
    case fullyDependent = "fully_dependent"

    /// The level for so many failed items (0 → 自理, 1–3 → 部分丧失, 4–6 → 完全丧失).
    public init(failedItems: Int) {
        switch failedItems {
        case ..<1: self = .selfCaring
        case 1...3: self = .partiallyDependent
        default: self = .fullyDependent
        }
    }
}

/// The six activities of daily living (ADL) a home visit checks (豫民〔2021〕7号; Guizhou): `true`
/// means the person manages the item alone.
public struct SelfCareAssessment: Sendable, Hashable, Codable {
    /// 吃饭.
    public var eating: Bool
    /// 穿衣.
    public var dressing: Bool
    /// 上下床.
    public var gettingInOutOfBed: Bool
    /// 如厕.
    public var toilet: Bool
    /// 室内行走.
    public var walkingIndoors: Bool
    /// 洗澡.
    public var bathing: Bool

    public init(eating: Bool, dressing: Bool, gettingInOutOfBed: Bool, toilet: Bool, walkingIndoors: Bool, bathing: Bool) {
        self.eating = eating
        self.dressing = dressing
        self.gettingInOutOfBed = gettingInOutOfBed
        self.toilet = toilet
        self.walkingIndoors = walkingIndoors
        self.bathing = bathing
    }

    /// How many of the six items the person cannot manage.
    public var failedItems: Int {
        [eating, dressing, gettingInOutOfBed, toilet, walkingIndoors, bathing].filter { !$0 }.count
    }

    public var level: SelfCareLevel { SelfCareLevel(failedItems: failedItems) }
}
