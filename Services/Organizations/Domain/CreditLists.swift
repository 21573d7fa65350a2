import CivicDomain
import Foundation

// 信用管理 (社会组织信用信息管理办法, 民政部令第60号): the abnormal-activity list (活动异常名录) and
// the serious-dishonesty list (严重违法失信名单), replayed from an organization's dated credit
// events (RULES.md §3(b) Credit, §3(c) Clocks, §3(f) "credit-list clocks as data").
//
// Article numbers below are the 征求意见稿's (m.law-lib.com, quoted in RULES.md as "draft"): the
// final text keeps the same rules. The final text (as explained by linyi.gov.cn 2022) also lists a
// body for a warning or a fine under 5万 (`AbnormalGround.minorPenalty`, configurable).
//
// How the clocks are counted (民法典 §201, §202, §1259; RULES.md §0.1 and §3(c)):
// - "满6个月" / "满2年" periods start the day after the entry (§201) and end on the same-numbered
//   day of the end month (§202; 2026-08-31 + 6 months = 2027-02-28). The status changes the day
//   after that last day: entered 2026-01-10 → still listed through 2026-07-10, off the list on
//   2026-07-11 (`autoRemovalOn`); promoted on entered + 2 years + 1 day (`promotionOn`). §203 (a
//   last day on a rest day moves) is not applied: these are lengths of a listing, not time given to
//   anyone to act.
// - "自查实之日起5个工作日内" counts working days after the verification day on the official
//   holiday calendar (调休 days count): `removalDue`. It is staff's deadline; the removal itself is
//   a recorded act (`CreditEvent.abnormalRemoved`), flagged overdue after the due day.

// MARK: - Lists and grounds

/// The two credit lists of 令60号. Case order is stored: append only.
public enum CreditList: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// 活动异常名录.
    case abnormal
    /// 严重违法失信名单.
    case serious

    public var chineseName: String {
        switch self {
        case .abnormal: "活动异常名录"
        case .serious: "严重违法失信名单"
        }
    }
}

/// Why a body is put on the abnormal list (令60号 draft §11). Case order is stored: append only.
public enum AbnormalGround: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// 未按照规定时限和要求报送年度工作报告.
    case noAnnualReport = "no_annual_report"
    /// 未按照有关规定设立党组织.
    case noPartyOrganization = "no_party_organization"
    /// 监督检查发现问题、限期整改而未按期完成整改.
    case rectificationNotDone = "rectification_not_done"
    /// 通过登记的住所无法与社会组织取得联系: two registered letters returned unsigned, sent 20–60 days
    /// apart (raised from the letters), or another documented finding.
    case unreachable
    /// 受到警告或者不满5万元罚款处罚: raised by the penalty itself (`CreditListPolicy.minorPenaltyListsAbnormal`).
    case minorPenalty = "minor_penalty"
    /// 法律、行政法规规定应当列入的其他情形, documented.
    case other

    public var chineseName: String {
        switch self {
        case .noAnnualReport: "未按规定报送年度工作报告"
        case .noPartyOrganization: "未按规定设立党组织"
        case .rectificationNotDone: "未按要求完成整改"
        case .unreachable: "通过登记的住所无法联系"
        case .minorPenalty: "受到警告或不满5万元罚款处罚"
        case .other: "其他情形"
        }
    }

    /// Whether the ground is ended by a fix that staff verify (履行相关义务或者完成整改, draft §14).
    /// A penalty has nothing to fix: it is waited out (6 months).
    public var needsFix: Bool { self != .minorPenalty }
}

/// Why a body is put on the serious list (令60号 draft §15). Case order is stored: append only.
public enum SeriousGround: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// (一) 被列入活动异常名录满2年 (derived from the abnormal listing).
    case abnormalTwoYears = "abnormal_two_years"
    /// (二) 弄虚作假办理变更登记，被撤销变更登记 (recorded).
    case fraudulentChangeRegistration = "fraudulent_change_registration"
    /// (三) 受到限期停止活动行政处罚 (derived from the penalty).
    case activitiesSuspension = "activities_suspension"
    /// (四) 受到5万元以上罚款处罚 (derived; the threshold is `largeFineThreshold`).
    case largeFine = "large_fine"
    /// (五) 三年内两次以上受到警告或者不满5万元罚款处罚 (derived).
    case repeatedPenalties = "repeated_penalties"
    /// (六) 被司法机关纳入"失信被执行人"名单 (recorded).
    case judgmentDefaulter = "judgment_defaulter"
    /// (七) 被作出撤销登记决定 (derived from a revocation penalty).
    case revocation
    /// (八) 其他情形, documented (recorded).
    case other

    public var chineseName: String {
        switch self {
        case .abnormalTwoYears: "被列入活动异常名录满2年"
        case .fraudulentChangeRegistration: "弄虚作假办理变更登记"
        case .activitiesSuspension: "受到限期停止活动处罚"
        case .largeFine: "受到5万元以上罚款处罚"
        case .repeatedPenalties: "三年内两次以上受到警告或不满5万元罚款处罚"
        case .judgmentDefaulter: "失信被执行人"
        case .revocation: "被撤销登记"
        case .other: "其他情形"
        }
    }

    /// The grounds staff record by hand; the others follow from listings and penalties.
    public var isRecorded: Bool { [.fraudulentChangeRegistration, .judgmentDefaulter, .other].contains(self) }
}

// MARK: - Penalties

/// The kinds of administrative penalty (行政处罚) a social organization receives (社团条例 §30–§33,
/// 民非条例 §25–§27, 基金会条例 §40–§42). Case order is stored: append only.
public enum PenaltyKind: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// 警告.
    case warning
    /// 罚款, with its amount.
    case fine
    /// 没收违法所得 / 非法财产, with the value when known.
    case confiscation
    /// 限期停止活动.
    case activitiesSuspension = "activities_suspension"
    /// 撤销登记.
    case revocation

    public var chineseName: String {
        switch self {
        case .warning: "警告"
        case .fine: "罚款"
        case .confiscation: "没收"
        case .activitiesSuspension: "限期停止活动"
        case .revocation: "撤销登记"
        }
    }
}

/// One administrative penalty on an organization, as enforcement decided it (the decision flows in
/// from enforcement later; staff record it by RPC now). The credit lists, the evaluation exclusions
/// ("penalized last year", "a penalty not yet executed", RULES.md §3(b) Evaluation) and reports use it.
/// Penalties by any department count, not only the registrar's (linyi.gov.cn on 令60号).
public struct PenaltyRecord: Sendable, Hashable, Codable {
    public var id: String
    public var kind: PenaltyKind
    /// A fine's amount (> 0), a confiscation's value (≥ 0); zero for the other kinds.
    public var amount: Fen
    /// The decision's date (处罚决定日期): the 3-year window and "last year" count by it.
    public var decidedOn: CivilDate
    /// 处罚决定书文号.
    public var document: String
    /// 作出处罚的部门.
    public var authority: String
    /// When it was carried out (罚款缴纳、停止活动期满 …); nil while not executed.
    public var executedOn: CivilDate?

