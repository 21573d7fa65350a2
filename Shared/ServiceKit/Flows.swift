import CivicCatalog
import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicStorage
import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SwiftProtobuf

/// How a receiving service applies one type of message (docs/FLOWS.md): inside the write
/// transaction that also records it in the inbox, so it is applied exactly once. It answers what
/// the message became ("lead L000003"); a refusal is a DomainError (INVALID / FAILED_PRECONDITION /
/// NOT_FOUND), which the producer holds as DEAD.
public struct FlowApplier: Sendable {
    public typealias Apply = @Sendable (_ db: Database, _ envelope: Civic_Flows_V1_Envelope) throws -> String

    public var type: String
    public var apply: Apply

    public init(_ type: String, apply: @escaping Apply) {
        self.type = type
        self.apply = apply
    }

    /// An applier for payload message `M`, decoded from the envelope (INVALID "payload" when it cannot be).
    public static func of<M: SwiftProtobuf.Message>(
        _ message: M.Type, apply: @escaping @Sendable (_ db: Database, _ payload: M, _ envelope: Civic_Flows_V1_Envelope) throws -> String
    ) -> FlowApplier {
        FlowApplier(M.protoMessageName) { db, envelope in
            let payload: M
            do {
                payload = try M(serializedBytes: envelope.payload)
            } catch {
                throw DomainError.invalid("the payload is not a \(M.protoMessageName)", field: "payload", reason: "UNREADABLE")
            }
            return try apply(db, payload, envelope)
        }
    }
}

/// Writes a message to the producer's outbox, inside the transaction that makes the change.
public enum FlowOutbox {
    @discardableResult
    public static func enqueue<M: SwiftProtobuf.Message>(
        _ db: Database, to destination: String, _ payload: M, aggregate: String, idempotencyKey: String,
        kind: OutboundMessage.Kind = .notification, now: Date = Date()
    ) throws -> OutboundMessage {
        try Outbox.enqueue(
            db, destination: destination, type: M.protoMessageName, aggregate: aggregate, kind: kind, idempotencyKey: idempotencyKey,
            payload: try payload.serializedBytes(), now: now)
    }
}

extension Civic_Flows_V1_MessageKind {
    init(_ kind: OutboundMessage.Kind) {
        self =
            switch kind {
            case .notification: .notification
            case .correction: .correction
            case .retraction: .retraction
            }
    }
}

extension Civic_Flows_V1_Envelope {
    /// Who the change a message makes is audited as: the producing service, and the message.
    public var actor: AuditActor { AuditActor(id: "service:\(producer)", requestID: "flow-\(messageID)") }

    /// The envelope of an outbox message from `producer`.
    public init(_ message: OutboundMessage, producer: String) {
        self.init()
        messageID = message.messageID
        idempotencyKey = message.idempotencyKey
        occurredAt = message.occurredAt
        schemaVersion = Int32(message.schemaVersion)
        self.producer = producer
        type = message.type
        aggregate = message.aggregate
        sequence = message.sequence
        kind = .init(message.kind)
        payload = message.payload
    }
}

/// `civic.flows.v1.Flows` of one service: `Deliver` applies another service's message once;
/// the operators' methods show and mend this service's outbox.
public struct FlowsHandler: Civic_Flows_V1_FlowsHandler {
    public let service: String
    public let database: any DatabaseWriter
    let appliers: [String: FlowApplier.Apply]
    let now: @Sendable () -> Date

    public init(service: String, database: any DatabaseWriter, appliers: [FlowApplier], now: @escaping @Sendable () -> Date = Date.init) {
        self.service = service
        self.database = database
        self.appliers = Dictionary(appliers.map { ($0.type, $0.apply) }, uniquingKeysWith: { first, _ in first })
        self.now = now
    }

