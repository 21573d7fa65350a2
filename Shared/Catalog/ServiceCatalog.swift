/// The suite's processes, written down once. `civic up`, the gateway's backends and flags,
/// the key store's service names, each service's defaults and the deployment files' tests
/// all read this list; adding a service starts here (docs/ADDING-A-SERVICE.md).
public enum ServiceCatalog {
    /// One domain service.
    public struct Entry: Sendable, Equatable, Hashable {
        /// Short name: the executable, the API-key scope, `<name>.sqlite`, the
        /// `CIVIC_<NAME>_PORT` / `CIVIC_<NAME>_ADDR` variables and the `--backend` flag.
        public let name: String
        /// Fully qualified protobuf services it serves.
        public let protoServices: [String]
        public let defaultPort: Int
        /// What it does, in the bureau's words.
        public let title: String

        public init(name: String, protoServices: [String], defaultPort: Int, title: String) {
            self.name = name
            self.protoServices = protoServices
            self.defaultPort = defaultPort
            self.title = title
        }

        /// The database file in the data folder.
        public var databaseFile: String { "\(name).sqlite" }
        /// `CIVIC_PROPOSALS_PORT`: the port the service listens on.
        public var portVariable: String { "CIVIC_\(name.uppercased())_PORT" }
        /// `CIVIC_PROPOSALS_ADDR`: where the gateway reaches it.
        public var addressVariable: String { "CIVIC_\(name.uppercased())_ADDR" }
    }

    public static let proposals = Entry(
        name: "proposals", protoServices: ["civic.proposals.v1.ProposalService"], defaultPort: 7101,
        title: "建议提案办理 deputies' suggestions and members' proposals")
    public static let assistance = Entry(
        name: "assistance", protoServices: ["civic.assistance.v1.AssistanceService"], defaultPort: 7102, title: "社会救助 social assistance")
    public static let eldercare = Entry(
        name: "eldercare", protoServices: ["civic.eldercare.v1.EldercareService"], defaultPort: 7103, title: "养老服务 eldercare")
    public static let organizations = Entry(
        name: "organizations", protoServices: ["civic.organizations.v1.OrganizationsService"], defaultPort: 7104, title: "社会组织 social organizations")
    public static let enforcement = Entry(
        name: "enforcement", protoServices: ["civic.enforcement.v1.EnforcementService"], defaultPort: 7105, title: "民政综合执法 administrative enforcement")

    /// The domain services, in the order they start and are listed.
    public static let services: [Entry] = [proposals, assistance, eldercare, organizations, enforcement]

    public static func service(named name: String) -> Entry? { services.first { $0.name == name } }

    /// Short names of the domain services (API-key scopes).
    public static var serviceNames: [String] { services.map(\.name) }

    /// The gateway: framed RPC and HTTP/JSON ports, its key database.
    public enum Gateway {
        public static let name = "gateway"
        public static let framesPort = 7000
        public static let httpPort = 8080
        public static let databaseFile = "gateway.sqlite"
    }

    /// Every executable `civic up` runs: the services, then the gateway.
    public static var processNames: [String] { serviceNames + [Gateway.name] }
}
