import Foundation

/// The verification string of a hand-over receipt (*récépissé de remise*), the one contract
/// between the paper and the archive: `LSL1:<UAI>:<INE>:<année>:<version>:<sha256>`, e.g.
/// `LSL1:0351261F:123456789AB:2015-2016:v2:3f2a…` (64 lower-case hex digits).
///
/// It names the livret version handed over: the pupil's archive object (`urn:lsl:ine:<INE>`),
/// the version of that object, the school year of the livret (`<année>/livret.pdf`) and the
/// SHA-256 of that PDF. The receipt's QR code holds it as it is, or inside an address
/// (`https://…?code=<percent-encoded string>`) when the lycée gives a verification URL; ``init(parsing:)``
/// reads both.
public struct ReceiptCode: Hashable, Sendable, CustomStringConvertible {
    /// The prefix and format version of the string.
    public static let prefix = "LSL1"
    /// The query parameter that carries the string in a verification address.
    public static let queryName = "code"

    /// The établissement's UAI.
    public var uai: String
    /// The pupil's INE.
    public var ine: String
    /// The school year of the livret, `2015-2016`.
    public var annee: String
    /// The archive object's version handed over, `v2`.
    public var version: String
    /// SHA-256 of the livret PDF handed over, 64 lower-case hex digits.
    public var sha256: String

    /// Why a code cannot be made or read.
    public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// In plain words.
        public var description: String
    }

    /// A code from its parts, each checked (UAI with its check letter, INE of a known format,
    /// `YYYY-YYYY+1`, `v` and a number, 64 hex digits); a problem names the part and its place in
    /// the string (`the INE (part 3) …`).
    public init(uai: String, ine: String, annee: String, version: String, sha256: String) throws(Problem) {
        if let problem = Identifiers.uaiProblem(uai) { throw Problem(description: "the UAI (part 2): \(problem)") }
        guard Identifiers.ineKind(ine) != nil else {
            throw Problem(description: "the INE (part 3) \(MessageText.quoted(ine)) has none of the INE formats")
        }
        guard Self.isYear(annee) else {
            throw Problem(description: "the school year (part 4) \(MessageText.quoted(annee)) is not YYYY-YYYY")
        }
        guard Self.isVersion(version) else {
            throw Problem(description: "the version (part 5) \(MessageText.quoted(version)) is not an archive version (v1, v2…)")
        }
        let digest = sha256.lowercased()
        guard digest.utf8.count == 64, digest.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw Problem(description: "the SHA-256 (part 6) is not 64 hexadecimal digits")
        }
        self.uai = uai
        self.ine = ine
        self.annee = annee
        self.version = version
        self.sha256 = digest
    }

    /// Reads `LSL1:…`, or an address whose `code` query parameter holds it (as a QR code made with
    /// a verification URL). Surrounding white space is ignored; anything else that is not exactly
    /// the format is refused.
    public init(parsing text: String) throws(Problem) {
        var string = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if !string.hasPrefix(Self.prefix + ":") {
            guard let components = URLComponents(string: string),
                  let value = components.queryItems?.last(where: { $0.name == Self.queryName })?.value
            else {
                throw Problem(description: "\(MessageText.quoted(string)) does not start with \(Self.prefix): and is not an address with ?\(Self.queryName)=")
            }
            string = value
        }
        let parts = string.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts[0] == Self.prefix else {
            throw Problem(description: "\(MessageText.quoted(string)) does not start with \(Self.prefix):")
        }
        guard parts.count == 6 else {
            throw Problem(description: "\(parts.count) parts separated by ':', expected 6 (\(Self.prefix):UAI:INE:année:version:sha256)")
        }
        guard parts[5] == parts[5].lowercased() else {
            throw Problem(description: "the SHA-256 (part 6) must be written in lower case")
        }
        try self.init(uai: parts[1], ine: parts[2], annee: parts[3], version: parts[4], sha256: parts[5])
    }

    /// `LSL1:<UAI>:<INE>:<année>:<version>:<sha256>`.
    public var description: String { [Self.prefix, uai, ine, annee, version, sha256].joined(separator: ":") }

    /// What the QR code holds: the string itself, or `URL?code=<percent-encoded string>` (`&code=`
    /// when the address already has a query).
    public func qrText(verifyURL: String?) -> String {
        guard let verifyURL, !verifyURL.isEmpty else { return description }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = description.addingPercentEncoding(withAllowedCharacters: allowed) ?? description
        return verifyURL + (verifyURL.contains("?") ? "&" : "?") + Self.queryName + "=" + encoded
    }

    /// The SHA-256 in groups of four hex digits (`3f2a 9c1b …`), for reading aloud.
    public var groupedSHA256: String { Self.grouped(sha256) }

    /// `text` in groups of four characters separated by spaces.
    public static func grouped(_ text: String) -> String {
        let characters = Array(text)
        return stride(from: 0, to: characters.count, by: 4)
            .map { String(characters[$0..<min($0 + 4, characters.count)]) }.joined(separator: " ")
    }

    /// Whether `text` is a verification address livret can put in a QR code: `https://` or
    /// `http://`, a host, no white space, no fragment.
    public static func isVerifyURL(_ text: String) -> Bool {
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || MessageText.isUnsafe($0) }),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "https" || scheme == "http", let host = components.host, !host.isEmpty, components.fragment == nil
        else { return false }
        return true
    }

    static func isYear(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let first = Int(parts[0]), let second = Int(parts[1]) else { return false }
        return second == first + 1
    }

    static func isVersion(_ text: String) -> Bool {
        guard text.hasPrefix("v"), text.count > 1, text.count <= 10 else { return false }
        let digits = text.dropFirst()
        return digits.allSatisfy({ $0.isASCII && $0.isNumber }) && (Int(digits) ?? 0) > 0
    }
}
