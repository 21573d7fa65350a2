import CivicDomain

/// One household read from a register file: the `household_ref` its rows share, the household
/// (its `id` empty: the store assigns one when it registers it), the line of its first row and
/// the line of each member's row, in the order of `household.members`.
public struct ImportedHousehold: Sendable, Hashable {
    public let ref: String
    public let household: Household
    public let firstLine: Int
    public let memberLines: [Int]

    public init(ref: String, household: Household, firstLine: Int, memberLines: [Int]) {
        self.ref = ref
        self.household = household
        self.firstLine = firstLine
        self.memberLines = memberLines
    }
}

/// Bulk import of an existing assistance register (社会救助对象名册) from CSV: all or nothing,
/// every problem by line. Parsing and checking only; the store registers all households in one
/// transaction or none.
///
/// **The file.** RFC 4180 CSV as `CSV.parse` reads it (UTF-8, a byte-order mark skipped, CRLF or
/// LF, quoted fields may hold commas, quotes and line breaks; a line number is the line a record
/// starts on, the header being line 1). The header names the columns, in any order; names are
/// trimmed and compared case-insensitively. Every cell is trimmed of spaces (also the full-width
/// 全角空格). A row whose cells are all empty is skipped. A row with more or fewer cells than the
/// header is refused whole (`COLUMNS`).
///
/// **One row per member (家庭成员)**; the rows of one household share a `household_ref`, any
/// text the file uses (the old system's 户编号, say), compared exactly after trimming. The rows
/// of a household need not be next to each other. Households come back in the order of their
/// first row, members in the order of their rows.
///
/// Household columns, read from the household's **first row**; on its other rows each must be
/// empty or the same text, else `CONFLICT` on that row (so "是" on the first row and "1" on
/// another is a conflict, and so is a value first given on a later row):
/// - `household_ref` (required): the household's reference in the file;
/// - `division` (required): the 6-digit 行政区划代码 (`DivisionCode`: `BAD_LENGTH`, `BAD_CHARACTERS`, `UNKNOWN_PROVINCE`);
/// - `area` (required): `urban`/`rural`, or 城市/城镇/农村 (`UNKNOWN` otherwise);
/// - `hukou_address` (required): 户籍地址; `actual_address`: 实际居住地址;
/// - `bank_account`: 社会化发放 account (一卡通); spaces are removed, 12 to 30 digits;
/// - `card_held_by_official` (代管), `custody_agreement_on_file`, `unstable_income` (收入不稳定): yes/no, default no;
/// - `case_worker`: 经办人.
///
/// Member columns, one member per row:
/// - `name` (required): 姓名;
/// - `resident_id` (required): 公民身份号码, 18 characters (a lower-case x is read as X; `BAD_LENGTH`,
///   `BAD_CHARACTERS`, `BAD_BIRTH_DATE`, `BAD_CHECK_DIGIT`, `BORN_IN_FUTURE`). The same number on two rows
///   anywhere in the file is `DUPLICATE` on the later row, naming the first;
/// - `sex`: 男/女 or male/female; `birth_date`: YYYY-MM-DD. Both optional, and only checked: a stated
///   value other than the one the ID number carries is `MISMATCH_ID`;
/// - `relation` (required): 与户主关系, `head`, `spouse`, `child`, `parent`, `grandchild`, `grandparent`,
///   `sibling`, `other`, or 户主 (本人), 配偶 (妻子, 丈夫), 子女 (儿子, 女儿), 父母 (父亲, 母亲), 孙子女
///   (孙子, 孙女, 外孙子女), 祖父母 (祖父, 祖母, 外祖父母), 兄弟姐妹 (兄弟, 姐妹), 其他 (`UNKNOWN` otherwise).
///   A household has exactly one head (`NO_HEAD`, `TWO_HEADS`);
/// - `counted`: 计入共同生活的家庭成员, yes/no, **default yes**; `not_counted_reason`: required when
///   not counted, refused (`NOT_ALLOWED`) when counted: `religious_cleric` (宗教教职人员), `in_prison`
///   (服刑), `drug_rehabilitation` (强制隔离戒毒), `declared_missing` (宣告失踪), `other` (其他, then
///   `not_counted_note` is required);
/// - `disability_category`: `visual`, `hearing`, `speech`, `physical`, `intellectual`, `mental`, `multiple`
///   or 视力, 听力, 言语, 肢体, 智力, 精神, 多重 (with or without 残疾); `disability_grade`: 1 to 4, also
///   written 1级 or 一级 (`BAD_GRADE` for another number); `disability_card_number`: 残疾人证号. When any of
///   the three is given, all three are required; empty all three = no disability card;
/// - `serious_illness` (重病): yes/no, default no;
/// - `work_ability` (劳动能力): `able`/`partial`/`unable` or 有/部分/无 (有劳动能力, 部分丧失劳动能力,
///   无劳动能力); **empty = unable**, as a new `Member`;
/// - `self_care` (生活自理能力): six characters 1 (manages alone) or 0 in the order 吃饭 eating, 穿衣
///   dressing, 上下床 getting in/out of bed, 如厕 toilet, 室内行走 walking indoors, 洗澡 bathing
///   ("110111"); empty = not assessed;
/// - `employment` (就业情况): free text;
/// - `wage_fen`, `business_fen`, `property_fen`, `transfer_fen`, `other_fen`: the member's monthly
///   income (工资性, 经营净, 财产净, 转移净, 其他收入) in **whole fen** (分: "123456" is 1 234.56 元), an
///   integer, no decimal point, no separators (`INVALID`; a negative one is `NEGATIVE`). Each non-zero
///   amount becomes a declared `IncomeLine` of that category for the member, no period; empty or 0
///   = none. Lines come in member order, then in that category order.
///
/// Yes/no cells read 是/否, yes/no, true/false or 1/0 (English in any case); anything else is `INVALID`.
/// Other unreadable values are `INVALID` (`sex`, `birth_date`, `disability_grade`, `self_care`) or
/// `UNKNOWN` (the named lists). An empty required cell is `REQUIRED`. Assets (家庭财产), income periods,
/// excluded income (不计入的收入) and death dates are not imported: they are recorded afterwards.
///
/// **Problems.** Every problem in the file is reported at once, in line order, with the field
/// "line 7: resident_id" (the line, then the column) and the description starting "line 7: ";
/// a problem with a whole row is "line 7" (`COLUMNS`). Each assembled household is then checked
/// as registration checks it (`Registry.problems` on `today`), each problem put on the row it is
/// about and named by its column: a member's on that member's row ("members[1].disability.grade" →
/// "line 4: disability_grade"), an income's on its member's row and amount column, the household's
/// on its first row ("hukou_address", "bank_account", "custody_agreement_on_file"; the head count as
/// "relation" NO_HEAD / TWO_HEADS; too many members as "household_ref" TOO_MANY). A household with a
/// row whose member could not be read (a bad resident ID or relation, or a row refused whole) is
/// not told it has NO_HEAD; one whose first row was refused whole (`COLUMNS`) is checked member by
/// member only, its household columns left until that row is fixed.
/// The file as a whole:
/// - nothing, or a header and no data rows: "content" `EMPTY`;
/// - more than `maxRows` (50 000) data rows: "content" `TOO_MANY`, alone, nothing else read;
/// - a quoted field never closed: "line N" `UNCLOSED_QUOTE`, alone;
/// - header problems stop the reading there, all reported together on "line 1": `UNKNOWN_COLUMN`,
///   `DUPLICATE_COLUMN`, `MISSING_COLUMN`.
///
/// Resident ID numbers and bank accounts are never repeated in a description (they end up in logs).
public enum HouseholdImport {
    /// The most data rows (members) one file may hold.
    public static let maxRows = 50_000

