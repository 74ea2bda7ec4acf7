import Foundation

/// Everything the archive refuses or fails at, each naming what failed and where.
public enum ArchiveError: Error, CustomStringConvertible, Sendable {
    /// A caller's mistake (bad INE, bad logical path, unknown version…): exit 64 or 1 in the CLI.
    case invalidArgument(String)
    /// The object, version or logical path does not exist.
    case notFound(String)
    /// Stored bytes do not match their recorded digest, or an inventory is broken.
    case damaged(String)
    /// An object offered for import is invalid, or conflicts with the stored history.
    case refused(String)
    /// A file-system call failed: `operation` on `path` with `errno`.
    case io(operation: String, path: String, errno: Int32)
    /// The SQLite index failed.
    case index(String)

    public var description: String {
        switch self {
        case .invalidArgument(let message): return message
        case .notFound(let message): return message
        case .damaged(let message): return message
        case .refused(let message): return message
        case .io(let operation, let path, let code): return "\(operation) \(path): \(String(cString: strerror(code)))"
        case .index(let message): return "index: \(message)"
        }
    }
}
