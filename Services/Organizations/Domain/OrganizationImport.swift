import CivicDomain

/// One organization read from an import file, with the line it came from and its legal
/// representative's ID number, which the register keeps apart from the record (never inside
/// `Organization`).
public struct ImportedOrganization: Sendable, Hashable {
    public let line: Int
    public let organization: Organization
    /// The legal representative's resident ID number, validated and normalised (a lower-case x
    /// upper-cased); nil when the cell is empty.
    public let legalRepresentativeID: String?

    public init(line: Int, organization: Organization, legalRepresentativeID: String?) {
        self.line = line
        self.organization = organization
        self.legalRepresentativeID = legalRepresentativeID
    }
}

/// Bulk import of the register of social organizations (社会组织名册) from CSV: all or nothing,
/// every problem by line. Parsing and checking only; the store enters all of them in one
/// transaction or none (`OrganizationsStore.importOrganizations`). Shaped like eldercare's
/// `InstitutionImport`.
///
/// **The file.** RFC 4180 CSV as `CSV.parse` reads it (UTF-8, a byte-order mark skipped, CRLF or
/// LF, quoted fields; a line number is the line a record starts on, the header being line 1). The
/// header names the columns in any order, trimmed and compared case-insensitively. Cells are
/// trimmed (full-width spaces too). A row whose cells are all empty is skipped; a row with more or
/// fewer cells than the header is refused whole (`COLUMNS`). One body per row, each checked as
/// registration checks it (`OrganizationRules.problems`, ORGANIZATIONS.md §3), each problem put on
/// its row and column.
///
/// Columns (required ones marked *):
/// - `name`*, `credit_code`* (统一社会信用代码, compared and kept upper-cased; the same code twice in
///   the file is `DUPLICATE` on the later row, naming the first; a code in `registered` is
///   `ALREADY_REGISTERED`), `old_registration_number`;
/// - `type`*: `social_group` / `private_non_enterprise` / `foundation` or 社会团体 (社团) /
///   民办非企业单位 (民非, 社会服务机构) / 基金会;
/// - `trade_association`, `directly_registrable`, `party_organization`: yes/no — 是/否, true/false,
///   yes/no or 1/0 (empty = no);
/// - `foundation_kind`: `public_fundraising` / `non_public_fundraising` or 公募 / 非公募;
/// - `sponsor`, `domicile`, `purpose`, `business_scope`, `activity_area`, `legal_representative`: text;
/// - `registrar_level`*: `national` / `provincial` / `prefecture` / `county` or 全国 / 省级 / 市级 / 县级;
/// - `registrar_division`*, `division`*: 6-digit division codes;
/// - `legal_representative_id`: a resident ID number, validated (`BAD_CHECK_DIGIT`…) and returned
///   apart; the same number representing two 社团 of the file that exist in law (preparing,
///   registered or suspended — as the store checks against the register) is `REPRESENTS_ANOTHER`
///   on the later row, naming the first;
/// - `funds`: yuan with at most 2 decimals (`30000`, `30000.00`; empty = 0);
/// - `individual_members`, `unit_members`: whole numbers (empty = 0);
/// - `registered_on`* (the column; the cell may be empty for a preparing body): YYYY-MM-DD;
/// - `status`: `registered` (empty) / `preparing` / `activities_suspended` / `revoked` /
///   `deregistered` or 正常 / 筹备中 / 限期停止活动 / 撤销 (撤销登记) / 注销 (注销登记).
///
/// An imported body's history is one `StatusChange` from nil to its status, on its registration
/// date (today for a preparing body without one), with the reason "imported".
///
/// An unreadable value is `INVALID` (numbers, amounts, dates, yes/no) or `UNKNOWN` (the named
/// lists); an empty required cell is `REQUIRED`. A cell that could not be read is not checked
/// again by the register's rules, nor is a rule that compares it with another cell (one problem
/// per cell). The file as a whole: "content" `EMPTY` (nothing, or a header and no rows),
/// `TOO_MANY` (more than `limit` rows, alone); "line N" `UNCLOSED_QUOTE`, alone; header problems
/// on "line 1" (`UNKNOWN_COLUMN`, `DUPLICATE_COLUMN`, `MISSING_COLUMN`) stop the reading there.
/// The field of a problem is "line 7: funds" and its description starts "line 7: ".
///
/// Not checked here: that each registrar lies within the caller's division (the handler's, with
/// each body's `line`), and the representatives against the register (the store's).
public enum OrganizationImport {
    /// The most data rows one file may hold.
    public static let maxRows = 10_000

