import AssistanceDomain
import CivicDomain
import CivicProtos
import CivicServiceKit

/// How much of a household's personal data a caller sees: ID numbers and bank accounts in
/// full only for the case worker on the file; masked for everyone else.
struct RecordView: Sendable {
    let fullIdentifiers: Bool

    func residentID(_ id: ResidentID) -> String { fullIdentifiers ? id.description : id.masked }

    /// A card number masked like an ID: first 6 and last 4 characters.
    func cardNumber(_ number: String) -> String {
        guard number.count > 10 else { return String(repeating: "*", count: number.count) }
        return number.prefix(6) + String(repeating: "*", count: number.count - 10) + number.suffix(4)
    }

    func bankAccount(_ account: String) -> String {
        guard !fullIdentifiers, account.count > 4 else { return account }
        return String(repeating: "*", count: account.count - 4) + account.suffix(4)
    }
}

/// Reading a household from a request: every problem at once, fields as the request names them
/// ("household.members[1].resident_id").
enum HouseholdInput {
    static func parse(_ input: Civic_Assistance_V1_Household, today: CivilDate) throws -> Household {
        var errors = ValidationErrors()
        let division = DivisionCode.validate(input.division, field: "household.division", into: &errors)
        let area: Area? = collect(&errors) { try WireEnum.required(input.area, field: "household.area") }
        var members: [Member] = []
        for (i, m) in input.members.enumerated() {
            let field = "household.members[\(i)]"
            guard let id = ResidentID.validate(m.residentID, field: "\(field).resident_id", into: &errors) else { continue }
            var stated: Sex?
            switch m.sex {
            case "": stated = nil
            case "male", "男": stated = .male
            case "female", "女": stated = .female
            default: errors.add("\(field).sex", "UNKNOWN", "sex is male or female (or empty: taken from the ID)")
            }
            var birth: CivilDate?
            if !m.birthDate.isEmpty {
                birth = CivilDate(m.birthDate)
                if birth == nil { errors.add("\(field).birth_date", "INVALID", "birth_date must be a date YYYY-MM-DD") }
            }
            Registry.checkStated(sex: stated, birthDate: birth, against: id, field: field, into: &errors)
            let relation: Relation? = collect(&errors) { try WireEnum.required(m.relation, field: "\(field).relation") }
            let reason: NotCountedReason? = collect(&errors) { try WireEnum.optional(m.notCountedReason, field: "\(field).not_counted_reason") } ?? nil
            let work: WorkAbility? = collect(&errors) { try WireEnum.required(m.workAbility, field: "\(field).work_ability") }
            var card: DisabilityCard?
            if m.hasDisability {
                if let category: DisabilityCategory = collect(&errors, { try WireEnum.required(m.disability.category, field: "\(field).disability.category") })
                {
                    card = DisabilityCard(category: category, grade: Int(m.disability.grade))
                }
            }
            let deceased = m.deceasedOn.isEmpty ? nil : CivilDate(m.deceasedOn)
            if !m.deceasedOn.isEmpty && deceased == nil { errors.add("\(field).deceased_on", "INVALID", "deceased_on must be a date YYYY-MM-DD") }
            guard let relation, let work else { continue }
            members.append(
                Member(
                    name: m.name.trimmingCharacters(in: .whitespacesAndNewlines), residentID: id, relation: relation, counted: !m.notCounted,
                    notCountedReason: reason, notCountedNote: m.notCountedNote, disability: card, disabilityCardNumber: m.disability.cardNumber,
                    seriousIllness: m.seriousIllness, workAbility: work, selfCare: m.hasSelfCare ? SelfCareAssessment(m.selfCare) : nil,
                    employment: m.employment, deceasedOn: deceased))
        }
        var incomes: [IncomeLine] = []
        for (i, line) in input.incomes.enumerated() {
            let field = "household.incomes[\(i)]"
            let member = optionalMember(line.memberResidentID, field: "\(field).member_resident_id", into: &errors)
            let category: IncomeCategory? = collect(&errors) { try WireEnum.required(line.category, field: "\(field).category") }
            let source: IncomeSource? = collect(&errors) { try WireEnum.optional(line.source, field: "\(field).source") } ?? .declared
            guard let category, let member else { continue }
            incomes.append(
                IncomeLine(
                    member: member.id, category: category, monthly: Fen(Int(line.monthlyFen)), period: line.period, source: source ?? .declared,
                    excluded: line.excluded, excludedReason: line.excludedReason))
        }
        var assets: [Asset] = []
        for (i, asset) in input.assets.enumerated() {
            let field = "household.assets[\(i)]"
            let member = optionalMember(asset.memberResidentID, field: "\(field).member_resident_id", into: &errors)
            let type: AssetType? = collect(&errors) { try WireEnum.required(asset.type, field: "\(field).type") }
            guard let type, let member else { continue }
            assets.append(
                Asset(member: member.id, type: type, value: Fen(Int(asset.valueFen)), description: asset.description_p, ruleApplied: asset.ruleApplied))
        }
        try errors.check()
        guard let division, let area else { throw errors.domainError }
        let household = Household(
            division: division, area: area, hukouAddress: input.hukouAddress.trimmingCharacters(in: .whitespacesAndNewlines),
            actualAddress: input.actualAddress.trimmingCharacters(in: .whitespacesAndNewlines), bankAccount: input.bankAccount.filter { $0 != " " },
            cardHeldByOfficial: input.cardHeldByOfficial, custodyAgreementOnFile: input.custodyAgreementOnFile, unstableIncome: input.unstableIncome,
            caseWorker: input.caseWorker.trimmingCharacters(in: .whitespaces), members: members, incomes: incomes, assets: assets)
        try Registry.problems(household, today: today).prefixed("household.").check()
        return household
    }

