import CivicDomain
import CivicProtos
import CivicStorage

// civic.common.v1 messages from the shared storage types, for every service.

extension Civic_Common_V1_AuditEntry {
    public init(_ entry: AuditEntry) {
        self.init()
        id = entry.id ?? 0
        actor = entry.actor
        action = entry.action
        entity = entry.entity
        entityID = entry.entityID
        reason = entry.reason
        at = entry.at
        detail = entry.detail
        requestID = entry.requestID
    }
}

extension Civic_Common_V1_PageInfo {
    public init<T>(_ page: Page<T>) {
        self.init()
        nextPageToken = page.nextPageToken
        totalCount = Int64(page.totalCount)
    }
}

extension Civic_Common_V1_ImportProblem {
    /// A problem of an imported file whose field names its line ("line 7: beds"); line 0 for the file as a whole.
    public init(_ problem: FieldProblem) {
        self.init()
        let digits = problem.field.hasPrefix("line ") ? problem.field.dropFirst(5).prefix { $0.isNumber } : ""
        line = Int32(digits) ?? 0
        field = problem.field
        reason = problem.reason
        description_p = problem.description
    }
}
