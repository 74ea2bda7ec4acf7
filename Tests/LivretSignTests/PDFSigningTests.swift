import Foundation
import LivretSign
import LivretTestSupport
import Testing

/// `livret sign` and `livret verify` on a real livret, checked by poppler's pdfsig and pyHanko.
@Suite("PAdES signatures", .serialized)
struct PDFSigningTests {
    /// A keys folder, the unsigned specimen and its signed copy, in a temporary folder.
    struct Signed {
        var directory: URL
        var keys: URL
        var certificate: URL { keys.appendingPathComponent("signing-cert.pem") }
        var unsigned: URL
        var signed: URL
        /// The signing time written in /M (now, to the second).
        var date: String
    }

    static func signed() throws -> Signed {
        let directory = try TestSupport.temporaryDirectory("sign")
        let keys = try SignFixtures.keysFolder(in: directory)
        let unsigned = try SignFixtures.unsignedPDF(in: directory)
        let signed = directory.appendingPathComponent("signed.pdf")
        let date = CertificateSummary.timestamp(Date())
        let result = try TestSupport.livret(["sign", unsigned.path, "-o", signed.path, "--keys", keys.path, "--date", date])
        try #require(result.status == 0, "sign: \(result.stderr)")
        return Signed(directory: directory, keys: keys, unsigned: unsigned, signed: signed, date: date)
    }

    /// The /ByteRange of the (last) signature, read with qpdf's JSON (not with our own parser).
    static func byteRange(_ pdf: URL) throws -> [Int] {
        let text = String(decoding: try Data(contentsOf: pdf), as: UTF8.self)
        let ranges = text.components(separatedBy: "/ByteRange [").dropFirst()
        let last = try #require(ranges.last)
        return last.prefix { $0 != "]" }.split(separator: " ").compactMap { Int($0) }
    }

    @Test("the signed file is the unsigned render byte for byte, then a valid, whole-file signature (pdfsig, qpdf)")
    func signedSpecimen() throws {
        let fixture = try Self.signed()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let unsigned = try Data(contentsOf: fixture.unsigned)
        let signed = try Data(contentsOf: fixture.signed)
        #expect(signed.count > unsigned.count)
        #expect(try TestSupport.sha256(signed.prefix(unsigned.count)) == TestSupport.sha256(unsigned), "first revision kept byte for byte")

        let pdfsig = try SignFixtures.pdfsig(fixture.signed)
        #expect(pdfsig.stdoutText.contains("Signature is Valid"), "\(pdfsig.stdoutText)")
        #expect(pdfsig.stdoutText.contains("Total document signed"), "\(pdfsig.stdoutText)")
        #expect(pdfsig.stdoutText.contains("ETSI.CAdES.detached"))
        let qpdf = try TestSupport.run("qpdf", ["--check", fixture.signed.path])
        #expect(qpdf.status == 0, "\(qpdf.stdoutText)\(qpdf.stderr)")
        // The reader sees the same pages and text as before.
        #expect(try TestSupport.pdfText(fixture.signed) == TestSupport.pdfText(fixture.unsigned))
        #expect(try TestSupport.pdfInfo(fixture.signed)["Pages"] == TestSupport.pdfInfo(fixture.unsigned)["Pages"])

        let range = try Self.byteRange(fixture.signed)
        #expect(range.count == 4 && range[0] == 0 && range[2] + range[3] == signed.count)
        #expect((range[2] - range[1] - 2) == 2 * PAdESSigner.reservedSignatureBytes)

        let verify = try TestSupport.livret(["verify", fixture.signed.path, "--keys", fixture.keys.path])
        #expect(verify.status == 0, "\(verify.stdoutText)\(verify.stderr)")
        #expect(verify.stdoutText == "\(fixture.signed.path): authentic: signed by Lycée général et technologique Louis-Guilloux (0351261F) on \(fixture.date)\n")
        let withTrust = try TestSupport.livret(["verify", fixture.signed.path, "--trust", fixture.certificate.path, "--keys", "/nonexistent"])
        #expect(withTrust.status == 0)
    }

