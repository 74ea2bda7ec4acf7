import Foundation
import Synchronization

/// A journal appender for a long-running process (the service), which appends an entry for every
/// consultation: ``Journal/append(_:)`` checks the whole chain before each append, which grows
/// with the journal; this writer checks it in full once, then remembers the head and the file's
/// identity (device, inode, size, modification time) after its own appends, and checks the whole
/// chain again only when the file changed behind it (another process appended, or it was edited).
/// The last line is always hashed again and compared with the remembered head. Appends take the
/// same `journal.lock` as ``Journal/append(_:)``, so the CLI and the service may append at once.
public final class JournalWriter: Sendable {
    /// The journal written.
    public let journal: Journal
    private let state = Mutex<Known?>(nil)

    /// What the writer knows of the file after its last check or append.
    struct Known: Sendable, Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: Int64
        var head: Journal.Head?
    }

    /// - Parameter journal: the journal to append to.
    public init(journal: Journal) {
        self.journal = journal
    }

    /// Appends `entries` (their `seq` and `previous` filled in) durably, under the journal's lock,
    /// and returns the new head. Refuses when the chain is broken (nothing is appended).
    @discardableResult
    public func append(contentsOf entries: [JournalEntry]) throws -> Journal.Head? {
        try state.withLock { known -> Journal.Head? in
            let url = journal.url
            let lockPath = url.deletingLastPathComponent().appendingPathComponent("journal.lock").path
            guard let lock = try FileLock(path: lockPath, exclusive: true) else {
                throw ArchiveError.io(operation: "flock", path: lockPath, errno: EWOULDBLOCK)
            }
            defer { lock.unlock() }
            var head: Journal.Head?
            if let cached = known, cached == Self.identity(url, head: cached.head), try Self.lastLineHash(url) == cached.head?.sha256 {
                head = cached.head
            } else {
                known = nil
                let report = try journal.verify()
                if let problem = report.problem { throw ArchiveError.damaged("\(url.path): \(problem): nothing appended") }
                head = report.head
            }
            guard !entries.isEmpty else { return head }
            var bytes: [UInt8] = []
            for var entry in entries {
                entry.seq = (head?.seq ?? 0) + 1
                entry.previous = head?.sha256 ?? Journal.genesis
                let line = try Journal.encode(entry)
                bytes += [UInt8](line) + [10]
                head = Journal.Head(seq: entry.seq, sha256: Journal.hash(line))
            }
            let descriptor = open(url.path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw ArchiveError.io(operation: "open", path: url.path, errno: errno) }
            defer { close(descriptor) }
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ArchiveError.io(operation: "write", path: url.path, errno: errno)
                }
                written += count
            }
            if fsync(descriptor) != 0 { throw ArchiveError.io(operation: "fsync", path: url.path, errno: errno) }
            known = Self.identity(url, head: head)
            return head
        }
    }

    /// Appends one entry; returns the new head.
    @discardableResult
    public func append(_ entry: JournalEntry) throws -> Journal.Head {
        try append(contentsOf: [entry])!
    }

    static func identity(_ url: URL, head: Journal.Head?) -> Known? {
        var status = stat()
        guard stat(url.path, &status) == 0 else { return head == nil ? Known(device: 0, inode: 0, size: 0, modified: 0, head: nil) : nil }
        return Known(
            device: UInt64(status.st_dev), inode: UInt64(status.st_ino), size: Int64(status.st_size),
            modified: Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec), head: head)
    }

    /// SHA-256 of the file's last line (nil when there is none).
    static func lastLineHash(_ url: URL) throws -> String? {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        var chunk = 64 * 1024
        while true {
            let start = size > UInt64(chunk) ? size - UInt64(chunk) : 0
            try handle.seek(toOffset: start)
            let data = try handle.readToEnd() ?? Data()
            var body = data
            while body.last == 10 { body.removeLast() }
            if let newline = body.lastIndex(of: 10) {
                return Journal.hash(Data(body[(newline + 1)...]))
            }
            if start == 0 { return body.isEmpty ? nil : Journal.hash(body) }
            chunk *= 4
        }
    }
}
