import CivicStorage

/// The enforcement database's own migrations, after the shared ones (audit log, outbox, inbox,
/// job runs). Append-only: a released migration is never edited; a change is a new one,
/// named "enforcement-NNN-what".
public enum EnforcementSchema {
    public static let migrations: [DatabaseMigration] = []
}
