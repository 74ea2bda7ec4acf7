import Foundation

/// A dataset directory written all or nothing.
///
/// The files go to a temporary sibling, are flushed, and the sibling is renamed into place. An
/// existing dataset is first renamed aside (`.NAME.previous-PID`), then removed once the new one
/// is in place; if the process dies between the two renames, the next write (or `recover`) puts
/// the previous dataset back. A reader never sees a half-written dataset.
public enum DatasetDirectory {
    public static func write(_ files: [(name: String, data: Data)], to directory: URL) throws {
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
    public static func recover(_ directory: URL) throws {
        let fileManager = FileManager.default
        let parent = directory.deletingLastPathComponent()
        let name = directory.lastPathComponent
        guard let entries = try? fileManager.contentsOfDirectory(atPath: parent.path) else { return }
        for entry in entries.sorted() {
            let url = parent.appendingPathComponent(entry)
            if entry.hasPrefix(".\(name).previous-") {
                if !fileManager.fileExists(atPath: directory.path) {
                    _ = rename(url.path, directory.path)
                } else {
                    removeInParallel(url)
                }
            } else if entry.hasPrefix(".\(name).importing-"), let pid = Int32(entry.split(separator: "-").last ?? ""),
                      kill(pid, 0) != 0 {
                removeInParallel(url)
            }
        }
    }
}
