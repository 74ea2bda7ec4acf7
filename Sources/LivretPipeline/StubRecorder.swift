import Foundation
import LivretArchive
import LivretModel
import LivretScan

/// Archives the scan of a signed receipt stub that came back from a family, after checking that
/// its QR code names the livret version that was handed over.
///
/// Rule: the QR code must read as a ``ReceiptCode`` whose INE is the pupil's, whose UAI is the one
/// of the archived livret, and whose version and année name an archived `<année>/livret.pdf` of
/// the pupil with that SHA-256; and it must be the version of the *last receipt journaled* for the
/// pupil (a stub of an older receipt is refused), or, when no receipt is journaled, the current
/// livret version (``ArchivedLivret/latest(in:ine:)``). Anything else is refused and nothing is
/// archived. With `noQR`, the scan is archived without that check, and the version message and
/// the journal say so. Each refusal is a case of ``Refusal`` (``attempt(ine:scan:noQR:)``), whose
/// English description the command line and the API show and which the web page words in French.
///
/// The scan becomes a new version of the pupil's object, `<année>/recepisse-retour-<n>.<ext>`
/// (n from 1; ext from the file's first bytes: pdf, png, jpg); the livret in that version is
/// unchanged. The journal gets a `stub-returned` entry (the new version, the scan's SHA-256, a
/// note with the code read or `no-qr`).
public struct StubRecorder: Sendable {
    /// The start of a journal note for a scan recorded without a readable QR code.
    public static let noQRNote = "no-qr"

    /// The archive the scan goes into (its home holds the journal).
    public let archive: Archive
    /// Who records it.
    public let user: ArchiveUser
    /// When the stub came back (the version's `created` and the journal's time).
    public let date: Date

    /// - Parameters: see the properties.
    public init(archive: Archive, user: ArchiveUser, date: Date = Date()) {
        self.archive = archive
        self.user = user
        self.date = date
    }

    /// What was recorded.
    public struct Outcome: Sendable, Hashable {
        /// The version made.
        public var version: String
        /// The scan's logical path in the object.
        public var logicalPath: String
        /// The code read (nil with `noQR`).
        public var code: ReceiptCode?
        /// The journal head after the entry.
        public var journalHead: String
    }

    /// Why a scan is refused (nothing archived). The description is the English message of the
    /// command line and the API (without the file's name); a web page words each case itself.
    /// Values that come from the file (what the QR code holds, a decoder's message) are escaped.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// The INE given is not one.
        case notAnINE(String)
        /// The file is not a PDF, PNG or JPEG (its first bytes).
        case notAScan
        /// More than ``ScanReader/maximumBytes`` bytes.
        case tooLarge(bytes: Int)
        /// An image or page of more than ``ScanReader/maximumPixels`` (the decoder's message).
        case tooManyPixels(detail: String)
        /// The file does not decode (the decoder's message).
        case unreadable(detail: String)
        /// It decodes but holds no readable QR code.
        case noQRCode
        /// A QR code was read but is no receipt code (why, for each code read).
        case notAReceiptCode(problems: [String])
        /// The receipt of another pupil.
        case otherPupil(read: String, expected: String)
        /// A receipt issued by another établissement.
        case otherSchool(read: String, expected: String)
        /// The code names a version and année that are no archived livret of the pupil.
        case unknownVersion(version: String, annee: String, detail: String)
        /// The code's SHA-256 is not that of the archived livret it names.
        case digestMismatch(read: String, archived: String, object: String, version: String)
        /// The code names another version than the one handed over (an older or other receipt);
        /// `lastReceipt`: the expected version is the last receipt's (else the current livret's).
        case notHandedOver(read: String, expected: String, lastReceipt: Bool)