    public static let columns = [
        "name", "credit_code", "old_registration_number", "type", "trade_association", "foundation_kind", "sponsor", "directly_registrable",
        "registrar_level", "registrar_division", "domicile", "division", "purpose", "business_scope", "activity_area", "legal_representative",
        "legal_representative_id", "funds", "individual_members", "unit_members", "party_organization", "registered_on", "status",
    ]

    public static let requiredColumns = ["name", "credit_code", "type", "registrar_level", "registrar_division", "division", "registered_on"]

    /// The bodies of `csv`; throws `ValidationErrors` listing every problem by line when there is
    /// any, and then nothing is imported. `registered` holds the credit codes already on the
    /// register (any case); `legacyCreditCodes` the codes that pass with a wrong check character.
    public static func parse(
        _ csv: String, today: CivilDate, registered: Set<String> = [], legacyCreditCodes: Set<String> = [], limit: Int = maxRows
    ) throws -> [ImportedOrganization] {
        let (organizations, problems) = read(csv, today: today, registered: registered, legacyCreditCodes: legacyCreditCodes, limit: limit)
        try problems.check()
        return organizations
    }

    /// The problems `parse` would throw, empty for a file that imports (a dry run).
    public static func problems(
        _ csv: String, today: CivilDate, registered: Set<String> = [], legacyCreditCodes: Set<String> = [], limit: Int = maxRows
    ) -> ValidationErrors {
        read(csv, today: today, registered: registered, legacyCreditCodes: legacyCreditCodes, limit: limit).problems
    }

    // MARK: - Reading

    /// Problems with their line, sorted by line at the end (in the order found within a line).
    private struct Problems {
        var items: [(line: Int, problem: FieldProblem)] = []

        mutating func add(_ line: Int, _ column: String, _ reason: String, _ description: String) {
            let field = column.isEmpty ? "line \(line)" : "line \(line): \(column)"
            items.append((line, FieldProblem(field: field, reason: reason, description: "line \(line): \(description)")))
        }

        var isEmpty: Bool { items.isEmpty }

        var sorted: ValidationErrors {
            var errors = ValidationErrors()
            for (_, item) in items.enumerated().sorted(by: { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }) { errors.add(item.problem) }
            return errors
        }
    }

    /// The register's field names that are not the file's column names.
    private static let columnOfField = ["is_trade_association": "trade_association"]

    /// The register's checks that compare a column with others: dropped when one of those was at
    /// fault (its value here is a placeholder). Keyed by "column REASON", or by the column for all
    /// its reasons.
    private static let dependsOn: [String: [String]] = [
        "credit_code TYPE_MISMATCH": ["type"],
        "trade_association": ["type"],
        "foundation_kind": ["type"],
        "sponsor REQUIRED": ["directly_registrable"],
        "sponsor NOT_EMPTY": ["directly_registrable"],
        "division NOT_A_COUNTY": ["registrar_level"],
        "registered_on": ["status"],
    ]

    private static let placeholderDivision = try! DivisionCode("110101")

