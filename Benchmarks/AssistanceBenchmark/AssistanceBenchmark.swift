import AssistanceDomain
import AssistanceService
import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging

/// assistance-bench: the three figures over a generated county, through the handlers the
/// RPCs call, on a durable SQLite file (WAL, synchronous=FULL):
/// 1. a monthly 低保 payment run over the active households (aim: 200 000 in under 10 s): the
///    first month, every case computed from its snapshot, then the next, cases carried forward;
/// 2. event intake, one durable transaction per event, matched against the person registry
///    (aim: at least 2 000 events/s against 1 000 000 persons);
/// 3. the monthly report over that registry (aim: under 200 ms).
/// Run in release: swift run -c release assistance-bench [--persons 1000000] [--cases 200000] [--events 20000]
@main
struct AssistanceBenchmark {
    static let county = try! DivisionCode("431227")
    static let membersPerHousehold = 4

    static func main() async throws {
        let arguments = CommandLine.arguments
        func value(_ flag: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count, let n = Int(arguments[i + 1]) else { return fallback }
            return n
        }
        let persons = value("--persons", 1_000_000)
        let cases = value("--cases", 200_000)
        let events = value("--events", 20_000)
        let households = persons / membersPerHousehold
        precondition(cases <= households, "--cases must be at most --persons / \(membersPerHousehold)")

        // --keep DIR leaves the generated database in DIR; --reuse DIR starts from a copy of one
        // kept before (the same --persons and --cases), skipping the generation.
        func path(_ flag: String) -> String? {
            guard let i = arguments.firstIndex(of: flag), i + 1 < arguments.count else { return nil }
            return arguments[i + 1]
        }
        let keep = path("--keep")
        let reuse = path("--reuse")
        let folder =
            keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("civic-assistance-bench-\(UUID().uuidString)")
        defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if let reuse {
            for file in ["assistance.sqlite", "assistance.sqlite-wal"] where FileManager.default.fileExists(atPath: "\(reuse)/\(file)") {
                try? FileManager.default.removeItem(at: folder.appendingPathComponent(file))
                try FileManager.default.copyItem(atPath: "\(reuse)/\(file)", toPath: folder.appendingPathComponent(file).path)
            }
        }
        let database = try CivicDatabase.open(
            path: folder.appendingPathComponent("assistance.sqlite").path, migrations: AssistanceService.definition.migrations)
        let store = AssistanceStore(database: database)
        let today = CivilDate("2026-12-02")!
        let handler = AssistanceHandler(store: store, settings: AssistanceSettings(), today: { today })
        let staff = context(Principal(id: "bench", roles: [.staff], services: ["assistance"], division: county.description, subject: "经办人"))
        print("assistance-bench: SQLite WAL, synchronous=FULL; \(ProcessInfo.processInfo.activeProcessorCount) cores")

        // Setting up: the standard, the registry (import in batches), the decided cases.
        if reuse == nil { try await generate(handler: handler, store: store, staff: staff, households: households, cases: cases) }
        if let keep, reuse == nil {
            print("kept the generated database in \(keep): run again with --reuse \(keep) (and --keep elsewhere or nothing)")
            return
        }

        // 1. The payment run, then the same month again.
        var start = DispatchTime.now().uptimeNanoseconds
        let run = try await handler.runPayments(
            .with {
                $0.month = "2026-11"; $0.program = .minimumLiving
            }, context: staff)
        let runSeconds = seconds(since: start)
        print(
            String(
                format: "run       %d lines, %@ fen, %d skipped in %.2f s (%.0f cases/s)", run.run.lineCount, "\(run.run.amountFen)", run.run.skipped.count,
                runSeconds, Double(cases) / runSeconds))
        start = DispatchTime.now().uptimeNanoseconds
        let again = try await handler.runPayments(
            .with {
                $0.month = "2026-11"; $0.program = .minimumLiving
            }, context: staff)
        print(String(format: "run again already_ran=%@, %d lines, in %.3f s", again.alreadyRan ? "true" : "false", again.run.lineCount, seconds(since: start)))
        // The next month: nothing changed, so every case is carried forward from November's line.
        start = DispatchTime.now().uptimeNanoseconds
        let next = try await handler.runPayments(
            .with {
                $0.month = "2026-12"; $0.program = .minimumLiving
            }, context: staff)
        let nextSeconds = seconds(since: start)
        print(
            String(
                format: "next run  %d lines, %@ fen in %.2f s (%.0f cases/s): unchanged cases carried forward", next.run.lineCount, "\(next.run.amountFen)",
                nextSeconds, Double(cases) / nextSeconds))

        // The bank file and its return, so the report has paid lines.
        start = DispatchTime.now().uptimeNanoseconds
        let (csv, lines) = try await store.exportBankFile(runID: run.run.id, by: .system("bench"))
        print(String(format: "bank file %d lines, %d bytes in %.2f s", lines.count, csv.utf8.count, seconds(since: start)))
        var bankReturn = "line_id,outcome,reason,amount_yuan\n"
        for line in lines { bankReturn += "\(line.lineID),paid,,\(line.amount.yuanText)\n" }
        start = DispatchTime.now().uptimeNanoseconds
        let (reconciled, _) = try await store.reconcile(runID: run.run.id, returns: try BankReturn.parse(csv: bankReturn), by: .system("bench"))
        print(String(format: "reconcile %d paid in %.2f s", reconciled.paid, seconds(since: start)))

        // 2. Event intake: one durable transaction each, through the handler; 3 in 4 events
        // name a registered person (employment, hospitalisation, births, a few deaths), 1 in 4 nobody.
        let department = context(Principal(id: "bench-dept", roles: [.department], subject: "县人社局"))
        start = DispatchTime.now().uptimeNanoseconds
        for n in 0..<events {
            _ = try await handler.reportPersonEvent(event(n, persons: persons), context: department)
        }
        let intake = seconds(since: start)
        let alerts = try await store.alerts(.init(), status: nil, on: today, pageSize: 1, pageToken: "").totalCount
        print(
            String(
                format: "events    %d durable in %.2f s = %.0f/s (%.2f ms each); %d alerts raised", events, intake, Double(events) / intake,
                intake * 1000 / Double(events), alerts))
        start = DispatchTime.now().uptimeNanoseconds
        for n in 0..<min(events, 2_000) {
            _ = try await handler.reportPersonEvent(event(n, persons: persons), context: department)
        }
        print(String(format: "duplicates %d re-deliveries in %.2f s", min(events, 2_000), seconds(since: start)))

        // 3. The month's report, 20 times: the median and the slowest.
        var times: [Double] = []
        var report = Civic_Assistance_V1_Report()
        for _ in 0..<20 {
            start = DispatchTime.now().uptimeNanoseconds
            report = try await handler.getReport(.with { $0.period = "2026-11" }, context: staff)
            times.append(seconds(since: start) * 1000)
        }
        times.sort()
        let row = report.recipients.first { $0.program == .minimumLiving && $0.area == .urban }
        print(
            String(
                format: "report    median %.1f ms, slowest %.1f ms (20 runs); 低保 urban %d households, %d persons, %@ fen, %@ fen a person",
                times[times.count / 2], times.last!, row?.households ?? 0, row?.persons ?? 0, "\(row?.amountPaidFen ?? 0)", "\(row?.monthlyPerPersonFen ?? 0)"))
        let size = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("assistance.sqlite").path)[.size] as? Int ?? 0
        print(String(format: "database  %.0f MB", Double(size) / 1e6))
    }

    static func generate(handler: AssistanceHandler, store: AssistanceStore, staff: RPCContext, households: Int, cases: Int) async throws {
        _ = try await handler.putStandardVersion(.with { $0.version = standard }, context: staff)
        var start = DispatchTime.now().uptimeNanoseconds
        var householdIDs: [String] = []
        let batch = 5_000
        for first in stride(from: 0, to: households, by: batch) {
            let slice = (first..<min(first + batch, households)).map(household)
            householdIDs += try await store.importHouseholds(slice, by: .system("bench"), lines: []).map(\.id)
        }
        print(String(format: "registry  %d households, %d persons imported in %.1f s", households, households * membersPerHousehold, seconds(since: start)))
        start = DispatchTime.now().uptimeNanoseconds
        for first in stride(from: 0, to: cases, by: batch) {
            let decided = try (first..<min(first + batch, cases)).map { i in try decidedCase(householdIDs[i], index: i) }
            _ = try await store.importDecidedCases(decided, by: .system("bench"))
        }
        print(String(format: "cases     %d approved 低保 cases imported in %.1f s", cases, seconds(since: start)))
    }

    static func context(_ principal: Principal) -> RPCContext {
        RPCContext(method: "", metadata: [MetadataKey.principal: principal.encoded], deadline: nil, logger: Logger(label: "bench"))
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    static let standard = Civic_Assistance_V1_StandardVersion.with {
        $0.id = "431227-urban-2026-01"
        $0.effective = "2026-01-01"
        $0.division = county.description
        $0.area = .urban
        $0.minimumLivingMonthlyFen = 90_000
        $0.careCentralized = .with {
            $0.selfCaring = "3/20"; $0.partiallyDependent = "1/4"; $0.fullyDependent = "1/2"
        }
        $0.careDispersed = .with {
            $0.selfCaring = "1/10"; $0.partiallyDependent = "1/6"; $0.fullyDependent = "1/3"
        }
        $0.minimumWageFen = 190_000
        $0.livingSubsidyFen = 7_000
        $0.nursingSubsidyFen = 8_000
    }

    /// The `n`th person's resident ID: born on one of ~1 000 days from 1960 on, 999 sequence numbers a day.
    static func residentID(_ n: Int) -> ResidentID {
        let born = CivilDate("1960-01-01")!.adding(days: n / 999)
        let digits = String(format: "%04d%02d%02d%03d", born.year, born.month, born.day, n % 999 + 1)
        let first17 = county.description + digits
        return try! ResidentID(first17 + String(ResidentID.checkCharacter(for: first17)!))
    }

    /// Household `i`: four members, the head earning 1 500 元 a month.
    static func household(_ i: Int) -> Household {
        let relations: [Relation] = [.head, .spouse, .child, .child]
        let members = (0..<membersPerHousehold).map { k in
            Member(name: "成员\(i)-\(k)", residentID: residentID(i * membersPerHousehold + k), relation: relations[k], workAbility: k == 0 ? .able : .unable)
        }
        return Household(
            division: county, area: .urban, hukouAddress: "城关镇 \(i) 号", bankAccount: "62170000" + String(format: "%08d", i), caseWorker: "经办人",
            members: members, incomes: [IncomeLine(member: members[0].residentID, category: .wage, monthly: Fen(150_000), source: .verified)])
    }

    /// An approved 低保 case of household `id` from January 2026: 4 × 90 000 − 150 000 = 210 000 fen.
    static func decidedCase(_ id: String, index i: Int) throws -> (application: ApplicationCase, snapshot: DecisionSnapshot, reviewDue: CivilDate?) {
        let decided = CivilDate("2025-12-15")!
        var application = ApplicationCase(
            householdID: id, division: county, terms: EntitlementTerms(program: .minimumLiving), channel: .window, appliedOn: CivilDate("2025-11-10")!)
        application.state = .approved
        application.acceptedOn = CivilDate("2025-11-11")!
        application.decidedOn = decided
        application.decidedBy = "导入"
        application.amount = Fen(210_000)
        application.householdSize = membersPerHousehold
        application.startMonth = BenefitMonth(year: 2026, month: 1)!
        var household = household(i)
        household.id = id
        let snapshot = DecisionSnapshot(
            household: household, terms: application.terms, decidedOn: decided, effectiveFrom: application.startMonth!, amount: application.amount,
            standardVersionID: "431227-urban-2026-01")
        return (application, snapshot, CivilDate("2026-06-15")!)
    }

    /// Event `n`: a registered person for three in four, nobody for the fourth.
    static func event(_ n: Int, persons: Int) -> Civic_Assistance_V1_ReportPersonEventRequest {
        let person = n % 4 == 3 ? residentID(persons + n) : residentID((n * 7_919) % persons)
        let type: Civic_Assistance_V1_PersonEventType = [.employment, .hospitalisation, .employment, .birth, .hospitalisation, .death][n % 6]
        return .with {
            $0.eventID = "E-\(n)"; $0.type = type; $0.residentID = person.description; $0.occurredOn = "2026-11-20"
            $0.amountFen = type == .employment ? 250_000 : type == .hospitalisation ? Int64(500_000 + n % 3 * 1_000_000) : 0
        }
    }
}
