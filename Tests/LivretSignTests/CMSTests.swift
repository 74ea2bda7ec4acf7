import Crypto
import Foundation
@_spi(CMS) import X509
import LivretSign
import LivretTestSupport
import SwiftASN1
import Testing

/// The CMS SignedData builder: detached signatures that OpenSSL accepts, exactly the B-B signed
/// attributes, swift-certificates' own verifier as a cross-check, and the cost of one signature.
@Suite("CMS signatures")
struct CMSTests {
    static let contentTypeOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 3]
    static let messageDigestOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
    static let signingCertificateV2OID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 47]

    @Test("a detached signature of arbitrary bytes: openssl cms -verify accepts it, and refuses other content")
    func detachedWithOpenSSL() async throws {
        let directory = try TestSupport.temporaryDirectory("cms")
        defer { try? FileManager.default.removeItem(at: directory) }
        let identity = try SigningIdentity.create(etablissement: "Lycée général et technologique Louis-Guilloux", uai: "0351261F")
        let content = directory.appendingPathComponent("tagmanifest-sha256.txt")
        var bytes = [UInt8]()
        var generator = SplitMix(seed: 42)
        print("detachedWithOpenSSL: seed 42")
        for _ in 0..<5000 { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        try Data(bytes).write(to: content)
        let signature = directory.appendingPathComponent("tagmanifest-sha256.txt.p7s")
        try Data(try CMSSignedData.detached(content: bytes, signer: identity.signer)).write(to: signature)
        let cert = directory.appendingPathComponent("cert.pem")
        try Data(identity.certificatePEM.utf8).write(to: cert)

        let openssl = try TestSupport.run("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", signature.path, "-content", content.path,
            "-CAfile", cert.path, "-out", "/dev/null",
        ])
        #expect(openssl.status == 0, "\(openssl.stderr)")
        #expect(openssl.stderr.contains("Verification successful"))

        var changed = bytes
        changed[2500] ^= 0x80
        let other = directory.appendingPathComponent("changed.txt")
        try Data(changed).write(to: other)
        let refused = try TestSupport.run("openssl", [
            "cms", "-verify", "-binary", "-inform", "DER", "-in", signature.path, "-content", other.path,
            "-CAfile", cert.path, "-out", "/dev/null",
        ])
        #expect(refused.status != 0)

        // The library's verifier agrees.
        let verifier = SignatureVerifier(trusted: [identity.certificate])
        #expect(await verifier.verify(detachedSignature: try [UInt8](Data(contentsOf: signature)), content: bytes).isAuthentic)
        let altered = await verifier.verify(detachedSignature: try [UInt8](Data(contentsOf: signature)), content: changed)
        #expect(altered.status == .altered && altered.message == "altered after signing")
        let stranger = try SigningIdentity.create(etablissement: "Lycée Champollion", uai: "0382032C")
        let untrusted = await SignatureVerifier(trusted: [stranger.certificate]).verify(detachedSignature: try [UInt8](Data(contentsOf: signature)), content: bytes)
        #expect(untrusted.status == .untrusted && untrusted.message == "not issued by 0382032C")
    }

    @Test("signed attributes: exactly content-type, message-digest, signing-certificate-v2 (no signing-time), ESSCertIDv2 without hashAlgorithm")
    func signedAttributes() throws {
        let identity = try SigningIdentity.create(etablissement: "Lycée A", uai: "0351261F")
        let content = Array("livret".utf8)
        let der = try CMSSignedData.detached(content: content, signer: identity.signer)
        let parsed = try ParsedSignedData(der: der)
        #expect(parsed.signedAttributeTypes.sorted { $0.description < $1.description }
                == [Self.contentTypeOID, Self.messageDigestOID, Self.signingCertificateV2OID].sorted { $0.description < $1.description })
        #expect(parsed.messageDigest == Array(SHA256.hash(data: content)))
        #expect(parsed.signingCertificateMatches)
        #expect(parsed.signatureIsValid)
        #expect(!parsed.hasEncapsulatedContent)
        #expect(parsed.certificates == [identity.certificate])

        // openssl's own reading of the structure: no signingTime, and ESSCertIDv2 holds only the
        // hash and issuerSerial (the SHA-256 algorithm identifier, the default, is omitted).
        let text = try TestSupport.run("openssl", ["cms", "-cmsout", "-print", "-inform", "DER"], input: Data(der)).stdoutText
        #expect(!text.contains("signingTime"))
        #expect(text.contains("contentType") && text.contains("messageDigest") && text.contains("id-smime-aa-signingCertificateV2"))
        #expect(text.contains("ecdsa-with-SHA256") && text.contains("sha256"))
        let asn1 = try TestSupport.run("openssl", ["asn1parse", "-inform", "DER", "-i"], input: Data(der)).stdoutText
        let afterV2 = try #require(asn1.components(separatedBy: "id-smime-aa-signingCertificateV2").last)
        let essLines = afterV2.split(separator: "\n").prefix(6).joined(separator: "\n")
        #expect(!essLines.contains("sha256"), "ESSCertIDv2 must omit the default hashAlgorithm:\n\(essLines)")
        #expect(essLines.contains("OCTET STRING"))
    }

    @Test("swift-certificates' CMS verifier (SPI, tests only) accepts the detached signature")
    func crossCheckWithSwiftCertificates() async throws {
        let identity = try SigningIdentity.create(etablissement: "Lycée A", uai: "0351261F")
        let content = Array("tag manifest".utf8)
        let der = try CMSSignedData.detached(content: content, signer: identity.signer)
        let result = await CMS.isValidSignature(
            dataBytes: content, signatureBytes: der, trustRoots: CertificateStore([identity.certificate])
        ) { PinnedLeaf(certificate: identity.certificate) }
        guard case .success = result else {
            Issue.record("swift-certificates refused: \(result)")
            return
        }
        let wrong = await CMS.isValidSignature(
            dataBytes: Array("other".utf8), signatureBytes: der, trustRoots: CertificateStore([identity.certificate])
        ) { PinnedLeaf(certificate: identity.certificate) }
        if case .success = wrong { Issue.record("swift-certificates accepted other content") }
    }

    @Test("the cost of one PDF signature")
    func timing() throws {
        let directory = try TestSupport.temporaryDirectory("cms")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = [UInt8](try Data(contentsOf: try SignFixtures.unsignedPDF(in: directory)))
        let identity = try SigningIdentity.create(etablissement: "Lycée A", uai: "0351261F")
        let signer = PAdESSigner(signer: identity.signer)
        _ = try signer.sign(pdf: pdf, date: Date())
        let rounds = 50
        let start = ContinuousClock.now
        for _ in 0..<rounds { _ = try signer.sign(pdf: pdf, date: Date()) }
        let each = (ContinuousClock.now - start) / rounds
        print("timing: one PAdES signature of a \(pdf.count)-byte livret: \(each) (mean of \(rounds), this build)")
        let digest = [UInt8](repeating: 7, count: 32)
        let cmsStart = ContinuousClock.now
        for _ in 0..<rounds { _ = try CMSSignedData.signature(digest: digest, signer: identity.signer) }
        print("timing: of which the CMS SignedData (ECDSA P-256 + DER): \((ContinuousClock.now - cmsStart) / rounds)")
        #expect(each < .milliseconds(200))
    }
}

/// A policy that accepts exactly one certificate presented alone (swift-certificates' RFC 5280
/// policy wants a self-signed end-entity certificate to be a CA, which a signing key must not be).
struct PinnedLeaf: VerifierPolicy {
    let certificate: Certificate
    let verifyingCriticalExtensions: [ASN1ObjectIdentifier] = [.X509ExtensionID.keyUsage, .X509ExtensionID.basicConstraints]
    mutating func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        chain.count == 1 && chain.first == certificate ? .meetsPolicy : .failsToMeetPolicy(reason: "not the pinned certificate")
    }
}
