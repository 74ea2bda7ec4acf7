import Foundation
import LivretArchive
import LivretTestSupport
import Testing

/// The `livret archive` commands as a user runs them.
@Suite struct ArchiveCLITests {
    let ine = "123456789AB"

    func twoYears(_ home: ArchiveHome) throws -> (pdf1: Data, pdf2: Data, json: Data) {
        let work = home.url.appendingPathComponent("in")
        let pdf1 = randomData(40_000), pdf2 = randomData(35_000)
        let json = Data(#"{"eleve":{"ine":"123456789AB","division":"TG2"},"scolarites":[{"anneeScolaire":2015,"division":"1G3"},{"anneeScolaire":2016}]}"#.utf8)
        try write(pdf1, work.appendingPathComponent("a.pdf"))
        try write(pdf2, work.appendingPathComponent("b.pdf"))
        try write(json, work.appendingPathComponent("a.json"))
        let first = try home.livret(["archive", "put", "--ine", ine, "--file", work.appendingPathComponent("a.pdf").path, "--as", "2015-2016/livret.pdf",
                                     "--file", work.appendingPathComponent("a.json").path, "--as", "2015-2016/livret.json",
                                     "--user", "Mme Martin <martin@lycee.example>", "--message", "Impression 2015-2016"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdoutText.hasPrefix("created v1"))
        let second = try home.livret(["archive", "put", "--ine", ine, "--file", work.appendingPathComponent("b.pdf").path, "--as", "2016-2017/livret.pdf"])
        #expect(second.stdoutText.hasPrefix("created v2"), "\(second.stderr)")
        return (pdf1, pdf2, json)
    }

    @Test("put, unchanged put, get, log, ls; the root is valid for ocfl-py with no warning")
    func roundTrip() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let (pdf1, pdf2, _) = try twoYears(home)
        let input = home.url.appendingPathComponent("in/a.pdf").path
        let again = try home.livret(["archive", "put", "--ine", ine, "--file", input, "--as", "2015-2016/livret.pdf"])
        #expect(again.status == 0)
        #expect(again.stdoutText.hasPrefix("unchanged v2"))

        let got = try home.livret(["archive", "get", "--ine", ine, "--path", "2015-2016/livret.pdf", "-o", "-"])
        #expect(got.status == 0)
        #expect(sha512Hex(got.stdout) == sha512Hex(pdf1))
        let old = try home.livret(["archive", "get", "--ine", ine, "--path", "2016-2017/livret.pdf", "--version", "v1", "-o", "-"])
        #expect(old.status == 1)  // not in v1
        let new = try home.livret(["archive", "get", "--ine", ine, "--path", "2016-2017/livret.pdf", "-o", "-"])
        #expect(sha512Hex(new.stdout) == sha512Hex(pdf2))

        let log = try home.livret(["archive", "log", "--ine", ine])
        #expect(log.stdoutText.contains("v2"))
        #expect(log.stdoutText.contains("A 2016-2017/livret.pdf"))
        #expect(log.stdoutText.contains("mailto:martin@lycee.example"))

        let ls = try home.livret(["archive", "ls", "--division", "1G3"])
        #expect(ls.stdoutText.contains(ine))
        let lsYear = try home.livret(["archive", "ls", "--year", "2016"])
        #expect(lsYear.stdoutText.contains(ine))
        let lsNone = try home.livret(["archive", "ls", "--division", "2NDE9"])
        #expect(lsNone.stdoutText.isEmpty)

        // Forward delta: v2 stores only the new PDF.
        let inventory = try Archive(home: home.url).inventory(ine: ine)
        #expect(inventory.manifest.count == 3)
        #expect(inventory.digestAlgorithm == "sha512")
        #expect(inventory.manifest.values.joined().filter { $0.hasPrefix("v2/") } == ["v2/content/2016-2017/livret.pdf"])

        let validation = try Tools.validate(root: home.root)
        #expect(validation.status == 0, "\(validation.output)")
        #expect(validation.summary.contains("SUMMARY: VALID"))
        #expect(validation.summary.contains("errors=0 warnings=0"), "\(validation.summary)")
        let verify = try home.livret(["archive", "verify"])
        #expect(verify.status == 0, "\(verify.stdoutText)")
    }

    @Test("a damaged file is named by verify and refused by get")
    func damage() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        _ = try twoYears(home)
        let object = home.root.appendingPathComponent(StorageLayout().path(for: "urn:lsl:ine:\(ine)"))
        let content = object.appendingPathComponent("v1/content/2015-2016/livret.pdf")
        var bytes = try Data(contentsOf: content)
        bytes[100] ^= 0xff
        try bytes.write(to: content)
        let verify = try home.livret(["archive", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdoutText.contains("E092 urn:lsl:ine:\(ine) v1 2015-2016/livret.pdf"), "\(verify.stdoutText)")
        #expect(verify.stdoutText.contains("E092 urn:lsl:ine:\(ine) v2 2015-2016/livret.pdf"))
        let one = try home.livret(["archive", "verify", "--object", ine])
        #expect(one.status == 1)
        let get = try home.livret(["archive", "get", "--ine", ine, "--path", "2015-2016/livret.pdf", "-o", home.url.appendingPathComponent("out.pdf").path])
        #expect(get.status == 1)
        #expect(get.stderr.contains("damaged"))
        #expect(!FileManager.default.fileExists(atPath: home.url.appendingPathComponent("out.pdf").path))
        let other = try home.livret(["archive", "get", "--ine", ine, "--path", "2016-2017/livret.pdf", "-o", "-"])
        #expect(other.status == 0)
    }

    @Test("every command works after the index is deleted; reindex recovers division and year")
    func indexIsACache() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        _ = try twoYears(home)
        for name in ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"] {
            try? FileManager.default.removeItem(at: home.url.appendingPathComponent(name))
        }
        let ls = try home.livret(["archive", "ls", "--json"])
        #expect(ls.status == 0)
        let objects = try JSONDecoder().decode([ObjectSummary].self, from: ls.stdout)
        #expect(objects.count == 1)
        #expect(objects.first?.scolarites.first { $0.year == "2015-2016" }?.division == "1G3")
        #expect(objects.first?.scolarites.first { $0.year == "2016-2017" }?.division == "TG2")
        let reindex = try home.livret(["archive", "reindex"])
        #expect(reindex.stdoutText.contains("reindexed 1"))
    }

    @Test("export to .tar and to a directory, import into another archive; a different history is refused")
    func transfer() throws {
        let home = try ArchiveHome()
        let other = try ArchiveHome()
        defer { home.remove(); other.remove() }
        let (pdf1, _, _) = try twoYears(home)
        let tar = home.url.appendingPathComponent("pupil.tar").path
        #expect(try home.livret(["archive", "export", "--ine", ine, "-o", tar]).status == 0)
        let directory = home.url.appendingPathComponent("pupil-dir").path
        #expect(try home.livret(["archive", "export", "--ine", ine, "-o", directory]).status == 0)
        #expect(try home.livret(["archive", "verify", "--object-dir", directory]).status == 0)

        let imported = try other.livret(["archive", "import", tar])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdoutText.contains("v2"))
        let got = try other.livret(["archive", "get", "--ine", ine, "--path", "2015-2016/livret.pdf", "-o", "-"])
        #expect(sha512Hex(got.stdout) == sha512Hex(pdf1))
        #expect(try other.livret(["archive", "import", directory]).stdoutText.contains("nothing imported"))
        #expect(try Tools.validate(root: other.root).status == 0)

        // A third archive holds the same pupil with another history: refused.
        let third = try ArchiveHome()
        defer { third.remove() }
        let file = third.url.appendingPathComponent("x.pdf")
        try write(randomData(1000), file)
        #expect(try third.livret(["archive", "put", "--ine", ine, "--file", file.path, "--as", "2015-2016/livret.pdf"]).status == 0)
        let refused = try third.livret(["archive", "import", tar])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("different history"))

        // A damaged export is refused on arrival.
        let damaged = home.url.appendingPathComponent("pupil-dir/v1/content/2015-2016/livret.pdf")
        var bytes = try Data(contentsOf: damaged)
        bytes[0] ^= 1
        try bytes.write(to: damaged)
        let fourth = try ArchiveHome()
        defer { fourth.remove() }
        let bad = try fourth.livret(["archive", "import", directory])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("E092"))
    }

    @Test("objects written by ocfl-py are verified, imported, listed, read and updated")
    func ocflPyObjects() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let bin = try Tools.venv() + "/bin"
        let source = home.url.appendingPathComponent("src/v1")
        let pdf = randomData(5000)
        try write(pdf, source.appendingPathComponent("2015-2016/livret.pdf"))
        try write(Data(#"{"eleve":{"division":"1G1"},"scolarites":[{"anneeScolaire":2015}]}"#.utf8), source.appendingPathComponent("2015-2016/livret.json"))
        let objectDirectory = home.url.appendingPathComponent("build/obj")
        try FileManager.default.createDirectory(at: objectDirectory.deletingLastPathComponent(), withIntermediateDirectories: true)
        let created = try TestSupport.run(bin + "/ocfl-object.py", [
            "create", "--objdir", objectDirectory.path, "--id", "urn:lsl:ine:111111111AA", "--srcdir", source.path,
            "--created", "2024-01-10T09:00:00Z", "--message", "from ocfl-py", "--name", "Archiviste", "--address", "mailto:a@example.org",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let verify = try home.livret(["archive", "verify", "--object-dir", objectDirectory.path])
        #expect(verify.status == 0, "\(verify.stdoutText)")
        let imported = try home.livret(["archive", "import", objectDirectory.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        let got = try home.livret(["archive", "get", "--ine", "111111111AA", "--path", "2015-2016/livret.pdf", "-o", "-"])
        #expect(sha512Hex(got.stdout) == sha512Hex(pdf))
        #expect(try home.livret(["archive", "ls", "--division", "1G1"]).stdoutText.contains("111111111AA"))
        let file = home.url.appendingPathComponent("new.pdf")
        try write(randomData(3000), file)
        let put = try home.livret(["archive", "put", "--ine", "111111111AA", "--file", file.path, "--as", "2016-2017/livret.pdf"])
        #expect(put.stdoutText.hasPrefix("created v2"), "\(put.stderr)")
        #expect(try home.livret(["archive", "verify"]).status == 0)
        let validation = try Tools.validate(root: home.root)
        #expect(validation.summary.contains("SUMMARY: VALID"), "\(validation.output)")
        #expect(validation.summary.contains("errors=0 warnings=0"), "\(validation.output)")
        // And the storage root itself verifies with --root.
        #expect(try home.livret(["archive", "verify", "--root", home.root.path]).status == 0)
    }

    @Test("usage errors: unpaired --file/--as, bad INE, bad logical path")
    func usage() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let file = home.url.appendingPathComponent("x.pdf")
        try write(randomData(10), file)
        #expect(try home.livret(["archive", "put", "--ine", ine, "--file", file.path]).status == 64)
        #expect(try home.livret(["archive", "put", "--ine", "12", "--file", file.path, "--as", "a.pdf"]).status == 64)
        #expect(try home.livret(["archive", "put", "--ine", ine, "--file", file.path, "--as", "../a.pdf"]).status == 64)
        #expect(try home.livret(["archive", "get", "--ine", ine, "--path", "a.pdf", "-o", "-"]).status == 1)
    }
}