    /// The columns of the household, read from its first row.
    public static let householdColumns = [
        "household_ref", "division", "area", "hukou_address", "actual_address", "bank_account", "card_held_by_official",
        "custody_agreement_on_file", "unstable_income", "case_worker",
    ]

    /// The columns of a member, one per row.
    public static let memberColumns =
        [
            "name", "resident_id", "sex", "birth_date", "relation", "counted", "not_counted_reason", "not_counted_note", "disability_category",
            "disability_grade", "disability_card_number", "serious_illness", "work_ability", "self_care", "employment",
        ] + incomeColumns.map(\.column)

    /// Every column a file may have, in the order of the documentation.
    public static let columns = householdColumns + memberColumns

    /// The columns the header must have.
    public static let requiredColumns = ["household_ref", "division", "area", "hukou_address", "name", "resident_id", "relation"]

    /// The income columns and the category each becomes.
    public static let incomeColumns: [(column: String, category: IncomeCategory)] = [
        ("wage_fen", .wage), ("business_fen", .business), ("property_fen", .property), ("transfer_fen", .transfer), ("other_fen", .other),
    ]

    /// The households of a register file; throws `ValidationErrors` (INVALID_ARGUMENT) listing
    /// every problem by line when there is any, and then nothing is imported. `limit` is the
    /// most data rows allowed (tests make it small).
    public static func parse(_ csv: String, today: CivilDate, limit: Int = maxRows) throws -> [ImportedHousehold] {
        let (households, problems) = read(csv, today: today, limit: limit)
        try problems.check()
        return households
    }

