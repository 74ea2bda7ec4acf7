import Foundation
import LivretModel

/// Recovery after a crash. The commit point of a version is the rename of its directory into the
/// object (or of the whole new object into the storage root); recovery brings the root inventory
/// and its sidecar in line with the highest complete version (roll forward) and removes what was
/// staged but not committed (roll back). It runs under the object's exclusive lock.
extension Archive {
    /// What `recover()` did.
    public struct RecoveryReport: Sendable {
        /// How many interrupted transactions were rolled forward or back.
        public var transactionsCleaned = 0
        /// Object paths whose root inventory was brought back in line with their highest complete version.
        public var objectsRepaired: [String] = []
        /// Staging or version directories removed because their transaction never committed.
        public var directoriesRemoved: [String] = []
    }

    /// Recovers the transactions left in `work/` by processes that died (their object lock is free).
    /// Not `strict` (when an archive is opened): a transaction that cannot be recovered now is
    /// logged and left for later, so that reading still works.
    func recoverPendingTransactions(strict: Bool) throws {
        var report = RecoveryReport()
        try recoverPendingTransactions(&report, strict: strict)
    }

    /// For each transaction: first its staged files are removed (freeing the space a put that
    /// filled the disk took; nothing staged is needed to roll forward, the committed version is in
    /// the object), then the object is brought to its last committed version, then the index is
    /// updated. The transaction directory (then only its `object` file) goes last, once the index
    /// knows the object: if the index cannot be written it stays, the index is marked stale
    /// (queries read the storage root) and the next run tries again.
    func recoverPendingTransactions(_ report: inout RecoveryReport, strict: Bool = true) throws {
        for name in try FileSystem.list(workPath) {
            do {
                try recoverTransaction(name, &report)
            } catch {
                if strict { throw error }
                logger.warning("archive.recover.deferred", metadata: ["transaction": "\(name)", "error": "\(error)"])
            }
        }
    }

    private func recoverTransaction(_ name: String, _ report: inout RecoveryReport) throws {
        let transaction = workPath + "/" + name
        if name.hasPrefix("tmp.") {
            // Extraction areas of imports: removed when their process is gone.
            let parts = name.split(separator: ".")
            if parts.count >= 2, let pid = Int32(parts[1]), kill(pid, 0) != 0, errno == ESRCH {
                try FileSystem.removeTree(transaction)
            }
            return
        }
        guard let dot = name.firstIndex(of: ".") else {
            try FileSystem.removeTree(transaction)
            return
        }
        let lockFile = locksPath + "/" + name[..<dot] + ".lock"
        guard let lock = try FileLock(path: lockFile, exclusive: true, wait: false) else { return }  // a live writer
        defer { lock.unlock() }
        guard FileSystem.exists(transaction) else { return }
        let relative = (try? FileSystem.readFile(transaction + "/object")).flatMap { String(data: $0, encoding: .utf8) }
        // Space first: every staged file but the `object` marker.
        if FileSystem.kind(transaction) == .directory {
            for entry in try FileSystem.list(transaction) where entry != "object" || relative == nil {
                try FileSystem.removeTree(transaction + "/" + entry)
            }
        }
        if let relative, lockName(objectPath: relative) == name[..<dot] {
            if try recoverObject(relativePath: relative) { report.objectsRepaired.append(relative) }
            try removeEmptyParents(of: relative, report: &report)
            do {
                try reindexObject(relativePath: relative)
            } catch let error as ArchiveError {
                guard case .index = error else { throw error }
                indexHolder.markStale()
                logger.warning("archive.index.stale: \(error); the storage root is read instead", metadata: ["object.path": "\(relative)"])
                return  // the marker stays: the next run updates the index
            }
        }
        try FileSystem.removeTree(transaction)
        try? FileSystem.syncDirectory(workPath)
        report.transactionsCleaned += 1
        logger.info("archive.recover.transaction", metadata: ["transaction": "\(name)"])
    }

