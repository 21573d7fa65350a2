// swift-tools-version:6.1
import PackageDescription

// Civic: a civil-affairs (民政) microservice suite. Layout (docs/ARCHITECTURE.md):
//   Shared/Protos   generated protobuf messages and RPC stubs (never hand-edited)
//   Shared/RPC      framing, envelopes, status codes, server, multiplexed client
//   Shared/Storage  GRDB pool, named migrations, audit trail, outbox/inbox
//   Shared/ServiceKit  configuration, lifecycle, health, logging
//   Services/<Name>/Sources  domain rules + store + handlers (library)
//   Services/<Name>/Main     thin executable
//   Tools/          the `civic` launcher/CLI/bench and the protoc plugin

let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
]
let log: Target.Dependency = .product(name: "Logging", package: "swift-log")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let protobuf: Target.Dependency = .product(name: "SwiftProtobuf", package: "swift-protobuf")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")

/// A domain service: a pure domain target (rules only: Foundation and CivicDomain, nothing
/// else; `.ci/run` builds with the explicit-import check, so an `import GRDB` there fails),
/// a library (store, handlers, settings, jobs) and a thin executable.
func service(_ name: String, folder: String, executable: String) -> [Target] {
    [
        .target(name: "\(folder)Domain", dependencies: ["CivicDomain"], path: "Services/\(folder)/Domain"),
        .target(
            name: name,
            dependencies: [
                .target(name: "\(folder)Domain"), "CivicDomain", "CivicRPC", "CivicProtos", "CivicProtoServices", "CivicStorage",
                "CivicServiceKit", protobuf, grdb, log,
            ],
            path: "Services/\(folder)/Sources"
        ),
        .executableTarget(
            name: executable,
            dependencies: [.target(name: name), "CivicServiceKit", argumentParser],
            path: "Services/\(folder)/Main"
        ),
    ]
}

