import CivicDomain

/// Recipients of one program in one area over the report's period (救助对象统计), as the store
/// counts them: households, persons and the amount paid.
///
/// For a report over several months, `persons` is the number covered in a month (the store's
/// choice: the monthly average, or those covered at the period's end) and `amountPaid` the
/// period's total: the average divides by both persons and months.
public struct RecipientTotals: Sendable, Hashable {
    public var program: Program
    public var area: Area
    /// 户数.
    public var households: Int
    /// 人数.
    public var persons: Int
    /// 发放金额 over the period.
    public var amountPaid: Fen

    public init(program: Program, area: Area, households: Int, persons: Int, amountPaid: Fen) {
        self.program = program
        self.area = area
        self.households = households
        self.persons = persons
        self.amountPaid = amountPaid
    }
}

/// 特困 people who cannot care for themselves (生活不能自理: 部分 + 完全丧失) and, of them, those
/// supported in an institution (集中供养).
public struct DestituteCareCounts: Sendable, Hashable {
    public var unableToSelfCare: Int
    public var centralized: Int

    public init(unableToSelfCare: Int, centralized: Int) {
        self.unableToSelfCare = unableToSelfCare
        self.centralized = centralized
    }
}

/// Applications decided in the period (办结) and, of them, those decided by their due day (按时办结).
public struct ApplicationTimeliness: Sendable, Hashable {
    public var decided: Int
    public var decidedOnTime: Int

    public init(decided: Int, decidedOnTime: Int) {
        self.decided = decided
        self.decidedOnTime = decidedOnTime
    }
}

/// Reviews that fell due in the period (应复核), of them those done (已复核) and those not done
/// after their due day (逾期未复核).
public struct ReviewCounts: Sendable, Hashable {
    public var due: Int
    public var done: Int
    public var overdue: Int

    public init(due: Int, done: Int, overdue: Int) {
        self.due = due
        self.done = done
        self.overdue = overdue
    }
}

/// Alerts raised in the period from one source department (预警统计), by where their check stands
/// (`AlertCheckStatus`); retracted alerts are not counted. `raised` is the sum of the other four.
public struct AlertCounts: Sendable, Hashable {
    /// The source department (卫健, 医保, 人社, …).
    public var department: String
    /// 预警数.
    public var raised: Int
    /// 按时核查.
    public var handledOnTime: Int
    /// 超时核查.
    public var handledLate: Int
    /// 逾期未核查.
    public var openOverdue: Int
    /// 待核查, within the limit.
    public var open: Int

    public init(department: String, raised: Int = 0, handledOnTime: Int = 0, handledLate: Int = 0, openOverdue: Int = 0, open: Int = 0) {
        self.department = department
        self.raised = raised
        self.handledOnTime = handledOnTime
        self.handledLate = handledLate
        self.openOverdue = openOverdue
        self.open = open
    }

    /// Counts one alert by its check status (a retracted one is not counted).
    public mutating func count(_ status: AlertCheckStatus) {
        switch status {
        case .open: open += 1
        case .overdue: openOverdue += 1
        case .handledOnTime: handledOnTime += 1
        case .handledLate: handledLate += 1
        case .retracted: return
        }
        raised += 1
    }

    /// Alerts whose timeliness is known: handled (on time or late) or overdue.
    public var settled: Int { handledOnTime + handledLate + openOverdue }

    /// 按时核查率: handled on time ÷ `settled` (alerts still within their limit are not rated yet).
    public var onTimeShare: Percentage { Percentage(handledOnTime, of: settled) }
}

/// The floors on the average monthly 低保 assistance per person (月人均救助水平), seed 004 (S004):
/// "月人均救助水平不得低于374元和229元" — 37 400 fen urban, 22 900 fen rural. Other programs have none.
public struct AssistanceFloors: Sendable, Hashable {
    public var urban: Fen
    public var rural: Fen

