import CivicDomain
import Foundation

// Names of social organizations (社会组织名称): how a name is built (社会组织名称管理办法, 民政部令第69号
// §8: 行政区划名称 + [字号] + 行(事)业领域 + 组织形式), the rules a registration's name must meet, and the
// similarity index behind "a same or similar name already exists" (社团条例 §13) and the public
// legitimacy check (合法性甄别, RULES.md §3(c), §3(f)): mimic names such as 中国室内装修协会 against the
// registered 中国室内装饰协会.

// MARK: - Normalization

/// The form names are compared in (比对用名称): what a clerk's typing or a fake's disguise changes
/// without changing the name.
///
/// - full-width ASCII (U+FF01–U+FF5E) becomes half-width: Ｆ → F, ３ → 3, （ → (;
/// - every space (U+3000 too) and every punctuation mark (·・()（）【】《》“”、- …: Unicode categories
///   P*) is dropped, as are control and format characters (zero-width spaces);
/// - Latin letters are upper-cased.
///
/// Traditional and simplified characters are not folded (no table in the domain); a name is compared
/// by Unicode scalar, one scalar a character, which holds for Chinese names.
public enum NameNormalizer {
    /// The normalized text of `name`.
    public static func normalize(_ name: String) -> String {
        var view = String.UnicodeScalarView()
        for value in scalars(name) { view.append(Unicode.Scalar(value)!) }
        return String(view)
    }

    /// The normalized name as scalar values, the form the index works on.
    public static func scalars(_ name: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(name.unicodeScalars.count)
        for scalar in name.unicodeScalars {
            var value = scalar.value
            if value >= 0xFF01 && value <= 0xFF5E { value -= 0xFEE0 }
            if value >= 0x61 && value <= 0x7A { value -= 0x20 }
            // Chinese characters, digits and capitals are kept as they are: skip the property tables.
            if (value >= 0x4E00 && value <= 0x9FFF) || (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) {
                out.append(value)
                continue
            }
            guard let folded = Unicode.Scalar(value) else { continue }
            if folded.properties.isWhitespace { continue }
            switch folded.properties.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation,
                .otherPunctuation, .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator:
                continue
            default: out.append(value)
            }
        }
        return out
    }
}

// MARK: - Division names

/// The division names a name may begin with (行政区划名称), and how to recognise one the list lacks.
///
/// The service has no national gazetteer, so the bureau configures the names it knows (from its
/// divisions table: 河南省, 安阳市, 文峰区, 滑县 …). A configured name also matches in its short form
/// when it ends in 省 or 市 (河南, 安阳), unless a division suffix follows (安阳 does not match the
/// start of 安阳县). The longest configured name wins, and prefixes repeat (安阳市 then 文峰区).
///
/// Names from elsewhere are recognised by a generic pattern (DEFAULT, a decision): a leading segment
/// of 3 to `maximumGenericSegment` (8) characters that ends at its first 省/市/区/县/旗/盟 or in 自治州
/// (2 characters are enough before 县: 涉县, 滑县). Longer names (湘西土家族苗族自治州) must be
/// configured. The pattern is what makes 洛阳市书法协会 and 安阳市书法协会 two bodies in two places
/// rather than one character apart. Words that end in or start with those characters without
/// being places (社区, 园区, 保护区, 城市, 超市 …; 市场, 区域 …) stop the pattern: `nonDivisionEndings` and
/// `nonDivisionStarts`, configurable.
///
/// 中国 / 全国 / 中华 at the start are national prefixes (`nationalPrefixes`): set aside like a division
/// for comparison, and recorded (`NameParts.isNational`).
public struct DivisionNames: Sendable, Hashable {
    /// The prefixes national bodies may carry with approval (社团条例 §10, 民非条例 §8, 令69号 §8).
    public static let nationalPrefixes = ["中国", "全国", "中华"]
    /// The characters a division name ends in (GB/T 2260 names).
    public static let divisionSuffixes: Set<Character> = ["省", "市", "区", "县", "旗", "盟"]
    /// Segment endings that name no division (DEFAULT).
    public static let standardNonDivisionEndings: Set<String> = [
        "社区", "园区", "景区", "小区", "街区", "校区", "山区", "牧区", "林区", "灾区", "片区", "辖区", "专区",
        "护区", "范区", "验区", "胜区", "城市", "都市", "超市", "夜市", "门市", "股市", "楼市", "集市",
    ]
    /// Words that begin with a division suffix without being one (the suffix and the next character; DEFAULT).
    public static let standardNonDivisionStarts: Set<String> = ["市场", "市政", "市民", "市容", "市区", "区域", "区块", "县域", "省级", "市级", "县级", "区级"]

    /// The configured names, normalized.
    public let names: [String]
    public let maximumGenericSegment: Int
    public let usesGenericPattern: Bool
    public let nonDivisionEndings: Set<String>
    public let nonDivisionStarts: Set<String>

    /// (normalized text, canonical name) by first scalar, longest first.
    private let byFirst: [UInt32: [Known]]
    private let endings: Set<[UInt32]>
    private let starts: Set<[UInt32]>

