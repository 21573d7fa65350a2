import CivicDomain

/// Who owns an institution (举办主体, RULES.md §2(a)). Case order is stored: append only.
public enum Ownership: String, Sendable, Hashable, CaseIterable, Codable {
    /// 公办: built and run by government.
    case publicRun = "public_run"
    /// 公建民营: built by government, run by a private operator under contract.
    case publicBuiltPrivatelyRun = "public_built_privately_run"
    /// 民办: built and run privately (社会兴办).
    case privatelyRun = "privately_run"

    public var chineseName: String {
        switch self {
        case .publicRun: "公办"
        case .publicBuiltPrivatelyRun: "公建民营"
        case .privatelyRun: "民办"
        }
    }
}

/// Profit nature (性质), which decides the registrar (RULES.md §2(a)): 公益性 registers as a social
/// organization or public institution, 经营性 with 市场监管; both file 备案 with 民政.
public enum ProfitNature: String, Sendable, Hashable, CaseIterable, Codable {
    /// 公益性 / 非营利.
    case nonProfit = "non_profit"
    /// 经营性 / 营利.
    case forProfit = "for_profit"
}

/// Fire-safety status as the bureau last recorded it (消防安全). Decision (RULES.md names the field
/// only): four states, the last two a risk the supervision flags (S000 三年专项整治, S004).
public enum FireSafetyStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// 未核查: nothing recorded yet.
    case notAssessed = "not_assessed"
    /// 合格: 消防验收/备案 or 消防安全检查 passed.
    case passed
    /// 整改中: found wanting, rectification under way.
    case rectifying
    /// 不合格: failed, no rectification recorded.
    case failed
}

/// An institution's operating status. Case order is stored: append only.
///
/// Allowed moves (decision; RULES.md names the states, 老年人权益保障法 §45–46 the triggers):
/// - operating → suspended (停业整顿 ordered, or 暂停) or closing (歇业/终止 announced);
/// - suspended → operating (整顿 done) or closing;
/// - closing → closed, only once no resident remains (§46: residents are resettled first);
/// - closed is final: reopening is a new registration.
public enum InstitutionStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// 运营.
    case operating
    /// 暂停运营 / 停业整顿.
    case suspended
    /// 停止运营中 (residents being resettled).
    case closing
    /// 已终止.
    case closed

    /// The statuses this one may move to.
    public var allowedNext: [InstitutionStatus] {
        switch self {
        case .operating: [.suspended, .closing]
        case .suspended: [.operating, .closing]
        case .closing: [.closed]
        case .closed: []
        }
    }

    public func canMove(to next: InstitutionStatus) -> Bool { allowedNext.contains(next) }
}

/// A 医养结合 agreement (签约) with a medical partner: counted in 签约率 while valid.
public struct MedicalCareAgreement: Sendable, Hashable, Codable {
    /// The partner hospital or clinic.
    public var partner: String
    public var signedOn: CivilDate
    /// The last day it runs; nil for open-ended.
    public var expiresOn: CivilDate?

    public init(partner: String, signedOn: CivilDate, expiresOn: CivilDate? = nil) {
        self.partner = partner
        self.signedOn = signedOn
        self.expiresOn = expiresOn
    }

    /// Signed on or before `day` and not expired before it.
    public func isValid(on day: CivilDate) -> Bool { signedOn <= day && (expiresOn.map { day <= $0 } ?? true) }
}

/// 养老机构综合责任保险 (老年人权益保障法 §49 encourages it).
public struct LiabilityInsurance: Sendable, Hashable, Codable {
    public var insurer: String
    public var policyNumber: String
    public var validFrom: CivilDate
    /// The last day covered.
    public var validUntil: CivilDate

    public init(insurer: String, policyNumber: String, validFrom: CivilDate, validUntil: CivilDate) {
        self.insurer = insurer
        self.policyNumber = policyNumber
        self.validFrom = validFrom
        self.validUntil = validUntil
    }

    public func isValid(on day: CivilDate) -> Bool { validFrom <= day && day <= validUntil }
}

/// One operator's period at an institution (运营方): the history that survives a change of
/// operator, so grades, inspections and findings stay with the place (CQC "regulatory history").
public struct OperatorPeriod: Sendable, Hashable, Codable {
    public var operatorName: String
    /// The operator's own credit code; "" when unknown.
    public var operatorCreditCode: String
    /// 连锁品牌 / chain (CMS "chain affiliation"); "" for none.
    public var chain: String
    /// First day; nil when not known (a record loaded without its history).
    public var from: CivilDate?
    /// Last day; nil for the current operator.
    public var until: CivilDate?

