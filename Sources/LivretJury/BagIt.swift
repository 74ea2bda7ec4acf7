import Crypto
import Foundation

/// The parts of BagIt 1.0 (RFC 8493) the jury package writes and reads: SHA-512 manifests with
/// percent-encoded paths, `bagit.txt`, `bag-info.txt` and the Payload-Oxum.
public enum BagIt {
    /// The bag declaration, exactly.
    public static let declaration = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

    /// A manifest: one `digest  path` line per file, sorted by path (byte order), LF endings.
    public static func manifest(_ entries: [(path: String, data: Data)]) -> String {
        entries.map { ($0.path, sha512($0.data)) }
            .sorted { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }
            .map { "\($0.1)  \(encodePath($0.0))\n" }.joined()
    }

    /// Hex SHA-512.
    public static func sha512(_ data: Data) -> String { SHA512.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// Hex SHA-256.
    public static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// RFC 8493 §2.1.3: CR, LF and % are percent-encoded in manifest paths.
    static func encodePath(_ path: String) -> String {
        path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\n", with: "%0A").replacingOccurrences(of: "\r", with: "%0D")
    }

    static func decodePath(_ path: String) -> String {
        path.replacingOccurrences(of: "%0A", with: "\n").replacingOccurrences(of: "%0a", with: "\n")
            .replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0d", with: "\r")
            .replacingOccurrences(of: "%25", with: "%")
    }

    /// A relative path that stays inside the bag: no leading `/`, no empty, `.` or `..` element, no NUL.
    public static func isSafeRelativePath(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\0"), !path.contains("\\") else { return false }
        return path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }

    /// Parses a manifest: `name` is used in errors. Every line must be `<128 hex digits><space(s)><safe path>`.
    static func parseManifest(_ data: Data, name: String) throws(JuryError) -> [String: String] {
        guard let text = String(data: data, encoding: .utf8) else { throw JuryError(.refused, "\(name) is not UTF-8 text") }
        var result: [String: String] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty && index == text.split(separator: "\n", omittingEmptySubsequences: false).count - 1 { continue }
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            guard let space = line.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
                throw JuryError(.refused, "\(name), line \(index + 1): not `digest path`")
            }
            let digest = line[..<space].lowercased()
            let path = decodePath(String(line[space...].drop(while: { $0 == " " || $0 == "\t" })))
            guard digest.count == 128, digest.allSatisfy(\.isHexDigit) else {
                throw JuryError(.refused, "\(name), line \(index + 1): '\(line[..<space])' is not a SHA-512 digest")
            }
            guard isSafeRelativePath(path) else {
                throw JuryError(.refused, "\(name), line \(index + 1): the path '\(path)' leaves the bag (absolute, empty or with ..)")
            }
            guard result[path] == nil else { throw JuryError(.refused, "\(name), line \(index + 1): '\(path)' is listed twice") }
            result[path] = digest
        }
        return result
    }

    /// Parses `bag-info.txt`-style `Label: value` lines (continuation lines start with a space or tab).
    static func parseTags(_ data: Data, name: String) throws(JuryError) -> [(label: String, value: String)] {
        guard let text = String(data: data, encoding: .utf8) else { throw JuryError(.refused, "\(name) is not UTF-8 text") }
        var result: [(label: String, value: String)] = []
        for (index, raw) in text.split(separator: "\n").enumerated() {
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            if let first = line.first, first == " " || first == "\t", !result.isEmpty {
                result[result.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw JuryError(.refused, "\(name), line \(index + 1): not `Label: value`") }
            result.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                           String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        return result
    }

    /// `Bag-Size`: the payload size, approximately, in B, KB, MB or GB (1024-based).
    static func humanSize(_ octets: Int) -> String {
        if octets < 1024 { return "\(octets) B" }
        var value = Double(octets) / 1024
        for unit in ["KB", "MB", "GB"] {
            if value < 1024 || unit == "GB" { return String(format: "%.1f", value) + " " + unit }
            value /= 1024
        }
        return "\(octets) B"
    }
}
