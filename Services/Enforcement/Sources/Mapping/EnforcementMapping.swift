import CivicDomain
import CivicProtos
import CivicServiceKit
import EnforcementDomain

// Domain → civic.enforcement.v1. Dates as "YYYY-MM-DD" ("" for none), money in fen.

extension Optional where Wrapped == CivilDate {
    var text: String { self?.description ?? "" }
}

extension Civic_Enforcement_V1_Deadline {
    init(_ d: LegalDeadline) {
        self.init()
        legalDate = d.legalDate.description
        dueDate = d.dueDate.description
        rule = d.rule
        provisional = d.provisional
    }
}

extension Civic_Enforcement_V1_FineRule {
    init(_ r: FineRule) {
        self.init()
        base = WireEnum.wire(r.base)
        minimumFen = Int64(r.minimum.fen)
        maximumFen = Int64(r.maximum.fen)
        minimumTenths = Int32(r.minimumTenths)
        maximumTenths = Int32(r.maximumTenths)
        text = r.description
    }
}

extension Civic_Enforcement_V1_LegalBasis {
    init(_ b: LegalBasis, benchmarks: [DiscretionBenchmark]) {
        self.init()
        code = b.code
        law = b.law
        article = b.article
        violation = b.violation
        allowedPenalties = b.allowedPenalties.sorted().map { WireEnum.wire($0) }
        fines = b.fines.map(Civic_Enforcement_V1_FineRule.init)
        self.benchmarks = benchmarks.map { m in
            .with {
                $0.version = Int32(m.version)
                $0.publishedOn = m.publishedOn.description
                if let above = m.legalReviewAbove { $0.legalReviewAboveFen = Int64(above.fen) }
                $0.firstViolationExemption = m.firstViolationExemption
                $0.tiers = m.tiers.map { t in
                    .with {
                        $0.name = t.name
                        if let v = t.gainsAbove { $0.gainsAboveFen = Int64(v.fen) }
                        if let v = t.gainsAtMost { $0.gainsAtMostFen = Int64(v.fen) }
                        if let v = t.harm { $0.harm = v }
                        if let v = t.repeatViolation { $0.repeatViolation = v }
                        $0.penalties = t.penalties.sorted().map { WireEnum.wire($0) }
                        $0.fines = t.fines.map(Civic_Enforcement_V1_FineRule.init)
                    }
                }
            }
        }
    }
}

extension Civic_Enforcement_V1_PenaltyAssessment {
    init(_ a: PenaltyAssessment) {
        self.init()
        tier = a.tier
        penalties = a.penalties.sorted().map { WireEnum.wire($0) }
        fineOptions = a.fineOptions.map { option in
            .with {
                $0.rule = .init(option.rule)
                $0.minimumFen = Int64(option.range.lowerBound)
                $0.maximumFen = Int64(option.range.upperBound)
            }
        }
        legalReviewRequired = a.legalReviewRequired
        rule = a.rule
    }
}

extension Civic_Enforcement_V1_Officer {
    init(_ o: Officer, today: CivilDate) {
        self.init()
        id = o.id
        name = o.name
        certificateNumber = o.certificateNumber
        certificateIssuedOn = o.certificateIssuedOn.description
        certificateExpiresOn = o.certificateExpiresOn.description
        status = WireEnum.wire(o.status)
        roles = OfficerRole.allCases.filter(o.roles.contains).map { WireEnum.wire($0) }
        legalQualification = o.legalQualification
        division = o.division.description
        certifiedToday = o.isCertified(on: today)
    }
}

extension Civic_Enforcement_V1_Subject {
    /// `masked`: a person's ID as 410502********0012.
    init(_ s: LeadSubject, masked: Bool) {
        self.init()
        switch s {
        case .organization(let code, let name):
            id = code
            self.name = name
            organization = true
        case .person(let number, let name):
            id = masked ? (try? ResidentID(number))?.masked ?? number : number
            self.name = name
        case .unregistered(let name):
            self.name = name
            organization = true
            unregistered = true
        }
    }
}

