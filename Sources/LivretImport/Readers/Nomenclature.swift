import Foundation
import LivretModel

/// The LSL nomenclature (`lsl-nomenclatures.xml`): competency labels per millésime, and per
/// (millésime, MEF) the matières in livret order. Data, read at run time: never hard-coded.
public struct Nomenclature: Sendable {
    /// A matière of a MEF, as the nomenclature lists it.
    public struct Matiere: Sendable {
        /// The regroupement heading, e.g. `ENSEIGNEMENTS OBLIGATOIRES`.
        public var regroupement: String
        /// The label printed, e.g. `MATHÉMATIQUES`.
        public var discipline: String
        /// BCN code matière (6 digits).
        public var codeBcn: String
        /// Whether it has periodic marks (false: no averages, no group statistics).
        public var evaluationPeriodique: Bool
        /// The modalité election code (`S`, `O`, `F`).
        public var modalite: String
        /// The competency codes assessed in it, in livret order.
        public var competences: [String]
    }

    /// A MEF (a year of a série) of one millésime.
    public struct MEF: Sendable {
        /// The 11-character MEF code.
        public var code: String
        /// The level as written (`Première`, `Terminale`).
        public var niveau: String
        /// The série's code, e.g. `S`.
        public var codeSerie: String
        /// The série's label.
        public var serie: String
        /// The speciality's label.
        public var specialite: String
        /// Its matières, in livret order.
        public var matieres: [Matiere]

        /// The level as a document's `niveau`; nil when neither première nor terminale.
        public var niveauCanonique: Niveau? {
            switch niveau.lowercased() {
            case "première", "premiere": .premiere
            case "terminale": .terminale
            default: nil
            }
        }
    }

    /// millésime → code → label.
    public var competences: [Int: [String: String]]
    /// millésime → code MEF → MEF.
    public var mefs: [Int: [String: MEF]]

    /// Reads `lsl-nomenclatures.xml`; throws `ImportFailure` when it is not well-formed XML or not an LSL nomenclature.
    public static func read(_ data: Data, fileName: String) throws(ImportFailure) -> Nomenclature {
        let file: XMLFile
        do { file = try XMLFile(data: data, fileName: fileName) } catch { throw ImportFailure(errors: [error]) }
        guard let root = file.root(), root.name == "nomenclaturesLsl" else {
            throw ImportFailure(errors: [ImportIssue(.error, file: fileName, line: 1, message: "not an LSL nomenclature (root element is not <nomenclaturesLsl>)")])
        }
        var result = Nomenclature(competences: [:], mefs: [:])
        for competence in root.child("competences")?.children("competence") ?? [] {
            guard let code = competence.attribute("code"), let annee = Int(competence.attribute("annee") ?? "") else { continue }
            result.competences[annee, default: [:]][code] = competence.text?.trimmingSpaces ?? ""
        }
        for annee in root.children("anneeScolaire") {
            guard let millesime = Int(annee.attribute("millesime") ?? "") else { continue }
            for mef in annee.children("mef") {
                guard let code = mef.attribute("codeMef") else { continue }
                let matieres = mef.children("matiere").map { matiere in
                    Matiere(
                        regroupement: matiere.attribute("regroupement") ?? "", discipline: matiere.attribute("discipline") ?? "",
                        codeBcn: matiere.attribute("codeBcn") ?? "", evaluationPeriodique: matiere.attribute("presenceEvaluationPeriodique") != "false",
                        modalite: matiere.attribute("modaliteElection") ?? "",
                        competences: matiere.child("competences")?.children("competence").compactMap { $0.text?.trimmingSpaces } ?? [])
                }
                result.mefs[millesime, default: [:]][code] = MEF(
                    code: code, niveau: mef.attribute("niveau") ?? "", codeSerie: mef.attribute("codeSerie") ?? "",
                    serie: mef.attribute("serie") ?? "", specialite: mef.attribute("specialite") ?? "", matieres: matieres)
            }
        }
        return result
    }

    /// The MEF `code` of millésime `millesime`, nil when the nomenclature has none.
    public func mef(_ code: String, millesime: Int) -> MEF? {
        mefs[millesime]?[code]
    }

    /// The Première MEF of a série in a millésime: same spécialité first, else the first by code.
    public func premiereMEF(serie: String, specialite: String, millesime: Int) -> MEF? {
        let candidates = (mefs[millesime] ?? [:]).values
            .filter { $0.niveauCanonique == .premiere && $0.codeSerie == serie }
            .sorted { $0.code < $1.code }
        return candidates.first { $0.specialite == specialite } ?? candidates.first
    }

    /// The LSL slot of a SIECLE language code: 0302**01** → 030001 (LV1), 02/12 → 030002, 03/13 → 030003.
    public static func languageSlot(_ code: String) -> String? {
        guard code.count == 6, code.hasPrefix("03") else { return nil }
        switch code.suffix(2) {
        case "01": return "030001"
        case "02", "12": return "030002"
        case "03", "13": return "030003"
        default: return nil
        }
    }

    /// The row of `mef` for (code matière, modalité) and its position; the real language codes are
    /// found through their slot; a spécialité written with modalité O (as SIECLE does for a choice
    /// that repeats an earlier row) is the last row of that code.
    public static func row(in mef: MEF, code: String, modalite: String) -> (index: Int, matiere: Matiere)? {
        var codes = [code]
        if let slot = languageSlot(code), slot != code { codes.append(slot) }
        for candidate in codes {
            if let index = mef.matieres.firstIndex(where: { $0.codeBcn == candidate && $0.modalite == modalite }) {
                return (index, mef.matieres[index])
            }
        }
        if modalite == "O" {
            for candidate in codes {
                if let index = mef.matieres.lastIndex(where: { $0.codeBcn == candidate && $0.modalite != "F" }) {
                    return (index, mef.matieres[index])
                }
            }
        }
        for candidate in codes {
            if let index = mef.matieres.firstIndex(where: { $0.codeBcn == candidate }) { return (index, mef.matieres[index]) }
        }
        return nil
    }
}
