import Foundation
import LivretModel
import Logging

/// The archive of every livret issued: an OCFL 1.1 storage root with one object per pupil
/// (id `urn:lsl:ine:<INE>`, layout 0003 hash-and-id n-tuple), each school year's files at
/// `<année>/livret.pdf` and `<année>/livret.json`, SHA-512 inventories, forward-delta versions.
/// The lycée has one object too (id `urn:lsl:uai:<UAI>`, ``put(uai:files:message:user:created:)``):
/// its certificates and its sealed journal, written, locked, indexed and verified like a pupil's.
///
/// The archive home holds, side by side on one file system:
/// - `ocfl-root/`    the storage root (nothing in it that is not OCFL),
/// - `work/`         staging of versions being written (same file system: renames are atomic),
/// - `index.sqlite`  the SQLite index (a cache; rebuilt from `ocfl-root/` when missing or damaged),
/// - `locks/`        one `flock` file per object.
///
/// **Writing.** `put` stages the new version in `work/`, fsyncs every file and directory, then
/// publishes by atomic renames: the version directory into the object (or, for a new object, the
/// whole object directory into place), then the root inventory, then its sidecar. The rename of the
/// version directory is the commit point: recovery rolls a version forward once its directory is in
/// the object (its inventory and sidecar are already inside it) and discards anything staged
/// before. Writers of one object are serialised by an exclusive `flock` on its lock file; writers
/// of different objects do not wait for each other. Every `Archive` runs the recovery of
/// transactions left in `work/` by killed processes when it is created.
///
/// **Thread safety.** `Archive` is `Sendable`: its stored properties are immutable, the index is a
/// GRDB `DatabasePool`, and all coordination goes through file locks (which also exclude threads
/// of one process from each other). Many puts may run in parallel from one process.
///
/// Example (the print run):
/// ```swift
/// let archive = try Archive(home: URL(fileURLWithPath: "Archive"), logger: logger)
/// let result = try archive.put(
///     ine: "123456789AB",
///     files: [ArchiveFile(logicalPath: "2015-2016/livret.pdf", contentsOf: pdfURL),
///             ArchiveFile(logicalPath: "2015-2016/livret.json", data: json)],
///     message: "Impression du livret 2015-2016", user: .current,
///     metadata: ArchiveMetadata(division: "TS2", year: "2015-2016"))
/// // result == .created(version: "v1") or .unchanged(head: "v1")
/// ```
public final class Archive: Sendable {
    /// The archive home: the folder holding `ocfl-root/`, the index and the journal.
    public let home: URL
    /// The OCFL storage root's path (`home/ocfl-root`).
    public let rootPath: String
    let workPath: String
    let locksPath: String
    let indexPath: String
    let logger: Logger
    /// The root's own layout (its 0003 `config.json`); the default settings when unusable.
    let layout: StorageLayout
    /// Why the root's layout cannot be used (not 0003, or a configuration we cannot compute):
    /// every access by id is then refused rather than made at a wrong path.
    let layoutError: ArchiveError?
    let indexHolder: IndexHolder
    var index: ArchiveIndex {
        get throws { try indexHolder.index() }
    }

