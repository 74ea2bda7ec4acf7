import Foundation
import LivretArchive
import LivretTestSupport
import Testing

/// The index is a cache: a damaged one, or one of another schema, never blocks the archive.
@Suite struct IndexRepairTests {
    let ine = "123456789AB"

    /// An archive home with one object, `ine` at v1.
    func homeWithObject() throws -> ArchiveHome {
        let home = try ArchiveHome()
        let input = home.url.appendingPathComponent("in/a.pdf")
        try write(randomData(5_000), input)
        let put = try home.livret(["archive", "put", "--ine", ine, "--file", input.path, "--as", "2015-2016/livret.pdf"])
        #expect(put.status == 0, "\(put.stderr)")
        return home
    }

    var indexPath: (ArchiveHome) -> String { { $0.url.appendingPathComponent("index.sqlite").path } }

    func asideFiles(_ home: ArchiveHome) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: home.url.path).filter { $0.hasPrefix("index.sqlite.corrupt-") }.sorted()
    }

    func sqlite(_ path: String, _ sql: String) throws {
        let result = try TestSupport.run("/usr/bin/sqlite3", [path, sql])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("a garbage index.sqlite is set aside (with its -wal/-shm), named on stderr, and rebuilt: ls, verify, recover work",
          arguments: [["archive", "ls"], ["archive", "verify"], ["archive", "recover"], ["archive", "log", "--ine", "123456789AB"]])
    func garbageIndex(command: [String]) throws {
        let home = try homeWithObject()
        defer { home.remove() }
        let index = indexPath(home)
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: index))
        try Data("more garbage".utf8).write(to: URL(fileURLWithPath: index + "-wal"))
        try Data("and more".utf8).write(to: URL(fileURLWithPath: index + "-shm"))
        let result = try home.livret(command)
        #expect(result.status == 0, "\(command): \(result.stderr)")
        let aside = try asideFiles(home)
        #expect(aside.count == 3, "\(aside)")
        let main = try #require(aside.first(where: { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }))
        #expect(main.range(of: #"^index\.sqlite\.corrupt-[0-9]{8}T[0-9]{6}Z$"#, options: .regularExpression) != nil, "\(main)")
        #expect(Set(aside) == [main, main + "-wal", main + "-shm"])
        #expect(try Data(contentsOf: home.url.appendingPathComponent(main)) == Data("garbage\n".utf8))
        #expect(result.stderr.contains(home.url.appendingPathComponent(main).path), "\(result.stderr)")
        // The new index is whole: the object is listed.
        let ls = try home.livret(["archive", "ls"])
        #expect(ls.status == 0 && ls.stdoutText.contains(ine), "\(ls.stderr)")
        #expect(try asideFiles(home).count == 3)  // set aside once
    }

    @Test("the library opens an archive whose index is garbage, and lists from the rebuilt index")
    func garbageIndexLibrary() throws {
        let home = try homeWithObject()
        defer { home.remove() }
        try Data(repeating: 0xA5, count: 8192).write(to: URL(fileURLWithPath: indexPath(home)))
        let archive = try Archive(home: home.url)
        #expect(try archive.list().map(\.ine) == [ine])
        #expect(try asideFiles(home).count == 1)
    }

    @Test("reindex deletes the old index unread: works on garbage, sets nothing aside, warns about nothing")
    func reindexGarbage() throws {
        let home = try homeWithObject()
        defer { home.remove() }
        try Data("garbage\n".utf8).write(to: URL(fileURLWithPath: indexPath(home)))
        let result = try home.livret(["archive", "reindex"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdoutText.contains("reindexed 1 object(s)"))
        #expect(!result.stderr.contains("corrupt"), "\(result.stderr)")
        #expect(try asideFiles(home).isEmpty)
        #expect(try home.livret(["archive", "ls"]).stdoutText.contains(ine))
    }

    @Test("a log line quoting a hostile folder name escapes its control characters (ESC, BEL, C1 CSI, RLO)")
    func logLinesEscaped() throws {
        let home = try homeWithObject()
        defer { home.remove() }
        // A folder of the storage root that declares an object but holds no readable inventory:
        // reindex skips it with the warning `archive.index.skip`, quoting its path.
        let hostile = "bad\u{1B}[31m\u{7}\u{9B}2J\u{202E}"
        let object = home.root.appendingPathComponent(hostile)
        try FileManager.default.createDirectory(at: object, withIntermediateDirectories: true)
        try Data("ocfl_object_1.1\n".utf8).write(to: object.appendingPathComponent("0=ocfl_object_1.1"))
        try Data("{".utf8).write(to: object.appendingPathComponent("inventory.json"))
        let result = try home.livret(["archive", "reindex"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stderr
        #expect(text.contains("archive.index.skip"), "\(text)")
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\u{9B}" || $0 == "\u{202E}" }, "raw control characters in \(text)")
        #expect(text.contains(#"bad\u{1B}[31m\u{7}\u{9B}2J\u{202E}"#), "\(text)")
    }

    @Test("Archive.reindex() replaces the index by a new one built from the root alone")
    func reindexLibrary() throws {
        let home = try homeWithObject()
        defer { home.remove() }
        let archive = try Archive(home: home.url)
        // A phantom row only the old index knows: gone after reindex.
        try sqlite(indexPath(home), "INSERT INTO object(id, ine, path, head, updated, files) VALUES ('urn:lsl:ine:999999999ZZ', '999999999ZZ', 'x', 'v1', '', '')")
        #expect(try archive.list().count == 2)
        #expect(try archive.reindex() == 1)
        #expect(try archive.list().map(\.ine) == [ine])
    }

    @Test("an index of the older schema (no user_version) with stale rows is replaced and rebuilt, without a warning")
    func olderSchema() throws {
        let home = try homeWithObject()
        defer { home.remove() }
        let index = indexPath(home)
        try FileManager.default.removeItem(atPath: index)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index + suffix) }
        // The schema livret wrote before versioned indexes, holding an object that is not in the root.
        try sqlite(index, """
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE object(id TEXT PRIMARY KEY, ine TEXT, path TEXT NOT NULL, head TEXT NOT NULL, updated TEXT NOT NULL, files TEXT NOT NULL);
            CREATE TABLE version(objectId TEXT NOT NULL, name TEXT NOT NULL, number INTEGER NOT NULL, created TEXT NOT NULL, userName TEXT, userAddress TEXT, message TEXT, PRIMARY KEY(objectId, name));
            CREATE TABLE file(objectId TEXT NOT NULL, version TEXT NOT NULL, logicalPath TEXT NOT NULL, digest TEXT NOT NULL, contentPath TEXT NOT NULL, PRIMARY KEY(objectId, version, logicalPath));
            CREATE TABLE scolarite(objectId TEXT NOT NULL, year TEXT NOT NULL, division TEXT, PRIMARY KEY(objectId, year));
            INSERT INTO meta VALUES ('complete', '2020-01-01T00:00:00Z');
            INSERT INTO object VALUES ('urn:lsl:ine:999999999ZZ', '999999999ZZ', 'x', 'v1', '', '');
            """)
        let ls = try home.livret(["archive", "ls"])
        #expect(ls.status == 0, "\(ls.stderr)")
        #expect(ls.stdoutText.contains(ine))
        #expect(!ls.stdoutText.contains("999999999ZZ"), "\(ls.stdoutText)")
        // Another schema is not damage: nothing is set aside, nobody is alarmed.
        #expect(try asideFiles(home).isEmpty)
        #expect(!ls.stderr.contains("corrupt"), "\(ls.stderr)")
    }

    @Test("an index of an unknown schema version, with other tables, is replaced and rebuilt")
    func unknownSchema() throws {
        let home = try homeWithObject()
        defer { home.remove() }
        let index = indexPath(home)
        try FileManager.default.removeItem(atPath: index)
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index + suffix) }
        try sqlite(index, """
            CREATE TABLE object(key INTEGER PRIMARY KEY, blob BLOB);
            CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO meta VALUES ('complete', 'yes');
            PRAGMA user_version = 99;
            """)
        let ls = try home.livret(["archive", "ls"])
        #expect(ls.status == 0, "\(ls.stderr)")
        #expect(ls.stdoutText.contains(ine))
        #expect(try asideFiles(home).isEmpty)
    }

    @Test("a database whose pages are damaged (PRAGMA quick_check fails) is set aside and rebuilt")
    func damagedPages() throws {
        let home = try homeWithObject()
        defer { home.remove() }
        let index = indexPath(home)
        // Checkpoint into the main file, then overwrite every page after the first with noise.
        try sqlite(index, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: index))
        let pageSize = Int(bytes[16]) << 8 | Int(bytes[17])
        #expect(bytes.count > pageSize)
        for offset in stride(from: pageSize, to: bytes.count, by: 1) { bytes[offset] = UInt8(truncatingIfNeeded: offset &* 31) }
        try bytes.write(to: URL(fileURLWithPath: index))
        let ls = try home.livret(["archive", "ls"])
        #expect(ls.status == 0, "\(ls.stderr)")
        #expect(ls.stdoutText.contains(ine))
        #expect(try asideFiles(home).count == 1)
    }
}
