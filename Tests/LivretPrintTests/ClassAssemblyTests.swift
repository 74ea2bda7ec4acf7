import Foundation
import LivretTestSupport
import Testing

/// The class PDF is assembled from the pupils' own files (their pages copied, not drawn again):
/// it shows the same pages, in class order, with a blank page after an odd livret in duplex; it
/// is a valid PDF/A-2b file with embedded font subsets that map back to text; and it is the same
/// file whether the division is printed by one job or by two.
@Suite("Class PDFs assembled from the pupils' files")
struct ClassAssemblyTests {
    static let nomenclature = TestSupport.repositoryRoot.appendingPathComponent("Nomenclature/lsl-nomenclatures.xml")

    /// The text of each page of `pdf` (pdftotext's pages, split at form feeds), spaces folded.
    static func pageTexts(_ pdf: URL) throws -> [String] {
        var pages = try TestSupport.pdfText(pdf).components(separatedBy: "\u{0C}")
        if pages.last?.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty == true { pages.removeLast() }
        return pages.map(\.foldingSpaces)
    }

    @Test("Page count and text per page equal the pupils' files concatenated; qpdf, pdfa-precheck, pdffonts; one job or two give the same bytes",
          arguments: [false, true])
    func classFromPupils(simplex: Bool) throws {
        let work = try TestSupport.temporaryDirectory("class-assembly")
        defer { try? FileManager.default.removeItem(at: work) }
        let lycee = work.appendingPathComponent("lycee")
        let gen = try TestSupport.run(
            TestSupport.sharedTools.appendingPathComponent("gen-lycee").path,
            ["--out", lycee.path, "--seed", "1616", "--divisions", "2", "--pupils", "4"])
        try #require(gen.status == 0, "gen-lycee: \(gen.stderr)")
        let dataset = work.appendingPathComponent("dataset")
        let imported = try TestSupport.livret([
            "import", "--quiet", "--nomenclature", Self.nomenclature.path,
            "--eleves", lycee.appendingPathComponent("ElevesSansAdresses.xml").path,
            "--evaluations", lycee.appendingPathComponent("import-lsl.xml").path,
            "--etablissement", lycee.appendingPathComponent("etablissement.json").path, "--into", dataset.path,
        ])
        try #require(imported.status == 0, "import: \(imported.stderr)")
        // Signed livrets: the class PDF takes their pages from the first revision.
        let keys = work.appendingPathComponent("keys")
        let keysInit = try TestSupport.livret(["keys", "init", "--etablissement", lycee.appendingPathComponent("etablissement.json").path, "--keys", keys.path])
        try #require(keysInit.status == 0, "keys init: \(keysInit.stderr)")

        let mode = simplex ? ["--simplex"] : []
        // Every division with one job (one stream per division).
        let all = work.appendingPathComponent("all")
        let run = try TestSupport.livret(["print-run", dataset.path, "--all", "--out", all.path, "--date", "2016-06-24", "--quiet", "--jobs", "1", "--keys", keys.path] + mode)
        try #require(run.status == 0, "print-run: \(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: all.appendingPathComponent("print-run.json"))) as? [String: Any])
        let divisions = try #require(summary["divisions"] as? [[String: Any]])
        let pupils = try #require(summary["pupils"] as? [[String: Any]])
        try #require(divisions.count == 2 && pupils.count == 8)
        let files = Dictionary(uniqueKeysWithValues: try #require(summary["files"] as? [[String: Any]]).map { ($0["path"] as! String, $0) })

        var classFiles: [URL] = []
        var sawBlank = false
        for division in divisions {
            let code = division["code"] as! String
            let classFile = all.appendingPathComponent(try #require(division["classFile"] as? String))
            classFiles.append(classFile)
            // The pupils' pages in class order (print-run.json lists them so), a blank page after
            // an odd livret in duplex.
            var expected: [String] = []
            for pupil in pupils where pupil["division"] as? String == code {
                let pages = try Self.pageTexts(all.appendingPathComponent(pupil["file"] as! String))
                #expect(pages.count == pupil["pages"] as? Int)
                expected += pages
                if pages.count % 2 == 1 && !simplex {
                    expected.append("Page laissée intentionnellement blanche")
                    sawBlank = true
                }
            }
            let actual = try Self.pageTexts(classFile)
            #expect(actual.count == expected.count, "\(code): \(actual.count) pages, the pupils' files have \(expected.count)")
            #expect(files[classFile.lastPathComponent]?["pages"] as? Int == expected.count)
            for (index, (page, wanted)) in zip(actual, expected).enumerated() {
                #expect(page == wanted, "\(code) page \(index + 1) differs from the pupil's page")
            }
            let info = try TestSupport.pdfInfo(classFile)
            #expect(info["Pages"] == String(expected.count))

            let qpdf = try ArchivalPDFChecks.qpdf(classFile)
            #expect(qpdf.status == 0, "qpdf --check \(code): \(qpdf.stdoutText) \(qpdf.stderr)")
            // Every font embedded as a subset, with a ToUnicode map.
            let fonts = try TestSupport.run("pdffonts", [classFile.path])
            #expect(fonts.status == 0, "pdffonts: \(fonts.stderr)")
            let rows = fonts.stdoutText.split(separator: "\n").dropFirst(2)
            #expect(!rows.isEmpty)
            for row in rows {
                let columns = row.split(separator: " ", omittingEmptySubsequences: true)
                #expect(columns.first?.contains("+") == true, "not a subset: \(row)")
                // name type encoding emb sub uni object ID: emb, sub and uni are yes.
                #expect(Array(columns.suffix(5).prefix(3)) == ["yes", "yes", "yes"], "\(row)")
            }
            // A signed pupil file starts with its first revision; the class PDF carries no signature.
            #expect(try !Data(contentsOf: classFile).contains(Data("/ByteRange".utf8)))
        }
        #expect(sawBlank || simplex, "the test needs an odd livret to see a blank page")
        let precheck = try ArchivalPDFChecks.precheck(classFiles)
        #expect(precheck.status == 0, "\(precheck.stdoutText.split(separator: "\n").filter { $0.contains("FAIL") }.prefix(5))")
        for file in classFiles { #expect(precheck.stdoutText.contains("\(file.path): note declares PDF/A-2B")) }
        let pike = try ArchivalPDFChecks.pikepdf(classFiles.map { ($0, nil) }, part: 2)
        #expect(pike.status == 0, "\(pike.stdoutText)")

        // One division printed alone, by two jobs (each half of the class list): the same files.
        let code = divisions[0]["code"] as! String
        let alone = work.appendingPathComponent("alone")
        let second = try TestSupport.livret(["print-run", dataset.path, "--division", code, "--out", alone.path, "--date", "2016-06-24", "--quiet", "--jobs", "2"] + mode)
        try #require(second.status == 0, "print-run --division: \(second.stderr)")
        let classFile = try #require(divisions[0]["classFile"] as? String)
        #expect(try TestSupport.sha256(alone.appendingPathComponent(classFile)) == TestSupport.sha256(classFiles[0]))
    }
}
