import CivicDomain

/// One institution read from an import file, with the line it came from.
public struct ImportedInstitution: Sendable, Hashable {
    public let line: Int
    public let institution: Institution

    public init(line: Int, institution: Institution) {
        self.line = line
        self.institution = institution
    }
}

/// Bulk import of institutions (养老机构名册) from CSV: all or nothing, every problem by line. Parsing and
/// checking only; the store registers all of them in one transaction or none. Shaped like the assistance
/// service's `HouseholdImport`.
///
/// **The file.** RFC 4180 CSV as `CSV.parse` reads it (UTF-8, a byte-order mark skipped, CRLF or LF, quoted
/// fields; a line number is the line a record starts on, the header being line 1). The header names the
/// columns in any order, trimmed and compared case-insensitively. Cells are trimmed (full-width spaces too).
/// A row whose cells are all empty is skipped; a row with more or fewer cells than the header is refused
/// whole (`COLUMNS`). One institution per row, each checked as registration checks it
/// (`InstitutionRules.problems`, so the 10-bed rule applies), each problem put on its row and column.
///
/// Columns (required ones marked *):
/// - `name`*, `credit_code`* (统一社会信用代码; the same code twice in the file is `DUPLICATE` on the later
///   row, naming the first; a code in `registered` is `ALREADY_REGISTERED`);
/// - `ownership`*: `public_run` / `public_built_privately_run` / `privately_run` or 公办 / 公建民营 / 民办;
/// - `nature`*: `non_profit` / `for_profit` or 公益性 (非营利) / 经营性 (营利);
/// - `operator_name`, `operator_credit_code`, `chain`, `address`: text;
/// - `county`*: 6-digit division code; `street`: 9-digit code; `community`: 12-digit code;
/// - `beds`*, `nursing_beds`, `residents`: whole numbers (empty = 0 for the last two);
/// - `opened_on`, `filed_on`, `grade_valid_until`, `medical_signed_on`, `medical_expires_on`, `insurance_from`,
///   `insurance_until`: YYYY-MM-DD;
/// - `grade`: 1–5, also 3级 or 三级;
/// - `medical_partner` (医养结合 partner): with any medical column given, `medical_partner` and `medical_signed_on` are required;
/// - `insurer`, `insurance_policy`: with any insurance column given, `insurer`, `insurance_from` and `insurance_until` are required;
/// - `fire_safety`: `not_assessed` (empty) / `passed` / `rectifying` / `failed` or 未核查 / 合格 / 整改中 / 不合格;
/// - `status`: `operating` (empty) / `suspended` / `closing` / `closed` or 运营 / 暂停 (停业整顿) / 停止运营 / 已终止.
///
/// An unreadable value is `INVALID` (numbers, dates, grades) or `UNKNOWN` (the named lists); an empty
/// required cell is `REQUIRED`. A cell that could not be read is not checked again by the register's rules
/// (one problem per cell). The file as a whole: "content" `EMPTY` (nothing, or a header and no rows),
/// `TOO_MANY` (more than `limit` rows, alone); "line N" `UNCLOSED_QUOTE`, alone; header problems on "line 1"
/// (`UNKNOWN_COLUMN`, `DUPLICATE_COLUMN`, `MISSING_COLUMN`) stop the reading there. The field of a problem is
/// "line 7: beds" and its description starts "line 7: ".
public enum InstitutionImport {
    /// The most data rows one file may hold.
    public static let maxRows = 10_000

    public static let columns = [
        "name", "credit_code", "ownership", "nature", "operator_name", "operator_credit_code", "chain", "county", "street", "community", "address",
        "beds", "nursing_beds", "residents", "opened_on", "filed_on", "grade", "grade_valid_until", "medical_partner", "medical_signed_on",
        "medical_expires_on", "fire_safety", "insurer", "insurance_policy", "insurance_from", "insurance_until", "status",
    ]

    public static let requiredColumns = ["name", "credit_code", "ownership", "nature", "county", "beds"]

    /// The institutions of `csv`; throws `ValidationErrors` listing every problem by line when there is any,
    /// and then nothing is imported. `registered` holds the credit codes already in the register;
    /// `divisions` each county's divisions table as loaded (a line's street and community are
    /// checked against its county's table when there is one, as a registration is).
    public static func parse(
        _ csv: String, today: CivilDate, divisions: [DivisionCode: DivisionTable] = [:], registered: Set<String> = [], legacyCreditCodes: Set<String> = [],
        thresholds: InstitutionThresholds = InstitutionThresholds(), limit: Int = maxRows
    ) throws -> [ImportedInstitution] {
        let (institutions, problems) = read(
            csv, today: today, divisions: divisions, registered: registered, legacyCreditCodes: legacyCreditCodes, thresholds: thresholds, limit: limit)
        try problems.check()
        return institutions
    }

