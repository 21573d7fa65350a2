import CivicDomain
import Foundation

/// The limits a registration works to (RULES.md §3(b)); all configuration.
public struct RegistrationLimits: Sendable, Hashable, Codable {
    /// 网上预审 within this many working days of submission (S003: "缩短至2个工作日内").
    public var preReviewWorkingDays: Int
    /// The decision within this many calendar days of complete documents (社团条例 §12, 民非条例
    /// §11, 基金会条例 §11: 60 日; counted from the next day, 民法典 §201).
    public var decisionDays: Int
    /// 社团 活动资金: local or cross-region bodies (社团条例 §10: 3 万元).
    public var socialGroupLocalFunds: Fen
    /// 社团 活动资金: national bodies (10 万元).
    public var socialGroupNationalFunds: Fen
    /// 社团 members: at least this many individuals, or `minimumUnitMembers` units, or a mixed
    /// total of at least this many (社团条例 §10).
    public var minimumIndividualMembers: Int
    public var minimumUnitMembers: Int
    /// 基金会 原始基金 (基金会条例 §8): national public-fundraising 800 万, local public-fundraising
    /// 400 万, non-public 200 万.
    public var foundationNationalPublicFunds: Fen
    public var foundationLocalPublicFunds: Fen
    public var foundationNonPublicFunds: Fen
    /// 民非 开办资金 "must match its activities" (民非条例 §8) and has no national number: the
    /// bureau's own floor, 0 by default (then any positive amount passes).
    public var privateNonEnterpriseFunds: Fen
    /// A change is filed within this many days of the sponsor's approval (社团条例 §18, 民非条例 §15).
    public var changeFilingDays: Int
    /// Deregistration is filed within this many days after liquidation ends (社团条例 §21, 民非条例 §17).
    public var deregistrationFilingDays: Int

    public init(
        preReviewWorkingDays: Int = 2, decisionDays: Int = 60, socialGroupLocalFunds: Fen = Fen.yuan(30_000),
        socialGroupNationalFunds: Fen = Fen.yuan(100_000), minimumIndividualMembers: Int = 50, minimumUnitMembers: Int = 30,
        foundationNationalPublicFunds: Fen = Fen.yuan(8_000_000), foundationLocalPublicFunds: Fen = Fen.yuan(4_000_000),
        foundationNonPublicFunds: Fen = Fen.yuan(2_000_000), privateNonEnterpriseFunds: Fen = .zero, changeFilingDays: Int = 30,
        deregistrationFilingDays: Int = 15
    ) {
        self.preReviewWorkingDays = preReviewWorkingDays
        self.decisionDays = decisionDays
        self.socialGroupLocalFunds = socialGroupLocalFunds
        self.socialGroupNationalFunds = socialGroupNationalFunds
        self.minimumIndividualMembers = minimumIndividualMembers
        self.minimumUnitMembers = minimumUnitMembers
        self.foundationNationalPublicFunds = foundationNationalPublicFunds
        self.foundationLocalPublicFunds = foundationLocalPublicFunds
        self.foundationNonPublicFunds = foundationNonPublicFunds
        self.privateNonEnterpriseFunds = privateNonEnterpriseFunds
        self.changeFilingDays = changeFilingDays
        self.deregistrationFilingDays = deregistrationFilingDays
    }

    /// The funds a body of `type` (and `kind`) registered at `level` needs at least.
    public func minimumFunds(type: OrganizationType, kind: FoundationKind?, level: RegistrarLevel) -> Fen {
        switch type {
        case .socialGroup: level.isNational ? socialGroupNationalFunds : socialGroupLocalFunds
        case .privateNonEnterprise: privateNonEnterpriseFunds
        case .foundation:
            kind == .nonPublicFundraising ? foundationNonPublicFunds : (level.isNational ? foundationNationalPublicFunds : foundationLocalPublicFunds)
        }
    }

