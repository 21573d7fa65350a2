import CivicDomain

/// The coverage of one facility kind over the divisions it serves (覆盖率, RULES.md §2(c)): covered units ÷ units.
///
/// Decision: a unit counts as covered when at least one open facility of the kind lists it in `covers`, so two
/// centres in one community count once and the rate never passes 100%. With one facility per unit, as Anyang
/// reports it (S001: 131 day-care centres in 268 communities, 48.9%), covered units and facilities agree.
public struct CoverageFigure: Sendable, Hashable {
    public var kind: FacilityKind
    /// The divisions counted over (communities for day-care centres, …).
    public var levels: [DivisionLevel]
    /// Divisions of those levels in the scope (the denominator).
    public var units: Int
    /// Of them, those covered by at least one open facility of the kind.
    public var covered: Int
    /// Open facilities of the kind in the scope.
    public var facilities: Int
    /// covered ÷ units, one decimal half-up.
    public var percent: Percentage { Percentage(covered, of: units) }
}

/// Inspection and rectification figures the supervision side counts for the same scope and period (the
/// inspections and findings of the 双随机 work): passed in as numbers so this report stays arithmetic.
public struct SupervisionTotals: Sendable, Hashable, Codable {
    /// 计划检查 / 已检查.
    public var inspectionsPlanned: Int
    public var inspectionsDone: Int
    /// Findings by hazard level: 一般 / 重大.
    public var generalFindings: Int
    public var majorFindings: Int
    /// Findings whose rectification deadline fell in the period, and of them those closed by it.
    public var rectificationsDue: Int
    public var rectifiedOnTime: Int

    public init(
        inspectionsPlanned: Int = 0, inspectionsDone: Int = 0, generalFindings: Int = 0, majorFindings: Int = 0, rectificationsDue: Int = 0,
        rectifiedOnTime: Int = 0
    ) {
        self.inspectionsPlanned = inspectionsPlanned
        self.inspectionsDone = inspectionsDone
        self.generalFindings = generalFindings
        self.majorFindings = majorFindings
        self.rectificationsDue = rectificationsDue
        self.rectifiedOnTime = rectifiedOnTime
    }
}

/// The eldercare report of a division (county, prefecture or province) on a day (RULES.md §2(c), §2(d)).
/// Percentages are one decimal half-up from integers (`Percentage`); a rate over nothing is 0.0.
public struct DivisionReport: Sendable, Hashable {
    /// The division reported on; every institution, facility and unit within it counts.
    public var scope: DivisionCode
    /// The day the figures are for (status, grades and agreements as on this day).
    public var asOf: CivilDate
    /// The usage period for the idle rule.
    public var usageFrom: CivilDate
    public var usageThrough: CivilDate

    /// One figure per facility kind, in `FacilityKind` order.
    public var coverage: [CoverageFigure]

    /// Institutions counted: in the scope, not closed, with at least the minimum beds.
    public var institutions: Int
    /// Places in the scope, not closed, below the minimum beds: not counted as institutions.
    public var belowMinimumBeds: Int
    /// Counted institutions by ownership, in `Ownership` order.
    public var byOwnership: [Int]
    public var beds: Int
    public var nursingBeds: Int
    public var residents: Int
    /// Counted institutions filed (备案) by `asOf`.
    public var filed: Int
    /// Counted institutions with a valid grade by grade 1…5 (index 0 is 一级), and those without one.
    public var gradeCounts: [Int]
    public var ungraded: Int
    /// Counted institutions with a valid 医养结合 agreement on `asOf`.
    public var medicalCareSigned: Int

    /// Open facilities in the scope whose usage was assessed, and the idle ones among them (by id).
    public var facilitiesAssessed: Int
    public var idle: [UsageAssessment]

    public var supervision: SupervisionTotals

    /// The figure for `kind`.
    public func coverage(of kind: FacilityKind) -> CoverageFigure { coverage.first { $0.kind == kind }! }

    /// 护理型床位占比 = nursing beds ÷ beds.
    public var nursingBedShare: Percentage { Percentage(nursingBeds, of: beds) }
    /// 入住率 = residents ÷ beds.
    public var occupancy: Percentage { Percentage(residents, of: beds) }
    /// 签约率 = institutions with a valid 医养 agreement ÷ institutions.
    public var signingRate: Percentage { Percentage(medicalCareSigned, of: institutions) }
    /// 备案率.
    public var filingRate: Percentage { Percentage(filed, of: institutions) }
    /// Idle facilities ÷ facilities assessed.
    public var idleShare: Percentage { Percentage(idle.count, of: facilitiesAssessed) }
    /// Inspections done ÷ planned.
    public var inspectionCompletion: Percentage { Percentage(supervision.inspectionsDone, of: supervision.inspectionsPlanned) }
    /// 整改按期率 = rectified on time ÷ due.
    public var rectificationOnTime: Percentage { Percentage(supervision.rectifiedOnTime, of: supervision.rectificationsDue) }

