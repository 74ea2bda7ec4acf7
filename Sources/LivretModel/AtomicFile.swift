import CLivretIO
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one way livret writes a file: whole or not at all, and durably. Every writer uses it (the
/// CLI's `-o`, print runs, the archive, the dataset folder of `import`).
///
/// What happens depends on what the destination is (`destination(of:)`):
/// - **nothing, or a regular file**: the bytes go to a temporary sibling (`.NAME.tmp-PID-RANDOM`),
///   the file is fsynced, renamed over the destination, and the folder is fsynced. A reader never
///   sees a half-written file; a replaced file keeps its permission bits.
/// - **a character device, a FIFO or a socket** (`/dev/null`, `/dev/stdout`, a named pipe): the
///   bytes are written into it directly — no temporary file, no rename, so a device or a pipe is
///   never replaced by a regular file.
/// - **a symbolic link**: followed. A link to a regular file (or to nothing) has its *target*
///   replaced atomically, in the target's folder; the link itself stays a link. A link to a device
///   or a FIFO is written into, as above.
/// - **one of the process's own descriptors** (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`):
///   written through a duplicate of it, as `-` writes standard output: `-o /dev/stdout >> log`
///   appends to the log, it does not replace it.
/// - **a folder** (or a link to one), **a block device**, an empty path or one ending in `/`: refused
///   with an `IOError` (`EISDIR`, `EINVAL`, `ENOENT`); nothing is touched.
///
/// Between the look at the destination and the rename, another process may change it: the rules
/// above are about what the user named, not a defence against a concurrent attacker.
public enum AtomicFile {
    /// Where the bytes for a path go.
    public enum Destination: Equatable, Sendable {
        /// Written to a temporary sibling, then renamed over this path (the path itself, or the
        /// final target of the link it names).
        case replace(String)
        /// Opened and written in place: a character device, FIFO or socket (or a link to one).
        case direct(String)
        /// One of this process's own open descriptors, named as `/dev/stdout`, `/dev/fd/N` or
        /// `/proc/self/fd/N`: written through a duplicate of it, so that whatever the shell opened
        /// (`> file`, `>> log`, a pipe) gets the bytes at its own offset, and no file is replaced.
        case descriptor(Int32)
    }

    /// Writes `data` to `url` by the rules of `AtomicFile`.
    public static func write(_ data: Data, to url: URL) throws(IOError) {
        try write(data, toPath: url.path)
    }

    /// Writes `data` to `path` by the rules of `AtomicFile`; errors name `path` as given.
    public static func write(_ data: Data, toPath path: String) throws(IOError) {
        let output = try Output(path: path)
        try output.write(data)
        try output.commit()
    }

    /// Decides where the bytes for `path` go (see `AtomicFile`), or refuses.
    public static func destination(of path: String) throws(IOError) -> Destination {
        guard !path.isEmpty else {
            throw IOError(.create, path: path, errno: ENOENT, reason: "an empty path names no file")
        }
        guard !path.hasSuffix("/") else {
            throw IOError(.create, path: path, errno: EISDIR, reason: "a path ending in / names a folder, not a file")
        }
        if let fd = try ownDescriptor(path) { return .descriptor(fd) }
        var status = stat()
        if stat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                let resolved = try resolveLinks(path)
                var final = stat()
                if lstat(resolved, &final) == 0, final.st_mode & S_IFMT == S_IFREG,
                   final.st_dev == status.st_dev, final.st_ino == status.st_ino {
                    return .replace(resolved)
                }
                // A link the kernel follows but whose text names another file (a /proc/PID/fd/N
                // of a deleted file): write into what the kernel opens.
                return .direct(path)
            case S_IFDIR:
                throw IOError(.create, path: path, errno: EISDIR, reason: "is a folder (livret never replaces a folder with a file)")
            case S_IFCHR, S_IFIFO, S_IFSOCK:
                return .direct(path)
            default:
                throw IOError(.create, path: path, errno: EINVAL, reason: "is a block device (livret writes files, character devices and pipes only)")
            }
        }
        let code = systemErrno()
        guard code == ENOENT else { throw IOError(.create, path: path, errno: code) }
        // Nothing there, or a link to nothing: the file is created where the link points.
        return .replace(try resolveLinks(path))
    }

    /// The descriptor `path` names when it is, or links to, an entry of this process's own
    /// `/proc/PID/fd` (`/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`), else nil.
    static func ownDescriptor(_ path: String) throws(IOError) -> Int32? {
        let own = "/proc/\(getpid())/fd"
        var current = path
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        for _ in 0..<40 {
            if let number = Int32(name(of: current)), number >= 0, let real = realpath(folder(of: current), nil) {
                defer { free(real) }
                if String(cString: real) == own { return number }
            }
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count >= 0 else { return nil }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : folder(of: current) + "/" + target
        }
        throw IOError(.stat, path: path, errno: ELOOP)
    }

    /// Follows `path` while its last component is a symbolic link (relative links from the link's
    /// folder) and returns the first path that is not a link — possibly one that does not exist.
    /// Folders along the way are left to the kernel. More than 40 links: `ELOOP`.
    public static func resolveLinks(_ path: String) throws(IOError) -> String {
        var current = path
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        for _ in 0..<40 {
            let count = readlink(current, &buffer, buffer.count - 1)
            if count < 0 {
                let code = systemErrno()
                if code == EINVAL || code == ENOENT { return current }  // not a link, or nothing there
                throw IOError(.stat, path: path, errno: code)
            }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : folder(of: current) + "/" + target
        }
        throw IOError(.stat, path: path, errno: ELOOP)
    }

    /// The folder part of `path` (`.` for a bare name, `/` for a name at the root).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The temporary name of `url`: `.NAME.tmp-PID-RANDOM`, beside it.
    public static func temporarySibling(of url: URL) -> URL {
        URL(fileURLWithPath: temporarySibling(ofPath: url.path))
    }

    /// The temporary name of `path`: `.NAME.tmp-PID-RANDOM`, beside it.
    public static func temporarySibling(ofPath path: String) -> String {
        let parent = folder(of: path)
        let base = ".\(name(of: path)).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        return parent == "/" ? "/" + base : parent + "/" + base
    }

    /// fsyncs the folder that holds `path`, so that an entry created or renamed in it is durable.
    /// A file system that cannot fsync a folder (`EINVAL`) is taken at its word.
    public static func syncFolder(containing path: String) throws(IOError) {
        try syncFolder(folder(of: path))
    }

    /// fsyncs the folder `path` itself.
    public static func syncFolder(_ path: String) throws(IOError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError.current(.open, path: path) }
        defer { close(fd) }
        if fsync(fd) != 0, systemErrno() != EINVAL { throw IOError.current(.fsync, path: path) }
    }

    /// Writes `data` to a new file at `path` (refused with `EEXIST` when anything is there, links
    /// included: nothing is followed), fsynced unless `sync` is false. For staging areas the caller
    /// owns (archive versions, dataset folders), which are published by a rename of their own.
    public static func writeNew(_ data: Data, toPath path: String, sync: Bool = true) throws(IOError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw IOError.current(.create, path: path) }
        defer { close(fd) }
        try FileIO.writeAll(data, to: fd, path: path)
        if sync, fsync(fd) != 0 { throw IOError.current(.fsync, path: path) }
    }

    /// Removes the temporary files (`.NAME.tmp-PID…`) that a process killed mid-write left in
    /// `directory`: only those whose process is gone, so that a concurrent writer is never touched.
    /// Returns the names removed. For folders livret owns (a print run's output); for a folder of
    /// the user's, use `removeStaleTemporaries(of:)`.
    @discardableResult
    public static func removeStaleTemporaries(in directory: URL) -> [String] {
        removeStale(in: directory.path) { _ in true }
    }

    /// Removes the temporaries of `path` only (`.NAME.tmp-PID…` of that NAME) left by processes
    /// that are gone. Returns the names removed.
    @discardableResult
    public static func removeStaleTemporaries(of path: String) -> [String] {
        let prefix = ".\(name(of: path)).tmp-"
        return removeStale(in: folder(of: path)) { $0.hasPrefix(prefix) }
    }

    private static func removeStale(in directory: String, where accept: (String) -> Bool) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var removed: [String] = []
        for name in names.sorted() where name.hasPrefix(".") && accept(name) {
            guard let marker = name.range(of: ".tmp-", options: .backwards) else { continue }
            let digits = name[marker.upperBound...].prefix { $0.isASCII && $0.isNumber }
            guard let pid = Int32(digits), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH, unlink(directory + "/" + name) == 0 { removed.append(name) }
        }
        return removed
    }

    /// A file being written by the rules of `AtomicFile`, for output that comes in pieces (a PDF
    /// streamed page by page, a tar read from a pipe). Nothing is visible at the destination until
    /// `commit()`; an `Output` dropped or `discard()`ed without it leaves no trace (into a device or
    /// a FIFO, the bytes written are of course already gone).
    ///
    /// One owner, one thread: not `Sendable`.
    public final class Output {
        /// The destination as the caller named it; every error names it.
        public let path: String
        /// Where the bytes go.
        public let destination: Destination
        /// The temporary sibling being written, or nil when writing in place.
        public let temporaryPath: String?
        /// The open descriptor (of the temporary, or of the device); -1 once committed or discarded.
        public private(set) var descriptor: Int32

        /// Opens `url` for writing (see `init(path:permissions:)`).
        public convenience init(_ url: URL, permissions: mode_t = 0o644) throws(IOError) {
            try self.init(path: url.path, permissions: permissions)
        }

        /// Opens `path` for writing: creates its temporary sibling (with `permissions`, or those of
        /// the regular file it will replace), or opens the device or FIFO it names.
        public init(path: String, permissions: mode_t = 0o644) throws(IOError) {
            self.path = path
            let destination = try AtomicFile.destination(of: path)
            self.destination = destination
            switch destination {
            case .descriptor(let number):
                let fd = fcntl(number, F_DUPFD_CLOEXEC, 0)
                guard fd >= 0 else { throw IOError.current(.open, path: path) }
                descriptor = fd
                temporaryPath = nil
            case .direct(let target):
                let fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC)
                guard fd >= 0 else { throw IOError.current(.open, path: path) }
                descriptor = fd
                temporaryPath = nil
            case .replace(let target):
                var mode = permissions
                var existing = stat()
                let replacing = stat(target, &existing) == 0
                if replacing { mode = mode_t(existing.st_mode & 0o7777) }
                let temporary = AtomicFile.temporarySibling(ofPath: target)
                let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
                guard fd >= 0 else { throw IOError.current(.create, path: path) }
                if replacing { _ = fchmod(fd, mode) }  // the umask must not narrow a file's permissions
                descriptor = fd
                temporaryPath = temporary
            }
        }

        deinit { discard() }

        /// A `FileHandle` on the descriptor, for APIs that take one (it does not close it). Its
        /// throwing `write(contentsOf:)` reports errors; its old `write(_:)` would trap.
        public var fileHandle: FileHandle { FileHandle(fileDescriptor: descriptor, closeOnDealloc: false) }

        /// Appends `data`.
        public func write(_ data: Data) throws(IOError) {
            try FileIO.writeAll(data, to: descriptor, path: path)
        }

        /// Appends `bytes`.
        public func write(_ bytes: UnsafeRawBufferPointer) throws(IOError) {
            try FileIO.writeAll(bytes, to: descriptor, path: path)
        }

        /// Publishes the file: fsync, close, rename over the destination, fsync of its folder. Into
        /// a device or FIFO: close. On failure the temporary is removed and nothing was replaced
        /// (unless only the folder's fsync failed: the file is then in place but maybe not durable).
        public func commit() throws(IOError) {
            precondition(descriptor >= 0, "AtomicFile.Output committed twice or after discard")
            let fd = descriptor
            descriptor = -1
            guard let temporary = temporaryPath, case .replace(let target) = destination else {
                if close(fd) != 0, systemErrno() != EINTR { throw IOError.current(.write, path: path) }
                return
            }
            if fsync(fd) != 0 {
                let error = IOError.current(.fsync, path: path)
                close(fd)
                unlink(temporary)
                throw error
            }
            if close(fd) != 0, systemErrno() != EINTR {
                let error = IOError.current(.write, path: path)
                unlink(temporary)
                throw error
            }
            if rename(temporary, target) != 0 {
                let error = IOError.current(.rename, path: path)
                unlink(temporary)
                throw error
            }
            try AtomicFile.syncFolder(containing: target)
        }

        /// Abandons the file: closes it and removes the temporary. Safe to call more than once.
        public func discard() {
            guard descriptor >= 0 else { return }
            close(descriptor)
            descriptor = -1
            if let temporaryPath { unlink(temporaryPath) }
        }
    }

    // MARK: Folders replaced whole

    /// Puts the folder `staging` in the place of the folder `destination` in one step, and fsyncs
    /// their parent. Both must be in the same folder; `destination` must not be a symbolic link
    /// (resolve it first with `resolveLinks`: a link is never replaced by a folder).
    ///
    /// An existing `destination` is exchanged with `staging` (`renameat2` with `RENAME_EXCHANGE`):
    /// the old tree is then at `staging`, which is returned for the caller to remove. Where the
    /// file system cannot exchange, the old tree is first renamed to `aside` (returned), then
    /// `staging` renamed into place; should that fail, the old tree is put back. Returns nil when
    /// there was no old tree. A process killed between the two renames leaves the old tree at
    /// `aside`: the caller's recovery puts it back.
    @discardableResult
    public static func replaceFolder(_ destination: String, with staging: String, aside: String) throws(IOError) -> String? {
        var status = stat()
        let exists = lstat(destination, &status) == 0
        if exists {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw IOError(.rename, path: destination, errno: ENOTDIR, reason: "is not a folder (only a folder is replaced by a folder)")
            }
            if clivret_rename_exchange(staging, destination) == 0 {
                try syncFolder(containing: destination)
                return staging
            }
            let code = systemErrno()
            guard code == EINVAL || code == ENOSYS || code == ENOTSUP else {
                throw IOError(.rename, path: destination, errno: code)
            }
            guard rename(destination, aside) == 0 else { throw IOError.current(.rename, path: destination, destination: aside) }
        }
        guard rename(staging, destination) == 0 else {
            let error = IOError.current(.rename, path: destination)
            if exists { _ = rename(aside, destination) }
            throw error
        }
        try syncFolder(containing: destination)
        return exists ? aside : nil
    }
}
