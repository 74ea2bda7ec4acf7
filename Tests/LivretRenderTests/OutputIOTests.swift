import Foundation
import LivretTestSupport
import Testing

/// Where `-o` writes and how I/O failures end (issue 10.5, 10.6, 10.13), through the binary: every
/// I/O failure is exit 74 with the path and the system's reason in plain words, never a crash.
@Suite("Output and I/O errors")
struct OutputIOTests {
    static let specimen = TestSupport.repositoryRoot.appendingPathComponent("Samples/specimen.json").path
    static let bin = TestSupport.livretBinary.path

    /// Runs a bash script with `$L` the livret binary and `$S` the specimen.
    static func sh(_ script: String, in directory: URL) throws -> ProcessResult {
        try TestSupport.run("/bin/bash", ["-c", script], environment: ["L": bin, "S": specimen], currentDirectory: directory)
    }

    static func kind(_ path: String, follow: Bool = false) -> mode_t {
        var status = stat()
        let result = follow ? stat(path, &status) : lstat(path, &status)
        return result == 0 ? status.st_mode & S_IFMT : 0
    }

    /// The PDF `render` writes into a plain new file, to compare with what went elsewhere.
    static func reference(in directory: URL) throws -> Data {
        let file = directory.appendingPathComponent("reference.pdf")
        let result = try TestSupport.livret(["render", specimen, "-o", file.path])
        try #require(result.status == 0, "\(result.stderr)")
        return try Data(contentsOf: file)
    }

