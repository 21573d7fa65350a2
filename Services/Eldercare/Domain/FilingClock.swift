import CivicDomain

// MARK: - 备案 clock

/// The 备案 time limits.
public struct FilingTimeLimits: Sendable, Hashable, Codable {
    /// 备案 is due within this many working days after the first resident's admission (RULES.md §2(b): 10 WD,
    /// prior SRC suizhou.gov.cn; 民政部令第66号 UNVERIFIED).
    public var filingWorkingDays: Int
    /// A due day this many working days away or fewer is due soon (DEFAULT 3, RULES.md is silent).
    public var dueSoonWorkingDays: Int

    public init(filingWorkingDays: Int = 10, dueSoonWorkingDays: Int = 3) {
        self.filingWorkingDays = filingWorkingDays
        self.dueSoonWorkingDays = dueSoonWorkingDays
    }
}

/// Where an institution's 备案 stands on a day. Case order is stored: append only.
public enum FilingStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Not filed, the due day more than `dueSoonWorkingDays` working days away.
    case onTime = "on_time"
    /// Not filed, due within `dueSoonWorkingDays` working days (the due day included).
    case dueSoon = "due_soon"
    /// Not filed, past the due day.
    case overdue
    /// Filed by the due day (or before any resident came).
    case filed
    /// Filed after the due day.
    case filedLate = "filed_late"
}

/// One institution on the due or overdue list.
public struct FilingEntry: Sendable, Hashable, Codable {
    public var institutionID: String
    public var firstAdmission: CivilDate
    public var due: CivilDate
    public var status: FilingStatus
    /// Working days left until the due day (0 on it), or negative: working days past it.
    public var workingDaysLeft: Int
    /// The due day lies in (or is counted through) a year without an official holiday notice: it may move.
    public var provisional: Bool

    public init(institutionID: String, firstAdmission: CivilDate, due: CivilDate, status: FilingStatus, workingDaysLeft: Int, provisional: Bool) {
        self.institutionID = institutionID
        self.firstAdmission = firstAdmission
        self.due = due
        self.status = status
        self.workingDaysLeft = workingDaysLeft
        self.provisional = provisional
    }
}

/// What the clock needs of an institution: its first resident's admission and its 备案.
public struct FilingSubject: Sendable, Hashable, Codable {
    public var institutionID: String
    public var firstAdmission: CivilDate?
    public var filedOn: CivilDate?

    public init(institutionID: String, firstAdmission: CivilDate?, filedOn: CivilDate?) {
        self.institutionID = institutionID
        self.firstAdmission = firstAdmission
        self.filedOn = filedOn
    }
}

/// The 备案 clock (老年人权益保障法 §43; RULES.md §2(b)): due `filingWorkingDays` working days after the first
/// resident's admission on the working-day calendar, counting from the day after (RULES.md §0.1: the start day
/// is not counted; 调休 days are working days).
public struct FilingClock: Sendable {
    public var calendar: WorkingCalendar
    public var limits: FilingTimeLimits

    public init(calendar: WorkingCalendar = .standard, limits: FilingTimeLimits = FilingTimeLimits()) {
        self.calendar = calendar
        self.limits = limits
    }

    /// The last day to file: `filingWorkingDays` working days after `firstAdmission`.
    public func due(firstAdmission: CivilDate) -> CivilDate { calendar.adding(workingDays: limits.filingWorkingDays, to: firstAdmission) }

    /// The status on `day`; nil while the clock has not started (no resident, not filed).
    /// A filing on or before the due day is `filed`, after it `filedLate`; without a resident any filing is `filed`.
    public func status(firstAdmission: CivilDate?, filedOn: CivilDate?, on day: CivilDate) -> FilingStatus? {
        if let filed = filedOn, filed <= day {
            guard let first = firstAdmission else { return .filed }
            return filed > due(firstAdmission: first) ? .filedLate : .filed
        }
        guard let first = firstAdmission, first <= day else { return nil }
        let due = due(firstAdmission: first)
        if day > due { return .overdue }
        return calendar.workingDays(from: day, to: due) <= limits.dueSoonWorkingDays ? .dueSoon : .onTime
    }

