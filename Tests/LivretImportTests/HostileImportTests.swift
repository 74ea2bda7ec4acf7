import Foundation
import LivretTestSupport
import Testing

/// Oversize names, long values in schema messages and duplicate keys in the profile: each import is
/// refused quickly, naming the field and its limit, never echoing the value, nothing written.
@Suite("Hostile imports")
struct HostileImportTests {
    @Test("a SIECLE family name of 10 MB and a first name of 101 characters are refused with their limit, in seconds")
    func oversizeSiecleNames() throws {
        let (lycee, dataset, before) = try RefusalTests.lyceeWithDataset()
        defer { try? FileManager.default.removeItem(at: lycee) }
        let edited = try RefusalTests.siecle(lycee) { text in
            var text = RefusalTests.replaceFirst(text, #"<NOM_DE_FAMILLE>[^<]*</NOM_DE_FAMILLE>"#, "<NOM_DE_FAMILLE>" + String(repeating: "DUPONT", count: 1_750_000) + "</NOM_DE_FAMILLE>")
            text = RefusalTests.replaceFirst(text, #"<PRENOM>[^<]*</PRENOM>"#, "<PRENOM>" + String(repeating: "É", count: 101) + "</PRENOM>")
            return text
        }
        let clock = ContinuousClock()
        var result: ProcessResult?
        let elapsed = try clock.measure { result = try ImportFixtures.importCommand(lycee, into: dataset, eleves: edited) }
        let refused = try #require(result)
        #expect(refused.status == 1, "\(refused.stderr.prefix(500))")
        #expect(refused.stderr.contains("<NOM_DE_FAMILLE>: a name of 10500000 characters is over the limit of 100"), "\(refused.stderr.prefix(500))")
        #expect(refused.stderr.contains("<PRENOM>: a name of 101 characters is over the limit of 100"), "\(refused.stderr.prefix(500))")
        #expect(!refused.stderr.contains("DUPONTDUPONT"), "the name is echoed")
        #expect(refused.stderr.count < 4_000)
        #expect(elapsed < .seconds(20), "\(elapsed)")
        #expect(ImportFixtures.snapshot(dataset) == before)
    }

    @Test("an LSL appreciation of 1 MB is refused by the schema without the value in the message")
    func longAppreciation() throws {
        let (lycee, dataset, before) = try RefusalTests.lyceeWithDataset()
        defer { try? FileManager.default.removeItem(at: lycee) }
        let original = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        let annuelle = try #require(original.range(of: #"<annuelle>[^<]*</annuelle>"#, options: .regularExpression))
        let secret = "Secr" + String(repeating: "ète appréciation, ", count: 60_000)
        let text = original.replacingCharacters(in: annuelle, with: "<annuelle>\(secret)</annuelle>")
        let file = try ImportFixtures.write(text, "import-long.xml", in: lycee)
        let result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: file)
        #expect(result.status == 1)
        #expect(result.stderr.contains("annuelle"), "\(result.stderr.prefix(500))")
        #expect(!result.stderr.contains("appréciation"), "the appreciation is echoed: \(result.stderr.prefix(500))")
        #expect(ImportFixtures.snapshot(dataset) == before)
    }

    @Test("a profile with a duplicate key is refused naming the key")
    func duplicateProfileKey() throws {
        let (lycee, dataset, before) = try RefusalTests.lyceeWithDataset()
        defer { try? FileManager.default.removeItem(at: lycee) }
        let profile = try ImportFixtures.text(lycee.appendingPathComponent("etablissement.json"))
        let range = try #require(profile.range(of: #""nom": *"[^"]*""#, options: .regularExpression))
        let edited = profile.replacingCharacters(in: range, with: String(profile[range]) + #", "nom": "Lycée fantôme""#)
        let file = try ImportFixtures.write(edited, "etablissement-dup.json", in: lycee)
        let result = try ImportFixtures.importCommand(lycee, into: dataset, etablissement: file)
        #expect(result.status == 1)
        #expect(result.stderr.contains("nom: duplicate key: 'nom'"), "\(result.stderr)")
        #expect(ImportFixtures.snapshot(dataset) == before)
    }
}