    public init(
        id: String, kind: PenaltyKind, amount: Fen = .zero, decidedOn: CivilDate, document: String, authority: String = "",
        executedOn: CivilDate? = nil
    ) {
        self.id = id
        self.kind = kind
        self.amount = amount
        self.decidedOn = decidedOn
        self.document = document
        self.authority = authority
        self.executedOn = executedOn
    }

    /// Executed on or before `day`.
    public func isExecuted(on day: CivilDate) -> Bool { executedOn.map { $0 <= day } ?? false }

    /// A warning or a fine below `threshold` (令60号 draft §15(五)'s kinds).
    public func isMinor(threshold: Fen) -> Bool { kind == .warning || (kind == .fine && amount < threshold) }

    /// Every problem of the record: "id" REQUIRED; "document" REQUIRED; "amount" NOT_POSITIVE (a fine),
    /// NEGATIVE (a confiscation), NOT_ALLOWED (other kinds); "executed_on" BEFORE_DECISION.
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        if id.allSatisfy(\.isWhitespace) { errors.add("id", "REQUIRED", "a penalty needs its id") }
        if document.allSatisfy(\.isWhitespace) { errors.add("document", "REQUIRED", "a penalty needs its decision's document number (文号)") }
        switch kind {
        case .fine where amount.fen <= 0: errors.add("amount", "NOT_POSITIVE", "a fine's amount is positive, not \(amount)")
        case .confiscation where amount.fen < 0: errors.add("amount", "NEGATIVE", "a confiscation's value is not negative")
        case .warning, .activitiesSuspension, .revocation:
            if amount != .zero { errors.add("amount", "NOT_ALLOWED", "a \(kind.chineseName) has no amount") }
        default: break
        }
        if let executedOn, executedOn < decidedOn {
            errors.add("executed_on", "BEFORE_DECISION", "the penalty cannot be executed on \(executedOn), before its decision on \(decidedOn)")
        }
        return errors
    }
}

extension Sequence where Element == PenaltyRecord {
    /// The penalties decided in calendar `year` (the evaluation's "penalized last year").
    public func decided(inYear year: Int) -> [PenaltyRecord] { filter { $0.decidedOn.year == year } }

    /// The penalties decided by `day` and not executed by then (the evaluation's "a penalty not yet executed").
    public func unexecuted(on day: CivilDate) -> [PenaltyRecord] { filter { $0.decidedOn <= day && !$0.isExecuted(on: day) } }
}

// MARK: - Registered letters

/// A registered letter (挂号信 / 专用信函) sent to the registered domicile (ContactAttempt, RULES.md §3(a)).
public struct ContactLetter: Sendable, Hashable, Codable {
    public var id: String
    public var sentOn: CivilDate
    /// The postal tracking number.
    public var trackingNumber: String
    /// 签收: the body was reached.
    public var signedOn: CivilDate?
    /// 退回 / 无人签收.
    public var returnedOn: CivilDate?
    /// Already used with another letter to raise an unreachable ground: a letter counts once.
    public var usedForGround: Bool

    public init(
        id: String, sentOn: CivilDate, trackingNumber: String = "", signedOn: CivilDate? = nil, returnedOn: CivilDate? = nil,
        usedForGround: Bool = false
    ) {
        self.id = id
        self.sentOn = sentOn
        self.trackingNumber = trackingNumber
        self.signedOn = signedOn
        self.returnedOn = returnedOn
        self.usedForGround = usedForGround
    }
}

// MARK: - Policy

/// Every threshold of the credit lists, with its default and source (RULES.md §3(b) Credit). Loaded
/// from configuration and checked by `CreditListRules.init`.
public struct CreditListPolicy: Sendable, Hashable, Codable {
    /// Removal from the abnormal list within this many working days of verifying the fix (5; draft §14).
    public var removalWorkingDays: Int
    /// Automatic removal when nothing remains to fix, this many months after the entry (6; draft §14).
    public var autoRemovalMonths: Int
    /// Abnormal → serious after this many years on the abnormal list (2; draft §15(一)).
    public var promotionYears: Int
    /// A fine of at least this much is a serious ground (5万 yuan; draft §15(四)).
    public var largeFineThreshold: Fen
    /// This many warnings or smaller fines … (2; draft §15(五)) …
    public var repeatedPenaltyCount: Int
    /// … within this many years is a serious ground (3; draft §15(五)).
    public var repeatedPenaltyYears: Int
    /// The serious list is left after this many clean years (2; RULES.md §3(b)).
    public var cleanYearsToLeaveSerious: Int
    /// Two returned letters count as "unreachable" when sent at least this many days apart (20; draft §11) …
    public var letterMinDaysApart: Int
    /// … and at most this many (60; draft §11).
    public var letterMaxDaysApart: Int
    /// A warning or a fine below the threshold also puts the body on the abnormal list (true; the final
    /// text of 令60号 as explained by linyi.gov.cn 2022).
    public var minorPenaltyListsAbnormal: Bool
    /// The 2 years before promotion count from the first entry of a continuous listing (true), not from
    /// the last restart (false). DEFAULT true: draft §13's restart protects against an early removal;
    /// restarting promotion too would reward a body that keeps defaulting.
    public var promotionCountsFromFirstEntry: Bool

    public init(
        removalWorkingDays: Int = 5, autoRemovalMonths: Int = 6, promotionYears: Int = 2, largeFineThreshold: Fen = .yuan(50_000),
        repeatedPenaltyCount: Int = 2, repeatedPenaltyYears: Int = 3, cleanYearsToLeaveSerious: Int = 2, letterMinDaysApart: Int = 20,
        letterMaxDaysApart: Int = 60, minorPenaltyListsAbnormal: Bool = true, promotionCountsFromFirstEntry: Bool = true
    ) {
        self.removalWorkingDays = removalWorkingDays
        self.autoRemovalMonths = autoRemovalMonths
        self.promotionYears = promotionYears
        self.largeFineThreshold = largeFineThreshold
        self.repeatedPenaltyCount = repeatedPenaltyCount
        self.repeatedPenaltyYears = repeatedPenaltyYears
        self.cleanYearsToLeaveSerious = cleanYearsToLeaveSerious
        self.letterMinDaysApart = letterMinDaysApart
        self.letterMaxDaysApart = letterMaxDaysApart
        self.minorPenaltyListsAbnormal = minorPenaltyListsAbnormal
        self.promotionCountsFromFirstEntry = promotionCountsFromFirstEntry
    }

