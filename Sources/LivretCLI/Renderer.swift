import Foundation
import LivretLayout
import LivretModel
import LivretPDF

/// Document → pages → PDF bytes: the one place that joins the layout and the PDF stages.
/// `Sendable`: the engine (spec + immutable HarfBuzz fonts) is shared by every task.
struct Renderer: Sendable {
    let engines: [String: LivretLayoutEngine]
    let defaultLayout: String
    let layoutsDirectory: URL

    static let defaultLayoutName = "gt-2012"

    /// Finds `Layouts/` and `Fonts/` and loads the layout named by `--layout`, else the
    /// documents' own (`modele`), else the default.
    static func load(layout: String?, layouts: String?, fonts: String?) throws(LayoutError) -> Renderer {
        let layoutsDirectory = try ResourceLocator.directory(
            named: "Layouts", containing: "\(defaultLayoutName).json", explicit: layouts, environmentVariable: "LIVRET_LAYOUTS")
        let fontsDirectory = try ResourceLocator.directory(
            named: "Fonts", containing: FontSet.fileNames[.regular]!, explicit: fonts, environmentVariable: "LIVRET_FONTS")
        let name = layout ?? defaultLayoutName
        let engine = try LivretLayoutEngine.load(layout: name, layoutsDirectory: layoutsDirectory, fontsDirectory: fontsDirectory)
        return Renderer(engines: [name: engine], defaultLayout: name, layoutsDirectory: layoutsDirectory, forced: layout != nil)
    }

    let forced: Bool

    init(engines: [String: LivretLayoutEngine], defaultLayout: String, layoutsDirectory: URL, forced: Bool) {
        self.engines = engines
        self.defaultLayout = defaultLayout
        self.layoutsDirectory = layoutsDirectory
        self.forced = forced
    }

    func engine(for document: LivretDocument) throws(LayoutError) -> LivretLayoutEngine {
        if forced { return engines[defaultLayout]! }
        let name = document.modele ?? defaultLayout
        if let engine = engines[name] { return engine }
        let base = engines[defaultLayout]!
        return try LivretLayoutEngine.load(layout: name, layoutsDirectory: layoutsDirectory, fontsDirectory: base.fonts.directory)
    }

    /// The pages of one livret.
    func pages(_ document: LivretDocument, typesetter: Typesetter? = nil) throws(LayoutError) -> [Page] {
        try engine(for: document).layout(document, typesetter: typesetter)
    }

    var fontFiles: [FontStyle: URL] { engines[defaultLayout]!.fonts.files }

    /// One livret as a PDF file's bytes.
    func pdf(_ document: LivretDocument) throws -> Data {
        let pages = try pages(document)
        return try PDFWriter.render(pages, fontFiles: fontFiles, metadata: Self.metadata(document), archival: .livret(source: document.encoded()))
    }

    static func metadata(_ document: LivretDocument) -> PDFMetadata {
        let years = document.scolarites.map(\.anneeLabel).joined(separator: ", ")
        return PDFMetadata(
            title: "Livret scolaire du lycée — \(document.eleve.nom) \(document.eleve.prenoms) — \(years)",
            author: document.etablissement.nom,
            subject: "Livret scolaire du lycée, INE \(document.eleve.ine)",
            creator: "livret \(LivretCommand.version)",
            creationDate: "\(document.dateDocument)T00:00:00Z")
    }
}
