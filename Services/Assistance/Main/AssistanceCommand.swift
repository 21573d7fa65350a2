import ArgumentParser
import AssistanceService
import CivicServiceKit

@main
struct AssistanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: AssistanceService.definition.name,
        abstract: "Civic assistance service: social assistance (社会救助).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceHost.main(AssistanceService.definition, options: options)
    }
}
