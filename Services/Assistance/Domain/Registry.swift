import CivicDomain

/// A member's relation to the head of the household (与户主关系).
public enum Relation: String, Sendable, Hashable, CaseIterable, Codable {
    /// 户主.
    case head
    /// 配偶.
    case spouse
    /// 子女.
    case child
    /// 父母.
    case parent
    /// 孙子女.
    case grandchild
    /// 祖父母.
    case grandparent
    /// 兄弟姐妹.
    case sibling
    /// 其他.
    case other
}

/// Work ability (劳动能力) as the home visit records it.
public enum WorkAbility: String, Sendable, Hashable, CaseIterable, Codable {
    /// 有劳动能力.
    case able
    /// 部分丧失劳动能力.
    case partial
    /// 无劳动能力.
    case unable
}

/// Why a member is not counted in the household (不计入共同生活的家庭成员, 民发〔2021〕57号).
public enum NotCountedReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// 连续三年以上脱离家庭独立生活的宗教教职人员.
    case religiousCleric = "religious_cleric"
    /// 在监狱内服刑.
    case inPrison = "in_prison"
    /// 在强制隔离戒毒所执行强制隔离戒毒.
    case drugRehabilitation = "drug_rehabilitation"
    /// 宣告失踪.
    case declaredMissing = "declared_missing"
    /// 其他 (a note says what).
    case other
}

/// The five income categories of the economic check (家庭收入).
public enum IncomeCategory: String, Sendable, Hashable, CaseIterable, Codable {
    /// 工资性收入.
    case wage
    /// 经营净收入.
    case business
    /// 财产净收入.
    case property
    /// 转移净收入.
    case transfer
    /// 其他收入.
    case other
}

/// Where an income figure comes from: the household's declaration, or the economic check (核对).
public enum IncomeSource: String, Sendable, Hashable, CaseIterable, Codable {
    case declared
    case verified
}

/// The kinds of assets the means test looks at (家庭财产).
public enum AssetType: String, Sendable, Hashable, CaseIterable, Codable {
    /// 存款.
    case deposit
    /// 房产.
    case house
    /// 机动车辆.
    case vehicle
    /// 有价证券.
    case securities
    /// 企业股权.
    case companyShare = "company_share"
}

/// A household member (家庭成员). Sex and birth date come from the resident ID; a form that
/// also states them is checked against it.
public struct Member: Sendable, Hashable, Codable {
    public var name: String
    public var residentID: ResidentID
    public var relation: Relation
    /// 计入共同生活的家庭成员: a member not counted adds neither to n nor to the income.
    public var counted: Bool
    public var notCountedReason: NotCountedReason?
    /// What "other" means, or any detail of the reason.
    public var notCountedNote: String
    /// 残疾人证: category and grade, with the card number.
    public var disability: DisabilityCard?
    public var disabilityCardNumber: String
    /// 重病.
    public var seriousIllness: Bool
    public var workAbility: WorkAbility
    /// The six ADL items from the home visit, when assessed.
    public var selfCare: SelfCareAssessment?
    /// 就业情况, as the visit found it ("务农", "灵活就业").
    public var employment: String
    /// Recorded dead (a death event or the registry): no longer counted from the month after.
    public var deceasedOn: CivilDate?

    public init(
        name: String, residentID: ResidentID, relation: Relation, counted: Bool = true, notCountedReason: NotCountedReason? = nil,
        notCountedNote: String = "", disability: DisabilityCard? = nil, disabilityCardNumber: String = "", seriousIllness: Bool = false,
        workAbility: WorkAbility = .unable, selfCare: SelfCareAssessment? = nil, employment: String = "", deceasedOn: CivilDate? = nil
    ) {
        self.name = name
        self.residentID = residentID
        self.relation = relation
        self.counted = counted
        self.notCountedReason = notCountedReason
        self.notCountedNote = notCountedNote
        self.disability = disability
        self.disabilityCardNumber = disabilityCardNumber
        self.seriousIllness = seriousIllness
        self.workAbility = workAbility
        self.selfCare = selfCare
        self.employment = employment
        self.deceasedOn = deceasedOn
    }

