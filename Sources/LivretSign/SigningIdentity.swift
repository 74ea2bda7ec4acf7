import Crypto
import Foundation
import LivretModel
import SwiftASN1
import X509

/// The lycée's signing identity: a P-256 private key, its certificate and the certificates that
/// issued it. Made by ``create(etablissement:uai:now:years:)`` or loaded from PEM files by
/// ``load(keyFile:certificateFile:chainFile:now:)``, which checks everything before anything uses it.
public struct SigningIdentity: Sendable {
    /// The private key (never printed, never logged).
    public var privateKey: P256.Signing.PrivateKey {
        // The bytes came from a valid key: this cannot fail.
        (try? P256.Signing.PrivateKey(rawRepresentation: rawKey)) ?? P256.Signing.PrivateKey()
    }
    /// The key's raw scalar (swift-crypto's key type is not `Sendable`).
    private let rawKey: Data
    /// The key's certificate.
    public let certificate: Certificate
    /// The issuers of `certificate`, issuer first (empty when self-signed).
    public let chain: [Certificate]

    /// The signer that the CMS and PDF code use.
    public var signer: SoftwareSigner { SoftwareSigner(key: privateKey, certificate: certificate, chain: chain) }

    /// Checks and wraps an identity: the key must be the certificate's and the certificate valid at `now`.
    public init(privateKey: P256.Signing.PrivateKey, certificate: Certificate, chain: [Certificate] = [], now: Date = Date(),
                keyFile: String? = nil, certificateFile: String? = nil, chainFile: String? = nil) throws(SignError) {
        guard Certificate.PublicKey(privateKey.publicKey) == certificate.publicKey else {
            throw SignError(.keyDoesNotMatch, file: keyFile,
                            "this private key is not the key of the certificate \(certificateFile ?? "given") (\(certificate.subject))")
        }
        try Self.checkValidity(certificate, at: now, file: certificateFile)
        try Self.checkKeyUsage(certificate, file: certificateFile)
        var child = certificate
        for (index, issuer) in chain.enumerated() {
            guard issuer.subject == child.issuer, issuer.publicKey.isValidSignature(child.signature, for: child) else {
                throw SignError(.badChain, file: chainFile,
                                "certificate \(index + 1) (\(issuer.subject)) did not issue \(child.subject)")
            }
            try Self.checkValidity(issuer, at: now, file: chainFile)
            child = issuer
        }
        self.rawKey = privateKey.rawRepresentation
        self.certificate = certificate
        self.chain = chain
    }

