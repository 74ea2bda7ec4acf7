import Crypto
import Foundation
import LivretArchive
import LivretTestSupport

/// A copy of an official good OCFL object, to damage in one precise way: the helpers rewrite
/// inventories with fresh sidecars, so that the only thing broken is the rule under test.
struct Specimen {
    let url: URL
    var path: String { url.path }

    /// Copies `good-objects/<fixture>` to `url`.
    static func copy(_ fixture: String, to url: URL) throws -> Specimen {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("good-objects/" + fixture), to: url)
        return Specimen(url: url)
    }

    func file(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    func write(_ text: String, _ relative: String) throws { try LivretArchiveTests.write(Data(text.utf8), file(relative)) }

    func remove(_ relative: String) throws { try FileManager.default.removeItem(at: file(relative)) }

    func move(_ from: String, _ to: String) throws { try FileManager.default.moveItem(at: file(from), to: file(to)) }

    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(at: file(relative), withIntermediateDirectories: true)
    }

    func json(_ relative: String = "inventory.json") throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: file(relative))) as! [String: Any]
    }

    /// Writes `json` as `<directory>/inventory.json` and its sidecar, named after its
    /// digestAlgorithm when that is sha256 or sha512 (else sha512).
    func writeInventory(_ json: [String: Any], at directory: String) throws {
        let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let prefix = directory.isEmpty ? "" : directory + "/"
        try data.write(to: file(prefix + "inventory.json"))
        let algorithm = json["digestAlgorithm"] as? String == "sha256" ? "sha256" : "sha512"
        let digest = algorithm == "sha256" ? sha256Hex(data) : sha512Hex(data)
        try write(digest + "  inventory.json\n", prefix + "inventory.json." + algorithm)
    }

    /// Changes the root inventory and the head version's copy alike.
    func edit(_ change: (inout [String: Any]) throws -> Void) throws {
        var inventory = try json()
        let head = inventory["head"] as! String
        try change(&inventory)
        try writeInventory(inventory, at: "")
        if FileManager.default.fileExists(atPath: file(head + "/inventory.json").path) { try writeInventory(inventory, at: head) }
    }

    /// Changes one version directory's inventory only.
    func editVersion(_ version: String, _ change: (inout [String: Any]) throws -> Void) throws {
        var inventory = try json(version + "/inventory.json")
        try change(&inventory)
        try writeInventory(inventory, at: version)
    }
}

/// A storage root holding copies of official good objects at their 0003 layout paths.
struct RootSpecimen {
    static let objects = ["spec-ex-full", "minimal_one_version_one_file"]
    let url: URL
    var path: String { url.path }

    static func make(at url: URL) throws -> RootSpecimen {
        let root = RootSpecimen(url: url)
        try root.write("ocfl_1.1\n", "0=ocfl_1.1")
        try LivretArchiveTests.write(StorageLayout.layoutJSON, root.file("ocfl_layout.json"))
        try LivretArchiveTests.write(StorageLayout().configJSON, root.file("extensions/\(StorageLayout.extensionName)/config.json"))
        for fixture in objects {
            let source = fixtures.appendingPathComponent("good-objects/" + fixture)
            let id = try Specimen(url: source).json()["id"] as! String
            try root.copyObject(fixture, to: StorageLayout().path(for: id))
        }
        return root
    }

    func file(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    func write(_ text: String, _ relative: String) throws { try LivretArchiveTests.write(Data(text.utf8), file(relative)) }

    func remove(_ relative: String) throws { try FileManager.default.removeItem(at: file(relative)) }

    /// Moves `from` to `to`, removing the directories `from` leaves empty (no E073 on the way).
    func move(_ from: String, _ to: String) throws {
        try FileManager.default.createDirectory(at: file(to).deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: file(from), to: file(to))
        var parent = (from as NSString).deletingLastPathComponent
        while !parent.isEmpty, try FileManager.default.contentsOfDirectory(atPath: file(parent).path).isEmpty {
            try FileManager.default.removeItem(at: file(parent))
            parent = (parent as NSString).deletingLastPathComponent
        }
    }

    func makeDirectory(_ relative: String) throws {
        try FileManager.default.createDirectory(at: file(relative), withIntermediateDirectories: true)
    }

    /// Copies `good-objects/<fixture>` to `relative`.
    func copyObject(_ fixture: String, to relative: String) throws {
        try FileManager.default.createDirectory(at: file(relative).deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent("good-objects/" + fixture), to: file(relative))
    }

    /// The layout path of the first object (`spec-ex-full`).
    var firstObject: String { StorageLayout().path(for: "ark:/12345/bcd987") }
}

extension Dictionary where Key == String, Value == Any {
    /// Changes the JSON object found under the keys `path` in place.
    mutating func update(_ path: String..., body: (inout [String: Any]) -> Void) { update(path, body: body) }

    private mutating func update(_ path: [String], body: (inout [String: Any]) -> Void) {
        guard let first = path.first else { return body(&self) }
        var inner = self[first] as! [String: Any]
        inner.update(Array(path.dropFirst()), body: body)
        self[first] = inner
    }

    /// The first key (sorted) of the JSON object under `key`.
    func firstKey(_ key: String) -> String { (self[key] as! [String: Any]).keys.sorted().first! }
}

func sha256Hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