    public var sex: Sex { residentID.sex }
    public var birthDate: CivilDate? { CivilDate(year: residentID.birthYear, month: residentID.birthMonth, day: residentID.birthDay) }

    /// Full years (周岁) on `day`.
    public func age(on day: CivilDate) -> Int { residentID.age(onYear: day.year, month: day.month, day: day.day) }

    /// Under 18 on `day` (未成年人): never shown on a 公示.
    public func isMinor(on day: CivilDate) -> Bool { age(on: day) < Registry.adultAge }

    /// Counted for a benefit month: counted in the registry and alive on the month's first day.
    public func isCounted(in month: BenefitMonth) -> Bool {
        guard counted else { return false }
        if let died = deceasedOn, died < month.firstDay { return false }
        return true
    }

    /// The 分类施保 categories on `day`: elderly (60+), minor (under 18), severely disabled
    /// (card grade 1–2), seriously ill.
    public func categories(on day: CivilDate) -> Set<MemberCategory> {
        var set: Set<MemberCategory> = []
        let age = age(on: day)
        if age >= Registry.elderlyAge { set.insert(.elderly) }
        if age < Registry.adultAge { set.insert(.minor) }
        if let card = disability, card.grade <= 2 { set.insert(.severelyDisabled) }
        if seriousIllness { set.insert(.seriouslyIll) }
        return set
    }
}

/// One income line (收入明细): a monthly amount in fen for a member (or the household as a
/// whole when `member` is nil, such as rent from a shared property).
public struct IncomeLine: Sendable, Hashable, Codable {
    /// The member's resident ID; nil for household income.
    public var member: ResidentID?
    public var category: IncomeCategory
    /// The monthly amount over `period`, fen.
    public var monthly: Fen
    /// The period it was assessed over, as recorded ("2026-01/2026-06").
    public var period: String
    public var source: IncomeSource
    /// Not counted (不计入家庭收入): 优抚金, awards, relief money and goods including the 两项补贴.
    public var excluded: Bool
    public var excludedReason: String

    public init(
        member: ResidentID?, category: IncomeCategory, monthly: Fen, period: String = "", source: IncomeSource = .declared, excluded: Bool = false,
        excludedReason: String = ""
    ) {
        self.member = member
        self.category = category
        self.monthly = monthly
        self.period = period
        self.source = source
        self.excluded = excluded
        self.excludedReason = excludedReason
    }
}

/// One asset (家庭财产) with its value in fen and the rule the check applied to it.
public struct Asset: Sendable, Hashable, Codable {
    public var member: ResidentID?
    public var type: AssetType
    public var value: Fen
    public var description: String
    /// The local asset rule applied ("存款不超过当地24个月低保标准").
    public var ruleApplied: String

    public init(member: ResidentID?, type: AssetType, value: Fen, description: String = "", ruleApplied: String = "") {
        self.member = member
        self.type = type
        self.value = value
        self.description = description
        self.ruleApplied = ruleApplied
    }
}

/// A household as registered (救助家庭): where it lives, who is in it, what it earns and owns,
/// and where its money is paid.
public struct Household: Sendable, Hashable, Codable {
    /// Assigned at registration ("H000123"); empty on a new registration.
    public var id: String
    public var division: DivisionCode
    public var area: Area
    /// 户籍地址.
    public var hukouAddress: String
    /// 实际居住地址.
    public var actualAddress: String
    /// 社会化发放 account (一卡通), digits only; empty until known (the payment run refuses it).
    public var bankAccount: String
    /// 代管: a village official holds the card; needs a written agreement on file.
    public var cardHeldByOfficial: Bool
    public var custodyAgreementOnFile: Bool
    /// Income is unstable (收入不稳定): reviews every 6 months.
    public var unstableIncome: Bool
    /// The case worker (经办人) on the file: the staff key subject who sees ID numbers in full.
    public var caseWorker: String
    public var members: [Member]
    public var incomes: [IncomeLine]
    public var assets: [Asset]

