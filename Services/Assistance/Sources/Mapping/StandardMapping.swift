import AssistanceDomain
import CivicDomain
import CivicProtos
import CivicServiceKit

enum StandardInput {
    /// The version in a request; problems with the request's field names ("version.minimum_wage_fen").
    static func parse(_ p: Civic_Assistance_V1_StandardVersion) throws -> StandardVersion {
        var errors = ValidationErrors()
        let division = DivisionCode.validate(p.division, field: "version.division", into: &errors)
        let area: Area? = HouseholdInput.collect(&errors) { try WireEnum.required(p.area, field: "version.area") }
        let effective = CivilDate(p.effective)
        if effective == nil { errors.add("version.effective", p.effective.isEmpty ? "REQUIRED" : "INVALID", "effective must be a date YYYY-MM-DD") }
        var standard: LivingStandard?
        switch (p.minimumLivingMonthlyFen, p.minimumLivingYearlyFen) {
        case (let m, 0) where m != 0: standard = .monthly(Fen(Int(m)))
        case (0, let y) where y != 0: standard = .yearly(Fen(Int(y)))
        case (0, 0): errors.add("version.minimum_living_monthly_fen", "REQUIRED", "give the 低保 standard monthly or (rural) yearly")
        default: errors.add("version.minimum_living_yearly_fen", "BOTH_GIVEN", "give the 低保 standard monthly or yearly, not both")
        }
        func ratio(_ text: String, _ field: String, default value: Ratio? = nil) -> Ratio {
            if text.isEmpty, let value { return value }
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, let n = Int(parts[0].trimmingCharacters(in: .whitespaces)), let d = Int(parts[1].trimmingCharacters(in: .whitespaces)) {
                return Ratio(n, d)
            }
            if parts.count == 1, let n = Int(text.trimmingCharacters(in: .whitespaces)) { return Ratio(n, 1) }
            errors.add("version.\(field)", text.isEmpty ? "REQUIRED" : "INVALID", "\(field) is a fraction such as 1/6")
            return Ratio(0, 1)
        }
        func care(_ c: Civic_Assistance_V1_CareFractions, _ field: String) -> CareFractions {
            CareFractions(
                selfCaring: ratio(c.selfCaring, "\(field).self_caring"), partiallyDependent: ratio(c.partiallyDependent, "\(field).partially_dependent"),
                fullyDependent: ratio(c.fullyDependent, "\(field).fully_dependent"))
        }
        let version = StandardVersion(
            id: p.id.trimmingCharacters(in: .whitespaces), label: p.label, effective: effective ?? CivilDate(year: 2000, month: 1, day: 1)!,
            division: division ?? (try! DivisionCode("110101")), area: area ?? .urban, minimumLiving: standard ?? .monthly(Fen(1)),
            destituteMultiple: ratio(p.destituteMultiple, "destitute_multiple", default: Ratio(13, 10)),
            careCentralized: care(p.careCentralized, "care_centralized"), careDispersed: care(p.careDispersed, "care_dispersed"),
            minimumWage: Fen(Int(p.minimumWageFen)), temporaryCapMultiple: p.temporaryCapMultiple == 0 ? 10 : Int(p.temporaryCapMultiple),
            livingSubsidy: Fen(Int(p.livingSubsidyFen)), nursingSubsidy: Fen(Int(p.nursingSubsidyFen)),
            nursingIncludesGrade3IntellectualMental: p.nursingIncludesGrade3IntellectualMental,
            lowIncomeMultiple: ratio(p.lowIncomeMultiple, "low_income_multiple", default: Ratio(3, 2)),
            rigidExpenseRatio: ratio(p.rigidExpenseRatio, "rigid_expense_ratio", default: Ratio(4, 5)))
        // The domain names amounts without the unit; the request's fields carry "_fen".
        let wireNames = [
            "minimum_living_standard": standard.map { if case .yearly = $0 { "minimum_living_yearly_fen" } else { "minimum_living_monthly_fen" } }
                ?? "minimum_living_monthly_fen",
            "minimum_wage": "minimum_wage_fen", "living_subsidy": "living_subsidy_fen", "nursing_subsidy": "nursing_subsidy_fen",
        ]
        for problem in version.problems().details {
            var renamed = problem
            renamed.field = "version." + (wireNames[problem.field] ?? problem.field)
            errors.add(renamed)
        }
        try errors.check()
        return version
    }
}

extension Civic_Assistance_V1_StandardVersion {
    init(_ v: StandardVersion) {
        self.init()
        id = v.id
        label = v.label
        effective = v.effective.description
        division = v.division.description
        area = WireEnum.wire(v.area)
        switch v.minimumLiving {
        case .monthly(let s): minimumLivingMonthlyFen = Int64(s.fen)
        case .yearly(let s): minimumLivingYearlyFen = Int64(s.fen)
        }
        destituteMultiple = v.destituteMultiple.description
        func care(_ c: CareFractions) -> Civic_Assistance_V1_CareFractions {
            var p = Civic_Assistance_V1_CareFractions()
            p.selfCaring = c.selfCaring.description
            p.partiallyDependent = c.partiallyDependent.description
            p.fullyDependent = c.fullyDependent.description
            return p
        }
        careCentralized = care(v.careCentralized)
        careDispersed = care(v.careDispersed)
        minimumWageFen = Int64(v.minimumWage.fen)
        temporaryCapMultiple = Int32(v.temporaryCapMultiple)
        livingSubsidyFen = Int64(v.livingSubsidy.fen)
        nursingSubsidyFen = Int64(v.nursingSubsidy.fen)
        nursingIncludesGrade3IntellectualMental = v.nursingIncludesGrade3IntellectualMental
        lowIncomeMultiple = v.lowIncomeMultiple.description
        rigidExpenseRatio = v.rigidExpenseRatio.description
    }
}
