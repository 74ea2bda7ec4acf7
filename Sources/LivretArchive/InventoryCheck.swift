import Foundation
import LivretModel

/// Checks one inventory's JSON (root or version inventory) for the structure and values OCFL 1.1
/// requires (§3.5), reporting into the validation run, and keeps what later checks need.
final class InventoryCheck {
    static let allowedKeys: Set<String> = ["id", "type", "digestAlgorithm", "head", "contentDirectory", "fixity", "manifest", "versions"]
    static let versionKeys: Set<String> = ["created", "message", "user", "state"]

    let run: ObjectValidationRun
    let location: String
    let json: [String: Any]
    /// The `type` the inventory must have (root inventory: the object's declaration), or nil for any supported one.
    let expectedType: String?

    var id: String?
    var head: String?
    var specVersion = "1.1"
    var algorithm: DigestAlgorithm? = .sha512
    var algorithmName: String { algorithm?.rawValue ?? "sha512" }
    var contentDirectory = "content"
    var contentDirectorySet = false
    /// Version names v1…vN of a valid sequence.
    var versionSequence: [String] = []
    var versionBlocks: [String: [String: Any]] = [:]
    /// content path → normalized (lower-case) digest.
    var manifestFiles: [String: String] = [:]
    /// normalized digest → content paths.
    var manifestByDigest: [String: [String]] = [:]
    /// algorithm → content path → normalized digest.
    var fixityFiles: [String: [String: String]] = [:]
    /// Exact (un-normalized) manifest keys: state keys must match them exactly.
    var manifestKeys = Set<String>()

    init(run: ObjectValidationRun, location: String, json: [String: Any], expectedType: String?) {
        self.run = run
        self.location = location
        self.json = json
        self.expectedType = expectedType
    }

    func issue(_ code: String, _ message: String) { run.issue(code, location, message) }

    func check() {
        for key in json.keys where !Self.allowedKeys.contains(key) {
            issue("E102", "unexpected key \(MessageText.quoted(key)) in the inventory")
        }
        // id
        if let value = json["id"] {
            if let string = value as? String, !string.isEmpty {
                id = string
                if !SyntaxChecks.isURI(string) {
                    issue("W005", "id \(MessageText.quoted(string)) is not a URI")
                }
            } else {
                issue("E037", "id is not a non-empty string")
            }
        } else {
            issue("E036", "no 'id'")
        }
        // type
        if let value = json["type"] {
            if let type = value as? String {
                let match = type == "https://ocfl.io/1.1/spec/#inventory" || type == "https://ocfl.io/1.0/spec/#inventory"
                if let expectedType, type != expectedType {
                    issue("E038", "type \(MessageText.quoted(type)) is not \(MessageText.quoted(expectedType))")
                } else if !match {
                    issue("E038", "type \(MessageText.quoted(type)) is not an OCFL inventory type")
                }
                if match { specVersion = type.contains("/1.0/") ? "1.0" : "1.1" }
            } else {
                issue("E038", "type is not a string")
            }
        } else {
            issue("E036", "no 'type'")
        }
        // digestAlgorithm
        if let value = json["digestAlgorithm"] {
            if let name = value as? String, name == "sha512" {
                algorithm = .sha512
            } else if let name = value as? String, name == "sha256" {
                algorithm = .sha256
                issue("W004", "digestAlgorithm is sha256; sha512 is recommended")
            } else {
                algorithm = nil
                issue("E025", "digestAlgorithm \(MessageText.quoted(value)) is neither sha512 nor sha256")
                return
            }
        } else {
            issue("E036", "no 'digestAlgorithm'")
        }
        // contentDirectory
        if let value = json["contentDirectory"] {
            if let name = value as? String, !name.isEmpty, !name.contains("/") {
                if name == "." || name == ".." {
                    issue("E018", "contentDirectory is \(MessageText.quoted(name))")
                } else {
                    contentDirectory = name
                    contentDirectorySet = true
                }
            } else {
                issue("E017", "contentDirectory \(MessageText.quoted(value)) is not a single path element")
            }
        }
        // manifest
        if let value = json["manifest"] {
            if let manifest = value as? [String: Any] {
                checkManifest(manifest)
            } else {
                issue("E106", "manifest is not a JSON object")
            }
        } else {
            issue("E041", "no 'manifest'")
        }
        // versions
        var digestsUsed = Set<String>()
        if let value = json["versions"] {
            if let versions = value as? [String: Any] {
                checkSequence(versions)
                for name in versionSequence {
                    guard let block = versions[name] as? [String: Any] else {
                        issue("E047", "version \(name) is not a JSON object")
                        continue
                    }
                    versionBlocks[name] = block
                    digestsUsed.formUnion(checkVersion(name, block))
                }
            } else {
                issue("E044", "versions is not a JSON object")
            }
        } else {
            issue("E041", "no 'versions'")
        }
        // head
        if let value = json["head"] {
            if let name = value as? String {
                head = name
                if let last = versionSequence.last, name != last {
                    issue("E040", "head is \(MessageText.quoted(name)), the highest version is \(MessageText.quoted(last))")
                }
            } else {
                issue("E040", "head is not a string")
            }
        } else {
            issue("E036", "no 'head'")
        }
        guard !versionSequence.isEmpty else { return }
        let versions = Set(versionSequence)
        for file in manifestFiles.keys.sorted() {
            let versionDirectory = String(file.prefix(while: { $0 != "/" }))
            if !versions.contains(versionDirectory) {
                issue("E042", "content path \(file) is not in a version directory of the inventory")
            }
        }
        let manifestDigests = Set(manifestByDigest.keys)
        let missing = digestsUsed.subtracting(manifestDigests)
        if !missing.isEmpty {
            issue("E050", "state digests not in the manifest: \(missing.sorted().map { String($0.prefix(16)) + "…" }.joined(separator: ", "))")
        }
        let unused = manifestDigests.subtracting(digestsUsed)
        if !unused.isEmpty {
            issue("E107", "manifest digests used by no version: \(unused.sorted().map { String($0.prefix(16)) + "…" }.joined(separator: ", "))")
        }
        if let value = json["fixity"] { checkFixity(value) }
    }

