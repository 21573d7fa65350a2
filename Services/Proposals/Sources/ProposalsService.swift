import CivicProtoServices
import CivicServiceKit

/// The proposals service (建议提案办理), as the shared host runs it.
public enum ProposalsService {
    public static let definition = ServiceDefinition(
        name: "proposals",
        defaultPort: DefaultPorts.proposals,
        protoServices: [Civic_Proposals_V1_ProposalService.name],
        migrations: ProposalsSchema.migrations
    ) { database, _ in
        ProposalsHandler(store: ProposalStore(database: database)).rpcHandlers
    }
}
