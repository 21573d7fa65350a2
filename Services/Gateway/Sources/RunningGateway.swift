import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// A started gateway, both faces listening. Used by the executable and by tests.
public final class RunningGateway: Sendable {
    public let gateway: Gateway
    public let framesPort: Int
    public let httpPort: Int
    private let frames: GatewayFrameServer
    private let httpGroup: ServiceGroup
    private let httpTask: Task<Void, any Error>

    private init(gateway: Gateway, frames: GatewayFrameServer, framesPort: Int, httpPort: Int, httpGroup: ServiceGroup, httpTask: Task<Void, any Error>) {
        self.gateway = gateway
        self.frames = frames
        self.framesPort = framesPort
        self.httpPort = httpPort
        self.httpGroup = httpGroup
        self.httpTask = httpTask
    }

    /// Starts both faces. Without an `authorizer`, access is by API keys kept in
    /// `<data>/gateway.sqlite` (the executable's way); tests of routing pass `OpenAccess()`.
    public static func start(configuration: GatewayConfiguration, authorizer: (any CallAuthorizer)? = nil, logger: Logger = Logger(label: "civic.gateway"))
        async throws -> RunningGateway
    {
        let keys = try KeyStore.open(dataDirectory: configuration.dataDirectory)
        try await keys.ensureAdmin(dataDirectory: configuration.dataDirectory, environmentToken: configuration.adminToken, logger: logger)
        let gateway = try Gateway(
            configuration: configuration,
            authorizer: authorizer ?? KeyAuthorizer(keys: keys, rateLimiter: RateLimiter(limits: configuration.rateLimits)),
            localHandlers: KeyServiceHandler(keys: keys).rpcHandlers, logger: logger)
        if configuration.internalKey == nil {
            logger.warning("no internal key: services cannot tell the gateway's calls from others'")
        }
        let frames = GatewayFrameServer(gateway: gateway)
        let framesAddress = try await frames.start()

        let boundHTTPPort = NIOLockedValueBox<Int?>(nil)
        let started = AsyncStream<Void>.makeStream()
        var httpLogger = logger
        httpLogger.logLevel = max(logger.logLevel, .notice)  // one access line per call comes from Gateway
        let app = Application(
            router: HTTPFace.router(gateway: gateway),
            configuration: .init(address: .hostname(configuration.host, port: configuration.httpPort), serverName: "civic-gateway"),
            onServerRunning: { channel in
                boundHTTPPort.withLockedValue { $0 = channel.localAddress?.port }
                started.continuation.finish()
            },
            logger: httpLogger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: httpLogger))
        let task = Task { try await group.run() }
        // Wait for the HTTP listener (or for it to fail, e.g. port in use).
        for await _ in started.stream {}
        guard let httpPort = boundHTTPPort.withLockedValue({ $0 }) else {
            await frames.shutdownGracefully(timeout: .zero)
            _ = await task.result
            if case .failure(let error) = await task.result { throw error }
            throw GatewayStartError.httpNotStarted
        }
        logger.notice(
            "gateway listening",
            metadata: [
                "frames": "\(configuration.host):\(framesAddress.port ?? 0)", "http": "\(configuration.host):\(httpPort)",
            ])
        return RunningGateway(gateway: gateway, frames: frames, framesPort: framesAddress.port ?? 0, httpPort: httpPort, httpGroup: group, httpTask: task)
    }

    /// Reports NOT_SERVING, drains both faces together, then closes backend connections.
    public func stop() async {
        gateway.beginDraining()
        async let framesDrained: Void = frames.shutdownGracefully()
        await httpGroup.triggerGracefulShutdown()
        _ = await httpTask.result
        await framesDrained
        await gateway.close()
    }
}

enum GatewayStartError: Error, CustomStringConvertible {
    case httpNotStarted
    var description: String {
        switch self {
        case .httpNotStarted: "the HTTP face did not start"
        }
    }
}