    public init(
        id: String = "", division: DivisionCode, area: Area, hukouAddress: String, actualAddress: String = "", bankAccount: String = "",
        cardHeldByOfficial: Bool = false, custodyAgreementOnFile: Bool = false, unstableIncome: Bool = false, caseWorker: String = "",
        members: [Member], incomes: [IncomeLine] = [], assets: [Asset] = []
    ) {
        self.id = id
        self.division = division
        self.area = area
        self.hukouAddress = hukouAddress
        self.actualAddress = actualAddress
        self.bankAccount = bankAccount
        self.cardHeldByOfficial = cardHeldByOfficial
        self.custodyAgreementOnFile = custodyAgreementOnFile
        self.unstableIncome = unstableIncome
        self.caseWorker = caseWorker
        self.members = members
        self.incomes = incomes
        self.assets = assets
    }

    /// The head (户主).
    public var head: Member? { members.first { $0.relation == .head } }

    public func member(_ id: ResidentID) -> Member? { members.first { $0.residentID == id } }

    /// A member able (or partly able) to work, of working age (16–59) on `day`: reviews every 6 months.
    public func hasMemberAbleToWork(on day: CivilDate) -> Bool {
        members.contains {
            $0.isCounted(in: BenefitMonth(containing: day)) && $0.workAbility != .unable && (16..<60).contains($0.age(on: day))
        }
    }

    /// The members counted for `month` with their counted monthly incomes and 分类施保 categories
    /// (on the month's first day), in registry order, and the counted household income not tied
    /// to a member. Excluded lines, lines of members not counted and of the dead are left out.
    public func countedMembers(for month: BenefitMonth) -> (members: [CountedMember], residentIDs: [ResidentID], sharedIncome: Fen) {
        let day = month.firstDay
        var counted: [CountedMember] = []
        var ids: [ResidentID] = []
        for member in members where member.isCounted(in: month) {
            let income = Fen.sum(incomes.filter { !$0.excluded && $0.member == member.residentID }.map(\.monthly))
            counted.append(CountedMember(income: income, categories: member.categories(on: day)))
            ids.append(member.residentID)
        }
        let shared = Fen.sum(incomes.filter { !$0.excluded && $0.member == nil }.map(\.monthly))
        return (counted, ids, shared)
    }
}

/// The registry's rules: what a household record must satisfy, all problems at once with
/// field paths as the request names them ("members[1].resident_id").
public enum Registry {
    /// 周岁 at which a member is an adult (民法典 §17).
    public static let adultAge = 18
    /// 周岁 from which a member counts as elderly for 分类施保.
    public static let elderlyAge = 60
    public static let maxMembers = 30
    public static let maxLines = 100
    public static let maxNameLength = 50
    public static let maxAddressLength = 200
    public static let maxNoteLength = 500

