import CivicDomain

/// The levels below the county that eldercare counts coverage over (乡级 and 村级 of the
/// statistical division codes, 统计用区划代码). Case order is stored: append only.
public enum DivisionLevel: String, Sendable, Hashable, CaseIterable, Codable {
    /// 街道 (乡级, urban).
    case street
    /// 乡镇: 乡 and 镇 (乡级, rural).
    case township
    /// 社区 (居委会, 村级, urban).
    case community
    /// 行政村 (村委会, 村级, rural): what a 农村互助养老点 covers. RULES.md names communities, streets and
    /// townships; villages are added so rural points have a denominator too.
    case village

    /// 乡级: a street or a township (9-digit code, parent a county).
    public var isTownshipLevel: Bool { self == .street || self == .township }

    /// The Chinese name as reports print it.
    public var chineseName: String {
        switch self {
        case .street: "街道"
        case .township: "乡镇"
        case .community: "社区"
        case .village: "行政村"
        }
    }
}

/// A statistical division code below the county (统计用区划代码, 国家统计局): the county's 6 digits, then
/// 3 for the street or township (9 digits, 乡级), then 3 for the community or village (12 digits, 村级).
///
/// A 12-digit code ending in "000" names the street or township itself (the statistics tables write
/// 乡级 codes that way) and is read as its 9 digits, so both spellings compare equal.
public struct LocalDivisionCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    private let text: String

    /// 9 or 12 ASCII digits.
    public var description: String { text }

    /// Throws `DomainError.invalid` (field "") with reason "BAD_LENGTH", "BAD_CHARACTERS" or
    /// "UNKNOWN_PROVINCE". Nothing is trimmed.
    public init(_ text: String) throws {
        switch LocalDivisionCode.parse(text) {
        case .success(let code): self = code
        case .failure(let problem): throw DomainError.invalid(problem.description, field: "", reason: problem.reason)
        }
    }

    private init(checked: String) { text = checked }

    /// The collecting form for validators: records the problem under `field` and returns nil.
    public static func validate(_ text: String, field: String, into errors: inout ValidationErrors) -> LocalDivisionCode? {
        switch parse(text) {
        case .success(let code): return code
        case .failure(let problem):
            errors.add(field, problem.reason, problem.description)
            return nil
        }
    }

    /// 乡级 (9 digits: a street or township) rather than 村级 (12 digits).
    public var isTownshipLevel: Bool { text.utf8.count == 9 }

    /// The county the code lies in (its first 6 digits).
    public var county: DivisionCode { try! DivisionCode(String(text.prefix(6))) }

    /// The street or township the code lies in (its first 9 digits; itself for a 乡级 code).
    public var township: LocalDivisionCode { LocalDivisionCode(checked: String(text.prefix(9))) }

    public static func < (a: LocalDivisionCode, b: LocalDivisionCode) -> Bool { a.text < b.text }

    struct Problem: Error {
        let reason: String
        let description: String
    }

    static func parse(_ input: String) -> Result<LocalDivisionCode, Problem> {
        let bytes = Array(input.utf8)
        guard input.count == 9 || input.count == 12 else {
            return .failure(Problem(reason: "BAD_LENGTH", description: "a code below the county has 9 digits (街道/乡镇) or 12 (社区/村), not \(input.count)"))
        }
        guard bytes.count == input.count, bytes.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return .failure(Problem(reason: "BAD_CHARACTERS", description: "a division code is ASCII digits"))
        }
        guard DivisionCode.provinceCodes.contains(String(input.prefix(2))) else {
            return .failure(Problem(reason: "UNKNOWN_PROVINCE", description: "division code \(input) does not start with a province code (11 to 82)"))
        }
        if bytes.count == 12 && input.hasSuffix("000") { return .success(LocalDivisionCode(checked: String(input.prefix(9)))) }
        return .success(LocalDivisionCode(checked: input))
    }
}

/// Encoded as its digits; decoding checks them again.
extension LocalDivisionCode: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One row of a divisions file as given, before checking: texts as typed.
public struct DivisionRecord: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var level: DivisionLevel
    /// A street's or township's county (6 digits); a community's or village's street or township (9 digits).
    public var parent: String

    public init(code: String, name: String, level: DivisionLevel, parent: String) {
        self.code = code
        self.name = name
        self.level = level
        self.parent = parent
    }
}

/// One checked division of the table.
public struct Division: Sendable, Hashable, Codable {
    public let code: LocalDivisionCode
    public let name: String
    public let level: DivisionLevel
    /// The county the division lies in.
    public let county: DivisionCode
    /// The street or township of a community or village; nil for a street or township (its parent is `county`).
    public let parent: LocalDivisionCode?
}