    static func read(
        _ csv: String, today: CivilDate, registered: Set<String>, legacyCreditCodes: Set<String>, limit: Int
    ) -> (organizations: [ImportedOrganization], problems: ValidationErrors) {
        let header: CSV.Row
        let dataRows: [CSV.Row]
        switch CSV.importTable(csv, limit: limit, rows: "organizations") {
        case .success(let table): (header, dataRows) = table
        case .failure(let problems): return ([], problems)
        }

        var problems = Problems()
        var position: [String: Int] = [:]
        for (i, raw) in header.fields.enumerated() {
            let name = trim(raw).lowercased()
            if !columns.contains(name) {
                problems.add(1, "", "UNKNOWN_COLUMN", "unknown column \"\(name)\"; known: \(columns.joined(separator: ", "))")
            } else if position[name] != nil {
                problems.add(1, "", "DUPLICATE_COLUMN", "the column \"\(name)\" is in the header twice")
            } else {
                position[name] = i
            }
        }
        for name in requiredColumns where position[name] == nil { problems.add(1, "", "MISSING_COLUMN", "the header lacks the column \"\(name)\"") }
        if !problems.isEmpty { return ([], problems.sorted) }
        if dataRows.isEmpty {
            var errors = ValidationErrors()
            errors.add("content", "EMPTY", "the file has a header and no organizations")
            return ([], errors)
        }

        var organizations: [ImportedOrganization] = []
        var firstLineOfCode: [String: Int] = [:]
        var firstLineOfRepresentative: [String: Int] = [:]
        let registeredUpper = Set(registered.map { $0.uppercased() })
        for row in dataRows {
            let line = row.line
            guard row.fields.count == header.fields.count else {
                problems.add(line, "", "COLUMNS", "the row has \(row.fields.count) cells, the header \(header.fields.count)")
                continue
            }
            let value: (String) -> String = { column in position[column].map { trim(row.fields[$0]) } ?? "" }
            var bad: Set<String> = []
            func problem(_ column: String, _ reason: String, _ description: String) {
                bad.insert(column)
                problems.add(line, column, reason, description)
            }
            func required(_ column: String) -> String? {
                let text = value(column)
                if text.isEmpty { problem(column, "REQUIRED", "\(column) is required") }
                return text.isEmpty ? nil : text
            }
            func date(_ column: String) -> CivilDate? {
                let text = value(column)
                guard !text.isEmpty else { return nil }
                guard let day = CivilDate(text) else {
                    problem(column, "INVALID", "\(column) \"\(text)\" is not a date YYYY-MM-DD")
                    return nil
                }
                return day
            }
            func number(_ column: String) -> Int? {
                let text = value(column)
                guard !text.isEmpty else { return nil }
                let digits = text.hasPrefix("-") ? text.dropFirst() : text[...]
                guard (1...7).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                    let n = Int(text)
                else {
                    problem(column, "INVALID", "\(column) \"\(text)\" is not a whole number")
                    return nil
                }
                return n
            }
            func flag(_ column: String) -> Bool {
                let text = value(column)
                guard !text.isEmpty else { return false }
                guard let read = flags[text.lowercased()] else {
                    problem(column, "INVALID", "\(column) \"\(text)\" is not yes or no (是/否, true/false, 1/0)")
                    return false
                }
                return read
            }
            func named<T>(_ column: String, _ table: [String: T], required: Bool) -> T? {
                let text = value(column)
                if text.isEmpty {
                    if required { problem(column, "REQUIRED", "\(column) is required") }
                    return nil
                }
                guard let read = table[text.lowercased()] else {
                    let known = Set(table.keys.filter { $0.allSatisfy(\.isASCII) }).sorted().joined(separator: ", ")
                    problem(column, "UNKNOWN", "\(column) \"\(text)\" is not one of \(known)")
                    return nil
                }
                return read
            }
            func divisionCode(_ column: String) -> DivisionCode? {
                guard let text = required(column) else { return nil }
                var errors = ValidationErrors()
                let code = DivisionCode.validate(text, field: column, into: &errors)
                for detail in errors.details { problem(column, detail.reason, "\(column): \(detail.description)") }
                return code
            }

            let name = required("name") ?? ""
            let creditCode = (required("credit_code") ?? "").uppercased()
            let type = named("type", types, required: true)
            let tradeAssociation = flag("trade_association")
            let foundationKind = named("foundation_kind", foundationKinds, required: false)
            let directlyRegistrable = flag("directly_registrable")
            let registrarLevel = named("registrar_level", registrarLevels, required: true)
            let registrarDivision = divisionCode("registrar_division")
            let division = divisionCode("division")
            var representativeID: ResidentID?
            let idText = value("legal_representative_id")
            if !idText.isEmpty {
                var errors = ValidationErrors()
                representativeID = ResidentID.validate(idText, field: "legal_representative_id", into: &errors)
                for detail in errors.details { problem("legal_representative_id", detail.reason, "legal_representative_id: \(detail.description)") }
            }
            var funds = Fen.zero
            let fundsText = value("funds")
            if !fundsText.isEmpty {
                if let read = Fen(yuanText: fundsText) {
                    funds = read
                } else {
                    problem("funds", "INVALID", "funds \"\(fundsText)\" is not an amount in yuan with at most 2 decimals (30000 or 30000.00)")
                }
            }
            let individualMembers = number("individual_members") ?? 0
            let unitMembers = number("unit_members") ?? 0
            let partyOrganization = flag("party_organization")
            let registeredOn = date("registered_on")
            let status: OrganizationStatus? = value("status").isEmpty ? .registered : named("status", statuses, required: false)

            // The file-wide checks: credit codes, and one person representing one 社团.
            if !creditCode.isEmpty {
                if let first = firstLineOfCode[creditCode] {
                    problem("credit_code", "DUPLICATE", "the same credit code is on line \(first)")
                } else {
                    firstLineOfCode[creditCode] = line
                    if registeredUpper.contains(creditCode) {
                        problem("credit_code", "ALREADY_REGISTERED", "an organization with this credit code is on the register already")
                    }
                }
            }
            if let representativeID, type == .socialGroup, let status, status != .revoked, status != .deregistered {
                let key = representativeID.description
                if let first = firstLineOfRepresentative[key] {
                    problem(
                        "legal_representative_id", "REPRESENTS_ANOTHER",
                        "the legal representative already represents the 社会团体 on line \(first): one person, one 社团")
                } else {
                    firstLineOfRepresentative[key] = line
                }
            }

            let organization = Organization(
                creditCode: creditCode, oldRegistrationNumber: value("old_registration_number"), name: name, type: type ?? .socialGroup,
                isTradeAssociation: tradeAssociation, foundationKind: foundationKind, sponsor: value("sponsor"), directlyRegistrable: directlyRegistrable,
                registrarLevel: registrarLevel ?? .county, registrarDivision: registrarDivision ?? placeholderDivision, domicile: value("domicile"),
                division: division ?? placeholderDivision, purpose: value("purpose"), businessScope: value("business_scope"),
                activityArea: value("activity_area"), legalRepresentative: value("legal_representative"), funds: funds,
                individualMembers: individualMembers, unitMembers: unitMembers, hasPartyOrganization: partyOrganization, registeredOn: registeredOn,
                status: status ?? .registered,
                history: [StatusChange(from: nil, to: status ?? .registered, on: registeredOn ?? today, reason: "imported")])
            // The register's own checks, on the cells that were read; a cell already at fault is
            // not told again, and a check comparing it with another cell is dropped.
            let registerProblems = OrganizationRules.problems(organization, today: today, legacyCreditCodes: legacyCreditCodes)
            for detail in registerProblems.details {
                let column = columnOfField[detail.field] ?? detail.field
                let others = (dependsOn[column] ?? []) + (dependsOn["\(column) \(detail.reason)"] ?? [])
                if bad.contains(column) || others.contains(where: bad.contains) { continue }
                problems.add(line, column, detail.reason, "\(column): \(detail.description)")
            }
            if bad.isEmpty && registerProblems.isEmpty {
                organizations.append(ImportedOrganization(line: line, organization: organization, legalRepresentativeID: representativeID?.description))
            }
        }
        if !problems.isEmpty { return ([], problems.sorted) }
        return (organizations, ValidationErrors())
    }