    /// Every limit in range: INVALID_ARGUMENT naming the setting otherwise.
    public func validated() throws -> RegistrationLimits {
        var errors = ValidationErrors()
        if !(1...30).contains(preReviewWorkingDays) { errors.add("pre_review_working_days", "OUT_OF_RANGE", "1 to 30 working days") }
        if !(1...365).contains(decisionDays) { errors.add("decision_days", "OUT_OF_RANGE", "1 to 365 days") }
        if !(1...365).contains(changeFilingDays) { errors.add("change_filing_days", "OUT_OF_RANGE", "1 to 365 days") }
        if !(1...365).contains(deregistrationFilingDays) { errors.add("deregistration_filing_days", "OUT_OF_RANGE", "1 to 365 days") }
        if minimumIndividualMembers < 1 || minimumUnitMembers < 1 { errors.add("minimum_members", "OUT_OF_RANGE", "at least 1 member") }
        for (field, amount) in [
            ("social_group_local_funds", socialGroupLocalFunds), ("social_group_national_funds", socialGroupNationalFunds),
            ("foundation_national_public_funds", foundationNationalPublicFunds), ("foundation_local_public_funds", foundationLocalPublicFunds),
            ("foundation_non_public_funds", foundationNonPublicFunds), ("private_non_enterprise_funds", privateNonEnterpriseFunds),
        ] where amount.fen < 0 {
            errors.add(field, "NEGATIVE", "\(field) cannot be negative")
        }
        try errors.check()
        return self
    }
}

/// The registration conditions as pure rules (社团条例 §10, 基金会条例 §8, 民非条例 §8): what a
/// decision to register checks besides the name.
public enum RegistrationConditions {
    /// Every unmet condition of a body of `type` with these figures:
    /// - "funds" BELOW_MINIMUM (the message names the minimum), REQUIRED (民非 with no 开办资金);
    /// - "members" TOO_FEW (社团: fewer than 50 individuals and fewer than 30 units, or a mixed
    ///   total under 50);
    /// - "name" SIMILAR_NAME_EXISTS when `similarNames` is not empty (社团条例 §13: a same or
    ///   similar body in the area), naming them.
    public static func problems(
        type: OrganizationType, kind: FoundationKind?, level: RegistrarLevel, funds: Fen, individualMembers: Int, unitMembers: Int,
        similarNames: [String] = [], limits: RegistrationLimits = RegistrationLimits()
    ) -> ValidationErrors {
        var errors = ValidationErrors()
        let minimum = limits.minimumFunds(type: type, kind: kind, level: level)
        if type == .privateNonEnterprise && funds.fen <= 0 {
            errors.add("funds", "REQUIRED", "a 民办非企业单位 needs 开办资金 that match its activities")
        } else if funds < minimum {
            errors.add("funds", "BELOW_MINIMUM", "\(type.chineseName) funds of \(funds) are below the minimum \(minimum)")
        }
        if type == .socialGroup {
            let enough: Bool
            switch (individualMembers > 0, unitMembers > 0) {
            case (true, false): enough = individualMembers >= limits.minimumIndividualMembers
            case (false, true): enough = unitMembers >= limits.minimumUnitMembers
            case (true, true): enough = individualMembers + unitMembers >= limits.minimumIndividualMembers
            case (false, false): enough = false
            }
            if !enough {
                errors.add(
                    "members", "TOO_FEW",
                    "a 社会团体 needs \(limits.minimumIndividualMembers) individual or \(limits.minimumUnitMembers) unit members (mixed: \(limits.minimumIndividualMembers) in all)"
                )
            }
        }
        if !similarNames.isEmpty {
            errors.add("name", "SIMILAR_NAME_EXISTS", "a same or similar name is registered or known: \(similarNames.joined(separator: "、"))")
        }
        return errors
    }
}

/// Where a registration application stands (成立登记申请). Case order is stored: append only.
public enum ApplicationState: String, Sendable, Hashable, CaseIterable, Codable {
    /// 网上预审: submitted online, the 2-working-day pre-review running.
    case submitted
    /// 预审通过: the applicant may hand in the documents.
    case preReviewed = "pre_reviewed"
    /// 预审退回: sent back with what to fix; resubmitting starts a new pre-review.
    case returned
    /// 受理: documents complete, the 60-day decision clock running.
    case accepted
    /// 容缺受理: review started on a written promise for named minor documents; no decision until they arrive.
    case acceptedOnPromise = "accepted_on_promise"
    /// 准予登记.
    case approved
    /// 不予登记.
    case refused
    /// 撤回.
    case withdrawn