    /// Every problem of `household` on `today`:
    /// - "hukou_address" REQUIRED / TOO_LONG, "actual_address" TOO_LONG;
    /// - "bank_account" INVALID (`BankAccount`), "custody_agreement_on_file" REQUIRED when the card
    ///   is held by an official (代管);
    /// - "members" EMPTY / TOO_MANY; "members" NO_HEAD / TWO_HEADS;
    /// - "members[i].name" REQUIRED / TOO_LONG; "members[i].resident_id" DUPLICATE (twice in the household);
    ///   "members[i].resident_id" BORN_IN_FUTURE;
    /// - "members[i].not_counted_reason" REQUIRED (not counted without a reason) / NOT_ALLOWED (a
    ///   reason on a counted member); "members[i].not_counted_note" REQUIRED for "other";
    /// - "members[i].disability.grade" BAD_GRADE, "members[i].disability_card_number" REQUIRED;
    /// - "incomes[i].member" UNKNOWN_MEMBER, "incomes[i].monthly" NEGATIVE, "incomes[i].excluded_reason"
    ///   REQUIRED; "assets[i].member" UNKNOWN_MEMBER, "assets[i].value" NEGATIVE; TOO_MANY lines.
    public static func problems(_ household: Household, today: CivilDate) -> ValidationErrors {
        var errors = ValidationErrors()
        text(household.hukouAddress, "hukou_address", max: maxAddressLength, required: true, &errors)
        text(household.actualAddress, "actual_address", max: maxAddressLength, required: false, &errors)
        text(household.caseWorker, "case_worker", max: maxNameLength, required: false, &errors)
        if !household.bankAccount.isEmpty { _ = BankAccount.validate(household.bankAccount, field: "bank_account", into: &errors) }
        if household.cardHeldByOfficial && !household.custodyAgreementOnFile {
            errors.add("custody_agreement_on_file", "REQUIRED", "a card held by a village official (代管) needs the written agreement on file")
        }
        if household.members.isEmpty {
            errors.add("members", "EMPTY", "a household has at least one member")
        } else if household.members.count > maxMembers {
            errors.add("members", "TOO_MANY", "a household has at most \(maxMembers) members")
        }
        let heads = household.members.filter { $0.relation == .head }.count
        if !household.members.isEmpty && heads == 0 { errors.add("members", "NO_HEAD", "one member is the head (relation head)") }
        if heads > 1 { errors.add("members", "TWO_HEADS", "a household has one head, not \(heads)") }
        var seen: [ResidentID: Int] = [:]
        for (i, member) in household.members.enumerated() {
            let field = "members[\(i)]"
            text(member.name, "\(field).name", max: maxNameLength, required: true, &errors)
            if let first = seen[member.residentID] {
                errors.add("\(field).resident_id", "DUPLICATE", "the same person is members[\(first)] too")
            } else {
                seen[member.residentID] = i
            }
            if let birth = member.birthDate, birth > today {
                errors.add("\(field).resident_id", "BORN_IN_FUTURE", "the birth date in the ID number is after today")
            }
            if let died = member.deceasedOn, died > today {
                errors.add("\(field).deceased_on", "IN_THE_FUTURE", "a death is recorded once it happened, not ahead")
            }
            if member.counted, member.notCountedReason != nil {
                errors.add("\(field).not_counted_reason", "NOT_ALLOWED", "a counted member has no reason for not being counted")
            }
            if !member.counted {
                if member.notCountedReason == nil {
                    errors.add("\(field).not_counted_reason", "REQUIRED", "a member not counted needs the reason (民发〔2021〕57号)")
                } else if member.notCountedReason == .other, member.notCountedNote.allSatisfy(\.isWhitespace) {
                    errors.add("\(field).not_counted_note", "REQUIRED", "say what the other reason is")
                }
            }
            text(member.notCountedNote, "\(field).not_counted_note", max: maxNoteLength, required: false, &errors)
            text(member.employment, "\(field).employment", max: maxNameLength, required: false, &errors)
            if let card = member.disability {
                if !(1...4).contains(card.grade) {
                    errors.add("\(field).disability.grade", "BAD_GRADE", "a disability grade is 1 to 4, not \(card.grade)")
                }
                if member.disabilityCardNumber.allSatisfy(\.isWhitespace) {
                    errors.add("\(field).disability_card_number", "REQUIRED", "a disability needs its card number (残疾人证号)")
                }
                text(member.disabilityCardNumber, "\(field).disability_card_number", max: maxNameLength, required: false, &errors)
            }
        }
        if household.incomes.count > maxLines { errors.add("incomes", "TOO_MANY", "at most \(maxLines) income lines") }
        for (i, line) in household.incomes.enumerated() {
            let field = "incomes[\(i)]"
            if let member = line.member, seen[member] == nil {
                errors.add("\(field).member", "UNKNOWN_MEMBER", "the income's member is not in the household")
            }
            if line.monthly.fen < 0 { errors.add("\(field).monthly", "NEGATIVE", "an income is not negative") }
            if line.excluded, line.excludedReason.allSatisfy(\.isWhitespace) {
                errors.add("\(field).excluded_reason", "REQUIRED", "an excluded income needs the reason (两项补贴, 优抚金, awards …)")
            }
            text(line.excludedReason, "\(field).excluded_reason", max: maxNoteLength, required: false, &errors)
            text(line.period, "\(field).period", max: maxNameLength, required: false, &errors)
        }
        if household.assets.count > maxLines { errors.add("assets", "TOO_MANY", "at most \(maxLines) assets") }
        for (i, asset) in household.assets.enumerated() {
            let field = "assets[\(i)]"
            if let member = asset.member, seen[member] == nil {
                errors.add("\(field).member", "UNKNOWN_MEMBER", "the asset's member is not in the household")
            }
            if asset.value.fen < 0 { errors.add("\(field).value", "NEGATIVE", "an asset's value is not negative") }
            text(asset.description, "\(field).description", max: maxNoteLength, required: false, &errors)
            text(asset.ruleApplied, "\(field).rule_applied", max: maxNoteLength, required: false, &errors)
        }
        return errors
    }