    /// Brings the object at `relativePath` to a consistent state; the caller holds its exclusive lock.
    /// Returns whether anything was changed.
    @discardableResult
    func recoverObject(relativePath: String) throws -> Bool {
        let object = rootPath + "/" + relativePath
        guard FileSystem.kind(object) == .directory else { return false }
        let entries = try FileSystem.list(object)
        let versionDirectories = entries.filter { OCFLInventory.versionNumber($0) != nil && FileSystem.kind(object + "/" + $0) == .directory }
            .sorted { OCFLInventory.versionNumber($0)! > OCFLInventory.versionNumber($1)! }
        let rootInventoryData = try? FileSystem.readFile(object + "/inventory.json")
        let rootInventory = rootInventoryData.flatMap { try? OCFLInventory(json: $0, source: object + "/inventory.json") }
        let rootHead = rootInventory?.head

        // The target: the highest version directory holding a complete inventory of itself, or the root's head.
        var target: (name: String, inventory: Data, sidecar: Data?, sidecarName: String)?
        var stray: [String] = []
        for name in versionDirectories {
            if name == rootHead, let rootInventoryData, let rootInventory {
                let sidecarName = "inventory.json." + rootInventory.digestAlgorithm
                let versionInventory = try? FileSystem.readFile(object + "/" + name + "/inventory.json")
                let versionSidecar = try? FileSystem.readFile(object + "/" + name + "/" + sidecarName)
                if let versionInventory, versionInventory != rootInventoryData, isComplete(versionInventory, versionSidecar, name: name) {
                    target = (name, versionInventory, versionSidecar, sidecarName)  // root replaced by a damaged copy: restore
                } else {
                    target = (name, rootInventoryData, nil, sidecarName)
                }
                break
            }
            let inventoryData = try? FileSystem.readFile(object + "/" + name + "/inventory.json")
            let inventory = inventoryData.flatMap { try? OCFLInventory(json: $0, source: name) }
            if let inventoryData, let inventory {
                let sidecarName = "inventory.json." + inventory.digestAlgorithm
                let sidecar = try? FileSystem.readFile(object + "/" + name + "/" + sidecarName)
                if isComplete(inventoryData, sidecar, name: name), inventory.versionNames.allSatisfy({ entries.contains($0) }) {
                    target = (name, inventoryData, sidecar, sidecarName)
                    break
                }
            }
            stray.append(name)
        }
        var changed = false
        // Roll back: version directories above the target were never committed.
        for name in stray {
            let trash = workPath + "/" + lockName(objectPath: relativePath) + ".\(getpid()).rollback-\(name)-\(UInt32.random(in: 0...UInt32.max))"
            try FileSystem.rename(object + "/" + name, trash)
            try FileSystem.removeTree(trash)
            changed = true
            logger.warning("archive.recover.rollback", metadata: ["object.path": "\(relativePath)", "object.version": "\(name)"])
        }
        guard let target else {
            if changed { try FileSystem.syncDirectory(object) }
            return changed
        }
        // Roll forward: root inventory, then sidecar, from the target version.
        if rootInventoryData != target.inventory {
            let temporary = workPath + "/" + lockName(objectPath: relativePath) + ".\(getpid()).inventory-\(UInt32.random(in: 0...UInt32.max))"
            try FileSystem.writeNewFile(target.inventory, to: temporary)
            try FileSystem.rename(temporary, object + "/inventory.json")
            changed = true
        }
        let algorithm = DigestAlgorithm(rawValue: String(target.sidecarName.dropFirst("inventory.json.".count))) ?? .sha512
        let wantedSidecar = target.sidecar ?? OCFLInventory.sidecar(for: target.inventory, algorithm: algorithm)
        let currentSidecar = try? FileSystem.readFile(object + "/" + target.sidecarName)
        if currentSidecar.map({ !sidecarMatches($0, target.inventory, algorithm) }) ?? true {
            let temporary = workPath + "/" + lockName(objectPath: relativePath) + ".\(getpid()).sidecar-\(UInt32.random(in: 0...UInt32.max))"
            try FileSystem.writeNewFile(wantedSidecar, to: temporary)
            try FileSystem.rename(temporary, object + "/" + target.sidecarName)
            changed = true
        }
        if changed {
            try FileSystem.syncDirectory(object)
            logger.warning("archive.recover.object", metadata: ["object.path": "\(relativePath)", "object.head": "\(target.name)"])
        }
        return changed
    }

    /// Whether a version's inventory and sidecar are complete and agree, and its head is `name`.
    private func isComplete(_ inventoryData: Data, _ sidecar: Data?, name: String) -> Bool {
        guard let inventory = try? OCFLInventory(json: inventoryData, source: name), inventory.head == name,
            let sidecar, let algorithm = DigestAlgorithm(rawValue: inventory.digestAlgorithm)
        else { return false }
        return sidecarMatches(sidecar, inventoryData, algorithm)
    }

