import Foundation
import LivretModel

/// Reads an LSL import file: well-formed, valid against the project's LSL import schema, then the
/// checks the schema cannot make (marks within 0–20, shares within 0–100 summing to 100).
public enum LSLReader {
    /// The LSL import file's XML namespace.
    public static let namespace = "urn:ac-grenoble.fr:lsl:import"

    /// Reads the file as a stream, validating it as it goes (libxml2's SAX validator): each `<eleve>`
    /// is read into values as soon as its end tag is parsed and its tree freed, so memory holds one
    /// pupil's tree at a time, not the file's. Errors are those of a whole-tree read: the first parse
    /// error alone, else every validation error, else the reader's own checks.
    public static func read(_ data: Data, fileName: String) throws(ImportFailure) -> LSLFile {
        var eleves: [LSLFile.Eleve] = []
        var file = try read(data, fileName: fileName) { eleves.append($0) }
        file.eleves = eleves
        return file
    }

    /// Reads the file as `read(_:fileName:)` does, but hands each `<eleve>` to `each` as soon as it is
    /// read instead of keeping it: the result's `eleves` is empty. A file refused afterwards (a parse
    /// error, a validation error) may have handed out some pupils first: they belong to a refused file.
    public static func read(_ data: Data, fileName: String, each: (LSLFile.Eleve) -> Void) throws(ImportFailure) -> LSLFile {
        try read(.data(data), source: SourceText(data: data), fileName: fileName, each: each)
    }

    /// Reads `file` as `read(_:fileName:each:)` does; a file given by path is read from it a chunk
    /// at a time (its bytes are never all in memory). `source` is the file's `SourceText(file)`.
    static func read(_ file: ImportInputs.File, source: SourceText, each: (LSLFile.Eleve) -> Void) throws(ImportFailure) -> LSLFile {
        if let path = file.path {
            return try read(.file(path: path, limit: file.limit), source: source, fileName: file.name, each: each)
        }
        return try read(.data(file.data), source: source, fileName: file.name, each: each)
    }

    private static func read(_ input: XMLFile.Input, source: SourceText, fileName: String, each: (LSLFile.Eleve) -> Void) throws(ImportFailure) -> LSLFile {
        let schema: XMLSchema
        do { schema = try XMLSchema(text: LSLImportSchema.text, name: "lsl-import.xsd") } catch { throw ImportFailure(errors: [error]) }
        var errors: [ImportIssue] = []
        var invalid: [ImportIssue] = []
        let file: XMLFile
        do {
            // <lsl><donnees><eleve>: depth 2. The other elements at that depth (<entete>'s) are kept.
            file = try XMLFile(streaming: input, source: source, fileName: fileName, recordDepth: 2, schema: schema, invalid: &invalid) { record in
                guard record.name == "eleve" else { return true }
                let ancestors = record.ancestors
                guard ancestors.count == 2, ancestors[1].name == "donnees", ancestors[1].isFirst else { return true }
                each(eleve(record.tree(), fileName: fileName, source: source, errors: &errors))
                return false
            }
        } catch { throw ImportFailure(errors: [error]) }
        if !invalid.isEmpty { throw ImportFailure(errors: invalid) }
        guard let root = file.root() else { throw ImportFailure(errors: [ImportIssue(.error, file: fileName, message: "empty document")]) }
        let entete = root.child("entete")
        var result = LSLFile(fileName: fileName, etablissement: entete?.value("etablissement"),
                             etablissementLine: entete?.child("etablissement")?.line ?? 1, eleves: [])
        result.errors = errors
        result.source = file.source
        return result
    }

