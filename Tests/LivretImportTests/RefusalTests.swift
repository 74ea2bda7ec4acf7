import Foundation
import LivretImport
import LivretTestSupport
import Testing

/// Hard errors: nothing written, exit 1, every error on standard error as file:line:column: field: message.
@Suite("Refused imports")
struct RefusalTests {
    /// The SIECLE file is ISO-8859-15: edit it byte for byte (Latin-1 keeps every byte).
    static func siecle(_ lycee: URL, _ edit: (String) -> String) throws -> URL {
        let url = lycee.appendingPathComponent("ElevesSansAdresses.xml")
        let text = String(data: try Data(contentsOf: url), encoding: .isoLatin1)!
        let edited = lycee.appendingPathComponent("ElevesEdited.xml")
        try edit(text).data(using: .isoLatin1)!.write(to: edited)
        return edited
    }

    static func replaceFirst(_ text: String, _ pattern: String, _ replacement: String) -> String {
        guard let range = text.range(of: pattern, options: .regularExpression) else { return text }
        return text.replacingCharacters(in: range, with: replacement)
    }

    /// A lycée with a good dataset already imported: a refused import must leave it as it was.
    static func lyceeWithDataset() throws -> (URL, URL, [String: Data]) {
        let lycee = try ImportFixtures.lycee(["--seed", "41", "--divisions", "2", "--pupils", "15"])
        let dataset = lycee.appendingPathComponent("dataset")
        let first = try ImportFixtures.importCommand(lycee, into: dataset)
        guard first.status == 0 else { throw ImportFixtures.Failure(message: first.stderr) }
        return (lycee, dataset, ImportFixtures.snapshot(dataset))
    }

    @Test("every error of the LSL file is listed, and the previous dataset is left unchanged")
    func everyErrorListed() throws {
        let (lycee, dataset, before) = try Self.lyceeWithDataset()
        var text = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        text = Self.replaceFirst(text, #"numero="2" moyenne="[0-9.]+""#, #"numero="2" moyenne="25.00""#)
        text = Self.replaceFirst(text, #"repar-plus-douze="[0-9.]+""#, #"repar-plus-douze="99.00""#)
        text = Self.replaceFirst(text, #"<eleve id="[0-9]+""#, #"<eleve id="999999999""#)
        let ids = text.matches(of: /<eleve id="([0-9]+)"/).map { String($0.output.1) }
        text = text.replacingOccurrences(of: "<eleve id=\"\(ids[2])\"", with: "<eleve id=\"\(ids[1])\"")
        let broken = try ImportFixtures.write(text, "broken-lsl.xml", in: lycee)
        let result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: broken)
        #expect(result.status == 1)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("broken-lsl.xml:") && !$0.contains("warning:") }
        #expect(errors.contains { $0.contains("periode@moyenne") && $0.contains("outside 0–20") })
        #expect(errors.contains { $0.contains("structure@repar-*") && $0.contains("not 100") })
        #expect(errors.contains { $0.contains("999999999") && $0.contains("not in the SIECLE export") })
        #expect(errors.contains { $0.contains("appears twice") })
        #expect(errors.allSatisfy { $0.wholeMatch(of: /broken-lsl\.xml:[0-9]+:[0-9]+: .*/) != nil }, "\(errors)")
        #expect(result.stderr.contains("nothing written"))
        #expect(ImportFixtures.snapshot(dataset) == before)
        // Never an appreciation in a message.
        #expect(!result.stderr.contains("Félicitations") && !result.stderr.contains("Bonne année"))
    }

    @Test("SIECLE errors: a date that is not a date, an INE of no known format")
    func siecleErrors() throws {
        let (lycee, dataset, before) = try Self.lyceeWithDataset()
        let edited = try Self.siecle(lycee) { text in
            var text = Self.replaceFirst(text, #"<DATE_NAISS>[0-9/]+</DATE_NAISS>"#, "<DATE_NAISS>31/02/2008</DATE_NAISS>")
            text = Self.replaceFirst(text, #"<ID_NATIONAL>[0-9A-Z]+</ID_NATIONAL>"#, "<ID_NATIONAL>12345</ID_NATIONAL>")
            return text
        }
        let result = try ImportFixtures.importCommand(lycee, into: dataset, eleves: edited)
        #expect(result.status == 1)
        #expect(result.stderr.contains(/ElevesEdited\.xml:[0-9]+:9: <DATE_NAISS>: '31\/02\/2008' is not a date/), "\(result.stderr)")
        #expect(result.stderr.contains(/ElevesEdited\.xml:[0-9]+(:[0-9]+)?: <ID_NATIONAL>: '12345' is not an INE of a known format/))
        #expect(ImportFixtures.snapshot(dataset) == before)
    }

    @Test("invalid UAI check letters: in the profile, in the LSL entête")
    func invalidUAI() throws {
        let (lycee, dataset, before) = try Self.lyceeWithDataset()
        let profileText = try ImportFixtures.text(lycee.appendingPathComponent("etablissement.json"))
        let uai = try #require(profileText.firstMatch(of: /"uai": "([0-9]{7})([A-Z])"/))
        let wrongLetter = uai.output.2 == "A" ? "B" : "A"
        let profile = try ImportFixtures.write(
            profileText.replacingOccurrences(of: "\"uai\": \"\(uai.output.1)\(uai.output.2)\"", with: "\"uai\": \"\(uai.output.1)\(wrongLetter)\""),
            "bad-profile.json", in: lycee)
        var result = try ImportFixtures.importCommand(lycee, into: dataset, etablissement: profile)
        #expect(result.status == 1)
        #expect(result.stderr.contains("bad-profile.json: uai: "))
        let lsl = try ImportFixtures.write(
            try ImportFixtures.lsl(lycee, replacing: "<etablissement>\(uai.output.1)\(uai.output.2)", with: "<etablissement>\(uai.output.1)\(wrongLetter)"),
            "bad-uai.xml", in: lycee)
        result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: lsl)
        #expect(result.status == 1)
        #expect(result.stderr.contains(/bad-uai\.xml:[0-9]+:[0-9]+: <etablissement>: .* check letter/), "\(result.stderr)")
        #expect(ImportFixtures.snapshot(dataset) == before)
    }

    @Test("a refused first import writes no dataset at all")
    func nothingWritten() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "43", "--divisions", "1", "--pupils", "8"])
        let lsl = try ImportFixtures.write(
            try ImportFixtures.lsl(lycee, replacing: "code-periode=\"T\"", with: "code-periode=\"X\""), "bad.xml", in: lycee)
        let dataset = lycee.appendingPathComponent("dataset")
        let result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: lsl)
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: dataset.path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: lycee.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test("usage errors exit 64")
    func usage() throws {
        let result = try TestSupport.livret(["import", "--eleves", "x.xml"])
        #expect(result.status == 64)
    }
}
