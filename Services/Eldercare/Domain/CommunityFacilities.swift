import CivicDomain

/// The kinds of community and home-based facilities (社区居家养老服务设施), RULES.md §2(a). Case order is
/// stored: append only.
public enum FacilityKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// 日间照料中心: covers a community.
    case dayCareCentre = "day_care_centre"
    /// 街道综合养老服务中心: covers a street.
    case streetCentre = "street_centre"
    /// 乡镇敬老院 (乡镇 home): covers a township.
    case townshipHome = "township_home"
    /// 农村互助养老点 (幸福院): covers a village.
    case ruralMutualAidPoint = "rural_mutual_aid_point"
    /// 养老服务驿站: covers a community.
    case servicePost = "service_post"

    /// The level of division one facility of this kind covers: what its coverage is counted over.
    public var coveredLevels: [DivisionLevel] {
        switch self {
        case .dayCareCentre, .servicePost: [.community]
        case .streetCentre: [.street]
        case .townshipHome: [.township]
        case .ruralMutualAidPoint: [.village]
        }
    }

    public var chineseName: String {
        switch self {
        case .dayCareCentre: "日间照料中心"
        case .streetCentre: "街道综合养老服务中心"
        case .townshipHome: "乡镇敬老院"
        case .ruralMutualAidPoint: "农村互助养老点"
        case .servicePost: "养老服务驿站"
        }
    }
}

/// The services a facility offers (S001 names 助餐、助洁、助乐; RULES.md §2(a) adds 助浴、助医).
public enum CommunityService: String, Sendable, Hashable, CaseIterable, Codable {
    /// 助餐.
    case meals
    /// 助洁.
    case cleaning
    /// 助浴.
    case bathing
    /// 助医.
    case medical
    /// 助乐 (文娱).
    case recreation
}

/// A community facility (社区养老服务设施).
public struct CommunityFacility: Sendable, Hashable, Codable {
    /// The store's id; "" for one not yet registered.
    public var id: String
    public var name: String
    public var kind: FacilityKind
    public var county: DivisionCode
    /// The divisions it covers (at least one), of its kind's level: a day-care centre its community (or
    /// communities, when one centre serves several).
    public var covers: [LocalDivisionCode]
    public var services: Set<CommunityService>
    /// Places a day (日服务能力): what usage is measured against.
    public var capacity: Int
    public var operatorName: String
    public var openedOn: CivilDate?
    /// Closed facilities are kept for history and count nowhere.
    public var closedOn: CivilDate?

    public init(
        id: String = "", name: String, kind: FacilityKind, county: DivisionCode, covers: [LocalDivisionCode], services: Set<CommunityService> = [],
        capacity: Int, operatorName: String = "", openedOn: CivilDate? = nil, closedOn: CivilDate? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.county = county
        self.covers = covers
        self.services = services
        self.capacity = capacity
        self.operatorName = operatorName
        self.openedOn = openedOn
        self.closedOn = closedOn
    }

    /// Open on `day`: opened by then (or no date recorded) and not closed.
    public func isOpen(on day: CivilDate) -> Bool {
        (openedOn.map { $0 <= day } ?? true) && (closedOn.map { day < $0 } ?? true)
    }
}

/// One day's use of a facility (日服务人次). A day without a record is a day the facility was closed.
public struct DailyUsage: Sendable, Hashable, Codable {
    public var facilityID: String
    public var date: CivilDate
    /// Visits (人次) that day.
    public var visits: Int

    public init(facilityID: String, date: CivilDate, visits: Int) {
        self.facilityID = facilityID
        self.date = date
        self.visits = visits
    }
}

/// The idle rule's configuration (S001 "存在空置现象", RULES.md §2(c)).
public struct IdleRule: Sendable, Hashable, Codable {
    /// A facility is idle when visits ÷ (capacity × open days) is below this many percent (DEFAULT 30:
    /// RULES.md leaves the threshold to configuration).
    public var minimumUsagePercent: Int

    public init(minimumUsagePercent: Int = 30) { self.minimumUsagePercent = minimumUsagePercent }
}

/// A facility's usage over a period.
public struct UsageAssessment: Sendable, Hashable {
    public var facilityID: String
    /// Days with a usage record in the period.
    public var openDays: Int
    public var visits: Int
    /// capacity × open days.
    public var capacityDays: Int
    /// visits ÷ capacity days, one decimal half-up.
    public var usage: Percentage
    /// Below the rule's share, or nothing recorded at all.
    public var idle: Bool
}