    public init(urban: Fen = Fen(37400), rural: Fen = Fen(22900)) {
        self.urban = urban
        self.rural = rural
    }

    /// The floor for a program and area: 低保 only.
    public func floor(program: Program, area: Area) -> Fen? {
        guard program == .minimumLiving else { return nil }
        return area == .urban ? urban : rural
    }
}

/// One row of the recipients table (救助对象及月人均救助水平).
public struct RecipientRow: Sendable, Hashable {
    public var totals: RecipientTotals
    /// amountPaid ÷ persons ÷ months, half-up to the fen once; nil when no person was covered.
    public var monthlyPerPerson: Fen?
    /// The floor it is compared with (低保 only).
    public var floor: Fen?
    /// Whether the average is below the floor (false when either is missing).
    public var belowFloor: Bool
}

/// 集中供养率 of 特困 people who cannot care for themselves, against its target (S004: ≥ 50%).
public struct CentralizedCareRate: Sendable, Hashable {
    public var counts: DestituteCareCounts
    /// centralized ÷ unable to self-care, one decimal half-up; 0.0 when nobody is unable
    /// (Percentage's rule for a zero whole).
    public var rate: Percentage
    /// The target as a fraction (default 1/2).
    public var target: Ratio
    /// Whether centralized ÷ unable ≥ target, compared exactly (cross-multiplied, not the rounded
    /// rate: 999 of 2 000 is 50.0% rounded but below half); nil when nobody is unable to self-care.
    public var targetMet: Bool?
}

/// The assistance service's report (社会救助统计报表), RULES.md §1(d) "Figures to compute" and
/// DOMAIN.md §2: built from counts the store supplies, nothing read here.
///
/// - Recipients, households and amount paid by program × area: every combination, in
///   `Program.allCases` × `Area.allCases` order, zero where none was given.
/// - Monthly assistance per person = amountPaid ÷ persons ÷ months, half-up to the fen once
///   (`Fen.scaled`), compared with `AssistanceFloors` (低保 only).
/// - 集中供养率 against its target; applications decided on time ÷ decided; reviews done ÷ due
///   and overdue ÷ due; alerts by source department (sorted by name) and in total.
/// - Percentages are CivicDomain's `Percentage`: one decimal half-up, 0.0 when the whole is 0.
public struct AssistanceReport: Sendable, Hashable {
    /// The period's label, as printed ("2026-07", "2026").
    public var period: String
    /// The months the period covers (1 for a month, 12 for a year).
    public var months: Int
    public var recipients: [RecipientRow]
    public var centralizedCare: CentralizedCareRate
    public var applications: ApplicationTimeliness
    /// 按时办结率: decided on time ÷ decided.
    public var applicationsOnTime: Percentage
    public var reviews: ReviewCounts
    /// 复核完成率: done ÷ due.
    public var reviewsDone: Percentage
    /// 逾期未复核 ÷ due.
    public var reviewsOverdue: Percentage
    /// By source department, sorted by department name (Unicode order, not pinyin).
    public var alerts: [AlertCounts]
    /// All departments together (department "合计").
    public var alertTotal: AlertCounts