    /// The problems `parse` would throw, empty for a file that imports (a dry run).
    public static func problems(_ csv: String, today: CivilDate, limit: Int = maxRows) -> ValidationErrors {
        read(csv, today: today, limit: limit).problems
    }

    // MARK: - Reading

    /// A household as its rows are read.
    private struct Draft {
        let ref: String
        let firstLine: Int
        /// The household columns' text on the first row.
        let text: [String: String]
        var division: DivisionCode?
        var area: Area?
        var hukouAddress = ""
        var actualAddress = ""
        var bankAccount = ""
        var cardHeldByOfficial = false
        var custodyAgreementOnFile = false
        var unstableIncome = false
        var caseWorker = ""
        var members: [Member] = []
        var memberLines: [Int] = []
        var incomes: [IncomeLine] = []
        /// Where each income came from: its row and amount column.
        var incomeOrigins: [(line: Int, column: String)] = []
        /// A row of the household gave no member, or one with a relation put in for checking.
        var memberUnread = false
        /// The household's first row was refused whole (`COLUMNS`): its household columns are
        /// not read from another row, and only its members are checked.
        var firstRowUnread = false

        init(ref: String, firstLine: Int, text: [String: String]) {
            self.ref = ref
            self.firstLine = firstLine
            self.text = text
        }

        /// The household to check; a placeholder division and area stand in for unreadable ones
        /// (the registry's checks do not look at them, and nothing is imported then).
        var household: Household {
            Household(
                division: division ?? HouseholdImport.placeholderDivision, area: area ?? .urban, hukouAddress: hukouAddress,
                actualAddress: actualAddress, bankAccount: bankAccount, cardHeldByOfficial: cardHeldByOfficial,
                custodyAgreementOnFile: custodyAgreementOnFile, unstableIncome: unstableIncome, caseWorker: caseWorker, members: members,
                incomes: incomes)
        }
    }

    private static let placeholderDivision = try! DivisionCode("110000")

    /// Problems with the line they belong to, sorted by line at the end.
    private struct Problems {
        var items: [(line: Int, problem: FieldProblem)] = []

        /// "line 7: column" (or "line 7" for the whole row), the description starting "line 7: ".
        mutating func add(_ line: Int, _ column: String, _ reason: String, _ description: String) {
            let field = column.isEmpty ? "line \(line)" : "line \(line): \(column)"
            items.append((line, FieldProblem(field: field, reason: reason, description: "line \(line): \(description)")))
        }

        /// The problems a value type's collecting validator recorded under the field "".
        mutating func add(_ line: Int, _ column: String, _ errors: ValidationErrors) {
            for detail in errors.details { add(line, column, detail.reason, "\(column): \(detail.description)") }
        }

        var isEmpty: Bool { items.isEmpty }

        /// All of them in line order (the order found within a line).
        var sorted: ValidationErrors {
            var errors = ValidationErrors()
            for (_, item) in items.enumerated().sorted(by: { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }) {
                errors.add(item.problem)
            }
            return errors
        }
    }

    private static func content(_ reason: String, _ description: String) -> ValidationErrors {
        var errors = ValidationErrors()
        errors.add("content", reason, description)
        return errors
    }

