import Crypto
import Foundation
import LivretModel
import SwiftASN1
import X509

/// What `livret keys show` prints of a certificate: never anything of the key.
public struct CertificateSummary: Sendable, Equatable {
    /// The subject, as `CN=…,OU=…,O=…,C=FR`.
    public var subject: String
    /// The issuer, same form.
    public var issuer: String
    /// The UAI named in the subject (in any attribute), when there is one.
    public var uai: String?
    /// The first day of validity.
    public var notValidBefore: Date
    /// The last instant of validity.
    public var notValidAfter: Date
    /// SHA-256 of the certificate's DER, upper-case hex pairs joined by colons (as openssl prints it).
    public var sha256Fingerprint: String

    /// The summary of `certificate`.
    public init(_ certificate: Certificate) {
        subject = certificate.subject.description
        issuer = certificate.issuer.description
        uai = Self.uai(in: certificate.subject)
        notValidBefore = certificate.notValidBefore
        notValidAfter = certificate.notValidAfter
        sha256Fingerprint = Self.fingerprint(certificate)
    }

    /// SHA-256 of the DER of `certificate`, as `AB:CD:…`.
    public static func fingerprint(_ certificate: Certificate) -> String {
        var serializer = DER.Serializer()
        try? serializer.serialize(certificate)
        return SHA256.hash(data: serializer.serializedBytes).map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    /// The UAI in a subject: the first word of any attribute value that is a valid UAI.
    public static func uai(in name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn {
                let text = attribute.value.description
                for word in text.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
                    let candidate = String(word).uppercased()
                    if candidate.count == 8, Identifiers.uaiProblem(candidate) == nil { return candidate }
                }
            }
        }
        return nil
    }

    /// `2026-12-02` (UTC).
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    /// `2026-12-02T09:30:00Z`.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", p.year!, p.month!, p.day!, p.hour!, p.minute!, p.second!)
    }
}
