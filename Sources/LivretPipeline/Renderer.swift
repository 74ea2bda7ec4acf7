import Foundation
import LivretLayout
import LivretModel
import LivretPDF
import LivretSign

/// Where the pipeline finds its resources. Found by the caller (see `ResourceLocator`), never
/// guessed by the libraries.
public struct ResourceLocations: Hashable, Sendable {
    /// The layouts folder: `NAME.json` for each layout, and `emargement.json`.
    public var layouts: URL
    /// The fonts folder: the files a layout's `fonts` name.
    public var fonts: URL

    /// - Parameters:
    ///   - layouts: the layouts folder.
    ///   - fonts: the fonts folder.
    public init(layouts: URL, fonts: URL) {
        self.layouts = layouts
        self.fonts = fonts
    }
}

/// Document → pages → PDF bytes: the one place that joins the layout and the PDF stages, used by
/// `render` and by every pupil file of a print run (so their bytes are equal by construction).
///
/// Finishing steps to come (PDF/A, signatures) plug into `finish(_:document:)`, the last step of
/// every pupil PDF, whoever asked for it.
///
/// `Sendable`: the engines (layout spec + immutable HarfBuzz fonts) are shared by every task.
public struct LivretRenderer: Sendable {
    /// The layout used when neither the caller nor the document names one.
    public static let defaultLayoutName = "gt-2012"

    /// Where the layouts and fonts were found.
    public let resources: ResourceLocations
    /// Written into each PDF's Creator field, e.g. `livret 0.1.0`.
    public internal(set) var producer: String
    /// The layout asked for by the caller, which overrides the documents' `modele`; nil: each
    /// document's own.
    public let forcedLayout: String?
    /// The layout of documents without a `modele`, and of the hand-over sheets' fonts.
    public let defaultLayout: String
    private var engines: [String: Result<LivretLayoutEngine, PipelineError>]
    /// When set, every livret is signed in ``finish(_:document:)`` (an incremental update after
    /// the unsigned bytes); nil: livrets are not signed.
    public private(set) var signing: LivretSigning?

    /// Loads the layout the caller asked for (else the default) and those named in `modeles`.
    /// A `modele` that cannot be loaded is not an error here: the documents naming it fail
    /// when rendered, each with its own message.
    /// - Parameters:
    ///   - resources: the layouts and fonts folders.
    ///   - layout: the layout that overrides the documents' `modele`, or nil.
    ///   - producer: the PDF Creator, e.g. `livret 0.1.0`.
    ///   - modeles: the layout names the documents to come will ask for (loaded once, here).
    public init(resources: ResourceLocations, layout: String? = nil, producer: String, modeles: Set<String> = []) throws(PipelineError) {
        self.resources = resources
        self.producer = producer
        self.forcedLayout = layout
        let defaultName = layout ?? Self.defaultLayoutName
        self.defaultLayout = defaultName
        var engines: [String: Result<LivretLayoutEngine, PipelineError>] = [:]
        let first = Self.load(defaultName, resources: resources, source: nil)
        if case .failure(let error) = first { throw error }
        engines[defaultName] = first
        if layout == nil {
            for name in modeles where engines[name] == nil {
                engines[name] = Self.load(name, resources: resources, source: "")
            }
        }
        self.engines = engines
    }

    /// The same renderer, with the layouts `modeles` loaded as well (when the documents' own
    /// layouts are used): each is loaded once, not once per document.
    public func loading(_ modeles: Set<String>) -> LivretRenderer {
        guard forcedLayout == nil else { return self }
        var copy = self
        for name in modeles where copy.engines[name] == nil {
            copy.engines[name] = Self.load(name, resources: resources, source: "")
        }
        return copy
    }

    private static func load(_ name: String, resources: ResourceLocations, source: String?) -> Result<LivretLayoutEngine, PipelineError> {
        switch PlainName.file("\(name).json", in: resources.layouts) {
        case .success: break
        case .failure(.notPlain(let reason)):
            return .failure(.layoutName(name: name, source: source, reason: reason))
        case .failure(.missing):
            let available = LivretLayoutEngine.available(in: resources.layouts).joined(separator: ", ")
            return .failure(.layoutName(name: name, source: source, reason: "is an unknown layout: no \(name).json in \(resources.layouts.path) (available: \(available))"))
        case .failure(.outside):
            return .failure(.layoutName(name: name, source: source, reason: "is a link that leads out of the layouts folder \(resources.layouts.path)"))
        case .failure(.notRegular):
            return .failure(.layoutName(name: name, source: source, reason: "is not a regular file of the layouts folder \(resources.layouts.path)"))
        }
        do {
            return .success(try LivretLayoutEngine.load(layout: name, layoutsDirectory: resources.layouts, fontsDirectory: resources.fonts))
        } catch {
            return .failure(.layout(error))
        }
    }

