import CivicDomain

/// Where a lead (案件线索) came from (RULES.md §4(a)). Case order is stored: append only.
public enum LeadSource: String, Sendable, Hashable, CaseIterable, Codable {
    /// 投诉举报 (including 12345).
    case tipOff = "tip_off"
    /// Found in an inspection (检查发现).
    case inspection
    /// Referred by another Civic service (eldercare, organizations, assistance).
    case serviceReferral = "service_referral"
    /// Referred by another department (市场监管, 公安…).
    case departmentReferral = "department_referral"
    /// 上级交办 and others.
    case other
}

/// Who a lead is about: an organization by its unified social credit code, a person by the
/// resident ID number, or a body acting without registration (非法社会组织, 取缔 under 社团条例 §32)
/// by the name it used alone.
public enum LeadSubject: Sendable, Hashable, Codable {
    case organization(creditCode: String, name: String)
    case person(residentID: String, name: String)
    case unregistered(name: String)

    /// From the text given: an 18-character credit code or resident ID, checked, or with
    /// `unregistered` no id at all (INVALID "subject.id" BAD_ID when it is neither, NOT_ALLOWED when
    /// an unregistered body is given one; "subject.name" REQUIRED).
    public static func parse(id: String, name: String, unregistered: Bool = false) throws -> LeadSubject {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        var errors = ValidationErrors()
        if trimmed.isEmpty { errors.add("subject.name", "REQUIRED", "the subject's name is required") }
        var subject: LeadSubject?
        if unregistered {
            if id.isEmpty {
                subject = .unregistered(name: trimmed)
            } else {
                errors.add("subject.id", "NOT_ALLOWED", "a body acting without registration has no credit code: leave subject_id empty")
            }
        } else if let code = try? UnifiedSocialCreditCode(id) {
            subject = .organization(creditCode: code.description, name: trimmed)
        } else if let person = try? ResidentID(id) {
            subject = .person(residentID: person.description, name: trimmed)
        } else {
            errors.add("subject.id", "BAD_ID", "the subject is named by a valid credit code or resident ID number")
        }
        try errors.check()
        return subject!
    }

    /// The subject's credit code or ID number; empty for an unregistered body.
    public var id: String {
        switch self {
        case .organization(let code, _): code
        case .person(let id, _): id
        case .unregistered: ""
        }
    }

    public var name: String {
        switch self {
        case .organization(_, let name), .person(_, let name), .unregistered(let name): name
        }
    }

    /// How the store names the kind ("organization", "person", "unregistered").
    public var kind: String {
        switch self {
        case .organization: "organization"
        case .person: "person"
        case .unregistered: "unregistered"
        }
    }

    /// The subject the store kept as its kind, id and name.
    public init(kind: String, id: String, name: String) {
        switch kind {
        case "person": self = .person(residentID: id, name: name)
        case "unregistered": self = .unregistered(name: name)
        default: self = .organization(creditCode: id, name: name)
        }
    }
}

public enum LeadState: String, Sendable, Hashable, CaseIterable, Codable {
    /// 待核查.
    case received
    /// 已立案: a case was filed from it.
    case filed
    /// 不予立案, with the reason.
    case notFiled = "not_filed"
    /// 移送 to another authority.
    case transferred
}

/// A lead and its verification clock (核查: 15 working days, once extended by 15 with approval;
/// RULES.md §4(b), after the market-regulation model, configurable).
public struct Lead: Sendable, Hashable, Codable {
    public var id: String
    /// The county (or higher) division whose officers verify it.
    public var division: DivisionCode
    public var source: LeadSource
    /// Who referred it (a department's or service's name, the message id of a referral), if any.
    public var referredBy: String
    public var subject: LeadSubject
    public var summary: String
    /// The referrer's own id for a referral (a department's or service's message id): a repeat of
    /// it answers the same lead.
    public var reference: String = ""
    /// The amount obtained a referral names as the fine base (benefit obtained by fraud); nil when none.
    public var amountObtained: Fen?
    public var receivedOn: CivilDate
    public private(set) var verificationDue: LegalDeadline
    public private(set) var approvedExtension: LeadExtension?
    public private(set) var state: LeadState
    public private(set) var decidedOn: CivilDate?
    /// The case filed, the reason for not filing, or the authority it went to.
    public private(set) var outcome: String

