import CivicDomain
import CivicProtos
import CivicServiceKit
import EldercareDomain
import Foundation

extension Civic_Eldercare_V1_Inspector {
    init(_ i: EldercareStore.StoredInspector) {
        self.init()
        id = i.id
        name = i.name
        active = i.active
        conflicts = i.conflicts
    }
}

extension Civic_Eldercare_V1_ChecklistSummary {
    init(_ c: Checklist) {
        self.init()
        version = c.version
        title = c.title
        issuer = c.issuer
        sample = c.isSample
        let counts = c.counts
        areas = Int32(counts.areas)
        subAreas = Int32(counts.subAreas)
        items = Int32(counts.items)
        totalWeight = Int32(c.totalWeight)
    }
}

extension Civic_Eldercare_V1_InspectionTask {
    /// The task as published and stored: the draw, frozen.
    init(id: String, county: String, draw: InspectionDraw, plannedOn: CivilDate, checklistVersion: String, inspectionIDs: [String]) {
        self.init()
        self.id = id
        self.county = county
        seed = draw.task.seed
        algorithm = draw.algorithm
        ratios = InspectionRiskClass.allCases.compactMap { risk in
            draw.task.ratios[risk].map { ratio in
                .with {
                    $0.riskClass = WireEnum.wire(risk)
                    $0.perMille = Int32(ratio.numerator * 1000 / max(1, ratio.denominator))
                }
            }
        }
        pool = draw.pool.map(Civic_Eldercare_V1_DrawTarget.init)
        poolFingerprint = draw.poolFingerprint
        targets = draw.targets.map(Civic_Eldercare_V1_DrawTarget.init)
        inspectorIds = draw.inspectorIDs
        exclusions = draw.exclusions.map { e in
            .with {
                $0.inspectorID = e.inspectorID
                $0.reason = e.reason.rawValue
                $0.institutionIds = e.targetIDs
            }
        }
        self.plannedOn = plannedOn.description
        self.checklistVersion = checklistVersion
        self.inspectionIds = inspectionIDs
    }

    /// A task stored as JSON by the first release.
    init(_ t: EldercareStore.StoredTask) {
        self.init(
            id: t.id, county: t.county, draw: t.draw, plannedOn: t.plannedOn, checklistVersion: t.checklistVersion, inspectionIDs: t.inspectionIDs)
    }
}

extension Civic_Eldercare_V1_DrawTarget {
    init(_ entry: DrawPoolEntry) {
        self.init()
        institutionID = entry.id
        riskClass = WireEnum.wire(entry.riskClass)
    }
}

extension Civic_Eldercare_V1_Inspection {
    init(_ i: Inspection) {
        self.init()
        id = i.id
        taskID = i.taskID
        institutionID = i.targetID
        inspectorIds = i.inspectorIDs
        plannedOn = i.plannedOn.description
        checklistVersion = i.checklistVersion
        state = WireEnum.wire(i.state)
        startedOn = i.startedOn?.description ?? ""
        inspectedOn = i.inspectedOn?.description ?? ""
        results = i.results.map { r in
            .with {
                $0.itemCode = r.itemCode
                $0.outcome = WireEnum.wire(r.outcome)
                $0.note = r.note
                $0.level = WireEnum.wire(r.level)
                $0.deadline = r.deadline?.description ?? ""
            }
        }
        score = i.score?.description ?? ""
        failedItems = Int32(i.score?.failedItems ?? 0)
        findingIds = i.findings.map(\.id)
        publicationDue = i.publicationDue?.description ?? ""
        publishedOn = i.publishedOn?.description ?? ""
        publishedLate = i.publishedLate
        cancellationReason = i.cancellationReason ?? ""
    }
}

extension Civic_Eldercare_V1_Finding {
    init(_ f: Finding, on day: CivilDate, policy: RectificationPolicy) {
        self.init()
        id = f.id
        inspectionID = f.inspectionID
        institutionID = f.targetID
        itemCode = f.itemCode
        itemText = f.itemText
        hazardClass = f.hazardClass.rawValue
        level = WireEnum.wire(f.level)
        legalBasis = f.legalBasis
        evidence = f.evidence
        foundOn = f.foundOn.description
        deadline = f.deadline.description
        deadlineProvisional = f.deadlineProvisional
        state = WireEnum.wire(f.state)
        status = WireEnum.wire(f.status(on: day, policy: policy))
        extensions = Int32(f.extensions.count)
        closedOn = f.closedOn?.description ?? ""
        referralFlagged = f.isFlaggedForReferral
        referralReasons = f.referral?.reasons.map(\.rawValue) ?? []
        suspensionDocument = f.suspension?.documentNumber ?? ""
        residentsAffected = Int32(f.suspension?.residentsAffected ?? 0)
        residentsResettled = Int32(f.suspension?.resettled ?? 0)
        revocationReason = f.revocationReason ?? ""
    }
}
