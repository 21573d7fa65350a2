import CivicDomain
import Foundation

// The inspection checklist (检查清单) as a versioned tree: area (方面) → sub-area (分项) → item
// (项目). Anyang's 五查五改 has 5 / 23 / 118 nodes (RULES.md §2(a) ChecklistNode, seed S001).
// Each bureau loads its own file; deploy/eldercare/checklist-sample.json is a sample in that shape.

/// The kind of risk a checklist item guards against (隐患类别). Findings inherit it from their
/// item; `fireSafety` and `illegalFundraising` findings are flagged for referral to enforcement
/// (RULES.md §2(b) Findings). Stored and mapped positionally: keep the case order.
public enum HazardClass: String, Sendable, Hashable, CaseIterable, Codable {
    /// 消防安全.
    case fireSafety = "fire_safety"
    /// 食品安全.
    case foodSafety = "food_safety"
    /// 建筑与设施安全 (房屋结构、特种设备、防护设施).
    case buildingSafety = "building_safety"
    /// 服务质量与老年人权益.
    case serviceQuality = "service_quality"
    /// 运营管理 (备案、制度、财务、应急).
    case management
    /// 非法集资风险 (预收费、会员卡、"养老投资").
    case illegalFundraising = "illegal_fundraising"
}

/// One checklist item (检查项目): what the inspector checks and marks pass / fail / not applicable.
public struct ChecklistItem: Sendable, Hashable, Codable {
    /// Unique in the whole tree and prefixed by its sub-area's code and a dot ("1.2.3" under "1.2").
    public let code: String
    public let text: String
    /// Its share of the score: a positive integer (Σ weights of the items passed, RULES.md §2(c)).
    public let weight: Int
    public let hazardClass: HazardClass
    /// The rule it checks ("《中华人民共和国消防法》第十六条"); carried into a finding and a referral.
    public let legalBasis: String
    /// The codes of the area and sub-area it sits under (from the tree, not from the file's item).
    public let areaCode: String
    public let subAreaCode: String

    public init(
        code: String, text: String, weight: Int, hazardClass: HazardClass, legalBasis: String, areaCode: String, subAreaCode: String
    ) {
        self.code = code
        self.text = text
        self.weight = weight
        self.hazardClass = hazardClass
        self.legalBasis = legalBasis
        self.areaCode = areaCode
        self.subAreaCode = subAreaCode
    }
}

/// A sub-area (分项) and its items.
public struct ChecklistSubArea: Sendable, Hashable, Codable {
    public let code: String
    public let title: String
    public let items: [ChecklistItem]
}

/// An area (方面, e.g. 查消防安全) and its sub-areas.
public struct ChecklistArea: Sendable, Hashable, Codable {
    public let code: String
    public let title: String
    public let subAreas: [ChecklistSubArea]
}

/// The number of nodes on each level: Anyang's 五查五改 is 5 / 23 / 118.
public struct ChecklistCounts: Sendable, Hashable, Codable, CustomStringConvertible {
    public let areas: Int
    public let subAreas: Int
    public let items: Int

    public init(areas: Int, subAreas: Int, items: Int) {
        self.areas = areas
        self.subAreas = subAreas
        self.items = items
    }

    /// "5/23/118".
    public var description: String { "\(areas)/\(subAreas)/\(items)" }
}

/// A checklist score (检查得分): the weights of the items passed over the weights of the items
/// that apply, out of 100 with one decimal, rounded half-up from integers (`Percentage`).
///
/// Decision (RULES.md §2(c) says only "Σ weights of items passed"): items marked not applicable
/// leave the denominator, so a home without a kitchen is not marked down for food-safety items
/// it cannot have. When nothing applies the score is 100.0: nothing failed.
public struct ChecklistScore: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Σ weights of the items passed.
    public let passedWeight: Int
    /// Σ weights of the items failed.
    public let failedWeight: Int
    /// Σ weights of the items marked not applicable.
    public let notApplicableWeight: Int
    /// The number of items failed.
    public let failedItems: Int

    public init(passedWeight: Int, failedWeight: Int, notApplicableWeight: Int, failedItems: Int) {
        self.passedWeight = passedWeight
        self.failedWeight = failedWeight
        self.notApplicableWeight = notApplicableWeight
        self.failedItems = failedItems
    }

    /// Σ weights of the items that apply (passed + failed).
    public var applicableWeight: Int { passedWeight + failedWeight }

    /// Out of 100, one decimal: 100.0 when nothing applies.
    public var points: Percentage {
        applicableWeight == 0 ? Percentage(tenths: 1000) : Percentage(passedWeight, of: applicableWeight)
    }

    /// "92.5".
    public var description: String { points.description }
}

