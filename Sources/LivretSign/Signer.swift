import Crypto
import Foundation
import X509

/// Something that signs with the lycée's key: the software key of the keys folder today, a
/// hardware token (smart card, HSM) later. The CMS and PDF code only talk to this protocol.
public protocol Signer: Sendable {
    /// The certificate of the signing key (embedded in every signature).
    var certificate: Certificate { get }
    /// The certificates above `certificate`, issuer first (embedded too; empty when self-signed).
    var chain: [Certificate] { get }
    /// The algorithm of ``sign(_:)``; only `.ecdsaWithSHA256` is written by the CMS builder today.
    var signatureAlgorithm: Certificate.SignatureAlgorithm { get }
    /// Signs `message` (the hash is computed by the signer): for ECDSA, the DER `Ecdsa-Sig-Value`.
    func sign(_ message: [UInt8]) throws(SignError) -> [UInt8]
}

/// A P-256 key held in memory (loaded from the keys folder): ECDSA with SHA-256.
public struct SoftwareSigner: Signer {
    public let certificate: Certificate
    public let chain: [Certificate]
    /// The key's raw scalar: swift-crypto's key type is not `Sendable`, its bytes are.
    private let rawKey: Data

    /// A signer for `key`, whose certificate is `certificate` (checked by ``SigningIdentity``).
    public init(key: P256.Signing.PrivateKey, certificate: Certificate, chain: [Certificate] = []) {
        self.rawKey = key.rawRepresentation
        self.certificate = certificate
        self.chain = chain
    }

    public var signatureAlgorithm: Certificate.SignatureAlgorithm { .ecdsaWithSHA256 }

    public func sign(_ message: [UInt8]) throws(SignError) -> [UInt8] {
        do {
            let key = try P256.Signing.PrivateKey(rawRepresentation: rawKey)
            return Array(try key.signature(for: message).derRepresentation)
        } catch {
            throw SignError(.signing, "ECDSA signing failed: \(error)")
        }
    }
}