    public var isOpen: Bool { ![.approved, .refused, .withdrawn].contains(self) }
}

/// A minor document promised in writing under 容缺受理.
public struct PromisedDocument: Sendable, Hashable, Codable {
    public var name: String
    public var suppliedOn: CivilDate?

    public init(name: String, suppliedOn: CivilDate? = nil) {
        self.name = name
        self.suppliedOn = suppliedOn
    }
}

/// The written promise (承诺书) of 容缺受理: the documents, made on a day, due by a day.
public struct DocumentPromise: Sendable, Hashable, Codable {
    public var madeOn: CivilDate
    public var dueBy: CivilDate
    public var documents: [PromisedDocument]

    /// Every promised document has arrived.
    public var isKept: Bool { documents.allSatisfy { $0.suppliedOn != nil } }
    /// The day the last one arrived, once all have.
    public var keptOn: CivilDate? { isKept ? documents.compactMap(\.suppliedOn).max() : nil }

    /// Not kept and past its day on `day`.
    public func isOverdue(on day: CivilDate) -> Bool { !isKept && day > dueBy }
}

/// The sponsor unit's approval (业务主管单位审查同意), unless the body is directly registrable.
public struct SponsorApproval: Sendable, Hashable, Codable {
    public var reference: String
    public var approvedOn: CivilDate

    public init(reference: String, approvedOn: CivilDate) {
        self.reference = reference
        self.approvedOn = approvedOn
    }
}

/// What happens to an application; each is applied by `RegistrationApplication.apply`.
public enum ApplicationEvent: Sendable, Hashable {
    /// 预审 done: passed, or returned with what to fix.
    case preReview(on: CivilDate, passed: Bool, notes: String)
    /// Sent again after a return: a new pre-review clock.
    case resubmit(on: CivilDate)
    /// 受理 with every document: the decision clock starts.
    case accept(on: CivilDate)
    /// 容缺受理: review starts on a promise for `documents`, due by `dueBy`.
    case acceptOnPromise(on: CivilDate, documents: [String], dueBy: CivilDate)
    /// Promised documents arrive; the last one completes the file and starts the decision clock.
    case supply(on: CivilDate, documents: [String])
    case recordSponsorApproval(SponsorApproval)
    /// 准予登记: the conditions were checked by the caller (`RegistrationConditions`).
    case approve(on: CivilDate)
    /// 不予登记, with the reasons.
    case refuse(on: CivilDate, reasons: String)
    case withdraw(on: CivilDate, reason: String)

    public var name: String {
        switch self {
        case .preReview: "pre_review"
        case .resubmit: "resubmit"
        case .accept: "accept"
        case .acceptOnPromise: "accept_on_promise"
        case .supply: "supply"
        case .recordSponsorApproval: "record_sponsor_approval"
        case .approve: "approve"
        case .refuse: "refuse"
        case .withdraw: "withdraw"
        }
    }
}