    @Test("pyHanko (CLI and API), trusting the lycée's certificate: intact, valid, whole file, exactly the B-B attributes")
    func pyHankoAgrees() throws {
        let environment = try SignFixtures.pyHankoEnvironment()
        let fixture = try Self.signed()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let cli = try TestSupport.run(environment.appendingPathComponent("bin/pyhanko").path,
                                      ["sign", "validate", "--pretty-print", "--trust-replace", "--trust", fixture.certificate.path, fixture.signed.path])
        #expect(cli.status == 0, "\(cli.stdoutText)\(cli.stderr)")
        #expect(cli.stdoutText.contains("The signature is judged VALID."), "\(cli.stdoutText)")
        #expect(cli.stdoutText.contains("The signer's certificate is trusted."))
        #expect(cli.stdoutText.contains("The signature is cryptographically sound."))
        #expect(cli.stdoutText.contains("The signature covers the entire file."))

        let script = TestSupport.repositoryRoot.appendingPathComponent("Tests/LivretSignTests/pyhanko_check.py")
        let api = try TestSupport.run(environment.appendingPathComponent("bin/python").path, [script.path, fixture.signed.path, fixture.certificate.path])
        #expect(api.status == 0, "\(api.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: api.stdout) as? [String: Any])
        #expect(report["intact"] as? Bool == true)
        #expect(report["valid"] as? Bool == true)
        #expect(report["trusted"] as? Bool == true)
        #expect(report["coverage"] as? String == "ENTIRE_FILE")
        #expect(report["sub_filter"] as? String == "/ETSI.CAdES.detached")
        #expect(report["signed_attributes"] as? [String] == ["content_type", "message_digest", "signing_certificate_v2"],
                "\(report["signed_attributes"] ?? "-")")
    }

    @Test("a byte flipped in a signed range: pdfsig, pyHanko and livret verify all refuse", arguments: [0, 1, 2, 3])
    func flippedByte(slot: Int) throws {
        let fixture = try Self.signed()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let range = try Self.byteRange(fixture.signed)
        let seed = UInt64(slot) &* 0x9E3779B97F4A7C15 &+ 12
        print("flippedByte: seed \(seed)")
        var generator = SplitMix(seed: seed)
        // Slots: inside the first revision, the signature dictionary, the update after /Contents, the trailer.
        let offset: Int
        switch slot {
        case 0: offset = Int.random(in: 100..<(range[1] - 20_000), using: &generator)
        case 1: offset = range[1] - Int.random(in: 1...8, using: &generator)
        case 2: offset = range[2] + Int.random(in: 1...20, using: &generator)
        default: offset = range[2] + range[3] - Int.random(in: 20...40, using: &generator)
        }
        print("flippedByte: offset \(offset) of \(range[2] + range[3])")
        let damaged = fixture.directory.appendingPathComponent("damaged.pdf")
        try SignFixtures.flipped(fixture.signed, at: offset, to: damaged)

        let pdfsig = try SignFixtures.pdfsig(damaged)
        #expect(!(pdfsig.status == 0 && pdfsig.stdoutText.contains("Signature is Valid") && pdfsig.stdoutText.contains("Total document signed")),
                "\(pdfsig.stdoutText)")
        let verify = try TestSupport.livret(["verify", damaged.path, "--keys", fixture.keys.path])
        #expect(verify.status == 1, "\(verify.stdoutText)")
        #expect(verify.stdoutText.contains("altered after signing"), "\(verify.stdoutText)")

        if let environment = try? SignFixtures.pyHankoEnvironment() {
            let cli = try TestSupport.run(environment.appendingPathComponent("bin/pyhanko").path,
                                          ["sign", "validate", "--pretty-print", "--trust-replace", "--trust", fixture.certificate.path, damaged.path])
            #expect(!(cli.status == 0 && cli.stdoutText.contains("The signature is judged VALID.")), "\(cli.stdoutText)")
        } else {
            Issue.record("pyHanko environment missing: run make test-deps")
        }
    }

    @Test("bytes appended after the signature: livret verify says so, pdfsig no longer sees the whole document signed")
    func bytesAppended() throws {
        let fixture = try Self.signed()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let extended = fixture.directory.appendingPathComponent("extended.pdf")
        try (try Data(contentsOf: fixture.signed) + Data("% added later\n".utf8)).write(to: extended)
        let verify = try TestSupport.livret(["verify", fixture.signed.path, extended.path, "--keys", fixture.keys.path])
        #expect(verify.status == 1)
        let lines = verify.stdoutText.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.contains("authentic") == true)
        #expect(lines.last == "\(extended.path): bytes added after the signature (14 bytes not covered)", "\(verify.stdoutText)")
        let pdfsig = try SignFixtures.pdfsig(extended)
        #expect(!pdfsig.stdoutText.contains("Total document signed"), "\(pdfsig.stdoutText)")
    }

    @Test("a signature by another lycée is 'not issued by' the trusted one; an unsigned file is 'not signed'")
    func otherLyceeAndUnsigned() throws {
        let fixture = try Self.signed()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let otherKeys = fixture.directory.appendingPathComponent("OtherKeys")
        let profile = try SignFixtures.otherProfile(in: fixture.directory)
        #expect(try TestSupport.livret(["keys", "init", "--etablissement", profile.path, "--keys", otherKeys.path]).status == 0)
        let verify = try TestSupport.livret(["verify", fixture.signed.path, "--keys", otherKeys.path])
        #expect(verify.status == 1)
        #expect(verify.stdoutText == "\(fixture.signed.path): not issued by 0382032C\n", "\(verify.stdoutText)")
        let unsigned = try TestSupport.livret(["verify", fixture.unsigned.path, "--keys", fixture.keys.path])
        #expect(unsigned.status == 1 && unsigned.stdoutText == "\(fixture.unsigned.path): not signed\n")
        let missing = try TestSupport.livret(["verify", fixture.directory.appendingPathComponent("none.pdf").path, "--keys", fixture.keys.path])
        #expect(missing.status == 74 && missing.stdoutText.contains("cannot be read"))
    }

    @Test("a signing date outside the certificate's validity is said, not passed")
    func signingDateOutsideValidity() throws {
        let fixture = try Self.signed()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        // Signed with /M 2016-07-02, before this certificate (made today) was valid.
        let early = fixture.directory.appendingPathComponent("early.pdf")
        let sign = try TestSupport.livret(["sign", fixture.unsigned.path, "-o", early.path, "--keys", fixture.keys.path, "--date", "2016-07-02"])
        #expect(sign.status == 0)
        let verify = try TestSupport.livret(["verify", early.path, "--keys", fixture.keys.path])
        #expect(verify.status == 1)
        #expect(verify.stdoutText.contains("its certificate was not valid on 2016-07-02"), "\(verify.stdoutText)")
    }

    @Test("PDFs of other writers: qpdf's rewrite is signed (classic xref), an xref stream is refused clearly, a second signature is added")
    func otherStructures() throws {
        let fixture = try Self.signed()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let rewritten = fixture.directory.appendingPathComponent("qpdf.pdf")
        #expect(try TestSupport.run("qpdf", ["--object-streams=disable", "--normalize-content=y", fixture.unsigned.path, rewritten.path]).status == 0)
        let signedRewrite = fixture.directory.appendingPathComponent("qpdf-signed.pdf")
        let sign = try TestSupport.livret(["sign", rewritten.path, "-o", signedRewrite.path, "--keys", fixture.keys.path])
        #expect(sign.status == 0, "\(sign.stderr)")
        let pdfsig = try SignFixtures.pdfsig(signedRewrite)
        #expect(pdfsig.stdoutText.contains("Signature is Valid") && pdfsig.stdoutText.contains("Total document signed"), "\(pdfsig.stdoutText)")

        let streams = fixture.directory.appendingPathComponent("streams.pdf")
        #expect(try TestSupport.run("qpdf", ["--object-streams=generate", fixture.unsigned.path, streams.path]).status == 0)
        let refused = try TestSupport.livret(["sign", streams.path, "-o", fixture.directory.appendingPathComponent("x.pdf").path, "--keys", fixture.keys.path])
        #expect(refused.status == 1 && refused.stderr.contains(streams.path) && refused.stderr.contains("xref stream"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("x.pdf").path))

        // Signing a signed file: the existing /AcroForm gets the second field; both signatures verify.
        let twice = fixture.directory.appendingPathComponent("twice.pdf")
        #expect(try TestSupport.livret(["sign", fixture.signed.path, "-o", twice.path, "--keys", fixture.keys.path]).status == 0)
        let both = try SignFixtures.pdfsig(twice)
        #expect(both.stdoutText.components(separatedBy: "Signature is Valid").count == 3, "\(both.stdoutText)")
        #expect(try TestSupport.run("qpdf", ["--check", twice.path]).status == 0)
        #expect(try TestSupport.livret(["verify", twice.path, "--keys", fixture.keys.path]).status == 0)
    }
}