    static func read(_ csv: String, today: CivilDate, limit: Int) -> (households: [ImportedHousehold], problems: ValidationErrors) {
        let headerRow: CSV.Row
        let dataRows: [CSV.Row]
        switch CSV.importTable(csv, limit: limit, rows: "member rows") {
        case .success(let table): (headerRow, dataRows) = table
        case .failure(let problems): return ([], problems)
        }

        var problems = Problems()
        var position: [String: Int] = [:]
        for (i, rawName) in headerRow.fields.enumerated() {
            let name = trim(rawName).lowercased()
            if !columns.contains(name) {
                problems.add(1, "", "UNKNOWN_COLUMN", "unknown column \"\(name)\"; known: \(columns.joined(separator: ", "))")
            } else if position[name] != nil {
                problems.add(1, "", "DUPLICATE_COLUMN", "the column \"\(name)\" is in the header twice")
            } else {
                position[name] = i
            }
        }
        for name in requiredColumns where position[name] == nil {
            problems.add(1, "", "MISSING_COLUMN", "the header lacks the column \"\(name)\"")
        }
        if !problems.isEmpty { return ([], problems.sorted) }
        if dataRows.isEmpty { return ([], content("EMPTY", "the file has a header and no members")) }

        var drafts: [Draft] = []
        var draftIndex: [String: Int] = [:]
        var firstLineOfID: [ResidentID: Int] = [:]
        let width = headerRow.fields.count
        /// The household_ref cells of rows refused whole: their households may lack a member.
        var unreadRefs: Set<String> = []
        /// The households whose first row was refused whole: checked member by member only.
        var firstRowUnread: Set<String> = []
        for row in dataRows {
            let line = row.line
            guard row.fields.count == width else {
                problems.add(line, "", "COLUMNS", "\(row.fields.count) fields, the header has \(width)")
                if let i = position["household_ref"], i < row.fields.count {
                    let ref = trim(row.fields[i])
                    unreadRefs.insert(ref)
                    if draftIndex[ref] == nil { firstRowUnread.insert(ref) }
                }
                continue
            }
            func value(_ column: String) -> String { position[column].map { trim(row.fields[$0]) } ?? "" }

            // The household.
            var index: Int?
            let ref = value("household_ref")
            if ref.isEmpty {
                problems.add(line, "household_ref", "REQUIRED", "household_ref is required: it groups a household's rows")
            } else if let known = draftIndex[ref] {
                index = known
                let first = drafts[known]
                for column in householdColumns.dropFirst() where !first.firstRowUnread {
                    let text = value(column)
                    if !text.isEmpty, text != first.text[column] {
                        problems.add(line, column, "CONFLICT", "\(column) differs from the household's first row (line \(first.firstLine))")
                    }
                }
            } else {
                var text: [String: String] = [:]
                for column in householdColumns { text[column] = value(column) }
                var draft = Draft(ref: ref, firstLine: line, text: text)
                if firstRowUnread.contains(ref) {
                    draft.firstRowUnread = true
                } else {
                    readHousehold(&draft, value, line, &problems)
                }
                index = drafts.count
                draftIndex[ref] = drafts.count
                drafts.append(draft)
            }

            // The member.
            let read = readMember(value, line, today: today, &problems)
            if let member = read.member {
                if let first = firstLineOfID[member.residentID] {
                    problems.add(line, "resident_id", "DUPLICATE", "the same resident ID number is on line \(first)")
                } else {
                    firstLineOfID[member.residentID] = line
                }
            }
            guard let index else { continue }
            guard let member = read.member else {
                drafts[index].memberUnread = true
                continue
            }
            if !read.relationRead { drafts[index].memberUnread = true }
            drafts[index].members.append(member)
            drafts[index].memberLines.append(line)
            for (column, category) in incomeColumns {
                guard let amount = read.incomes[column], amount != .zero else { continue }
                drafts[index].incomes.append(IncomeLine(member: member.residentID, category: category, monthly: amount))
                drafts[index].incomeOrigins.append((line, column))
            }
        }

        for var draft in drafts {
            if unreadRefs.contains(draft.ref) { draft.memberUnread = true }
            for detail in Registry.problems(draft.household, today: today).details {
                place(detail, of: draft, into: &problems)
            }
        }
        if !problems.isEmpty { return ([], problems.sorted) }
        let households = drafts.map {
            ImportedHousehold(ref: $0.ref, household: $0.household, firstLine: $0.firstLine, memberLines: $0.memberLines)
        }
        return (households, ValidationErrors())
    }

