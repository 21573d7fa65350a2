import AssistanceDomain
import CivicDomain
import CivicProtos
import CivicServiceKit

enum ApplicationInput {
    /// The program's terms from a request's fields.
    static func terms(
        program: Civic_Assistance_V1_Program, member: String, setting: Civic_Assistance_V1_SupportSetting, singlePerson: Bool,
        temporaryKind: Civic_Assistance_V1_TemporaryKind, requested: Int64
    ) throws -> EntitlementTerms {
        var errors = ValidationErrors()
        let program: Program? = HouseholdInput.collect(&errors) { try WireEnum.required(program, field: "program") }
        var person: ResidentID?
        if !member.isEmpty { person = ResidentID.validate(member, field: "member_resident_id", into: &errors) }
        let setting: SupportSetting? = HouseholdInput.collect(&errors) { try WireEnum.optional(setting, field: "setting") } ?? nil
        let kind: TemporaryAssistanceKind? = HouseholdInput.collect(&errors) { try WireEnum.optional(temporaryKind, field: "temporary_kind") } ?? nil
        if requested < 0 { errors.add("requested_fen", "NEGATIVE", "requested_fen must not be negative") }
        try errors.check()
        return EntitlementTerms(
            program: program!, member: person, setting: setting ?? .dispersed, singlePerson: singlePerson, temporaryKind: kind ?? .expenditure,
            requested: Fen(Int(requested)))
    }
}

extension Civic_Assistance_V1_Application {
    init(_ a: ApplicationCase, view: RecordView, clock: ApplicationClock, today: CivilDate, notice: Civic_Assistance_V1_PublicNotice?) {
        self.init()
        id = a.id
        householdID = a.householdID
        program = WireEnum.wire(a.program)
        memberResidentID = a.terms.member.map(view.residentID) ?? ""
        channel = WireEnum.wire(a.channel)
        state = WireEnum.wire(a.state)
        appliedOn = a.appliedOn.description
        acceptedOn = a.acceptedOn?.description ?? ""
        authorizationSignedOn = a.authorizationSignedOn?.description ?? ""
        relatedToOfficial = a.relatedToOfficial
        investigator = a.investigator ?? ""
        investigationMethods = a.investigationMethods.map { WireEnum.wire($0) }
        investigationNotes = a.investigationNotes
        townshipOpinion = a.townshipOpinion
        townshipOpinionOn = a.townshipOpinionOn?.description ?? ""
        if let accepted = a.acceptedOn {
            let due = clock.caseDue(acceptedOn: accepted, extended: a.extended)
            caseDue = due.description
            caseDueProvisional = clock.calendar.isProvisional(from: accepted, through: due)
            if let status = clock.caseStatus(state: a.state, acceptedOn: accepted, extended: a.extended, on: today) {
                caseStatus = WireEnum.wire(status)
            }
        }
        extended = a.extended
        extensionReason = a.extensionReason
        amountFen = Int64(a.amount.fen)
        formula = a.formula
        standardVersionID = a.standardVersionID
        setting = WireEnum.wire(a.terms.setting)
        singlePerson = a.terms.singlePerson
        temporaryKind = WireEnum.wire(a.terms.temporaryKind)
        requestedFen = Int64(a.terms.requested.fen)
        if let notice { self.notice = notice }
        objections = a.objections.map { o in
            var p = Civic_Assistance_V1_Objection()
            p.by = o.by
            p.on = o.on.description
            p.text = o.text
            p.recordedBy = o.recordedBy
            return p
        }
        decidedOn = a.decidedOn?.description ?? ""
        decidedBy = a.decidedBy
        rejectionReason = a.rejectionReason
        if a.state == .rejected, let decided = a.decidedOn {
            rejectionNoticeDue = clock.rejectionNoticeDue(decidedOn: decided).description
        }
        startMonth = a.startMonth?.description ?? ""
        emergencyPaidOn = a.emergencyPaidOn?.description ?? ""
        if a.state == .emergencyPaid, let paid = a.emergencyPaidOn {
            paperworkDue = clock.emergencyPaperworkDue(paidOn: paid).description
        }
        withdrawnReason = a.withdrawnReason
    }
}

extension Civic_Assistance_V1_PublicNotice {
    init(_ n: AssistanceStore.StoredNotice) {
        self.init()
        applicationID = n.applicationID
        division = n.division
        program = WireEnum.wire(n.program)
        name = n.name
        householdSize = Int32(n.householdSize)
        amountFen = Int64(n.amount.fen)
        startsOn = n.startsOn.description
        endsOn = n.endsOn.description
        text = n.text
    }
}
