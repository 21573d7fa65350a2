import CivicDomain
import CivicRPC
import CivicServiceKit
import EnforcementDomain
import Foundation

/// The enforcement service's local policy values, read once at start from the environment
/// (docs/OPERATIONS.md); anything malformed stops the service, naming the variable. Tests
/// construct settings directly.
public struct EnforcementSettings: Sendable, CustomStringConvertible {
    /// The working-day calendar its time limits count with (CIVIC_CALENDAR_FILE).
    public var calendar = CalendarSettings()
    /// CIVIC_ENFORCEMENT_LIBRARY_DIR: the legal-basis library (one JSON file per regulation); by
    /// default deploy/enforcement/legal-basis under the working directory when it is there.
    public var library = LegalLibrary()
    /// Where the library was read from ("" when none was loaded).
    public var librarySource = ""
    /// CIVIC_ENFORCEMENT_HEARING_THRESHOLDS: "citizen,organization,confiscation" in 元 (§63 较大数额).
    public var hearingThresholds = HearingThresholds()
    /// CIVIC_ENFORCEMENT_LEAD_VERIFICATION_WORKING_DAYS: a lead's verification limit, and its one extension.
    public var leadVerificationWorkingDays = 15

    public init() {}

    /// The shipped library, for tests and tools: the folder beside these sources.
    public static func shippedLibraryDirectory() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("deploy/enforcement/legal-basis")
    }

    public init(environment: [String: String]) throws {
        calendar = try CalendarSettings(environment: environment)
        let env = EnvironmentSettings(environment)
        let directory: String?
        if let configured = env.string("CIVIC_ENFORCEMENT_LIBRARY_DIR") {
            directory = configured
        } else {
            let local = FileManager.default.currentDirectoryPath + "/deploy/enforcement/legal-basis"
            directory = FileManager.default.fileExists(atPath: local) ? local : nil
        }
        if let directory {
            do {
                library = try LegalLibrary.load(directory: URL(fileURLWithPath: directory))
            } catch {
                throw RPCError(.invalidArgument, "CIVIC_ENFORCEMENT_LIBRARY_DIR=\(directory): \(error)")
            }
            librarySource = directory
        }
        if let text = env.string("CIVIC_ENFORCEMENT_HEARING_THRESHOLDS") {
            let parts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3, let citizen = parts[0], let organization = parts[1], let confiscation = parts[2], citizen > 0, organization > 0,
                confiscation > 0
            else {
                throw RPCError(.invalidArgument, "CIVIC_ENFORCEMENT_HEARING_THRESHOLDS=\(text): three amounts in 元 above 0, citizen,organization,confiscation")
            }
            hearingThresholds = HearingThresholds(citizenFine: .yuan(citizen), organizationFine: .yuan(organization), confiscation: .yuan(confiscation))
        }
        if let days = try env.int("CIVIC_ENFORCEMENT_LEAD_VERIFICATION_WORKING_DAYS") {
            guard (1...60).contains(days) else {
                throw RPCError(.invalidArgument, "CIVIC_ENFORCEMENT_LEAD_VERIFICATION_WORKING_DAYS=\(days) is outside 1…60")
            }
            leadVerificationWorkingDays = days
        }
    }

    public var legalCalendar: LegalCalendar { LegalCalendar(calendar.calendar) }

    public var leadVerification: TimeLimit { TimeLimit(leadVerificationWorkingDays, .workingDays, source: TimeLimit.leadVerification.source) }

    /// What an operator should fix, as health checks report it.
    public func warnings(today: CivilDate) -> [String] {
        var warnings = CalendarWarning.warnings(calendar.calendar, today: today)
        if library.isEmpty {
            warnings.append("no legal-basis library is loaded: set CIVIC_ENFORCEMENT_LIBRARY_DIR (cases cannot be filed)")
        }
        return warnings
    }

    public var description: String {
        "\(calendar); library \(librarySource.isEmpty ? "none" : "\(librarySource) (\(library.codes.count) violations)"); "
            + "hearing thresholds \(hearingThresholds.citizenFine.yuanText)/\(hearingThresholds.organizationFine.yuanText)/\(hearingThresholds.confiscation.yuanText) 元; "
            + "lead verification \(leadVerificationWorkingDays) working days"
    }
}