    /// The unfiled institutions whose 备案 is due soon or overdue on `day`, overdue first, then by due day and id.
    public func dueAndOverdue(_ subjects: [FilingSubject], on day: CivilDate) -> [FilingEntry] {
        var entries: [FilingEntry] = []
        for subject in subjects {
            guard let first = subject.firstAdmission, let status = status(firstAdmission: first, filedOn: subject.filedOn, on: day),
                status == .dueSoon || status == .overdue
            else { continue }
            let due = due(firstAdmission: first)
            let left = day > due ? -calendar.workingDays(from: due, to: day) : calendar.workingDays(from: day, to: due)
            entries.append(
                FilingEntry(
                    institutionID: subject.institutionID, firstAdmission: first, due: due, status: status, workingDaysLeft: left,
                    provisional: calendar.isProvisional(from: first, through: due)))
        }
        return entries.sorted {
            ($0.status == .overdue ? 0 : 1, $0.due, $0.institutionID) < ($1.status == .overdue ? 0 : 1, $1.due, $1.institutionID)
        }
    }
}

// MARK: - Residents

/// A resident's ability level (老年人能力等级, GB/T 42195-2022 老年人能力评估规范). Decision: the national
/// assessment's five levels rather than 特困's three self-care levels; the flows issue maps between them.
/// Case order is stored: append only.
public enum AbilityLevel: String, Sendable, Hashable, CaseIterable, Codable {
    /// 能力完好.
    case intact
    /// 轻度失能.
    case mild
    /// 中度失能.
    case moderate
    /// 重度失能.
    case severe
    /// 完全失能.
    case complete

    /// Needs nursing care (中度 and worse): the residents nursing-type beds are for.
    public var needsNursing: Bool { self == .moderate || self == .severe || self == .complete }
}

/// The service agreement (服务协议) an institution signs with each resident (老年人权益保障法 §48).
public struct ServiceAgreement: Sendable, Hashable, Codable {
    public var number: String
    public var signedOn: CivilDate
    /// The last day it runs; nil for open-ended.
    public var validUntil: CivilDate?

    public init(number: String, signedOn: CivilDate, validUntil: CivilDate? = nil) {
        self.number = number
        self.signedOn = signedOn
        self.validUntil = validUntil
    }

    public func isValid(on day: CivilDate) -> Bool { signedOn <= day && (validUntil.map { day <= $0 } ?? true) }
}

/// A resident of an institution (入住老人), RULES.md §2(a).
///
/// The person is named by a pseudonymous `personRef`; the ID number is kept apart in `residentID`, which the
/// store encrypts and only staff who need it read: `redacted` drops it, `maskedID` is what screens show.
public struct Resident: Sendable, Hashable, Codable {
    public var id: String
    public var institutionID: String
    /// A pseudonymous person id, the same across institutions.
    public var personRef: String
    /// 公民身份号码: sensitive, see the type's note.
    public var residentID: ResidentID?
    public var admittedOn: CivilDate
    public var dischargedOn: CivilDate?
    public var diedOn: CivilDate?
    public var abilityLevel: AbilityLevel?
    public var assessedOn: CivilDate?
    public var agreement: ServiceAgreement?
    /// A 特困 person (集中供养) carries the assistance service's case id; nil for others.
    public var destituteCaseID: String?

    public init(
        id: String = "", institutionID: String, personRef: String, residentID: ResidentID? = nil, admittedOn: CivilDate,
        dischargedOn: CivilDate? = nil, diedOn: CivilDate? = nil, abilityLevel: AbilityLevel? = nil, assessedOn: CivilDate? = nil,
        agreement: ServiceAgreement? = nil, destituteCaseID: String? = nil
    ) {
        self.id = id
        self.institutionID = institutionID
        self.personRef = personRef
        self.residentID = residentID
        self.admittedOn = admittedOn
        self.dischargedOn = dischargedOn
        self.diedOn = diedOn
        self.abilityLevel = abilityLevel
        self.assessedOn = assessedOn
        self.agreement = agreement
        self.destituteCaseID = destituteCaseID
    }

