import Crypto
import Foundation
import LivretSign
import LivretTestSupport
import Testing
import X509

/// `livret keys init|import|show`, and every way a key or certificate is refused.
@Suite("Signing keys")
struct KeysTests {
    @Test("keys init makes a 0600 P-256 key and a 10-year self-signed certificate naming the lycée")
    func initAndShow() throws {
        let directory = try TestSupport.temporaryDirectory("keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = try SignFixtures.keysFolder(in: directory)
        let keyFile = keys.appendingPathComponent("signing-key.pem")
        let certFile = keys.appendingPathComponent("signing-cert.pem")
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let text = try TestSupport.run("openssl", ["x509", "-in", certFile.path, "-noout", "-text"]).stdoutText
        #expect(text.contains("Digital Signature, Non Repudiation"))
        #expect(text.contains("0351261F"))
        #expect(text.contains("Louis-Guilloux"))
        #expect(text.contains("prime256v1") || text.contains("P-256"))
        let serial = try TestSupport.run("openssl", ["x509", "-in", certFile.path, "-noout", "-serial"]).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
        #expect(serial.count == 40, "serial \(serial)")
        #expect(Int(String(serial.prefix(1)), radix: 16)! < 8, "serial's top bit is clear")
        let dates = try TestSupport.run("openssl", ["x509", "-in", certFile.path, "-noout", "-startdate", "-enddate"]).stdoutText
        let years = dates.split(separator: "\n").compactMap { line in line.split(separator: " ").dropLast().last.flatMap { Int($0) } }
        #expect(years.count == 2 && years[1] - years[0] == 10, "\(dates)")

        let show = try TestSupport.livret(["keys", "show", "--keys", keys.path])
        #expect(show.status == 0, "\(show.stderr)")
        let fingerprint = try TestSupport.run("openssl", ["x509", "-in", certFile.path, "-noout", "-fingerprint", "-sha256"]).stdoutText
        let expected = try #require(fingerprint.split(separator: "=").last).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(show.stdoutText.contains(expected))
        #expect(show.stdoutText.contains("UAI:          0351261F"))
        let keyPEM = try String(contentsOf: keyFile, encoding: .utf8)
        let keyBody = keyPEM.split(separator: "\n").dropFirst().first.map(String.init) ?? "?"
        #expect(!show.stdoutText.contains("PRIVATE KEY") && !show.stdoutText.contains(keyBody) && !show.stderr.contains(keyBody))
    }

    @Test("keys init refuses a folder that already holds a key, and changes nothing")
    func initRefusesExisting() throws {
        let directory = try TestSupport.temporaryDirectory("keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = try SignFixtures.keysFolder(in: directory)
        let before = try TestSupport.sha256(keys.appendingPathComponent("signing-key.pem"))
        let again = try TestSupport.livret(["keys", "init", "--etablissement", SignFixtures.profile.path, "--keys", keys.path])
        #expect(again.status == 1)
        #expect(again.stderr.contains(keys.path) && again.stderr.contains("nothing was written"))
        #expect(try TestSupport.sha256(keys.appendingPathComponent("signing-key.pem")) == before)
    }

    @Test("a key file that others may read is refused, naming the file")
    func keyReadableByOthers() throws {
        let directory = try TestSupport.temporaryDirectory("keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = try SignFixtures.keysFolder(in: directory)
        let keyFile = keys.appendingPathComponent("signing-key.pem")
        for mode in [0o644, 0o640, 0o604] {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: keyFile.path)
            let show = try TestSupport.livret(["keys", "show", "--keys", keys.path])
            #expect(show.status == 1)
            #expect(show.stderr.contains(keyFile.path) && show.stderr.contains("chmod 600"), "\(show.stderr)")
            #expect(!show.stdoutText.contains("SHA-256"))
            let pdf = try SignFixtures.unsignedPDF(in: directory)
            let out = directory.appendingPathComponent("signed.pdf")
            let sign = try TestSupport.livret(["sign", pdf.path, "-o", out.path, "--keys", keys.path])
            #expect(sign.status == 1 && sign.stderr.contains(keyFile.path))
            #expect(!FileManager.default.fileExists(atPath: out.path), "nothing written")
        }
        // Importing such a key is refused too, and the keys folder is not created.
        let other = directory.appendingPathComponent("Other")
        let imported = try TestSupport.livret([
            "keys", "import", "--key", keyFile.path, "--cert", keys.appendingPathComponent("signing-cert.pem").path, "--keys", other.path,
        ])
        #expect(imported.status == 1 && imported.stderr.contains(keyFile.path))
        #expect(!FileManager.default.fileExists(atPath: other.path))
    }

    @Test("import: a key that is not the certificate's is refused, nothing written")
    func mismatchedKey() throws {
        let directory = try TestSupport.temporaryDirectory("keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try SigningIdentity.create(etablissement: "Lycée A", uai: "0351261F")
        let second = try SigningIdentity.create(etablissement: "Lycée B", uai: "0382032C")
        let key = try Self.writeKey(second.privateKey, in: directory)
        let cert = directory.appendingPathComponent("cert.pem")
        try Data(first.certificatePEM.utf8).write(to: cert)
        let keys = directory.appendingPathComponent("Keys")
        let result = try TestSupport.livret(["keys", "import", "--key", key.path, "--cert", cert.path, "--keys", keys.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains(key.path) && result.stderr.contains("not the key of the certificate"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: keys.path))
        // The library says the same.
        #expect(throws: SignError.self) { try SigningIdentity.load(keyFile: key, certificateFile: cert) }
    }

    @Test("import: an expired certificate, or one not yet valid, is refused naming the file")
    func expiredCertificate() throws {
        let directory = try TestSupport.temporaryDirectory("keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let eleven = Date().addingTimeInterval(-11 * 366 * 86400)
        for (start, words) in [(eleven, "expired on"), (Date().addingTimeInterval(30 * 86400), "not valid before")] {
            let identity = try SigningIdentity.create(etablissement: "Lycée A", uai: "0351261F", now: start)
            let key = try Self.writeKey(identity.privateKey, in: directory)
            let cert = directory.appendingPathComponent("cert.pem")
            try Data(identity.certificatePEM.utf8).write(to: cert)
            let keys = directory.appendingPathComponent("Keys")
            let result = try TestSupport.livret(["keys", "import", "--key", key.path, "--cert", cert.path, "--keys", keys.path])
            #expect(result.status == 1)
            #expect(result.stderr.contains(cert.path) && result.stderr.contains(words), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: keys.path))
            try FileManager.default.removeItem(at: key)
        }
    }

    @Test("import: missing or unreadable files, and files that are not PEM, are named")
    func unreadableFiles() throws {
        let directory = try TestSupport.temporaryDirectory("keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let identity = try SigningIdentity.create(etablissement: "Lycée A", uai: "0351261F")
        let key = try Self.writeKey(identity.privateKey, in: directory)
        let cert = directory.appendingPathComponent("cert.pem")
        try Data(identity.certificatePEM.utf8).write(to: cert)
        let keys = directory.appendingPathComponent("Keys")
        let missing = directory.appendingPathComponent("missing.pem")
        let missingKey = try TestSupport.livret(["keys", "import", "--key", missing.path, "--cert", cert.path, "--keys", keys.path])
        #expect(missingKey.status == 74 && missingKey.stderr.contains(missing.path), "\(missingKey.stderr)")
        let missingCert = try TestSupport.livret(["keys", "import", "--key", key.path, "--cert", missing.path, "--keys", keys.path])
        #expect(missingCert.status == 74 && missingCert.stderr.contains(missing.path))
        let folderAsCert = try TestSupport.livret(["keys", "import", "--key", key.path, "--cert", directory.path, "--keys", keys.path])
        #expect(folderAsCert.status == 74 && folderAsCert.stderr.contains(directory.path), "\(folderAsCert.stderr)")
        let garbage = directory.appendingPathComponent("garbage.pem")
        try Data("not a certificate\n".utf8).write(to: garbage)
        let notPEM = try TestSupport.livret(["keys", "import", "--key", key.path, "--cert", garbage.path, "--keys", keys.path])
        #expect(notPEM.status == 1 && notPEM.stderr.contains(garbage.path))
        let certAsKey = directory.appendingPathComponent("cert-as-key.pem")
        try Data(identity.certificatePEM.utf8).write(to: certAsKey)
        chmod(certAsKey.path, 0o600)
        let wrongKey = try TestSupport.livret(["keys", "import", "--key", certAsKey.path, "--cert", cert.path, "--keys", keys.path])
        #expect(wrongKey.status == 1 && wrongKey.stderr.contains(certAsKey.path) && wrongKey.stderr.contains("P-256"))
        #expect(!FileManager.default.fileExists(atPath: keys.path))

        // A good import works, keeps the key 0600, and show prints the same fingerprint.
        let good = try TestSupport.livret(["keys", "import", "--key", key.path, "--cert", cert.path, "--keys", keys.path])
        #expect(good.status == 0, "\(good.stderr)")
        let mode = try FileManager.default.attributesOfItem(atPath: keys.appendingPathComponent("signing-key.pem").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(good.stdoutText.contains(CertificateSummary.fingerprint(identity.certificate)))
    }

    @Test("import with a chain: an authority's certificate and its issuer")
    func importWithChain() async throws {
        let directory = try TestSupport.temporaryDirectory("keys")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (authority, authorityKey) = try Self.authority()
        let leafKey = P256.Signing.PrivateKey()
        let leaf = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(leafKey.publicKey),
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(365 * 86400),
            issuer: authority.subject,
            subject: try DistinguishedName { CountryName("FR"); OrganizationName("Lycée Champollion"); CommonName("Lycée Champollion 0382032C") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(KeyUsage(digitalSignature: true, nonRepudiation: true)) },
            issuerPrivateKey: .init(authorityKey))
        let key = try Self.writeKey(leafKey, in: directory)
        let cert = directory.appendingPathComponent("leaf.pem")
        try Data(leaf.serializeAsPEM().pemString.utf8).write(to: cert)
        let chain = directory.appendingPathComponent("chain.pem")
        try Data(authority.serializeAsPEM().pemString.utf8).write(to: chain)
        let keys = directory.appendingPathComponent("Keys")

        // A chain that did not issue the certificate is refused.
        let stranger = try Self.authority().0
        let wrongChain = directory.appendingPathComponent("wrong-chain.pem")
        try Data(stranger.serializeAsPEM().pemString.utf8).write(to: wrongChain)
        let refused = try TestSupport.livret(["keys", "import", "--key", key.path, "--cert", cert.path, "--chain", wrongChain.path, "--keys", keys.path])
        #expect(refused.status == 1 && refused.stderr.contains(wrongChain.path), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: keys.path))

        let imported = try TestSupport.livret(["keys", "import", "--key", key.path, "--cert", cert.path, "--chain", chain.path, "--keys", keys.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let show = try TestSupport.livret(["keys", "show", "--keys", keys.path])
        #expect(show.stdoutText.contains("chain 1:") && show.stdoutText.contains("0382032C"))

        // A PDF it signs is trusted through the authority, and not through another one.
        let pdf = try SignFixtures.unsignedPDF(in: directory)
        let signed = directory.appendingPathComponent("signed.pdf")
        #expect(try TestSupport.livret(["sign", pdf.path, "-o", signed.path, "--keys", keys.path]).status == 0)
        let verified = try TestSupport.livret(["verify", signed.path, "--trust", chain.path])
        #expect(verified.status == 0 && verified.stdoutText.contains("authentic"), "\(verified.stdoutText)")
        let other = try TestSupport.livret(["verify", signed.path, "--trust", wrongChain.path])
        #expect(other.status == 1 && other.stdoutText.contains("not issued by"), "\(other.stdoutText)")
    }

    static func writeKey(_ key: P256.Signing.PrivateKey, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("key-\(UUID().uuidString).pem")
        try Data(key.pemRepresentation.utf8).write(to: url)
        chmod(url.path, 0o600)
        return url
    }

    static func authority() throws -> (Certificate, P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CountryName("FR"); OrganizationName("Autorité de test \(UUID().uuidString.prefix(6))") }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
            notValidBefore: Date().addingTimeInterval(-86400), notValidAfter: Date().addingTimeInterval(3 * 365 * 86400),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(key))
        return (certificate, key)
    }
}
