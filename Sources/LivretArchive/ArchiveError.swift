import Foundation
import LivretModel

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
    /// A file-system call failed: livret's one I/O error shape (exit 74 in the CLI).
    case io(IOError)
    /// The SQLite index failed.
    case index(String)

    /// The message for the user, naming the object, file or path concerned.
    public var description: String {
        switch self {
        case .invalidArgument(let message): return message
        case .notFound(let message): return message
        case .damaged(let message): return message
        case .refused(let message): return message
        case .io(let error): return error.description
        case .index(let message): return "index: \(message)"
        }
    }

    /// An I/O failure of `operation` on `path` with `errno`.
    public static func io(_ operation: IOError.Operation, path: String, errno: Int32) -> ArchiveError {
        .io(IOError(operation, path: path, errno: errno))
    }

    /// The former shape (an operation named in words), kept so that code written against it
    /// still builds; use `io(_:path:errno:)` with an `IOError.Operation`.
    @available(*, deprecated, message: "use .io(IOError.Operation, path:errno:)")
    public static func io(operation: String, path: String, errno: Int32) -> ArchiveError {
        let known: [String: IOError.Operation] = [
            "flock": .lock, "unlink": .remove, "rmdir": .remove, "opendir": .list, "readlink": .stat, "lstat": .stat,
        ]
        let name = operation.split(separator: " ").first.map(String.init) ?? operation
        return .io(IOError(known[name] ?? IOError.Operation(rawValue: name) ?? .open, path: path, errno: errno))
    }
}
