import Foundation
import LivretArchive
import LivretLayout
import LivretModel
import LivretPDF
import LivretPipeline
import LivretSign
import LivretTestSupport
import Testing

/// The lycée's object in the archive (certificates, sealed journal, signed head), the signed
/// witness head, and `livret verify --archive` / `--qr`: each way they can say no, with a file,
/// an archive or a string damaged that way.
@Suite("Lycée object, signed journal head, verify with an archive")
struct LyceeObjectTests {
    /// The UAI of `Samples/lycee/etablissement.json` (the certificate's, hence the lycée object's).
    static let uai = "0351261F"
    static let lyceeObject = "urn:lsl:uai:0351261F"

    struct Summary: Decodable {
        struct Pupil: Decodable { var ine: String; var file: String; var sha256: String; var archiveVersion: String? }
        struct Journal: Decodable { var recorded: Int; var head: String?; var signedHead: String?; var sealed: String? }
        struct Division: Decodable { var code: String; var signedJournalHead: String? }
        var pupils: [Pupil]
        var journal: Journal?
        var divisions: [Division]
    }

    /// A signed print run of `documents` into `home`; its summary.
    static func printRun(_ documents: [LivretDocument], folder: URL, name: String, home: URL, keys: URL) throws -> (out: URL, summary: Summary) {
        let dataset = folder.appendingPathComponent("dataset-\(name)")
        try? FileManager.default.removeItem(at: dataset)
        try FileManager.default.createDirectory(at: dataset, withIntermediateDirectories: true)
        for document in documents { try document.encoded().write(to: dataset.appendingPathComponent("\(document.eleve.ine).json")) }
        let out = folder.appendingPathComponent("out-\(name)")
        let run = try TestSupport.livret([
            "print-run", dataset.path, "--all", "--out", out.path, "--archive", home.path, "--keys", keys.path,
            "--user", "Mme Secrétaire", "--date", "2016-06-24", "--quiet",
        ])
        try #require(run.status == 0, "\(run.stderr)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(contentsOf: out.appendingPathComponent("print-run.json")))
        return (out, summary)
    }

    static func lines(_ result: ProcessResult) -> String { result.stdoutText + result.stderr }

    @Test("print runs seal the journal into urn:lsl:uai:<UAI> (journal.jsonl = the live one, signed head), the certificate archived once; ls/log/get/verify and ocfl-validate-root see the object")
    func sealing() throws {
        let folder = try TestSupport.temporaryDirectory("lycee-object")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try SignedPrintRunTests.keys(in: folder)
        let home = folder.appendingPathComponent("Archive")
        let first = try Self.printRun([
            try PipelineTests.pupil("MARTIN", "Léa", ine: 21, division: "1S1"),
            try PipelineTests.pupil("PETIT", "Inès", ine: 22, division: "TS2"),
        ], folder: folder, name: "1", home: home, keys: keys)
        let journal = try #require(first.summary.journal)
        #expect(journal.sealed == "\(Self.lyceeObject) v1", "\(journal)")
        let live = try Data(contentsOf: home.appendingPathComponent("journal.jsonl"))

        func get(_ path: String, version: String? = nil) throws -> Data {
            let file = folder.appendingPathComponent("got-\(UUID().uuidString)")
            let result = try TestSupport.livret(["archive", "get", "--archive", home.path, "--ine", Self.lyceeObject, "--path", path, "-o", file.path]
                                                + (version.map { ["--version", $0] } ?? []))
            try #require(result.status == 0, "\(result.stderr)")
            return try Data(contentsOf: file)
        }
        #expect(try get("journal/journal.jsonl") == live)
        let signedHead = try #require(journal.signedHead)
        #expect(String(decoding: try get("journal/head.txt"), as: UTF8.self) == signedHead + "\n")
        #expect(signedHead.hasPrefix("LSLJ1:\(Self.uai):2:"), "\(signedHead)")
        #expect(journal.head.map { signedHead.contains($0) } == true)

        // The certificate: certificates/<sha256 of the DER>.pem, the keys folder's certificate.
        let show = try TestSupport.livret(["keys", "show", "--keys", keys.path])
        let fingerprint = try #require(show.stdoutText.split(separator: "\n").first { $0.contains("SHA-256") }?
            .split(separator: " ").last.map { $0.replacingOccurrences(of: ":", with: "").lowercased() })
        let pem = try get("certificates/\(fingerprint).pem")
        #expect(pem == (try Data(contentsOf: keys.appendingPathComponent("signing-cert.pem"))))

