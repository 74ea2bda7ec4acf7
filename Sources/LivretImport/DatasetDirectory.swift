import Foundation
import LivretModel

/// A dataset directory written all or nothing.
///
/// The files go to a temporary sibling (`.NAME.importing-PID`), are flushed, and the sibling takes
/// the dataset's place through `AtomicFile.replaceFolder` (LivretModel's one atomic writer): an
/// existing dataset is swapped with it in one step (`renameat2` with `RENAME_EXCHANGE`), then the
/// old tree (now under the sibling's name) is removed; if the process dies before that, the next
/// write (or `recover`) removes it. Where the file system cannot exchange, the old dataset is first
/// renamed aside (`.NAME.previous-PID`), then removed once the new one is in place; if the process
/// dies between the two renames, the next write (or `recover`) puts the previous dataset back. A
/// reader never sees a half-written dataset.
///
/// Only a dataset is ever replaced: an existing directory that holds anything else is refused
/// (`NotADataset`) unless `force` is given.
///
/// A symbolic link (`current -> datasets/2015`, a link to a link…) names its target: the target
/// folder is replaced atomically, in the target's parent, and the link stays a link pointing to it.
/// A dangling link gets its target created. Nothing is ever deleted through a link: `force` does
/// not reach through one (a link to a folder that is not a dataset is refused even with `force`:
/// name the folder itself to replace it).
public enum DatasetDirectory {
    /// The target exists and is not a livret dataset: replacing it would delete what it holds.
    public struct NotADataset: Error, CustomStringConvertible, Sendable {
        /// The folder named by the caller.
        public var path: String
        /// What it holds that a dataset does not, e.g. `holds 2 entries that a livret dataset does not (a.txt, b)`.
        public var reason: String
        /// The folder the link `path` points to, when `path` is a symbolic link.
        public var linkTarget: String?
        /// The refusal, naming the folder and how to replace it anyway.
        public var description: String {
            if let linkTarget {
                return "\(path) is a symbolic link to \(linkTarget), which \(reason): refusing to replace it (nothing touched; --force does not reach through a link); name \(linkTarget) itself, with --force, to replace it anyway"
            }
            return "\(path) \(reason): refusing to replace it (nothing touched); choose another directory, or give --force to replace it anyway"
        }
    }

    /// The folder that a write to `directory` replaces: `directory`, or the final target of the
    /// symbolic link it is.
    public static func target(of directory: URL) throws(IOError) -> URL {
        let resolved = try AtomicFile.resolveLinks(directory.path)
        return resolved == directory.path ? directory : URL(fileURLWithPath: resolved).standardizedFileURL
    }

    /// Why `directory` must not be replaced, or nil when it may be: it (or the folder it links to)
    /// does not exist, is empty, or is a livret dataset (an `import-report.json` and nothing but
    /// regular `*.json` files). With `force`, only a folder named directly may be anything.
    public static func replacementRefusal(_ directory: URL, force: Bool = false) -> NotADataset? {
        let target: URL
        do { target = try self.target(of: directory) } catch {
            return NotADataset(path: directory.path, reason: "cannot be resolved (\(error.reason))")
        }
        let isLink = target.path != directory.path
        if force && !isLink { return nil }
        guard var refusal = refusal(target) else { return nil }
        if isLink {
            refusal.path = directory.path
            refusal.linkTarget = target.path
        }
        return refusal
    }

    static func refusal(_ directory: URL) -> NotADataset? {
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

    /// Writes `files` as the dataset at `directory` (or at the folder the link `directory` points
    /// to), replacing what was there all at once. Throws `NotADataset` (nothing touched) or `IOError`.
    public static func write(_ files: [(name: String, data: Data)], to directory: URL, force: Bool = false) throws {
        try write(to: directory, force: force) { add in
            for file in files { try add(file.name, file.data) }
        }
    }

    /// Writes the dataset at `directory` file by file: `files` is given `add(name, bytes)`, which
    /// writes one file into the staging folder at once (so the caller need not hold them all). The
    /// staging folder replaces `directory` all at once only when `files` returns; if it throws, the
    /// staging folder is removed, `directory` is untouched, and its error is rethrown. Throws
    /// `NotADataset` (nothing touched) or `IOError` as `write(_:to:force:)` does.
    public static func write(
        to directory: URL, force: Bool = false, files: (_ add: (_ name: String, _ data: Data) throws -> Void) throws -> Void
    ) throws {
        if let refusal = replacementRefusal(directory, force: force) { throw refusal }
        let target = try self.target(of: directory)
        let fileManager = FileManager.default
        let parent = target.deletingLastPathComponent()
        let name = target.lastPathComponent
        try recover(target)
        try FileIO.createFolders(parent.path)
        let pid = ProcessInfo.processInfo.processIdentifier
        let staging = parent.appendingPathComponent(".\(name).importing-\(pid)")
        try? fileManager.removeItem(at: staging)
        guard mkdir(staging.path, 0o755) == 0 else { throw IOError.current(.mkdir, path: directory.path) }
        do {
            try files { fileName, data in
                do throws(IOError) {
                    try AtomicFile.writeNew(data, toPath: staging.appendingPathComponent(fileName).path, sync: false)
                } catch {
                    throw IOError(error.operation, path: directory.path, errno: error.errno, reason: error.reason)
                }
            }
            // One flush for every file (one fsync per file costs a journal commit each: seconds
            // for a large lycée), then the directory itself.
            sync()
            do throws(IOError) {
                try AtomicFile.syncFolder(staging.path)
            } catch {
                throw IOError(error.operation, path: directory.path, errno: error.errno, reason: error.reason)
            }
        } catch {
            try? fileManager.removeItem(at: staging)
            throw error
        }
        let previous = parent.appendingPathComponent(".\(name).previous-\(pid)")
        let old: String?
        do {
            old = try AtomicFile.replaceFolder(target.path, with: staging.path, aside: previous.path)
        } catch {
            try? fileManager.removeItem(at: staging)
            throw error
        }
        if let old { removeInParallel(URL(fileURLWithPath: old)) }
    }

    /// Removes a flat directory of files with several threads: on ext4 mounted with `discard`, one
    /// unlink after the other waits for the disk each time (seconds for a lycée), many at once do not.
    static func removeInParallel(_ directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        Parallel.forEach(names, width: 16) { name in
            _ = unlink(directory.appendingPathComponent(name).path)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Puts back a dataset left aside by an interrupted write, removes abandoned staging directories.
    ///
    /// Only leftovers of processes that are gone are touched: a `.previous-PID` or `.importing-PID`
    /// of a running import is that import's, not an abandoned one.
    public static func recover(_ directory: URL) throws {
        let directory = (try? target(of: directory)) ?? directory
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