    private struct Known: Sendable, Hashable {
        let text: [UInt32]
        let canonical: String
        let isShortForm: Bool
    }

    /// - Parameters:
    ///   - names: the bureau's division names (full names: 河南省, 安阳市, 文峰区); normalized here.
    ///   - shortForms: also match 河南 for 河南省 and 安阳 for 安阳市.
    ///   - genericPattern: recognise unlisted divisions by their suffix (see the type's comment).
    public init(
        _ names: [String] = [], shortForms: Bool = true, genericPattern: Bool = true, maximumGenericSegment: Int = 8,
        nonDivisionEndings: Set<String> = DivisionNames.standardNonDivisionEndings,
        nonDivisionStarts: Set<String> = DivisionNames.standardNonDivisionStarts
    ) {
        var byFirst: [UInt32: [Known]] = [:]
        var normalizedNames: [String] = []
        for name in names {
            let text = NameNormalizer.scalars(name)
            guard !text.isEmpty else { continue }
            let canonical = NameNormalizer.normalize(name)
            normalizedNames.append(canonical)
            byFirst[text[0], default: []].append(Known(text: text, canonical: canonical, isShortForm: false))
            if shortForms, text.count >= 3, let last = text.last, last == Self.sheng || last == Self.shi {
                let short = Array(text.dropLast())
                byFirst[short[0], default: []].append(Known(text: short, canonical: canonical, isShortForm: true))
            }
        }
        for key in byFirst.keys {
            byFirst[key] = Array(Set(byFirst[key]!)).sorted {
                $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.text.lexicographicallyPrecedes($1.text)
            }
        }
        self.byFirst = byFirst
        self.names = normalizedNames.sorted()
        self.maximumGenericSegment = maximumGenericSegment
        self.usesGenericPattern = genericPattern
        self.nonDivisionEndings = nonDivisionEndings
        self.nonDivisionStarts = nonDivisionStarts
        endings = Set(nonDivisionEndings.map(NameNormalizer.scalars))
        starts = Set(nonDivisionStarts.map(NameNormalizer.scalars))
    }

    private static let sheng = "省".unicodeScalars.first!.value
    private static let shi = "市".unicodeScalars.first!.value
    private static let xian = "县".unicodeScalars.first!.value
    private static let suffixValues = Set(divisionSuffixes.map { $0.unicodeScalars.first!.value })
    private static let autonomousPrefecture = NameNormalizer.scalars("自治州")
    private static let nationalValues = nationalPrefixes.map(NameNormalizer.scalars)

    /// Whether the two characters from `i` spell a word that starts with a division suffix (市场).
    private func startsNonDivisionWord(_ s: [UInt32], at i: Int) -> Bool {
        i + 1 < s.count && starts.contains([s[i], s[i + 1]])
    }

    /// The division prefix of `s` from `position`: how many scalars it takes, its canonical name
    /// (the last segment's), and whether it was national. Leaves at least 2 scalars behind.
    func prefix(of s: [UInt32], from position: Int) -> (length: Int, scope: String, isNational: Bool) {
        var pos = position
        var isNational = false
        var scope = ""
        nationalLoop: while true {
            for national in Self.nationalValues where s.count - pos - national.count >= 2 && s[pos..<(pos + national.count)].elementsEqual(national) {
                pos += national.count
                isNational = true
                continue nationalLoop
            }
            break
        }
        for _ in 0..<4 {
            guard s.count - pos > 2 else { break }
            if let known = configured(s, at: pos) {
                pos += known.text.count
                scope = known.canonical
            } else if let length = generic(s, at: pos) {
                scope = String(String.UnicodeScalarView(s[pos..<(pos + length)].map { Unicode.Scalar($0)! }))
                pos += length
            } else {
                break
            }
        }
        return (pos - position, scope, isNational)
    }

    private func configured(_ s: [UInt32], at pos: Int) -> Known? {
        guard let candidates = byFirst[s[pos]] else { return nil }
        for known in candidates {
            let end = pos + known.text.count
            guard s.count - end >= 2, s[pos..<end].elementsEqual(known.text) else { continue }
            if known.isShortForm && Self.suffixValues.contains(s[end]) { continue }
            if !known.isShortForm && startsNonDivisionWord(s, at: end - 1) { continue }
            return known
        }
        return nil
    }

    private func generic(_ s: [UInt32], at pos: Int) -> Int? {
        guard usesGenericPattern else { return nil }
        let limit = min(s.count - 2, pos + maximumGenericSegment)
        var i = pos + 1
        while i < limit {
            let isSuffix = Self.suffixValues.contains(s[i])
            let isAutonomous = i >= pos + 2 && s[(i - 2)...i].elementsEqual(Self.autonomousPrefecture)
            if isSuffix || isAutonomous {
                let length = i - pos + 1
                let isCounty = s[i] == Self.xian
                guard length >= 3 || (length == 2 && isCounty) else { return nil }
                guard !endings.contains([s[i - 1], s[i]]), !startsNonDivisionWord(s, at: i) else { return nil }
                return length
            }
            i += 1
        }
        return nil
    }
}

// MARK: - Organization forms

