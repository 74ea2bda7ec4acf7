import Crypto
import Foundation
import SwiftASN1
// The claimed signing time is a fixed validation time: swift-certificates exposes that as SPI.
@_spi(FixedExpiryValidationTime) import X509

/// What verification found, in words a secretary understands.
public struct SignatureVerdict: Sendable, Equatable {
    /// The outcome.
    public enum Status: Sendable, Equatable {
        /// Signed by a trusted certificate, intact, the whole file covered.
        case authentic
        /// No signature found.
        case notSigned
        /// A signed byte changed, or the signature itself was damaged.
        case altered
        /// The signature is intact but bytes were added after it.
        case bytesAdded
        /// Intact, but the certificate is not the trusted one (nor issued by it).
        case untrusted
        /// Intact and trusted, but the certificate was not valid at the claimed signing time.
        case certificateNotValid
        /// The signature is not a PAdES B-B / CAdES signature this program can check.
        case unsupported
    }

    /// The outcome.
    public var status: Status
    /// One line: "authentic: signed by … on …", "altered after signing", "not issued by 0382032C"…
    public var message: String
    /// The signer's certificate, when one was read.
    public var signer: CertificateSummary?
    /// The claimed signing time (/M), when there is one.
    public var signingTime: Date?

    /// Whether the file is authentic.
    public var isAuthentic: Bool { status == .authentic }
}

/// Checks PAdES signatures of PDFs and detached CMS signatures against trusted certificates (the
/// lycée's own, or an authority's that issued it).
public struct SignatureVerifier: Sendable {
    /// The certificates trusted as issuers (a self-signed lycée certificate trusts itself).
    public let trusted: [Certificate]

    /// A verifier trusting `trusted`.
    public init(trusted: [Certificate]) { self.trusted = trusted }

    /// The name a message uses for the trusted party: its UAI, else its common name.
    var trustedName: String {
        guard let first = trusted.first else { return "the trusted certificate" }
        if let uai = CertificateSummary.uai(in: first.subject) { return uai }
        for rdn in first.subject { for attribute in rdn where attribute.type == .RDNAttributeType.commonName { return attribute.value.description } }
        return first.subject.description
    }

    /// Verifies the latest signature of a PDF.
    public func verify(pdf bytes: [UInt8]) async -> SignatureVerdict {
        let (signatures, damaged) = PDFSignatureScanner.signatures(in: bytes)
        guard let signature = signatures.max(by: { $0.coveredEnd < $1.coveredEnd }) else {
            if damaged { return SignatureVerdict(status: .altered, message: "altered after signing (its signature dictionary is damaged)") }
            return SignatureVerdict(status: .notSigned, message: "not signed")
        }
        let range = signature.byteRange
        guard range.count == 4, range[0] == 0, range[1] > 0, range[2] > range[1], range[3] >= 0,
              range[2] + range[3] <= bytes.count,
              signature.contentsRange == range[1]..<range[2] else {
            return SignatureVerdict(status: .altered, message: "altered after signing (its byte range was changed)")
        }
        guard signature.subFilter == "ETSI.CAdES.detached" || signature.subFilter == "adbe.pkcs7.detached" else {
            return SignatureVerdict(status: .unsupported, message: "signature of type \(signature.subFilter ?? "unknown") is not supported")
        }
        var hasher = SHA256()
        hasher.update(data: bytes[0..<range[1]])
        hasher.update(data: bytes[range[2]..<(range[2] + range[3])])
        var verdict = await verify(cms: signature.contents, digest: Array(hasher.finalize()), claimedTime: signature.signingTime)
        if verdict.status == .authentic, range[2] + range[3] < bytes.count {
            verdict.status = .bytesAdded
            verdict.message = "bytes added after the signature (\(bytes.count - range[2] - range[3]) bytes not covered)"
        }
        return verdict
    }

    /// Verifies a detached CMS signature (DER) of `content`.
    public func verify(detachedSignature signature: [UInt8], content: some DataProtocol) async -> SignatureVerdict {
        await verify(cms: signature, digest: Array(SHA256.hash(data: content)), claimedTime: nil)
    }

