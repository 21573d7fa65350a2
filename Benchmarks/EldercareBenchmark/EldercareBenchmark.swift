import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EldercareDomain
import EldercareService
import Foundation
import GRDB
import Logging

/// eldercare-bench: the issue's three figures over a generated county, through the handlers the
/// RPCs call (network and gateway left out), on a durable SQLite file (WAL, synchronous=FULL):
/// 1. a 双随机 draw (`CreateInspectionTask`) over a pool of 50 000 institutions (aim: under 100 ms);
/// 2. the public register's changes feed (`ListRegisterChanges`, 1 000 a page, following
///    `next_cursor`) through 1 000 000 change records (aim: over 50 000 records/s);
/// 3. the division report (`GetDivisionReport`) over the 50 000 institutions (aim: under 200 ms).
/// Run in release: swift run -c release eldercare-bench [--institutions 50000] [--changes 1000000]
/// [--keep DIR | --reuse DIR]
@main
struct EldercareBenchmark {
    static let county = "410502"
    static let today = CivilDate("2026-09-22")!
    /// 40 streets of 25 communities, 10 townships of 20 villages.
    static let streets = 40
    static let communitiesPerStreet = 25
    static let townships = 10
    static let villagesPerTownship = 20
    static let importBatch = 10_000

    static func main() async throws {
        let arguments = CommandLine.arguments
        func value(_ flag: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let n = Int(arguments[i + 1]) else { return fallback }
            return n
        }
        let institutions = value("--institutions", 50_000)
        let changes = value("--changes", 1_000_000)
        let draws = value("--draws", 5)
        let reports = value("--reports", 20)
        // --only draw|feed|report measures one figure (for profiling).
        let only = arguments.firstIndex(of: "--only").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
        func measures(_ figure: String) -> Bool { only == nil || only == figure }
        precondition(institutions >= 100 && institutions <= 999_999, "--institutions is 100 to 999 999")

        // --keep DIR generates the database into DIR and stops; --reuse DIR measures on a copy of
        // one kept before (in a temporary folder, so the kept one never changes).
        func path(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        let keep = path("--keep")
        let reuse = path("--reuse")
        let folder =
            keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("civic-eldercare-bench-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("eldercare.sqlite")
        if keep != nil && reuse == nil {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file.path + suffix) }
        }
        if let reuse {
            let start = DispatchTime.now().uptimeNanoseconds
            for name in ["eldercare.sqlite", "eldercare.sqlite-wal"] {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
                if FileManager.default.fileExists(atPath: "\(reuse)/\(name)") {
                    try FileManager.default.copyItem(atPath: "\(reuse)/\(name)", toPath: folder.appendingPathComponent(name).path)
                }
            }
            guard FileManager.default.fileExists(atPath: file.path) else {
                print("no eldercare.sqlite in \(reuse): generate one with --keep \(reuse) first")
                return
            }
            print(String(format: "copied    the database kept in %@ to %@ in %.1f s", reuse, folder.path, seconds(since: start)))
        }
        let database = try CivicDatabase.open(path: file.path, migrations: EldercareService.definition.migrations)
        let store = EldercareStore(database: database)
        let day = today
        let handler = EldercareHandler(store: store, settings: EldercareSettings(), today: { day })
        let staff = context(Principal(id: "bench", roles: [.staff], services: ["eldercare"], division: county, subject: "养老科"))
        let mode = synchronousMode(database)
        print(
            "eldercare-bench: SQLite WAL, synchronous=\(mode); \(ProcessInfo.processInfo.activeProcessorCount) cores; county \(county), "
                + "today \(today); handlers called directly (no network, no gateway)")

        if reuse == nil {
            try await generate(handler: handler, database: database, staff: staff, institutions: institutions, changes: changes)
            _ = try await database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            print(String(format: "database  %.0f MB", Double(databaseBytes(file)) / 1e6))
        }
        if let keep, reuse == nil {
            print("kept the generated database in \(keep): measure with --reuse \(keep)")
            return
        }
        let counts = try await database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM institutions") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM register_changes") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM facilities") ?? 0
            )
        }
        print(
            String(
                format: "measuring on %d institutions, %d feed records, %d facilities; %.0f MB", counts.0, counts.1, counts.2, Double(databaseBytes(file)) / 1e6
            ))

        // 1a. The draw alone, as a replay would make it: read the county's pool (with what the
        // classes come from), classify it, draw — nothing written.
        var drawTimes: [Double] = []
        let settings = EldercareSettings()
        let roster = try await store.inspectors().map { RosterInspector(id: $0.id, active: $0.active, conflicts: Set($0.conflicts)) }
        for k in 0..<(measures("draw") ? draws : 0) {
            let start = DispatchTime.now().uptimeNanoseconds
            let pool = RiskClassification.pool(try await store.riskFacts(county: try DivisionCode(county)), filing: settings.filingClock, on: day)
            let draw = try InspectionTask(
                taskID: "B\(k)", seed: "福彩3D 2026253期 \(417 + k * 131)",
                ratios: [
                    .high: DrawRatio(perMille: 1000), .mediumHigh: DrawRatio(perMille: 300), .medium: DrawRatio(perMille: 100), .low: DrawRatio(perMille: 30),
                ]
            ).draw(pool: pool, roster: roster)
            drawTimes.append(seconds(since: start) * 1000)
            precondition(draw.targets.count > 0)
        }
        drawTimes.sort()
        if measures("draw") {
            print(
                String(
                    format: "draw      median %.1f ms, slowest %.1f ms (%d draws, aim < 100 ms): the pool read, classified and drawn, nothing written",
                    drawTimes[drawTimes.count / 2], drawTimes.last!, draws))
        }

        // 1b. The 双随机 task, `draws` times with different seeds: each reads the county's pool,
        // classifies it, draws, and writes the task and one planned inspection per target.
        var times: [Double] = []
        var task = Civic_Eldercare_V1_InspectionTask()
        for k in 0..<(measures("draw") ? draws : 0) {
            let request = drawRequest(seed: "福彩3D 2026253期 \(417 + k * 131)")
            let start = DispatchTime.now().uptimeNanoseconds
            task = try await handler.createInspectionTask(request, context: staff)
            times.append(seconds(since: start) * 1000)
        }
        times.sort()
        if measures("draw") { printDraw(task, times: times, draws: draws) }

        // 2. The changes feed from the start to the end, 1 000 a page, as a subscriber syncs.
        if measures("feed") { try await feed(handler) }

        // 3. The division report for the county, `reports` times: the median and the slowest.
        if measures("report") { try await report(handler, staff: staff, reports: reports) }
        print(String(format: "database  %.0f MB after the run", Double(databaseBytes(file)) / 1e6))
    }

    static func printDraw(_ task: Civic_Eldercare_V1_InspectionTask, times: [Double], draws: Int) {
        var perClass: [Civic_Eldercare_V1_RiskClass: (pool: Int, drawn: Int)] = [:]
        for entry in task.pool { perClass[entry.riskClass, default: (0, 0)].pool += 1 }
        for target in task.targets { perClass[target.riskClass, default: (0, 0)].drawn += 1 }
        let classes = [(Civic_Eldercare_V1_RiskClass.high, "high"), (.mediumHigh, "medium_high"), (.medium, "medium"), (.low, "low")]
            .map { "\($0.1) \(perClass[$0.0]?.drawn ?? 0)/\(perClass[$0.0]?.pool ?? 0)" }.joined(separator: ", ")
        print(
            String(
                format: "task      median %.1f ms, slowest %.1f ms (%d CreateInspectionTask calls); %d targets of a pool of %d (%@); "
                    + "each call draws and writes the task and its %d planned inspections",
                times[times.count / 2], times.last!, draws, task.targets.count, task.pool.count, classes, task.inspectionIds.count))
    }

    static func feed(_ handler: EldercareHandler) async throws {
        let anonymous = context(nil)
        var cursor = ""
        var records = 0
        var pages = 0
        let start = DispatchTime.now().uptimeNanoseconds
        while true {
            let page = try await handler.listRegisterChanges(
                .with {
                    $0.after = cursor; $0.pageSize = 1000
                }, context: anonymous)
            records += page.changes.count
            pages += 1
            cursor = page.nextCursor
            if !page.more { break }
        }
        let feedSeconds = seconds(since: start)
        print(
            String(
                format: "feed      %d records in %d pages in %.2f s = %.0f records/s (aim > 50 000/s); last cursor %@", records, pages, feedSeconds,
                Double(records) / feedSeconds, cursor))
    }

    static func report(_ handler: EldercareHandler, staff: RPCContext, reports: Int) async throws {
        var times: [Double] = []
        var report = Civic_Eldercare_V1_DivisionReport()
        for _ in 0..<reports {
            let start = DispatchTime.now().uptimeNanoseconds
            report = try await handler.getDivisionReport(.with { $0.within = county }, context: staff)
            times.append(seconds(since: start) * 1000)
        }
        times.sort()
        func line(_ section: String, _ measure: String) -> Civic_Eldercare_V1_ReportLine {
            report.lines.first { $0.section == section && $0.measure == measure } ?? .init()
        }
        let counted = line("institutions", "institutions")
        let dayCare = line("coverage", "day_care_centre community covered")
        let idle = line("facilities", "idle")
        let beds = line("beds", "residents")
        let done = line("supervision", "inspections done")
        print(
            String(
                format: "report    median %.1f ms, slowest %.1f ms (%d runs, aim < 200 ms); %d institutions, occupancy %@ %%, "
                    + "day-care centres cover %d of %@ communities (%@ %%), %d of %@ facilities idle, %d of %@ inspections done; %d lines",
                times[times.count / 2], times.last!, reports, counted.value, beds.percent, dayCare.value, dayCare.whole, dayCare.percent, idle.value,
                idle.whole, done.value, done.whole, report.lines.count))
    }

    // MARK: - Generation

    static func generate(handler: EldercareHandler, database: DatabasePool, staff: RPCContext, institutions: Int, changes: Int) async throws {
        // The divisions table.
        var start = DispatchTime.now().uptimeNanoseconds
        let loaded = try await handler.loadDivisions(.with { $0.divisions = divisions() }, context: staff)
        print(
            String(
                format: "divisions %d loaded (%d streets, %d communities, %d townships, %d villages) in %.2f s", loaded.loaded, loaded.streets,
                loaded.communities, loaded.townships, loaded.villages, seconds(since: start)))

        // The institutions, through ImportInstitutions in files of at most 10 000 rows.
        start = DispatchTime.now().uptimeNanoseconds
        var imported = 0
        var files = 0
        for first in stride(from: 0, to: institutions, by: importBatch) {
            var csv = importHeader + "\n"
            for n in first..<min(first + importBatch, institutions) { csv += institutionRow(n) + "\n" }
            let answer = try await handler.importInstitutions(.with { $0.csv = csv }, context: staff)
            imported += Int(answer.institutions)
            files += 1
        }
        let importSeconds = seconds(since: start)
        print(
            String(
                format: "import    %d institutions in %d files in %.1f s (%.0f/s), one feed record each", imported, files, importSeconds,
                Double(imported) / importSeconds))

        // Community facilities, one RegisterFacility call each, then a month of usage each (one call a facility).
        start = DispatchTime.now().uptimeNanoseconds
        var facilityIDs: [(id: String, capacity: Int32)] = []
        for facility in facilities() {
            let stored = try await handler.registerFacility(.with { $0.facility = facility }, context: staff).facility
            facilityIDs.append((stored.id, stored.capacity))
        }
        print(String(format: "facilities %d registered in %.1f s", facilityIDs.count, seconds(since: start)))
        start = DispatchTime.now().uptimeNanoseconds
        var usageDays = 0
        for (i, facility) in facilityIDs.enumerated() {
            let days = usage(i, capacity: facility.capacity)
            if days.isEmpty { continue }
            _ = try await handler.recordFacilityUsage(
                .with {
                    $0.facilityID = facility.id; $0.days = days
                }, context: staff)
            usageDays += days.count
        }
        print(String(format: "usage     %d facility-days recorded (one call a facility) in %.1f s", usageDays, seconds(since: start)))

        // The inspector roster and the sample checklist.
        start = DispatchTime.now().uptimeNanoseconds
        for k in 1...30 {
            _ = try await handler.putInspector(
                .with {
                    $0.inspector = .with {
                        $0.id = String(format: "J-%02d", k); $0.name = String(format: "检查员%02d", k); $0.active = k != 29
                        $0.conflicts = k == 30 ? ["I000003", "I000010", "I000100"] : []
                    }
                }, context: staff)
        }
        let json = try sampleChecklist()
        let checklist = try await handler.loadChecklist(.with { $0.json = json }, context: staff)
        print(String(format: "roster    30 inspectors, checklist %@ (%d items) in %.2f s", checklist.version, checklist.items, seconds(since: start)))

        // The rest of the feed: copies of the real entries, written by SQL in one transaction
        // (updating institutions through the handlers a million times would take hours).
        start = DispatchTime.now().uptimeNanoseconds
        let now = StorageTime.string(Date())
        let copied = try await database.write { db -> Int in
            var total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM register_changes") ?? 0
            let before = total
            while total < changes {
                try db.execute(
                    sql: """
                        INSERT INTO register_changes (institution_id, county, entry, changed_at)
                          SELECT institution_id, county, entry, ? FROM public_register ORDER BY institution_id LIMIT ?
                        """, arguments: [now, changes - total])
                total += db.changesCount
            }
            return total - before
        }
        print(
            String(
                format: "feed      %d extra records in %.1f s: copies of real register entries, written by SQL in one transaction (not the handlers)", copied,
                seconds(since: start)))
    }

    static func divisions() -> [Civic_Eldercare_V1_Division] {
        var rows: [Civic_Eldercare_V1_Division] = []
        for s in 1...streets {
            let street = String(format: "%@%03d", county, s)
            rows.append(
                .with {
                    $0.code = street; $0.name = "第\(s)街道"; $0.level = .street; $0.parent = county
                })
            for c in 1...communitiesPerStreet {
                rows.append(
                    .with {
                        $0.code = String(format: "%@%03d", street, c); $0.name = "第\(s)街道第\(c)社区"; $0.level = .community; $0.parent = street
                    })
            }
        }
        for t in 0..<townships {
            let township = String(format: "%@%03d", county, 100 + t)
            rows.append(
                .with {
                    $0.code = township; $0.name = "第\(t + 1)镇"; $0.level = .township; $0.parent = county
                })
            for v in 0..<villagesPerTownship {
                rows.append(
                    .with {
                        $0.code = String(format: "%@%03d", township, 201 + v); $0.name = "第\(t + 1)镇第\(v + 1)村"; $0.level = .village
                        $0.parent = township
                    })
            }
        }
        return rows
    }

    // MARK: - Institutions

    static let importHeader =
        "name,credit_code,ownership,nature,operator_name,chain,county,street,community,address,beds,nursing_beds,residents,opened_on,filed_on,"
        + "grade,grade_valid_until,medical_partner,medical_signed_on,medical_expires_on,fire_safety,insurer,insurance_policy,insurance_from,"
        + "insurance_until,status"

    static func creditCode(_ first17: String) -> String { first17 + String(UnifiedSocialCreditCode.checkCharacter(for: first17)!) }

    /// Institution `n`: 20 % 公办, 20 % 公建民营, 60 % 民办 (a third of them for profit); 10–300 beds; 80 % in
    /// streets, 20 % in townships; 3 % fire safety failed, 5 % being rectified, 20 % not assessed; 55 %
    /// graded (a tenth of those expired); 85 % filed; two thirds with a 医养结合 agreement; a few
    /// suspended, closing or closed.
    static func institutionRow(_ n: Int) -> String {
        let serial = String(format: "%07d", n)
        let ownership: String
        let nature: String
        let code: String
        var operatorName = ""
        var chain = ""
        let name: String
        switch n % 10 {
        case 0, 1:
            (ownership, nature, code, name) = ("public_run", "non_profit", creditCode("12410502MB" + serial), "文峰区第\(n + 1)敬老院")
        case 2, 3:
            (ownership, nature, code, name) = ("public_built_privately_run", "non_profit", creditCode("52410502MJ" + serial), "文峰区第\(n + 1)颐养院")
            operatorName = "安康养老服务有限公司第\(n % 40 + 1)分公司"
        default:
            let forProfit = n % 3 == 0
            (ownership, nature) = ("privately_run", forProfit ? "for_profit" : "non_profit")
            code = creditCode((forProfit ? "91410502MA" : "52410502MJ") + serial)
            name = forProfit ? "安阳第\(n + 1)老年公寓" : "文峰区第\(n + 1)养老服务中心"
            if n % 17 == 0 { chain = "夕阳红连锁" }
        }
        let unit = n % (streets + townships)
        let street: String
        let community: String
        if unit < streets {
            street = String(format: "%@%03d", county, unit + 1)
            community = String(format: "%@%03d", street, (n / 50) % communitiesPerStreet + 1)
        } else {
            street = String(format: "%@%03d", county, 100 + unit - streets)
            community = String(format: "%@%03d", street, 201 + (n / 50) % villagesPerTownship)
        }
        let status: String
        switch n % 500 {
        case 7: status = "closed"
        case 13, 263: status = "closing"
        case 21, 121, 221, 321, 421: status = "suspended"
        default: status = "operating"
        }
        let beds = 10 + (n &* 7919) % 291
        let nursing = beds * ((n % 7) * 10) / 100
        let residents = status == "closed" ? 0 : beds * (40 + n % 55) / 100
        let opened = CivilDate("2005-01-01")!.adding(days: (n &* 31) % 7000)
        let filed = n % 20 < 17 ? opened.adding(days: 30).description : ""
        var grade = ""
        var gradeUntil = ""
        if n % 20 < 11 {
            grade = String(1 + n % 5)
            gradeUntil = n % 20 == 10 ? "2025-12-31" : "2028-12-31"
        }
        var medical = ",,"
        if n % 3 != 0 { medical = "安阳市第\(n % 9 + 1)人民医院,2024-01-05,\(n % 2 == 0 ? "" : "2027-06-30")" }
        let fire: String
        switch n % 100 {
        case 0..<3: fire = "failed"
        case 3..<8: fire = "rectifying"
        case 8..<28: fire = "not_assessed"
        default: fire = "passed"
        }
        var insurance = ",,,"
        if n % 2 == 0 { insurance = "中国人寿财产保险安阳分公司,P2026-\(serial),2026-01-01,2026-12-31" }
        let address = "安阳市文峰区第\(unit + 1)路\(n % 997 + 1)号"
        return [
            name, code, ownership, nature, operatorName, chain, county, street, community, address, String(beds), String(nursing), String(residents),
            opened.description, filed, grade, gradeUntil, medical, fire, insurance, status,
        ].joined(separator: ",")
    }

    // MARK: - Community facilities

    static func facilities() -> [Civic_Eldercare_V1_Facility] {
        var all: [Civic_Eldercare_V1_Facility] = []
        func add(_ name: String, _ kind: Civic_Eldercare_V1_FacilityKind, _ covers: [String], _ k: Int) {
            all.append(
                .with {
                    $0.name = name; $0.kind = kind; $0.county = county; $0.covers = covers; $0.capacity = Int32(20 + (k * 13) % 61)
                    $0.services = k % 2 == 0 ? [.meals, .recreation] : [.meals, .cleaning, .bathing, .medical]
                    $0.operatorName = "社区养老服务中心"; $0.openedOn = CivilDate("2018-01-01")!.adding(days: (k * 37) % 2500).description
                })
        }
        // 日间照料中心 in 9 communities of 10 (every 7th also serving the next), 养老服务驿站 in 2 of 3.
        for c in 0..<(streets * communitiesPerStreet) {
            let street = String(format: "%@%03d", county, c / communitiesPerStreet + 1)
            let community = String(format: "%@%03d", street, c % communitiesPerStreet + 1)
            if c % 10 != 9 {
                var covers = [community]
                if c % 7 == 0 && c % communitiesPerStreet < communitiesPerStreet - 1 {
                    covers.append(String(format: "%@%03d", street, c % communitiesPerStreet + 2))
                }
                add("第\(c + 1)社区日间照料中心", .dayCareCentre, covers, c)
            }
            if c % 3 != 2 { add("第\(c + 1)社区养老服务驿站", .servicePost, [community], c + 1) }
        }
        for s in 1...streets where s % 8 != 0 {
            add("第\(s)街道综合养老服务中心", .streetCentre, [String(format: "%@%03d", county, s)], s)
        }
        for t in 0..<townships {
            let township = String(format: "%@%03d", county, 100 + t)
            if t != townships - 1 { add("第\(t + 1)镇敬老院", .townshipHome, [township], t) }
            for v in 0..<villagesPerTownship where v % 4 != 3 {
                add("第\(t + 1)镇第\(v + 1)村幸福院", .ruralMutualAidPoint, [String(format: "%@%03d", township, 201 + v)], t * 20 + v)
            }
        }
        return all
    }

    /// Facility `i`'s 日服务人次 over the month up to today, closed on one day in seven: one in ten
    /// never reports (idle by absence), two in ten are used at about 15 % (idle), the rest at 40–80 %.
    static func usage(_ i: Int, capacity: Int32) -> [Civic_Eldercare_V1_UsageDay] {
        if i % 10 == 0 { return [] }
        let share = i % 10 < 3 ? 15 : 40 + (i * 7) % 41
        var days: [Civic_Eldercare_V1_UsageDay] = []
        for d in 0..<31 where d % 7 != 6 {
            let date = today.adding(days: d - 30)
            let visits = Int32(max(0, Int(capacity) * share / 100 + (d * 5 + i) % 5 - 2))
            days.append(
                .with {
                    $0.day = date.description; $0.visits = visits
                })
        }
        return days
    }

    // MARK: - Requests and helpers

    /// A draw over the county: every high-risk institution, 30 % of medium-high, 10 % of medium, 3 % of low.
    static func drawRequest(seed: String) -> Civic_Eldercare_V1_CreateInspectionTaskRequest {
        .with {
            $0.county = county; $0.seed = seed; $0.plannedOn = today.description; $0.inspectorCount = 2
            $0.ratios = [(Civic_Eldercare_V1_RiskClass.high, 1000), (.mediumHigh, 300), (.medium, 100), (.low, 30)].map { risk, perMille in
                .with {
                    $0.riskClass = risk; $0.perMille = Int32(perMille)
                }
            }
        }
    }

    /// deploy/eldercare/checklist-sample.json, from the working directory or beside these sources.
    static func sampleChecklist() throws -> String {
        let relative = "deploy/eldercare/checklist-sample.json"
        if FileManager.default.fileExists(atPath: relative) { return try String(contentsOfFile: relative, encoding: .utf8) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    static func context(_ principal: Principal?) -> RPCContext {
        var metadata: [String: String] = [MetadataKey.requestID: "bench"]
        if let principal { metadata[MetadataKey.principal] = principal.encoded }
        return RPCContext(method: "", metadata: metadata, deadline: nil, logger: Logger(label: "bench"))
    }

    static func synchronousMode(_ database: DatabasePool) -> String {
        let mode = (try? database.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }) ?? nil
        return [0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"][mode ?? -1] ?? "?"
    }

    /// The database file and its write-ahead log.
    static func databaseBytes(_ file: URL) -> Int {
        ["", "-wal"].reduce(0) { total, suffix in
            total + ((try? FileManager.default.attributesOfItem(atPath: file.path + suffix)[.size] as? Int) ?? 0)
        }
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