    /// The same renderer, signing every livret it finishes with `signing` (nil: unsigned).
    public func signing(with signing: LivretSigning?) -> LivretRenderer {
        var copy = self
        copy.signing = signing
        return copy
    }

    /// The engine of the default layout (the one asked for, else `gt-2012`).
    public var defaultEngine: LivretLayoutEngine {
        // Loaded in `init`, which throws when it cannot be.
        try! engines[defaultLayout]!.get()
    }

    /// The name of the layout `document` is drawn with.
    public func layoutName(for document: LivretDocument) -> String {
        forcedLayout ?? document.modele ?? defaultLayout
    }

    /// The engine `document` is laid out with: the layout asked for, else its `modele`, else the
    /// default. A `modele` that is not a plain layout name is refused, naming `source`.
    public func engine(for document: LivretDocument, source: String) throws(PipelineError) -> LivretLayoutEngine {
        let name = layoutName(for: document)
        let result = engines[name] ?? Self.load(name, resources: resources, source: source)
        switch result {
        case .success(let engine): return engine
        case .failure(.layoutName(let name, _, let reason)): throw .layoutName(name: name, source: source, reason: reason)
        case .failure(let error): throw error
        }
    }

    /// The PDF's document information: from the document, never the clock.
    public func metadata(_ document: LivretDocument) -> PDFMetadata {
        let years = document.scolarites.map(\.anneeLabel).joined(separator: ", ")
        return PDFMetadata(
            title: "Livret scolaire du lycée — \(document.eleve.nom) \(document.eleve.prenoms) — \(years)",
            author: document.etablissement.nom,
            subject: "Livret scolaire du lycée, INE \(document.eleve.ine)",
            creator: producer,
            creationDate: "\(document.dateDocument)T00:00:00Z")
    }

    /// One livret as a PDF file's bytes. `source` names the document in errors.
    public func pdf(_ document: LivretDocument, source: String) throws(PipelineError) -> Data {
        let engine = try engine(for: document, source: source)
        let pages: [Page]
        do { pages = try engine.layout(document) } catch { throw .layout(error) }
        let fonts: PDFFonts
        do { fonts = try PDFFonts(files: engine.fonts.files) } catch { throw .pdf(error) }
        return try pdf(pages: pages, of: document, fonts: fonts)
    }

    /// The pages of one livret as a PDF file's bytes, drawn with `fonts` (faces a task keeps
    /// from file to file; each page is drawn with the fonts it was shaped with).
    func pdf(pages: [Page], of document: LivretDocument, fonts: PDFFonts) throws(PipelineError) -> Data {
        try finish(unsignedPDF(pages: pages, of: document, fonts: fonts), document: document)
    }

    /// The pages of one livret as the PDF/A bytes before any signature (the first revision of
    /// the file `pdf(pages:of:fonts:)` gives).
    func unsignedPDF(pages: [Page], of document: LivretDocument, fonts: PDFFonts) throws(PipelineError) -> Data {
        do {
            // PDF/A-3b, tagged, carrying the canonical document it was rendered from.
            return try PDFWriter.render(pages, fonts: fonts, metadata: metadata(document), archival: .livret(source: document.encoded()))
        } catch {
            throw .pdf(error)
        }
    }

    /// The last step of every livret PDF: the finished PDF/A bytes as drawn, and, with a signer,
    /// the lycée's PAdES signature appended as an incremental update: the bytes before the
    /// signature are exactly the unsigned render's.
    func finish(_ pdf: Data, document: LivretDocument) throws(PipelineError) -> Data {
        guard let signing else { return pdf }
        do {
            return Data(try signing.signer.sign(pdf: [UInt8](pdf), date: signing.date, name: "livret \(document.eleve.ine)"))
        } catch {
            throw .signing(error)
        }
    }
}

/// How the livrets are signed: the PDF signer and the claimed signing time (/M) of every
/// signature. The time must be the real time of issue (a verifier checks the certificate's
/// validity at /M): callers give the clock's time, not the date printed on the hand-over sheets.
public struct LivretSigning: Sendable {
    /// The PDF signer (the lycée's key and certificate).
    public var signer: PAdESSigner
    /// The signing time written in each signature's /M (whole seconds, UTC).
    public var date: Date

    /// - Parameters:
    ///   - signer: the PDF signer.
    ///   - date: the signing time; its fraction of a second is dropped (/M has whole seconds).
    public init(signer: PAdESSigner, date: Date) {
        self.signer = signer
        self.date = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    /// `2016-07-02T14:30:00Z`.
    public var timestamp: String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
