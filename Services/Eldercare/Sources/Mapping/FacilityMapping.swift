import CivicDomain
import CivicProtos
import CivicServiceKit
import EldercareDomain
import Foundation

/// Reading a facility or a resident from a request: every problem of the message at once.
enum FacilityInput {
    static func parse(_ input: Civic_Eldercare_V1_Facility, field prefix: String = "facility") throws -> CommunityFacility {
        var errors = ValidationErrors()
        let county = DivisionCode.validate(input.county, field: "\(prefix).county", into: &errors)
        var covers: [LocalDivisionCode] = []
        for (i, text) in input.covers.enumerated() {
            if let code = LocalDivisionCode.validate(text, field: "\(prefix).covers[\(i)]", into: &errors) { covers.append(code) }
        }
        var kind: FacilityKind?
        do {
            kind = try WireEnum.required(input.kind, field: "\(prefix).kind")
        } catch let error as DomainError {
            for problem in error.problems { errors.add(problem) }
        }
        var services: Set<CommunityService> = []
        for (i, service) in input.services.enumerated() {
            if let value: CommunityService = WireEnum.domain(service) {
                services.insert(value)
            } else {
                errors.add("\(prefix).services[\(i)]", "UNKNOWN", "services[\(i)] is not a known service")
            }
        }
        let opened = Dates.optional(input.openedOn, "\(prefix).opened_on", &errors)
        let closed = Dates.optional(input.closedOn, "\(prefix).closed_on", &errors)
        try errors.check()
        guard let county, let kind else { throw errors }
        return CommunityFacility(
            name: input.name.trimmingCharacters(in: .whitespacesAndNewlines), kind: kind, county: county, covers: covers, services: services,
            capacity: Int(input.capacity), operatorName: input.operatorName.trimmingCharacters(in: .whitespacesAndNewlines), openedOn: opened,
            closedOn: closed)
    }
}

enum ResidentInput {
    static func parse(_ input: Civic_Eldercare_V1_Resident, today: CivilDate, field prefix: String = "resident") throws -> Resident {
        var errors = ValidationErrors()
        var id: ResidentID?
        if !input.residentID.isEmpty { id = ResidentID.validate(input.residentID, field: "\(prefix).resident_id", into: &errors) }
        let admitted = Dates.optional(input.admittedOn, "\(prefix).admitted_on", &errors) ?? (input.admittedOn.isEmpty ? today : nil)
        let assessed = Dates.optional(input.assessedOn, "\(prefix).assessed_on", &errors)
        var level: AbilityLevel?
        do {
            level = try WireEnum.optional(input.abilityLevel, field: "\(prefix).ability_level")
        } catch let error as DomainError {
            for problem in error.problems { errors.add(problem) }
        }
        let agreement = input.hasAgreement ? ServiceAgreementInput.parse(input.agreement, field: "\(prefix).agreement", &errors) : nil
        if !input.dischargedOn.isEmpty || !input.diedOn.isEmpty {
            errors.add("\(prefix).discharged_on", "NOT_ALLOWED", "a discharge or death is recorded by RecordResidentEvent after admission")
        }
        try errors.check()
        guard let admitted else { throw errors }
        return Resident(
            institutionID: input.institutionID, personRef: input.personRef.trimmingCharacters(in: .whitespacesAndNewlines), residentID: id,
            admittedOn: admitted, abilityLevel: level, assessedOn: assessed, agreement: agreement,
            destituteCaseID: input.destituteCaseID.isEmpty ? nil : input.destituteCaseID)
    }
}

enum ServiceAgreementInput {
    static func parse(_ input: Civic_Eldercare_V1_ServiceAgreement, field prefix: String, _ errors: inout ValidationErrors) -> ServiceAgreement? {
        let signed = Dates.required(input.signedOn, "\(prefix).signed_on", &errors)
        let until = Dates.optional(input.validUntil, "\(prefix).valid_until", &errors)
        return signed.map { ServiceAgreement(number: input.number, signedOn: $0, validUntil: until) }
    }
}

enum Dates {
    /// A date field: nil when empty; INVALID added when malformed.
    static func optional(_ text: String, _ field: String, _ errors: inout ValidationErrors) -> CivilDate? {
        RequestFields.date(text, field: field, into: &errors)
    }

    /// A required date field: REQUIRED added when empty, INVALID when malformed.
    static func required(_ text: String, _ field: String, _ errors: inout ValidationErrors) -> CivilDate? {
        RequestFields.requiredDate(text, field: field, into: &errors)
    }
}

extension Civic_Eldercare_V1_Facility {
    init(_ f: CommunityFacility) {
        self.init()
        id = f.id
        name = f.name
        kind = WireEnum.wire(f.kind)
        county = f.county.description
        covers = f.covers.map(\.description)
        // In the domain's order, whatever order they were given in.
        services = CommunityService.allCases.filter { f.services.contains($0) }.map { WireEnum.wire($0) }
        capacity = Int32(f.capacity)
        operatorName = f.operatorName
        openedOn = f.openedOn?.description ?? ""
        closedOn = f.closedOn?.description ?? ""
    }
}

extension Civic_Eldercare_V1_FacilityUsage {
    init(_ u: UsageAssessment, from: CivilDate, through: CivilDate) {
        self.init()
        facilityID = u.facilityID
        self.from = from.description
        self.through = through.description
        openDays = Int32(u.openDays)
        visits = Int32(u.visits)
        capacityDays = Int32(u.capacityDays)
        usagePercent = u.usage.description
        idle = u.idle
    }
}

extension Civic_Eldercare_V1_Resident {
    /// The ID number masked: the full one only through RevealResidentID.
    init(_ r: Resident) {
        self.init()
        id = r.id
        institutionID = r.institutionID
        personRef = r.personRef
        residentID = r.maskedID ?? ""
        admittedOn = r.admittedOn.description
        dischargedOn = r.dischargedOn?.description ?? ""
        diedOn = r.diedOn?.description ?? ""
        if let level = r.abilityLevel { abilityLevel = WireEnum.wire(level) }
        assessedOn = r.assessedOn?.description ?? ""
        if let a = r.agreement {
            agreement = .with {
                $0.number = a.number
                $0.signedOn = a.signedOn.description
                $0.validUntil = a.validUntil?.description ?? ""
            }
        }
        destituteCaseID = r.destituteCaseID ?? ""
    }
}

extension Civic_Eldercare_V1_FilingEntry {
    init(_ e: FilingEntry, name: String) {
        self.init()
        institutionID = e.institutionID
        institutionName = name
        firstAdmission = e.firstAdmission.description
        due = e.due.description
        status = WireEnum.wire(e.status)
        workingDaysLeft = Int32(e.workingDaysLeft)
        provisional = e.provisional
    }
}