    /// Every problem: each count NOT_POSITIVE ("removal_working_days", "auto_removal_months",
    /// "promotion_years", "repeated_penalty_years", "clean_years_to_leave_serious",
    /// "letter_min_days_apart", "large_fine_threshold"); "repeated_penalty_count" TOO_SMALL (below 2:
    /// one penalty is not "repeated"); "letter_max_days_apart" BELOW_MINIMUM.
    public func problems() -> ValidationErrors {
        var errors = ValidationErrors()
        let counts: [(String, Int)] = [
            ("removal_working_days", removalWorkingDays), ("auto_removal_months", autoRemovalMonths), ("promotion_years", promotionYears),
            ("repeated_penalty_years", repeatedPenaltyYears), ("clean_years_to_leave_serious", cleanYearsToLeaveSerious),
            ("letter_min_days_apart", letterMinDaysApart), ("large_fine_threshold", largeFineThreshold.fen),
        ]
        for (field, value) in counts where value <= 0 { errors.add(field, "NOT_POSITIVE", "\(field) is positive, not \(value)") }
        if repeatedPenaltyCount < 2 {
            errors.add("repeated_penalty_count", "TOO_SMALL", "repeated penalties are at least 2, not \(repeatedPenaltyCount)")
        }
        if letterMaxDaysApart < letterMinDaysApart {
            errors.add(
                "letter_max_days_apart", "BELOW_MINIMUM", "letters at most \(letterMaxDaysApart) days apart is below the minimum \(letterMinDaysApart)")
        }
        return errors
    }

    /// A policy read from JSON (the keys are the property names; left-out keys keep their defaults)
    /// and checked: `ValidationErrors`, or INVALID "configuration" UNREADABLE for bad JSON.
    public static func load(json data: Data) throws -> CreditListPolicy {
        try ConfigurationFile.load(CreditListPolicy.self, json: data, what: "credit-list policy") { $0.problems() }
    }

    private enum CodingKeys: String, CodingKey {
        case removalWorkingDays, autoRemovalMonths, promotionYears, largeFineThreshold, repeatedPenaltyCount, repeatedPenaltyYears,
            cleanYearsToLeaveSerious, letterMinDaysApart, letterMaxDaysApart, minorPenaltyListsAbnormal, promotionCountsFromFirstEntry
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CreditListPolicy()
        self.init(
            removalWorkingDays: try c.decodeIfPresent(Int.self, forKey: .removalWorkingDays) ?? d.removalWorkingDays,
            autoRemovalMonths: try c.decodeIfPresent(Int.self, forKey: .autoRemovalMonths) ?? d.autoRemovalMonths,
            promotionYears: try c.decodeIfPresent(Int.self, forKey: .promotionYears) ?? d.promotionYears,
            largeFineThreshold: try c.decodeIfPresent(Fen.self, forKey: .largeFineThreshold) ?? d.largeFineThreshold,
            repeatedPenaltyCount: try c.decodeIfPresent(Int.self, forKey: .repeatedPenaltyCount) ?? d.repeatedPenaltyCount,
            repeatedPenaltyYears: try c.decodeIfPresent(Int.self, forKey: .repeatedPenaltyYears) ?? d.repeatedPenaltyYears,
            cleanYearsToLeaveSerious: try c.decodeIfPresent(Int.self, forKey: .cleanYearsToLeaveSerious) ?? d.cleanYearsToLeaveSerious,
            letterMinDaysApart: try c.decodeIfPresent(Int.self, forKey: .letterMinDaysApart) ?? d.letterMinDaysApart,
            letterMaxDaysApart: try c.decodeIfPresent(Int.self, forKey: .letterMaxDaysApart) ?? d.letterMaxDaysApart,
            minorPenaltyListsAbnormal: try c.decodeIfPresent(Bool.self, forKey: .minorPenaltyListsAbnormal) ?? d.minorPenaltyListsAbnormal,
            promotionCountsFromFirstEntry: try c.decodeIfPresent(Bool.self, forKey: .promotionCountsFromFirstEntry)
                ?? d.promotionCountsFromFirstEntry)
    }
}

// MARK: - Events and history

/// One dated fact in an organization's credit history. `on` is the day it takes effect in the
/// credit system (the day recorded); a penalty also carries its own decision date.
public enum CreditEvent: Sendable, Hashable, Codable {
    /// A ground for the abnormal list, with its evidence (grounds other than `minorPenalty`, which
    /// penalties raise). Puts the body on the list, or restarts the listing's clocks (draft §13).
    case abnormalGround(id: String, ground: AbnormalGround, on: CivilDate, evidence: String, document: String)
    /// Staff verified that a ground was put right (查实, draft §14); for a ground carried onto the
    /// serious list too.
    case fixVerified(groundID: String, on: CivilDate, note: String)
    /// Staff removed the body from the abnormal list (移出决定), once nothing remains to fix.
    case abnormalRemoved(on: CivilDate, document: String)
    /// A recorded ground for the serious list (`SeriousGround.isRecorded`).
    case seriousGround(id: String, ground: SeriousGround, on: CivilDate, evidence: String, document: String)
    /// A penalty, recorded on `on` (not before its decision).
    case penalty(record: PenaltyRecord, on: CivilDate)
    /// A recorded penalty was carried out.
    case penaltyExecuted(penaltyID: String, on: CivilDate)
    /// A recorded penalty was revoked (撤销行政处罚决定): it no longer counts, and the grounds it
    /// raised leave the lists (a listing left without grounds ends that day).
    case penaltyRevoked(penaltyID: String, on: CivilDate, document: String, reason: String)
    /// A registered letter sent to the registered domicile.
    case letterSent(id: String, on: CivilDate, trackingNumber: String)
    /// The letter was signed for: the body was reached.
    case letterSigned(id: String, on: CivilDate)
    /// The letter came back unsigned.
    case letterReturned(id: String, on: CivilDate)
    /// The body was deregistered (注销): every listing ends and nothing more is recorded.
    case deregistered(on: CivilDate, document: String)

    public var on: CivilDate {
        switch self {
        case .abnormalGround(_, _, let on, _, _), .fixVerified(_, let on, _), .abnormalRemoved(let on, _), .seriousGround(_, _, let on, _, _),
            .penalty(_, let on), .penaltyExecuted(_, let on), .penaltyRevoked(_, let on, _, _), .letterSent(_, let on, _), .letterSigned(_, let on),
            .letterReturned(_, let on),
            .deregistered(let on, _):
            on
        }
    }
}

/// An organization's credit history: its events in date order, as stored. Built through
/// `CreditListRules.record`, which checks each event against the state on its day.
public struct CreditHistory: Sendable, Hashable, Codable {
    public var organizationID: String
    public internal(set) var events: [CreditEvent]

    public init(organizationID: String, events: [CreditEvent] = []) {
        self.organizationID = organizationID
        self.events = events
    }
}

// MARK: - State on a day

/// One ground of an abnormal listing.
public struct AbnormalGroundRecord: Sendable, Hashable, Codable {
    public var id: String
    public var ground: AbnormalGround
    public var raisedOn: CivilDate
    public var evidence: String
    public var document: String
    public var verifiedOn: CivilDate?
    public var verificationNote: String