/// The rules of community facilities.
public enum FacilityRules {
    /// Every problem of `facility`:
    /// - "name" `REQUIRED` / `TOO_LONG`; "operator_name" `TOO_LONG`;
    /// - "covers" `EMPTY`; "covers[i]" `LEVEL_MISMATCH` (a 9-digit code for a kind covering communities or villages,
    ///   or the reverse; with a table, a row of another level), `NOT_IN_COUNTY`, `DUPLICATE`, with a table `UNKNOWN`;
    /// - "capacity" `NOT_POSITIVE` (a facility serves someone);
    /// - "closed_on" `BEFORE_START` (before `opened_on`).
    public static func problems(_ facility: CommunityFacility, divisions: DivisionTable? = nil, maxTextLength: Int = 200) -> ValidationErrors {
        var errors = ValidationErrors()
        InstitutionRules.text(facility.name, "name", max: maxTextLength, required: true, &errors)
        InstitutionRules.text(facility.operatorName, "operator_name", max: maxTextLength, required: false, &errors)
        if facility.covers.isEmpty { errors.add("covers", "EMPTY", "a facility covers at least one division") }
        let levels = facility.kind.coveredLevels
        let townshipLevel = levels.allSatisfy(\.isTownshipLevel)
        var seen: Set<LocalDivisionCode> = []
        for (i, code) in facility.covers.enumerated() {
            let field = "covers[\(i)]"
            if !seen.insert(code).inserted {
                errors.add(field, "DUPLICATE", "\(code) is listed twice")
            } else if code.isTownshipLevel != townshipLevel {
                errors.add(field, "LEVEL_MISMATCH", "a \(facility.kind.chineseName) covers a \(levels.map(\.chineseName).joined(separator: "/")), not \(code)")
            } else if code.county != facility.county {
                errors.add(field, "NOT_IN_COUNTY", "\(code) is not in the county \(facility.county)")
            } else if let divisions {
                if let division = divisions.division(code) {
                    if !levels.contains(division.level) {
                        let wanted = levels.map(\.chineseName).joined(separator: "/")
                        errors.add(field, "LEVEL_MISMATCH", "\(code) is a \(division.level.chineseName), not a \(wanted)")
                    }
                } else {
                    errors.add(field, "UNKNOWN", "no division \(code) in the divisions table")
                }
            }
        }
        if facility.capacity <= 0 { errors.add("capacity", "NOT_POSITIVE", "a facility's daily capacity is at least 1") }
        if let opened = facility.openedOn, let closed = facility.closedOn, closed < opened {
            errors.add("closed_on", "BEFORE_START", "a facility closes after it opens")
        }
        return errors
    }

    /// Every problem of a batch of usage records, by index: "usage[i].visits" `NEGATIVE`, "usage[i].date"
    /// `IN_THE_FUTURE`, `DUPLICATE` (a second record for the same facility and day), "usage[i].facility_id" `REQUIRED`.
    public static func usageProblems(_ records: [DailyUsage], today: CivilDate) -> ValidationErrors {
        var errors = ValidationErrors()
        var seen: [String: Int] = [:]
        for (i, record) in records.enumerated() {
            let field = "usage[\(i)]"
            if record.facilityID.isEmpty { errors.add("\(field).facility_id", "REQUIRED", "a usage record names its facility") }
            if record.visits < 0 { errors.add("\(field).visits", "NEGATIVE", "visits are not negative") }
            if record.date > today { errors.add("\(field).date", "IN_THE_FUTURE", "usage is recorded once the day is over") }
            let key = "\(record.facilityID)|\(record.date)"
            if let first = seen[key] {
                errors.add("\(field).date", "DUPLICATE", "usage[\(first)] records the same facility and day")
            } else {
                seen[key] = i
            }
        }
        return errors
    }

    /// The usage of `facility` from its totals over a period: open days (days with a record) and
    /// visits. The same rule as `usage(of:records:…)`, for a store that sums in SQL.
    public static func usage(of facility: CommunityFacility, openDays: Int, visits: Int, rule: IdleRule = IdleRule()) -> UsageAssessment {
        let capacityDays = max(0, facility.capacity) * openDays
        let idle = openDays == 0 || visits * 100 < capacityDays * rule.minimumUsagePercent
        return UsageAssessment(
            facilityID: facility.id, openDays: openDays, visits: visits, capacityDays: capacityDays, usage: Percentage(visits, of: capacityDays),
            idle: idle)
    }

    /// The usage of `facility` from `from` through `through` (both included) from `records` (others' records
    /// and days outside the period are ignored). Idle when visits × 100 < capacity × open days × the rule's
    /// percent, compared in integers; a facility with no record in the period counts as idle (decision: an
    /// unrecorded month is 空置 until shown otherwise).
    public static func usage(
        of facility: CommunityFacility, records: [DailyUsage], from: CivilDate, through: CivilDate, rule: IdleRule = IdleRule()
    ) -> UsageAssessment {
        var days: Set<CivilDate> = []
        var visits = 0
        for record in records where record.facilityID == facility.id && from <= record.date && record.date <= through {
            days.insert(record.date)
            visits += max(0, record.visits)
        }
        return usage(of: facility, openDays: days.count, visits: visits, rule: rule)
    }
}
