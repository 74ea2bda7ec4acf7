import Foundation
@testable import LivretImport
import LivretTestSupport
import Testing

/// The LSL file is read as a stream (each `<eleve>` freed once read, the schema checked as the file
/// goes): an error deep in a large file is reported exactly as a whole-tree read reports it.
@Suite("Streaming import")
struct StreamingImportTests {
    /// (name, pattern whose LAST match is replaced, replacement, expected message fragment).
    static let defects: [(String, String, String, String)] = [
        ("malformed end tag", #"</annuelle>"#, "</annuel>", "Opening and ending tag mismatch"),
        ("mark with 3 decimals (attribute, start tag)", #"numero="1" moyenne="[0-9.]+""#, #"numero="1" moyenne="12.505""#, "fractional digits"),
        ("missing enseignants (end tag)", #"<enseignants>(.|\n)*?</enseignants>"#, "", "Missing child element"),
        ("competence level 5 (text)", #"">[1-4]</competence>"#, #"">5</competence>"#, "not an element of the set"),
        ("duplicate engagement (identity constraint)", #"<engagement code="[A-Z]"/>"#, #"<engagement code="C"/><engagement code="C"/>"#, "Duplicate key-sequence"),
        ("unknown element", "<scolarites>", "<inconnu/><scolarites>", "This element is not expected"),
        ("text in an element-only element", "<scolarites>", "<scolarites>texte", "Character content other than whitespace"),
    ]

    /// What the whole-tree read (libxml2 tree, then the schema over the tree) reports for `data`.
    static func wholeTreeErrors(_ data: Data) throws -> [String] {
        let file: XMLFile
        do { file = try XMLFile(data: data, fileName: "import-lsl.xml") } catch { return [error.description] }
        return file.validate(against: try XMLSchema(text: LSLImportSchema.text, name: "lsl-import.xsd")).map(\.description)
    }

    @Test("an invalid or malformed pupil past line 65,535 gives the whole-tree file:line:column message, and nothing is written")
    func deepErrors() throws {
        // 280 pupils: about 80,000 lines, past libxml2's 16-bit line numbers.
        let lycee = try ImportFixtures.lycee(["--seed", "2027", "--divisions", "8", "--pupils", "35"])
        defer { try? FileManager.default.removeItem(at: lycee) }
        let original = try ImportFixtures.text(lycee.appendingPathComponent("import-lsl.xml"))
        #expect(original.split(separator: "\n", omittingEmptySubsequences: false).count > 70_000)
        _ = try LSLReader.read(Data(original.utf8), fileName: "import-lsl.xml")

        // An existing dataset that a refused import must leave as it is.
        let dataset = lycee.appendingPathComponent("dataset")
        #expect(try ImportFixtures.importCommand(lycee, into: dataset).status == 0)
        let before = ImportFixtures.snapshot(dataset)
        #expect(before.count == 281)

        for (index, (name, pattern, replacement, expected)) in Self.defects.enumerated() {
            let match = try #require(original.ranges(of: try Regex(pattern)).last, "\(name): '\(pattern)' not found")
            let text = original.replacingCharacters(in: match, with: replacement)
            let line = original[..<match.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            #expect(line > 65_535, "\(name): line \(line)")

            let whole = try Self.wholeTreeErrors(Data(text.utf8))
            var streamed: [String] = []
            do {
                _ = try LSLReader.read(Data(text.utf8), fileName: "import-lsl.xml")
                Issue.record("\(name): accepted")
            } catch {
                streamed = error.errors.map(\.description)
            }
            #expect(!streamed.isEmpty && streamed == whole, "\(name):\n  streamed \(streamed)\n  whole    \(whole)")
            #expect(streamed.allSatisfy { $0.contains(expected) }, "\(name): \(streamed)")
            let first = try #require(streamed.first?.firstMatch(of: #/^import-lsl\.xml:([0-9]+):([0-9]+): /#), "\(name): \(streamed)")
            let reported = try #require(Int(first.output.1))
            // The element concerned starts on the line of the change, or on one of the lines just
            // before it that enclose it (a missing child is the enclosing <evaluation>'s fault).
            #expect(reported <= line + 1 && reported > line - 40, "\(name): line \(reported), change at \(line)")

            let file = try ImportFixtures.write(text, "import-lsl.xml", in: lycee.appendingPathComponent("defect-\(index)", isDirectory: true).creatingDirectory())
            let result = try ImportFixtures.importCommand(lycee, into: dataset, evaluations: file)
            #expect(result.status == 1, "\(name): \(result.stderr)")
            #expect(result.stderr.contains(streamed[0]), "\(name): \(result.stderr)")
            #expect(result.stderr.contains("nothing written"), "\(name)")
            #expect(ImportFixtures.snapshot(dataset) == before, "\(name): the dataset changed")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: lycee.path).filter { $0.hasPrefix(".dataset") }
            #expect(leftovers.isEmpty, "\(name): \(leftovers)")
        }
    }

    @Test("a streamed import gives the same documents as before: every pupil, in INE order, bytes stable across runs")
    func sameDocuments() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "2028", "--divisions", "2", "--pupils", "12"])
        defer { try? FileManager.default.removeItem(at: lycee) }
        let result = try Importer.run(try ImportFixtures.inputs(lycee))
        #expect(result.documents.map(\.fileName) == result.report.documents)
        #expect(result.documents.map(\.fileName) == result.documents.map(\.fileName).sorted())
        #expect(result.documents.count == 24)
        let prepared = try Importer.prepare(try ImportFixtures.inputs(lycee))
        var streamed: [LivretDocumentFile] = []
        prepared.encode { streamed.append($0) }
        #expect(streamed.map(\.fileName) == result.documents.map(\.fileName))
        #expect(streamed.map(\.data) == result.documents.map(\.data))
    }
}

private extension URL {
    func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
