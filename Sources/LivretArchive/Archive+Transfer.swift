import Foundation
import LivretModel

/// Transfer of a pupil's object between lycées: export whole (a directory that is the object
/// root, or a `.tar` holding it), import validated on arrival.
extension Archive {
    /// What an import did.
    public enum ImportResult: Sendable, Equatable, CustomStringConvertible {
        case created(id: String, head: String)
        case updated(id: String, from: String, to: String)
        case unchanged(id: String, head: String)

        /// One line for the terminal: `imported ID vN (new object)`, `(was vM)` or `(unchanged)`.
        public var description: String {
            switch self {
            case .created(let id, let head): return "imported \(id) \(head) (new object)"
            case .updated(let id, let from, let to): return "imported \(id) \(to) (was \(from))"
            case .unchanged(let id, let head): return "\(id) already at \(head): nothing imported"
            }
        }
    }

    /// Copies a pupil's object, whole, to `destination`: a `.tar` file (written with /usr/bin/tar)
    /// or a new directory that becomes a copy of the object root. Returns the head exported.
    @discardableResult
    public func export(ine: String, to destination: URL) throws -> String {
        try Self.checkINE(ine)
        let id = Self.objectID(ine: ine)
        let relative = try objectPath(id: id)
        let lock = try lockObject(objectPath: relative, exclusive: false)
        defer { lock.unlock() }
        guard let inventory = try readInventory(objectPath: relative) else {
            throw ArchiveError.notFound("no object \(id) in \(rootPath)")
        }
        let object = rootPath + "/" + relative
        let output = destination.standardizedFileURL.path
        if output.hasSuffix(".tar") {
            Self.removeStaleTemporaries(of: output)
            AtomicFile.removeStaleTemporaries(of: output)
            let components = relative.split(separator: "/")
            // tar writes to a pipe; the bytes go to the file through AtomicFile, so that a write
            // error is an IOError naming the file (not tar's words), and the rules of `-o` hold.
            let file = try FileSystem.io { () throws(IOError) in try AtomicFile.Output(path: output) }
            try Self.runTar(["-cf", "-", "--format=pax", "--sort=name", "--owner=0", "--group=0", "--numeric-owner",
                             "-C", rootPath + "/" + components.dropLast().joined(separator: "/"), String(components.last!)],
                            output: file)
            try FileSystem.io { () throws(IOError) in try file.commit() }
        } else {
            guard !FileSystem.exists(output) else { throw ArchiveError.invalidArgument("\(output) already exists") }
            try FileSystem.copyTree(object, to: output)
        }
        logger.info("archive.export", metadata: ["object.id": "\(id)", "object.head": "\(inventory.head)"])
        return inventory.head
    }

