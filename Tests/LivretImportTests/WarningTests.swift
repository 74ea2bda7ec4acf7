import Foundation
import LivretImport
import LivretTestSupport
import Testing

/// Warnings: the import goes on, the report keeps them.
@Suite("Import warnings")
struct WarningTests {
    @Test("BEA check letter, pupil without evaluations, unknown competency, disagreeing group block")
    func warnings() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "51", "--divisions", "2", "--pupils", "15"])
        var lsl = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        // Remove the first pupil from the LSL file.
        let firstPupil = try #require(lsl.range(of: #"<eleve id="[0-9]+">(.|\n)*?</eleve>\n"#, options: .regularExpression))
        let removedId = String(try #require(lsl[firstPupil].firstMatch(of: /id="([0-9]+)"/)).output.1)
        lsl.replaceSubrange(firstPupil, with: "")
        lsl = RefusalTests.replaceFirst(lsl, #"<competence code="[0-9]{4}""#, #"<competence code="9999""#)
        lsl = RefusalTests.replaceFirst(lsl, #"<structure effectif="[0-9]+""#, #"<structure effectif="99""#)
        let evaluations = try ImportFixtures.write(lsl, "edited-lsl.xml", in: lycee)
        // A BEA INE whose check letter is wrong.
        let eleves = try RefusalTests.siecle(lycee) { text in
            guard let match = text.firstMatch(of: /<ID_NATIONAL>([0-9]{10})([A-Z])<\/ID_NATIONAL>/) else { return text }
            let wrong = match.output.2 == "A" ? "B" : "A"
            return text.replacingCharacters(in: match.range, with: "<ID_NATIONAL>\(match.output.1)\(wrong)</ID_NATIONAL>")
        }
        let dataset = lycee.appendingPathComponent("dataset")
        let result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: evaluations, eleves: eleves)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONDecoder().decode(ImportReport.self, from: Data(contentsOf: dataset.appendingPathComponent("import-report.json")))
        let messages = report.warnings.map(\.description)
        #expect(messages.contains { $0.contains("check letter does not match") })
        #expect(messages.contains { $0.contains("no evaluations") && $0.contains("ElevesEdited.xml:") })
        #expect(messages.contains { $0.contains("competency 9999") })
        #expect(messages.contains { $0.contains("disagrees") && $0.contains("(effectif") && !$0.contains("99") })
        #expect(report.warnings.allSatisfy { $0.severity == .warning })
        #expect(result.stderr.contains("warning:"))
        #expect(report.counts.documents == report.counts.siecleEleves - 1)
        #expect(!FileManager.default.fileExists(atPath: dataset.appendingPathComponent("x").path))
        _ = removedId
    }
}
