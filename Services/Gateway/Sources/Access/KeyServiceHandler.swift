import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation

/// civic.gateway.v1.KeyService: issue, list and revoke API keys (admin only, by policy).
public struct KeyServiceHandler: Civic_Gateway_V1_KeyServiceHandler {
    let keys: KeyStore

    public init(keys: KeyStore) {
        self.keys = keys
    }

    public func createKey(_ request: Civic_Gateway_V1_CreateKeyRequest, context: RPCContext) async throws -> Civic_Gateway_V1_CreateKeyResponse {
        let key = NewKey(
            name: request.name, roles: request.roles, services: request.services, division: request.division,
            subject: request.subject, expiresAt: try KeyStore.parseExpiry(request.expiresAt))
        let (record, token) = try await keys.create(key, by: context.principal?.id ?? "unknown")
        var response = Civic_Gateway_V1_CreateKeyResponse()
        response.key = Civic_Gateway_V1_ApiKey(record)
        response.token = token
        return response
    }

    public func listKeys(_ request: Civic_Gateway_V1_ListKeysRequest, context: RPCContext) async throws -> Civic_Gateway_V1_ListKeysResponse {
        var response = Civic_Gateway_V1_ListKeysResponse()
        response.keys = keys.all(includeInactive: request.includeInactive).map(Civic_Gateway_V1_ApiKey.init)
        return response
    }

    public func revokeKey(_ request: Civic_Gateway_V1_RevokeKeyRequest, context: RPCContext) async throws -> Civic_Gateway_V1_RevokeKeyResponse {
        guard !request.id.isEmpty else { throw RPCError.invalidArgument("id is required", field: "id", reason: "REQUIRED") }
        let record = try await keys.revoke(id: request.id, reason: request.reason, by: context.principal?.id ?? "unknown")
        var response = Civic_Gateway_V1_RevokeKeyResponse()
        response.key = Civic_Gateway_V1_ApiKey(record)
        return response
    }
}

extension Civic_Gateway_V1_ApiKey {
    init(_ record: ApiKeyRecord) {
        self.init()
        id = record.id
        name = record.name
        roles = record.roles
        services = record.services
        division = record.division
        subject = record.subject
        expiresAt = record.expiresAt.map(Self.time) ?? ""
        createdAt = Self.time(record.createdAt)
        createdBy = record.createdBy
        revokedAt = record.revokedAt.map(Self.time) ?? ""
        revokedReason = record.revokedReason
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