extension Civic_Enforcement_V1_Lead {
    init(_ l: Lead, today: CivilDate, masked: Bool) {
        self.init()
        id = l.id
        division = l.division.description
        source = WireEnum.wire(l.source)
        referredBy = l.referredBy
        reference = l.reference
        subject = .init(l.subject, masked: masked)
        summary = l.summary
        receivedOn = l.receivedOn.description
        verificationDue = .init(l.verificationDue)
        extensionApprovedBy = l.approvedExtension?.approvedBy ?? ""
        extendedOn = l.approvedExtension?.on.description ?? ""
        state = WireEnum.wire(l.state)
        decidedOn = l.decidedOn.text
        outcome = l.outcome
        overdue = l.isOverdue(on: today)
        amountObtainedFen = Int64(l.amountObtained?.fen ?? 0)
    }
}

extension Civic_Enforcement_V1_ProposedPenalty {
    init(_ p: ProposedPenalty) {
        self.init()
        penalties = p.penalties.sorted().map { WireEnum.wire($0) }
        fineFen = Int64(p.fine.fen)
        confiscatedFen = Int64(p.confiscated.fen)
        suspensionMonths = Int32(p.suspensionMonths)
        tier = p.tier
        rule = p.rule
        legalReviewRequired = p.legalReviewRequired
    }
}

extension Civic_Enforcement_V1_ViolationFacts {
    init(_ f: ViolationFacts) {
        self.init()
        gainsFen = Int64(f.gains.fen)
        turnoverFen = Int64(f.turnover.fen)
        amountObtainedFen = Int64(f.amountObtained.fen)
        firstViolation = f.firstViolation
        correctedInTime = f.correctedInTime
        harm = f.harm
        repeatViolation = f.repeatViolation
    }
}

extension Civic_Enforcement_V1_CaseClock {
    init(_ clock: CaseClock, today: CivilDate) {
        self.init()
        kind = WireEnum.wire(clock.kind)
        deadline = .init(clock.deadline)
        metOn = clock.metOn.text
        overdue = clock.isOpen && clock.deadline.isOverdue(on: today)
    }
}