    @Test("a full, closed or abandoned standard output: exit 74 and a message, never a crash")
    func standardOutputFailures() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(String, String)] = [
            (#""$L" render "$S" -o - > /dev/full"#, "cannot write standard output: No space left on device"),
            (#""$L" render "$S" -o - >&-"#, "cannot write standard output: it is closed"),
            // The reader has gone before the PDF comes: EPIPE, reported (SIGPIPE is ignored).
            (#"set -o pipefail; "$L" render "$S" -o - | (exec 0<&-; sleep 2)"#, "cannot write standard output: Broken pipe"),
        ]
        for (script, message) in cases {
            let result = try Self.sh(script, in: directory)
            #expect(result.status == 74, "\(script): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains(message), "\(script): \(result.stderr)")
        }
    }

    @Test("-o into a character device, a FIFO or a link to one writes into it; nothing is replaced")
    func devices() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let expected = try Self.reference(in: directory)

        // A character device of our own (the same device as /dev/null), and a link to /dev/null.
        let device = directory.appendingPathComponent("null").path
        let asRoot = getuid() == 0  // mknod needs root; the link to /dev/null does not
        if asRoot { try #require(mknod(device, S_IFCHR | 0o666, dev_t(0x103) /* makedev(1, 3) */) == 0) }
        symlink("/dev/null", directory.appendingPathComponent("to-null").path)
        for target in (asRoot ? [device] : []) + [directory.appendingPathComponent("to-null").path] {
            let result = try TestSupport.livret(["render", Self.specimen, "-o", target])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(!asRoot || Self.kind(device) == S_IFCHR)
        #expect(Self.kind(directory.appendingPathComponent("to-null").path) == S_IFLNK)
        #expect(Self.kind("/dev/null") == S_IFCHR)

        // A FIFO read by cat, and /proc/self/fd/1 (a pipe): the reader gets the very PDF.
        try #require(mkfifo(directory.appendingPathComponent("pipe").path, 0o600) == 0)
        let fifo = try Self.sh(#"cat pipe > from-fifo.pdf & "$L" render "$S" -o pipe && wait"#, in: directory)
        #expect(fifo.status == 0, "\(fifo.stderr)")
        #expect(try Data(contentsOf: directory.appendingPathComponent("from-fifo.pdf")) == expected)
        #expect(Self.kind(directory.appendingPathComponent("pipe").path) == S_IFIFO)
        let proc = try Self.sh(#"set -o pipefail; "$L" render "$S" -o /proc/self/fd/1 | cat > from-proc.pdf"#, in: directory)
        #expect(proc.status == 0, "\(proc.stderr)")
        #expect(try Data(contentsOf: directory.appendingPathComponent("from-proc.pdf")) == expected)
        // The process's own descriptors, whatever the shell opened: appended to a log, not replacing it.
        try Data("log start\n".utf8).write(to: directory.appendingPathComponent("log"))
        for name in ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"] {
            let appended = try Self.sh(#""$L" render "$S" -o "# + name + " >> log", in: directory)
            #expect(appended.status == 0, "\(name): \(appended.stderr)")
        }
        #expect(try Data(contentsOf: directory.appendingPathComponent("log")) == Data("log start\n".utf8) + expected + expected + expected)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["from-fifo.pdf", "from-proc.pdf", "log"] + (asRoot ? ["null"] : []) + ["pipe", "reference.pdf", "to-null"])
    }

    @Test("-o a link to a file replaces the file and keeps the link")
    func linkToFile() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let expected = try Self.reference(in: directory)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("issued"), withIntermediateDirectories: true)
        try Data("old".utf8).write(to: directory.appendingPathComponent("issued/2016.pdf"))
        symlink("issued/2016.pdf", directory.appendingPathComponent("latest.pdf").path)
        let result = try TestSupport.livret(["render", Self.specimen, "-o", directory.appendingPathComponent("latest.pdf").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(Self.kind(directory.appendingPathComponent("latest.pdf").path) == S_IFLNK)
        #expect(try Data(contentsOf: directory.appendingPathComponent("issued/2016.pdf")) == expected)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("issued").path) == ["2016.pdf"])
    }

    @Test("I/O failures are 74 with the path and the reason; an empty -o is a usage error")
    func failures() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("existing").path
        try Data("keep".utf8).write(to: URL(fileURLWithPath: file))
        let folder = directory.appendingPathComponent("folder").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let cases: [([String], Int32, String)] = [
            (["render", Self.specimen, "-o", ""], 64, "-o is empty"),
            (["render", "", "-o", directory.appendingPathComponent("x.pdf").path], 64, "document is empty"),
            (["render", Self.specimen, "-o", folder], 74, "cannot write \(folder): is a folder"),
            (["render", Self.specimen, "-o", file + "/sub.pdf"], 74, "cannot write \(file)/sub.pdf: Not a directory"),
            (["render", "/dev/zero", "-o", directory.appendingPathComponent("x.pdf").path], 74, "cannot read /dev/zero: is a device, not a regular file"),
            (["render", folder, "-o", directory.appendingPathComponent("x.pdf").path], 74, "cannot read \(folder): is a folder"),
            (["render", directory.appendingPathComponent("none.json").path, "-o", directory.appendingPathComponent("x.pdf").path], 74,
             "cannot read \(directory.appendingPathComponent("none.json").path): No such file or directory"),
            (["print-run", directory.path, "--out", file, "--all"], 74, "\(file): Not a directory"),
            (["print-run", directory.path, "--out", file + "/sub", "--all"], 74, "\(file)/sub: Not a directory"),
        ]
        for (arguments, status, message) in cases {
            let result = try TestSupport.livret(arguments)
            #expect(result.status == status, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Domain="), "\(arguments): \(result.stderr)")
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["existing", "folder"])
    }

    @Test("a full disk: 74 naming the file, the previous file intact", .enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func fullDisk() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let small = directory.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        try #require(try TestSupport.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4k", "tmpfs", small]).status == 0)
        defer { _ = umount(small) }
        let out = small + "/out.pdf"
        try Data("previous".utf8).write(to: URL(fileURLWithPath: out))
        let result = try TestSupport.livret(["render", Self.specimen, "-o", out])
        #expect(result.status == 74)
        #expect(result.stderr.contains("cannot write \(out): No space left on device"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data("previous".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: small) == ["out.pdf"])
    }
}