/// The 组织形式 each type's names end with (令69号 §8). A name's form is the longest of them it ends
/// with (联合会, not 合会; 培训学校, not 学校), from all three lists at once, so a name can be split
/// without knowing its type. DEFAULT lists, configurable:
/// - 社会团体: the Guangdong list (粤民函〔2016〕840号 §5; RULES.md §3(b)) plus 总会. 分会 is left out:
///   a 分会 is a 分支机构 of a 社团, not a body registered on its own.
/// - 基金会: 基金会 only (基金会管理条例 §9 names it so).
/// - 民办非企业单位 (社会服务机构): the forms in use (中心、院、所、学校、园、社、站、馆 and their common
///   longer spellings); the regulations list none.
public struct OrganizationForms: Sendable, Hashable {
    public static let standardSocialGroup = [
        "协会", "商会", "联合会", "联谊会", "学会", "研究会", "促进会", "同业公会", "校友会", "慈善会", "福利会", "互助会", "总会",
    ]
    public static let standardFoundation = ["基金会"]
    public static let standardPrivateNonEnterprise = [
        "中心", "服务中心", "院", "研究院", "医院", "养老院", "敬老院", "福利院", "护理院", "学校", "培训学校", "职业培训学校", "幼儿园",
        "所", "研究所", "事务所", "社", "服务社", "站", "服务站", "园", "馆", "博物馆", "俱乐部",
    ]
    public static let standard = OrganizationForms()

    public let socialGroup: [String]
    public let foundation: [String]
    public let privateNonEnterprise: [String]

    /// Every form, normalized, longest first, with the types it belongs to (a bit per type).
    private let all: [(text: [UInt32], families: UInt8)]

    public init(
        socialGroup: [String] = OrganizationForms.standardSocialGroup, foundation: [String] = OrganizationForms.standardFoundation,
        privateNonEnterprise: [String] = OrganizationForms.standardPrivateNonEnterprise
    ) {
        self.socialGroup = socialGroup
        self.foundation = foundation
        self.privateNonEnterprise = privateNonEnterprise
        var families: [[UInt32]: UInt8] = [:]
        for (type, list) in [(OrganizationType.socialGroup, socialGroup), (.foundation, foundation), (.privateNonEnterprise, privateNonEnterprise)] {
            for form in list {
                let text = NameNormalizer.scalars(form)
                if !text.isEmpty { families[text, default: 0] |= Self.bit(type) }
            }
        }
        all = families.map { ($0.key, $0.value) }.sorted {
            $0.text.count != $1.text.count ? $0.text.count > $1.text.count : $0.text.lexicographicallyPrecedes($1.text)
        }
    }

    public static func == (a: OrganizationForms, b: OrganizationForms) -> Bool {
        a.socialGroup == b.socialGroup && a.foundation == b.foundation && a.privateNonEnterprise == b.privateNonEnterprise
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(socialGroup)
        hasher.combine(foundation)
        hasher.combine(privateNonEnterprise)
    }

    /// The forms a name of `type` may end with.
    public func forms(for type: OrganizationType) -> [String] {
        switch type {
        case .socialGroup: socialGroup
        case .foundation: foundation
        case .privateNonEnterprise: privateNonEnterprise
        }
    }

    static func bit(_ type: OrganizationType) -> UInt8 {
        switch type {
        case .socialGroup: 1
        case .privateNonEnterprise: 2
        case .foundation: 4
        }
    }

    /// The longest form `s[from...]` ends with, as (length, type bits); (0, 0) when none. The form
    /// may be all there is after the division (安阳市协会: no field, NameRules' NO_FIELD).
    func form(of s: [UInt32], from: Int) -> (length: Int, families: UInt8) {
        for form in all where s.count - from >= form.text.count && s[(s.count - form.text.count)...].elementsEqual(form.text) {
            return (form.text.count, form.families)
        }
        return (0, 0)
    }

    /// The types whose lists hold `form`.
    func types(ofFormFamilies bits: UInt8) -> [OrganizationType] {
        [OrganizationType.socialGroup, .privateNonEnterprise, .foundation].filter { bits & Self.bit($0) != 0 }
    }
}

// MARK: - Parts

/// A name split into its parts (NameRecord's components, RULES.md §3(a)), all normalized.
///
/// 字号 and 行(事)业领域 cannot be told apart mechanically (室内装饰: is 室内 a 字号?), so they are kept
/// together as `tradeNameAndField`: whatever lies between the division prefix and the form. The
/// similarity rules judge the field as the shared tail of that part (`NameMatchKind.sameField`).
public struct NameParts: Sendable, Hashable {
    /// The whole name, normalized.
    public var normalized: String
    /// 行政区划名称 (with 中国/全国/中华 when national), as written: "安阳市文峰区", "中国", "".
    public var division: String
    /// The division the name is placed in, for comparison: the last division segment, canonical
    /// (安阳 → 安阳市; 安阳市文峰区 → 文峰区); "" for a national name and for a name with no division.
    public var scope: String
    /// Begins with 中国 / 全国 / 中华.
    public var isNational: Bool
    /// 字号 + 行(事)业领域: between the division and the form.
    public var tradeNameAndField: String
    /// 组织形式, "" when the name ends in none of the configured forms.
    public var form: String
    /// The types whose forms include `form` (empty when there is none).
    public var formTypes: [OrganizationType]