    /// Opens (creating if needed) the archive at `home`, recovers unfinished transactions, and
    /// rebuilds the index if it is missing, incomplete or damaged (a damaged index is set aside as
    /// `index.sqlite.corrupt-<UTC time>`). With `recreateIndex`, the index is deleted unread and
    /// rebuilt from the storage root.
    public init(home: URL, logger: Logger = Logger(label: "livret.archive"), recreateIndex: Bool = false) throws {
        self.home = home
        let base = home.standardizedFileURL.path
        rootPath = base + "/ocfl-root"
        workPath = base + "/work"
        locksPath = base + "/locks"
        indexPath = base + "/index.sqlite"
        self.logger = logger
        try FileSystem.makeDirectories(base.split(separator: "/").map(String.init), under: "")
        try FileSystem.makeDirectory(workPath)
        try FileSystem.makeDirectory(locksPath)
        try Self.initializeRoot(rootPath, layout: StorageLayout(), locksPath: locksPath)
        do {
            layout = try StorageLayout.read(root: rootPath)
            layoutError = nil
        } catch let error as ArchiveError {
            layout = StorageLayout()
            layoutError = error
            logger.warning("archive.layout.unsupported", metadata: ["error": "\(error)"])
        }
        if recreateIndex { try Self.removeIndexFiles(indexPath, locksPath: locksPath) }
        let indexExisted = FileSystem.exists(indexPath)
        // The index is a cache: one that cannot be opened (a full disk, a read-only file) does
        // not stop the archive; queries then read the storage root.
        var opened: ArchiveIndex?
        do {
            opened = try ArchiveIndex.openRepairing(path: indexPath, locksPath: locksPath, logger: logger)
        } catch let error as ArchiveError {
            guard case .index = error else { throw error }
            logger.warning("archive.index.unavailable: \(error); reading the storage root instead", metadata: ["index.path": "\(indexPath)"])
        }
        indexHolder = IndexHolder(index: opened)
        // Interrupted writes are finished or rolled back here, space freed first; one that cannot
        // be recovered now is left for the next writer of its object (which recovers it first).
        try recoverPendingTransactions(strict: false)
        if opened == nil {
            // Recovery may have freed the space the index needed: one more try.
            if let index = try? ArchiveIndex.openRepairing(path: indexPath, locksPath: locksPath, logger: logger) {
                opened = index
                try indexHolder.replace { index }
                try recoverPendingTransactions(strict: false)  // the index rows still pending
            }
        }
        if let opened {
            do {
                if try !indexExisted || !opened.isComplete() { try rebuildIndexIfIncomplete() }
            } catch let error as ArchiveError {
                guard case .index = error else { throw error }
                indexHolder.markStale()
                logger.warning("archive.index.stale: \(error); reading the storage root instead", metadata: ["index.path": "\(indexPath)"])
            }
        }
    }

    /// The OCFL object id of a pupil.
    public static func objectID(ine: String) -> String { ObjectIndexEntry.idPrefix + ine }

    /// The OCFL object id of a lycée (`urn:lsl:uai:<UAI>`): its certificates and its sealed journal.
    public static func objectID(uai: String) -> String { ObjectIndexEntry.lyceePrefix + uai }

    /// The object id named by `value`: an INE, a UAI, or an id `urn:lsl:ine:<INE>` /
    /// `urn:lsl:uai:<UAI>`, checked (an id of another shape is refused before it touches a path).
    public static func objectID(naming value: String) throws -> String {
        if value.hasPrefix(ObjectIndexEntry.lyceePrefix) {
            let uai = String(value.dropFirst(ObjectIndexEntry.lyceePrefix.count))
            try checkUAI(uai)
            return objectID(uai: uai)
        }
        let ine = value.hasPrefix(ObjectIndexEntry.idPrefix) ? String(value.dropFirst(ObjectIndexEntry.idPrefix.count)) : value
        if Identifiers.ineKind(ine) == nil, Identifiers.uaiProblem(ine) == nil { return objectID(uai: ine) }
        try checkINE(ine)
        return objectID(ine: ine)
    }

