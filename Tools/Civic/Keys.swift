import ArgumentParser
import CivicCatalog
import CivicProtoServices
import CivicProtos
import CivicRPC
import Foundation
import NIOCore

/// `civic keys create|list|revoke`: API keys, through the gateway's KeyService (admin key needed).
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage API keys (needs an admin key: --token, CIVIC_TOKEN or <data>/admin.token).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Connection: ParsableArguments {
        @OptionGroup var gateway: GatewayAddressOption
        @OptionGroup var credential: CredentialOption

        func client() throws -> (RPCClient, CallOptions) {
            let (host, port) = try gateway.resolve()
            return (RPCClient(host: host, port: port), CallOptions(metadata: try credential.metadata(), timeout: .seconds(10)))
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a key; prints its token once.",
            discussion: """
                Examples:
                  civic keys create --name "提案办 王芳" --role staff --service proposals
                  civic keys create --name "代表 李四" --role deputy --subject NPC-310114-0042 --expires 2027-03-31
                  civic keys create --name "市场监管局" --role department --expires 2027-12-31
                """)

        @Option(help: "Who or what holds the key.") var name: String
        @Option(help: "admin, staff, leader, deputy, department, service or operator (repeatable).") var role: [String]
        @Option(help: ArgumentHelp("Service the key may act on: \(ServiceCatalog.serviceNames.joined(separator: ", ")) (repeatable; staff keys need one)."))
        var service: [String] = []
        @Option(help: "6-digit administrative division code the key is limited to.") var division: String = ""
        @Option(help: "A deputy's member id, or a department's name.") var subject: String = ""
        @Option(help: "Expiry: YYYY-MM-DD (end of that day, China time) or RFC 3339.") var expires: String = ""
        @OptionGroup var connection: Connection

        func run() async throws {
            var request = Civic_Gateway_V1_CreateKeyRequest()
            request.name = name
            request.roles = try role.map { text in
                guard let role = Principal.Role(name: text) else { throw ValidationError("unknown role \(text)") }
                return role
            }
            request.services = service
            request.division = division
            request.subject = subject
            request.expiresAt = expires
            let (client, options) = try connection.client()
            defer { Task { await client.close() } }
            let response = try await reportingStatus { try await Civic_Gateway_V1_KeyServiceClient(client).createKey(request, options: options) }
            print("key:     \(response.key.id)  \(describe(response.key))")
            print("token:   \(response.token)")
            print("(the token is shown only now; only its hash is kept)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (never their tokens).")
        @Flag(help: "Include revoked and expired keys.") var all = false
        @OptionGroup var connection: Connection

        func run() async throws {
            let (client, options) = try connection.client()
            defer { Task { await client.close() } }
            var request = Civic_Gateway_V1_ListKeysRequest()
            request.includeInactive = all
            let response = try await reportingStatus { try await Civic_Gateway_V1_KeyServiceClient(client).listKeys(request, options: options) }
            for key in response.keys { print("\(key.id)  \(describe(key))") }
            if response.keys.isEmpty { print("(no keys)") }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key; it stops working at once.")
        @Argument(help: "The key id (k_…).") var id: String
        @Option(help: "Why, for the audit trail.") var reason: String
        @OptionGroup var connection: Connection

        func run() async throws {
            let (client, options) = try connection.client()
            defer { Task { await client.close() } }
            var request = Civic_Gateway_V1_RevokeKeyRequest()
            request.id = id
            request.reason = reason
            let response = try await reportingStatus { try await Civic_Gateway_V1_KeyServiceClient(client).revokeKey(request, options: options) }
            print("revoked \(response.key.id) at \(response.key.revokedAt)")
        }
    }
}

func describe(_ key: Civic_Gateway_V1_ApiKey) -> String {
    var parts = ["\"\(key.name)\"", "roles=\(key.roles.map(\.name).joined(separator: ","))"]
    if !key.services.isEmpty { parts.append("services=\(key.services.joined(separator: ","))") }
    if !key.division.isEmpty { parts.append("division=\(key.division)") }
    if !key.subject.isEmpty { parts.append("subject=\(key.subject)") }
    if !key.expiresAt.isEmpty { parts.append("expires=\(key.expiresAt)") }
    if !key.revokedAt.isEmpty { parts.append("REVOKED \(key.revokedAt) (\(key.revokedReason))") }
    return parts.joined(separator: " ")
}

/// Runs a call; on an RPC error prints the status and exits with its code.
func reportingStatus<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as RPCError {
        FileHandle.standardError.write(Data("\(error.code.name): \(error.message)\n".utf8))
        for detail in error.details {
            FileHandle.standardError.write(Data("  \(detail.field.isEmpty ? "-" : detail.field) [\(detail.reason)] \(detail.description_p)\n".utf8))
        }
        throw ExitCode(Int32(error.code.rawValue))
    }
}
