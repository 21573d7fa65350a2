import CivicDomain

/// What a case is computed for: the program and the program's own choices, as filed.
public struct EntitlementTerms: Sendable, Hashable, Codable {
    public var program: Program
    /// The person (特困, 两项补贴, 单人保); nil for a household's 低保 or 临时救助.
    public var member: ResidentID?
    /// 特困: 集中 or 分散.
    public var setting: SupportSetting
    /// 低保 单人保: the member assisted alone.
    public var singlePerson: Bool
    /// 临时救助: the kind and the amount asked for (the grant, capped).
    public var temporaryKind: TemporaryAssistanceKind
    public var requested: Fen

    public init(
        program: Program, member: ResidentID? = nil, setting: SupportSetting = .dispersed, singlePerson: Bool = false,
        temporaryKind: TemporaryAssistanceKind = .expenditure, requested: Fen = .zero
    ) {
        self.program = program
        self.member = member
        self.setting = setting
        self.singlePerson = singlePerson
        self.temporaryKind = temporaryKind
        self.requested = requested
    }

    /// The problems of these terms for `household`: "member_resident_id" REQUIRED (特困, 两项补贴,
    /// 单人保) or UNKNOWN_MEMBER; "single_person" NOT_ALLOWED outside 低保; "requested_fen"
    /// NOT_POSITIVE for 临时救助.
    public func problems(for household: Household) -> ValidationErrors {
        var errors = ValidationErrors()
        let needsMember = program == .destitute || program == .disabilitySubsidy || singlePerson
        if let member {
            if household.member(member) == nil {
                errors.add("member_resident_id", "UNKNOWN_MEMBER", "the person is not a member of household \(household.id)")
            }
        } else if needsMember {
            errors.add("member_resident_id", "REQUIRED", "\(program.rawValue) is for one person: name the member")
        }
        if singlePerson && program != .minimumLiving {
            errors.add("single_person", "NOT_ALLOWED", "单人保 is a 低保 option")
        }
        if program == .temporary && requested.fen <= 0 {
            errors.add("requested_fen", "NOT_POSITIVE", "a 临时救助 application states the amount asked for")
        }
        return errors
    }
}

/// One computed entitlement: the amount for a month (once, for 临时救助), with its formula and
/// the standard version it used.
public struct EntitlementResult: Sendable, Hashable {
    public var program: Program
    public var month: BenefitMonth
    public var amount: Fen
    /// False when nothing is due: the 低保 income test fails, the person has died, no card.
    public var eligible: Bool
    public var formula: String
    public var standardVersionID: String
    /// n and I as counted (低保); 1 and the person's income otherwise.
    public var householdSize: Int
    public var householdIncome: Fen
    public var selfCareLevel: SelfCareLevel?
    /// 低保边缘 (monitored, not paid), from the household's counted size and income.
    public var marginal: LowIncomeAssessment?
}

