import CivicDomain
import CivicProtos
import CivicServiceKit
import Foundation
import OrganizationsDomain

/// Reading an organization from a request: every problem of the message at once, fields as the
/// request names them ("organization.registrar_level"). The register's own rules
/// (`OrganizationRules`) are checked after, on the values read.
enum OrganizationInput {
    /// The body and its legal representative's ID number (nil when not given).
    static func parse(_ input: Civic_Organizations_V1_Organization, field prefix: String = "organization", today: CivilDate) throws -> (Organization, String?) {
        var errors = ValidationErrors()
        func enumeration<D: CaseIterable>(_ body: () throws -> D?) -> D? { errors.collect(prefix, body) }
        let type: OrganizationType? = enumeration { try WireEnum.required(input.type, field: "\(prefix).type") }
        let kind: FoundationKind? = enumeration { try WireEnum.optional(input.foundationKind, field: "\(prefix).foundation_kind") }
        let level: RegistrarLevel? = enumeration { try WireEnum.required(input.registrarLevel, field: "\(prefix).registrar_level") }
        let status: OrganizationStatus? = enumeration { try WireEnum.optional(input.status, field: "\(prefix).status") } ?? .registered
        let registrar = DivisionCode.validate(input.registrarDivision, field: "\(prefix).registrar_division", into: &errors)
        let division = DivisionCode.validate(input.division, field: "\(prefix).division", into: &errors)
        let registeredOn = RequestFields.date(input.registeredOn, field: "\(prefix).registered_on", into: &errors)
        var representative: String?
        // A masked number (as answered) means "keep the one held": a client may send back what it read.
        if !input.legalRepresentativeID.isEmpty && !input.legalRepresentativeID.contains("*") {
            representative = ResidentID.validate(input.legalRepresentativeID, field: "\(prefix).legal_representative_id", into: &errors)?.description
        }
        if let status, status != .registered && status != .preparing {
            errors.add("\(prefix).status", "NOT_ALLOWED", "a body enters the register as REGISTERED or PREPARING; other statuses are moves")
        }
        if input.fundsFen < 0 { errors.add("\(prefix).funds_fen", "NEGATIVE", "funds cannot be negative") }
        try errors.check()
        guard let type, let level, let status, let registrar, let division else { throw errors }
        let organization = Organization(
            creditCode: input.creditCode.trimmingCharacters(in: .whitespaces).uppercased(),
            oldRegistrationNumber: input.oldRegistrationNumber.trimmingCharacters(in: .whitespaces),
            name: input.name.trimmingCharacters(in: .whitespacesAndNewlines), type: type, isTradeAssociation: input.tradeAssociation,
            foundationKind: kind, sponsor: input.sponsor.trimmingCharacters(in: .whitespacesAndNewlines), directlyRegistrable: input.directlyRegistrable,
            registrarLevel: level, registrarDivision: registrar, domicile: input.domicile, division: division, purpose: input.purpose,
            businessScope: input.businessScope, activityArea: input.activityArea,
            legalRepresentative: input.legalRepresentative.trimmingCharacters(in: .whitespacesAndNewlines), funds: Fen(Int(input.fundsFen)),
            individualMembers: Int(input.individualMembers), unitMembers: Int(input.unitMembers), hasPartyOrganization: input.partyOrganization,
            registeredOn: registeredOn, status: status,
            history: [StatusChange(from: nil, to: status, on: registeredOn ?? today, reason: "entered on the register")])
        return (organization, representative)
    }
}