extension Civic_Enforcement_V1_EnforcementCase {
    /// The case as of `today`. `full`: with its evidence, statements, history and the subject's ID
    /// unmasked (one case, to those who work it); lists carry the rest.
    init(_ c: EnforcementCase, today: CivilDate, calendar: LegalCalendar, full: Bool) {
        self.init()
        id = c.id
        division = c.division.description
        leadID = c.leadID
        subject = .init(c.subject, masked: !full)
        violationCodes = c.violationCodes
        summary = c.summary
        actEndedOn = c.actEndedOn.description
        harmsLifeHealthOrFinance = c.harmsLifeHealthOrFinance
        filedOn = c.filedOn.description
        filingApprovedBy = c.filingApprovedBy
        investigators = c.investigators
        complex = c.complex
        majorPublicInterest = c.majorPublicInterest
        jointOperationID = c.jointOperationID
        jointPartners = c.jointPartners
        simpleProcedure = c.simpleProcedure
        subjectRegistration = c.subjectRegistration
        state = WireEnum.wire(c.state)
        closedOn = c.closedOn.text
        legalReviewRequired = c.legalReviewRequired
        let clocks = c.clocks(asOf: today, calendar: calendar)
        self.clocks = clocks.map { .init($0, today: today) }
        if let next = c.nextDeadline(asOf: today, calendar: calendar) { nextDeadline = .init(next, today: today) }
        if let d = c.decision {
            decision = .with {
                $0.on = d.on.description
                $0.outcome = WireEnum.wire(d.outcome)
                if let p = d.penalty { $0.penalty = .init(p) }
                $0.approvedBy = d.approvedBy
                $0.reasons = d.reasons
                $0.late = d.late
            }
        }
        if let p = c.publication {
            publication = .with {
                $0.publishedOn = p.publishedOn.description
                $0.withdrawnOn = p.withdrawnOn.text
                $0.withdrawalReason = p.withdrawalReason
            }
        }
        if let r = c.revocation {
            revocation = .with {
                $0.on = r.on.description
                $0.by = r.by
                $0.reason = r.reason
                $0.withdrawalDue = .init(r.withdrawalDue)
            }
        }
        if let f = c.collection {
            let asOf = min(today, c.closedOn ?? today)
            collection = .with {
                $0.fineFen = Int64(f.fine.fen)
                $0.paymentDue = .init(f.paymentDue)
                $0.instalments = f.instalments.map { i in
                    .with {
                        $0.dueDate = i.dueDate.description; $0.amountFen = Int64(i.amount.fen)
                    }
                }
                $0.deferralApprovedBy = f.deferral?.approvedBy ?? ""
                $0.instalmentsApprovedBy = f.instalmentApproval?.approvedBy ?? ""
                $0.pauses = f.pauses.map { p in
                    .with {
                        $0.kind = WireEnum.wire(p.kind); $0.from = p.from.description; $0.through = p.through.text
                    }
                }
                $0.payments = f.payments.map { p in
                    .with {
                        $0.on = p.on.description; $0.amountFen = Int64(p.amount.fen); $0.receipt = p.receipt
                    }
                }
                $0.surchargeReductionFen = Int64(f.surchargeReduction.fen)
                $0.demandServedOn = f.demandServedOn.text
                $0.courtAppliedOn = f.courtAppliedOn.text
                $0.surchargeFen = Int64(f.surcharge(asOf: asOf).fen)
                $0.paidFen = Int64(f.paid.fen)
                $0.outstandingFen = Int64(f.outstanding(asOf: asOf).fen)
            }
        }
        guard full else { return }
        evidence = c.evidence.map { e in
            .with {
                $0.on = e.on.description; $0.description_p = e.description; $0.officers = e.officers
            }
        }
        preservations = c.preservations.map { p in
            .with {
                $0.number = Int32(p.number)
                $0.on = p.on.description
                $0.items = p.items
                $0.decisionDue = .init(p.decisionDue)
                $0.decidedOn = p.decidedOn.text
                $0.decision = p.decision
            }
        }
        excluded = c.excluded.map { e in
            .with {
                $0.kind = WireEnum.wire(e.kind); $0.from = e.from.description; $0.through = e.through.text
            }
        }
        extensions = c.extensions.map { e in
            .with {
                $0.days = Int32(e.days)
                $0.on = e.on.description
                $0.approvedBy = e.approvedBy
                $0.byCollectiveDiscussion = e.byCollectiveDiscussion
                $0.reason = e.reason
            }
        }
        if let n = c.notice {
            notice = .with {
                $0.on = n.on.description
                $0.proposal = .init(n.proposal)
                $0.officers = n.officers
                $0.hearingRight = n.hearingRight
                $0.replyDue = .init(n.replyDue)
                $0.waivedOn = n.waivedOn.text
                $0.facts = .init(n.facts)
            }
        }
        statements = c.statements.map { s in
            .with {
                $0.on = s.on.description; $0.text = s.text
            }
        }
        if let h = c.hearing {
            hearing = .with {
                $0.requestedOn = h.requestedOn.description
                $0.noticeOn = h.noticeOn.text
                $0.date = h.date.text
                $0.hostID = h.hostID
                $0.isPublic = h.isPublic
                $0.heldOn = h.heldOn.text
                $0.record = h.record
            }
        }
        legalReviews = c.legalReviews.map { r in
            .with {
                $0.sentOn = r.sentOn.description
                $0.reviewerID = r.reviewerID
                $0.concludedOn = r.concludedOn.text
                $0.approved = r.approved
                $0.opinion = r.opinion
            }
        }
        if let d = c.discussion {
            discussion = .with {
                $0.on = d.on.description
                $0.participants = d.participants
                $0.conclusion = d.conclusion
            }
        }
        if let s = c.service {
            service = .with {
                $0.on = s.on.description
                $0.method = WireEnum.wire(s.method)
                $0.officers = s.officers
                $0.consentRecorded = s.consentRecorded
                $0.late = s.late
            }
        }
        history = c.history.map { h in
            .with {
                $0.step = h.step; $0.on = h.on.description; $0.by = h.by; $0.detail = h.detail
            }
        }
    }
}

extension Civic_Enforcement_V1_PublishedDecision {
    init(_ p: PublishedDecision) {
        self.init()
        caseID = p.caseID
        division = p.division.description
        subjectName = p.subjectName
        creditCode = p.creditCode
        violationCodes = p.violationCodes
        legalBases = p.legalBases
        penalties = p.penalties.map { WireEnum.wire($0) }
        fineFen = Int64(p.fine.fen)
        decidedOn = p.decidedOn.description
        publishedOn = p.publishedOn.description
        withdrawnOn = p.withdrawnOn.text
    }
}
