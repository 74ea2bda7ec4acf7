import Crypto
import Foundation
import SwiftASN1
import X509

/// Object identifiers of the CMS and PAdES structures written and read here.
enum CMSOID {
    static let data: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 1]
    static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
    static let contentType: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 3]
    static let messageDigest: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
    static let signingTime: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 5]
    static let signingCertificateV2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 47]
    static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let sha256WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 11]
}

/// Bytes that are already DER (a certificate, an attribute), written as they are.
struct RawDER: DERSerializable {
    var bytes: [UInt8]
    func serialize(into coder: inout DER.Serializer) throws { coder.serializeRawBytes(bytes) }
}

/// Builds CMS `SignedData` (RFC 5652) for PAdES baseline B-B and CAdES detached signatures:
/// SHA-256; signed attributes exactly content-type (id-data), message-digest and
/// signing-certificate-v2 (ESSCertIDv2 with the certificate's SHA-256 and its issuer and serial,
/// hashAlgorithm omitted as the SHA-256 default); no signing-time (B-B puts the claimed time in
/// the PDF's /M); content detached; the signer's certificate and chain embedded.
public enum CMSSignedData {
    /// A detached `ContentInfo` (DER) over `content`, signed by `signer`.
    public static func detached(content: some DataProtocol, signer: some Signer) throws(SignError) -> [UInt8] {
        try signature(digest: Array(SHA256.hash(data: content)), signer: signer)
    }

    /// A detached `ContentInfo` (DER) for content whose SHA-256 is `digest` (32 bytes).
    public static func signature(digest: [UInt8], signer: some Signer) throws(SignError) -> [UInt8] {
        guard digest.count == 32 else { throw SignError(.signing, "a SHA-256 digest has 32 bytes, not \(digest.count)") }
        let signatureAlgorithm: ASN1ObjectIdentifier
        switch signer.signatureAlgorithm {
        case .ecdsaWithSHA256: signatureAlgorithm = CMSOID.ecdsaWithSHA256
        case .sha256WithRSAEncryption: signatureAlgorithm = CMSOID.sha256WithRSAEncryption
        default: throw SignError(.signing, "signature algorithm \(signer.signatureAlgorithm) is not supported (ECDSA or RSA with SHA-256)")
        }
        do {
            let certificate = signer.certificate
            let certificateDER = try der(certificate)
            let attributes = try signedAttributes(digest: digest, certificate: certificate, certificateDER: certificateDER)
            let signatureValue = try signer.sign(attributes)
            var signedAttributes = attributes
            signedAttributes[0] = 0xA0   // [0] IMPLICIT SET OF Attribute, same length
            let certificates = try [certificateDER] + signer.chain.map(der)

            var serializer = DER.Serializer()
            try serializer.appendConstructedNode(identifier: .sequence) { contentInfo in
                try contentInfo.serialize(CMSOID.signedData)
                try contentInfo.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { explicit in
                    try explicit.appendConstructedNode(identifier: .sequence) { signedData in
                        try signedData.serialize(1)
                        try signedData.appendConstructedNode(identifier: .set) { try algorithm(&$0, CMSOID.sha256) }
                        try signedData.appendConstructedNode(identifier: .sequence) { try $0.serialize(CMSOID.data) }
                        try signedData.serializeSetOf(certificates.map(RawDER.init),
                                                      identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific))
                        try signedData.appendConstructedNode(identifier: .set) { signerInfos in
                            try signerInfos.appendConstructedNode(identifier: .sequence) { signerInfo in
                                try signerInfo.serialize(1)
                                try issuerAndSerial(&signerInfo, certificate)
                                try algorithm(&signerInfo, CMSOID.sha256)
                                signerInfo.serializeRawBytes(signedAttributes)
                                try algorithm(&signerInfo, signatureAlgorithm,
                                              nullParameters: signatureAlgorithm == CMSOID.sha256WithRSAEncryption)
                                try signerInfo.serialize(ASN1OctetString(contentBytes: ArraySlice(signatureValue)))
                            }
                        }
                    }
                }
            }
            return serializer.serializedBytes
        } catch let error as SignError {
            throw error
        } catch {
            throw SignError(.signing, "cannot encode the CMS signature: \(error)")
        }
    }

    /// The signed attributes, DER-encoded as a SET OF (tag 0x31, members sorted): what is signed.
    static func signedAttributes(digest: [UInt8], certificate: Certificate, certificateDER: [UInt8]) throws -> [UInt8] {
        var contentType = DER.Serializer()
        try attribute(&contentType, CMSOID.contentType) { try $0.serialize(CMSOID.data) }
        var messageDigest = DER.Serializer()
        try attribute(&messageDigest, CMSOID.messageDigest) { try $0.serialize(ASN1OctetString(contentBytes: ArraySlice(digest))) }
        var signingCertificate = DER.Serializer()
        let certificateHash = Array(SHA256.hash(data: certificateDER))
        try attribute(&signingCertificate, CMSOID.signingCertificateV2) { value in
            try value.appendConstructedNode(identifier: .sequence) { signingCertificateV2 in       // SigningCertificateV2
                try signingCertificateV2.appendConstructedNode(identifier: .sequence) { certs in    // certs SEQUENCE OF
                    try certs.appendConstructedNode(identifier: .sequence) { essCertID in          // ESSCertIDv2
                        // hashAlgorithm omitted: DEFAULT id-sha256
                        try essCertID.serialize(ASN1OctetString(contentBytes: ArraySlice(certificateHash)))
                        try essCertID.appendConstructedNode(identifier: .sequence) { issuerSerial in  // IssuerSerial
                            try issuerSerial.appendConstructedNode(identifier: .sequence) { generalNames in
                                try generalNames.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 4, tagClass: .contextSpecific)) {
                                    try $0.serialize(certificate.issuer)   // directoryName [4] EXPLICIT Name
                                }
                            }
                            try issuerSerial.serialize(certificate.serialNumber.bytes)
                        }
                    }
                }
            }
        }
        var set = DER.Serializer()
        try set.serializeSetOf([contentType, messageDigest, signingCertificate].map { RawDER(bytes: $0.serializedBytes) })
        return set.serializedBytes
    }

    static func attribute(_ coder: inout DER.Serializer, _ type: ASN1ObjectIdentifier, _ value: (inout DER.Serializer) throws -> Void) throws {
        try coder.appendConstructedNode(identifier: .sequence) { attribute in
            try attribute.serialize(type)
            try attribute.appendConstructedNode(identifier: .set, value)
        }
    }

    static func algorithm(_ coder: inout DER.Serializer, _ oid: ASN1ObjectIdentifier, nullParameters: Bool = false) throws {
        try coder.appendConstructedNode(identifier: .sequence) { algorithm in
            try algorithm.serialize(oid)
            if nullParameters { try algorithm.serialize(ASN1Null()) }
        }
    }

    static func issuerAndSerial(_ coder: inout DER.Serializer, _ certificate: Certificate) throws {
        try coder.appendConstructedNode(identifier: .sequence) { sid in
            try sid.serialize(certificate.issuer)
            try sid.serialize(certificate.serialNumber.bytes)
        }
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