    public init(operatorName: String, operatorCreditCode: String = "", chain: String = "", from: CivilDate?, until: CivilDate? = nil) {
        self.operatorName = operatorName
        self.operatorCreditCode = operatorCreditCode
        self.chain = chain
        self.from = from
        self.until = until
    }

    public var isCurrent: Bool { until == nil }
}

/// An elderly-care institution (养老机构), RULES.md §2(a).
public struct Institution: Sendable, Hashable, Codable {
    /// The store's id; "" for one not yet registered.
    public var id: String
    public var name: String
    /// 统一社会信用代码 as given; `InstitutionRules.validated` upper-cases it.
    public var creditCode: String
    public var ownership: Ownership
    public var nature: ProfitNature
    /// The current operator (运营方): the private operator of a 公建民营 place; "" when it runs itself.
    public var operatorName: String
    public var operatorCreditCode: String
    /// 连锁品牌; "" for none.
    public var chain: String
    public var county: DivisionCode
    /// The street or township (9 digits).
    public var street: LocalDivisionCode?
    /// The community or village (12 digits).
    public var community: LocalDivisionCode?
    public var address: String
    /// 床位数 (total).
    public var beds: Int
    /// 护理型床位数.
    public var nursingBeds: Int
    /// 在住老人数, as the store keeps it from the resident records.
    public var residents: Int
    /// 开业 (operating since): grading needs ≥ 1 year (RULES.md §2(b)).
    public var openedOn: CivilDate?
    /// 备案 date with county 民政 (老年人权益保障法 §43); nil until filed.
    public var filedOn: CivilDate?
    /// GB/T 37276 grade and the last day it is valid.
    public var grade: CareGrade?
    public var gradeValidUntil: CivilDate?
    public var medicalCare: MedicalCareAgreement?
    public var fireSafety: FireSafetyStatus
    public var insurance: LiabilityInsurance?
    public var status: InstitutionStatus
    /// Operators in date order, the current one last (`until` nil).
    public var operatorHistory: [OperatorPeriod]

    public init(
        id: String = "", name: String, creditCode: String, ownership: Ownership, nature: ProfitNature, operatorName: String = "",
        operatorCreditCode: String = "", chain: String = "", county: DivisionCode, street: LocalDivisionCode? = nil,
        community: LocalDivisionCode? = nil, address: String = "", beds: Int, nursingBeds: Int = 0, residents: Int = 0, openedOn: CivilDate? = nil,
        filedOn: CivilDate? = nil, grade: CareGrade? = nil, gradeValidUntil: CivilDate? = nil, medicalCare: MedicalCareAgreement? = nil,
        fireSafety: FireSafetyStatus = .notAssessed, insurance: LiabilityInsurance? = nil, status: InstitutionStatus = .operating,
        operatorHistory: [OperatorPeriod] = []
    ) {
        self.id = id
        self.name = name
        self.creditCode = creditCode
        self.ownership = ownership
        self.nature = nature
        self.operatorName = operatorName
        self.operatorCreditCode = operatorCreditCode
        self.chain = chain
        self.county = county
        self.street = street
        self.community = community
        self.address = address
        self.beds = beds
        self.nursingBeds = nursingBeds
        self.residents = residents
        self.openedOn = openedOn
        self.filedOn = filedOn
        self.grade = grade
        self.gradeValidUntil = gradeValidUntil
        self.medicalCare = medicalCare
        self.fireSafety = fireSafety
        self.insurance = insurance
        self.status = status
        self.operatorHistory = operatorHistory
    }

    /// The grade if still valid on `day` (an expired grade is shown as none).
    public func validGrade(on day: CivilDate) -> CareGrade? { CareGrade.valid(grade, until: gradeValidUntil, on: day) }

    /// Whether a 医养结合 agreement is valid on `day` (签约率).
    public func hasMedicalCare(on day: CivilDate) -> Bool { medicalCare?.isValid(on: day) ?? false }
}

/// Configurable thresholds of the institution register.
public struct InstitutionThresholds: Sendable, Hashable, Codable {
    /// A place counts as an institution only with at least this many beds (DOMAIN.md §3, issue 11:
    /// 10, "以上" includes the number, RULES.md §0.1). Smaller places register as community facilities.
    public var minimumBeds: Int
    /// Longest name, address or operator name.
    public var maxTextLength: Int

    public init(minimumBeds: Int = 10, maxTextLength: Int = 200) {
        self.minimumBeds = minimumBeds
        self.maxTextLength = maxTextLength
    }
}