/// The one place a household's entitlement is computed from the registry (or a decision
/// snapshot) and a standard: the preview, the township's proposed amount, the decision and every
/// payment month go through it.
public enum Entitlement {
    /// The entitlement of `household` under `terms` for `month`, with `standard` the version in
    /// force on the month's first day. Members dead before the month's first day are not counted;
    /// a 特困 or 两项补贴 person who died gets nothing (eligible false).
    ///
    /// Throws `DomainError.invalid` for terms that do not fit the household (`EntitlementTerms.problems`),
    /// a 特困 person without a self-care assessment ("self_care" REQUIRED), a 临时救助 amount over
    /// the cap ("amount" OVER_CAP), and whatever the calculators refuse.
    public static func compute(
        household: Household, terms: EntitlementTerms, month: BenefitMonth, standard: StandardVersion,
        options: MinimumLivingOptions = MinimumLivingOptions(), inMinimumLivingFamily: Bool = false
    ) throws -> EntitlementResult {
        try terms.problems(for: household).check()
        let counted = household.countedMembers(for: month)
        let income = Fen.sum(counted.members.map(\.income)) + counted.sharedIncome
        let marginal = counted.members.isEmpty ? nil : try LowIncome.marginal(income: income, householdSize: counted.members.count, standard: standard)
        var result = EntitlementResult(
            program: terms.program, month: month, amount: .zero, eligible: false, formula: "", standardVersionID: standard.id,
            householdSize: counted.members.count, householdIncome: income, selfCareLevel: nil, marginal: marginal)
        let person = terms.member.flatMap { household.member($0) }
        if let person, !person.isCounted(in: month) && terms.program != .minimumLiving && terms.program != .temporary {
            result.formula = person.deceasedOn != nil ? "已故 = 0" : "不计入家庭成员 = 0"
            return result
        }

        switch terms.program {
        case .minimumLiving:
            guard !counted.members.isEmpty else {
                result.formula = "无计入成员 = 0"
                return result
            }
            var options = options
            if terms.singlePerson, let id = terms.member {
                guard let index = counted.residentIDs.firstIndex(of: id) else {
                    result.formula = "不计入家庭成员 = 0"
                    return result
                }
                options.singlePersonMember = index
            }
            let benefit = try MinimumLivingBenefit.compute(
                members: counted.members, sharedIncome: counted.sharedIncome, standard: standard, options: options)
            result.amount = benefit.amount
            result.eligible = benefit.eligible
            result.formula = benefit.formula
            result.householdSize = benefit.householdSize
            result.householdIncome = benefit.income
        case .destitute:
            guard let assessment = person?.selfCare else {
                throw DomainError.invalid("特困 support needs the person's self-care assessment (six items)", field: "self_care", reason: "REQUIRED")
            }
            let support = DestituteSupport.compute(level: assessment.level, setting: terms.setting, standard: standard)
            result.amount = support.total
            result.eligible = true
            result.formula = support.formula + "; \(support.basicLiving.fen) + \(support.care.fen) = \(support.total.fen)"
            result.selfCareLevel = assessment.level
        case .temporary:
            let grant = try TemporaryAssistance.grant(amount: terms.requested, kind: terms.temporaryKind, standard: standard)
            result.amount = grant.amount
            result.eligible = true
            result.formula = grant.formula
        case .disabilitySubsidy:
            let subsidies = try DisabilitySubsidies.compute(card: person?.disability, inMinimumLivingFamily: inMinimumLivingFamily, standard: standard)
            result.amount = subsidies.total
            result.eligible = subsidies.total.fen > 0
            result.formula = subsidies.formula
        }
        return result
    }
}

/// The household as decided (决定快照, OpenSPP #626): the registry record, the terms and the
/// decision, frozen when the county approves. Every paid month is computed from a snapshot, so
/// later registry edits never change a paid month; a review or a death event adds a new snapshot
/// from a later month instead.
public struct DecisionSnapshot: Sendable, Hashable, Codable {
    public var household: Household
    public var terms: EntitlementTerms
    public var decidedOn: CivilDate
    /// The first month this snapshot pays for.
    public var effectiveFrom: BenefitMonth
    /// The amount as decided for `effectiveFrom`.
    public var amount: Fen
    public var standardVersionID: String

    public init(household: Household, terms: EntitlementTerms, decidedOn: CivilDate, effectiveFrom: BenefitMonth, amount: Fen, standardVersionID: String) {
        self.household = household
        self.terms = terms
        self.decidedOn = decidedOn
        self.effectiveFrom = effectiveFrom
        self.amount = amount
        self.standardVersionID = standardVersionID
    }
}

extension DecisionSnapshot {
    /// What this snapshot pays for `month`: its household and terms under the standard in force on
    /// the month's first day. The payment run and a review's "current amount" both ask this.
    public func entitlement(
        for month: BenefitMonth, standards: StandardTable, options: MinimumLivingOptions, inMinimumLivingFamily: Bool
    ) throws -> EntitlementResult {
        let standard = try standards.inForce(division: household.division, area: household.area, month: month)
        return try Entitlement.compute(
            household: household, terms: terms, month: month, standard: standard, options: options, inMinimumLivingFamily: inMinimumLivingFamily)
    }
}

// Stored with the snapshot of every case: fields at their default are left out (see Member).
extension EntitlementTerms {
    enum CodingKeys: String, CodingKey {
        case program, member, setting, singlePerson, temporaryKind, requested
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            program: try c.decode(Program.self, forKey: .program), member: try c.decodeIfPresent(ResidentID.self, forKey: .member),
            setting: try c.decodeIfPresent(SupportSetting.self, forKey: .setting) ?? .dispersed,
            singlePerson: try c.decodeIfPresent(Bool.self, forKey: .singlePerson) ?? false,
            temporaryKind: try c.decodeIfPresent(TemporaryAssistanceKind.self, forKey: .temporaryKind) ?? .expenditure,
            requested: try c.decodeIfPresent(Fen.self, forKey: .requested) ?? .zero)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(program, forKey: .program)
        try c.encodeIfPresent(member, forKey: .member)
        if setting != .dispersed { try c.encode(setting, forKey: .setting) }
        if singlePerson { try c.encode(singlePerson, forKey: .singlePerson) }
        if temporaryKind != .expenditure { try c.encode(temporaryKind, forKey: .temporaryKind) }
        if requested != .zero { try c.encode(requested, forKey: .requested) }
    }
}
