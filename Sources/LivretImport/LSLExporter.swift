import Foundation
import LivretModel

/// Writes canonical documents back as one LSL import file (UTF-8, libxml2's writer): the real
/// SIECLE language codes, `moyenne="-1"` for the non-noted periods of the year, two decimals.
public enum LSLExporter {
    /// Why the documents cannot be written as one LSL file.
    public struct Failure: Error, CustomStringConvertible {
        /// The reason, in plain words.
        public var description: String
    }

    /// The LSL import XML of `documents` (all of one lycée, each with its `eleveId`), naming `editeur` and `application` in its header; throws `Failure` otherwise.
    public static func export(_ documents: [LivretDocument], editeur: String = "livret", application: String = "livret") throws(Failure) -> Data {
        guard let uai = documents.first?.etablissement.uai else { throw Failure(description: "no document to export") }
        if let other = documents.first(where: { $0.etablissement.uai != uai }) {
            throw Failure(description: "documents of two établissements (\(uai), \(other.etablissement.uai)) cannot go in one LSL file")
        }
        for document in documents where document.eleve.eleveId == nil {
            throw Failure(description: "\(document.eleve.ine): the document has no eleveId (SIECLE ELEVE_ID), which the LSL file needs")
        }
        do {
            return try write(documents, uai: uai, editeur: editeur, application: application)
        } catch {
            throw Failure(description: "the XML writer failed")
        }
    }

    private static func write(_ documents: [LivretDocument], uai: String, editeur: String, application: String) throws(XMLWriter.Failure) -> Data {
        let xml = try XMLWriter()
        try xml.start(prefix: "lsl", name: "lsl", namespace: LSLReader.namespace)
        try xml.attribute("schemaVersion", "1.0")
        try xml.start("entete")
        try xml.element("editeur", text: editeur)
        try xml.element("application", text: application)
        try xml.element("etablissement", text: uai)
        try xml.end()
        try xml.start("donnees")
        for document in documents {
            try xml.start("eleve")
            try xml.attribute("id", document.eleve.eleveId)
            if let engagements = document.engagements {
                try xml.start("engagements")
                for code in engagements.codes { try xml.element("engagement", [("code", code.rawValue)]) }
                if let autre = engagements.autre { try xml.element("engagement-autre", text: autre) }
                try xml.end()
            }
            if let avis = document.avisExamen { try xml.element("avisExamen", [("code", avis.code.rawValue)]) }
            try xml.start("scolarites")
            for scolarite in document.scolarites {
                try xml.start("scolarite")
                try xml.attribute("annee-scolaire", String(scolarite.anneeScolaire))
                try xml.attribute("code-periode", scolarite.codePeriode.rawValue)
                for (name, avis) in [("avisEngagement", scolarite.avisEngagement), ("avisInvestissement", scolarite.avisInvestissement),
                                     ("avisChefEtab", scolarite.avisChefEtablissement)] {
                    guard let avis else { continue }
                    try xml.element(name, [("nom", avis.nom ?? ""), ("prenom", avis.prenom ?? ""), ("date", avis.date)], text: avis.texte)
                }
                for evaluation in scolarite.evaluations {
                    try self.evaluation(evaluation, periods: scolarite.codePeriode.periodCount, xml)
                }
                try xml.end()
            }
            try xml.end()
            try xml.end()
        }
        try xml.end()
        try xml.end()
        return try xml.finish()
    }

    private static func evaluation(_ evaluation: Evaluation, periods: Int, _ xml: XMLWriter) throws(XMLWriter.Failure) {
        try xml.start("evaluation")
        try xml.attribute("modalite-election", evaluation.modalite.rawValue)
        try xml.attribute("code-matiere", evaluation.codeMatiere)
        try xml.attribute("date", evaluation.date)
        try xml.start("structure")
        if let block = evaluation.groupe, block.source != .calcul {  // a computed block is computed again on import
            try xml.attribute("effectif", String(block.effectif))
            try xml.attribute("moyenne", block.moyenne?.xmlValue)
            try xml.attribute("repar-moins-huit", block.repartition?.moinsDeHuit.xmlValue)
            try xml.attribute("repar-huit-douze", block.repartition?.huitADouze.xmlValue)
            try xml.attribute("repar-plus-douze", block.repartition?.douzeEtPlus.xmlValue)
        }
        try xml.end()
        if let appreciation = evaluation.appreciation { try xml.element("annuelle", text: appreciation) }
        if evaluation.evaluationChiffree && periods > 0 {
            try xml.start("periodiques")
            for numero in 1...periods {
                let moyenne = evaluation.moyenne(periode: numero)
                try xml.element("periode", [("numero", String(numero)), ("moyenne", moyenne?.xmlValue ?? "-1")])
            }
            try xml.end()
        }
        if !evaluation.competences.isEmpty {
            try xml.start("competences")
            for competence in evaluation.competences { try xml.element("competence", [("code", competence.code)], text: competence.niveau) }
            try xml.end()
        }
        try xml.start("enseignants")
        for enseignant in evaluation.enseignants { try xml.element("enseignant", [("nom", enseignant.nom), ("prenom", enseignant.prenom)]) }
        try xml.end()
        try xml.end()
    }
}
