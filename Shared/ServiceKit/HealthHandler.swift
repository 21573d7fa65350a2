import CivicProtoServices
import CivicProtos
import CivicRPC
import GRDB
import NIOConcurrencyHelpers

/// `civic.health.v1.Health` for one service process: SERVING while it takes calls and its
/// database answers; NOT_SERVING once it drains for shutdown.
public final class HealthHandler: Civic_Health_V1_HealthHandler {
    private let protoServices: Set<String>
    private let methods: [RPCMethod]
    private let database: (any DatabaseReader)?
    private let serving = NIOLockedValueBox(true)
    private let warnings: @Sendable () async -> [String]

    public init(protoServices: [String], methods: [RPCMethod], database: (any DatabaseReader)?, warnings: @escaping @Sendable () async -> [String] = { [] }) {
        self.protoServices = Set(protoServices)
        self.methods = (methods + Civic_Health_V1_Health.methods).sorted { $0.path < $1.path }
        self.database = database
        self.warnings = warnings
    }

    public func setServing(_ value: Bool) { serving.withLockedValue { $0 = value } }

    public func check(_ request: Civic_Health_V1_HealthCheckRequest, context: RPCContext) async throws -> Civic_Health_V1_HealthCheckResponse {
        var response = Civic_Health_V1_HealthCheckResponse()
        guard request.service.isEmpty || protoServices.contains(request.service) || request.service == Civic_Health_V1_Health.name else {
            response.status = .serviceUnknown
            return response
        }
        response.status = await currentStatus()
        response.warnings = await warnings()
        for service in protoServices { response.services[service] = response.status }
        return response
    }

    public func listMethods(_ request: Civic_Health_V1_ListMethodsRequest, context: RPCContext) async throws -> Civic_Health_V1_ListMethodsResponse {
        var response = Civic_Health_V1_ListMethodsResponse()
        response.services = Set(methods.map(\.service)).sorted()
        response.methods = methods.map(Civic_Health_V1_MethodInfo.init)
        return response
    }

    private func currentStatus() async -> Civic_Health_V1_HealthCheckResponse.ServingStatus {
        guard serving.withLockedValue({ $0 }) else { return .notServing }
        if let database {
            do {
                try await database.read { db in _ = try Int.fetchOne(db, sql: "SELECT 1") }
            } catch {
                return .notServing
            }
        }
        return .serving
    }
}

extension Civic_Health_V1_MethodInfo {
    /// A method as ListMethods describes it (at a service and at the gateway).
    public init(_ method: RPCMethod) {
        self.init()
        fullName = method.path
        requestType = method.requestType.protoMessageName
        responseType = method.responseType.protoMessageName
    }
}