    func checkManifest(_ manifest: [String: Any]) {
        var directories = Set<String>()
        for (digest, value) in manifest {
            guard let algorithm, algorithm.isWellFormed(digest) else {
                issue("E025", "manifest key \(MessageText.quoted(digest.prefix(24))) is not a \(algorithmName) digest")
                continue
            }
            guard let paths = value as? [Any] else {
                issue("E092", "manifest entry \(digest.prefix(16))… is not a list of content paths")
                continue
            }
            manifestKeys.insert(digest)
            let normalized = digest.lowercased()
            if manifestByDigest[normalized] != nil {
                issue("E096", "digest \(normalized.prefix(16))… appears more than once in the manifest")
            }
            for item in paths {
                guard let file = item as? String else {
                    issue("E092", "manifest entry \(digest.prefix(16))… holds a value that is not a path")
                    continue
                }
                guard checkContentPath(file) else { continue }
                if manifestFiles[file] != nil {
                    issue("E101", "content path \(file) appears more than once")
                    continue
                }
                manifestFiles[file] = normalized
                manifestByDigest[normalized, default: []].append(file)
                let parts = file.split(separator: "/")
                for end in 1..<parts.count { directories.insert(parts[0..<end].joined(separator: "/")) }
            }
            if manifestByDigest[normalized] == nil { manifestByDigest[normalized] = [] }
        }
        for directory in directories where manifestFiles[directory] != nil {
            issue("E101", "content path \(directory) is also a directory of other content paths")
        }
    }