    /// The name without its division: `tradeNameAndField` + `form`, what similarity compares.
    public var core: String { tradeNameAndField + form }
}

/// Splits names into parts with the bureau's division names and forms.
public struct NameParser: Sendable, Hashable {
    public let divisions: DivisionNames
    public let forms: OrganizationForms

    public init(divisions: DivisionNames = DivisionNames(), forms: OrganizationForms = .standard) {
        self.divisions = divisions
        self.forms = forms
    }

    /// The parts of `name` (see `NameParts`).
    public func parts(of name: String) -> NameParts {
        let split = self.split(NameNormalizer.scalars(name))
        let s = split.scalars
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(s[range].map { Unicode.Scalar($0)! })) }
        let formStart = s.count - split.formLength
        return NameParts(
            normalized: text(0..<s.count), division: text(0..<split.coreStart), scope: split.isNational ? "" : split.scope,
            isNational: split.isNational, tradeNameAndField: text(split.coreStart..<formStart), form: text(formStart..<s.count),
            formTypes: forms.types(ofFormFamilies: split.families))
    }

    struct Split {
        var scalars: [UInt32]
        var coreStart: Int
        var formLength: Int
        var families: UInt8
        var scope: String
        var isNational: Bool
    }

    func split(_ s: [UInt32]) -> Split {
        let prefix = divisions.prefix(of: s, from: 0)
        let form = forms.form(of: s, from: prefix.length)
        return Split(
            scalars: s, coreStart: prefix.length, formLength: form.length, families: form.families, scope: prefix.isNational ? "" : prefix.scope,
            isNational: prefix.isNational)
    }
}

// MARK: - Rules for a registration's name

/// The name rules a registration (成立登记) or a name change (变更登记) must meet, checked before the
/// similarity search. Every problem is field `field` ("name" by default):
/// - REQUIRED: empty or only spaces.
/// - TOO_LONG: more than `OrganizationRules.maxNameLength` (50) characters.
/// - BAD_CHARACTERS: a character other than a Chinese character (规范汉字, 令69号 §7; the Guangdong
///   rules "使用国家规范的汉字") or the brackets and middle dot in `allowedPunctuation`: no Latin letters,
///   pinyin or Arabic numerals, half- or full-width, and no spaces inside (leading and trailing ones
///   are ignored). Chinese numerals (一, 〇) are characters. A term in `permittedTerms` (an approved
///   foreign-script word) is allowed as a whole. 民族文字 (令69号 §7 ¶2) is a parallel name, not part of
///   this one.
/// - NATIONAL_PREFIX: a body not registered by 民政部 begins with 中国/全国/中华 (社团条例 §10, 民非条例
///   §8: "不得冠以"). Only the start counts: 冠以 puts a word before the name, and the words occur inside
///   real names (安阳市中国画研究会).
/// - NO_DIVISION: a local body's name does not begin with one of `registrarDivisionNames`, the names of
///   its registrar's division (令69号 §8: the name begins with 行政区划名称). Skipped when the list is
///   empty (no table configured). National bodies carry no division (令69号 §8 ¶3: "一般不冠以").
/// - NO_FORM: the name does not end in a form of its type (`OrganizationForms`): a 基金会 ends in 基金会.
/// - NO_FIELD: nothing between the division (or national prefix) and the form: 安阳市协会 names no
///   行(事)业领域 or 字号 (令69号 §8).
public enum NameRules {
    /// Brackets (for 异地商会 and branch names written with them) and the middle dot (ethnic names).
    public static let allowedPunctuation: Set<Character> = ["（", "）", "(", ")", "·"]

