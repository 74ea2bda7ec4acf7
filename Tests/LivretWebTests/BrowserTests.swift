import Foundation
import LivretTestSupport
import Testing

/// The pages in a real browser: `livret serve` on loopback with users made by `livret users add`,
/// Debian's chromium driven headless by selenium (`browser_check.py`), axe-core on every page.
/// The screenshots go to `.build/web-screenshots/` (or `$LIVRET_WEB_OUT`), kept after the run.
@Suite(.serialized) struct BrowserTests {
    static let chromium = "/usr/bin/chromium"
    static let chromedriver = "/usr/bin/chromedriver"

    /// A free TCP port on loopback (bound, read, released).
    static func freePort() throws -> Int {
        let result = try TestSupport.run("python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"])
        return try #require(Int(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    static func addUser(_ home: URL, _ arguments: [String]) throws -> String {
        let result = try TestSupport.livret(["users", "add", "--archive", home.path] + arguments)
        try #require(result.status == 0, "livret users add \(arguments.first ?? ""): \(result.stderr)")
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.timeLimit(.minutes(20))) func secretariatJuryFamilyAndPublicPagesInChromium() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.chromium), "chromium is not installed: run `make test-deps` (apt chromium)")
        try #require(FileManager.default.isExecutableFile(atPath: Self.chromedriver), "chromedriver is not installed: run `make test-deps` (apt chromium-driver)")
        let venv = ProcessInfo.processInfo.environment["LIVRET_PYENV"] ?? TestSupport.repositoryRoot.appendingPathComponent(".build/pyenv").path
        let python = venv + "/bin/python"
        let probe = try TestSupport.run(python, ["-c", "import selenium, axe_core_python"])
        try #require(probe.status == 0, "no selenium and axe-core-python in \(venv): run `make test-deps` (scripts/python-env)")
        try #require(try TestSupport.run("pdfinfo", ["-v"]).status == 0, "pdfinfo (poppler-utils) is missing")

        let root = try TestSupport.temporaryDirectory("web")
        defer { try? FileManager.default.removeItem(at: root) }
        let home = root.appendingPathComponent("Archive")
        let keys = root.appendingPathComponent("Keys")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let samples = TestSupport.repositoryRoot.appendingPathComponent("Samples/lycee")
        let keysInit = try TestSupport.livret(["keys", "init", "--etablissement", samples.appendingPathComponent("etablissement.json").path, "--keys", keys.path])
        #expect(keysInit.status == 0, "keys init: \(keysInit.stderr)")

        // The jury of the terminale division's centre; the family's account is made from the users page.
        let names = try FileManager.default.contentsOfDirectory(atPath: samples.path)
        #expect(names.contains("ElevesSansAdresses.xml"))
        let eleves = try String(contentsOf: samples.appendingPathComponent("ElevesSansAdresses.xml"), encoding: .isoLatin1)
        // The sample's terminale ES division (Samples/lycee/MANIFEST.txt): its candidates go to the jury's centre.
        let terminale = "TES1"
        #expect(eleves.contains("<CODE_STRUCTURE>\(terminale)</CODE_STRUCTURE>"))
        let today = ISO8601DateFormatter().string(from: Date()).prefix(10)
        let tokens = [
            "SECRETARIAT": try Self.addUser(home, ["--role", "secretariat", "--name", "Mme Martin (secrétariat)"]),
            "JURY": try Self.addUser(home, ["--role", "jury", "--name", "M. Bernard (jury)", "--centre", "C38-01", "--session", "2016-06",
                                             "--from", String(today), "--until", String(today)]),
            "ARCHIVISTE": try Self.addUser(home, ["--role", "archiviste", "--name", "Mme Petit (archives)"]),
        ]
        for token in tokens.values { #expect(token.count >= 22 && !token.contains(" ")) }

        let port = try Self.freePort()
        let logURL = root.appendingPathComponent("serve.log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let server = Process()
        server.executableURL = TestSupport.livretBinary
        server.arguments = ["serve", "--archive", home.path, "--keys", keys.path, "--host", "127.0.0.1", "--port", String(port)]
        server.currentDirectoryURL = TestSupport.repositoryRoot
        server.standardOutput = log
        server.standardError = log
        try server.run()
        defer {
            if server.isRunning {
                server.terminate()
                server.waitUntilExit()
            }
        }
        let url = "http://127.0.0.1:\(port)"
        var healthy = false
        for _ in 0..<200 where !healthy {
            try await Task.sleep(for: .milliseconds(100))
            healthy = (try? TestSupport.run("python3", ["-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('\(url)/healthz').status == 200 else 1)"]).status) == 0
        }
        try #require(healthy, "livret serve did not answer /healthz: \(String(decoding: (try? Data(contentsOf: logURL)) ?? Data(), as: UTF8.self))")

        let out = URL(fileURLWithPath: ProcessInfo.processInfo.environment["LIVRET_WEB_OUT"]
            ?? TestSupport.repositoryRoot.appendingPathComponent(".build/web-screenshots").path)
        try? FileManager.default.removeItem(at: out)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        print("BrowserTests: screenshots in \(out.path)")
        let script = TestSupport.repositoryRoot.appendingPathComponent("Tests/LivretWebTests/browser_check.py")
        let result = try TestSupport.run(python, [script.path], environment: [
            "LIVRET_URL": url, "LIVRET_OUT": out.path, "LIVRET_SAMPLES": samples.path,
            "LIVRET_TOKEN_SECRETARIAT": tokens["SECRETARIAT"]!, "LIVRET_TOKEN_JURY": tokens["JURY"]!,
            "LIVRET_TOKEN_ARCHIVISTE": tokens["ARCHIVISTE"]!,
            "LIVRET_JURY_CENTRE": "C38-01", "LIVRET_JURY_SESSION": "2016-06", "LIVRET_JURY_DIVISION": terminale, "LIVRET_OTHER_DIVISION": "1S1",
            "LIVRET_CHROMIUM": Self.chromium, "LIVRET_CHROMEDRIVER": Self.chromedriver,
        ])
        print(result.stdoutText)
        try? FileManager.default.copyItem(at: logURL, to: out.appendingPathComponent("serve.log"))
        #expect(result.status == 0, "browser checks failed:\n\(result.stdoutText)\n\(result.stderr.suffix(4000))")
        #expect(result.stdoutText.contains("pages checked"))

        // The server's log holds no token, and the journal holds the consultations made from the pages.
        server.terminate()
        server.waitUntilExit()
        let logText = String(decoding: try Data(contentsOf: logURL), as: UTF8.self)
        for (role, token) in tokens { #expect(!logText.contains(token), "the \(role) token is in the server's log") }
        let journal = try TestSupport.livret(["journal", "show", "--archive", home.path, "--json"])
        #expect(journal.status == 0)
        #expect(journal.stdoutText.contains("\"consult\""), "no consultation journaled")
        let verify = try TestSupport.livret(["journal", "verify", "--archive", home.path])
        #expect(verify.status == 0, "journal verify: \(verify.stdoutText) \(verify.stderr)")
    }
}
