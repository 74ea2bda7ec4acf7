import Foundation
import LivretImport
import LivretTestSupport
import Testing

/// `import --into` a symbolic link (issue 10.1): the link names its target, which is replaced
/// atomically; the link stays a link; nothing is ever deleted through a link, not even with --force.
@Suite("import --into a symbolic link")
struct SymlinkIntoTests {
    static func kind(_ url: URL) -> mode_t {
        var status = stat()
        return lstat(url.path, &status) == 0 ? status.st_mode & S_IFMT : 0
    }

    /// Every name in a folder, hidden ones included (staging and aside folders are hidden).
    static func names(_ url: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted()
    }

    @Test("current -> datasets/2015: the target is replaced, the link kept (with and without --force; through a link to a link)")
    func linkToDataset() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "73", "--divisions", "1", "--pupils", "6"])
        defer { try? FileManager.default.removeItem(at: lycee) }
        let datasets = lycee.appendingPathComponent("datasets")
        let year = datasets.appendingPathComponent("2015")
        #expect(try ImportFixtures.importCommand(lycee, into: year).status == 0)
        let expected = ImportFixtures.snapshot(year)
        try #require(expected.count > 1)
        try Data("{}".utf8).write(to: year.appendingPathComponent("stale.json"))  // a dataset's file, to be replaced
        let current = lycee.appendingPathComponent("current")
        let latest = lycee.appendingPathComponent("latest")
        symlink("datasets/2015", current.path)
        symlink("current", latest.path)

        for (into, extra) in [(current, [String]()), (current, ["--force"]), (latest, []), (latest, ["--force"])] {
            let result = try ImportFixtures.importCommand(lycee, into: into, extra: extra)
            #expect(result.status == 0, "\(into.lastPathComponent) \(extra): \(result.stderr)")
            #expect(Self.kind(current) == S_IFLNK && Self.kind(latest) == S_IFLNK)
            #expect(Self.kind(year) == S_IFDIR)
            #expect(ImportFixtures.snapshot(year) == expected, "\(into.lastPathComponent) \(extra)")
            #expect(ImportFixtures.snapshot(current) == expected)
            #expect(Self.names(datasets) == ["2015"])  // no staging or old tree left beside the target
            #expect(Self.names(lycee).filter { $0.hasPrefix(".") }.isEmpty)
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: current.path) == "datasets/2015")
    }

    @Test("a dangling link: its target is created, the link kept")
    func danglingLink() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "74", "--divisions", "1", "--pupils", "3"])
        defer { try? FileManager.default.removeItem(at: lycee) }
        try FileManager.default.createDirectory(at: lycee.appendingPathComponent("datasets"), withIntermediateDirectories: true)
        let link = lycee.appendingPathComponent("current")
        symlink(lycee.appendingPathComponent("datasets/2016").path, link.path)
        let result = try ImportFixtures.importCommand(lycee, into: link)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.kind(link) == S_IFLNK)
        #expect(FileManager.default.fileExists(atPath: lycee.appendingPathComponent("datasets/2016/import-report.json").path))
        #expect(Self.names(lycee.appendingPathComponent("datasets")) == ["2016"])
    }

    @Test("a link to a folder that is not a dataset is refused, even with --force; nothing in it is touched")
    func linkToOtherFolder() throws {
        let lycee = try ImportFixtures.lycee(["--seed", "75", "--divisions", "1", "--pupils", "3"])
        defer { try? FileManager.default.removeItem(at: lycee) }
        let thesis = lycee.appendingPathComponent("thesis")
        try FileManager.default.createDirectory(at: thesis.appendingPathComponent("chapters"), withIntermediateDirectories: true)
        try Data("draft".utf8).write(to: thesis.appendingPathComponent("notes.txt"))
        try Data("one".utf8).write(to: thesis.appendingPathComponent("chapters/1.txt"))
        // A folder holding an import-report.json beside other files is not a dataset either.
        try Data("{}".utf8).write(to: thesis.appendingPathComponent("import-report.json"))
        let link = lycee.appendingPathComponent("current")
        symlink("thesis", link.path)
        for extra in [[], ["--force"]] {
            let result = try ImportFixtures.importCommand(lycee, into: link, extra: extra)
            #expect(result.status == 1, "\(extra): \(result.stderr)")
            #expect(result.stderr.contains("is a symbolic link to \(thesis.path)"), "\(result.stderr)")
            #expect(Self.kind(link) == S_IFLNK)
            #expect(Self.names(thesis) == ["chapters", "import-report.json", "notes.txt"])
            #expect(try String(contentsOf: thesis.appendingPathComponent("chapters/1.txt"), encoding: .utf8) == "one")
        }
        // The library refuses too, with force.
        #expect(throws: DatasetDirectory.NotADataset.self) {
            try DatasetDirectory.write([(name: "a.json", data: Data())], to: link, force: true)
        }
        #expect(Self.names(thesis) == ["chapters", "import-report.json", "notes.txt"])
        #expect(Self.names(lycee).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test("a link to a link to a regular file is refused; the file stays")
    func linkToFile() throws {
        let work = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        try Data("keep".utf8).write(to: work.appendingPathComponent("file"))
        symlink("file", work.appendingPathComponent("a").path)
        symlink("a", work.appendingPathComponent("b").path)
        for force in [false, true] {
            #expect(throws: DatasetDirectory.NotADataset.self) {
                try DatasetDirectory.write([(name: "x.json", data: Data("{}".utf8))], to: work.appendingPathComponent("b"), force: force)
            }
        }
        #expect(try String(contentsOf: work.appendingPathComponent("file"), encoding: .utf8) == "keep")
        #expect(Self.names(work) == ["a", "b", "file"])
    }
}