    /// A sex or birth date stated on a form must be the one the ID number carries.
    public static func checkStated(sex: Sex?, birthDate: CivilDate?, against id: ResidentID, field: String, into errors: inout ValidationErrors) {
        if let sex, sex != id.sex {
            errors.add("\(field).sex", "MISMATCH_ID", "the stated sex is not the one the ID number carries")
        }
        if let birthDate, (birthDate.year, birthDate.month, birthDate.day) != (id.birthYear, id.birthMonth, id.birthDay) {
            errors.add("\(field).birth_date", "MISMATCH_ID", "the stated birth date is not the one the ID number carries")
        }
    }

    static func text(_ value: String, _ field: String, max: Int, required: Bool, _ errors: inout ValidationErrors) {
        if required, value.allSatisfy(\.isWhitespace) {
            errors.add(field, "REQUIRED", "\(field) is required")
        } else if value.count > max {
            errors.add(field, "TOO_LONG", "\(field) is longer than \(max) characters")
        }
    }
}

// Stored records (the registry, decision snapshots) leave out every field at its default, and
// read a missing field as its default: a snapshot is decoded for every case a payment run
// computes, and most members carry only a name, an ID and a relation.
extension Member {
    enum CodingKeys: String, CodingKey {
        case name, residentID, relation, counted, notCountedReason, notCountedNote, disability, disabilityCardNumber, seriousIllness, workAbility,
            selfCare, employment, deceasedOn
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try c.decode(String.self, forKey: .name), residentID: try c.decode(ResidentID.self, forKey: .residentID),
            relation: try c.decode(Relation.self, forKey: .relation), counted: try c.decodeIfPresent(Bool.self, forKey: .counted) ?? true,
            notCountedReason: try c.decodeIfPresent(NotCountedReason.self, forKey: .notCountedReason),
            notCountedNote: try c.decodeIfPresent(String.self, forKey: .notCountedNote) ?? "",
            disability: try c.decodeIfPresent(DisabilityCard.self, forKey: .disability),
            disabilityCardNumber: try c.decodeIfPresent(String.self, forKey: .disabilityCardNumber) ?? "",
            seriousIllness: try c.decodeIfPresent(Bool.self, forKey: .seriousIllness) ?? false,
            workAbility: try c.decodeIfPresent(WorkAbility.self, forKey: .workAbility) ?? .unable,
            selfCare: try c.decodeIfPresent(SelfCareAssessment.self, forKey: .selfCare),
            employment: try c.decodeIfPresent(String.self, forKey: .employment) ?? "", deceasedOn: try c.decodeIfPresent(CivilDate.self, forKey: .deceasedOn))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(residentID, forKey: .residentID)
        try c.encode(relation, forKey: .relation)
        if !counted { try c.encode(counted, forKey: .counted) }
        try c.encodeIfPresent(notCountedReason, forKey: .notCountedReason)
        if !notCountedNote.isEmpty { try c.encode(notCountedNote, forKey: .notCountedNote) }
        try c.encodeIfPresent(disability, forKey: .disability)
        if !disabilityCardNumber.isEmpty { try c.encode(disabilityCardNumber, forKey: .disabilityCardNumber) }
        if seriousIllness { try c.encode(seriousIllness, forKey: .seriousIllness) }
        if workAbility != .unable { try c.encode(workAbility, forKey: .workAbility) }
        try c.encodeIfPresent(selfCare, forKey: .selfCare)
        if !employment.isEmpty { try c.encode(employment, forKey: .employment) }
        try c.encodeIfPresent(deceasedOn, forKey: .deceasedOn)
    }
}

