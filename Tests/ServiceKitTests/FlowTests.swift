import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import Testing

/// A receiver that answers each business key as told (OK by default) and records what it got.
final class ScriptedReceiver: Sendable {
    private let state = NIOLockedValueBox<(answers: [String: [RPCError?]], received: [String])>(([:], []))

    /// The next answers for `key`, in order (nil = OK); after them, OK.
    func script(_ key: String, _ answers: [RPCError?]) { state.withLockedValue { $0.answers[key] = answers } }

    func receive(_ message: OutboundMessage) throws -> String {
        try state.withLockedValue { s in
            if var answers = s.answers[message.idempotencyKey], !answers.isEmpty {
                let answer = answers.removeFirst()
                s.answers[message.idempotencyKey] = answers
                if let answer { throw answer }
            }
            s.received.append(message.idempotencyKey)
            return "applied \(message.idempotencyKey)"
        }
    }

    var received: [String] { state.withLockedValue { $0.received } }
}

final class ManualClock: Sendable {
    private let box = NIOLockedValueBox(Date(timeIntervalSince1970: 1_700_000_000))
    var now: Date { box.withLockedValue { $0 } }
    func advance(_ seconds: Double) { box.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite("Flows: the dispatcher and the receiving side (docs/FLOWS.md)")
struct FlowTests {
    static func queue(_ db: Database, _ destination: String, _ aggregate: String, _ key: String, now: Date) throws {
        try Outbox.enqueue(
            db, destination: destination, type: "civic.flows.v1.FindingReferred", aggregate: aggregate, idempotencyKey: key, payload: Data(), now: now)
    }

    static func states(_ database: any DatabaseReader) throws -> [String] {
        try database.read { db in try Outbox.list(db, state: nil, limit: 100) }.map { "\($0.idempotencyKey) \($0.state.rawValue) \($0.attempts)" }
    }

    /// A refusal makes the message DEAD and holds its aggregate; an unreachable receiver rests
    /// (its other messages wait) while another receiver's go on; a retry after the backoff delivers.
    @Test func refusalsAreHeldAndOutagesRetriedPerReceiver() async throws {
        let database = try CivicDatabase.inMemory(migrations: [])
        let clock = ManualClock()
        try await database.write { db in
            try Self.queue(db, "enforcement", "finding:A", "a1", now: clock.now)
            try Self.queue(db, "enforcement", "finding:A", "a2", now: clock.now)
            try Self.queue(db, "organizations", "penalty:C1", "c1", now: clock.now)
            try Self.queue(db, "organizations", "penalty:C2", "c2", now: clock.now)
            try Self.queue(db, "enforcement", "finding:B", "b1", now: clock.now)
        }
        let receiver = ScriptedReceiver()
        receiver.script("a1", [RPCError(.invalidArgument, "subject.id BAD_ID")])
        receiver.script("c1", [RPCError(.unavailable, "connection refused")])
        let dispatcher = FlowDispatcher(database: database, initialBackoff: 10, now: { clock.now }) { message in try receiver.receive(message) }

        // a1 refused → DEAD (a2 waits behind it); c1 unreachable → organizations rests, c2 not tried; b1 delivered.
        #expect(try await dispatcher.deliverDue() == 1)
        #expect(receiver.received == ["b1"])
        #expect(try Self.states(database) == ["a1 dead 1", "a2 pending 0", "c1 pending 1", "c2 pending 0", "b1 delivered 0"])
        let dead = try await database.read { db in try Outbox.list(db, state: .dead, limit: 10) }
        #expect(dead.first?.lastError == "INVALID_ARGUMENT: subject.id BAD_ID")

        // Within the rest nothing goes to organizations; after it, c1 and c2 both go.
        clock.advance(5)
        #expect(try await dispatcher.deliverDue() == 0)
        clock.advance(5)
        #expect(try await dispatcher.deliverDue() == 2)
        #expect(receiver.received == ["b1", "c1", "c2"])

        // An operator replays a1 after the fix: a1 then a2, in order.
        _ = try await database.write { db in try Outbox.replay(db, id: dead[0].messageID, now: clock.now) }
        #expect(try await dispatcher.deliverDue() == 1)
        #expect(try await dispatcher.deliverDue() == 1)
        #expect(receiver.received == ["b1", "c1", "c2", "a1", "a2"])
        #expect(try await dispatcher.deliverDue() == 0)
    }

    /// Health warns of a flow stuck longer than `stuckAfter` and of messages held DEAD.
    @Test func healthWarnsOfAStuckFlowAndOfRefusedMessages() async throws {
        let database = try CivicDatabase.inMemory(migrations: [])
        let clock = ManualClock()
        try await database.write { db in
            try Self.queue(db, "assistance", "person:1", "p1", now: clock.now)
            try Self.queue(db, "enforcement", "finding:A", "a1", now: clock.now)
        }
        let receiver = ScriptedReceiver()
        receiver.script("p1", [RPCError(.unavailable, "connection refused"), RPCError(.unavailable, "connection refused")])
        receiver.script("a1", [RPCError(.failedPrecondition, "no such county")])
        let dispatcher = FlowDispatcher(database: database, initialBackoff: 10, stuckAfter: 60, now: { clock.now }) { message in
            try receiver.receive(message)
        }
        try await dispatcher.deliverDue()
        try await dispatcher.checkAlarms()
        #expect(dispatcher.healthWarnings == ["flow to enforcement (FindingReferred): 1 message(s) refused and held DEAD (civic flows)"])
        clock.advance(125)
        try await dispatcher.deliverDue()
        try await dispatcher.checkAlarms()
        #expect(
            dispatcher.healthWarnings == [
                "flow to assistance (FindingReferred): 1 message(s) pending, the oldest for 2 min; last error: UNAVAILABLE: connection refused",
                "flow to enforcement (FindingReferred): 1 message(s) refused and held DEAD (civic flows)",
            ])
        clock.advance(20)
        #expect(try await dispatcher.deliverDue() == 1)
        try await dispatcher.checkAlarms()
        #expect(dispatcher.healthWarnings == ["flow to enforcement (FindingReferred): 1 message(s) refused and held DEAD (civic flows)"])
    }

    static func envelope(_ id: String, key: String, sequence: Int64 = 1, type: String = Civic_Flows_V1_FindingReferred.protoMessageName)
        -> Civic_Flows_V1_Envelope
    {
        .with {
            $0.messageID = id; $0.idempotencyKey = key; $0.producer = "eldercare"; $0.type = type; $0.aggregate = "finding:A"; $0.sequence = sequence
            $0.kind = .notification; $0.occurredAt = "2026-12-03T00:00:00.000Z"; $0.schemaVersion = 1
            $0.payload = try! Civic_Flows_V1_FindingReferred.with { $0.findingID = key }.serializedBytes()
        }
    }

    static func context(_ principal: Principal?) -> RPCContext {
        var metadata: [String: String] = [:]
        if let principal { metadata[MetadataKey.principal] = principal.encoded }
        return RPCContext(method: "", metadata: metadata, deadline: nil, logger: Logger(label: "test"))
    }

    /// The receiving side applies a message once: a retry, a re-send under a new id and an older
    /// sequence are answered as duplicates; a refused or failing message records nothing.
    @Test func aMessageIsAppliedOnceAndARefusalChangesNothing() async throws {
        let database = try CivicDatabase.inMemory(migrations: [])
        try await database.write { db in try db.execute(sql: "CREATE TABLE applied (finding TEXT NOT NULL)") }
        let applier = FlowApplier.of(Civic_Flows_V1_FindingReferred.self) { db, finding, _ in
            if finding.findingID == "bad" { throw DomainError.invalid("no such county", field: "division", reason: "UNKNOWN") }
            try db.execute(sql: "INSERT INTO applied (finding) VALUES (?)", arguments: [finding.findingID])
            return "applied \(finding.findingID)"
        }
        let handler = FlowsHandler(service: "enforcement", database: database, appliers: [applier])
        let eldercare = Self.context(Principal(id: "service:eldercare", roles: [.service], subject: "eldercare"))

        let first = try await handler.deliver(Self.envelope("m1", key: "k1"), context: eldercare)
        #expect((first.duplicate, first.result) == (false, "applied k1"))
        let retry = try await handler.deliver(Self.envelope("m1", key: "k1"), context: eldercare)
        #expect((retry.duplicate, retry.result) == (true, "applied k1"))
        let resent = try await handler.deliver(Self.envelope("m2", key: "k1"), context: eldercare)
        #expect((resent.duplicate, resent.result) == (true, "applied k1"))
        _ = try await handler.deliver(Self.envelope("m3", key: "k3", sequence: 3), context: eldercare)
        let stale = try await handler.deliver(Self.envelope("m4", key: "k2", sequence: 2), context: eldercare)
        #expect((stale.duplicate, stale.result) == (true, "superseded by sequence 3"))

        // Refusals: the applier's, an unknown type, a malformed envelope, another service's name.
        await #expect(throws: DomainError.self) { _ = try await handler.deliver(Self.envelope("m5", key: "bad", sequence: 5), context: eldercare) }
        await #expect(throws: DomainError.self) {
            _ = try await handler.deliver(Self.envelope("m6", key: "k6", sequence: 6, type: "civic.flows.v1.Unknown"), context: eldercare)
        }
        await #expect(throws: (any Error).self) { _ = try await handler.deliver(.init(), context: eldercare) }
        let impostor = Self.context(Principal(id: "service:assistance", roles: [.service], subject: "assistance"))
        let denied = await #expect(throws: DomainError.self) { _ = try await handler.deliver(Self.envelope("m7", key: "k7", sequence: 7), context: impostor) }
        #expect(denied?.kind == .permissionDenied)

        let applied = try await database.read { db in try String.fetchAll(db, sql: "SELECT finding FROM applied ORDER BY rowid") }
        #expect(applied == ["k1", "k3"])
        let inbox = try await database.read { db in try String.fetchAll(db, sql: "SELECT message_id FROM inbox ORDER BY message_id") }
        #expect(inbox == ["m1", "m3"])
        // The operators' methods: an admin's; another service's sealed principal is refused.
        let notAdmin = await #expect(throws: DomainError.self) { _ = try await handler.listOutbox(.init(), context: eldercare) }
        #expect(notAdmin?.kind == .permissionDenied)
        let flows = try await handler.listFlows(.init(), context: Self.context(Principal(id: "operator", roles: [.admin])))
        #expect(flows.received.map { "\($0.producer) \($0.type) \($0.applied)" } == ["eldercare civic.flows.v1.FindingReferred 2"])
    }
}