    public static func problems(
        name: String, type: OrganizationType, registrarLevel: RegistrarLevel, registrarDivisionNames: [String], forms: OrganizationForms = .standard,
        permittedTerms: [String] = [], field: String = "name"
    ) -> ValidationErrors {
        var errors = ValidationErrors()
        let trimmed = String(name.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !trimmed.isEmpty else {
            errors.add(field, "REQUIRED", "the name is required")
            return errors
        }
        if trimmed.count > OrganizationRules.maxNameLength {
            errors.add(field, "TOO_LONG", "a name has at most \(OrganizationRules.maxNameLength) characters, this one has \(trimmed.count)")
        }
        var checked = trimmed
        for term in permittedTerms where !term.isEmpty { checked = checked.replacingOccurrences(of: term, with: "") }
        let bad = checked.unicodeScalars.filter { !isChineseCharacter($0) && !allowedPunctuation.contains(Character($0)) }
        if !bad.isEmpty {
            let shown = String(String.UnicodeScalarView(bad.prefix(5))).replacingOccurrences(of: " ", with: "␠")
            errors.add(field, "BAD_CHARACTERS", "a name is written in Chinese characters only; found \"\(shown)\"")
        }
        let normalized = NameNormalizer.scalars(trimmed)
        let national = DivisionNames.nationalPrefixes.first { normalized.starts(with: NameNormalizer.scalars($0)) }
        if !registrarLevel.isNational, let national {
            errors.add(field, "NATIONAL_PREFIX", "only a body registered by 民政部 may begin with \(national) (社团条例 §10, 民非条例 §8)")
        }
        var prefixLength = 0
        if registrarLevel.isNational {
            prefixLength = national.map { NameNormalizer.scalars($0).count } ?? 0
        } else if !registrarDivisionNames.isEmpty {
            let prefixes = registrarDivisionNames.map(NameNormalizer.scalars).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
            if let match = prefixes.first(where: { normalized.starts(with: $0) }) {
                prefixLength = match.count
            } else {
                errors.add(
                    field, "NO_DIVISION",
                    "a local body's name begins with its division: \(registrarDivisionNames.joined(separator: " or ")) (令69号 §8)")
            }
        }
        let allowed = forms.forms(for: type).map(NameNormalizer.scalars).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        if let form = allowed.first(where: { normalized.count - prefixLength >= $0.count && normalized.reversed().starts(with: $0.reversed()) }) {
            if normalized.count - prefixLength == form.count {
                errors.add(field, "NO_FIELD", "the name has no field or trade name (字号、行业领域) before its form (令69号 §8)")
            }
        } else {
            errors.add(
                field, "NO_FORM",
                "a \(type.chineseName)'s name ends in one of its forms: \(forms.forms(for: type).joined(separator: "、")) (令69号 §8)")
        }
        return errors
    }

    /// The refusals a registration's name meets from the similarity search (社团条例 §13(二): "在同一
    /// 行政区域内已有业务范围相同或者相似的社会团体"): `matches` from `NameIndex.query`, already limited
    /// to the bodies that count (registered, not deregistered). "name" NAME_TAKEN for an exact or
    /// same-core match, SIMILAR_NAME for one character off or the same field; each names the body.
    public static func conflicts<Tag: Hashable & Sendable>(_ matches: [NameMatch<Tag>], field: String = "name") -> ValidationErrors {
        var errors = ValidationErrors()
        for match in matches {
            switch match.kind {
            case .exact, .sameCore: errors.add(field, "NAME_TAKEN", "\(match.name) (\(match.id)) already has this name")
            case .oneCharacterOff, .sameField: errors.add(field, "SIMILAR_NAME", "the name is similar to \(match.name) (\(match.id))")
            }
        }
        return errors
    }

    /// CJK Unified Ideographs with extensions A to I, compatibility ideographs, and 〇.
    static func isChineseCharacter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3007, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x323AF: true
        default: false
        }
    }
}

// MARK: - Similarity

/// How a name in the index resembles the one asked about, strongest first (RULES.md §3(c)).
/// Names are compared only within the same place (`NameParts.scope`): 洛阳市书法协会 and 安阳市书法协会
/// are two bodies, not a mimic; national names and names without a division share one place, since a
/// name that claims no place claims the whole country.
public enum NameMatchKind: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// The same name after normalization (full-width, spaces, punctuation, case).
    case exact
    /// The same once the division is set aside: 中华书法协会 / 中国书法协会, 文峰区书法协会 / 安阳市文峰区书法协会.
    case sameCore = "same_core"
    /// One character substituted, inserted or deleted in the core (Levenshtein distance 1):
    /// 中国室内装修协会 / 中国室内装饰协会. A swap of two characters is distance 2 and not this.
    case oneCharacterOff = "one_character_off"
    /// The same field within the same family of forms (DEFAULT, a decision): one name's 字号 + 行业领域
    /// part ends with the other's, which has at least `minimumFieldLength` (2) characters, and the
    /// longer adds at most `maximumAddedTradeName` (4): 中国现代硬笔书法研究会 / 中国硬笔书法协会 (adds 现代,
    /// 研究会 and 协会 are both 社团 forms), or 安阳市书法研究会 / 安阳市书法协会 (adds nothing, another form).
    ///
    /// Two names with the same field and form and *different* 字号 (安阳市育才培训学校 / 安阳市博文培训学校)
    /// are not flagged: the 字号 is what 令69号 §8 gives 民非 and 基金会 to tell peers apart, so flagging
    /// them would flag every school of a county against every other. Only 字号 one character apart
    /// (育才 / 英才) are flagged, as `oneCharacterOff`.
    case sameField = "same_field"

    var rank: Int {
        switch self {
        case .exact: 0
        case .sameCore: 1
        case .oneCharacterOff: 2
        case .sameField: 3
        }
    }

    public static func < (a: NameMatchKind, b: NameMatchKind) -> Bool { a.rank < b.rank }
}

/// One name the index found for a query: the entry as added, and how it resembles the query.
public struct NameMatch<Tag: Hashable & Sendable>: Sendable, Hashable {
    public var kind: NameMatchKind
    public var id: String
    /// The name as added (not normalized).
    public var name: String
    public var tag: Tag

    public init(kind: NameMatchKind, id: String, name: String, tag: Tag) {
        self.kind = kind
        self.id = id
        self.name = name
        self.tag = tag
    }
}

