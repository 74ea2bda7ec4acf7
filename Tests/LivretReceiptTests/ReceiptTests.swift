import Foundation
import LivretLayout
import LivretModel
import LivretScan
import LivretTestSupport
import Testing

/// Hand-over receipts through the binary: `print-run --receipts`, `receipt`, `receipt record`,
/// `receipt ls`, checked with pdftotext, pdftoppm + zbarimg, pdfsig, qpdf, the archive's own
/// verify and ocfl-validate-root.
@Suite("Hand-over receipts")
struct ReceiptTests {
    static let profile = TestSupport.repositoryRoot.appendingPathComponent("Samples/lycee/etablissement.json")
    static let longName = "DE LA ROCHEFOUCAULD-MONTMORENCY-SAINT-EXUPÉRY-D'HARCOURT-MIREPOIX"
    static let longFirst = "Marie-Héloïse-Éléonore-Bénédicte-Aurore-Gwendoline"

    static func ine(_ n: Int) -> String { String(format: "%010dA", n) }

    /// Three pupils, two divisions; the first with a very long name.
    static func dataset(in folder: URL) throws -> URL {
        let specimen = try LivretDocument.decode(
            Data(contentsOf: TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json")), source: "specimen.json")
        let directory = folder.appendingPathComponent("dataset")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (nom, prenoms, n, division) in [(longName, longFirst, 21, "1S1"), ("BERNARD", "Hugo", 22, "1S1"), ("PETIT", "Inès", 23, "TS2")] {
            var document = specimen
            document.eleve.nom = nom
            document.eleve.prenoms = prenoms
            document.eleve.ine = ine(n)
            document.eleve.division = division
            try document.encoded().write(to: directory.appendingPathComponent("\(ine(n)).json"))
        }
        return directory
    }

    struct Fixture {
        var folder: URL
        var dataset: URL
        var keys: URL
        var home: URL
        var out: URL
    }

    struct Summary: Decodable {
        struct Pupil: Decodable { var ine: String; var division: String; var file: String; var sha256: String; var pages: Int; var archiveVersion: String? }
        struct File: Decodable { var path: String; var sha256: String; var bytes: Int; var pages: Int }
        struct Receipt: Decodable { var ine: String; var division: String; var file: String; var sha256: String; var livretVersion: String; var livretSHA256: String; var code: String }
        var pupils: [Pupil]
        var files: [File]
        var receipts: [Receipt]?
    }

    struct Entry: Decodable { var seq: Int; var action: String; var ine: String?; var object: String?; var version: String?; var sha256: String?; var note: String? }

    /// A key, and a signed print run of every division into an archive with `--receipts`.
    static func printed(_ name: String, extra: [String] = []) throws -> Fixture {
        let folder = try TestSupport.temporaryDirectory(name)
        let dataset = try Self.dataset(in: folder)
        let keys = folder.appendingPathComponent("Keys")
        let initKeys = try TestSupport.livret(["keys", "init", "--etablissement", profile.path, "--keys", keys.path])
        try #require(initKeys.status == 0, "keys init: \(initKeys.stderr)")
        let fixture = Fixture(folder: folder, dataset: dataset, keys: keys, home: folder.appendingPathComponent("Archive"), out: folder.appendingPathComponent("out"))
        try run(fixture, extra: extra)
        return fixture
    }

    static func run(_ fixture: Fixture, extra: [String] = []) throws {
        let run = try TestSupport.livret([
            "print-run", fixture.dataset.path, "--all", "--out", fixture.out.path, "--archive", fixture.home.path, "--keys", fixture.keys.path,
            "--user", "Mme Secrétaire", "--date", "2016-06-24", "--quiet", "--receipts",
        ] + extra)
        try #require(run.status == 0, "print-run: \(run.stderr)")
    }

    static func summary(_ out: URL) throws -> Summary {
        try JSONDecoder().decode(Summary.self, from: Data(contentsOf: out.appendingPathComponent("print-run.json")))
    }

    static func journal(_ home: URL) throws -> [Entry] {
        let show = try TestSupport.livret(["journal", "show", "--archive", home.path, "--json"])
        try #require(show.status == 0, "\(show.stderr)")
        return try JSONDecoder().decode([Entry].self, from: show.stdout)
    }

    /// The page rasterized at `dpi` (`png` or `jpeg`), as a scanner would.
    static func rasterize(_ pdf: URL, to base: URL, format: String = "png", dpi: Int = 150) throws -> URL {
        let result = try TestSupport.run("pdftoppm", ["-r", "\(dpi)", "-\(format)", "-singlefile", pdf.path, base.path])
        try #require(result.status == 0, "pdftoppm: \(result.stderr)")
        return URL(fileURLWithPath: base.path + (format == "png" ? ".png" : ".jpg"))
    }

    /// What `zbarimg -q --raw` reads in an image, one code per line.
    static func zbar(_ image: URL) throws -> [String] {
        let result = try TestSupport.run("zbarimg", ["-q", "--raw", image.path])
        try #require(result.status == 0, "zbarimg: \(result.status) \(result.stderr)")
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    static func collapsed(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    static func versions(_ fixture: Fixture, ine: String) throws -> Int {
        let log = try TestSupport.livret(["archive", "log", "--archive", fixture.home.path, "--ine", ine])
        try #require(log.status == 0, "\(log.stderr)")
        return log.stdoutText.split(separator: "\n").filter { $0.hasPrefix("v") }.count
    }

    @Test("print-run --receipts: a signed PDF/A receipt per pupil and per class, listed in print-run.json and journaled; every identifier on the page; the QR code reads as the verification string")
    func printRunReceipts() throws {
        let f = try Self.printed("receipts-run")
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let summary = try Self.summary(f.out)
        let receipts = try #require(summary.receipts)
        #expect(receipts.count == 3)
        let files = Dictionary(uniqueKeysWithValues: summary.files.map { ($0.path, $0) })
        for receipt in receipts {
            let pupil = try #require(summary.pupils.first { $0.ine == receipt.ine })
            #expect(receipt.file == "\(receipt.division)/\(receipt.ine)-recepisse.pdf")
            #expect(receipt.livretSHA256 == pupil.sha256)
            #expect(receipt.livretVersion == pupil.archiveVersion)
            #expect(receipt.code == "LSL1:0382032C:\(receipt.ine):2015-2016:\(pupil.archiveVersion ?? "?"):\(pupil.sha256)", "\(receipt.code)")
            let url = f.out.appendingPathComponent(receipt.file)
            #expect(try TestSupport.sha256(url) == receipt.sha256)
            #expect(files[receipt.file]?.sha256 == receipt.sha256)
        }
        #expect(files["1S1-recepisses.pdf"]?.pages == 2)
        #expect(files["TS2-recepisses.pdf"]?.pages == 1)
        #expect(try TestSupport.pdfInfo(f.out.appendingPathComponent("1S1-recepisses.pdf"))["Pages"] == "2")

        // The long-named pupil's receipt: every identifier, the SHA-256 in groups of four.
        let receipt = try #require(receipts.first { $0.ine == Self.ine(21) })
        let pupil = try #require(summary.pupils.first { $0.ine == Self.ine(21) })
        let pdf = f.out.appendingPathComponent(receipt.file)
        let text = Self.collapsed(try TestSupport.pdfText(pdf))
        let code = try ReceiptCode(parsing: receipt.code)
        let grouped = stride(from: 0, to: 64, by: 4).map { i in String(Array(pupil.sha256)[i..<i + 4]) }.joined(separator: " ")
        for expected in [
            "Récépissé de remise", "Talon à retourner", "Lycée Champollion", code.uai, "Mme Hélène GARNIER", Self.ine(21), "2015-2016", "1S1",
            "urn:lsl:ine:\(Self.ine(21))", "version \(pupil.archiveVersion ?? "?")", grouped, "24/06/2016", "Journal",
            "Reçu le", "Signature du responsable légal",
        ] {
            #expect(text.contains(expected), "missing \(expected) in \(text)")
        }
        let layoutLines = try TestSupport.pdfText(pdf, layout: true).split(separator: "\n")
        let pageLines = layoutLines.filter { $0.contains("Nombre de pages") }
        let counts = pageLines.map { line in
            line.components(separatedBy: "Nombre de pages").last?.split(whereSeparator: { $0.isWhitespace || $0 == ":" }).first.map(String.init)
        }
        #expect(counts == ["\(pupil.pages)", "\(pupil.pages)"], "\(pageLines)")
        // Long names are wrapped, never cut: every letter is there (in reading order, maybe across lines).
        let letters = text.filter { $0.isLetter }
        #expect(letters.contains(Self.longName.filter { $0.isLetter }), "\(text)")
        #expect(letters.contains(Self.longFirst.filter { $0.isLetter }))

        // pdftoppm -r 150 + zbarimg: both QR codes (family part, stub) are exactly the string.
        let png = try Self.rasterize(pdf, to: f.folder.appendingPathComponent("page"))
        let codes = try Self.zbar(png)
        #expect(codes.count == 2, "\(codes)")
        #expect(codes.allSatisfy { $0 == receipt.code }, "\(codes)")
        #expect(code.sha256 == pupil.sha256 && code.version == pupil.archiveVersion && code.ine == Self.ine(21))

        // Signed over the whole file; qpdf finds nothing wrong.
        let pdfsig = try TestSupport.run("pdfsig", [pdf.path])
        #expect(pdfsig.stdoutText.contains("Signature is Valid"), "\(pdfsig.stdoutText)")
        #expect(pdfsig.stdoutText.contains("Total document signed"), "\(pdfsig.stdoutText)")
        let qpdf = try TestSupport.run("qpdf", ["--check", pdf.path])
        #expect(qpdf.status == 0, "\(qpdf.stdoutText)\(qpdf.stderr)")
        // PDF/A-2b: the shared precheck on the signed receipt and the class file, pikepdf (XMP ↔ Info, pdfaid, /ID).
        let classFile = f.out.appendingPathComponent("1S1-recepisses.pdf")
        let precheck = try ArchivalPDFChecks.precheck([pdf, classFile])
        #expect(precheck.status == 0 && precheck.stdoutText.components(separatedBy: "declares PDF/A-2B").count == 3, "\(precheck.stdoutText)")
        let pike = try ArchivalPDFChecks.pikepdf([(pdf, nil), (classFile, nil)], part: 2)
        #expect(pike.status == 0, "\(pike.stdoutText)")
        let verify = try TestSupport.livret(["verify", "--keys", f.keys.path, pdf.path])
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderr)")

        // The journal: one receipt entry per pupil, naming the livret version and the receipt's digest.
        let entries = try Self.journal(f.home).filter { $0.action == "receipt" }
        #expect(entries.count == 3)
        for receipt in receipts {
            let entry = entries.first { $0.ine == receipt.ine }
            #expect(entry?.sha256 == receipt.sha256)
            #expect(entry?.version == receipt.livretVersion)
            #expect(entry?.object == "urn:lsl:ine:\(receipt.ine)")
        }
    }

    @Test("pyHanko, trusting the lycée's certificate: a receipt's signature is intact, valid and covers the whole file; a flipped byte is refused")
    func pyHankoAgrees() throws {
        let path = ProcessInfo.processInfo.environment["LIVRET_PYENV"] ?? TestSupport.repositoryRoot.appendingPathComponent(".build/pyenv").path
        let pyhanko = URL(fileURLWithPath: path).appendingPathComponent("bin/pyhanko")
        try #require(FileManager.default.isExecutableFile(atPath: pyhanko.path), "no pyHanko at \(path): run `make test-deps` (or set LIVRET_PYENV)")
        let f = try Self.printed("receipts-pyhanko")
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let receipt = f.out.appendingPathComponent("TS2/\(Self.ine(23))-recepisse.pdf")
        let certificate = f.keys.appendingPathComponent("signing-cert.pem")
        let cli = try TestSupport.run(pyhanko.path, ["sign", "validate", "--pretty-print", "--trust-replace", "--trust", certificate.path, receipt.path])
        #expect(cli.status == 0, "\(cli.stdoutText)\(cli.stderr)")
        #expect(cli.stdoutText.contains("The signature is judged VALID."), "\(cli.stdoutText)")
        #expect(cli.stdoutText.contains("The signature covers the entire file."), "\(cli.stdoutText)")
        // A byte of the page content flipped (seeded position, inside the first revision).
        var bytes = [UInt8](try Data(contentsOf: receipt))
        let offset = 1_000 + Int(UInt64(23) &* 0x9E3779B97F4A7C15 % 2_000)
        print("flipped byte at \(offset) (seed 23)")
        bytes[offset] ^= 0x01
        let damaged = f.folder.appendingPathComponent("damaged.pdf")
        try Data(bytes).write(to: damaged)
        let refused = try TestSupport.run(pyhanko.path, ["sign", "validate", "--pretty-print", "--trust-replace", "--trust", certificate.path, damaged.path])
        #expect(!refused.stdoutText.contains("The signature is judged VALID."), "\(refused.stdoutText)")
        #expect(try TestSupport.livret(["verify", "--keys", f.keys.path, damaged.path]).status == 1)
    }

    @Test("the bytes before the signature are the same for the same input (PDF/A receipt, deterministic)")
    func deterministic() throws {
        let f = try Self.printed("receipts-same")
        defer { try? FileManager.default.removeItem(at: f.folder) }
        // Unsigned receipts made twice with the same journal head: the same bytes.
        let journalCopy = f.folder.appendingPathComponent("Archive2")
        try FileManager.default.copyItem(at: f.home, to: journalCopy)
        let a = f.folder.appendingPathComponent("a.pdf"), b = f.folder.appendingPathComponent("b.pdf")
        for (home, url) in [(f.home, a), (journalCopy, b)] {
            let result = try TestSupport.livret(["receipt", f.dataset.path, "--ine", Self.ine(23), "--archive", home.path, "--date", "2016-06-24",
                                                 "--keys", f.folder.appendingPathComponent("no-keys").path, "-o", url.path])
            try #require(result.status == 0, "\(result.stderr)")
        }
        #expect(try TestSupport.sha256(a) == TestSupport.sha256(b))
        // And the signed receipt's first revision is exactly such an unsigned receipt (same head).
        let signedCopy = f.folder.appendingPathComponent("Archive3")
        try FileManager.default.copyItem(at: journalCopy, to: signedCopy)
        let c = f.folder.appendingPathComponent("c.pdf"), d = f.folder.appendingPathComponent("d.pdf")
        try #require(try TestSupport.livret(["receipt", f.dataset.path, "--ine", Self.ine(23), "--archive", journalCopy.path, "--date", "2016-06-24",
                                             "--keys", f.keys.path, "-o", c.path]).status == 0)
        try #require(try TestSupport.livret(["receipt", f.dataset.path, "--ine", Self.ine(23), "--archive", signedCopy.path, "--date", "2016-06-24",
                                             "--keys", f.folder.appendingPathComponent("no-keys").path, "-o", d.path]).status == 0)
        let signed = try Data(contentsOf: c), unsigned = try Data(contentsOf: d)
        #expect(try TestSupport.sha256(Data(signed.prefix(unsigned.count))) == TestSupport.sha256(unsigned))
        #expect(signed.count > unsigned.count)
    }

    @Test("receipt record: PNG, JPEG and PDF scans are archived as new versions (livret unchanged, archive valid); another pupil's, an older version's, an unreadable one and a non-image are refused with nothing archived; --no-qr; receipt ls")
    func record() throws {
        let f = try Self.printed("receipts-record")
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let summary = try Self.summary(f.out)
        let receipts = try #require(summary.receipts)
        let mine = try #require(receipts.first { $0.ine == Self.ine(22) })
        let other = try #require(receipts.first { $0.ine == Self.ine(23) })
        let pdf = f.out.appendingPathComponent(mine.file)
        let png = try Self.rasterize(pdf, to: f.folder.appendingPathComponent("scan"))
        let jpeg = try Self.rasterize(pdf, to: f.folder.appendingPathComponent("scan"), format: "jpeg")
        let before = try Self.versions(f, ine: Self.ine(22))

        // Refused: another pupil's stub, a non-image, a page without a QR code.
        let otherPNG = try Self.rasterize(f.out.appendingPathComponent(other.file), to: f.folder.appendingPathComponent("other"))
        let wrong = try TestSupport.livret(["receipt", "record", "--ine", Self.ine(22), "--scan", otherPNG.path, "--archive", f.home.path])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("another pupil") && wrong.stderr.contains("nothing archived"), "\(wrong.stderr)")
        let text = f.folder.appendingPathComponent("notes.png")
        try Data("Ceci n'est pas une image.\n".utf8).write(to: text)
        let notImage = try TestSupport.livret(["receipt", "record", "--ine", Self.ine(22), "--scan", text.path, "--archive", f.home.path])
        #expect(notImage.status == 1)
        #expect(notImage.stderr.contains(text.path) && notImage.stderr.contains("not a PDF, PNG or JPEG"), "\(notImage.stderr)")
        let livretPage = try Self.rasterize(f.out.appendingPathComponent(summary.pupils.first { $0.ine == Self.ine(22) }!.file),
                                            to: f.folder.appendingPathComponent("blank"), dpi: 50)
        let unreadable = try TestSupport.livret(["receipt", "record", "--ine", Self.ine(22), "--scan", livretPage.path, "--archive", f.home.path])
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("no QR code"), "\(unreadable.stderr)")
        #expect(try Self.versions(f, ine: Self.ine(22)) == before)

        // Accepted: PNG, JPEG, and the receipt PDF itself.
        for (scan, ext, n) in [(png, "png", 1), (jpeg, "jpg", 2), (pdf, "pdf", 3)] {
            let result = try TestSupport.livret(["receipt", "record", "--ine", Self.ine(22), "--scan", scan.path, "--archive", f.home.path, "--date", "2016-07-01", "--user", "M. Accueil"])
            #expect(result.status == 0, "\(ext): \(result.stderr)")
            #expect(result.stdoutText.contains("2015-2016/recepisse-retour-\(n).\(ext)"), "\(result.stdoutText)")
        }
        #expect(try Self.versions(f, ine: Self.ine(22)) == before + 3)
        // The livret is unchanged in the new versions; the scan is archived byte for byte.
        let livret = f.folder.appendingPathComponent("livret.pdf")
        #expect(try TestSupport.livret(["archive", "get", "--archive", f.home.path, "--ine", Self.ine(22), "--path", "2015-2016/livret.pdf", "-o", livret.path]).status == 0)
        #expect(try TestSupport.sha256(livret) == mine.livretSHA256)
        let back = f.folder.appendingPathComponent("back.jpg")
        #expect(try TestSupport.livret(["archive", "get", "--archive", f.home.path, "--ine", Self.ine(22), "--path", "2015-2016/recepisse-retour-2.jpg", "-o", back.path]).status == 0)
        #expect(try TestSupport.sha256(back) == TestSupport.sha256(jpeg))
        let verify = try TestSupport.livret(["archive", "verify", "--archive", f.home.path])
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderr)")
        let validation = try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("ocfl-validate-root").path, [f.home.appendingPathComponent("ocfl-root").path])
        #expect(validation.status == 0 && validation.stdoutText.contains("errors=0"), "\(validation.stdoutText)\(validation.stderr)")
        let stubs = try Self.journal(f.home).filter { $0.action == "stub-returned" }
        #expect(stubs.count == 3)
        #expect(stubs.allSatisfy { $0.ine == Self.ine(22) && $0.note == "qr \(mine.code)" })
        #expect(try Self.journal(f.home).count > 0)
        #expect(try TestSupport.livret(["journal", "verify", "--archive", f.home.path]).status == 0)

        // receipt ls: 22 back, 21 and 23 missing; --division; --missing; --json.
        let ls = try TestSupport.livret(["receipt", "ls", "--archive", f.home.path, "--missing"])
        #expect(ls.status == 0, "\(ls.stderr)")
        #expect(ls.stdoutText.contains(Self.ine(21)) && ls.stdoutText.contains(Self.ine(23)) && !ls.stdoutText.contains(Self.ine(22)), "\(ls.stdoutText)")
        let ls1 = try TestSupport.livret(["receipt", "ls", "--archive", f.home.path, "--division", "1S1", "--json"])
        struct Status: Decodable { var ine: String; var division: String?; var returned: String? }
        let statuses = try JSONDecoder().decode([Status].self, from: ls1.stdout)
        #expect(statuses.map(\.ine).sorted() == [Self.ine(21), Self.ine(22)])
        #expect(statuses.first { $0.ine == Self.ine(22) }?.returned?.hasPrefix("2016-07-01") == true)
        #expect(statuses.first { $0.ine == Self.ine(21) }?.returned == nil)

        // A new print run: new livret versions, new receipts. The first receipt is now an older version.
        try Self.run(f)
        let newer = try #require(try Self.summary(f.out).receipts?.first { $0.ine == Self.ine(22) })
        #expect(newer.livretVersion != mine.livretVersion)
        let count = try Self.versions(f, ine: Self.ine(22))
        let old = try TestSupport.livret(["receipt", "record", "--ine", Self.ine(22), "--scan", png.path, "--archive", f.home.path])
        #expect(old.status == 1)
        #expect(old.stderr.contains("not the version handed over") && old.stderr.contains(newer.livretVersion), "\(old.stderr)")
        #expect(try Self.versions(f, ine: Self.ine(22)) == count)
        #expect(try TestSupport.livret(["receipt", "ls", "--archive", f.home.path, "--missing"]).stdoutText.contains(Self.ine(22)))

        // --no-qr: an unreadable scan recorded as such.
        let noQR = try TestSupport.livret(["receipt", "record", "--ine", Self.ine(22), "--scan", livretPage.path, "--archive", f.home.path, "--no-qr"])
        #expect(noQR.status == 0, "\(noQR.stderr)")
        #expect(try Self.versions(f, ine: Self.ine(22)) == count + 1)
        let last = try #require(try Self.journal(f.home).last)
        #expect(last.action == "stub-returned" && last.note?.hasPrefix("no-qr") == true, "\(String(describing: last.note))")
        let log = try TestSupport.livret(["archive", "log", "--archive", f.home.path, "--ine", Self.ine(22)])
        #expect(log.stdoutText.contains("sans code QR lisible"), "\(log.stdoutText)")
    }

    @Test("livret receipt: one receipt for the latest archived version; --verify-url puts an address in the QR code; a pupil not archived, --receipts without --archive are refused")
    func single() throws {
        let f = try Self.printed("receipts-single")
        defer { try? FileManager.default.removeItem(at: f.folder) }
        let out = f.folder.appendingPathComponent("r.pdf")
        let result = try TestSupport.livret(["receipt", f.dataset.path, "--ine", Self.ine(21), "--archive", f.home.path, "--keys", f.keys.path,
                                             "-o", out.path, "--verify-url", "https://verif.example.fr/recepisse"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try Self.summary(f.out)
        let pupil = try #require(summary.pupils.first { $0.ine == Self.ine(21) })
        let codes = try Self.zbar(try Self.rasterize(out, to: f.folder.appendingPathComponent("single")))
        let expected = "LSL1:\(try ReceiptCode(parsing: summary.receipts![0].code).uai):\(Self.ine(21)):2015-2016:\(pupil.archiveVersion!):\(pupil.sha256)"
        #expect(codes.count == 2 && codes.allSatisfy { $0 == "https://verif.example.fr/recepisse?code=" + expected.replacingOccurrences(of: ":", with: "%3A") }, "\(codes)")
        #expect(try ReceiptCode(parsing: codes[0]).description == expected)
        #expect(try TestSupport.run("pdfsig", [out.path]).stdoutText.contains("Signature is Valid"))

        // Not archived: a dataset pupil with no object.
        var document = try LivretDocument.decode(Data(contentsOf: f.dataset.appendingPathComponent("\(Self.ine(21)).json")), source: "x")
        document.eleve.ine = Self.ine(29)
        try document.encoded().write(to: f.dataset.appendingPathComponent("\(Self.ine(29)).json"))
        let missing = try TestSupport.livret(["receipt", f.dataset.path, "--ine", Self.ine(29), "--archive", f.home.path, "-o", f.folder.appendingPathComponent("m.pdf").path])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("not archived"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: f.folder.appendingPathComponent("m.pdf").path))

        let usage = try TestSupport.livret(["print-run", f.dataset.path, "--all", "--out", f.folder.appendingPathComponent("x").path, "--receipts"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("--receipts needs --archive"), "\(usage.stderr)")
    }

    @Test("ReceiptCode: the string, its parts checked, an address carrying it")
    func codes() throws {
        let sha = String(repeating: "ab12", count: 16)
        let code = try ReceiptCode(uai: "0351261F", ine: "0000000021A", annee: "2015-2016", version: "v3", sha256: sha)
        #expect(code.description == "LSL1:0351261F:0000000021A:2015-2016:v3:\(sha)")
        #expect(try ReceiptCode(parsing: code.description) == code)
        #expect(try ReceiptCode(parsing: code.qrText(verifyURL: "https://x.example/v")) == code)
        #expect(code.qrText(verifyURL: "https://x.example/v?lang=fr").hasPrefix("https://x.example/v?lang=fr&code=LSL1%3A"))
        #expect(code.groupedSHA256.split(separator: " ").count == 16)
        for bad in [
            "LSL1:0351261G:0000000021A:2015-2016:v3:\(sha)", "LSL1:0351261F:21A:2015-2016:v3:\(sha)",
            "LSL1:0351261F:0000000021A:2015-2017:v3:\(sha)", "LSL1:0351261F:0000000021A:2015-2016:3:\(sha)",
            "LSL1:0351261F:0000000021A:2015-2016:v3:\(sha.dropLast())", "LSL2:0351261F:0000000021A:2015-2016:v3:\(sha)",
            "LSL1:0351261F:0000000021A:2015-2016:v3:\(sha):x", "LSL1:0351261F:0000000021A:2015-2016:v3:\(sha.uppercased())", "",
        ] {
            #expect(throws: ReceiptCode.Problem.self, "\(bad)") { try ReceiptCode(parsing: bad) }
        }
    }

    @Test("QRCode (libqrencode) to pixels with a 4-module quiet zone, read back by libzbar through ScanReader")
    func qrRoundTrip() throws {
        let text = "LSL1:0351261F:0000000021A:2015-2016:v3:" + String(repeating: "0f", count: 32)
        let qr = try QRCode(text)
        let scale = 4, side = (qr.size + 2 * QRCode.quietZone) * scale
        var pixels = [UInt8](repeating: 255, count: side * side)
        for row in 0..<qr.size { for column in 0..<qr.size where qr.isDark(row: row, column: column) {
            for dy in 0..<scale { for dx in 0..<scale {
                pixels[((row + QRCode.quietZone) * scale + dy) * side + (column + QRCode.quietZone) * scale + dx] = 0
            } }
        } }
        #expect(try ScanReader.qrCodes(grey: pixels, width: side, height: side) == [text])
        #expect(try ScanReader.qrCodes(grey: [UInt8](repeating: 255, count: 100 * 100), width: 100, height: 100).isEmpty)
    }

    @Test("a scan is recognised by its first bytes; a PNG or JPEG claiming huge dimensions is refused before decoding; 20 MB at most")
    func scanLimits() throws {
        #expect(ScanReader.Kind(Data("%PDF-1.7\n".utf8)) == .pdf)
        #expect(ScanReader.Kind(Data([0xFF, 0xD8, 0xFF, 0xE0])) == .jpeg)
        #expect(ScanReader.Kind(Data("GIF89a".utf8)) == nil)
        // A PNG header announcing 60000 × 60000 pixels (3.6 gigapixels), and nothing else.
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
        png.append(Data("IHDR".utf8))
        png.append(contentsOf: [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60, 8, 0, 0, 0, 0, 0, 0, 0, 0])
        do {
            _ = try ScanReader.qrCodes(in: png)
            Issue.record("a 60000 x 60000 PNG was decoded")
        } catch {
            #expect(error.description.contains("60000 x 60000"), "\(error)")
        }
        // A real JPEG (the specimen's first page at 20 dpi) whose SOF0 is patched to say 65000 × 65000.
        let folder = try TestSupport.temporaryDirectory("scan-limits")
        defer { try? FileManager.default.removeItem(at: folder) }
        let specimen = folder.appendingPathComponent("specimen.pdf")
        try #require(try TestSupport.livret(["render", TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json").path, "-o", specimen.path]).status == 0)
        let small = try Self.rasterize(specimen, to: folder.appendingPathComponent("small"), format: "jpeg", dpi: 20)
        var jpeg = try Data(contentsOf: small)
        #expect(try ScanReader.qrCodes(in: jpeg).isEmpty)  // decodes, holds no QR code
        let sof = try #require(jpeg.range(of: Data([0xFF, 0xC0]))).lowerBound
        jpeg.replaceSubrange((sof + 5)..<(sof + 9), with: [0xFD, 0xE8, 0xFD, 0xE8])
        do {
            _ = try ScanReader.qrCodes(in: jpeg)
            Issue.record("a 65000 x 65000 JPEG was decoded")
        } catch {
            #expect(error.description.contains("65000 x 65000"), "\(error)")
        }
        do {
            _ = try ScanReader.qrCodes(in: Data(count: ScanReader.maximumBytes + 1))
            Issue.record("an oversize scan was read")
        } catch {
            #expect(error.description.contains("20 MB"), "\(error)")
        }
    }
}