    /// Creates the storage root's declaration, layout file and layout configuration if missing.
    static func initializeRoot(_ root: String, layout: StorageLayout, locksPath: String) throws {
        if FileSystem.exists(root + "/0=ocfl_1.1") { return }
        guard let lock = try FileLock(path: locksPath + "/root.lock", exclusive: true) else { return }
        defer { lock.unlock() }
        if FileSystem.exists(root + "/0=ocfl_1.1") { return }
        try FileSystem.makeDirectory(root)
        let extensionDirectory = root + "/extensions/" + StorageLayout.extensionName
        try FileSystem.makeDirectories(["extensions", StorageLayout.extensionName], under: root)
        try? FileSystem.removeTree(extensionDirectory + "/config.json")
        try FileSystem.writeNewFile(layout.configJSON, to: extensionDirectory + "/config.json")
        try FileSystem.syncDirectory(extensionDirectory)
        try? FileSystem.removeTree(root + "/ocfl_layout.json")
        try FileSystem.writeNewFile(StorageLayout.layoutJSON, to: root + "/ocfl_layout.json")
        // The declaration last: a root without it is re-initialised.
        let temporary = root + "/.0=ocfl_1.1.tmp"
        try? FileSystem.removeTree(temporary)
        try FileSystem.writeNewFile(Data("ocfl_1.1\n".utf8), to: temporary)
        try FileSystem.rename(temporary, root + "/0=ocfl_1.1")
        try FileSystem.syncDirectory(root)
    }

    // MARK: paths and locks

    /// The object root of `id`, relative to the storage root, by the root's own layout. Throws
    /// `.refused` when that layout is not one this implementation supports.
    public func objectPath(id: String) throws -> String {
        if let layoutError { throw layoutError }
        return layout.path(for: id)
    }

    func lockName(objectPath: String) -> String { Digests.sha256(Data(objectPath.utf8)) }

    func lockObject(objectPath: String, exclusive: Bool) throws -> FileLock {
        guard let lock = try FileLock(path: locksPath + "/" + lockName(objectPath: objectPath) + ".lock", exclusive: exclusive) else {
            throw ArchiveError.io(.lock, path: objectPath, errno: EWOULDBLOCK)
        }
        return lock
    }

    static func checkUAI(_ uai: String) throws {
        if let problem = Identifiers.uaiProblem(uai) {
            throw ArchiveError.invalidArgument("UAI \(MessageText.quoted(uai)): \(problem)")
        }
    }

    static func checkINE(_ ine: String) throws {
        guard Identifiers.ineKind(ine) != nil else {
            throw ArchiveError.invalidArgument("INE \(MessageText.quoted(ine)) has none of the INE formats (9 digits + 2 letters, 10 digits + 1 letter, 4 digits + A + 5 digits + 1 letter)")
        }
    }

