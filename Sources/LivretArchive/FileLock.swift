import Foundation
import LivretModel
#if canImport(Glibc)
import Glibc
#endif

/// An advisory `flock(2)` on a lock file, held until `unlock()` or deinit (and released by the
/// kernel if the process dies). Locks are per open file description, so two threads of one
/// process exclude each other as two processes do.
final class FileLock {
    private var fd: Int32

    /// Opens (creating if needed) `path` and locks it; `wait: false` returns nil when it is held.
    init?(path: String, exclusive: Bool, wait: Bool = true) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileSystem.fail(.lock, path) }
        var operation = exclusive ? LOCK_EX : LOCK_SH
        if !wait { operation |= LOCK_NB }
        while flock(fd, operation) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(fd)
            fd = -1
            if code == EWOULDBLOCK { return nil }
            throw ArchiveError.io(.lock, path: path, errno: code)
        }
    }

    func unlock() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }

    deinit { unlock() }
}
