import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Validates an OCFL object directory against the OCFL 1.1 specification (objects written by any
/// tool, not only this one): declaration, inventory structure and values, version sequence,
/// manifest/state consistency, fixity, sidecars, version inventories, files on disk and, when
/// `checkDigests` is on, every content digest (and fixity digest it can compute).
///
/// Each finding carries its OCFL validation code (ocfl.io/1.1/spec/validation-codes.html).
public struct OCFLObjectValidator: Sendable {
    /// Whether every content file is read and its digest compared (off: structure only).
    public var checkDigests: Bool

    /// Extension names registered at ocfl.github.io/extensions (W013 for others).
    public static let registeredExtensions: Set<String> = [
        "0001-digest-algorithms", "0002-flat-direct-storage-layout", "0003-hash-and-id-n-tuple-storage-layout",
        "0004-hashed-n-tuple-storage-layout", "0005-mutable-head", "0006-flat-omit-prefix-storage-layout",
        "0007-n-tuple-omit-prefix-storage-layout", "0008-schema-registry", "0009-digest-algorithms",
        "0010-differential-versioning", "0011-direct-clean-path-layout", "0012-flat-omit-prefix-storage-layout",
    ]

    /// A validator that checks digests unless `checkDigests` is false.
    public init(checkDigests: Bool = true) { self.checkDigests = checkDigests }

    /// Validates the object directory at `path`: every finding, with its OCFL code; never throws.
    public func validate(objectAt path: String) -> ObjectValidationReport {
        let run = ObjectValidationRun(path: path, checkDigests: checkDigests)
        run.validate()
        return run.report
    }
}

/// The state of one validation (not shared between threads).
final class ObjectValidationRun {
    let path: String
    let checkDigests: Bool
    var report: ObjectValidationReport
    var specVersion = "1.1"

    init(path: String, checkDigests: Bool) {
        self.path = path
        self.checkDigests = checkDigests
        self.report = ObjectValidationReport(path: path)
    }

    func issue(_ code: String, _ location: String, _ message: String, contentPath: String? = nil) {
        report.issues.append(ValidationIssue(code: code, message: message, location: location, contentPath: contentPath))
    }

    func validate() {
        guard FileSystem.kind(path) == .directory else {
            issue("E003", path, "the object directory does not exist")
            return
        }
        let typedEntries = (try? FileSystem.entries(path)) ?? []
        let entries = typedEntries.map(\.name)
        // Conformance declaration (§3.1), a NAMASTE file (E002).
        let declarations = DeclarationName.check(entries, in: path, prefix: "ocfl_object_", codes: .object) { issue($0, "root", $1) }
        let declared = declarations.compactMap(\.version).max()
        if declarations.isEmpty {
            issue("E003", "root", "no object conformance declaration 0=ocfl_object_1.1")
        } else if declarations.count > 1 {
            issue("E003", "root", "\(declarations.count) conformance declarations: \(declarations.map(\.name).joined(separator: ", "))")
        }
        if let declared { specVersion = declared }
        report.specVersion = specVersion

        guard FileSystem.kind(path + "/inventory.json") == .file else {
            issue("E063", "root", "no root inventory.json")
            for name in entries where Self.looksLikeInventory(name) {
                issue("E034", "root", "'\(name)' looks like the inventory, which must be named inventory.json")
            }
            return
        }
        guard let rootData = try? FileSystem.readFile(path + "/inventory.json") else {
            issue("E063", "root", "inventory.json cannot be read")
            return
        }
        guard let json = try? JSONSerialization.jsonObject(with: rootData), let dictionary = json as? [String: Any] else {
            issue("E033", "root", "inventory.json is not a JSON object")
            return
        }
        let errorsBefore = report.errors.count
        let root = InventoryCheck(run: self, location: "root", json: dictionary, expectedType: "https://ocfl.io/\(specVersion)/spec/#inventory")
        root.check()
        let rootInventoryValid = report.errors.count == errorsBefore
        report.id = root.id
        report.head = root.head
        report.inventory = try? OCFLInventory(dictionary: dictionary, source: path + "/inventory.json")
        guard root.algorithm != nil else { return }  // E025: nothing else can be checked

        checkSidecar(directory: path, inventoryData: rootData, algorithm: root.algorithmName, location: "root")
        checkObjectRoot(entries: typedEntries, root: root)
        let prior = checkVersionInventories(root: root, rootData: rootData)
        checkHardLinks(entries: typedEntries, directory: path, location: "root")
        if rootInventoryValid { checkContent(root: root, prior: prior) }
    }

    // MARK: sidecar

    func checkSidecar(directory: String, inventoryData: Data, algorithm: String, location: String) {
        let sidecar = directory + "/inventory.json." + algorithm
        guard FileSystem.kind(sidecar) == .file, let data = try? FileSystem.readFile(sidecar) else {
            issue("E058", location, "no sidecar inventory.json.\(algorithm)")
            for name in (try? FileSystem.list(directory)) ?? [] where name.hasPrefix("inventory.json.") {
                issue("E059", location, "sidecar \(name) is not named after the inventory's digestAlgorithm \(algorithm)")
            }
            return
        }
        let text = String(decoding: data, as: UTF8.self)
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
        guard fields.count == 2, fields[1] == "inventory.json", text.first.map({ !$0.isWhitespace }) ?? false else {
            issue("E061", location, "sidecar inventory.json.\(algorithm) is not '<digest> inventory.json'")
            return
        }
        guard checkDigests, let digestAlgorithm = DigestAlgorithm(rawValue: algorithm), let hasher = AnyHasher(digestAlgorithm) else { return }
        var h = hasher
        inventoryData.withUnsafeBytes { h.update($0) }
        let actual = h.finalizeHex()
        if actual != fields[0].lowercased() {
            issue("E060", location, "inventory.json's \(algorithm) is \(actual.prefix(16))…, its sidecar says \(fields[0].prefix(16))…")
        }
    }

    // MARK: object root entries

    func checkObjectRoot(entries: [(name: String, kind: FileSystem.Kind)], root: InventoryCheck) {
        let versions = Set(root.versionSequence)
        for (name, kind) in entries {
            let full = path + "/" + name
            switch kind {
            case .file:
                if name.hasPrefix("0=") || name == "inventory.json" || name == "inventory.json." + root.algorithmName { continue }
                issue("E001", "root", "unexpected file '\(name)' in the object root")
            case .directory:
                if versions.contains(name) { continue }
                if name == "logs" {
                    for link in Self.links(under: full, relative: name) { issue("E090", "root", "\(link) is a link") }
                    continue
                }
                if name == "extensions" {
                    for ext in (try? FileSystem.list(full)) ?? [] {
                        let kind = FileSystem.kind(full + "/" + ext)
                        if kind == .directory {
                            for link in Self.links(under: full + "/" + ext, relative: "extensions/" + ext) { issue("E090", "root", "\(link) is a link") }
                        }
                        if kind == .symlink { issue("E090", "root", "extensions/\(ext) is a symbolic link") }
                        if kind != .directory {
                            issue("E067", "root", "extensions/\(ext) is not an extension directory")
                        } else if !OCFLObjectValidator.registeredExtensions.contains(ext) {
                            issue("W013", "root", "extensions/\(ext) is not a registered extension name")
                        }
                    }
                } else if OCFLInventory.versionNumber(name) != nil {
                    issue("E046", "root", "version directory '\(name)' is not in the inventory")
                } else {
                    issue("E001", "root", "unexpected directory '\(name)' in the object root")
                    if let nested = Self.objectDeclaration(under: full, relative: name) {
                        issue("E082", "root", "an object root (\(nested)) inside this object: object roots must be terminal")
                    }
                }
            case .symlink:
                issue("E090", "root", "'\(name)' is a symbolic link")
            default:
                issue("E001", "root", "unexpected entry '\(name)' in the object root")
            }
        }
    }

    // MARK: version inventories

    /// content path → (algorithm, digest, version) from earlier inventories, to check content against too.
    typealias PriorDigests = [String: [(algorithm: String, digest: String, version: String)]]

    /// The digest algorithm of each version directory's inventory, naming its sidecar.
    var sidecarAlgorithms: [String: String] = [:]

    func checkVersionInventories(root: InventoryCheck, rootData: Data) -> PriorDigests {
        var prior: PriorDigests = [:]
        var previousSpec = "1.0"
        var firstSetsContentDirectory: Bool?
        var priorManifestPaths = Set<String>()
        for version in root.versionSequence {
            let directory = path + "/" + version
            guard FileSystem.kind(directory) == .directory else { continue }  // E010 reported by checkContent
            let inventoryPath = directory + "/inventory.json"
            guard FileSystem.kind(inventoryPath) == .file, let data = try? FileSystem.readFile(inventoryPath) else {
                issue("W010", version, "no inventory.json in the version directory")
                continue
            }
            var thisSpec = specVersion
            sidecarAlgorithms[version] = root.algorithmName
            if version == root.head {
                if data != rootData {
                    issue("E064", version, "\(version)/inventory.json differs from the root inventory.json")
                } else {
                    checkSidecar(directory: directory, inventoryData: data, algorithm: root.algorithmName, location: version)
                }
                if firstSetsContentDirectory == nil { firstSetsContentDirectory = root.contentDirectorySet }
            } else {
                guard let json = try? JSONSerialization.jsonObject(with: data), let dictionary = json as? [String: Any] else {
                    issue("E033", version, "\(version)/inventory.json is not a JSON object")
                    continue
                }
                let check = InventoryCheck(run: self, location: version, json: dictionary, expectedType: nil)
                check.check()
                thisSpec = check.specVersion
                guard check.algorithm != nil else { continue }
                sidecarAlgorithms[version] = check.algorithmName
                checkSidecar(directory: directory, inventoryData: data, algorithm: check.algorithmName, location: version)
                if let id = root.id, let versionId = check.id, id != versionId {
                    issue("E110", version, "id '\(versionId)' differs from the root inventory's '\(id)'")
                }
                if check.head != version {
                    issue("E040", version, "\(version)/inventory.json has head '\(check.head ?? "?")'")
                }
                if firstSetsContentDirectory == nil {
                    firstSetsContentDirectory = check.contentDirectorySet
                    if !check.contentDirectorySet && root.contentDirectorySet {
                        issue("E019", "root", "contentDirectory is set but not in the first version's inventory")
                    }
                } else if firstSetsContentDirectory == false && check.contentDirectorySet {
                    issue("E019", version, "contentDirectory is set after the first version")
                }
                if check.contentDirectory != root.contentDirectory {
                    issue("E020", version, "contentDirectory '\(check.contentDirectory)' differs from the root's '\(root.contentDirectory)'")
                }
                let manifestPaths = Set(check.manifestFiles.keys)
                let missing = priorManifestPaths.subtracting(manifestPaths)
                if !missing.isEmpty {
                    issue("E066", version, "content paths of earlier versions missing from its manifest: \(missing.sorted().joined(separator: ", "))")
                }
                priorManifestPaths.formUnion(manifestPaths)
                for (file, digest) in check.manifestFiles {
                    prior[file, default: []].append((check.algorithmName, digest, version))
                }
                for (algorithm, files) in check.fixityFiles {
                    for (file, digest) in files { prior[file, default: []].append((algorithm, digest, version)) }
                }
                compare(prior: check, with: root)
            }
            if previousSpec > thisSpec {
                issue("E103", version, "declares OCFL \(thisSpec), earlier than a preceding version's \(previousSpec)")
            }
            previousSpec = thisSpec
        }
        return prior
    }

    /// A version inventory must describe the same states as the root inventory (E066), and should
    /// have the same metadata (W011).
    func compare(prior: InventoryCheck, with root: InventoryCheck) {
        guard Set(prior.versionSequence).isSubset(of: Set(root.versionSequence)), !prior.versionSequence.isEmpty else {
            issue("E066", prior.location, "its versions are not a subset of the root inventory's")
            return
        }
        for version in prior.versionSequence {
            let priorMap = prior.logicalPathMap(version)
            let rootMap = root.logicalPathMap(version)
            if Set(priorMap.keys) != Set(rootMap.keys) {
                let only = Set(priorMap.keys).symmetricDifference(rootMap.keys).sorted()
                issue("E066", prior.location, "version \(version) has different logical paths than in the root inventory: \(only.joined(separator: ", "))")
                continue
            }
            if prior.algorithmName == root.algorithmName {
                for (logical, digest) in priorMap where rootMap[logical] != digest {
                    issue("E066", prior.location, "version \(version): '\(logical)' has another digest than in the root inventory")
                }
            } else {
                for (logical, digest) in priorMap {
                    let priorFiles = Set(prior.manifestPaths(forDigest: digest))
                    let rootFiles = Set(root.manifestPaths(forDigest: rootMap[logical] ?? ""))
                    if !priorFiles.isSubset(of: rootFiles) {
                        issue("E066", prior.location, "version \(version): '\(logical)' maps to other content than in the root inventory")
                    }
                }
            }
            for key in ["created", "message", "user"] {
                let a = prior.versionBlocks[version]?[key]
                let b = root.versionBlocks[version]?[key]
                if !jsonEqual(a, b) {
                    issue("W011", prior.location, "version \(version): '\(key)' differs from the root inventory")
                }
            }
        }
    }

    // MARK: content

    func checkContent(root: InventoryCheck, prior: PriorDigests) {
        var seen = Set<String>()
        let versionsWithContent = Set(root.manifestFiles.keys.map { String($0.prefix(while: { $0 != "/" })) })
        for version in root.versionSequence {
            let directory = path + "/" + version
            guard FileSystem.kind(directory) == .directory else {
                issue("E010", "root", "version directory \(version) is missing")
                issue("E046", "root", "version \(version) of the inventory has no version directory")
                continue
            }
            if versionsWithContent.contains(version) && FileSystem.kind(directory + "/" + root.contentDirectory) != .directory {
                issue("E016", version, "the manifest has content in \(version)/\(root.contentDirectory), which is not a directory")
            }
            let versionEntries = (try? FileSystem.entries(directory)) ?? []
            checkHardLinks(entries: versionEntries, directory: directory, location: version)
            for (entry, kind) in versionEntries {
                let full = directory + "/" + entry
                if kind == .file && (entry == "inventory.json" || entry == "inventory.json." + (sidecarAlgorithms[version] ?? root.algorithmName)) {
                    continue
                }
                if kind == .file && Self.looksLikeInventory(entry) && entry != "inventory.json" {
                    issue("E034", version, "'\(entry)' looks like an inventory, which must be named inventory.json")
                }
                if entry == root.contentDirectory && kind == .directory {
                    var count = 0
                    walkContent(full, relative: version + "/" + entry, seen: &seen, count: &count, location: version)
                    if count == 0 { issue("W003", version, "the content directory holds no file") }
                } else if kind == .directory {
                    issue("W002", version, "extra directory '\(entry)' in the version directory")
                    for link in Self.links(under: full, relative: version + "/" + entry) { issue("E090", version, "\(link) is a link") }
                } else if kind == .symlink {
                    issue("E090", version, "'\(entry)' is a symbolic link")
                } else {
                    issue("E015", version, "unexpected file '\(entry)' in the version directory")
                }
            }
        }
        // Fixity of the root inventory.
        var fixityByFile: [String: [(algorithm: String, digest: String, version: String)]] = [:]
        for (algorithm, files) in root.fixityFiles {
            for (file, digest) in files {
                if seen.contains(file) {
                    fixityByFile[file, default: []].append((algorithm, digest, "root"))
                } else {
                    issue("E093", "root", "fixity (\(algorithm)) names content path \(file), which does not exist", contentPath: file)
                }
            }
        }
        for (file, digest) in root.manifestFiles.sorted(by: { $0.key < $1.key }) {
            guard seen.contains(file) else {
                issue("E092", "root", "content path \(file) in the manifest does not exist", contentPath: file)
                continue
            }
            seen.remove(file)
            guard checkDigests else { continue }
            var wanted: [(algorithm: String, digest: String, version: String, code: String)] = [(root.algorithmName, digest, "root", "E092")]
            for entry in prior[file] ?? [] {
                let isManifest = entry.algorithm == root.algorithmName || DigestAlgorithm(rawValue: entry.algorithm) == .sha256 || DigestAlgorithm(rawValue: entry.algorithm) == .sha512
                wanted.append((entry.algorithm, entry.digest, entry.version, isManifest ? "E092" : "E093"))
            }
            for entry in fixityByFile[file] ?? [] { wanted.append((entry.algorithm, entry.digest, entry.version, "E093")) }
            let algorithms = Array(Set(wanted.compactMap { DigestAlgorithm(rawValue: $0.algorithm) }.filter(\.isComputable)))
            guard let actual = try? Digests.file(path + "/" + file, algorithms: algorithms) else {
                issue("E092", "root", "content path \(file) cannot be read", contentPath: file)
                continue
            }
            var reported = Set<String>()
            for entry in wanted where entry.algorithm == "size" && !reported.contains("size") {
                let size = Self.fileSize(path + "/" + file)
                if String(size) != entry.digest {
                    reported.insert("size")
                    issue("E093", entry.version, "content \(file) has \(size) bytes, the fixity size says \(entry.digest)", contentPath: file)
                }
            }
            for entry in wanted {
                guard let algorithm = DigestAlgorithm(rawValue: entry.algorithm), let value = actual[algorithm] else { continue }
                if value != entry.digest.lowercased() && !reported.contains(entry.code + entry.algorithm) {
                    reported.insert(entry.code + entry.algorithm)
                    issue(entry.code, entry.version, "content \(file) has \(entry.algorithm) \(value.prefix(16))…, the inventory says \(entry.digest.prefix(16))…", contentPath: file)
                }
            }
        }
        for file in seen.sorted() {
            issue("E023", "root", "file \(file) is not in the manifest", contentPath: file)
        }
    }

    func walkContent(_ directory: String, relative: String, seen: inout Set<String>, count: inout Int, location: String) {
        let entries = (try? FileSystem.entries(directory)) ?? []
        if entries.isEmpty && relative.split(separator: "/").count > 2 {
            issue("E024", location, "empty directory \(relative)")
        }
        for (entry, kind) in entries {
            let full = directory + "/" + entry
            let rel = relative + "/" + entry
            switch kind {
            case .directory: walkContent(full, relative: rel, seen: &seen, count: &count, location: location)
            case .symlink: issue("E090", location, "\(rel) is a symbolic link", contentPath: rel)
            default:
                seen.insert(rel)
                count += 1
                if Self.linkCount(full) > 1 { issue("E090", location, "\(rel) is a hard link (\(Self.linkCount(full)) names)", contentPath: rel) }
            }
        }
    }

    // MARK: links, nested objects, inventory names

    /// Regular files of a directory listing that have other names elsewhere (hard links, E090).
    func checkHardLinks(entries: [(name: String, kind: FileSystem.Kind)], directory: String, location: String) {
        for (name, kind) in entries where kind == .file {
            let count = Self.linkCount(directory + "/" + name)
            if count > 1 { issue("E090", location, "'\(name)' is a hard link (\(count) names)") }
        }
    }

    /// The size in bytes of the file at `path` (0 when it cannot be read).
    static func fileSize(_ path: String) -> Int {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        return Int(st.st_size)
    }

    /// The symbolic links and hard-linked files below `directory` (paths prefixed by `relative`).
    static func links(under directory: String, relative: String) -> [String] {
        var found: [String] = []
        for (name, kind) in (try? FileSystem.entries(directory)) ?? [] {
            let full = directory + "/" + name
            switch kind {
            case .directory: found += links(under: full, relative: relative + "/" + name)
            case .symlink: found.append(relative + "/" + name)
            case .file where linkCount(full) > 1: found.append(relative + "/" + name)
            default: continue
            }
        }
        return found
    }

    /// The number of names (hard links) of the file at `path` (0 when it cannot be read).
    static func linkCount(_ path: String) -> Int {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        return Int(st.st_nlink)
    }

    /// The first object declaration (`0=ocfl_object_…`) under `directory`, as a path relative to
    /// the object root, or nil.
    static func objectDeclaration(under directory: String, relative: String) -> String? {
        for (name, kind) in (try? FileSystem.entries(directory)) ?? [] {
            if kind == .file && name.hasPrefix("0=ocfl_object_") { return relative + "/" + name }
            if kind == .directory, let found = objectDeclaration(under: directory + "/" + name, relative: relative + "/" + name) {
                return found
            }
        }
        return nil
    }

    /// `inventory.json` under another case or with something between (`Inventory.JSON`,
    /// `inventory-v1.json`): an inventory named otherwise (E034).
    static func looksLikeInventory(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("inventory") && lower.hasSuffix(".json")
    }
}

/// Equality of two JSON values (as parsed by JSONSerialization).
func jsonEqual(_ a: Any?, _ b: Any?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let x as String, let y as String): return x == y
    case (let x as [String: Any], let y as [String: Any]):
        return x.count == y.count && x.allSatisfy { jsonEqual($0.value, y[$0.key]) }
    case (let x as [Any], let y as [Any]):
        return x.count == y.count && zip(x, y).allSatisfy { jsonEqual($0, $1) }
    case (let x as NSNumber, let y as NSNumber): return x == y
    case (is NSNull, is NSNull): return true
    default: return false
    }
}