    /// The household columns of its first row.
    private static func readHousehold(_ draft: inout Draft, _ value: (String) -> String, _ line: Int, _ problems: inout Problems) {
        let division = value("division")
        if division.isEmpty {
            problems.add(line, "division", "REQUIRED", "division is required on a household's first row")
        } else {
            var errors = ValidationErrors()
            draft.division = DivisionCode.validate(division, field: "", into: &errors)
            problems.add(line, "division", errors)
        }
        let area = value("area")
        if area.isEmpty {
            problems.add(line, "area", "REQUIRED", "area is required on a household's first row")
        } else if let read = areas[area.lowercased()] {
            draft.area = read
        } else {
            problems.add(line, "area", "UNKNOWN", "area \"\(area)\" is neither urban (城市) nor rural (农村)")
        }
        draft.hukouAddress = value("hukou_address")
        draft.actualAddress = value("actual_address")
        draft.bankAccount = value("bank_account").filter { $0 != " " && $0 != "\u{3000}" }
        draft.cardHeldByOfficial = flag(value, "card_held_by_official", line, default: false, &problems)
        draft.custodyAgreementOnFile = flag(value, "custody_agreement_on_file", line, default: false, &problems)
        draft.unstableIncome = flag(value, "unstable_income", line, default: false, &problems)
        draft.caseWorker = value("case_worker")
    }

    /// A member row read: the member when its resident ID reads (with `other` put in for an
    /// unreadable relation, `relationRead` false then), and its income amounts by column.
    private struct MemberRow {
        var member: Member?
        var relationRead = true
        var incomes: [String: Fen] = [:]
    }

    private static func readMember(_ value: (String) -> String, _ line: Int, today: CivilDate, _ problems: inout Problems) -> MemberRow {
        var row = MemberRow()
        let idText = value("resident_id")
        var id: ResidentID?
        if idText.isEmpty {
            problems.add(line, "resident_id", "REQUIRED", "resident_id is required")
        } else {
            var errors = ValidationErrors()
            id = ResidentID.validate(idText, field: "", into: &errors)
            problems.add(line, "resident_id", errors)
        }

        var sex: Sex?
        let sexText = value("sex")
        if !sexText.isEmpty {
            sex = sexes[sexText.lowercased()]
            if sex == nil { problems.add(line, "sex", "INVALID", "sex \"\(sexText)\" is neither 男 (male) nor 女 (female)") }
        }
        var birthDate: CivilDate?
        let birthText = value("birth_date")
        if !birthText.isEmpty {
            birthDate = CivilDate(birthText)
            if birthDate == nil { problems.add(line, "birth_date", "INVALID", "birth_date \"\(birthText)\" is not a date YYYY-MM-DD") }
        }
        if let id {
            var errors = ValidationErrors()
            Registry.checkStated(sex: sex, birthDate: birthDate, against: id, field: "m", into: &errors)
            for detail in errors.details {
                let column = detail.field.hasSuffix("sex") ? "sex" : "birth_date"
                problems.add(line, column, detail.reason, "\(column): \(detail.description)")
            }
        }

        var relation = Relation.other
        let relationText = value("relation")
        if relationText.isEmpty {
            problems.add(line, "relation", "REQUIRED", "relation (与户主关系) is required")
            row.relationRead = false
        } else if let read = relations[relationText.lowercased()] {
            relation = read
        } else {
            let known = Relation.allCases.map(\.rawValue).joined(separator: ", ")
            problems.add(line, "relation", "UNKNOWN", "relation \"\(relationText)\" is not one of \(known) (户主, 配偶, 子女, 父母, 孙子女, 祖父母, 兄弟姐妹, 其他)")
            row.relationRead = false
        }

        let counted = flag(value, "counted", line, default: true, &problems)
        var reason: NotCountedReason?
        let reasonText = value("not_counted_reason")
        if !reasonText.isEmpty {
            reason = notCountedReasons[reasonText.lowercased()]
            if reason == nil {
                let known = NotCountedReason.allCases.map(\.rawValue).joined(separator: ", ")
                problems.add(line, "not_counted_reason", "UNKNOWN", "not_counted_reason \"\(reasonText)\" is not one of \(known)")
            }
        }

        var disability: DisabilityCard?
        let categoryText = value("disability_category")
        let gradeText = value("disability_grade")
        let cardNumber = value("disability_card_number")
        if !categoryText.isEmpty || !gradeText.isEmpty || !cardNumber.isEmpty {
            var category: DisabilityCategory?
            if categoryText.isEmpty {
                problems.add(line, "disability_category", "REQUIRED", "a disability card (残疾人证) needs its category")
            } else {
                category =
                    disabilityCategories[categoryText.lowercased()]
                    ?? disabilityCategories[String(categoryText.hasSuffix("残疾") ? categoryText.dropLast(2) : categoryText[...])]
                if category == nil {
                    let known = DisabilityCategory.allCases.map(\.rawValue).joined(separator: ", ")
                    problems.add(line, "disability_category", "UNKNOWN", "disability_category \"\(categoryText)\" is not one of \(known)")
                }
            }
            var grade: Int?
            if gradeText.isEmpty {
                problems.add(line, "disability_grade", "REQUIRED", "a disability card (残疾人证) needs its grade, 1 to 4")
            } else {
                grade = self.grade(gradeText)
                if grade == nil { problems.add(line, "disability_grade", "INVALID", "disability_grade \"\(gradeText)\" is not a grade 1 to 4") }
            }
            if let category, let grade { disability = DisabilityCard(category: category, grade: grade) }
        }

        let seriousIllness = flag(value, "serious_illness", line, default: false, &problems)
        var workAbility = WorkAbility.unable
        let workText = value("work_ability")
        if !workText.isEmpty {
            if let read = workAbilities[workText.lowercased()] {
                workAbility = read
            } else {
                problems.add(line, "work_ability", "UNKNOWN", "work_ability \"\(workText)\" is not able, partial or unable (有, 部分, 无)")
            }
        }
        var selfCare: SelfCareAssessment?
        let selfCareText = value("self_care")
        if !selfCareText.isEmpty {
            let x = selfCareText.compactMap { $0 == "1" ? true : $0 == "0" ? false : nil }
            if selfCareText.count == 6, x.count == 6 {
                selfCare = SelfCareAssessment(
                    eating: x[0], dressing: x[1], gettingInOutOfBed: x[2], toilet: x[3], walkingIndoors: x[4], bathing: x[5])
            } else {
                problems.add(line, "self_care", "INVALID", "self_care is six characters 1 or 0 (eating, dressing, bed, toilet, walking, bathing)")
            }
        }

        for (column, _) in incomeColumns {
            let text = value(column)
            guard !text.isEmpty else { continue }
            if let amount = fen(text) {
                row.incomes[column] = amount
            } else {
                problems.add(line, column, "INVALID", "\(column) \"\(text)\" is not a whole number of fen (123456 for 1234.56 元)")
            }
        }

        if let id {
            row.member = Member(
                name: value("name"), residentID: id, relation: relation, counted: counted, notCountedReason: reason,
                notCountedNote: value("not_counted_note"), disability: disability, disabilityCardNumber: cardNumber, seriousIllness: seriousIllness,
                workAbility: workAbility, selfCare: selfCare, employment: value("employment"))
        }
        return row
    }

