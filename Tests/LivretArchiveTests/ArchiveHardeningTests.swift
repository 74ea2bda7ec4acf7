import Foundation
import LivretTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Whether this process can mount a tmpfs (root, and a kernel/container that allows it): probed
/// once by mounting and unmounting a 1 MiB tmpfs.
let canMountTmpfs: Bool = {
    guard geteuid() == 0, let directory = try? TestSupport.temporaryDirectory("livret-mount-probe") else { return false }
    defer { try? FileManager.default.removeItem(at: directory) }
    guard mount("tmpfs", directory.path, "tmpfs", 0, "size=1m") == 0 else { return false }
    umount2(directory.path, Int32(MNT_DETACH))
    return true
}()

/// A tmpfs of `size` mounted on a new temporary directory, unmounted by `unmount()`.
struct SmallDisk {
    let url: URL

    init(size: String) throws {
        url = try TestSupport.temporaryDirectory("livret-small-disk")
        guard mount("tmpfs", url.path, "tmpfs", 0, "size=\(size)") == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EPERM)
        }
    }

    /// Writes 64 KiB blocks to `file` until the file system is full.
    func fill(_ file: URL) throws {
        _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        let block = Data(repeating: 0x5A, count: 64 << 10)
        while (try? handle.write(contentsOf: block)) != nil {}
        // Then single bytes, until not even one fits.
        while (try? handle.write(contentsOf: Data([1]))) != nil {}
    }

    var freeBytes: Int {
        var info = statvfs()
        statvfs(url.path, &info)
        return Int(info.f_bavail) * Int(info.f_bsize)
    }

    func unmount() {
        umount2(url.path, Int32(MNT_DETACH))
        try? FileManager.default.removeItem(at: url)
    }
}

/// Issue 10: arguments of `archive put`, output of `archive log`, full disks and unwritable indexes.
@Suite("Archive hardening")
struct ArchiveHardeningTests {
    let ine = "123456789AB"

