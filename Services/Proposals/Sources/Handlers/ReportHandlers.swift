import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import ProposalsDomain

/// The annual report (年度办理工作总结的数据).
extension ProposalsHandler {
    public func getAnnualReport(_ request: Civic_Proposals_V1_GetAnnualReportRequest, context: RPCContext) async throws -> Civic_Proposals_V1_AnnualReport {
        let year = try requireYear(request.year)
        let asOf = today()
        return Civic_Proposals_V1_AnnualReport(try await store.annualReport(year: year, asOf: asOf), topics: validator.topics, asOf: asOf)
    }
}