    /// Puts a problem `Registry.problems` found with a draft on the row it is about, named by
    /// the file's column.
    private static func place(_ detail: FieldProblem, of draft: Draft, into problems: inout Problems) {
        let field = detail.field
        if draft.firstRowUnread && !field.contains("[") { return }
        var line = draft.firstLine
        var column = field
        if field == "members" {
            switch detail.reason {
            case "NO_HEAD", "EMPTY":
                if draft.memberUnread { return }  // the missing head may be on a row that did not read
                column = "relation"
            case "TWO_HEADS": column = "relation"
            default: column = "household_ref"
            }
        } else if let path = indexed(field) {
            if path.list == "members", draft.memberLines.indices.contains(path.index) {
                // The file-wide check already reported a resident ID twice, naming the first line.
                if path.rest == "resident_id" && detail.reason == "DUPLICATE" { return }
                line = draft.memberLines[path.index]
                column = path.rest == "disability.grade" ? "disability_grade" : path.rest
            } else if path.list == "incomes", draft.incomeOrigins.indices.contains(path.index) {
                (line, column) = draft.incomeOrigins[path.index]
            }
        }
        // Registry's own sentences may name the path ("members[0].name is required").
        let description = field.contains("[") ? detail.description.replacing(field, with: column) : detail.description
        problems.add(line, column, detail.reason, description)
    }