    public func deliver(_ request: Civic_Flows_V1_Envelope, context: RPCContext) async throws -> Civic_Flows_V1_DeliveryReceipt {
        var errors = ValidationErrors()
        for (field, value) in [
            ("message_id", request.messageID), ("idempotency_key", request.idempotencyKey), ("producer", request.producer), ("type", request.type),
            ("aggregate", request.aggregate),
        ] where value.isEmpty {
            errors.add(field, "REQUIRED", "\(field) is required")
        }
        if request.sequence < 1 { errors.add("sequence", "OUT_OF_RANGE", "sequences start at 1") }
        if request.kind == .unspecified { errors.add("kind", "REQUIRED", "NOTIFICATION, CORRECTION or RETRACTION") }
        try errors.check()
        // A service speaks only for itself.
        if let principal = context.principal {
            guard principal.has(.service), principal.subject == request.producer else {
                throw DomainError.permissionDenied("a message from \(request.producer) is delivered by that service's own key")
            }
        }
        guard let apply = appliers[request.type] else {
            throw DomainError.invalid("\(service) takes no \(request.type)", field: "type", reason: "UNKNOWN_TYPE")
        }
        let incoming = Inbox.Incoming(
            messageID: request.messageID, producer: request.producer, idempotencyKey: request.idempotencyKey, type: request.type,
            aggregate: request.aggregate, sequence: request.sequence)
        let at = now()
        return try await database.write { db in
            var receipt = Civic_Flows_V1_DeliveryReceipt()
            receipt.messageID = request.messageID
            switch try Inbox.earlier(db, incoming) {
            case .applied(let result):
                receipt.duplicate = true
                receipt.result = result
            case .superseded(let sequence):
                receipt.duplicate = true
                receipt.result = "superseded by sequence \(sequence)"
            case nil:
                receipt.result = try apply(db, request)
                try Inbox.record(db, incoming, result: receipt.result, now: at)
            }
            return receipt
        }
    }

    /// The operators' methods are an admin's (the gateway does not route them; a direct call is
    /// sealed, and a sealed principal that is not an admin — another service — is refused).
    static func requireAdmin(_ context: RPCContext) throws {
        if let principal = context.principal, !principal.has(.admin) {
            throw DomainError.permissionDenied("the flows' operators' methods are an admin's")
        }
    }

    public func listFlows(_ request: Civic_Flows_V1_ListFlowsRequest, context: RPCContext) async throws -> Civic_Flows_V1_ListFlowsResponse {
        try Self.requireAdmin(context)
        let at = now().timeIntervalSince1970
        let (outgoing, incoming) = try await database.read { db in (try Outbox.figures(db), try Inbox.figures(db)) }
        return .with {
            $0.producer = service
            $0.flows = outgoing.map { figures in
                .with {
                    $0.destination = figures.destination
                    $0.type = figures.type
                    $0.pending = Int64(figures.counts[.pending] ?? 0)
                    $0.delivered = Int64(figures.counts[.delivered] ?? 0)
                    $0.dead = Int64(figures.counts[.dead] ?? 0)
                    $0.discarded = Int64(figures.counts[.discarded] ?? 0)
                    $0.oldestPendingSeconds = figures.oldestPendingSince.map { Int64(max(0, at - $0)) } ?? 0
                    $0.lastError = figures.lastError ?? ""
                }
            }
            $0.received = incoming.map { figures in
                .with {
                    $0.producer = figures.producer
                    $0.type = figures.type
                    $0.applied = Int64(figures.applied)
                }
            }
        }
    }

    public func listOutbox(_ request: Civic_Flows_V1_ListOutboxRequest, context: RPCContext) async throws -> Civic_Flows_V1_ListOutboxResponse {
        try Self.requireAdmin(context)
        let limit = request.limit == 0 ? 100 : Int(request.limit)
        guard (1...1_000).contains(limit) else { throw DomainError.invalid("limit is 1 to 1,000", field: "limit", reason: "OUT_OF_RANGE") }
        let state: OutboundMessage.State? =
            switch request.state {
            case .unspecified: nil
            case .pending: .pending
            case .delivered: .delivered
            case .dead: .dead
            case .discarded: .discarded
            case .UNRECOGNIZED: throw DomainError.invalid("unknown state", field: "state", reason: "UNKNOWN")
            }
        let entries = try await database.read { db in try Outbox.list(db, state: state, limit: limit) }
        return .with { $0.entries = entries.map(Civic_Flows_V1_OutboxEntry.init) }
    }

