import Crypto
import Foundation
import LivretModel
import X509

/// The journal's head signed with the lycée's key, short enough for a hand-over sheet:
/// `LSLJ1:<UAI>:<seq>:<sha256>:<time>:<signature>`, where `time` is `YYYYMMDDTHHMMSSZ` (UTC) and
/// `signature` is the P-256 ECDSA signature (SHA-256, r‖s, 64 bytes) in 128 lower-case hex digits,
/// over the UTF-8 bytes of everything before the last `:`. Hex rather than base64: a head is
/// copied from paper (no `l`/`I`/`0`/`O` to confuse, no `-` that a line break would eat), and
/// white space typed inside it is ignored.
///
/// Whoever holds one can later prove, with the lycée's certificate, that the lycée's journal had
/// this head at that time (`livret journal verify --witness`).
public struct SignedJournalHead: Sendable, Equatable, CustomStringConvertible {
    /// The format's tag.
    public static let tag = "LSLJ1"

    /// The lycée's UAI.
    public var uai: String
    /// The head entry's sequence number.
    public var seq: Int
    /// SHA-256 (hex, lower case) of the head entry's line.
    public var sha256: String
    /// When the head was signed (whole seconds).
    public var time: Date
    /// The raw ECDSA signature (64 bytes).
    public var signature: [UInt8]

    /// The signed text: `LSLJ1:<UAI>:<seq>:<sha256>:<time>`.
    public var signedText: String { "\(Self.tag):\(uai):\(seq):\(sha256):\(Self.compactTime(time))" }

    /// The whole string, as printed and as `--witness` takes it.
    public var description: String { signedText + ":" + signature.map { String(format: "%02x", $0) }.joined() }

    /// `seq:sha256`, the unsigned head.
    public var head: String { "\(seq):\(sha256)" }