    /// Removes `<output>.tmp-<pid>` files left by exports whose process is gone (killed mid-way).
    static func removeStaleTemporaries(of output: String) {
        let directory = (output as NSString).deletingLastPathComponent
        let prefix = (output as NSString).lastPathComponent + ".tmp-"
        for name in (try? FileSystem.list(directory.isEmpty ? "." : directory)) ?? [] where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid > 0 else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                try? FileSystem.removeTree(directory + "/" + name)
            }
        }
    }

    /// Runs /usr/bin/tar; with `output`, what tar writes on its standard output goes into it (a
    /// write error stops tar and is thrown as `ArchiveError.io`).
    static func runTar(_ arguments: [String], output: AtomicFile.Output? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/tar")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        let pipe = output.map { _ in Pipe() }
        process.standardOutput = pipe ?? FileHandle.nullDevice
        do { try process.run() } catch { throw ArchiveError.io(.run, path: "/usr/bin/tar", errno: ENOENT) }
        // tar's output is read first, then its messages: tar says little on standard error (a few
        // lines at most), far below what a pipe holds, so it cannot stall on it meanwhile.
        var writeError: IOError?
        if let pipe, let output {
            let fd = pipe.fileHandleForReading.fileDescriptor
            do {
                try FileSystem.readChunks(fd: fd, path: "tar's output") { chunk in
                    guard writeError == nil else { return }
                    do throws(IOError) { try output.write(chunk) } catch {
                        writeError = error
                        process.terminate()
                    }
                }
            } catch {
                process.terminate()
                process.waitUntilExit()
                throw error
            }
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if let writeError { throw ArchiveError.io(writeError) }
        guard process.terminationStatus == 0 else {
            throw ArchiveError.refused("tar \(arguments.joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
    }

    /// Imports an object from a directory (its object root) or a `.tar` (as `export` writes it).
    /// The copy is validated (OCFL 1.1, digests checked) before anything is published; it is refused
    /// if invalid, or if the archive holds the same id with a different history. An object that
    /// extends the stored history gets the new versions appended.
    public func importObject(from source: URL) throws -> ImportResult {
        let sourcePath = source.standardizedFileURL.path
        let staging = workPath + "/tmp.\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
        try FileSystem.makeDirectory(staging)
        defer { try? FileSystem.removeTree(staging) }
        var stagedRoot = staging + "/object"
        switch FileSystem.kind(sourcePath) {
        case .directory:
            try FileSystem.copyTree(sourcePath, to: stagedRoot)
        case .file:
            try FileSystem.makeDirectory(stagedRoot)
            try Self.runTar(["-xf", sourcePath, "-C", stagedRoot, "--no-same-owner", "--no-same-permissions"])
            let entries = try FileSystem.list(stagedRoot)
            if !entries.contains(where: { $0.hasPrefix("0=ocfl_object_") }), entries.count == 1,
                FileSystem.kind(stagedRoot + "/" + entries[0]) == .directory
            {
                stagedRoot += "/" + entries[0]
            }
            try FileSystem.syncTreeFully(stagedRoot)
        default:
            throw ArchiveError.notFound("\(sourcePath) does not exist")
        }
        let report = OCFLObjectValidator(checkDigests: true).validate(objectAt: stagedRoot)
        guard report.isValid, let incoming = report.inventory else {
            let errors = report.errors.map { "  \($0)" }.joined(separator: "\n")
            throw ArchiveError.refused("\(sourcePath) is not a valid OCFL object:\n\(errors)")
        }
        let id = incoming.id
        let relative = try objectPath(id: id)
        let object = rootPath + "/" + relative
        let lock = try lockObject(objectPath: relative, exclusive: true)
        defer { lock.unlock() }
        try recoverObject(relativePath: relative)
        let transaction = workPath + "/" + lockName(objectPath: relative) + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
        try FileSystem.makeDirectory(transaction)
        try FileSystem.writeNewFile(Data(relative.utf8), to: transaction + "/object")
        try FileSystem.syncDirectory(transaction)
        try FileSystem.syncDirectory(workPath)

        let result: ImportResult
        if let existing = try readInventory(objectPath: relative) {
            try Self.checkSameHistory(existing: existing, incoming: incoming, source: sourcePath)
            let existingCount = existing.versionNames.count
            let incomingNames = incoming.versionNames
            if incomingNames.count <= existingCount {
                try FileSystem.removeTree(transaction)
                return .unchanged(id: id, head: existing.head)
            }
            for name in incomingNames[existingCount...] {
                try FileSystem.rename(stagedRoot + "/" + name, object + "/" + name)
                try FileSystem.syncDirectory(object)
            }
            let sidecarName = "inventory.json." + incoming.digestAlgorithm
            try FileSystem.rename(stagedRoot + "/inventory.json", transaction + "/inventory.json")
            try FileSystem.rename(stagedRoot + "/" + sidecarName, transaction + "/" + sidecarName)
            try FileSystem.rename(transaction + "/inventory.json", object + "/inventory.json")
            try FileSystem.rename(transaction + "/" + sidecarName, object + "/" + sidecarName)
            try FileSystem.syncDirectory(object)
            result = .updated(id: id, from: existing.head, to: incoming.head)
        } else {
            try FileSystem.rename(stagedRoot, transaction + "/object-root")
            try publishNewObject(staged: transaction + "/object-root", relative: relative)
            result = .created(id: id, head: incoming.head)
        }
        try reindexObject(relativePath: relative)
        try FileSystem.removeTree(transaction)
        logger.info("archive.import", metadata: ["object.id": "\(id)", "object.head": "\(incoming.head)"])
        return result
    }

    /// The stored versions must be the first versions of the incoming object, identical.
    static func checkSameHistory(existing: OCFLInventory, incoming: OCFLInventory, source: String) throws {
        func refuse(_ why: String) -> ArchiveError {
            .refused("\(source): object \(existing.id) exists with a different history: \(why)")
        }
        guard existing.digestAlgorithm == incoming.digestAlgorithm else { throw refuse("digest algorithm \(incoming.digestAlgorithm) vs \(existing.digestAlgorithm)") }
        guard existing.contentDirectoryName == incoming.contentDirectoryName else { throw refuse("content directory differs") }
        let existingNames = existing.versionNames
        let incomingNames = incoming.versionNames
        for (index, name) in existingNames.enumerated() {
            guard index < incomingNames.count else { break }
            guard incomingNames[index] == name, let mine = existing.versions[name], let theirs = incoming.versions[name] else {
                throw refuse("version \(name) is missing or named differently")
            }
            guard sameState(mine.state, theirs.state) else { throw refuse("version \(name) has other files") }
            guard mine.created == theirs.created, mine.message == theirs.message, mine.user == theirs.user else {
                throw refuse("version \(name) has other metadata (created, message or user)")
            }
        }
        let limit = Set(existingNames.prefix(incomingNames.count))
        for (digest, paths) in existing.manifest {
            let stored = paths.filter { limit.contains(String($0.prefix(while: { $0 != "/" }))) }
            guard !stored.isEmpty else { continue }
            guard let key = incoming.manifestKey(forDigest: digest), Set(stored).isSubset(of: Set(incoming.manifest[key] ?? [])) else {
                throw refuse("content \(stored.joined(separator: ", ")) is stored differently")
            }
        }
    }
}
