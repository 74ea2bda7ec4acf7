import Foundation
import X509

/// The keys folder: `signing-key.pem` (mode 0600), `signing-cert.pem` and, for a certificate from
/// an authority, `chain.pem`. It lives outside the archive: `--keys DIR`, else `$LIVRET_KEYS`, else
/// `Keys/` beside the archive home (see ``defaultURL(keysOption:environment:archiveHome:)``).
public struct KeysFolder: Sendable {
    /// The folder.
    public let url: URL

    /// The keys folder at `url` (nothing is read or created).
    public init(url: URL) { self.url = url }

    /// The file of the private key.
    public var keyFile: URL { url.appendingPathComponent("signing-key.pem") }
    /// The file of the certificate.
    public var certificateFile: URL { url.appendingPathComponent("signing-cert.pem") }
    /// The file of the certificates above it (absent for a self-signed certificate).
    public var chainFile: URL { url.appendingPathComponent("chain.pem") }

    /// `keysOption`, else `$LIVRET_KEYS`, else `Keys` beside `archiveHome` (whose default is `./Archive`).
    public static func defaultURL(keysOption: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                                  archiveHome: URL) -> URL {
        if let keysOption, !keysOption.isEmpty { return URL(fileURLWithPath: keysOption) }
        if let path = environment["LIVRET_KEYS"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return archiveHome.standardizedFileURL.deletingLastPathComponent().appendingPathComponent("Keys")
    }

    /// Whether a key or certificate is already there.
    public var hasIdentity: Bool {
        FileManager.default.fileExists(atPath: keyFile.path) || FileManager.default.fileExists(atPath: certificateFile.path)
    }

    /// Loads and checks the identity (see ``SigningIdentity/load(keyFile:certificateFile:chainFile:now:)``).
    public func load(now: Date = Date()) throws(SignError) -> SigningIdentity {
        guard FileManager.default.fileExists(atPath: keyFile.path) || FileManager.default.fileExists(atPath: certificateFile.path) else {
            throw SignError(.noIdentity, file: url.path, "no signing key here: create one with `livret keys init` or import one with `livret keys import`")
        }
        let chain = FileManager.default.fileExists(atPath: chainFile.path) ? chainFile : nil
        return try SigningIdentity.load(keyFile: keyFile, certificateFile: certificateFile, chainFile: chain, now: now)
    }

    /// Only the certificate and chain (for `keys show` and verification: the key is not read).
    public func certificates() throws(SignError) -> [Certificate] {
        var result = try SigningIdentity.readCertificates(certificateFile)
        if FileManager.default.fileExists(atPath: chainFile.path) { result += try SigningIdentity.readCertificates(chainFile) }
        return result
    }

    /// Stores a checked identity in the folder (created 0700 when missing). Refuses, writing
    /// nothing, when the folder already holds a key or certificate.
    public func store(_ identity: SigningIdentity) throws(SignError) {
        if hasIdentity {
            throw SignError(.alreadyExists, file: url.path,
                            "already holds a signing key or certificate: nothing was written (move it away first)")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw SignError(.io, file: url.path, "not a folder") }
        } else if mkdir(url.path, 0o700) != 0 {
            throw SignError.posix(url, "cannot create the keys folder", errno: errno)
        }
        var written: [URL] = []
        do throws(SignError) {
            try PrivateKeyFile.writeNew(Data((identity.privateKeyPEM + "\n").utf8), to: keyFile, mode: 0o600)
            written.append(keyFile)
            try PrivateKeyFile.writeNew(Data((identity.certificatePEM + "\n").utf8), to: certificateFile, mode: 0o644)
            written.append(certificateFile)
            if !identity.chain.isEmpty {
                try PrivateKeyFile.writeNew(Data(identity.chainPEM.utf8), to: chainFile, mode: 0o644)
                written.append(chainFile)
            }
        } catch {
            for file in written { unlink(file.path) }
            throw error
        }
    }
}
