import AssistanceDomain
import CivicDomain
import Testing

@Suite("Standards as dated data")
struct StandardTableTests {
    typealias F = Fixtures

    @Test func aBenefitMonthUsesTheVersionInForceOnItsFirstDay() throws {
        let table = try StandardTable(versions: [
            F.version(id: "u-2026-01", effective: "2026-01-01", standard: .monthly(Fen(85000))),
            F.version(id: "u-2026-07", effective: "2026-07-01", standard: .monthly(Fen(90000))),
            F.version(id: "u2-2026-01", effective: "2026-01-01", division: F.otherCounty),
            F.version(id: "u2-2026-07-02", effective: "2026-07-02", division: F.otherCounty, standard: .monthly(Fen(95000))),
            F.version(id: "r-2026-01", effective: "2026-01-01", area: .rural, standard: .yearly(Fen(430000))),
        ])
        // Effective 2026-07-01: applies to July itself.
        #expect(try table.inForce(division: F.county, area: .urban, month: F.month(2026, 6)).id == "u-2026-01")
        #expect(try table.inForce(division: F.county, area: .urban, month: F.month(2026, 7)).id == "u-2026-07")
        #expect(try table.inForce(division: F.county, area: .urban, month: F.month(2027, 3)).id == "u-2026-07")
        // Effective 2026-07-02: not in force on 1 July, so July keeps the old one; August takes it.
        #expect(try table.inForce(division: F.otherCounty, area: .urban, month: F.month(2026, 7)).id == "u2-2026-01")
        #expect(try table.inForce(division: F.otherCounty, area: .urban, month: F.month(2026, 8)).id == "u2-2026-07-02")
        // Area and division match exactly.
        #expect(try table.inForce(division: F.county, area: .rural, month: F.month(2026, 8)).id == "r-2026-01")
    }

    @Test func noVersionInForceIsRefusedAsNoStandard() throws {
        let table = try StandardTable(versions: [F.version(id: "u-2026-07", effective: "2026-07-01")])
        for (division, area, month) in [
            (F.county, Area.urban, F.month(2026, 6)),  // before the first version
            (F.county, Area.rural, F.month(2026, 8)),  // no rural series
            (F.otherCounty, Area.urban, F.month(2026, 8)),  // no series for that county
        ] {
            do {
                _ = try table.inForce(division: division, area: area, month: month)
            } catch let error as DomainError {
                #expect(error.kind == .failedPrecondition)
                #expect(error.reason == "NO_STANDARD")
                continue
            }
            Issue.record("expected NO_STANDARD for \(division) \(area) \(month)")
        }
    }

    @Test func everyProblemIsReportedAtOnceWithItsFieldPath() {
        var badRatio = F.version(id: "v3", effective: "2027-01-01")
        badRatio.destituteMultiple = Ratio(13, 0)
        badRatio.careDispersed.partiallyDependent = Ratio(-1, 6)
        var negatives = F.version(id: "v4", effective: "2028-01-01", minimumWage: Fen(-1), nursing: Fen(-5))
        negatives.temporaryCapMultiple = -1
        let problems = F.problems {
            _ = try StandardTable(versions: [
                F.version(id: "v0", effective: "2026-01-01", standard: .monthly(Fen(-90000)), living: Fen(6999)),
                F.version(id: "v1", effective: "2026-07-01"),
                F.version(id: "v2", effective: "2026-07-01", living: Fen(6999)),
                badRatio,
                negatives,
                F.version(id: "v1", effective: "2029-01-01", standard: .yearly(Fen(1_080_000))),
                F.version(id: "", effective: "2030-01-01"),
            ])
        }
        #expect(
            problems == [
                "versions[0].minimum_living_standard NOT_POSITIVE",
                "versions[0].living_subsidy BELOW_FLOOR",
                "versions[2].living_subsidy BELOW_FLOOR",
                "versions[2].effective DUPLICATE",
                "versions[3].destitute_multiple BAD_RATIO",
                "versions[3].care_dispersed.partially_dependent NEGATIVE",
                "versions[4].minimum_wage NEGATIVE",
                "versions[4].temporary_cap_multiple NEGATIVE",
                "versions[4].nursing_subsidy NEGATIVE",
                "versions[5].minimum_living_standard YEARLY_ONLY_RURAL",
                "versions[5].id DUPLICATE",
                "versions[6].id REQUIRED",
            ])
    }

    @Test func theSameDateInAnotherDivisionOrAreaIsNoDuplicate() throws {
        _ = try StandardTable(versions: [
            F.version(id: "a", effective: "2026-07-01"),
            F.version(id: "b", effective: "2026-07-01", area: .rural),
            F.version(id: "c", effective: "2026-07-01", division: F.otherCounty),
        ])
    }

    @Test func subsidiesExactlyAtTheFloorPass() throws {
        _ = try StandardTable(versions: [F.version(living: Fen(7000), nursing: Fen(7000))])
    }

    @Test func benefitMonths() {
        #expect(BenefitMonth(year: 2026, month: 13) == nil)
        #expect(BenefitMonth(year: 2026, month: 0) == nil)
        #expect(F.month(2026, 12).next == F.month(2027, 1))
        #expect(F.month(2026, 7).firstDay == F.day("2026-07-01"))
        #expect(F.month(2026, 7).description == "2026-07")
        #expect(F.month(2026, 7) < F.month(2026, 8))
    }
}
