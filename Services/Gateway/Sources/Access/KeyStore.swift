import CivicCatalog
import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import Crypto
import Foundation
import GRDB
import Logging
import NIOConcurrencyHelpers
import Synchronization

/// An API key as the gateway keeps it: never the secret, only its SHA-256.
public struct ApiKeyRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var secretHash: String
    public var roles: [Principal.Role]
    public var services: [String]
    public var division: String
    public var subject: String
    public var expiresAt: Date?
    public var createdAt: Date
    public var createdBy: String
    public var revokedAt: Date?
    public var revokedReason: String
    /// Built once, so a call costs no encoding.
    public let principal: Principal

    public init(
        id: String, name: String, secretHash: String, roles: [Principal.Role], services: [String], division: String, subject: String,
        expiresAt: Date?, createdAt: Date, createdBy: String, revokedAt: Date?, revokedReason: String
    ) {
        self.id = id
        self.name = name
        self.secretHash = secretHash
        self.roles = roles
        self.services = services
        self.division = division
        self.subject = subject
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
        self.revokedReason = revokedReason
        self.principal = Principal(id: id, roles: roles, services: services, division: division, subject: subject)
    }

    public func isActive(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { now < $0 } ?? true)
    }
}

/// What an admin asks for when issuing a key.
public struct NewKey: Sendable {
    public var name: String
    public var roles: [Principal.Role]
    public var services: [String]
    public var division: String
    public var subject: String
    public var expiresAt: Date?

    public init(name: String, roles: [Principal.Role], services: [String] = [], division: String = "", subject: String = "", expiresAt: Date? = nil) {
        self.name = name
        self.roles = roles
        self.services = services
        self.division = division
        self.subject = subject
        self.expiresAt = expiresAt
    }
}