/// A validated checklist version (检查清单版本): the whole tree checked at load, so an inspection
/// never meets a duplicate code, an orphan item or a zero weight.
public struct Checklist: Sendable, Hashable {
    /// The version id inspections record ("anyang-wuchawugai-2021"): unique per bureau.
    public let version: String
    public let title: String
    /// Who issued it (the bureau).
    public let issuer: String
    /// A sample shipped with Civic, not a bureau's real checklist.
    public let isSample: Bool
    public let note: String
    public let areas: [ChecklistArea]
    /// Item code → (area index, sub-area index, item index).
    private let index: [String: ItemPosition]

    private struct ItemPosition: Sendable, Hashable {
        let area: Int
        let subArea: Int
        let item: Int
    }

    /// Builds the checklist from its file form, collecting every problem of the tree first
    /// (throws `DomainError.invalid` listing them all; see `ChecklistDocument.problems()`).
    public init(validating document: ChecklistDocument) throws {
        let errors = document.problems()
        if !errors.isEmpty { throw errors.domainError }
        var areas: [ChecklistArea] = []
        var index: [String: ItemPosition] = [:]
        for (a, area) in (document.areas ?? []).enumerated() {
            var subAreas: [ChecklistSubArea] = []
            for (s, sub) in (area.subAreas ?? []).enumerated() {
                var items: [ChecklistItem] = []
                for (i, item) in (sub.items ?? []).enumerated() {
                    let code = item.code ?? ""
                    items.append(
                        ChecklistItem(
                            code: code, text: item.text ?? "", weight: item.weight ?? 0,
                            hazardClass: HazardClass(rawValue: item.hazardClass ?? "") ?? .management, legalBasis: item.legalBasis ?? "",
                            areaCode: area.code ?? "", subAreaCode: sub.code ?? ""))
                    index[code] = ItemPosition(area: a, subArea: s, item: i)
                }
                subAreas.append(ChecklistSubArea(code: sub.code ?? "", title: sub.title ?? "", items: items))
            }
            areas.append(ChecklistArea(code: area.code ?? "", title: area.title ?? "", subAreas: subAreas))
        }
        self.version = document.version ?? ""
        self.title = document.title ?? ""
        self.issuer = document.issuer ?? ""
        self.isSample = document.sample ?? false
        self.note = document.note ?? ""
        self.areas = areas
        self.index = index
    }

    /// Decodes and validates a JSON checklist file (`ChecklistDocument`'s shape). JSON that does
    /// not decode is refused with reason BAD_JSON and the path where decoding stopped.
    public init(json data: Data) throws {
        let document: ChecklistDocument
        do {
            document = try JSONDecoder().decode(ChecklistDocument.self, from: data)
        } catch let error as DecodingError {
            let (path, why) = Checklist.describe(error)
            throw DomainError.invalid("the checklist file is not valid JSON in the expected shape: \(why)", field: path, reason: "BAD_JSON")
        }
        try self.init(validating: document)
    }