    /// A 特困 person supported in the institution.
    public var isDestitute: Bool { destituteCaseID != nil }

    /// Living in the institution on `day`: admitted by then, not yet discharged or dead (the day of discharge
    /// or death is no longer counted).
    public func isResident(on day: CivilDate) -> Bool {
        admittedOn <= day && (dischargedOn.map { day < $0 } ?? true) && (diedOn.map { day < $0 } ?? true)
    }

    /// Discharged or dead: the record takes no further events.
    public var hasLeft: Bool { dischargedOn != nil || diedOn != nil }

    /// The ID number masked for screens ("110105********002X"), nil when none is held.
    public var maskedID: String? { residentID?.masked }

    /// The record without the ID number, for anyone who does not need it.
    public var redacted: Resident {
        var copy = self
        copy.residentID = nil
        return copy
    }
}

/// What may happen to a resident after admission.
public enum ResidentEvent: Sendable, Hashable {
    /// 出院 / 退住.
    case discharge(on: CivilDate)
    /// 死亡.
    case death(on: CivilDate)
    /// A (re)assessment of the ability level.
    case assess(AbilityLevel, on: CivilDate)
    /// The service agreement signed or renewed.
    case signAgreement(ServiceAgreement)
    /// Recognised as 特困 (or the case id corrected), from the assistance service.
    case linkDestituteCase(String)
    /// No longer 特困.
    case unlinkDestituteCase
}

/// The rules of the resident record.
public enum ResidentRules {
    /// Every problem of a resident being admitted on `today`:
    /// - "institution_id", "person_ref" `REQUIRED`;
    /// - "admitted_on" `IN_THE_FUTURE`;
    /// - "discharged_on", "died_on" `BEFORE_ADMISSION` / `IN_THE_FUTURE`; "discharged_on" `AFTER_DEATH` (discharged after dying);
    /// - "assessed_on" `IN_THE_FUTURE`, "ability_level" `REQUIRED` with an assessment date (and "assessed_on" `REQUIRED` with a level);
    /// - "agreement.number" `REQUIRED`, "agreement.valid_until" `BEFORE_START`;
    /// - "destitute_case_id" `REQUIRED` (given but empty);
    /// - "resident_id" `BORN_IN_FUTURE` (a birth date after admission).
    public static func problems(_ resident: Resident, today: CivilDate) -> ValidationErrors {
        var errors = ValidationErrors()
        if resident.institutionID.allSatisfy(\.isWhitespace) { errors.add("institution_id", "REQUIRED", "a resident lives in an institution") }
        if resident.personRef.allSatisfy(\.isWhitespace) { errors.add("person_ref", "REQUIRED", "a resident needs the person reference") }
        if resident.admittedOn > today { errors.add("admitted_on", "IN_THE_FUTURE", "an admission is recorded once it happened") }
        for (field, date) in [("discharged_on", resident.dischargedOn), ("died_on", resident.diedOn)] {
            guard let date else { continue }
            if date < resident.admittedOn {
                errors.add(field, "BEFORE_ADMISSION", "\(field) is on or after the admission (\(resident.admittedOn))")
            } else if date > today {
                errors.add(field, "IN_THE_FUTURE", "\(field) is recorded once it happened")
            }
        }
        if let discharged = resident.dischargedOn, let died = resident.diedOn, discharged > died {
            errors.add("discharged_on", "AFTER_DEATH", "a resident is not discharged after dying")
        }
        if let assessed = resident.assessedOn {
            if assessed > today { errors.add("assessed_on", "IN_THE_FUTURE", "an assessment is recorded once made") }
            if resident.abilityLevel == nil { errors.add("ability_level", "REQUIRED", "an assessment records the level") }
        } else if resident.abilityLevel != nil {
            errors.add("assessed_on", "REQUIRED", "an ability level needs the day it was assessed")
        }
        if let agreement = resident.agreement {
            if agreement.number.allSatisfy(\.isWhitespace) { errors.add("agreement.number", "REQUIRED", "a service agreement has a number") }
            if let until = agreement.validUntil, until < agreement.signedOn {
                errors.add("agreement.valid_until", "BEFORE_START", "an agreement ends after it is signed")
            }
        }
        if let caseID = resident.destituteCaseID, caseID.allSatisfy(\.isWhitespace) {
            errors.add("destitute_case_id", "REQUIRED", "a 特困 resident carries the assistance case id")
        }
        if let id = resident.residentID,
            let birth = CivilDate(year: id.birthYear, month: id.birthMonth, day: id.birthDay), birth > resident.admittedOn
        {
            errors.add("resident_id", "BORN_IN_FUTURE", "the birth date in the ID number is after the admission")
        }
        return errors
    }