    public init(
        id: String, ground: AbnormalGround, raisedOn: CivilDate, evidence: String, document: String = "", verifiedOn: CivilDate? = nil,
        verificationNote: String = ""
    ) {
        self.id = id
        self.ground = ground
        self.raisedOn = raisedOn
        self.evidence = evidence
        self.document = document
        self.verifiedOn = verifiedOn
        self.verificationNote = verificationNote
    }

    /// Still to be put right: it needs a fix and none was verified.
    public var isOpen: Bool { ground.needsFix && verifiedOn == nil }
}

/// One ground of a serious listing.
public struct SeriousGroundRecord: Sendable, Hashable, Codable {
    public var id: String
    public var ground: SeriousGround
    public var raisedOn: CivilDate
    public var evidence: String
    public var document: String

    public init(id: String, ground: SeriousGround, raisedOn: CivilDate, evidence: String, document: String = "") {
        self.id = id
        self.ground = ground
        self.raisedOn = raisedOn
        self.evidence = evidence
        self.document = document
    }
}

/// A body's current stay on the abnormal list, with its clocks.
public struct AbnormalListing: Sendable, Hashable, Codable {
    /// The first entry of this continuous stay ("since when").
    public var enteredOn: CivilDate
    /// The last (re)start of the 6-month clock: the entry, or the latest new ground (draft §13).
    public var clockStartedOn: CivilDate
    /// Each day a new ground restarted the clock (the "restart flag" of RULES.md §3(a)).
    public var restartedOn: [CivilDate]
    public var grounds: [AbnormalGroundRecord]
    /// Leaves automatically on this day (clock start + 6 months + 1 day) when nothing remains to fix by
    /// then; otherwise on the day the last fix is verified after it (draft §14: "不存在应当整改…
    /// 情形的，自列入之日起满6个月后移出").
    public var autoRemovalOn: CivilDate
    /// Moves to the serious list on this day (entry + 2 years + 1 day, RULES.md §3(c)) if something
    /// still remains to fix then.
    public var promotionOn: CivilDate
    /// Staff must remove the body by this day: the last verification + 5 working days. Set only when
    /// every ground is fixed and none is a penalty waiting out its 6 months.
    public var removalDue: CivilDate?
    /// `removalDue` is counted through a year without an official holiday notice: it may move.
    public var removalDueProvisional: Bool
    /// The status day is past `removalDue` and the body is still listed.
    public var removalOverdue: Bool

    /// The grounds still to put right.
    public var openGrounds: [AbnormalGroundRecord] { grounds.filter(\.isOpen) }
}

/// A body's current stay on the serious list, with its clock.
public struct SeriousListing: Sendable, Hashable, Codable {
    public var enteredOn: CivilDate
    /// The last (re)start of the clean-years clock: the entry, or the latest new ground or penalty.
    public var clockStartedOn: CivilDate
    public var restartedOn: [CivilDate]
    public var grounds: [SeriousGroundRecord]
    /// The abnormal grounds still open when the body was promoted: each must be fixed before it leaves.
    public var carriedGrounds: [AbnormalGroundRecord]
    /// Leaves on this day (clock start + 2 years + 1 day) when the carried grounds are fixed by then,
    /// else on the day the last is verified. Nil when a ground is a revocation: such a body leaves only
    /// when deregistered (注销).
    public var leaveOn: CivilDate?

    public var openCarriedGrounds: [AbnormalGroundRecord] { carriedGrounds.filter(\.isOpen) }
}

/// Where an organization stands on the credit lists on a day.
public struct CreditStatus: Sendable, Hashable, Codable {
    public var organizationID: String
    public var asOf: CivilDate
    public var abnormal: AbnormalListing?
    public var serious: SeriousListing?
    /// Penalties recorded by `asOf`, with their execution as recorded by then.
    public var penalties: [PenaltyRecord]
    public var letters: [ContactLetter]
    public var deregisteredOn: CivilDate?

    /// The lists the body is on, abnormal first.
    public var lists: [CreditList] { (abnormal == nil ? [] : [.abnormal]) + (serious == nil ? [] : [.serious]) }
    public var isListed: Bool { abnormal != nil || serious != nil }
    /// An unreachable ground is open (for the zombie clean-up's trigger).
    public var isUnreachable: Bool {
        ((abnormal?.grounds ?? []) + (serious?.carriedGrounds ?? [])).contains { $0.ground == .unreachable && $0.isOpen }
    }
}

/// Why a body left a list.
public enum CreditRemovalReason: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// Staff removed it after verifying the fix (draft §14, 5 working days).
    case fixVerified = "fix_verified"
    /// Automatically, 6 months after the entry with nothing left to fix (draft §14).
    case automatic
    /// Moved to the serious list after 2 years (draft §15(一)).
    case promoted
    /// Left the serious list after 2 clean years.
    case cleanYears = "clean_years"
    /// The body was deregistered.
    case deregistered
    /// The penalty that listed it was revoked (复议, 诉讼 or by the deciding authority) and no other
    /// ground kept it there.
    case penaltyRevoked = "penalty_revoked"
}

/// One change of a body's listing, for the report's "list entries and removals".
public struct CreditMovement: Sendable, Hashable, Codable {
    public enum Change: String, Sendable, Hashable, CaseIterable, Codable {
        case entered
        /// A new ground while listed restarted the clock.
        case restarted
        case removed
    }

    public var organizationID: String
    public var list: CreditList
    public var change: Change
    public var on: CivilDate
    /// The ground(s) that caused an entry or restart.
    public var abnormalGrounds: [AbnormalGround]
    public var seriousGrounds: [SeriousGround]
    public var removalReason: CreditRemovalReason?
    /// For a removal by staff: its due day and whether it was met.
    public var removalDue: CivilDate?
    public var removedOnTime: Bool?

    public init(
        organizationID: String, list: CreditList, change: Change, on: CivilDate, abnormalGrounds: [AbnormalGround] = [],
        seriousGrounds: [SeriousGround] = [], removalReason: CreditRemovalReason? = nil, removalDue: CivilDate? = nil, removedOnTime: Bool? = nil
    ) {
        self.organizationID = organizationID
        self.list = list
        self.change = change
        self.on = on
        self.abnormalGrounds = abnormalGrounds
        self.seriousGrounds = seriousGrounds
        self.removalReason = removalReason
        self.removalDue = removalDue
        self.removedOnTime = removedOnTime
    }
}

/// Entries and removals counted for a report period.
public struct CreditMovementCounts: Sendable, Hashable, Codable {
    public var entered: [CreditList: Int]
    public var restarted: [CreditList: Int]
    public var removed: [CreditList: [CreditRemovalReason: Int]]
    /// Staff removals made after their due day.
    public var removedLate: Int