    /// The report's figures. Facilities and institutions outside `scope` are ignored, and so are closed ones
    /// (institutions `closed`; facilities closed on `asOf`). Usage is read from `usage` for `usageFrom…usageThrough`
    /// for every open facility in scope (`FacilityRules.usage`).
    public static func make(
        scope: DivisionCode, asOf: CivilDate, divisions: DivisionTable, institutions: [InstitutionFigures], facilities: [CommunityFacility],
        usage: [DailyUsage] = [], usageFrom: CivilDate? = nil, usageThrough: CivilDate? = nil, idleRule: IdleRule = IdleRule(),
        thresholds: InstitutionThresholds = InstitutionThresholds(), supervision: SupervisionTotals = SupervisionTotals(),
        usageTotals: [String: (openDays: Int, visits: Int)]? = nil
    ) -> DivisionReport {
        let from = usageFrom ?? asOf.adding(months: -1).adding(days: 1)
        let through = usageThrough ?? asOf
        let open = facilities.filter { scope.contains($0.county) && $0.isOpen(on: asOf) }
        var figures: [CoverageFigure] = []
        for kind in FacilityKind.allCases {
            let units = Set(kind.coveredLevels.flatMap { divisions.divisions($0, in: scope) }.map(\.code))
            let ofKind = open.filter { $0.kind == kind }
            let covered = units.intersection(ofKind.flatMap(\.covers))
            figures.append(CoverageFigure(kind: kind, levels: kind.coveredLevels, units: units.count, covered: covered.count, facilities: ofKind.count))
        }

        // One pass over the institutions (50,000 in a prefecture): sums, not copies.
        var inScope = 0
        var counted = 0
        var byOwnership = Array(repeating: 0, count: Ownership.allCases.count)
        var grades = Array(repeating: 0, count: 5)
        var ungraded = 0
        var beds = 0
        var nursingBeds = 0
        var residents = 0
        var filed = 0
        var medicalCareSigned = 0
        for institution in institutions where institution.status != .closed && scope.contains(institution.county) {
            inScope += 1
            guard InstitutionRules.countsAsInstitution(beds: institution.beds, thresholds: thresholds) else { continue }
            counted += 1
            byOwnership[Ownership.allCases.firstIndex(of: institution.ownership)!] += 1
            if let grade = institution.validGrade(on: asOf) { grades[grade.level - 1] += 1 } else { ungraded += 1 }
            beds += institution.beds
            nursingBeds += institution.nursingBeds
            residents += institution.residents
            if let filedOn = institution.filedOn, filedOn <= asOf { filed += 1 }
            if institution.medicalCare?.isValid(on: asOf) ?? false { medicalCareSigned += 1 }
        }
        // Each facility's records once (not the whole list per facility: facilities × days), or the
        // totals a store summed for the period (`usageTotals`, which then replaces `usage`).
        let assessed: [UsageAssessment]
        if let usageTotals {
            assessed = open.map {
                let total = usageTotals[$0.id] ?? (0, 0)
                return FacilityRules.usage(of: $0, openDays: total.openDays, visits: total.visits, rule: idleRule)
            }
        } else {
            let byFacility = Dictionary(grouping: usage, by: \.facilityID)
            assessed = open.map { FacilityRules.usage(of: $0, records: byFacility[$0.id] ?? [], from: from, through: through, rule: idleRule) }
        }
        return DivisionReport(
            scope: scope, asOf: asOf, usageFrom: from, usageThrough: through, coverage: figures, institutions: counted,
            belowMinimumBeds: inScope - counted, byOwnership: byOwnership, beds: beds, nursingBeds: nursingBeds, residents: residents,
            filed: filed, gradeCounts: grades, ungraded: ungraded, medicalCareSigned: medicalCareSigned, facilitiesAssessed: assessed.count,
            idle: assessed.filter(\.idle).sorted { $0.facilityID < $1.facilityID }, supervision: supervision)
    }

    /// One line of the CSV.
    public typealias Line = ReportLine