/// The similarity index (名称比对库) over every registered and known-illegal name, for the legitimacy
/// check and the registration check. `Tag` is the caller's label for an entry (registered / illegal,
/// a status).
///
/// Built to answer against 1,000,000 names in well under a millisecond, without a scan:
/// - each name is keyed by hashes, within its place (`NameParts.scope`), of: its core and every
///   one-character deletion of it (SymSpell: two strings within Levenshtein distance 1 share such a
///   key); its 字号 + 领域 part; and that part less 1 to `maximumAddedTradeName` leading characters;
/// - a query computes the same keys, collects the entries that share one, and verifies each on the
///   stored normalized text, so a hash collision costs a comparison, never a wrong answer;
/// - postings are 32-bit key hash and 32-bit entry number packed in one `UInt64`, in one sorted array
///   searched by bisection (8 bytes a posting, 10 to 15 postings a name); recent additions wait in a
///   small hash table that is merged in when it reaches an eighth of the array, so adding stays
///   amortised O(log n).
///
/// Measured on 1,000,000 generated names (release build, one core): about 250 MB, 6 s to build in
/// bulk, 8 s one by one, and 0.05 ms a query at p99.
///
/// Removing marks the entry dead; its postings go at the next merge, its text stays until the
/// index is rebuilt. Results are sorted by kind, then normalized name, then id: deterministic.
public struct NameIndex<Tag: Hashable & Sendable>: Sendable {
    public let parser: NameParser
    /// The shortest field `sameField` compares (2 characters: 书法).
    public let minimumFieldLength: Int
    /// The longest 字号 `sameField` lets one name add to the other (4 characters).
    public let maximumAddedTradeName: Int

    private struct Entry: Sendable {
        var start: UInt32
        var length: UInt16
        var coreStart: UInt16
        var formLength: UInt16
        var families: UInt8
        var live: Bool
        var scope: UInt32
    }

    private var text: [UInt32] = []
    private var entries: [Entry] = []
    private var ids: [String] = []
    private var names: [String] = []
    private var tags: [Tag] = []
    private var entryOfID: [String: UInt32] = [:]
    private var scopes: [String: UInt32] = ["": 0]
    private var sorted: [UInt64] = []
    private var pendingHead: [UInt32: Int32] = [:]
    private var pendingEntry: [UInt32] = []
    private var pendingNext: [Int32] = []

    public init(parser: NameParser = NameParser(), minimumFieldLength: Int = 2, maximumAddedTradeName: Int = 4) {
        self.parser = parser
        self.minimumFieldLength = max(1, minimumFieldLength)
        self.maximumAddedTradeName = max(0, maximumAddedTradeName)
    }

    /// The live entries.
    public var count: Int { entryOfID.count }

    public func contains(id: String) -> Bool { entryOfID[id] != nil }

    /// Adds `name` under `id`, replacing what `id` had.
    public mutating func add(id: String, name: String, tag: Tag) {
        remove(id: id)
        for key in register(id: id, name: name, tag: tag) {
            let hash = UInt32(truncatingIfNeeded: key >> 32)
            pendingEntry.append(UInt32(truncatingIfNeeded: key))
            pendingNext.append(pendingHead[hash] ?? -1)
            pendingHead[hash] = Int32(pendingEntry.count - 1)
        }
        if pendingEntry.count >= max(1 << 16, sorted.count / 8) { merge([]) }
    }

    /// Adds many names at once with one sort (building from the register); a repeated id keeps
    /// its last name.
    public mutating func add<S: Sequence>(contentsOf newEntries: S) where S.Element == (id: String, name: String, tag: Tag) {
        var keys: [UInt64] = []
        for entry in newEntries {
            remove(id: entry.id)
            keys += register(id: entry.id, name: entry.name, tag: entry.tag)
        }
        merge(keys)
    }

