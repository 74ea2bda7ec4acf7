import Foundation
import LivretModel

/// Joins the SIECLE export, the LSL import file, the nomenclature and the établissement profile
/// into one canonical document per pupil, with every check that protects the families.
///
/// Hard errors refuse the whole import (`ImportFailure`, every error listed); warnings go to the report.
public enum Importer {
    /// Every document, encoded, and the report (the whole dataset in memory; `prepare` and
    /// `PreparedImport.encode` write a large lycée without holding all of it).
    public static func run(_ inputs: ImportInputs) throws(ImportFailure) -> ImportResult {
        let prepared = try prepare(inputs)
        var files: [LivretDocumentFile] = []
        prepared.encode { files.append($0) }
        return ImportResult(documents: files, report: prepared.report)
    }

    /// Reads and checks everything and builds every document; nothing is encoded yet.
    public static func prepare(_ inputs: ImportInputs) throws(ImportFailure) -> PreparedImport {
        // Read the four files; a file that cannot be read stops here with its own errors.
        var errors: [ImportIssue] = []
        func attempt<T>(_ body: () throws(ImportFailure) -> T) -> T? {
            do { return try body() } catch { errors += error.errors; return nil }
        }
        let profile = attempt { () throws(ImportFailure) in try EtablissementProfile.read(inputs.etablissement.data, fileName: inputs.etablissement.name) }
        let siecle = attempt { () throws(ImportFailure) in try SiecleReader.read(inputs.eleves.data, fileName: inputs.eleves.name) }
        let lsl = attempt { () throws(ImportFailure) in try LSLReader.read(inputs.evaluations.data, fileName: inputs.evaluations.name) }
        let nomenclature = attempt { () throws(ImportFailure) in try Nomenclature.read(inputs.nomenclature.data, fileName: inputs.nomenclature.name) }
        let labels = inputs.matieres.flatMap { file in attempt { () throws(ImportFailure) in try MatiereLabels.read(file.data, fileName: file.name) } } ?? MatiereLabels()
        guard let profile, let siecle, let lsl, let nomenclature, errors.isEmpty else { throw ImportFailure(errors: errors) }
        var builder = DocumentBuilder(profile: profile, siecle: siecle, lsl: lsl, nomenclature: nomenclature, labels: labels)
        return try builder.build(inputs: inputs)
    }
}
