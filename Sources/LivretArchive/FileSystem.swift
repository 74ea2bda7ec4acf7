import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LivretModel

/// Thin POSIX helpers for the archive: listings, trees, and the archive's side of durable writes,
/// which go through LivretModel's `AtomicFile` and `FileIO` (the one writer). Every failure is an
/// `ArchiveError.io` carrying the one `IOError` shape.
enum FileSystem {
    /// An `ArchiveError.io` for `operation` on `path` with the current `errno`.
    static func fail(_ operation: IOError.Operation, _ path: String) -> ArchiveError {
        .io(IOError.current(operation, path: path))
    }

    /// Runs `body`, turning its `IOError` into an `ArchiveError.io`.
    static func io<T>(_ body: () throws(IOError) -> T) throws(ArchiveError) -> T {
        do { return try body() } catch { throw .io(error) }
    }

    /// Writes `data` to a new file at `path` (fails if it exists) and fsyncs it.
    static func writeNewFile(_ data: Data, to path: String, sync: Bool = true) throws {
        try io { () throws(IOError) in try AtomicFile.writeNew(data, toPath: path, sync: sync) }
    }

    /// Copies `source` to a new file at `path`, calling `observe` with every chunk read, and fsyncs it.
    static func copyNewFile(from source: String, to path: String, sync: Bool = true, observe: (UnsafeRawBufferPointer) -> Void) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw fail(.open, source) }
        defer { close(input) }
        let output = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw fail(.create, path) }
        defer { close(output) }
        try FileSystem.readChunks(fd: input, path: source) { chunk in
            observe(chunk)
            try io { () throws(IOError) in try FileIO.writeAll(chunk, to: output, path: path) }
        }
        if sync, fsync(output) != 0 { throw fail(.fsync, path) }
    }

    /// Reads an open file to its end in 1 MiB chunks.
    static func readChunks(fd: Int32, path: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n < 0 {
                if errno == EINTR { continue }
                throw fail(.read, path)
            }
            if n == 0 { break }
            try body(UnsafeRawBufferPointer(start: buffer, count: n))
        }
    }

    /// Reads a whole file.
    static func readFile(_ path: String) throws -> Data {
        try io { () throws(IOError) in try FileIO.read(path, limit: Int.max) }
    }

    /// fsyncs a directory, so that the entries created or renamed in it are durable.
    static func syncDirectory(_ path: String) throws {
        try io { () throws(IOError) in try AtomicFile.syncFolder(path) }
    }

    /// Creates a directory; `true` if it was created, `false` if it existed.
    @discardableResult
    static func makeDirectory(_ path: String) throws -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        if errno == EEXIST { return false }
        throw fail(.mkdir, path)
    }

    /// Creates `path` and its missing parents under `base` (which must exist), fsyncing the parent
    /// of every directory created so the new entries are durable.
    static func makeDirectories(_ relative: [String], under base: String) throws {
        var current = base
        for component in relative {
            let next = current + "/" + component
            if try makeDirectory(next) { try syncDirectory(current) }
            current = next
        }
    }

    /// Atomic rename (same file system).
    static func rename(_ from: String, _ to: String) throws {
        if posixRename(from, to) != 0 { throw ArchiveError.io(IOError.current(.rename, path: from, destination: to)) }
    }

    enum Kind { case file, directory, symlink, other, missing }

    static func kind(_ path: String) -> Kind {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    static func exists(_ path: String) -> Bool { kind(path) != .missing }

    /// Names in a directory (no `.`/`..`), sorted.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw fail(.list, path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Entries of a directory with their kind (from `d_type`, `lstat` only when unknown), sorted by name.
    static func entries(_ path: String) throws -> [(name: String, kind: Kind)] {
        guard let dir = opendir(path) else { throw fail(.list, path) }
        defer { closedir(dir) }
        var result: [(name: String, kind: Kind)] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            let kind: Kind
            switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): kind = .file
            case Int32(DT_DIR): kind = .directory
            case Int32(DT_LNK): kind = .symlink
            case Int32(DT_UNKNOWN): kind = FileSystem.kind(path + "/" + name)
            default: kind = .other
            }
            result.append((name, kind))
        }
        return result.sorted { $0.name < $1.name }
    }

    /// Removes a file or a directory tree (no error if missing).
    static func removeTree(_ path: String) throws {
        switch kind(path) {
        case .missing: return
        case .directory:
            for name in try list(path) { try removeTree(path + "/" + name) }
            if rmdir(path) != 0 && errno != ENOENT { throw fail(.remove, path) }
        default:
            if unlink(path) != 0 && errno != ENOENT { throw fail(.remove, path) }
        }
    }

    /// fsyncs every directory of a tree, deepest first (the files are fsynced as they are written).
    static func syncTree(_ path: String) throws {
        for name in try list(path) where kind(path + "/" + name) == .directory {
            try syncTree(path + "/" + name)
        }
        try syncDirectory(path)
    }

    /// Copies a directory tree to a new directory, fsyncing every file and directory.
    /// Links and special files are refused (OCFL forbids them, E090).
    static func copyTree(_ source: String, to destination: String) throws {
        guard kind(source) == .directory else { throw ArchiveError.invalidArgument("\(source) is not a directory") }
        try makeDirectory(destination)
        for name in try list(source) {
            let from = source + "/" + name
            let to = destination + "/" + name
            switch kind(from) {
            case .directory: try copyTree(from, to: to)
            case .file: try copyNewFile(from: from, to: to, observe: { _ in })
            default: throw ArchiveError.refused("\(from) is a link or a special file (OCFL E090)")
            }
        }
        try syncDirectory(destination)
    }

    /// fsyncs every file and directory of a tree (for trees written by another program).
    static func syncTreeFully(_ path: String) throws {
        for name in try list(path) {
            let full = path + "/" + name
            switch kind(full) {
            case .directory: try syncTreeFully(full)
            case .file:
                let fd = open(full, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw fail(.open, full) }
                defer { close(fd) }
                if fsync(fd) != 0 { throw fail(.fsync, full) }
            default: continue
            }
        }
        try syncDirectory(path)
    }

    /// Every regular file under `path`, as paths relative to it (`/`-separated), sorted.
    static func walkFiles(_ path: String, prefix: String = "") throws -> [String] {
        var result: [String] = []
        for name in try list(path) {
            let full = path + "/" + name
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            switch kind(full) {
            case .directory: result += try walkFiles(full, prefix: relative)
            default: result.append(relative)
            }
        }
        return result
    }
}

private func posixRename(_ from: String, _ to: String) -> Int32 { rename(from, to) }
