import CivicStorage

/// The organizations database's own migrations, after the shared ones (audit log, outbox, inbox,
/// job runs). Append-only: a released migration is never edited; a change is a new one,
/// named "organizations-NNN-what".
public enum OrganizationsSchema {
    public static let migrations: [DatabaseMigration] = []
}
