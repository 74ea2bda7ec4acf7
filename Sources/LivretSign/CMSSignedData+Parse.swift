import Crypto
import Foundation
import SwiftASN1
import X509

/// What a CMS `SignedData` says, read for verification (one signer).
public struct ParsedSignedData: Sendable {
    /// The certificates embedded in the signature.
    public var certificates: [Certificate]
    /// The signer's certificate among them (by issuer and serial number), when present.
    public var signerCertificate: Certificate?
    /// The digest algorithm of the signer.
    public var digestAlgorithm: ASN1ObjectIdentifier
    /// The object identifiers of the signed attributes, in their order.
    public var signedAttributeTypes: [ASN1ObjectIdentifier]
    /// The message-digest attribute.
    public var messageDigest: [UInt8]?
    /// The SHA-256 of the certificate named by signing-certificate-v2, when present.
    public var signingCertificateHash: [UInt8]?
    /// Whether the content is inside the signature (not detached).
    public var hasEncapsulatedContent: Bool
    /// The signed attributes as a DER SET (tag 0x31): the bytes the signature covers.
    var signedAttributesDER: [UInt8]
    var signatureAlgorithm: ASN1ObjectIdentifier
    var signature: [UInt8]

    /// Reads DER bytes (trailing zero padding, as in a PDF's /Contents, is ignored).
    public init(der bytes: [UInt8]) throws {
        let length = try Self.encodedLength(bytes)
        let root = try DER.parse(Array(bytes[0..<length]))
        var certificates: [Certificate] = []
        var signerInfoNode: ASN1Node?
        var hasContent = false
        var digestAlgorithm: ASN1ObjectIdentifier = CMSOID.sha256
        try DER.sequence(root, identifier: .sequence) { contentInfo in
            let type = try ASN1ObjectIdentifier(derEncoded: &contentInfo)
            guard type == CMSOID.signedData else { throw ASN1Error.invalidASN1Object(reason: "not SignedData but \(type)") }
            try DER.explicitlyTagged(&contentInfo, tagNumber: 0, tagClass: .contextSpecific) { node in
                try DER.sequence(node, identifier: .sequence) { signedData in
                    _ = try Int(derEncoded: &signedData)
                    _ = signedData.next()   // digestAlgorithms
                    guard let encapsulated = signedData.next() else { throw ASN1Error.invalidASN1Object(reason: "no encapContentInfo") }
                    try DER.sequence(encapsulated, identifier: .sequence) { nodes in
                        _ = try ASN1ObjectIdentifier(derEncoded: &nodes)
                        hasContent = nodes.next() != nil
                    }
                    while let next = signedData.next() {
                        if next.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                            guard case .constructed(let nodes) = next.content else { continue }
                            for node in nodes { certificates.append(try Certificate(derEncoded: node)) }
                        } else if next.identifier == .set {
                            guard case .constructed(let nodes) = next.content else { continue }
                            var iterator = nodes.makeIterator()
                            signerInfoNode = iterator.next()
                            if iterator.next() != nil { throw ASN1Error.invalidASN1Object(reason: "more than one signer") }
                        }
                    }
                }
            }
        }
        guard let signerInfoNode else { throw ASN1Error.invalidASN1Object(reason: "no SignerInfo") }
        var signerIssuer: DistinguishedName?
        var signerSerial: ArraySlice<UInt8>?
        var attributesDER: [UInt8] = []
        var attributeTypes: [ASN1ObjectIdentifier] = []
        var messageDigest: [UInt8]?
        var certificateHash: [UInt8]?
        var signatureAlgorithm = CMSOID.ecdsaWithSHA256
        var signature: [UInt8] = []
        try DER.sequence(signerInfoNode, identifier: .sequence) { signerInfo in
            _ = try Int(derEncoded: &signerInfo)
            guard let sid = signerInfo.next() else { throw ASN1Error.invalidASN1Object(reason: "no signer identifier") }
            if sid.identifier == .sequence {
                try DER.sequence(sid, identifier: .sequence) { nodes in
                    signerIssuer = try DistinguishedName(derEncoded: &nodes)
                    signerSerial = try ArraySlice<UInt8>(derEncoded: &nodes)
                }
            }
            guard let digest = signerInfo.next() else { throw ASN1Error.invalidASN1Object(reason: "no digest algorithm") }
            digestAlgorithm = try Self.algorithm(digest)
            guard let next = signerInfo.next() else { throw ASN1Error.invalidASN1Object(reason: "no signature") }
            var algorithmNode = next
            if next.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
                attributesDER = Array(next.encodedBytes)
                attributesDER[0] = 0x31
                guard case .constructed(let attributes) = next.content else { throw ASN1Error.invalidASN1Object(reason: "signed attributes") }
                for attribute in attributes {
                    try DER.sequence(attribute, identifier: .sequence) { nodes in
                        let type = try ASN1ObjectIdentifier(derEncoded: &nodes)
                        attributeTypes.append(type)
                        guard let values = nodes.next(), case .constructed(let valueNodes) = values.content else { return }
                        var valueIterator = valueNodes.makeIterator()
                        guard let value = valueIterator.next() else { return }
                        if type == CMSOID.messageDigest {
                            messageDigest = Array(try ASN1OctetString(derEncoded: value).bytes)
                        } else if type == CMSOID.signingCertificateV2 {
                            certificateHash = try Self.firstCertificateHash(value)
                        }
                    }
                }
                guard let following = signerInfo.next() else { throw ASN1Error.invalidASN1Object(reason: "no signature algorithm") }
                algorithmNode = following
            }
            signatureAlgorithm = try Self.algorithm(algorithmNode)
            signature = Array(try ASN1OctetString(derEncoded: &signerInfo).bytes)
            while signerInfo.next() != nil {}   // unsigned attributes are not read
        }
        self.certificates = certificates
        self.signerCertificate = certificates.first { $0.issuer == signerIssuer && $0.serialNumber.bytes == signerSerial }
        self.digestAlgorithm = digestAlgorithm
        self.signedAttributeTypes = attributeTypes
        self.messageDigest = messageDigest
        self.signingCertificateHash = certificateHash
        self.hasEncapsulatedContent = hasContent
        self.signedAttributesDER = attributesDER
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
    }

    /// Whether the signer's signature over the signed attributes is valid for its certificate.
    public var signatureIsValid: Bool {
        guard let certificate = signerCertificate, !signedAttributesDER.isEmpty else { return false }
        let algorithm: Certificate.SignatureAlgorithm
        switch signatureAlgorithm {
        case CMSOID.ecdsaWithSHA256: algorithm = .ecdsaWithSHA256
        case CMSOID.sha256WithRSAEncryption, CMSOID.rsaEncryption where digestAlgorithm == CMSOID.sha256: algorithm = .sha256WithRSAEncryption
        default: return false
        }
        return certificate.publicKey.isValidSignature(signature, for: signedAttributesDER, signatureAlgorithm: algorithm)
    }

    /// Whether signing-certificate-v2 names the signer's certificate.
    public var signingCertificateMatches: Bool {
        guard let certificate = signerCertificate, let hash = signingCertificateHash,
              let der = try? CMSSignedData.der(certificate) else { return false }
        return Array(SHA256.hash(data: der)) == hash
    }

    static func algorithm(_ node: ASN1Node) throws -> ASN1ObjectIdentifier {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            while nodes.next() != nil {}
            return oid
        }
    }

    /// certHash of the first ESSCertIDv2 (only SHA-256, the default, is accepted).
    static func firstCertificateHash(_ node: ASN1Node) throws -> [UInt8]? {
        try DER.sequence(node, identifier: .sequence) { signingCertificate in
            guard let certs = signingCertificate.next() else { return nil }
            while signingCertificate.next() != nil {}
            return try DER.sequence(certs, identifier: .sequence) { list in
                guard let first = list.next() else { return nil }
                while list.next() != nil {}
                return try DER.sequence(first, identifier: .sequence) { essCertID in
                    guard var next = essCertID.next() else { return nil }
                    if next.identifier == .sequence {   // hashAlgorithm present: must be SHA-256
                        guard try Self.algorithm(next) == CMSOID.sha256, let following = essCertID.next() else { return nil }
                        next = following
                    }
                    let hash = Array(try ASN1OctetString(derEncoded: next).bytes)
                    while essCertID.next() != nil {}
                    return hash
                }
            }
        }
    }

    /// The length of the first DER element of `bytes` (header included).
    static func encodedLength(_ bytes: [UInt8]) throws -> Int {
        guard bytes.count >= 2, bytes[0] == 0x30 else { throw ASN1Error.invalidASN1Object(reason: "not a DER SEQUENCE") }
        let first = Int(bytes[1])
        if first < 0x80 { return 2 + first }
        let count = first & 0x7F
        guard count >= 1, count <= 4, bytes.count >= 2 + count else { throw ASN1Error.invalidASN1Object(reason: "bad DER length") }
        var length = 0
        for byte in bytes[2..<(2 + count)] { length = length << 8 | Int(byte) }
        guard 2 + count + length <= bytes.count else { throw ASN1Error.invalidASN1Object(reason: "truncated DER") }
        return 2 + count + length
    }
}