    /// Builds the report. Throws `DomainError.invalid` with every problem at once:
    /// - "months" NOT_POSITIVE;
    /// - "recipients[i].households" / ".persons" / ".amount_paid" NEGATIVE; ".households"
    ///   MORE_THAN_PERSONS (each household has a person); ".persons" ZERO_WITH_AMOUNT (money paid
    ///   to nobody); "recipients[i]" DUPLICATE for a second row of the same program and area;
    /// - "destitute_care.unable_to_self_care" / ".centralized" NEGATIVE, ".centralized" EXCEEDS_TOTAL;
    /// - "applications.decided" / ".decided_on_time" NEGATIVE, ".decided_on_time" EXCEEDS_TOTAL;
    /// - "reviews.due" / ".done" / ".overdue" NEGATIVE, ".done" EXCEEDS_TOTAL (more than due),
    ///   ".overdue" EXCEEDS_TOTAL (more than due − done);
    /// - "alerts[i].department" REQUIRED or DUPLICATE; each count NEGATIVE; "alerts[i].raised"
    ///   MISMATCH unless handled on time + late + overdue + open;
    /// - "floors.urban" / "floors.rural" NEGATIVE; "centralized_care_target" BAD_RATIO / NEGATIVE.
    public init(
        period: String, months: Int = 1, recipients: [RecipientTotals], destituteCare: DestituteCareCounts, applications: ApplicationTimeliness,
        reviews: ReviewCounts, alerts: [AlertCounts], floors: AssistanceFloors = AssistanceFloors(), centralizedCareTarget: Ratio = Ratio(1, 2)
    ) throws {
        var errors = ValidationErrors()
        func notNegative(_ field: String, _ value: Int) {
            if value < 0 { errors.add(field, "NEGATIVE", "\(field) must not be negative, not \(value)") }
        }
        func atMost(_ field: String, _ value: Int, _ total: Int, _ what: String) {
            if value >= 0, total >= 0, value > total { errors.add(field, "EXCEEDS_TOTAL", "\(field) is \(value), more than \(what) (\(total))") }
        }
        if months < 1 { errors.add("months", "NOT_POSITIVE", "a report covers at least one month, not \(months)") }

        var byKey: [String: RecipientTotals] = [:]
        for (i, row) in recipients.enumerated() {
            let field = "recipients[\(i)]"
            notNegative("\(field).households", row.households)
            notNegative("\(field).persons", row.persons)
            if row.amountPaid.fen < 0 { errors.add("\(field).amount_paid", "NEGATIVE", "\(field).amount_paid must not be negative") }
            if row.households > row.persons, row.persons >= 0 {
                errors.add("\(field).households", "MORE_THAN_PERSONS", "\(row.households) households cannot have \(row.persons) persons")
            }
            if row.persons == 0, row.amountPaid.fen > 0 {
                errors.add("\(field).persons", "ZERO_WITH_AMOUNT", "\(row.amountPaid.fen) fen paid to no person")
            }
            let key = "\(row.program.rawValue)/\(row.area.rawValue)"
            if byKey[key] != nil {
                errors.add(field, "DUPLICATE", "a second row for \(key)")
            } else {
                byKey[key] = row
            }
        }

        notNegative("destitute_care.unable_to_self_care", destituteCare.unableToSelfCare)
        notNegative("destitute_care.centralized", destituteCare.centralized)
        atMost("destitute_care.centralized", destituteCare.centralized, destituteCare.unableToSelfCare, "those unable to self-care")

        notNegative("applications.decided", applications.decided)
        notNegative("applications.decided_on_time", applications.decidedOnTime)
        atMost("applications.decided_on_time", applications.decidedOnTime, applications.decided, "those decided")

        notNegative("reviews.due", reviews.due)
        notNegative("reviews.done", reviews.done)
        notNegative("reviews.overdue", reviews.overdue)
        atMost("reviews.done", reviews.done, reviews.due, "those due")
        if reviews.done <= reviews.due { atMost("reviews.overdue", reviews.overdue, reviews.due - reviews.done, "those due and not done") }

        var departments: [String: Int] = [:]
        for (i, counts) in alerts.enumerated() {
            let field = "alerts[\(i)]"
            if counts.department.allSatisfy(\.isWhitespace) {
                errors.add("\(field).department", "REQUIRED", "alert counts need their source department")
            } else if let first = departments[counts.department] {
                errors.add("\(field).department", "DUPLICATE", "alerts[\(first)] already counts \(counts.department)")
            } else {
                departments[counts.department] = i
            }
            for (name, value) in [
                ("raised", counts.raised), ("handled_on_time", counts.handledOnTime), ("handled_late", counts.handledLate),
                ("open_overdue", counts.openOverdue), ("open", counts.open),
            ] {
                notNegative("\(field).\(name)", value)
            }
            let sum = counts.handledOnTime + counts.handledLate + counts.openOverdue + counts.open
            if sum != counts.raised {
                errors.add("\(field).raised", "MISMATCH", "\(field).raised is \(counts.raised), but the statuses add up to \(sum)")
            }
        }

        if floors.urban.fen < 0 { errors.add("floors.urban", "NEGATIVE", "the urban floor must not be negative") }
        if floors.rural.fen < 0 { errors.add("floors.rural", "NEGATIVE", "the rural floor must not be negative") }
        centralizedCareTarget.validate(field: "centralized_care_target", into: &errors)
        if !errors.isEmpty { throw errors.domainError }

        self.period = period
        self.months = months
        self.recipients = Program.allCases.flatMap { program in
            Area.allCases.map { area in
                let totals =
                    byKey["\(program.rawValue)/\(area.rawValue)"]
                    ?? RecipientTotals(program: program, area: area, households: 0, persons: 0, amountPaid: .zero)
                let average = totals.persons > 0 ? totals.amountPaid.scaled(numerator: 1, denominator: totals.persons * months) : nil
                let floor = floors.floor(program: program, area: area)
                let below = average.flatMap { a in floor.map { a < $0 } } ?? false
                return RecipientRow(totals: totals, monthlyPerPerson: average, floor: floor, belowFloor: below)
            }
        }
        let unable = destituteCare.unableToSelfCare
        centralizedCare = CentralizedCareRate(
            counts: destituteCare, rate: Percentage(destituteCare.centralized, of: unable), target: centralizedCareTarget,
            targetMet: unable == 0
                ? nil : destituteCare.centralized * centralizedCareTarget.denominator >= unable * centralizedCareTarget.numerator)
        self.applications = applications
        applicationsOnTime = Percentage(applications.decidedOnTime, of: applications.decided)
        self.reviews = reviews
        reviewsDone = Percentage(reviews.done, of: reviews.due)
        reviewsOverdue = Percentage(reviews.overdue, of: reviews.due)
        self.alerts = alerts.sorted { $0.department < $1.department }
        var total = AlertCounts(department: "合计")
        for counts in alerts {
            total.raised += counts.raised
            total.handledOnTime += counts.handledOnTime
            total.handledLate += counts.handledLate
            total.openOverdue += counts.openOverdue
            total.open += counts.open
        }
        alertTotal = total
    }