    /// Reads and validates a checklist file.
    public static func load(file: String) throws -> Checklist {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw DomainError.invalid("cannot read the checklist file \(file)", field: "file", reason: "UNREADABLE")
        }
        return try Checklist(json: data)
    }

    /// The nodes on each level.
    public var counts: ChecklistCounts {
        ChecklistCounts(
            areas: areas.count, subAreas: areas.reduce(0) { $0 + $1.subAreas.count },
            items: areas.reduce(0) { $0 + $1.subAreas.reduce(0) { $0 + $1.items.count } })
    }

    /// The items per area, in the tree's order: [area code: items].
    public var itemsPerArea: [String: Int] {
        Dictionary(uniqueKeysWithValues: areas.map { area in (area.code, area.subAreas.reduce(0) { $0 + $1.items.count }) })
    }

    /// Every item in the tree's order.
    public var items: [ChecklistItem] { areas.flatMap { $0.subAreas.flatMap(\.items) } }

    /// Σ weights of all items.
    public var totalWeight: Int { items.reduce(0) { $0 + $1.weight } }

    /// The item with `code`, or nil.
    public func item(_ code: String) -> ChecklistItem? {
        guard let p = index[code] else { return nil }
        return areas[p.area].subAreas[p.subArea].items[p.item]
    }

    /// The area and sub-area an item sits under, or nil for an unknown code.
    public func location(of code: String) -> (area: ChecklistArea, subArea: ChecklistSubArea)? {
        guard let p = index[code] else { return nil }
        return (areas[p.area], areas[p.area].subAreas[p.subArea])
    }

    /// The score when the items in `failed` failed, those in `notApplicable` do not apply and
    /// every other item passed. Refuses (INVALID_ARGUMENT, every problem at once) a code not in
    /// this version ("failed[i]" / "not_applicable[i]" UNKNOWN_ITEM) and a code in both lists
    /// ("not_applicable[i]" CONFLICTING_RESULT).
    public func score(failed: [String], notApplicable: [String] = []) throws -> ChecklistScore {
        var errors = ValidationErrors()
        for (i, code) in failed.enumerated() where index[code] == nil {
            errors.add("failed[\(i)]", "UNKNOWN_ITEM", "\(code) is not an item of checklist \(version)")
        }
        let failedSet = Set(failed)
        for (i, code) in notApplicable.enumerated() {
            if index[code] == nil {
                errors.add("not_applicable[\(i)]", "UNKNOWN_ITEM", "\(code) is not an item of checklist \(version)")
            } else if failedSet.contains(code) {
                errors.add("not_applicable[\(i)]", "CONFLICTING_RESULT", "\(code) cannot both fail and not apply")
            }
        }
        if !errors.isEmpty { throw errors.domainError }
        return score(failed: failedSet, notApplicable: Set(notApplicable))
    }

    /// The score for codes already checked against this version (unknown codes are ignored).
    func score(failed: Set<String>, notApplicable: Set<String>) -> ChecklistScore {
        var passed = 0
        var failedWeight = 0
        var na = 0
        var failedItems = 0
        for item in items {
            if failed.contains(item.code) {
                failedWeight += item.weight
                failedItems += 1
            } else if notApplicable.contains(item.code) {
                na += item.weight
            } else {
                passed += item.weight
            }
        }
        return ChecklistScore(passedWeight: passed, failedWeight: failedWeight, notApplicableWeight: na, failedItems: failedItems)
    }

    /// The file form of this checklist (round-trips through `init(validating:)`).
    public var document: ChecklistDocument {
        ChecklistDocument(
            version: version, title: title, issuer: issuer, sample: isSample, note: note,
            areas: areas.map { area in
                ChecklistDocument.Area(
                    code: area.code, title: area.title,
                    subAreas: area.subAreas.map { sub in
                        ChecklistDocument.SubArea(
                            code: sub.code, title: sub.title,
                            items: sub.items.map {
                                ChecklistDocument.Item(
                                    code: $0.code, text: $0.text, weight: $0.weight, hazardClass: $0.hazardClass.rawValue, legalBasis: $0.legalBasis)
                            })
                    })
            })
    }

    static func describe(_ error: DecodingError) -> (path: String, why: String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return (path(c.codingPath), c.debugDescription)
        case .keyNotFound(let key, let c):
            return (path(c.codingPath + [key]), "missing")
        @unknown default:
            return ("", "\(error)")
        }
    }
}

/// The checklist file as written (JSON, snake_case keys). Every field is optional here so that a
/// missing one is reported with its path among all the others, not as the first decoding error:
///
///     {"version": "…", "title": "…", "issuer": "…", "sample": true, "note": "…",
///      "areas": [{"code": "1", "title": "查消防安全",
///                 "sub_areas": [{"code": "1.1", "title": "消防设施器材",
///                                "items": [{"code": "1.1.1", "text": "…", "weight": 2,
///                                           "hazard_class": "fire_safety", "legal_basis": "…"}]}]}]}
public struct ChecklistDocument: Sendable, Hashable, Codable {
    public var version: String?
    public var title: String?
    public var issuer: String?
    public var sample: Bool?
    public var note: String?
    public var areas: [Area]?

    public init(version: String?, title: String?, issuer: String? = nil, sample: Bool? = nil, note: String? = nil, areas: [Area]?) {
        self.version = version
        self.title = title
        self.issuer = issuer
        self.sample = sample
        self.note = note
        self.areas = areas
    }

    public struct Area: Sendable, Hashable, Codable {
        public var code: String?
        public var title: String?
        public var subAreas: [SubArea]?
        enum CodingKeys: String, CodingKey {
            case code, title
            case subAreas = "sub_areas"
        }
        public init(code: String?, title: String?, subAreas: [SubArea]?) {
            self.code = code
            self.title = title
            self.subAreas = subAreas
        }
    }

    public struct SubArea: Sendable, Hashable, Codable {
        public var code: String?
        public var title: String?
        public var items: [Item]?
        public init(code: String?, title: String?, items: [Item]?) {
            self.code = code
            self.title = title
            self.items = items
        }
    }

