import Foundation
import LivretModel
import LivretTestSupport
import Testing

/// Signed livrets through the binary: `print-run` with and without a key, `--require-signature`,
/// `render --sign`, the journal they write, and what pdfsig and `livret verify` say of the files.
@Suite("Signed print runs and renders")
struct SignedPrintRunTests {
    static let profile = TestSupport.repositoryRoot.appendingPathComponent("Samples/lycee/etablissement.json")
    static let secret = "APPRÉCIATION-À-NE-JAMAIS-JOURNALISER"

    /// Three pupils in two divisions (2 in 1S1, 1 in TS2), each with an appreciation the journal must not hold.
    static func dataset(in folder: URL) throws -> URL {
        try PipelineTests.dataset([
            try PipelineTests.pupil("MARTIN", "Léa", ine: 11, division: "1S1", appreciation: secret),
            try PipelineTests.pupil("BERNARD", "Hugo", ine: 12, division: "1S1", appreciation: secret),
            try PipelineTests.pupil("PETIT", "Inès", ine: 13, division: "TS2", appreciation: secret),
        ], in: folder)
    }

    static func keys(in folder: URL) throws -> URL {
        let keys = folder.appendingPathComponent("Keys")
        let result = try TestSupport.livret(["keys", "init", "--etablissement", profile.path, "--keys", keys.path])
        try #require(result.status == 0, "keys init: \(result.stderr)")
        return keys
    }

    struct Summary: Decodable {
        struct Pupil: Decodable { var ine: String; var division: String; var file: String; var sha256: String; var archiveVersion: String? }
        struct File: Decodable { var path: String; var sha256: String; var bytes: Int }
        struct Signature: Decodable { var time: String; var certificateSHA256: String }
        struct Journal: Decodable { var recorded: Int; var head: String? }
        var pupils: [Pupil]
        var files: [File]
        var signature: Signature?
        var journal: Journal?
    }

    struct Entry: Decodable { var seq: Int; var actor: String; var action: String; var ine: String?; var object: String?; var version: String?; var sha256: String?; var time: String }

    static func summary(_ out: URL) throws -> Summary {
        try JSONDecoder().decode(Summary.self, from: Data(contentsOf: out.appendingPathComponent("print-run.json")))
    }

    @Test("with a key: every pupil livret signed (pdfsig: valid, whole document), authentic, digests of the files as written, one journal entry each, heads on the sheets")
    func signedRun() throws {
        let folder = try TestSupport.temporaryDirectory("signed-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try Self.dataset(in: folder)
        let keys = try Self.keys(in: folder)
        let out = folder.appendingPathComponent("out")
        let home = folder.appendingPathComponent("Archive")
        let before = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let run = try TestSupport.livret([
            "print-run", dataset.path, "--all", "--out", out.path, "--archive", home.path, "--keys", keys.path,
            "--user", "Mme Secrétaire", "--date", "2016-06-24", "--quiet",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("NOT signed"), "\(run.stderr)")

        let summary = try Self.summary(out)
        #expect(summary.pupils.count == 3)
        // The signing time is the run's clock time (UTC, whole seconds), not the sheet's date.
        let signature = try #require(summary.signature)
        let time = try #require(ISO8601DateFormatter().date(from: signature.time))
        #expect(time >= before && time <= Date(), "\(signature.time)")

        // Digests of the files as written (signed), in pupils and files alike.
        for file in summary.files {
            let data = try Data(contentsOf: out.appendingPathComponent(file.path))
            #expect(try TestSupport.sha256(data) == file.sha256, "\(file.path)")
            #expect(data.count == file.bytes)
        }
        for pupil in summary.pupils {
            #expect(try TestSupport.sha256(out.appendingPathComponent(pupil.file)) == pupil.sha256)
        }

        // pdfsig: valid, whole document signed, on a pupil file; class PDFs and sheets unsigned.
        let first = out.appendingPathComponent(summary.pupils[0].file)
        let pdfsig = try TestSupport.run("pdfsig", [first.path])
        #expect(pdfsig.stdoutText.contains("Signature is Valid"), "\(pdfsig.stdoutText)")
        #expect(pdfsig.stdoutText.contains("Total document signed"), "\(pdfsig.stdoutText)")
        for unsigned in ["1S1.pdf", "1S1-emargement.pdf"] {
            let result = try TestSupport.run("pdfsig", [out.appendingPathComponent(unsigned).path])
            #expect(!result.stdoutText.contains("Signature #1"), "\(unsigned): \(result.stdoutText)")
        }

        // livret verify: every pupil file authentic.
        let verify = try TestSupport.livret(["verify", "--keys", keys.path] + summary.pupils.map { out.appendingPathComponent($0.file).path })
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderr)")
        #expect(verify.stdoutText.split(separator: "\n").filter { $0.contains(": authentic: signed by") }.count == 3, "\(verify.stdoutText)")

        // The journal: one entry per pupil, the digest of the file issued, no appreciation.
        let journalFile = home.appendingPathComponent("journal.jsonl")
        let journalText = try String(contentsOf: journalFile, encoding: .utf8)
        #expect(!journalText.contains(Self.secret))
        let show = try TestSupport.livret(["journal", "show", "--archive", home.path, "--json"])
        try #require(show.status == 0, "\(show.stderr)")
        let entries = try JSONDecoder().decode([Entry].self, from: show.stdout)
        #expect(entries.count == 3)
        for pupil in summary.pupils {
            let matching = entries.filter { $0.ine == pupil.ine }
            #expect(matching.count == 1, "\(pupil.ine)")
            #expect(matching.first?.sha256 == pupil.sha256)
            #expect(matching.first?.version == pupil.archiveVersion && pupil.archiveVersion == "v1")
            #expect(matching.first?.object == "urn:lsl:ine:\(pupil.ine)")
            #expect(matching.first?.actor == "Mme Secrétaire")
            #expect(matching.first?.action == "print-run")
            #expect(matching.first?.time == signature.time)
        }
        let check = try TestSupport.livret(["journal", "verify", "--archive", home.path])
        #expect(check.status == 0, "\(check.stdoutText)")
        #expect(check.stdoutText.contains("3 entries, intact, head \(try #require(summary.journal?.head))"))
        #expect(summary.journal?.recorded == 3)

        // Each hand-over sheet ends with the head after its class's entries: seq:first 16 hex of that line's SHA-256.
        let lines = journalText.split(separator: "\n").map { Data($0.utf8) }
        for division in ["1S1", "TS2"] {
            let lastSeq = try #require(entries.filter { entry in summary.pupils.contains { $0.ine == entry.ine && $0.division == division } }.map(\.seq).max())
            let head = "\(lastSeq):\(try TestSupport.sha256(lines[lastSeq - 1]).prefix(16))"
            let text = try TestSupport.pdfText(out.appendingPathComponent("\(division)-emargement.pdf"))
            #expect(text.contains("Journal : \(head)"), "\(division): \(text)")
        }
    }

    @Test("without a key: one warning naming `livret keys init`, unsigned livrets, no journal; --require-signature: exit 1, nothing written")
    func noKey() throws {
        let folder = try TestSupport.temporaryDirectory("unsigned-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try Self.dataset(in: folder)
        let keys = folder.appendingPathComponent("NoKeys")
        let home = folder.appendingPathComponent("Archive")

        let refused = folder.appendingPathComponent("refused")
        let strict = try TestSupport.livret([
            "print-run", dataset.path, "--all", "--out", refused.path, "--archive", home.path, "--keys", keys.path, "--require-signature", "--quiet",
        ])
        #expect(strict.status == 1, "\(strict.stderr)")
        #expect(strict.stderr.contains("no signing key") && strict.stderr.contains("livret keys init"), "\(strict.stderr)")
        #expect(!FileManager.default.fileExists(atPath: refused.path))
        #expect(!FileManager.default.fileExists(atPath: home.path))

        let out = folder.appendingPathComponent("out")
        let run = try TestSupport.livret([
            "print-run", dataset.path, "--all", "--out", out.path, "--archive", home.path, "--keys", keys.path, "--quiet",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "NOT signed").count == 2, "\(run.stderr)")
        #expect(run.stderr.contains("livret keys init"))
        let summary = try Self.summary(out)
        #expect(summary.signature == nil && summary.journal == nil)
        let pdfsig = try TestSupport.run("pdfsig", [out.appendingPathComponent(summary.pupils[0].file).path])
        #expect(!pdfsig.stdoutText.contains("Signature #1"), "\(pdfsig.stdoutText)")
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("journal.jsonl").path))
    }

