import Foundation
import LivretModel
import LivretPDF
import LivretTestSupport
import Testing

/// Pupil livrets are PDF/A-3b carrying their source; `livret source` gives it back; rendering it
/// again gives the same bytes. Checked by the shared precheck, qpdf and pikepdf.
@Suite("Archival PDFs")
struct ArchivalPDFTests {
    static let specimen = TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json")

    static func checkArchival(_ pdf: URL, part: Int, source: URL?) throws {
        let precheck = try ArchivalPDFChecks.precheck([pdf])
        #expect(precheck.status == 0, "pdfa-precheck: \(precheck.stdoutText)")
        #expect(precheck.stdoutText.contains("declares PDF/A-\(part)B"), "\(precheck.stdoutText)")
        let qpdf = try ArchivalPDFChecks.qpdf(pdf)
        #expect(qpdf.status == 0, "qpdf --check: \(qpdf.stdoutText) \(qpdf.stderr)")
        let pike = try ArchivalPDFChecks.pikepdf(pdf, part: part, source: source)
        #expect(pike.status == 0, "pikepdf: \(pike.stdoutText) \(pike.stderr)")
    }

    @Test("The specimen is PDF/A-3b with its canonical document embedded; livret source gives it back; re-rendering gives the same bytes")
    func specimenRoundTrip() throws {
        let directory = try TestSupport.temporaryDirectory("archival")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = directory.appendingPathComponent("specimen.pdf")
        let render = try TestSupport.livret(["render", Self.specimen.path, "-o", pdf.path])
        try #require(render.status == 0, "\(render.stderr)")

        let json = directory.appendingPathComponent("source.json")
        let source = try TestSupport.livret(["source", pdf.path, "-o", json.path])
        try #require(source.status == 0, "\(source.stderr)")
        // The canonical form of the specimen (sorted keys, two-space indentation, final newline).
        let original = try LivretDocument.decode(try Data(contentsOf: Self.specimen), source: "specimen.json")
        #expect(try TestSupport.sha256(original.encoded()) == (try TestSupport.sha256(json)))
        try Self.checkArchival(pdf, part: 3, source: json)

        let again = directory.appendingPathComponent("again.pdf")
        let rerender = try TestSupport.livret(["render", json.path, "-o", again.path])
        try #require(rerender.status == 0, "\(rerender.stderr)")
        #expect(try TestSupport.sha256(again) == TestSupport.sha256(pdf))
        // Standard output, standard input.
        let piped = try TestSupport.livret(["source", "-"], input: try Data(contentsOf: pdf))
        #expect(piped.status == 0)
        #expect(try TestSupport.sha256(piped.stdout) == (try TestSupport.sha256(json)))
    }

    @Test("Tagged: pdfinfo -struct-text reads the title, the sections and the grid in visual order; footers are artifacts")
    func structure() throws {
        let directory = try TestSupport.temporaryDirectory("archival-structure")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = try Self.renderSpecimen(in: directory)
        let result = try TestSupport.run("pdfinfo", ["-struct-text", pdf.path])
        try #require(result.status == 0, "\(result.stderr)")
        let lines = result.stdoutText.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func index(_ text: String, after start: Int = 0) throws -> Int {
            try #require(lines.indices.first { $0 >= start && lines[$0] == text }, "\(text) after line \(start)")
        }
        #expect(lines.first == "Document")
        let title = try index("\"LIVRET SCOLAIRE DU LYCÉE\"")
        #expect(lines[title - 1].hasPrefix("H1"))
        let results = try index("\"Résultats scolaires et évaluation des compétences\"", after: title)
        #expect(lines[results - 1].hasPrefix("H2"))
        let table = try index("Table (block)", after: results)
        // The grid: the column header T1, then the row of MATHÉMATIQUES whose first mark is
        // headed by T1 and by the discipline.
        let t1 = try index("\"T1\"", after: table)
        let t1Cell = try #require((table..<t1).last { lines[$0].hasPrefix("TH <") })
        #expect(lines[t1Cell + 1..<t1].contains("/Scope /Column") && lines[t1Cell + 1..<t1].contains("/RowSpan 2"), "\(lines[t1Cell...t1])")
        let t1ID = String(lines[t1Cell].dropFirst(4).prefix { $0 != ">" })
        let maths = try index("\"MATHÉMATIQUESMichel DURAND\"", after: t1)
        let mathsID = String(lines[maths - 2].dropFirst(4).prefix { $0 != ">" })
        #expect(lines[maths - 1] == "/Scope /Row")
        let mark = try index("\"18,25\"", after: maths)
        #expect(lines[mark - 1].contains("(\(t1ID))") && lines[mark - 1].contains("(\(mathsID))"), "\(lines[mark - 1])")
        #expect(lines[mark - 2] == "TD:")
        // The appreciation is a paragraph in its cell.
        let appreciation = try #require(lines.firstIndex { $0.hasPrefix("\"Excellents résultats") })
        #expect(lines[appreciation - 1].hasPrefix("P"))
        // Footers are artifacts: in the text, not in the structure.
        #expect(!result.stdoutText.contains("page 1 / 3"))
        #expect(try TestSupport.pdfText(pdf).foldingSpaces.contains("page 1 / 3"))
        // Every text operator tagged or an artifact; every TD with headers (pikepdf).
        let json = directory.appendingPathComponent("source.json")
        try PDFEmbeddedSource.extract(from: try Data(contentsOf: pdf)).data.write(to: json)
        let pike = try ArchivalPDFChecks.pikepdf(pdf, part: 3, source: json)
        #expect(pike.status == 0, "\(pike.stdoutText)")
    }