    /// The checks common to both: message digest, signature over the signed attributes,
    /// signing-certificate-v2, then the certificate's trust and validity.
    func verify(cms: [UInt8], digest: [UInt8], claimedTime: Date?) async -> SignatureVerdict {
        let parsed: ParsedSignedData
        do {
            parsed = try ParsedSignedData(der: cms)
        } catch {
            return SignatureVerdict(status: .altered, message: "altered after signing (its signature cannot be read)", signingTime: claimedTime)
        }
        let summary = parsed.signerCertificate.map(CertificateSummary.init)
        func verdict(_ status: SignatureVerdict.Status, _ message: String) -> SignatureVerdict {
            SignatureVerdict(status: status, message: message, signer: summary, signingTime: claimedTime)
        }
        guard parsed.digestAlgorithm == CMSOID.sha256, let messageDigest = parsed.messageDigest else {
            return verdict(.unsupported, "signature without a SHA-256 message digest is not supported")
        }
        guard let certificate = parsed.signerCertificate else {
            return verdict(.altered, "altered after signing (the signer's certificate is missing)")
        }
        guard messageDigest == digest else { return verdict(.altered, "altered after signing") }
        guard parsed.signatureIsValid else { return verdict(.altered, "altered after signing (the signature does not match)") }
        guard parsed.signingCertificateMatches else {
            return verdict(.altered, "altered after signing (the signature does not name its certificate)")
        }
        let time = claimedTime ?? Date()
        let who = summary?.uai.map { "\(Self.commonName(certificate)) (\($0))" } ?? Self.commonName(certificate)
        let when = claimedTime.map { " on \(CertificateSummary.timestamp($0))" } ?? ""
        func validityVerdict() -> SignatureVerdict {
            verdict(.certificateNotValid,
                    "its certificate was not valid on \(CertificateSummary.day(time)) (valid \(CertificateSummary.day(certificate.notValidBefore)) to \(CertificateSummary.day(certificate.notValidAfter)))")
        }
        // The trusted certificate itself (the lycée's self-signed one): pinned, only its validity
        // at the signing time is checked. (RFC 5280 chain building would want a self-signed
        // end-entity certificate marked as a CA, which a signing certificate must not be.)
        if trusted.contains(certificate) {
            guard certificate.notValidBefore <= time, time <= certificate.notValidAfter else { return validityVerdict() }
            return verdict(.authentic, "authentic: signed by \(who)\(when)")
        }
        var roots = CertificateStore(trusted)
        var verifier = Verifier(rootCertificates: roots) { RFC5280Policy(fixedExpiryValidationTime: time) }
        let intermediates = CertificateStore(parsed.certificates.filter { $0 != certificate })
        if case .validCertificate = await verifier.validate(leaf: certificate, intermediates: intermediates) {
            return verdict(.authentic, "authentic: signed by \(who)\(when)")
        }
        // Not valid at that time, or not trusted at all? Try again at a time the certificate is valid.
        roots = CertificateStore(trusted)
        var anyTime = Verifier(rootCertificates: roots) { RFC5280Policy(fixedExpiryValidationTime: certificate.notValidBefore.addingTimeInterval(1)) }
        if case .validCertificate = await anyTime.validate(leaf: certificate, intermediates: intermediates) {
            return validityVerdict()
        }
        return verdict(.untrusted, "not issued by \(trustedName)")
    }

    static func commonName(_ certificate: Certificate) -> String {
        for rdn in certificate.subject { for attribute in rdn where attribute.type == .RDNAttributeType.commonName { return attribute.value.description } }
        return certificate.subject.description
    }
}

/// The signature dictionaries of a PDF, found by reading every `N G obj` of the file (not the
/// cross-reference data, which damage or an appended revision may have changed).
enum PDFSignatureScanner {
    struct Signature {
        var byteRange: [Int]
        var contents: [UInt8]
        /// Where the /Contents hex string lies, delimiters included.
        var contentsRange: Range<Int>
        var subFilter: String?
        var signingTime: Date?
        var coveredEnd: Int { byteRange.count == 4 ? byteRange[2] + byteRange[3] : 0 }
    }