    private func sidecarMatches(_ sidecar: Data, _ inventoryData: Data, _ algorithm: DigestAlgorithm) -> Bool {
        let fields = String(decoding: sidecar, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
        let expected = String(decoding: OCFLInventory.sidecar(for: inventoryData, algorithm: algorithm), as: UTF8.self).split(separator: " ")[0]
        return fields.count == 2 && fields[1] == "inventory.json" && fields[0].lowercased() == expected
    }

    /// Removes the n-tuple directories of an object that does not exist, when empty (E073).
    func removeEmptyParents(of relative: String, report: inout RecoveryReport) throws {
        var components = relative.split(separator: "/").map(String.init)
        if FileSystem.exists(rootPath + "/" + relative) { return }
        components.removeLast()
        while !components.isEmpty {
            let path = rootPath + "/" + components.joined(separator: "/")
            guard FileSystem.kind(path) == .directory, (try? FileSystem.list(path))?.isEmpty == true else { return }
            if rmdir(path) != 0 { return }
            report.directoriesRemoved.append(components.joined(separator: "/"))
            components.removeLast()
        }
    }

    /// Re-reads one object into the index (or removes it from the index when it is gone).
    func reindexObject(relativePath: String) throws {
        let object = rootPath + "/" + relativePath
        guard let inventory = try readInventory(objectPath: relativePath) else { return }
        try index.update(ObjectIndexEntry(id: inventory.id, path: relativePath, objectPath: object, inventory: inventory))
    }

    /// Full recovery (`livret archive recover`): pending transactions, then every object of the
    /// storage root checked under its lock, empty hierarchy directories removed, index refreshed.
    public func recover() throws -> RecoveryReport {
        var report = RecoveryReport()
        try recoverPendingTransactions(&report)
        for relative in try objectPaths() {
            let lock = try lockObject(objectPath: relative, exclusive: true)
            defer { lock.unlock() }
            if try recoverObject(relativePath: relative) {
                report.objectsRepaired.append(relative)
                do {
                    try reindexObject(relativePath: relative)
                } catch let error as ArchiveError {
                    guard case .index = error else { throw error }
                    indexHolder.markStale()
                    logger.warning("archive.index.stale: \(error); run `livret archive reindex` once it can be written", metadata: ["object.path": "\(relative)"])
                }
            }
        }
        try removeEmptyDirectories(rootPath, relative: "", report: &report)
        return report
    }

    private func removeEmptyDirectories(_ path: String, relative: String, report: inout RecoveryReport) throws {
        let entries = try FileSystem.list(path)
        if entries.contains(where: { $0.hasPrefix("0=ocfl_object_") }) { return }
        for name in entries where name != "extensions" && FileSystem.kind(path + "/" + name) == .directory {
            try removeEmptyDirectories(path + "/" + name, relative: relative.isEmpty ? name : relative + "/" + name, report: &report)
        }
        if !relative.isEmpty, try FileSystem.list(path).isEmpty, rmdir(path) == 0 {
            report.directoriesRemoved.append(relative)
        }
    }

    /// Object roots under the storage root (relative paths), sorted.
    func objectPaths() throws -> [String] {
        var result: [String] = []
        func walk(_ path: String, _ relative: String) throws {
            let entries = try FileSystem.list(path)
            if entries.contains(where: { $0.hasPrefix("0=ocfl_object_") }) {
                result.append(relative)
                return
            }
            for name in entries where FileSystem.kind(path + "/" + name) == .directory {
                if relative.isEmpty && name == "extensions" { continue }
                try walk(path + "/" + name, relative.isEmpty ? name : relative + "/" + name)
            }
        }
        try walk(rootPath, "")
        return result
    }

    /// Rebuilds the index from the storage root alone, never reading the old one: its files are
    /// deleted and a new index is created. Returns the number of objects indexed.
    @discardableResult
    public func reindex() throws -> Int {
        guard let lock = try FileLock(path: locksPath + "/index.lock", exclusive: true) else { return 0 }
        defer { lock.unlock() }
        try indexHolder.replace {
            try Self.deleteIndexFiles(indexPath)
            return try ArchiveIndex.create(path: indexPath)
        }
        return try rebuildIndex()
    }

    /// Deletes the index and its companion files (under the index lock).
    static func removeIndexFiles(_ indexPath: String, locksPath: String) throws {
        guard let lock = try FileLock(path: locksPath + "/index.lock", exclusive: true) else { return }
        defer { lock.unlock() }
        try deleteIndexFiles(indexPath)
    }

    private static func deleteIndexFiles(_ indexPath: String) throws {
        for file in ArchiveIndex.files(indexPath) where FileSystem.exists(file) {
            if unlink(file) != 0 && errno != ENOENT { throw FileSystem.fail(.remove, file) }
        }
    }

    func rebuildIndexIfIncomplete() throws {
        guard let lock = try FileLock(path: locksPath + "/index.lock", exclusive: true) else { return }
        defer { lock.unlock() }
        if try index.isComplete() { return }
        logger.info("archive.index.rebuild", metadata: ["index.path": "\(indexPath)"])
        _ = try rebuildIndex()
    }

    private func rebuildIndex() throws -> Int {
        var entries: [ObjectIndexEntry] = []
        for relative in try objectPaths() {
            let object = rootPath + "/" + relative
            do {
                guard let inventory = try readInventory(objectPath: relative) else { continue }
                entries.append(ObjectIndexEntry(id: inventory.id, path: relative, objectPath: object, inventory: inventory))
            } catch {
                logger.warning("archive.index.skip", metadata: ["object.path": "\(relative)", "error": "\(error)"])
            }
        }
        try index.rebuild(entries)
        return entries.count
    }
}