    /// The report's lines, in the CSV's order.
    public var lines: [Line] {
        var lines: [Line] = []
        for figure in coverage {
            let units = figure.levels.map(\.rawValue).joined(separator: "+")
            lines.append(
                Line(
                    section: "coverage", measure: "\(figure.kind.rawValue) \(units) covered", value: figure.covered, whole: figure.units,
                    percent: figure.percent))
            lines.append(Line(section: "coverage", measure: "\(figure.kind.rawValue) facilities", value: figure.facilities))
        }
        lines.append(Line(section: "institutions", measure: "institutions", value: institutions))
        lines.append(Line(section: "institutions", measure: "below minimum beds", value: belowMinimumBeds))
        for (i, ownership) in Ownership.allCases.enumerated() {
            let count = byOwnership[i]
            lines.append(
                Line(section: "institutions", measure: ownership.rawValue, value: count, whole: institutions, percent: Percentage(count, of: institutions)))
        }
        lines.append(Line(section: "institutions", measure: "filed", value: filed, whole: institutions, percent: filingRate))
        lines.append(Line(section: "institutions", measure: "medical care signed", value: medicalCareSigned, whole: institutions, percent: signingRate))
        lines.append(Line(section: "beds", measure: "beds", value: beds))
        lines.append(Line(section: "beds", measure: "nursing beds", value: nursingBeds, whole: beds, percent: nursingBedShare))
        lines.append(Line(section: "beds", measure: "residents", value: residents, whole: beds, percent: occupancy))
        for grade in CareGrade.all {
            let count = gradeCounts[grade.level - 1]
            lines.append(
                Line(section: "grades", measure: "grade \(grade.level)", value: count, whole: institutions, percent: Percentage(count, of: institutions)))
        }
        lines.append(Line(section: "grades", measure: "ungraded", value: ungraded, whole: institutions, percent: Percentage(ungraded, of: institutions)))
        lines.append(Line(section: "facilities", measure: "idle", value: idle.count, whole: facilitiesAssessed, percent: idleShare))
        lines.append(
            Line(
                section: "supervision", measure: "inspections done", value: supervision.inspectionsDone, whole: supervision.inspectionsPlanned,
                percent: inspectionCompletion))
        lines.append(Line(section: "supervision", measure: "general findings", value: supervision.generalFindings))
        lines.append(Line(section: "supervision", measure: "major findings", value: supervision.majorFindings))
        lines.append(
            Line(
                section: "supervision", measure: "rectified on time", value: supervision.rectifiedOnTime, whole: supervision.rectificationsDue,
                percent: rectificationOnTime))
        return lines
    }

    /// The report as CSV: a header `section,measure,value,whole,percent`, one line per figure (`lines`), UTF-8,
    /// LF line ends, the last line ended too; `whole` and `percent` empty when not a share; percentages one
    /// decimal ("48.9"). Idle facilities follow as `idle_facility,<id>,<visits>,<capacity days>,<usage>`.
    public func csv() -> String {
        var out = ReportLine.csvHeader
        for line in lines { out += line.csvRecord }
        for assessment in idle {
            let fields = ["idle_facility", assessment.facilityID, String(assessment.visits), String(assessment.capacityDays), assessment.usage.description]
            out += fields.enumerated().map { CSV.field($0.element, text: $0.offset == 1) }.joined(separator: ",") + "\n"
        }
        return out
    }
}

/// What the division report sums of one institution: no name, no id, no personal data.
public struct InstitutionFigures: Sendable, Hashable {
    public var county: DivisionCode
    public var status: InstitutionStatus
    public var ownership: Ownership
    public var beds: Int
    public var nursingBeds: Int
    public var residents: Int
    public var filedOn: CivilDate?
    public var grade: CareGrade?
    public var gradeValidUntil: CivilDate?
    public var medicalCare: MedicalCareAgreement?

    public init(
        county: DivisionCode, status: InstitutionStatus, ownership: Ownership, beds: Int, nursingBeds: Int = 0, residents: Int = 0,
        filedOn: CivilDate? = nil, grade: CareGrade? = nil, gradeValidUntil: CivilDate? = nil, medicalCare: MedicalCareAgreement? = nil
    ) {
        self.county = county
        self.status = status
        self.ownership = ownership
        self.beds = beds
        self.nursingBeds = nursingBeds
        self.residents = residents
        self.filedOn = filedOn
        self.grade = grade
        self.gradeValidUntil = gradeValidUntil
        self.medicalCare = medicalCare
    }

    public init(_ institution: Institution) {
        self.init(
            county: institution.county, status: institution.status, ownership: institution.ownership, beds: institution.beds,
            nursingBeds: institution.nursingBeds, residents: institution.residents, filedOn: institution.filedOn, grade: institution.grade,
            gradeValidUntil: institution.gradeValidUntil, medicalCare: institution.medicalCare)
    }

    /// The grade, while it is valid on `day` (as `Institution.validGrade(on:)`).
    public func validGrade(on day: CivilDate) -> CareGrade? { CareGrade.valid(grade, until: gradeValidUntil, on: day) }
}
