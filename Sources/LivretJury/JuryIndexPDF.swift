import Foundation
import LivretLayout
import LivretPDF
import LivretPipeline

/// Draws a package's `data/index.pdf`: the candidates' table laid out with
/// `Layouts/jury-index.json` and the default livret layout's fonts (`JuryIndexSheet`), written by
/// `PDFWriter`. `JuryPackager.make` signs what it returns.
public enum JuryIndexPDF {
    /// The drawer `JuryPackager.make(_:identity:outputFolder:logger:indexPDF:)` takes, loaded once.
    /// - Parameters:
    ///   - resources: the layouts folder (holding `jury-index.json` and the default layout) and
    ///     the fonts folder.
    ///   - producer: the PDF's Creator, e.g. `livret 0.1.0`.
    /// - Throws: `PipelineError` when the default layout, its fonts or `jury-index.json` cannot
    ///   be loaded.
    public static func drawer(resources: ResourceLocations, producer: String) throws(PipelineError)
        -> @Sendable (JuryIndexHeader, [JuryCandidate]) throws -> Data {
        let renderer = try LivretRenderer(resources: resources, producer: producer)
        let spec: JuryIndexSheet.Spec
        do {
            spec = try JuryIndexSheet.Spec.load(from: resources.layouts.appendingPathComponent("jury-index.json"))
        } catch {
            throw .layout(error)
        }
        let fontSet = renderer.defaultEngine.fonts
        let fontFiles = fontSet.files
        return { header, candidates in
            let rows = candidates.map { candidate in
                JuryIndexSheet.Row(
                    nom: candidate.nom, prenoms: candidate.prenoms, ine: candidate.ine, division: candidate.division, serie: candidate.serie,
                    version: candidate.version, sha256: candidate.sha256, pages: candidate.pages,
                    missing: candidate.status == .ok ? nil : candidate.status == .absent ? "absent de l'archive" : "livret non signé")
            }
            let pages = try JuryIndexSheet(spec: spec, fonts: fontSet).layout(
                header: .init(etablissement: header.etablissement, uai: header.uai, centre: header.centre, session: header.session, date: header.date),
                rows: rows)
            return try PDFWriter.render(pages, fontFiles: fontFiles, metadata: PDFMetadata(
                title: "Livrets scolaires — centre \(header.centre), session \(header.session)", author: header.etablissement,
                subject: "Index du paquet jury, UAI \(header.uai)", creator: producer,
                creationDate: "\(header.date)T00:00:00Z"))
        }
    }
}
