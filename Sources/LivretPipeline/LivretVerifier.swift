import Crypto
import Foundation
import LivretArchive
import LivretModel
import LivretPDF
import LivretSign
import X509

/// Checks a livret (or a receipt's verification string) as anyone would: its signature (see
/// ``SignatureVerifier``), and, with an archive at hand, that its signed bytes are an archived
/// version of that pupil, still the latest, and that its embedded source renders to its first
/// revision. Used by `livret verify` and by the HTTP service (which only present the answer).
public struct LivretVerifier: Sendable {
    /// Why a check could not be made at all (distinct from a "no").
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// A verification string that does not read, naming the part.
        case malformed(String)
        /// The archive could not be read.
        case archive(String)

        /// The message.
        public var description: String {
            switch self {
            case .malformed(let message), .archive(let message): message
            }
        }
    }

    /// One answer: a line a secretary understands.
    public struct Verdict: Sendable, Equatable {
        /// The outcome.
        public enum Status: Sendable, Equatable {
            /// Authentic (and, with an archive, archived and current).
            case authentic
            /// The signature is not the lycée's or the file was changed.
            case signatureRefused
            /// Signed, but no archived version of the pupil has these bytes.
            case notArchived
            /// An archived version, but a later version replaced the livret.
            case superseded
            /// The embedded source does not render to the signed livret.
            case sourceMismatch
            /// The file carries no pupil document (its INE cannot be known).
            case noSource
        }

        /// The outcome.
        public var status: Status
        /// One line: `authentique : …` or why not.
        public var message: String
        /// The pupil, when known.
        public var ine: String?
        /// The archived version found, when one was.
        public var version: String?

        /// Whether the answer is yes.
        public var isAuthentic: Bool { status == .authentic }
    }

    /// The trusted certificates of the signature (the lycée's, or an authority's).
    public let trusted: [Certificate]
    /// The archive to find the pupil's versions in; nil: the signature alone is checked.
    public let archive: Archive?
    /// Draws the embedded source again (unsigned); nil: the source is not re-rendered.
    public let renderer: LivretRenderer?

    /// - Parameters:
    ///   - trusted: the certificates to trust.
    ///   - archive: the archive, when at hand.
    ///   - renderer: a renderer (its signing, if any, is not used) for the embedded source.
    public init(trusted: [Certificate], archive: Archive? = nil, renderer: LivretRenderer? = nil) {
        self.trusted = trusted
        self.archive = archive
        self.renderer = renderer?.signing(with: nil)
    }

    /// The certificates archived in the lycée objects of `archive` (a trusted set when no other is given).
    public static func archivedCertificates(_ archive: Archive) throws -> [Certificate] {
        try LyceeObject.certificates(in: archive)
    }

    /// Checks a livret's bytes: the signature first, then (with an archive) the embedded source
    /// drawn again against the first revision (with a renderer), then the pupil's versions.
    public func verify(pdf data: Data) async throws(Failure) -> Verdict {
        let signature = await SignatureVerifier(trusted: trusted).verify(pdf: [UInt8](data))
        guard signature.isAuthentic else { return Verdict(status: .signatureRefused, message: signature.message) }
        guard let archive else { return Verdict(status: .authentic, message: signature.message) }
        let document: LivretDocument
        do {
            let embedded = try PDFEmbeddedSource.extract(from: data)
            document = try LivretDocument.decode(embedded.data, source: embedded.fileName)
        } catch {
            return Verdict(status: .noSource, message: "signed, but it carries no readable pupil document (\(error)): not a livret of this archive")
        }
        let ine = document.eleve.ine
        // The embedded source drawn again must give the bytes before the signature.
        if let renderer {
            let producer = PDFEmbeddedSource.creator(of: data) ?? renderer.producer
            let drawn: Data
            do {
                drawn = try renderer.withProducer(producer).loading(Set([document.modele].compactMap { $0 })).pdf(document, source: "the embedded source")
            } catch {
                return Verdict(status: .sourceMismatch, message: "the embedded source does not render to this livret (\(error))", ine: ine)
            }
            guard data.count >= drawn.count, data.prefix(drawn.count) == drawn else {
                return Verdict(status: .sourceMismatch, message: "the embedded source does not render to this livret", ine: ine)
            }
        }
        var verdict = try archived(ine: ine, matches: .pdf(data), archive: archive)
        verdict.ine = ine
        guard verdict.isAuthentic else { return verdict }
        verdict.message = signature.message + "; " + verdict.message + (renderer == nil ? "" : "; its embedded source renders to it")
        return verdict
    }

    /// Checks a verification string (a receipt's QR code) against the archive: the pupil's
    /// object and version exist and that version's livret of that year has that SHA-256, and no
    /// later version replaced it. Names no pupil: INE, year, version and date of issue only.
    public func verify(code text: String) throws(Failure) -> Verdict {
        let code: ReceiptCode
        do throws(ReceiptCode.Problem) {
            code = try ReceiptCode(parsing: text)
        } catch {
            throw .malformed("not a verification string: \(error.description)")
        }
        guard let archive else { throw .archive("no archive to check \(code) against") }
        var verdict = try archived(ine: code.ine, matches: .sha256(code.sha256, version: code.version, year: code.annee), archive: archive)
        // The lycée the string names must be the one that issued the archived livret.
        if verdict.status == .authentic || verdict.status == .superseded,
           let json = try? archive.get(objectID: Archive.objectID(ine: code.ine), logicalPath: "\(code.annee)/livret.json", version: verdict.version),
           let document = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
           let issuer = (document["etablissement"] as? [String: Any])?["uai"] as? String, issuer != code.uai {
            return Verdict(status: .notArchived, message: "not in this archive (this livret was issued by \(issuer), not \(code.uai))", ine: code.ine, version: verdict.version)
        }
        if verdict.isAuthentic { verdict.message = "authentic: " + verdict.message }
        return verdict
    }

    enum Match {
        case pdf(Data)
        case sha256(String, version: String, year: String)
    }

    /// Where the bytes are among the pupil's archived livrets, and whether a later version replaced them.
    func archived(ine: String, matches match: Match, archive: Archive) throws(Failure) -> Verdict {
        let inventory: OCFLInventory
        do {
            guard let found = try archive.inventory(objectID: Archive.objectID(ine: ine)) else {
                return Verdict(status: .notArchived, message: "not in this archive (no pupil \(ine))", ine: ine)
            }
            inventory = found
        } catch {
            throw .archive("\(error)")
        }
        // The version and logical path holding these bytes.
        var found: (version: String, path: String)?
        switch match {
        case .pdf(let data):
            let digest = inventory.digestAlgorithm == "sha256" ? Digests.sha256(data) : Digests.sha512(data)
            outer: for name in inventory.versionNames {
                for (path, value) in inventory.logicalPaths(in: name) where path.hasSuffix("/livret.pdf") && value.lowercased() == digest {
                    found = (name, path)
                    break outer
                }
            }
        case .sha256(let digest, let version, let year):
            let path = "\(year)/livret.pdf"
            guard inventory.versions[version] != nil else {
                return Verdict(status: .notArchived, message: "not in this archive (INE \(ine) has no version \(version))", ine: ine)
            }
            guard inventory.logicalPaths(in: version)[path] != nil else {
                return Verdict(status: .notArchived, message: "not in this archive (INE \(ine) \(version) has no livret \(year))", ine: ine)
            }
            let bytes: Data
            do { bytes = try archive.get(objectID: inventory.id, logicalPath: path, version: version) } catch { throw .archive("\(error)") }
            guard Digests.sha256(bytes) == digest else {
                return Verdict(status: .notArchived, message: "not in this archive (the livret of INE \(ine) \(year) \(version) has another SHA-256)", ine: ine)
            }
            // The first version holding these bytes is the one issued.
            let archivedDigest = inventory.logicalPaths(in: version)[path]
            var first = version
            for name in inventory.versionNames.reversed() where OCFLInventory.versionNumber(name) ?? 0 < OCFLInventory.versionNumber(version) ?? 0 {
                guard inventory.logicalPaths(in: name)[path] == archivedDigest else { break }
                first = name
            }
            found = (first, path)
        }
        guard let found else { return Verdict(status: .notArchived, message: "not in this archive (signed, but no archived version of INE \(ine) has these bytes)", ine: ine) }
        let digest = inventory.logicalPaths(in: found.version)[found.path]
        let issued = Self.day(inventory.versions[found.version]?.created)
        let year = String(found.path.dropLast("/livret.pdf".count))
        for name in inventory.versionNames where OCFLInventory.versionNumber(name) ?? 0 > OCFLInventory.versionNumber(found.version) ?? 0 {
            let later = inventory.logicalPaths(in: name)[found.path]
            if later != digest {
                let when = Self.day(inventory.versions[name]?.created)
                let what = later == nil ? "withdrawn in \(name) on \(when)" : "superseded by \(name) on \(when)"
                return Verdict(status: .superseded, message: "\(what) (this is INE \(ine), \(year), \(found.version) of \(issued))", ine: ine, version: found.version)
            }
        }
        return Verdict(
            status: .authentic, message: "archived as INE \(ine), \(year), \(found.version), issued on \(issued), the latest version",
            ine: ine, version: found.version)
    }

    /// `2016-07-02` from an OCFL `created` (RFC 3339).
    static func day(_ created: String?) -> String { String((created ?? "?").prefix(10)) }
}

extension LivretRenderer {
    /// The same renderer writing `producer` as the PDFs' Creator (to draw a livret again as the
    /// program that issued it wrote it).
    public func withProducer(_ producer: String) -> LivretRenderer {
        var copy = self
        copy.producer = producer
        return copy
    }
}
