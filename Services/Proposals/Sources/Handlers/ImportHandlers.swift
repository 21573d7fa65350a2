import CivicDomain
import CivicProtoServices
import CivicProtos
import CivicRPC
import CivicServiceKit
import Foundation
import ProposalsDomain

/// Bulk import of items as the NPC/CPPCC systems send them (ItemImport).
extension ProposalsHandler {
    public func importItems(_ request: Civic_Proposals_V1_ImportItemsRequest, context: RPCContext) async throws -> Civic_Proposals_V1_ImportItemsResponse {
        try requireOffice(context, "importing items")
        let lines: [ItemImport.Line]
        var problems: ValidationErrors
        switch request.format {
        case .csv:
            (lines, problems) = try ItemImport.parseCSV(request.content, validator: validator)
        case .jsonLines:
            (lines, problems) = Self.jsonLines(request.content)
            problems = ItemImport.check(lines, problems: problems, validator: validator)
        case .unspecified, .UNRECOGNIZED:
            throw DomainError.invalid("format is required: CSV or JSON_LINES", field: "format", reason: "REQUIRED")
        }
        // Every problem at once: the file's own, then numbers already registered.
        problems.add(contentsOf: try await store.alreadyRegistered(lines))
        try problems.check()
        let items = try await store.importItems(lines, by: context.auditActor)
        var response = Civic_Proposals_V1_ImportItemsResponse()
        response.imported = Int32(items.count)
        response.ids = items.map(\.id)
        return response
    }

    /// One RegisterItemRequest in JSON per line (blank lines skipped), and the lines that are not.
    static func jsonLines(_ content: String) -> (lines: [ItemImport.Line], problems: ValidationErrors) {
        var lines: [ItemImport.Line] = []
        var problems = ValidationErrors()
        for (index, text) in content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = text.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            do {
                let message = try Civic_Proposals_V1_RegisterItemRequest(jsonString: line, options: ProtoJSON.decodingOptions)
                lines.append(ItemImport.Line(number: index + 1, registration: ItemRegistration(message)))
            } catch {
                problems.add("line \(index + 1)", "INVALID_JSON", "line \(index + 1): not a RegisterItemRequest in JSON (\(error))")
            }
        }
        return (lines, problems)
    }
}