    @Test("livret source refuses what is not a livret PDF, with one line and exit 1")
    func sourceRefusals() throws {
        let directory = try TestSupport.temporaryDirectory("archival-refusals")
        defer { try? FileManager.default.removeItem(at: directory) }
        // A PDF without embedded source: a hand-over sheet's kind (PDF/A-2b) made by qpdf from nothing.
        let plain = directory.appendingPathComponent("plain.pdf")
        try TestSupport.run("qpdf", ["--empty", "--pages", try Self.renderSpecimen(in: directory).path, "1", "--", plain.path])
        let notPDF = directory.appendingPathComponent("note.txt")
        try Data("bonjour\n".utf8).write(to: notPDF)
        let truncated = directory.appendingPathComponent("truncated.pdf")
        try Data(try Data(contentsOf: try Self.renderSpecimen(in: directory)).prefix(3000)).write(to: truncated)
        let damaged = directory.appendingPathComponent("damaged.pdf")
        var bytes = try Data(contentsOf: try Self.renderSpecimen(in: directory))
        // Break the embedded stream's zlib data (it sits just before the Filespec).
        let marker = Data("/Type /EmbeddedFile".utf8)
        let at = try #require(bytes.range(of: marker)).upperBound
        let streamStart = try #require(bytes.range(of: Data("stream\n".utf8), in: at..<bytes.count)).upperBound
        for index in streamStart + 10..<streamStart + 40 { bytes[index] ^= 0x5A }
        try bytes.write(to: damaged)
        let empty = directory.appendingPathComponent("empty.pdf")
        try Data().write(to: empty)

        for (file, reason) in [
            (plain, "no embedded source"), (notPDF, "not a PDF"), (truncated, "PDF"), (damaged, "damaged PDF"), (empty, "not a PDF"),
        ] {
            let out = directory.appendingPathComponent("out.json")
            let result = try TestSupport.livret(["source", file.path, "-o", out.path])
            #expect(result.status == 1, "\(file.lastPathComponent): \(result.status) \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(reason), "\(file.lastPathComponent): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    static func renderSpecimen(in directory: URL) throws -> URL {
        let pdf = directory.appendingPathComponent("specimen.pdf")
        if FileManager.default.fileExists(atPath: pdf.path) { return pdf }
        let result = try TestSupport.livret(["render", specimen.path, "-o", pdf.path])
        try #require(result.status == 0, "\(result.stderr)")
        return pdf
    }

    @Test("The PDF object syntax: names, strings, text and references round-trip")
    func objectSyntax() throws {
        let value = PDFObject.dictionary([
            "Subtype": .name("application/json"), "Weird Name#": .name("a b(c)"),
            "S": .string(Array("(paren) \\ back".utf8)), "T": .text("Élodie — 18,25"),
            "K": .array([.integer(-3), .real("0.5"), .reference(12, 0), .bool(true), .null]),
        ])
        let bytes = value.serialized
        #expect(String(decoding: bytes, as: UTF8.self).contains("/application#2Fjson"))
        let parsed = try PDFObject.parse(bytes)
        #expect(parsed == value)
        #expect(PDFObject.date(iso8601: "2016-06-20T00:00:00Z") == .string(Array("D:20160620000000Z".utf8)))
        #expect(PDFObject.date(iso8601: "2016-06-20") == nil)
    }
}