        public var description: String {
            switch self {
            case .notAnINE(let ine): "--ine \(MessageText.quoted(ine)) is not an INE"
            case .notAScan: "is not a PDF, PNG or JPEG file (its first bytes are none of theirs)"
            case .tooLarge(let bytes): "is \(bytes) bytes: more than the \(ScanReader.maximumBytes / 1_000_000) MB a scan may have"
            case .tooManyPixels(let detail), .unreadable(let detail): MessageText.escaped(detail)
            case .noQRCode: "no QR code could be read"
            case .notAReceiptCode(let problems): "its QR code is not a receipt code: \(problems.map { MessageText.escaped($0) }.joined(separator: "; "))"
            case .otherPupil(let read, let expected):
                "this stub is the receipt of another pupil (INE \(MessageText.escaped(read)), not \(expected))"
            case .otherSchool(let read, let expected): "this stub was issued by \(MessageText.escaped(read)), not by \(expected)"
            case .unknownVersion(let version, let annee, let detail):
                "its QR code names \(MessageText.escaped(version)) \(MessageText.escaped(annee)), which is not an archived livret of this pupil (\(MessageText.escaped(detail)))"
            case .digestMismatch(let read, let archived, let object, let version):
                "its QR code names a livret whose SHA-256 \(MessageText.escaped(String(read.prefix(16))))… is not that of \(object) \(MessageText.escaped(version)) (\(archived.prefix(16))…)"
            case .notHandedOver(let read, let expected, let lastReceipt):
                "this stub names \(MessageText.escaped(read)), not the version handed over (an older or other receipt): "
                    + "\(lastReceipt ? "the version of the last receipt issued" : "the current livret version") is \(expected)"
            }
        }

