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
    ///
    /// The LSL file is read last, as a stream: each pupil's document is built as soon as its
    /// `<eleve>` is read (its LSL values are not kept). Errors come in the order of the files
    /// (établissement, SIECLE, LSL, nomenclature, MEF labels) whatever the order of reading.
    public static func prepare(_ inputs: ImportInputs) throws(ImportFailure) -> PreparedImport {
        try prepare(inputs, holdingPupils: false)
    }

    /// `prepare(_:)`; with `holdingPupils`, every pupil waits until the whole LSL file is read, as
    /// when the school year must come from the file (the tests compare both ways).
    static func prepare(_ inputs: ImportInputs, holdingPupils: Bool) throws(ImportFailure) -> PreparedImport {
        // Read the files; a file that cannot be read stops here with its own errors.
        func attempt<T>(_ errors: inout [ImportIssue], _ body: () throws(ImportFailure) -> T) -> T? {
            do { return try body() } catch { errors += error.errors; return nil }
        }
        var profileErrors: [ImportIssue] = [], siecleErrors: [ImportIssue] = [], lslErrors: [ImportIssue] = []
        var nomenclatureErrors: [ImportIssue] = [], labelErrors: [ImportIssue] = []
        let profile = attempt(&profileErrors) { () throws(ImportFailure) in try EtablissementProfile.read(inputs.etablissement.data, fileName: inputs.etablissement.name) }
        let siecle = attempt(&siecleErrors) { () throws(ImportFailure) in try SiecleReader.read(inputs.eleves.data, fileName: inputs.eleves.name) }
        let nomenclature = attempt(&nomenclatureErrors) { () throws(ImportFailure) in try Nomenclature.read(inputs.nomenclature.data, fileName: inputs.nomenclature.name) }
        let labels = inputs.matieres.flatMap { file in attempt(&labelErrors) { () throws(ImportFailure) in try MatiereLabels.read(file.data, fileName: file.name) } } ?? MatiereLabels()
        var builder: DocumentBuilder?
        let lslSource = SourceText(inputs.evaluations)
        if let profile, let siecle, let nomenclature, labelErrors.isEmpty {
            builder = DocumentBuilder(profile: profile, siecle: siecle, nomenclature: nomenclature, labels: labels,
                                      lslFileName: inputs.evaluations.name, lslSource: lslSource)
            builder?.begin(holdingPupils: holdingPupils)
        }
        let lsl = attempt(&lslErrors) { () throws(ImportFailure) in
            try LSLReader.read(inputs.evaluations, source: lslSource) { builder?.add($0) }
        }
        let errors = profileErrors + siecleErrors + lslErrors + nomenclatureErrors + labelErrors
        guard var builder, let lsl, errors.isEmpty else { throw ImportFailure(errors: errors) }
        return try builder.finish(lsl: lsl, inputs: inputs)
    }
}