    public func replay(_ request: Civic_Flows_V1_ReplayRequest, context: RPCContext) async throws -> Civic_Flows_V1_OutboxEntryResponse {
        try Self.requireAdmin(context)
        try RequestFields.requireID(request.messageID, field: "message_id")
        let at = now()
        let entry = try await database.write { db in
            let message = try Outbox.replay(db, id: request.messageID, now: at)
            try Audit.record(db, by: context.auditActor, action: "replay_message", entity: "outbox", entityID: message.messageID, detail: message.type, at: at)
            return message
        }
        return .with { $0.entry = .init(entry) }
    }

    public func discard(_ request: Civic_Flows_V1_DiscardRequest, context: RPCContext) async throws -> Civic_Flows_V1_OutboxEntryResponse {
        try Self.requireAdmin(context)
        try RequestFields.requireID(request.messageID, field: "message_id")
        if request.reason.allSatisfy(\.isWhitespace) { throw DomainError.invalid("say why it is given up", field: "reason", reason: "REQUIRED") }
        let at = now()
        let entry = try await database.write { db in
            let message = try Outbox.discard(db, id: request.messageID, reason: request.reason)
            try Audit.record(
                db, by: context.auditActor, action: "discard_message", entity: "outbox", entityID: message.messageID, detail: request.reason, at: at)
            return message
        }
        return .with { $0.entry = .init(entry) }
    }
}

extension Civic_Flows_V1_OutboxEntry {
    init(_ message: OutboundMessage) {
        self.init()
        messageID = message.messageID
        destination = message.destination
        type = message.type
        aggregate = message.aggregate
        sequence = message.sequence
        kind = .init(message.kind)
        idempotencyKey = message.idempotencyKey
        occurredAt = message.occurredAt
        state =
            switch message.state {
            case .pending: .pending
            case .delivered: .delivered
            case .dead: .dead
            case .discarded: .discarded
            }
        attempts = Int32(message.attempts)
        lastError = message.lastError ?? ""
        deliveredAt = message.deliveredAt ?? ""
        result = message.result ?? ""
    }
}

/// Sends outbox messages to the other services directly (not through the gateway), each call
/// sealed with the internal key as the producing service (role SERVICE, subject its name).
public final class FlowTransport: Sendable {
    public let producer: String
    let seal: GatewaySeal?
    let timeout: TimeAmount
    private let peers: NIOLockedValueBox<[String: ServiceAddress]>
    private let clients = NIOLockedValueBox<[String: RPCClient]>([:])

    public init(producer: String, peers: [String: ServiceAddress], seal: GatewaySeal?, timeout: TimeAmount = .seconds(10)) {
        self.producer = producer
        self.peers = NIOLockedValueBox(peers)
        self.seal = seal
        self.timeout = timeout
    }

    /// Points `name` at a new address (tests start every service on a free port, then wire them).
    public func setPeer(_ name: String, _ address: ServiceAddress) async {
        peers.withLockedValue { $0[name] = address }
        if let old = clients.withLockedValue({ $0.removeValue(forKey: name) }) { await old.close() }
    }

    /// A caller of service `name`, sealed as this service (role SERVICE); nil without its address.
    public func caller(_ name: String, timeout: TimeAmount? = nil) -> SealedCaller? {
        guard let peer = peers.withLockedValue({ $0[name] }) else { return nil }
        let client = clients.withLockedValue { clients in
            if let client = clients[name] { return client }
            let client = RPCClient(host: peer.host, port: peer.port)
            clients[name] = client
            return client
        }
        return SealedCaller(
            client: client, seal: seal, principal: Principal(id: "service:\(producer)", roles: [.service], subject: producer), timeout: timeout ?? self.timeout)
    }

