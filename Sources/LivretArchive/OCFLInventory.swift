import Foundation
import LivretModel

/// An OCFL 1.1 inventory (`inventory.json`), as this program reads and writes it.
///
/// Digest keys are kept exactly as written (an inventory written by another tool may use
/// upper-case hex); look-ups go through `manifestKey(forDigest:)`, which ignores case.
/// `jsonData()` is deterministic: sorted keys, unescaped slashes, two-space indentation.
public struct OCFLInventory: Sendable, Equatable {
    /// The `type` of an OCFL 1.1 inventory.
    public static let type11 = "https://ocfl.io/1.1/spec/#inventory"

    /// The object's id, e.g. `urn:lsl:ine:123456789AB`.
    public var id: String
    /// The inventory type URI (`type11`).
    public var type: String
    /// The content digest algorithm: `sha512` (or `sha256`).
    public var digestAlgorithm: String
    /// The latest version's name, e.g. `v3`.
    public var head: String
    /// The content directory name when not `content`.
    public var contentDirectory: String?
    /// Content digest → content paths (relative to the object root).
    public var manifest: [String: [String]]
    /// Version name → version block.
    public var versions: [String: OCFLVersion]
    /// Extra digests: algorithm → digest → content paths, when present.
    public var fixity: [String: [String: [String]]]?

    /// An OCFL 1.1 inventory with SHA-512 digests and the given manifest and versions.
    public init(id: String, head: String, manifest: [String: [String]] = [:], versions: [String: OCFLVersion] = [:]) {
        self.id = id
        self.type = Self.type11
        self.digestAlgorithm = DigestAlgorithm.sha512.rawValue
        self.head = head
        self.manifest = manifest
        self.versions = versions
    }

    /// The content directory name (`content` unless `contentDirectory` says otherwise).
    public var contentDirectoryName: String { contentDirectory ?? "content" }

    /// Version names in order (v1, v2, …; zero-padded names sort by their number).
    public var versionNames: [String] {
        versions.keys.sorted { (Self.versionNumber($0) ?? 0) < (Self.versionNumber($1) ?? 0) }
    }

    /// `v12` → 12, `v003` → 3; nil for anything else.
    public static func versionNumber(_ name: String) -> Int? {
        guard name.hasPrefix("v"), name.count > 1 else { return nil }
        let digits = name.dropFirst()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }

    /// The name of the version after `head`, keeping its zero-padding (v9 → v10, v0009 → v0010).
    public func nextVersionName() -> String {
        let number = (Self.versionNumber(head) ?? 0) + 1
        let width = head.count - 1
        if head.dropFirst().hasPrefix("0") {
            let digits = String(number)
            return "v" + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "v\(number)"
    }

    /// The manifest key equal to `digest` regardless of case.
    public func manifestKey(forDigest digest: String) -> String? {
        if manifest[digest] != nil { return digest }
        let lower = digest.lowercased()
        return manifest.keys.first { $0.lowercased() == lower }
    }

    /// logical path → digest (as written) for a version.
    public func logicalPaths(in version: String) -> [String: String] {
        var map: [String: String] = [:]
        for (digest, paths) in versions[version]?.state ?? [:] {
            for path in paths { map[path] = digest }
        }
        return map
    }

    // MARK: JSON

    /// Parses an inventory; throws `ArchiveError.damaged` naming `source` when it has not the expected shape.
    public init(json data: Data, source: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data), let root = object as? [String: Any] else {
            throw ArchiveError.damaged("\(source): not a JSON object")
        }
        try self.init(dictionary: root, source: source)
    }

