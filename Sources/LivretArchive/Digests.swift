import Crypto
import Foundation
import LivretModel

/// Digest algorithms of OCFL 1.1 (content addressing: sha512, sha256; fixity adds md5, sha1,
/// blake2b-512), computed with swift-crypto. blake2b-512 is not in swift-crypto: its values are
/// checked for form only (OCFL lets a client ignore fixity algorithms it does not support, E028).
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha512, sha256, sha1, md5
    case blake2b512 = "blake2b-512"

    /// Hex length of a digest value.
    public var hexLength: Int {
        switch self {
        case .sha512, .blake2b512: return 128
        case .sha256: return 64
        case .sha1: return 40
        case .md5: return 32
        }
    }

    /// Whether this program can compute the algorithm (every one but blake2b-512).
    public var isComputable: Bool { self != .blake2b512 }

    /// Whether `value` has the form of a digest of this algorithm (hex, either case).
    public func isWellFormed(_ value: String) -> Bool {
        value.utf8.count == hexLength && value.utf8.allSatisfy { isHexDigit($0) }
    }
}

@inline(__always) func isHexDigit(_ c: UInt8) -> Bool {
    (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
}

/// Lower-case hex of bytes.
func hexString<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(128)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// An incremental hasher over any computable algorithm.
struct AnyHasher {
    private var sha512: SHA512?
    private var sha256: SHA256?
    private var sha1: Insecure.SHA1?
    private var md5: Insecure.MD5?

    init?(_ algorithm: DigestAlgorithm) {
        switch algorithm {
        case .sha512: sha512 = SHA512()
        case .sha256: sha256 = SHA256()
        case .sha1: sha1 = Insecure.SHA1()
        case .md5: md5 = Insecure.MD5()
        case .blake2b512: return nil
        }
    }

    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        if sha512 != nil { sha512!.update(bufferPointer: buffer) }
        else if sha256 != nil { sha256!.update(bufferPointer: buffer) }
        else if sha1 != nil { sha1!.update(bufferPointer: buffer) }
        else if md5 != nil { md5!.update(bufferPointer: buffer) }
    }

    func finalizeHex() -> String {
        if let h = sha512 { return hexString(h.finalize()) }
        if let h = sha256 { return hexString(h.finalize()) }
        if let h = sha1 { return hexString(h.finalize()) }
        if let h = md5 { return hexString(h.finalize()) }
        return ""
    }
}

/// Digests of bytes and files as lower-case hex, for manifests, fixity and the journal.
public enum Digests {
    /// SHA-512 of bytes, lower-case hex.
    public static func sha512(_ data: Data) -> String { hexString(SHA512.hash(data: data)) }

    /// SHA-256 of bytes, lower-case hex.
    public static func sha256(_ data: Data) -> String { hexString(SHA256.hash(data: data)) }

    /// Digests of one file for several algorithms in one read (lower-case hex), keyed by algorithm.
    static func file(_ path: String, algorithms: [DigestAlgorithm]) throws -> [DigestAlgorithm: String] {
        var hashers = algorithms.compactMap { algorithm in AnyHasher(algorithm).map { (algorithm, $0) } }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystem.fail(.open, path) }
        defer { close(fd) }
        try FileSystem.readChunks(fd: fd, path: path) { chunk in
            for index in hashers.indices { hashers[index].1.update(chunk) }
        }
        var result: [DigestAlgorithm: String] = [:]
        for (algorithm, hasher) in hashers { result[algorithm] = hasher.finalizeHex() }
        return result
    }

    static func file(_ path: String, algorithm: DigestAlgorithm) throws -> String {
        guard let value = try file(path, algorithms: [algorithm])[algorithm] else {
            throw ArchiveError.invalidArgument("digest algorithm \(algorithm.rawValue) is not supported")
        }
        return value
    }
}
