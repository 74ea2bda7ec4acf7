import Foundation
import LivretJury
import LivretSign
import LivretTestSupport
import Testing

/// Two lycées (gen-lycee, two seeds, two keys) print and archive; their terminale livrets are
/// signed (`livret sign`: print-run does not sign in this branch yet) and put back with `livret
/// archive put`; each packages its terminale candidates for one centre, which verifies and ingests.
struct JuryFixture: Sendable {
    struct Lycee: Sendable {
        var uai: String
        var archive: URL
        var keys: URL
        var certificate: URL { keys.appendingPathComponent("signing-cert.pem") }
        var terminale: [String]
        var ines: [String]
        var bag: URL
    }

    var root: URL
    var lycees: [Lycee]

    static let shared: Result<JuryFixture, JuryFixtureError> = {
        do { return .success(try make()) } catch let error as JuryFixtureError { return .failure(error) } catch {
            return .failure(JuryFixtureError(message: "\(error)"))
        }
    }()

    static func get() throws -> JuryFixture { try shared.get() }

    static func run(_ arguments: [String]) throws -> ProcessResult {
        let result = try TestSupport.livret(arguments)
        guard result.status == 0 else { throw JuryFixtureError(message: "livret \(arguments.prefix(3).joined(separator: " ")): \(result.status) \(result.stderr)") }
        return result
    }

    static func make() throws -> JuryFixture {
        let root = try TestSupport.temporaryDirectory("jury")
        // Shared by every test of the suite: removed when the test process exits.
        juryFixtureRoot = strdup(root.path)
        atexit {
            if let path = juryFixtureRoot { try? FileManager.default.removeItem(atPath: String(cString: path)) }
        }
        let nomenclature = TestSupport.repositoryRoot.appendingPathComponent("Nomenclature/lsl-nomenclatures.xml")
        var lycees: [Lycee] = []
        for (seed, uai) in [(2015, "0351261F"), (7, "0382032C")] {
            print("gen-lycee seed \(seed), UAI \(uai)")
            let lycee = root.appendingPathComponent("lycee-\(uai)")
            let gen = try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("gen-lycee").path,
                                          ["--out", lycee.path, "--seed", "\(seed)", "--divisions", "4", "--pupils", "2", "--uai", uai])
            guard gen.status == 0 else { throw JuryFixtureError(message: "gen-lycee: \(gen.stderr)") }
            let dataset = lycee.appendingPathComponent("dataset")
            var importArguments = ["import", "--eleves", lycee.appendingPathComponent("ElevesSansAdresses.xml").path,
                                   "--evaluations", lycee.appendingPathComponent("import-lsl.xml").path,
                                   "--etablissement", lycee.appendingPathComponent("etablissement.json").path, "--into", dataset.path]
            importArguments += ["--nomenclature", nomenclature.path]
            _ = try run(importArguments)
            let keys = lycee.appendingPathComponent("Keys")
            _ = try run(["keys", "init", "--etablissement", lycee.appendingPathComponent("etablissement.json").path, "--keys", keys.path])
            let archive = lycee.appendingPathComponent("Archive")
            let divisions = try FileManager.default.contentsOfDirectory(atPath: dataset.path).filter { $0.hasSuffix(".json") && $0 != "import-report.json" }
                .compactMap { name -> (String, String)? in
                    let object = try? JSONSerialization.jsonObject(with: Data(contentsOf: dataset.appendingPathComponent(name))) as? [String: Any]
                    guard let eleve = object?["eleve"] as? [String: Any], let division = eleve["division"] as? String, let ine = eleve["ine"] as? String else { return nil }
                    return (ine, division)
                }
            let terminaleDivisions = Set(divisions.map(\.1).filter { $0.hasPrefix("T") }).sorted()
            guard !terminaleDivisions.isEmpty else { throw JuryFixtureError(message: "no terminale division") }
            _ = try run(["print-run", dataset.path, "--out", lycee.appendingPathComponent("out").path, "--all", "--date", "2016-06-24",
                         "--archive", archive.path, "--quiet"])
            let terminale = divisions.filter { $0.1.hasPrefix("T") }.map(\.0).sorted()
            for ine in terminale { try signArchived(ine: ine, archive: archive, keys: keys, tag: "first", in: lycee) }
            let out = root.appendingPathComponent("packages-\(uai)")
            let made = try run(["jury-package", "--archive", archive.path, "--keys", keys.path, "--centre", "CENTRE-38", "--session", "2016-06",
                                   "--out", out.path, "--division"] + terminaleDivisions)
            guard let line = made.stdoutText.split(separator: "\n").first(where: { $0.hasPrefix("package ") }) else {
                throw JuryFixtureError(message: "jury-package printed no package line: \(made.stdoutText)")
            }
            let bag = URL(fileURLWithPath: String(line.split(separator: ": ", maxSplits: 1)[1]))
            lycees.append(Lycee(uai: uai, archive: archive, keys: keys, terminale: terminale, ines: divisions.map(\.0).sorted(), bag: bag))
        }
        return JuryFixture(root: root, lycees: lycees)
    }

    /// Signs the archived livret of `ine` with `livret sign` and puts it back as a new version.
    /// (Signed now: the certificate made by `keys init` is valid from today.)
    static func signArchived(ine: String, archive: URL, keys: URL, tag: String, in folder: URL) throws {
        let unsigned = folder.appendingPathComponent("\(ine)-unsigned.pdf")
        let signed = folder.appendingPathComponent("\(ine)-\(tag).pdf")
        try? FileManager.default.removeItem(at: unsigned)
        try? FileManager.default.removeItem(at: signed)
        _ = try run(["archive", "get", "--archive", archive.path, "--ine", ine, "--path", "2015-2016/livret.pdf", "-o", unsigned.path])
        _ = try run(["sign", unsigned.path, "-o", signed.path, "--keys", keys.path])
        _ = try run(["archive", "put", "--archive", archive.path, "--ine", ine, "--file", signed.path, "--as", "2015-2016/livret.pdf",
                     "--message", "Livret signé"])
    }
}

