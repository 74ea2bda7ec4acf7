import Crypto
import Foundation
import LivretModel

/// OCFL storage layout extension `0003-hash-and-id-n-tuple-storage-layout`: the object root is
/// `numberOfTuples` directories of `tupleSize` hex characters of the digest (`digestAlgorithm`)
/// of the id, then the id percent-encoded (every UTF-8 byte outside `[A-Za-z0-9_-]` as `%xx`,
/// lower-case), truncated to 100 characters followed by `-<digest>` when longer. With the
/// defaults (sha256, 3 tuples of 3) the object `object-01` lives at `3c0/ff4/240/object-01`.
/// The settings are those of the storage root's `extensions/0003-…/config.json` (`read(root:)`).
public struct StorageLayout: Sendable, Equatable {
    /// The extension's name, as in `ocfl_layout.json` and `extensions/`.
    public static let extensionName = "0003-hash-and-id-n-tuple-storage-layout"
    /// The extension's description, as written in `ocfl_layout.json`.
    public static let description = "Extension 0003: Hashed Truncated N-tuple Trees with Object ID Encapsulating Directory for OCFL Storage Hierarchies"
    /// The digest algorithms this implementation can compute for the layout.
    public static let supportedDigestAlgorithms: [DigestAlgorithm] = [.sha256, .sha512, .md5, .sha1]

    /// The digest algorithm the object id is hashed with.
    public var digestAlgorithm: DigestAlgorithm = .sha256
    /// How many hex characters each directory level takes.
    public var tupleSize = 3
    /// How many directory levels precede the object's own directory.
    public var numberOfTuples = 3

    /// The extension's defaults: sha256, 3 tuples of 3 characters.
    public init() {}

    /// A layout with these settings; throws `ArchiveError.refused` when they are not a valid 0003 configuration this program can compute.
    public init(digestAlgorithm: DigestAlgorithm, tupleSize: Int, numberOfTuples: Int) throws {
        self.digestAlgorithm = digestAlgorithm
        self.tupleSize = tupleSize
        self.numberOfTuples = numberOfTuples
        if let problem = problem { throw ArchiveError.refused("layout \(Self.extensionName): \(problem)") }
    }

    /// Why these settings are not a valid 0003 configuration we can compute, nil when they are.
    var problem: String? {
        guard Self.supportedDigestAlgorithms.contains(digestAlgorithm) else {
            return "digestAlgorithm \(MessageText.quoted(digestAlgorithm.rawValue)) is not supported (only sha256, sha512, md5, sha1)"
        }
        guard tupleSize >= 0, numberOfTuples >= 0 else { return "tupleSize and numberOfTuples must not be negative" }
        guard (tupleSize == 0) == (numberOfTuples == 0) else {
            return "tupleSize and numberOfTuples must both be 0 when either is"
        }
        guard tupleSize * numberOfTuples <= digestAlgorithm.hexLength else {
            return "tupleSize × numberOfTuples (\(tupleSize * numberOfTuples)) exceeds the \(digestAlgorithm.hexLength) hex characters of \(digestAlgorithm.rawValue)"
        }
        return nil
    }

    /// Lower-case hex digest of the id with the layout's algorithm.
    func digest(of id: String) -> String {
        var hasher = AnyHasher(digestAlgorithm) ?? AnyHasher(.sha256)!
        Data(id.utf8).withUnsafeBytes { hasher.update($0) }
        return hasher.finalizeHex()
    }

    /// The object root of `id`, relative to the storage root, as path components.
    public func components(for id: String) -> [String] {
        let digest = digest(of: id)
        var parts: [String] = []
        var index = digest.startIndex
        for _ in 0..<numberOfTuples {
            let end = digest.index(index, offsetBy: tupleSize)
            parts.append(String(digest[index..<end]))
            index = end
        }
        var encoded = Self.percentEncode(id)
        if encoded.count > 100 { encoded = String(encoded.prefix(100)) + "-" + digest }
        parts.append(encoded)
        return parts
    }

    /// The object root of `id`, relative to the storage root, e.g. `3c0/ff4/240/object-01`.
    public func path(for id: String) -> String { components(for: id).joined(separator: "/") }

    static func percentEncode(_ id: String) -> String {
        let hex = Array("0123456789abcdef")
        var out = ""
        for byte in id.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out.append("%")
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            }
        }
        return out
    }

    /// `extensions/0003-…/config.json`.
    public var configJSON: Data {
        let config: [String: Any] = [
            "extensionName": Self.extensionName, "digestAlgorithm": digestAlgorithm.rawValue,
            "tupleSize": tupleSize, "numberOfTuples": numberOfTuples,
        ]
        return (try? JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// `ocfl_layout.json`.
    public static var layoutJSON: Data {
        let layout: [String: Any] = ["extension": extensionName, "description": description]
        return (try? JSONSerialization.data(withJSONObject: layout, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// Parses a 0003 `config.json`; throws `.refused` naming the problem when it is not a
    /// configuration we support (unknown algorithm, bad tuple settings, wrong extension name).
    public static func parseConfig(_ data: Data, source: String) throws -> StorageLayout {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ArchiveError.refused("\(source): not a JSON object")
        }
        if let name = json["extensionName"], (name as? String) != extensionName {
            throw ArchiveError.refused("\(source): extensionName \(MessageText.quoted(name)) is not supported here (expected \(MessageText.quoted(extensionName)))")
        }
        var layout = StorageLayout()
        if let value = json["digestAlgorithm"] {
            guard let name = value as? String, let algorithm = DigestAlgorithm(rawValue: name) else {
                throw ArchiveError.refused("\(source): digestAlgorithm \(MessageText.quoted(value)) is not supported (only sha256, sha512, md5, sha1)")
            }
            layout.digestAlgorithm = algorithm
        }
        func integer(_ key: String) throws -> Int? {
            guard let value = json[key] else { return nil }
            guard let int = value as? Int else { throw ArchiveError.refused("\(source): \(key) \(MessageText.quoted(value)) is not an integer") }
            return int
        }
        if let size = try integer("tupleSize") { layout.tupleSize = size }
        if let count = try integer("numberOfTuples") { layout.numberOfTuples = count }
        if let problem = layout.problem { throw ArchiveError.refused("\(source): \(problem)") }
        return layout
    }

    /// The layout a storage root declares: `ocfl_layout.json` must name extension 0003, whose
    /// `config.json` (defaults when absent) must be supported. Throws `.refused` otherwise, so that
    /// nothing is ever written at a path the root's own layout does not give.
    public static func read(root: String) throws -> StorageLayout {
        let declaration = root + "/ocfl_layout.json"
        guard FileSystem.exists(declaration) else {
            throw ArchiveError.refused("\(root): no ocfl_layout.json, the storage layout is unknown (only \(extensionName) is supported)")
        }
        guard let data = try? FileSystem.readFile(declaration),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let name = json["extension"] as? String
        else { throw ArchiveError.refused("\(declaration): not a JSON object with a string 'extension'") }
        guard name == extensionName else {
            throw ArchiveError.refused("\(declaration): layout extension \(MessageText.quoted(name)) is not supported (only \(extensionName))")
        }
        let configPath = root + "/extensions/" + extensionName + "/config.json"
        guard FileSystem.exists(configPath) else { return StorageLayout() }
        return try parseConfig(try FileSystem.readFile(configPath), source: configPath)
    }
}