    /// Delivers `message`; answers the receipt's result. Throws the receiver's RPCError.
    public func send(_ message: OutboundMessage) async throws -> String {
        guard let caller = caller(message.destination) else {
            // Not a refusal: an operator may configure it and restart.
            throw RPCError(.unavailable, "no address for \(message.destination) (CIVIC_\(message.destination.uppercased())_ADDR)")
        }
        let metadata = [MetadataKey.requestID: "flow-\(message.messageID)", MetadataKey.idempotencyKey: message.messageID]
        return try await Civic_Flows_V1_FlowsClient(caller).deliver(
            Civic_Flows_V1_Envelope(message, producer: producer), options: CallOptions(metadata: metadata)
        )
        .result
    }

    public func close() async {
        let all = clients.withLockedValue { clients in
            defer { clients = [:] }
            return Array(clients.values)
        }
        for client in all { await client.close() }
    }
}

/// Delivers a service's outbox (docs/FLOWS.md): the oldest due messages first, one at a time per
/// aggregate (a later message of an aggregate waits for the earlier one to be delivered or given
/// up). A refusal (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, PERMISSION_DENIED,
/// UNAUTHENTICATED, UNIMPLEMENTED, ALREADY_EXISTS, OUT_OF_RANGE) makes the message DEAD; anything
/// else is retried with backoff, and a receiver that cannot be reached rests for the backoff
/// before its other messages are tried.
public final class FlowDispatcher: Sendable {
    public typealias Send = @Sendable (OutboundMessage) async throws -> String

    let database: any DatabaseWriter
    let send: Send
    let batchSize: Int
    let initialBackoff: Double
    let maxBackoff: Double
    let pollInterval: Duration
    let logger: Logger
    let now: @Sendable () -> Date
    /// Destinations resting after a transport failure, until when.
    private let resting = NIOLockedValueBox<[String: Date]>([:])
    /// What health reports about the outbox, refreshed by `run` every `alarmInterval`.
    private let alarms = NIOLockedValueBox<[String]>([])
    /// A flow whose oldest pending message is older than this is reported stuck.
    let stuckAfter: Double
    let alarmInterval: Duration

    public init(
        database: any DatabaseWriter, batchSize: Int = 100, initialBackoff: Double = 1, maxBackoff: Double = 300, pollInterval: Duration = .milliseconds(200),
        logger: Logger = Logger(label: "civic.flows"), stuckAfter: Double = 15 * 60, alarmInterval: Duration = .seconds(30),
        now: @escaping @Sendable () -> Date = Date.init, send: @escaping Send
    ) {
        self.stuckAfter = stuckAfter
        self.alarmInterval = alarmInterval
        self.database = database
        self.send = send
        self.batchSize = batchSize
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.pollInterval = pollInterval
        self.logger = logger
        self.now = now
    }

    static func isRefusal(_ code: StatusCode) -> Bool {
        [.invalidArgument, .failedPrecondition, .notFound, .permissionDenied, .unauthenticated, .unimplemented, .alreadyExists, .outOfRange].contains(code)
    }

    static func isUnreachable(_ code: StatusCode) -> Bool {
        [.unavailable, .deadlineExceeded, .resourceExhausted, .cancelled].contains(code)
    }