        // Second run (another pupil): a new version sealing the longer journal; the certificate is not stored again.
        let second = try Self.printRun([try PipelineTests.pupil("BERNARD", "Hugo", ine: 23, division: "1S1")],
                                       folder: folder, name: "2", home: home, keys: keys)
        #expect(second.summary.journal?.sealed == "\(Self.lyceeObject) v2")
        #expect(try get("journal/journal.jsonl") == (try Data(contentsOf: home.appendingPathComponent("journal.jsonl"))))
        let log = try TestSupport.livret(["archive", "log", "--archive", home.path, "--ine", Self.lyceeObject])
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdoutText.contains("journal sealed at seq 3") && log.stdoutText.contains("journal sealed at seq 2"), "\(log.stdoutText)")
        let certificateLines = log.stdoutText.split(separator: "\n").filter { $0.contains("certificates/") }
        #expect(certificateLines.count == 1 && certificateLines[0].contains("A certificates/"), "\(log.stdoutText)")

        let ls = try TestSupport.livret(["archive", "ls", "--archive", home.path])
        #expect(ls.stdoutText.split(separator: "\n").contains { $0.hasPrefix(Self.lyceeObject + "\tv2") }, "\(ls.stdoutText)")
        let verify = try TestSupport.livret(["archive", "verify", "--archive", home.path])
        #expect(verify.status == 0, "\(Self.lines(verify))")
        let validation = try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("ocfl-validate-root").path, [home.appendingPathComponent("ocfl-root").path])
        #expect(validation.status == 0, "\(validation.stdoutText)")
        #expect(validation.stdoutText.contains("errors=0"), "\(validation.stdoutText)")
        let intact = try TestSupport.livret(["journal", "verify", "--archive", home.path])
        #expect(intact.status == 0 && intact.stdoutText.contains("sealed copies agree: \(Self.lyceeObject) v2 (3 entries)"), "\(Self.lines(intact))")

        // The live journal rewritten whole (entry 2 changed, every hash recomputed): the chain
        // alone cannot tell, the sealed copy names the entry.
        let journalURL = home.appendingPathComponent("journal.jsonl")
        let forged = folder.appendingPathComponent("forged")
        try FileManager.default.createDirectory(at: forged, withIntermediateDirectories: true)
        let forger = Journal(home: forged)
        for (index, line) in try String(contentsOf: journalURL, encoding: .utf8).split(separator: "\n").enumerated() {
            var entry = try JSONDecoder().decode(JournalEntry.self, from: Data(line.utf8))
            if index == 1 { entry.version = "v7" }
            try forger.append(entry)
        }
        try FileManager.default.removeItem(at: journalURL)
        try FileManager.default.copyItem(at: forged.appendingPathComponent("journal.jsonl"), to: journalURL)
        let caught = try TestSupport.livret(["journal", "verify", "--archive", home.path])
        #expect(caught.status == 1, "\(Self.lines(caught))")
        #expect(caught.stdoutText.contains("entry 2 differs from the copy sealed in \(Self.lyceeObject) v2"), "\(caught.stdoutText)")
        // And with the signed head of the first run as witness: not in this chain any more.
        let witness = try TestSupport.livret(["journal", "verify", "--archive", home.path, "--keys", keys.path, "--witness", signedHead])
        #expect(witness.status == 1 && witness.stdoutText.contains("is not in this journal"), "\(Self.lines(witness))")

        // An edit of one line (the chain broken): named as well.
        var text = try String(contentsOf: forged.appendingPathComponent("journal.jsonl"), encoding: .utf8)
        text = text.replacingOccurrences(of: "Mme Secrétaire", with: "M. Faussaire")
        try Data(text.utf8).write(to: journalURL)
        let edited = try TestSupport.livret(["journal", "verify", "--archive", home.path])
        #expect(edited.status == 1 && edited.stdoutText.contains("entry 1 differs from the copy sealed"), "\(edited.stdoutText)")
    }

    @Test("journal verify --witness: the signed head is accepted; a forged signature, another key, a malformed head refused")
    func signedWitness() throws {
        let folder = try TestSupport.temporaryDirectory("signed-witness")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try SignedPrintRunTests.keys(in: folder)
        let home = folder.appendingPathComponent("Archive")
        let run = try Self.printRun([try PipelineTests.pupil("MARTIN", "Léa", ine: 31, division: "1S1")], folder: folder, name: "1", home: home, keys: keys)
        let signed = try #require(run.summary.journal?.signedHead)

        let accepted = try TestSupport.livret(["journal", "verify", "--archive", home.path, "--keys", keys.path, "--witness", signed])
        #expect(accepted.status == 0, "\(Self.lines(accepted))")
        #expect(accepted.stdoutText.contains("the witness is signed by"), "\(accepted.stdoutText)")
        // Without the keys folder: the certificate archived in the lycée object is enough.
        let archivedOnly = try TestSupport.livret(["journal", "verify", "--archive", home.path, "--keys", folder.appendingPathComponent("none").path, "--witness", signed])
        #expect(archivedOnly.status == 0, "\(Self.lines(archivedOnly))")

        // The hand-over sheet prints the head signed when its class was recorded (the token may be
        // broken over lines: read without white space); it is accepted as a witness too.
        let sheet = try TestSupport.pdfText(run.out.appendingPathComponent("1S1-emargement.pdf")).filter { !$0.isWhitespace }
        let start = try #require(sheet.range(of: "LSLJ1:"), "\(sheet)")
        let printed = String(sheet[start.lowerBound...].prefix(signed.count))
        #expect(printed == run.summary.divisions.first?.signedJournalHead, "\(printed)")
        #expect(printed.hasPrefix(signed.split(separator: ":").prefix(4).joined(separator: ":") + ":"), "\(printed)")
        let fromSheet = try TestSupport.livret(["journal", "verify", "--archive", home.path, "--keys", keys.path, "--witness", printed])
        #expect(fromSheet.status == 0, "\(printed): \(Self.lines(fromSheet))")

        // A forged signature: one character of the signature changed.
        var characters = Array(signed)
        let index = characters.count - 20
        characters[index] = characters[index] == "a" ? "b" : "a"
        let forged = try TestSupport.livret(["journal", "verify", "--archive", home.path, "--keys", keys.path, "--witness", String(characters)])
        #expect(forged.status == 1 && forged.stdoutText.contains("signature is not the lycée's"), "\(Self.lines(forged))")
        // The same head's text with its sequence number changed (the signature no longer matches).
        let parts = signed.split(separator: ":").map(String.init)
        let renumbered = ([parts[0], parts[1], String(Int(parts[2])! + 1)] + parts[3...]).joined(separator: ":")
        let moved = try TestSupport.livret(["journal", "verify", "--archive", home.path, "--keys", keys.path, "--witness", renumbered])
        #expect(moved.status == 1 && moved.stdoutText.contains("signature is not the lycée's"), "\(Self.lines(moved))")

        // A head signed by another key (a second keys folder), trusted only through --trust of the real one.
        let other = folder.appendingPathComponent("OtherKeys")
        try #require(try TestSupport.livret(["keys", "init", "--etablissement", SignedPrintRunTests.profile.path, "--keys", other.path]).status == 0)
        let identity = try KeysFolder(url: other).load()
        let head = try SignedJournalHead.sign(uai: Self.uai, seq: Int(parts[2])!, sha256: parts[3], time: Date(), signer: identity.signer)
        let impostor = try TestSupport.livret([
            "journal", "verify", "--archive", home.path, "--trust", keys.appendingPathComponent("signing-cert.pem").path, "--witness", head.description,
        ])
        #expect(impostor.status == 1 && impostor.stdoutText.contains("signature is not the lycée's"), "\(Self.lines(impostor))")

        let malformed = try TestSupport.livret(["journal", "verify", "--archive", home.path, "--witness", "LSLJ1:0351261X:1:ab:20261202T093000Z:AAAA"])
        #expect(malformed.status == 64 && malformed.stderr.contains("UAI (part 2)"), "\(malformed.stderr)")
        #expect(SignedJournalHead.problem(parts[0...4].joined(separator: ":") + ":AAAA")?.contains("signature (part 6)") == true)
        // Typed from paper with spaces and a line break inside: the same head.
        let typed = signed.enumerated().map { $0.offset % 16 == 15 ? "\($0.element) " : "\($0.element)" }.joined().replacingOccurrences(of: ":2026", with: ":\n2026")
        #expect(SignedJournalHead(typed)?.description == signed)
    }

    @Test("verify --archive: authentic and current; superseded; not superseded by a version that only adds a receipt; not in this archive; source that does not render to the livret; certificates from the archive")
    func verifyWithArchive() async throws {
        let folder = try TestSupport.temporaryDirectory("verify-archive")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try SignedPrintRunTests.keys(in: folder)
        let home = folder.appendingPathComponent("Archive")
        let lea = try PipelineTests.pupil("MARTIN", "Léa", ine: 41, division: "1S1")
        let hugo = try PipelineTests.pupil("BERNARD", "Hugo", ine: 42, division: "1S1")
        let first = try Self.printRun([lea, hugo], folder: folder, name: "1", home: home, keys: keys)
        let leaV1 = first.out.appendingPathComponent(try #require(first.summary.pupils.first { $0.ine == lea.eleve.ine }).file)
        let hugoV1 = first.out.appendingPathComponent(try #require(first.summary.pupils.first { $0.ine == hugo.eleve.ine }).file)

        let ok = try TestSupport.livret(["verify", "--archive", home.path, "--keys", keys.path, leaV1.path, hugoV1.path])
        #expect(ok.status == 0, "\(Self.lines(ok))")
        #expect(ok.stdoutText.split(separator: "\n").filter { $0.contains("authentic: signed by") && $0.contains(", v1, issued on ") && $0.contains("the latest version") }.count == 2,
                "\(ok.stdoutText)")

        // No keys folder, no --trust: the certificates archived in the lycée object are trusted.
        let archivedTrust = try TestSupport.livret(["verify", "--archive", home.path, "--keys", folder.appendingPathComponent("none").path, leaV1.path])
        #expect(archivedTrust.status == 0, "\(Self.lines(archivedTrust))")

        // A version that only adds a returned receipt does not supersede the livret.
        let scan = folder.appendingPathComponent("scan.pdf")
        try Data("%PDF-1.4 scan".utf8).write(to: scan)
        let put = try TestSupport.livret(["archive", "put", "--archive", home.path, "--ine", hugo.eleve.ine, "--file", scan.path, "--as", "2015-2016/recepisse-retour.pdf", "--message", "stub"])
        try #require(put.status == 0, "\(put.stderr)")
        let stillCurrent = try TestSupport.livret(["verify", "--archive", home.path, "--keys", keys.path, hugoV1.path])
        #expect(stillCurrent.status == 0 && stillCurrent.stdoutText.contains(", v1, issued on "), "\(Self.lines(stillCurrent))")

        // Léa's livret corrected and issued again: the first copy is superseded by v2.
        var corrected = lea
        corrected.scolarites[0].evaluations[0].appreciation = "Corrigée."
        _ = try Self.printRun([corrected], folder: folder, name: "2", home: home, keys: keys)
        let superseded = try TestSupport.livret(["verify", "--archive", home.path, "--keys", keys.path, leaV1.path])
        #expect(superseded.status == 1, "\(Self.lines(superseded))")
        let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
        #expect(superseded.stdoutText.contains("superseded by v2 on \(today)"), "\(superseded.stdoutText)")

        // Signed by the lycée but never archived (a render --sign of the same document): not in this archive.
        let document = folder.appendingPathComponent("lea.json")
        try lea.encoded().write(to: document)
        let loose = folder.appendingPathComponent("loose.pdf")
        try #require(try TestSupport.livret(["render", document.path, "-o", loose.path, "--sign", "--keys", keys.path]).status == 0)
        let notArchived = try TestSupport.livret(["verify", "--archive", home.path, "--keys", keys.path, loose.path])
        #expect(notArchived.status == 1 && notArchived.stdoutText.contains("not in this archive"), "\(Self.lines(notArchived))")
        // Another archive, without this pupil.
        let otherHome = folder.appendingPathComponent("OtherArchive")
        _ = try Self.printRun([try PipelineTests.pupil("PETIT", "Inès", ine: 43, division: "TS2")], folder: folder, name: "3", home: otherHome, keys: keys)
        let elsewhere = try TestSupport.livret(["verify", "--archive", otherHome.path, "--keys", keys.path, hugoV1.path])
        #expect(elsewhere.status == 1 && elsewhere.stdoutText.contains("not in this archive (no pupil \(hugo.eleve.ine))"), "\(Self.lines(elsewhere))")

        // Signed by the lycée's key, but its embedded source is another document than the one drawn.
        let renderer = try LivretRenderer(resources: PipelineTests.resources, producer: "livret test")
        let engine = try renderer.engine(for: hugo, source: "hugo")
        let pages = try engine.layout(hugo)
        let drawn = try PDFWriter.render(pages, fonts: try PDFFonts(files: engine.fonts.files), metadata: renderer.metadata(hugo),
                                         archival: .livret(source: corrected.encoded()))
        let identity = try KeysFolder(url: keys).load()
        let resigned = try PAdESSigner(signer: identity.signer).sign(pdf: [UInt8](drawn), date: Date(), name: "forged")
        let forgedURL = folder.appendingPathComponent("forged.pdf")
        try Data(resigned).write(to: forgedURL)
        let sourceCheck = try TestSupport.livret(["verify", "--archive", home.path, "--keys", keys.path, forgedURL.path])
        #expect(sourceCheck.status == 1 && sourceCheck.stdoutText.contains("the embedded source does not render to this livret"), "\(Self.lines(sourceCheck))")
        // Without --archive only the signature is checked: authentic.
        let signatureOnly = try TestSupport.livret(["verify", "--keys", keys.path, forgedURL.path])
        #expect(signatureOnly.status == 0, "\(Self.lines(signatureOnly))")

        // An altered byte is still "altered after signing" with an archive at hand.
        var bytes = try Data(contentsOf: hugoV1)
        bytes[2000] ^= 0x01
        let altered = folder.appendingPathComponent("altered.pdf")
        try bytes.write(to: altered)
        let alteredCheck = try TestSupport.livret(["verify", "--archive", home.path, "--keys", keys.path, altered.path])
        #expect(alteredCheck.status == 1 && alteredCheck.stdoutText.contains("altered after signing"), "\(Self.lines(alteredCheck))")

        // An archive path holding no archive: exit 74, nothing created.
        let nowhere = folder.appendingPathComponent("nowhere")
        let missing = try TestSupport.livret(["verify", "--archive", nowhere.path, "--keys", keys.path, hugoV1.path])
        #expect(missing.status == 74 && !FileManager.default.fileExists(atPath: nowhere.path), "\(Self.lines(missing))")
    }

    @Test("verify --qr: authentic; wrong SHA-256; unknown INE; unknown version; superseded; malformed strings name the part")
    func verifyCode() throws {
        let folder = try TestSupport.temporaryDirectory("verify-qr")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try SignedPrintRunTests.keys(in: folder)
        let home = folder.appendingPathComponent("Archive")
        let lea = try PipelineTests.pupil("MARTIN", "Léa", ine: 51, division: "1S1")
        let run = try Self.printRun([lea], folder: folder, name: "1", home: home, keys: keys)
        let pupil = try #require(run.summary.pupils.first)
        let uai = lea.etablissement.uai
        let year = lea.scolarites[0].anneeLabel
        func check(_ code: String) throws -> ProcessResult { try TestSupport.livret(["verify", "--archive", home.path, "--qr", code]) }

        let good = "LSL1:\(uai):\(lea.eleve.ine):\(year):v1:\(pupil.sha256)"
        let ok = try check(good)
        #expect(ok.status == 0, "\(Self.lines(ok))")
        #expect(ok.stdoutText.contains("authentic: archived as INE \(lea.eleve.ine), \(year), v1, issued on"), "\(ok.stdoutText)")
        #expect(!ok.stdoutText.contains("MARTIN") && !ok.stdoutText.contains("Léa"), "no name printed: \(ok.stdoutText)")

        let wrongDigest = String(pupil.sha256.reversed())
        let wrong = try check("LSL1:\(uai):\(lea.eleve.ine):\(year):v1:\(wrongDigest)")
        #expect(wrong.status == 1 && wrong.stdoutText.contains("has another SHA-256"), "\(Self.lines(wrong))")
        let unknown = try check("LSL1:\(uai):\(PipelineTests.ine(59)):\(year):v1:\(pupil.sha256)")
        #expect(unknown.status == 1 && unknown.stdoutText.contains("not in this archive (no pupil"), "\(Self.lines(unknown))")
        let otherLycee = try check("LSL1:0351261F:\(lea.eleve.ine):\(year):v1:\(pupil.sha256)")
        #expect(otherLycee.status == 1 && otherLycee.stdoutText.contains("issued by \(uai), not 0351261F"), "\(Self.lines(otherLycee))")
        let noVersion = try check("LSL1:\(uai):\(lea.eleve.ine):\(year):v9:\(pupil.sha256)")
        #expect(noVersion.status == 1 && noVersion.stdoutText.contains("has no version v9"), "\(Self.lines(noVersion))")

        var corrected = lea
        corrected.scolarites[0].evaluations[0].appreciation = "Corrigée."
        _ = try Self.printRun([corrected], folder: folder, name: "2", home: home, keys: keys)
        let superseded = try check(good)
        #expect(superseded.status == 1 && superseded.stdoutText.contains("superseded by v2 on"), "\(Self.lines(superseded))")

        let noArchive = try TestSupport.livret(["verify", "--archive", folder.appendingPathComponent("none").path, "--qr", good])
        #expect(noArchive.status == 74 && noArchive.stderr.contains("no archive there"), "\(Self.lines(noArchive))")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("none").path))

        for (code, part) in [
            ("LSL2:\(uai):\(lea.eleve.ine):\(year):v1:\(pupil.sha256)", "does not start with LSL1:"),
            ("LSL1:\(uai):\(lea.eleve.ine):\(year):v1", "5 parts"),
            ("LSL1:0382032D:\(lea.eleve.ine):\(year):v1:\(pupil.sha256)", "the UAI (part 2)"),
            ("LSL1:\(uai):12345:\(year):v1:\(pupil.sha256)", "the INE (part 3)"),
            ("LSL1:\(uai):\(lea.eleve.ine):2015-2017:v1:\(pupil.sha256)", "the school year (part 4)"),
            ("LSL1:\(uai):\(lea.eleve.ine):\(year):1:\(pupil.sha256)", "the version (part 5)"),
            ("LSL1:\(uai):\(lea.eleve.ine):\(year):v1:\(pupil.sha256.prefix(63))", "the SHA-256 (part 6)"),
        ] {
            let result = try check(code)
            #expect(result.status == 1 && result.stdoutText.contains(part), "\(code): \(Self.lines(result))")
        }
    }
}