extension Civic_Organizations_V1_Organization {
    /// The body as answered: the legal representative's ID number masked.
    init(_ stored: OrganizationsStore.StoredOrganization) {
        self.init()
        let o = stored.organization
        id = o.id
        creditCode = o.creditCode
        oldRegistrationNumber = o.oldRegistrationNumber
        name = o.name
        type = WireEnum.wire(o.type)
        tradeAssociation = o.isTradeAssociation
        if let kind = o.foundationKind { foundationKind = WireEnum.wire(kind) }
        sponsor = o.sponsor
        directlyRegistrable = o.directlyRegistrable
        registrarLevel = WireEnum.wire(o.registrarLevel)
        registrarDivision = o.registrarDivision.description
        domicile = o.domicile
        division = o.division.description
        purpose = o.purpose
        businessScope = o.businessScope
        activityArea = o.activityArea
        legalRepresentative = o.legalRepresentative
        legalRepresentativeID = stored.legalRepresentativeID.flatMap { try? ResidentID($0).masked } ?? ""
        fundsFen = Int64(o.funds.fen)
        individualMembers = Int32(o.individualMembers)
        unitMembers = Int32(o.unitMembers)
        partyOrganization = o.hasPartyOrganization
        registeredOn = o.registeredOn?.description ?? ""
        status = WireEnum.wire(o.status)
        history = o.history.map { change in
            .with {
                if let from = change.from { $0.from = WireEnum.wire(from) }
                $0.to = WireEnum.wire(change.to)
                $0.on = change.on.description
                $0.document = change.document
                $0.reason = change.reason
            }
        }
    }
}

extension Civic_Organizations_V1_ChangeRecord {
    init(_ stored: OrganizationsStore.StoredChangeRecord) {
        self.init()
        id = stored.id
        organizationID = stored.organizationID
        kind = stored.change.kind == .change ? .change : .deregistration
        changes = stored.change.changes
        sponsorApprovedOn = stored.change.sponsorApprovedOn?.description ?? ""
        liquidationEndedOn = stored.change.liquidationEndedOn?.description ?? ""
        filedOn = stored.change.filedOn.description
        document = stored.change.document
        late = stored.change.late
    }
}

extension Civic_Organizations_V1_Application {
    init(_ stored: OrganizationsStore.StoredApplication, today: CivilDate) {
        self.init()
        let a = stored.application
        id = a.id
        name = a.name
        type = WireEnum.wire(a.type)
        if let kind = a.foundationKind { foundationKind = WireEnum.wire(kind) }
        tradeAssociation = a.isTradeAssociation
        registrarLevel = WireEnum.wire(a.registrarLevel)
        division = a.division.description
        sponsor = a.sponsor
        directlyRegistrable = a.directlyRegistrable
        fundsFen = Int64(a.funds.fen)
        individualMembers = Int32(a.individualMembers)
        unitMembers = Int32(a.unitMembers)
        domicile = a.domicile
        purpose = a.purpose
        businessScope = a.businessScope
        legalRepresentative = a.legalRepresentative
        applicant = a.applicant
        state = WireEnum.wire(a.state)
        submittedOn = a.submittedOn.description
        preReviewDue = a.preReviewDue.description
        preReviewOverdue = a.isPreReviewOverdue(on: today)
        preReviewedOn = a.preReviewedOn?.description ?? ""
        preReviewNotes = a.preReviewNotes
        acceptedOn = a.acceptedOn?.description ?? ""
        if let promise = a.promise {
            promisedDocuments = promise.documents.map { document in
                .with {
                    $0.name = document.name
                    $0.suppliedOn = document.suppliedOn?.description ?? ""
                }
            }
            promiseDue = promise.dueBy.description
            promiseOverdue = a.state.isOpen && promise.isOverdue(on: today)
        }
        completeOn = a.completeOn?.description ?? ""
        decisionDue = a.decisionDue?.description ?? ""
        decisionOverdue = a.isDecisionOverdue(on: today)
        sponsorApprovalReference = a.sponsorApproval?.reference ?? ""
        sponsorApprovedOn = a.sponsorApproval?.approvedOn.description ?? ""
        decidedOn = a.decidedOn?.description ?? ""
        decisionReasons = a.decisionReasons
        organizationID = a.organizationID
        creditCode = a.creditCode
    }
}

extension Civic_Organizations_V1_CommunityOrganization {
    init(_ f: CommunityOrganizationFiling) {
        self.init()
        id = f.id
        name = f.name
        category = f.category
        community = f.community
        county = f.county.description
        contact = f.contact
        members = Int32(f.members)
        activities = f.activities
        filedOn = f.filedOn.description
        cancelledOn = f.cancelledOn?.description ?? ""
    }
}
