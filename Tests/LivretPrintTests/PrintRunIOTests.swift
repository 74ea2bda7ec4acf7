import Foundation
import LivretTestSupport
import Testing

/// print-run's I/O failures (issue 10.6, 10.13): exit 74 naming the path and the reason, checked
/// before any work; a failing standard output is 74, never a crash.
@Suite("Print run I/O failures")
struct PrintRunIOTests {
    static func pupils() -> [PrintRunTests.Pupil] {
        [PrintRunTests.Pupil(nom: "MARTIN", prenoms: "Léa", ine: PrintRunTests.ine(1), division: "1A")]
    }

    @Test("--out a file, under a file, on a read-only file system: 74 with the path, before anything is printed")
    func outFolder() throws {
        let dataset = try PrintRunTests.dataset(Self.pupils())
        let work = try TestSupport.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: dataset)
            try? FileManager.default.removeItem(at: work)
        }
        let file = work.appendingPathComponent("file").path
        try Data("keep".utf8).write(to: URL(fileURLWithPath: file))
        var cases: [(String, String)] = [(file, "cannot write \(file): Not a directory"),
                                         (file + "/sub", "cannot create the folder \(file)/sub: Not a directory")]
        let readOnly = work.appendingPathComponent("ro").path
        if getuid() == 0 {  // a read-only tmpfs needs root to mount (and root ignores permission bits)
            try FileManager.default.createDirectory(atPath: readOnly, withIntermediateDirectories: true)
            try #require(try TestSupport.run("/bin/mount", ["-t", "tmpfs", "-o", "ro,size=16k", "tmpfs", readOnly]).status == 0)
            cases += [(readOnly, "cannot write \(readOnly): Read-only file system"),
                      (readOnly + "/out", "cannot create the folder \(readOnly)/out: Read-only file system")]
        }
        defer { if getuid() == 0 { _ = umount(readOnly) } }
        for (out, message) in cases {
            let result = try TestSupport.livret(["print-run", dataset.path, "--out", out, "--all", "--date", "2016-06-24"])
            #expect(result.status == 74, "\(out): \(result.stderr)")
            #expect(result.stderr == "livret: \(message)\n", "\(out): \(result.stderr)")
        }
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep")
    }

    @Test("--json or the summary into a full or closed standard output: 74, the files written")
    func standardOutput() throws {
        let dataset = try PrintRunTests.dataset(Self.pupils())
        let work = try TestSupport.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: dataset)
            try? FileManager.default.removeItem(at: work)
        }
        for (index, redirect) in ["--json > /dev/full", "--json >&-", "> /dev/full"].enumerated() {
            let out = work.appendingPathComponent("out\(index)").path
            let script = #""$L" print-run "$D" --all --date 2016-06-24 --out "# + out + " " + redirect
            let result = try TestSupport.run("/bin/bash", ["-c", script], environment: ["L": TestSupport.livretBinary.path, "D": dataset.path])
            #expect(result.status == 74, "\(redirect): \(result.stderr)")
            #expect(result.stderr.contains("livret: cannot write standard output: "), "\(redirect): \(result.stderr)")
            #expect(FileManager.default.fileExists(atPath: out + "/print-run.json"))
        }
    }

    @Test("A disk that fills during the run: 74 naming the file and 'No space left on device', not input refused",
          .enabled(if: getuid() == 0, "mounting a small tmpfs needs root"))
    func fullDisk() throws {
        // Three pupils of long appreciations in two divisions: a 64 KB file system fills up
        // partway (a pupil file, the class PDF or the hand-over sheet, whichever comes first).
        let text = String(repeating: "Un travail sérieux et régulier, des progrès constants. ", count: 40)
        let pupils = (1...3).map { PrintRunTests.Pupil(nom: "NOM\($0)", prenoms: "Prénom", ine: PrintRunTests.ine($0), division: $0 == 3 ? "1B" : "1A", appreciation: text) }
        let dataset = try PrintRunTests.dataset(pupils)
        let work = try TestSupport.temporaryDirectory()
        let disk = work.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        try #require(try TestSupport.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk]).status == 0)
        defer {
            _ = umount(disk)
            try? FileManager.default.removeItem(at: dataset)
            try? FileManager.default.removeItem(at: work)
        }
        let result = try TestSupport.livret(["print-run", dataset.path, "--out", disk + "/out", "--all", "--date", "2016-06-24"])
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device") && result.stderr.contains(disk + "/out"), "\(result.stderr)")
    }
}
