import CivicDomain
import CivicProtos
import CivicRPC
import CivicServiceKit
import CivicStorage
import EnforcementDomain

/// The legal-basis library (published, §34) and the discretion calculator.
extension EnforcementHandler {
    public func listLegalBases(_ request: Civic_Enforcement_V1_ListLegalBasesRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_ListLegalBasesResponse
    {
        let offset = try Paging.offset(fromToken: request.page.pageToken)
        let size = try Paging.pageSize(request.page.pageSize)
        let codes = library.codes.filter { request.law.isEmpty || library.basis($0)?.law == request.law }
        let page = Array(codes.dropFirst(offset).prefix(size))
        return .with {
            $0.bases = page.compactMap { code in library.basis(code).map { .init($0, benchmarks: library.benchmarks(for: code)) } }
            $0.page = .init(Page(items: page, offset: offset, total: codes.count))
            $0.regulations = library.regulations.map { r in
                .with {
                    $0.name = r.name
                    $0.issuedBy = r.issuedBy
                    $0.effectiveOn = r.effectiveOn.description
                    $0.codes = r.codes
                }
            }
        }
    }

    public func assessPenalty(_ request: Civic_Enforcement_V1_AssessPenaltyRequest, context: RPCContext) async throws
        -> Civic_Enforcement_V1_AssessPenaltyResponse
    {
        if request.violationCodes.isEmpty {
            throw DomainError.invalid("name the violation codes of the act", field: "violation_codes", reason: "REQUIRED")
        }
        let facts = try Self.facts(request.facts)
        let on = try RequestFields.date(request.on, field: "on", today: today(), notAfterToday: false)
        let assessment = try library.assess(facts, codes: request.violationCodes, on: on)
        return .with { $0.assessment = .init(assessment) }
    }
}