extension IncomeLine {
    enum CodingKeys: String, CodingKey {
        case member, category, monthly, period, source, excluded, excludedReason
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            member: try c.decodeIfPresent(ResidentID.self, forKey: .member), category: try c.decode(IncomeCategory.self, forKey: .category),
            monthly: try c.decode(Fen.self, forKey: .monthly), period: try c.decodeIfPresent(String.self, forKey: .period) ?? "",
            source: try c.decodeIfPresent(IncomeSource.self, forKey: .source) ?? .declared,
            excluded: try c.decodeIfPresent(Bool.self, forKey: .excluded) ?? false,
            excludedReason: try c.decodeIfPresent(String.self, forKey: .excludedReason) ?? "")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(member, forKey: .member)
        try c.encode(category, forKey: .category)
        try c.encode(monthly, forKey: .monthly)
        if !period.isEmpty { try c.encode(period, forKey: .period) }
        if source != .declared { try c.encode(source, forKey: .source) }
        if excluded { try c.encode(excluded, forKey: .excluded) }
        if !excludedReason.isEmpty { try c.encode(excludedReason, forKey: .excludedReason) }
    }
}

extension Household {
    enum CodingKeys: String, CodingKey {
        case id, division, area, hukouAddress, actualAddress, bankAccount, cardHeldByOfficial, custodyAgreementOnFile, unstableIncome, caseWorker, members,
            incomes, assets
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decodeIfPresent(String.self, forKey: .id) ?? "", division: try c.decode(DivisionCode.self, forKey: .division),
            area: try c.decode(Area.self, forKey: .area), hukouAddress: try c.decode(String.self, forKey: .hukouAddress),
            actualAddress: try c.decodeIfPresent(String.self, forKey: .actualAddress) ?? "",
            bankAccount: try c.decodeIfPresent(String.self, forKey: .bankAccount) ?? "",
            cardHeldByOfficial: try c.decodeIfPresent(Bool.self, forKey: .cardHeldByOfficial) ?? false,
            custodyAgreementOnFile: try c.decodeIfPresent(Bool.self, forKey: .custodyAgreementOnFile) ?? false,
            unstableIncome: try c.decodeIfPresent(Bool.self, forKey: .unstableIncome) ?? false,
            caseWorker: try c.decodeIfPresent(String.self, forKey: .caseWorker) ?? "", members: try c.decode([Member].self, forKey: .members),
            incomes: try c.decodeIfPresent([IncomeLine].self, forKey: .incomes) ?? [], assets: try c.decodeIfPresent([Asset].self, forKey: .assets) ?? [])
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !id.isEmpty { try c.encode(id, forKey: .id) }
        try c.encode(division, forKey: .division)
        try c.encode(area, forKey: .area)
        try c.encode(hukouAddress, forKey: .hukouAddress)
        if !actualAddress.isEmpty { try c.encode(actualAddress, forKey: .actualAddress) }
        if !bankAccount.isEmpty { try c.encode(bankAccount, forKey: .bankAccount) }
        if cardHeldByOfficial { try c.encode(cardHeldByOfficial, forKey: .cardHeldByOfficial) }
        if custodyAgreementOnFile { try c.encode(custodyAgreementOnFile, forKey: .custodyAgreementOnFile) }
        if unstableIncome { try c.encode(unstableIncome, forKey: .unstableIncome) }
        if !caseWorker.isEmpty { try c.encode(caseWorker, forKey: .caseWorker) }
        try c.encode(members, forKey: .members)
        if !incomes.isEmpty { try c.encode(incomes, forKey: .incomes) }
        if !assets.isEmpty { try c.encode(assets, forKey: .assets) }
    }
}