    @Test("render --sign: the first revision is the unsigned render byte for byte; its source re-renders to it; one journal entry")
    func renderSign() throws {
        let folder = try TestSupport.temporaryDirectory("render-sign")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = try Self.keys(in: folder)
        let home = folder.appendingPathComponent("Archive")
        let specimen = TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json")
        let unsigned = folder.appendingPathComponent("unsigned.pdf")
        let signed = folder.appendingPathComponent("signed.pdf")
        try #require(try TestSupport.livret(["render", specimen.path, "-o", unsigned.path]).status == 0)
        let render = try TestSupport.livret(["render", specimen.path, "-o", signed.path, "--sign", "--keys", keys.path, "--archive", home.path, "--user", "proviseur"])
        try #require(render.status == 0, "\(render.stderr)")

        let plain = try Data(contentsOf: unsigned)
        let bytes = try Data(contentsOf: signed)
        // The first revision ends at the first %%EOF: it is the unsigned render.
        let eof = try #require(bytes.range(of: Data("%%EOF\n".utf8)))
        let firstRevision = bytes[..<eof.upperBound]
        #expect(try TestSupport.sha256(Data(firstRevision)) == TestSupport.sha256(plain))
        #expect(bytes.count > plain.count)
        let pdfsig = try TestSupport.run("pdfsig", [signed.path])
        #expect(pdfsig.stdoutText.contains("Signature is Valid") && pdfsig.stdoutText.contains("Total document signed"), "\(pdfsig.stdoutText)")

        // The embedded source of the signed file re-renders to the first revision.
        let json = folder.appendingPathComponent("source.json")
        let source = try TestSupport.livret(["source", signed.path, "-o", json.path])
        try #require(source.status == 0, "\(source.stderr)")
        let again = folder.appendingPathComponent("again.pdf")
        try #require(try TestSupport.livret(["render", json.path, "-o", again.path]).status == 0)
        #expect(try Data(contentsOf: again) == Data(firstRevision))

        let show = try TestSupport.livret(["journal", "show", "--archive", home.path, "--json"])
        let entries = try JSONDecoder().decode([Entry].self, from: show.stdout)
        #expect(entries.count == 1)
        #expect(entries.first?.action == "render-sign" && entries.first?.actor == "proviseur")
        #expect(entries.first?.sha256 == (try TestSupport.sha256(bytes)))

        // --sign without a key: refused, nothing written.
        let nothing = folder.appendingPathComponent("nothing.pdf")
        let refused = try TestSupport.livret(["render", specimen.path, "-o", nothing.path, "--sign", "--keys", folder.appendingPathComponent("none").path])
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: nothing.path))
    }
}
