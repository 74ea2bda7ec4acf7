import Foundation
import LivretTestSupport
import Testing

/// Hostile canonical documents and layouts: duplicate keys, control characters, oversize fields,
/// numbers of the wrong kind. Each is refused (exit 1) naming the field, quickly, nothing written.
@Suite("Hostile documents")
struct HostileDocumentTests {
    static let specimenText = try! String(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json"), encoding: .utf8)

    /// Renders `text` (a document) and returns the result; checks no PDF was written.
    static func render(_ text: String, _ name: String = "doc") throws -> ProcessResult {
        let directory = try TestSupport.temporaryDirectory("livret-hostile")
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("\(name).json")
        try Data(text.utf8).write(to: input)
        let output = directory.appendingPathComponent("\(name).pdf")
        let result = try TestSupport.livret(["render", input.path, "-o", output.path])
        if result.status != 0 { #expect(!FileManager.default.fileExists(atPath: output.path), "a PDF was written") }
        return result
    }

    /// The specimen with its first `"key": value` replaced by `replacement` (raw JSON text).
    static func replacingFirst(_ pattern: String, with replacement: String, in text: String = specimenText) throws -> String {
        let range = try #require(text.range(of: pattern, options: .regularExpression), "no \(pattern) in the specimen")
        return text.replacingCharacters(in: range, with: replacement)
    }

    @Test("a duplicate key is refused naming the key and its path (a mark of 3 cannot hide behind 18.25)")
    func duplicateKey() throws {
        // The group average of the first evaluation, given twice.
        let text = try Self.replacingFirst(#""moyenne": *[0-9.]+"#, with: #""moyenne": 3, "moyenne": 18.25"#)
        let result = try Self.render(text)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("scolarites[0].evaluations[0].groupe.moyenne: duplicate key: 'moyenne' appears twice"), "\(result.stderr)")
        // A case of our own: a duplicated object at the top (the whole eleve block twice).
        let eleve = try #require(Self.specimenText.range(of: #""eleve": *\{[^}]*\}"#, options: .regularExpression))
        let twice = Self.specimenText.replacingCharacters(in: eleve, with: String(Self.specimenText[eleve]) + ", " + String(Self.specimenText[eleve]))
        let second = try Self.render(twice)
        #expect(second.status == 1)
        #expect(second.stderr.contains("eleve: duplicate key: 'eleve'"), "\(second.stderr)")
    }

    @Test("control characters of the document are escaped in every message")
    func controlCharacters() throws {
        // ESC, BEL, NUL, a C1 CSI and a right-to-left override in the INE, which the message quotes.
        let hostile = #"0494004062M\u001b[2J\u0007\u0000\u009b31m\u202e"#
        let text = try Self.replacingFirst(#""ine": *"[^"]*""#, with: "\"ine\": \"\(hostile)\"")
        let result = try Self.render(text)
        #expect(result.status == 1)
        #expect(result.stderr.contains("eleve.ine"), "\(result.stderr)")
        #expect(result.stderr.contains(#"\u{1B}[2J\u{7}\u{0}\u{9B}31m\u{202E}"#), "\(result.stderr)")
        let raw = result.stderr.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" }
        #expect(raw.isEmpty, "raw control characters on stderr: \(raw.map { $0.value })")
    }

    @Test("a 10 MB family name or appreciation is refused in seconds, with its limit, the value not repeated")
    func oversizeFields() throws {
        let clock = ContinuousClock()
        for (pattern, key, field, limit) in [
            (#""nom": *"SPÉCIMEN""#, "nom", "eleve.nom", "100"),
            (#""appreciation": *"[^"]*""#, "appreciation", "scolarites[0].evaluations[0].appreciation", "8000"),
        ] {
            let text = try Self.replacingFirst(pattern, with: "\"\(key)\": \"" + String(repeating: "DUPONT", count: 1_750_000) + "\"")
            var result: ProcessResult?
            let elapsed = try clock.measure { result = try Self.render(text) }
            let refused = try #require(result)
            #expect(refused.status == 1, "\(refused.stderr)")
            #expect(refused.stderr.contains("\(field): a text of 10500000 characters is over the limit of \(limit)"), "\(refused.stderr.prefix(300))")
            #expect(refused.stderr.count < 1_000, "the message repeats the value")
            #expect(elapsed < .seconds(10), "\(field): \(elapsed)")
        }
        // A case of our own: the head's first name just over its limit, and a whole file over 4 MiB.
        let teacher = try Self.replacingFirst(#""prenom": *"[^"]*""#, with: "\"prenom\": \"" + String(repeating: "é", count: 101) + "\"")
        let result = try Self.render(teacher)
        #expect(result.status == 1)
        #expect(result.stderr.contains("etablissement.chefEtablissement.prenom: a text of 101 characters is over the limit of 100"), "\(result.stderr)")
        let padded = Self.specimenText + String(repeating: " ", count: 4 << 20)
        let big = try Self.render(padded)
        #expect(big.status == 1)
        #expect(big.stderr.contains("over the size limit of a livret document (4194304 bytes)"), "\(big.stderr)")
        // Past 64 MiB the file is not even read.
        let directory = try TestSupport.temporaryDirectory("livret-hostile")
        defer { try? FileManager.default.removeItem(at: directory) }
        let huge = directory.appendingPathComponent("huge.json")
        _ = FileManager.default.createFile(atPath: huge.path, contents: nil)
        let handle = try FileHandle(forWritingTo: huge)
        try handle.truncate(atOffset: 65 << 20)  // sparse: no disk space taken
        try handle.close()
        let hugeResult = try TestSupport.livret(["render", huge.path, "-o", directory.appendingPathComponent("huge.pdf").path])
        #expect(hugeResult.status == 1 && hugeResult.stderr.contains("not read"), "\(hugeResult.stderr)")
    }

    @Test("numbers of the wrong kind name the field and what was expected", arguments: [
        (#""numero": *1"#, #""numero": 1.5"#, "periodes[0].numero", "an integer"),
        (#""moyenne": *[0-9.]+"#, #""moyenne": 1e-400"#, "evaluations[0].groupe.moyenne", "too small"),
        (#""effectif": *[0-9]+"#, #""effectif": 12345678901234567890123"#, "effectif", "at most 15 digits"),
        (#""numero": *1"#, #""numero": "1""#, "periodes[0].numero", "an integer"),
        (#""anneeScolaire": *[0-9]+"#, #""anneeScolaire": 2015e99999"#, "scolarites[0].anneeScolaire", "expected an integer"),
        (#""moyenne": *[0-9.]+"#, #""moyenne": 1e400"#, "evaluations[0].groupe.moyenne", "too large"),
        (#""effectif": *[0-9]+"#, #""effectif": 6.4e1"#, "avisExamen.serie.effectif", "expected an integer, found 6.4e1"),
        (#""moyenne": *[0-9.]+"#, #""moyenne": true"#, "evaluations[0].groupe.moyenne", "expected"),
    ])
    func wrongNumbers(pattern: String, replacement: String, field: String, expected: String) throws {
        let result = try Self.render(try Self.replacingFirst(pattern, with: replacement))
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains(field), "\(replacement): \(result.stderr)")
        #expect(result.stderr.contains(expected), "\(replacement): \(result.stderr)")
        #expect(!result.stderr.contains("not valid JSON"), "\(replacement): \(result.stderr)")
    }

    @Test("a layout with a duplicate key is refused naming the key")
    func layoutDuplicate() throws {
        let layouts = TestSupport.repositoryRoot.appendingPathComponent("Layouts")
        let directory = try TestSupport.temporaryDirectory("livret-layouts")
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in try FileManager.default.contentsOfDirectory(atPath: layouts.path) {
            try FileManager.default.copyItem(at: layouts.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        let file = directory.appendingPathComponent("gt-2012.json")
        let text = try String(contentsOf: file, encoding: .utf8)
        let range = try #require(text.range(of: #""minimum": *[0-9.]+"#, options: .regularExpression))
        try text.replacingCharacters(in: range, with: #""minimum": 6, "minimum": 2"#).write(to: file, atomically: true, encoding: .utf8)
        let output = directory.appendingPathComponent("out.pdf")
        let result = try TestSupport.livret([
            "render", TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json").path, "-o", output.path,
            "--layouts", directory.path,
        ])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("sizes.minimum: duplicate key: 'minimum'"), "\(result.stderr)")
    }
}