    /// Builds an inventory from parsed JSON; throws `ArchiveError.damaged` naming `source` when it has not the expected shape.
    public init(dictionary root: [String: Any], source: String) throws {
        func bad(_ why: String) -> ArchiveError { .damaged("\(source): \(why)") }
        func string(_ key: String) throws -> String {
            guard let value = root[key] as? String else { throw bad("\(MessageText.quoted(key)) missing or not a string") }
            return value
        }
        func pathMap(_ value: Any?, _ what: String) throws -> [String: [String]] {
            guard let dictionary = value as? [String: Any] else { throw bad("\(MessageText.quoted(what)) is not an object") }
            var result: [String: [String]] = [:]
            for (key, paths) in dictionary {
                guard let list = paths as? [String] else { throw bad("\(MessageText.quoted(what)) entry \(key) is not a list of paths") }
                result[key] = list
            }
            return result
        }
        id = try string("id")
        type = try string("type")
        digestAlgorithm = try string("digestAlgorithm")
        head = try string("head")
        contentDirectory = root["contentDirectory"] as? String
        manifest = try pathMap(root["manifest"], "manifest")
        guard let versionsObject = root["versions"] as? [String: Any] else { throw bad("'versions' is not an object") }
        var versions: [String: OCFLVersion] = [:]
        for (name, value) in versionsObject {
            guard let block = value as? [String: Any], let created = block["created"] as? String else {
                throw bad("version \(name) has no 'created'")
            }
            var user: OCFLUser?
            if let userBlock = block["user"] as? [String: Any], let name = userBlock["name"] as? String {
                user = OCFLUser(name: name, address: userBlock["address"] as? String)
            }
            versions[name] = OCFLVersion(
                created: created, message: block["message"] as? String, user: user,
                state: try pathMap(block["state"], "versions.\(name).state"))
        }
        self.versions = versions
        if let fixityObject = root["fixity"] as? [String: Any] {
            var fixity: [String: [String: [String]]] = [:]
            for (algorithm, block) in fixityObject { fixity[algorithm] = try pathMap(block, "fixity.\(algorithm)") }
            self.fixity = fixity
        }
        guard versions[head] != nil else { throw bad("head \(head) is not among the versions") }
    }

    /// The inventory as deterministic JSON bytes.
    public func jsonData() throws -> Data {
        var root: [String: Any] = [
            "id": id, "type": type, "digestAlgorithm": digestAlgorithm, "head": head,
            "manifest": manifest.mapValues { $0.sorted() },
        ]
        if let contentDirectory { root["contentDirectory"] = contentDirectory }
        if let fixity { root["fixity"] = fixity.mapValues { $0.mapValues { $0.sorted() } } }
        var versionsObject: [String: Any] = [:]
        for (name, version) in versions {
            var block: [String: Any] = ["created": version.created, "state": version.state.mapValues { $0.sorted() }]
            if let message = version.message { block["message"] = message }
            if let user = version.user {
                var userBlock: [String: Any] = ["name": user.name]
                if let address = user.address { userBlock["address"] = address }
                block["user"] = userBlock
            }
            versionsObject[name] = block
        }
        root["versions"] = versionsObject
        var data = try JSONSerialization.data(
            withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        data.append(0x0a)
        return data
    }

    /// The sidecar file's bytes for inventory bytes: `<digest> inventory.json\n`.
    public static func sidecar(for inventoryData: Data, algorithm: DigestAlgorithm = .sha512) -> Data {
        let digest = algorithm == .sha256 ? Digests.sha256(inventoryData) : Digests.sha512(inventoryData)
        return Data("\(digest) inventory.json\n".utf8)
    }
}

/// One version block of an inventory.
public struct OCFLVersion: Sendable, Equatable {
    /// RFC 3339 with a time zone, e.g. `2026-11-29T12:00:00Z`.
    public var created: String
    /// Why the version was made, when recorded.
    public var message: String?
    /// Who made the version, when recorded.
    public var user: OCFLUser?
    /// digest → logical paths.
    public var state: [String: [String]]

    /// A version block from its creation time, message, user and state.
    public init(created: String, message: String?, user: OCFLUser?, state: [String: [String]]) {
        self.created = created
        self.message = message
        self.user = user
        self.state = state
    }
}

/// The `user` of a version: a name and, when known, an address URI (`mailto:…`).
public struct OCFLUser: Sendable, Equatable {
    /// The user's name.
    public var name: String
    /// An address URI (`mailto:…`), when known.
    public var address: String?

    /// A user from name and optional address URI.
    public init(name: String, address: String?) {
        self.name = name
        self.address = address
    }
}