    /// One pass over the due messages; answers how many were delivered.
    @discardableResult
    public func deliverDue() async throws -> Int {
        let at = now()
        let restingNow = resting.withLockedValue { resting in
            resting = resting.filter { $0.value > at }
            return Set(resting.keys)
        }
        let due = try await database.read { [batchSize] db in try Outbox.due(db, now: at, limit: batchSize, resting: restingNow) }
        var delivered = 0
        for message in due {
            if resting.withLockedValue({ $0[message.destination] != nil }) { continue }
            do {
                let result = try await send(message)
                let when = now()
                try await database.write { db in try Outbox.markDelivered(db, seq: message.seq, result: result, now: when) }
                delivered += 1
            } catch {
                let code = (error as? RPCError)?.code ?? .unavailable
                let text = (error as? RPCError).map { "\($0.code.name): \($0.message)" } ?? "\(error)"
                if Self.isRefusal(code) {
                    try await database.write { db in try Outbox.markDead(db, seq: message.seq, error: text) }
                    logger.error(
                        "flow message refused: held as DEAD",
                        metadata: [
                            "destination": "\(message.destination)", "type": "\(message.type)", "message_id": "\(message.messageID)", "error": "\(text)",
                        ])
                } else {
                    let delay = min(maxBackoff, initialBackoff * pow(2, Double(message.attempts)))
                    let when = now()
                    try await database.write { db in try Outbox.markRetry(db, seq: message.seq, error: text, retryAfter: delay, now: when) }
                    if Self.isUnreachable(code) {
                        resting.withLockedValue { $0[message.destination] = when.addingTimeInterval(min(delay, maxBackoff)) }
                    }
                    logger.warning(
                        "flow delivery failed: will retry",
                        metadata: [
                            "destination": "\(message.destination)", "message_id": "\(message.messageID)", "attempts": "\(message.attempts + 1)",
                            "retry_in_s": "\(delay)", "error": "\(text)",
                        ])
                }
            }
        }
        return delivered
    }

    /// Health's warnings about the flows, as of the last check: a flow stuck longer than
    /// `stuckAfter`, and refused messages held DEAD.
    public var healthWarnings: [String] { alarms.withLockedValue { $0 } }

    /// Looks at the undelivered messages and sets `healthWarnings`.
    public func checkAlarms() async throws {
        let at = now().timeIntervalSince1970
        let waiting = try await database.read { db in try Outbox.waiting(db) }
        var found: [String] = []
        for flow in waiting {
            let name = "flow to \(flow.destination) (\(flow.type.split(separator: ".").last ?? ""))"
            switch flow.state {
            case .pending where at - flow.oldestSince > stuckAfter:
                found.append(
                    "\(name): \(flow.count) message(s) pending, the oldest for \(Int(at - flow.oldestSince) / 60) min"
                        + (flow.lastError.map { "; last error: \($0)" } ?? ""))
            case .dead:
                found.append("\(name): \(flow.count) message(s) refused and held DEAD (civic flows)")
            default: break
            }
        }
        alarms.withLockedValue { $0 = found }
    }

    /// Delivers until the task is cancelled.
    public func run() async {
        var nextCheck = ContinuousClock.now
        while !Task.isCancelled {
            if ContinuousClock.now >= nextCheck {
                do {
                    try await checkAlarms()
                } catch {
                    logger.error("flow health check failed", metadata: ["error": "\(error)"])
                }
                nextCheck = ContinuousClock.now + alarmInterval
            }
            let delivered: Int
            do {
                delivered = try await deliverDue()
            } catch {
                logger.error("flow dispatcher pass failed", metadata: ["error": "\(error)"])
                delivered = 0
            }
            if delivered == 0 { try? await Task.sleep(for: pollInterval) }
        }
    }
}

/// Calls one service directly (not through the gateway), each call sealed with the internal key
/// as `principal`: the flows' transport, `civic flows`, the tests.
public struct SealedCaller: RPCCaller {
    public let client: RPCClient
    public let seal: GatewaySeal?
    public let principal: Principal
    public let timeout: TimeAmount?

    public init(client: RPCClient, seal: GatewaySeal?, principal: Principal, timeout: TimeAmount? = nil) {
        self.client = client
        self.seal = seal
        self.principal = principal
        self.timeout = timeout
    }

    public func call(method: String, payload: Data, options: CallOptions) async throws -> Data {
        var metadata = options.metadata
        seal?.stamp(&metadata, method: method, principal: principal, payload: payload)
        return try await client.call(method: method, payload: payload, options: CallOptions(metadata: metadata, timeout: options.timeout ?? timeout))
    }
}
