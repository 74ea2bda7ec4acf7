import Foundation
import LivretModel
import Testing

/// The rules of the one atomic writer (issue 9.3, 10.5) and of the one I/O error (10.13).
@Suite("AtomicFile and IOError")
struct AtomicFileTests {
    /// A temporary folder, removed by `remove()`.
    struct Folder {
        let path: String
        init() throws {
            path = NSTemporaryDirectory() + "livret-atomic-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        func remove() { try? FileManager.default.removeItem(atPath: path) }
        subscript(_ name: String) -> String { path + "/" + name }
        /// Every name in the folder, hidden ones included (temporaries are hidden).
        var names: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
    }

    func kind(_ path: String, follow: Bool = false) -> mode_t {
        var status = stat()
        let result = follow ? stat(path, &status) : lstat(path, &status)
        return result == 0 ? status.st_mode & S_IFMT : 0
    }

    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("a new file and a replaced file: whole, no temporary left, permissions kept")
    func regularFiles() throws {
        let folder = try Folder()
        defer { folder.remove() }
        try AtomicFile.write(Data("one".utf8), toPath: folder["a.txt"])
        #expect(contents(folder["a.txt"]) == "one")
        chmod(folder["a.txt"], 0o600)
        try AtomicFile.write(Data("two, longer".utf8), toPath: folder["a.txt"])
        #expect(contents(folder["a.txt"]) == "two, longer")
        var status = stat()
        #expect(stat(folder["a.txt"], &status) == 0 && status.st_mode & 0o777 == 0o600)
        #expect(folder.names == ["a.txt"])
    }

    @Test("a link to a file: the target is replaced, the link stays a link (through a chain, and when dangling)")
    func links() throws {
        let folder = try Folder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder["real"], withIntermediateDirectories: true)
        try AtomicFile.write(Data("old".utf8), toPath: folder["real/target.pdf"])
        symlink("real/target.pdf", folder["link1"])
        symlink("link1", folder["link2"])  // a link to a link, relative
        try AtomicFile.write(Data("new".utf8), toPath: folder["link2"])
        #expect(kind(folder["link1"]) == S_IFLNK && kind(folder["link2"]) == S_IFLNK)
        #expect(contents(folder["real/target.pdf"]) == "new")
        #expect(try AtomicFile.destination(of: folder["link2"]) == .replace(folder["real/target.pdf"]))

        symlink(folder["real/missing.pdf"], folder["dangling"])  // absolute, to nothing
        try AtomicFile.write(Data("created".utf8), toPath: folder["dangling"])
        #expect(kind(folder["dangling"]) == S_IFLNK)
        #expect(contents(folder["real/missing.pdf"]) == "created")
        #expect(folder.names == ["dangling", "link1", "link2", "real"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder["real"]).sorted() == ["missing.pdf", "target.pdf"])
    }

