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
/// the journal say so.
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

    /// Checks and archives `scan` (its bytes; `name` in messages) for `ine`.
    public func record(ine: String, scan: Data, name: String, noQR: Bool) throws(PipelineError) -> Outcome {
        guard Identifiers.ineKind(ine) != nil else { throw .refused("--ine \(MessageText.quoted(ine)) is not an INE") }
        guard let kind = ScanReader.Kind(scan) else {
            throw .refused("\(name): is not a PDF, PNG or JPEG file (its first bytes are none of theirs): nothing archived")
        }
        let current = try ArchivedLivret.latest(in: archive, ine: ine)
        let journal = Journal(home: archive.home)
        var code: ReceiptCode?
        let annee: String
        if noQR {
            // The size limits hold all the same.
            guard scan.count <= ScanReader.maximumBytes else {
                throw .refused("\(name): is \(scan.count) bytes: more than the \(ScanReader.maximumBytes / 1_000_000) MB a scan may have: nothing archived")
            }
            annee = current.annee
        } else {
            let texts: [String]
            do { texts = try ScanReader.qrCodes(in: scan) } catch {
                throw .refused("\(name): \(error): nothing archived")
            }
            guard !texts.isEmpty else {
                throw .refused("\(name): no QR code could be read: nothing archived (scan it again, or give --no-qr to record it as unreadable)")
            }
            var problems: [String] = []
            var read: ReceiptCode?
            for text in texts {
                do { read = try ReceiptCode(parsing: text); break } catch { problems.append(error.description) }
            }
            guard let read else {
                throw .refused("\(name): its QR code is not a receipt code: \(problems.joined(separator: "; ")): nothing archived")
            }
            let ledger: ReceiptLedger
            do { ledger = try ReceiptLedger(journal: journal) } catch { throw .refused("\(journal.url.path): \(error): nothing archived") }
            try check(read, ine: ine, current: current, lastReceipt: ledger.last(for: ine), name: name)
            code = read
            annee = read.annee
        }
        let inventory: OCFLInventory
        do { inventory = try archive.inventory(ine: ine) } catch { throw .refused("\(error)") }
        let prefix = "\(annee)/recepisse-retour-"
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
            throw .refused("\(name): not archived: \(error)")
        }
        var entry = JournalEntry(
            time: date, actor: user.name, action: ReceiptLedger.stubAction, ine: ine, object: current.object, version: put.version,
            sha256: Digests.sha256(scan))
        entry.note = code.map { "qr \($0.description)" } ?? "\(Self.noQRNote): scan recorded without a readable QR code (receipt version \(handedOver))"
        let head: Journal.Head
        do { head = try journal.append(entry) } catch {
            throw .refused("\(name): archived as \(current.object) \(put.version) \(logicalPath), but not recorded in the journal \(journal.url.path): \(error)")
        }
        return Outcome(version: put.version, logicalPath: logicalPath, code: code, journalHead: head.description)
    }

    /// The version named by the last receipt journaled for `ine`.
    private func ledgerVersion(_ journal: Journal, ine: String) -> String? {
        (try? ReceiptLedger(journal: journal))?.last(for: ine)?.version
    }

    /// The rule of the type's documentation.
    func check(_ code: ReceiptCode, ine: String, current: ArchivedLivret, lastReceipt: ReceiptLedger.Status?, name: String) throws(PipelineError) {
        guard code.ine == ine else {
            throw .refused("\(name): this stub is the receipt of another pupil (INE \(code.ine), not \(ine)): nothing archived")
        }
        guard code.uai == current.document.etablissement.uai else {
            throw .refused("\(name): this stub was issued by \(code.uai), not by \(current.document.etablissement.uai): nothing archived")
        }
        let named: ArchivedLivret
        do { named = try ArchivedLivret.at(archive, ine: ine, annee: code.annee, version: code.version) } catch {
            throw .refused("\(name): its QR code names \(code.version) \(code.annee), which is not an archived livret of \(ine) (\(error)): nothing archived")
        }
        guard named.sha256 == code.sha256 else {
            throw .refused("\(name): its QR code names a livret whose SHA-256 \(code.sha256.prefix(16))… is not that of \(current.object) \(code.version) (\(named.sha256.prefix(16))…): nothing archived")
        }
        let expected = lastReceipt?.version ?? current.version
        guard code.version == expected else {
            let why = lastReceipt == nil ? "the current livret version" : "the version of the last receipt issued"
            throw .refused("\(name): this stub names \(code.version), not the version handed over (an older or other receipt): \(why) is \(expected): nothing archived")
        }
    }
}
