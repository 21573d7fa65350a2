import ArgumentParser
import CivicServiceKit
import OrganizationsService

@main
struct OrganizationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: OrganizationsService.definition.name,
        abstract: "Civic organizations service: social organizations (社会组织).")

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await ServiceHost.main(OrganizationsService.definition, options: options)
    }
}