    public init(_ movements: [CreditMovement]) {
        var entered: [CreditList: Int] = [:]
        var restarted: [CreditList: Int] = [:]
        var removed: [CreditList: [CreditRemovalReason: Int]] = [:]
        var late = 0
        for m in movements {
            switch m.change {
            case .entered: entered[m.list, default: 0] += 1
            case .restarted: restarted[m.list, default: 0] += 1
            case .removed:
                removed[m.list, default: [:]][m.removalReason ?? .fixVerified, default: 0] += 1
                if m.removedOnTime == false { late += 1 }
            }
        }
        self.entered = entered
        self.restarted = restarted
        self.removed = removed
        self.removedLate = late
    }

    public func removals(from list: CreditList) -> Int { removed[list]?.values.reduce(0, +) ?? 0 }
}

// MARK: - Rules

/// The credit-list rules: record events (checked) and replay a history to any day.
///
/// Decisions (beyond RULES.md):
/// - A new abnormal ground while listed restarts the 6-month clock on its day (draft §13); with
///   `promotionCountsFromFirstEntry` the 2-year promotion still counts from the first entry.
/// - A body is promoted on `promotionOn` only if some ground is still open then; the abnormal stay
///   ends ("promoted") and the open grounds are carried onto the serious list, where they must be
///   fixed before it leaves (universityage.com on 令60号: "移出前还须…完成整改").
/// - "2 clean years" on the serious list: 2 years after the entry with no new serious ground, no new
///   abnormal ground and no new penalty recorded; each restarts the clock. Leaving is automatic.
///   A revocation ground keeps the body listed until it is deregistered.
/// - Timers due on a day take effect before the events recorded that day: a listing whose 6 months
///   ended the day before is removed, and a new ground that day starts a new listing.
/// - Unreachable: two consecutive letters by sending date, both returned unsigned, sent 20–60 days
///   apart inclusive (不少于20日，不超过60日; §1259), raise the ground on the day the second comes back;
///   a signed letter between them breaks the pair; each letter serves one ground; no new ground
///   while an unreachable ground is open.
public struct CreditListRules: Sendable {
    public let policy: CreditListPolicy
    public let calendar: WorkingCalendar

    /// Throws `ValidationErrors` when the policy has any problem (`CreditListPolicy.problems`).
    public init(policy: CreditListPolicy = CreditListPolicy(), calendar: WorkingCalendar = .standard) throws {
        try policy.problems().check()
        self.policy = policy
        self.calendar = calendar
    }

    /// Checks `event` against the state on its day and appends it. Refusals, changing nothing:
    /// - INVALID_ARGUMENT: "on" BEFORE_LAST_EVENT (events are recorded in date order); "id" REQUIRED /
    ///   DUPLICATE / RESERVED (contains ':', kept for derived ids); "evidence" REQUIRED; "document"
    ///   REQUIRED (a removal, a recorded serious ground, a deregistration); "ground" DERIVED (raised by
    ///   a penalty or a listing, not by hand); "ground_id" / "penalty_id" / "letter_id" UNKNOWN;
    ///   "decided_on" / "executed_on" AFTER_RECORDING (a later execution is its own event); "on"
    ///   BEFORE_DECISION / BEFORE_SENT; the penalty's own problems (`PenaltyRecord.problems`).
    /// - FAILED_PRECONDITION: "status" INVALID_STATE (deregistered); "list" NOT_LISTED (removing a body
    ///   not on the abnormal list); "grounds" UNRESOLVED_GROUNDS (removing with a ground open or a
    ///   penalty still waiting out its 6 months); "ground_id" NOT_OPEN (already verified) /
    ///   NOTHING_TO_FIX (a penalty ground); "penalty_id" ALREADY_EXECUTED; "letter_id" ALREADY_SETTLED.
    public func record(_ event: CreditEvent, in history: inout CreditHistory) throws {
        if let last = history.events.last, event.on < last.on {
            throw DomainError.invalid("the event on \(event.on) is before the last one (\(last.on))", field: "on", reason: "BEFORE_LAST_EVENT")
        }
        var engine = try replay(history, through: nil)
        engine.advance(to: event.on)
        try engine.apply(event)
        history.events.append(event)
    }

    /// The history's standing on `day`: events up to that day and the clocks run to it. Throws only if
    /// the stored events do not replay (recorded under another policy, or edited by hand).
    public func status(of history: CreditHistory, on day: CivilDate) throws -> CreditStatus {
        let engine = try replay(history, through: day)
        return engine.status(on: day)
    }

    /// The entries, restarts and removals from `from` through `through` (both included).
    public func movements(of history: CreditHistory, from: CivilDate, through: CivilDate) throws -> [CreditMovement] {
        try replay(history, through: through).movements.filter { $0.on >= from && $0.on <= through }
    }

    /// The movements of many histories in a period, and their counts (the report's figures).
    public func movements(of histories: [CreditHistory], from: CivilDate, through: CivilDate) throws -> (
        movements: [CreditMovement], counts: CreditMovementCounts
    ) {
        let all = try histories.flatMap { try movements(of: $0, from: from, through: through) }
        return (all, CreditMovementCounts(all))
    }

    /// The report's credit figures: how many of `histories` are on each list on `asOf`, and their
    /// movements from `from` through `through` — each history replayed once, to the later of the two
    /// days (replaying further only adds later movements, so the period's are the same).
    public func reportFigures(of histories: [CreditHistory], from: CivilDate, through: CivilDate, asOf: CivilDate) throws -> (
        listed: [CreditList: Int], movements: [CreditMovement]
    ) {
        var listed: [CreditList: Int] = [:]
        var movements: [CreditMovement] = []
        for history in histories {
            let engine = try replay(history, through: max(through, asOf))
            if asOf >= through {
                for list in engine.status(on: asOf).lists { listed[list, default: 0] += 1 }
            } else {
                for list in try status(of: history, on: asOf).lists { listed[list, default: 0] += 1 }
            }
            movements += engine.movements.filter { $0.on >= from && $0.on <= through }
        }
        return (listed, movements)
    }

    /// Replays events up to `day` (all of them when nil) and, with a day, runs the clocks to it.
    func replay(_ history: CreditHistory, through day: CivilDate?) throws -> CreditEngine {
        var engine = CreditEngine(rules: self, organizationID: history.organizationID)
        for event in history.events {
            if let day, event.on > day { break }
            engine.advance(to: event.on)
            try engine.apply(event)
        }
        if let day { engine.advance(to: day) }
        return engine
    }
}

// MARK: - The replay engine

struct CreditEngine {
    let rules: CreditListRules
    let organizationID: String
    var now: CivilDate?
    var abnormal: AbnormalListing?
    var serious: SeriousListing?
    var penalties: [PenaltyRecord] = []
    var letters: [ContactLetter] = []
    var movements: [CreditMovement] = []
    var deregisteredOn: CivilDate?
    var groundIDs: Set<String> = []
    /// The verification day of each abnormal ground fixed in the current stay (for `removalDue`).
    var lastVerifiedOn: CivilDate?

    init(rules: CreditListRules, organizationID: String) {
        self.rules = rules
        self.organizationID = organizationID
    }

    var policy: CreditListPolicy { rules.policy }

