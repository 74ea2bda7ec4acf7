import Foundation
import LivretImport
import LivretTestSupport
import Testing

/// The project's schema and the rectorat's accept and reject the same files.
@Suite("LSL import schema")
struct SchemaEquivalenceTests {
    /// (name, pattern, replacement, valid): each variant replaces the first match of a regular expression.
    static let variants: [(String, String, String, Bool)] = [
        ("unchanged", "<entete>", "<entete>", true),
        ("mark with 3 decimals", #"numero="1" moyenne="[0-9.]+""#, #"numero="1" moyenne="12.505""#, false),
        ("mark out of range (the schema has no range)", #"numero="1" moyenne="[0-9.]+""#, #"numero="1" moyenne="25.00""#, true),
        ("unknown code-periode", #"code-periode="T""#, #"code-periode="Q""#, false),
        ("code-matiere of 5 digits", #"code-matiere="[0-9]{6}""#, #"code-matiere="06130""#, false),
        ("duplicate engagement code", #"<engagement code="C"/>"#, #"<engagement code="C"/><engagement code="C"/>"#, false),
        ("schemaVersion 2.0", #"schemaVersion="1.0""#, #"schemaVersion="2.0""#, false),
        ("unknown element", "<scolarites>", "<inconnu/><scolarites>", false),
        ("competence level 5", #"">[1-4]</competence>"#, #"">5</competence>"#, false),
        ("competence code of 3 digits", #"<competence code="[0-9]{4}""#, #"<competence code="123""#, false),
        ("avisExamen code X", #"<avisExamen code="[A-Z]""#, #"<avisExamen code="X""#, false),
        ("annee-scolaire 1999", #"annee-scolaire="[0-9]+""#, #"annee-scolaire="1999""#, false),
        ("UAI of 9 characters", "</etablissement>", "X</etablissement>", false),
        ("wrong namespace", "urn:ac-grenoble.fr:lsl:import", "urn:example:autre", false),
        ("structure missing", #"<structure [^>]*/>"#, "", false),
        ("percentage over 100 (the schema has no range)", #"repar-plus-douze="[0-9.]+""#, #"repar-plus-douze="120.00""#, true),
        ("enseignant without prenom", #"<enseignant nom="([^"]*)" prenom="[^"]*"/>"#, #"<enseignant nom="X"/>"#, true),
        ("enseignant nom of 66 characters", #"<enseignant nom="[^"]*""#, "<enseignant nom=\"" + String(repeating: "N", count: 66) + "\"", false),
        ("avis without nom", #"<avisInvestissement nom="[^"]*""#, "<avisInvestissement", false),
        ("engagement-autre empty", #"<engagement-autre>[^<]*</engagement-autre>"#, "<engagement-autre></engagement-autre>", false),
    ]

    static func ourSchemaAccepts(_ data: Data) -> Bool {
        do {
            _ = try LSLReader.read(data, fileName: "import-lsl.xml")
            return true
        } catch {
            return !error.errors.contains { $0.message.hasPrefix("not valid against") || $0.line == nil }
        }
    }

    @Test("both schemas give the same answer on valid and broken files")
    func sameVerdicts() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "31", "--divisions", "3", "--pupils", "10", "--stress"])
        let original = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        var cases: [(String, String, Bool?)] = []
        for (name, pattern, replacement, valid) in Self.variants {
            let range = try #require(original.range(of: pattern, options: .regularExpression), "\(name): '\(pattern)' not found")
            cases.append((name, original.replacingCharacters(in: range, with: replacement), valid))
        }
        // Hand-made ones.
        let annuelle = try #require(original.range(of: #"<annuelle>[^<]*</annuelle>"#, options: .regularExpression))
        cases.append(("appreciation of 301 characters", original.replacingCharacters(in: annuelle, with: "<annuelle>" + String(repeating: "é", count: 301) + "</annuelle>"), false))
        cases.append(("appreciation of 300 characters", original.replacingCharacters(in: annuelle, with: "<annuelle>" + String(repeating: "é", count: 300) + "</annuelle>"), true))
        let enseignants = try #require(original.range(of: #"<enseignants>(.|\n)*?</enseignants>"#, options: .regularExpression))
        cases.append(("missing enseignants", original.replacingCharacters(in: enseignants, with: ""), false))
        cases.append(("structure without attributes", original.replacingCharacters(
            in: try #require(original.range(of: #"<structure [^>]*/>"#, options: .regularExpression)), with: "<structure/>"), true))
        let periodiques = try #require(original.range(of: #"<periodiques>(.|\n)*?</periodiques>"#, options: .regularExpression))
        cases.append(("no periodiques", original.replacingCharacters(in: periodiques, with: ""), true))
        cases.append(("empty periodiques", original.replacingCharacters(in: periodiques, with: "<periodiques/>"), false))

        let directory = try TestSupport.temporaryDirectory("livret-schema")
        for (index, (name, text, expected)) in cases.enumerated() {
            let url = try ImportFixtures.write(text, "case-\(index).xml", in: directory)
            let official = try ImportFixtures.officialSchemaAccepts(url)
            let ours = Self.ourSchemaAccepts(Data(text.utf8))
            #expect(official == ours, "\(name): rectorat \(official), livret \(ours)")
            if let expected { #expect(official == expected, "\(name)") }
            if name == "unchanged" { #expect(ours) }
        }
        for (name, _, _, valid) in Self.variants where !valid {
            let text = cases.first { $0.0 == name }!.1
            #expect(!Self.ourSchemaAccepts(Data(text.utf8)), "\(name) should be refused")
        }
    }

    @Test("every schema error is listed with its line and column, not only the first")
    func everyError() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "31", "--divisions", "1", "--pupils", "5"])
        var text = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        text = text.replacingOccurrences(of: #"code-periode="T""#, with: #"code-periode="Q""#)
        do {
            _ = try LSLReader.read(Data(text.utf8), fileName: "import-lsl.xml")
            Issue.record("accepted")
        } catch {
            #expect(error.errors.count >= 5)
            #expect(error.errors.allSatisfy { $0.line != nil && $0.column != nil })
            #expect(error.errors.first?.description.hasPrefix("import-lsl.xml:") == true)
            let lines = error.errors.compactMap(\.line)
            #expect(lines == lines.sorted())
        }
    }
}
