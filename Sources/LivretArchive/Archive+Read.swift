import Foundation

/// Reading: files (checked against their digest), history, listing through the index.
extension Archive {
    /// One version of an object as `log` shows it.
    public struct VersionInfo: Sendable {
        /// The version's name, `v1`, `v2`…
        public var name: String
        /// When it was made (RFC 3339).
        public var created: String
        /// Who made it, when recorded.
        public var user: OCFLUser?
        /// Why it was made, when recorded.
        public var message: String?
        /// Logical paths added, modified or removed relative to the previous version.
        public var added: [String]
        /// Logical paths present in both versions whose content changed.
        public var modified: [String]
        /// Logical paths of the previous version no longer present.
        public var removed: [String]
    }

    /// The bytes of `logicalPath` in `version` (default: head) of a pupil's object, after checking
    /// them against the inventory's digest; damaged bytes throw `ArchiveError.damaged`.
    public func get(ine: String, logicalPath: String, version: String? = nil) throws -> Data {
        try Self.checkINE(ine)
        return try get(objectID: Self.objectID(ine: ine), logicalPath: logicalPath, version: version)
    }

    /// Same as `get(ine:…)` for any object id in the storage root.
    public func get(objectID id: String, logicalPath: String, version: String? = nil) throws -> Data {
        let relative = try objectPath(id: id)
        guard let inventory = try readInventory(objectPath: relative) else {
            throw ArchiveError.notFound("no object \(id) in \(rootPath)")
        }
        return try Self.read(objectPath: rootPath + "/" + relative, inventory: inventory, logicalPath: logicalPath, version: version)
    }

    /// Reads and checks one logical file of the object at `objectPath` (absolute).
    public static func read(objectPath: String, inventory: OCFLInventory, logicalPath: String, version: String?) throws -> Data {
        let name = version ?? inventory.head
        guard inventory.versions[name] != nil else {
            throw ArchiveError.notFound("\(inventory.id) has no version \(name) (head is \(inventory.head))")
        }
        guard let digest = inventory.logicalPaths(in: name)[logicalPath] else {
            throw ArchiveError.notFound("\(inventory.id) \(name) has no file \(logicalPath)")
        }
        guard let key = inventory.manifestKey(forDigest: digest), let contentPath = inventory.manifest[key]?.first,
            let algorithm = DigestAlgorithm(rawValue: inventory.digestAlgorithm), var hasher = AnyHasher(algorithm)
        else {
            throw ArchiveError.damaged("\(inventory.id) \(name) \(logicalPath): digest \(digest.prefix(16))… is not in the manifest")
        }
        let data: Data
        do {
            data = try FileSystem.readFile(objectPath + "/" + contentPath)
        } catch {
            throw ArchiveError.damaged("\(inventory.id) \(name) \(logicalPath): \(contentPath) cannot be read: \(error)")
        }
        data.withUnsafeBytes { hasher.update($0) }
        guard hasher.finalizeHex() == digest.lowercased() else {
            throw ArchiveError.damaged("\(inventory.id) \(name) \(logicalPath): \(contentPath) is damaged (its \(algorithm.rawValue) does not match the inventory)")
        }
        return data
    }

    /// The root inventory of a pupil's object.
    public func inventory(ine: String) throws -> OCFLInventory {
        try Self.checkINE(ine)
        let id = Self.objectID(ine: ine)
        guard let inventory = try readInventory(objectPath: try objectPath(id: id)) else {
            throw ArchiveError.notFound("no object \(id) in \(rootPath)")
        }
        return inventory
    }

    /// The root inventory of any object of the root (a pupil's or the lycée's), nil when absent.
    public func inventory(objectID id: String) throws -> OCFLInventory? {
        try readInventory(objectPath: try objectPath(id: id))
    }

    /// The versions of an object, oldest first, with the paths each one changed.
    public static func history(_ inventory: OCFLInventory) -> [VersionInfo] {
        var previous: [String: String] = [:]
        var result: [VersionInfo] = []
        for name in inventory.versionNames {
            guard let version = inventory.versions[name] else { continue }
            let current = inventory.logicalPaths(in: name).mapValues { $0.lowercased() }
            let added = current.keys.filter { previous[$0] == nil }.sorted()
            let modified = current.keys.filter { previous[$0] != nil && previous[$0] != current[$0] }.sorted()
            let removed = previous.keys.filter { current[$0] == nil }.sorted()
            result.append(VersionInfo(name: name, created: version.created, user: version.user, message: version.message, added: added, modified: modified, removed: removed))
            previous = current
        }
        return result
    }

    /// Objects matching `filter`, ordered by id: from the index, or from the storage root when
    /// the index cannot be used (not opened, stale after a failed update, failing now).
    public func list(_ filter: ObjectFilter = ObjectFilter()) throws -> [ObjectSummary] {
        if indexHolder.isUsable {
            do {
                return try index.list(filter)
            } catch let error as ArchiveError {
                guard case .index = error else { throw error }
                indexHolder.markStale()
                logger.warning("archive.index.unavailable: \(error); reading the storage root instead")
            }
        }
        return try listFromRoot(filter)
    }

    /// `list` computed from the inventories of the storage root, as a rebuilt index would answer.
    func listFromRoot(_ filter: ObjectFilter) throws -> [ObjectSummary] {
        var result: [ObjectSummary] = []
        for relative in try objectPaths() {
            let inventory: OCFLInventory
            do {
                guard let read = try readInventory(objectPath: relative) else { continue }
                inventory = read
            } catch {
                logger.warning("archive.list.skip", metadata: ["object.path": "\(relative)", "error": "\(error)"])
                continue
            }
            let entry = ObjectIndexEntry(id: inventory.id, path: relative, objectPath: rootPath + "/" + relative, inventory: inventory)
            if let ine = filter.ine, entry.ine != ine && entry.id != ine { continue }
            let scolarites = entry.scolarites.map { ObjectSummary.Scolarite(year: $0.key, division: $0.value) }.sorted { $0.year < $1.year }
            if filter.division != nil || filter.year != nil {
                guard scolarites.contains(where: { (filter.division == nil || $0.division == filter.division) && (filter.year == nil || $0.year == filter.year) })
                else { continue }
            }
            result.append(ObjectSummary(
                id: entry.id, ine: entry.ine, path: relative, head: inventory.head,
                updated: inventory.versions[inventory.head]?.created ?? "", scolarites: scolarites,
                files: inventory.logicalPaths(in: inventory.head).keys.sorted()))
        }
        return result.sorted { $0.id < $1.id }
    }
}
