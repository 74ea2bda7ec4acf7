import Foundation
import LivretTestSupport
import Testing

/// Documents no school software writes, but that `render` accepts: nothing may be lost, run
/// into the footer, or print as an empty box.
@Suite("Robustness of the layout")
struct RobustnessTests {
    /// The body ends at the bottom margin (595.28 − 26); the footer is below its rule.
    static let bodyBottom = 595.28 - 26

    static func render(_ document: [String: Any], _ name: String) throws -> (ProcessResult, URL) {
        let directory = try TestSupport.temporaryDirectory(name)
        let input = try RenderErrorTests.write(document, in: directory)
        let output = directory.appendingPathComponent("\(name).pdf")
        return (try TestSupport.livret(["render", input.path, "-o", output.path]), output)
    }

    /// Words of the body that reach into the footer band.
    static func intruders(_ pdf: URL) throws -> [PDFWord] {
        try PDFWords(pdf: pdf).words.filter { $0.bottom > bodyBottom + 0.5 && $0.top < bodyBottom + 4 }
    }

    @Test("A misspelt field is refused, naming it, instead of vanishing from the livret")
    func misspeltField() throws {
        var document = try RenderErrorTests.withFirstEvaluation { evaluation in
            evaluation["appreciaton"] = evaluation.removeValue(forKey: "appreciation")
        }
        document["visaChefEtablisement"] = document.removeValue(forKey: "visaChefEtablissement")
        let (result, output) = try Self.render(document, "misspelt")
        #expect(result.status == 1)
        #expect(result.stderr.contains("scolarites[0].evaluations[0].appreciaton: is not a field"))
        #expect(result.stderr.contains("visaChefEtablisement: is not a field"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("A character the fonts lack is refused, naming it, instead of printing an empty box")
    func missingGlyph() throws {
        var document = try RenderErrorTests.specimen()
        var eleve = document["eleve"] as! [String: Any]
        eleve["prenoms"] = "Zoë 😀"
        document["eleve"] = eleve
        let (result, output) = try Self.render(document, "glyph")
        #expect(result.status == 1)
        #expect(result.stderr.contains("U+1F600"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("Long regroupement headings: every block stays above the footer", arguments: [1, 4, 9, 15])
    func longRegroupements(repeats: Int) throws {
        var document = try RenderErrorTests.specimen()
        var years = document["scolarites"] as! [[String: Any]]
        var evaluations = years[0]["evaluations"] as! [[String: Any]]
        for index in evaluations.indices {
            evaluations[index]["regroupement"] = String(repeating: "ENSEIGNEMENTS OBLIGATOIRES COMMUNS AUX SÉRIES GÉNÉRALES ", count: 7) + "\(index % 2)"
            evaluations[index]["appreciation"] = String(repeating: "Un travail sérieux, des progrès constants. ", count: repeats * 3)
        }
        evaluations += evaluations
        years[0]["evaluations"] = evaluations
        document["scolarites"] = years
        let (result, output) = try Self.render(document, "regroupement")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.intruders(output).isEmpty)
    }

    @Test("Side-by-side boxes with very long text keep the same height and stay on their page")
    func longAvis() throws {
        var document = try RenderErrorTests.specimen()
        var years = document["scolarites"] as! [[String: Any]]
        var avis = years[0]["avisEngagement"] as! [String: Any]
        avis["texte"] = String(repeating: "Une implication remarquable dans la vie du lycée et du foyer. ", count: 80)
        years[0]["avisEngagement"] = avis
        document["scolarites"] = years
        let (result, output) = try Self.render(document, "avis")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.intruders(output).isEmpty)
        let words = try PDFWords(pdf: output).words
        #expect(words.filter { $0.text == "foyer." }.count == 80, "the long avis is not all there")
        // Both signature lines of the pair sit on the same baseline: the boxes have one height.
        let signatures = words.filter { $0.text == "Signature" }
        let pairs = Dictionary(grouping: signatures, by: \.page).values.filter { $0.count >= 2 }
        #expect(pairs.contains { abs($0[0].top - $0[1].top) < 0.5 })
    }
}