/// The fixture's folder, for the `atexit` handler (a C function cannot capture it).
nonisolated(unsafe) var juryFixtureRoot: UnsafeMutablePointer<CChar>?

struct JuryFixtureError: Error, CustomStringConvertible, Sendable {
    var message: String
    var description: String { message }
}

/// Copies `bag` into a new temporary folder (for damaging it).
func copyBag(_ bag: URL, _ name: String) throws -> URL {
    let folder = try TestSupport.temporaryDirectory(name)
    let copy = folder.appendingPathComponent(bag.lastPathComponent)
    try FileManager.default.copyItem(at: bag, to: copy)
    return copy
}

func bagitValidate(_ bag: URL) throws -> ProcessResult {
    let venv = ProcessInfo.processInfo.environment["LIVRET_PYENV"] ?? TestSupport.repositoryRoot.appendingPathComponent(".build/pyenv").path
    let python = URL(fileURLWithPath: venv).appendingPathComponent("bin/python")
    try #require(FileManager.default.isExecutableFile(atPath: python.path), "no Python venv with bagit at \(venv): run `make test-deps` (scripts/python-env)")
    return try TestSupport.run(python.path, ["-m", "bagit", "--validate", bag.path])
}

@Suite("Jury packages: made, verified by the centre and by bagit.py and openssl, ingested", .serialized)
struct JuryPackageTests {
    @Test("each lycée's package is a valid bag for bagit.py, its tag manifest signature passes openssl cms -verify, and verify accepts it")
    func packagesAreValid() throws {
        let fixture = try JuryFixture.get()
        for lycee in fixture.lycees {
            let bagit = try bagitValidate(lycee.bag)
            #expect(bagit.status == 0, "\(bagit.stderr)")
            #expect(bagit.stderr.contains("is valid"), "\(bagit.stderr)")
            let openssl = try TestSupport.run("openssl", [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", lycee.bag.appendingPathComponent("tagmanifest-sha512.txt.p7s").path,
                "-content", lycee.bag.appendingPathComponent("tagmanifest-sha512.txt").path, "-CAfile", lycee.certificate.path, "-out", "/dev/null",
            ])
            #expect(openssl.status == 0, "\(openssl.stderr)")
            let verify = try TestSupport.livret(["jury-package", "verify", lycee.bag.path, "--trust", lycee.certificate.path])
            #expect(verify.status == 0, "\(verify.stdoutText) \(verify.stderr)")
            #expect(verify.stdoutText.contains("valid: package \(lycee.uai)-CENTRE-38-2016-06-"))
            // Exactly the terminale candidates, each with its PDF and source, and the index.
            let indexText = try String(contentsOf: lycee.bag.appendingPathComponent("data/index.csv"), encoding: .utf8)
            let lines = indexText.split(separator: "\n")
            #expect(lines.count == lycee.terminale.count + 1)
            #expect(Set(lines.dropFirst().map { String($0.split(separator: ",")[0]) }) == Set(lycee.terminale))
            for ine in lycee.terminale {
                let pdf = lycee.bag.appendingPathComponent("data/\(ine)/livret.pdf")
                let row = try #require(lines.first { $0.hasPrefix(ine + ",") })
                #expect(row.contains(try TestSupport.sha256(pdf)))
                let pdfsig = try TestSupport.run("pdfsig", [pdf.path])
                #expect(pdfsig.stdoutText.contains("Signature is Valid"), "\(pdfsig.stdoutText)")
            }
            let bagInfo = try String(contentsOf: lycee.bag.appendingPathComponent("bag-info.txt"), encoding: .utf8)
            #expect(bagInfo.contains("External-Identifier: \(lycee.bag.lastPathComponent)\n"))
            #expect(bagInfo.contains("centre de délibération CENTRE-38, session 2016-06"))
            let head = try String(contentsOf: lycee.bag.appendingPathComponent("livret-journal-head.txt"), encoding: .utf8)
            #expect(head.hasPrefix("Journal-Head: "))
            // Recorded in the lycée's journal, which stays intact.
            let ls = try TestSupport.livret(["jury-package", "ls", "--archive", lycee.archive.path])
            #expect(ls.stdoutText.contains(lycee.bag.lastPathComponent), "\(ls.stdoutText)")
            #expect(try TestSupport.livret(["journal", "verify", "--archive", lycee.archive.path]).status == 0)
        }
    }

