import Foundation

/// Labels of the SIECLE matières and MEFs, from a BEE `Nomenclature` export (`Import_MEF.xml`):
/// the language names (`030201` → `ANGLAIS LV1`).
public struct MatiereLabels: Sendable {
    /// Code matière → label, e.g. `030201` → `ANGLAIS LV1`.
    public var matieres: [String: String]
    /// Code MEF → label.
    public var mefs: [String: String]

    /// Labels from these tables (empty: none).
    public init(matieres: [String: String] = [:], mefs: [String: String] = [:]) {
        self.matieres = matieres
        self.mefs = mefs
    }

    /// Reads `Import_MEF.xml`; throws `ImportFailure` when it is not well-formed XML or not a BEE_NOMENCLATURES export.
    public static func read(_ data: Data, fileName: String) throws(ImportFailure) -> MatiereLabels {
        let file: XMLFile
        do { file = try XMLFile(data: data, fileName: fileName) } catch { throw ImportFailure(errors: [error]) }
        guard let root = file.root(), root.name == "BEE_NOMENCLATURES" else {
            throw ImportFailure(errors: [ImportIssue(.error, file: fileName, line: 1, message: "not a SIECLE BEE_NOMENCLATURES export")])
        }
        var labels = MatiereLabels()
        let donnees = root.child("DONNEES")
        for matiere in donnees?.child("MATIERES")?.children("MATIERE") ?? [] {
            guard let code = matiere.attribute("CODE_MATIERE")?.trimmingSpaces,
                  let label = matiere.value("LIBELLE_LONG") ?? matiere.value("LIBELLE_EDITION") else { continue }
            labels.matieres[code] = collapse(label)
        }
        for mef in donnees?.child("MEFS")?.children("MEF") ?? [] {
            guard let code = mef.attribute("CODE_MEF")?.trimmingSpaces,
                  let label = mef.value("LIBELLE_EDITION") ?? mef.value("LIBELLE_LONG") else { continue }
            labels.mefs[code] = collapse(label)
        }
        return labels
    }

    /// `ARABE LV2  CORRESP.` → `ARABE LV2 CORRESP.`
    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
    }
}