/// The rules of the institution register.
public enum InstitutionRules {
    /// Whether `institution` counts as an institution: at least `minimumBeds` beds (10 by default).
    public static func countsAsInstitution(_ institution: Institution, thresholds: InstitutionThresholds = InstitutionThresholds()) -> Bool {
        countsAsInstitution(beds: institution.beds, thresholds: thresholds)
    }

    /// Whether a place with `beds` beds counts as an institution.
    public static func countsAsInstitution(beds: Int, thresholds: InstitutionThresholds = InstitutionThresholds()) -> Bool {
        beds >= thresholds.minimumBeds
    }

    /// Every problem of `institution` on `today`, each with its field and reason:
    /// - "name" `REQUIRED` / `TOO_LONG`; "address", "operator_name", "chain" `TOO_LONG`;
    /// - "credit_code" `REQUIRED` or `UnifiedSocialCreditCode`'s `BAD_LENGTH` / `BAD_CHARACTERS` /
    ///   `BAD_DIVISION_CODE` / `BAD_CHECK_CHARACTER` (codes in `legacyCreditCodes` pass); "operator_credit_code" the same when given;
    /// - "nature" `CONFLICT`: a 公办 institution is 公益性 (decision: a public body does not run for profit);
    /// - "operator_name" `REQUIRED` for 公建民营 (the private operator is the point of it);
    /// - "beds" `NEGATIVE`, `BELOW_MINIMUM` (fewer than `minimumBeds` while not closed);
    ///   "nursing_beds" `NEGATIVE` / `EXCEEDS_BEDS`; "residents" `NEGATIVE` / `EXCEEDS_BEDS`, `NOT_RESETTLED` (closed with residents);
    /// - "street" `LEVEL_MISMATCH` (a 12-digit code), `NOT_IN_COUNTY`; "community" `LEVEL_MISMATCH` (a 9-digit code),
    ///   `NOT_IN_STREET`; with a `divisions` table also `UNKNOWN` (not in the table);
    /// - "opened_on", "filed_on" `IN_THE_FUTURE`;
    /// - "grade_valid_until" `REQUIRED` (a grade without it), "grade" `REQUIRED` (a validity without a grade);
    /// - "medical_care.partner" `REQUIRED`, "medical_care.signed_on" `IN_THE_FUTURE`, "medical_care.expires_on" `BEFORE_START`;
    /// - "insurance.insurer" `REQUIRED`, "insurance.valid_until" `BEFORE_START`;
    /// - "operator_history[i].operator_name" `REQUIRED`, "operator_history[i].until" `BEFORE_START`,
    ///   "operator_history[i].from" `OVERLAP` (starts on or before the previous period's end, or the previous is still open),
    ///   "operator_history" `MISMATCH` (the current period does not name `operator_name`).
    public static func problems(
        _ institution: Institution, today: CivilDate, divisions: DivisionTable? = nil, legacyCreditCodes: Set<String> = [],
        thresholds: InstitutionThresholds = InstitutionThresholds()
    ) -> ValidationErrors {
        var errors = ValidationErrors()
        let max = thresholds.maxTextLength
        text(institution.name, "name", max: max, required: true, &errors)
        text(institution.address, "address", max: max, required: false, &errors)
        text(institution.operatorName, "operator_name", max: max, required: institution.ownership == .publicBuiltPrivatelyRun, &errors)
        text(institution.chain, "chain", max: max, required: false, &errors)
        if institution.creditCode.isEmpty {
            errors.add("credit_code", "REQUIRED", "an institution needs its unified social credit code (统一社会信用代码)")
        } else {
            _ = UnifiedSocialCreditCode.validate(institution.creditCode, field: "credit_code", legacyAllowList: legacyCreditCodes, into: &errors)
        }
        if !institution.operatorCreditCode.isEmpty {
            _ = UnifiedSocialCreditCode.validate(
                institution.operatorCreditCode, field: "operator_credit_code", legacyAllowList: legacyCreditCodes, into: &errors)
        }
        if institution.ownership == .publicRun && institution.nature == .forProfit {
            errors.add("nature", "CONFLICT", "a 公办 institution is 公益性 (non_profit)")
        }

        if institution.beds < 0 {
            errors.add("beds", "NEGATIVE", "beds are not negative")
        } else if institution.beds < thresholds.minimumBeds && institution.status != .closed {
            errors.add(
                "beds", "BELOW_MINIMUM",
                "a place counts as an institution with at least \(thresholds.minimumBeds) beds, not \(institution.beds): register it as a community facility")
        }
        if institution.nursingBeds < 0 {
            errors.add("nursing_beds", "NEGATIVE", "nursing beds are not negative")
        } else if institution.beds >= 0 && institution.nursingBeds > institution.beds {
            errors.add("nursing_beds", "EXCEEDS_BEDS", "nursing beds (\(institution.nursingBeds)) are among the beds (\(institution.beds))")
        }
        if institution.residents < 0 {
            errors.add("residents", "NEGATIVE", "residents are not negative")
        } else if institution.beds >= 0 && institution.residents > institution.beds {
            errors.add("residents", "EXCEEDS_BEDS", "\(institution.residents) residents do not fit in \(institution.beds) beds")
        } else if institution.status == .closed && institution.residents > 0 {
            errors.add("residents", "NOT_RESETTLED", "a closed institution has resettled all its residents (老年人权益保障法 §46)")
        }

        if let street = institution.street {
            if !street.isTownshipLevel {
                errors.add("street", "LEVEL_MISMATCH", "the street or township code has 9 digits, not \(street)")
            } else if street.county != institution.county {
                errors.add("street", "NOT_IN_COUNTY", "the street \(street) is not in the county \(institution.county)")
            } else if let divisions, !divisions.contains(street) {
                errors.add("street", "UNKNOWN", "no street or township \(street) in the divisions table")
            }
        }
        if let community = institution.community {
            if community.isTownshipLevel {
                errors.add("community", "LEVEL_MISMATCH", "the community or village code has 12 digits, not \(community)")
            } else if let street = institution.street, community.township != street {
                errors.add("community", "NOT_IN_STREET", "the community \(community) is not in the street \(street)")
            } else if community.county != institution.county {
                errors.add("community", "NOT_IN_STREET", "the community \(community) is not in the county \(institution.county)")
            } else if let divisions, !divisions.contains(community) {
                errors.add("community", "UNKNOWN", "no community or village \(community) in the divisions table")
            }
        }

        if let opened = institution.openedOn, opened > today { errors.add("opened_on", "IN_THE_FUTURE", "an opening date is recorded once it happened") }
        if let filed = institution.filedOn, filed > today { errors.add("filed_on", "IN_THE_FUTURE", "a 备案 date is recorded once it happened") }
        if institution.grade != nil && institution.gradeValidUntil == nil {
            errors.add("grade_valid_until", "REQUIRED", "a grade needs the last day it is valid")
        }
        if institution.grade == nil && institution.gradeValidUntil != nil {
            errors.add("grade", "REQUIRED", "a validity date needs the grade it is for")
        }
        if let care = institution.medicalCare {
            text(care.partner, "medical_care.partner", max: max, required: true, &errors)
            if care.signedOn > today { errors.add("medical_care.signed_on", "IN_THE_FUTURE", "an agreement is recorded once signed") }
            if let expires = care.expiresOn, expires < care.signedOn {
                errors.add("medical_care.expires_on", "BEFORE_START", "an agreement expires after it is signed")
            }
        }
        if let insurance = institution.insurance {
            text(insurance.insurer, "insurance.insurer", max: max, required: true, &errors)
            text(insurance.policyNumber, "insurance.policy_number", max: max, required: false, &errors)
            if insurance.validUntil < insurance.validFrom {
                errors.add("insurance.valid_until", "BEFORE_START", "a policy ends after it starts")
            }
        }
        checkHistory(institution, max: max, &errors)
        return errors
    }