/// The loaded table of streets, townships, communities and villages (区划表): the denominators of
/// the coverage report (RULES.md §2(c): coverage = facilities ÷ units). Loaded whole and checked
/// whole; every problem is reported at once:
/// - "divisions" `EMPTY`;
/// - "divisions[i].code" `BAD_LENGTH` / `BAD_CHARACTERS` / `UNKNOWN_PROVINCE`; `LEVEL_MISMATCH` (a street or
///   township needs a 9-digit code, a community or village 12 digits); `DUPLICATE` (a code given twice: the
///   later row, naming the first); `NOT_UNDER_PARENT` (the code does not start with its parent's);
/// - "divisions[i].name" `REQUIRED`;
/// - "divisions[i].parent" `REQUIRED`; for a street or township a 6-digit county code (`BAD_LENGTH` … as
///   `DivisionCode`; `LEVEL_MISMATCH` for a province or prefecture code, or any code that is not 6 digits);
///   for a community or village the code of a street or township in the table (`UNKNOWN_PARENT` when
///   absent, `LEVEL_MISMATCH` when the row it names is a community or village).
///
/// Decision (RULES.md is silent): a community may lie in a street or a township (镇 have 社区), and so may a
/// village (some 街道 still have 村). Rows may come in any order: a parent may follow its children.
public struct DivisionTable: Sendable {
    /// The divisions in the order given.
    public let divisions: [Division]
    private let index: [LocalDivisionCode: Int]

    /// Checks `records` and builds the table; throws `ValidationErrors` listing every problem.
    public init(_ records: [DivisionRecord]) throws {
        let (divisions, errors) = DivisionTable.read(records)
        try errors.check()
        self.divisions = divisions
        var index: [LocalDivisionCode: Int] = [:]
        for (i, division) in divisions.enumerated() { index[division.code] = i }
        self.index = index
    }

    /// The problems `init` would throw (a dry run).
    public static func problems(_ records: [DivisionRecord]) -> ValidationErrors { read(records).errors }

    /// The division with `code`, if loaded.
    public func division(_ code: LocalDivisionCode) -> Division? { index[code].map { divisions[$0] } }

    public func contains(_ code: LocalDivisionCode) -> Bool { index[code] != nil }

    /// The divisions of `level` within `scope` (a county, prefecture or province; nil for all).
    public func divisions(_ level: DivisionLevel, in scope: DivisionCode? = nil) -> [Division] {
        divisions.filter { $0.level == level && (scope?.contains($0.county) ?? true) }
    }

    /// The communities and villages of a street or township.
    public func children(of code: LocalDivisionCode) -> [Division] { divisions.filter { $0.parent == code } }

    static func read(_ records: [DivisionRecord]) -> (divisions: [Division], errors: ValidationErrors) {
        var errors = ValidationErrors()
        if records.isEmpty {
            errors.add("divisions", "EMPTY", "the divisions table has no rows")
            return ([], errors)
        }
        // First pass: each row's own code, so a parent may come after its children.
        var codes: [LocalDivisionCode?] = []
        var first: [LocalDivisionCode: Int] = [:]
        for (i, record) in records.enumerated() {
            let field = "divisions[\(i)]"
            var code = LocalDivisionCode.validate(record.code, field: "\(field).code", into: &errors)
            if let c = code, c.isTownshipLevel != record.level.isTownshipLevel {
                let digits = record.level.isTownshipLevel ? 9 : 12
                errors.add("\(field).code", "LEVEL_MISMATCH", "a \(record.level.rawValue) (\(record.level.chineseName)) has a \(digits)-digit code, not \(c)")
                code = nil
            }
            if let c = code {
                if let earlier = first[c] {
                    errors.add("\(field).code", "DUPLICATE", "the code \(c) is divisions[\(earlier)] already")
                    code = nil
                } else {
                    first[c] = i
                }
            }
            if record.name.allSatisfy(\.isWhitespace) { errors.add("\(field).name", "REQUIRED", "a division needs its name") }
            codes.append(code)
        }
        var divisions: [Division] = []
        for (i, record) in records.enumerated() {
            let field = "divisions[\(i)].parent"
            let code = codes[i]
            if record.parent.isEmpty {
                errors.add(field, "REQUIRED", "a division needs its parent (the county of a street or township, the street or township of a community)")
                continue
            }
            if record.level.isTownshipLevel {
                if record.parent.count == 9 || record.parent.count == 12 {
                    errors.add(field, "LEVEL_MISMATCH", "a \(record.level.rawValue)'s parent is a county (6 digits), not \(record.parent)")
                    continue
                }
                guard let county = DivisionCode.validate(record.parent, field: field, into: &errors) else { continue }
                guard county.level == .county else {
                    errors.add(field, "LEVEL_MISMATCH", "a \(record.level.rawValue)'s parent is a county, not the \(county.level.rawValue) \(county)")
                    continue
                }
                guard let code else { continue }
                guard code.county == county else {
                    errors.add("divisions[\(i)].code", "NOT_UNDER_PARENT", "the code \(code) does not start with its county's \(county)")
                    continue
                }
                divisions.append(Division(code: code, name: record.name, level: record.level, county: county, parent: nil))
            } else {
                guard let parent = LocalDivisionCode.validate(record.parent, field: field, into: &errors) else { continue }
                guard let parentIndex = first[parent] else {
                    errors.add(field, "UNKNOWN_PARENT", "no street or township \(parent) in the table")
                    continue
                }
                let parentLevel = records[parentIndex].level
                guard parentLevel.isTownshipLevel else {
                    errors.add(
                        field, "LEVEL_MISMATCH", "a \(record.level.rawValue)'s parent is a street or township, not the \(parentLevel.rawValue) \(parent)")
                    continue
                }
                guard let code else { continue }
                guard code.township == parent else {
                    errors.add("divisions[\(i)].code", "NOT_UNDER_PARENT", "the code \(code) does not start with its parent's \(parent)")
                    continue
                }
                divisions.append(Division(code: code, name: record.name, level: record.level, county: code.county, parent: parent))
            }
        }
        return (divisions, errors)
    }
}