    /// A new key and a self-signed certificate for the établissement: subject C=FR, O=`etablissement`,
    /// OU=`UAI <uai>`, CN=`etablissement`; valid `years` years from `now`; key usage digitalSignature and
    /// nonRepudiation (critical); not a CA; a random 20-byte serial number whose top bit is clear
    /// (poppler's NSS refuses a 21-byte DER serial).
    public static func create(etablissement: String, uai: String, now: Date = Date(), years: Int = 10) throws(SignError) -> SigningIdentity {
        if let problem = Identifiers.uaiProblem(uai) { throw SignError(.badKeyOrCertificate, problem) }
        let name = etablissement.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw SignError(.badKeyOrCertificate, "the établissement has no name") }
        let key = P256.Signing.PrivateKey()
        var serial = [UInt8](repeating: 0, count: 20)
        var generator = SystemRandomNumberGenerator()
        for index in serial.indices { serial[index] = UInt8.random(in: 0...255, using: &generator) }
        serial[0] = (serial[0] & 0x7F) | 0x40   // top bit clear, first byte non-zero: 20 DER bytes exactly
        let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970).rounded(.down))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let end = calendar.date(byAdding: .year, value: years, to: start)!
        do {
            let subject = try DistinguishedName {
                CountryName("FR")
                OrganizationName(name)
                OrganizationalUnitName("UAI \(uai)")
                CommonName(name)
            }
            let publicKey = Certificate.PublicKey(key.publicKey)
            let extensions = try Certificate.Extensions {
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                Critical(BasicConstraints.notCertificateAuthority)
                SubjectKeyIdentifier(keyIdentifier: ArraySlice(Insecure.SHA1.hash(data: key.publicKey.x963Representation)))
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(bytes: serial), publicKey: publicKey,
                notValidBefore: start, notValidAfter: end, issuer: subject, subject: subject,
                signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
                issuerPrivateKey: Certificate.PrivateKey(key))
            return try SigningIdentity(privateKey: key, certificate: certificate, now: now)
        } catch let error as SignError {
            throw error
        } catch {
            throw SignError(.signing, "cannot make the certificate: \(error)")
        }
    }

    /// Loads and checks an identity from PEM files: the key file must not be readable by group or
    /// others, the key must be a P-256 key (SEC 1 or PKCS #8) and the certificate's, the certificate
    /// valid at `now` and usable for signatures, and each certificate of the chain the issuer of the
    /// one before. Every error names the file.
    public static func load(keyFile: URL, certificateFile: URL, chainFile: URL? = nil, now: Date = Date()) throws(SignError) -> SigningIdentity {
        try PrivateKeyFile.checkPermissions(keyFile)
        let keyText = try readText(keyFile)
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: keyText)
        } catch {
            throw SignError(.badKeyOrCertificate, file: keyFile.path, "not a P-256 (ECDSA) private key in PEM form")
        }
        let certificates = try readCertificates(certificateFile)
        guard certificates.count == 1, let certificate = certificates.first else {
            throw SignError(.badKeyOrCertificate, file: certificateFile.path,
                            "holds \(certificates.count) certificates, expected exactly one (put its issuers in the chain file)")
        }
        let chain = try chainFile.map { url throws(SignError) in try readCertificates(url) } ?? []
        return try SigningIdentity(privateKey: key, certificate: certificate, chain: chain, now: now,
                                   keyFile: keyFile.path, certificateFile: certificateFile.path, chainFile: chainFile?.path)
    }

    /// The key in PKCS #8 PEM (for the keys folder only).
    var privateKeyPEM: String { privateKey.pemRepresentation }

    /// The certificate in PEM.
    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }

    /// The chain in PEM, one block per certificate (empty when there is no chain).
    public var chainPEM: String {
        chain.compactMap { try? $0.serializeAsPEM().pemString }.map { $0 + "\n" }.joined()
    }

    static func checkValidity(_ certificate: Certificate, at now: Date, file: String?) throws(SignError) {
        if now < certificate.notValidBefore {
            throw SignError(.certificateNotValidNow, file: file,
                            "the certificate of \(certificate.subject) is not valid before \(CertificateSummary.day(certificate.notValidBefore))")
        }
        if now > certificate.notValidAfter {
            throw SignError(.certificateNotValidNow, file: file,
                            "the certificate of \(certificate.subject) expired on \(CertificateSummary.day(certificate.notValidAfter))")
        }
    }

    static func checkKeyUsage(_ certificate: Certificate, file: String?) throws(SignError) {
        guard let usage = try? certificate.extensions.keyUsage else { return }
        guard usage.digitalSignature || usage.nonRepudiation else {
            throw SignError(.badKeyOrCertificate, file: file,
                            "the certificate's key usage allows neither digitalSignature nor nonRepudiation")
        }
    }

    static func readText(_ url: URL) throws(SignError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw SignError(.io, file: url.path, "cannot read: \(ioReason(error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SignError(.badKeyOrCertificate, file: url.path, "not a PEM text file")
        }
        return text
    }

    /// Every certificate of PEM text (one or more `CERTIFICATE` blocks), e.g. an archived copy.
    public static func certificates(pem data: Data) throws(SignError) -> [Certificate] {
        try parseCertificates(String(decoding: data, as: UTF8.self), file: "PEM data")
    }

    /// Every certificate of a PEM file (one or more `CERTIFICATE` blocks).
    public static func readCertificates(_ url: URL) throws(SignError) -> [Certificate] {
        try parseCertificates(try readText(url), file: url.path)
    }

    static func parseCertificates(_ text: String, file: String) throws(SignError) -> [Certificate] {
        let url = URL(fileURLWithPath: file)
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: text)
        } catch {
            throw SignError(.badKeyOrCertificate, file: url.path, "not a PEM certificate file")
        }
        var certificates: [Certificate] = []
        for (index, document) in documents.enumerated() {
            guard document.discriminator == "CERTIFICATE" else {
                throw SignError(.badKeyOrCertificate, file: url.path, "block \(index + 1) is a \(document.discriminator), not a CERTIFICATE")
            }
            do {
                certificates.append(try Certificate(derEncoded: document.derBytes))
            } catch {
                throw SignError(.badKeyOrCertificate, file: url.path, "certificate \(index + 1) cannot be read: \(error)")
            }
        }
        if certificates.isEmpty { throw SignError(.badKeyOrCertificate, file: url.path, "holds no certificate") }
        return certificates
    }
}

/// The text of an I/O error (errno's text when there is one).
func ioReason(_ error: any Error) -> String {
    if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
    let nsError = error as NSError
    if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError { return "No such file or directory" }
    if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoPermissionError { return "Permission denied" }
    return nsError.localizedDescription
}