/// An application to register a social organization (成立登记), as a state machine with its
/// clocks: the pre-review on the working-day calendar, the promise of 容缺受理, and the 60-day
/// decision clock from the day the documents are complete.
public struct RegistrationApplication: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var type: OrganizationType
    public var foundationKind: FoundationKind?
    public var isTradeAssociation: Bool
    public var registrarLevel: RegistrarLevel
    public var division: DivisionCode
    public var sponsor: String
    public var directlyRegistrable: Bool
    public var funds: Fen
    public var individualMembers: Int
    public var unitMembers: Int
    public var domicile: String
    public var purpose: String
    public var businessScope: String
    public var legalRepresentative: String
    public var applicant: String
    public private(set) var state: ApplicationState
    public private(set) var submittedOn: CivilDate
    public private(set) var preReviewDue: CivilDate
    public private(set) var preReviewedOn: CivilDate?
    public private(set) var preReviewNotes: String
    public private(set) var acceptedOn: CivilDate?
    public private(set) var promise: DocumentPromise?
    /// The day the documents were complete: the decision clock's day 0.
    public private(set) var completeOn: CivilDate?
    public private(set) var decisionDue: CivilDate?
    public private(set) var sponsorApproval: SponsorApproval?
    public private(set) var decidedOn: CivilDate?
    public private(set) var decisionReasons: String
    /// Set by the registrar at approval (`CreditCodeIssuer`) with the new body's id.
    public var creditCode: String
    public var organizationID: String

    /// A new application submitted online on `submittedOn`; pre-review due `limits.preReviewWorkingDays`
    /// working days later.
    public init(
        id: String, name: String, type: OrganizationType, foundationKind: FoundationKind? = nil, isTradeAssociation: Bool = false,
        registrarLevel: RegistrarLevel, division: DivisionCode, sponsor: String = "", directlyRegistrable: Bool = false, funds: Fen = .zero,
        individualMembers: Int = 0, unitMembers: Int = 0, domicile: String = "", purpose: String = "", businessScope: String = "",
        legalRepresentative: String = "", applicant: String = "", submittedOn: CivilDate, calendar: WorkingCalendar = .standard,
        limits: RegistrationLimits = RegistrationLimits()
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.foundationKind = foundationKind
        self.isTradeAssociation = isTradeAssociation
        self.registrarLevel = registrarLevel
        self.division = division
        self.sponsor = sponsor
        self.directlyRegistrable = directlyRegistrable
        self.funds = funds
        self.individualMembers = individualMembers
        self.unitMembers = unitMembers
        self.domicile = domicile
        self.purpose = purpose
        self.businessScope = businessScope
        self.legalRepresentative = legalRepresentative
        self.applicant = applicant
        self.state = .submitted
        self.submittedOn = submittedOn
        self.preReviewDue = calendar.adding(workingDays: limits.preReviewWorkingDays, to: submittedOn)
        self.preReviewNotes = ""
        self.decisionReasons = ""
        self.creditCode = ""
        self.organizationID = ""
    }

    /// Whether the pre-review is late on `day` (still not done after its due day).
    public func isPreReviewOverdue(on day: CivilDate) -> Bool { state == .submitted && day > preReviewDue }

    /// Whether the decision is late on `day`.
    public func isDecisionOverdue(on day: CivilDate) -> Bool {
        guard state.isOpen, let decisionDue else { return false }
        return day > decisionDue
    }

    /// Applies `event`, or throws and changes nothing. Legal moves:
    /// - preReview: submitted → preReviewed / returned (notes REQUIRED when returned);
    /// - resubmit: returned → submitted (a new pre-review clock);
    /// - accept: preReviewed → accepted (complete: the decision clock starts);
    /// - acceptOnPromise: preReviewed → acceptedOnPromise ("documents" REQUIRED, "due_by" not
    ///   before the day: BEFORE_ACCEPTANCE);
    /// - supply: acceptedOnPromise → the same, or accepted once every promised document is in
    ///   ("documents" NOT_PROMISED / ALREADY_SUPPLIED);
    /// - recordSponsorApproval: any open state ("sponsor" NOT_NEEDED for a directly registrable body);
    /// - approve: accepted only (acceptedOnPromise: FAILED_PRECONDITION PROMISE_OUTSTANDING), with
    ///   the sponsor's approval unless directly registrable (SPONSOR_APPROVAL_MISSING);
    /// - refuse: preReviewed, accepted, acceptedOnPromise ("reasons" REQUIRED);
    /// - withdraw: any open state.
    /// Other moves are FAILED_PRECONDITION "state" INVALID_STATE; a day before the last step is
    /// INVALID_ARGUMENT "on" BEFORE_LAST_STEP.
    public mutating func apply(_ event: ApplicationEvent, calendar: WorkingCalendar = .standard, limits: RegistrationLimits = RegistrationLimits())
        throws
    {
        var next = self
        switch event {
        case .preReview(let on, let passed, let notes):
            try next.require([.submitted], event, on: on)
            if !passed && notes.allSatisfy(\.isWhitespace) {
                throw DomainError.invalid("say what the applicant must fix", field: "notes", reason: "REQUIRED")
            }
            next.state = passed ? .preReviewed : .returned
            next.preReviewedOn = on
            next.preReviewNotes = notes
        case .resubmit(let on):
            try next.require([.returned], event, on: on)
            next.state = .submitted
            next.submittedOn = on
            next.preReviewDue = calendar.adding(workingDays: limits.preReviewWorkingDays, to: on)
            next.preReviewedOn = nil
        case .accept(let on):
            try next.require([.preReviewed], event, on: on)
            next.state = .accepted
            next.acceptedOn = on
            next.completeOn = on
            next.decisionDue = on.adding(days: limits.decisionDays)
        case .acceptOnPromise(let on, let documents, let dueBy):
            try next.require([.preReviewed], event, on: on)
            var errors = ValidationErrors()
            let names = documents.map { $0.trimmingCharacters(in: .whitespaces) }
            if names.isEmpty || names.contains(where: \.isEmpty) {
                errors.add("documents", "REQUIRED", "name each promised document")
            } else if Set(names).count != names.count {
                errors.add("documents", "DUPLICATE", "a document is promised twice")
            }
            if dueBy < on { errors.add("due_by", "BEFORE_ACCEPTANCE", "the promise is due on or after the day of acceptance") }
            try errors.check()
            next.state = .acceptedOnPromise
            next.acceptedOn = on
            next.promise = DocumentPromise(madeOn: on, dueBy: dueBy, documents: names.map { PromisedDocument(name: $0) })
        case .supply(let on, let documents):
            try next.require([.acceptedOnPromise], event, on: on)
            guard var promise = next.promise else { throw ApplicationEvent.illegal(state, event) }
            var errors = ValidationErrors()
            if documents.isEmpty { errors.add("documents", "REQUIRED", "name the documents that arrived") }
            for name in documents {
                guard let i = promise.documents.firstIndex(where: { $0.name == name }) else {
                    errors.add("documents", "NOT_PROMISED", "\(name) was not promised")
                    continue
                }
                if promise.documents[i].suppliedOn != nil {
                    errors.add("documents", "ALREADY_SUPPLIED", "\(name) arrived already")
                } else {
                    promise.documents[i].suppliedOn = on
                }
            }
            try errors.check()
            next.promise = promise
            if promise.isKept {
                next.state = .accepted
                next.completeOn = on
                next.decisionDue = on.adding(days: limits.decisionDays)
            }
        case .recordSponsorApproval(let approval):
            try next.require(ApplicationState.allCases.filter(\.isOpen), event, on: nil)
            if directlyRegistrable {
                throw DomainError.invalid("a directly registrable body needs no sponsor's approval", field: "sponsor", reason: "NOT_NEEDED")
            }
            if approval.reference.allSatisfy(\.isWhitespace) {
                throw DomainError.invalid("the approval's reference (文号) is required", field: "reference", reason: "REQUIRED")
            }
            next.sponsorApproval = approval
        case .approve(let on):
            if state == .acceptedOnPromise {
                throw DomainError.failedPrecondition(
                    "the promised documents have not all arrived: no decision until they do (容缺受理)", reason: "PROMISE_OUTSTANDING")
            }
            try next.require([.accepted], event, on: on)
            if !directlyRegistrable && sponsorApproval == nil {
                throw DomainError.failedPrecondition("the sponsor unit's approval is not recorded", reason: "SPONSOR_APPROVAL_MISSING")
            }
            next.state = .approved
            next.decidedOn = on
        case .refuse(let on, let reasons):
            try next.require([.preReviewed, .accepted, .acceptedOnPromise], event, on: on)
            if reasons.allSatisfy(\.isWhitespace) { throw DomainError.invalid("a refusal gives its reasons", field: "reasons", reason: "REQUIRED") }
            next.state = .refused
            next.decidedOn = on
            next.decisionReasons = reasons
        case .withdraw(let on, let reason):
            try next.require(ApplicationState.allCases.filter(\.isOpen), event, on: on)
            next.state = .withdrawn
            next.decidedOn = on
            next.decisionReasons = reason
        }
        self = next
    }

    /// The last day a step was taken on.
    var lastStep: CivilDate {
        [submittedOn, preReviewedOn, acceptedOn, promise?.documents.compactMap(\.suppliedOn).max(), decidedOn].compactMap { $0 }.max() ?? submittedOn
    }

    private func require(_ states: [ApplicationState], _ event: ApplicationEvent, on day: CivilDate?) throws {
        guard states.contains(state) else { throw ApplicationEvent.illegal(state, event) }
        if let day, day < lastStep {
            throw DomainError.invalid("\(day) is before the application's last step (\(lastStep))", field: "on", reason: "BEFORE_LAST_STEP")
        }
    }
}