    /// "members[3].name" → ("members", 3, "name").
    private static func indexed(_ field: String) -> (list: String, index: Int, rest: String)? {
        guard let open = field.firstIndex(of: "["), let close = field[open...].firstIndex(of: "]"),
            let i = Int(field[field.index(after: open)..<close])
        else { return nil }
        var rest = field[field.index(after: close)...]
        if rest.first == "." { rest = rest.dropFirst() }
        return (String(field[..<open]), i, String(rest))
    }

    // MARK: - Cells

    private static func trim(_ text: String) -> String {
        guard let start = text.firstIndex(where: { !$0.isWhitespace }), let end = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(text[start...end])
    }

    /// A yes/no cell; empty gives `default`.
    private static func flag(_ value: (String) -> String, _ column: String, _ line: Int, default: Bool, _ problems: inout Problems) -> Bool {
        let text = value(column)
        if text.isEmpty { return `default` }
        if let read = flags[text.lowercased()] { return read }
        problems.add(line, column, "INVALID", "\(column) \"\(text)\" is not yes or no (是/否, true/false, 1/0)")
        return `default`
    }

    /// Whole fen: an optional minus and 1 to 15 ASCII digits.
    private static func fen(_ text: String) -> Fen? {
        let digits = text.hasPrefix("-") ? text.dropFirst() : text[...]
        guard (1...15).contains(digits.utf8.count), digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let magnitude = Int(digits)
        else { return nil }
        return Fen(text.hasPrefix("-") ? -magnitude : magnitude)
    }

    /// "3", "3级", "三级".
    private static func grade(_ text: String) -> Int? {
        let bare = text.hasSuffix("级") ? String(text.dropLast()) : text
        if let chinese = ["一": 1, "二": 2, "三": 3, "四": 4][bare] { return chinese }
        guard !bare.isEmpty, bare.utf8.count <= 3, bare.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(bare)
    }

    private static let flags: [String: Bool] = ["是": true, "yes": true, "true": true, "1": true, "否": false, "no": false, "false": false, "0": false]

    private static let sexes: [String: Sex] = ["男": .male, "male": .male, "女": .female, "female": .female]

    private static let areas: [String: Area] = ["urban": .urban, "城市": .urban, "城镇": .urban, "rural": .rural, "农村": .rural]

    private static let relations: [String: Relation] = {
        var table: [String: Relation] = [:]
        for relation in Relation.allCases { table[relation.rawValue] = relation }
        let chinese: [(Relation, [String])] = [
            (.head, ["户主", "本人"]),
            (.spouse, ["配偶", "妻子", "丈夫"]),
            (.child, ["子女", "儿子", "女儿"]),
            (.parent, ["父母", "父亲", "母亲"]),
            (.grandchild, ["孙子女", "孙子", "孙女", "外孙子女", "外孙子", "外孙女"]),
            (.grandparent, ["祖父母", "祖父", "祖母", "外祖父母", "外祖父", "外祖母"]),
            (.sibling, ["兄弟姐妹", "兄弟", "姐妹"]),
            (.other, ["其他"]),
        ]
        for (relation, names) in chinese { for name in names { table[name] = relation } }
        return table
    }()

    private static let notCountedReasons: [String: NotCountedReason] = {
        var table: [String: NotCountedReason] = [:]
        for reason in NotCountedReason.allCases { table[reason.rawValue] = reason }
        table["宗教教职人员"] = .religiousCleric
        table["服刑"] = .inPrison
        table["强制隔离戒毒"] = .drugRehabilitation
        table["宣告失踪"] = .declaredMissing
        table["其他"] = .other
        return table
    }()

    private static let disabilityCategories: [String: DisabilityCategory] = {
        var table: [String: DisabilityCategory] = [:]
        for category in DisabilityCategory.allCases { table[category.rawValue] = category }
        let chinese: [(DisabilityCategory, String)] = [
            (.visual, "视力"), (.hearing, "听力"), (.speech, "言语"), (.physical, "肢体"), (.intellectual, "智力"), (.mental, "精神"),
            (.multiple, "多重"),
        ]
        for (category, name) in chinese { table[name] = category }
        return table
    }()

    private static let workAbilities: [String: WorkAbility] = [
        "able": .able, "有": .able, "有劳动能力": .able,
        "partial": .partial, "部分": .partial, "部分丧失劳动能力": .partial,
        "unable": .unable, "无": .unable, "无劳动能力": .unable,
    ]
}
