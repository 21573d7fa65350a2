import ArgumentParser
import CivicServiceKit
import ProposalsService

@main
struct ProposalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: ProposalsService.definition.name,
        abstract: "Civic proposals service: deputies' suggestions and members' proposals (建议提案办理).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceHost.main(ProposalsService.definition, options: options)
    }
}