    /// Reads the root inventory of the object at `objectPath` (relative), nil if the object does not exist.
    func readInventory(objectPath: String) throws -> OCFLInventory? {
        let path = rootPath + "/" + objectPath + "/inventory.json"
        guard FileSystem.exists(path) else { return nil }
        return try OCFLInventory(json: try FileSystem.readFile(path), source: path)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    // MARK: put

    /// Adds or replaces `files` in the pupil's object as a new version (creating the object at v1).
    /// When every file is byte-identical to the head version, no version is made: `.unchanged(head)`.
    /// Returns once the version is durable (fsynced and published).
    public func put(
        ine: String, files: [ArchiveFile], message: String, user: ArchiveUser = .current,
        metadata: ArchiveMetadata = ArchiveMetadata(), created: Date = Date()
    ) throws -> PutResult {
        try Self.checkINE(ine)
        return try put(objectID: Self.objectID(ine: ine), name: ine, files: files, message: message, user: user, metadata: metadata, created: created)
    }

    /// Adds or replaces `files` in the lycée's object (`urn:lsl:uai:<UAI>`: its certificates, its
    /// sealed journal) as a new version, exactly as ``put(ine:files:message:user:metadata:created:)``
    /// does for a pupil: same staging, locking, index and recovery; `.unchanged` when nothing differs.
    public func put(uai: String, files: [ArchiveFile], message: String, user: ArchiveUser = .current, created: Date = Date()) throws -> PutResult {
        try Self.checkUAI(uai)
        return try put(objectID: Self.objectID(uai: uai), name: uai, files: files, message: message, user: user, metadata: ArchiveMetadata(), created: created)
    }

    /// The put of an object whose id was checked; `ine` names it in messages.
    func put(
        objectID id: String, name ine: String, files: [ArchiveFile], message: String, user: ArchiveUser,
        metadata: ArchiveMetadata, created: Date
    ) throws -> PutResult {
        try Self.checkPut(logicalPaths: files.map(\.logicalPath), message: message, user: user, context: "put \(ine)")
        for value in [metadata.division, metadata.year].compactMap({ $0 }) where value.unicodeScalars.contains(where: MessageText.isUnsafe) {
            throw ArchiveError.invalidArgument("put \(ine): \(MessageText.quoted(value)) contains a control character")
        }
        let relative = try objectPath(id: id)
        let objectFull = rootPath + "/" + relative
        let lock = try lockObject(objectPath: relative, exclusive: true)
        defer { lock.unlock() }
        try recoverObject(relativePath: relative)
        let existing = try readInventory(objectPath: relative)
        if let existing, existing.id != id {
            throw ArchiveError.damaged("\(objectFull): inventory id \(MessageText.quoted(existing.id)) is not \(MessageText.quoted(id))")
        }
        if let existing, existing.digestAlgorithm != "sha512" && existing.digestAlgorithm != "sha256" {
            throw ArchiveError.damaged("\(objectFull): digestAlgorithm \(existing.digestAlgorithm) is not supported")
        }
        let algorithm = DigestAlgorithm(rawValue: existing?.digestAlgorithm ?? "sha512") ?? .sha512
        // A path that would be both a file and a directory, with the head's paths: refused before staging.
        if let existing {
            var paths = Set(existing.logicalPaths(in: existing.head).keys)
            paths.formUnion(files.map(\.logicalPath))
            if let conflict = Self.logicalPathConflict(["": Array(paths)]) {
                throw ArchiveError.invalidArgument("put \(ine): logical path \(MessageText.quoted(conflict)) would be both a file and a directory")
            }
        }

        // Transaction directory: its name carries the lock name, its `object` file the object path.
        let transaction = workPath + "/" + lockName(objectPath: relative) + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max))"
        try FileSystem.makeDirectory(transaction)
        // A put that fails before its commit point (a full disk…) takes its staging away with it.
        var committed = false
        defer { if !committed { try? FileSystem.removeTree(transaction) } }
        try FileSystem.writeNewFile(Data(relative.utf8), to: transaction + "/object")
        try FileSystem.syncDirectory(transaction)
        try FileSystem.syncDirectory(workPath)

        let versionName = existing?.nextVersionName() ?? "v1"
        let stageObject = transaction + "/object-root"
        let stageVersion = existing == nil ? stageObject + "/" + versionName : transaction + "/" + versionName
        var inventory = existing ?? OCFLInventory(id: id, head: versionName)
        let contentDirectory = inventory.contentDirectoryName
        if existing == nil { try FileSystem.makeDirectory(stageObject) }
        try FileSystem.makeDirectory(stageVersion)

