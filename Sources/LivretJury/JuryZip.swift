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

    /// How much a jury package zip may unpack to (a zip bomb is refused before anything is
    /// extracted). A real package is a few hundred candidates' livrets (PDF and JSON, a few hundred
    /// kilobytes each): the defaults leave it a hundredfold room.
    public struct Limits: Sendable, Hashable {
        /// The most entries a zip may hold.
        public var entries: Int
        /// The largest uncompressed size an entry may declare, in bytes.
        public var entrySize: UInt64
        /// The largest total uncompressed size the entries may declare, in bytes.
        public var totalSize: UInt64
        /// The highest compression ratio (uncompressed ∶ compressed) of an entry larger than
        /// `ratioFloor` bytes.
        public var ratio: UInt64
        /// Entries up to this uncompressed size are not held to `ratio` (a small text of spaces
        /// compresses well and harms no one).
        public var ratioFloor: UInt64

        /// - Parameters: see the properties.
        public init(entries: Int = 100_000, entrySize: UInt64 = 512 << 20, totalSize: UInt64 = 4 << 30, ratio: UInt64 = 200,
                    ratioFloor: UInt64 = 4 << 20) {
            self.entries = entries
            self.entrySize = entrySize
            self.totalSize = totalSize
            self.ratio = ratio
            self.ratioFloor = ratioFloor
        }
    }

    /// Extracts `zip` into the empty folder `folder` and returns the bag folder inside it. Refused
    /// (nothing extracted) when the zip cannot be read (truncated, damaged), when an entry is a
    /// symbolic link, has an absolute path or a `..` element, appears twice, or when the entries are
    /// not all in one top-level folder; refused too (a zip bomb) when there are more entries than
    /// `limits` allows, when an entry declares an uncompressed size or a compression ratio beyond
    /// them or the entries together declare more than their total, and, while extracting, when an
    /// entry inflates beyond the size it declares or does not match its CRC-32 (what was extracted
    /// is then removed).
    public static func extract(_ zip: URL, into folder: URL, limits: Limits = Limits()) throws(JuryError) -> URL {
        let archive: Archive
        do { archive = try Archive(url: zip, accessMode: .read) } catch {
            throw JuryError(.refused, "\(zip.path) is not a readable zip (truncated or damaged): \(error)")
        }
        var top: String?
        var entries: [Entry] = []
        var seen = Set<String>()
        var declaredTotal: UInt64 = 0
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
            guard seen.count <= limits.entries else {
                throw JuryError(.refused, "\(zip.path): more than \(limits.entries) entries: refused (zip bomb)")
            }
            guard entry.type == .file else { continue }
            let size = entry.uncompressedSize, compressed = entry.compressedSize
            guard size <= limits.entrySize else {
                throw JuryError(.refused, "\(zip.path): the entry \(path) declares \(size) bytes uncompressed, more than \(limits.entrySize): refused (zip bomb)")
            }
            if size > limits.ratioFloor, size / max(compressed, 1) > limits.ratio {
                throw JuryError(.refused, "\(zip.path): the entry \(path) declares \(size) bytes from \(compressed) compressed, a compression ratio "
                                + "over \(limits.ratio):1: refused (zip bomb)")
            }
            declaredTotal += size
            guard declaredTotal <= limits.totalSize else {
                throw JuryError(.refused, "\(zip.path): the entries declare more than \(limits.totalSize) bytes uncompressed in all: refused (zip bomb)")
            }
            entries.append(entry)
        }
        guard let top else { throw JuryError(.refused, "\(zip.path): the zip is empty") }
        let bag = folder.appendingPathComponent(top)
        let bagExisted = FileManager.default.fileExists(atPath: bag.path)
        do {
            for entry in entries { try extract(entry, of: archive, to: folder.appendingPathComponent(entry.path)) }
        } catch {
            if !bagExisted { try? FileManager.default.removeItem(at: bag) }
            if let error = error as? JuryError { throw JuryError(error.code, "\(zip.path): \(error.message)") }
            throw JuryError(.refused, "\(zip.path): an entry cannot be read (truncated or damaged zip): \(error)")
        }
        return bag
    }

    /// Inflates `entry` to `destination` chunk by chunk, stopping (refused) at the first byte past
    /// the size the entry declares, and checks its CRC-32.
    static func extract(_ entry: Entry, of archive: Archive, to destination: URL) throws {
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: destination.path, contents: nil) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let handle = try FileHandle(forWritingTo: destination)
        defer { try? handle.close() }
        let declared = entry.uncompressedSize
        var written: UInt64 = 0
        let checksum = try archive.extract(entry) { chunk in
            written += UInt64(chunk.count)
            guard written <= declared else {
                throw JuryError(.refused, "the entry \(entry.path) inflates beyond the \(declared) bytes it declares: refused (zip bomb)")
            }
            try handle.write(contentsOf: chunk)
        }
        guard written == declared else {
            throw JuryError(.refused, "the entry \(entry.path) holds \(written) bytes but declares \(declared): refused (damaged zip)")
        }
        guard checksum == entry.checksum else {
            throw JuryError(.refused, "the entry \(entry.path) does not match its CRC-32: refused (damaged zip)")
        }
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