    /// The row for a program and area (every combination has one).
    public func row(_ program: Program, _ area: Area) -> RecipientRow {
        recipients.first { $0.totals.program == program && $0.totals.area == area }!
    }

    /// The report as CSV: UTF-8, LF line ends ("\n", the last line ended too, as the proposals
    /// report), no byte-order mark unless asked (some spreadsheet programs need one to read Chinese).
    /// One figure a line, columns
    /// `分类(section),对象(subject),城乡(area),指标(measure),数值(value),分母(of),百分比(percent),说明(note)`;
    /// `of` and `percent` only where a figure is a share of something. Money in yuan with two
    /// decimals. Fields are written by `CSV.field`: one holding a comma, a quote or a line break is
    /// quoted, quotes doubled; a text field from outside (the period, department names) starting
    /// with = + - @, a tab or CR gets a leading ' so a spreadsheet shows it instead of running it.
    ///
    /// Sections in order: `report` (period and months); `recipients` (per program × area:
    /// households, persons, amount paid, monthly per person with its floor in the note);
    /// `destitute_care` (集中供养率 and its target); `applications`; `reviews`; `alerts` (per
    /// department, then 合计).
    public func csv(byteOrderMark: Bool = false) -> String {
        var lines = ["分类(section),对象(subject),城乡(area),指标(measure),数值(value),分母(of),百分比(percent),说明(note)"]
        /// `outside`: the subject is text from outside (the period, a department name).
        func line(
            _ section: String, _ subject: String, outside: Bool = false, _ area: String, _ measure: String, _ value: String, of whole: Int? = nil,
            percent: Percentage? = nil, note: String = ""
        ) {
            let fields = [
                CSV.field(section), CSV.field(subject, text: outside), CSV.field(area), CSV.field(measure), CSV.field(value),
                CSV.field(whole.map(String.init) ?? ""), CSV.field(percent?.description ?? ""), CSV.field(note),
            ]
            lines.append(fields.joined(separator: ","))
        }
        line("report", period, outside: true, "", "月数(months)", "\(months)")
        for row in recipients {
            let program = AssistanceReport.label(row.totals.program)
            let area = AssistanceReport.label(row.totals.area)
            line("recipients", program, area, "户数(households)", "\(row.totals.households)")
            line("recipients", program, area, "人数(persons)", "\(row.totals.persons)")
            line("recipients", program, area, "发放金额(元)(amount_paid_yuan)", row.totals.amountPaid.description)
            var note = ""
            if let floor = row.floor, row.monthlyPerPerson != nil {
                note = row.belowFloor ? "低于下限 \(floor) 元(below floor)" : "不低于下限 \(floor) 元(meets floor)"
            }
            line("recipients", program, area, "月人均救助(元)(monthly_per_person_yuan)", row.monthlyPerPerson?.description ?? "", note: note)
        }
        let care = centralizedCare
        let target = Percentage(care.target.numerator, of: care.target.denominator)
        let verdict: String
        switch care.targetMet {
        case true?: verdict = "达标(target met)"
        case false?: verdict = "未达标(target not met)"
        case nil: verdict = "无生活不能自理人员(none unable to self-care)"
        }
        line(
            "destitute_care", "特困(destitute)", "", "集中供养率(centralized_care_rate)", "\(care.counts.centralized)", of: care.counts.unableToSelfCare,
            percent: care.rate, note: "目标 \(target)%(target): \(verdict)")
        line("applications", "", "", "按时办结(decided_on_time)", "\(applications.decidedOnTime)", of: applications.decided, percent: applicationsOnTime)
        line("reviews", "", "", "应复核(due)", "\(reviews.due)")
        line("reviews", "", "", "已复核(done)", "\(reviews.done)", of: reviews.due, percent: reviewsDone)
        line("reviews", "", "", "逾期未复核(overdue)", "\(reviews.overdue)", of: reviews.due, percent: reviewsOverdue)
        for (index, counts) in (alerts + [alertTotal]).enumerated() {
            let total = index == alerts.count
            let department = total ? "合计(total)" : counts.department
            line("alerts", department, outside: !total, "", "预警(raised)", "\(counts.raised)")
            line(
                "alerts", department, outside: !total, "", "按时核查(handled_on_time)", "\(counts.handledOnTime)", of: counts.settled,
                percent: counts.onTimeShare)
            line("alerts", department, outside: !total, "", "超时核查(handled_late)", "\(counts.handledLate)")
            line("alerts", department, outside: !total, "", "逾期未核查(open_overdue)", "\(counts.openOverdue)")
            line("alerts", department, outside: !total, "", "待核查(open)", "\(counts.open)")
        }
        return (byteOrderMark ? "\u{FEFF}" : "") + lines.joined(separator: "\n") + "\n"
    }

    static func label(_ program: Program) -> String {
        switch program {
        case .minimumLiving: return "低保(minimum_living)"
        case .destitute: return "特困(destitute)"
        case .temporary: return "临时救助(temporary)"
        case .disabilitySubsidy: return "两项补贴(disability_subsidy)"
        }
    }

    static func label(_ area: Area) -> String {
        area == .urban ? "城市(urban)" : "农村(rural)"
    }
}