    /// nil member id for an empty field (household-level line); `.some(nil)`-free wrapper.
    struct OptionalMember { let id: ResidentID? }

    static func optionalMember(_ text: String, field: String, into errors: inout ValidationErrors) -> OptionalMember? {
        if text.isEmpty { return OptionalMember(id: nil) }
        guard let id = ResidentID.validate(text, field: field, into: &errors) else { return nil }
        return OptionalMember(id: id)
    }

    /// The value of `body`, or nil with its problem added to `errors`.
    static func collect<T>(_ errors: inout ValidationErrors, _ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch let error as DomainError {
            for problem in error.problems { errors.add(problem) }
            return nil
        } catch {
            errors.add("", "INVALID", "\(error)")
            return nil
        }
    }
}

extension SelfCareAssessment {
    init(_ proto: Civic_Assistance_V1_SelfCareAssessment) {
        self.init(
            eating: proto.eating, dressing: proto.dressing, gettingInOutOfBed: proto.gettingInOutOfBed, toilet: proto.toilet,
            walkingIndoors: proto.walkingIndoors, bathing: proto.bathing)
    }

    var proto: Civic_Assistance_V1_SelfCareAssessment {
        var p = Civic_Assistance_V1_SelfCareAssessment()
        p.eating = eating
        p.dressing = dressing
        p.gettingInOutOfBed = gettingInOutOfBed
        p.toilet = toilet
        p.walkingIndoors = walkingIndoors
        p.bathing = bathing
        return p
    }
}

extension Civic_Assistance_V1_Household {
    init(_ household: Household, view: RecordView, today: CivilDate, updatedAt: String = "") {
        self.init()
        id = household.id
        division = household.division.description
        area = WireEnum.wire(household.area)
        hukouAddress = household.hukouAddress
        actualAddress = household.actualAddress
        bankAccount = view.bankAccount(household.bankAccount)
        cardHeldByOfficial = household.cardHeldByOfficial
        custodyAgreementOnFile = household.custodyAgreementOnFile
        unstableIncome = household.unstableIncome
        caseWorker = household.caseWorker
        members = household.members.map { Civic_Assistance_V1_Member($0, view: view, today: today) }
        incomes = household.incomes.map { line in
            var p = Civic_Assistance_V1_IncomeLine()
            p.memberResidentID = line.member.map(view.residentID) ?? ""
            p.category = WireEnum.wire(line.category)
            p.monthlyFen = Int64(line.monthly.fen)
            p.period = line.period
            p.source = WireEnum.wire(line.source)
            p.excluded = line.excluded
            p.excludedReason = line.excludedReason
            return p
        }
        assets = household.assets.map { asset in
            var p = Civic_Assistance_V1_Asset()
            p.memberResidentID = asset.member.map(view.residentID) ?? ""
            p.type = WireEnum.wire(asset.type)
            p.valueFen = Int64(asset.value.fen)
            p.description_p = asset.description
            p.ruleApplied = asset.ruleApplied
            return p
        }
        self.updatedAt = updatedAt
    }
}

extension Civic_Assistance_V1_Member {
    init(_ member: Member, view: RecordView, today: CivilDate) {
        self.init()
        name = member.name
        residentID = view.residentID(member.residentID)
        sex = member.sex.rawValue
        // A masked ID hides exactly the birth date: the date is shown only with the full number.
        birthDate = view.fullIdentifiers ? member.birthDate?.description ?? "" : ""
        relation = WireEnum.wire(member.relation)
        notCounted = !member.counted
        if let reason = member.notCountedReason { notCountedReason = WireEnum.wire(reason) }
        notCountedNote = member.notCountedNote
        if let card = member.disability {
            disability.category = WireEnum.wire(card.category)
            disability.grade = Int32(card.grade)
            // The 残疾人证号 begins with the resident ID: masked like it.
            disability.cardNumber = view.fullIdentifiers ? member.disabilityCardNumber : view.cardNumber(member.disabilityCardNumber)
        }
        seriousIllness = member.seriousIllness
        workAbility = WireEnum.wire(member.workAbility)
        if let assessment = member.selfCare {
            selfCare = assessment.proto
            selfCareLevel = WireEnum.wire(assessment.level)
        }
        employment = member.employment
        minor = member.isMinor(on: today)
        age = Int32(member.age(on: today))
        deceasedOn = member.deceasedOn?.description ?? ""
    }
}