    private enum Timer { case autoRemoval, promotion, leaveSerious }

    /// The next clock to fire and its day.
    private func nextTimer() -> (CivilDate, Timer)? {
        func atLeastNow(_ date: CivilDate) -> CivilDate { now.map { max($0, date) } ?? date }
        var next: (CivilDate, Timer)?
        func consider(_ date: CivilDate, _ timer: Timer) { if next == nil || date < next!.0 { next = (date, timer) } }
        if let a = abnormal {
            if a.openGrounds.isEmpty { consider(atLeastNow(a.autoRemovalOn), .autoRemoval) } else { consider(atLeastNow(a.promotionOn), .promotion) }
        }
        if let s = serious, let leave = s.leaveOn, s.openCarriedGrounds.isEmpty { consider(atLeastNow(leave), .leaveSerious) }
        return next
    }

    /// Fires every clock due on or before `day`, in date order, then sets the time to `day`.
    mutating func advance(to day: CivilDate) {
        while let (date, timer) = nextTimer(), date <= day {
            now = date
            switch timer {
            case .autoRemoval:
                abnormal = nil
                movements.append(CreditMovement(organizationID: organizationID, list: .abnormal, change: .removed, on: date, removalReason: .automatic))
            case .promotion:
                let carried = abnormal!.openGrounds
                abnormal = nil
                movements.append(CreditMovement(organizationID: organizationID, list: .abnormal, change: .removed, on: date, removalReason: .promoted))
                addSerious(
                    SeriousGroundRecord(
                        id: "promotion:\(date)", ground: .abnormalTwoYears, raisedOn: date,
                        evidence: "列入活动异常名录满\(policy.promotionYears)年: " + carried.map(\.ground.chineseName).joined(separator: "、")),
                    carrying: carried, on: date)
            case .leaveSerious:
                serious = nil
                movements.append(CreditMovement(organizationID: organizationID, list: .serious, change: .removed, on: date, removalReason: .cleanYears))
            }
        }
        if now == nil || now! < day { now = day }
    }

    private func listingEnd(_ start: CivilDate, months: Int) -> CivilDate { start.adding(months: months).adding(days: 1) }

    /// Notes an entry or restart; a second one for the same list on the same day joins the first.
    private mutating func note(
        _ change: CreditMovement.Change, _ list: CreditList, on day: CivilDate, abnormal: AbnormalGround? = nil, serious: SeriousGround? = nil
    ) {
        if let i = movements.lastIndex(where: { $0.list == list && $0.on == day && $0.change != .removed }) {
            if let abnormal { movements[i].abnormalGrounds.append(abnormal) }
            if let serious { movements[i].seriousGrounds.append(serious) }
            return
        }
        movements.append(
            CreditMovement(
                organizationID: organizationID, list: list, change: change, on: day, abnormalGrounds: abnormal.map { [$0] } ?? [],
                seriousGrounds: serious.map { [$0] } ?? []))
    }

    // MARK: Listings

    private mutating func addAbnormal(_ record: AbnormalGroundRecord, on day: CivilDate) {
        groundIDs.insert(record.id)
        if var a = abnormal {
            a.grounds.append(record)
            if a.clockStartedOn < day { a.restartedOn.append(day) }
            a.clockStartedOn = day
            a.autoRemovalOn = listingEnd(day, months: policy.autoRemovalMonths)
            if !policy.promotionCountsFromFirstEntry { a.promotionOn = listingEnd(day, months: 12 * policy.promotionYears) }
            abnormal = a
            note(.restarted, .abnormal, on: day, abnormal: record.ground)
        } else {
            abnormal = AbnormalListing(
                enteredOn: day, clockStartedOn: day, restartedOn: [], grounds: [record],
                autoRemovalOn: listingEnd(day, months: policy.autoRemovalMonths), promotionOn: listingEnd(day, months: 12 * policy.promotionYears),
                removalDue: nil, removalDueProvisional: false, removalOverdue: false)
            lastVerifiedOn = nil
            note(.entered, .abnormal, on: day, abnormal: record.ground)
        }
        // A new abnormal-list situation is not a clean year on the serious list either.
        restartSerious(on: day)
    }

    private mutating func addSerious(_ record: SeriousGroundRecord, carrying carried: [AbnormalGroundRecord] = [], on day: CivilDate) {
        groundIDs.insert(record.id)
        if var s = serious {
            s.grounds.append(record)
            s.carriedGrounds += carried
            serious = s
            restartSerious(on: day, ground: record.ground)
        } else {
            serious = SeriousListing(
                enteredOn: day, clockStartedOn: day, restartedOn: [], grounds: [record], carriedGrounds: carried, leaveOn: nil)
            updateLeave()
            note(.entered, .serious, on: day, serious: record.ground)
        }
    }

    private mutating func restartSerious(on day: CivilDate, ground: SeriousGround? = nil) {
        guard var s = serious else { return }
        if s.clockStartedOn < day { s.restartedOn.append(day) }
        s.clockStartedOn = day
        serious = s
        updateLeave()
        note(.restarted, .serious, on: day, serious: ground)
    }

    private mutating func updateLeave() {
        guard var s = serious else { return }
        s.leaveOn = s.grounds.contains { $0.ground == .revocation } ? nil : listingEnd(s.clockStartedOn, months: 12 * policy.cleanYearsToLeaveSerious)
        serious = s
    }

    // MARK: Events

    private func refuse(_ field: String, _ reason: String, _ message: String) -> DomainError {
        DomainError(.failedPrecondition, message, problems: [FieldProblem(field: field, reason: reason, description: message)])
    }

    private func checkNewID(_ id: String, in errors: inout ValidationErrors) {
        if id.allSatisfy(\.isWhitespace) {
            errors.add("id", "REQUIRED", "the ground needs an id")
        } else if id.contains(":") {
            errors.add("id", "RESERVED", "ids with ':' are kept for grounds the rules raise")
        } else if groundIDs.contains(id) {
            errors.add("id", "DUPLICATE", "a ground \(id) is recorded already")
        }
    }

