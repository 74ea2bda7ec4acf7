import Foundation
import LivretImport
import LivretModel
import LivretTestSupport
import Testing

@Suite("Import of generated lycées")
struct GeneratedLyceeTests {
    @Test("gen-lycee data imports without error; every recomputed group block agrees", arguments: [
        ["--seed", "2015"],
        ["--seed", "7", "--divisions", "8", "--pupils", "20"],
        ["--seed", "11", "--divisions", "3", "--pupils", "40", "--stress"],
        ["--seed", "3", "--lv-levels", "1-4"],
        ["--seed", "5", "--annee", "2014"],
        ["--seed", "9", "--no-previous-year", "--no-stress"],
    ])
    func importsCleanly(arguments: [String]) throws {
        let lycee = try ImportFixtures.lycee(arguments)
        let dataset = lycee.appendingPathComponent("dataset")
        let result = try ImportFixtures.importCommand(lycee, into: dataset)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(ImportReport.self, from: Data(contentsOf: dataset.appendingPathComponent("import-report.json")))
        #expect(report.errors.isEmpty)
        #expect(!report.warnings.contains { $0.message.contains("disagrees") }, "\(report.warnings.filter { $0.message.contains("disagrees") }.prefix(3))")
        #expect(report.warnings.isEmpty, "\(report.warnings.prefix(3))")
        #expect(report.counts.groupBlocksComputed == 0)
        #expect(report.counts.groupBlocksChecked == report.counts.evaluations)
        let siecle = try ImportFixtures.text(lycee.appendingPathComponent("ElevesSansAdresses.xml").resolvingSymlinksInPath())
        _ = siecle
        #expect(report.documents.count == report.counts.siecleEleves)
        for name in report.documents {
            let data = try Data(contentsOf: dataset.appendingPathComponent(name))
            let document = try LivretDocument.decode(data, source: name)
            #expect(name == "\(document.eleve.ine).json")
            #expect(document.encoded() == data)
        }
    }

    @Test("the library builds the documents: labels, languages, the Première year of a Terminale pupil")
    func documentContent() throws {
        let lycee = try ImportFixtures.lycee()
        let result = try Importer.run(try ImportFixtures.inputs(lycee))
        let documents = try result.documents.map { try LivretDocument.decode($0.data, source: $0.fileName) }
        #expect(documents.count == 140)
        let terminale = try #require(documents.first { $0.scolarites.count == 2 })
        #expect(terminale.scolarites[0].niveau == .premiere)
        #expect(terminale.scolarites[1].niveau == .terminale)
        #expect(terminale.scolarites[0].anneeScolaire == terminale.scolarites[1].anneeScolaire - 1)
        #expect(terminale.scolarites[0].mef != terminale.scolarites[1].mef)
        #expect(terminale.scolarites[0].mef?.hasPrefix("2") == true)
        #expect(terminale.visaChefEtablissement == terminale.scolarites[1].avisChefEtablissement)
        let english = try #require(terminale.scolarites[1].evaluations.first { $0.codeMatiere == "030201" })
        #expect(english.libelle == "ANGLAIS LV1")
        #expect(english.competences.allSatisfy { !$0.libelle.isEmpty && !$0.libelle.hasPrefix("Compétence ") })
        let maths = try #require(terminale.scolarites[1].evaluations.first { $0.codeMatiere == "061300" })
        #expect(maths.libelle == "MATHÉMATIQUES")
        #expect(maths.periodes.count == 3)
        // Avis pour l'examen: série shares sum to 100 and count the série's pupils.
        for document in documents {
            guard let serie = document.avisExamen?.serie else { continue }
            let total = serie.tresFavorable.hundredths + serie.favorable.hundredths + serie.doitFaireSesPreuves.hundredths
            #expect(total == 10_000)
            #expect(serie.assezFavorable == nil)
            #expect(serie.effectif == documents.filter { $0.eleve.serie == document.eleve.serie && $0.avisExamen != nil }.count)
        }
        // Same input, same bytes.
        let again = try Importer.run(try ImportFixtures.inputs(lycee))
        #expect(again.documents.map(\.data) == result.documents.map(\.data))
        #expect(again.report.encoded() == result.report.encoded())
    }

    @Test("language codes go to their LSL slot")
    func languageSlots() {
        #expect(Nomenclature.languageSlot("030201") == "030001")
        #expect(Nomenclature.languageSlot("030602") == "030002")
        #expect(Nomenclature.languageSlot("030312") == "030002")
        #expect(Nomenclature.languageSlot("031403") == "030003")
        #expect(Nomenclature.languageSlot("030913") == "030003")
        #expect(Nomenclature.languageSlot("061300") == nil)
    }
}
