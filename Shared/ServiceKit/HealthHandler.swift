import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import GRDB
import NIOConcurrencyHelpers

/// `civic.health.v1.Health` for one service process: SERVING while it takes calls and its
/// database answers; NOT_SERVING once it drains for shutdown.
///
/// A check touches nothing: the database probe and the operator warnings are refreshed in the
/// background (`run`, every `refreshInterval`), and the answer to the usual check (no service
/// named) is kept encoded, so the server answers it on the event loop as the frame arrives.
public final class HealthHandler: Sendable {
    private struct Snapshot: Sendable {
        var serving = true
        var databaseAnswers = true
        var warnings: [String] = []
        /// The encoded answer to a check naming no service.
        var answer = Data()
    }

    private let protoServices: Set<String>
    private let methods: [RPCMethod]
    private let database: (any DatabaseReader)?
    private let snapshot = NIOLockedValueBox(Snapshot())
    private let warnings: @Sendable () async -> [String]
    private let listed: Data
    public let refreshInterval: Duration

    public init(
        protoServices: [String], methods: [RPCMethod], database: (any DatabaseReader)?, refreshInterval: Duration = .seconds(5),
        warnings: @escaping @Sendable () async -> [String] = { [] }
    ) {
        self.protoServices = Set(protoServices)
        self.methods = (methods + Civic_Health_V1_Health.methods).sorted { $0.path < $1.path }
        self.database = database
        self.warnings = warnings
        self.refreshInterval = refreshInterval
        var list = Civic_Health_V1_ListMethodsResponse()
        list.services = Set(self.methods.map(\.service)).sorted()
        list.methods = self.methods.map(Civic_Health_V1_MethodInfo.init)
        listed = (try? list.serializedBytes()) ?? Data()
        snapshot.withLockedValue { $0.answer = Self.encode(response(for: $0)) }
    }

    public func setServing(_ value: Bool) {
        snapshot.withLockedValue {
            $0.serving = value
            $0.answer = Self.encode(response(for: $0))
        }
    }

    /// Probes the database and asks for the warnings once, and keeps the answer.
    public func refresh() async {
        var answers = true
        if let database {
            do {
                try await database.read { db in _ = try Int.fetchOne(db, sql: "SELECT 1") }
            } catch {
                answers = false
            }
        }
        let current = await warnings()
        snapshot.withLockedValue {
            $0.databaseAnswers = answers
            $0.warnings = current
            $0.answer = Self.encode(response(for: $0))
        }
    }

    /// Refreshes every `refreshInterval` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await refresh()
            try? await Task.sleep(for: refreshInterval)
        }
    }

    /// Health's methods answered on the event loop from what is kept (`RPCHandler.immediate`).
    public var immediateHandlers: [RPCHandler] {
        [
            RPCHandler(method: Civic_Health_V1_Health.Method.check) { [self] payload, _ in
                if payload.isEmpty { return snapshot.withLockedValue { $0.answer } }
                return Self.encode(checkNow(try RPCHandler.decode(payload)))
            },
            RPCHandler(method: Civic_Health_V1_Health.Method.listMethods) { [listed] _, _ in listed },
        ]
    }

    private func checkNow(_ request: Civic_Health_V1_HealthCheckRequest) -> Civic_Health_V1_HealthCheckResponse {
        guard request.service.isEmpty || protoServices.contains(request.service) || request.service == Civic_Health_V1_Health.name else {
            var unknown = Civic_Health_V1_HealthCheckResponse()
            unknown.status = .serviceUnknown
            return unknown
        }
        return snapshot.withLockedValue { response(for: $0) }
    }

    private func response(for state: Snapshot) -> Civic_Health_V1_HealthCheckResponse {
        var response = Civic_Health_V1_HealthCheckResponse()
        response.status = state.serving && state.databaseAnswers ? .serving : .notServing
        response.warnings = state.warnings
        for service in protoServices { response.services[service] = response.status }
        return response
    }

    private static func encode(_ response: Civic_Health_V1_HealthCheckResponse) -> Data { (try? response.serializedBytes()) ?? Data() }
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