    public struct Item: Sendable, Hashable, Codable {
        public var code: String?
        public var text: String?
        public var weight: Int?
        /// A `HazardClass` raw value; anything else is UNKNOWN_HAZARD_CLASS at validation.
        public var hazardClass: String?
        public var legalBasis: String?
        enum CodingKeys: String, CodingKey {
            case code, text, weight
            case hazardClass = "hazard_class"
            case legalBasis = "legal_basis"
        }
        public init(code: String?, text: String?, weight: Int?, hazardClass: String?, legalBasis: String?) {
            self.code = code
            self.text = text
            self.weight = weight
            self.hazardClass = hazardClass
            self.legalBasis = legalBasis
        }
    }

    /// Every problem of the tree, each with its path ("areas[0].sub_areas[2].items[4].weight"):
    /// - "version", "title", any node's "code", "title" or item "text", "legal_basis": REQUIRED when blank or missing;
    /// - "areas": EMPTY when there is no area; an area without sub-areas or a sub-area without
    ///   items: EMPTY on its "sub_areas" / "items";
    /// - a code used twice anywhere in the tree (all levels share one namespace): DUPLICATE_CODE
    ///   on the later node, naming the first;
    /// - a sub-area code not "<area code>.<something>", an item code not "<sub-area code>.<something>":
    ///   NOT_UNDER_PARENT;
    /// - "weight": REQUIRED when missing, NOT_POSITIVE when ≤ 0;
    /// - "hazard_class": REQUIRED when missing, UNKNOWN_HAZARD_CLASS when not a `HazardClass` value.
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        func blank(_ text: String?) -> Bool { (text ?? "").allSatisfy(\.isWhitespace) }
        func required(_ text: String?, _ field: String, _ what: String) {
            if blank(text) { errors.add(field, "REQUIRED", "\(field): the \(what) is required") }
        }
        var firstSeen: [String: String] = [:]
        func unique(_ code: String?, _ field: String) {
            guard let code, !blank(code) else { return }
            if let first = firstSeen[code] {
                errors.add(field, "DUPLICATE_CODE", "\(field): code \(code) is already used at \(first)")
            } else {
                firstSeen[code] = field
            }
        }
        func under(_ code: String?, parent: String?, _ field: String, _ what: String) {
            guard let code, let parent, !blank(code), !blank(parent) else { return }
            let prefix = parent + "."
            if !(code.hasPrefix(prefix) && code.count > prefix.count) {
                errors.add(field, "NOT_UNDER_PARENT", "\(field): \(what) code \(code) must start with \(prefix)")
            }
        }
        required(version, "version", "version id")
        required(title, "title", "title")
        guard let areas, !areas.isEmpty else {
            errors.add("areas", "EMPTY", "a checklist needs at least one area")
            return errors
        }
        for (a, area) in areas.enumerated() {
            let ap = "areas[\(a)]"
            required(area.code, ap + ".code", "area code")
            required(area.title, ap + ".title", "area title")
            unique(area.code, ap + ".code")
            guard let subs = area.subAreas, !subs.isEmpty else {
                errors.add(ap + ".sub_areas", "EMPTY", "\(ap): area \(area.code ?? "") has no sub-areas")
                continue
            }
            for (s, sub) in subs.enumerated() {
                let sp = "\(ap).sub_areas[\(s)]"
                required(sub.code, sp + ".code", "sub-area code")
                required(sub.title, sp + ".title", "sub-area title")
                unique(sub.code, sp + ".code")
                under(sub.code, parent: area.code, sp + ".code", "sub-area")
                guard let items = sub.items, !items.isEmpty else {
                    errors.add(sp + ".items", "EMPTY", "\(sp): sub-area \(sub.code ?? "") has no items")
                    continue
                }
                for (i, item) in items.enumerated() {
                    let ip = "\(sp).items[\(i)]"
                    required(item.code, ip + ".code", "item code")
                    unique(item.code, ip + ".code")
                    under(item.code, parent: sub.code, ip + ".code", "item")
                    required(item.text, ip + ".text", "item text")
                    required(item.legalBasis, ip + ".legal_basis", "legal basis")
                    switch item.weight {
                    case nil: errors.add(ip + ".weight", "REQUIRED", "\(ip).weight: the weight is required")
                    case let w? where w <= 0: errors.add(ip + ".weight", "NOT_POSITIVE", "\(ip).weight: the weight must be positive, not \(w)")
                    default: break
                    }
                    switch item.hazardClass {
                    case nil: errors.add(ip + ".hazard_class", "REQUIRED", "\(ip).hazard_class: the hazard class is required")
                    case let h? where HazardClass(rawValue: h) == nil:
                        errors.add(
                            ip + ".hazard_class", "UNKNOWN_HAZARD_CLASS",
                            "\(ip).hazard_class: \"\(h)\" is not one of \(HazardClass.allCases.map(\.rawValue).joined(separator: ", "))")
                    default: break
                    }
                }
            }
        }
        return errors
    }
}