    /// `institution` checked (throws `ValidationErrors` with every problem) and normalised: the credit
    /// codes upper-cased as `UnifiedSocialCreditCode` writes them.
    public static func validated(
        _ institution: Institution, today: CivilDate, divisions: DivisionTable? = nil, legacyCreditCodes: Set<String> = [],
        thresholds: InstitutionThresholds = InstitutionThresholds()
    ) throws -> Institution {
        try problems(institution, today: today, divisions: divisions, legacyCreditCodes: legacyCreditCodes, thresholds: thresholds).check()
        var copy = institution
        copy.creditCode = institution.creditCode.uppercased()
        copy.operatorCreditCode = institution.operatorCreditCode.uppercased()
        return copy
    }

    /// `institution` moved to `next`. Throws FAILED_PRECONDITION `ILLEGAL_TRANSITION` for a move
    /// `InstitutionStatus.allowedNext` does not list (staying put included), `NOT_RESETTLED` for
    /// closing with residents still in (老年人权益保障法 §46).
    public static func transition(_ institution: Institution, to next: InstitutionStatus) throws -> Institution {
        guard institution.status.canMove(to: next) else {
            throw DomainError.failedPrecondition(
                "an institution that is \(institution.status.rawValue) cannot become \(next.rawValue)", reason: "ILLEGAL_TRANSITION")
        }
        if next == .closed && institution.residents > 0 {
            throw DomainError.failedPrecondition(
                "\(institution.residents) residents are still in: resettle them before closing (老年人权益保障法 §46)", reason: "NOT_RESETTLED")
        }
        var copy = institution
        copy.status = next
        return copy
    }