    /// Content path rules (E042, E099, E100); returns whether the path is usable.
    func checkContentPath(_ file: String) -> Bool {
        if file.hasPrefix("/") || file.hasSuffix("/") {
            issue("E100", "content path \(MessageText.quoted(file)) begins or ends with /")
            return false
        }
        let parts = file.split(separator: "/", omittingEmptySubsequences: false)
        if parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            issue("E099", "content path \(MessageText.quoted(file)) has an empty, . or .. element")
            return false
        }
        guard parts.count >= 3, OCFLInventory.versionNumber(String(parts[0])) != nil else {
            issue("E042", "content path \(MessageText.quoted(file)) is not of the form vN/\(contentDirectory)/…")
            return false
        }
        if parts[1] != contentDirectory {
            issue("E042", "content path \(MessageText.quoted(file)) is not in the content directory \(MessageText.quoted(contentDirectory))")
            return false
        }
        return true
    }

    func checkSequence(_ versions: [String: Any]) {
        guard !versions.isEmpty else {
            issue("E008", "versions is empty")
            return
        }
        var width = 0  // 0: not padded
        if versions["v1"] == nil {
            guard let padded = (2...10).first(where: { versions["v" + String(repeating: "0", count: $0 - 1) + "1"] != nil }) else {
                issue("E009", "the version sequence does not start at v1")
                return
            }
            width = padded
            issue("W001", "zero-padded version names (\(versions.keys.sorted().first ?? ""))")
        }
        let limit = width == 0 ? Int.max : Int(pow(10.0, Double(width - 1))) - 1
        var number = 1
        while number <= limit {
            let digits = String(number)
            let name = "v" + (width == 0 ? digits : String(repeating: "0", count: max(0, width - digits.count)) + digits)
            guard versions[name] != nil else { break }
            versionSequence.append(name)
            number += 1
        }
        if versionSequence.count != versions.count {
            let extra = Set(versions.keys).subtracting(versionSequence).sorted()
            let malformed = extra.filter { OCFLInventory.versionNumber($0) == nil }
            if !malformed.isEmpty {
                issue("E104", "version names not of the form vN: \(malformed.joined(separator: ", "))")
            }
            if width != 0 && versionSequence.count == limit {
                issue("E011", "more versions than the zero-padding allows (\(extra.joined(separator: ", ")))")
                issue("E013", "version \(extra.first ?? "") does not follow the naming convention of the earlier versions")
            } else if extra.contains(where: { name in OCFLInventory.versionNumber(name) != nil && name.dropFirst().count != (width == 0 ? String(OCFLInventory.versionNumber(name)!).count : width) }) {
                issue("E012", "version names do not all follow the same (zero-)padding: \(extra.joined(separator: ", "))")
            } else {
                issue("E010", "the version sequence is not continuous: \(extra.joined(separator: ", ")) after \(versionSequence.last ?? "none")")
            }
        }
    }

    /// Checks one version block; returns the normalized digests its state uses.
    func checkVersion(_ name: String, _ block: [String: Any]) -> Set<String> {
        for key in block.keys where !Self.versionKeys.contains(key) {
            issue("E102", "unexpected key \(MessageText.quoted(key)) in version \(name)")
        }
        if let created = block["created"] {
            if let text = created as? String {
                if !SyntaxChecks.isRFC3339(text) {
                    issue("E049", "version \(name): created \(MessageText.quoted(text)) is not an RFC 3339 date-time with seconds and time zone")
                }
            } else {
                issue("E049", "version \(name): created is not a string")
            }
        } else {
            issue("E048", "version \(name) has no 'created'")
        }
        var used = Set<String>()
        if let value = block["state"] {
            if let state = value as? [String: Any] {
                var paths = Set<String>()
                var directories = Set<String>()
                for (digest, list) in state {
                    guard let algorithm, algorithm.isWellFormed(digest) else {
                        issue("E050", "version \(name): state key \(MessageText.quoted(digest.prefix(24))) is not a \(algorithmName) digest")
                        continue
                    }
                    guard let items = list as? [Any] else {
                        issue("E050", "version \(name): state entry \(digest.prefix(16))… is not a list of logical paths")
                        continue
                    }
                    if !manifestKeys.contains(digest) && manifestByDigest[digest.lowercased()] != nil {
                        issue("E050", "version \(name): state digest \(digest.prefix(16))… is written differently in the manifest")
                    }
                    used.insert(digest.lowercased())
                    for item in items {
                        guard let logical = item as? String else {
                            issue("E051", "version \(name): a logical path is not a string")
                            continue
                        }
                        if logical.hasPrefix("/") || logical.hasSuffix("/") {
                            issue("E053", "version \(name): logical path \(MessageText.quoted(logical)) begins or ends with /")
                            continue
                        }
                        let parts = logical.split(separator: "/", omittingEmptySubsequences: false)
                        if parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                            issue("E052", "version \(name): logical path \(MessageText.quoted(logical)) has an empty, . or .. element")
                            continue
                        }
                        if !paths.insert(logical).inserted {
                            issue("E095", "version \(name): logical path \(MessageText.quoted(logical)) appears more than once")
                        }
                        for end in 1..<max(1, parts.count) { directories.insert(parts[0..<end].joined(separator: "/")) }
                    }
                }
                for directory in directories.sorted() where paths.contains(directory) {
                    issue("E095", "version \(name): logical path \(MessageText.quoted(directory)) is both a file and a directory")
                }
            } else {
                issue("E050", "version \(name): state is not a JSON object")
            }
        } else {
            issue("E048", "version \(name) has no 'state'")
        }
        if let message = block["message"] {
            if !(message is String) { issue("E094", "version \(name): message is not a string") }
        } else {
            issue("W007", "version \(name) has no message")
        }
        if let user = block["user"] {
            if let userBlock = user as? [String: Any] {
                if !(userBlock["name"] is String) { issue("E054", "version \(name): user has no string 'name'") }
                if let address = userBlock["address"] {
                    if let text = address as? String {
                        if !SyntaxChecks.isURI(text, allowSpaces: false) {
                            issue("W009", "version \(name): user address \(MessageText.quoted(text)) is not a URI")
                        }
                    } else {
                        issue("E054", "version \(name): user address is not a string")
                    }
                } else {
                    issue("W008", "version \(name): user has no address")
                }
            } else {
                issue("E054", "version \(name): user is not a JSON object")
            }
        } else {
            issue("W007", "version \(name) has no user")
        }
        return used
    }

    func checkFixity(_ value: Any) {
        guard let fixity = value as? [String: Any] else {
            issue("E111", "fixity is not a JSON object")
            return
        }
        for (name, blockValue) in fixity {
            guard let algorithm = DigestAlgorithm(rawValue: name) else {
                issue("E056", "fixity algorithm \(MessageText.quoted(name)) is not in the OCFL vocabulary")
                continue
            }
            guard let block = blockValue as? [String: Any] else {
                issue("E057", "fixity block \(name) is not a JSON object")
                continue
            }
            var seen = Set<String>()
            var files: [String: String] = [:]
            for (digest, list) in block {
                guard algorithm.isWellFormed(digest) else {
                    issue("E057", "fixity \(name) key \(MessageText.quoted(digest.prefix(24))) is not a \(name) digest")
                    continue
                }
                guard let paths = list as? [Any] else {
                    issue("E057", "fixity \(name) entry \(digest.prefix(16))… is not a list of content paths")
                    continue
                }
                if !seen.insert(digest.lowercased()).inserted {
                    issue("E097", "fixity \(name) digest \(digest.prefix(16))… appears more than once")
                }
                for item in paths {
                    guard let file = item as? String else {
                        issue("E057", "fixity \(name) entry holds a value that is not a path")
                        continue
                    }
                    if file.hasPrefix("/") || file.hasSuffix("/") {
                        issue("E100", "fixity content path \(MessageText.quoted(file)) begins or ends with /")
                    } else if file.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
                        issue("E099", "fixity content path \(MessageText.quoted(file)) has an empty, . or .. element")
                    } else if manifestFiles[file] == nil {
                        issue("E057", "fixity \(name) names content path \(file), which is not in the manifest")
                    } else {
                        files[file] = digest.lowercased()
                    }
                }
            }
            fixityFiles[name] = files
        }
    }

    /// logical path → normalized digest for a version of this inventory.
    func logicalPathMap(_ version: String) -> [String: String] {
        var map: [String: String] = [:]
        guard let state = versionBlocks[version]?["state"] as? [String: Any] else { return map }
        for (digest, list) in state {
            for case let path as String in (list as? [Any]) ?? [] { map[path] = digest.lowercased() }
        }
        return map
    }

    func manifestPaths(forDigest digest: String) -> [String] { manifestByDigest[digest.lowercased()] ?? [] }
}