    /// Applies one event at its day (the clocks run to it already), or throws. A replay of stored
    /// events checks the same, so a history that does not replay throws.
    mutating func apply(_ event: CreditEvent) throws {
        if let deregisteredOn {
            throw refuse("status", "INVALID_STATE", "the organization was deregistered on \(deregisteredOn): nothing more is recorded")
        }
        let day = event.on
        switch event {
        case .abnormalGround(let id, let ground, _, let evidence, let document):
            var errors = ValidationErrors()
            checkNewID(id, in: &errors)
            if ground == .minorPenalty { errors.add("ground", "DERIVED", "a penalty ground is raised by recording the penalty") }
            if evidence.allSatisfy(\.isWhitespace) { errors.add("evidence", "REQUIRED", "a ground needs its evidence") }
            if !errors.isEmpty { throw errors.domainError }
            addAbnormal(AbnormalGroundRecord(id: id, ground: ground, raisedOn: day, evidence: evidence, document: document), on: day)

        case .fixVerified(let groundID, _, let note):
            func verify(_ grounds: inout [AbnormalGroundRecord]) throws -> Bool {
                guard let i = grounds.firstIndex(where: { $0.id == groundID }) else { return false }
                guard grounds[i].ground.needsFix else {
                    throw refuse("ground_id", "NOTHING_TO_FIX", "ground \(groundID) is a penalty: it is waited out, not fixed")
                }
                guard grounds[i].verifiedOn == nil else {
                    throw refuse("ground_id", "NOT_OPEN", "ground \(groundID) was verified fixed on \(grounds[i].verifiedOn!)")
                }
                grounds[i].verifiedOn = day
                grounds[i].verificationNote = note
                return true
            }
            if var a = abnormal, try verify(&a.grounds) {
                abnormal = a
                lastVerifiedOn = day
            } else if var s = serious, try verify(&s.carriedGrounds) {
                serious = s
            } else if groundIDs.contains(groundID) {
                throw refuse("ground_id", "NOT_OPEN", "ground \(groundID) is not on a current listing")
            } else {
                throw DomainError.invalid("no ground \(groundID) is recorded", field: "ground_id", reason: "UNKNOWN")
            }

        case .abnormalRemoved(_, let document):
            guard let a = abnormal else { throw refuse("list", "NOT_LISTED", "the organization is not on the abnormal list") }
            guard a.grounds.allSatisfy({ $0.ground.needsFix && $0.verifiedOn != nil }) else {
                let left = a.grounds.filter { !$0.ground.needsFix || $0.verifiedOn == nil }.map(\.id)
                throw refuse(
                    "grounds", "UNRESOLVED_GROUNDS",
                    "grounds \(left.joined(separator: ", ")) are open or waiting out \(policy.autoRemovalMonths) months")
            }
            if document.allSatisfy(\.isWhitespace) {
                throw DomainError.invalid("a removal needs its decision's document", field: "document", reason: "REQUIRED")
            }
            let due = removalDue(a)
            abnormal = nil
            movements.append(
                CreditMovement(
                    organizationID: organizationID, list: .abnormal, change: .removed, on: day, removalReason: .fixVerified, removalDue: due,
                    removedOnTime: due.map { day <= $0 }))

        case .seriousGround(let id, let ground, _, let evidence, let document):
            var errors = ValidationErrors()
            checkNewID(id, in: &errors)
            if !ground.isRecorded { errors.add("ground", "DERIVED", "\(ground.chineseName) follows from a listing or a penalty") }
            if evidence.allSatisfy(\.isWhitespace) { errors.add("evidence", "REQUIRED", "a ground needs its evidence") }
            if document.allSatisfy(\.isWhitespace) { errors.add("document", "REQUIRED", "a serious-list ground needs its document") }
            if !errors.isEmpty { throw errors.domainError }
            addSerious(SeriousGroundRecord(id: id, ground: ground, raisedOn: day, evidence: evidence, document: document), on: day)

        case .penalty(let record, _):
            var errors = record.problems()
            if penalties.contains(where: { $0.id == record.id }) { errors.add("id", "DUPLICATE", "a penalty \(record.id) is recorded already") }
            if record.id.contains(":") { errors.add("id", "RESERVED", "ids with ':' are kept for grounds the rules raise") }
            if record.decidedOn > day {
                errors.add("decided_on", "AFTER_RECORDING", "the decision on \(record.decidedOn) is after the day it is recorded (\(day))")
            }
            if let executed = record.executedOn, executed > day {
                errors.add("executed_on", "AFTER_RECORDING", "execution on \(executed) is recorded with penaltyExecuted on that day")
            }
            if !errors.isEmpty { throw errors.domainError }
            applyPenalty(record, on: day)

        case .penaltyExecuted(let penaltyID, _):
            guard let i = penalties.firstIndex(where: { $0.id == penaltyID }) else {
                throw DomainError.invalid("no penalty \(penaltyID) is recorded", field: "penalty_id", reason: "UNKNOWN")
            }
            if let executed = penalties[i].executedOn {
                throw refuse("penalty_id", "ALREADY_EXECUTED", "penalty \(penaltyID) was executed on \(executed)")
            }
            if day < penalties[i].decidedOn {
                throw DomainError.invalid("execution cannot precede the decision of \(penalties[i].decidedOn)", field: "on", reason: "BEFORE_DECISION")
            }
            penalties[i].executedOn = day

        case .penaltyRevoked(let penaltyID, _, let document, let reason):
            guard let i = penalties.firstIndex(where: { $0.id == penaltyID }) else {
                throw DomainError.invalid("no penalty \(penaltyID) is recorded", field: "penalty_id", reason: "UNKNOWN")
            }
            var errors = ValidationErrors()
            if document.allSatisfy(\.isWhitespace) { errors.add("document", "REQUIRED", "a revocation needs its document") }
            if reason.allSatisfy(\.isWhitespace) { errors.add("reason", "REQUIRED", "a revocation needs its reason") }
            if day < penalties[i].decidedOn {
                errors.add("on", "BEFORE_DECISION", "a revocation cannot precede the decision of \(penalties[i].decidedOn)")
            }
            if !errors.isEmpty { throw errors.domainError }
            revokePenalty(penalties.remove(at: i), on: day)

        case .letterSent(let id, _, let trackingNumber):
            var errors = ValidationErrors()
            if id.allSatisfy(\.isWhitespace) {
                errors.add("id", "REQUIRED", "the letter needs an id")
            } else if letters.contains(where: { $0.id == id }) {
                errors.add("id", "DUPLICATE", "a letter \(id) is recorded already")
            }
            if !errors.isEmpty { throw errors.domainError }
            letters.append(ContactLetter(id: id, sentOn: day, trackingNumber: trackingNumber))

        case .letterSigned(let id, _), .letterReturned(let id, _):
            guard let i = letters.firstIndex(where: { $0.id == id }) else {
                throw DomainError.invalid("no letter \(id) is recorded", field: "letter_id", reason: "UNKNOWN")
            }
            if letters[i].signedOn != nil || letters[i].returnedOn != nil {
                throw refuse("letter_id", "ALREADY_SETTLED", "letter \(id) was signed for or returned already")
            }
            if day < letters[i].sentOn {
                throw DomainError.invalid("letter \(id) was sent on \(letters[i].sentOn)", field: "on", reason: "BEFORE_SENT")
            }
            if case .letterSigned = event {
                letters[i].signedOn = day
            } else {
                letters[i].returnedOn = day
                checkUnreachable(returned: id, on: day)
            }

        case .deregistered(_, let document):
            if document.allSatisfy(\.isWhitespace) {
                throw DomainError.invalid("a deregistration needs its document", field: "document", reason: "REQUIRED")
            }
            if abnormal != nil {
                movements.append(
                    CreditMovement(organizationID: organizationID, list: .abnormal, change: .removed, on: day, removalReason: .deregistered))
            }
            if serious != nil {
                movements.append(
                    CreditMovement(organizationID: organizationID, list: .serious, change: .removed, on: day, removalReason: .deregistered))
            }
            abnormal = nil
            serious = nil
            deregisteredOn = day
        }
        now = day
    }

