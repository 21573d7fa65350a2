import ArgumentParser
import CivicServiceKit
import EnforcementService

@main
struct EnforcementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: EnforcementService.definition.name,
        abstract: "Civic enforcement service: administrative law enforcement (民政综合执法).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceHost.main(EnforcementService.definition, options: options)
    }
}
