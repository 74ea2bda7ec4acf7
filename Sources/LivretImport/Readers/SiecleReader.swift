import Foundation
import LivretModel

/// Reads a SIECLE BEE `ElevesSansAdresses.xml` (root `BEE_ELEVES`; ISO-8859-15 or UTF-8 as declared,
/// upper-case tags, values padded with spaces).
public enum SiecleReader {
    public static func read(_ data: Data, fileName: String) throws(ImportFailure) -> SiecleExport {
        let file: XMLFile
        do { file = try XMLFile(data: data, fileName: fileName) } catch { throw ImportFailure(errors: [error]) }
        guard let root = file.root(), root.name == "BEE_ELEVES" else {
            throw ImportFailure(errors: [ImportIssue(.error, file: fileName, line: 1, message: "not a SIECLE BEE_ELEVES export (root element is not <BEE_ELEVES>)")])
        }
        var errors: [ImportIssue] = []
        func issue(_ node: XMLTreeNode, _ field: String, _ message: String, eleve: String? = nil) {
            errors.append(ImportIssue(.error, file: fileName, line: node.line, column: file.source.column(line: node.line, element: node.name),
                                      field: field, eleve: eleve, message: message))
        }
        let parametres = root.child("PARAMETRES")
        var export = SiecleExport(fileName: fileName, uai: parametres?.value("UAJ"), anneeScolaire: nil, dateExport: nil,
                                  eleves: [], structures: [:], options: [:])
        if let uaj = parametres?.child("UAJ") {
            export.uaiLine = uaj.line
            if let uai = export.uai, let problem = Identifiers.uaiProblem(uai) { issue(uaj, "<UAJ>", problem) }
        }
        if let annee = parametres?.child("ANNEE_SCOLAIRE") {
            if let year = Int(annee.text?.trimmingSpaces ?? ""), (2000...9999).contains(year) { export.anneeScolaire = year }
            else { issue(annee, "<ANNEE_SCOLAIRE>", "\(MessageText.quoted(annee.text?.trimmingSpaces ?? "")) is not a school year") }
        }
        if let date = parametres?.child("DATE_EXPORT"), let text = date.text?.trimmingSpaces, !text.isEmpty {
            if let iso = isoDate(fromFrench: text) { export.dateExport = iso } else { issue(date, "<DATE_EXPORT>", "\(MessageText.quoted(text)) is not a date") }
        }
        let donnees = root.child("DONNEES")
        for node in donnees?.child("ELEVES")?.children("ELEVE") ?? [] {
            guard let eleveId = node.attribute("ELEVE_ID")?.trimmingSpaces, !eleveId.isEmpty else {
                issue(node, "<ELEVE>@ELEVE_ID", "missing")
                continue
            }
            var eleve = SiecleExport.Eleve(
                eleveId: eleveId, line: node.line, ine: node.value("ID_NATIONAL"), nomDeFamille: node.value("NOM_DE_FAMILLE"),
                nomUsage: node.value("NOM_USAGE"), prenoms: ["PRENOM", "PRENOM2", "PRENOM3"].compactMap { node.value($0) },
                dateNaissance: nil, mef: node.value("CODE_MEF"), ineLine: node.child("ID_NATIONAL")?.line ?? node.line,
                nameLine: node.child("NOM_DE_FAMILLE")?.line ?? node.line, mefLine: node.child("CODE_MEF")?.line ?? node.line,
                structureAnDernier: node.child("SCOLARITE_AN_DERNIER")?.value("CODE_STRUCTURE"),
                rneAnDernier: node.child("SCOLARITE_AN_DERNIER")?.value("CODE_RNE"))
            for tag in ["NOM_DE_FAMILLE", "NOM_USAGE", "PRENOM", "PRENOM2", "PRENOM3"] {
                guard let child = node.child(tag), let count = child.text?.unicodeScalars.count, count > InputLimits.nameCharacters else { continue }
                issue(child, "<\(tag)>", "a name of \(count) characters is over the limit of \(InputLimits.nameCharacters)", eleve: "ELEVE_ID \(eleveId)")
            }
            if let date = node.child("DATE_NAISS") {
                let text = date.text?.trimmingSpaces ?? ""
                if let iso = isoDate(fromFrench: text) { eleve.dateNaissance = iso }
                else { issue(date, "<DATE_NAISS>", "\(MessageText.quoted(text)) is not a date", eleve: "ELEVE_ID \(eleveId)") }
            }
            export.eleves.append(eleve)
        }
        for node in donnees?.child("STRUCTURES")?.children("STRUCTURES_ELEVE") ?? [] {
            guard let eleveId = node.attribute("ELEVE_ID")?.trimmingSpaces else { continue }
            for structure in node.children("STRUCTURE") {
                guard let code = structure.value("CODE_STRUCTURE"), let type = structure.value("TYPE_STRUCTURE") else { continue }
                export.structures[eleveId, default: []].append(.init(code: code, type: type))
            }
        }
        for node in donnees?.child("OPTIONS")?.children("OPTION") ?? [] {
            guard let eleveId = node.attribute("ELEVE_ID")?.trimmingSpaces else { continue }
            for option in node.children("OPTIONS_ELEVE") {
                guard let code = option.value("CODE_MATIERE") else { continue }
                export.options[eleveId, default: []].append(.init(codeMatiere: code, modalite: option.value("CODE_MODALITE_ELECT") ?? ""))
            }
        }
        export.errors = errors
        export.source = file.source
        return export
    }

    /// `dd/mm/yyyy` → `YYYY-MM-DD`, nil when it is not a real day.
    static func isoDate(fromFrench text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 2, parts[2].count == 4 else { return nil }
        let iso = "\(parts[2])-\(parts[1])-\(parts[0])"
        return LivretDocumentDates.isDate(iso) ? iso : nil
    }
}
