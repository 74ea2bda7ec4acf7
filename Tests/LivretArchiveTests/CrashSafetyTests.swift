import Foundation
import LivretArchive
import LivretTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Writers (the real binary doing `archive put`) killed with SIGKILL at random moments: no
/// acknowledged version is lost, recovery leaves a root that `verify` and ocfl-py accept with no
/// error and no warning.
@Suite struct CrashSafetyTests {
    struct Acknowledged {
        var ine: String
        var version: String
        var logicalPath: String
        var digest: String
    }

    /// Starts `livret archive put` writing `data` at `logicalPath`.
    static func startPut(home: ArchiveHome, ine: String, file: URL, logicalPath: String) throws -> (Process, URL) {
        let process = Process()
        process.executableURL = TestSupport.livretBinary
        process.arguments = ["archive", "put", "--ine", ine, "--file", file.path, "--as", logicalPath, "--message", "crash test"]
        process.environment = ProcessInfo.processInfo.environment.merging(["LIVRET_ARCHIVE": home.url.path]) { $1 }
        let out = file.appendingPathExtension("out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, out)
    }

    @Test("SIGKILL at random moments loses no acknowledged version; recovery leaves a valid root")
    func killWriters() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let inputs = home.url.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        // Initialise the archive once so that early kills hit writes, not set-up.
        _ = try home.livret(["archive", "ls"])
        let pupils = ["100000001AA", "100000002AA", "100000003AA"]
        var acknowledged: [Acknowledged] = []
        var killed = 0
        let iterations = Int(ProcessInfo.processInfo.environment["LIVRET_CRASH_ITERATIONS"] ?? "") ?? 30
        // Seeded (LIVRET_CRASH_SEED replays a run): sizes, delays and which writers are killed.
        let seed = UInt64(ProcessInfo.processInfo.environment["LIVRET_CRASH_SEED"] ?? "") ?? UInt64.random(in: 0...UInt64.max)
        print("CrashSafetyTests.killWriters: seed \(seed) (LIVRET_CRASH_SEED=\(seed) replays it)")
        var generator = SeededGenerator(seed: seed)
        for iteration in 0..<iterations {
            var running: [(Process, URL, String, String, String)] = []
            // Two writers on the same pupil, one on another: serialised / independent.
            for (index, ine) in [pupils[iteration % 3], pupils[iteration % 3], pupils[(iteration + 1) % 3]].enumerated() {
                let data = randomData(Int.random(in: 20_000...60_000, using: &generator), using: &generator)
                let file = inputs.appendingPathComponent("\(iteration)-\(index).pdf")
                try data.write(to: file)
                let logicalPath = "\(2015 + index)-\(2016 + index)/livret.pdf"
                let (process, out) = try Self.startPut(home: home, ine: ine, file: file, logicalPath: logicalPath)
                running.append((process, out, ine, logicalPath, sha512Hex(data)))
            }
            usleep(UInt32.random(in: 0...60_000, using: &generator))
            for (process, _, _, _, _) in running where Bool.random(using: &generator) && process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            for (process, out, ine, logicalPath, digest) in running {
                process.waitUntilExit()
                let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
                if process.terminationReason == .exit, process.terminationStatus == 0,
                    let word = text.split(separator: " ").dropFirst().first, text.hasPrefix("created ")
                {
                    acknowledged.append(Acknowledged(ine: ine, version: String(word), logicalPath: logicalPath, digest: digest))
                }
            }
        }
        #expect(killed > 0, "seed \(seed)")
        #expect(acknowledged.count > 0)

        // The next command recovers automatically; `recover` checks every object.
        let recover = try home.livret(["archive", "recover"])
        #expect(recover.status == 0, "\(recover.stderr)")
        for ack in acknowledged {
            let got = try home.livret(["archive", "get", "--ine", ack.ine, "--path", ack.logicalPath, "--version", ack.version, "-o", "-"])
            #expect(got.status == 0, "\(ack.ine) \(ack.version) \(ack.logicalPath): \(got.stderr)")
            #expect(sha512Hex(got.stdout) == ack.digest, "\(ack.ine) \(ack.version) \(ack.logicalPath) lost")
        }
        let verify = try home.livret(["archive", "verify"])
        #expect(verify.status == 0, "\(verify.stdoutText)")
        #expect(verify.stdoutText.contains("0 error(s), 0 warning(s)"))
        let validation = try Tools.validate(root: home.root)
        #expect(validation.status == 0, "\(validation.output)")
        #expect(validation.summary.contains("errors=0 warnings=0"), "\(validation.output)")
        let work = try FileManager.default.contentsOfDirectory(atPath: home.url.appendingPathComponent("work").path)
        #expect(work.isEmpty, "\(work)")
    }

    @Test("a version directory published without its root inventory is rolled forward")
    func rollForward() throws {
        let home = try ArchiveHome()
        defer { home.remove() }
        let file = home.url.appendingPathComponent("a.pdf")
        try write(randomData(1000), file)
        #expect(try home.livret(["archive", "put", "--ine", "100000001AA", "--file", file.path, "--as", "a.pdf"]).status == 0)
        let object = home.root.appendingPathComponent(StorageLayout().path(for: "urn:lsl:ine:100000001AA"))
        let savedInventory = try Data(contentsOf: object.appendingPathComponent("inventory.json"))
        let savedSidecar = try Data(contentsOf: object.appendingPathComponent("inventory.json.sha512"))
        try write(randomData(1000), file)
        #expect(try home.livret(["archive", "put", "--ine", "100000001AA", "--file", file.path, "--as", "a.pdf"]).stdoutText.hasPrefix("created v2"))
        // Simulate a crash after the v2 rename: root inventory and sidecar still at v1.
        try savedInventory.write(to: object.appendingPathComponent("inventory.json"))
        try savedSidecar.write(to: object.appendingPathComponent("inventory.json.sha512"))
        #expect(try Tools.validate(root: home.root).status != 0)
        let recover = try home.livret(["archive", "recover"])
        #expect(recover.stdoutText.contains("repaired"))
        #expect(try Tools.validate(root: home.root).summary.contains("errors=0 warnings=0"))
        #expect(try home.livret(["archive", "log", "--ine", "100000001AA"]).stdoutText.contains("v2"))
    }
}
