import Crypto
import Foundation

/// OCFL storage layout extension `0003-hash-and-id-n-tuple-storage-layout` (sha256, 3 tuples of 3):
/// the object `object-01` lives at `3c0/ff4/240/object-01`; the last segment is the id
/// percent-encoded (every UTF-8 byte outside `[A-Za-z0-9_-]` as `%xx`, lower-case), truncated to
/// 100 characters followed by `-<digest>` when longer.
public struct StorageLayout: Sendable {
    public static let extensionName = "0003-hash-and-id-n-tuple-storage-layout"
    public static let description = "Extension 0003: Hashed Truncated N-tuple Trees with Object ID Encapsulating Directory for OCFL Storage Hierarchies"

    public var tupleSize = 3
    public var numberOfTuples = 3

    public init() {}

    /// The object root of `id`, relative to the storage root, as path components.
    public func components(for id: String) -> [String] {
        let digest = Digests.sha256(Data(id.utf8))
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
            "extensionName": Self.extensionName, "digestAlgorithm": "sha256",
            "tupleSize": tupleSize, "numberOfTuples": numberOfTuples,
        ]
        return (try? JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }

    /// `ocfl_layout.json`.
    public static var layoutJSON: Data {
        let layout: [String: Any] = ["extension": extensionName, "description": description]
        return (try? JSONSerialization.data(withJSONObject: layout, options: [.prettyPrinted, .sortedKeys])) ?? Data()
    }
}
