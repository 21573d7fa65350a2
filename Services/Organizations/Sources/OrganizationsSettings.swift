import CivicDomain
import CivicRPC
import CivicServiceKit
import Foundation
import OrganizationsDomain

/// The organizations service's local policy values, read once at start from the environment
/// (docs/OPERATIONS.md, docs/ORGANIZATIONS.md §7); anything malformed stops the service, naming
/// the variable. Tests construct settings directly.
public struct OrganizationsSettings: Sendable, CustomStringConvertible {
    /// The working-day calendar its time limits count with (CIVIC_CALENDAR_FILE).
    public var calendar = CalendarSettings()
    /// CIVIC_ORGANIZATIONS_PRE_REVIEW_WORKING_DAYS (2), CIVIC_ORGANIZATIONS_DECISION_DAYS (60): the
    /// registration clocks; the funds and members conditions are the regulations' (RegistrationLimits).
    public var registration = RegistrationLimits()
    /// CIVIC_ORGANIZATIONS_CODE_SERIAL_PREFIX ("MJ"): the characters a new credit code's 主体标识码
    /// starts with, before its serial number.
    public var codeSerialPrefix = "MJ"
    /// CIVIC_ORGANIZATIONS_LEGACY_CREDIT_CODES: codes issued with a wrong check character, kept as issued
    /// (comma-separated).
    public var legacyCreditCodes: Set<String> = []
    /// CIVIC_ORGANIZATIONS_COMMUNITY_CATEGORIES: the categories community organizations are filed in
    /// (comma-separated; S003's four by default).
    public var communityCategories = CommunityCategories.standard

    /// CIVIC_ORGANIZATIONS_EVALUATION_FILE: a JSON file of the evaluation's thresholds and score bands
    /// (`EvaluationConfiguration`; keys left out keep their defaults); overlapping or gapped bands stop
    /// the service at start.
    public var evaluationConfiguration = EvaluationConfiguration()

    public init() {}

    public init(environment: [String: String]) throws {
        calendar = try CalendarSettings(environment: environment)
        let env = EnvironmentSettings(environment)
        if let days = try env.int("CIVIC_ORGANIZATIONS_PRE_REVIEW_WORKING_DAYS") {
            guard (1...30).contains(days) else { throw RPCError(.invalidArgument, "CIVIC_ORGANIZATIONS_PRE_REVIEW_WORKING_DAYS=\(days) is outside 1…30") }
            registration.preReviewWorkingDays = days
        }
        if let days = try env.int("CIVIC_ORGANIZATIONS_DECISION_DAYS") {
            guard (1...365).contains(days) else { throw RPCError(.invalidArgument, "CIVIC_ORGANIZATIONS_DECISION_DAYS=\(days) is outside 1…365") }
            registration.decisionDays = days
        }
        if let prefix = env.string("CIVIC_ORGANIZATIONS_CODE_SERIAL_PREFIX") {
            do {
                _ = try CreditCodeIssuer(registrarDivision: try DivisionCode("410502"), serialPrefix: prefix)
            } catch {
                throw RPCError(.invalidArgument, "CIVIC_ORGANIZATIONS_CODE_SERIAL_PREFIX=\(prefix): \(error)")
            }
            codeSerialPrefix = prefix
        }
        if let codes = env.string("CIVIC_ORGANIZATIONS_LEGACY_CREDIT_CODES") {
            legacyCreditCodes = Set(codes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }.filter { !$0.isEmpty })
        }
        /// A JSON file named by `variable`, read by `load`: the service stops at start with every problem.
        func file<T>(_ variable: String, _ load: (Data) throws -> T) throws -> T? {
            guard let path = env.string(variable) else { return nil }
            do {
                return try load(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw RPCError(.invalidArgument, "\(variable)=\(path): \(error)")
            }
        }
        evaluationConfiguration = try file("CIVIC_ORGANIZATIONS_EVALUATION_FILE", EvaluationConfiguration.load) ?? evaluationConfiguration
        creditPolicy = try file("CIVIC_ORGANIZATIONS_CREDIT_POLICY_FILE", CreditListPolicy.load) ?? creditPolicy
        zombiePolicy = try file("CIVIC_ORGANIZATIONS_ZOMBIE_POLICY_FILE", ZombiePolicy.load) ?? zombiePolicy
        divisionNames = try file("CIVIC_DIVISION_NAMES_FILE", DivisionNameTable.load) ?? divisionNames
        if let names = env.string("CIVIC_ORGANIZATIONS_COMMUNITY_CATEGORIES") {
            do {
                communityCategories = try CommunityCategories(names: names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                    .validated()
            } catch {
                throw RPCError(.invalidArgument, "CIVIC_ORGANIZATIONS_COMMUNITY_CATEGORIES=\(names): \(error)")
            }
        }
    }

    /// CIVIC_ORGANIZATIONS_CREDIT_POLICY_FILE: the credit lists' thresholds (令60号) as JSON
    /// (`CreditListPolicy`; keys left out keep their defaults).
    public var creditPolicy = CreditListPolicy()

    /// CIVIC_DIVISION_NAMES_FILE: the divisions' names by code (JSON), for the rule that a local
    /// body's name begins with its division and for the similarity search. None by default: that
    /// rule is skipped.
    public var divisionNames = DivisionNameTable()

    /// CIVIC_ORGANIZATIONS_ZOMBIE_POLICY_FILE: the zombie clean-up's thresholds as JSON (`ZombiePolicy`).
    public var zombiePolicy = ZombiePolicy()

    /// The credit-list rules on the configured calendar (the policy is checked at start).
    public var creditLists: CreditListRules { (try? CreditListRules(policy: creditPolicy, calendar: calendar.calendar))! }

    /// The evaluation rules on the configured calendar (the configuration is checked at start).
    public var evaluation: EvaluationRules {
        (try? EvaluationRules(configuration: evaluationConfiguration, calendar: calendar.calendar))!
    }

    /// The zombie clean-up's rules on the configured calendar (the policy is checked at start).
    public var zombie: ZombieRules { (try? ZombieRules(policy: zombiePolicy, calendar: calendar.calendar))! }

    /// The 年检 rules on the configured calendar.
    public var annualInspection: AnnualInspectionRules { AnnualInspectionRules(calendar: calendar.calendar) }

    /// What an operator should fix, as health checks report it.
    public func warnings(today: CivilDate) -> [String] {
        CalendarWarning.warnings(calendar.calendar, today: today)
    }

    public var description: String {
        "\(calendar); pre-review \(registration.preReviewWorkingDays) working days; decision \(registration.decisionDays) days; "
            + "code serial prefix \(codeSerialPrefix); community categories \(communityCategories.names.joined(separator: "/"))"
    }
}
