import AssistanceService
import CivicDomain
import CivicServiceKit
import CivicStorage
import EldercareService
import EnforcementService
import Foundation
import GRDB
import OrganizationsService
import Testing

/// The four services built from the template (docs/ADDING-A-SERVICE.md), as their domains
/// arrive: settings read once from the environment, parts made over any database,
/// health warnings about the calendar.
@Suite("Services built from the template")
struct TemplateServicesTests {
    struct Template: Sendable, CustomStringConvertible {
        let definition: ServiceDefinition
        /// The service's parts with settings from `environment`, on `today`.
        let parts: @Sendable (_ environment: [String: String], _ database: any DatabaseWriter, _ today: CivilDate) throws -> ServiceParts
        var description: String { definition.name }
    }

    static let templates: [Template] = [
        Template(definition: AssistanceService.definition) { env, db, day in
            AssistanceService.parts(settings: try AssistanceSettings(environment: env), database: db, today: { day })
        },
        Template(definition: EldercareService.definition) { env, db, day in
            EldercareService.parts(settings: try EldercareSettings(environment: env), database: db, today: { day })
        },
        Template(definition: OrganizationsService.definition) { env, db, day in
            OrganizationsService.parts(settings: try OrganizationsSettings(environment: env), database: db, today: { day })
        },
        Template(definition: EnforcementService.definition) { env, db, day in
            try EnforcementService.parts(settings: try EnforcementSettings(environment: env), database: db, today: { day })
        },
    ]

    @Test(arguments: templates)
    func warnsWhileTheNextYearIsProvisionalUntilItsNoticeIsLoaded(_ template: Template) async throws {
        let database = try CivicDatabase.inMemory(migrations: template.definition.migrations)
        let builtIn = try template.parts([:], database, CivilDate("2026-12-02")!)
        // Only the service's own methods (none until its domain arrives).
        #expect(builtIn.handlers.allSatisfy { $0.method.path.hasPrefix("/civic.\(template.definition.name).v1.") })
        #expect(await builtIn.warnings() == [CalendarWarning.provisionalYear(2027)])
        // In 2025 the built-in notices cover this year and the next.
        #expect(await (try template.parts([:], database, CivilDate("2025-06-02")!)).warnings() == [])

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("civic-2027-\(UUID().uuidString).json")
        try Data(#"{"year": 2027, "holidays": ["2027-01-01"], "workdays": []}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let loaded = try template.parts(["CIVIC_CALENDAR_FILE": file.path], database, CivilDate("2026-12-02")!)
        #expect(await loaded.warnings() == [])
    }

    @Test(arguments: templates)
    func aBadCalendarFileStopsTheServiceNamingTheVariable(_ template: Template) throws {
        let database = try CivicDatabase.inMemory(migrations: template.definition.migrations)
        let error = #expect(throws: (any Error).self) {
            _ = try template.parts(["CIVIC_CALENDAR_FILE": "/nonexistent/2027.json"], database, CivilDate("2026-12-02")!)
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("CIVIC_CALENDAR_FILE=/nonexistent/2027.json"))
    }
}
