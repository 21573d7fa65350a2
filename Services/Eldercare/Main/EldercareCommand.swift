import ArgumentParser
import CivicServiceKit
import EldercareService

@main
struct EldercareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: EldercareService.definition.name,
        abstract: "Civic eldercare service: eldercare services (养老服务).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceHost.main(EldercareService.definition, options: options)
    }
}
