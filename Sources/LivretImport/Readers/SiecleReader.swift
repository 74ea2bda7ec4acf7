import Foundation
import LivretModel

/// Reads a SIECLE BEE `ElevesSansAdresses.xml` (root `BEE_ELEVES`; ISO-8859-15 or UTF-8 as declared,
/// upper-case tags, values padded with spaces).
public enum SiecleReader {
    /// Reads the export as a stream: each `<ELEVE>`, `<STRUCTURES_ELEVE>` and `<OPTION>` is read into
    /// values as soon as its end tag is parsed and its tree freed (memory holds one pupil's tree, not
    /// the file's). Errors are those of a whole-tree read, in the same order.
    public static func read(_ data: Data, fileName: String) throws(ImportFailure) -> SiecleExport {
        let source = SourceText(data: data)
        var eleveErrors: [ImportIssue] = []
        var eleves: [SiecleExport.Eleve] = []
        var structures: [String: [SiecleExport.Structure]] = [:]
        var options: [String: [SiecleExport.Option]] = [:]
        let file: XMLFile
        do {
            var invalid: [ImportIssue] = []
            // <BEE_ELEVES><DONNEES><ELEVES><ELEVE>: depth 3. Only what the reader reads is freed.
            file = try XMLFile(streaming: data, fileName: fileName, recordDepth: 3, schema: nil, invalid: &invalid) { record in
                let ancestors = record.ancestors
                guard ancestors.count == 3 else { return true }
                guard ancestors[0].name == "BEE_ELEVES" else { return false }  // refused at the end: keep nothing
                guard ancestors[1].name == "DONNEES", ancestors[1].isFirst, ancestors[2].isFirst else { return true }
                switch (ancestors[2].name, record.name) {
                case ("ELEVES", "ELEVE"):
                    if let eleve = eleve(record.tree(), fileName: fileName, source: source, errors: &eleveErrors) { eleves.append(eleve) }
                case ("STRUCTURES", "STRUCTURES_ELEVE"):
                    let node = record.tree()
                    guard let eleveId = node.attribute("ELEVE_ID")?.trimmingSpaces else { return false }
                    for structure in node.children("STRUCTURE") {
                        guard let code = structure.value("CODE_STRUCTURE"), let type = structure.value("TYPE_STRUCTURE") else { continue }
                        structures[eleveId, default: []].append(.init(code: code, type: type))
                    }
                case ("OPTIONS", "OPTION"):
                    let node = record.tree()
                    guard let eleveId = node.attribute("ELEVE_ID")?.trimmingSpaces else { return false }
                    for option in node.children("OPTIONS_ELEVE") {
                        guard let code = option.value("CODE_MATIERE") else { continue }
                        options[eleveId, default: []].append(.init(codeMatiere: code, modalite: option.value("CODE_MODALITE_ELECT") ?? ""))
                    }
                default:
                    return true
                }
                return false
            }
        } catch { throw ImportFailure(errors: [error]) }
        guard let root = file.root(), root.name == "BEE_ELEVES" else {
            throw ImportFailure(errors: [ImportIssue(.error, file: fileName, line: 1, message: "not a SIECLE BEE_ELEVES export (root element is not <BEE_ELEVES>)")])
        }
        var errors: [ImportIssue] = []
        func issue(_ node: XMLTreeNode, _ field: String, _ message: String, eleve: String? = nil) {
            errors.append(ImportIssue(.error, file: fileName, line: node.line, column: source.column(line: node.line, element: node.name),
                                      field: field, eleve: eleve, message: message))
        }
        let parametres = root.child("PARAMETRES")
        var export = SiecleExport(fileName: fileName, uai: parametres?.value("UAJ"), anneeScolaire: nil, dateExport: nil,
                                  eleves: eleves, structures: structures, options: options)
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
        export.errors = errors + eleveErrors
        export.source = file.source
        return export
    }

    /// One `<ELEVE>`, nil when it has no ELEVE_ID; the reader's checks append to `errors`.
    private static func eleve(_ node: XMLTreeNode, fileName: String, source: SourceText, errors: inout [ImportIssue]) -> SiecleExport.Eleve? {
        func issue(_ node: XMLTreeNode, _ field: String, _ message: String, eleve: String? = nil) {
            errors.append(ImportIssue(.error, file: fileName, line: node.line, column: source.column(line: node.line, element: node.name),
                                      field: field, eleve: eleve, message: message))
        }
        guard let eleveId = node.attribute("ELEVE_ID")?.trimmingSpaces, !eleveId.isEmpty else {
            issue(node, "<ELEVE>@ELEVE_ID", "missing")
            return nil
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
        return eleve
    }

    /// `dd/mm/yyyy` → `YYYY-MM-DD`, nil when it is not a real day.
    static func isoDate(fromFrench text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 2, parts[2].count == 4 else { return nil }
        let iso = "\(parts[2])-\(parts[1])-\(parts[0])"
        return LivretDocumentDates.isDate(iso) ? iso : nil
    }
}
