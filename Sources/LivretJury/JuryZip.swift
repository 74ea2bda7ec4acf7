import Foundation
import ZIPFoundation

/// The zip form of a jury package (ZIPFoundation): the bag folder as one top-level folder, entries
/// in byte order of their paths, a fixed modification date, deflated; read back with every entry
/// checked before anything is extracted.
public enum JuryZip {
    /// The modification date written for every entry (the zip format's earliest, 1980-01-01).
    static let fixedDate = Date(timeIntervalSince1970: 315_532_800)

    /// Zips the bag folder `bag` to `zip` (written to a temporary sibling, then renamed; an existing
    /// file is refused).
    public static func write(bag: URL, to zip: URL) throws(JuryError) {
        let root = bag.standardizedFileURL
        if FileManager.default.fileExists(atPath: zip.path) { throw JuryError(.usage, "\(zip.path) already exists: nothing was written") }
        var files: [String: Int] = [:]
        var problems: [String] = []
        JuryVerifier(trusted: []).walk(root.path, relative: "", into: &files, problems: &problems)
        if let problem = problems.first { throw JuryError(.io, "\(root.path): \(problem)") }
        let temporary = zip.deletingLastPathComponent().appendingPathComponent(".\(zip.lastPathComponent).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            let archive = try Archive(url: temporary, accessMode: .create)
            for path in files.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
                let data = try Data(contentsOf: root.appendingPathComponent(path))
                try archive.addEntry(with: root.lastPathComponent + "/" + path, type: .file, uncompressedSize: Int64(data.count),
                                     modificationDate: fixedDate, permissions: 0o644, compressionMethod: .deflate) { position, size in
                    data.subdata(in: Int(position)..<(Int(position) + size))
                }
            }
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, zip.path) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw JuryError(.io, "\(zip.path): cannot write the zip: \(error)")
        }
    }

    /// Extracts `zip` into the empty folder `folder` and returns the bag folder inside it. Refused
    /// (nothing extracted) when the zip cannot be read (truncated, damaged), when an entry is a
    /// symbolic link, has an absolute path or a `..` element, appears twice, or when the entries are
    /// not all in one top-level folder.
    public static func extract(_ zip: URL, into folder: URL) throws(JuryError) -> URL {
        let archive: Archive
        do { archive = try Archive(url: zip, accessMode: .read) } catch {
            throw JuryError(.refused, "\(zip.path) is not a readable zip (truncated or damaged): \(error)")
        }
        var top: String?
        var entries: [Entry] = []
        var seen = Set<String>()
        for entry in archive {
            let path = entry.path
            if entry.type == .symlink { throw JuryError(.refused, "\(zip.path): the entry \(path) is a symbolic link: refused") }
            if path.hasPrefix("/") || path.hasPrefix("\\") || path.contains(":") && path.first?.isLetter == true && path.dropFirst().first == ":" {
                throw JuryError(.refused, "\(zip.path): the entry \(path) has an absolute path: refused")
            }
            let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
            guard BagIt.isSafeRelativePath(trimmed) else {
                throw JuryError(.refused, "\(zip.path): the entry \(path) leaves the folder (.. or empty element): refused")
            }
            let first = String(trimmed.split(separator: "/")[0])
            if top == nil { top = first }
            guard top == first else { throw JuryError(.refused, "\(zip.path): the entries are not all in one folder (\(top!) and \(first))") }
            guard seen.insert(trimmed).inserted else { throw JuryError(.refused, "\(zip.path): the entry \(trimmed) appears twice: refused") }
            if entry.type == .file { entries.append(entry) }
        }
        guard let top else { throw JuryError(.refused, "\(zip.path): the zip is empty") }
        do {
            for entry in entries {
                let destination = folder.appendingPathComponent(entry.path)
                try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                var data = Data()
                _ = try archive.extract(entry) { data.append($0) }
                guard FileManager.default.createFile(atPath: destination.path, contents: data) else {
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
            }
        } catch {
            throw JuryError(.refused, "\(zip.path): an entry cannot be read (truncated or damaged zip): \(error)")
        }
        return folder.appendingPathComponent(top)
    }

    /// Runs `body` on the bag of `path`: the folder itself, or a `.zip` extracted into a temporary
    /// folder that is removed afterwards.
    public static func withBag<T>(_ path: URL, _ body: (URL) async throws(JuryError) -> T) async throws(JuryError) -> T {
        guard path.pathExtension.lowercased() == "zip" else { return try await body(path) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("livret-jury-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw JuryError(.io, "\(folder.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let bag = try extract(path, into: folder)
        return try await body(bag)
    }
}
