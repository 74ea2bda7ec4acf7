import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one shape of every file-system failure in livret (modelled on swift-nio's
/// `FileSystemError`): what was being done, to which path, the system's error number, and a
/// message in plain words built from them — `cannot write out/x.pdf: No space left on device`.
///
/// Every library throws this for I/O (the archive wraps it in `ArchiveError.io`), never a
/// Foundation error whose user info would have to be searched for the cause. Callers map it:
/// - the CLI: always exit 74 (`EX_IOERR`), the message on standard error;
/// - a server (the idea): from `errno` — `ENOENT`/`ENOTDIR` on an input → 404; `EACCES`/`EPERM`/
///   `EROFS` → 403 when the path is the client's, else 500; `ENOSPC`/`EDQUOT` → 507 Insufficient
///   Storage; `EFBIG` (over a size limit) → 413; `EWOULDBLOCK` (a lock held) → 409 or 503 with
///   Retry-After; anything else → 500. The path is for the server's log, not for the client.
public struct IOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done when the system refused.
    public enum Operation: String, Sendable, Equatable {
        /// Opening an existing file or folder to read it.
        case open
        /// Reading bytes.
        case read
        /// Creating a file (or its temporary sibling) to write it.
        case create
        /// Writing bytes.
        case write
        /// Flushing a file or a folder to disk.
        case fsync
        /// Renaming (or exchanging) a file or folder.
        case rename
        /// Creating a folder.
        case mkdir
        /// Removing a file or folder.
        case remove
        /// Listing a folder.
        case list
        /// Looking at what a path is (`stat`, `readlink`).
        case stat
        /// Taking a lock.
        case lock
        /// Starting a helper program.
        case run
    }

    /// What was being done.
    public var operation: Operation
    /// The path as the caller named it (not a temporary sibling), or `standard output`.
    public var path: String
    /// The system's error number (`ENOSPC`…). For a refusal livret makes itself (a device read
    /// as a file, a size limit), the nearest one: `EINVAL`, `EFBIG`, `EISDIR`.
    public var errno: Int32
    /// The second path of a rename, when there is one.
    public var destination: String?
    /// Why, in plain words: `strerror(errno)` unless livret said better.
    public var reason: String

    /// An error for `operation` on `path` with `errno`; `reason` defaults to the system's words.
    public init(_ operation: Operation, path: String, errno: Int32, destination: String? = nil, reason: String? = nil) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.destination = destination
        self.reason = reason ?? IOError.systemReason(errno)
    }

    /// An error for `operation` on `path` with the calling thread's current `errno`.
    public static func current(_ operation: Operation, path: String, destination: String? = nil) -> IOError {
        IOError(operation, path: path, errno: systemErrno(), destination: destination)
    }

    /// `strerror(code)`, e.g. "No space left on device".
    public static func systemReason(_ code: Int32) -> String {
        code == 0 ? "unknown error" : String(cString: strerror(code))
    }

    /// `cannot write out/x.pdf: No space left on device`.
    public var description: String {
        let verb: String
        switch operation {
        case .open, .read: verb = "cannot read"
        case .create, .write, .fsync: verb = "cannot write"
        case .rename: verb = destination == nil ? "cannot write" : "cannot rename"
        case .mkdir: verb = "cannot create the folder"
        case .remove: verb = "cannot remove"
        case .list: verb = "cannot list the folder"
        case .stat: verb = "cannot look at"
        case .lock: verb = "cannot lock"
        case .run: verb = "cannot run"
        }
        let shown = path.isEmpty ? "''" : path
        return "\(verb) \(shown)\(destination.map { " to \($0)" } ?? ""): \(reason)"
    }
}

/// The calling thread's `errno` (a function, because inside `IOError` the name is the property).
func systemErrno() -> Int32 { errno }
