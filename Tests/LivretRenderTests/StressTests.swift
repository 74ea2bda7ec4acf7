import Foundation
import LivretTestSupport
import Testing

/// The stress pupil of gen-lycee, by hand: names at the LSL limits (65 and 50 characters),
/// 300-character texts with long words everywhere, every engagement, two years.
@Suite("The stress pupil")
struct StressTests {
    static let nom = "DE LA ROCHEFOUCAULD-MONTMORENCY-SAINT-EXUPÉRY-D'HARCOURT-MIREPOIX"
    static let prenoms = "Marie-Héloïse-Éléonore-Bénédicte-Aurore-Gwendoline"
    static let text300 = String((String(repeating: "Une méthodologie rigoureusement interdisciplinaire, institutionnalisation et désinstitutionnalisation des savoirs ; ", count: 3)).prefix(299)) + "."

    static func stressDocument() throws -> [String: Any] {
        var document = try RenderErrorTests.specimen()
        var eleve = document["eleve"] as! [String: Any]
        eleve["nom"] = nom
        eleve["prenoms"] = prenoms
        document["eleve"] = eleve
        var years = document["scolarites"] as! [[String: Any]]
        var first = years[0]
        var evaluations = first["evaluations"] as! [[String: Any]]
        for index in evaluations.indices {
            evaluations[index]["appreciation"] = text300
            evaluations[index]["enseignants"] = [
                ["nom": "DURAND", "prenom": "Michel"],
                ["nom": "DU GUESCLIN-VILLARS-BRANCAS-CLERMONT-TONNERRE-LA TRÉMOILLE-CHABOT", "prenom": "Marie-Bernadette-Clotilde-Geneviève-Anne-Françoise"],
            ]
        }
        first["evaluations"] = evaluations
        for key in ["avisEngagement", "avisInvestissement"] { first[key] = ["texte": text300, "nom": "LEMOINE", "prenom": "Chloé", "date": "2016-06-13"] }
        var terminale = first
        terminale["niveau"] = "terminale"
        terminale["anneeScolaire"] = 2016
        first["anneeScolaire"] = 2015
        years = [first, terminale]
        document["scolarites"] = years
        document["engagements"] = ["codes": ["C", "V", "A", "E", "S"], "autre": text300]
        document["visaChefEtablissement"] = ["texte": text300, "nom": "GARNIER", "prenom": "Hélène", "date": "2017-06-20"]
        return document
    }

    @Test("Everything is printed, nothing overlaps the footer, nothing is cut")
    func stressPupil() throws {
        let directory = try TestSupport.temporaryDirectory("stress")
        let input = try RenderErrorTests.write(try Self.stressDocument(), in: directory)
        let output = directory.appendingPathComponent("stress.pdf")
        let result = try TestSupport.livret(["render", input.path, "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        let words = try PDFWords(pdf: output)
        let all = words.words.map(\.text)
        // 5 disciplines × 2 years + 2 avis × 2 years + engagements + visa = 16 copies of the 300-character text.
        let perCopy = Self.text300.components(separatedBy: "désinstitutionnalisation").count - 1
        #expect(all.filter { $0.hasPrefix("désinstitutionnalisation") }.count == 16 * perCopy)
        let text = try TestSupport.pdfText(output).foldingSpaces
        #expect(text.contains("Marie-Héloïse-Éléonore-Bénédicte-Aurore-Gwendoline") || text.contains("Marie-Héloïse-Éléonore-Bénédicte-Aurore- Gwendoline"))
        let info = try TestSupport.pdfInfo(output)
        let pages = Int(info["Pages"] ?? "") ?? 0
        #expect(pages >= 4)
        // No word of the body runs into the footer band.
        let footerTop = 595.28 - 26
        let intruders = words.words.filter { $0.top < footerTop && $0.bottom > footerTop + 0.5 }
        #expect(intruders.isEmpty, "words across the footer rule: \(intruders.map(\.text))")
    }

}
