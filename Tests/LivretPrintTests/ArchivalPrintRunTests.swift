import Foundation
import LivretPDF
import LivretTestSupport
import Testing

/// Every kind of file a print run writes is archival: pupil livrets PDF/A-3b with their source
/// (which renders back to the same bytes), class PDFs and hand-over sheets PDF/A-2b; the same
/// bytes whatever `--jobs`.
@Suite("Archival print runs")
struct ArchivalPrintRunTests {
    static let nomenclature = TestSupport.repositoryRoot.appendingPathComponent("Nomenclature/lsl-nomenclatures.xml")

    /// gen-lycee's files imported into a dataset.
    static func importLycee(_ arguments: [String], from lycee: URL, into dataset: URL) throws {
        let gen = try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("gen-lycee").path, ["--out", lycee.path] + arguments)
        try #require(gen.status == 0, "gen-lycee: \(gen.stderr)")
        let result = try TestSupport.livret([
            "import", "--quiet", "--nomenclature", nomenclature.path,
            "--eleves", lycee.appendingPathComponent("ElevesSansAdresses.xml").path,
            "--evaluations", lycee.appendingPathComponent("import-lsl.xml").path,
            "--etablissement", lycee.appendingPathComponent("etablissement.json").path, "--into", dataset.path,
        ])
        try #require(result.status == 0, "import: \(result.stderr)")
    }

    static func files(_ out: URL) throws -> [String: String] {
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("print-run.json"))) as? [String: Any])
        let files = summary["files"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: files.map { ($0["path"] as! String, $0["sha256"] as! String) })
    }

    @Test("Every pupil of a generated lycée (--stress) and of the bundled sample: source embedded, re-rendered to the same bytes; every file checked", arguments: [
        ["--seed", "2015", "--divisions", "2", "--pupils", "5", "--stress"],
        ["--sample"],
    ])
    func printRun(arguments: [String]) throws {
        let work = try TestSupport.temporaryDirectory("archival-print")
        defer { try? FileManager.default.removeItem(at: work) }
        let dataset = work.appendingPathComponent("dataset")
        if arguments == ["--sample"] {
            let sample = TestSupport.repositoryRoot.appendingPathComponent("Samples/lycee")
            let result = try TestSupport.livret([
                "import", "--quiet", "--nomenclature", Self.nomenclature.path,
                "--eleves", sample.appendingPathComponent("ElevesSansAdresses.xml").path,
                "--evaluations", sample.appendingPathComponent("import-lsl.xml").path,
                "--etablissement", sample.appendingPathComponent("etablissement.json").path, "--into", dataset.path,
            ])
            try #require(result.status == 0, "import: \(result.stderr)")
        } else {
            try Self.importLycee(arguments, from: work.appendingPathComponent("lycee"), into: dataset)
        }
        let out = work.appendingPathComponent("print")
        let run = try TestSupport.livret(["print-run", dataset.path, "--all", "--out", out.path, "--date", "2016-06-24", "--quiet"])
        try #require(run.status == 0, "print-run: \(run.stderr)")
        let files = try Self.files(out)
        let pupils = files.keys.filter { $0.contains("/") }.sorted()
        let classes = files.keys.filter { !$0.contains("/") && !$0.hasSuffix("-emargement.pdf") }.sorted()
        let sheets = files.keys.filter { $0.hasSuffix("-emargement.pdf") }.sorted()
        try #require(!pupils.isEmpty && !classes.isEmpty && sheets.count == classes.count)

        // The shared precheck and qpdf on every file; pikepdf on every class file and sheet.
        let precheck = try ArchivalPDFChecks.precheck(files.keys.sorted().map { out.appendingPathComponent($0) })
        #expect(precheck.status == 0, "\(precheck.stdoutText.split(separator: "\n").filter { $0.contains("FAIL") }.prefix(5))")
        // qpdf on every kind of file (the first pupil, class and sheet; the precheck read them all).
        for name in [pupils[0], classes[0], sheets[0]] {
            let qpdf = try ArchivalPDFChecks.qpdf(out.appendingPathComponent(name))
            #expect(qpdf.status == 0, "qpdf --check \(name): \(qpdf.stdoutText) \(qpdf.stderr)")
        }
        for name in classes + sheets {
            #expect(precheck.stdoutText.contains("\(out.appendingPathComponent(name).path): note declares PDF/A-2B"))
        }
        for name in pupils {
            #expect(precheck.stdoutText.contains("\(out.appendingPathComponent(name).path): note declares PDF/A-3B"))
        }
        let pikeClasses = try ArchivalPDFChecks.pikepdf((classes + sheets).map { (out.appendingPathComponent($0), nil) }, part: 2)
        #expect(pikeClasses.status == 0, "\(pikeClasses.stdoutText)")

        // Each pupil's source comes back as the dataset's canonical document, and renders back
        // to the same bytes (a print run of the sources alone).
        let sources = work.appendingPathComponent("sources")
        try FileManager.default.createDirectory(at: sources, withIntermediateDirectories: true)
        var checked: [(pdf: URL, source: URL?)] = []
        for (index, name) in pupils.enumerated() {
            let ine = String(name.split(separator: "/").last!.dropLast(4))
            let json = sources.appendingPathComponent("\(ine).json")
            if index == 0 {   // the command once, the library for the others (same code)
                let result = try TestSupport.livret(["source", out.appendingPathComponent(name).path, "-o", json.path])
                try #require(result.status == 0, "\(name): \(result.stderr)")
            } else {
                try PDFEmbeddedSource.extract(from: try Data(contentsOf: out.appendingPathComponent(name))).data.write(to: json)
            }
            #expect(try TestSupport.sha256(json) == TestSupport.sha256(dataset.appendingPathComponent("\(ine).json")), "\(name)")
            checked.append((out.appendingPathComponent(name), json))
        }
        let pike = try ArchivalPDFChecks.pikepdf(checked, part: 3)
        #expect(pike.status == 0, "\(pike.stdoutText)")
        let again = work.appendingPathComponent("again")
        let jobs = arguments == ["--sample"] ? [] : ["--jobs", "1"]
        let rerun = try TestSupport.livret(["print-run", sources.path, "--all", "--out", again.path, "--date", "2016-06-24", "--quiet"] + jobs)
        try #require(rerun.status == 0, "print-run of the sources: \(rerun.stderr)")
        let againFiles = try Self.files(again)
        for name in pupils { #expect(againFiles[name] == files[name], "\(name) renders back to other bytes") }
        // Class files and sheets too (with one job as with several for the generated lycée).
        for name in classes + sheets { #expect(againFiles[name] == files[name], "\(name) differs with --jobs 1") }
    }
}
