import CLivretIO
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading files and the standard streams, and writing every byte to a descriptor: the
/// descriptor-level half of livret's I/O (`AtomicFile` is the writing half). Every failure is an
/// `IOError`; nothing here traps (unlike `FileHandle.write(_:)`) or reads without a bound.
public enum FileIO {
    /// The largest input read unless the caller says otherwise: 256 MiB.
    public static let defaultReadLimit = 256 << 20

    /// What errors call standard output.
    public static let standardOutputName = "standard output"
    /// What errors call standard input.
    public static let standardInputName = "standard input"

    /// Reads the whole file at `path`, at most `limit` bytes. A folder (`EISDIR`) and a character
    /// or block device (`EINVAL`: `/dev/zero` would never end) are refused, as is anything longer
    /// than `limit` (`EFBIG`). FIFOs and sockets are read to their end (`<(command)` works).
    public static func read(_ path: String, limit: Int = defaultReadLimit) throws(IOError) -> Data {
        guard !path.isEmpty else { throw IOError(.open, path: path, errno: ENOENT, reason: "an empty path names no file") }
        let fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw IOError.current(.open, path: path) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw IOError.current(.stat, path: path) }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            throw IOError(.read, path: path, errno: EISDIR, reason: "is a folder, not a file")
        case S_IFCHR, S_IFBLK:
            throw IOError(.read, path: path, errno: EINVAL, reason: "is a device, not a regular file")
        case S_IFREG where Int(status.st_size) > limit:
            throw tooLarge(path, limit: limit)
        default:
            return try readAll(fd, path: path, limit: limit)
        }
    }

    /// Reads standard input to its end, at most `limit` bytes (`EFBIG` past it).
    public static func readStandardInput(limit: Int = defaultReadLimit) throws(IOError) -> Data {
        try readAll(STDIN_FILENO, path: standardInputName, limit: limit)
    }

    /// Reads `fd` to its end, at most `limit` bytes.
    public static func readAll(_ fd: Int32, path: String, limit: Int = defaultReadLimit) throws(IOError) -> Data {
        var data = Data()
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = Foundation.read(fd, buffer, chunk)
            if count < 0 {
                if systemErrno() == EINTR { continue }
                throw IOError.current(.read, path: path)
            }
            if count == 0 { return data }
            guard data.count + count <= limit else { throw tooLarge(path, limit: limit) }
            data.append(buffer.assumingMemoryBound(to: UInt8.self), count: count)
        }
    }

    static func tooLarge(_ path: String, limit: Int) -> IOError {
        IOError(.read, path: path, errno: EFBIG, reason: "larger than the limit of \(limit) bytes")
    }

    /// Writes every byte of `data` to `fd` (going on after short writes and `EINTR`).
    public static func writeAll(_ data: Data, to fd: Int32, path: String) throws(IOError) {
        var failure: IOError?
        data.withUnsafeBytes { raw in
            do throws(IOError) { try writeAll(raw, to: fd, path: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes every byte of `bytes` to `fd` (going on after short writes and `EINTR`).
    public static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, path: String) throws(IOError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let count = Foundation.write(fd, base + offset, bytes.count - offset)
            if count < 0 {
                let code = systemErrno()
                if code == EINTR { continue }
                throw IOError(.write, path: path, errno: code,
                              reason: code == EBADF && fd <= STDERR_FILENO ? "it is closed" : nil)
            }
            offset += count
        }
    }

    /// Writes `data` to standard output, after what `print` has buffered. A closed or full
    /// standard output, or a reader gone (`EPIPE`, once `ignoreBrokenPipes()` ran) is an `IOError`.
    public static func writeStandardOutput(_ data: Data) throws(IOError) {
        try flushStandardOutput()
        try writeAll(data, to: STDOUT_FILENO, path: standardOutputName)
    }

    /// Flushes what `print` buffered on standard output; an error there is an `IOError`.
    public static func flushStandardOutput() throws(IOError) {
        let code = clivret_flush_stdout()
        if code != 0 {
            throw IOError(.write, path: standardOutputName, errno: code, reason: code == EBADF ? "it is closed" : nil)
        }
    }

    /// Writes `message` to standard error, ignoring failure (there is nowhere left to report it).
    public static func writeStandardError(_ message: String) {
        var failure: IOError?
        do throws(IOError) { try writeAll(Data(message.utf8), to: STDERR_FILENO, path: "standard error") } catch { failure = error }
        _ = failure
    }

    /// The names in the folder `path` (no `.` or `..`), sorted.
    public static func list(_ path: String) throws(IOError) -> [String] {
        guard let folder = opendir(path) else { throw IOError.current(.list, path: path) }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Creates the folder `path` and its missing parents (`mkdir -p`); an existing folder is fine.
    public static func createFolders(_ path: String) throws(IOError) {
        do throws(IOError) { try createFoldersStep(path) } catch {
            throw IOError(.mkdir, path: path, errno: error.errno, reason: error.reason)
        }
    }

    private static func createFoldersStep(_ path: String) throws(IOError) {
        guard !path.isEmpty else { return }
        var status = stat()
        if stat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw IOError(.mkdir, path: path, errno: ENOTDIR) }
            return
        }
        let parent = AtomicFile.folder(of: path)
        if parent != path && parent != "." && parent != "/" { try createFoldersStep(parent) }
        if mkdir(path, 0o755) != 0, systemErrno() != EEXIST { throw IOError.current(.mkdir, path: path) }
    }

    /// Checks, without creating anything, that files can be written in the folder `path`: it is a
    /// writable folder, or it does not exist and its nearest existing parent is a writable folder
    /// (so `createFolders` would make it). A file in the way, a read-only folder or file system:
    /// an `IOError` naming `path`. (As root, only a read-only file system is caught ahead.)
    public static func checkFolderCanBeWritten(_ path: String) throws(IOError) {
        guard !path.isEmpty else { throw IOError(.mkdir, path: path, errno: ENOENT, reason: "an empty path names no folder") }
        var current = path
        var status = stat()
        while stat(current, &status) != 0 {
            let code = systemErrno()
            guard code == ENOENT else { throw IOError(.mkdir, path: path, errno: code) }
            let parent = folder(ofPath: current)
            if parent == current { break }
            current = parent
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw IOError(current == path ? .create : .mkdir, path: path, errno: ENOTDIR)
        }
        if access(current, W_OK | X_OK) != 0 { throw IOError(current == path ? .create : .mkdir, path: path, errno: systemErrno()) }
    }

    private static func folder(ofPath path: String) -> String {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return AtomicFile.folder(of: trimmed)
    }

    /// For a command-line program's first line. Standard streams that the caller closed
    /// (`>&-`) are occupied by `/dev/null` opened the wrong way round, so that writing standard
    /// output fails with `EBADF` instead of landing in the next file the program opens.
    ///
    /// A constructor in CLivretIO already does this when the program is loaded, before any
    /// library can open a descriptor into the gap (Dispatch's eventfd would otherwise take fd 1
    /// and receive the output); calling it again is harmless.
    public static func occupyClosedStandardStreams() {
        clivret_occupy_standard_streams()
    }

    /// Ignores SIGPIPE, so that writing to a pipe whose reader has gone (`livret … -o - | head`)
    /// fails with `EPIPE` — reported, exit 74 — instead of killing the process silently.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
