import CivicStorage

/// The eldercare database's own migrations, after the shared ones (audit log, outbox, inbox,
/// job runs). Append-only: a released migration is never edited; a change is a new one,
/// named "eldercare-NNN-what".
public enum EldercareSchema {
    public static let migrations: [DatabaseMigration] = []
}