    func workEntries(_ home: ArchiveHome) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: home.url.appendingPathComponent("work").path)
    }

    @Test("--message, --user, --division with a newline or another control character: exit 64 before anything is written")
    func putArguments() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let file = home.url.appendingPathComponent("x.pdf")
        try write(randomData(100), file)
        let base = ["archive", "put", "--ine", ine, "--file", file.path, "--as", "2015-2016/livret.pdf"]
        for extra in [
            ["--message", "Livret\n    A 2015-2016/forged.pdf"], ["--message", "ok\u{1B}[2J"], ["--user", "Eve\u{7} <eve@example.org>"],
            ["--user", "Eve <eve@example.org\nv9  2030-01-01>"], ["--division", "TS2\nlivret-year: 1999"], ["--message", "bidi \u{202E}fdp.exe"],
        ] {
            let result = try home.livret(base + extra)
            #expect(result.status == 64, "\(extra): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("control character"), "\(extra): \(result.stderr)")
            #expect(!result.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\u{202E}" }, "raw control character echoed")
        }
        #expect(!FileManager.default.fileExists(atPath: home.root.path), "the archive was opened or written")
        // Plain arguments still work.
        #expect(try home.livret(base + ["--message", "Impression 2015-2016", "--user", "Anne Lelong <a@example.org>"]).status == 0)
    }

    @Test("logical paths that are both a file and a directory, elements over 255 bytes: exit 64 before staging")
    func logicalPaths() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let a = home.url.appendingPathComponent("a.pdf")
        let b = home.url.appendingPathComponent("b.pdf")
        try write(randomData(100), a)
        try write(randomData(200), b)
        let long = String(repeating: "é", count: 128)  // 256 bytes
        for paths in [["c/d", "c"], ["c", "c/d"], ["x/" + long, "y"], ["ok", "a/" + long + "/z"], ["a/b/c", "a/b"]] {
            let result = try home.livret(["archive", "put", "--ine", ine, "--file", a.path, "--as", paths[0], "--file", b.path, "--as", paths[1]])
            #expect(result.status == 64, "\(paths): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("both a file and a directory") || result.stderr.contains("over the limit of 255 bytes"), "\(result.stderr)")
            #expect(result.stderr.count < 600, "the path is repeated whole")
        }
        // A case of our own: a path that clashes with the head version's files (not with the other arguments).
        #expect(try home.livret(["archive", "put", "--ine", ine, "--file", a.path, "--as", "2015-2016"]).status == 0)
        let clash = try home.livret(["archive", "put", "--ine", ine, "--file", b.path, "--as", "2015-2016/livret.pdf"])
        #expect(clash.status == 64, "\(clash.stderr)")
        #expect(clash.stderr.contains("'2015-2016' would be both a file and a directory"), "\(clash.stderr)")
        #expect(try workEntries(home).isEmpty)
        let validation = try Tools.validate(root: home.root)
        #expect(validation.status == 0, "\(validation.output)")
    }

    @Test("archive log and ls escape control characters of objects written by other programs")
    func logEscapes() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let file = home.url.appendingPathComponent("x.pdf")
        try write(randomData(100), file)
        #expect(try home.livret(["archive", "put", "--ine", ine, "--file", file.path, "--as", "2015-2016/livret.pdf"]).status == 0)
        // Rewrite the inventory as another program could have: a message forging log lines and
        // driving the terminal, a user name with ESC. Both inventory copies and sidecars agree.
        let ls = try home.livret(["archive", "ls", "--json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: ls.stdout) as? [[String: Any]])
        let object = home.root.appendingPathComponent(try #require(objects.first?["path"] as? String))
        let inventoryURL = object.appendingPathComponent("inventory.json")
        var inventory = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: inventoryURL)) as? [String: Any])
        var versions = try #require(inventory["versions"] as? [String: Any])
        var v1 = try #require(versions["v1"] as? [String: Any])
        v1["message"] = "ok\nv9  2030-01-01T00:00:00Z  forged\u{1B}[31m\u{9B}2J\u{202E}"
        v1["user"] = ["name": "Eve\u{1B}]0;pwned\u{7}", "address": "mailto:eve@example.org"]
        versions["v1"] = v1
        inventory["versions"] = versions
        let data = try JSONSerialization.data(withJSONObject: inventory, options: [.prettyPrinted, .sortedKeys])
        for directory in [object, object.appendingPathComponent("v1")] {
            try data.write(to: directory.appendingPathComponent("inventory.json"))
            try Data("\(sha512Hex(data)) inventory.json\n".utf8).write(to: directory.appendingPathComponent("inventory.json.sha512"))
        }
        let log = try home.livret(["archive", "log", "--ine", ine])
        #expect(log.status == 0, "\(log.stderr)")
        let text = log.stdoutText
        #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\u{9B}" || $0 == "\u{202E}" }, "raw control characters in log")
        #expect(text.contains(#"forged\u{1B}[31m\u{9B}2J\u{202E}"#), "\(text)")
        #expect(text.contains(#"Eve\u{1B}]0;pwned\u{7}"#), "\(text)")
        // The forged line stays inside the message: indented, never at the start of a line.
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("v9") }, "\(text)")
        #expect(try home.livret(["archive", "reindex"]).status == 0)
    }

    /// The put of a file larger than the free space, then a put "killed" with its staging filling
    /// the disk, then a disk filled from outside: every reading command and recover exit 0.
    @Test("full disk: a failed put leaves no staging; recovery frees space first; reading works on a full disk",
          .enabled(if: canMountTmpfs, "needs root and permission to mount a tmpfs (mount(2) refused here)"))
    func fullDisk() throws {
        let disk = try SmallDisk(size: "8m")
        defer { disk.unmount() }
        let home = ArchiveHome(url: disk.url.appendingPathComponent("Archive"))
        let inputs = try TestSupport.temporaryDirectory("livret-full-inputs")
        defer { try? FileManager.default.removeItem(at: inputs) }
        let small = inputs.appendingPathComponent("small.pdf")
        let big = inputs.appendingPathComponent("big.pdf")
        try write(randomData(20_000), small)
        try write(randomData(12 << 20), big)
        #expect(try home.livret(["archive", "put", "--ine", ine, "--file", small.path, "--as", "2015-2016/livret.pdf"]).status == 0)
        // 1. The put that does not fit: exit 74, and its staging is gone with it.
        let failed = try home.livret(["archive", "put", "--ine", "223456789AB", "--file", big.path, "--as", "2015-2016/livret.pdf"])
        #expect(failed.status == 74, "\(failed.stderr)")
        let left = try workEntries(home)
        #expect(left.isEmpty, "staging left: \(left)")
        // 2. A put killed after filling the disk: its staging (named after the object's lock) stays.
        let ls = try home.livret(["archive", "ls", "--json"])
        let objects = try #require(try JSONSerialization.jsonObject(with: ls.stdout) as? [[String: Any]])
        let relative = try #require(objects.first?["path"] as? String)
        let staging = home.url.appendingPathComponent("work/\(try TestSupport.sha256(Data(relative.utf8))).999999.1")
        try FileManager.default.createDirectory(at: staging.appendingPathComponent("v2/content"), withIntermediateDirectories: true)
        try Data(relative.utf8).write(to: staging.appendingPathComponent("object"))
        try disk.fill(staging.appendingPathComponent("v2/content/big.pdf"))
        #expect(disk.freeBytes < 8192)
        let verify = try home.livret(["archive", "verify"])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(try workEntries(home).isEmpty, "recovery did not free the staging")
        #expect(disk.freeBytes > 4 << 20)
        // 3. A disk full for another reason: reading, verifying and recovering still work.
        try disk.fill(disk.url.appendingPathComponent("filler"))
        #expect(disk.freeBytes < 8192)
        let list = try home.livret(["archive", "ls"])
        #expect(list.status == 0 && list.stdoutText.contains(ine), "\(list.status) \(list.stderr)")
        #expect(try home.livret(["archive", "log", "--ine", ine]).status == 0)
        let got = try home.livret(["archive", "get", "--ine", ine, "--path", "2015-2016/livret.pdf", "-o", "-"])
        let expected = try Data(contentsOf: small)
        #expect(got.status == 0 && got.stdout == expected, "\(got.stderr)")
        #expect(try home.livret(["archive", "verify"]).status == 0)
        let recover = try home.livret(["archive", "recover"])
        #expect(recover.status == 0, "\(recover.stderr)")
        try FileManager.default.removeItem(at: disk.url.appendingPathComponent("filler"))
        let validation = try Tools.validate(root: home.root)
        #expect(validation.status == 0, "\(validation.output)")
    }

    /// An index that cannot be written (a read-only bind mount of the file: even root cannot
    /// write it): a put succeeds and is read back from the storage root; once the index is
    /// writable again, the next command brings it up to date.
    @Test("an index that cannot be written or is stale does not stop puts or reads",
          .enabled(if: canMountTmpfs, "needs root and permission to mount (mount(2) refused here)"))
    func readOnlyIndex() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let file = home.url.appendingPathComponent("x.pdf")
        try write(randomData(300), file)
        #expect(try home.livret(["archive", "put", "--ine", ine, "--file", file.path, "--as", "2015-2016/livret.pdf"]).status == 0)
        let index = home.url.appendingPathComponent("index.sqlite").path
        try #require(mount(index, index, nil, UInt(MS_BIND), nil) == 0)
        defer { umount2(index, Int32(MNT_DETACH)) }
        try #require(mount(nil, index, nil, UInt(MS_BIND | MS_REMOUNT | MS_RDONLY), nil) == 0)
        let other = "1234567890A"
        let put = try home.livret(["archive", "put", "--ine", other, "--file", file.path, "--as", "2016-2017/livret.pdf", "--division", "TS1"])
        #expect(put.status == 0, "\(put.stderr)")
        let ls = try home.livret(["archive", "ls", "--division", "TS1"])
        #expect(ls.status == 0, "\(ls.stderr)")
        #expect(ls.stdoutText.contains(other) && !ls.stdoutText.contains(ine), "\(ls.stdoutText)")
        #expect(try home.livret(["archive", "log", "--ine", other]).status == 0)
        #expect(try home.livret(["archive", "get", "--ine", other, "--path", "2016-2017/livret.pdf", "-o", "-"]).stdout == (try Data(contentsOf: file)))
        #expect(try home.livret(["archive", "verify"]).status == 0)
        #expect(try home.livret(["archive", "recover"]).status == 0)
        // Only a small marker is left in work/: the object whose index row is pending.
        let markers = try workEntries(home)
        #expect(markers.count == 1)
        if let marker = markers.first {
            #expect(try FileManager.default.contentsOfDirectory(atPath: home.url.appendingPathComponent("work/\(marker)").path) == ["object"])
        }
        umount2(index, Int32(MNT_DETACH))
        // Writable again: the next command updates the index and removes the marker.
        #expect(try home.livret(["archive", "ls"]).status == 0)
        #expect(try workEntries(home).isEmpty)
        let rows = try TestSupport.run("sqlite3", [index, "SELECT ine FROM object ORDER BY ine"])
        #expect(rows.stdoutText.split(separator: "\n") == [Substring(other), Substring(ine)], "\(rows.stdoutText)")
    }
}
