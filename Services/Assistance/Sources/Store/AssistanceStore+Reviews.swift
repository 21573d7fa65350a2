import AssistanceDomain
import CivicDomain
import CivicProtos
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB

/// 复核: the due list and the reviews recorded.
extension AssistanceStore {
    public struct StoredReview: Sendable, Equatable {
        public var id: String
        public var applicationID: String
        public var householdID: String
        public var reviewedOn: CivilDate
        public var outcome: ReviewOutcome
        public var reason: String
        public var previousAmount: Fen
        public var newAmount: Fen
        public var effectiveMonth: BenefitMonth
        public var reviewer: String
        public var formula: String
        public var nextDue: CivilDate?
        /// Benefit obtained by fraud, found in this review (a stop), referred to enforcement.
        public var fraud: BenefitFraud?
    }

    /// An active case's next review.
    public struct ReviewDue: Sendable, Equatable {
        public var applicationID: String
        public var householdID: String
        public var program: Program
        public var due: CivilDate
        public var alertID: String?
    }

    /// What a review decides, made from the case's snapshot in force and the household now.
    public struct ReviewInputs: Sendable {
        public var application: ApplicationCase
        public var household: Household
        /// The snapshot paying the month the review changes, `effectiveMonth` (nil: stopped).
        public var current: DecisionSnapshot?
        /// The month the review changes (the month after it, or the case's first month).
        public var effectiveMonth: BenefitMonth
        public var standards: StandardTable
        public var inMinimumLivingFamily: Bool
        public var dueOn: CivilDate?
    }

    /// What the review records: the decision, the new snapshot (raise or lower), the next due day.
    public struct ReviewRecord: Sendable {
        public var decision: ReviewDecision
        public var snapshot: DecisionSnapshot?
        public var formula: String
        public var nextDue: CivilDate?
        public var fraud: BenefitFraud?

        public init(decision: ReviewDecision, snapshot: DecisionSnapshot?, formula: String, nextDue: CivilDate?, fraud: BenefitFraud? = nil) {
            self.decision = decision
            self.snapshot = snapshot
            self.formula = formula
            self.nextDue = nextDue
            self.fraud = fraud
        }
    }

