import Foundation
import LivretArchive
import LivretModel
import LivretSign
import X509

/// The lycée's own object in the archive (`urn:lsl:uai:<UAI>`): every certificate ever used to
/// sign (`certificates/<sha256>.pem`, the SHA-256 of the DER in lower-case hex), the journal as
/// sealed after each issuance (`journal/journal.jsonl`) and its signed head (`journal/head.txt`,
/// a ``SignedJournalHead``), so that a signature and the journal can be checked in twenty years
/// without the keys folder or the archive home's live journal.
public enum LyceeObject {
    /// The logical path of the sealed journal.
    public static let journalPath = "journal/journal.jsonl"
    /// The logical path of the sealed journal's signed head.
    public static let headPath = "journal/head.txt"

    /// The logical path of a certificate: `certificates/<sha256 of its DER>.pem`.
    public static func certificatePath(_ certificate: Certificate) -> String {
        "certificates/" + CertificateSummary.fingerprint(certificate).replacingOccurrences(of: ":", with: "").lowercased() + ".pem"
    }

    /// The UAI the lycée object and the signed heads are kept under: the one the signing
    /// certificate names, else `fallback` (the documents' établissement).
    public static func uai(of signer: any Signer, fallback: String?) -> String? {
        CertificateSummary.uai(in: signer.certificate.subject) ?? fallback
    }

    /// What ``seal(archive:uai:certificates:signer:user:now:)`` did.
    public struct Sealed: Sendable, Equatable {
        /// The object's id.
        public var object: String
        /// The put: a new version, or unchanged (the same journal and certificates already there).
        public var result: PutResult
        /// The journal's head sealed (nil: the journal is empty).
        public var head: Journal.Head?
        /// The signed head stored beside it (nil without a signer or an empty journal).
        public var signedHead: SignedJournalHead?
    }

    /// Puts into the lycée's object, as one new version: `certificates` not yet there, and the
    /// archive home's journal as it is now with its head signed by `signer` (when given). The
    /// version's message is `journal sealed at seq N`. Nothing is sealed from a broken chain (the
    /// certificates still are): the error names the first broken entry.
    public static func seal(
        archive: Archive, uai: String, certificates: [Certificate], signer: (any Signer)?, user: ArchiveUser = .current,
        now: Date = Date()
    ) throws -> Sealed {
        let id = Archive.objectID(uai: uai)
        var files: [ArchiveFile] = []
        for certificate in certificates {
            guard let pem = try? certificate.serializeAsPEM().pemString else { continue }
            files.append(ArchiveFile(logicalPath: certificatePath(certificate), data: Data((pem + "\n").utf8)))
        }
        let journal = Journal(home: archive.home)
        let (bytes, report) = try journal.snapshot()
        var signed: SignedJournalHead?
        var message = "certificates of the lycée"
        if let problem = report.problem {
            if files.isEmpty { throw ArchiveError.damaged("\(journal.url.path): \(problem): the journal was not sealed") }
        } else if let head = report.head {
            files.append(ArchiveFile(logicalPath: journalPath, data: bytes))
            if let signer {
                let signedHead = try SignedJournalHead.sign(uai: uai, seq: head.seq, sha256: head.sha256, time: now, signer: signer)
                files.append(ArchiveFile(logicalPath: headPath, data: Data((signedHead.description + "\n").utf8)))
                signed = signedHead
            }
            message = "journal sealed at seq \(head.seq)"
        }
        guard !files.isEmpty else { return Sealed(object: id, result: .unchanged(head: "v0"), head: nil, signedHead: nil) }
        // A head signed again for the same journal is not a new seal: keep the head already there.
        if let signed, let existing = try? archive.get(objectID: id, logicalPath: headPath),
           let old = SignedJournalHead(String(decoding: existing, as: UTF8.self)), old.head == signed.head,
           let sealed = try? archive.get(objectID: id, logicalPath: journalPath), sealed == bytes {
            files.removeAll { $0.logicalPath == headPath }
        }
        let result = try archive.put(uai: uai, files: files, message: message, user: user, created: now)
        return Sealed(object: id, result: result, head: report.problem == nil ? report.head : nil, signedHead: signed)
    }

    /// The ids of the lycée objects of the archive (usually one).
    public static func objects(in archive: Archive) throws -> [String] {
        try archive.list().map(\.id).filter { $0.hasPrefix("urn:lsl:uai:") }
    }

    /// Every certificate archived in the lycée objects (their head versions).
    public static func certificates(in archive: Archive) throws -> [Certificate] {
        var result: [Certificate] = []
        for id in try objects(in: archive) {
            guard let inventory = try archive.inventory(objectID: id) else { continue }
            for path in inventory.logicalPaths(in: inventory.head).keys.sorted() where path.hasPrefix("certificates/") {
                let data = try archive.get(objectID: id, logicalPath: path)
                if let certificates = try? SigningIdentity.certificates(pem: data) { result += certificates }
            }
        }
        return result
    }

    /// One sealed copy of the journal: the object, its version, the bytes.
    public struct SealedJournal: Sendable {
        /// The lycée object's id.
        public var object: String
        /// The version that sealed it.
        public var version: String
        /// The journal's bytes as sealed.
        public var data: Data
    }

    /// The latest sealed journal of each lycée object (each a witness of the live one).
    public static func sealedJournals(in archive: Archive) throws -> [SealedJournal] {
        var result: [SealedJournal] = []
        for id in try objects(in: archive) {
            guard let inventory = try archive.inventory(objectID: id),
                  inventory.logicalPaths(in: inventory.head)[journalPath] != nil else { continue }
            // The version that last changed it.
            var version = inventory.head
            let digest = inventory.logicalPaths(in: inventory.head)[journalPath]
            for name in inventory.versionNames.reversed() {
                guard inventory.logicalPaths(in: name)[journalPath] == digest else { break }
                version = name
            }
            result.append(SealedJournal(object: id, version: version, data: try archive.get(objectID: id, logicalPath: journalPath)))
        }
        return result
    }

    /// The signed heads stored in the lycée objects (the latest of each).
    public static func signedHeads(in archive: Archive) throws -> [SignedJournalHead] {
        try objects(in: archive).compactMap { id in
            guard let data = try? archive.get(objectID: id, logicalPath: headPath) else { return nil }
            return SignedJournalHead(String(decoding: data, as: UTF8.self))
        }
    }
}