    private mutating func applyPenalty(_ p: PenaltyRecord, on day: CivilDate) {
        penalties.append(p)
        let evidence = "\(p.kind.chineseName) \(p.document)" + (p.amount == .zero ? "" : " \(p.amount)元")
        var raisedSerious = false
        switch p.kind {
        case .activitiesSuspension:
            addSerious(
                SeriousGroundRecord(id: "penalty:\(p.id)", ground: .activitiesSuspension, raisedOn: day, evidence: evidence, document: p.document), on: day)
            raisedSerious = true
        case .revocation:
            addSerious(SeriousGroundRecord(id: "penalty:\(p.id)", ground: .revocation, raisedOn: day, evidence: evidence, document: p.document), on: day)
            raisedSerious = true
        case .fine where p.amount >= policy.largeFineThreshold:
            addSerious(SeriousGroundRecord(id: "penalty:\(p.id)", ground: .largeFine, raisedOn: day, evidence: evidence, document: p.document), on: day)
            raisedSerious = true
        case .warning, .fine:
            if policy.minorPenaltyListsAbnormal {
                addAbnormal(
                    AbnormalGroundRecord(id: "penalty:\(p.id)", ground: .minorPenalty, raisedOn: day, evidence: evidence, document: p.document), on: day)
            }
            let window = repeatedWindow(containing: p)
            if window.count >= policy.repeatedPenaltyCount {
                addSerious(
                    SeriousGroundRecord(
                        id: "repeated:\(p.id)", ground: .repeatedPenalties, raisedOn: day,
                        evidence: "\(policy.repeatedPenaltyYears)年内\(window.count)次: " + window.map(\.document).joined(separator: "、"),
                        document: p.document), on: day)
                raisedSerious = true
            }
        case .confiscation: break
        }
        // Any penalty breaks the serious list's clean years.
        if !raisedSerious { restartSerious(on: day) }
    }

    /// Takes back what a penalty raised: its own ground and the repeated-penalties ground it
    /// completed (a revoked decision never was, 行政处罚法 §65). A listing left with no ground ends on
    /// `day`; a serious listing that only a revocation kept open gets its clean-years clock back.
    /// Clock restarts the penalty caused stay: they happened, and the clean years count from them.
    private mutating func revokePenalty(_ p: PenaltyRecord, on day: CivilDate) {
        let raised: Set<String> = ["penalty:\(p.id)", "repeated:\(p.id)"]
        if var a = abnormal {
            a.grounds.removeAll { raised.contains($0.id) }
            if a.grounds.isEmpty {
                abnormal = nil
                movements.append(CreditMovement(organizationID: organizationID, list: .abnormal, change: .removed, on: day, removalReason: .penaltyRevoked))
            } else {
                abnormal = a
            }
        }
        if var s = serious {
            s.grounds.removeAll { raised.contains($0.id) }
            if s.grounds.isEmpty && s.carriedGrounds.isEmpty {
                serious = nil
                movements.append(CreditMovement(organizationID: organizationID, list: .serious, change: .removed, on: day, removalReason: .penaltyRevoked))
            } else {
                serious = s
                updateLeave()
            }
        }
    }

    /// The largest set of minor penalties, `p` among them, whose decision dates fit in one
    /// `repeatedPenaltyYears` window (the window's last day included, §1259 "以内").
    private func repeatedWindow(containing p: PenaltyRecord) -> [PenaltyRecord] {
        let minor = penalties.filter { $0.isMinor(threshold: policy.largeFineThreshold) }.sorted { $0.decidedOn < $1.decidedOn }
        var best: [PenaltyRecord] = []
        for start in minor where start.decidedOn <= p.decidedOn {
            let end = start.decidedOn.adding(months: 12 * policy.repeatedPenaltyYears)
            guard p.decidedOn <= end else { continue }
            let inWindow = minor.filter { $0.decidedOn >= start.decidedOn && $0.decidedOn <= end }
            if inWindow.count > best.count { best = inWindow }
        }
        return best
    }

    /// On a return: pairs the letter with its neighbour by sending date when both came back unsigned
    /// and were sent `letterMinDaysApart`–`letterMaxDaysApart` days apart.
    private mutating func checkUnreachable(returned id: String, on day: CivilDate) {
        if let a = abnormal, a.grounds.contains(where: { $0.ground == .unreachable && $0.isOpen }) { return }
        if let s = serious, s.carriedGrounds.contains(where: { $0.ground == .unreachable && $0.isOpen }) { return }
        let order = letters.indices.sorted { (letters[$0].sentOn, $0) < (letters[$1].sentOn, $1) }
        guard let position = order.firstIndex(where: { letters[$0].id == id }) else { return }
        let neighbours = [position - 1, position + 1].filter { order.indices.contains($0) }
        for n in neighbours {
            let (first, second) = n < position ? (order[n], order[position]) : (order[position], order[n])
            let a = letters[first]
            let b = letters[second]
            guard a.returnedOn != nil, b.returnedOn != nil, !a.usedForGround, !b.usedForGround else { continue }
            let apart = b.sentOn.dayNumber - a.sentOn.dayNumber
            guard apart >= policy.letterMinDaysApart && apart <= policy.letterMaxDaysApart else { continue }
            letters[first].usedForGround = true
            letters[second].usedForGround = true
            let evidence = "挂号信 \(a.id)（\(a.sentOn)寄出，\(a.returnedOn!)退回）、\(b.id)（\(b.sentOn)寄出，\(b.returnedOn!)退回），间隔\(apart)日"
            addAbnormal(
                AbnormalGroundRecord(id: "letters:\(a.id)+\(b.id)", ground: .unreachable, raisedOn: day, evidence: evidence, document: ""), on: day)
            return
        }
    }

    // MARK: Status

    private func removalDue(_ a: AbnormalListing) -> CivilDate? {
        guard let verified = lastVerifiedOn, a.grounds.allSatisfy({ $0.ground.needsFix && $0.verifiedOn != nil }) else { return nil }
        return rules.calendar.adding(workingDays: policy.removalWorkingDays, to: verified)
    }

    func status(on day: CivilDate) -> CreditStatus {
        var a = abnormal
        if var listing = a {
            listing.removalDue = removalDue(listing)
            if let due = listing.removalDue, let verified = lastVerifiedOn {
                listing.removalDueProvisional = rules.calendar.isProvisional(from: verified, through: due)
                listing.removalOverdue = day > due
            }
            a = listing
        }
        return CreditStatus(
            organizationID: organizationID, asOf: day, abnormal: a, serious: serious, penalties: penalties, letters: letters,
            deregisteredOn: deregisteredOn)
    }
}