    /// The problems `parse` would throw, empty for a file that imports (a dry run).
    public static func problems(
        _ csv: String, today: CivilDate, divisions: [DivisionCode: DivisionTable] = [:], registered: Set<String> = [], legacyCreditCodes: Set<String> = [],
        thresholds: InstitutionThresholds = InstitutionThresholds(), limit: Int = maxRows
    ) -> ValidationErrors {
        read(csv, today: today, divisions: divisions, registered: registered, legacyCreditCodes: legacyCreditCodes, thresholds: thresholds, limit: limit)
            .problems
    }

    // MARK: - Reading

    /// Problems with their line, sorted by line at the end.
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

    private static func content(_ reason: String, _ description: String) -> ValidationErrors {
        var errors = ValidationErrors()
        errors.add("content", reason, description)
        return errors
    }

    /// The register's field names that are not the file's column names.
    private static let columnOfField = [
        "medical_care.partner": "medical_partner", "medical_care.signed_on": "medical_signed_on", "medical_care.expires_on": "medical_expires_on",
        "insurance.insurer": "insurer", "insurance.policy_number": "insurance_policy", "insurance.valid_until": "insurance_until",
    ]

    private static let placeholderCounty = try! DivisionCode("110101")
    private static let placeholderDate = CivilDate(year: 2000, month: 1, day: 1)!

    static func read(
        _ csv: String, today: CivilDate, divisions: [DivisionCode: DivisionTable], registered: Set<String>, legacyCreditCodes: Set<String>,
        thresholds: InstitutionThresholds, limit: Int
    ) -> (institutions: [ImportedInstitution], problems: ValidationErrors) {
        let header: CSV.Row
        let dataRows: [CSV.Row]
        switch CSV.importTable(csv, limit: limit) {
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
        if dataRows.isEmpty { return ([], content("EMPTY", "the file has a header and no institutions")) }

        var institutions: [ImportedInstitution] = []
        var firstLineOfCode: [String: Int] = [:]
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
            func named<T>(_ column: String, _ table: [String: T], default: T?) -> T? {
                let text = value(column)
                if text.isEmpty {
                    if `default` == nil { problem(column, "REQUIRED", "\(column) is required") }
                    return `default`
                }
                guard let read = table[text.lowercased()] else {
                    let known = Set(table.keys.filter { $0.allSatisfy(\.isASCII) }).sorted().joined(separator: ", ")
                    problem(column, "UNKNOWN", "\(column) \"\(text)\" is not one of \(known)")
                    return nil
                }
                return read
            }

            let name = required("name") ?? ""
            let creditCode = required("credit_code") ?? ""
            let ownership = named("ownership", ownerships, default: nil)
            let nature = named("nature", natures, default: nil)
            var county: DivisionCode?
            if let text = required("county") {
                var errors = ValidationErrors()
                county = DivisionCode.validate(text, field: "county", into: &errors)
                for detail in errors.details { problem("county", detail.reason, "county: \(detail.description)") }
            }
            func local(_ column: String) -> LocalDivisionCode? {
                let text = value(column)
                guard !text.isEmpty else { return nil }
                var errors = ValidationErrors()
                let code = LocalDivisionCode.validate(text, field: column, into: &errors)
                for detail in errors.details { problem(column, detail.reason, "\(column): \(detail.description)") }
                return code
            }
            let street = local("street")
            let community = local("community")
            var beds: Int?
            if required("beds") != nil { beds = number("beds") }
            let nursingBeds = number("nursing_beds") ?? 0
            let residents = number("residents") ?? 0
            let openedOn = date("opened_on")
            let filedOn = date("filed_on")
            var grade: CareGrade?
            let gradeText = value("grade")
            if !gradeText.isEmpty {
                grade = self.grade(gradeText)
                if grade == nil { problem("grade", "INVALID", "grade \"\(gradeText)\" is not a grade 1 to 5") }
            }
            let gradeValidUntil = date("grade_valid_until")

            var medicalCare: MedicalCareAgreement?
            let partner = value("medical_partner")
            let signedOn = date("medical_signed_on")
            let expiresOn = date("medical_expires_on")
            if !partner.isEmpty || !value("medical_signed_on").isEmpty || !value("medical_expires_on").isEmpty {
                if partner.isEmpty { problem("medical_partner", "REQUIRED", "a 医养结合 agreement names its partner") }
                if value("medical_signed_on").isEmpty { problem("medical_signed_on", "REQUIRED", "a 医养结合 agreement has its signing date") }
                medicalCare = MedicalCareAgreement(partner: partner.isEmpty ? "-" : partner, signedOn: signedOn ?? placeholderDate, expiresOn: expiresOn)
            }
            var insurance: LiabilityInsurance?
            let insurer = value("insurer")
            let policy = value("insurance_policy")
            let insuredFrom = date("insurance_from")
            let insuredUntil = date("insurance_until")
            if !insurer.isEmpty || !policy.isEmpty || !value("insurance_from").isEmpty || !value("insurance_until").isEmpty {
                if insurer.isEmpty { problem("insurer", "REQUIRED", "liability insurance names its insurer") }
                if value("insurance_from").isEmpty { problem("insurance_from", "REQUIRED", "liability insurance has its first day") }
                if value("insurance_until").isEmpty { problem("insurance_until", "REQUIRED", "liability insurance has its last day") }
                insurance = LiabilityInsurance(
                    insurer: insurer.isEmpty ? "-" : insurer, policyNumber: policy, validFrom: insuredFrom ?? placeholderDate,
                    validUntil: insuredUntil ?? insuredFrom ?? placeholderDate)
            }
            let fireSafety = named("fire_safety", fireSafeties, default: FireSafetyStatus.notAssessed)
            let status = named("status", statuses, default: InstitutionStatus.operating)

            // The file-wide credit code checks.
            if !creditCode.isEmpty {
                let key = creditCode.uppercased()
                if let first = firstLineOfCode[key] {
                    problem("credit_code", "DUPLICATE", "the same credit code is on line \(first)")
                } else {
                    firstLineOfCode[key] = line
                    if registeredUpper.contains(key) {
                        problem("credit_code", "ALREADY_REGISTERED", "an institution with this credit code is registered already")
                    }
                }
            }

            let institution = Institution(
                name: name, creditCode: creditCode, ownership: ownership ?? .privatelyRun, nature: nature ?? .nonProfit, operatorName: value("operator_name"),
                operatorCreditCode: value("operator_credit_code"), chain: value("chain"), county: county ?? placeholderCounty,
                street: county == nil ? nil : street, community: county == nil ? nil : community, address: value("address"), beds: beds ?? 0,
                nursingBeds: nursingBeds, residents: residents, openedOn: openedOn, filedOn: filedOn, grade: grade, gradeValidUntil: gradeValidUntil,
                medicalCare: medicalCare, fireSafety: fireSafety ?? .notAssessed, insurance: insurance, status: status ?? .operating)
            // The register's own checks, on the cells that were read; a cell already at fault is not told again.
            // Checks that compare two cells are dropped when either is at fault.
            let dependsOn: [String: [String]] = [
                "nature": ["ownership"], "operator_name": ["ownership"], "nursing_beds": ["beds"], "residents": ["beds", "status"], "beds": ["status"],
                "community": ["street"], "medical_expires_on": ["medical_signed_on"], "insurance_until": ["insurance_from"],
                "grade": ["grade_valid_until"], "grade_valid_until": ["grade"],
            ]
            let registerProblems = InstitutionRules.problems(
                institution, today: today, divisions: divisions[institution.county], legacyCreditCodes: legacyCreditCodes, thresholds: thresholds)
            for detail in registerProblems.details {
                let column = columnOfField[detail.field] ?? detail.field
                if bad.contains(column) || (dependsOn[column] ?? []).contains(where: bad.contains) { continue }
                problems.add(line, column, detail.reason, "\(column): \(detail.description)")
            }
            if bad.isEmpty && registerProblems.isEmpty {
                institutions.append(ImportedInstitution(line: line, institution: institution.normalizedCodes))
            }
        }
        if !problems.isEmpty { return ([], problems.sorted) }
        return (institutions, ValidationErrors())
    }