    /// Removes `id`; false when it was not there.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        guard let entry = entryOfID.removeValue(forKey: id) else { return false }
        entries[Int(entry)].live = false
        return true
    }

    /// The parts of `name` as this index splits it.
    public func parts(of name: String) -> NameParts { parser.parts(of: name) }

    /// The entries resembling `name`, strongest first (`NameMatchKind`), at most `limit`, among
    /// those whose tag passes `including`.
    public func query(_ name: String, limit: Int = 20, including: (Tag) -> Bool = { _ in true }) -> [NameMatch<Tag>] {
        let split = parser.split(NameNormalizer.scalars(name))
        let s = split.scalars
        guard limit > 0, split.coreStart < s.count, let scope = scopes[split.scope] else { return [] }
        let seed = Self.seed(split.scope)
        let core = Array(s[split.coreStart...])
        var candidates: [UInt32] = []
        for key in Self.deletionKeys(core, seed: seed) { collect(key, into: &candidates) }
        let body = Array(s[split.coreStart..<(s.count - split.formLength)])
        if split.formLength > 0 && body.count >= minimumFieldLength {
            for removed in 0...min(maximumAddedTradeName, body.count - minimumFieldLength) {
                collect(Self.key(Self.bodyNamespace, seed, body[removed...]), into: &candidates)
            }
            collect(Self.key(Self.tailNamespace, seed, body[...]), into: &candidates)
        }
        candidates.sort()
        var found: [(kind: NameMatchKind, entry: Int)] = []
        var previous: UInt32?
        for candidate in candidates where candidate != previous {
            previous = candidate
            let entry = entries[Int(candidate)]
            guard entry.live, entry.scope == scope, including(tags[Int(candidate)]),
                let kind = compare(s, split, entry)
            else { continue }
            found.append((kind, Int(candidate)))
        }
        found.sort { a, b in
            if a.kind != b.kind { return a.kind < b.kind }
            let ta = normalizedText(a.entry)
            let tb = normalizedText(b.entry)
            if !ta.elementsEqual(tb) { return ta.lexicographicallyPrecedes(tb) }
            return ids[a.entry] < ids[b.entry]
        }
        return found.prefix(limit).map { NameMatch(kind: $0.kind, id: ids[$0.entry], name: names[$0.entry], tag: tags[$0.entry]) }
    }

    // MARK: Internals

    private func normalizedText(_ entry: Int) -> ArraySlice<UInt32> {
        let e = entries[entry]
        return text[Int(e.start)..<(Int(e.start) + Int(e.length))]
    }

    /// How entry `e` resembles the query, or nil.
    private func compare(_ s: [UInt32], _ q: NameParser.Split, _ e: Entry) -> NameMatchKind? {
        let full = text[Int(e.start)..<(Int(e.start) + Int(e.length))]
        if full.elementsEqual(s) { return .exact }
        let core = full[(full.startIndex + Int(e.coreStart))...]
        let queryCore = s[q.coreStart...]
        if core.elementsEqual(queryCore) { return .sameCore }
        if Self.withinOne(core, queryCore) { return .oneCharacterOff }
        guard e.formLength > 0, q.formLength > 0, e.families & q.families != 0 else { return nil }
        let body = core.dropLast(Int(e.formLength))
        let queryBody = queryCore.dropLast(q.formLength)
        let (short, long) = body.count <= queryBody.count ? (body, queryBody) : (queryBody, body)
        guard short.count >= minimumFieldLength, long.count - short.count <= maximumAddedTradeName,
            long.suffix(short.count).elementsEqual(short)
        else { return nil }
        return .sameField
    }

    /// Levenshtein distance ≤ 1 (the strings differ, so exactly 1).
    private static func withinOne(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Bool {
        let (x, y) = a.count <= b.count ? (Array(a), Array(b)) : (Array(b), Array(a))
        guard y.count - x.count <= 1 else { return false }
        var i = 0
        while i < x.count && x[i] == y[i] { i += 1 }
        if i == x.count { return true }
        if x.count == y.count { return x[(i + 1)...].elementsEqual(y[(i + 1)...]) }
        return x[i...].elementsEqual(y[(i + 1)...])
    }

    /// Stores the entry and returns its postings (key hash << 32 | entry number).
    private mutating func register(id: String, name: String, tag: Tag) -> [UInt64] {
        // Longer text is no name; the cap keeps lengths in 16 bits.
        let split = parser.split(Array(NameNormalizer.scalars(name).prefix(4096)))
        let s = split.scalars
        let number = UInt32(entries.count)
        let scope: UInt32
        if let known = scopes[split.scope] {
            scope = known
        } else {
            scope = UInt32(scopes.count)
            scopes[split.scope] = scope
        }
        entries.append(
            Entry(
                start: UInt32(text.count), length: UInt16(s.count), coreStart: UInt16(split.coreStart),
                formLength: UInt16(split.formLength), families: split.families, live: true, scope: scope))
        text += s
        ids.append(id)
        names.append(name)
        tags.append(tag)
        entryOfID[id] = number
        guard split.coreStart < s.count else { return [] }
        let seed = Self.seed(split.scope)
        var keys = Self.deletionKeys(Array(s[split.coreStart...]), seed: seed)
        let body = s[split.coreStart..<(s.count - split.formLength)]
        if split.formLength > 0 && body.count >= minimumFieldLength {
            keys.append(Self.key(Self.bodyNamespace, seed, body))
            if maximumAddedTradeName > 0 {
                for removed in 1...maximumAddedTradeName where body.count - removed >= minimumFieldLength {
                    keys.append(Self.key(Self.tailNamespace, seed, body.dropFirst(removed)))
                }
            }
        }
        return keys.map { UInt64($0) << 32 | UInt64(number) }
    }

    /// Merges the pending postings and `more` into the sorted array, dropping dead entries'.
    private mutating func merge(_ more: [UInt64]) {
        var added = more
        added.reserveCapacity(more.count + pendingEntry.count)
        for (hash, head) in pendingHead {
            var p = head
            while p >= 0 {
                added.append(UInt64(hash) << 32 | UInt64(pendingEntry[Int(p)]))
                p = pendingNext[Int(p)]
            }
        }
        added.sort()
        var merged: [UInt64] = []
        merged.reserveCapacity(sorted.count + added.count)
        entries.withUnsafeBufferPointer { entries in
            sorted.withUnsafeBufferPointer { old in
                var i = 0
                var j = 0
                while i < old.count || j < added.count {
                    let next: UInt64
                    if j >= added.count || (i < old.count && old[i] <= added[j]) {
                        next = old[i]
                        i += 1
                    } else {
                        next = added[j]
                        j += 1
                    }
                    if entries[Int(UInt32(truncatingIfNeeded: next))].live { merged.append(next) }
                }
            }
        }
        sorted = merged
        pendingHead = [:]
        pendingEntry = []
        pendingNext = []
    }

    /// Appends the entries posted under `key` (sorted array and pending table).
    private func collect(_ key: UInt32, into out: inout [UInt32]) {
        let low = UInt64(key) << 32
        var lo = 0
        var hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < low { lo = mid + 1 } else { hi = mid }
        }
        while lo < sorted.count && sorted[lo] >> 32 == UInt64(key) {
            out.append(UInt32(truncatingIfNeeded: sorted[lo]))
            lo += 1
        }
        var p = pendingHead[key] ?? -1
        while p >= 0 {
            out.append(pendingEntry[Int(p)])
            p = pendingNext[Int(p)]
        }
    }

    // MARK: Keys

    private static var coreNamespace: UInt64 { 1 }
    private static var bodyNamespace: UInt64 { 2 }
    private static var tailNamespace: UInt64 { 3 }

    /// FNV-1a over the scope's scalars: keys are per place.
    private static func seed(_ scope: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for scalar in scope.unicodeScalars { h = (h ^ UInt64(scalar.value)) &* 0x100_0000_01B3 }
        return h
    }

    private static func finish(_ value: UInt64) -> UInt32 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt32(truncatingIfNeeded: (z ^ (z >> 31)) >> 32)
    }

    private static func key<C: Collection>(_ namespace: UInt64, _ seed: UInt64, _ scalars: C) -> UInt32 where C.Element == UInt32 {
        var h = (seed ^ namespace) &* 0x100_0000_01B3
        for v in scalars { h = (h ^ UInt64(v)) &* 0x100_0000_01B3 }
        return finish(h ^ UInt64(scalars.count) << 40)
    }

    /// The core's key and the key of each distinct one-character deletion.
    private static func deletionKeys(_ core: [UInt32], seed: UInt64) -> [UInt32] {
        var keys = [key(coreNamespace, seed, core)]
        keys.reserveCapacity(core.count + 1)
        for i in core.indices where i == 0 || core[i] != core[i - 1] {
            var h = (seed ^ coreNamespace) &* 0x100_0000_01B3
            for (j, v) in core.enumerated() where j != i { h = (h ^ UInt64(v)) &* 0x100_0000_01B3 }
            keys.append(finish(h ^ UInt64(core.count - 1) << 40))
        }
        return keys
    }
}