let package = Package(
    name: "Civic",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "civic", targets: ["civic"]),
        .executable(name: "gateway", targets: ["gateway"]),
        .executable(name: "proposals", targets: ["proposals"]),
        .executable(name: "assistance", targets: ["assistance"]),
        .executable(name: "eldercare", targets: ["eldercare"]),
        .executable(name: "organizations", targets: ["organizations"]),
        .executable(name: "enforcement", targets: ["enforcement"]),
        .executable(name: "protoc-gen-civic", targets: ["protoc-gen-civic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.1.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.0.0"),
    ],
    targets: [
        // Shared
        // Domain basics every service's rules use: civil dates, the working-day calendar, money,
        // percentages, identifiers, DomainError. Foundation only.
        .target(name: "CivicDomain", path: "Shared/Domain"),
        // The suite's processes, names and ports, written down once (no dependencies).
        .target(name: "CivicCatalog", path: "Shared/Catalog"),
        .target(name: "CivicProtos", dependencies: [protobuf], path: "Shared/Protos/Messages"),
        .target(name: "CivicRPC", dependencies: nio + ["CivicProtos", protobuf, log, crypto], path: "Shared/RPC"),
        .target(name: "CivicProtoServices", dependencies: ["CivicProtos", "CivicRPC", protobuf], path: "Shared/Protos/Services"),
        .target(name: "CivicStorage", dependencies: nio + ["CivicDomain", grdb, log], path: "Shared/Storage"),
        .target(
            name: "CivicServiceKit",
            dependencies: nio + [
                "CivicCatalog", "CivicDomain", "CivicRPC", "CivicProtos", "CivicProtoServices", "CivicStorage", protobuf, log, argumentParser,
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/ServiceKit"
        ),

        // Gateway
        .target(
            name: "GatewayService",
            dependencies: nio + [
                "CivicCatalog", "CivicDomain", "CivicRPC", "CivicProtos", "CivicProtoServices", "CivicServiceKit", "CivicStorage", protobuf, log,
                crypto, grdb,
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Gateway/Sources"
        ),
        .executableTarget(name: "gateway", dependencies: ["GatewayService", "CivicServiceKit", argumentParser], path: "Services/Gateway/Main"),
    ]
        + service("ProposalsService", folder: "Proposals", executable: "proposals")
        + service("AssistanceService", folder: "Assistance", executable: "assistance")
        + service("EldercareService", folder: "Eldercare", executable: "eldercare")
        + service("OrganizationsService", folder: "Organizations", executable: "organizations")
        + service("EnforcementService", folder: "Enforcement", executable: "enforcement")
        + [
            // Tools
            .executableTarget(
                name: "civic",
                dependencies: nio + [
                    "CivicCatalog", "CivicDomain", "CivicRPC", "CivicProtos", "CivicProtoServices", "CivicServiceKit", protobuf, argumentParser, log,
                    .product(name: "Histogram", package: "hdrhistogram-swift"),
                ],
                path: "Tools/Civic"
            ),
            .executableTarget(
                name: "assistance-bench",
                dependencies: [
                    "AssistanceService", "AssistanceDomain", "CivicDomain", "CivicServiceKit", "CivicStorage", "CivicRPC", "CivicProtos", grdb, log,
                ],
                path: "Benchmarks/AssistanceBenchmark"
            ),
            .executableTarget(
                name: "eldercare-bench",
                dependencies: [
                    "EldercareService", "EldercareDomain", "CivicDomain", "CivicServiceKit", "CivicStorage", "CivicRPC", "CivicProtos", grdb, log,
                ],
                path: "Benchmarks/EldercareBenchmark"
            ),
            .executableTarget(
                name: "flows-bench",
                dependencies: [
                    "EldercareService", "EnforcementService", "CivicDomain", "CivicServiceKit", "CivicStorage", "CivicRPC", "CivicProtos", grdb, log,
                ],
                path: "Benchmarks/FlowsBenchmark"
            ),
            .executableTarget(
                name: "organizations-bench",
                dependencies: [
                    "OrganizationsService", "OrganizationsDomain", "GatewayService", "CivicDomain", "CivicServiceKit", "CivicStorage", "CivicRPC",
                    "CivicProtos", "CivicProtoServices", grdb, log, protobuf,
                ],
                path: "Benchmarks/OrganizationsBenchmark"
            ),
            .executableTarget(
                name: "enforcement-bench", dependencies: ["EnforcementService", "EnforcementDomain", "CivicDomain", "CivicStorage", grdb],
                path: "Benchmarks/EnforcementBenchmark"),
            .executableTarget(
                name: "proposals-bench",
                dependencies: ["ProposalsService", "ProposalsDomain", "CivicDomain", "CivicServiceKit", "CivicStorage", "CivicRPC", "CivicProtos", grdb, log],
                path: "Benchmarks/ProposalsBenchmark"
            ),
            .executableTarget(
                name: "protoc-gen-civic",
                dependencies: [.product(name: "SwiftProtobufPluginLibrary", package: "swift-protobuf")],
                path: "Tools/ProtocGenCivic"
            ),

            // Tests
            .testTarget(name: "DomainTests", dependencies: ["CivicDomain"], path: "Tests/DomainTests"),
            .testTarget(name: "AssistanceTests", dependencies: ["AssistanceDomain", "CivicDomain"], path: "Tests/AssistanceTests"),
            .testTarget(name: "EldercareTests", dependencies: ["EldercareDomain", "CivicDomain"], path: "Tests/EldercareTests"),
            .testTarget(name: "OrganizationsTests", dependencies: ["OrganizationsDomain", "CivicDomain"], path: "Tests/OrganizationsTests"),
            .testTarget(name: "EnforcementTests", dependencies: ["EnforcementDomain", "CivicDomain"], path: "Tests/EnforcementTests"),
            .testTarget(
                name: "ServiceKitTests",
                dependencies: [
                    "CivicServiceKit", "CivicDomain", "CivicRPC", "CivicProtos", "CivicStorage", grdb, log,
                    .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                ], path: "Tests/ServiceKitTests"),
            .testTarget(
                name: "RPCTests",
                dependencies: nio + [.product(name: "NIOEmbedded", package: "swift-nio"), "CivicRPC", "CivicProtos", "CivicProtoServices", protobuf],
                path: "Tests/RPCTests"),
            .testTarget(
                name: "StorageTests", dependencies: ["CivicStorage", "CivicDomain", grdb, .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
                path: "Tests/StorageTests"),
            .testTarget(
                name: "ProposalsTests",
                dependencies: ["ProposalsService", "ProposalsDomain", "CivicDomain", "CivicRPC", "CivicProtos", "CivicStorage", "CivicServiceKit", grdb, log],
                path: "Tests/ProposalsTests"),
            .testTarget(
                name: "IntegrationTests",
                dependencies: nio + [
                    "GatewayService", "ProposalsService", "AssistanceService", "EldercareService", "OrganizationsService",
                    "EnforcementService", "ProposalsDomain", "AssistanceDomain", "EldercareDomain", "OrganizationsDomain", "EnforcementDomain", "CivicCatalog",
                    "CivicDomain",
                    "CivicServiceKit",
                    "CivicRPC", "CivicProtos", "CivicProtoServices",
                    protobuf,
                ],
                path: "Tests/IntegrationTests"
            ),
            .testTarget(name: "DeployTests", dependencies: ["CivicCatalog", .product(name: "Yams", package: "Yams")], path: "Tests/DeployTests"),
        ]
)