    @Test("the same request made again gives the same bytes but the signatures (a new folder is refused: the package exists)")
    func deterministic() throws {
        let fixture = try JuryFixture.get()
        let lycee = fixture.lycees[0]
        let list = fixture.root.appendingPathComponent("candidates.csv")
        try Data(("ine\n" + lycee.terminale.joined(separator: "\n") + "\n").utf8).write(to: list)
        let out = try TestSupport.temporaryDirectory("jury-again")
        defer { try? FileManager.default.removeItem(at: out) }
        let again = try TestSupport.livret(["jury-package", "--archive", lycee.archive.path, "--keys", lycee.keys.path, "--centre", "CENTRE-38",
                                            "--session", "2016-06", "--out", out.path, "--candidates", list.path])
        #expect(again.status == 0, "\(again.stderr)")
        let bag = out.appendingPathComponent(lycee.bag.lastPathComponent)
        for file in ["data/index.csv", "bagit.txt"] + lycee.terminale.flatMap { ["data/\($0)/livret.pdf", "data/\($0)/livret.json"] } {
            #expect(try TestSupport.sha256(bag.appendingPathComponent(file)) == TestSupport.sha256(lycee.bag.appendingPathComponent(file)), "\(file)")
        }
        // The manifests differ only by the signed index.pdf's line.
        func lines(_ folder: URL) throws -> [String] {
            try String(contentsOf: folder.appendingPathComponent("manifest-sha512.txt"), encoding: .utf8).split(separator: "\n")
                .map(String.init).filter { !$0.hasSuffix("data/index.pdf") }
        }
        #expect(try lines(bag) == lines(lycee.bag))
        let text = try TestSupport.pdfText(lycee.bag.appendingPathComponent("data/index.pdf"))
        for ine in lycee.terminale { #expect(text.contains(ine)) }
        #expect(try TestSupport.run("pdfsig", [lycee.bag.appendingPathComponent("data/index.pdf").path]).stdoutText.contains("Signature is Valid"))
        let twice = try TestSupport.livret(["jury-package", "--archive", lycee.archive.path, "--keys", lycee.keys.path, "--centre", "CENTRE-38",
                                            "--session", "2016-06", "--out", out.path, "--candidates", list.path])
        #expect(twice.status == 64)
        #expect(twice.stderr.contains("already exists"))
    }

    @Test("a candidate absent from the archive, or whose latest livret is unsigned, stops the package with the list; --allow-missing lists them")
    func missingCandidates() throws {
        let fixture = try JuryFixture.get()
        let lycee = fixture.lycees[0]
        let unsigned = try #require(lycee.ines.first { !lycee.terminale.contains($0) })
        let list = fixture.root.appendingPathComponent("with-missing.csv")
        try Data((lycee.terminale + [unsigned, "123456789AB"]).joined(separator: "\n").utf8).write(to: list)
        let out = try TestSupport.temporaryDirectory("jury-missing")
        defer { try? FileManager.default.removeItem(at: out) }
        let arguments = ["jury-package", "--archive", lycee.archive.path, "--keys", lycee.keys.path, "--centre", "C1", "--session", "2016-06",
                         "--out", out.path, "--candidates", list.path]
        let refused = try TestSupport.livret(arguments)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("123456789AB: not in the archive"), "\(refused.stderr)")
        #expect(refused.stderr.contains("\(unsigned) ("), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
        let allowed = try TestSupport.livret(arguments + ["--allow-missing"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        let bag = try #require(try FileManager.default.contentsOfDirectory(at: out, includingPropertiesForKeys: nil).first)
        let indexText = try String(contentsOf: bag.appendingPathComponent("data/index.csv"), encoding: .utf8)
        #expect(indexText.contains("123456789AB,,,,,,,,0,absent"))
        #expect(indexText.contains("\(unsigned),") && indexText.contains(",non-signe"))
        #expect(!FileManager.default.fileExists(atPath: bag.appendingPathComponent("data/\(unsigned)").path))
        #expect(try bagitValidate(bag).status == 0)
        #expect(try TestSupport.livret(["jury-package", "verify", bag.path, "--trust", lycee.certificate.path]).status == 0)
    }

    enum Damage: String, CaseIterable, Sendable {
        case changedByte, addedFile, removedFile, editedManifestLine, signedByOtherLycee, symlink, absolutePathInManifest, dotDotInManifest
    }

    @Test("a damaged package is refused with the reason (bagit.py agrees where it applies) and ingest writes nothing", arguments: Damage.allCases)
    func damaged(_ damage: Damage) throws {
        let fixture = try JuryFixture.get()
        let lycee = fixture.lycees[0]
        let bag = try copyBag(lycee.bag, "jury-\(damage.rawValue)")
        defer { try? FileManager.default.removeItem(at: bag.deletingLastPathComponent()) }
        let ine = lycee.terminale[0]
        let json = bag.appendingPathComponent("data/\(ine)/livret.json")
        var trust = [lycee.certificate.path]
        let expected: String
        var bagitRefuses: Bool? = true
        switch damage {
        case .changedByte:
            var data = try Data(contentsOf: json)
            data[data.count / 2] ^= 0x01
            try data.write(to: json)
            expected = "data/\(ine)/livret.json was changed"
        case .addedFile:
            try Data("x".utf8).write(to: bag.appendingPathComponent("data/\(ine)/extra.txt"))
            expected = "data/\(ine)/extra.txt is in the bag but not in the manifest"
        case .removedFile:
            try FileManager.default.removeItem(at: json)
            expected = "data/\(ine)/livret.json is in the manifest but missing"
        case .editedManifestLine:
            let manifest = bag.appendingPathComponent("manifest-sha512.txt")
            var text = try String(contentsOf: manifest, encoding: .utf8)
            let first = text.startIndex
            text.replaceSubrange(first...first, with: text[first] == "0" ? "1" : "0")
            try Data(text.utf8).write(to: manifest)
            expected = "manifest-sha512.txt was changed"
        case .signedByOtherLycee:
            // A valid CMS signature of the same tag manifest, by the other lycée's key.
            let other = try KeysFolder(url: fixture.lycees[1].keys).load()
            let content = try Data(contentsOf: bag.appendingPathComponent("tagmanifest-sha512.txt"))
            try Data(CMSSignedData.detached(content: content, signer: other.signer)).write(to: bag.appendingPathComponent("tagmanifest-sha512.txt.p7s"))
            expected = "the tag manifest's signature: not issued by \(lycee.uai)"
            bagitRefuses = false   // bagit.py does not read signatures
            trust = [lycee.certificate.path]
        case .symlink:
            try FileManager.default.removeItem(at: json)
            let outside = bag.deletingLastPathComponent().appendingPathComponent("outside.json")
            try Data(contentsOf: lycee.bag.appendingPathComponent("data/\(ine)/livret.json")).write(to: outside)
            try FileManager.default.createSymbolicLink(at: json, withDestinationURL: outside)
            expected = "data/\(ine)/livret.json is a symbolic link: refused"
            bagitRefuses = nil   // bagit.py follows the link
        case .absolutePathInManifest, .dotDotInManifest:
            let manifest = bag.appendingPathComponent("manifest-sha512.txt")
            let text = try String(contentsOf: manifest, encoding: .utf8)
            let path = damage == .absolutePathInManifest ? "/etc/passwd" : "data/../../outside.json"
            try Data(text.replacingOccurrences(of: "  data/\(ine)/livret.json\n", with: "  \(path)\n").utf8).write(to: manifest)
            expected = "the path '\(path)' leaves the bag"
            bagitRefuses = true
        }
        let verify = try TestSupport.livret(["jury-package", "verify", bag.path] + trust.flatMap { ["--trust", $0] })
        #expect(verify.status == 1)
        #expect(verify.stdoutText.contains(expected), "\(damage): \(verify.stdoutText)")
        if let bagitRefuses {
            let bagit = try bagitValidate(bag)
            #expect((bagit.status != 0) == bagitRefuses, "\(damage): bagit.py \(bagit.status) \(bagit.stderr)")
        }
        let centre = bag.deletingLastPathComponent().appendingPathComponent("Centre")
        let ingest = try TestSupport.livret(["archive", "ingest-package", bag.path, "--archive", centre.path] + trust.flatMap { ["--trust", $0] })
        #expect(ingest.status == 1)
        #expect(ingest.stderr.contains("nothing was written"), "\(ingest.stderr)")
        #expect(!FileManager.default.fileExists(atPath: centre.path))
    }

    @Test("the centre verifies and ingests both lycées' packages; twice adds nothing; a corrected livret adds a version; the root passes ocfl-validate-root")
    func centreIngests() throws {
        let fixture = try JuryFixture.get()
        let centre = try TestSupport.temporaryDirectory("jury-centre").appendingPathComponent("Archive")
        defer { try? FileManager.default.removeItem(at: centre.deletingLastPathComponent()) }
        let trust = fixture.lycees.flatMap { ["--trust", $0.certificate.path] }
        for lycee in fixture.lycees {
            let ingest = try TestSupport.livret(["archive", "ingest-package", lycee.bag.path, "--archive", centre.path] + trust)
            #expect(ingest.status == 0, "\(ingest.stderr)")
            #expect(ingest.stdoutText.split(separator: "\n").filter { $0.hasSuffix("created v1") }.count == lycee.terminale.count, "\(ingest.stdoutText)")
            let log = try TestSupport.livret(["archive", "log", "--archive", centre.path, "--ine", lycee.terminale[0]])
            #expect(log.stdoutText.contains("lycée \(lycee.uai)") && log.stdoutText.contains(lycee.bag.lastPathComponent), "\(log.stdoutText)")
        }
        let again = try TestSupport.livret(["archive", "ingest-package", fixture.lycees[0].bag.path, "--archive", centre.path] + trust)
        #expect(again.status == 0)
        #expect(!again.stdoutText.contains("created"), "\(again.stdoutText)")
        // A corrected livret at the lycée: signed again, packaged again, ingested: one new version.
        let lycee = fixture.lycees[1]
        let corrected = lycee.terminale[0]
        try JuryFixture.signArchived(ine: corrected, archive: lycee.archive, keys: lycee.keys, tag: "corrected", in: fixture.root)
        let out = try TestSupport.temporaryDirectory("jury-corrected")
        defer { try? FileManager.default.removeItem(at: out) }
        let list = out.appendingPathComponent("list.csv")
        try Data(lycee.terminale.joined(separator: "\n").utf8).write(to: list)
        let made = try TestSupport.livret(["jury-package", "--archive", lycee.archive.path, "--keys", lycee.keys.path, "--centre", "CENTRE-38",
                                              "--session", "2016-06", "--out", out.appendingPathComponent("p").path, "--candidates", list.path])
        #expect(made.status == 0, "\(made.stderr)")
        let bag = try #require(try FileManager.default.contentsOfDirectory(at: out.appendingPathComponent("p"), includingPropertiesForKeys: nil).first)
        #expect(bag.lastPathComponent != lycee.bag.lastPathComponent)
        let ingest = try TestSupport.livret(["archive", "ingest-package", bag.path, "--archive", centre.path] + trust)
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdoutText.contains("\(corrected)  created v2"), "\(ingest.stdoutText)")
        #expect(ingest.stdoutText.split(separator: "\n").filter { $0.contains("unchanged v1") }.count == lycee.terminale.count - 1)
        // The centre's archive, filtered by lycée and session.
        for each in fixture.lycees {
            let ls = try TestSupport.livret(["archive", "ls", "--archive", centre.path, "--uai", each.uai, "--session", "2016-06"])
            #expect(ls.status == 0, "\(ls.stderr)")
            #expect(Set(ls.stdoutText.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }) == Set(each.terminale), "ls: \(ls.stdoutText) \(ls.stderr)")
        }
        #expect(try TestSupport.livret(["archive", "ls", "--archive", centre.path, "--session", "2017-06"]).stdoutText.isEmpty)
        let validate = try TestSupport.run(TestSupport.sharedTools.appendingPathComponent("ocfl-validate-root").path,
                                           ["--fail-on-warnings", centre.appendingPathComponent("ocfl-root").path])
        #expect(validate.status == 0, "\(validate.stdoutText) \(validate.stderr)")
        let journal = try TestSupport.livret(["journal", "verify", "--archive", centre.path])
        #expect(journal.status == 0, "\(journal.stdoutText) \(journal.stderr)")
    }

    enum ZipDamage: String, CaseIterable, Sendable {
        case dotDot, absolute, symlink, truncated
    }

    @Test("the zip of a package is verified and ingested like the folder, and is the same bytes when made again")
    func zipAccepted() throws {
        let fixture = try JuryFixture.get()
        let lycee = fixture.lycees[0]
        let folder = try TestSupport.temporaryDirectory("jury-zip")
        defer { try? FileManager.default.removeItem(at: folder) }
        let zip = folder.appendingPathComponent("package.zip"), again = folder.appendingPathComponent("again.zip")
        try JuryZip.write(bag: lycee.bag, to: zip)
        try JuryZip.write(bag: lycee.bag, to: again)
        #expect(try TestSupport.sha256(zip) == TestSupport.sha256(again))
        let list = try TestSupport.run("unzip", ["-Z1", zip.path])
        #expect(list.stdoutText.split(separator: "\n").allSatisfy { $0.hasPrefix(lycee.bag.lastPathComponent + "/") })
        let verify = try TestSupport.livret(["jury-package", "verify", zip.path, "--trust", lycee.certificate.path])
        #expect(verify.status == 0, "\(verify.stdoutText)")
        let centre = folder.appendingPathComponent("Centre")
        let ingest = try TestSupport.livret(["archive", "ingest-package", zip.path, "--archive", centre.path, "--trust", lycee.certificate.path])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        #expect(ingest.stdoutText.split(separator: "\n").filter { $0.hasSuffix("created v1") }.count == lycee.terminale.count)
    }

    @Test("a zip with ../ paths, an absolute path, a symbolic link, or truncated is refused with the reason and ingest writes nothing",
          arguments: ZipDamage.allCases)
    func zipRefused(_ damage: ZipDamage) throws {
        let fixture = try JuryFixture.get()
        let lycee = fixture.lycees[0]
        let folder = try TestSupport.temporaryDirectory("jury-zip-\(damage.rawValue)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let zip = folder.appendingPathComponent("package.zip")
        let name = lycee.bag.lastPathComponent
        let expected: String
        switch damage {
        case .truncated:
            let good = folder.appendingPathComponent("good.zip")
            try JuryZip.write(bag: lycee.bag, to: good)
            let data = try Data(contentsOf: good)
            try data.prefix(data.count * 2 / 3).write(to: zip)
            expected = "is not a readable zip (truncated or damaged)"
        case .dotDot, .absolute, .symlink:
            // A real package's files, plus one hostile entry, written by Python's zipfile.
            let hostile: String
            switch damage {
            case .dotDot: hostile = "i = zipfile.ZipInfo('\(name)/data/../../../evil.txt'); z.writestr(i, 'x')"; expected = "leaves the folder"
            case .absolute: hostile = "i = zipfile.ZipInfo('/tmp/evil.txt'); z.writestr(i, 'x')"; expected = "has an absolute path"
            default:
                hostile = "i = zipfile.ZipInfo('\(name)/data/link'); i.create_system = 3; i.external_attr = 0o120777 << 16; z.writestr(i, '/etc/passwd')"
                expected = "is a symbolic link"
            }
            let script = """
                import os, sys, zipfile
                bag, out = sys.argv[1], sys.argv[2]
                z = zipfile.ZipFile(out, 'w')
                for root, dirs, files in sorted(os.walk(bag)):
                    for f in sorted(files):
                        p = os.path.join(root, f)
                        z.write(p, os.path.join(os.path.basename(bag), os.path.relpath(p, bag)))
                \(hostile)
                z.close()
                """
            let made = try TestSupport.run("python3", ["-c", script, lycee.bag.path, zip.path])
            try #require(made.status == 0, "\(made.stderr)")
        }
        let verify = try TestSupport.livret(["jury-package", "verify", zip.path, "--trust", lycee.certificate.path])
        #expect(verify.status == 1)
        #expect(verify.stdoutText.contains(expected), "\(damage): \(verify.stdoutText)")
        let centre = folder.appendingPathComponent("Centre")
        let ingest = try TestSupport.livret(["archive", "ingest-package", zip.path, "--archive", centre.path, "--trust", lycee.certificate.path])
        #expect(ingest.status == 1)
        #expect(ingest.stderr.contains("nothing was written") && ingest.stderr.contains(expected), "\(ingest.stderr)")
        #expect(!FileManager.default.fileExists(atPath: centre.path))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/evil.txt"))
        #expect(!FileManager.default.fileExists(atPath: folder.deletingLastPathComponent().appendingPathComponent("evil.txt").path))
    }
}