    /// `institution` with a new operator from `on`: the current period ends the day before and a new
    /// one starts; the institution keeps its id, grade, 备案 and history. A record without history gets
    /// the outgoing operator's period first (from `openedOn`, or unknown). Throws FAILED_PRECONDITION
    /// `CLOSED` for a closed institution, INVALID "operator_name" `REQUIRED` / `UNCHANGED`, "on" `BEFORE_START`
    /// (on or before the current period's start).
    public static func changeOperator(
        _ institution: Institution, to operatorName: String, creditCode: String = "", chain: String = "", on day: CivilDate
    ) throws -> Institution {
        guard institution.status != .closed else {
            throw DomainError.failedPrecondition("a closed institution has no operator to change", reason: "CLOSED")
        }
        let name = trimmed(operatorName)
        if name.isEmpty { throw DomainError.invalid("the new operator needs a name", field: "operator_name", reason: "REQUIRED") }
        if name == institution.operatorName && creditCode.uppercased() == institution.operatorCreditCode.uppercased() {
            throw DomainError.invalid("\(name) operates the institution already", field: "operator_name", reason: "UNCHANGED")
        }
        var copy = institution
        if copy.operatorHistory.isEmpty {
            copy.operatorHistory = [
                OperatorPeriod(
                    operatorName: institution.operatorName, operatorCreditCode: institution.operatorCreditCode, chain: institution.chain,
                    from: institution.openedOn)
            ]
        }
        let last = copy.operatorHistory.count - 1
        if let start = copy.operatorHistory[last].from, day <= start {
            throw DomainError.invalid("a new operator starts after the current one's first day \(start)", field: "on", reason: "BEFORE_START")
        }
        if copy.operatorHistory[last].until == nil { copy.operatorHistory[last].until = day.adding(days: -1) }
        copy.operatorHistory.append(OperatorPeriod(operatorName: name, operatorCreditCode: creditCode.uppercased(), chain: chain, from: day))
        copy.operatorName = name
        copy.operatorCreditCode = creditCode.uppercased()
        copy.chain = chain
        return copy
    }

    /// The operator on `day` from the history (nil when the history does not reach it).
    public static func operatorOn(_ day: CivilDate, of institution: Institution) -> OperatorPeriod? {
        institution.operatorHistory.last { ($0.from.map { $0 <= day } ?? true) && ($0.until.map { day <= $0 } ?? true) }
    }

    // MARK: - Helpers

    private static func checkHistory(_ institution: Institution, max: Int, _ errors: inout ValidationErrors) {
        let history = institution.operatorHistory
        for (i, period) in history.enumerated() {
            let field = "operator_history[\(i)]"
            text(period.operatorName, "\(field).operator_name", max: max, required: true, &errors)
            if let from = period.from, let until = period.until, until < from {
                errors.add("\(field).until", "BEFORE_START", "an operator's period ends on or after its first day")
            }
            if i > 0 {
                let previous = history[i - 1]
                if previous.until == nil {
                    errors.add("\(field).from", "OVERLAP", "operator_history[\(i - 1)] is still open: only the last period has no end")
                } else if let end = previous.until, let from = period.from, from <= end {
                    errors.add("\(field).from", "OVERLAP", "the period starts on or before operator_history[\(i - 1)] ends (\(end))")
                }
            }
        }
        if let current = history.last, current.isCurrent, current.operatorName != institution.operatorName {
            errors.add("operator_history", "MISMATCH", "the current period names \(current.operatorName), the record \(institution.operatorName)")
        }
    }

    static func trimmed(_ text: String) -> String {
        guard let start = text.firstIndex(where: { !$0.isWhitespace }), let end = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(text[start...end])
    }

    static func text(_ value: String, _ field: String, max: Int, required: Bool, _ errors: inout ValidationErrors) {
        if required && value.allSatisfy(\.isWhitespace) {
            errors.add(field, "REQUIRED", "\(field) is required")
        } else if value.count > max {
            errors.add(field, "TOO_LONG", "\(field) has at most \(max) characters")
        }
    }
}
