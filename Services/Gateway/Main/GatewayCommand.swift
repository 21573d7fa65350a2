import ArgumentParser
import CivicServiceKit
import GatewayService
import Logging

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateway",
        abstract: "Civic gateway: routes framed RPC and HTTP/JSON calls to the services; /healthz, /metrics.")

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        PrivateFiles.restrictNewFiles()
        let configuration = try options.resolve()
        CivicLogging.bootstrap(level: configuration.logLevel)
        let logger = Logger(label: "civic.gateway")
        logger.info("configuration", metadata: ["settings": "\(configuration)"])
        let running = try await RunningGateway.start(configuration: configuration, logger: logger)
        try await ServiceHost.runUntilShutdown(logger: logger) { await running.stop() }
    }
}
