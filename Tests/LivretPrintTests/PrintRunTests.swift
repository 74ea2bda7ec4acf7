import Foundation
import LivretTestSupport
import Testing

/// `livret print-run` as a school secretary runs it, read back as a printer and a family would.
@Suite("Print runs")
struct PrintRunTests {
    struct Pupil {
        var nom: String
        var prenoms: String
        var ine: String
        var division: String
        var appreciation: String? = nil
        var years = 1
    }

    /// A dataset of specimen livrets under other names: full control over names, divisions and text.
    static func dataset(_ pupils: [Pupil]) throws -> URL {
        let specimen = try Data(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json"))
        let directory = try TestSupport.temporaryDirectory("dataset")
        for pupil in pupils {
            var document = try #require(try JSONSerialization.jsonObject(with: specimen) as? [String: Any])
            var eleve = document["eleve"] as! [String: Any]
            eleve["nom"] = pupil.nom
            eleve["prenoms"] = pupil.prenoms
            eleve["ine"] = pupil.ine
            eleve["division"] = pupil.division
            document["eleve"] = eleve
            var years = document["scolarites"] as! [[String: Any]]
            if let appreciation = pupil.appreciation {
                var evaluations = years[0]["evaluations"] as! [[String: Any]]
                evaluations[0]["appreciation"] = appreciation
                years[0]["evaluations"] = evaluations
            }
            if pupil.years == 2 {
                var terminale = years[0]
                terminale["niveau"] = "terminale"
                terminale["anneeScolaire"] = 2016
                years.append(terminale)
            }
            document["scolarites"] = years
            try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys]).write(to: directory.appendingPathComponent("\(pupil.ine).json"))
        }
        return directory
    }

    static func ine(_ n: Int) -> String { String(format: "%010dA", n) }

    static func summary(_ out: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("print-run.json"))) as? [String: Any])
    }

    static func pages(_ pdf: URL) throws -> Int {
        Int(try TestSupport.pdfInfo(pdf)["Pages"] ?? "") ?? -1
    }

    @Test("The class list is in French order: accents folded, separators before letters")
    func classOrder() throws {
        let names = ["DUPONT", "DU PONT", "DABIN", "DA SILVA", "D'ALMEIDA", "ÉMERY", "EMERIC", "ELOI", "ŒUVRE", "OEHLER", "Zola", "zèbre"]
        let pupils = names.enumerated().map { Pupil(nom: $1, prenoms: "Alex", ine: Self.ine($0 + 1), division: "1A") }
        let out = try TestSupport.temporaryDirectory("print")
        let result = try TestSupport.livret(["print-run", try Self.dataset(pupils).path, "--out", out.path, "--all", "--date", "2016-06-24"])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = ["D'ALMEIDA", "DA SILVA", "DABIN", "DU PONT", "DUPONT", "ELOI", "EMERIC", "ÉMERY", "OEHLER", "ŒUVRE", "zèbre", "Zola"]
        let printed = (try Self.summary(out)["pupils"] as! [[String: Any]]).map { $0["ine"] as! String }
        let byINE = Dictionary(uniqueKeysWithValues: pupils.map { ($0.ine, $0.nom) })
        #expect(printed.map { byINE[$0]! } == expected)
        // The class PDF follows that order: the footer of each livret's first page names its pupil.
        let classPDF = out.appendingPathComponent("1A.pdf")
        var order: [String] = []
        for page in 1...(try Self.pages(classPDF)) {
            let text = try TestSupport.pdfText(classPDF, firstPage: page, lastPage: page).foldingSpaces
            if let name = expected.first(where: { text.contains("\($0) Alex — page 1 / ") }) { order.append(name) }
        }
        #expect(order == expected)
    }

    @Test("Duplex: each livret starts on a recto; --simplex: no blank pages")
    func duplex() throws {
        // The specimen has 3 pages with one year; 2 years make it longer.
        let pupils = [
            Pupil(nom: "ALPHA", prenoms: "Une", ine: Self.ine(1), division: "TS1"),
            Pupil(nom: "BRAVO", prenoms: "Deux", ine: Self.ine(2), division: "TS1", years: 2),
            Pupil(nom: "CHARLIE", prenoms: "Trois", ine: Self.ine(3), division: "TS1"),
        ]
        let dataset = try Self.dataset(pupils)
        let duplexOut = try TestSupport.temporaryDirectory("duplex")
        let simplexOut = try TestSupport.temporaryDirectory("simplex")
        #expect(try TestSupport.livret(["print-run", dataset.path, "--out", duplexOut.path, "--division", "TS1", "--date", "2016-06-24"]).status == 0)
        #expect(try TestSupport.livret(["print-run", dataset.path, "--out", simplexOut.path, "--division", "TS1", "--simplex", "--date", "2016-06-24"]).status == 0)
        var own: [Int] = []
        for pupil in pupils { own.append(try Self.pages(duplexOut.appendingPathComponent("TS1/\(pupil.ine).pdf"))) }
        #expect(own.contains { $0 % 2 == 1 }, "the test needs an odd livret: \(own)")
        #expect(try Self.pages(duplexOut.appendingPathComponent("TS1.pdf")) == own.map { $0 + $0 % 2 }.reduce(0, +))
        #expect(try Self.pages(simplexOut.appendingPathComponent("TS1.pdf")) == own.reduce(0, +))
        // In duplex, each livret's page 1 is on an odd page of the class PDF.
        let classPDF = duplexOut.appendingPathComponent("TS1.pdf")
        var firstPages: [Int] = []
        for page in 1...(try Self.pages(classPDF)) where try TestSupport.pdfText(classPDF, firstPage: page, lastPage: page).foldingSpaces.contains("— page 1 / ") {
            firstPages.append(page)
        }
        #expect(firstPages.count == 3)
        #expect(firstPages.allSatisfy { $0 % 2 == 1 })
        // Per-pupil files are the bytes `livret render` writes.
        let rendered = duplexOut.appendingPathComponent("rendered.pdf")
        #expect(try TestSupport.livret(["render", dataset.appendingPathComponent("\(Self.ine(2)).json").path, "-o", rendered.path]).status == 0)
        #expect(try TestSupport.sha256(rendered) == TestSupport.sha256(duplexOut.appendingPathComponent("TS1/\(Self.ine(2)).pdf")))
    }

    @Test("The hand-over sheet lists exactly the pupils printed, with fingerprints that match the files")
    func emargement() throws {
        let pupils = (1...40).map { Pupil(nom: "NOM\($0)", prenoms: "Prénom", ine: Self.ine($0), division: $0 <= 30 ? "1A" : "1B") }
        let dataset = try Self.dataset(pupils)
        let out = try TestSupport.temporaryDirectory("emargement")
        let result = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--division", "1A", "--date", "2016-06-24", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let files = summary["files"] as! [[String: Any]]
        for file in files {
            let path = file["path"] as! String
            #expect(try TestSupport.sha256(out.appendingPathComponent(path)) == file["sha256"] as! String, "\(path)")
            #expect(try TestSupport.run("qpdf", ["--check", out.appendingPathComponent(path).path]).status == 0)
        }
        let sheet = out.appendingPathComponent("1A-emargement.pdf")
        #expect(try Self.pages(sheet) >= 2, "30 rows take two sheets")
        let text = try TestSupport.pdfText(sheet).foldingSpaces
        for pupil in pupils {
            #expect(text.contains(pupil.ine) == (pupil.division == "1A"), "\(pupil.ine)")
        }
        for record in summary["pupils"] as! [[String: Any]] {
            let digest = record["sha256"] as! String
            let grouped = stride(from: 0, to: 16, by: 4).map { i in String(digest.dropFirst(i).prefix(4)) }.joined(separator: " ")
            #expect(text.contains(grouped), "fingerprint \(grouped) of \(record["ine"]!) not on the sheet")
        }
        #expect(text.contains("Nombre de livrets : 30"))
        #expect(text.contains("page 1 / 2") && text.contains("page 2 / 2"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("1B.pdf").path))
    }

    @Test("A pupil whose text cannot fit fails alone: the run completes the others and exits 1")
    func failureIsolated() throws {
        let pupils = [
            Pupil(nom: "ALPHA", prenoms: "Une", ine: Self.ine(1), division: "1A"),
            Pupil(nom: "BRAVO", prenoms: "Deux", ine: Self.ine(2), division: "1A", appreciation: String(repeating: "Un travail sérieux et régulier. ", count: 245)),
            Pupil(nom: "CHARLIE", prenoms: "Trois", ine: Self.ine(3), division: "1A"),
        ]
        let out = try TestSupport.temporaryDirectory("failure")
        let result = try TestSupport.livret(["print-run", try Self.dataset(pupils).path, "--out", out.path, "--all", "--date", "2016-06-24"])
        #expect(result.status == 1)
        #expect(result.stderr.contains(Self.ine(2)) && result.stderr.contains("MATHÉMATIQUES") && result.stderr.contains("does not fit"))
        let summary = try Self.summary(out)
        let failures = summary["failures"] as! [[String: Any]]
        #expect(failures.count == 1)
        #expect(failures.first?["ine"] as? String == Self.ine(2))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("1A/\(Self.ine(2)).pdf").path))
        for file in ["1A.pdf", "1A-emargement.pdf", "1A/\(Self.ine(1)).pdf", "1A/\(Self.ine(3)).pdf"] {
            #expect(try TestSupport.run("qpdf", ["--check", out.appendingPathComponent(file).path]).status == 0, "\(file)")
        }
        let sheet = try TestSupport.pdfText(out.appendingPathComponent("1A-emargement.pdf"))
        #expect(sheet.contains(Self.ine(1)) && sheet.contains(Self.ine(3)) && !sheet.contains(Self.ine(2)))
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: out.path).filter { $0.contains(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("--paper-only prints the listed families only and reports INEs that are not in the dataset")
    func paperOnly() throws {
        let pupils = (1...6).map { Pupil(nom: "NOM\($0)", prenoms: "P", ine: Self.ine($0), division: $0 <= 3 ? "1A" : "1B") }
        let dataset = try Self.dataset(pupils)
        let list = dataset.deletingLastPathComponent().appendingPathComponent("refus-\(UUID().uuidString).csv")
        try Data("ine;nom;prenom;division\n\(Self.ine(2));NOM2;P;1A\n\(Self.ine(5));NOM5;P;1B\n9999999999Z;INCONNU;X;1A\n".utf8).write(to: list)
        let out = try TestSupport.temporaryDirectory("paper")
        let result = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--paper-only", list.path, "--date", "2016-06-24"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("9999999999Z") && result.stderr.contains(":4:"))
        let summary = try Self.summary(out)
        #expect((summary["pupils"] as! [[String: Any]]).map { $0["ine"] as! String } == [Self.ine(2), Self.ine(5)])
        #expect((summary["unknownPaperOnly"] as! [[String: Any]]).map { $0["ine"] as! String } == ["9999999999Z"])
    }

    @Test("Usage: --all or --division; an unknown division is refused before anything is written")
    func usage() throws {
        let dataset = try Self.dataset([Pupil(nom: "A", prenoms: "B", ine: Self.ine(1), division: "1A")])
        let out = try TestSupport.temporaryDirectory("usage").appendingPathComponent("out")
        #expect(try TestSupport.livret(["print-run", dataset.path, "--out", out.path]).status == 64)
        let unknown = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--division", "9Z"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("9Z") && unknown.stderr.contains("1A"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("A print run into a folder another run holds exits 1 naming the folder, and writes nothing there")
    func lockedOutput() throws {
        let dataset = try Self.dataset([Pupil(nom: "A", prenoms: "B", ine: Self.ine(1), division: "1A")])
        let out = try TestSupport.temporaryDirectory("locked")
        // This test process holds the lock, as a running print run would.
        let descriptor = open(out.appendingPathComponent(".print-run.lock").path, O_RDWR | O_CREAT, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try #require(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        let busy = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--quiet"])
        #expect(busy.status == 1)
        #expect(busy.stderr.contains(out.path) && busy.stderr.contains("in use"), "\(busy.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("1A.pdf").path))
        flock(descriptor, LOCK_UN)
        let free = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--quiet"])
        #expect(free.status == 0, "\(free.stderr)")
    }

    @Test("Division codes 1S/1 and 1S_1 get files of their own, listed in print-run.json; 1s and 1S are refused")
    func divisionNamesCLI() throws {
        let dataset = try Self.dataset([
            Pupil(nom: "A", prenoms: "B", ine: Self.ine(1), division: "1S/1"), Pupil(nom: "C", prenoms: "D", ine: Self.ine(2), division: "1S_1"),
        ])
        let out = try TestSupport.temporaryDirectory("names").appendingPathComponent("out")
        let run = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let files = try #require(try Self.summary(out)["files"] as? [[String: Any]])
        #expect(files.count == 6)
        for file in files {
            let path = try #require(file["path"] as? String)
            #expect(try TestSupport.sha256(out.appendingPathComponent(path)) == file["sha256"] as? String, "\(path)")
        }
        let clash = try Self.dataset([
            Pupil(nom: "A", prenoms: "B", ine: Self.ine(1), division: "1s1"), Pupil(nom: "C", prenoms: "D", ine: Self.ine(2), division: "1S1"),
        ])
        let clashOut = try TestSupport.temporaryDirectory("clash").appendingPathComponent("out")
        let refused = try TestSupport.livret(["print-run", clash.path, "--out", clashOut.path, "--all", "--quiet"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("'1s1'") && refused.stderr.contains("'1S1'"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: clashOut.path))
    }

    @Test("The same run twice gives the same files, whatever --jobs")
    func deterministic() throws {
        let dataset = try Self.dataset((1...4).map { Pupil(nom: "N\($0)", prenoms: "P", ine: Self.ine($0), division: "1A") })
        let first = try TestSupport.temporaryDirectory("det1"), second = try TestSupport.temporaryDirectory("det2")
        // --jobs 2 draws the class PDF on its own thread beside the pupils' files; --jobs 1 draws
        // both from one layout: the bytes (digests in print-run.json) must not depend on it.
        for (out, jobs) in [(first, "2"), (second, "1")] {
            #expect(try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--date", "2016-06-24", "--quiet", "--jobs", jobs]).status == 0)
        }
        #expect(try TestSupport.sha256(first.appendingPathComponent("print-run.json")) == TestSupport.sha256(second.appendingPathComponent("print-run.json")))
    }

    @Test("--archive puts each livret into the archive; a second run with the same bytes makes no new version")
    func archived() throws {
        let pupils = (1...3).map { Pupil(nom: "N\($0)", prenoms: "P", ine: Self.ine($0), division: "1A") }
        let dataset = try Self.dataset(pupils)
        let home = try TestSupport.temporaryDirectory("archive")
        for (run, expectNew) in [(1, true), (2, false)] {
            let out = try TestSupport.temporaryDirectory("archived\(run)")
            let result = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--date", "2016-06-24", "--archive", home.path])
            #expect(result.status == 0, "\(result.stderr)")
            let summary = try Self.summary(out)
            let counts = summary["counts"] as! [String: Any]
            #expect(counts["archivedNewVersions"] as? Int == (expectNew ? 3 : 0))
            #expect(counts["archivedUnchanged"] as? Int == (expectNew ? 0 : 3))
            for record in summary["pupils"] as! [[String: Any]] { #expect(record["archiveVersion"] as? String == "v1") }
        }
        // The archived PDF is the printed one, and the root is valid for a third-party validator.
        let out = try TestSupport.temporaryDirectory("archived-get")
        let copy = out.appendingPathComponent("copy.pdf")
        let get = try TestSupport.livret(["archive", "get", "--archive", home.path, "--ine", Self.ine(2), "--path", "2015-2016/livret.pdf", "-o", copy.path])
        #expect(get.status == 0, "\(get.stderr)")
        let rendered = out.appendingPathComponent("rendered.pdf")
        #expect(try TestSupport.livret(["render", dataset.appendingPathComponent("\(Self.ine(2)).json").path, "-o", rendered.path]).status == 0)
        #expect(try TestSupport.sha256(copy) == TestSupport.sha256(rendered))
        let validation = try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("ocfl-validate-root").path, [home.appendingPathComponent("ocfl-root").path])
        #expect(validation.status == 0)
        #expect(validation.stdoutText.contains("errors=0 warnings=0"), "\(validation.stdoutText)")
    }

    @Test("A surname longer than its cell on the hand-over sheet is broken between letters, not refused")
    func longSurname() throws {
        let pupils = [
            Pupil(nom: "WOLFESCHLEGELSTEINHAUSENBERGERDORFFVONHAUSEN", prenoms: "Hubert", ine: Self.ine(1), division: "1A"),
            Pupil(nom: "MARTIN", prenoms: "Léa", ine: Self.ine(2), division: "1A"),
        ]
        let out = try TestSupport.temporaryDirectory("surname")
        let result = try TestSupport.livret(["print-run", try Self.dataset(pupils).path, "--out", out.path, "--all", "--date", "2016-06-24"])
        #expect(result.status == 0, "\(result.stderr)")
        let sheet = try TestSupport.pdfText(out.appendingPathComponent("1A-emargement.pdf")).foldingSpaces
        #expect(sheet.replacingOccurrences(of: " ", with: "").contains("WOLFESCHLEGELSTEINHAUSENBERGERDORFFVONHAUSEN"))
    }

    @Test("A pupil who fails in a second run into the same folder loses the PDF of the first run")
    func staleFileRemoved() throws {
        let pupils = [Pupil(nom: "ALPHA", prenoms: "Une", ine: Self.ine(1), division: "1A"), Pupil(nom: "BRAVO", prenoms: "Deux", ine: Self.ine(2), division: "1A")]
        let dataset = try Self.dataset(pupils)
        let out = try TestSupport.temporaryDirectory("stale")
        #expect(try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--date", "2016-06-24"]).status == 0)
        let file = out.appendingPathComponent("1A/\(Self.ine(2)).pdf")
        #expect(FileManager.default.fileExists(atPath: file.path))
        // BRAVO's document becomes unprintable; a leftover temporary file of a dead process is there too.
        let broken = try Self.dataset([Pupil(nom: "BRAVO", prenoms: "Deux", ine: Self.ine(2), division: "1A", appreciation: String(repeating: "Très long. ", count: 3000))])
        try FileManager.default.removeItem(at: dataset.appendingPathComponent("\(Self.ine(2)).json"))
        try FileManager.default.copyItem(at: broken.appendingPathComponent("\(Self.ine(2)).json"), to: dataset.appendingPathComponent("\(Self.ine(2)).json"))
        let leftover = out.appendingPathComponent(".1A.pdf.tmp-999999-42")
        try Data("partial".utf8).write(to: leftover)
        let result = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--date", "2016-06-24"])
        #expect(result.status == 1)
        #expect(!FileManager.default.fileExists(atPath: file.path), "the first run's PDF would pass for this run's")
        #expect(!FileManager.default.fileExists(atPath: leftover.path), "a dead process's temporary file was left")
    }

    @Test("--archive with a damaged index.sqlite: the index is set aside and rebuilt, the run archives")
    func archivedDamagedIndex() throws {
        let pupils = (1...2).map { Pupil(nom: "N\($0)", prenoms: "P", ine: Self.ine($0), division: "1A") }
        let dataset = try Self.dataset(pupils)
        let home = try TestSupport.temporaryDirectory("archive")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try Data("garbage\n".utf8).write(to: home.appendingPathComponent("index.sqlite"))
        let out = try TestSupport.temporaryDirectory("archived-damaged")
        let result = try TestSupport.livret(["print-run", dataset.path, "--out", out.path, "--all", "--date", "2016-06-24", "--archive", home.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("index.sqlite.corrupt-"), "\(result.stderr)")
        let counts = try Self.summary(out)["counts"] as! [String: Any]
        #expect(counts["archivedNewVersions"] as? Int == 2)
        let ls = try TestSupport.livret(["archive", "ls", "--archive", home.path])
        #expect(ls.stdoutText.split(separator: "\n").count == 2, "\(ls.stdoutText)")
    }
}