    /// A new lead; `verification` is the clock's limit (`TimeLimit.leadVerification` by default).
    /// INVALID "summary" REQUIRED; "referred_by" REQUIRED for a referral.
    public init(
        id: String, division: DivisionCode, source: LeadSource, referredBy: String = "", subject: LeadSubject, summary: String, receivedOn: CivilDate,
        verification: TimeLimit = .leadVerification, calendar: LegalCalendar = LegalCalendar()
    ) throws {
        var errors = ValidationErrors()
        if summary.allSatisfy(\.isWhitespace) { errors.add("summary", "REQUIRED", "say what the lead is about") }
        if (source == .serviceReferral || source == .departmentReferral) && referredBy.allSatisfy(\.isWhitespace) {
            errors.add("referred_by", "REQUIRED", "a referral names who referred it")
        }
        try errors.check()
        self.id = id
        self.division = division
        self.source = source
        self.referredBy = referredBy
        self.subject = subject
        self.summary = summary
        self.receivedOn = receivedOn
        self.verificationDue = calendar.deadline(verification, from: receivedOn)
        self.state = .received
        self.outcome = ""
    }

    /// Extends verification once by `limit` from the current due date, approved by `approver`:
    /// FAILED_PRECONDITION "extension" ALREADY_EXTENDED or "state" INVALID_STATE; INVALID "approved_by"
    /// REQUIRED, "on" AFTER_DUE (an extension is approved before the clock runs out).
    public mutating func extend(
        by limit: TimeLimit = .leadVerification, approvedBy approver: String, on day: CivilDate, calendar: LegalCalendar = LegalCalendar()
    )
        throws
    {
        try requireReceived("extend")
        if approvedExtension != nil {
            throw DomainError(
                .failedPrecondition, "the verification of \(id) was extended already",
                problems: [FieldProblem(field: "extension", reason: "ALREADY_EXTENDED", description: "one extension only")])
        }
        var errors = ValidationErrors()
        if approver.allSatisfy(\.isWhitespace) { errors.add("approved_by", "REQUIRED", "an extension is approved by the head") }
        if day > verificationDue.dueDate { errors.add("on", "AFTER_DUE", "the clock ran out on \(verificationDue.dueDate)") }
        try errors.check()
        verificationDue = calendar.deadline(limit, from: verificationDue.dueDate)
        verificationDue.note(.approvedExtension(by: approver))
        approvedExtension = LeadExtension(approvedBy: approver, on: day)
    }

    /// Decides the lead on `day`: filed as case `caseID`, not filed with `reason`, or transferred to
    /// `authority`. FAILED_PRECONDITION "state" INVALID_STATE (decided already); INVALID "outcome"
    /// REQUIRED, "on" BEFORE_RECEIPT.
    public mutating func decide(_ state: LeadState, outcome: String, on day: CivilDate) throws {
        try requireReceived("decide")
        var errors = ValidationErrors()
        if state == .received { errors.add("state", "NOT_AN_OUTCOME", "an outcome is FILED, NOT_FILED or TRANSFERRED") }
        if outcome.allSatisfy(\.isWhitespace) { errors.add("outcome", "REQUIRED", "name the case, the reason or the authority") }
        if day < receivedOn { errors.add("on", "BEFORE_RECEIPT", "\(day) is before the lead was received (\(receivedOn))") }
        try errors.check()
        self.state = state
        self.outcome = outcome
        decidedOn = day
    }

    /// Verification ran past its due date without a decision (on `day`).
    public func isOverdue(on day: CivilDate) -> Bool { state == .received && verificationDue.isOverdue(on: day) }

    /// Decided after the due date.
    public var decidedLate: Bool { decidedOn.map { $0 > verificationDue.dueDate } ?? false }

    private func requireReceived(_ action: String) throws {
        guard state == .received else {
            throw DomainError(
                .failedPrecondition, "cannot \(action) lead \(id): it is \(state.rawValue.uppercased())",
                problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the lead is \(state.rawValue.uppercased())")])
        }
    }
}

/// An approved extension of a lead's verification.
public struct LeadExtension: Sendable, Hashable, Codable {
    public var approvedBy: String
    public var on: CivilDate
}