    /// The signatures that could be read, and whether some object looked like a signature
    /// (a /ByteRange, a signature field) but could not be read as one.
    static func signatures(in bytes: [UInt8]) -> (signatures: [Signature], damaged: Bool) {
        var found: [Signature] = []
        var damaged = false
        let marker = Array("/ByteRange".utf8)
        let signatureMarkers = ["/ByteRange", "/FT /Sig", "/FT/Sig", "/SubFilter", "/Adobe.PPKLite"].map { Array($0.utf8) }
        var index = 0
        var objectStarts: [Int] = []
        // Offsets of "obj" keywords preceded by "N G".
        while index + 3 <= bytes.count {
            if bytes[index] == UInt8(ascii: "o"), bytes[index + 1] == UInt8(ascii: "b"), bytes[index + 2] == UInt8(ascii: "j"),
               index > 0, PDFSyntax.isWhitespace(bytes[index - 1]),
               index + 3 == bytes.count || !PDFSyntax.isRegular(bytes[index + 3]) {
                if let start = headerStart(bytes, objAt: index) { objectStarts.append(start) }
            }
            index += 1
        }
        for (position, start) in objectStarts.enumerated() {
            let end = position + 1 < objectStarts.count ? objectStarts[position + 1] : bytes.count
            guard signatureMarkers.contains(where: { contains(bytes, $0, in: start..<end) }) else { continue }
            var reader = PDFSyntax(bytes, at: start)
            guard let object = try? reader.indirectObject(), let dictionary = object.object.dictionary else {
                damaged = true
                continue
            }
            if dictionary["FT"]?.name == "Sig" { continue }   // a field (signed or still empty), not the signature
            guard contains(bytes, marker, in: start..<end) || dictionary["Type"]?.name == "Sig" else { continue }
            guard let rangeItems = dictionary["ByteRange"]?.array,
                  let contentsEntry = dictionary.entries.first(where: { $0.key == "Contents" }),
                  case .string(let contents) = contentsEntry.value,
                  let contentsStart = locate(contentsEntry.raw, in: bytes, within: dictionary.range) else {
                damaged = true
                continue
            }
            let byteRange = rangeItems.compactMap(\.integer)
            var signature = Signature(byteRange: byteRange, contents: contents,
                                      contentsRange: contentsStart..<(contentsStart + contentsEntry.raw.count),
                                      subFilter: dictionary["SubFilter"]?.name)
            if case .string(let date)? = dictionary["M"] { signature.signingTime = parseDate(date) }
            found.append(signature)
        }
        return (found, damaged)
    }

    /// The offset of `N G` before an `obj` keyword at `objAt`, if the two integers are there.
    static func headerStart(_ bytes: [UInt8], objAt: Int) -> Int? {
        var index = objAt - 1
        func skipSpaces() { while index >= 0, PDFSyntax.isWhitespace(bytes[index]) { index -= 1 } }
        func digits() -> Bool {
            let end = index
            while index >= 0, bytes[index] >= 48, bytes[index] <= 57 { index -= 1 }
            return index < end
        }
        skipSpaces()
        guard digits() else { return nil }
        skipSpaces()
        guard digits() else { return nil }
        guard index < 0 || !PDFSyntax.isRegular(bytes[index]) else { return nil }
        return index + 1
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8], in range: Range<Int>) -> Bool {
        guard range.count >= needle.count else { return false }
        var index = range.lowerBound
        while index + needle.count <= range.upperBound {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    static func locate(_ needle: [UInt8], in bytes: [UInt8], within range: Range<Int>) -> Int? {
        guard !needle.isEmpty else { return nil }
        var index = range.lowerBound
        while index + needle.count <= range.upperBound {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// `D:YYYYMMDDHHmmSS` with an optional `Z`, `+HH'mm'` or `-HH'mm'`.
    static func parseDate(_ raw: [UInt8]) -> Date? {
        var text = String(decoding: raw, as: UTF8.self)
        if text.hasPrefix("D:") { text.removeFirst(2) }
        let digits = Array(text.prefix { $0.isNumber })
        guard digits.count >= 4 else { return nil }
        func field(_ start: Int, _ length: Int, _ fallback: Int) -> Int {
            guard digits.count >= start + length else { return fallback }
            return Int(String(digits[start..<(start + length)])) ?? fallback
        }
        var components = DateComponents()
        components.year = field(0, 4, 0)
        components.month = field(4, 2, 1)
        components.day = field(6, 2, 1)
        components.hour = field(8, 2, 0)
        components.minute = field(10, 2, 0)
        components.second = field(12, 2, 0)
        var offset = 0
        let rest = text.dropFirst(digits.count)
        if let sign = rest.first, sign == "+" || sign == "-" {
            let parts = rest.dropFirst().split(separator: "'").map { Int($0) ?? 0 }
            offset = ((parts.first ?? 0) * 3600 + (parts.count > 1 ? parts[1] * 60 : 0)) * (sign == "-" ? -1 : 1)
        }
        components.timeZone = TimeZone(secondsFromGMT: offset)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)
    }
}
