import Foundation
import LivretTestSupport
import Testing

/// Bad input is refused with a message naming the field, a non-zero exit code, and no file.
/// Text too long for its cell is either all there or refused: never cut.
@Suite("Refusals and long text")
struct RenderErrorTests {
    /// The specimen as a mutable JSON tree.
    static func specimen() throws -> [String: Any] {
        let data = try Data(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func write(_ object: Any, in directory: URL, name: String = "doc.json") throws -> URL {
        let url = directory.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
        return url
    }

    /// Changes the first evaluation of the first year.
    static func withFirstEvaluation(_ change: (inout [String: Any]) -> Void) throws -> [String: Any] {
        var document = try specimen()
        var years = document["scolarites"] as! [[String: Any]]
        var evaluations = years[0]["evaluations"] as! [[String: Any]]
        change(&evaluations[0])
        years[0]["evaluations"] = evaluations
        document["scolarites"] = years
        return document
    }

    static func expectRefused(_ arguments: [String], output: URL, mentions: [String], status: Int32 = 1) throws {
        let result = try TestSupport.livret(arguments)
        #expect(result.status == status, "exit \(result.status): \(result.stderr)")
        for text in mentions { #expect(result.stderr.contains(text), "stderr does not name '\(text)': \(result.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: output.path), "a file was written")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    }

    @Test("Malformed JSON")
    func malformed() throws {
        let directory = try TestSupport.temporaryDirectory()
        let input = directory.appendingPathComponent("broken.json")
        try Data("{\"schemaVersion\": 1, \"eleve\": {".utf8).write(to: input)
        let output = directory.appendingPathComponent("out.pdf")
        try Self.expectRefused(["render", input.path, "-o", output.path], output: output, mentions: ["broken.json", "not valid JSON"])
        try Data("{\n  \"schemaVersion\": 1,\n  \"eleve\": nul\n}\n".utf8).write(to: input)
        try Self.expectRefused(["render", input.path, "-o", output.path], output: output, mentions: ["broken.json", "line 3, column"])
    }

    @Test("A missing required field is named")
    func missingField() throws {
        var document = try Self.specimen()
        var eleve = document["eleve"] as! [String: Any]
        eleve.removeValue(forKey: "ine")
        document["eleve"] = eleve
        let directory = try TestSupport.temporaryDirectory()
        let output = directory.appendingPathComponent("out.pdf")
        try Self.expectRefused(["render", try Self.write(document, in: directory).path, "-o", output.path], output: output, mentions: ["eleve.ine", "missing"])
    }

    @Test("A mark of 21 is refused, naming its field")
    func markOutOfRange() throws {
        let document = try Self.withFirstEvaluation { evaluation in
            evaluation["periodes"] = [["numero": 1, "moyenne": 21], ["numero": 2, "moyenne": 12]]
        }
        let directory = try TestSupport.temporaryDirectory()
        let output = directory.appendingPathComponent("out.pdf")
        try Self.expectRefused(
            ["render", try Self.write(document, in: directory).path, "-o", output.path], output: output,
            mentions: ["scolarites[0].evaluations[0].periodes[0].moyenne", "outside 0–20"])
    }

    @Test("Every problem is listed, not only the first")
    func severalProblems() throws {
        var document = try Self.withFirstEvaluation { evaluation in
            evaluation["groupe"] = ["effectif": 26, "moyenne": 12, "repartition": ["moinsDeHuit": 50, "huitADouze": 30, "douzeEtPlus": 30]]
            evaluation["codeMatiere"] = "61300"
        }
        var etablissement = document["etablissement"] as! [String: Any]
        etablissement["uai"] = "0382032D"
        document["etablissement"] = etablissement
        let directory = try TestSupport.temporaryDirectory()
        let output = directory.appendingPathComponent("out.pdf")
        try Self.expectRefused(
            ["render", try Self.write(document, in: directory).path, "-o", output.path], output: output,
            mentions: ["etablissement.uai", "expected C", "scolarites[0].evaluations[0].groupe.repartition", "not 100", "codeMatiere"])
    }

    @Test("An unknown layout is refused")
    func unknownLayout() throws {
        let directory = try TestSupport.temporaryDirectory()
        let output = directory.appendingPathComponent("out.pdf")
        try Self.expectRefused(
            ["render", TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json").path, "-o", output.path, "--layout", "pro-2099"],
            output: output, mentions: ["pro-2099", "unknown layout", "gt-2012", "--layout"])
    }

    @Test("Wrong usage exits 64 and --help documents the exit codes")
    func usage() throws {
        #expect(try TestSupport.livret(["render"]).status == 64)
        let help = try TestSupport.livret(["render", "--help"])
        #expect(help.status == 0)
        for text in ["--output", "--layout", "Exit codes", "74"] { #expect(help.stdoutText.contains(text)) }
    }

    @Test("A long appreciation is set smaller and is all there")
    func longAppreciationFits() throws {
        let sentence = "Travail sérieux et régulier de Zéphyrine, des progrès tout au long de l’année ; la participation orale reste à développer."
        let appreciation = Array(repeating: sentence, count: 14).joined(separator: " ")
        let document = try Self.withFirstEvaluation { $0["appreciation"] = appreciation }
        let directory = try TestSupport.temporaryDirectory()
        let output = directory.appendingPathComponent("long.pdf")
        let result = try TestSupport.livret(["render", try Self.write(document, in: directory).path, "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        // Every word of the fourteen sentences is on the page (text order across cells is pdftotext's business).
        let words = try PDFWords(pdf: output).words.map(\.text)
        for word in ["Zéphyrine,", "développer."] {
            #expect(words.filter { $0 == word }.count == 14, "'\(word)' is not there 14 times")
        }
    }

    @Test("An appreciation that cannot fit even at the minimum size is refused, naming pupil and discipline, and no PDF is written")
    func overflowRefused() throws {
        let appreciation = String(repeating: "Un travail très sérieux, régulier et approfondi. ", count: 160)  // 7,840 characters: under the 8,000 limit, over what a page holds
        let document = try Self.withFirstEvaluation { $0["appreciation"] = appreciation }
        let directory = try TestSupport.temporaryDirectory()
        let output = directory.appendingPathComponent("overflow.pdf")
        try Self.expectRefused(
            ["render", try Self.write(document, in: directory).path, "-o", output.path], output: output,
            mentions: ["SPÉCIMEN Élodie, Marie-Œnone", "0494004062M", "MATHÉMATIQUES", "does not fit", "pt"])
        let stderr = try TestSupport.livret(["render", try Self.write(document, in: directory).path, "-o", output.path]).stderr
        #expect(!stderr.contains("approfondi"), "the pupil's appreciation is echoed in the error")
    }

    @Test("A word wider than its column at the minimum size is refused")
    func wordTooWide() throws {
        let document = try Self.withFirstEvaluation { $0["appreciation"] = "Bien. " + String(repeating: "anticonstitutionnellement", count: 8) }
        let directory = try TestSupport.temporaryDirectory()
        let output = directory.appendingPathComponent("wide.pdf")
        try Self.expectRefused(
            ["render", try Self.write(document, in: directory).path, "-o", output.path], output: output,
            mentions: ["MATHÉMATIQUES", "a word of 200 characters", "wider than its column"])
    }

    @Test("An unwritable output is an I/O error (74)")
    func unwritable() throws {
        let result = try TestSupport.livret(["render", TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json").path, "-o", "/nonexistent-dir/out.pdf"])
        #expect(result.status == 74)
        #expect(result.stderr.contains("/nonexistent-dir/out.pdf"))
    }
}