        /// The command line's message: the file's name first, and what was not done.
        public func message(name: String) -> String {
            switch self {
            case .notAnINE: description
            case .noQRCode: "\(name): \(description): nothing archived (scan it again, or give --no-qr to record it as unreadable)"
            default: "\(name): \(description): nothing archived"
            }
        }
    }

    /// Why ``attempt(ine:scan:noQR:)`` did not archive the scan: refused (the scan, ``Refusal``),
    /// or another failure (the archive, the journal, the archived livret checked against).
    public enum Failure: Error, Sendable {
        case refused(Refusal)
        case failed(PipelineError)
    }

    /// Checks and archives `scan` (its bytes; `name` in messages) for `ine`: ``attempt(ine:scan:noQR:)``
    /// with every failure a ``PipelineError`` (a refusal is `.refused` with ``Refusal/message(name:)``).
    public func record(ine: String, scan: Data, name: String, noQR: Bool) throws(PipelineError) -> Outcome {
        do {
            return try attempt(ine: ine, scan: scan, noQR: noQR)
        } catch {
            switch error {
            case .refused(let refusal): throw .refused(refusal.message(name: name))
            case .failed(.refused(let message)): throw .refused("\(name): \(message)")
            case .failed(let other): throw other
            }
        }
    }

    /// Checks and archives `scan` for `ine` (see the type's rule).
    public func attempt(ine: String, scan: Data, noQR: Bool) throws(Failure) -> Outcome {
        guard Identifiers.ineKind(ine) != nil else { throw .refused(.notAnINE(ine)) }
        guard let kind = ScanReader.Kind(scan) else { throw .refused(.notAScan) }
        // The size limits hold with --no-qr all the same.
        guard scan.count <= ScanReader.maximumBytes else { throw .refused(.tooLarge(bytes: scan.count)) }
        // What the scan holds is checked first: a refusal for the scan needs no archived livret.
        var code: ReceiptCode?
        if !noQR {
            let texts: [String]
            do { texts = try ScanReader.qrCodes(in: scan) } catch {
                switch error.cause {
                case .tooLarge: throw .refused(.tooLarge(bytes: scan.count))
                case .notAScan: throw .refused(.notAScan)
                case .tooManyPixels: throw .refused(.tooManyPixels(detail: error.description))
                case .undecodable: throw .refused(.unreadable(detail: error.description))
                }
            }
            guard !texts.isEmpty else { throw .refused(.noQRCode) }
            var problems: [String] = []
            var read: ReceiptCode?
            for text in texts {
                do { read = try ReceiptCode(parsing: text); break } catch { problems.append(error.description) }
            }
            guard let read else { throw .refused(.notAReceiptCode(problems: problems)) }
            guard read.ine == ine else { throw .refused(.otherPupil(read: read.ine, expected: ine)) }
            code = read
        }
        let current: ArchivedLivret
        do { current = try ArchivedLivret.latest(in: archive, ine: ine) } catch { throw .failed(error) }
        let journal = Journal(home: archive.home)
        if let code {
            let ledger: ReceiptLedger
            do { ledger = try ReceiptLedger(journal: journal) } catch {
                throw .failed(.refused("\(journal.url.path): \(error): nothing archived"))
            }
            do { try check(code, ine: ine, current: current, lastReceipt: ledger.last(for: ine)) } catch { throw .refused(error) }
        }
        let annee = code?.annee ?? current.annee
        let inventory: OCFLInventory
        do { inventory = try archive.inventory(ine: ine) } catch { throw .failed(.refused("\(error)")) }
        let prefix = ArchivedStub.pathPrefix(annee: annee)
        let existing = inventory.logicalPaths(in: inventory.head).keys.filter { $0.hasPrefix(prefix) }.count
        let logicalPath = "\(prefix)\(existing + 1).\(kind.fileExtension)"
        let handedOver = code?.version ?? ledgerVersion(journal, ine: ine) ?? current.version
        let message = noQR
            ? "Talon du récépissé retourné, scan sans code QR lisible (enregistré avec --no-qr ; version remise présumée \(handedOver))"
            : "Talon du récépissé retourné signé, livret remis \(current.object) \(handedOver)"
        let put: PutResult
        do {
            put = try archive.put(
                ine: ine, files: [ArchiveFile(logicalPath: logicalPath, data: scan)], message: message, user: user,
                metadata: ArchiveMetadata(division: current.document.eleve.division, year: annee), created: date)
        } catch {
            throw .failed(.refused("not archived: \(error)"))
        }
        var entry = JournalEntry(
            time: date, actor: user.name, action: ReceiptLedger.stubAction, ine: ine, object: current.object, version: put.version,
            sha256: Digests.sha256(scan))
        entry.note = code.map { "qr \($0.description)" } ?? "\(Self.noQRNote): scan recorded without a readable QR code (receipt version \(handedOver))"
        let head: Journal.Head
        do { head = try journal.append(entry) } catch {
            throw .failed(.refused("archived as \(current.object) \(put.version) \(logicalPath), but not recorded in the journal \(journal.url.path): \(error)"))
        }
        return Outcome(version: put.version, logicalPath: logicalPath, code: code, journalHead: head.description)
    }

    /// The version named by the last receipt journaled for `ine`.
    private func ledgerVersion(_ journal: Journal, ine: String) -> String? {
        (try? ReceiptLedger(journal: journal))?.last(for: ine)?.version
    }

    /// The rule of the type's documentation.
    func check(_ code: ReceiptCode, ine: String, current: ArchivedLivret, lastReceipt: ReceiptLedger.Status?) throws(Refusal) {
        guard code.ine == ine else { throw .otherPupil(read: code.ine, expected: ine) }
        let uai = current.document.etablissement.uai
        guard code.uai == uai else { throw .otherSchool(read: code.uai, expected: uai) }
        let named: ArchivedLivret
        do { named = try ArchivedLivret.at(archive, ine: ine, annee: code.annee, version: code.version) } catch {
            throw .unknownVersion(version: code.version, annee: code.annee, detail: "\(error)")
        }
        guard named.sha256 == code.sha256 else {
            throw .digestMismatch(read: code.sha256, archived: named.sha256, object: current.object, version: code.version)
        }
        let expected = lastReceipt?.version ?? current.version
        guard code.version == expected else { throw .notHandedOver(read: code.version, expected: expected, lastReceipt: lastReceipt != nil) }
    }
}
