import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The suite's files hold personal data and its secrets (the internal key, the first admin
/// token): only the user the suite runs as may read them, from the moment they exist.
public enum PrivateFiles {
    /// From now on every file and folder this process creates is private (0600 / 0700), whoever
    /// creates it (SQLite's -wal and -shm, Foundation's temporary files): nothing is readable by
    /// others between its creation and a chmod. Every Civic executable calls this first.
    public static func restrictNewFiles() {
        umask(0o077)
    }

    /// Writes `contents` as the file at `path`, created 0600: into a new temporary file beside
    /// it (O_EXCL, never through a link), synced, then renamed over `path` — a reader sees the
    /// old file or the whole new one, and a crash leaves no half-written secret.
    public static func writeSecret(_ contents: String, to path: String) throws {
        let temporary = "\(path).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure("cannot create", temporary) }
        var ok = true
        let bytes = Array(contents.utf8)
        var written = 0
        while ok && written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 { written += n } else if n < 0 && errno == EINTR { continue } else { ok = false }
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let error = failure("cannot write", path)
            unlink(temporary)
            throw error
        }
    }

    /// Makes an existing folder private (a data folder made before this rule, 0755).
    public static func restrict(folder path: String) throws {
        guard chmod(path, 0o700) == 0 else { throw failure("cannot restrict", path) }
    }

    private static func failure(_ what: String, _ path: String) -> CocoaError {
        CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "\(what) \(path): \(String(cString: strerror(errno)))"])
    }
}