extension ApplicationEvent {
    static func illegal(_ state: ApplicationState, _ event: ApplicationEvent) -> DomainError {
        DomainError(
            .failedPrecondition, "cannot \(event.name) an application that is \(state.rawValue.uppercased())",
            problems: [FieldProblem(field: "state", reason: "INVALID_STATE", description: "the application is \(state.rawValue.uppercased())")])
    }
}

/// A change registration (变更登记) or a deregistration (注销登记), with its record.
public struct RegisterChange: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// 变更登记: name, domicile, legal representative, purpose, scope, funds, sponsor….
        case change
        /// 注销登记, after liquidation (清算).
        case deregistration
    }

    public var kind: Kind
    /// The fields changed (for a change), as "field: old → new" lines.
    public var changes: [String]
    /// 业务主管单位审查同意 (a change, or a deregistration that needs it).
    public var sponsorApprovedOn: CivilDate?
    /// 清算完毕 (a deregistration).
    public var liquidationEndedOn: CivilDate?
    public var filedOn: CivilDate
    public var document: String
    /// Filed after the limit (30 days after the sponsor's approval; 15 days after liquidation).
    public var late: Bool

    /// A change or deregistration filed on `filedOn`. Refusals (every one at once):
    /// "changes" REQUIRED (a change names what changed); "sponsor_approved_on" REQUIRED unless
    /// directly registrable, AFTER_FILING; "liquidation_ended_on" REQUIRED for a deregistration
    /// (注销 comes after liquidation), AFTER_FILING. Filing after the limit is accepted and marked
    /// `late` (the registrar records it; the lateness is a ground for the credit list).
    public init(
        kind: Kind, changes: [String] = [], sponsorApprovedOn: CivilDate?, liquidationEndedOn: CivilDate? = nil, filedOn: CivilDate,
        document: String = "", directlyRegistrable: Bool, limits: RegistrationLimits = RegistrationLimits()
    ) throws {
        var errors = ValidationErrors()
        if kind == .change && changes.filter({ !$0.allSatisfy(\.isWhitespace) }).isEmpty {
            errors.add("changes", "REQUIRED", "a change registration names what changed")
        }
        if let approved = sponsorApprovedOn {
            if approved > filedOn { errors.add("sponsor_approved_on", "AFTER_FILING", "the sponsor's approval comes before the filing") }
        } else if !directlyRegistrable && kind == .change {
            errors.add("sponsor_approved_on", "REQUIRED", "a change needs the sponsor unit's approval first")
        }
        if kind == .deregistration {
            if let ended = liquidationEndedOn {
                if ended > filedOn { errors.add("liquidation_ended_on", "AFTER_FILING", "liquidation ends before deregistration is filed") }
            } else {
                errors.add("liquidation_ended_on", "REQUIRED", "deregistration comes after liquidation (清算)")
            }
        }
        try errors.check()
        self.kind = kind
        self.changes = changes
        self.sponsorApprovedOn = sponsorApprovedOn
        self.liquidationEndedOn = liquidationEndedOn
        self.filedOn = filedOn
        self.document = document
        switch kind {
        case .change: late = sponsorApprovedOn.map { filedOn > $0.adding(days: limits.changeFilingDays) } ?? false
        case .deregistration: late = liquidationEndedOn.map { filedOn > $0.adding(days: limits.deregistrationFilingDays) } ?? false
        }
    }
}