/// The gateway's credentials, in its own SQLite database, with an in-memory index by
/// token hash so checking a key costs one SHA-256 and a dictionary lookup. Revocation and
/// expiry take effect on the next call.
public final class KeyStore: Sendable {
    public static let migrations: [DatabaseMigration] = [
        DatabaseMigration("gateway-001-api-keys") { db in
            try db.create(table: "api_keys") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("secret_hash", .text).notNull().unique()
                t.column("roles", .text).notNull()
                t.column("services", .text).notNull().defaults(to: "")
                t.column("division", .text).notNull().defaults(to: "")
                t.column("subject", .text).notNull().defaults(to: "")
                t.column("expires_at", .double)
                t.column("created_at", .double).notNull()
                t.column("created_by", .text).notNull()
                t.column("revoked_at", .double)
                t.column("revoked_reason", .text).notNull().defaults(to: "")
            }
        }
    ]

    /// The short names of the services a key can be scoped to.
    public static var knownServices: [String] { ServiceCatalog.serviceNames }

    public let database: DatabasePool
    private let byHash: NIOLockedValueBox<[String: ApiKeyRecord]>

    public init(database: DatabasePool) throws {
        self.database = database
        let all = try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_keys").map(Self.record) }
        byHash = NIOLockedValueBox(Dictionary(uniqueKeysWithValues: all.map { ($0.secretHash, $0) }))
    }

    public static func open(dataDirectory: String) throws -> KeyStore {
        let path = (dataDirectory as NSString).appendingPathComponent("gateway.sqlite")
        return try KeyStore(database: CivicDatabase.open(path: path, migrations: migrations))
    }

    /// The key a bearer token belongs to, active or not; nil for an unknown token.
    ///
    /// Each event loop remembers what it looked up (`ThreadLocalCache`: a call with a known key
    /// costs one dictionary lookup — no SHA-256, no lock), tagged with the store's generation:
    /// every change to a key (issued, revoked) moves the generation on, so a revocation counts
    /// from the next call, as before.
    public func lookup(token: String) -> ApiKeyRecord? {
        let current = generation.load(ordering: .acquiring)
        let cached = lookups.value(for: token) { (current, lookupNow(token)) }
        if cached.generation == current { return cached.record }
        let fresh = (generation: current, record: lookupNow(token))
        lookups.set(fresh, for: token)
        return fresh.record
    }

    private func lookupNow(_ token: String) -> ApiKeyRecord? {
        let hash = Self.hash(token)
        return byHash.withLockedValue { $0[hash] }
    }

    private let lookups = ThreadLocalCache<String, (generation: UInt64, record: ApiKeyRecord?)>(capacity: 1024)
    /// Moves on after every change to `byHash`.
    private let generation = Atomic<UInt64>(0)

    private func changed() {
        generation.wrappingAdd(1, ordering: .releasing)
    }

    public func all(includeInactive: Bool, now: Date = Date()) -> [ApiKeyRecord] {
        byHash.withLockedValue { Array($0.values) }
            .filter { includeInactive || $0.isActive(at: now) }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// Issues a key; returns it with its token, which is not kept.
    public func create(_ key: NewKey, by actor: String, token: String? = nil, now: Date = Date()) async throws -> (ApiKeyRecord, token: String) {
        try Self.validate(key, now: now)
        let token = token ?? Self.newToken()
        let record = ApiKeyRecord(
            id: "k_" + Self.randomHex(bytes: 8), name: key.name.trimmingCharacters(in: .whitespacesAndNewlines),
            secretHash: Self.hash(token), roles: key.roles, services: key.services, division: key.division,
            subject: key.subject, expiresAt: key.expiresAt, createdAt: now, createdBy: actor, revokedAt: nil, revokedReason: "")
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO api_keys (id, name, secret_hash, roles, services, division, subject, expires_at, created_at, created_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.name, record.secretHash, record.roles.map(\.name).joined(separator: ","),
                    record.services.joined(separator: ","), record.division, record.subject,
                    record.expiresAt?.timeIntervalSince1970, now.timeIntervalSince1970, actor,
                ])
            try Audit.record(
                db, actor: actor, action: "create-key", entity: "api_key", entityID: record.id,
                detail: "roles=\(record.roles.map(\.name).joined(separator: ",")) services=\(record.services.joined(separator: ","))", at: now)
        }
        byHash.withLockedValue { $0[record.secretHash] = record }
        changed()
        return (record, token)
    }

    /// Revokes a key at once. The last active admin key cannot be revoked.
    public func revoke(id: String, reason: String, by actor: String, now: Date = Date()) async throws -> ApiKeyRecord {
        guard var record = byHash.withLockedValue({ $0.values.first { $0.id == id } }) else {
            throw RPCError(.notFound, "no key with id \(id)")
        }
        guard record.revokedAt == nil else {
            throw RPCError.failedPrecondition("key \(id) was already revoked", reason: "ALREADY_REVOKED")
        }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw RPCError.invalidArgument("a reason is required to revoke a key", field: "reason", reason: "REQUIRED")
        }
        if record.roles.contains(.admin) {
            let otherAdmins = all(includeInactive: false, now: now).filter { $0.roles.contains(.admin) && $0.id != id }
            guard !otherAdmins.isEmpty else {
                throw RPCError.failedPrecondition("key \(id) is the last active admin key; issue another admin key first", reason: "LAST_ADMIN")
            }
        }
        record.revokedAt = now
        record.revokedReason = reason
        let revoked = record
        try await database.write { db in
            try db.execute(
                sql: "UPDATE api_keys SET revoked_at = ?, revoked_reason = ? WHERE id = ?",
                arguments: [now.timeIntervalSince1970, reason, id])
            try Audit.record(db, actor: actor, action: "revoke-key", entity: "api_key", entityID: id, reason: reason, at: now)
        }
        byHash.withLockedValue { $0[revoked.secretHash] = revoked }
        changed()
        return revoked
    }

    /// On first start: makes sure an active admin key exists. With `environmentToken`
    /// (CIVIC_ADMIN_TOKEN) that token becomes the admin key; otherwise a new token is
    /// written to `<data>/admin.token` with mode 0600. Returns the file written, if any.
    @discardableResult
    public func ensureAdmin(dataDirectory: String, environmentToken: String?, logger: Logger) async throws -> String? {
        if let token = environmentToken, !token.isEmpty {
            guard token.count >= 32 else { throw RPCError(.invalidArgument, "CIVIC_ADMIN_TOKEN must be at least 32 characters") }
            if let existing = lookup(token: token) {
                // Known already. If it was revoked or has expired it stays so: starting again
                // with the same variable set must not bring it back.
                if !existing.isActive(at: Date()) {
                    logger.warning("CIVIC_ADMIN_TOKEN names a key that is no longer active; use another admin key", metadata: ["key": "\(existing.id)"])
                }
                return nil
            }
            let (record, _) = try await create(NewKey(name: "admin (CIVIC_ADMIN_TOKEN)", roles: [.admin]), by: "system", token: token)
            logger.notice("admin key from CIVIC_ADMIN_TOKEN registered", metadata: ["key": "\(record.id)"])
            return nil
        }
        guard !all(includeInactive: false).contains(where: { $0.roles.contains(.admin) }) else { return nil }
        // The token is in its file (0600 from its creation, PrivateFiles) before its key exists:
        // a failed write leaves no admin key that nobody holds the token of.
        let token = Self.newToken()
        let path = (dataDirectory as NSString).appendingPathComponent("admin.token")
        try PrivateFiles.writeSecret(token + "\n", to: path)
        let record: ApiKeyRecord
        do {
            record = try await create(NewKey(name: "admin (first start)", roles: [.admin]), by: "system", token: token).0
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        logger.notice(
            "no admin key existed: created one; its token is in the file named here (mode 0600)", metadata: ["key": "\(record.id)", "file": "\(path)"])
        return path
    }

    // MARK: Rules and helpers

    static func validate(_ key: NewKey, now: Date) throws {
        var errors = ValidationErrors()
        let name = key.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { errors.add("name", "REQUIRED", "name is required: who or what holds the key") }
        if name.count > 100 { errors.add("name", "TOO_LONG", "name is longer than 100 characters") }
        if key.roles.isEmpty { errors.add("roles", "REQUIRED", "at least one role is required") }
        for role in key.roles where !Principal.Role.assignable.contains(role) {
            errors.add("roles", "NOT_ASSIGNABLE", "role \(role.name) cannot be given to a key")
        }
        for service in key.services where !knownServices.contains(service) {
            errors.add("services", "UNKNOWN", "unknown service \"\(service)\"; known: \(knownServices.joined(separator: ", "))")
        }
        if key.roles.contains(.staff) && key.services.isEmpty {
            errors.add("services", "REQUIRED", "a staff key names the services its holder works in")
        }
        if key.roles.contains(.deputy) && key.subject.isEmpty {
            errors.add("subject", "REQUIRED", "a deputy key names the deputy's member id")
        }
        if key.roles.contains(.operator) && key.subject.isEmpty {
            errors.add("subject", "REQUIRED", "an operator key names its institution's id")
        }
        if !key.division.isEmpty && !(key.division.count == 6 && key.division.allSatisfy(\.isASCII) && key.division.allSatisfy(\.isNumber)) {
            errors.add("division", "INVALID", "division must be a 6-digit administrative division code")
        }
        if let expiry = key.expiresAt, expiry <= now {
            errors.add("expires_at", "IN_THE_PAST", "expiry must be in the future")
        }
        try errors.check()
    }

    /// Accepts RFC 3339, or a date YYYY-MM-DD meaning the end of that day in China Standard Time.
    public static func parseExpiry(_ text: String) throws -> Date? {
        if text.isEmpty { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        if parts.count == 3, text.count == 10 {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            if let start = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
                calendar.component(.day, from: start) == parts[2]
            {
                return calendar.date(byAdding: .day, value: 1, to: start)
            }
        }
        throw RPCError.invalidArgument("expires_at \"\(text)\" is neither RFC 3339 nor YYYY-MM-DD", field: "expires_at", reason: "INVALID")
    }

    static func hash(_ token: String) -> String {
        // On every call: plain hex digits, not String(format:), which costs microseconds a byte.
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    static func newToken() -> String {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let text = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
            of: "=", with: "")
        return "civic_" + text
    }

    static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    private static func record(_ row: Row) -> ApiKeyRecord {
        let roles = (row["roles"] as String).split(separator: ",").compactMap { Principal.Role(name: String($0)) }
        let services = (row["services"] as String).split(separator: ",").map(String.init)
        return ApiKeyRecord(
            id: row["id"], name: row["name"], secretHash: row["secret_hash"], roles: roles, services: services,
            division: row["division"], subject: row["subject"],
            expiresAt: (row["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            createdAt: Date(timeIntervalSince1970: row["created_at"]), createdBy: row["created_by"],
            revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            revokedReason: row["revoked_reason"])
    }
}
