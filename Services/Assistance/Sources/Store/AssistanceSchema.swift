import CivicStorage

/// The assistance database's own migrations, after the shared ones (audit log, outbox, inbox,
/// job runs). Append-only: a released migration is never edited; a change is a new one,
/// named "assistance-NNN-what".
public enum AssistanceSchema {
    public static let migrations: [DatabaseMigration] = []
}