    /// `resident` after `event` on `today`. Throws FAILED_PRECONDITION `DECEASED` for anything after a death,
    /// `DISCHARGED` for anything after a discharge (a returning person is admitted anew); INVALID
    /// "on" `BEFORE_ADMISSION` / `IN_THE_FUTURE` for a discharge, death or assessment dated so, "number"
    /// `REQUIRED` for an agreement without a number, "destitute_case_id" `REQUIRED` for an empty case id.
    public static func apply(_ event: ResidentEvent, to resident: Resident, today: CivilDate) throws -> Resident {
        if let died = resident.diedOn {
            throw DomainError.failedPrecondition("the resident died on \(died): nothing is recorded after a death", reason: "DECEASED")
        }
        if let left = resident.dischargedOn {
            throw DomainError.failedPrecondition("the resident was discharged on \(left): a return is a new admission", reason: "DISCHARGED")
        }
        func checkDate(_ day: CivilDate) throws {
            if day < resident.admittedOn {
                throw DomainError.invalid("\(day) is before the admission on \(resident.admittedOn)", field: "on", reason: "BEFORE_ADMISSION")
            }
            if day > today { throw DomainError.invalid("\(day) has not come yet", field: "on", reason: "IN_THE_FUTURE") }
        }
        var copy = resident
        switch event {
        case .discharge(let day):
            try checkDate(day)
            copy.dischargedOn = day
        case .death(let day):
            try checkDate(day)
            copy.diedOn = day
        case .assess(let level, let day):
            try checkDate(day)
            copy.abilityLevel = level
            copy.assessedOn = day
        case .signAgreement(let agreement):
            if agreement.number.allSatisfy(\.isWhitespace) {
                throw DomainError.invalid("a service agreement has a number", field: "number", reason: "REQUIRED")
            }
            if let until = agreement.validUntil, until < agreement.signedOn {
                throw DomainError.invalid("an agreement ends after it is signed", field: "valid_until", reason: "BEFORE_START")
            }
            copy.agreement = agreement
        case .linkDestituteCase(let caseID):
            if caseID.allSatisfy(\.isWhitespace) {
                throw DomainError.invalid("a 特困 resident carries the assistance case id", field: "destitute_case_id", reason: "REQUIRED")
            }
            copy.destituteCaseID = caseID
        case .unlinkDestituteCase:
            copy.destituteCaseID = nil
        }
        return copy
    }

    /// The first admission among `residents` (the 备案 clock's start); nil for none.
    public static func firstAdmission(_ residents: [Resident]) -> CivilDate? { residents.map(\.admittedOn).min() }

    /// How many of `residents` live in the institution on `day`.
    public static func count(_ residents: [Resident], on day: CivilDate) -> Int { residents.filter { $0.isResident(on: day) }.count }

    /// The residents on `day` without a valid service agreement (§48): a compliance list, not a refusal.
    public static func withoutAgreement(_ residents: [Resident], on day: CivilDate) -> [Resident] {
        residents.filter { $0.isResident(on: day) && !($0.agreement?.isValid(on: day) ?? false) }
    }
}
