import AssistanceDomain
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit

/// The monthly and yearly report.
extension AssistanceHandler {
    public func getReport(_ request: Civic_Assistance_V1_GetReportRequest, context: RPCContext) async throws -> Civic_Assistance_V1_Report {
        let access = try AssistanceAccess(context)
        let within = try access.listing(requested: request.division)
        let months: [BenefitMonth]
        if request.period.count == 4, let year = Int(request.period), (2000...9999).contains(year) {
            months = (1...12).map { BenefitMonth(year: year, month: $0)! }
        } else if let month = try? month(request.period, field: "period"), !request.period.isEmpty {
            months = [month]
        } else {
            throw DomainError.invalid("period is a month YYYY-MM or a year YYYY", field: "period", reason: request.period.isEmpty ? "REQUIRED" : "INVALID")
        }
        let from = months.first!.firstDay
        let through = months.last!.next.firstDay.adding(days: -1)
        let counts = try await store.reportCounts(months: months, from: from, through: through, within: within, today: today(), clock: settings.clock)
        // Persons are summed over the lines paid (人次), so the average divides by them alone.
        var report = try AssistanceReport(
            period: request.period, months: 1, recipients: counts.recipients, destituteCare: counts.destituteCare, applications: counts.applications,
            reviews: counts.reviews, alerts: counts.alerts)
        report.months = months.count  // what the period spans, as the CSV prints it
        var p = Civic_Assistance_V1_Report()
        p.period = request.period
        p.months = Int32(months.count)
        p.recipients = report.recipients.map { row in
            var r = Civic_Assistance_V1_RecipientRow()
            r.program = WireEnum.wire(row.totals.program)
            r.area = WireEnum.wire(row.totals.area)
            r.households = Int32(row.totals.households)
            r.persons = Int32(row.totals.persons)
            r.amountPaidFen = Int64(row.totals.amountPaid.fen)
            r.monthlyPerPersonFen = Int64(row.monthlyPerPerson?.fen ?? 0)
            r.floorFen = Int64(row.floor?.fen ?? 0)
            r.belowFloor = row.belowFloor
            return r
        }
        p.destituteUnableToSelfCare = Int32(report.centralizedCare.counts.unableToSelfCare)
        p.destituteCentralized = Int32(report.centralizedCare.counts.centralized)
        p.centralizedRate = report.centralizedCare.rate.description
        p.centralizedTargetMet = report.centralizedCare.targetMet ?? false
        p.applicationsDecided = Int32(report.applications.decided)
        p.applicationsOnTime = Int32(report.applications.decidedOnTime)
        p.applicationsOnTimeRate = report.applicationsOnTime.description
        p.reviewsDue = Int32(report.reviews.due)
        p.reviewsDone = Int32(report.reviews.done)
        p.reviewsOverdue = Int32(report.reviews.overdue)
        var departments = Set(report.alerts.map(\.department))
        departments.formUnion(counts.retractedAlerts.keys)
        p.alerts = departments.sorted().map { name in
            let counts_ = report.alerts.first { $0.department == name } ?? AlertCounts(department: name)
            var d = Civic_Assistance_V1_DepartmentAlerts()
            d.department = name
            d.raised = Int32(counts_.raised)
            d.handledOnTime = Int32(counts_.handledOnTime)
            d.handledLate = Int32(counts_.handledLate)
            d.openOverdue = Int32(counts_.openOverdue)
            d.open = Int32(counts_.open)
            d.retracted = Int32(counts.retractedAlerts[name] ?? 0)
            return d
        }
        p.csv = report.csv()
        return p
    }
}
