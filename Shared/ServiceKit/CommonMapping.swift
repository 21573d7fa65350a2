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
