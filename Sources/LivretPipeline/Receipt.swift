import Foundation
import LivretArchive
import LivretLayout
import LivretModel
import LivretPDF
import LivretSign

/// The livret version a receipt names: what the archive holds for a pupil.
///
/// Rule: the *livret version* is the earliest version of the pupil's object from which on the
/// latest `<année>/livret.pdf` is unchanged. A version that only adds a returned stub (or
/// anything but a new livret) does not change it, so a receipt reprinted later names the same
/// version as the first one.
public struct ArchivedLivret: Sendable, Hashable {
    /// The pupil's INE.
    public var ine: String
    /// The archive object, `urn:lsl:ine:<INE>`.
    public var object: String
    /// The school year of the livret (`2015-2016`).
    public var annee: String
    /// The livret version (see the rule above).
    public var version: String
    /// SHA-256 of the livret PDF.
    public var sha256: String
    /// Pages of the livret PDF.
    public var pages: Int
    /// The canonical document archived beside it (names, établissement, division).
    public var document: LivretDocument

    /// The latest archived livret of `ine`; `.refused` when the pupil has no archived livret.
    public static func latest(in archive: Archive, ine: String) throws(PipelineError) -> ArchivedLivret {
        let inventory: OCFLInventory
        do { inventory = try archive.inventory(ine: ine) } catch {
            throw .refused("INE \(MessageText.quoted(ine)): the livret is not archived in \(archive.home.path) (\(error))")
        }
        guard let annee = latestYear(inventory, version: inventory.head) else {
            throw .refused("INE \(MessageText.quoted(ine)): \(inventory.id) \(inventory.head) holds no <année>/livret.pdf with its livret.json")
        }
        let path = "\(annee)/livret.pdf"
        let digest = inventory.logicalPaths(in: inventory.head)[path]
        var version = inventory.head
        for name in inventory.versionNames.reversed() {
            guard inventory.logicalPaths(in: name)[path] == digest else { break }
            version = name
        }
        return try at(archive, ine: ine, inventory: inventory, annee: annee, version: version)
    }

    /// The livret `<annee>/livret.pdf` of `version`; `.refused` when that version has none.
    public static func at(_ archive: Archive, ine: String, annee: String, version: String) throws(PipelineError) -> ArchivedLivret {
        let inventory: OCFLInventory
        do { inventory = try archive.inventory(ine: ine) } catch {
            throw .refused("INE \(MessageText.quoted(ine)): the livret is not archived in \(archive.home.path) (\(error))")
        }
        return try at(archive, ine: ine, inventory: inventory, annee: annee, version: version)
    }

    private static func at(_ archive: Archive, ine: String, inventory: OCFLInventory, annee: String, version: String) throws(PipelineError) -> ArchivedLivret {
        guard inventory.versions[version] != nil else {
            throw .refused("INE \(MessageText.quoted(ine)): \(inventory.id) has no version \(MessageText.quoted(version)) (head is \(inventory.head))")
        }
        let pdf: Data
        let json: Data
        do {
            pdf = try archive.get(ine: ine, logicalPath: "\(annee)/livret.pdf", version: version)
            json = try archive.get(ine: ine, logicalPath: "\(annee)/livret.json", version: version)
        } catch {
            throw .refused("INE \(MessageText.quoted(ine)): \(inventory.id) \(version) has no readable livret for \(MessageText.quoted(annee)): \(error)")
        }
        let document: LivretDocument
        do { document = try LivretDocument.decode(json, source: "\(inventory.id) \(version) \(annee)/livret.json") } catch {
            throw .document(error)
        }
        let pages: Int
        do { pages = try PDFPageCount.count([UInt8](pdf), name: "\(inventory.id) \(version) \(annee)/livret.pdf") } catch {
            throw .signing(error)
        }
        return ArchivedLivret(ine: ine, object: inventory.id, annee: annee, version: version, sha256: Digests.sha256(pdf), pages: pages, document: document)
    }

    /// The latest `<année>` of `version` holding both `livret.pdf` and `livret.json`.
    static func latestYear(_ inventory: OCFLInventory, version: String) -> String? {
        let paths = inventory.logicalPaths(in: version)
        return paths.keys.compactMap { path -> String? in
            let parts = path.split(separator: "/")
            return parts.count == 2 && parts[1] == "livret.pdf" && paths["\(parts[0])/livret.json"] != nil ? String(parts[0]) : nil
        }.max()
    }

    /// The receipt's verification code for this livret.
    public func code() throws(PipelineError) -> ReceiptCode {
        do {
            return try ReceiptCode(uai: document.etablissement.uai, ine: ine, annee: annee, version: version, sha256: sha256)
        } catch {
            throw .refused("INE \(MessageText.quoted(ine)): no receipt code: \(error)")
        }
    }
}