    /// Every active case's next review within `within`, soonest first (bounded by `limit`).
    public func dueReviews(within: DivisionCode?, limit: Int) async throws -> [ReviewDue] {
        var sql = Filter()
        sql.within(within)
        let clause = sql.whereClause.isEmpty ? "WHERE" : sql.whereClause + " AND"
        let args = sql.statementArguments
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, household_id, program, next_review_due, review_alert_id FROM applications \(clause)
                    state = 'approved' AND next_review_due IS NOT NULL ORDER BY next_review_due, seq LIMIT ?
                    """,
                arguments: args + [limit]
            ).map { row in
                ReviewDue(
                    applicationID: row["id"], householdID: row["household_id"], program: Program(rawValue: row["program"]) ?? .minimumLiving,
                    due: CivilDate(row["next_review_due"] as String)!, alertID: row["review_alert_id"])
            }
        }
    }

    /// Records a review of application `id` in one transaction: `decide` sees the case and its
    /// household as they are, and returns the decision; a raise or lower adds the new snapshot
    /// from the month after, a stop stops the case from then, and the next review is set.
    public func review(
        applicationID id: String, on day: CivilDate, by actor: AuditActor, reviewer: String, within: DivisionCode? = nil, now: Date = Date(),
        decide: @escaping @Sendable (ReviewInputs) throws -> ReviewRecord
    ) async throws -> (StoredReview, ApplicationCase) {
        try await writes.write { db in
            let application = try Self.loadApplication(db, id: id)
            if let within, !within.contains(application.division) {
                throw DomainError.permissionDenied("application \(id) is outside this key's division \(within)")
            }
            guard application.state == .approved, let timeline = try Self.timeline(db, applicationID: id) else {
                throw DomainError.failedPrecondition(
                    "only an approved case is reviewed; \(id) is \(application.state.rawValue.uppercased())", reason: "NOT_ACTIVE")
            }
            let month = BenefitMonth(containing: day)
            let household = try Self.loadHousehold(db, id: application.householdID)
            if let decided = application.decidedOn, day < decided {
                throw DomainError.invalid("\(day) is before the decision (\(decided))", field: "on", reason: "BEFORE_DECISION")
            }
            // Stopped by the month the review would change: a review does not resume a stopped case.
            let effectiveMonth = ReviewDecision.effectiveMonth(reviewedOn: day)
            guard try timeline.snapshot(for: max(month, timeline.startMonth)) != nil,
                let current = try timeline.snapshot(for: max(effectiveMonth, timeline.startMonth))
            else {
                throw DomainError.failedPrecondition("case \(id) is stopped", reason: "STOPPED")
            }
            let living = try Self.inMinimumLivingFamily(db, householdID: household.id)
            let due = try String.fetchOne(db, sql: "SELECT next_review_due FROM applications WHERE id = ?", arguments: [id]).flatMap(CivilDate.init)
            let record = try decide(
                ReviewInputs(
                    application: application, household: household, current: current, effectiveMonth: max(effectiveMonth, timeline.startMonth),
                    standards: try StandardTable(versions: Self.standardVersions(db)), inMinimumLivingFamily: living, dueOn: due))
            let decision = record.decision
            let effective = ReviewDecision.effectiveMonth(reviewedOn: day)
            let seq = try Self.nextSeq(db, table: "reviews")
            let reviewID = Self.code("R", seq)
            switch decision.outcome {
            case .keep: break
            case .raise, .lower:
                try Self.addChange(
                    db, applicationID: id, from: effective, kind: .adjust, snapshot: record.snapshot, amount: decision.newAmount, reason: decision.reason,
                    source: "review:\(reviewID)", now: now)
            case .stop:
                try Self.addChange(
                    db, applicationID: id, from: effective, kind: .stop, snapshot: nil, amount: .zero, reason: decision.reason, source: "review:\(reviewID)",
                    now: now)
            }
            try db.execute(
                sql: """
                    INSERT INTO reviews (id, seq, application_id, household_id, division, due_on, reviewed_on, outcome, reason, previous_amount_fen,
                      new_amount_fen, effective_month, reviewer, formula, next_due)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    reviewID, seq, id, household.id, application.division.description, due?.description, day.description, decision.outcome.rawValue,
                    decision.reason, decision.currentAmount.fen, decision.newAmount.fen, effective.description, reviewer, record.formula,
                    record.nextDue?.description,
                ])
            // A review answers the alerts that brought it forward: the schedule starts again from it.
            try db.execute(
                sql: "UPDATE applications SET next_review_due = ?, review_scheduled_due = ?, review_alert_id = NULL WHERE id = ?",
                arguments: [record.nextDue?.description, record.nextDue?.description, id])
            try db.execute(sql: "DELETE FROM review_advances WHERE application_id = ?", arguments: [id])
            if let fraud = record.fraud {
                try Self.referFraud(db, fraud, reviewID: reviewID, household: household, division: application.division, on: day, now: now)
            }
            try Audit.record(
                db, by: actor, action: "review", entity: "application", entityID: id, reason: decision.reason,
                detail: "\(reviewID) \(decision.outcome.rawValue): \(decision.currentAmount.fen) → \(decision.newAmount.fen) fen from \(effective)", at: now)
            let review = StoredReview(
                id: reviewID, applicationID: id, householdID: household.id, reviewedOn: day, outcome: decision.outcome, reason: decision.reason,
                previousAmount: decision.currentAmount, newAmount: decision.newAmount, effectiveMonth: effective, reviewer: reviewer, formula: record.formula,
                nextDue: record.nextDue, fraud: record.fraud)
            return (review, application)
        }
    }
}

/// The messages assistance sends the other services (docs/FLOWS.md §4.6), written to its outbox in
/// the transaction of the change that causes them.
extension AssistanceStore {
    /// A fraud found in review `reviewID` goes to enforcement as one lead against the household's
    /// head (the applicant), with the amount obtained as the fine base; kept on the review.
    static func referFraud(
        _ db: Database, _ fraud: BenefitFraud, reviewID: String, household: Household, division: DivisionCode, on day: CivilDate, now: Date
    ) throws {
        try db.execute(sql: "UPDATE reviews SET fraud = ? WHERE id = ?", arguments: [try StoredRecords.encode(fraud), reviewID])
        guard let person = household.head ?? household.members.first else {
            throw DomainError.failedPrecondition("household \(household.id) has no member to refer", reason: "NO_MEMBERS")
        }
        let referral = Civic_Flows_V1_BenefitFraudReferred.with {
            $0.findingID = reviewID
            $0.householdID = household.id
            $0.division = division.description
            $0.personID = person.residentID.description
            $0.personName = person.name
            $0.amountObtainedFen = Int64(fraud.amountObtained.fen)
            $0.obtainedFrom = fraud.obtainedFrom.description
            $0.obtainedThrough = fraud.obtainedThrough.description
            $0.evidence = fraud.evidence
            $0.foundOn = day.description
        }
        try FlowOutbox.enqueue(
            db, to: "enforcement", referral, aggregate: "household:\(household.id)", idempotencyKey: "assistance-fraud:\(reviewID)", now: now)
    }
}
