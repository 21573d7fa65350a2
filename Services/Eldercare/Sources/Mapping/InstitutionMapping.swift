import CivicDomain
import CivicProtos
import CivicServiceKit
import EldercareDomain
import Foundation

/// Reading an institution from a request: every problem of the message at once, fields as the
/// request names them ("institution.medical_care.signed_on"). The register's own rules
/// (`InstitutionRules`) are checked after, on the values read.
enum InstitutionInput {
    static func parse(_ input: Civic_Eldercare_V1_Institution, field prefix: String = "institution") throws -> Institution {
        var errors = ValidationErrors()
        func date(_ text: String, _ name: String) -> CivilDate? { Dates.optional(text, "\(prefix).\(name)", &errors) }
        func requiredDate(_ text: String, _ name: String) -> CivilDate? { Dates.required(text, "\(prefix).\(name)", &errors) }
        func enumeration<D: CaseIterable>(_ body: () throws -> D?) -> D? { errors.collect(prefix, body) }
        let county = DivisionCode.validate(input.county, field: "\(prefix).county", into: &errors)
        let street = input.street.isEmpty ? nil : LocalDivisionCode.validate(input.street, field: "\(prefix).street", into: &errors)
        let community = input.community.isEmpty ? nil : LocalDivisionCode.validate(input.community, field: "\(prefix).community", into: &errors)
        let ownership: Ownership? = enumeration { try WireEnum.required(input.ownership, field: "\(prefix).ownership") }
        let nature: ProfitNature? = enumeration { try WireEnum.required(input.nature, field: "\(prefix).nature") }
        let fireSafety: FireSafetyStatus? = enumeration { try WireEnum.optional(input.fireSafety, field: "\(prefix).fire_safety") } ?? .notAssessed
        let status: InstitutionStatus? = enumeration { try WireEnum.optional(input.status, field: "\(prefix).status") } ?? .operating
        var grade: CareGrade?
        if input.grade != 0 {
            grade = CareGrade(Int(input.grade))
            if grade == nil { errors.add("\(prefix).grade", "INVALID", "a grade is 1 to 5 (0 for none), not \(input.grade)") }
        }
        let opened = date(input.openedOn, "opened_on")
        let filed = date(input.filedOn, "filed_on")
        let gradeValidUntil = date(input.gradeValidUntil, "grade_valid_until")
        var medicalCare: MedicalCareAgreement?
        if input.hasMedicalCare {
            let signed = requiredDate(input.medicalCare.signedOn, "medical_care.signed_on")
            let expires = date(input.medicalCare.expiresOn, "medical_care.expires_on")
            if let signed { medicalCare = MedicalCareAgreement(partner: input.medicalCare.partner, signedOn: signed, expiresOn: expires) }
        }
        var insurance: LiabilityInsurance?
        if input.hasInsurance {
            let from = requiredDate(input.insurance.validFrom, "insurance.valid_from")
            let until = requiredDate(input.insurance.validUntil, "insurance.valid_until")
            if let from, let until {
                insurance = LiabilityInsurance(insurer: input.insurance.insurer, policyNumber: input.insurance.policyNumber, validFrom: from, validUntil: until)
            }
        }
        try errors.check()
        guard let county, let ownership, let nature, let fireSafety, let status else { throw errors }
        return Institution(
            name: input.name.trimmingCharacters(in: .whitespacesAndNewlines), creditCode: input.creditCode.trimmingCharacters(in: .whitespaces),
            ownership: ownership, nature: nature, operatorName: input.operatorName.trimmingCharacters(in: .whitespacesAndNewlines),
            operatorCreditCode: input.operatorCreditCode.trimmingCharacters(in: .whitespaces), chain: input.chain, county: county, street: street,
            community: community, address: input.address, beds: Int(input.beds), nursingBeds: Int(input.nursingBeds), residents: Int(input.residents),
            openedOn: opened, filedOn: filed, grade: grade, gradeValidUntil: gradeValidUntil, medicalCare: medicalCare, fireSafety: fireSafety,
            insurance: insurance, status: status)
    }
}

extension Civic_Eldercare_V1_Institution {
    init(_ i: Institution) {
        self.init()
        id = i.id
        name = i.name
        creditCode = i.creditCode
        ownership = WireEnum.wire(i.ownership)
        nature = WireEnum.wire(i.nature)
        operatorName = i.operatorName
        operatorCreditCode = i.operatorCreditCode
        chain = i.chain
        county = i.county.description
        street = i.street?.description ?? ""
        community = i.community?.description ?? ""
        address = i.address
        beds = Int32(i.beds)
        nursingBeds = Int32(i.nursingBeds)
        residents = Int32(i.residents)
        openedOn = i.openedOn?.description ?? ""
        filedOn = i.filedOn?.description ?? ""
        grade = Int32(i.grade?.level ?? 0)
        gradeValidUntil = i.gradeValidUntil?.description ?? ""
        if let care = i.medicalCare {
            medicalCare = .with {
                $0.partner = care.partner
                $0.signedOn = care.signedOn.description
                $0.expiresOn = care.expiresOn?.description ?? ""
            }
        }
        fireSafety = WireEnum.wire(i.fireSafety)
        if let policy = i.insurance {
            insurance = .with {
                $0.insurer = policy.insurer
                $0.policyNumber = policy.policyNumber
                $0.validFrom = policy.validFrom.description
                $0.validUntil = policy.validUntil.description
            }
        }
        status = WireEnum.wire(i.status)
        operatorHistory = i.operatorHistory.map { period in
            .with {
                $0.operatorName = period.operatorName
                $0.operatorCreditCode = period.operatorCreditCode
                $0.chain = period.chain
                $0.from = period.from?.description ?? ""
                $0.until = period.until?.description ?? ""
            }
        }
    }
}

extension Civic_Eldercare_V1_Division {
    init(_ d: EldercareStore.StoredDivision) {
        self.init()
        code = d.code
        name = d.name
        level = WireEnum.wire(d.level)
        parent = d.parent.isEmpty ? d.county : d.parent
        county = d.county
    }
}