/// Makes hand-over receipts: the page (``ReceiptSheet``, `Layouts/recepisse.json`), drawn by the
/// PDF writer as PDF/A-2b (same input, same bytes), then signed with the lycée's key like a livret
/// (an incremental update after those bytes).
public struct ReceiptMaker: Sendable {
    /// The receipt layout.
    public let sheet: ReceiptSheet
    /// Written into the PDF's Creator field.
    public let producer: String
    /// When set, every receipt is signed; nil: not signed.
    public let signing: LivretSigning?
    /// The date of issue printed (`YYYY-MM-DD`), also the PDF's creation date.
    public let date: String
    /// When set, the QR code holds `URL?code=<percent-encoded code>` instead of the bare code.
    public let verifyURL: String?

    /// - Parameters:
    ///   - renderer: gives the layouts folder (`recepisse.json`), the fonts and the producer.
    ///   - signing: the lycée's key and the signing time; nil: unsigned.
    ///   - date: the date of issue, `YYYY-MM-DD`.
    ///   - verifyURL: an `https://` address to put in the QR codes, or nil.
    public init(renderer: LivretRenderer, signing: LivretSigning?, date: String, verifyURL: String? = nil) throws(PipelineError) {
        let spec: ReceiptSheet.Spec
        do { spec = try ReceiptSheet.Spec.load(from: renderer.resources.layouts.appendingPathComponent("recepisse.json")) } catch {
            throw .layout(error)
        }
        if let verifyURL, !ReceiptCode.isVerifyURL(verifyURL) {
            throw .refused("--verify-url \(MessageText.quoted(verifyURL)) is not an http(s) address with a host")
        }
        self.sheet = ReceiptSheet(spec: spec, fonts: renderer.defaultEngine.fonts)
        self.producer = renderer.producer
        self.signing = signing
        self.date = date
        self.verifyURL = verifyURL
    }

    /// What the receipt of `livret` says; `journal` is the journal head to print (`SEQ:HEX16`).
    public func content(_ livret: ArchivedLivret, division: String?, journal: String?) throws(PipelineError) -> ReceiptSheet.Content {
        let code = try livret.code()
        let document = livret.document
        let chef = document.etablissement.chefEtablissement.map { person in
            [person.civilite, person.prenom, person.nom].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        }
        let division = division ?? document.eleve.division ?? document.scolarites.last?.division ?? ""
        return ReceiptSheet.Content(
            etablissement: document.etablissement.nom, nom: document.eleve.nom, prenoms: document.eleve.prenoms,
            division: division, object: livret.object, pages: livret.pages, date: date, chef: chef, journal: journal,
            code: code, qrText: code.qrText(verifyURL: verifyURL))
    }

    /// The receipt's page.
    public func page(_ content: ReceiptSheet.Content) throws(PipelineError) -> Page {
        do { return try sheet.layout(content) } catch { throw .layout(error) }
    }

    /// The receipt as a finished (PDF/A-2b) and, with a key, signed PDF.
    public func pdf(_ content: ReceiptSheet.Content, fonts: PDFFonts? = nil) throws(PipelineError) -> Data {
        let page = try page(content)
        let unsigned: Data
        do throws(PDFError) {
            let drawing: PDFFonts
            if let fonts { drawing = fonts } else { drawing = try PDFFonts(files: sheet.fonts.files) }
            unsigned = try PDFWriter.render([page], fonts: drawing, metadata: metadata(content))
        } catch {
            throw .pdf(error)
        }
        guard let signing else { return unsigned }
        do {
            return Data(try signing.signer.sign(pdf: [UInt8](unsigned), date: signing.date, name: "recepisse \(content.code.ine)"))
        } catch {
            throw .signing(error)
        }
    }

    /// The PDF's document information: from the content, never the clock.
    public func metadata(_ content: ReceiptSheet.Content) -> PDFMetadata {
        PDFMetadata(
            title: "Récépissé de remise du livret scolaire — \(content.nom) \(content.prenoms) — \(content.code.annee)",
            author: content.etablissement,
            subject: "Récépissé de remise, INE \(content.code.ine), \(content.object) \(content.code.version)",
            keywords: content.code.description,
            creator: producer,
            creationDate: "\(date)T00:00:00Z")
    }

    /// The journal entry of an issued receipt: the livret version it names, the SHA-256 of the receipt PDF.
    public func journalEntry(_ content: ReceiptSheet.Content, receiptSHA256: String, actor: String) -> JournalEntry {
        JournalEntry(
            time: signing?.date ?? Date(), actor: actor, action: ReceiptLedger.receiptAction, ine: content.code.ine, object: content.object,
            version: content.code.version, sha256: receiptSHA256)
    }
}