    // MARK: - Cells

    private static func trim(_ text: String) -> String { InstitutionRules.trimmed(text) }

    /// "3", "3级", "三级".
    private static func grade(_ text: String) -> CareGrade? {
        let bare = text.hasSuffix("级") ? String(text.dropLast()) : text
        if let chinese = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5][bare] { return CareGrade(chinese) }
        guard bare.utf8.count == 1, let n = Int(bare) else { return nil }
        return CareGrade(n)
    }

    private static func table<T: RawRepresentable>(_ cases: [T], _ chinese: [(T, [String])]) -> [String: T] where T.RawValue == String {
        var table: [String: T] = [:]
        for value in cases { table[value.rawValue] = value }
        for (value, names) in chinese { for name in names { table[name] = value } }
        return table
    }

    private static let ownerships = table(
        Ownership.allCases, [(.publicRun, ["公办"]), (.publicBuiltPrivatelyRun, ["公建民营"]), (.privatelyRun, ["民办", "社会办"])])
    private static let natures = table(ProfitNature.allCases, [(.nonProfit, ["公益性", "非营利", "非营利性"]), (.forProfit, ["经营性", "营利", "营利性"])])
    private static let fireSafeties = table(
        FireSafetyStatus.allCases, [(.notAssessed, ["未核查"]), (.passed, ["合格"]), (.rectifying, ["整改中"]), (.failed, ["不合格"])])
    private static let statuses = table(
        InstitutionStatus.allCases,
        [(.operating, ["运营", "正常运营"]), (.suspended, ["暂停", "暂停运营", "停业整顿"]), (.closing, ["停止运营", "停止运营中"]), (.closed, ["已终止", "终止"])])
}

extension Institution {
    /// The credit codes upper-cased, as the register stores them.
    var normalizedCodes: Institution {
        var copy = self
        copy.creditCode = creditCode.uppercased()
        copy.operatorCreditCode = operatorCreditCode.uppercased()
        return copy
    }
}