    /// Signs the head `seq:sha256` of the journal of `uai` at `time` with `signer` (an ECDSA P-256 key).
    public static func sign(uai: String, seq: Int, sha256: String, time: Date, signer: some Signer) throws(SignError) -> SignedJournalHead {
        if let problem = Identifiers.uaiProblem(uai) { throw SignError(.signing, "the journal's head: \(problem)") }
        guard signer.signatureAlgorithm == .ecdsaWithSHA256 else {
            throw SignError(.signing, "the journal's head is signed with ECDSA P-256 only, not \(signer.signatureAlgorithm)")
        }
        var head = SignedJournalHead(
            uai: uai, seq: seq, sha256: sha256.lowercased(), time: Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down)),
            signature: [])
        let der = try signer.sign(Array(head.signedText.utf8))
        do {
            head.signature = Array(try P256.Signing.ECDSASignature(derRepresentation: der).rawRepresentation)
        } catch {
            throw SignError(.signing, "the signer gave no P-256 ECDSA signature: \(error)")
        }
        return head
    }

    private init(uai: String, seq: Int, sha256: String, time: Date, signature: [UInt8]) {
        self.uai = uai
        self.seq = seq
        self.sha256 = sha256
        self.time = time
        self.signature = signature
    }

    /// Why `text` is not a signed head, naming the part that is wrong; nil when it reads.
    public static func problem(_ text: String) -> String? {
        switch parse(text) {
        case .success: return nil
        case .failure(let malformed): return malformed.reason
        }
    }

    /// Parses `LSLJ1:<UAI>:<seq>:<sha256>:<time>:<signature>` (nothing is verified here).
    public init?(_ text: String) {
        guard case .success(let head) = Self.parse(text) else { return nil }
        self = head
    }

    static func parse(_ text: String) -> Result<SignedJournalHead, Malformed> {
        let parts = text.filter { !$0.isWhitespace }.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == tag else { return .failure(Malformed(reason: "does not start with \(tag):")) }
        guard parts.count == 6 else { return .failure(Malformed(reason: "has \(parts.count) parts separated by ':', expected 6 (\(tag):UAI:SEQ:SHA256:TIME:SIGNATURE)")) }
        if let problem = Identifiers.uaiProblem(parts[1]) { return .failure(Malformed(reason: "UAI (part 2): \(problem)")) }
        guard let seq = Int(parts[2]), seq > 0, parts[2].allSatisfy(\.isASCII) else { return .failure(Malformed(reason: "sequence number (part 3) \(MessageText.quoted(parts[2])) is not a positive integer")) }
        guard parts[3].count == 64, parts[3].allSatisfy({ $0.isHexDigit && $0.isASCII }) else {
            return .failure(Malformed(reason: "SHA-256 (part 4) is not 64 hexadecimal digits"))
        }
        guard let time = parseCompactTime(parts[4]) else { return .failure(Malformed(reason: "time (part 5) \(MessageText.quoted(parts[4])) is not YYYYMMDDTHHMMSSZ")) }
        guard parts[5].count == 128, parts[5].allSatisfy({ $0.isHexDigit && $0.isASCII }) else {
            return .failure(Malformed(reason: "signature (part 6) is not 128 hexadecimal digits"))
        }
        var signature: [UInt8] = []
        var index = parts[5].startIndex
        while index < parts[5].endIndex {
            let next = parts[5].index(index, offsetBy: 2)
            signature.append(UInt8(parts[5][index..<next], radix: 16)!)
            index = next
        }
        return .success(SignedJournalHead(uai: parts[1], seq: seq, sha256: parts[3].lowercased(), time: time, signature: signature))
    }

    /// Why a text is not a signed head.
    struct Malformed: Error {
        var reason: String
    }

    /// The outcome of ``verify(trusted:)``.
    public enum Verdict: Sendable, Equatable {
        /// Signed by this certificate (its subject's common name), valid at the head's time.
        case valid(signer: String)
        /// No trusted certificate's key made this signature.
        case badSignature
        /// Signed by a trusted key whose certificate was not valid at the head's time.
        case certificateNotValid(String)
        /// The certificate names another UAI than the head.
        case otherUAI(String)
    }

    /// Checks the signature against each of `trusted` (a certificate of the lycée: the keys
    /// folder's, `--trust`, or the lycée object's); the certificate must be valid at the head's
    /// time and, when it names a UAI, name the head's.
    public func verify(trusted: [Certificate]) -> Verdict {
        let message = Array(signedText.utf8)
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return .badSignature }
        for certificate in trusted {
            guard let key = P256.Signing.PublicKey(certificate.publicKey), key.isValidSignature(signature, for: message) else { continue }
            let name = SignatureVerifier.commonName(certificate)
            if let certified = CertificateSummary.uai(in: certificate.subject), certified != uai {
                return .otherUAI("signed by the key of \(name) (\(certified)), not of \(uai)")
            }
            guard certificate.notValidBefore <= time, time <= certificate.notValidAfter else {
                return .certificateNotValid("its certificate was not valid on \(CertificateSummary.day(time))")
            }
            return .valid(signer: name)
        }
        return .badSignature
    }

    /// `20261202T093000Z`.
    static func compactTime(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    static func parseCompactTime(_ text: String) -> Date? {
        let chars = Array(text)
        guard chars.count == 16, chars[8] == "T", chars[15] == "Z",
              chars[0..<8].allSatisfy({ $0.isASCII && $0.isNumber }), chars[9..<15].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        func number(_ range: Range<Int>) -> Int { Int(String(chars[range]))! }
        var components = DateComponents()
        components.year = number(0..<4)
        components.month = number(4..<6)
        components.day = number(6..<8)
        components.hour = number(9..<11)
        components.minute = number(11..<13)
        components.second = number(13..<15)
        guard (1...12).contains(components.month!), (1...31).contains(components.day!), components.hour! < 24,
              components.minute! < 60, components.second! < 60 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components), compactTime(date) == text else { return nil }
        return date
    }
}
