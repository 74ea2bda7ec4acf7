import CXMLBridge
import Foundation

/// A dataset directory written all or nothing.
///
/// The files go to a temporary sibling (`.NAME.importing-PID`), are flushed, and the sibling takes
/// the dataset's place. An existing dataset is swapped with it in one step (`renameat2` with
/// `RENAME_EXCHANGE`), then the old tree (now under the sibling's name) is removed; if the process
/// dies before that, the next write (or `recover`) removes it. Where the file system cannot
/// exchange, the old dataset is first renamed aside (`.NAME.previous-PID`), then removed once the
/// new one is in place; if the process dies between the two renames, the next write (or
/// `recover`) puts the previous dataset back. A reader never sees a half-written dataset.
///
/// Only a dataset is ever replaced: an existing directory that holds anything else is refused
/// (`NotADataset`) unless `force` is given.
public enum DatasetDirectory {
    /// The target exists and is not a livret dataset: replacing it would delete what it holds.
    public struct NotADataset: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String {
            "\(path) \(reason): refusing to replace it (nothing touched); choose another directory, or give --force to replace it anyway"
        }
    }

    /// Why `directory` must not be replaced, or nil when it may be: it does not exist, it is empty,
    /// or it is a livret dataset (an `import-report.json` and nothing but regular `*.json` files).
    public static func replacementRefusal(_ directory: URL) -> NotADataset? {
        let fileManager = FileManager.default
        let path = directory.path
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { return NotADataset(path: path, reason: "exists and is not a directory") }
        guard let entries = try? fileManager.contentsOfDirectory(atPath: path) else {
            return NotADataset(path: path, reason: "cannot be listed")
        }
        if entries.isEmpty { return nil }
        guard entries.contains("import-report.json") else {
            return NotADataset(path: path, reason: "is not empty and is not a livret dataset (no import-report.json)")
        }
        let others = entries.filter { name in
            let type = (try? fileManager.attributesOfItem(atPath: directory.appendingPathComponent(name).path))?[.type] as? FileAttributeType
            return !name.hasSuffix(".json") || type != .typeRegular
        }.sorted()
        guard others.isEmpty else {
            let shown = others.prefix(3).joined(separator: ", ") + (others.count > 3 ? ", …" : "")
            return NotADataset(path: path, reason: "holds \(others.count) entr\(others.count == 1 ? "y" : "ies") that a livret dataset does not (\(shown))")
        }
        return nil
    }

    public static func write(_ files: [(name: String, data: Data)], to directory: URL, force: Bool = false) throws {
        if !force, let refusal = replacementRefusal(directory) { throw refusal }
        let fileManager = FileManager.default
        let parent = directory.deletingLastPathComponent()
        let name = directory.lastPathComponent
        try recover(directory)
        try fileManager.createDirectory(at: parent, withIntermediateDirectories: true)
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).importing-\(pid)")
        try? fileManager.removeItem(at: staging)
        try fileManager.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            for file in files {
                let url = staging.appendingPathComponent(file.name)
                let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                defer { close(fd) }
                try file.data.withUnsafeBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let written = Foundation.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                        if written < 0 {
                            if errno == EINTR { continue }
                            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                        }
                        offset += written
                    }
                }
            }
            // One flush for every file (one fsync per file costs a journal commit each: seconds
            // for a large lycée), then the directory itself.
            sync()
            let fd = open(staging.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
        } catch {
            try? fileManager.removeItem(at: staging)
            throw error
        }
        // An existing dataset: swap it with the new one in one step; the old tree is then under
        // the staging name.
        if fileManager.fileExists(atPath: directory.path) && cxml_rename_exchange(staging.path, directory.path) == 0 {
            let fd = open(parent.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 { fsync(fd); close(fd) }
            removeInParallel(staging)
            return
        }
        // No dataset yet, or a file system that cannot exchange: two renames.
        let previous = parent.appendingPathComponent(".\(name).previous-\(pid)")
        var hadPrevious = false
        if fileManager.fileExists(atPath: directory.path) {
            guard rename(directory.path, previous.path) == 0 else {
                let code = errno
                try? fileManager.removeItem(at: staging)
                throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
            }
            hadPrevious = true
        }
        guard rename(staging.path, directory.path) == 0 else {
            let code = errno
            if hadPrevious { _ = rename(previous.path, directory.path) }
            try? fileManager.removeItem(at: staging)
            throw POSIXError(POSIXErrorCode(rawValue: code) ?? .EIO)
        }
        let fd = open(parent.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
        if hadPrevious { removeInParallel(previous) }
    }

    /// Removes a flat directory of files with several threads: on ext4 mounted with `discard`, one
    /// unlink after the other waits for the disk each time (seconds for a lycée), many at once do not.
    static func removeInParallel(_ directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let lanes = 16
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            for index in stride(from: lane, to: names.count, by: lanes) {
                _ = unlink(directory.appendingPathComponent(names[index]).path)
            }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Puts back a dataset left aside by an interrupted write, removes abandoned staging directories.
    ///
    /// Only leftovers of processes that are gone are touched: a `.previous-PID` or `.importing-PID`
    /// of a running import is that import's, not an abandoned one.
    public static func recover(_ directory: URL) throws {
        let fileManager = FileManager.default
        let parent = directory.deletingLastPathComponent()
        let name = directory.lastPathComponent
        guard let entries = try? fileManager.contentsOfDirectory(atPath: parent.path) else { return }
        for entry in entries.sorted() {
            let url = parent.appendingPathComponent(entry)
            if entry.hasPrefix(".\(name).previous-"), isAbandoned(entry) {
                if !fileManager.fileExists(atPath: directory.path) {
                    _ = rename(url.path, directory.path)
                } else {
                    removeInParallel(url)
                }
            } else if entry.hasPrefix(".\(name).importing-"), isAbandoned(entry) {
                removeInParallel(url)
            }
        }
    }

    /// True when the PID that ends a leftover's name (`.NAME.previous-PID`) is no running process.
    static func isAbandoned(_ entry: String) -> Bool {
        guard let last = entry.split(separator: "-").last, let pid = Int32(last), pid > 0 else { return false }
        return kill(pid, 0) == -1 && errno == ESRCH
    }
}
