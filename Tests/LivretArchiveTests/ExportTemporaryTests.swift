import Foundation
import LivretArchive
import LivretTestSupport
import Testing

/// `export` to a `.tar` leaves no `X.tar.tmp-<pid>` behind, its own or a killed export's.
@Suite struct ExportTemporaryTests {
    let ine = "123456789AB"

    func temporaries(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.contains(".tmp-") }.sorted()
    }

    /// The pid of a process that has exited (and been reaped).
    func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let pid = process.processIdentifier
        #expect(kill(pid, 0) == -1 && errno == ESRCH)
        return pid
    }

    @Test("a failed export removes its temporary file")
    func failedExport() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let archive = try Archive(home: home.url)
        _ = try archive.put(ine: ine, files: [ArchiveFile(logicalPath: "2015-2016/livret.pdf", data: randomData(3_000))], message: "m")
        let out = home.url.appendingPathComponent("out")
        // The destination is a non-empty directory: tar writes the temporary, the rename fails.
        try write(Data("x".utf8), out.appendingPathComponent("pupil.tar/keep"))
        #expect(throws: ArchiveError.self) { try archive.export(ine: ine, to: out.appendingPathComponent("pupil.tar")) }
        let left = try temporaries(in: out)
        #expect(left.isEmpty, "\(left)")
    }

    @Test("export removes the temporaries of dead exports of the same file, not those of live ones")
    func staleTemporaries() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let archive = try Archive(home: home.url)
        _ = try archive.put(ine: ine, files: [ArchiveFile(logicalPath: "2015-2016/livret.pdf", data: randomData(3_000))], message: "m")
        let out = home.url.appendingPathComponent("out")
        let dead = try deadPID()
        try write(Data("partial".utf8), out.appendingPathComponent("pupil.tar.tmp-\(dead)"))
        try write(Data("live".utf8), out.appendingPathComponent("pupil.tar.tmp-1"))  // pid 1 is alive
        try write(Data("other".utf8), out.appendingPathComponent("other.tar.tmp-\(dead)"))  // not this export's
        let result = try home.livret(["archive", "export", "--ine", ine, "-o", out.appendingPathComponent("pupil.tar").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("pupil.tar").path))
        #expect(try temporaries(in: out) == ["other.tar.tmp-\(dead)", "pupil.tar.tmp-1"])
    }
}