extension PDFSigningTests {
    @Test("a PDF/A-style finished file (catalog with /Metadata, /AF, /Lang, attachments; trailer /ID; an indirect /Annots): every key kept, signature valid")
    func finishedPDF() throws {
        let fixture = try Self.signed()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let venv = try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("python-tools-env").path, []).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let python = URL(fileURLWithPath: venv).appendingPathComponent("bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "python-tools-env gave no venv")
        let script = TestSupport.repositoryRoot.appendingPathComponent("Tests/LivretSignTests/pdfa_like.py").path
        let finished = fixture.directory.appendingPathComponent("finished.pdf")
        let made = try TestSupport.run(python, [script, fixture.unsigned.path, finished.path])
        try #require(made.status == 0, "\(made.stderr)")
        let signed = fixture.directory.appendingPathComponent("finished-signed.pdf")
        let sign = try TestSupport.livret(["sign", finished.path, "-o", signed.path, "--keys", fixture.keys.path])
        #expect(sign.status == 0, "\(sign.stderr)")
        let finishedBytes = try Data(contentsOf: finished)
        #expect(try TestSupport.sha256(Data(contentsOf: signed).prefix(finishedBytes.count)) == TestSupport.sha256(finishedBytes))
        let pdfsig = try SignFixtures.pdfsig(signed)
        #expect(pdfsig.stdoutText.contains("Signature is Valid") && pdfsig.stdoutText.contains("Total document signed"), "\(pdfsig.stdoutText)")
        #expect(try TestSupport.run("qpdf", ["--check", signed.path]).status == 0)

        let inspected = try TestSupport.run(python, [script, "--inspect", signed.path])
        let report = try #require(try JSONSerialization.jsonObject(with: inspected.stdout) as? [String: Any], "\(inspected.stderr)")
        // The render is already PDF/A (OutputIntents, structure tree, its own livret.json); the
        // pikepdf step adds /Metadata, /Lang, /AF and source.json again: signing adds only /AcroForm.
        #expect(report["root_keys"] as? [String] == [
            "/AF", "/AcroForm", "/Lang", "/MarkInfo", "/Metadata", "/Names", "/OutputIntents", "/Pages", "/StructTreeRoot", "/Type", "/ViewerPreferences",
        ])
        #expect(report["lang"] as? String == "fr-FR")
        #expect(report["attachments"] as? [String] == ["livret.json", "source.json"])
        #expect((report["id"] as? [String])?.count == 2)
        #expect(report["annotation_subtypes"] as? [String] == ["/Link", "/Widget"])
        #expect(report["field_types"] as? [String] == ["/Sig"])
        #expect(report["sig_flags"] as? Int == 3)
        // The trailer /ID of the update is the original's.
        let text = String(decoding: try Data(contentsOf: signed), as: UTF8.self)
        // (`/ID [` only: the structure tree's `/IDTree` and header cells' `/ID` are not the trailer's.)
        let ids = text.components(separatedBy: "/ID [").dropFirst().map { $0.prefix { $0 != "]" } }
        #expect(ids.count == 2 && ids.first == ids.last, "\(ids)")
        // The shared PDF/A pre-check finds nothing more in the signed file than in the finished one.
        let precheck = TestSupport.sharedTools.appendingPathComponent("pdfa-precheck").path
        let before = try TestSupport.run(precheck, [finished.path]).stdoutText.replacingOccurrences(of: finished.path, with: "F")
        let after = try TestSupport.run(precheck, [signed.path]).stdoutText.replacingOccurrences(of: signed.path, with: "F")
        #expect(before == after, "before:\n\(before)\nafter:\n\(after)")
    }
}

/// A small seeded generator (SplitMix64), so that a failing case can be replayed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
