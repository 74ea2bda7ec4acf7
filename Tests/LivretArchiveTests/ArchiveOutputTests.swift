import Foundation
import LivretArchive
import LivretTestSupport
import Testing

/// `archive get`/`export` outputs and their I/O failures (issue 10.5, 10.6, 10.13): exit 74 with the
/// path and the reason, devices written into, never a crash nor tar's raw words.
@Suite struct ArchiveOutputTests {
    let ine = "123456789AB"

    /// An archive holding one object, with its stored file.
    func archiveWithObject() throws -> (ArchiveHome, Data) {
        let home = try ArchiveHome()
        let data = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let archive = try Archive(home: home.url)
        _ = try archive.put(ine: ine, files: [ArchiveFile(logicalPath: "2015-2016/livret.pdf", data: data)], message: "m")
        return (home, data)
    }

    func sh(_ script: String, home: ArchiveHome) throws -> ProcessResult {
        try TestSupport.run("/bin/bash", ["-c", script],
                            environment: ["L": TestSupport.livretBinary.path, "LIVRET_ARCHIVE": home.url.path, "INE": ine],
                            currentDirectory: home.url)
    }

    @Test("standard output full or closed: get, ls and log exit 74 with a message")
    func standardOutput() throws {
        let (home, _) = try archiveWithObject()
        defer { home.remove() }
        for script in [#""$L" archive get --ine $INE --path 2015-2016/livret.pdf -o - > /dev/full"#,
                       #""$L" archive get --ine $INE --path 2015-2016/livret.pdf -o - >&-"#,
                       #""$L" archive ls > /dev/full"#,
                       #""$L" archive log --ine $INE > /dev/full"#] {
            let result = try sh(script, home: home)
            #expect(result.status == 74, "\(script): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("cannot write standard output: "), "\(script): \(result.stderr)")
        }
    }

    @Test("get -o a link to /dev/null or a FIFO writes into it; -o a link to a file replaces the file")
    func getDestinations() throws {
        let (home, data) = try archiveWithObject()
        defer { home.remove() }
        symlink("/dev/null", home.url.appendingPathComponent("sink").path)
        #expect(try sh(#""$L" archive get --ine $INE --path 2015-2016/livret.pdf -o sink"#, home: home).status == 0)
        var status = stat()
        #expect(lstat(home.url.appendingPathComponent("sink").path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)

        #expect(mkfifo(home.url.appendingPathComponent("fifo").path, 0o600) == 0)
        let fifo = try sh(#"cat fifo > got.pdf & "$L" archive get --ine $INE --path 2015-2016/livret.pdf -o fifo && wait"#, home: home)
        #expect(fifo.status == 0, "\(fifo.stderr)")
        #expect(try Data(contentsOf: home.url.appendingPathComponent("got.pdf")) == data)

        try Data("old".utf8).write(to: home.url.appendingPathComponent("kept.pdf"))
        symlink("kept.pdf", home.url.appendingPathComponent("current.pdf").path)
        #expect(try sh(#""$L" archive get --ine $INE --path 2015-2016/livret.pdf -o current.pdf"#, home: home).status == 0)
        #expect(lstat(home.url.appendingPathComponent("current.pdf").path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK)
        #expect(try Data(contentsOf: home.url.appendingPathComponent("kept.pdf")) == data)
    }

    @Test("export -o into a missing folder, a folder, under a file: 74 with the path, no tar output, nothing left")
    func exportFailures() throws {
        let (home, _) = try archiveWithObject()
        defer { home.remove() }
        try Data("x".utf8).write(to: home.url.appendingPathComponent("plain"))
        try FileManager.default.createDirectory(at: home.url.appendingPathComponent("taken.tar"), withIntermediateDirectories: true)
        for (output, reason) in [("nodir/X.tar", "No such file or directory"), ("plain/X.tar", "Not a directory"), ("taken.tar", "is a folder")] {
            let result = try sh(#""$L" archive export --ine $INE -o "# + output, home: home)
            #expect(result.status == 74, "\(output): \(result.stderr)")
            #expect(result.stderr.contains("cannot write \(home.url.appendingPathComponent(output).path): \(reason)"), "\(output): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(output): \(result.stderr)")  // one line: no tar output
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: home.url.path).filter { $0.contains("tmp") }
        #expect(names.isEmpty, "\(names)")
    }

    @Test("export to a full disk: 74, No space left on device, no partial tar", .enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func exportFullDisk() throws {
        let (home, _) = try archiveWithObject()
        defer { home.remove() }
        let small = home.url.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: small, withIntermediateDirectories: true)
        try #require(try TestSupport.run("/bin/mount", ["-t", "tmpfs", "-o", "size=20k", "tmpfs", small]).status == 0)
        defer { _ = umount(small) }
        let result = try sh(#""$L" archive export --ine $INE -o small/X.tar"#, home: home)
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write \(small)/X.tar: No space left on device"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: small).isEmpty)
    }
}
