import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareService
import Foundation
import GRDB
import Testing

@Suite("Eldercare: community facilities, residents and 备案")
struct EldercareCommunityTests {
    typealias Bureau = ElderBureau

    /// 东关社区日间照料中心: 40 places a day, meals and recreation.
    static func dayCare() -> Civic_Eldercare_V1_Facility {
        .with {
            $0.name = "东关社区日间照料中心"; $0.kind = .dayCareCentre; $0.county = Bureau.county; $0.covers = ["410502001003"]
            $0.services = [.recreation, .meals]; $0.capacity = 40; $0.openedOn = "2025-01-01"
        }
    }

    @Test func aFacilityCoversItsLevelAndItsUsageSaysWhetherItIsIdle() async throws {
        let bureau = try Bureau.open()
        let h = bureau.handler
        try await bureau.loadDivisions()
        let centre = try await h.registerFacility(.with { $0.facility = Self.dayCare() }, context: bureau.context()).facility
        #expect(centre.id == "F000001")
        #expect(centre.services == [.meals, .recreation])

        var wrong = Self.dayCare()
        wrong.covers = ["410502001", "410502001009", "410503001001"]
        wrong.capacity = 0
        #expect(
            await domainRefusal { _ = try await h.registerFacility(.with { $0.facility = wrong }, context: bureau.context()) }?.problems == [
                "facility.covers[0] LEVEL_MISMATCH", "facility.covers[1] UNKNOWN", "facility.covers[2] NOT_IN_COUNTY", "facility.capacity NOT_POSITIVE",
            ])
        var unnamed = Self.dayCare()
        unnamed.kind = .unspecified
        unnamed.openedOn = "2025-02-30"
        #expect(
            await domainRefusal { _ = try await h.registerFacility(.with { $0.facility = unnamed }, context: bureau.context()) }?.problems == [
                "facility.kind REQUIRED", "facility.opened_on INVALID",
            ])

        // Found through the street its community lies in, and by kind.
        #expect(try await h.listFacilities(.with { $0.within = "410502001" }, context: bureau.context()).facilities.map(\.id) == [centre.id])
        #expect(try await h.listFacilities(.with { $0.within = "410502002" }, context: bureau.context()).facilities.isEmpty)
        #expect(try await h.listFacilities(.with { $0.kind = .streetCentre }, context: bureau.context()).facilities.isEmpty)

        // 36 visits over three open days of 40 places: 30.0 %, not idle (the line is 30 %).
        let usage = try await h.recordFacilityUsage(
            .with {
                $0.facilityID = centre.id
                $0.days = [
                    .with {
                        $0.day = "2026-09-08"; $0.visits = 10
                    },
                    .with {
                        $0.day = "2026-09-09"; $0.visits = 12
                    },
                    .with {
                        $0.day = "2026-09-10"; $0.visits = 14
                    },
                ]
            }, context: bureau.context())
        #expect((usage.openDays, usage.visits, usage.capacityDays, usage.usagePercent, usage.idle) == (3, 36, 120, "30.0", false))
        // A day given again replaces its figure: 35 of 120, 29.2 %, idle.
        _ = try await h.recordFacilityUsage(
            .with {
                $0.facilityID = centre.id
                $0.days = [
                    .with {
                        $0.day = "2026-09-10"; $0.visits = 13
                    }
                ]
            }, context: bureau.context())
        let month = try await h.getFacilityUsage(.with { $0.facilityID = centre.id }, context: bureau.context(Bureau.leader))
        #expect((month.from, month.through) == ("2026-08-17", "2026-09-15"))
        #expect((month.openDays, month.visits, month.usagePercent, month.idle) == (3, 35, "29.2", true))

        let bad = await domainRefusal {
            _ = try await h.recordFacilityUsage(
                .with {
                    $0.facilityID = centre.id
                    $0.days = [
                        .with {
                            $0.day = "2026-09-16"; $0.visits = 3
                        },
                        .with {
                            $0.day = "2026-09-08"; $0.visits = -1
                        },
                        .with {
                            $0.day = "2026-09-08"; $0.visits = 2
                        },
                    ]
                }, context: bureau.context())
        }
        #expect(bad?.problems == ["days[0].day IN_THE_FUTURE", "days[1].visits NEGATIVE", "days[2].day DUPLICATE"])
        #expect(try await h.getFacilityUsage(.with { $0.facilityID = centre.id }, context: bureau.context()).visits == 35)
        let elsewhere = await domainRefusal { _ = try await h.getFacility(.with { $0.id = centre.id }, context: bureau.context(Bureau.neighbour)) }
        #expect(elsewhere?.kind == .permissionDenied)
    }

    /// 北关老年公寓: 10 beds, nobody yet, not filed.
    static func smallHome() -> Civic_Eldercare_V1_Institution {
        var home = Bureau.yiyangHome()
        home.creditCode = Bureau.beiguan
        home.name = "北关老年公寓"
        home.ownership = .privatelyRun
        home.nature = .forProfit
        home.operatorName = ""
        home.street = "410502002"
        home.community = "410502002001"
        home.beds = 10
        home.nursingBeds = 0
        home.residents = 0
        home.filedOn = ""
        home.openedOn = "2026-09-01"
        home.clearMedicalCare()
        return home
    }

    @Test func residentsAreAdmittedCountedAndTheirIDNumbersShownOnlyOnRequest() async throws {
        let bureau = try Bureau.open(today: "2026-10-09")
        let h = bureau.handler
        try await bureau.loadDivisions()
        let home = try await bureau.register(Self.smallHome())
        let id = Bureau.residentID("41050219400610004")
        let admitted = try await h.admitResident(
            .with {
                $0.resident = .with {
                    $0.institutionID = home.id; $0.personRef = "P-0001"; $0.residentID = id; $0.admittedOn = "2026-09-18"
                    $0.abilityLevel = .moderate; $0.assessedOn = "2026-09-18"
                }
            }, context: bureau.context()
        ).resident
        #expect(admitted.id == "R000001")
        #expect(admitted.residentID == String(id.prefix(6)) + "********" + String(id.suffix(4)))
        #expect(try await h.getInstitution(.with { $0.id = home.id }, context: bureau.context()).institution.residents == 1)
        // The number is stored apart from the record and never in the audit trail.
        let stored = try await bureau.database.read { db in
            try Row.fetchOne(db, sql: "SELECT record, resident_id FROM residents WHERE id = 'R000001'")
        }
        #expect((stored?["resident_id"] as String?) == id)
        #expect((stored?["record"] as String?)?.contains(String(id.suffix(8))) == false)
        let audit = try await bureau.database.read { db in try String.fetchAll(db, sql: "SELECT detail || reason FROM audit_log") }
        #expect(!audit.joined().contains(String(id.suffix(8))))

        // The same person cannot live in two places at once.
        let twice = await domainRefusal {
            _ = try await h.admitResident(
                .with {
                    $0.resident = .with {
                        $0.institutionID = home.id; $0.personRef = "P-0001"; $0.admittedOn = "2026-09-20"
                    }
                }, context: bureau.context())
        }
        #expect(twice?.problems == [" LIVING_ELSEWHERE"])

        // The full number for who needs it, with the reason on record.
        let noReason = await domainRefusal { _ = try await h.revealResidentID(.with { $0.id = admitted.id }, context: bureau.context()) }
        #expect(noReason?.problems == ["reason REQUIRED"])
        let revealed = try await h.revealResidentID(
            .with {
                $0.id = admitted.id; $0.reason = "办理特困供养核对"
            }, context: bureau.context())
        #expect(revealed.residentID == id)
        let trail = try await bureau.database.read { db in
            try String.fetchAll(db, sql: "SELECT action || ':' || reason FROM audit_log WHERE entity = 'resident' ORDER BY id")
        }
        #expect(trail == ["admit:", "reveal_resident_id:办理特困供养核对"])
        let outside = await domainRefusal {
            _ = try await h.revealResidentID(
                .with {
                    $0.id = admitted.id; $0.reason = "x"
                }, context: bureau.context(Bureau.neighbour))
        }
        #expect(outside?.kind == .permissionDenied)

        // Nobody past the beds; nothing after a death.
        for i in 2...10 {
            _ = try await h.admitResident(
                .with {
                    $0.resident = .with {
                        $0.institutionID = home.id; $0.personRef = "P-\(i)"; $0.admittedOn = "2026-10-08"
                        $0.agreement = .with {
                            $0.number = "HT-\(i)"; $0.signedOn = "2026-10-08"
                        }
                    }
                }, context: bureau.context())
        }
        let full = await domainRefusal {
            _ = try await h.admitResident(
                .with {
                    $0.resident = .with {
                        $0.institutionID = home.id; $0.personRef = "P-11"
                    }
                }, context: bureau.context())
        }
        #expect(full?.problems == [" FULL"])
        let listed = try await h.listResidents(.with { $0.institutionID = home.id }, context: bureau.context(Bureau.leader))
        #expect(listed.page.totalCount == 10)
        #expect(listed.withoutAgreement == ["R000001"])
        let died = try await h.recordResidentEvent(
            .with {
                $0.residentID = "R000001"; $0.kind = .death; $0.on = "2026-10-05"
            }, context: bureau.context()
        ).resident
        #expect(died.diedOn == "2026-10-05")
        #expect(try await h.getInstitution(.with { $0.id = home.id }, context: bureau.context()).institution.residents == 9)
        let after = await domainRefusal {
            _ = try await h.recordResidentEvent(
                .with {
                    $0.residentID = "R000001"; $0.kind = .discharge
                }, context: bureau.context())
        }
        #expect(after?.problems == [" DECEASED"])
        #expect(
            try await h.listResidents(
                .with {
                    $0.institutionID = home.id; $0.currentOnly = true
                }, context: bureau.context()
            ).page.totalCount == 9)
    }

    @Test func theFirstAdmissionStartsThe备案ClockAndFilingStopsIt() async throws {
        let bureau = try Bureau.open(today: "2026-10-09")
        let h = bureau.handler
        try await bureau.loadDivisions()
        let late = try await bureau.register(Self.smallHome())
        var other = Self.smallHome()
        other.creditCode = Bureau.code("12410502MB0000013")
        other.name = "高庄敬老院"
        other.street = "410502100"
        other.community = ""
        let soon = try await bureau.register(other)
        var filedHome = Self.smallHome()
        filedHome.creditCode = Bureau.code("52410502MJ0000021")
        filedHome.name = "已备案公寓"
        filedHome.filedOn = "2026-09-02"
        let filed = try await bureau.register(filedHome)
        for (home, day, ref) in [(late.id, "2026-09-10", "A"), (soon.id, "2026-09-18", "B"), (filed.id, "2026-09-10", "C")] {
            _ = try await h.admitResident(
                .with {
                    $0.resident = .with {
                        $0.institutionID = home; $0.personRef = ref; $0.admittedOn = day
                    }
                }, context: bureau.context())
        }
        // 10 working days from 10 September (the make-up Sunday of 20 September counted): 23 September,
        // overdue by 6 working days on 9 October; from 18 September: 9 October, due today.
        let list = try await h.listFilings(.init(), context: bureau.context()).filings
        #expect(
            list.map { "\($0.institutionName) \($0.firstAdmission) \($0.due) \($0.status) \($0.workingDaysLeft)" } == [
                "北关老年公寓 2026-09-10 2026-09-23 filingOverdue -6", "高庄敬老院 2026-09-18 2026-10-09 filingDueSoon 0",
            ])
        #expect(try await h.listFilings(.with { $0.within = "410502100" }, context: bureau.context()).filings.map(\.institutionID) == [soon.id])

        let recorded = try await h.recordFiling(.with { $0.institutionID = late.id }, context: bureau.context()).institution
        #expect(recorded.filedOn == "2026-10-09")
        let again = await domainRefusal { _ = try await h.recordFiling(.with { $0.institutionID = late.id }, context: bureau.context()) }
        #expect(again?.problems == [" ALREADY_FILED"])
        let ahead = await domainRefusal {
            _ = try await h.recordFiling(
                .with {
                    $0.institutionID = soon.id; $0.filedOn = "2026-10-10"
                }, context: bureau.context())
        }
        #expect(ahead?.problems == ["filed_on IN_THE_FUTURE"])
        #expect(try await h.listFilings(.init(), context: bureau.context()).filings.map(\.institutionID) == [soon.id])
    }
}