    @Test("a character device and a FIFO are written into, never replaced")
    func devicesAndFIFOs() throws {
        let folder = try Folder()
        defer { folder.remove() }
        // A link to the system's /dev/null: written through, neither replaced.
        symlink("/dev/null", folder["to-null"])
        try AtomicFile.write(Data("into the void".utf8), toPath: folder["to-null"])
        #expect(kind(folder["to-null"]) == S_IFLNK)
        #expect(kind("/dev/null") == S_IFCHR)

        // A FIFO: a reader gets every byte; the FIFO is still a FIFO; no temporary beside it.
        #expect(mkfifo(folder["fifo"], 0o600) == 0)
        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })  // more than a pipe holds
        let received = ReceivedBytes()
        let path = folder["fifo"]
        let reader = Thread { received.set(try? FileIO.read(path)) }
        reader.start()
        try AtomicFile.write(payload, toPath: folder["fifo"])
        let deadline = Date().addingTimeInterval(10)
        while received.get() == nil && Date() < deadline { usleep(10_000) }
        #expect(received.get() == payload)
        #expect(kind(folder["fifo"]) == S_IFIFO)
        #expect(folder.names == ["fifo", "to-null"])
    }

    @Test("a folder (or a link to one), an empty path, a path ending in / and a path under a file are refused")
    func refusals() throws {
        let folder = try Folder()
        defer { folder.remove() }
        try FileManager.default.createDirectory(atPath: folder["dir"], withIntermediateDirectories: true)
        try AtomicFile.write(Data("keep".utf8), toPath: folder["dir/keep"])
        symlink("dir", folder["dirlink"])
        try AtomicFile.write(Data("file".utf8), toPath: folder["file"])
        let cases: [(String, Int32)] = [
            (folder["dir"], EISDIR), (folder["dirlink"], EISDIR), ("", ENOENT), (folder["new/"], EISDIR),
            (folder["file/sub.pdf"], ENOTDIR), (folder["nodir/x.pdf"], ENOENT),
        ]
        for (path, code) in cases {
            do {
                try AtomicFile.write(Data("x".utf8), toPath: path)
                Issue.record("\(path) was written")
            } catch {
                #expect(error.errno == code, "\(path): \(error)")
                #expect(error.path == path)
                #expect(error.description.hasPrefix("cannot write \(path.isEmpty ? "''" : path): "), "\(error)")
            }
        }
        #expect(kind(folder["dir"]) == S_IFDIR && kind(folder["dirlink"]) == S_IFLNK)
        #expect(contents(folder["dir/keep"]) == "keep" && contents(folder["file"]) == "file")
        #expect(folder.names == ["dir", "dirlink", "file"])
    }

    @Test("a full disk: IOError ENOSPC naming the file, the old file intact, no temporary left",
          .enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func fullDisk() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let mountPoint = folder["small"]
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = Process()
        mounted.executableURL = URL(fileURLWithPath: "/bin/mount")
        mounted.arguments = ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint]
        try mounted.run()
        mounted.waitUntilExit()
        try #require(mounted.terminationStatus == 0, "mount -t tmpfs failed")
        defer { _ = umount(mountPoint) }
        let file = mountPoint + "/out.pdf"
        try AtomicFile.write(Data("previous".utf8), toPath: file)
        do {
            try AtomicFile.write(Data(count: 1 << 20), toPath: file)
            Issue.record("1 MiB written into 256 KiB")
        } catch {
            #expect(error.errno == ENOSPC)
            #expect(error.description == "cannot write \(file): No space left on device")
        }
        #expect(contents(file) == "previous")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint) == ["out.pdf"])
    }

    @Test("streaming: nothing visible before commit, nothing left after discard")
    func streaming() throws {
        let folder = try Folder()
        defer { folder.remove() }
        let output = try AtomicFile.Output(path: folder["class.pdf"])
        try output.write(Data("page 1 ".utf8))
        try output.fileHandle.write(contentsOf: Data("page 2".utf8))
        #expect(!FileManager.default.fileExists(atPath: folder["class.pdf"]))
        try output.commit()
        #expect(contents(folder["class.pdf"]) == "page 1 page 2")
        do {
            let abandoned = try AtomicFile.Output(path: folder["class.pdf"])
            try abandoned.write(Data("half".utf8))
            abandoned.discard()
        }
        do {
            let dropped = try AtomicFile.Output(path: folder["other.pdf"])
            try dropped.write(Data("half".utf8))
        }
        #expect(contents(folder["class.pdf"]) == "page 1 page 2")
        #expect(folder.names == ["class.pdf"])
    }

    @Test("a folder replaced whole: exchanged, the old tree handed back; a link is never replaced")
    func folders() throws {
        let folder = try Folder()
        defer { folder.remove() }
        for (name, text) in [("data/a.json", "old"), ("stage/a.json", "new")] {
            try FileManager.default.createDirectory(atPath: folder[name.split(separator: "/")[0].description], withIntermediateDirectories: true)
            try AtomicFile.write(Data(text.utf8), toPath: folder[name])
        }
        let old = try AtomicFile.replaceFolder(folder["data"], with: folder["stage"], aside: folder["aside"])
        #expect(contents(folder["data/a.json"]) == "new")
        let oldTree = try #require(old)
        #expect(contents(oldTree + "/a.json") == "old")
        try FileManager.default.removeItem(atPath: oldTree)
        try FileManager.default.createDirectory(atPath: folder["stage2"], withIntermediateDirectories: true)
        symlink("data", folder["link"])
        #expect(throws: IOError.self) { try AtomicFile.replaceFolder(folder["link"], with: folder["stage2"], aside: folder["aside"]) }
        #expect(kind(folder["link"]) == S_IFLNK && contents(folder["data/a.json"]) == "new")
        // Nothing there yet: a plain rename.
        #expect(try AtomicFile.replaceFolder(folder["fresh"], with: folder["stage2"], aside: folder["aside"]) == nil)
        #expect(kind(folder["fresh"]) == S_IFDIR)
    }

    @Test("reading: a device, a folder and a file over the limit are refused in plain words; a FIFO is read")
    func reading() throws {
        let folder = try Folder()
        defer { folder.remove() }
        for (path, code, words) in [("/dev/zero", EINVAL, "is a device, not a regular file"), ("/dev/urandom", EINVAL, "is a device, not a regular file"),
                                    (folder.path, EISDIR, "is a folder, not a file")] {
            do {
                _ = try FileIO.read(path)
                Issue.record("\(path) was read")
            } catch {
                #expect(error.errno == code)
                #expect(error.description == "cannot read \(path): \(words)")
            }
        }
        try AtomicFile.write(Data(count: 2_000), toPath: folder["big"])
        #expect(throws: IOError(.read, path: folder["big"], errno: EFBIG, reason: "larger than the limit of 1000 bytes")) {
            try FileIO.read(folder["big"], limit: 1_000)
        }
        #expect(throws: IOError(.open, path: folder["none"], errno: ENOENT)) { try FileIO.read(folder["none"]) }
        #expect(IOError(.open, path: "x.json", errno: ENOENT).description == "cannot read x.json: No such file or directory")

        #expect(mkfifo(folder["fifo"], 0o600) == 0)
        let path = folder["fifo"]
        let writer = Thread { _ = try? AtomicFile.write(Data("through a pipe".utf8), toPath: path) }
        writer.start()
        #expect(try FileIO.read(folder["fifo"]) == Data("through a pipe".utf8))
    }
}

/// Bytes handed from a reader thread to the test.
final class ReceivedBytes: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data?) { lock.withLock { data = value ?? Data() } }
    func get() -> Data? { lock.withLock { data } }
}