        // New state: the head's, with the given logical paths replaced.
        var state: [String: [String]] = existing.map { $0.versions[$0.head]?.state ?? [:] } ?? [:]
        var newContent: [String: String] = [:]  // normalized digest → content path staged in this version
        var createdDirectories = Set<String>()
        for file in files {
            for key in Array(state.keys) {
                state[key]?.removeAll { $0 == file.logicalPath }
                if state[key]?.isEmpty == true { state[key] = nil }
            }
            let contentRelative = contentDirectory + "/" + file.logicalPath
            let stagePath = stageVersion + "/" + contentRelative
            let parent = (contentRelative as NSString).deletingLastPathComponent
            var built = ""
            for component in parent.split(separator: "/") {
                built += (built.isEmpty ? "" : "/") + component
                if createdDirectories.insert(built).inserted { try FileSystem.makeDirectory(stageVersion + "/" + built) }
            }
            // Write (hashing on the way), then decide whether the bytes are new.
            var hasher = AnyHasher(algorithm)!
            switch file.source {
            case .data(let data):
                data.withUnsafeBytes { hasher.update($0) }
                try FileSystem.writeNewFile(data, to: stagePath, sync: false)
            case .file(let url):
                try FileSystem.copyNewFile(from: url.path, to: stagePath, sync: false, observe: { hasher.update($0) })
            }
            let digest = hasher.finalizeHex()
            if let key = inventory.manifestKey(forDigest: digest) {
                state[key, default: []].append(file.logicalPath)
                try FileSystem.removeTree(stagePath)  // already stored: forward delta
            } else if let key = newContent.keys.first(where: { $0 == digest }) {
                state[key, default: []].append(file.logicalPath)
                try FileSystem.removeTree(stagePath)  // same bytes twice in this version
            } else {
                newContent[digest] = versionName + "/" + contentRelative
                state[digest, default: []].append(file.logicalPath)
            }
        }
        if let conflict = Self.logicalPathConflict(state) {
            try FileSystem.removeTree(transaction)
            throw ArchiveError.invalidArgument("put \(ine): logical path \(MessageText.quoted(conflict)) would be both a file and a directory")
        }
        if let existing, let headState = existing.versions[existing.head]?.state,
            Self.sameState(headState, state)
        {
            try FileSystem.removeTree(transaction)
            logger.info("archive.put.unchanged", metadata: ["object.id": "\(id)", "object.head": "\(existing.head)"])
            return .unchanged(head: existing.head)
        }
        // Content files are durable before anything refers to them.
        for contentPath in newContent.values {
            let fd = open(stageVersion + "/" + contentPath.split(separator: "/", maxSplits: 1)[1], O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                defer { close(fd) }
                if fsync(fd) != 0 { throw FileSystem.fail(.fsync, contentPath) }
            }
        }
        // Remove staged directories left empty by deduplication (E024).
        for directory in createdDirectories.sorted(by: { $0.count > $1.count }) {
            let full = stageVersion + "/" + directory
            if (try? FileSystem.list(full))?.isEmpty == true { try FileSystem.removeTree(full) }
        }
        for (digest, path) in newContent { inventory.manifest[digest] = [path] }
        inventory.head = versionName
        inventory.versions[versionName] = OCFLVersion(
            created: Self.timestamp(created), message: ObjectIndexEntry.message(message, metadata: metadata),
            user: OCFLUser(name: user.name, address: user.address), state: state)
        let inventoryData = try inventory.jsonData()
        let sidecarData = OCFLInventory.sidecar(for: inventoryData, algorithm: algorithm)
        let sidecarName = "inventory.json." + algorithm.rawValue
        try FileSystem.writeNewFile(inventoryData, to: stageVersion + "/inventory.json")
        try FileSystem.writeNewFile(sidecarData, to: stageVersion + "/" + sidecarName)