    /// One `<eleve>`; the reader's checks append to `errors`.
    private static func eleve(_ node: XMLTreeNode, fileName: String, source: SourceText, errors: inout [ImportIssue]) -> LSLFile.Eleve {
        func issue(_ node: XMLTreeNode, _ field: String, _ message: String, eleve: String?) {
            errors.append(ImportIssue(.error, file: fileName, line: node.line, column: source.column(line: node.line, element: node.name),
                                      field: field, eleve: eleve, message: message))
        }
        let id = node.attribute("id") ?? ""
        let who = "ELEVE_ID \(id)"
        var eleve = LSLFile.Eleve(id: id, line: node.line, engagements: nil, avisExamen: nil, scolarites: [])
        if let engagements = node.child("engagements") {
            eleve.engagements = Engagements(
                codes: engagements.children("engagement").compactMap { CodeEngagement(rawValue: $0.attribute("code") ?? "") },
                autre: engagements.child("engagement-autre")?.text)
        }
        eleve.avisExamen = node.child("avisExamen").flatMap { CodeAvisExamen(rawValue: $0.attribute("code") ?? "") }
        for scolariteNode in node.child("scolarites")?.children("scolarite") ?? [] {
            var scolarite = LSLFile.Scolarite(
                annee: Int(scolariteNode.attribute("annee-scolaire") ?? "") ?? 0,
                codePeriode: CodePeriode(rawValue: scolariteNode.attribute("code-periode") ?? "") ?? .trimestres,
                line: scolariteNode.line, evaluations: [])
            scolarite.avisEngagement = scolariteNode.child("avisEngagement").map(avis)
            scolarite.avisInvestissement = scolariteNode.child("avisInvestissement").map(avis)
            scolarite.avisChefEtab = scolariteNode.child("avisChefEtab").map(avis)
            for evaluationNode in scolariteNode.children("evaluation") {
                let code = evaluationNode.attribute("code-matiere") ?? ""
                var evaluation = LSLFile.Evaluation(
                    codeMatiere: code, modalite: ModaliteElection(rawValue: evaluationNode.attribute("modalite-election") ?? "") ?? .tronCommun,
                    date: evaluationNode.attribute("date"), line: evaluationNode.line, structure: nil,
                    annuelle: evaluationNode.child("annuelle")?.text, periodes: [], competences: [], enseignants: [])
                if let structure = evaluationNode.child("structure") {
                    var block = LSLFile.Structure()
                    block.effectif = structure.attribute("effectif").flatMap { Int($0.trimmingSpaces) }
                    let shares: [(String, WritableKeyPath<LSLFile.Structure, Decimal2?>)] = [
                        ("repar-moins-huit", \.moinsDeHuit), ("repar-huit-douze", \.huitADouze), ("repar-plus-douze", \.douzeEtPlus)]
                    if let text = structure.attribute("moyenne"), let value = Decimal2(parsing: text.trimmingSpaces) {
                        if !(0...2000).contains(value.hundredths) {
                            issue(structure, "structure@moyenne", "group average outside 0–20 (matière \(code))", eleve: who)
                        }
                        block.moyenne = value
                    }
                    var total = 0
                    var count = 0
                    for (name, path) in shares {
                        guard let text = structure.attribute(name), let value = Decimal2(parsing: text.trimmingSpaces) else { continue }
                        if !(0...10_000).contains(value.hundredths) {
                            issue(structure, "structure@\(name)", "percentage outside 0–100 (matière \(code))", eleve: who)
                        }
                        block[keyPath: path] = value
                        total += value.hundredths
                        count += 1
                    }
                    if count > 0 && abs(total - 10_000) > 1 {
                        issue(structure, "structure@repar-*", "the sum of the percentages is not 100 ± 0.01 (matière \(code))", eleve: who)
                    }
                    evaluation.structure = block
                }
                for periode in evaluationNode.child("periodiques")?.children("periode") ?? [] {
                    let numero = Int(periode.attribute("numero")?.trimmingSpaces ?? "") ?? 0
                    guard let value = Decimal2(parsing: periode.attribute("moyenne")?.trimmingSpaces ?? "") else { continue }
                    if value.hundredths == -100 {
                        evaluation.periodes.append((numero, nil))
                    } else {
                        if !(0...2000).contains(value.hundredths) {
                            issue(periode, "periode@moyenne", "mark outside 0–20 (-1 = non noté; matière \(code), période \(numero))", eleve: who)
                        }
                        evaluation.periodes.append((numero, value))
                    }
                }
                for competence in evaluationNode.child("competences")?.children("competence") ?? [] {
                    evaluation.competences.append((competence.attribute("code") ?? "", competence.text?.trimmingSpaces ?? ""))
                }
                for enseignant in evaluationNode.child("enseignants")?.children("enseignant") ?? [] {
                    let prenom = enseignant.attribute("prenom")
                    evaluation.enseignants.append(Personne(nom: enseignant.attribute("nom") ?? "", prenom: prenom?.isEmpty == true ? nil : prenom))
                }
                scolarite.evaluations.append(evaluation)
            }
            eleve.scolarites.append(scolarite)
        }
        return eleve
    }

    private static func avis(_ node: XMLTreeNode) -> Avis {
        func nonEmpty(_ text: String?) -> String? { text?.isEmpty == false ? text : nil }
        return Avis(texte: node.text ?? "", nom: nonEmpty(node.attribute("nom")), prenom: nonEmpty(node.attribute("prenom")),
                    date: nonEmpty(node.attribute("date")))
    }
}