    // MARK: - Cells

    /// Without leading and trailing white space (full-width spaces too).
    private static func trim(_ text: String) -> String {
        guard let start = text.firstIndex(where: { !$0.isWhitespace }), let end = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(text[start...end])
    }

    private static let flags: [String: Bool] = ["是": true, "yes": true, "true": true, "1": true, "否": false, "no": false, "false": false, "0": false]

    private static func table<T: RawRepresentable>(_ cases: [T], _ chinese: [(T, [String])]) -> [String: T] where T.RawValue == String {
        var table: [String: T] = [:]
        for value in cases { table[value.rawValue] = value }
        for (value, names) in chinese { for name in names { table[name] = value } }
        return table
    }

    private static let types = table(
        OrganizationType.allCases,
        [(.socialGroup, ["社会团体", "社团"]), (.privateNonEnterprise, ["民办非企业单位", "民非", "社会服务机构"]), (.foundation, ["基金会"])])
    private static let foundationKinds = table(
        FoundationKind.allCases, [(.publicFundraising, ["公募", "公募基金会"]), (.nonPublicFundraising, ["非公募", "非公募基金会"])])
    private static let registrarLevels = table(
        RegistrarLevel.allCases, [(.national, ["全国", "全国性"]), (.provincial, ["省级"]), (.prefecture, ["市级", "地市级"]), (.county, ["县级"])])
    private static let statuses = table(
        OrganizationStatus.allCases,
        [
            (.registered, ["正常", "已登记"]), (.preparing, ["筹备中"]), (.activitiesSuspended, ["限期停止活动"]), (.revoked, ["撤销", "撤销登记"]),
            (.deregistered, ["注销", "注销登记"]),
        ])
}