        if existing == nil {
            try FileSystem.writeNewFile(Data("ocfl_object_1.1\n".utf8), to: stageObject + "/0=ocfl_object_1.1")
            try FileSystem.writeNewFile(inventoryData, to: stageObject + "/inventory.json")
            try FileSystem.writeNewFile(sidecarData, to: stageObject + "/" + sidecarName)
            try FileSystem.syncTree(stageObject)
            try publishNewObject(staged: stageObject, relative: relative)
            committed = true
        } else {
            try FileSystem.syncTree(stageVersion)
            try FileSystem.rename(stageVersion, objectFull + "/" + versionName)  // commit point
            committed = true
            try FileSystem.syncDirectory(objectFull)
            try FileSystem.writeNewFile(inventoryData, to: transaction + "/inventory.json")
            try FileSystem.writeNewFile(sidecarData, to: transaction + "/" + sidecarName)
            try FileSystem.rename(transaction + "/inventory.json", objectFull + "/inventory.json")
            try FileSystem.rename(transaction + "/" + sidecarName, objectFull + "/" + sidecarName)
            try FileSystem.syncDirectory(objectFull)
        }
        logger.info("archive.put.created", metadata: ["object.id": "\(id)", "object.version": "\(versionName)"])
        // The index; if it fails, the transaction directory stays (emptied of all but its `object`
        // file, so that it holds no space) and the next run re-indexes.
        do {
            try index.update(ObjectIndexEntry(id: id, path: relative, objectPath: objectFull, inventory: inventory))
            try FileSystem.removeTree(transaction)
        } catch {
            indexHolder.markStale()
            for name in (try? FileSystem.list(transaction)) ?? [] where name != "object" { try? FileSystem.removeTree(transaction + "/" + name) }
            logger.warning("archive.index.stale", metadata: ["object.id": "\(id)", "error": "\(error)"])
        }
        return .created(version: versionName)
    }

    /// Checks the arguments of a put before anything is staged: at least one file, every logical
    /// path valid (`ArchiveFile.logicalPathProblem`), none given twice, none both a file and a
    /// directory of another (`c` and `c/d`), and no control character in the message or the user
    /// (they would forge lines of `archive log`). Throws `.invalidArgument` naming the problem.
    public static func checkPut(logicalPaths: [String], message: String, user: ArchiveUser, context: String = "put") throws {
        guard !logicalPaths.isEmpty else { throw ArchiveError.invalidArgument("\(context): no file given") }
        var seen = Set<String>()
        for path in logicalPaths {
            if let problem = ArchiveFile.logicalPathProblem(path) {
                throw ArchiveError.invalidArgument("\(context): logical path \(MessageText.quoted(path)) \(problem)")
            }
            guard seen.insert(path).inserted else {
                throw ArchiveError.invalidArgument("\(context): logical path \(MessageText.quoted(path)) is given twice")
            }
        }
        if let conflict = logicalPathConflict(["": logicalPaths]) {
            throw ArchiveError.invalidArgument("\(context): logical path \(MessageText.quoted(conflict)) would be both a file and a directory")
        }
        for (what, text) in [("message", message), ("user name", user.name), ("user address", user.address ?? "")] {
            if text.unicodeScalars.contains(where: MessageText.isUnsafe) {
                throw ArchiveError.invalidArgument("\(context): the \(what) \(MessageText.quoted(text)) contains a control character (newline, tab, escape…): give it on one line")
            }
            if text.count > InputLimits.textCharacters {
                throw ArchiveError.invalidArgument("\(context): the \(what) has \(text.count) characters, over the limit of \(InputLimits.textCharacters)")
            }
        }
    }

    /// Moves a staged object directory into the storage root (creating the n-tuple directories).
    func publishNewObject(staged: String, relative: String) throws {
        let components = relative.split(separator: "/").map(String.init)
        var attempt = 0
        while true {
            try FileSystem.makeDirectories(Array(components.dropLast()), under: rootPath)
            do {
                try FileSystem.rename(staged, rootPath + "/" + relative)  // commit point
                break
            } catch ArchiveError.io(let error) where error.errno == ENOENT && attempt < 5 {
                attempt += 1  // a recovery removed an empty n-tuple directory meanwhile
            }
        }
        try FileSystem.syncDirectory(rootPath + "/" + components.dropLast().joined(separator: "/"))
    }

    /// A logical path that is also a directory of another one, if any (E095).
    static func logicalPathConflict(_ state: [String: [String]]) -> String? {
        let paths = Set(state.values.joined())
        for path in paths {
            let parts = path.split(separator: "/")
            for end in stride(from: 1, to: parts.count, by: 1) {
                let prefix = parts[0..<end].joined(separator: "/")
                if paths.contains(prefix) { return prefix }
            }
        }
        return nil
    }

    /// Two states are the same when they map the same logical paths to the same digests.
    static func sameState(_ a: [String: [String]], _ b: [String: [String]]) -> Bool {
        func flatten(_ state: [String: [String]]) -> [String: String] {
            var map: [String: String] = [:]
            for (digest, paths) in state { for path in paths { map[path] = digest.lowercased() } }
            return map
        }
        return flatten(a) == flatten(b)
    }
}