// MARK: - The bureau's division names

/// The names of the divisions the bureau knows, by code (行政区划名称: 410000 河南省, 410500 安阳市,
/// 410502 文峰区), read from configuration: they let the name rules check that a local body's name
/// begins with its registrar's division (令69号 §8) and teach the similarity search those names.
public struct DivisionNameTable: Sendable, Hashable {
    public let names: [DivisionCode: String]

    public init(_ names: [DivisionCode: String] = [:]) {
        self.names = names
    }

    /// The ways a name may begin for a registrar of `division`: its own name, with its parents'
    /// before it (文峰区, 安阳市文峰区, 河南省安阳市文峰区). Empty when the table lacks the division's
    /// own name: the check is skipped then rather than refuse every name.
    public func prefixes(for division: DivisionCode) -> [String] {
        guard let own = names[division] else { return [] }
        let text = division.description
        var parents: [String] = []
        switch division.level {
        case .county:
            parents = [String(text.prefix(4)) + "00", String(text.prefix(2)) + "0000"]
        case .prefecture:
            parents = [String(text.prefix(2)) + "0000"]
        case .province:
            parents = []
        }
        var prefixes = [own]
        var prefix = own
        for code in parents {
            guard let parent = (try? DivisionCode(code)).flatMap({ names[$0] }) else { break }
            prefix = parent + prefix
            prefixes.append(prefix)
        }
        return prefixes
    }

    /// A table read from JSON (an object of 6-digit codes to names) and checked: every problem at
    /// once — "divisions" `EMPTY`; "divisions.<code>" `BAD_CODE` (not a division code), `REQUIRED` (an
    /// empty name); or INVALID "configuration" `UNREADABLE` for JSON that is not such an object.
    public static func load(json data: Data) throws -> DivisionNameTable {
        let raw = try ConfigurationFile.load([String: String].self, json: data, what: "division names") { _ in ValidationErrors() }
        var errors = ValidationErrors()
        if raw.isEmpty { errors.add("divisions", "EMPTY", "name at least one division") }
        var names: [DivisionCode: String] = [:]
        for (code, name) in raw.sorted(by: { $0.key < $1.key }) {
            guard code.count == 6, let division = try? DivisionCode(code) else {
                errors.add("divisions.\(code)", "BAD_CODE", "\(code) is not a 6-digit division code")
                continue
            }
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { errors.add("divisions.\(code)", "REQUIRED", "division \(code) has no name") }
            names[division] = trimmed
        }
        try errors.check()
        return DivisionNameTable(names)
    }

    /// The names for the similarity search's `DivisionNames`.
    public var allNames: [String] { names.values.sorted() }
}
